package wechat

import "testing"

// The translation of what people type in WeChat into command text, on its
// own: mentions (inserted by WeChat, or typed), display names, quote replies.
func TestCommandText(t *testing.T) {
	self := []string{"帮扶助手", "初一3班小助手"} // nickname, group display name
	for _, c := range []struct{ in, want string }{
		{"/log 张三 数学辅导 30分钟", "/log 张三 数学辅导 30分钟"},
		{"@帮扶助手\u2005/log 张三 数学 30分钟", "/log 张三 数学 30分钟"},
		{"@初一3班小助手\u2005/log 张三 数学 30分钟", "/log 张三 数学 30分钟"}, // the bot's group display name
		{"@帮扶小助手\u2005/log 张三 数学 30分钟", "/log 张三 数学 30分钟"},   // a name we do not know
		{"@Tom Lee\u2005/status 初一3班", "/status 初一3班"},       // a name with a space in it
		{"@李老师\u2005@帮扶助手\u2005/status", "/status"},          // someone else mentioned first
		{"@帮扶助手 /help", "/help"},                             // typed by hand
		{"@帮扶助手/help", "/help"},                              // typed without a space
		{"@帮扶助手\u3000/help", "/help"},                        // a full-width space
		{"@帮扶助手\u00a0/help", "/help"},                        // a no-break space
		{"  @帮扶助手\u2005/help", "/help"},                      // leading spaces
		{"@帮扶助手\u2005", ""},                                  // the mention alone
		{"请 @帮扶助手 看一下", "请 @帮扶助手 看一下"},                       // not a leading mention
		{"「张三妈妈：孩子今天作业写完了」\n- - - - - - - - - - - - - - -\n/praise 张三 作业按时完成", "/praise 张三 作业按时完成"},
		{"「李老师：/log 张三 数学 30分钟」\n- - - - - - - - - - - - - - -\n@帮扶助手\u2005/undo", "/undo"}, // a quote of a command is not the command
		{"「不完整的引用", "「不完整的引用"},
	} {
		if got := CommandText(c.in, self...); got != c.want {
			t.Errorf("CommandText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestQuotedText(t *testing.T) {
	sep := "\n- - - - - - - - - - - - - - -\n"
	for _, c := range []struct{ in, want string }{
		{"「帮扶助手：【家长留言】张三的妈妈：\n孩子感冒了\n回复这位家长：/回复 张三 妈妈 您的回复」" + sep + "好的", "【家长留言】张三的妈妈：\n孩子感冒了\n回复这位家长：/回复 张三 妈妈 您的回复"},
		{"「李老师：明天交作业」" + sep + "/log 张三 数学 30分钟", "明天交作业"},
		{"/log 张三 数学 30分钟", ""},
		{"「没有分隔线的话」", ""},
	} {
		if got := QuotedText(c.in); got != c.want {
			t.Errorf("QuotedText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestInvitedMe(t *testing.T) {
	for content, want := range map[string]bool{
		`"李老师"邀请你加入了群聊，群聊参与人还有：王老师、张老师`: true,
		`"李老师"邀请你和"王老师"加入了群聊`:           true,
		`你通过扫描"李老师"分享的二维码加入群聊`:          true,
		`"李老师"邀请"王老师"加入了群聊`:             false,
		`你邀请"王老师"加入了群聊`:                 false,
		`"李老师"修改群名为"初一3班教师群"`:           false,
	} {
		if got := invitedMe(content); got != want {
			t.Errorf("invitedMe(%q) = %v", content, got)
		}
	}
}
