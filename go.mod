module bangfu

go 1.26.8

require (
	github.com/eatmoreapple/openwechat v1.4.10 // indirect
	github.com/go-telegram/bot v1.19.0 // indirect
	github.com/robfig/cron/v3 v3.0.1 // indirect
	go.etcd.io/bbolt v1.5.0 // indirect
	golang.org/x/sys v0.45.0 // indirect
	golang.org/x/time v0.16.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
