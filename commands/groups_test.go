package commands

import (
	"strings"
	"testing"
	"time"

	"bangfu/storage"
)

func groupKind(t *testing.T, w *world, title string) (string, uint64) {
	t.Helper()
	g, ok, err := w.st.Group("test", "group:"+title)
	if err != nil || !ok {
		t.Fatalf("group %s: %v %v", title, ok, err)
	}
	return g.Kind, g.ClassID
}

// A registered group changes only by whoever could have registered it, only
// after a question and a 确认 from the same person, and a parent group never
// becomes a teacher group by one command or by a head teacher.
func TestGroupsCannotBeTakenOver(t *testing.T) {
	w := school(t)
	must(t, w.join("赵老师", w.say("校长", "/invite teacher 初一4班 班主任")), "初一4班的班主任")
	kind, class := groupKind(t, w, "初一3班家长群")

	// Another class's head teacher cannot take the group, in one step or two.
	must(t, w.sayIn("初一3班家长群", "赵老师", "/group parent 初一4班"), "只有这个班的班主任或学校管理员可以改")
	must(t, w.sayIn("初一3班家长群", "赵老师", "/group teacher 初一4班 确认"), "只有这个班的班主任或学校管理员可以改")
	// Its own head teacher cannot turn it into a teacher group.
	must(t, w.sayIn("初一3班家长群", "李老师", "/group teacher 初一3班"), "不能由班主任改成教师群")
	must(t, w.sayIn("初一3班家长群", "李老师", "/group teacher 初一3班 确认"), "不能由班主任改成教师群")
	// A teacher who is not a head teacher cannot either.
	mustNot(t, w.sayIn("初一3班家长群", "王老师", "/group teacher 初一3班 确认"), "已改动")
	// An admin's one-shot 确认 is only the question.
	q := w.sayIn("初一3班家长群", "校长", "/group teacher 初一3班 确认")
	must(t, q, "本群已登记为初一3班的家长群，要改成初一3班的教师群吗", "群里所有人看到", "/group teacher 初一3班 确认")
	if k, c := groupKind(t, w, "初一3班家长群"); k != kind || c != class {
		t.Fatalf("changed to %s/%d by attempts and a question", k, c)
	}
	// 确认 from someone else does not answer the admin's question.
	mustNot(t, w.sayIn("初一3班家长群", "李老师", "/group teacher 初一3班 确认"), "已改动")
	if k, _ := groupKind(t, w, "初一3班家长群"); k != storage.GroupParent {
		t.Fatalf("changed to %s by someone else's 确认", k)
	}
	// After ten minutes the question has lapsed.
	w.sayIn("初一3班家长群", "校长", "/group teacher 初一3班")
	w.now = w.now.Add(11 * time.Minute)
	must(t, w.sayIn("初一3班家长群", "校长", "/group teacher 初一3班 确认"), "要改成初一3班的教师群吗")
	must(t, w.sayIn("初一3班家长群", "校长", "/group teacher 初一3班 确认"), "已改动：本群原来是初一3班的家长群，现在是初一3班的教师群")
	if k, _ := groupKind(t, w, "初一3班家长群"); k != storage.GroupTeacher {
		t.Fatalf("still %s after the admin confirmed", k)
	}
	log, _ := w.st.AuditLog(time.Time{}, w.now.Add(time.Hour))
	changes := 0
	for _, e := range log {
		if e.Action == "group.change" {
			changes++
			if !strings.Contains(e.Detail, "parent") || !strings.Contains(e.Detail, "teacher") {
				t.Errorf("audit detail %q does not say what changed", e.Detail)
			}
		}
	}
	if changes != 1 {
		t.Fatalf("%d group changes audited, want 1", changes)
	}

	// A head teacher cannot register a new group for another class.
	must(t, w.sayIn("新群", "李老师", "/group parent 初一4班"), "只有初一4班的班主任")
	must(t, w.sayIn("新群", "李老师", "/group teacher 初一4班"), "班主任只能把群登记为本班的教师群")
	// Registering the same thing again is no change and asks nothing.
	must(t, w.sayIn("初一3班教师群", "李老师", "/group teacher 初一3班"), "已登记：本群是初一3班的教师群")
}

