package commands

import (
	"strings"
	"testing"
	"time"
)

const springTerm = "/semester new 2027-02-22 2027-07-02 假期 2027-04-05 2027-05-01..2027-05-05 调休 2027-04-25"

func TestTheNextSemesterIsStartedWithAConfirmation(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/semester"), "2026年秋季学期：2026年9月1日（周二） 至 2027年1月22日（周五），现在是第13周", "假期：10月1日（周四）—10月7日（周三）")
	must(t, w.say("王老师", "/comment 张三 本学期进步明显"), "记录号 #1")

	// Asked first; nothing changes until the same admin confirms.
	q := w.say("校长", springTerm)
	must(t, q, "要开始2027年春季学期：2027年2月22日（周一） 至 2027年7月2日（周五），共19周", "假期 4月5日（周一）", "假期 5月1日（周六）—5月5日（周三）", "调休上课 4月25日（周日）",
		"2026年秋季学期照常上到1月22日（周五），那之前评语照常可以写和改；结束后发 /export 上学期", springTerm+" 确认")
	if terms, _ := w.st.StartedTerms(); len(terms) != 0 {
		t.Fatalf("a question started a term: %+v", terms)
	}
	for in, want := range map[string]string{
		"/semester new 2027-02-22":                          "请写上新学期的开学日和结束日",
		"/semester new 2027-07-02 2027-02-22":               "结束日要在开学日之后",
		"/semester new 2027-01-10 2027-07-02":               "不能和2026年秋季学期（2026年9月1日（周二）至2027年1月22日（周五））重叠",
		"/semester new 2027-02-22 2027-12-02":               "一个学期最长200天",
		"/semester new 2027-02-22 2027-07-02 调休 2027-04-26": "4月26日（周一）不是周末",
		"/semester new 2027-02-22 2027-07-02 假期 2027-08-01": "不在这个学期里",
		"/semester new 2027-02-22 2027-07-02 春游 2027-04-01": "不认识“春游”",
		"/semester new 下周 2027-07-02":                       "下周",
	} {
		must(t, w.say("校长", in), want)
	}
	must(t, w.say("李老师", springTerm), "管理员")
	must(t, w.sayIn("初一3班教师群", "校长", springTerm), "私聊")
	// Someone else's 确认 does not count.
	w.join("副校长", w.say("校长", "/invite admin"))
	mustNot(t, w.say("副校长", springTerm+" 确认"), "已登记")
	w.say("校长", springTerm)

	outs := w.send("校长", "", springTerm+" 确认")
	var reply, file string
	for _, o := range outs {
		if o.File != nil {
			file = o.File.Name
		} else {
			reply += o.Text
		}
	}
	// Registered in November, the autumn term goes on: no half-term archive,
	// and its comments can still be written.
	must(t, reply, "已登记2027年春季学期", "2026年秋季学期照常上到1月22日（周五），评语照常可以写和改", "/export 上学期")
	mustNot(t, reply, "已存档")
	if file != "" {
		t.Fatalf("an archive of half a term was sent: %q", file)
	}
	must(t, w.say("王老师", "/comment 张三 本学期进步明显，作业越来越认真"), "替换了你之前写的那一条")
	terms, _ := w.st.StartedTerms()
	if len(terms) != 1 || terms[0].Key() != "2027-02-22" || len(terms[0].Holidays) != 2 || len(terms[0].MakeupDays) != 1 {
		t.Fatalf("started terms: %+v", terms)
	}
	log, _ := w.st.AuditLog(time.Time{}, wed.AddDate(1, 0, 0))
	audited := 0
	for _, e := range log {
		if e.Action == "semester.start" {
			audited++
		}
	}
	if audited != 1 {
		t.Fatalf("semester.start audited %d times", audited)
	}

	// In the new term: its weeks, its holidays; last term's comment is archived.
	w.now = time.Date(2027, 3, 3, 10, 0, 0, 0, shanghai)
	must(t, w.say("王老师", "/semester"), "2027年春季学期", "现在是第2周", "调休上课：4月25日（周日）（按上学日提醒）")
	must(t, w.say("王老师", "/修改 #1 本学期进步很明显"), "属于2026年秋季学期，已经存档")
	r := w.say("王老师", "/comment 张三 新学期继续努力")
	must(t, r, "记录号 #2")
	mustNot(t, r, "替换")
	if !w.h.Cal.IsSchoolDay(time.Date(2027, 4, 25, 9, 0, 0, 0, shanghai)) || w.h.Cal.IsSchoolDay(time.Date(2027, 4, 5, 9, 0, 0, 0, shanghai)) {
		t.Fatal("the new term's make-up day and holiday are not in the calendar")
	}
	must(t, w.say("王老师", "/log 张三 数学 30分钟 2027-02-20"), "本学期开始")

	// The autumn term's archive, whole, when the admin asks for it.
	outs = w.send("校长", "", "/export 上学期")
	file, reply = "", ""
	for _, o := range outs {
		if o.File != nil {
			file = o.File.Name
		} else {
			reply += o.Text
		}
	}
	if !strings.Contains(file, "20270122") {
		t.Fatalf("上学期's archive: %q (reply %q)", file, reply)
	}
	must(t, w.say("校长", "/export 初一3班 上学期"), "正在发送初一3班帮扶档案-20270122")
}

