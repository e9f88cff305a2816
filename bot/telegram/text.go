package telegram

// The lines this adapter has the admins told through another platform, as
// functions, so the wording is reviewed in one place.

import (
	"fmt"
	"time"
)

func unreachable(lasted time.Duration) string {
	return fmt.Sprintf("Telegram 已经连不上%s了（网络不通或服务故障）。其他平台和定时提醒照常；发往 Telegram 的消息会等恢复后再发，我会一直重试。", minutes(lasted))
}

func backAgain() string { return "Telegram 已恢复，积压的消息正在发出。" }

func tokenRefused() string {
	return "Telegram 拒绝了机器人的 token（401），Telegram 暂停使用，其他平台照常。请检查 config.yaml 里的 telegram.token（或环境变量 BANGFU_TELEGRAM_TOKEN），改好后重启 bangfu。"
}

func minutes(d time.Duration) string {
	if d < time.Hour {
		return fmt.Sprintf("%d分钟", int(d.Minutes()))
	}
	return fmt.Sprintf("%.1f小时", d.Hours())
}