// A parent asking for data in any group, registered or not, of either kind,
// is asked to write privately, and gets no data there.
func TestParentsNeverGetDataInAGroup(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学 30分钟")
	for _, group := range []string{"初一3班家长群", "初一3班教师群", "没登记的群"} {
		for _, cmd := range []string{"/status", "/status 张三", "/状态 张三", "/mute"} {
			got := w.sayIn(group, "张三妈妈", cmd)
			must(t, got, "只在私聊里说", "请私聊我发送 /")
			mustNot(t, got, "张三", "数学", "本周")
		}
	}
	must(t, w.say("张三妈妈", "/status"), "张三")
}

// Need to know: a teacher who is neither the head teacher, the mentor nor an
// admin sees names and counts, and the words of what they recorded
// themselves, never others' notes, contact contents or comments.
func TestOtherTeachersSeeOnlyWhatTheyRecorded(t *testing.T) {
	w := school(t)
	// The head teacher of one class need not write it.
	must(t, w.join("丁老师", w.say("李老师", "/invite teacher")), "初一3班的老师")
	w.say("王老师", "/log 张三 数学 30分钟 作业拖拉家里没人管")
	w.say("王老师", "/contact 张三 电话 奶奶 父母在外打工奶奶管不住")
	w.say("李老师", "/comment 张三 本学期能按时完成作业希望继续保持")
	w.say("丁老师", "/log 张三 英语 20分钟 单词听写错了一半")
	w.say("丁老师", "/contact 张三 微信 妈妈 约了周末视频")
	for _, cmd := range []string{"/history 张三", "/status 张三"} {
		got := w.say("丁老师", cmd)
		must(t, got, "张三")
		mustNot(t, got, "家里没人管", "打工", "按时完成作业", "留守", "学习困难")
		if cmd == "/history 张三" {
			must(t, got, "单词听写错了一半", "约了周末视频", "学期评语（")
		}
		all := w.say("王老师", cmd)
		must(t, all, "家里没人管")
	}
	must(t, w.say("李老师", "/history 张三"), "家里没人管", "打工", "按时完成作业", "单词听写错了一半")
	// In a group, not even one's own words.
	mustNot(t, w.sayIn("初一3班教师群", "丁老师", "/history 张三"), "单词听写错了一半", "约了周末视频")
}

// After /student delete no account, name or queued message carries the
// child's name, and the admin is told which earlier copies still hold it.
func TestErasureIsComplete(t *testing.T) {
	w := school(t)
	must(t, w.say("李老师", "/student add 初一3班 张小妹"), "张小妹")
	code := lastLine(w.say("李老师", "/invite parent 张小妹 妈妈"))
	must(t, w.say("张三妈妈", "/join "+code), "张小妹")
	w.say("王老师", "/log 张三 数学 30分钟")
	w.now = time.Date(2026, 11, 25, 22, 0, 0, 0, shanghai)
	must(t, w.say("王老师", "/praise 张三 主动帮同学讲题"), "07:30会发给")
	must(t, w.say("李老师", "/export"), "正在发送")
	must(t, w.say("王老师", "/praise 张小妹 字写得工整了"), "07:30会发给") // queued to 张三妈妈 by that title
	if err := w.st.AuditRead(storage.Meta{Where: "cli", At: w.now}, "backup", "/srv/backup/bangfu-1125.db"); err != nil {
		t.Fatal(err)
	}
	if q, _ := w.st.Queue(time.Time{}, 0); !anyMentions(q, "张三") {
		t.Fatal("the scene has no queued message naming the child: the test would prove nothing")
	}

	got := w.say("校长", "/student delete 张三 确认")
	must(t, got, "已彻底删除张三（初一3班）", "导出", "备份 /srv/backup/bangfu-1125.db", "仍有这个学生的数据")
	q, _ := w.st.Queue(time.Time{}, 0)
	for _, m := range q {
		if strings.Contains(m.Text, "张三") || strings.Contains(m.ChatTitle, "张三") {
			t.Errorf("queued after erasure: %q to %q", m.Text, m.ChatTitle)
		}
	}
	people, _ := w.st.People()
	for _, p := range people {
		if strings.Contains(p.Name, "张三") {
			t.Errorf("a person is still named %q", p.Name)
		}
	}
	if kept := w.queuedFor("dm:张三妈妈", "张小妹"); kept != 1 {
		t.Errorf("the sibling's praise was not kept for the mother (%d)", kept)
	}
	// The mother stays the sibling's parent.
	must(t, w.say("张三妈妈", "/status"), "张小妹")
}

