package commands

import (
	"context"
	"strings"
	"testing"
	"time"

	"bangfu/bot"
	"bangfu/storage"
)

// queuedTo is the one queued message to a chat containing phrase.
func (w *world) queuedTo(chatID, phrase string) (storage.Queued, bool) {
	q, _ := w.st.Queue(time.Time{}, 0)
	for _, m := range q {
		if m.ChatID == chatID && strings.Contains(m.Text, phrase) {
			return m, true
		}
	}
	return storage.Queued{}, false
}

// A parent writes to the bot; the mentor and the head teacher each get it
// privately, it is kept as a contact the family started, and the mentor's
// /reply goes to that parent alone. Nothing reaches a group.
func TestAParentsMessageReachesTheTeachersAndTheAnswerComesBack(t *testing.T) {
	w := school(t)
	m := w.message("张三妈妈", "", "老师您好，孩子这两天感冒了，作业可能晚交")
	outs := w.h.Handle(context.Background(), m)
	if len(outs) != 1 || !strings.Contains(outs[0].Text, "已转给李老师、王老师（私聊，只有老师能看到）") {
		t.Fatalf("the parent was told %+v", outs)
	}
	for _, teacher := range []string{"dm:王老师", "dm:李老师"} {
		q, ok := w.queuedTo(teacher, "【家长留言】张三（初一3班）的妈妈")
		if !ok || !q.Private || !strings.Contains(q.Text, "孩子这两天感冒了，作业可能晚交") || !strings.Contains(q.Text, "/回复 张三 妈妈 ") || !q.NotBefore.Equal(w.now) {
			t.Fatalf("relayed to %s: %+v %v", teacher, q, ok)
		}
	}
	// A redelivery is neither answered nor relayed again.
	if again := w.h.Handle(context.Background(), m); len(again) != 0 || w.queuedFor("dm:王老师", "感冒") != 1 {
		t.Fatalf("a redelivered message: %+v, %d relayed", again, w.queuedFor("dm:王老师", "感冒"))
	}
	q, _ := w.st.Queue(time.Time{}, 0)
	for _, x := range q {
		if !x.Private || strings.HasPrefix(x.ChatID, "group:") {
			t.Fatalf("something went to a group: %+v", x)
		}
	}
	// Kept as the family's contact: the mentor sees it. It is no contact
	// the school made: the month still waits for one.
	must(t, w.say("王老师", "/history 张三"), "家长留言（妈妈） 内容：老师您好，孩子这两天感冒了")
	st := w.say("王老师", "/status 张三")
	must(t, st, "本月家长沟通：还没有", "  家长留言：11月25日（周三） 妈妈 内容：老师您好，孩子这两天感冒了")
	mustNot(t, st, "最近一次")
	must(t, w.say("王老师", "/status 初一3班"), "本月还没联系家长：张三、李四")

	// The answer without its student is asked for the student, not taken
	// for a student called 收到.
	got := w.say("王老师", "/回复 收到，这两天作业不急")
	must(t, got, "请先写是哪位学生的家长，再写回复的内容。在等您回复的：张三的妈妈。", "例如：/回复 张三 妈妈 收到，这两天作业不急")
	if w.queuedFor("dm:张三妈妈", "这两天作业不急") != 0 {
		t.Fatal("an answer without its student went out")
	}

	// The mentor answers; it goes to the mother only.
	must(t, w.say("王老师", "/回复 张三 收到，这两天作业不急，让孩子好好休息"), "已回复张三的妈妈（私聊，只有他/她能看到）")
	ans, ok := w.queuedTo("dm:张三妈妈", "王老师回复您（关于张三）")
	if !ok || !strings.Contains(ans.Text, "这两天作业不急") {
		t.Fatalf("the answer to the mother: %+v %v", ans, ok)
	}
	must(t, w.say("王老师", "/history 张三"), "家校沟通：留言回复·妈妈（王老师）")

	// Not another teacher, not in a group, not with a label.
	must(t, w.join("钱老师", w.say("李老师", "/invite teacher 初一3班")), "初一3班的老师")
	must(t, w.say("钱老师", "/回复 张三 您好"), "只有张三（初一3班）的班主任、导师和学校管理员能回复")
	w.sayIn("初一3班教师群", "王老师", "/回复 张三 群里回复")
	must(t, w.say("王老师", "/回复 张三 孩子是学困生要多督促"), "学困")
	if w.queuedFor("dm:张三妈妈", "您好") != 0 || w.queuedFor("dm:张三妈妈", "群里回复") != 0 || w.queuedFor("dm:张三妈妈", "学困") != 0 {
		t.Fatal("a refused answer went to the parent")
	}
}

