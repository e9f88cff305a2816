package commands

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Every class of value that looks like a number or a date and does not
// parse is refused with one line and an example, and nothing is stored: it
// never becomes a subject, a note or "today".
func TestLogValuesThatDoNotParseAreRefused(t *testing.T) {
	w := school(t)
	cases := map[string]string{
		// a sign, an exponent, a fraction, a malformed decimal
		"/log 张三 数学 -30分钟":   "不是能用的时长",
		"/log 张三 数学 +30分钟":   "不是能用的时长",
		"/log 张三 数学 1e2分钟":   "不是能用的时长",
		"/log 张三 数学 1/2小时":   "不是能用的时长",
		"/log 张三 数学 1.5.5小时": "不是能用的时长",
		"/log 张三 数学1e2分钟":    "",
		"/log 张三 五分之一小时 数学":  "没看到辅导时长",
		"/log 张三 数学 30":      "“30”后面请写上单位",
		"/log 张三 30 数学 30分钟": "“30”后面请写上单位",
		"/log 张三 30分钟 45":    "“45”后面请写上单位",
		"/log 张三 数学 三十":      "不是能用的时长",
		"/log 张三 数学 一节课":     "“一节课”请写成分钟数",
		"/log 张三 数学 2课时":     "“2课时”请写成分钟数",
		// two durations, two dates
		"/log 张三 数学 30分钟 英语 20分钟":  "一条记录只能有一个时长",
		"/log 张三 数学 30分钟 昨天 又 1小时": "一条记录只能有一个时长",
		"/log 张三 周一 数学 30分钟 周二":    "一条记录只能有一个日期",
		// weekdays and days out of range, dates with junk, bare digits, time stamps
		"/log 张三 数学 30分钟 周八":               "看起来像日期",
		"/log 张三 数学 30分钟 星期0":              "看起来像日期",
		"/log 张三 数学 30分钟 13月5日":            "没有这一天",
		"/log 张三 数学 30分钟 11月32日":           "没有这一天",
		"/log 张三 数学 30分钟 11-20abc":         "看起来像日期",
		"/log 张三 数学 30分钟 20261120":         "看起来像日期",
		"/log 张三 数学 30分钟 2026-11-20T10:00": "看起来像日期",
		"/log 张三 数学 30分钟 19:00":            "看起来像日期",
		"/log 张三 数学 30分钟 20号":              "看起来像日期",
		"/log 张三 数学 30分钟 十一月二十日":           "看起来像日期",
		"/log 张三 数学 30分钟 -1":               "看起来像日期",
	}
	for in, want := range cases {
		got := w.say("王老师", in)
		if want != "" {
			must(t, got, want)
		}
		must(t, got, "例如：/log")
		if strings.Count(got, "\n") > 2 {
			t.Errorf("%q: want one clear line and an example, got %q", in, got)
		}
	}
	ss, _ := w.st.SessionsBetween(time.Time{}, wed.AddDate(1, 0, 0))
	for _, s := range ss {
		t.Errorf("stored subject %q note %q %d分钟 on %s", s.Subject, s.Note, s.Minutes, s.At.Format("01-02"))
	}
}

// What is a word stays a word: notes that start with a number, a date
// before the duration, Chinese punctuation in free text.
func TestLogWordsAroundValuesAreKept(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/log 张三 周一 数学 30分钟"), "张三（初一3班）", "11月23日")
	must(t, w.say("王老师", "/log 张三 数学 30分钟 3道题没做完"), "3道题没做完")
	must(t, w.say("王老师", "/log 张三 英语 20分钟 3月份的单词：复习（第2遍）！"), "3月份的单词：复习（第2遍）！")
	must(t, w.say("王老师", "/log 张三 二次函数 半小时"), "二次函数")
	ss, _ := w.st.SessionsBetween(time.Time{}, wed.AddDate(1, 0, 0))
	got := map[string]string{}
	for _, s := range ss {
		got[s.Subject] = s.Note + "@" + s.At.Format("01-02")
	}
	want := map[string]string{"数学": "3道题没做完@11-25", "英语": "3月份的单词：复习（第2遍）！@11-25", "二次函数": "@11-25"}
	if len(got) != 3 || got["英语"] != want["英语"] || got["二次函数"] != want["二次函数"] {
		t.Fatalf("stored %v, want %v and a Monday 数学", got, want)
	}
	mondays := 0
	for _, s := range ss {
		if s.Subject == "数学" && s.At.Format("01-02") == "11-23" {
			mondays++
		}
	}
	if mondays != 1 {
		t.Fatalf("the date before the duration was not kept: %v", got)
	}
}

// Free text reaches a parent as written, without the marks that could hide
// or reorder it.
func TestPraiseKeepsPunctuationAndDropsInvisibleMarks(t *testing.T) {
	w := school(t)
	w.say("王老师", "/praise 张三 这周作业全对！继续加油：每天读书（半小时）\u202e\u0007")
	q, _ := w.st.Queue(time.Time{}, 0)
	var toParent string
	for _, m := range q {
		if m.ChatID == "dm:张三妈妈" {
			toParent = m.Text
		}
	}
	must(t, toParent, "这周作业全对！继续加油：每天读书（半小时）")
	mustNot(t, toParent, "\u202e", "\u0007")
}

// A message over the cap gets one line saying so, whatever its shape, and
// nothing is parsed or stored; one just under it is parsed as usual.
func TestLongMessagesGetOneLine(t *testing.T) {
	w := school(t)
	for _, in := range []string{
		"/log 张三 数学 30分钟 " + strings.Repeat("作业", 1000),
		"/log 张三 " + strings.Repeat("1", 1<<20),
		"/status " + strings.Repeat("初一3班 ", 500),
	} {
		got := w.say("王老师", in)
		must(t, got, "太长了", "最多2000字")
		if strings.Count(got, "\n") > 0 {
			t.Errorf("want one line, got %q", got)
		}
	}
	// Under the cap, one long field with no duration in it is refused in
	// one line (the glued-duration search stays linear).
	must(t, w.say("王老师", "/log 张三 "+strings.Repeat("数", 1990)), "没看到辅导时长")
	ss, _ := w.st.SessionsBetween(time.Time{}, wed.AddDate(1, 0, 0))
	if len(ss) != 0 {
		t.Fatalf("stored %d sessions from long messages", len(ss))
	}
}

func TestContactDateThatDoesNotParseIsRefused(t *testing.T) {
	w := school(t)
	for _, in := range []string{"/contact 张三 电话 妈妈 作业按时交了 11-20abc", "/contact 张三 电话 妈妈 作业按时交了 周八", "/contact 张三 电话 妈妈 作业按时交了 19:00"} {
		must(t, w.say("王老师", in), "看起来像日期", "例如：/contact")
	}
	must(t, w.say("王老师", "/contact 张三 电话 妈妈 作业按时交了 周一"), "11月23日")
	sts, _ := w.st.StudentsNamed("张三")
	cs, err := w.st.Contacts(sts[0].ID, time.Time{}, wed.AddDate(1, 0, 0))
	if err != nil || len(cs) != 1 || cs[0].Content != "作业按时交了" {
		t.Fatalf("stored %+v (%v), want the one with a real date", cs, err)
	}
}

