package commands

import (
	"context"
	"strings"
	"testing"
	"time"

	"bangfu/storage"
)

func TestRecordNumbersAreStableAndCorrectable(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/log 张三 数学辅导 30分钟 周一 作业拖拉"), "记录号 #1", "/修改 #1")
	must(t, w.say("王老师", "/contact 张三 电话 妈妈 谈了作业"), "记录号 #2")
	must(t, w.say("李老师", "/log 李四 英语 20分钟"), "记录号 #3")
	hist := w.say("王老师", "/history 张三")
	must(t, hist, "#1 11月23日（周一） 辅导：数学辅导 30分钟", "#2 11月25日（周三） 家校沟通")
	// New records do not shift the numbers.
	w.say("王老师", "/log 张三 语文 20分钟")
	must(t, w.say("王老师", "/history 张三"), "#4 11月25日", "#1 11月23日（周一） 辅导：数学辅导 30分钟", "#2 11月25日")

	// The author corrects the minutes; the day stays Monday, not today.
	r := w.say("王老师", "/修改 #1 数学辅导 45分钟")
	must(t, r, "已更正 #1（张三（初一3班））", "原来：11月23日（周一） 辅导：数学辅导 30分钟", "现在：11月23日（周一） 辅导：数学辅导 45分钟（王老师） 备注：作业拖拉")
	must(t, w.say("王老师", "/edit #1 40分钟"), "现在：11月23日（周一） 辅导：数学辅导 40分钟", "备注：作业拖拉")
	must(t, w.say("王老师", "/修改 #1 昨天"), "现在：11月24日（周二） 辅导：数学辅导 40分钟")
	// The subject alone keeps the minutes, the day and the note.
	must(t, w.say("王老师", "/修改 #1 英语"), "现在：11月24日（周二） 辅导：英语 40分钟（王老师） 备注：作业拖拉")
	must(t, w.say("王老师", "/修改 #1 数学辅导"), "现在：11月24日（周二） 辅导：数学辅导 40分钟")
	ss, _ := w.st.Sessions(mustStudent(t, w, "张三").ID, time.Time{}, wed.AddDate(0, 1, 0))
	if len(ss) != 2 || ss[0].No != 1 || ss[0].Minutes != 40 || w.st.Cal.Day(ss[0].At).Day() != 24 {
		t.Fatalf("sessions after the edits: %+v", ss)
	}
	must(t, w.say("王老师", "/修改 #2 微信 奶奶 说好周末补作业 周一"), "现在：11月23日（周一） 家校沟通：微信·奶奶", "内容：说好周末补作业")
	// What is not written stays: the way alone keeps whom and what was said
	// (it asked for the content again, with a session's example); what was
	// said alone keeps the way and whom.
	must(t, w.say("王老师", "/修改 #2 电话"), "现在：11月23日（周一） 家校沟通：电话·奶奶", "内容：说好周末补作业")
	must(t, w.say("王老师", "/修改 #2 说好周日补作业"), "现在：11月23日（周一） 家校沟通：电话·奶奶", "内容：说好周日补作业")
	must(t, w.say("王老师", "/修改 #2 电话 说了 2月30日"), "没有这一天", "例如：/修改 #2 电话 妈妈")

	// Who may: the author, the head teacher, an admin; not another teacher.
	w.join("赵老师", w.say("校长", "/invite teacher"))
	must(t, w.say("赵老师", "/修改 #1 50分钟"), "#1 不是你记的")
	must(t, w.say("赵老师", "/删除记录 #1"), "#1 不是你记的")
	must(t, w.say("李老师", "/修改 #1 35分钟"), "已更正 #1", "35分钟")
	must(t, w.say("校长", "/更正 #3 25分钟"), "已更正 #3（李四（初一3班））", "25分钟")

	// Bad corrections store nothing and say why, with an example.
	for in, want := range map[string]string{
		"/修改 #1 数学 -30分钟": "例如：/修改 #1 数学辅导 45分钟",
		"/修改 #1 700分钟":    "1到600分钟",
		"/修改 #1 明天":       "不能记录还没到的日子",
		"/修改 张三 45分钟":     "不是记录号",
		"/修改 #999 45分钟":   "没有 #999 这条记录",
		"/修改":             "请写上记录号",
	} {
		must(t, w.say("王老师", in), want)
	}
	must(t, w.say("王老师", "/修改 #1"), "#1 现在是：11月24日（周二） 辅导：数学辅导 35分钟", "/修改 #1 45分钟")
	if ss, _ := w.st.Sessions(mustStudent(t, w, "张三").ID, time.Time{}, wed.AddDate(0, 1, 0)); ss[0].Minutes != 35 {
		t.Fatalf("a refused correction changed the record: %+v", ss[0])
	}

	// In a teacher group the reply repeats the record without its note.
	g := w.sayIn("初一3班教师群", "王老师", "/修改 #1 数学辅导 30分钟 家里没人管")
	must(t, g, "已更正 #1", "30分钟")
	mustNot(t, g, "家里没人管", "作业拖拉")

	// Deleting by number; the record is gone and its number is not reused.
	must(t, w.say("王老师", "/删除记录 #2"), "已删除 #2（张三（初一3班））", "家校沟通：电话·奶奶")
	must(t, w.say("王老师", "/delete #2"), "没有 #2 这条记录")
	must(t, w.say("王老师", "/删除 张三"), "/student delete 张三", "/删除记录 #37")
	if cs, _ := w.st.Contacts(mustStudent(t, w, "张三").ID, time.Time{}, wed.AddDate(0, 1, 0)); len(cs) != 0 {
		t.Fatalf("contacts after the delete: %+v", cs)
	}
	must(t, w.say("王老师", "/log 张三 数学 30分钟"), "记录号 #5")

	// Every change is in the audit log with the student.
	log, _ := w.st.AuditLog(time.Time{}, wed.AddDate(1, 0, 0))
	seen := map[string]int{}
	for _, e := range log {
		if strings.HasSuffix(e.Action, ".edit") || strings.HasSuffix(e.Action, ".delete") {
			if len(e.StudentIDs) != 1 || !strings.HasPrefix(e.Detail, "#") {
				t.Errorf("audit entry without its student or number: %+v", e)
			}
			seen[e.Action]++
		}
	}
	if seen["session.edit"] != 8 || seen["contact.edit"] != 3 || seen["contact.delete"] != 1 {
		t.Fatalf("audited changes: %v", seen)
	}
	// /undo still takes back one's own last record.
	must(t, w.say("王老师", "/undo"), "已撤销：张三（初一3班）数学 30分钟")
}

