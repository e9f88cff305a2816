package report

// Every sentence and word a report shows, as functions with named
// arguments, so the wording is reviewed in one place. Reports are posted in
// teacher groups and sent to parents: nothing here names a category or
// quotes a note unless the function says it is for staff in private.

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"bangfu/storage"
)

// Categories are the eight kinds of students the plans ask schools to watch
// (八类学生), as stored on a student.
var Categories = []string{
	"家庭贫困", "学习困难", "单亲或父母双亡", "外来务工人员子女",
	"留守儿童", "随班就读残疾儿童", "家庭条件特别优越", "学习成绩特别优秀",
}

// parentBannedWords must never reach a parent (and the eight kinds are the
// school's business, not words for a child's family to read in a message).
// The short words catch what teachers actually write (家里低保, 父母离异).
var parentBannedWords = append([]string{
	"学困生", "后进生", "差生", "学困", "后进",
	"贫困", "低保", "特困", "建档立卡", "单亲", "离异", "父母双亡", "孤儿", "残疾", "残障",
	"留守", "外来务工", "随班就读",
}, Categories...)

// bannedWordsInnocent are phrases that contain a banned word but mean
// something else: 考试后进步很大.
var bannedWordsInnocent = []string{"后进步", "后进行", "后进入"}

// BannedWordIn is the first word of s parents must not read, "" if none.
func BannedWordIn(s string) string {
	for _, p := range bannedWordsInnocent {
		s = strings.ReplaceAll(s, p, "")
	}
	for _, w := range parentBannedWords {
		if strings.Contains(s, w) {
			return w
		}
	}
	return ""
}

// ParentSafeSubject is a session's subject as parents may read it: a
// teacher's shorthand naming a category becomes 课后辅导.
func ParentSafeSubject(subject string) string {
	if BannedWordIn(subject) != "" {
		return "课后辅导"
	}
	return subjectName(subject)
}

