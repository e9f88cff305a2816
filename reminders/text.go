package reminders

// Every sentence the scheduled messages and the preview say, as functions
// with named arguments, so the wording is reviewed in one place. The
// reminders use the teachers' own words from the plans (正式沟通, 约定辅导次数,
// 书面评语).

import (
	"fmt"
	"strings"
	"time"

	"bangfu/commands/cadence"
	"bangfu/commands/report"
)

// JobName is a job's Chinese name.
func JobName(job string) string {
	switch job {
	case JobMonthlyContact:
		return "每月家长沟通提醒"
	case JobMonthlyFinal:
		return "月末家长沟通提醒"
	case JobWeeklyCheckin:
		return "周五辅导检查"
	case JobWeeklyDigest:
		return "周一小结"
	case JobParentWeekly:
		return "周日家长消息"
	case JobComments:
		return "学期评语提醒"
	case JobMeeting:
		return "家长会提醒"
	case JobPraiseNudge:
		return "记下进步提醒"
	case JobPlanReview:
		return "阶段性评估提醒"
	case JobOwed:
		return "本周待办（帮扶节奏）"
	case JobOwedMonthEnd:
		return "月底待办（帮扶节奏）"
	case JobFamilyCall:
		return "周末亲情通话"
	case JobUnanswered:
		return "家长留言待回复"
	}
	return job
}

// FormatPreview renders runs for `bangfu reminders preview`: each message
// with its recipient and when it would go out.
func FormatPreview(rs []Run, loc *time.Location, at time.Time, all bool) string {
	sortRuns(rs)
	var b strings.Builder
	n := 0
	var others []Run
	for _, r := range rs {
		if !all && !r.Fire.Truncate(time.Minute).Equal(at.Truncate(time.Minute)) {
			others = append(others, r)
			continue
		}
		n += formatRun(&b, r, loc)
	}
	if len(rs) == len(others) {
		b.WriteString("这个时间没有要发的定时消息。\n")
	}
	if len(others) > 0 {
		b.WriteString(previewOthers(others))
	}
	fmt.Fprintf(&b, "共 %d 条消息（预览，不发送、不记录）。\n", n)
	return b.String()
}

// formatRun writes one run and its messages; it returns how many.
func formatRun(b *strings.Builder, r Run, loc *time.Location) int {
	fmt.Fprintf(b, "== %s（%s）应在 %s", JobName(r.Job), r.Key, r.Fire.In(loc).Format("2006-01-02 15:04"))
	switch {
	case r.Done == "sent":
		b.WriteString("，已经发过，不会重发")
	case r.Done == "missed" && r.Before:
		b.WriteString("，在学校开始用机器人之前，没有发")
	case r.Missed && r.Before:
		b.WriteString("，在学校开始用机器人之前，不发送")
	case r.Done == "missed":
		b.WriteString("，机器人停机时错过，已记为错过")
	case r.Missed:
		b.WriteString("，周期已过，会记为错过、不发送")
	}
	b.WriteString("\n")
	if r.Missed || r.Done != "" {
		return 0
	}
	if len(r.Messages) == 0 {
		b.WriteString("（没有需要提醒的人）\n")
	}
	for _, m := range r.Messages {
		where := m.ChatTitle + "（私聊，" + m.Platform + "）"
		if !m.Private {
			where = m.ChatTitle + "（群，" + m.Platform + "）"
		}
		fmt.Fprintf(b, "→ %s %s:\n    %s\n", where, m.NotBefore.In(loc).Format("01-02 15:04"), strings.ReplaceAll(m.Text, "\n", "\n    "))
		if len(m.Sources) > 0 {
			var nos []string
			for _, no := range m.Sources {
				nos = append(nos, fmt.Sprintf("#%d", no))
			}
			fmt.Fprintf(b, "    （出自记录 %s）\n", strings.Join(nos, " "))
		}
	}
	return len(r.Messages)
}

// previewOthers is the one line for the runs not at the moment asked about.
func previewOthers(rs []Run) string {
	var missed, before, handled, pending, msgs int
	for _, r := range rs {
		switch {
		case r.Done != "":
			handled++
		case r.Missed && r.Before:
			before++
		case r.Missed:
			missed++
		default:
			pending++
			msgs += len(r.Messages)
		}
	}
	beforeStart := ""
	if before > 0 {
		beforeStart = fmt.Sprintf("，在学校开始用机器人之前的%d个不发送", before)
	}
	return fmt.Sprintf("另有%d个定时任务不在这个时刻（已处理%d个，周期已过会记为错过%d个%s，机器人这时启动会补发%d个、共%d条消息）；加 --all 全部列出。\n",
		len(rs), handled, missed, beforeStart, pending, msgs)
}

func unansweredReminder(teacher, lines string) string {
	return fmt.Sprintf("【家长留言待回复】%s，这些家长的留言还没有人回复：\n%s\n打过电话或见过面的，记一次家校沟通也算回复了。", teacher, lines)
}

func meetingReminder(when string, class string, topic string) string {
	return fmt.Sprintf("【家长会提醒】%s%s家长会%s。请您准时参加，有事请提前和班主任说一声。", when, class, report.TopicPart(topic))
}

func tomorrow(when string) string {
	return fmt.Sprintf("明天%s", when)
}