// Late at night both ways wait for the morning.
func TestRelaysWaitOutQuietHours(t *testing.T) {
	w := school(t)
	w.now = time.Date(2026, 11, 25, 22, 40, 0, 0, shanghai)
	must(t, w.say("张三妈妈", "孩子今晚作业写到很晚"), "现在是休息时间，老师07:30以后会收到")
	morning := time.Date(2026, 11, 26, 7, 30, 0, 0, shanghai)
	if q, ok := w.queuedTo("dm:王老师", "作业写到很晚"); !ok || !q.NotBefore.Equal(morning) {
		t.Fatalf("relayed at night: %+v", q)
	}
	must(t, w.say("王老师", "/回复 张三 妈妈 明天我问问孩子"), "家长07:30以后会收到")
	if q, ok := w.queuedTo("dm:张三妈妈", "明天我问问孩子"); !ok || !q.NotBefore.Equal(morning) {
		t.Fatalf("answered at night: %+v", q)
	}
}

// A parent of two children names the one they write about.
func TestAParentOfTwoNamesTheChild(t *testing.T) {
	w := school(t)
	must(t, w.say("校长", "/student add 初二1班 张小妹"), "张小妹")
	must(t, w.say("张三妈妈", "/join "+lastLine(w.say("校长", "/invite parent 张小妹 妈妈"))), "张小妹")
	must(t, w.say("张三妈妈", "孩子感冒了"), "请在留言前写上是哪个孩子", "张三", "张小妹")
	if w.queuedFor("dm:王老师", "孩子感冒了") != 0 {
		t.Fatal("a message for an unnamed child was relayed")
	}
	must(t, w.say("张三妈妈", "张三：孩子感冒了"), "已转给")
	if q, ok := w.queuedTo("dm:王老师", "孩子感冒了"); !ok || strings.Contains(q.Text, "张三：") {
		t.Fatalf("relayed: %+v %v", q, ok)
	}
}

// On a platform that quotes (Telegram), answering the relayed message
// itself is the /回复; quoting anything else is plain chat, ignored.
func TestAnsweringTheRelayedMessageRepliesToThatParent(t *testing.T) {
	w := school(t)
	w.say("张三妈妈", "孩子说数学课听不懂")
	relayed, ok := w.queuedTo("dm:王老师", "【家长留言】")
	if !ok {
		t.Fatal("not relayed")
	}
	m := w.message("王老师", "", "好的，我明天午休给他讲一讲")
	m.Quote = relayed.Text
	outs := w.h.Handle(context.Background(), m)
	if len(outs) != 1 || !strings.Contains(outs[0].Text, "已回复张三的妈妈") {
		t.Fatalf("answering the relay: %+v", outs)
	}
	if _, ok := w.queuedTo("dm:张三妈妈", "好的，我明天午休给他讲一讲"); !ok {
		t.Fatal("the answer did not go to the mother")
	}
	other := w.message("王老师", "", "收到")
	other.Quote = "【本周辅导检查】初一3班还有1位学生……"
	if outs := w.h.Handle(context.Background(), other); len(outs) != 0 || w.queuedFor("dm:张三妈妈", "收到") != 0 {
		t.Fatalf("a reply to another message was taken as an answer: %+v", outs)
	}
}