// queuedFor counts the queued messages to a chat that contain a phrase.
// audited is the audit log's entries whose action starts with prefix, up
// to an hour from the world's now, in order.
func (w *world) audited(prefix string) []storage.AuditEntry {
	log, _ := w.st.AuditLog(time.Time{}, w.now.Add(time.Hour))
	var out []storage.AuditEntry
	for _, e := range log {
		if strings.HasPrefix(e.Action, prefix) {
			out = append(out, e)
		}
	}
	return out
}

func (w *world) queuedFor(chatID, phrase string) int {
	q, _ := w.st.Queue(time.Time{}, 0)
	n := 0
	for _, m := range q {
		if m.ChatID == chatID && strings.Contains(m.Text, phrase) {
			n++
		}
	}
	return n
}

func anyMentions(q []storage.Queued, name string) bool {
	for _, m := range q {
		if strings.Contains(m.Text, name) {
			return true
		}
	}
	return false
}

// A stranger's plain message in private gets one helpful line, not silence
// and not an echo of every message; teachers and groups stay quiet (a
// parent's is relayed: relay_test.go).
func TestPlainPrivateMessagesGetOneHelpfulLine(t *testing.T) {
	w := school(t)
	must(t, w.say("陌生人", "你好"), "/join 邀请码")
	if got := w.say("陌生人", "在吗"); got != "" {
		t.Fatalf("a second plain message within the half hour was answered: %q", got)
	}
	w.now = w.now.Add(31 * time.Minute)
	must(t, w.say("陌生人", "有人吗"), "/join 邀请码")
	if got := w.say("王老师", "收到"); got != "" {
		t.Fatalf("a teacher's plain message was answered: %q", got)
	}
	if got := w.sayIn("初一3班家长群", "张三妈妈", "大家好"); got != "" {
		t.Fatalf("a plain message in a group was answered: %q", got)
	}
	if w.queuedFor("dm:王老师", "大家好") != 0 || w.queuedFor("dm:李老师", "大家好") != 0 {
		t.Fatal("a parent's words in a group were relayed")
	}
}

// A teacher's line that reads as a record but lacks its slash is answered,
// every time, with the line to send: the teacher must not take it for
// recorded. Nothing is stored; 收到 and 谢谢 stay unanswered.
func TestATeachersRecordWithoutItsSlashIsNotTakenForRecorded(t *testing.T) {
	w := school(t)
	for line, want := range map[string]string{
		"张三 数学 30分钟":       "/log 张三 数学 30分钟",
		"辅导 张三 数学 30分钟":    "/辅导 张三 数学 30分钟",
		"表扬 张三 这周作业全对":     "/表扬 张三 这周作业全对",
		"张三 今天上课主动举手":      "/praise 张三",
		"李四 英语 半小时 11月24日": "/log 李四 英语 半小时 11月24日",
	} {
		for i := 0; i < 2; i++ { // the second time too: not once in a while
			must(t, w.say("王老师", line), "没有记下来", want)
		}
	}
	for _, line := range []string{"收到", "谢谢 老师", "家长 来电话了", "王五 数学 30分钟"} {
		if got := w.say("王老师", line); got != "" {
			t.Errorf("%q was answered: %q", line, got)
		}
	}
	// In the teacher group, a record without its slash is answered too;
	// other lines there, and anything in the parents' group, are not.
	must(t, w.sayIn("初一3班教师群", "王老师", "张三 数学 30分钟"), "没有记下来", "/log 张三 数学 30分钟")
	for _, line := range []string{"张三 今天上课主动举手", "收到", "大家辛苦了"} {
		if got := w.sayIn("初一3班教师群", "王老师", line); got != "" {
			t.Errorf("%q in the teacher group was answered: %q", line, got)
		}
	}
	if got := w.sayIn("初一3班家长群", "王老师", "张三 数学 30分钟"); got != "" {
		t.Errorf("a plain line in the parents' group was answered: %q", got)
	}
	must(t, w.say("王老师", "/history 张三"), "张三（初一3班）还没有记录")
}