// The relatives who really look after left-behind children are 对象s; an
// unknown kin word in that place is asked about, never glued to the content.
func TestContactRelativesAreKnownAndUnknownOnesAsked(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/contact 张三 电话 姑姑 孩子这周作业按时交了"), "电话·姑姑")
	must(t, w.say("王老师", "/contact 张三 微信 舅舅 周末带孩子复习"), "微信·舅舅")
	must(t, w.say("王老师", "/contact 张三 面谈 哥哥 说了期中成绩"), "面谈·哥哥")
	must(t, w.say("王老师", "/contact 张三 电话 表叔 说了期中成绩"), "“表叔”是孩子的哪位家人", "代管家长", "例如：/contact")
	must(t, w.say("王老师", "/contact 张三 电话 孩子这周进步了"), "电话")
	sts, _ := w.st.StudentsNamed("张三")
	cs, _ := w.st.Contacts(sts[0].ID, time.Time{}, wed.AddDate(1, 0, 0))
	var got []string
	for _, c := range cs {
		got = append(got, c.Whom+"|"+c.Content)
	}
	want := "姑姑|孩子这周作业按时交了 舅舅|周末带孩子复习 哥哥|说了期中成绩 |孩子这周进步了"
	if strings.Join(got, " ") != want {
		t.Fatalf("stored %q, want %q", strings.Join(got, " "), want)
	}
	must(t, w.say("李老师", "/invite parent 李四 姑姑"), "姑姑")
}

// Words about a family's circumstances are never sent to a parent: the
// teacher is asked to rephrase, and nothing is stored or queued; a phrase
// that only contains such a word (考试后进步) goes through.
func TestCircumstanceWordsNeverReachAParent(t *testing.T) {
	w := school(t)
	for _, text := range []string{"家里低保但很努力", "父母离异后变得开朗了", "虽然是单亲家庭也很懂事", "留守在家也能按时完成作业", "贫困生里最用功", "身体残疾却坚持跑步"} {
		must(t, w.say("王老师", "/praise 张三 "+text), "请不要写")
		must(t, w.say("李老师", "/comment 张三 "+text), "请不要写")
		must(t, w.say("李老师", "/meeting 初一3班 下周三 19:00 "+text), "请不要写")
	}
	if q, _ := w.st.Queue(time.Time{}, 0); len(q) != 0 {
		t.Fatalf("queued for parents: %+v", q)
	}
	must(t, w.say("王老师", "/praise 张三 期中考试后进步很大"), "已记录张三（初一3班）的进步")
}

// A class's week counts students who met their target, not a sum of
// sessions: three sessions for one student do not hide another's none.
func TestClassStatusCountsStudentsWhoMetTheirTarget(t *testing.T) {
	w := school(t)
	for i := 0; i < 3; i++ {
		w.say("李老师", "/log 李四 语文 30分钟")
	}
	got := w.say("李老师", "/status 初一3班")
	must(t, got, "本周达到约定次数：1/2人（共辅导3次）", "本周还没达到约定次数：张三")
	mustNot(t, got, "3次/目标3次")
	must(t, w.say("校长", "/status"), "初一3班：本周达到约定次数1/2人")
}

// On the month's last day the parents not yet contacted are owed today:
// "本月还剩0天" read as if the month were already over.
func TestStatusOnTheMonthsLastDaySaysSo(t *testing.T) {
	w := school(t) // Wednesday 25 November
	must(t, w.say("李老师", "/status 初一3班"), "本月还没联系家长：张三、李四（本月还剩5天）")
	w.now = time.Date(2026, 11, 30, 15, 0, 0, 0, shanghai)
	got := w.say("李老师", "/status 初一3班")
	must(t, got, "本月还没联系家长：张三、李四（今天是本月最后一天）")
	mustNot(t, got, "还剩0天")
	must(t, w.say("李老师", "/status 李四"), "本月家长沟通：还没有（今天是本月最后一天）")
}

// A month-day still to come is last year's only where that is this
// semester: in January, 12月28日 is the December just gone.
func TestAMonthDayOfLastYearInTheSemesterIsKept(t *testing.T) {
	w := school(t)
	w.now = time.Date(2027, 1, 10, 10, 0, 0, 0, shanghai)
	must(t, w.say("王老师", "/log 张三 数学 30分钟 12月28日"), "已记录", "12月28日（周一）")
	must(t, w.say("王老师", "/log 张三 数学 30分钟 1月12日"), "不能记录还没到的日子（1月12日（周二））")
}

// A phone keyboard switching from Latin to Chinese often drops the space
// after the command: /log张三 is /log 张三, /status初一3班 is /status 初一3班;
// /logs is still no command.
func TestAnEnglishCommandGluedToChineseIsRead(t *testing.T) {
	w := school(t)
	for _, c := range []struct{ who, line, want string }{
		{"王老师", "/log张三 数学 30分钟", "已记录：张三（初一3班）数学 30分钟，11月25日（周三），本周第1次"},
		{"李老师", "/status初一3班", "初一3班 帮扶情况"},
		{"王老师", "/History张三", "张三（初一3班） 最近"},
		{"王老师", "/logs", "没有这个命令：/logs"},
		{"王老师", "/log张三", "请写上辅导内容和时长"},
	} {
		must(t, w.say(c.who, c.line), c.want)
	}
}

// A name glued to what follows it (a phone keyboard's missing space) is
// read when what follows makes it plain; a longer name the register lacks
// is never taken for the shorter one it has.
// A small group tutored together is logged in one line: a session for
// each student, stored together, each numbered; a praise for several
// reaches each family with its own child alone. A contact for several
// students at once was taken as the first one's (the second name made its
// content): refused, with each student's line.
func TestStudentsTutoredTogetherAreLoggedInOneLine(t *testing.T) {
	w := school(t)
	r := w.say("王老师", "/log 张三 李四 数学 40分钟 讲了分数")
	must(t, r, "已记录2位学生一起辅导：数学 40分钟，11月25日（周三）。", "· 张三（初一3班） 本周第1次/目标2次（记录号 #1）", "· 李四（初一3班） 本周第1次/目标1次 ✓（记录号 #2）", "备注：讲了分数", "/undo 每次撤销最后一条（要撤销这2条就发2次）")
	must(t, w.say("王老师", "/log 张三、李四 数学 40分钟"), "已记录2位学生一起辅导")
	// A day of last week counts in that week.
	must(t, w.say("王老师", "/辅导 张三 和 李四 数学 40分钟 上周五"), "11月20日（周五）（按11月16日—11月22日那一周算）。", "· 张三（初一3班） 那一周第1次/目标2次")
	must(t, w.say("王老师", "/history 李四"), "辅导：数学 40分钟（王老师）")
	// In the teachers' group the note stays private.
	r = w.sayIn("初一3班教师群", "王老师", "/log 张三 李四 英语 20分钟 单词默写")
	must(t, r, "已记录2位学生一起辅导", "（备注已保存，群里不显示）")
	mustNot(t, r, "单词默写")
	// /undo takes them one at a time, the last first.
	must(t, w.say("王老师", "/undo"), "李四")
	must(t, w.say("王老师", "/undo"), "张三")
	// A name that is nobody's stores nothing for anyone.
	must(t, w.say("王老师", "/log 张三 李四 数学"), "时长")
	zs, _ := w.st.StudentsNamed("张三")
	if ss, _ := w.st.Sessions(zs[0].ID, time.Time{}, w.now.Add(time.Hour)); len(ss) != 3 {
		t.Fatalf("张三's sessions: %d, want 3", len(ss))
	}
	must(t, w.say("李老师", "/contact 张三 李四 电话 妈妈 说了作业"), "只能写一位学生，这条没有记下来", "/contact 张三 电话 妈妈 说了作业\n/contact 李四 电话 妈妈 说了作业")

	// Praise for two: each family hears of its own child, never the other.
	r = w.say("李老师", "/表扬 张三，李四 这周都按时交了作业")
	must(t, r, "已记录2位学生的进步：这周都按时交了作业", "每位家长只收到自己孩子的这一条", "· 张三（初一3班） 已发给1位家长", "· 李四（初一3班） 还没有家长绑定", "/invite parent 李四 妈妈")
	q, ok := w.queuedTo("dm:张三妈妈", "这周都按时交了作业")
	if !ok || !strings.Contains(q.Text, "张三") || strings.Contains(q.Text, "李四") {
		t.Fatalf("张三's mother got %+v", q)
	}
	must(t, w.say("李老师", "/history 李四"), "进步：这周都按时交了作业")
	// /undo takes 李四's; a second, 张三's, and his mother's message with it.
	w.say("李老师", "/undo")
	must(t, w.say("李老师", "/undo"), "张三")
	if w.queuedFor("dm:张三妈妈", "这周都按时交了作业") != 0 {
		t.Fatal("the undone praise still goes to the parent")
	}
	// A run of names with one not on the register names that one.
	r = w.say("王老师", "/log 张三、李四、王六 数学 40分钟")
	must(t, r, "没有叫王六的学生")
	mustNot(t, r, "张三、李四、王六", "已记录")
	// A name that holds 和 is one student.
	w.say("校长", "/student add 初一3班 王和平")
	must(t, w.say("李老师", "/log 王和平 数学 30分钟"), "已记录：王和平（初一3班）数学 30分钟")
	// Names with a separator and a space, as phone keyboards type them.
	must(t, w.say("王老师", "/log 张三、 李四 数学 30分钟"), "已记录2位学生一起辅导")
	must(t, w.say("王老师", "/log 张三， 数学 30分钟"), "已记录：张三（初一3班）数学 30分钟")
	// A comment is one child's: the family reads it.
	must(t, w.say("王老师", "/评语 张三 李四 都很努力"), "一条 /评语 只能写一位学生，这条没有记下来", "/评语 张三 都很努力\n/评语 李四 都很努力")
	if cs, _ := w.st.AllComments(w.h.Cal.TermAt(w.now).Key()); len(cs) != 0 {
		t.Fatalf("a comment naming two children was stored: %+v", cs)
	}
	// A name written twice is one student.
	for _, in := range []string{"/log 张三 张三 数学 30分钟", "/log 张三、张三 数学 30分钟"} {
		r := w.say("李老师", in)
		must(t, r, "已记录：张三（初一3班）数学 30分钟")
		mustNot(t, r, "一起")
	}
	// One student, and words that are no student's, as before.
	must(t, w.say("李老师", "/log 张三 数学 和 英语 30分钟"), "已记录：张三（初一3班）数学 和 英语 30分钟")
}