// A grandparent who cannot type sends a voice message: it does not vanish.
// The teachers are told that the family tried to reach them, with how to
// answer; the parent is told it went; a caption comes with its picture's
// note. A stranger's voice gets the line for strangers; a teacher's and a
// group's nothing.
func TestAVoiceMessageFromAParentReachesTheTeachersAsANotice(t *testing.T) {
	w := school(t)
	voice := w.message("张三妈妈", "", "")
	voice.Media = "语音"
	outs := w.h.Handle(context.Background(), voice)
	if len(outs) != 1 || !strings.Contains(outs[0].Text, "收到您的语音。我只能转文字，已告诉李老师、王老师，老师会尽快联系您") {
		t.Fatalf("the parent was told %+v", outs)
	}
	for _, teacher := range []string{"dm:王老师", "dm:李老师"} {
		q, ok := w.queuedTo(teacher, "【家长留言】张三（初一3班）的妈妈")
		if !ok || !strings.Contains(q.Text, "（发来一条语音，机器人转不过来，请给家长回个电话或在这里回复）") || !strings.Contains(q.Text, "/回复 张三 妈妈 ") {
			t.Fatalf("noticed to %s: %+v %v", teacher, q, ok)
		}
	}
	if again := w.h.Handle(context.Background(), voice); len(again) != 0 || w.queuedFor("dm:王老师", "语音") != 1 {
		t.Fatal("a redelivered voice message was passed on again")
	}
	must(t, w.say("王老师", "/history 张三"), "家长留言（妈妈） 内容：（一条语音）")

	picture := w.message("张三妈妈", "", "孩子的作业")
	picture.Media = "图片"
	outs = w.h.Handle(context.Background(), picture)
	if len(outs) != 1 || !strings.Contains(outs[0].Text, "收到您的图片") {
		t.Fatalf("the parent was told %+v", outs)
	}
	if q, ok := w.queuedTo("dm:王老师", "孩子的作业\n（发来一张图片，机器人转不过来"); !ok {
		t.Fatalf("the caption and its note: %+v", q)
	}

	stranger := w.message("陌生人", "", "")
	stranger.Media = "语音"
	if outs := w.h.Handle(context.Background(), stranger); len(outs) != 1 || !strings.Contains(outs[0].Text, "/join 邀请码") {
		t.Fatalf("a stranger's voice: %+v", outs)
	}
	for _, m := range []bot.Message{w.message("王老师", "", ""), w.message("张三妈妈", "初一3班家长群", "")} {
		m.Media = "语音"
		if outs := w.h.Handle(context.Background(), m); len(outs) != 0 {
			t.Fatalf("%s in %s: %+v", m.Sender.Name, m.Chat.Title, outs)
		}
	}
	if w.queuedFor("dm:王老师", "语音") != 1 {
		t.Fatal("a teacher's or a group's voice was passed on")
	}
}

// A child whose head teacher and mentor have not joined yet: the parent's
// message goes to the school's admins, not to nobody.
func TestAParentsMessageWithNoTeacherToReadItGoesToTheAdmins(t *testing.T) {
	w := school(t)
	w.say("校长", "/student add 初二1班 张小红 学困")
	w.join("小红爸爸", w.say("校长", "/invite parent 张小红 爸爸"))
	must(t, w.say("小红爸爸", "孩子这两天感冒了"), "已转给校长（私聊，只有老师能看到）")
	if q, ok := w.queuedTo("dm:校长", "【家长留言】张小红（初二1班）的爸爸"); !ok || !strings.Contains(q.Text, "/回复 张小红 爸爸 ") {
		t.Fatalf("the admin got %+v", q)
	}
	if w.queuedFor("dm:李老师", "感冒") != 0 || w.queuedFor("dm:王老师", "感冒") != 0 {
		t.Fatal("another class's teachers got it")
	}
	// The admin who read it is the one asked to answer it: /mine lists
	// it and "/回复 好的" names the father.
	w.now = w.now.Add(time.Hour)
	must(t, w.say("校长", "/mine"), "家长的留言还没有人回复：\n张小红的爸爸", "/回复 张小红 爸爸 您的回复")
	must(t, w.say("校长", "/回复 好的，让孩子多休息"), "张小红的爸爸", "/回复 张小红 爸爸 好的，让孩子多休息")
	mustNot(t, w.say("李老师", "/mine"), "张小红")
	must(t, w.say("校长", "/回复 张小红 爸爸 好的，让孩子多休息"), "已回复张小红的爸爸")
	mustNot(t, w.say("校长", "/mine"), "张小红的爸爸")
	// Once the class has a head teacher, it goes to them alone.
	w.join("周老师", w.say("校长", "/invite teacher 初二1班 班主任"))
	must(t, w.say("小红爸爸", "明天请一天假"), "已转给周老师")
	if w.queuedFor("dm:校长", "明天请一天假") != 0 {
		t.Fatal("the admin still got it")
	}
	w.now = w.now.Add(time.Hour)
	mustNot(t, w.say("校长", "/mine"), "张小红的爸爸")
	must(t, w.say("周老师", "/mine"), "张小红的爸爸")
}

