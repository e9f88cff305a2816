package wecom

// The lines this adapter writes itself (to the admins, a welcome, what a
// parent's school notice ends with), as functions, so the wording is
// reviewed in one place.

import (
	"fmt"
	"time"
)

func kicked() string {
	return "企业微信：另一个程序用同一个智能机器人（同一个 Bot ID）连上了企业微信，本机的 bangfu 已停止使用企业微信，以免两边来回抢连接。请只保留一处运行，然后重启 bangfu。"
}

func credentialsRefused(code int) string {
	return fmt.Sprintf("企业微信拒绝了智能机器人的 Bot ID 或 Secret（错误码 %d）。请检查 config.yaml 里的 wecom.bot_id 和 wecom.secret（或环境变量 BANGFU_WECOM_SECRET），改好后重启 bangfu；在此之前我会每隔一会儿再试。", code)
}

func unreachable(lasted time.Duration) string {
	return fmt.Sprintf("企业微信已经连不上%s了（网络不通或服务故障）。其他平台和定时提醒照常；发往企业微信的消息会等恢复后再发，我会一直重试。", minutes(lasted))
}

func backAgain() string { return "企业微信已恢复连接，积压的消息正在发出。" }

func errorCode(code int, msg string) string {
	return fmt.Sprintf("企业微信拒绝了一条消息（错误码 %d：%s）。这条消息会按规则重试几次，之后放弃；同样的错误我只提醒这一次。错误码的意思可以在 https://open.work.weixin.qq.com/devtool/query 查到。", code, msg)
}

func welcome() string {
	return "您好，我是帮扶助手。老师发 /help 看能用的命令；第一次用请发 /join 邀请码。"
}

func groupName(suffix string) string { return "企业微信群" + suffix }

func minutes(d time.Duration) string {
	if d < time.Hour {
		return fmt.Sprintf("%d分钟", int(d.Minutes()))
	}
	return fmt.Sprintf("%.1f小时", d.Hours())
}

// parentFooter ends every school notice: a 家校通讯录 parent reads it in
// WeChat and cannot answer it.
func parentFooter() string {
	return "\n\n（这是学校通知，直接回复老师收不到。有事请打电话给班主任，或在班级家长群里联系。）"
}

func appRefused(code int, what string) string {
	return fmt.Sprintf("企业微信自建应用发消息失败（错误码 %d）：%s", code, what)
}