// A second name one character off a student's (李五 for 李四) was taken
// for the subject: 张三's session said "李五 数学" and 李四 had none.
func TestAMisspeltSecondNameIsAskedAbout(t *testing.T) {
	w := school(t)
	zs, _ := w.st.StudentsNamed("张三")
	r := w.say("王老师", "/log 张三 李五 数学 40分钟")
	must(t, r, "帮扶名单里没有叫李五的学生，是不是李四？", "/log 张三 李四 数学 40分钟", "/log 张三 30分钟 李五")
	if ss, _ := w.st.Sessions(zs[0].ID, time.Time{}, w.now.Add(time.Hour)); len(ss) != 0 {
		t.Fatalf("a session was stored: %+v", ss)
	}
	// Written as it suggests, both are logged; with the duration first,
	// the word is the subject.
	must(t, w.say("王老师", "/log 张三 李四 数学 40分钟"), "已记录2位学生一起辅导")
	must(t, w.say("王老师", "/log 张三 30分钟 李五"), "已记录：张三（初一3班）李五 30分钟")
	// Words that start like a surname but are a day or a subject are not
	// names: 周一 with 周丽 on the register, 单词 with 单明.
	w.say("校长", "/student add 初一3班 周丽")
	w.say("校长", "/student add 初一3班 单明")
	must(t, w.say("王老师", "/log 张三 周一 数学 30分钟"), "已记录：张三（初一3班）数学 30分钟，11月23日（周一）")
	must(t, w.say("王老师", "/log 张三 单词 20分钟"), "已记录：张三（初一3班）单词 20分钟")
	// A word far from every name is the subject, as before.
	must(t, w.say("王老师", "/log 张三 李白诗词 20分钟"), "已记录：张三（初一3班）李白诗词 20分钟")
	// A praise the same: 张三's family would read "李五 …".
	r = w.say("李老师", "/表扬 张三 李五 这周都按时交了作业")
	must(t, r, "帮扶名单里没有叫李五的学生，是不是李四？", "例如：/表扬 张三 李四 这周都按时交了作业")
	if q := w.queuedFor("dm:张三妈妈", "按时交了作业"); q != 0 {
		t.Fatalf("the praise went to the family: %d", q)
	}
	must(t, w.say("李老师", "/表扬 张三 这周都按时交了作业"), "已记录张三（初一3班）的进步")
	// A space after the surname (张 三) is read as the one name.
	must(t, w.say("王老师", "/log 张 三 语文 20分钟"), "已记录：张三（初一3班）语文 20分钟")
	must(t, w.say("王老师", "/contact 张 三 电话 妈妈 说了作业"), "已记录：张三（初一3班）家校沟通（电话·妈妈）")
	must(t, w.say("王老师", "/status 张 三"), "张三（初一3班）")
	must(t, w.say("王老师", "/history 张 三"), "张三（初一3班） 最近")
}

func TestAStudentsNameGluedToTheRestIsRead(t *testing.T) {
	w := school(t)
	for _, c := range []struct{ line, want string }{
		{"/log 张三数学30分钟", "已记录：张三（初一3班）数学 30分钟，11月25日（周三），本周第1次"},
		{"/log 李四英语辅导 20分钟 昨天", "已记录：李四（初一3班）英语辅导 20分钟，11月24日（周二）"},
		{"/log 张三30分钟 语文", "已记录：张三（初一3班）语文 30分钟"},
		{"/contact 张三电话妈妈 说了作业的事", "已记录：张三（初一3班）家校沟通（电话·妈妈）"},
		{"/contact 张三 微信爸爸 孩子这周进步了", "家校沟通（微信·爸爸）"},
		{"/log 张三丰 数学 30分钟", "没有叫张三丰的学生"},
		{"/log 张三丰30分钟", "请写上辅导内容和时长"},
		{"/contact 张三丰电话 妈妈 说了作业", "请写上沟通方式"},
	} {
		must(t, w.say("王老师", c.line), c.want)
	}
	r := w.say("王老师", "/history 张三")
	must(t, r, "家校沟通：微信·爸爸", "家校沟通：电话·妈妈", "语文 30分钟", "数学 30分钟")
	mustNot(t, r, "丰")
}

// A refusal names the command as the teacher wrote it: /计划 is not
// answered with /plan.
func TestARefusalNamesTheCommandAsWritten(t *testing.T) {
	w := school(t)
	must(t, w.sayIn("初一3班教师群", "李老师", "/计划 张三"), "请私聊我使用 /计划。")
	must(t, w.sayIn("初一3班教师群", "李老师", "/plan 张三"), "请私聊我使用 /plan。")
	must(t, w.say("王老师", "/学生 删除 张三 确认"), "只有学校管理员可以用 /学生 删除。")
	must(t, w.sayIn("初一3班家长群", "张三妈妈", "/状态"), "请私聊我发送 /状态。")
	must(t, w.say("李老师", "/本群 教师"), "/本群 教师 要在群里发送")
}