// A parent's message no teacher has answered waits in /mine, with the
// line to answer it, until someone answers or records a contact with the
// family; only in private.
func TestAnUnansweredParentsMessageWaitsInMine(t *testing.T) {
	w := school(t)
	w.say("张三妈妈", "老师，孩子这两天咳嗽")
	w.now = w.now.Add(time.Hour)
	for _, who := range []string{"王老师", "李老师"} {
		must(t, w.say(who, "/mine"), "家长的留言还没有人回复：\n张三的妈妈（11月25日（周三） 10:00）：/回复 张三 妈妈 您的回复", "记一次家校沟通也算回复了：/contact 张三 电话 妈妈 …")
	}
	mustNot(t, w.sayIn("初一3班教师群", "李老师", "/mine"), "留言")
	w.say("李老师", "/contact 张三 电话 妈妈 说好了多喝水")
	mustNot(t, w.say("王老师", "/mine"), "还没有人回复")
	// A later message waits again; an answer clears it.
	w.now = w.now.Add(time.Hour)
	w.say("张三妈妈", "张三：明天请假一天")
	w.now = w.now.Add(time.Minute)
	must(t, w.say("王老师", "/mine"), "张三的妈妈（11月25日（周三） 12:00）")
	w.say("王老师", "/回复 张三 好的，我跟班主任说")
	mustNot(t, w.say("李老师", "/mine"), "还没有人回复")
	// The contact that answers is offered for that child and that relative.
	w.join("李四奶奶", w.say("李老师", "/invite parent 李四 奶奶"))
	w.say("李四奶奶", "老师好，李四的作业本丢了")
	must(t, w.say("李老师", "/mine"), "李四的奶奶", "记一次家校沟通也算回复了：/contact 李四 电话 奶奶 …")
}

// A grandmother of two asks /status: she reads each child's week (she was
// asked to type a name, which many cannot), and the read is audited for
// both.
func TestAParentOfTwoSeesBothChildrensWeeks(t *testing.T) {
	w := school(t)
	w.say("校长", "/student add 初二1班 张小红 学困")
	w.join("周老师", w.say("校长", "/invite teacher 初二1班 班主任"))
	w.join("张三妈妈", w.say("周老师", "/invite parent 张小红 妈妈"))
	w.say("周老师", "/log 张小红 英语 40分钟")
	r := w.say("张三妈妈", "/status")
	must(t, r, "张三这周", "张小红这周", "共40分钟（英语）")
	mustNot(t, r, "学困", "请写上名字")
	must(t, w.say("张三妈妈", "/status 张小红"), "张小红这周")
	reads := w.audited("status.parent")
	if len(reads) == 0 || len(reads[0].StudentIDs) != 2 {
		t.Fatalf("the read of both children is audited as %+v", reads)
	}
}