func TestCorrectingAPraiseFollowsWhatParentsGot(t *testing.T) {
	w := school(t)
	// At 22:00 the parent's message waits for the morning: the correction
	// replaces it.
	w.now = time.Date(2026, 11, 25, 22, 0, 0, 0, shanghai)
	must(t, w.say("王老师", "/praise 张三 主动帮同学讲题"), "记录号 #1", "07:30会发给1位家长")
	must(t, w.say("王老师", "/修改 #1 主动帮同桌讲数学题"), "已更正 #1", "还没发出的1条家长消息已换成改后的内容")
	q, _ := w.st.Queue(time.Time{}, 0)
	if len(q) != 1 || !strings.Contains(q[0].Text, "主动帮同桌讲数学题") {
		t.Fatalf("queued for the parent after the correction: %+v", q)
	}
	must(t, w.say("王老师", "/修改 #1 作为留守儿童进步很大"), "请不要写“留守")
	// Once sent, a correction changes the record only.
	w.st.Dequeue(q[0])
	must(t, w.say("王老师", "/修改 #1 主动帮同桌讲题"), "已更正 #1", "已经发给家长的那条消息不会再发一次")
	if q, _ := w.st.Queue(time.Time{}, 0); len(q) != 0 {
		t.Fatalf("a correction after sending queued %+v", q)
	}
	// A comment is corrected the same way, and only its author's words change.
	must(t, w.say("王老师", "/comment 张三 本学期进步明显"), "记录号 #2")
	must(t, w.say("王老师", "/修改 #2 本学期进步很明显，继续加油"), "现在：", "继续加油")
	cs, _ := w.st.Comments(mustStudent(t, w, "张三").ID, "")
	if len(cs) != 1 || cs[0].Text != "本学期进步很明显，继续加油" || cs[0].No != 2 {
		t.Fatalf("comments: %+v", cs)
	}
}