// A Latin name is found whatever its case; a name no student has offers
// the ones that hold it (a Uyghur given name for the full name), to staff
// only, and nothing is stored.
func TestANameNobodyHasOffersTheNamesThatHoldIt(t *testing.T) {
	w := school(t)
	w.say("李老师", "/student add 初一3班 阿依古丽·买买提 学困")
	w.say("李老师", "/student add 初一3班 Tom 学困")
	must(t, w.say("王老师", "/log tom 英语 30分钟"), "已记录：Tom（初一3班）英语 30分钟")
	must(t, w.say("王老师", "/log 阿依古丽 数学 30分钟"), "没有叫阿依古丽的学生。是不是：阿依古丽·买买提（初一3班）？")
	must(t, w.say("王老师", "/log 张 数学 30分钟"), "没有叫张的学生。请核对姓名") // one letter offers nothing
	// The pinyin keyboard's homophone, one character off, is asked about;
	// a two-character name keeps its surname (王三 is not 张三).
	w.say("李老师", "/student add 初一3班 李小四 单亲")
	must(t, w.say("王老师", "/log 张散 数学 30分钟"), "没有叫张散的学生。是不是：张三（初一3班）？")
	must(t, w.say("王老师", "/status 李晓四"), "没有叫李晓四的学生。是不是：李小四（初一3班）？")
	must(t, w.say("王老师", "/contact 李小4 电话 妈妈 说了作业"), "是不是：李小四（初一3班）？")
	mustNot(t, w.say("王老师", "/log 王三 数学 30分钟"), "是不是")
	zs, _ := w.st.StudentsNamed("张三")
	if ss, _ := w.st.Sessions(zs[0].ID, time.Time{}, w.now.Add(time.Hour)); len(ss) != 0 {
		t.Fatalf("张三 has %d sessions from a misspelt name", len(ss))
	}
	mustNot(t, w.say("张三妈妈", "/status 阿依古丽"), "买买提")
	must(t, w.say("王老师", "/history 阿依古丽·买买提"), "还没有记录")
}

// Some input methods put a space between digits and Chinese (30 分钟,
// 11 月 24 日, 每周 3 次): it was refused as a number without its unit.
// And a test's mark in the note (小测 85分) is no second duration.
func TestSpacesAnInputMethodAddsAreRead(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/log 张三 数学 30 分钟"), "已记录：张三（初一3班）数学 30分钟，11月25日（周三）")
	must(t, w.say("王老师", "/log 张三 数学 1.5 小时 11 月 24 日"), "已记录：张三（初一3班）数学 90分钟，11月24日（周二）")
	r := w.say("王老师", "/log 张三 数学 30分钟 小测 85 分")
	must(t, r, "已记录：张三（初一3班）数学 30分钟", "备注：小测 85 分")
	must(t, w.say("李老师", "/student set 张三 每周 3 次"), "每周辅导3次")
	must(t, w.say("李老师", "/meeting 初一3班 12 月 4 日 晚上 7 点 期末家长会"), "初一3班家长会，12月4日（周五） 19:00", "期末家长会")
	must(t, w.say("李老师", "/meeting 初一3班 12 月 11 日晚上 7 点 学习方法交流"), "初一3班家长会，12月11日（周五） 19:00", "学习方法交流")
	must(t, w.say("王老师", "/log 张三 数学 1 小时 30 分钟"), "数学 90分钟")
	// The week's time, in the student's status, in hours and minutes.
	must(t, w.say("王老师", "/status 张三"), "本周辅导：4次/目标3次（4小时）")
	// A word that only starts like a unit stays a word: 2 次函数.
	must(t, w.say("王老师", "/log 张三 数学 30分钟 讲了 2 次函数"), "备注：讲了 2 次函数")
	// A second duration is still one too many.
	must(t, w.say("王老师", "/log 张三 数学 30 分钟 英语 20 分钟"), "一条记录只能有一个时长")
	// A number that is not a duration or a date keeps its place.
	must(t, w.say("王老师", "/history 张三 2"), "最近2条记录")
}

// A class written without its grade (3班) is the teacher's own 3班, or the
// school's only one; with several, the teacher is asked which. It was
// taken for a student's name.
func TestAClassWithoutItsGrade(t *testing.T) {
	w := school(t)
	must(t, w.say("李老师", "/status 3班"), "初一3班 帮扶情况")
	must(t, w.say("李老师", "/students (3)班"), "初一3班 辅导学生名单（2人）")
	must(t, w.say("李老师", "/status 5班"), "学校里还没有5班。班级请写上年级。", "例如：/status 初一3班")
	w.say("校长", "/student add 初二3班 赵六")
	must(t, w.say("校长", "/status 3班"), "有几个3班：初一3班、初二3班，请写上年级。")
	must(t, w.say("李老师", "/status 3班"), "初一3班 帮扶情况") // the one she heads
	// A student is never added to a class without its grade.
	must(t, w.say("校长", "/student add 3班 钱七"), "班级")
	if sts, _ := w.st.StudentsNamed("钱七"); len(sts) != 0 {
		t.Fatalf("钱七 added: %+v", sts)
	}
}

// 家长 and 父母 are whom teachers most often write a contact was with: they
// were taken as the start of its content.
func TestAContactWithTheFamily(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/contact 张三 微信 家长 说了作业"), "家校沟通（微信·家长）", "内容：说了作业")
	must(t, w.say("王老师", "/contact 张三 电话 孩子父母 说了这周的情况"), "家校沟通（电话·父母）", "内容：说了这周的情况")
	// Both parents working away are reached by a call to 父母.
	mustNot(t, w.say("王老师", "/mine"), "与外出务工的父母沟通 0/1次")
	// /家访 says how it was made; the ways as teachers write them.
	must(t, w.say("王老师", "/家访 张三 奶奶 看了家里学习环境"), "家校沟通（家访·奶奶）", "内容：看了家里学习环境")
	must(t, w.say("王老师", "/contact 张三 电话沟通 妈妈 说了作业"), "家校沟通（电话·妈妈）")
	must(t, w.say("王老师", "/contact 张三 来校 爸爸 聊了期中成绩"), "家校沟通（面谈·爸爸）")
	// No one is invited or registered as 家长: it is no one person.
	must(t, w.say("李老师", "/invite parent 张三 家长"), "关系可以写")
}

// A record's student not written first: after a day, a duration or a
// subject, or with a colon after the name. It was refused as a student
// called 昨天, or (/contact) as a line for two students.
func TestTheStudentNeedNotComeFirst(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/log 昨天 张三 数学 30分钟"), "已记录：张三（初一3班）数学 30分钟，11月24日（周二）")
	must(t, w.say("王老师", "/log 数学 张三 30分钟"), "已记录：张三（初一3班）数学 30分钟，11月25日（周三）")
	must(t, w.say("王老师", "/log 张三：英语 20分钟"), "已记录：张三（初一3班）英语 20分钟")
	must(t, w.say("王老师", "/contact 昨天 张三 电话 妈妈 说了作业"), "家校沟通（电话·妈妈），11月24日（周二）", "内容：说了作业")
	must(t, w.say("王老师", "/表扬 张三：这周作业全对"), "已记录张三（初一3班）的进步：这周作业全对")
	// A name the register lacks stays first and is refused, never moved
	// behind another student's.
	r := w.say("王老师", "/log 张三丰 李四 数学 30分钟")
	mustNot(t, r, "已记录")
	if ss, _ := w.st.SessionsBetween(w.now.AddDate(0, 0, -7), w.now.Add(time.Hour)); len(ss) != 3 {
		t.Fatalf("%d sessions stored, want 3", len(ss))
	}
}