// A teacher who leaves loses access at once, their mentees are listed for
// reassignment, their records stay; a parent unbound gets nothing more.
func TestPeopleComeAndGo(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学 30分钟 作业拖拉")
	must(t, w.say("李老师", "/teacher remove 王老师"), "只有学校管理员")
	// A name nobody has: the admin is told the staff's names to pick from.
	must(t, w.say("校长", "/teacher remove 孙老师"), "没有找到叫“孙老师”的老师。本校的老师有：李老师、王老师。", "/teacher remove 李老师")
	got := w.say("校长", "/teacher remove 王老师")
	must(t, got, "已移除王老师", "记录都保留", "张三", "/mentor 张三 李老师")
	mustNot(t, got, "班主任") // 王老师 headed no class
	must(t, w.say("王老师", "/status 张三"), "你还没有加入")
	must(t, w.say("王老师", "/log 张三 数学 30分钟"), "你还没有加入")
	must(t, w.say("李老师", "/history 张三"), "数学 30分钟（王老师）", "作业拖拉")
	must(t, w.say("李老师", "/status 张三"), "导师：未指定")
	must(t, w.say("校长", "/teacher remove 校长"), "不能移除自己")
	// Removing a head teacher leaves the class without one: said, with the
	// invite that fills the place.
	w.join("赵老师", w.say("校长", "/invite teacher 初二1班 班主任"))
	must(t, w.say("校长", "/teacher remove 赵老师"), "初二1班现在没有班主任。请邀请新的班主任：/invite teacher 初二1班 班主任")

	// A praise waiting for the morning is not sent to a parent unbound meanwhile.
	w.now = time.Date(2026, 11, 25, 22, 0, 0, 0, shanghai)
	must(t, w.say("李老师", "/praise 张三 主动帮同学讲题"), "07:30会发给1位家长")
	must(t, w.say("李老师", "/parent remove 张三 爸爸"), "没有绑定“爸爸”")
	// Inviting a relation already bound says so, and how to let an old
	// phone go; the code stays the reply's last line, to forward.
	again := w.say("李老师", "/invite parent 张三 妈妈")
	must(t, again, "张三的妈妈已经绑定了1个账号", "/parent remove 张三 妈妈")
	if lines := strings.Split(again, "\n"); len(lines[len(lines)-1]) != 8 {
		t.Errorf("the code is not the last line: %q", again)
	}
	mustNot(t, w.say("李老师", "/invite parent 张三 爸爸"), "已经绑定")
	must(t, w.say("李老师", "/家长解绑 张三 妈妈"), "已解除张三（初一3班）的妈妈的绑定（1个账号）")
	if n := w.queuedFor("dm:张三妈妈", "主动帮同学讲题"); n != 0 {
		t.Fatalf("%d messages about the child still queued for the unbound parent", n)
	}
	must(t, w.say("张三妈妈", "/status"), "你还没有加入")
	log, _ := w.st.AuditLog(time.Time{}, w.now.Add(time.Hour))
	var actions []string
	for _, e := range log {
		if e.Action == "teacher.remove" || e.Action == "parent.unbind" || e.Action == "student.mentor.departed" {
			actions = append(actions, e.Action+" "+e.Detail)
		}
	}
	if len(actions) != 4 {
		t.Fatalf("audited %v", actions)
	}
}

