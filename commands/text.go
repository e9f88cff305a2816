package commands

// Every sentence a teacher or parent reads from this package, as functions
// with named arguments, so the wording is reviewed in one place.

import (
	"fmt"
	"strings"

	"bangfu/commands/report"
	"bangfu/storage"
)

func studentAlreadyListed(class, student string) string {
	return class + "已经有一位叫" + student + "的学生在帮扶名单里了。"
}

func inviteUnknown(code string) string {
	return "邀请码 " + code + " 不存在，请核对后重新输入（8位，由字母和数字组成）。"
}

func inviteUsed(code string) string {
	return "邀请码 " + code + " 已经用过了，每个邀请码只能用一次。请向发码的老师要一个新的。"
}

func inviteExpired(code string) string {
	return "邀请码 " + code + " 已过期（有效期7天）。请向发码的老师要一个新的。"
}

func inviteStudentGone() string {
	return "这个邀请码对应的学生已不在名单中，请向老师要一个新的邀请码。"
}

// ---- /status and /mine ----

func schoolHasNoStudents() string {
	return "全校还没有帮扶学生。班主任可以用 /student add 初一3班 张三 每周2次 添加。"
}

func noMentees(teacher string) string {
	return "你还没有帮扶的学生。班主任可以用 /mentor 张三 " + teacher + " 指定。"
}

// renderClassStatus is a class's week; categories only where sensitiveOK.
func renderClassStatus(cw report.ClassWeek, sensitiveOK func(storage.Student) bool, daysLeftInMonth int) string {
	var b strings.Builder
	class := report.ClassName(cw.Class)
	fmt.Fprintf(&b, "%s 帮扶情况（本周 %s）\n", class, report.WeekLabel(cw.Week.From))
	if len(cw.Students) == 0 {
		fmt.Fprintf(&b, "还没有在帮扶的学生。添加：/student add %s 张三 每周2次", class)
		return b.String()
	}
	done, target, keys, _, _ := cw.Totals()
	fmt.Fprintf(&b, "在帮扶：%d人（重点%d人），本周辅导%d次/目标%d次\n", len(cw.Students), keys, done, target)
	var behind, notContacted []string
	for _, l := range cw.Students {
		st := l.Student
		mark := ""
		if st.Key {
			mark = "★"
		}
		state := "✓"
		if l.Behind() > 0 {
			state = "未达标"
			behind = append(behind, st.Name)
		}
		contact := "本月已联系家长"
		if !l.Contacted {
			contact = "本月未联系家长"
			notContacted = append(notContacted, st.Name)
		}
		cats := ""
		if sensitiveOK(st) && len(st.Categories) > 0 {
			cats = "【" + strings.Join(st.Categories, "、") + "】"
		}
		fmt.Fprintf(&b, "· %s%s%s 本周%d/%d次 %s，%s\n", st.Name, mark, cats, l.Sessions, st.WeeklyTarget, state, contact)
	}
	if len(behind) > 0 {
		fmt.Fprintf(&b, "本周还没达到约定次数：%s\n", strings.Join(behind, "、"))
	}
	if len(notContacted) > 0 {
		fmt.Fprintf(&b, "本月还没联系家长：%s（本月还剩%d天）\n", strings.Join(notContacted, "、"), daysLeftInMonth)
	}
	return strings.TrimRight(b.String(), "\n")
}

// renderSchoolStatus is a line a class with students.
func renderSchoolStatus(weeks []report.ClassWeek) string {
	var b strings.Builder
	fmt.Fprintf(&b, "全校帮扶情况（本周 %s）\n", report.WeekLabel(weeks[0].Week.From))
	for _, cw := range weeks {
		done, target, _, behind, nc := cw.Totals()
		fmt.Fprintf(&b, "%s：%d人，本周辅导%d/%d次，%d人未达标，%d人本月未联系家长\n", report.ClassName(cw.Class), len(cw.Students), done, target, behind, nc)
	}
	b.WriteString("看某个班：/status 初一3班；看某个学生：/status 张三")
	return b.String()
}