// A record for a class or for 全班 is refused, saying each record is one
// student's; a class before a student's name stays the student's class.
func TestARecordForAWholeClassIsRefused(t *testing.T) {
	w := school(t)
	for _, in := range []string{"/log 初一3班 数学 40分钟", "/log 全班 数学 40分钟", "/表扬 初一3班 这周都按时交作业"} {
		must(t, w.say("王老师", in), "记的是帮扶学生本人的，不能记给一个班")
	}
	must(t, w.say("王老师", "/log 初一3班 张三 数学 40分钟"), "已记录：张三（初一3班）数学 40分钟")
	must(t, w.say("王老师", "/log 初一3班 张三丰 数学 40分钟"), "没有叫张三丰")
	if ss, _ := w.st.SessionsBetween(w.now.AddDate(0, 0, -7), w.now.Add(time.Hour)); len(ss) != 1 {
		t.Fatalf("%d sessions stored, want 1", len(ss))
	}
}

// A record's line with its student left out is answered so, with the line
// as it should be sent (in private; in a group the note is not echoed).
func TestARecordWithItsStudentLeftOut(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/log 周一 数学 30分钟"), "先写学生的名字", "例如：/log 张三 周一 数学 30分钟")
	must(t, w.say("王老师", "/log 数学 30分钟"), "先写学生的名字")
	must(t, w.say("王老师", "/contact 电话 妈妈 说了作业"), "先写学生的名字", "例如：/contact 张三 电话 妈妈 说了作业")
	r := w.sayIn("初一3班教师群", "王老师", "/contact 电话 奶奶 父母在外打工")
	must(t, r, "先写学生的名字")
	mustNot(t, r, "父母在外打工")
	if ss, _ := w.st.SessionsBetween(w.now.AddDate(0, 0, -7), w.now.Add(time.Hour)); len(ss) != 0 {
		t.Fatalf("stored: %+v", ss)
	}
}

// TestALineSentTwiceIsPointedOut: on a poor connection a teacher taps
// "resend" and the same line arrives twice, as two messages. The second
// /log or /contact is kept (two sessions of a day happen) and the teacher
// is told how to undo it; the same praise is not sent to the family twice.
func TestALineSentTwiceIsPointedOut(t *testing.T) {
	w := school(t)
	zs, _ := w.st.StudentsNamed("张三")
	sessions := func() int {
		ss, _ := w.st.Sessions(zs[0].ID, time.Time{}, w.now.Add(time.Hour))
		return len(ss)
	}
	first := w.say("王老师", "/log 张三 数学 30分钟")
	must(t, first, "记录号 #1")
	mustNot(t, first, "一字不差")
	r := w.say("王老师", "/log 张三  数学 30分钟")
	must(t, r, "已记录：张三（初一3班）数学 30分钟", "记录号 #2", "这一行和你刚才发的（#1）一字不差。如果是重复发了，发 /undo 撤销这一条。")
	if n := sessions(); n != 2 {
		t.Fatalf("sessions: %d, want 2", n)
	}
	must(t, w.say("王老师", "/undo"), "数学")
	// Another teacher's same line is their own session.
	mustNot(t, w.say("李老师", "/log 张三 数学 30分钟"), "一字不差")
	// Later than ten minutes, it is another session.
	w.now = w.now.Add(11 * time.Minute)
	mustNot(t, w.say("王老师", "/log 张三 数学 30分钟"), "一字不差")
	w.now = w.now.Add(3 * time.Minute)
	must(t, w.say("王老师", "/log 张三 数学 30分钟"), "你3分钟前发的")

	// Students tutored together: every record of the first line is named.
	w.say("王老师", "/log 张三 李四 英语 20分钟")
	must(t, w.say("王老师", "/log 张三 李四 英语 20分钟"), "一字不差", "一次撤一条，这次记了2条")

	must(t, w.say("王老师", "/contact 张三 电话 妈妈 说了这周的作业"), "已记录")
	must(t, w.say("王老师", "/contact 张三 电话 妈妈 说了这周的作业"), "已记录", "一字不差")

	// The same praise twice: stored once, the mother told once.
	must(t, w.say("李老师", "/表扬 张三 这周作业全对"), "已记录")
	r = w.say("李老师", "/表扬 张三 这周作业全对")
	must(t, r, "这条表扬和你刚才发的", "一字不差，已经记过了，家长只收到一次；这次没有再记")
	mustNot(t, r, "已记录")
	if n := w.queuedFor("dm:张三妈妈", "这周作业全对"); n != 1 {
		t.Fatalf("the mother was told %d times", n)
	}
	// Once undone, the same words are a praise again.
	w.say("李老师", "/undo")
	must(t, w.say("李老师", "/表扬 张三 这周作业全对"), "已记录")
	if n := w.queuedFor("dm:张三妈妈", "这周作业全对"); n != 1 {
		t.Fatalf("after the undo and again, the mother is told %d times", n)
	}
}

// TestSeveralCommandsInOneMessage: a teacher pastes the day's records into
// one message, a command a line. Each is stored and answered as if sent
// alone; a redelivery stores none of them again. A /contact no longer
// swallows the /表扬 on the line below into its content.
func TestSeveralCommandsInOneMessage(t *testing.T) {
	w := school(t)
	m := w.message("王老师", "", "/log 张三 数学 30分钟\n/log 李四 英语 20分钟\n/contact 张三 电话 妈妈 说了作业\n/表扬 张三 作业全对")
	outs := w.h.Handle(context.Background(), m)
	var replies []string
	for _, o := range outs {
		if o.Chat.ID == m.Chat.ID {
			replies = append(replies, o.Text)
		}
	}
	if len(replies) != 4 {
		t.Fatalf("%d replies: %q", len(replies), replies)
	}
	must(t, replies[0], "已记录：张三（初一3班）数学 30分钟")
	must(t, replies[1], "已记录：李四（初一3班）英语 20分钟")
	must(t, replies[2], "内容：说了作业")
	mustNot(t, replies[2], "表扬")
	must(t, replies[3], "已记录张三（初一3班）的进步：作业全对")
	if outs := w.h.Handle(context.Background(), m); len(outs) != 0 {
		t.Fatalf("the redelivered message was answered again: %+v", outs)
	}
	zs, _ := w.st.StudentsNamed("张三")
	if ss, _ := w.st.Sessions(zs[0].ID, time.Time{}, w.now.Add(time.Hour)); len(ss) != 1 {
		t.Fatalf("张三's sessions: %d, want 1", len(ss))
	}
	if cs, _ := w.st.Contacts(zs[0].ID, time.Time{}, w.now.Add(time.Hour)); len(cs) != 1 || cs[0].Content != "说了作业" {
		t.Fatalf("张三's contacts: %+v", cs)
	}
	// The bot stopped after the first of two commands: the redelivered
	// message runs the second alone.
	m = w.message("王老师", "", "/log 李四 语文 15分钟\n/log 张三 语文 15分钟")
	first := m
	first.ID, first.Text = m.ID+"/1", "/log 李四 语文 15分钟"
	w.h.Handle(context.Background(), first)
	outs = w.h.Handle(context.Background(), m)
	if len(outs) != 1 || !strings.Contains(outs[0].Text, "已记录：张三（初一3班）语文 15分钟") {
		t.Fatalf("after a stop between the commands: %+v", outs)
	}
	// A line that starts no command belongs to the command above it.
	must(t, w.say("王老师", "/log\n李四 数学 30分钟"), "已记录：李四（初一3班）数学 30分钟")
	// One bad line is answered on its own; the others are kept.
	r := w.say("王老师", "/log 张三 语文 20分钟\n/log 王六 数学 30分钟")
	must(t, r, "已记录：张三（初一3班）语文 20分钟", "没有叫王六的学生")
	var many []string
	for i := 0; i < 31; i++ {
		many = append(many, "/log 张三 数学 10分钟")
	}
	must(t, w.say("王老师", strings.Join(many, "\n")), "这条消息里有31条命令，一次最多30条，都没有处理")
	// Chat that does not start with a command stays chat in a group, even
	// with a later line that starts with a slash.
	if r := w.sayIn("初一3班教师群", "王老师", "今天作业：\n/ 表示除号，大家注意"); r != "" {
		t.Fatalf("the bot answered chat in a group: %q", r)
	}
}