func mustStudent(t *testing.T, w *world, name string) storage.Student {
	t.Helper()
	ss, err := w.st.StudentsNamed(name)
	if err != nil || len(ss) != 1 {
		t.Fatalf("student %s: %v %v", name, ss, err)
	}
	return ss[0]
}

// TestHostileCorrectionsChangeNothing: every role, in every kind of chat,
// throws malformed and unauthorised corrections and year changes; each gets
// a reply without Go error text (world.reply checks) and no record, term
// or class changes.
func TestHostileCorrectionsChangeNothing(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/log 张三 数学辅导 30分钟 作业拖拉"), "记录号 #1")
	must(t, w.say("王老师", "/praise 张三 主动帮同学讲题"), "记录号 #2")
	w.join("赵老师", w.say("校长", "/invite teacher"))
	inputs := []string{
		"/修改 #1 数学 1e2分钟", "/修改 #1 数学 30", "/修改 #1 数学 30分钟 45分钟", "/修改 #1 数学 30分钟 周八",
		"/修改 #1 11-20abc", "/修改 #1 -5分钟", "/修改 #0 30分钟", "/修改 #-1 30分钟", "/修改 #99999999999 30分钟",
		"/修改 ＃1 数学 " + strings.Repeat("长", 40) + " 30分钟", "/修改 #2 作为学困生进步很大", "/修改 #2 " + strings.Repeat("好", 301),
		"/修改 #1 \u202e数学 30", "/删除记录", "/删除记录 #1 #2", "/删除记录 #abc", "/delete 初一3班张三", "/删除 #1号以后",
		"/semester new 2027-02-22 2027-07-02 确认", "/新学期 2027-13-01 2027-07-02", "/学期 新 2027-02-22 2027-07-02 假期 2027-07-01..2027-07-05",
		"/promote 确认", "/升年级 确认 确认",
	}
	for _, who := range []string{"王老师", "赵老师", "张三妈妈", "陌生人", "李老师"} {
		for _, chat := range []string{"", "初一3班教师群", "初一3班家长群", "别的群"} {
			for _, in := range inputs {
				if who == "王老师" && chat == "" && strings.HasPrefix(in, "/删除记录 #1") {
					continue // the one allowed delete is tested elsewhere
				}
				if got := w.reply(who, chat, in); got == "" && chat == "" {
					t.Errorf("%s %q in private: no reply", who, in)
				}
			}
		}
	}
	ss, _ := w.st.Sessions(mustStudent(t, w, "张三").ID, time.Time{}, wed.AddDate(1, 0, 0))
	if len(ss) != 1 || ss[0].Minutes != 30 || ss[0].Subject != "数学辅导" || ss[0].Note != "作业拖拉" {
		t.Fatalf("hostile corrections changed the session: %+v", ss)
	}
	ps, _ := w.st.PraiseOf(mustStudent(t, w, "张三").ID, time.Time{}, wed.AddDate(1, 0, 0))
	if len(ps) != 1 || ps[0].Text != "主动帮同学讲题" {
		t.Fatalf("hostile corrections changed the praise: %+v", ps)
	}
	if terms, _ := w.st.StartedTerms(); len(terms) != 0 {
		t.Fatalf("a term was started: %+v", terms)
	}
	if _, ok, _ := w.st.ClassByGrade(7, 3); !ok {
		t.Fatal("the classes moved")
	}
}

