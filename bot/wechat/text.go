package wechat

import (
	"fmt"
	"time"
)

// Every line this adapter says to people (admins told of a logout, the
// login prompt), as functions, so the wording is reviewed in one place.

func scanToLogin() string {
	return "请用学校的微信号扫码登录（或打开这个链接）："
}

func loginUnreachable() string {
	return "连不上微信或登录被拒绝（详情见日志）"
}

func qrExpired() string {
	return "二维码过期了，没有人扫码确认"
}

func loginRefused1203() string {
	return "这个微信号不能登录网页版（1203），请换一个开通较久、实名的微信号"
}

func loggedOut() string {
	return "微信已退出登录（在手机上退出了网页登录，或登录已失效）。其他平台和定时提醒照常；待发的微信消息会等重新登录后再发。正在重新登录……"
}

func loginFailed(reason string, retryIn time.Duration) string {
	return fmt.Sprintf("微信登录失败：%s。%s 后重试。", reason, retryIn)
}

func backAgain() string { return "微信已重新登录，等待中的微信消息正在发出。" }

func scanThisLink(url string) string {
	return "微信需要重新登录：请用学校的微信号扫描这个链接里的二维码（几分钟内有效；过期后终端里会出现新的）：" + url
}

func welcomeNewFriend() string {
	return "您好！我是学校的帮扶助手。请把老师发给您的邀请码私聊发给我，例如：/join K7M2QX9A"
}

func addedToGroup() string {
	return "大家好，我是学校的帮扶助手。请班主任或学校管理员在群里 @我 发送 /group teacher 初一3班（登记为教师群）或 /group parent 初一3班（登记为家长群）；登记之前，我不在这里谈学生的情况。"
}

func unnamedGroup() string {
	return "这个群还没有群名。请群主先给群起一个名字（群聊名称），再发命令；没有名字的群，我在重新登录后认不出来。"
}

func confirmIdentity() string {
	return "微信重新登录后，我没法确定您是哪一位（有人和您同名同头像）。请向班主任要一个新的邀请码，私聊我发送 /join 邀请码，确认您的身份。"
}