// TestATalkWithTheChildIsNoContactWithTheFamily: /contact 张三 面谈 本人 (a
// talk with the child, 谈心) is recorded, but the month's contact with the
// parents is still owed: the reply, /status and the class's list say so.
func TestATalkWithTheChildIsNoContactWithTheFamily(t *testing.T) {
	w := school(t)
	r := w.say("李老师", "/contact 张三 面谈 本人 谈了这周的学习计划")
	must(t, r, "已记录：张三（初一3班）和学生本人的谈话（面谈），11月25日（周三）。这次不算家长沟通（11月和家长沟通了0次）。", "内容：谈了这周的学习计划")
	mustNot(t, r, "正式沟通已完成")
	r = w.say("李老师", "/status 张三")
	must(t, r, "本月家长沟通：还没有")
	mustNot(t, r, "最近一次")
	must(t, w.say("李老师", "/status 初一3班"), "本月还没联系家长：张三")
	must(t, w.say("李老师", "/history 张三"), "谈了这周的学习计划")
	// Nor does it answer the mother's message.
	w.say("张三妈妈", "老师，孩子最近回家不说话")
	w.now = w.now.Add(time.Hour)
	w.say("李老师", "/contact 张三 面谈 本人 问了问最近的情况")
	must(t, w.say("李老师", "/mine"), "家长的留言还没有人回复")
	// The parents' contact is one, and answers her.
	must(t, w.say("李老师", "/contact 张三 电话 妈妈 说了学习计划"), "计入11月的家长沟通（本月第1次），本月的正式沟通已完成 ✓")
	mustNot(t, w.say("李老师", "/mine"), "还没有人回复")
}

// TestNamesAndDurationsAsTeachersWriteThem: 张三同学 is 张三 (when no
// student is called 张三同学), and a duration glued before its subject
// (30分钟数学) is read as one glued after it is.
func TestNamesAndDurationsAsTeachersWriteThem(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/log 张三同学 数学 30分钟"), "已记录：张三（初一3班）数学 30分钟")
	must(t, w.say("王老师", "/contact 张三同学 电话 妈妈 说了作业"), "已记录：张三（初一3班）家校沟通（电话·妈妈）")
	must(t, w.say("王老师", "/log 张三同学 李四同学 英语 20分钟"), "· 张三（初一3班）", "· 李四（初一3班）")
	must(t, w.say("王老师", "/log 张三 30分钟数学"), "已记录：张三（初一3班）数学 30分钟")
	r := w.say("王老师", "/log 张三 半小时英语 背单词")
	must(t, r, "已记录：张三（初一3班）英语 30分钟", "备注：背单词")
	// A duration alone is still asked for its subject.
	must(t, w.say("王老师", "/log 张三 1小时30分"), "请写上辅导的科目或内容")
	// A student really called so is that student.
	w.say("李老师", "/student add 初一3班 王同学")
	must(t, w.say("王老师", "/log 王同学 数学 30分钟"), "已记录：王同学（初一3班）")
}

// TestOneMentorForSeveralStudents: a head teacher assigns one mentor to
// several students in one line (/导师 张三 李四 王老师), in one write; a
// name not on the register, or another class's student, changes none.
func TestOneMentorForSeveralStudents(t *testing.T) {
	w := school(t)
	w.say("校长", "/student add 初二1班 赵六 学困")
	must(t, w.say("李老师", "/导师 张三 李四 王老师"), "已指定王老师为张三（初一3班）、李四（初一3班）的导师")
	must(t, w.say("王老师", "/mine"), "王老师帮扶的学生（2人）")
	must(t, w.say("李老师", "/mentor 张三、李四 李老师"), "已指定李老师为张三（初一3班）、李四（初一3班）的导师")
	// All or none.
	must(t, w.say("李老师", "/导师 张三 王六 王老师"), "没有叫王六的学生")
	must(t, w.say("李老师", "/导师 张三 赵六 王老师"), "初二1班")
	for _, name := range []string{"张三", "李四"} {
		sts, _ := w.st.StudentsNamed(name)
		if p, _ := w.st.Person(sts[0].MentorID); p.Name != "李老师" {
			t.Fatalf("%s's mentor is %+v after refused lines", name, p)
		}
	}
	must(t, w.say("李老师", "/导师 张三 李四"), "请写上")
}

// TestSeveralStudentsNamedInAReadOrASetting: /status and /history of two
// students show both (the second was dropped without a word); /history of
// a class points to /status; /history 张三 全部 shows as many as a chat
// can; /student set of several changes each, all or none.
func TestSeveralStudentsNamedInAReadOrASetting(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学 30分钟")
	w.say("王老师", "/log 李四 英语 20分钟")
	r := w.say("李老师", "/status 张三 李四")
	must(t, r, "张三（初一3班）", "李四（初一3班）", "数学 30分钟", "英语 20分钟")
	r = w.say("李老师", "/history 张三 李四")
	must(t, r, "张三（初一3班） 最近1条记录", "李四（初一3班） 最近1条记录")
	must(t, w.say("李老师", "/history 初一3班"), "/history 看的是一位学生的记录", "/status 初一3班")
	for i := 0; i < 55; i++ {
		w.say("王老师", fmt.Sprintf("/log 张三 语文 %d分钟", 10+i))
	}
	r = w.say("李老师", "/history 张三 全部")
	must(t, r, "最近50条", "聊天里最多显示最近50条；全部记录请 /导出 初一3班")
	must(t, w.say("李老师", "/history 张三 100"), "最近50条")
	must(t, w.say("李老师", "/history 张三 5"), "最近5条")
	mustNot(t, w.say("李老师", "/history 张三 5"), "最多显示")

	r = w.say("李老师", "/student set 张三 李四 每周3次")
	must(t, r, "已修改张三（初一3班）", "已修改李四（初一3班）", "每周辅导3次")
	for _, name := range []string{"张三", "李四"} {
		if sts, _ := w.st.StudentsNamed(name); sts[0].WeeklyTarget != 3 {
			t.Fatalf("%s: %+v", name, sts[0])
		}
	}
	w.say("校长", "/student add 初二1班 赵六 学困")
	must(t, w.say("李老师", "/student set 张三 赵六 每周1次"), "初二1班")
	if sts, _ := w.st.StudentsNamed("张三"); sts[0].WeeklyTarget != 3 {
		t.Fatalf("a refused line changed 张三: %+v", sts[0])
	}
}

// TestAParentsCodeAsPeopleAskForIt: /invite parent 张三的奶奶 (and 张三 的
// 外婆) make the grandmother's code; two children in one line are told a
// code binds one child, with each line to send.
func TestAParentsCodeAsPeopleAskForIt(t *testing.T) {
	w := school(t)
	must(t, w.say("李老师", "/invite parent 张三的奶奶"), "邀请码（张三（初一3班）的奶奶，7天内有效")
	must(t, w.say("李老师", "/invite parent 张三 的 外婆"), "邀请码（张三（初一3班）的外婆")
	r := w.say("李老师", "/invite parent 张三 李四 妈妈")
	must(t, r, "一个邀请码只绑定一个孩子", "/invite parent 张三 妈妈\n/invite parent 李四 妈妈")
	mustNot(t, r, "邀请码（")
}