// Meetings can be listed, cancelled and moved by number; the bound parents
// are told; a past or after-semester date is refused; another class's head
// teacher cannot touch them.
func TestMeetingsListCancelMove(t *testing.T) {
	w := school(t)
	must(t, w.say("李老师", "/meeting 初一3班 11月28日 19:00 期中家长会"), "期中家长会")
	must(t, w.say("李老师", "/家长会 12月5日 19:30 学习方法交流"), "学习方法交流")
	list := w.say("李老师", "/家长会 列表")
	must(t, list, "#1 初一3班 11月28日（周六） 19:00 期中家长会", "#2 初一3班 12月5日（周六） 19:30 学习方法交流")
	must(t, w.join("赵老师", w.say("校长", "/invite teacher 初二1班 班主任")), "初二1班的班主任")
	must(t, w.say("赵老师", "/meeting cancel 1"), "只有")
	must(t, w.say("李老师", "/meeting cancel 9"), "没有编号为 #9")
	must(t, w.say("李老师", "/meeting cancel"), "请写上家长会的编号")

	must(t, w.say("李老师", "/meeting cancel #1"), "已取消初一3班 11月28日（周六） 19:00的家长会，已通知1位家长")
	if n := w.queuedFor("dm:张三妈妈", "【家长会取消】原定11月28日（周六） 19:00"); n != 1 {
		t.Fatalf("cancellation notices for the parent: %d", n)
	}
	must(t, w.say("李老师", "/meeting move 2 昨天 19:00"), "已经过去了")
	must(t, w.say("李老师", "/meeting move 2 2027-02-10 19:00"), "本学期")
	must(t, w.say("李老师", "/家长会 改期 2 12月3日 19:00"), "已把初一3班的家长会改到12月3日（周四） 19:00，已通知1位家长")
	if n := w.queuedFor("dm:张三妈妈", "由12月5日（周六） 19:30改到12月3日（周四） 19:00"); n != 1 {
		t.Fatalf("move notices for the parent: %d", n)
	}
	after := w.say("李老师", "/meeting list")
	must(t, after, "#2 初一3班 12月3日（周四） 19:00 学习方法交流")
	mustNot(t, after, "期中家长会")
	must(t, w.say("李老师", "/meeting 初一3班 2027-02-10 19:00 开学"), "本学期")
	var acts []string
	for _, e := range w.audited("meeting.") {
		acts = append(acts, e.Action)
	}
	if strings.Join(acts, ",") != "meeting.add,meeting.add,meeting.cancel,meeting.move" {
		t.Fatalf("audited %v", acts)
	}
}

// /help fits the place: a parent gets a parent's words wherever they ask;
// in any group no category vocabulary appears, and only what works there.
func TestHelpFitsThePlace(t *testing.T) {
	w := school(t)
	for _, got := range []string{w.say("张三妈妈", "/help"), w.sayIn("初一3班家长群", "张三妈妈", "/help"), w.say("张三妈妈", "/help log")} {
		must(t, got, "看孩子这周的情况", "/mute")
		mustNot(t, got, "/status 初一3班", "/log", "（老师）")
	}
	must(t, w.sayIn("初一3班家长群", "张三妈妈", "/help"), "只在私聊里说")
	categories := []string{"贫困", "学困", "单亲", "留守", "残疾", "外来务工", "优越", "优秀"}
	for _, group := range []string{"初一3班教师群", "初一3班家长群", "没登记的群"} {
		got := w.sayIn(group, "校长", "/help")
		mustNot(t, got, categories...)
		mustNot(t, w.sayIn(group, "校长", "/help student add"), categories...)
	}
	mustNot(t, w.sayIn("初一3班家长群", "李老师", "/help"), "/log", "/status")
	must(t, w.sayIn("初一3班教师群", "李老师", "/help"), "/log", "/student add 初一3班 张三 重点 每周2次")
	mustNot(t, w.sayIn("初一3班教师群", "李老师", "/help"), "/export", "/invite") // private-only commands
	must(t, w.say("李老师", "/help"), "留守", "/export")                      // in private, everything
}