// Registered once the term is over, the next term archives the last one at
// once; before any term was registered, there is no 上学期 to export.
// Admins write a term's dates as the school's notice does: 2月22日,
// 4月4日-4月6日, 5月1日至5日. A date without its year is read within the
// term: its end after its start, its holidays inside it.
func TestASemesterIsWrittenInTheSchoolsOwnDates(t *testing.T) {
	w := school(t)
	for _, in := range []string{
		"/semester new 2月22日 7月2日 假期 4月5日 5月1日-5月5日 调休 4月25日",
		"/semester new 2027-02-22 7月2日 假期 4月5日 5月1日-5日 调休 4月25号",
		"/semester new 2月22日 2027-07-02 假期 4月5日 5月1日至5日 调休 4月25日",
		"/semester new 2月22号 7月2号 假期 4月5号 5月1号—5号 调休 4月25号",
	} {
		must(t, w.say("校长", in), "要开始2027年春季学期：2027年2月22日（周一） 至 2027年7月2日（周五），共19周", "假期 4月5日（周一）", "假期 5月1日（周六）—5月5日（周三）", "调休上课 4月25日（周日）", springTerm+" 确认")
	}
	// An autumn term ends in the next year.
	must(t, w.say("校长", "/semester new 2027-09-01 1月21日"), "2027年9月1日（周三） 至 2028年1月21日（周五）")
	for in, want := range map[string]string{
		"/semester new 2月22日 7月2日 假期 4月5日-":     "“4月5日-”不是日期，请写成 2027-02-22 或 2月22日 这样",
		"/semester new 2月22日 7月2日 假期 8月1日-8月3日": "不在这个学期里",
		"/semester new 2月22日 7月2日 假期 4月6日-4月5日": "不在这个学期里",
		"/semester new 2月22日 7月2日 假期 清明":        "“清明”不是日期",
	} {
		must(t, w.say("校长", in), want)
	}
	// The line as written, confirmed, starts the term it was read as.
	in := "/semester new 2月22日 7月2日 假期 4月5日 5月1日-5日 调休 4月25日"
	w.say("校长", in)
	must(t, w.say("校长", in+" 确认"), "已登记2027年春季学期")
	terms, _ := w.st.StartedTerms()
	if len(terms) != 1 || canonicalTerm(terms[0]) != springTerm {
		t.Fatalf("started %+v", terms)
	}
}

func TestANextSemesterRegisteredInTheBreakArchivesTheLastOne(t *testing.T) {
	w := school(t)
	must(t, w.say("校长", "/export 上学期"), "还没有上学期的记录")
	must(t, w.say("王老师", "/comment 张三 本学期进步明显"), "记录号 #1")
	w.now = time.Date(2027, 1, 26, 10, 0, 0, 0, shanghai) // the winter break
	must(t, w.say("校长", springTerm), "2026年秋季学期已经结束：它的1条评语存档")
	w.say("校长", springTerm)
	var file, reply string
	for _, o := range w.send("校长", "", springTerm+" 确认") {
		if o.File != nil {
			file = o.File.Name
		} else {
			reply += o.Text
		}
	}
	must(t, reply, "2026年秋季学期的1条评语已存档")
	if !strings.HasPrefix(file, "2026年秋季学期存档_") || !strings.Contains(file, "20270122") {
		t.Fatalf("the archive sent: %q (reply %q)", file, reply)
	}
	// In the break, 上学期 is the term just over.
	for _, o := range w.send("校长", "", "/export 上学期") {
		if o.File != nil {
			file = o.File.Name
		}
	}
	if !strings.Contains(file, "20270122") {
		t.Fatalf("上学期 in the break: %q", file)
	}
}

func TestTheYearEndMovesClassesUp(t *testing.T) {
	w := school(t)
	must(t, w.say("校长", "/student add 初三1班 王五 学困"), "王五（初三1班）")
	must(t, w.join("赵老师", w.say("校长", "/invite teacher 初三1班 班主任")), "初三1班的班主任")
	w.now = time.Date(2027, 7, 10, 10, 0, 0, 0, shanghai) // after the year's last term

	must(t, w.say("李老师", "/promote"), "管理员")
	q := w.say("校长", "/promote")
	must(t, q, "初一3班 → 初二3班（2名帮扶学生）", "初三1班 毕业离校（1名帮扶学生结束帮扶", "/promote 确认")
	mustNot(t, q, "还在学期中")
	if c, ok, _ := w.st.ClassByGrade(7, 3); !ok || c.Grade != 7 {
		t.Fatal("the question moved the classes")
	}
	must(t, w.say("校长", "/promote 确认"), "已升年级：1个班升了一级，1个班毕业离校（1名学生结束帮扶", "赵老师不再是班主任")

	must(t, w.say("李老师", "/students"), "初二3班", "张三")
	must(t, w.say("王老师", "/log 初二3班张三 数学 30分钟"), "张三（初二3班）")
	must(t, w.say("王老师", "/log 初一3班张三 数学 30分钟"), "初一3班没有叫张三的帮扶学生")
	must(t, w.say("校长", "/history 王五"), "王五（2027届初三1班）")
	must(t, w.say("校长", "/log 王五 数学 30分钟"), "王五（2027届初三1班）的帮扶已经结束（2027年毕业）")

	w.say("校长", "/promote")
	must(t, w.say("校长", "/promote 确认"), "2027年7月10日（周六）已经升过年级了")
}