// A voice from the parent of two children, who may not be able to type
// which child it is about, reaches each child's teachers, saying so; a
// text without the child's name is still asked about.
func TestAVoiceFromAParentOfTwoReachesBothChildrensTeachers(t *testing.T) {
	w := school(t)
	w.say("校长", "/student add 初二1班 张小红 学困")
	w.join("周老师", w.say("校长", "/invite teacher 初二1班 班主任"))
	w.join("张三妈妈", w.say("周老师", "/invite parent 张小红 妈妈"))
	must(t, w.say("张三妈妈", "孩子感冒了"), "请在留言前写上是哪个孩子")
	voice := w.message("张三妈妈", "", "")
	voice.Media = "语音"
	outs := w.h.Handle(context.Background(), voice)
	if len(outs) != 1 || !strings.Contains(outs[0].Text, "收到您的语音") || !strings.Contains(outs[0].Text, "周老师") || !strings.Contains(outs[0].Text, "王老师") {
		t.Fatalf("the parent was told %+v", outs)
	}
	for chat, child := range map[string]string{"dm:王老师": "张三（初一3班）", "dm:李老师": "张三（初一3班）", "dm:周老师": "张小红（初二1班）"} {
		q, ok := w.queuedTo(chat, "【家长留言】"+child+"的妈妈")
		if !ok || !strings.Contains(q.Text, "发来一条语音") || !strings.Contains(q.Text, "这位家长绑定了张三、张小红，没说是哪个孩子的事") {
			t.Fatalf("%s got %+v", chat, q)
		}
	}
	if again := w.h.Handle(context.Background(), voice); len(again) != 0 || w.queuedFor("dm:周老师", "语音") != 1 {
		t.Fatal("a redelivered voice was passed on again")
	}
	must(t, w.say("周老师", "/history 张小红"), "家长留言（妈妈） 内容：（一条语音）")
}

// A parent's message is the family's own words and a reply is what the
// parent received: neither is corrected with /修改.
func TestTheFamilysWordsAndTheSentReplyAreNotEdited(t *testing.T) {
	w := school(t)
	w.say("张三妈妈", "老师好，孩子咳嗽")
	must(t, w.say("王老师", "/回复 张三 收到，多喝水"), "已回复张三的妈妈")
	must(t, w.say("李老师", "/修改 #1 英语"), "#1 是家长发来的留言，是家长的原话，不能修改", "/删除记录 #1")
	must(t, w.say("王老师", "/修改 #2 电话"), "#2 是发给家长的回复，家长已经收到了，不能修改")
	must(t, w.say("王老师", "/history 张三"), "内容：老师好，孩子咳嗽", "收到，多喝水")
}

// Undoing or deleting a /回复 cancels it while it still waits (the quiet
// hours); one already sent stays with the parent, and the reply says so.
func TestUndoingAReplySaysWhatBecomesOfIt(t *testing.T) {
	w := school(t)
	w.say("张三妈妈", "老师好，孩子咳嗽")
	w.emptyOutbox()
	w.say("王老师", "/回复 张三 收到，多喝水")
	must(t, w.say("王老师", "/undo"), "已撤销", "还没发出的消息也一并取消了")
	if w.queuedFor("dm:张三妈妈", "多喝水") != 0 {
		t.Fatal("the undone reply still waits for the parent")
	}
	w.say("王老师", "/回复 张三 明天见")
	w.emptyOutbox() // handed over
	must(t, w.say("李老师", "/删除记录 #3"), "已删除 #3", "这条回复已经发给家长了，撤回不了")
	// A parent's message deleted while it waits for the teachers' morning
	// is not delivered either.
	w.say("张三妈妈", "还有一件事")
	must(t, w.say("李老师", "/删除记录 #4"), "已删除 #4", "还没发出的消息也一并取消了")
	if w.queuedFor("dm:王老师", "还有一件事") != 0 {
		t.Fatal("a deleted parent's message still waits for the teachers")
	}
}