// A message withdrawn after it was handled (WeChat's 撤回) leaves its
// record; the teacher is told so and how to undo it, a parent that the
// teachers have it. One withdrawn before it was handled is never handled.
func TestAWithdrawnMessageSaysWhatStays(t *testing.T) {
	w := school(t)
	logged := w.message("王老师", "", "/log 张三 数学 30分钟")
	w.h.Handle(context.Background(), logged)
	recall := w.message("王老师", "", "")
	recall.Recalls = logged.ID
	outs := w.h.Handle(context.Background(), recall)
	if len(outs) != 1 || !strings.Contains(outs[0].Text, "撤回不会删掉已经记下的内容") || !strings.Contains(outs[0].Text, "/undo") {
		t.Fatalf("the teacher was told %+v", outs)
	}
	if again := w.h.Handle(context.Background(), recall); len(again) != 0 {
		t.Fatalf("a redelivered recall: %+v", again)
	}
	must(t, w.say("王老师", "/history 张三"), "数学 30分钟")

	relayed := w.message("张三妈妈", "", "孩子今天不舒服")
	w.h.Handle(context.Background(), relayed)
	recall = w.message("张三妈妈", "", "")
	recall.Recalls = relayed.ID
	if outs := w.h.Handle(context.Background(), recall); len(outs) != 1 || !strings.Contains(outs[0].Text, "您撤回的留言已经转给老师了") {
		t.Fatalf("the parent was told %+v", outs)
	}

	// Withdrawn first, delivered after: never handled.
	late := w.message("王老师", "", "/log 张三 英语 20分钟")
	recall = w.message("王老师", "", "")
	recall.Recalls = late.ID
	if outs := w.h.Handle(context.Background(), recall); len(outs) != 0 {
		t.Fatalf("a recall of a message not seen: %+v", outs)
	}
	if outs := w.h.Handle(context.Background(), late); len(outs) != 0 {
		t.Fatalf("a withdrawn message was handled: %+v", outs)
	}
	mustNot(t, w.say("王老师", "/history 张三"), "英语")
}

// A correction written as the whole line again, the student's name
// included, changes the record, not its subject; another student's name
// is refused, with how to move a record to the right student.
func TestACorrectionWithTheStudentsName(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学 30分钟 讲了分数")
	must(t, w.say("王老师", "/修改 #1 张三 英语 40分钟"), "现在：11月25日（周三） 辅导：英语 40分钟（王老师） 备注：讲了分数")
	must(t, w.say("王老师", "/修改 #1 初一3班张三 45分钟"), "现在：11月25日（周三） 辅导：英语 45分钟")
	r := w.say("王老师", "/修改 #1 李四 英语 30分钟")
	must(t, r, "#1 是张三（初一3班）的记录，不能改到李四名下", "/删除记录 #1")
	must(t, w.say("王老师", "/history 张三"), "辅导：英语 45分钟")
	// A correction that changes nothing says so, and stores nothing (the
	// audit has no edit for it); /改 is /修改.
	before, _ := w.st.AuditLog(time.Time{}, w.now.Add(time.Hour))
	must(t, w.say("王老师", "/改 #1 45分钟"), "#1 这样改和原来一样，没有改动：11月25日（周三） 辅导：英语 45分钟")
	after, _ := w.st.AuditLog(time.Time{}, w.now.Add(time.Hour))
	if len(after) != len(before) {
		t.Fatalf("a correction that changed nothing was audited: %d → %d entries", len(before), len(after))
	}
	must(t, w.say("王老师", "/改正 #1 50分钟"), "现在：11月25日（周三） 辅导：英语 50分钟")
}

// The head teacher's correction or deletion of a mentor's record is told
// to the mentor in private; a teacher's change of their own record is not.
func TestTheAuthorHearsOfAChangeToTheirRecord(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学 30分钟 讲了分数")
	w.say("王老师", "/log 张三 英语 20分钟")
	w.emptyOutbox()
	w.say("李老师", "/修改 #1 40分钟")
	q, ok := w.queuedTo("dm:王老师", "李老师更正了你记的 #1（张三（初一3班））")
	if !ok || !strings.Contains(q.Text, "原来：11月25日（周三） 辅导：数学 30分钟（王老师） 备注：讲了分数") || !strings.Contains(q.Text, "现在：11月25日（周三） 辅导：数学 40分钟") {
		t.Fatalf("the author was told %+v (%v)", q, ok)
	}
	w.say("李老师", "/删除记录 #2")
	if _, ok := w.queuedTo("dm:王老师", "李老师删除了你记的 #2（张三（初一3班））：11月25日（周三） 辅导：英语 20分钟"); !ok {
		t.Fatal("the author was not told of the deletion")
	}
	w.emptyOutbox()
	w.say("王老师", "/修改 #1 45分钟")
	if n := w.queuedFor("dm:王老师", "更正了你记的"); n != 0 {
		t.Fatalf("a teacher was told of their own change: %d", n)
	}
}