// schoolSubjects are the subjects a session's shorthand may name before
// what was done (数学辅导, 英语补习).
var schoolSubjects = []string{"语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "政治", "道德与法治", "道法", "科学", "信息技术", "音乐", "美术", "体育"}

// subjectName is the subject of a session as a list of what the child
// learnt names it: 数学辅导 and 数学 are one subject (a list read
// 「英语、数学辅导、数学」).
func subjectName(subject string) string {
	for _, how := range []string{"辅导", "补习", "补课", "答疑", "课"} {
		if rest, ok := strings.CutSuffix(subject, how); ok && slices.Contains(schoolSubjects, rest) {
			return rest
		}
	}
	return subject
}

// ClassName renders a class as teachers write it: 初一3班, 高二1班, 三年级2班;
// a class that has left the school by its year: 2027届初三1班.
func ClassName(c storage.Class) string {
	if c.Graduated != 0 {
		return fmt.Sprintf("%d届%s", c.Graduated, ClassLabel(c.Grade, c.Number))
	}
	return ClassLabel(c.Grade, c.Number)
}

// TermName is how teachers call a semester: 2026年秋季学期 (a term starting
// from August to January is the autumn one of the year it began in).
func TermName(t storage.Term) string {
	y, m := t.Start.Year(), t.Start.Month()
	if m >= time.February && m < time.August {
		return fmt.Sprintf("%d年春季学期", y)
	}
	if m == time.January {
		y--
	}
	return fmt.Sprintf("%d年秋季学期", y)
}

// LongDay is a day with its year: 2027年2月20日（周六）.
func LongDay(cal storage.Calendar, t time.Time) string {
	t = t.In(cal.Loc)
	return fmt.Sprintf("%d年%d月%d日（%s）", t.Year(), t.Month(), t.Day(), Weekday(t.Weekday()))
}

// ClassLabel renders a grade and class number.
func ClassLabel(grade, number int) string {
	var g string
	switch {
	case grade >= 1 && grade <= 6:
		g = [...]string{"一", "二", "三", "四", "五", "六"}[grade-1] + "年级"
	case grade >= 7 && grade <= 9:
		g = "初" + [...]string{"一", "二", "三"}[grade-7]
	case grade >= 10 && grade <= 12:
		g = "高" + [...]string{"一", "二", "三"}[grade-10]
	default:
		g = fmt.Sprintf("%d年级", grade)
	}
	return fmt.Sprintf("%s%d班", g, number)
}

// Day renders a day the way teachers write it: 11月20日（周五）.
func Day(cal storage.Calendar, t time.Time) string {
	t = t.In(cal.Loc)
	return fmt.Sprintf("%d月%d日（%s）", t.Month(), t.Day(), Weekday(t.Weekday()))
}

// Clock is a time of day in the school's zone: 18:30.
func Clock(cal storage.Calendar, t time.Time) string { return t.In(cal.Loc).Format("15:04") }

// Weekday is 周一 … 周日.
func Weekday(wd time.Weekday) string {
	return [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}[wd]
}

// MonthDay is 11月20日.
func MonthDay(t time.Time) string { return fmt.Sprintf("%d月%d日", t.Month(), t.Day()) }

// WeekLabel is a week as 11月23日—11月29日.
func WeekLabel(weekStart time.Time) string {
	return fmt.Sprintf("%s—%s", MonthDay(weekStart), MonthDay(weekStart.AddDate(0, 0, 6)))
}

// TeacherName is how a person is called in messages: 张老师 for 张.
func TeacherName(p storage.Person) string {
	if p.Name == "" {
		return "老师"
	}
	for _, title := range []string{"老师", "管理员", "校长", "主任", "书记"} {
		if strings.HasSuffix(p.Name, title) { // 王校长, not 王校长老师
			return p.Name
		}
	}
	return p.Name + "老师"
}

// UnansweredLine is one parent's message waiting for an answer, with the
// line that answers it: 张三的妈妈（11月29日（周日） 20:15）：/回复 张三 妈妈 您的回复.
func UnansweredLine(cal storage.Calendar, student string, c storage.Contact) string {
	rel, who := c.Whom, student
	if rel == "" {
		rel = "家长"
	} else {
		who += " " + c.Whom
	}
	return fmt.Sprintf("%s的%s（%s %s）：/回复 %s 您的回复", student, rel, Day(cal, c.At), Clock(cal, c.At), who)
}

// TopicPart is a meeting's topic after its time (，主题：期中家长会), ""
// when it has none.
func TopicPart(topic string) string {
	if topic == "" {
		return ""
	}
	return "，主题：" + topic
}

// TeacherRole is a teacher's place in the school: 老师, 初一3班的老师 or
// 初一3班的班主任.
func TeacherRole(class string, head bool) string {
	switch {
	case class == "":
		return "老师"
	case head:
		return class + "的班主任"
	}
	return class + "的老师"
}

// RenderClassDigest is one class's digest as teachers read it on a phone.
// Names and counts only: it is posted in teacher groups.
func RenderClassDigest(d Digest, cd ClassDigest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s帮扶小结（%s）\n", ClassName(cd.Class), strings.TrimSpace(d.which()), WeekLabel(d.WeekStart))
	fmt.Fprintf(&b, "帮扶学生：%d人\n", cd.Students)
	fmt.Fprintf(&b, "辅导：%d次，共%s\n", cd.Sessions, HoursAndMinutes(cd.Minutes))
	fmt.Fprintf(&b, "达到约定次数：%d/%d人", cd.MetTarget, cd.Students)
	if len(cd.Behind) > 0 {
		fmt.Fprintf(&b, "（没达到：%s）", strings.Join(cd.Behind, "、"))
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "%s家长沟通：%d/%d人已联系\n", d.contactMonth(), cd.Contacted, cd.Students)
	if len(cd.NotSeen) > 0 {
		fmt.Fprintf(&b, "两周没有辅导记录：%s\n", strings.Join(cd.NotSeen, "、"))
	} else {
		b.WriteString("两周没有辅导记录：无\n")
	}
	if len(cd.MentorDone) > 0 {
		var ms []string
		for name, n := range cd.MentorDone {
			ms = append(ms, fmt.Sprintf("%s %d次", name, n))
		}
		sort.Strings(ms)
		fmt.Fprintf(&b, "导师辅导次数：%s\n", strings.Join(ms, "、"))
	}
	return strings.TrimRight(b.String(), "\n")
}

// SessionsOfTarget is a student's week against their target: 李四 0/1次.
func SessionsOfTarget(name string, n, target int) string {
	return fmt.Sprintf("%s %d/%d次", name, n, target)
}

// NoStudentsInWeek: the class had nobody under support in d's week.
func NoStudentsInWeek(class storage.Class, d Digest) string {
	return fmt.Sprintf("%s%s（%s）还没有在帮扶的学生。", ClassName(class), strings.TrimSpace(d.which()), WeekLabel(d.WeekStart))
}

// RenderSchoolDigest is the whole-school digest for admins: a line a class
// and the totals.
func RenderSchoolDigest(school string, d Digest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s全校帮扶周报（%s）\n", school, strings.TrimSpace(d.Which), WeekLabel(d.WeekStart))
	var tot ClassDigest
	for _, cd := range d.Classes {
		fmt.Fprintf(&b, "%s：达到约定次数%d/%d人，辅导%d次/%s，%s已联系家长%d/%d，两周未辅导%d人\n",
			ClassName(cd.Class), cd.MetTarget, cd.Students, cd.Sessions, HoursAndMinutes(cd.Minutes), d.contactMonth(), cd.Contacted, cd.Students, len(cd.NotSeen))
		tot.Students += cd.Students
		tot.Sessions += cd.Sessions
		tot.Minutes += cd.Minutes
		tot.MetTarget += cd.MetTarget
		tot.Contacted += cd.Contacted
		tot.NotSeen = append(tot.NotSeen, cd.NotSeen...)
	}
	if len(d.Classes) == 0 {
		b.WriteString("还没有帮扶学生。")
		return b.String()
	}
	fmt.Fprintf(&b, "合计：达到约定次数%d/%d人，辅导%d次/%s，%s已联系家长%d/%d，两周未辅导%d人",
		tot.MetTarget, tot.Students, tot.Sessions, HoursAndMinutes(tot.Minutes), d.contactMonth(), tot.Contacted, tot.Students, len(tot.NotSeen))
	return b.String()
}

// RenderParentWeek is the child's week in positive words for their parents.
func RenderParentWeek(cal storage.Calendar, pw ParentWeek) string {
	var b strings.Builder
	week := "这周"
	if pw.LastWeek {
		week = "上周"
	}
	fmt.Fprintf(&b, "%s%s（%s）的情况：\n", pw.Student.Name, week, WeekLabel(pw.WeekStart))
	if pw.Sessions > 0 {
		fmt.Fprintf(&b, "老师和孩子一起学习了%d次，共%s（%s）。\n", pw.Sessions, HoursAndMinutes(pw.Minutes), strings.Join(pw.Subjects, "、"))
	} else if pw.LastWeek {
		b.WriteString("上周没有单独辅导的记录。\n")
	} else {
		b.WriteString("这周还没有单独辅导的记录。\n")
	}
	if len(pw.Praise) > 0 {
		b.WriteString(week + "的进步：\n")
		for _, p := range pw.Praise {
			fmt.Fprintf(&b, "  · %s\n", p)
		}
	}
	for _, c := range pw.Comments {
		fmt.Fprintf(&b, "本学期%s的评语：%s\n", c.Author, c.Text)
	}
	for _, m := range pw.Meetings {
		fmt.Fprintf(&b, "家长会：%s %s%s\n", Day(cal, m.At), Clock(cal, m.At), strings.TrimSuffix("，"+m.Topic, "，"))
	}
	b.WriteString("谢谢您的配合，我们一起为孩子加油！")
	return b.String()
}

// ParentWeekMessage is the Sunday message: the week under its heading.
func ParentWeekMessage(cal storage.Calendar, pw ParentWeek) string {
	return "【本周成长】" + RenderParentWeek(cal, pw)
}

// ——— drafts ———

func draftSessions(n int, subjects, duration string) string {
	return fmt.Sprintf("这学期你和老师一起学习了%d次，学了%s，一共%s。", n, subjects, duration)
}

func draftPraise(text string) string { return fmt.Sprintf("老师记得：%s。", text) }

func draftPraiseCount(n int) string {
	return fmt.Sprintf("这学期老师一共记下了你%d次进步。", n)
}

func draftClosing() string {
	return "希望你下学期继续努力，老师相信你会越来越好！"
}
