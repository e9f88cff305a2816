package console

// Every line the terminal chat prints itself (prompts, labels, its own
// help), as functions, so the wording is reviewed in one place.

import "fmt"

func fileSaved(name string, size int, path string) string {
	return fmt.Sprintf("[文件] %s（%d 字节）已保存到 %s", name, size, path)
}

func fileNotSaved(name string, size int) string {
	return fmt.Sprintf("[文件] %s（%d 字节，保存失败）", name, size)
}

func heldUntil(at string) string {
	return fmt.Sprintf("，%s 送达）", at)
}

func backToPrivate(speaker string) string {
	return fmt.Sprintf("（%s回到和机器人的私聊）\n", speaker)
}

func nowInGroup(speaker string, group string) string {
	return fmt.Sprintf("（%s现在在“%s”群里说话）\n", speaker, group)
}

func groupUsage() string {
	return "用法：:group 初一3班教师群"
}

func nowSpeaking(name string) string {
	return fmt.Sprintf("（现在你是%s，在和机器人私聊）\n", name)
}

func asUsage() string {
	return "用法：:as 张三妈妈"
}

func welcome(admin string) string {
	return fmt.Sprintf("帮扶助手（终端聊天）。你现在是%s，在和机器人私聊。输入 /help 看命令，:help 看终端控制。", admin)
}

func privatePrompt(speaker string) string {
	return fmt.Sprintf("%s（私聊）> ", speaker)
}

func groupPrompt(speaker string, group string) string {
	return fmt.Sprintf("%s @ %s（群）> ", speaker, group)
}

func privateChatLabel(title string) string {
	return fmt.Sprintf("%s（私聊）", title)
}

func groupChatLabel(title string) string {
	return fmt.Sprintf("%s（群）", title)
}

const helpText = `终端聊天的控制命令（以冒号开头，不发给机器人）：
  :as 姓名      以另一个人的身份说话（第一次出现时新建，还没有身份，需要 /join）
  :group 群名   在这个群里说话（群要先用 /group teacher 或 /group parent 登记）
  :dm           回到自己和机器人的私聊
  :help         显示这段说明
其他以 / 开头的内容就是发给机器人的命令，例如 /help`

// LocalAdmin is the machine's owner in the terminal chat, an admin.
const LocalAdmin = "本机管理员"

// answerButtons shows the buttons a platform that has them would offer
// (typing the word does the same).
func answerButtons(answers string) string {
	return "［" + answers + "］（按钮：照着打这几个字也一样）"
}