// /回复 with the answer alone names who is waiting and gives the line to
// send; nothing goes to any parent.
func TestAReplyWithoutItsStudentNamesWhoWaits(t *testing.T) {
	w := school(t)
	w.say("张三妈妈", "老师好，孩子这周数学作业总是不会做")
	w.emptyOutbox()
	must(t, w.say("王老师", "/回复 好的，周二我给他讲"), "在等您回复的：张三的妈妈。", "例如：/回复 张三 妈妈 好的，周二我给他讲")
	must(t, w.say("王老师", "/回复 好的"), "例如：/回复 张三 妈妈 好的")
	if out := w.emptyOutbox(); len(out) != 0 {
		t.Fatalf("sent: %q", out)
	}
	// Answered, nobody waits: the reply is as before.
	w.say("王老师", "/回复 张三 妈妈 好的，周二我给他讲")
	r := w.say("王老师", "/回复 好的")
	must(t, r, "请写上学生和回复的内容")
	mustNot(t, r, "在等您回复")
	must(t, w.say("王老师", "/回复 收到，谢谢您"), "帮扶名单里没有叫“收到”的学生：请先写是哪位学生的家长")
}

// A parent asking how the week went is told of /status, which answers at
// once; the teachers get the question all the same.
func TestAParentAskingAboutTheWeekIsToldOfStatus(t *testing.T) {
	w := school(t)
	r := w.say("张三妈妈", "老师好，孩子这周表现怎么样？")
	must(t, r, "已转给李老师、王老师", "可以发 /status")
	if w.queuedFor("dm:王老师", "孩子这周表现怎么样") != 1 {
		t.Fatal("the question did not reach the mentor")
	}
	mustNot(t, w.say("张三妈妈", "老师，明天孩子请假一天"), "/status")
}

// 帮助 and 你好 alone: a parent is shown the way in and the teachers are
// not sent a message that says nothing; a teacher is shown the way in. A
// voice message is still passed on.
func TestHelpWordsAndGreetingsAreAnsweredNotPassedOn(t *testing.T) {
	w := school(t)
	w.emptyOutbox()
	must(t, w.say("张三妈妈", "帮助"), "您可以私聊我发：", "/status")
	must(t, w.say("张三妈妈", "你好！"), "您好！想对老师说的话，直接发给我就行")
	must(t, w.say("张三妈妈", "?"), "您可以私聊我发：")
	if out := w.emptyOutbox(); len(out) != 0 {
		t.Fatalf("passed on to the teachers: %q", out)
	}
	must(t, w.say("张三妈妈", "你好，孩子今天发烧请假一天"), "已转给")
	must(t, w.say("王老师", "怎么用"), "王老师您好！我帮您记帮扶工作", "/log 张三 数学辅导 30分钟", "/help")
	must(t, w.say("王老师", "/菜单"), "你可以用这些命令")
	if got := w.say("王老师", "收到"); got != "" {
		t.Fatalf("收到 was answered: %q", got)
	}
}

// An invite code pasted alone, without /join, binds: for a new parent and
// for a parent adding a second child. It was passed to the teachers as a
// message (or, from a stranger, answered with how to write /join).
func TestAnInviteCodeSentAloneJoins(t *testing.T) {
	w := school(t)
	last := func(s string) string { l := strings.Split(s, "\n"); return l[len(l)-1] }
	code := last(w.say("李老师", "/invite parent 李四 妈妈"))
	w.emptyOutbox()
	must(t, w.say("张三妈妈", "邀请码："+strings.ToLower(code[:4])+" "+strings.ToLower(code[4:])), "已绑定为李四的家长（妈妈）")
	if out := w.emptyOutbox(); len(out) != 0 {
		t.Fatalf("the code went to the teachers: %q", out)
	}
	must(t, w.say("张三妈妈", "/status"), "张三这周", "李四这周")
	must(t, w.say("李四爸爸", last(w.say("李老师", "/invite parent 李四 爸爸"))), "已绑定为李四的家长（爸爸）")
	// Eight letters that are no code stay a message.
	must(t, w.say("李四爸爸", "THANKYOU"), "已转给李老师")
}