// TestAContactWithWhomGluedToTheStudent: /contact 张三的妈妈 电话 … and
// /contact 张三妈妈 电话 … are 张三's contact with his mother.
func TestAContactWithWhomGluedToTheStudent(t *testing.T) {
	w := school(t)
	for _, in := range []string{"/contact 张三的妈妈 电话 说了作业", "/contact 张三妈妈 电话 说了作业", "/contact 张三 的妈妈 电话 说了作业"} {
		r := w.say("李老师", in)
		must(t, r, "已记录：张三（初一3班）家校沟通（电话·妈妈）", "内容：说了作业")
	}
	// 的 that starts the content stays.
	must(t, w.say("李老师", "/contact 张三 电话 妈妈 的确按时交了"), "内容：的确按时交了")
}

// TestUndoTakesNothingElse: /undo #1, /undo 2, /撤销 张三 undid the last
// record whatever was written, perhaps another one than meant; now they
// undo nothing and say how to delete a record by its number. /撤回 is /撤销.
func TestUndoTakesNothingElse(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学 30分钟")
	w.say("王老师", "/log 李四 英语 20分钟")
	for in, want := range map[string]string{"/undo #1": "/删除记录 #1", "/undo 2": "/删除记录 #2", "/撤销 张三": "/删除记录 #5"} {
		r := w.say("王老师", in)
		must(t, r, "这次没有撤销任何记录", want)
	}
	must(t, w.say("王老师", "/history 李四"), "英语 20分钟")
	must(t, w.say("王老师", "/撤回 上一条"), "已撤销：李四（初一3班）英语 20分钟")
	must(t, w.say("王老师", "/撤销"), "已撤销：张三（初一3班）数学 30分钟")
}

// TestAStudentsLastWeek: /status 张三 上周 showed this week's figures as if
// they answered, and /status 初一3班 上周 or /status 上周 looked for a
// student called 上周. A last 上周 now asks for last week of whatever it
// follows: a student's sessions against the target (above this week's
// status), a class's or the school's digest, a mentor's students, a
// parent's own child.
func TestAStudentsLastWeek(t *testing.T) {
	w := school(t)
	// Added on Wednesday: the week before had no target for him.
	must(t, w.say("李老师", "/status 张三 上周"), "张三上周（11月16日—11月22日）还没有列入帮扶", "本周辅导：0次/目标2次")
	w.say("王老师", "/log 张三 数学 30分钟")
	w.say("王老师", "/log 李四 英语 20分钟")
	w.say("王老师", "/log 李四 英语 1小时 周二")
	w.now = w.now.AddDate(0, 0, 7) // Wednesday next week
	w.say("王老师", "/log 张三 语文 45分钟")
	r := w.say("李老师", "/status 张三 上周")
	must(t, r, "张三上周（11月23日—11月29日）：辅导1次/目标2次（30分钟），比约定少1次", "本周辅导：1次/目标2次")
	if strings.Index(r, "上周（") > strings.Index(r, "本周辅导") {
		t.Errorf("last week's line should come first:\n%s", r)
	}
	must(t, w.say("李老师", "/status 李四 上星期"), "李四上周（11月23日—11月29日）：辅导2次/目标1次（1小时20分钟），达到约定 ✓")
	must(t, w.say("李老师", "/status 上周 李四"), "李四上周（11月23日—11月29日）：辅导2次/目标1次")
	mustNot(t, w.say("李老师", "/status 张三"), "上周（")
	// Several students, each one's last week above their status.
	r = w.say("李老师", "/status 张三 李四 上周")
	must(t, r, "张三上周（11月23日—11月29日）：辅导1次/目标2次", "李四上周（11月23日—11月29日）：辅导2次/目标1次", "本周辅导：1次/目标2次", "本周辅导：0次/目标1次")
	// A class's last week is its digest, for whoever may see its week; a
	// bare 上周 is the reader's class, or the school.
	for _, c := range [][3]string{{"李老师", "", "/status 初一3班 上周"}, {"李老师", "", "/status 上周"}, {"王老师", "初一3班教师群", "/status 上周"}, {"王老师", "", "/status 初一3班 上周"}} {
		must(t, w.sayIn(c[1], c[0], c[2]), "初一3班 上周帮扶小结（11月23日—11月29日）", "辅导：3次，共1小时50分钟", "达到约定次数：1/2人（没达到：张三 1/2次）")
	}
	must(t, w.say("校长", "/status 上周"), "全校帮扶周报（11月23日—11月29日）")
	// A mentor's, and a teacher's own, students: each one's line.
	must(t, w.say("李老师", "/status 王老师 上周"), "张三上周（11月23日—11月29日）：辅导1次/目标2次")
	r = w.say("王老师", "/status 上周")
	must(t, r, "张三上周（11月23日—11月29日）：辅导1次/目标2次")
	mustNot(t, r, "李四", "本周辅导")
	// A parent: their child's last week, in a parent's words.
	r = w.say("张三妈妈", "/status 上周")
	must(t, r, "张三上周（11月23日—11月29日）的情况", "老师和孩子一起学习了1次，共30分钟（数学）")
	mustNot(t, r, "这周", "留守", "目标")
}

// TestAStudentMovesClass: /student move 张三 初一4班 (转班) takes the student
// and their records to another class; the old class's head teacher no
// longer sees the sensitive parts; the new class is told to get a head
// teacher; only the old class's head teacher or an admin may move them.
func TestAStudentMovesClass(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学 30分钟")
	r := w.say("李老师", "/转班 张三 初一4班")
	must(t, r, "已把张三从初一3班转到初一4班", "初一4班还没有班主任：/invite teacher 初一4班 班主任", "导师仍是王老师")
	must(t, w.say("校长", "/status 张三"), "张三（初一4班）", "数学 30分钟")
	mustNot(t, w.say("李老师", "/students 初一3班"), "张三")
	mustNot(t, w.say("李老师", "/status 张三"), "留守")
	must(t, w.say("李老师", "/转班 张三 初一3班"), "只有初一4班的班主任和学校管理员可以给这个班的学生转班")
	must(t, w.say("校长", "/student move 张三 初一4班"), "已经在这个班了")
	must(t, w.say("王老师", "/转班 李四 初一5班"), "只有原班的班主任和学校管理员可以用 /转班")
	must(t, w.say("校长", "/学生 调班 张三 到初一3班"), "已把张三从初一4班转到初一3班", "初一3班的班主任：李老师")
}

// TestADigestOfAnotherWeek: /digest reads last week; 本周 (so far), 上上周
// or a day's week may be asked for, and the heading names it.
func TestADigestOfAnotherWeek(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学 30分钟")
	r := w.say("李老师", "/digest 本周")
	must(t, r, "初一3班 本周（到现在）帮扶小结（11月23日—11月29日）", "辅导：1次，共30分钟")
	must(t, w.say("李老师", "/digest 初一3班 上上周"), "初一3班上上周（11月9日—11月15日）")
	must(t, w.say("李老师", "/digest 11月17日"), "上周（11月16日—11月22日）")
	must(t, w.say("李老师", "/digest 11月3日"), "（11月2日—11月8日）")
	must(t, w.say("李老师", "/digest 12月20日"), "“12月20日”还没到")
	must(t, w.say("校长", "/digest 本周"), "示例中学 本周（到现在）全校帮扶周报（11月23日—11月29日）")
	must(t, w.say("校长", "/digest"), "示例中学 全校帮扶周报（11月16日—11月22日）")
}