// A class has one head teacher. A head-teacher code for a class that has
// one says so before it goes out; the teacher who joins with it takes the
// class over, the one before is told and stays one of its teachers.
func TestANewHeadTeacherTakesOverTheClass(t *testing.T) {
	w := school(t)
	invite := w.say("校长", "/invite teacher 初一3班 班主任")
	must(t, invite, "初一3班现在的班主任是李老师。用这个码加入的老师接任班主任；李老师仍是本班老师")
	lines := strings.Split(invite, "\n")
	outs := w.send("赵老师", "", "/join "+lines[len(lines)-1])
	var welcome, told string
	for _, o := range outs {
		switch o.Chat.ID {
		case "dm:赵老师":
			welcome = o.Text
		case "dm:李老师":
			told = o.Text
		}
	}
	must(t, welcome, "身份：初一3班的班主任", "你接任初一3班的班主任，原班主任李老师仍是本班老师")
	must(t, told, "赵老师已接任初一3班的班主任。你仍是本班老师")
	must(t, w.say("李老师", "/mentor 李四 王老师"), "只有班主任（本班）和学校管理员可以用 /mentor")
	must(t, w.say("李老师", "/log 张三 数学 30分钟"), "已记录：张三（初一3班）")
	mustNot(t, w.say("李老师", "/status 初一3班"), "留守")
	must(t, w.say("赵老师", "/mentor 李四 王老师"), "已指定王老师为李四（初一3班）的导师")
	// Another class's head-teacher code says nothing of 初一3班.
	mustNot(t, w.say("校长", "/invite teacher 初二1班 班主任"), "现在的班主任")
}

// A teacher sets the name they are called by: the platform's display name
// (a nickname) no longer replaces it, and no two staff share one.
func TestATeacherChoosesTheirName(t *testing.T) {
	w := school(t)
	must(t, w.join("🌈阳光", w.say("李老师", "/invite teacher 初一3班")), "初一3班的老师")
	must(t, w.say("🌈阳光", "/我叫 赵红"), "好的，以后我叫你赵红老师")
	must(t, w.say("🌈阳光", "/mine"), "赵红") // the nickname comes with every message, and is not taken back
	must(t, w.say("李老师", "/mentor 张三 赵红"), "已指定赵红老师为张三（初一3班）的导师")
	must(t, w.say("🌈阳光", "/我叫 王"), "已经有一位叫王老师的老师了")
	must(t, w.say("🌈阳光", "/我叫 赵 红"), "不像名字")
	must(t, w.say("🌈阳光", "/name 123"), "不像名字")
	must(t, w.say("🌈阳光", "/name"), "请写上你的名字", "/我叫 李红")
	must(t, w.say("张三妈妈", "/我叫 张妈妈"), "只有老师可以用 /我叫")
	must(t, w.say("李老师", "/mentor 张三 🌈阳光"), "没有找到")
}

// The meeting commands' examples are dated a week ahead, not on a fixed
// day that may have passed (it would itself be refused).
func TestMeetingExamplesAreDatedAhead(t *testing.T) {
	w := school(t) // Wednesday 25 November
	must(t, w.say("李老师", "/meeting list"), "安排：/meeting 初一3班 12月2日 19:00 期中家长会")
	must(t, w.say("李老师", "/meeting 初一3班 12月4日"), "例如：/meeting 初一3班 12月2日 19:00 期中家长会")
	must(t, w.say("李老师", "/meeting move 1"), "例如：/meeting move 3 12月2日 19:00")
}

// /mine in the teachers' group says to answer its items in private: 完成
// and 推迟 are private commands, and a plain 完成 #12 in a group is not read.
func TestOwedItemsShownInAGroupAreAnsweredInPrivate(t *testing.T) {
	w := school(t)
	must(t, w.sayIn("初一3班教师群", "李老师", "/mine"), "做完了私聊我回一句：完成 #12")
	r := w.say("李老师", "/mine")
	must(t, r, "做完了回一句：完成 #12")
	mustNot(t, r, "私聊我")
}

// /teacher list shows the head teacher and the admin who has joined, with
// their roles and how many students each mentors: names and counts only.
func TestTheTeachersListShowsRolesAndMentees(t *testing.T) {
	w := school(t)
	r := w.say("李老师", "/老师 名单")
	must(t, r, "已经加入的老师（3人）", "· 校长：学校管理员", "· 李老师：初一3班班主任", "· 王老师：导师，帮扶1人", "指定导师：/mentor 张三 李老师")
	mustNot(t, r, "留守", "学习困难")
	must(t, w.say("校长", "/teachers"), "已经加入的老师（3人）")
	must(t, w.say("王老师", "/老师 名单"), "只有班主任和学校管理员可以用")
}
