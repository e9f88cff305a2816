package commands

import (
	"context"
	"strings"
	"testing"

	"bangfu/bot"
	"bangfu/commands/report"
)

// FuzzHandler sends arbitrary lines, from each kind of person and in each
// kind of chat, through the whole handler of a school with records: no
// message the bot sends carries Go's error text, a panic or a formatting
// verb; none to a group or a parent names a category or a family's
// circumstances; a parent hears of their own child only, a stranger of no
// child. The school changes as the lines run, as a real one would.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{
		"/log 张三 数学辅导 30分钟", "/contact 张三 电话 妈妈 说了作业", "/表扬 张三 作业全对", "/status", "/status 张三 上周",
		"/history 张三 全部", "/digest 上上周", "/mine", "/undo", "/修改 #1 45分钟", "/删除记录 #2", "/student move 张三 初一4班",
		"/导师 张三 李四 王老师", "/invite parent 张三的奶奶", "/join ABCDEFGH", "/家长会 12月4日晚上7点 期末复习", "/计划 张三 原因：x",
		"/评语 草稿 张三", "/student close 李四 已转化", "/student delete 张三 确认", "完成 #13 电话 妈妈", "推迟 #13 周一",
		"/log 张三 数学 30分钟\n/表扬 张三 认真\n/contact 张三 面谈 本人 谈心", "老师好，孩子今天发烧了", "/回复 好的", "/county",
		"/help", "/help log", "/", "／", "/log", "/log 张三 数学 -30分钟", "/status 初一(3)班", "/students", "/export", "/group parent 初一3班",
	} {
		f.Add(uint8(0), s)
	}
	w := school(f)
	w.say("王老师", "/log 张三 数学 30分钟")
	w.say("王老师", "/contact 张三 电话 妈妈 说了作业")
	people := []string{"校长", "李老师", "王老师", "张三妈妈", "陌生人"}
	chats := []string{"", "初一3班教师群", "初一3班家长群"}
	f.Fuzz(func(t *testing.T, who uint8, text string) {
		w.t = t
		sender, chat := people[int(who)%len(people)], chats[int(who/8)%len(chats)]
		m := w.message(sender, chat, text)
		said := strings.ToLower(text + "\n" + Normalize(text)) // what a reply may echo
		for _, o := range w.h.Handle(context.Background(), m) {
			for _, bad := range []string{"%!", "storage:", "bbolt", "panic", "runtime error", "<nil>", "goroutine"} {
				if strings.Contains(o.Text, bad) && !strings.Contains(said, bad) { // not an echo of the sender's own words
					t.Fatalf("%s in %q wrote %q; a message leaks %q: %s", sender, chat, text, bad, o.Text)
				}
			}
			// A category or family circumstance never goes to a group or
			// to a parent.
			if o.Chat.Kind == bot.Group || o.Chat.ID == "dm:张三妈妈" {
				if word := report.BannedWordIn(o.Text); word != "" && !strings.Contains(said, word) {
					t.Fatalf("%s in %q wrote %q; %q got %q: %s", sender, chat, text, o.Chat.Title, word, o.Text)
				}
			}
			// A parent hears of their own child only; a stranger of none.
			for to, others := range map[string][]string{"dm:张三妈妈": {"李四"}, "dm:陌生人": {"张三", "李四"}} {
				for _, name := range others {
					if o.Chat.ID == to && strings.Contains(o.Text, name) && !strings.Contains(said, name) {
						t.Fatalf("%s in %q wrote %q; %s was told of %s: %s", sender, chat, text, to, name, o.Text)
					}
				}
			}
		}
	})
}