func commentsReminder(teacher string, month time.Month, day int, count int, students string, example string) string {
	return fmt.Sprintf("【学期评语提醒】%s，学期在%d月%d日结束。这%d位学生还没有你写的书面评语：\n%s\n可以先看根据记录起草的草稿：/评语 草稿 %s（满意回 /评语 采用 %s）；或自己写：/comment %s 本学期进步明显，希望继续保持", teacher, month, day, count, students, example, example, example)
}

func praiseNudgeReminder(teacher string, students string, example string) string {
	return fmt.Sprintf("【记下进步】%s，这一个月这些学生有辅导记录，还没有记下一条进步：\n%s\n按时交作业、上课主动发言、帮助同学，孩子的点滴进步都值得记下，家长也会收到。例如：/praise %s 这周作业都按时交了", teacher, students, example)
}

func planReviewReminder(teacher string, month time.Month, students, example string) string {
	return fmt.Sprintf("【阶段性评估】%s，这些学生的帮扶计划%d月还没有写阶段性评估：\n%s\n一句话就行，写孩子这个月的变化和下一步：/评估 %s 这个月作业能按时交了，小测有进步，下个月练计算", teacher, month, students, example)
}

// familyCallAnswer is the one word (and the button) that keeps a call.
const familyCallAnswer = "打了"

func familyCallNudge(relation, name string) string {
	return fmt.Sprintf("%s，您好！周末了，给%s打个电话吧，问问孩子这一周在学校过得怎么样，说几句鼓励的话。打完回我“打了”两个字，老师就知道了。", parentCalled(relation, name), name)
}

// parentCalled is how a message greets a parent: 张三爸爸.
func parentCalled(relation, name string) string {
	if relation == "" {
		return name + "家长"
	}
	return name + relation
}

func familyCallSilent(teacher, students string) string {
	return fmt.Sprintf("【亲情通话】%s，这些孩子已经两周没有和在外务工的家人通电话了：\n%s\n可以打个电话提醒家长，或者在学校让孩子给家里打一个。", teacher, students)
}

func owedLine(code uint64, name, every, what string, done, need int) string {
	return fmt.Sprintf("#%d %s：%s%s %d/%d次", code, name, cadence.PeriodWord(every), what, done, need)
}

func owedReminder(teacher string, monthEnd bool, lines string, code uint64, tutoring bool, name string) string {
	head := "【本周待办】%s，按学校的帮扶节奏，还要做的：\n%s\n"
	if monthEnd {
		head = "【月底待办】%s，这个月快结束了，按学校的帮扶节奏，本月还要做的：\n%s\n"
	}
	text := fmt.Sprintf(head, teacher, lines)
	if tutoring {
		return text + fmt.Sprintf("辅导用 /log %s 数学辅导 30分钟 记下；其他的做完私聊回一句“完成 #编号”，改天做回“推迟 #编号 周一”。", name)
	}
	return text + fmt.Sprintf("做完了私聊回一句：完成 #%d（可以加上说了什么）；改天做：推迟 #%d 周一。", code, code)
}

func tutoredTimes(student string, n int) string {
	return fmt.Sprintf("%s（辅导%d次）", student, n)
}

// weeklyCheckinForGroup: unmentored names those behind with no mentor,
// whom the head teacher sees to.
func weeklyCheckinForGroup(class string, count int, students, unmentored string) string {
	text := fmt.Sprintf("【本周辅导检查】%s还有%d位学生没达到这周约定的辅导次数：%s。请导师们周末前安排。", class, count, students)
	if unmentored != "" {
		text += fmt.Sprintf("%s还没有导师，请班主任安排。", unmentored)
	}
	return text
}

func noMentorYet(students, example string) string {
	return fmt.Sprintf("%s还没有导师，这周请您安排；指定导师：/mentor %s 王老师", students, example)
}

func weeklyCheckinReminder(teacher string, students string, example string) string {
	return fmt.Sprintf("【本周辅导提醒】%s，这周还没达到约定辅导次数的学生：\n%s\n辅导后记一下，例如：/log %s 数学辅导 30分钟", teacher, students, example)
}

func monthlyContactReminder(head string, students string, tail string, example string) string {
	return fmt.Sprintf("%s\n%s\n%s沟通后记一下，例如：/contact %s 电话 妈妈 聊了最近的学习情况", head, students, tail, example)
}

func lastDayOfMonth() string {
	return "今天是本月最后一天。"
}

func daysLeftInMonth(days int) string {
	return fmt.Sprintf("本月还剩%d天。", days)
}

func monthlyContactFinalHead(month time.Month, count int) string {
	return fmt.Sprintf("【本月最后一个上学日】%d月的家长沟通还差这%d位学生：", month, count)
}

func monthlyContactHead(month time.Month, count int) string {
	return fmt.Sprintf("【家长沟通提醒】%d月还没和这%d位学生的家长正式沟通（电话、微信、面谈、家访都算）：", month, count)
}

func classNames(class string, names string) string {
	return fmt.Sprintf("%s：%s", class, names)
}

// enumerate lists items the Chinese way: 张三、李四.
func standingInForHeads(classes, first string) string {
	return fmt.Sprintf("（%s还没有班主任，班主任的这些事先由管理员跟进。邀请班主任：/invite teacher %s 班主任）", classes, first)
}

func enumerate(items []string) string { return strings.Join(items, "、") }
