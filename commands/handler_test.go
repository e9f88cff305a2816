package commands

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bangfu/bot"
	"bangfu/storage"
	"bangfu/storage/bolt"
)

// world is a school in a temp database with a pinned clock, talked to the
// way a platform would: by who says what where.
type world struct {
	t   testing.TB
	st  *bolt.Store
	h   *Handler
	now time.Time
	n   int
}

var shanghai = storage.DefaultCalendar().Loc

// wed is Wednesday 2026-11-25 10:00 in the school's zone, mid-semester.
var wed = time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai)

func newWorld(t testing.TB, now time.Time) *world {
	t.Helper()
	w := &world{t: t, now: now}
	st, err := bolt.Open(filepath.Join(t.TempDir(), "bangfu.db"), bolt.Options{Calendar: storage.DefaultCalendar(), Now: func() time.Time { return w.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w.st = st
	w.h = New(st, st.Cal, st.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	w.h.School = "示例中学"
	if err := w.h.EnsureAdmin("test", "校长", "dm:校长", "校长"); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) message(who, group, text string) bot.Message {
	w.n++
	chat := bot.Chat{ID: "dm:" + who, Kind: bot.Private, Title: who}
	if group != "" {
		chat = bot.Chat{ID: "group:" + group, Kind: bot.Group, Title: group}
	}
	return bot.Message{Platform: "test", ID: fmt.Sprint(w.n), Chat: chat, Sender: bot.User{ID: who, Name: who}, Text: text, Time: w.now}
}

// send returns everything the bot sends for one message.
func (w *world) send(who, group, text string) []bot.Outgoing {
	return w.h.Handle(context.Background(), w.message(who, group, text))
}

// reply is the answer in the chat the message was said in.
func (w *world) reply(who, group, text string) string {
	w.t.Helper()
	m := w.message(who, group, text)
	outs := w.h.Handle(context.Background(), m)
	var got []string
	for _, o := range outs {
		if o.Chat.ID == m.Chat.ID {
			got = append(got, o.Text)
		}
	}
	r := strings.Join(got, "\n")
	for _, bad := range []string{"%!", "storage:", "bbolt", "panic", "runtime error", "<nil>"} {
		if strings.Contains(r, bad) {
			w.t.Fatalf("reply to %q leaks %q: %s", text, bad, r)
		}
	}
	return r
}

func (w *world) say(who, text string) string { w.t.Helper(); return w.reply(who, "", text) }

func (w *world) sayIn(group, who, text string) string { w.t.Helper(); return w.reply(who, group, text) }

// emptyOutbox takes every queued message out of the outbox and returns
// their texts.
func (w *world) emptyOutbox() []string {
	q, _ := w.st.Queue(time.Time{}, 0)
	var texts []string
	for _, m := range q {
		texts = append(texts, m.Text)
		w.st.Dequeue(m)
	}
	return texts
}

// join has who use a fresh code from the reply that created it.
func (w *world) join(who, codeReply string) string {
	w.t.Helper()
	lines := strings.Split(codeReply, "\n")
	code := lines[len(lines)-1]
	if !validCode(code) {
		w.t.Fatalf("no code on the last line of %q", codeReply)
	}
	return w.say(who, "/join "+code)
}

func must(t testing.TB, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("reply lacks %q:\n%s", want, got)
		}
	}
}

func mustNot(t testing.TB, got string, bads ...string) {
	t.Helper()
	for _, bad := range bads {
		if strings.Contains(got, bad) {
			t.Errorf("reply must not contain %q:\n%s", bad, got)
		}
	}
}

// school sets up 初一3班 with head teacher 李老师, teacher 王老师 as 张三's
// mentor, 张三 (留守 学困, 重点, twice a week) and 李四, and the groups.
func school(t testing.TB) *world {
	w := newWorld(t, wed)
	must(t, w.say("校长", "/student add 初一3班 张三 留守 学困 重点 每周2次"), "已加入帮扶名单：张三（初一3班）", "★重点", "每周辅导2次", "留守儿童")
	must(t, w.say("校长", "/student add 初一(3)班 李四"), "李四（初一3班）", "每周辅导1次（默认")
	must(t, w.join("李老师", w.say("校长", "/invite teacher 初一3班 班主任")), "初一3班的班主任")
	must(t, w.join("王老师", w.say("李老师", "/invite teacher 初一3班")), "初一3班的老师")
	must(t, w.say("李老师", "/mentor 张三 王老师"), "已指定王老师为张三（初一3班）的导师")
	must(t, w.sayIn("初一3班教师群", "李老师", "/group teacher 初一3班"), "初一3班的教师群")
	must(t, w.sayIn("初一3班家长群", "李老师", "/group parent 初一3班"), "初一3班的家长群")
	must(t, w.join("张三妈妈", w.say("王老师", "/invite parent 张三 妈妈")), "已绑定为张三的家长（妈妈）")
	return w
}

func TestLogCountsTheWeekAndTarget(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/log 张三 数学辅导 30分钟"), "已记录：张三（初一3班）数学辅导 30分钟", "11月25日（周三）", "本周第1次/目标2次")
	must(t, w.say("王老师", "／辅导　张三　英语　半小时　周一　背单词很认真"), "英语 30分钟", "11月23日（周一）", "本周第2次/目标2次", "本周目标已完成", "备注：背单词很认真")
	// Last Sunday belongs to last week.
	r := w.say("王老师", "/log 张三 语文 45' 周日")
	must(t, r, "11月22日（周日）", "本周第1次/目标2次", "11月16日—11月22日那一周", "这周目前2次")
	// A new week starts on Monday at midnight in the school's zone.
	w.now = time.Date(2026, 11, 30, 0, 0, 1, 0, shanghai)
	must(t, w.say("王老师", "/log 张三 数学 1小时"), "11月30日（周一）", "本周第1次/目标2次")
	w.now = time.Date(2026, 11, 29, 23, 59, 0, 0, shanghai)
	must(t, w.say("王老师", "/log 张三 数学 1h"), "11月29日（周日）", "本周第3次")
	// A long one is kept and pointed out: 300 is often 30 mistyped.
	r = w.say("王老师", "/log 张三 数学 300分钟")
	must(t, r, "已记录", "这次辅导有5小时，比较长；如果记错了，发 /修改 #")
	mustNot(t, w.say("王老师", "/log 张三 数学 2小时"), "比较长")
}

func TestLogBadInputsStoreNothing(t *testing.T) {
	w := school(t)
	cases := map[string]string{
		"/log":                       "例如：/log 张三 数学辅导 30分钟",
		"/log 张三":                    "请写上辅导内容和时长",
		"/log 张三 数学":                 "没看到辅导时长",
		"/log 张三 数学 700分钟":           "1到600分钟",
		"/log 张三 数学 0分钟":             "1到600分钟",
		"/log 张三 数学 30分钟 明天":         "不能记录还没到的日子",
		"/log 张三 数学 30分钟 2026-08-31": "本学期开始",
		"/log 张三 数学 30分钟 12月5日":      "不能记录还没到的日子（12月5日（周六））",
		"/log 张三 数学 30分钟 2月30日":      "没有这一天",
		"/log 王五 数学 30分钟":            "没有叫王五的学生",
		"/log 初二1班张三 数学 30分钟":        "初二1班没有叫张三的帮扶学生",
	}
	for in, want := range cases {
		got := w.say("王老师", in)
		must(t, got, want)
		must(t, got, "")
		if strings.Count(got, "\n") > 2 {
			t.Errorf("%q: want one clear line and an example, got %q", in, got)
		}
	}
	ss, _ := w.st.SessionsBetween(time.Time{}, wed.AddDate(1, 0, 0))
	if len(ss) != 0 {
		t.Fatalf("bad inputs stored %d sessions", len(ss))
	}
}

func TestSameNameStudentsNeedTheClass(t *testing.T) {
	w := school(t)
	w.say("校长", "/student add 初二1班 张三 贫困")
	must(t, w.say("王老师", "/log 张三 数学 30分钟"), "有2位叫张三的学生（初一3班、初二1班）", "/log 初一3班张三")
	must(t, w.say("王老师", "/log 初二1班张三 数学 30分钟"), "张三（初二1班）", "本周第1次")
	must(t, w.say("王老师", "/log 张三（初一3班） 数学 30分钟"), "张三（初一3班）", "本周第1次")
	must(t, w.say("王老师", "/log 七年级3班 张三 数学 30分钟"), "张三（初一3班）", "本周第2次")
}

func TestPrivacyInGroupsAndForParents(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学 30分钟 作业拖拉，家里没人管")
	w.say("王老师", "/contact 张三 电话 奶奶 父母在外打工，奶奶管不住")

	group := w.sayIn("初一3班教师群", "王老师", "/status")
	must(t, group, "初一3班", "张三", "李四", "本周1/2次")
	mustNot(t, group, "留守", "学习困难", "家里没人管", "打工")
	student := w.sayIn("初一3班教师群", "王老师", "/status 张三")
	mustNot(t, student, "留守", "学习困难", "家里没人管", "打工", "管不住")
	must(t, w.sayIn("初一3班教师群", "李老师", "/students"), "张三 ★重点")
	mustNot(t, w.sayIn("初一3班教师群", "李老师", "/students"), "留守")
	hist := w.sayIn("初一3班教师群", "王老师", "/history 张三")
	mustNot(t, hist, "家里没人管", "管不住")

	// The mentor and head teacher see it all in private.
	must(t, w.say("王老师", "/status 张三"), "类别：学习困难、留守儿童", "备注：作业拖拉", "内容：父母在外打工")
	must(t, w.say("李老师", "/history 张三"), "家里没人管", "管不住")
	// Another teacher is not privileged.
	w.join("赵老师", w.say("校长", "/invite teacher"))
	mustNot(t, w.say("赵老师", "/status 张三"), "留守", "家里没人管", "打工")

	// Parent groups get no student data at all.
	pg := w.sayIn("初一3班家长群", "李老师", "/status 初一3班")
	must(t, pg, "家长群里不谈具体学生", "私聊")
	mustNot(t, pg, "张三", "李四")
	must(t, w.sayIn("初一3班家长群", "王老师", "/log 张三 数学 30分钟"), "私聊")
	// Unregistered groups neither.
	must(t, w.sayIn("随便一个群", "王老师", "/status 初一3班"), "还没有登记")

	// A parent sees their own child only, in positive words.
	mine := w.say("张三妈妈", "/status")
	must(t, mine, "张三这周", "1次", "数学")
	mustNot(t, mine, "留守", "学困", "后进", "家里没人管", "打工", "奶奶")
	must(t, w.say("张三妈妈", "/status 李四"), "只能查看自己孩子")
	must(t, w.say("张三妈妈", "/log 张三 数学 30分钟"), "只有老师可以用 /log。发送 /help 查看您可以用的命令。")
	must(t, w.say("张三妈妈", "/history 张三"), "只有老师可以用 /history")
}

func TestPraiseReachesParentsOutsideQuietHours(t *testing.T) {
	w := school(t)
	r := w.say("王老师", "/praise 张三 这周数学作业全对，上课主动举手")
	must(t, r, "已记录张三（初一3班）的进步", "已发给1位家长")
	q, _ := w.st.Queue(time.Time{}, 0)
	if len(q) != 1 || q[0].ChatID != "dm:张三妈妈" || !strings.Contains(q[0].Text, "这周数学作业全对") {
		t.Fatalf("queued for the parent: %+v", q)
	}
	for _, bad := range []string{"学困", "后进", "留守"} {
		if strings.Contains(q[0].Text, bad) {
			t.Fatalf("parent message contains %q: %s", bad, q[0].Text)
		}
	}
	if q[0].NotBefore.After(w.now) {
		t.Fatalf("sent at %v, want now", q[0].NotBefore)
	}
	// At 22:00 the parent's message waits for 07:30.
	w.now = time.Date(2026, 11, 25, 22, 0, 0, 0, shanghai)
	must(t, w.say("王老师", "/praise 张三 主动帮同学讲题"), "07:30会发给1位家长")
	q, _ = w.st.Queue(time.Time{}, 0)
	if len(q) != 2 || !q[1].NotBefore.Equal(time.Date(2026, 11, 26, 7, 30, 0, 0, shanghai)) {
		t.Fatalf("queue after 22:00: %+v", q)
	}
	// Words that must never reach a parent are refused.
	must(t, w.say("王老师", "/praise 张三 作为学困生进步很大"), "请不要写“学困生”")
	// /undo withdraws the unsent message too.
	must(t, w.say("王老师", "/undo"), "已撤销", "主动帮同学讲题", "一并取消")
	q, _ = w.st.Queue(time.Time{}, 0)
	if len(q) != 1 {
		t.Fatalf("queue after undo: %d messages", len(q))
	}
}

func TestContactCountsForTheMonth(t *testing.T) {
	w := school(t)
	must(t, w.say("李老师", "/contact 张三 电话 妈妈 作业按时交了"), "家校沟通（电话·妈妈）", "计入11月的家长沟通（本月第1次）", "内容：作业按时交了")
	// Whom as teachers write it: 孩子奶奶, 孩子的爸爸, 他妈妈, 张三妈妈.
	for in, want := range map[string]string{
		"/contact 张三 微信 孩子奶奶 说了作业":    "（微信·奶奶）",
		"/contact 张三 电话 孩子的爸爸 说了作业":   "（电话·爸爸）",
		"/contact 张三 电话 他妈妈 说了作业":     "（电话·妈妈）",
		"/contact 张三 面谈 张三妈妈 说了作业":    "（面谈·妈妈）",
		"/contact 张三 电话 他妈妈说孩子感冒了 好的": "内容：他妈妈说孩子感冒了 好的",
	} {
		r := w.say("李老师", in)
		must(t, r, want)
		mustNot(t, r, "内容：孩子", "内容：他妈妈 ", "内容：张三妈妈")
		w.say("李老师", "/undo")
	}
	must(t, w.say("李老师", "/家访 张三 奶奶 家访 了解在家学习情况 11月2日"), "家访·奶奶", "11月2日", "本月第2次")
	must(t, w.say("李老师", "/contact 张三 妈妈 电话"), "请写上沟通的内容")
	must(t, w.say("李老师", "/contact 张三 喊话 妈妈 你好"), "请写上沟通方式")
	// Month boundary: a contact on 31 October does not count for November.
	w.now = time.Date(2026, 12, 1, 0, 5, 0, 0, shanghai)
	must(t, w.say("李老师", "/contact 李四 微信 代管家长 约好周末补作业"), "计入12月的家长沟通（本月第1次）")
	must(t, w.say("李老师", "/contact 李四 微信 妈妈 说了情况 昨天"), "计入11月的家长沟通（本月第1次）")
}

// A teacher who names the student alone (/评语 张三) wants to see what
// stands before writing: it is shown, with how to write or change it, and
// the read is audited.
func TestACommentIsReadByNamingTheStudent(t *testing.T) {
	w := school(t)
	// /评语 alone: whose comment is still to write this term.
	must(t, w.say("王老师", "/评语"), "本学期的评语（2026年秋季学期）：\n· 张三（初一3班） 还没写", "还没写：张三", "/评语 草稿 张三")
	// The head teacher writes for the class's students without a mentor,
	// and sees whether each mentor has written.
	must(t, w.say("李老师", "/评语"), "· 张三（初一3班） 王老师还没写", "· 李四（初一3班） 还没写", "还没写：李四\n")
	r := w.say("王老师", "/评语 张三")
	must(t, r, "张三（初一3班）本学期还没有评语", "/评语 张三 本学期进步明显", "/评语 草稿 张三")
	mustNot(t, r, "请写上")
	must(t, w.say("王老师", "/comment 张三 本学期进步明显，作业越来越认真"), "记录号 #1")
	must(t, w.say("王老师", "/评语"), "· 张三（初一3班） 已写 ✓", "你要写的都写好了")
	must(t, w.say("李老师", "/评语"), "· 张三（初一3班） 王老师已写 ✓", "还没写：李四\n")
	must(t, w.say("王老师", "/comment 张三"), "张三（初一3班）本学期的评语：", "· 王老师（11月25日（周三），#1）：本学期进步明显，作业越来越认真", "改你写的那一条：/评语 张三 改好的评语")
	// The head teacher reads the mentor's in private and is told they have
	// not written; in a group no one reads the words.
	must(t, w.say("李老师", "/评语 张三"), "本学期进步明显，作业越来越认真", "你还没写")
	r = w.sayIn("初一3班教师群", "李老师", "/评语 张三")
	must(t, r, "· 王老师 已写（11月25日（周三））", "内容只在私聊里")
	mustNot(t, r, "本学期进步明显")
	// Another teacher learns who has written, not what; only the student's
	// writers are told how to write.
	w.join("赵老师", w.say("校长", "/invite teacher"))
	r = w.say("赵老师", "/评语 张三")
	must(t, r, "· 王老师 已写")
	mustNot(t, r, "本学期进步明显", "/评语 张三 ")
	must(t, w.say("赵老师", "/comment"), "没有要写的评语", "/评语 张三") // no student to write for
	// Nothing was written by the reads; each is in the audit log.
	zs, _ := w.st.StudentsNamed("张三")
	if cs, _ := w.st.Comments(zs[0].ID, w.h.Cal.TermAt(w.now).Key()); len(cs) != 1 {
		t.Fatalf("comments after reading: %+v", cs)
	}
	if reads := len(w.audited("comment.read")); reads != 5 {
		t.Fatalf("comment reads audited: %d, want 5", reads)
	}
}

func TestCommentUndoAndRoles(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/comment 张三 本学期进步明显"), "已保存你对张三（初一3班）的本学期评语")
	must(t, w.say("王老师", "/评语 张三 本学期进步很明显，继续加油"), "替换了你之前写的那一条")
	w.join("赵老师", w.say("校长", "/invite teacher"))
	must(t, w.say("赵老师", "/comment 张三 好"), "只有张三（初一3班）的导师和班主任可以写评语")
	must(t, w.say("赵老师", "/undo"), "没有可以撤销的记录")
	must(t, w.say("王老师", "/undo"), "已撤销：你对张三（初一3班）的本学期评语")
	// /undo is limited to 24 hours.
	w.say("王老师", "/log 张三 数学 30分钟")
	w.now = w.now.Add(25 * time.Hour)
	must(t, w.say("王老师", "/undo"), "24小时内没有可以撤销的记录")

	// No role yet.
	must(t, w.say("路人", "/log 张三 数学 30分钟"), "你还没有加入", "/join")
	must(t, w.say("路人", "/help"), "/join 邀请码")
	// Teachers cannot manage the register.
	must(t, w.say("王老师", "/student add 初一3班 王五"), "只有班主任（本班）和学校管理员可以用 /student add")
	// Head teachers only their own class.
	must(t, w.say("李老师", "/student add 初二1班 王五"), "只能给自己的班添加学生")
	must(t, w.say("李老师", "/student delete 张三 确认"), "只有学校管理员可以用 /student delete")
	must(t, w.say("李老师", "/invite teacher 初一3班 班主任"), "只有学校管理员可以邀请班主任")
}

func TestHelpListsOnlyWhatTheRoleMayUse(t *testing.T) {
	w := school(t)
	parent := w.say("张三妈妈", "/help")
	must(t, parent, "/mute", "/status")
	mustNot(t, parent, "/log", "/student", "/invite", "学困")
	teacher := w.say("王老师", "/help")
	must(t, teacher, "/log", "/contact", "/mine")
	mustNot(t, teacher, "/student add", "/student delete", "/digest", "/mute")
	admin := w.say("校长", "/help")
	must(t, admin, "/student delete", "/invite teacher", "/export")
	must(t, w.say("王老师", "/help log"), "/log <学生>", "例如：/log 张三 数学辅导 30分钟", "/辅导")
	must(t, w.say("王老师", "/xyz"), "没有这个命令", "/help")
	if outs := w.send("王老师", "初一3班教师群", "今天大家辛苦了"); len(outs) != 0 {
		t.Fatalf("plain chat got an answer: %+v", outs)
	}
}

func TestCommandForAnotherBotIsIgnored(t *testing.T) {
	w := school(t)
	w.h.AddBotName("bangfu_bot")
	if outs := w.send("王老师", "初一3班教师群", "/log@other_bot 张三 数学 30分钟"); len(outs) != 0 {
		t.Fatalf("answered a command for another bot: %+v", outs)
	}
	must(t, w.sayIn("初一3班教师群", "王老师", "/log@bangfu_bot 张三 数学 30分钟"), "本周第1次")
}

func TestRedeliveredMessageIsRecordedOnce(t *testing.T) {
	w := school(t)
	m := w.message("王老师", "", "/log 张三 数学 30分钟")
	first := w.h.Handle(context.Background(), m)
	again := w.h.Handle(context.Background(), m)
	if len(first) != 1 || len(again) != 0 {
		t.Fatalf("first %d replies, redelivery %d replies", len(first), len(again))
	}
	ss, _ := w.st.Sessions(1, time.Time{}, wed.AddDate(1, 0, 0))
	if len(ss) != 1 {
		t.Fatalf("%d sessions stored, want 1", len(ss))
	}
	// Read-only commands are answered once too.
	m = w.message("王老师", "", "/status 张三")
	if a, b := w.h.Handle(context.Background(), m), w.h.Handle(context.Background(), m); len(a) != 1 || len(b) != 0 {
		t.Fatalf("status answered %d then %d times", len(a), len(b))
	}
}

func TestInvitesAreSingleUseAndExpire(t *testing.T) {
	w := school(t)
	code := w.say("校长", "/invite teacher 初一3班")
	w.join("甲老师", code)
	must(t, w.join("乙老师", code), "已经用过了")
	code = w.say("校长", "/invite teacher")
	var lines []string
	w.now = w.now.Add(7*24*time.Hour + time.Second)
	must(t, w.join("丙老师", code), "已过期")
	must(t, w.say("丙老师", "/join 12345"), "8位")
	lines = strings.Split(w.say("校长", "/invite teacher"), "\n")
	must(t, w.say("丁老师", "/start "+lines[len(lines)-1]), "欢迎丁老师") // Telegram's t.me/<bot>?start=<code>
	must(t, w.say("丁老师", "/start"), "你可以用这些命令")
	must(t, w.say("丙老师", "/join ABCDEFGH"), "不存在")
	must(t, w.sayIn("初一3班教师群", "丙老师", "/join ABCDEFGH"), "私聊")
	lines = strings.Split(w.say("校长", "/invite teacher"), "\n")
	if c := lines[len(lines)-1]; len(c) != 8 || strings.ContainsAny(c, "01OI") {
		t.Fatalf("code %q", c)
	}
	must(t, w.say("校长", "/invite parent 张三 邻居"), "关系可以写")
}

func TestCloseAndDeleteStudent(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学 30分钟")
	must(t, w.say("李老师", "/student close 张三 已转化"), "已结束张三（初一3班）的帮扶（已转化）")
	must(t, w.say("王老师", "/log 张三 数学 30分钟"), "帮扶已经结束（已转化）", "/student add 初一3班 张三")
	must(t, w.say("王老师", "/history 张三"), "数学 30分钟")
	mustNot(t, w.say("李老师", "/status 初一3班"), "张三")
	must(t, w.say("李老师", "/student add 初一3班 张三 每周3次"), "已重新开始帮扶")

	must(t, w.say("校长", "/student delete 张三"), "永久删除", "/student delete 初一3班张三 确认")
	must(t, w.say("校长", "/student delete 张三 确认"), "已彻底删除张三（初一3班）", "辅导记录1条", "解除家长绑定1个")
	must(t, w.say("校长", "/status 张三"), "没有叫张三的学生")
	// The parent bound only to 张三 is gone with the child.
	must(t, w.say("张三妈妈", "/status"), "你还没有加入")
}

func TestStudentSetAndStudents(t *testing.T) {
	w := school(t)
	// The categories written replace the old ones, and the reply names
	// those that went (留守 and its rhythm with it), with the line that
	// keeps them all.
	must(t, w.say("李老师", "/student set 张三 每周3次 非重点 单亲"), "每周辅导3次", "非重点", "类别：单亲或父母双亡",
		"去掉了：学习困难、留守儿童", "/student set 张三 学困 单亲 留守")
	mustNot(t, w.say("李老师", "/student set 张三 单亲"), "去掉了")
	mustNot(t, w.sayIn("初一3班教师群", "李老师", "/student set 张三 学困"), "单亲", "去掉了")
	w.say("李老师", "/student set 张三 单亲")
	must(t, w.say("李老师", "/student set 张三 好学生"), "不认识“好学生”", "贫困 学困")
	must(t, w.say("李老师", "/student set 张三 每周20次"), "1到14次")
	// Two numbers or both 重点 and 非重点 are asked about, not the last one kept.
	must(t, w.say("李老师", "/student set 张三 每周2次 每周4次"), "每周次数写了两个（2次和4次）")
	must(t, w.say("李老师", "/student set 张三 重点 非重点"), "“重点”和“非重点”只能写一个")
	must(t, w.say("李老师", "/students"), "初一3班 辅导学生名单（2人）", "张三 · 单亲或父母双亡 · 导师：王老师 · 每周3次")
	must(t, w.say("校长", "/student add 初一3班 张三"), "已经有一位叫张三的学生")
	must(t, w.say("校长", "/student add 张三 初一3班"), "第一个要写班级")
	must(t, w.say("李老师", "/student add 王五 留守"), "已加入帮扶名单：王五（初一3班）") // the head teacher's own class
	must(t, w.say("校长", "/student add 初一3班 张3"), "不像姓名")
	// Several at once, all or none: one already listed adds nobody.
	must(t, w.say("李老师", "/student add 初一3班 孙七、周八 留守 每周2次"), "已加入帮扶名单（初一3班）2人：孙七、周八，每人每周辅导2次。", "类别：留守儿童", "给孙七、周八指定导师")
	must(t, w.say("李老师", "/student add 初一3班 吴九 张三"), "初一3班已经有一位叫张三的学生在帮扶名单里了。这一条里的学生都没有加入")
	if sts, _ := w.st.StudentsNamed("吴九"); len(sts) != 0 {
		t.Fatalf("吴九 was added beside the conflict: %+v", sts)
	}
	must(t, w.say("李老师", "/student add 初一3班 王和平"), "已加入帮扶名单：王和平（初一3班）")
	must(t, w.say("李老师", "/student add 初一3班 欧阳娜娜 买买提·艾力 留守"), "已加入帮扶名单（初一3班）2人：欧阳娜娜、买买提·艾力")
	// A word that is no name and no option is still refused, not added.
	must(t, w.say("李老师", "/student add 初一3班 郑十 学苦"), "不认识“学苦”")
	if sts, _ := w.st.StudentsNamed("郑十"); len(sts) != 0 {
		t.Fatalf("郑十 was added beside a refused word: %+v", sts)
	}
	// The names the school's own plans use for the students.
	must(t, w.say("李老师", "/student add 初一3班 赵六 学困生 留守学生"), "已加入帮扶名单：赵六（初一3班）", "类别：学习困难、留守儿童")
	must(t, w.say("李老师", "/student add 初一3班 钱七 后进生 随迁子女"), "已加入帮扶名单：钱七（初一3班）", "类别：学习困难、外来务工人员子女")
}

func TestMeetingMuteDigestMine(t *testing.T) {
	w := school(t)
	must(t, w.say("李老师", "/meeting 初一3班 11月28日 19:00 期中家长会"), "初一3班家长会，11月28日（周六） 19:00", "期中家长会", "1位家长")
	must(t, w.say("李老师", "/meeting 初一3班 昨天 19:00 期中"), "已经过去了")
	must(t, w.say("李老师", "/家长会 11月29日 晚上7点 期末安排"), "初一3班家长会，11月29日（周日） 19:00", "期末安排")
	// Sent again with another day, as if that moved it: the parents would
	// hear of two meetings. Refused, with the move to send.
	must(t, w.say("李老师", "/家长会 11月30日 晚上7点 期末安排"), "初一3班11月29日（周日）已经安排了家长会“期末安排”", "这一条没有再安排", "/meeting move 2 11月30日 晚上7点")
	must(t, w.say("李老师", "/家长会 11月29日 19:00 别的事"), "这个时间已经安排了家长会“期末安排”（#2）")
	// The part of the day may come with the day, and a day dotted.
	must(t, w.say("李老师", "/家长会 12月4日晚上 7点 期末"), "初一3班家长会，12月4日（周五） 19:00")
	must(t, w.say("李老师", "/家长会 12.3 下午3点"), "初一3班家长会，12月3日（周四） 15:00")
	// The day and its time written together, as people type them.
	must(t, w.say("李老师", "/家长会 12月7日晚上7点 复习安排"), "初一3班家长会，12月7日（周一） 19:00", "复习安排")
	must(t, w.say("李老师", "/家长会 初一3班 12月8日19:30"), "初一3班家长会，12月8日（周二） 19:30")
	must(t, w.say("李老师", "/家长会 12月9日下午3点半 安全教育"), "初一3班家长会，12月9日（周三） 15:30", "安全教育")
	must(t, w.say("李老师", "/meeting move 6 12月10日晚上7点"), "12月10日（周四） 19:00")
	// The topic may be left out.
	r := w.say("李老师", "/家长会 12月2日 19:00")
	must(t, r, "已安排：初一3班家长会，12月2日（周三） 19:00。")
	mustNot(t, r, "主题")
	must(t, w.say("李老师", "/家长会 12月2日"), "请写上班级、日期和时间（主题可以不写）")
	must(t, w.say("李老师", "/meeting 初一3班 某天 19:00 期中"), "不像日期")
	must(t, w.say("李老师", "/meeting 初一3班 今天 8点 期中"), "已经过去了")
	// 11月20日 written on the 25th is the 20th just gone, not next year's.
	must(t, w.say("李老师", "/meeting 初一3班 11月20日 19:00 期中"), "11月20日（周五） 19:00 已经过去了")
	must(t, w.say("李老师", "/meeting move 1 11月20日 19:00"), "11月20日（周五） 19:00 已经过去了")
	must(t, w.say("李老师", "/meeting 初一3班 周五 25点 期中"), "不像时间")
	must(t, w.say("张三妈妈", "/status"), "家长会：11月28日（周六） 19:00，期中家长会")
	must(t, w.say("张三妈妈", "/mute"), "已暂停")
	must(t, w.say("张三妈妈", "/unmute"), "已恢复")
	must(t, w.say("王老师", "/mute"), "只有家长可以用 /mute")

	must(t, w.say("王老师", "/mine"), "王老师帮扶的学生（1人）", "张三（初一3班） 本周0/2次 还差2次", "#11 张三：本周辅导 0/2次", "#14 张三：本周与外出务工的父母沟通 0/1次")

	// Last week's digest: sessions on Monday 16th and Sunday 22nd count, Monday 23rd does not.
	w.now = time.Date(2026, 11, 16, 9, 0, 0, 0, shanghai)
	w.say("王老师", "/log 张三 数学 30分钟")
	w.now = time.Date(2026, 11, 22, 21, 0, 0, 0, shanghai)
	w.say("王老师", "/log 张三 英语 40分钟")
	w.say("王老师", "/log 李四 英语 20分钟")
	w.now = time.Date(2026, 11, 23, 0, 0, 0, 0, shanghai)
	w.say("王老师", "/log 张三 语文 50分钟")
	w.now = wed
	d := w.say("李老师", "/digest")
	must(t, d, "初一3班 上周帮扶小结（11月16日—11月22日）", "辅导：3次，共1小时30分钟", "达到约定次数：2/2人", "导师辅导次数：王老师 2次")
	mustNot(t, d, "留守")
	must(t, w.say("校长", "/digest"), "示例中学 全校帮扶周报", "合计：达到约定次数2/2人，辅导3次/1小时30分钟")
	must(t, w.say("李老师", "/digest 初二1班"), "还没有初二1班")
}

func TestAuditLogsReadsAndChanges(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学 30分钟")
	w.say("王老师", "/status 张三")
	w.sayIn("初一3班教师群", "李老师", "/status")
	entries, err := w.st.AuditLog(time.Time{}, wed.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range entries {
		actions[e.Action]++
		if e.Where == "" || e.At.IsZero() {
			t.Errorf("audit entry without where/when: %+v", e)
		}
	}
	for _, a := range []string{"student.add", "session.add", "status.student", "status.class", "invite.parent", "invite.use.parent", "student.mentor"} {
		if actions[a] == 0 {
			t.Errorf("no audit entry %q in %v", a, actions)
		}
	}
}

func TestNotifyAdminsUsesAnotherPlatform(t *testing.T) {
	w := school(t)
	w.h.NotifyAdmins("微信已退出登录", "wechat")
	q, _ := w.st.Queue(time.Time{}, 0)
	if len(q) != 1 || q[0].ChatID != "dm:校长" || !strings.Contains(q[0].Text, "微信已退出登录") {
		t.Fatalf("queued %+v", q)
	}
	w.h.NotifyAdmins("x", "test") // the admin is only on the platform in trouble
	if q2, _ := w.st.Queue(time.Time{}, 0); len(q2) != 1 {
		t.Fatalf("queued on the failing platform: %+v", q2)
	}
}

// TestAnAcknowledgedRecordsReplyIsNeverLost: the reply is journaled in the
// same transaction as the record. Had the bot died before sending it, a
// stand-in goes after the restart, once; a reply handed over is never sent
// again; a redelivery gets no second answer.
func TestAnAcknowledgedRecordsReplyIsNeverLost(t *testing.T) {
	w := school(t)
	// The setup's replies were never handed to a platform here: clear them.
	w.st.RecoverReplies()
	w.emptyOutbox()
	m := w.message("李老师", "", "/log 张三 数学辅导 30分钟")
	outs := w.h.Handle(context.Background(), m)
	if len(outs) == 0 || outs[0].ReplyID == 0 || !strings.Contains(outs[0].Text, "本周第1次") {
		t.Fatalf("the reply is not journaled with the record: %+v", outs)
	}
	// The bot dies here, before the reply is handed to the platform.
	moved, dropped, err := w.st.RecoverReplies()
	if err != nil || moved != 1 || dropped != 0 {
		t.Fatalf("recovery: %d moved, %d dropped, %v", moved, dropped, err)
	}
	q, _ := w.st.Queue(time.Time{}, 0)
	if len(q) != 1 || !strings.Contains(q[0].Text, "已记录") || !strings.Contains(q[0].Text, "/log 张三") || q[0].ChatID != m.Chat.ID {
		t.Fatalf("after the restart: %+v", q)
	}
	if again := w.h.Handle(context.Background(), m); len(again) != 0 { // the platform redelivers it
		t.Fatalf("a redelivery was answered again: %+v", again)
	}
	zs, _ := w.st.StudentsNamed("张三")
	if ss, _ := w.st.Sessions(zs[0].ID, time.Time{}, w.now.Add(time.Hour)); len(ss) != 1 {
		t.Fatalf("%d sessions", len(ss))
	}
	// A reply that was handed over is never sent again.
	outs = w.h.Handle(context.Background(), w.message("李老师", "", "/log 张三 英语 20分钟"))
	if err := w.st.ReplySending(outs[0].ReplyID); err != nil {
		t.Fatal(err)
	}
	if moved, _, _ := w.st.RecoverReplies(); moved != 0 {
		t.Fatalf("%d replies that went out would go again", moved)
	}
	// A refusal stores nothing, and journals nothing.
	if outs := w.h.Handle(context.Background(), w.message("李老师", "", "/log 张三")); len(outs) == 0 || outs[0].ReplyID != 0 {
		t.Fatalf("a refusal was journaled: %+v", outs)
	}
}

// TestMenuIsWhatTelegramAccepts: every "/" menu entry is a valid Bot API
// command (1–32 of a-z, 0-9, _) with a description of 1 to 256 characters,
// or the platform refuses the whole menu.
func TestMenuIsWhatTelegramAccepts(t *testing.T) {
	w := newWorld(t, wed)
	for _, m := range w.h.Menu() {
		ok := len(m.Command) >= 1 && len(m.Command) <= 32
		for _, r := range m.Command {
			ok = ok && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
		}
		if n := len([]rune(m.Description)); !ok || n == 0 || n > 256 {
			t.Errorf("menu entry %q %q would be refused", m.Command, m.Description)
		}
	}
}

// TestNoCommandLeavesAStandInBehind: whatever a command answers, the
// stand-in journaled with its message's mark goes with that answer; once
// the answer is handed over, a restart sends nothing more. (/export kept
// its stand-in: after every restart the teacher read "机器人刚才重启了，没来得及回复您的「/export」"
// though the file had come.)
func TestNoCommandLeavesAStandInBehind(t *testing.T) {
	w := school(t)
	w.st.RecoverReplies()
	w.emptyOutbox()
	for _, line := range []string{
		"/log 张三 数学辅导 30分钟", "/contact 张三 电话 妈妈 作业按时交了", "/praise 张三 数学作业全对",
		"/status 初一3班", "/status 张三", "/history 张三", "/mine", "/digest", "/students 初一3班",
		"/export", "/export 初一3班", "/plan 张三", "/计划 张三 原因：基础弱", "/comment 张三 本学期进步很大",
		"/mentor 李四 王老师", "/student set 李四 每周2次", "/invite teacher 初一3班", "/修改 #1 数学 40分钟",
		"/删除记录 #1", "/undo", "/help", "/log 张三", "/foo",
	} {
		for _, out := range w.h.Handle(context.Background(), w.message("李老师", "", line)) {
			if out.ReplyID == 0 {
				continue
			}
			if err := w.st.ReplySending(out.ReplyID); err != nil {
				t.Fatal(err)
			}
			if err := w.st.ReplyDone(out.ReplyID); err != nil {
				t.Fatal(err)
			}
		}
		w.emptyOutbox() // what the command queued for others (a praise for the parents)
		if _, _, err := w.st.RecoverReplies(); err != nil {
			t.Fatal(err)
		}
		if again := w.emptyOutbox(); len(again) != 0 {
			t.Errorf("%s: after its answer went, a restart sends again: %q", line, again)
		}
	}
}
