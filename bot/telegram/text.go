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

func addedToGroup() string {
	return "大家好，我是学校的帮扶助手。请班主任或学校管理员在群里发送 /group teacher 初一3班（登记为教师群）或 /group parent 初一3班（登记为家长群）；登记之前，我不在这里谈学生的情况。"
}

func editedCommand() string {
	return "我看到您改了一条发过的命令。改过的消息我不会再处理：原来那条如果已经记下，请用 /修改 #记录号 更正（记录号在我的回复里，也可以发 /history 学生姓名 查）；如果没有记下，请把改好的整条重新发一遍。"
}

func anonymousAdminReply() string {
	return "您现在是以“匿名管理员”身份发言，我认不出您是哪位老师。请在群设置里关掉自己的“保持匿名”（Remain anonymous），或者私聊我发送命令。"
}

func privacyMode(username string) string {
	return fmt.Sprintf("提示：Telegram 机器人 @%[1]s 开着“隐私模式”，在群里只收得到英文命令（例如 /log），收不到中文写法（例如 /辅导）。要在群里用中文命令，请在 @BotFather 里对这个机器人发送 /setprivacy 并选择 Disable；或者在群里写成 /log@%[1]s。", username)
}

func anotherPoller() string {
	return "另一个程序正在用同一个 Telegram 机器人 token 收消息（409），两边会互相抢消息。请停掉另一处的 bangfu 或换一个机器人 token。"
}