// renderStudentStatus is one student's file; notes and contact contents only
// when sensitive.
func renderStudentStatus(cal storage.Calendar, f report.StudentFile, personName func(uint64) string, sensitive bool, daysLeftInMonth int) string {
	st := f.Student
	var b strings.Builder
	b.WriteString(studentLabel(st, f.Class))
	if st.Key {
		b.WriteString(" ★重点")
	}
	if st.Closed {
		fmt.Fprintf(&b, "（帮扶已结束：%s）", orDefault(st.ClosedReason, "未注明原因"))
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "导师：%s；每周约定辅导%d次\n", orDefault(personName(st.MentorID), "未指定"), st.WeeklyTarget)
	if sensitive && len(st.Categories) > 0 {
		fmt.Fprintf(&b, "类别：%s\n", strings.Join(st.Categories, "、"))
	}
	wn, wm, mn := f.WeekSessions()
	fmt.Fprintf(&b, "本周辅导：%d次/目标%d次（%d分钟）；本月%d次\n", wn, st.WeeklyTarget, wm, mn)
	if len(f.Sessions) > 0 {
		b.WriteString("最近辅导：\n")
		for i := len(f.Sessions) - 1; i >= 0 && i >= len(f.Sessions)-5; i-- {
			s := f.Sessions[i]
			fmt.Fprintf(&b, "  %s %s %d分钟（%s）", report.Day(cal, s.At), s.Subject, s.Minutes, personName(s.AuthorID))
			if sensitive && s.Note != "" {
				fmt.Fprintf(&b, " 备注：%s", s.Note)
			}
			b.WriteString("\n")
		}
	}
	if mc := f.MonthContacts(); mc > 0 {
		fmt.Fprintf(&b, "本月家长沟通：%d次 ✓\n", mc)
	} else {
		fmt.Fprintf(&b, "本月家长沟通：还没有（本月还剩%d天）\n", daysLeftInMonth)
	}
	if n := len(f.Contacts); n > 0 {
		c := f.Contacts[n-1]
		fmt.Fprintf(&b, "  最近一次：%s %s", report.Day(cal, c.At), joinNonEmpty("·", c.Method, c.Whom))
		if sensitive {
			fmt.Fprintf(&b, " 内容：%s", c.Content)
		}
		b.WriteString("\n")
	}
	if n := len(f.Praise); n > 0 {
		fmt.Fprintf(&b, "本学期进步记录：%d条，最近：%s “%s”\n", n, report.Day(cal, f.Praise[n-1].At), clip(f.Praise[n-1].Text, 40))
	}
	if len(f.Comments) > 0 {
		var who []string
		for _, c := range f.Comments {
			who = append(who, personName(c.AuthorID))
		}
		fmt.Fprintf(&b, "本学期评语：已写（%s）\n", strings.Join(who, "、"))
	} else {
		b.WriteString("本学期评语：还没写\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// renderMentees is a mentor's list with what is left to do.
func renderMentees(teacher string, week storage.Range, mentees []report.StudentWeek) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s帮扶的学生（%d人），本周 %s：\n", teacher, len(mentees), report.WeekLabel(week.From))
	var todo []string
	for _, m := range mentees {
		st := m.Student
		state := "✓"
		if left := m.Behind(); left > 0 {
			state = fmt.Sprintf("还差%d次", left)
			todo = append(todo, fmt.Sprintf("给%s辅导%d次", st.Name, left))
		}
		contact := "本月已联系家长"
		if !m.Contacted {
			contact = "本月未联系家长"
			todo = append(todo, fmt.Sprintf("联系%s的家长", st.Name))
		}
		fmt.Fprintf(&b, "· %s 本周%d/%d次 %s，%s\n", studentLabel(st, m.Class), m.Sessions, st.WeeklyTarget, state, contact)
	}
	if len(todo) > 0 {
		fmt.Fprintf(&b, "要做的事：%s", strings.Join(todo, "；"))
	} else {
		b.WriteString("本周和本月的事都做完了，辛苦了！")
	}
	return b.String()
}

// studentLabel names a student with their class: 张三（初一3班）.
func studentLabel(st storage.Student, c storage.Class) string {
	return fmt.Sprintf("%s（%s）", st.Name, report.ClassName(c))
}

// ---- the command reference (README.md) ----

func referenceIntro() string {
	return `# 帮扶助手命令参考

<!-- 本文件由 go generate ./commands 从命令表生成，请勿手改；/help 和各平台的“/”菜单用的是同一张表。 -->

在私聊或群里发一行以 ` + "`/`" + ` 开头的命令（全角 ` + "`／`" + ` 也可以）。群里可以先 @机器人；Telegram 上也可以写 ` + "`/log@机器人名`" + `。
每个命令都有英文名和中文写法，中文写法可以和第一个参数连写（` + "`/辅导张三 数学 30分钟`" + `）。

- **学生**写名字；两个在帮扶的学生同名时写上班级：` + "`初一3班张三`" + ` 或 ` + "`张三（初一3班）`" + `。
- **班级**怎么写都行：` + "`初一3班`、`初一(3)班`、`初一三班`、`七年级3班`" + `。
- **时长**：` + "`30分钟`、`30分`、`半小时`、`1小时`、`1.5小时`、`一个半小时`、`45'`、`1h`、`90m`" + `，1到600分钟。
- **日期**（不写就是今天）：` + "`今天`、`昨天`、`前天`、`周三`、`11月20日`、`11-20`、`2026-11-20`" + `；不能是将来，也不能早于本学期。
- 写错了会收到一句说明和一个正确的例子，什么都不会保存；记错了用 ` + "`/undo`" + ` 撤销自己最后一条。
- 邀请码8位，只能用一次，7天内有效。
`
}

func referenceTableHeader() string {
	return "| 写法 | 也可以写 | 谁可以用 | 在哪里用 | 做什么 | 例子 |\n|---|---|---|---|---|---|"
}

func familyTitle(f family) string {
	switch f {
	case famRecords:
		return "记录"
	case famReports:
		return "查看"
	case famPeople:
		return "学生、老师和家长"
	case famGroups:
		return "群和家长会"
	}
	return "帮助"
}

// placeText says where a command may be used.
func placeText(p place) string {
	var out []string
	if p&inPrivate != 0 {
		out = append(out, "私聊")
	}
	switch {
	case p&inAnyGroup == inAnyGroup:
		out = append(out, "任何群")
	case p&inTeacherGroup != 0:
		out = append(out, "教师群")
	}
	return strings.Join(out, "、")
}

func referenceRules() string {
	return `
## 谁能看到什么

- 学生的类别（贫困、单亲、留守……）、家庭情况、辅导备注和家校沟通内容只在私聊里显示，而且只给这个学生的班主任、导师和学校管理员看；不进任何群，也不给家长看。
- 其他老师（不是这个学生的班主任、导师或学校管理员）只看到名字和次数，看不到类别、辅导备注和沟通内容。
- 教师群里只有名字、次数和待办，没有类别和备注；家长群里不谈任何一个孩子，数据命令会请对方私聊。
- 家长只在私聊里看到自己的孩子：辅导、进步、评语、家长会，用鼓励的话说；“学困生”“后进生”之类的词不会出现在给家长的消息里。
- 每一次查看和修改学生档案都记入审计日志（只记编号，不记名字）。
`
}

// ---- the pipeline ----

func defaultSchoolName() string { return "本校" }

// genericFailure is shown when something unexpected went wrong; the details
// go to the log, never to the chat.
func genericFailure() string {
	return "抱歉，出了点问题，这条没有保存。请稍后再试；如果一直这样，请告诉学校管理员。"
}

func unknownCommand(word string) string {
	return "没有这个命令：/" + word + "。发送 /help 查看可以用的命令。"
}

// badInput is a refusal of bad input with a correct example.
func badInput(reason, example string) string { return reason + "\n例如：" + example }