// TestADigestNamesTheMonthItsContactsAreOf: a digest counts the contacts of
// its week's month under 本月, which read as the month it is read in: the
// digest of a week in October, or the Monday digest on the 1st of a month,
// showed last month's figure as this month's. It names the month.
func TestADigestNamesTheMonthItsContactsAreOf(t *testing.T) {
	w := newWorld(t, time.Date(2026, 10, 12, 10, 0, 0, 0, shanghai))
	w.say("校长", "/student add 初一3班 张三 每周2次")
	w.say("校长", "/student add 初一3班 李四")
	w.join("李老师", w.say("校长", "/invite teacher 初一3班 班主任"))
	w.now = time.Date(2026, 10, 20, 18, 0, 0, 0, shanghai)
	w.say("李老师", "/contact 张三 电话 妈妈 说了作业")
	w.now = wed
	w.say("李老师", "/contact 李四 电话 爸爸 说了周末的安排")
	must(t, w.say("李老师", "/digest 10月21日"), "初一3班 帮扶小结（10月19日—10月25日）", "10月家长沟通：1/2人已联系")
	must(t, w.say("校长", "/digest 10月21日"), "初一3班：达到约定次数0/2人，辅导0次/0分钟，10月已联系家长1/2", "合计：达到约定次数0/2人，辅导0次/0分钟，10月已联系家长1/2")
	must(t, w.say("李老师", "/digest 本周"), "11月家长沟通：1/2人已联系")
}

// TestAHeadTeacherAsksHowAMentorIsDoing: /status 王老师 shows the mentor's
// students of the reader's classes, with this week's sessions and the
// month's contact; another teacher's students elsewhere are not shown.
func TestAHeadTeacherAsksHowAMentorIsDoing(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学 30分钟")
	r := w.say("李老师", "/status 王老师")
	must(t, r, "王老师帮扶的学生（1人），本周 11月23日—11月29日", "· 张三（初一3班） 本周1/2次 还差1次，本月未联系家长")
	mustNot(t, r, "留守")
	must(t, w.say("王老师", "/status 王老师"), "王老师帮扶的学生（1人）")
	must(t, w.say("李老师", "/status 李老师"), "李老师还没有帮扶的学生")
	// A student of another class, with 王老师 as mentor: not 李老师's to see.
	w.say("校长", "/student add 初二1班 赵六 学困")
	w.say("校长", "/mentor 赵六 王老师")
	mustNot(t, w.say("李老师", "/status 王老师"), "赵六")
	must(t, w.say("校长", "/status 王老师"), "王老师帮扶的学生（2人）", "赵六")
	// A student really called so is the student.
	w.say("李老师", "/student add 初一3班 王老师")
	must(t, w.say("李老师", "/status 王老师"), "王老师（初一3班）")
}

// TestAnAdminsMineNamesWhatTheSchoolLacks: an admin's /mine says which
// classes have no head teacher and which students (how many, past eight)
// no mentor, with a line that assigns the first, in private;
// once each is seen to, it says nothing of them.
func TestAnAdminsMineNamesWhatTheSchoolLacks(t *testing.T) {
	w := school(t)
	w.say("校长", "/student add 初二1班 赵六 学困")
	r := w.say("校长", "/mine")
	must(t, r, "全校还缺：", "还没有班主任的班：初二1班（邀请：/invite teacher 初二1班 班主任；在这之前，该给班主任的提醒发给管理员）",
		"还没有导师的学生：初一3班李四、初二1班赵六（指定：/mentor 初一3班李四 王老师）")
	for i := 0; i < 8; i++ {
		w.say("校长", fmt.Sprintf("/student add 初二2班 学生%c", '甲'+rune(i)))
	}
	// Until 初二1班 has a head teacher, what falls to one is the admin's.
	must(t, w.say("校长", "/mine"), "还没有导师的学生：10人（看名单：/students；指定：/mentor 初一3班李四 王老师）", "赵六：本月班主任与家长的正式沟通 0/1次")
	for i := 0; i < 8; i++ {
		w.say("校长", fmt.Sprintf("/student close 学生%c 测试", '甲'+rune(i)))
	}
	mustNot(t, w.sayIn("初一3班教师群", "校长", "/mine"), "全校还缺")
	w.join("周老师", w.say("校长", "/invite teacher 初二1班 班主任"))
	must(t, w.say("周老师", "/mine"), "赵六：本月班主任与家长的正式沟通 0/1次")
	mustNot(t, w.say("校长", "/mine"), "赵六：本月班主任")
	w.say("校长", "/mentor 赵六 周老师")
	w.say("校长", "/mentor 李四 王老师")
	mustNot(t, w.say("校长", "/mine"), "全校还缺")
	mustNot(t, w.say("李老师", "/mine"), "全校还缺")
}

// TestAParentOfTwoAsksHowTheyAre: 两个孩子最近怎么样 from a parent of two
// names no child, so it was only asked which one; it is what /status
// answers, so each child's week is shown, with how to write to a teacher.
func TestAParentOfTwoAsksHowTheyAre(t *testing.T) {
	w := school(t)
	w.say("校长", "/student add 初二1班 张小红 学困")
	w.join("张三妈妈", w.say("校长", "/invite parent 张小红 妈妈"))
	w.say("王老师", "/log 张三 数学 30分钟")
	r := w.say("张三妈妈", "两个孩子最近怎么样")
	must(t, r, "张三这周（11月23日—11月29日）的情况", "数学", "张小红这周", "在留言前写上孩子的名字")
	mustNot(t, r, "学困", "留守")
	if n := w.queuedFor("dm:李老师", "最近怎么样"); n != 0 {
		t.Fatal("the question was relayed without a child")
	}
	must(t, w.say("张三妈妈", "明天请假"), "请在留言前写上是哪个孩子")
}

// TestOneChildsLineNamesOneChild: a plan's review, a plan's end and the end
// of support name one child: /student close 张三 李四 已转化 closed 张三 with
// the reason 「李四 已转化」 and left 李四 open. Each is refused with the
// lines to send, and nothing changes; the lines pasted together work.
func TestOneChildsLineNamesOneChild(t *testing.T) {
	w := school(t)
	w.say("王老师", "/计划 张三 原因：分数不熟 措施：午间辅导")
	for in, want := range map[string]string{
		"/评估 张三 李四 这个月都按时交作业了":     "这条没有记下来。几位一起的，请每人发一条：\n/评估 张三 这个月都按时交作业了\n/评估 李四 这个月都按时交作业了",
		"/student close 张三 李四 已转化": "这次没有办。几位一起的，请每人发一条：\n/student close 张三 已转化\n/student close 李四 已转化",
		"/计划 结束 张三 李四 已转化":         "这次没有办。几位一起的，请每人发一条：\n/计划 结束 张三 已转化\n/计划 结束 李四 已转化",
		"/计划 张三 李四 原因：分数不熟":        "这条没有记下来。几位一起的，请每人发一条：\n/计划 张三 原因：分数不熟\n/计划 李四 原因：分数不熟",
		"/监护人 添加 张三 李四 奶奶 在家照看":    "这次没有办。几位一起的，请每人发一条：\n/监护人 添加 张三 奶奶 在家照看\n/监护人 添加 李四 奶奶 在家照看",
	} {
		must(t, w.say("李老师", in), "只能写一位学生", want)
	}
	must(t, w.say("校长", "/student delete 张三 李四 确认"), "/student delete 张三 确认\n/student delete 李四 确认")
	for _, name := range []string{"张三", "李四"} {
		if sts, _ := w.st.StudentsNamed(name); sts[0].Closed {
			t.Fatalf("%s was closed by a refused line", name)
		}
	}
	r := w.say("李老师", "/student close 张三 已转化\n/student close 李四 已转化")
	must(t, r, "已结束张三（初一3班）的帮扶（已转化）", "已结束李四（初一3班）的帮扶（已转化）")
}
