package commands

// Every sentence a teacher or parent reads from this package, as functions
// with named arguments, so the wording is reviewed in one place.

import (
	"fmt"
	"strings"
	"time"

	"bangfu/commands/cadence"
	"bangfu/commands/report"
	"bangfu/storage"
)

// ---- the pipeline and what every command shares ----

func unknownCommand(word string) string {
	return "没有这个命令：/" + word + "。发送 /help 查看可以用的命令。"
}

// genericFailure is shown when something unexpected went wrong; the details
// go to the log, never to the chat.
func genericFailure() string {
	return "抱歉，出了点问题，这条没有保存。请稍后再试；如果一直这样，请告诉学校管理员。"
}

// badInput is a refusal of bad input with a correct example.
func badInput(reason, example string) string { return reason + "\n例如：" + example }

func defaultSchoolName() string { return "本校" }

func wherePrivate() string {
	return "私聊"
}

func whereGroup(title string) string {
	return fmt.Sprintf("群:%s", title)
}

func localOwnerName() string {
	return "本机管理员"
}

func thisClass() string {
	return "这个班"
}

func studentAlreadyListed(class, student string) string {
	return class + "已经有一位叫" + student + "的学生在帮扶名单里了。"
}

// teacherLine is one teacher in /teacher list.
type teacherLine struct {
	name    string
	admin   bool
	heads   []string // classes they are head teacher of
	mentees int
}

func renderTeacherList(lines []teacherLine) string {
	if len(lines) == 0 {
		return "还没有老师加入。生成邀请码：/invite teacher 初一3班"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "已经加入的老师（%d人）：", len(lines))
	for _, l := range lines {
		var roles []string
		if l.admin {
			roles = append(roles, "学校管理员")
		}
		for _, c := range l.heads {
			roles = append(roles, c+"班主任")
		}
		if l.mentees > 0 {
			roles = append(roles, fmt.Sprintf("导师，帮扶%d人", l.mentees))
		}
		if len(roles) == 0 {
			roles = append(roles, "还没有帮扶的学生")
		}
		fmt.Fprintf(&b, "\n· %s：%s", l.name, strings.Join(roles, "；"))
	}
	example := lines[0].name
	for _, l := range lines {
		if !l.admin {
			example = l.name
			break
		}
	}
	fmt.Fprintf(&b, "\n指定导师：/mentor 张三 %s；还没加入的老师，用 /invite teacher 生成邀请码。", example)
	return b.String()
}

func meetingAlready(class, day, topic string, id uint64, when string) string {
	return fmt.Sprintf("%s%s已经安排了家长会“%s”（#%d），已经通知过家长，这一条没有再安排。要改时间：/meeting move %d %s；确实要再开一次，换个主题再发。", class, day, topic, id, id, when)
}

func meetingSameTime(class, day, topic string, id uint64) string {
	return fmt.Sprintf("%s%s这个时间已经安排了家长会“%s”（#%d），这一条没有再安排。要换主题，先 /meeting cancel %d 再安排。", class, day, topic, id, id)
}

func meetingNoTopic() string { return "没写主题" }

func studentsNoneAdded(why string) string {
	return why + "这一条里的学生都没有加入；去掉这个名字再发一次。"
}

func inviteStudentGone() string {
	return "这个邀请码对应的学生已不在名单中，请向老师要一个新的邀请码。"
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

// studentLabel names a student with their class: 张三（初一3班）.
func studentLabel(st storage.Student, c storage.Class) string {
	return fmt.Sprintf("%s（%s）", st.Name, report.ClassName(c))
}

func needStudentName() string {
	return "请写上学生的姓名。"
}

func parentOwnChildOnly() string {
	return "您只能查看自己孩子的情况。"
}

func noSuchStudentInClass(class, name string) string {
	return fmt.Sprintf("%[1]s没有叫%[2]s的帮扶学生。请核对姓名和班级，或用 /students %[1]s 查看名单。", class, name)
}

func noSuchStudent(name string) string {
	return fmt.Sprintf("帮扶名单里没有叫%s的学生。请核对姓名，或用 /students 初一3班 查看名单。", name)
}

// logExampleRest is what an example /log line has after its names.
func logExampleRest(subject string, minutes int) string {
	return fmt.Sprintf("%s %d分钟", subject, minutes)
}

func recordNeedsStudentFirst() string {
	return "先写学生的名字，再写别的。"
}

func recordForWholeClass(command string) string {
	return fmt.Sprintf("/%[1]s 记的是帮扶学生本人的，不能记给一个班。几位一起的，名字都写上，例如：/%[1]s 张三 李四 …（每人记一条）。", command)
}

func logMisspeltCompanion(word, meant, names string) string {
	return fmt.Sprintf("帮扶名单里没有叫%[1]s的学生，是不是%[2]s？几位学生一起辅导的，名字都要写对。如果“%[1]s”不是名字，把时长写在前面：/log %[3]s 30分钟 %[1]s……", word, meant, names)
}

func praiseMisspeltCompanion(word, meant string) string {
	return fmt.Sprintf("帮扶名单里没有叫%[1]s的学生，是不是%[2]s？几位学生一样的进步，名字都要写对。如果“%[1]s”不是名字，换个说法，别让它打头，再发一次。", word, meant)
}

func editOtherStudent(no uint64, label, other string) string {
	return fmt.Sprintf("#%d 是%s的记录，不能改到%s名下。记错了学生的，先删掉这条（/删除记录 #%d），再给%s记一条。", no, label, other, no, other)
}

func noSuchStudentMaybe(name, near string) string {
	return fmt.Sprintf("帮扶名单里没有叫%s的学生。是不是：%s？请写全名。", name, near)
}

func sameNameStudents(count int, name, classes, example string) string {
	return fmt.Sprintf("有%d位叫%s的学生（%s），请写明班级，例如：%s", count, name, classes, example)
}

// enumerate lists items the Chinese way: 张三、李四.
func enumerate(items []string) string { return strings.Join(items, "、") }

func noReason() string { return "未注明原因" }

func supportEnded(student, reason, class, name string) string {
	return fmt.Sprintf("%s的帮扶已经结束（%s），不再添加记录。如需重新帮扶，请班主任发送：/student add %s %s", student, reason, class, name)
}

func supportEndedGraduated(student, reason string) string {
	return fmt.Sprintf("%s的帮扶已经结束（%s），不再添加记录；以前的记录还在，可以用 /history 查看。", student, reason)
}

func notAClass(text string) string {
	return fmt.Sprintf("“%s”不像班级名。班级写成 初一3班、初一(3)班、七年级3班 或 七(3)班 都可以。", text)
}

func noClassNumbered(written string) string {
	return fmt.Sprintf("学校里还没有%s。班级请写上年级。", written)
}

func whichClassNumbered(written, classes string) string {
	return fmt.Sprintf("有几个%s：%s，请写上年级。", written, classes)
}

func noStudentsInClass(class string) string {
	return fmt.Sprintf("还没有%[1]s的帮扶学生。班主任可以用 /student add %[1]s 张三 添加。", class)
}

// menuGroup describes a command word with sub-commands in the "/" menus.
func menuGroup(word string) string {
	switch word {
	case "student":
		return "学生名单：add 添加 · set 修改 · close 结束 · delete 删除"
	case "invite":
		return "邀请老师或家长（一次性邀请码）"
	case "group":
		return "登记本群为教师群或家长群"
	case "teacher":
		return "老师离职或调走（remove）"
	case "parent":
		return "解除家长绑定（remove）"
	case "meeting":
		return "家长会：安排 · list 列表 · cancel 取消 · move 改期"
	case "semester":
		return "本学期的日期 · new 登记下学期"
	case "plan":
		return "帮扶计划：看或写计划 · review 阶段性评估 · end 结束"
	case "guardian":
		return "监护人：看 · add 登记 · set 修改 · remove 移除"
	}
	return ""
}

func parentOf(parent, children string) string {
	return fmt.Sprintf("%s（%s的家长）", parent, children)
}

func unreachableNotice(who string) string {
	return fmt.Sprintf("%s收不到我发的消息（可能还没有先私聊过我，或者把我屏蔽了；企业微信家校通讯录里的家长，则是还没在微信里关注“学校通知”）。请提醒对方先私聊我发一句话（或关注学校通知后请管理员再运行一次 bangfu wecom-parents），之后的消息才能送到。", who)
}

func systemNotice(text string) string {
	return fmt.Sprintf("【系统】%s", text)
}

// ---- records: /log /contact /praise /comment /undo ----

func badDate(text, why string) string {
	return fmt.Sprintf("日期“%s”%s。", text, why)
}

func futureDay(day string) string {
	return fmt.Sprintf("不能记录还没到的日子（%s）。", day)
}

func beforeSemester(day, semesterStart string) string {
	return fmt.Sprintf("%s在本学期开始（%s）之前，不能记录。", day, semesterStart)
}

// sessionSaved is what a /log reply reports.
type sessionSaved struct {
	student, subject, day string
	minutes               int
	count, target         int    // the week's sessions with this one; the weekly target (0: none)
	otherWeek             string // the week it counts in, when not this week
	thisWeekCount         int    // this week's sessions then
	note                  string
	showNote              bool // private chat: the note is repeated; in a group it is not
	no                    uint64
}

func logSaved(s sessionSaved) string {
	var b strings.Builder
	fmt.Fprintf(&b, "已记录：%s%s %d分钟，%s，本周第%d次", s.student, s.subject, s.minutes, s.day, s.count)
	if s.target > 0 {
		fmt.Fprintf(&b, "/目标%d次", s.target)
		if s.count == s.target {
			b.WriteString("，本周目标已完成 ✓")
		}
	}
	if s.otherWeek != "" {
		fmt.Fprintf(&b, "（按%s那一周算；这周目前%d次）", s.otherWeek, s.thisWeekCount)
	}
	b.WriteString("。")
	if s.note != "" {
		if s.showNote {
			fmt.Fprintf(&b, "\n备注：%s", s.note)
		} else {
			b.WriteString("\n（备注已保存，群里不显示）")
		}
	}
	if s.minutes > longSession {
		// 300分钟 is more often 30 mistyped than an afternoon's tutoring.
		fmt.Fprintf(&b, "\n这次辅导有%s，比较长；如果记错了，发 /修改 #%d 30分钟 更正。", report.HoursAndMinutes(s.minutes), s.no)
	}
	b.WriteString(fixHint(s.no))
	return b.String()
}

// longSession: a session longer than this (minutes) is pointed out.
const longSession = 180

// togetherSaved is a /log for several students tutored together.
type togetherSaved struct {
	students     []togetherStudent
	subject, day string
	minutes      int
	otherWeek    string // the week it counts in, when not this week
	note         string
	showNote     bool
}

type togetherStudent struct {
	label         string
	count, target int
	no            uint64
}

func logTogetherSaved(t togetherSaved) string {
	var b strings.Builder
	fmt.Fprintf(&b, "已记录%d位学生一起辅导：%s %d分钟，%s", len(t.students), t.subject, t.minutes, t.day)
	week := "本周"
	if t.otherWeek != "" {
		fmt.Fprintf(&b, "（按%s那一周算）", t.otherWeek)
		week = "那一周"
	}
	b.WriteString("。")
	for _, s := range t.students {
		fmt.Fprintf(&b, "\n· %s %s第%d次", s.label, week, s.count)
		if s.target > 0 {
			fmt.Fprintf(&b, "/目标%d次", s.target)
			if s.count == s.target {
				b.WriteString(" ✓")
			}
		}
		fmt.Fprintf(&b, "（记录号 #%d）", s.no)
	}
	if t.note != "" {
		if t.showNote {
			fmt.Fprintf(&b, "\n备注：%s", t.note)
		} else {
			b.WriteString("\n（备注已保存，群里不显示）")
		}
	}
	first := t.students[0].no
	fmt.Fprintf(&b, "\n记错了可以按记录号更正：/修改 #%d 45分钟；/undo 每次撤销最后一条（要撤销这%d条就发%d次）。", first, len(t.students), len(t.students))
	return b.String()
}

// fixHint ends a saved record's reply with its number and how to correct it.
func fixHint(no uint64) string {
	return fmt.Sprintf("\n记录号 #%d。记错了可以发 /undo 撤销，或 /修改 #%d 更正。", no, no)
}

func editChangesNothing(no uint64, line string) string {
	return fmt.Sprintf("#%d 这样改和原来一样，没有改动：%s", no, line)
}

func inviteParentOneChild(first, second, relation string) string {
	relation = orDefault(relation, "妈妈")
	return fmt.Sprintf("一个邀请码只绑定一个孩子。兄弟姐妹的家长请分别生成，同一位家长用两个码都绑定上：\n/invite parent %s %s\n/invite parent %s %s", first, relation, second, relation)
}

func undoTakesNothing(no uint64, isNo bool) string {
	example := "/删除记录 #5"
	if isNo {
		example = fmt.Sprintf("/删除记录 #%d", no)
	}
	return "这次没有撤销任何记录。/undo 撤销你最后记的一条，后面不用写别的；要撤两条就发两次。要删除某一条，按记录号（在 /history 里看）：" + example
}

// studentLastWeekLine answers /status 张三 上周 above this week's status.
func studentLastWeekLine(name string, weekStart time.Time, n, target, minutes int) string {
	verdict := "达到约定 ✓"
	if n < target {
		verdict = fmt.Sprintf("比约定少%d次", target-n)
	}
	took := ""
	if minutes > 0 {
		took = "（" + report.HoursAndMinutes(minutes) + "）"
	}
	return fmt.Sprintf("%s上周（%s）：辅导%d次/目标%d次%s，%s", name, report.WeekLabel(weekStart), n, target, took, verdict)
}

func studentNotYetLastWeek(name string, weekStart time.Time) string {
	return fmt.Sprintf("%s上周（%s）还没有列入帮扶，没有约定次数。", name, report.WeekLabel(weekStart))
}

func digestSoFar() string { return "本周（到现在）" }

func digestWeekAhead(tok string) string {
	return fmt.Sprintf("“%s”还没到，没有小结可看。写过去的一天（11月16日）就看那一周。", tok)
}

// mineSchoolGaps: what an admin's /mine adds, "" when nothing is missing.
// Until a class has a head teacher, what falls to one is the admins'.
func mineSchoolGaps(headless, unmentored []string) string {
	var lines []string
	if len(headless) > 0 {
		lines = append(lines, fmt.Sprintf("还没有班主任的班：%s（邀请：/invite teacher %s 班主任；在这之前，该给班主任的提醒发给管理员）", strings.Join(headless, "、"), headless[0]))
	}
	switch n := len(unmentored); {
	case n > 0 && n <= 8:
		lines = append(lines, fmt.Sprintf("还没有导师的学生：%s（指定：/mentor %s 王老师）", strings.Join(unmentored, "、"), unmentored[0]))
	case n > 8:
		lines = append(lines, fmt.Sprintf("还没有导师的学生：%d人（看名单：/students；指定：/mentor %s 王老师）", n, unmentored[0]))
	}
	if len(lines) == 0 {
		return ""
	}
	return "全校还缺：\n" + strings.Join(lines, "\n")
}

func mentorHasNone(teacher string) string {
	return fmt.Sprintf("%s还没有帮扶的学生。指定导师：/mentor 张三 %s", teacher, teacher)
}

func mentorHasNoneOfYours(teacher string) string {
	return fmt.Sprintf("%s帮扶的学生不在你的班上。", teacher)
}

func tooManyCommands(n, most int) string {
	return fmt.Sprintf("这条消息里有%d条命令，一次最多%d条，都没有处理。请分几次发。", n, most)
}

// agoWords says how long ago a line was sent, as a person would.
func agoWords(ago time.Duration) string {
	if ago < time.Minute {
		return "刚才"
	}
	return fmt.Sprintf("%d分钟前", int(ago/time.Minute))
}

func recordNos(nos []uint64) string {
	parts := make([]string, len(nos))
	for i, no := range nos {
		parts[i] = fmt.Sprintf("#%d", no)
	}
	return strings.Join(parts, "、")
}

// repeatedLine: the same /log or /contact line came twice; the second is
// kept (two sessions of one day happen), and the sender told how to undo.
func repeatedLine(nos []uint64, ago time.Duration) string {
	undo := "发 /undo 撤销这一条"
	if len(nos) > 1 {
		undo = fmt.Sprintf("发 /undo 撤销（一次撤一条，这次记了%d条）", len(nos))
	}
	return fmt.Sprintf("\n⚠ 这一行和你%s发的（%s）一字不差。如果是重复发了，%s。", agoWords(ago), recordNos(nos), undo)
}

// praiseRepeated: the same praise came twice; the family is not told twice.
func praiseRepeated(nos []uint64, ago time.Duration) string {
	return fmt.Sprintf("这条表扬和你%s发的（%s）一字不差，已经记过了，家长只收到一次；这次没有再记。如果是另一件值得表扬的事，换个说法再发。", agoWords(ago), recordNos(nos))
}

// oneStudentALine: a record was written for several students at once.
// A record's line is "not written down"; an act's (closing, erasing, a
// plan's end, a guardian) "not done".
func oneStudentALine(cmd string, lines []string, record bool) string {
	outcome := "这次没有办"
	if record {
		outcome = "这条没有记下来"
	}
	return fmt.Sprintf("一条 %s 只能写一位学生，%s。几位一起的，请每人发一条：\n%s", cmd, outcome, strings.Join(lines, "\n"))
}

func logNeedsAll() string {
	return "请写上学生、辅导内容和时长。"
}

func logNeedsSubjectAndTime() string {
	return "请写上辅导内容和时长。"
}

func logPeriodsNotMinutes(tok string) string {
	return fmt.Sprintf("“%s”请写成分钟数，比如一节课45分钟就写 45分钟。", clip(tok, 12))
}

func logNoDuration() string {
	return "没看到辅导时长。时长可以写 30分钟、半小时、1.5小时、45'。"
}

func logDurationOutOfRange(text string) string {
	return fmt.Sprintf("时长要在1到600分钟之间，“%s”不行。", text)
}

func logNeedsSubject() string {
	return "请写上辅导的科目或内容。"
}

func logSubjectTooLong() string {
	return "科目或内容太长了（最多30个字），详细情况可以写在最后的备注里。"
}

func noteTooLong() string {
	return "备注太长了（最多300个字）。"
}

func contactNeedsAll() string {
	return "请写上学生、沟通方式和内容。"
}

const kinChoices = "爸爸 妈妈 爷爷 奶奶 外公 外婆 姑姑 舅舅 叔叔 伯伯 阿姨 姨妈 哥哥 姐姐 监护人 代管家长"

func contactUnknownWhom(word string) string {
	return fmt.Sprintf("“%s”是孩子的哪位家人？对象可以写：%s；不确定就写 代管家长 或 监护人，内容写在后面。", clip(word, 8), kinChoices)
}

func contactNeedsMethod() string {
	return "请写上沟通方式：电话 微信 面谈 家访 家长会 短信 视频。"
}

func contactNeedsContent() string {
	return "请写上沟通的内容（聊了什么、约定了什么）。"
}

func contactTooLong() string {
	return "内容太长了（最多500个字）。"
}

func contactSaved(student, how, day string, month, nthThisMonth int, content string, showContent, withChild bool) string {
	var b strings.Builder
	if withChild {
		// A talk with the child (谈心) is kept, but the month's contact
		// with the family is still owed.
		fmt.Fprintf(&b, "已记录：%s和学生本人的谈话（%s），%s。这次不算家长沟通（%d月和家长沟通了%d次）。", student, how, day, month, nthThisMonth)
	} else {
		fmt.Fprintf(&b, "已记录：%s家校沟通（%s），%s。计入%d月的家长沟通（本月第%d次）", student, how, day, month, nthThisMonth)
		if nthThisMonth == 1 {
			b.WriteString("，本月的正式沟通已完成 ✓")
		}
		b.WriteString("。")
	}
	if showContent {
		fmt.Fprintf(&b, "\n内容：%s", content)
	} else {
		b.WriteString("\n（沟通内容已保存，只在私聊里给班主任、导师看）")
	}
	return b.String()
}

func praiseNeedsAll() string {
	return "请写上学生和他/她的进步。"
}

func praiseNeedsText() string {
	return "请写上他/她的进步。"
}

func praiseTooLong() string {
	return "内容太长了（最多300个字）。"
}

func praiseBannedWord(word string) string {
	return fmt.Sprintf("这条会发给家长，请不要写“%s”这样的词，只写孩子做到了什么。", word)
}

// praiseForParent is the message a bound parent receives.
func praiseForParent(parent, teacher, child, text string) string {
	return fmt.Sprintf("%s您好！%s记下了%s的一点进步：\n%s\n为孩子点个赞，也请在家里多鼓励他/她。", parent, teacher, child, text)
}

// praiseSaved: heldUntil is the end of the parents' quiet hours, "" when
// the messages go now.
func praiseSaved(student, name, text string, parents int, heldUntil string) string {
	head := fmt.Sprintf("已记录%s的进步：%s", student, text)
	switch {
	case parents == 0:
		return head + fmt.Sprintf("\n还没有家长绑定，家长收不到。可以用 /invite parent %s 妈妈 生成邀请码。", name)
	case heldUntil != "":
		return head + fmt.Sprintf("\n现在是家长免打扰时段，%s会发给%d位家长。", heldUntil, parents)
	}
	return head + fmt.Sprintf("\n已发给%d位家长。", parents)
}

// praisedStudent is one student of a praise for several.
type praisedStudent struct {
	label, name string
	parents     int
	no          uint64
}

func praiseTogetherSaved(text string, ss []praisedStudent, heldUntil string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "已记录%d位学生的进步：%s\n每位家长只收到自己孩子的这一条：", len(ss), text)
	unbound := ""
	for _, s := range ss {
		switch {
		case s.parents == 0:
			fmt.Fprintf(&b, "\n· %s 还没有家长绑定，家长收不到（记录号 #%d）", s.label, s.no)
			if unbound == "" {
				unbound = s.name
			}
		case heldUntil != "":
			fmt.Fprintf(&b, "\n· %s %s发给%d位家长（记录号 #%d）", s.label, heldUntil, s.parents, s.no)
		default:
			fmt.Fprintf(&b, "\n· %s 已发给%d位家长（记录号 #%d）", s.label, s.parents, s.no)
		}
	}
	if heldUntil != "" {
		b.WriteString("\n现在是家长免打扰时段，到时再发。")
	}
	if unbound != "" {
		fmt.Fprintf(&b, "\n生成家长的邀请码：/invite parent %s 妈妈", unbound)
	}
	fmt.Fprintf(&b, "\n/undo 每次撤销最后一条（还没发出的消息一并取消）。")
	return b.String()
}

func parentWithRelation(relation string) string {
	return fmt.Sprintf("家长（%s）", relation)
}

func parentRelation() string {
	return "家长"
}

func commentNoneToWrite() string {
	return "你不是哪位在帮扶的学生的导师或班主任，没有要写的评语。看一位学生的评语：/评语 张三"
}

// commentListLine is one student in /评语's list.
type commentListLine struct {
	label, name string
	written     bool
	writer      string // the mentor who writes it, when not the reader
}

// commentListShown answers /评语 alone.
func commentListShown(term string, lines []commentListLine) string {
	var b strings.Builder
	fmt.Fprintf(&b, "本学期的评语（%s）：\n", term)
	var todo []string
	for _, l := range lines {
		switch {
		case l.writer != "" && l.written:
			fmt.Fprintf(&b, "· %s %s已写 ✓\n", l.label, l.writer)
		case l.writer != "":
			fmt.Fprintf(&b, "· %s %s还没写\n", l.label, l.writer)
		case l.written:
			fmt.Fprintf(&b, "· %s 已写 ✓\n", l.label)
		default:
			fmt.Fprintf(&b, "· %s 还没写\n", l.label)
			todo = append(todo, l.name)
		}
	}
	if len(todo) == 0 {
		fmt.Fprintf(&b, "你要写的都写好了，辛苦了！看一条：/评语 %s", lines[0].name)
		return b.String()
	}
	fmt.Fprintf(&b, "还没写：%s\n写：/评语 %s 本学期进步明显，作业越来越认真\n让我根据记录起草：/评语 草稿 %s", strings.Join(todo, "、"), todo[0], todo[0])
	return b.String()
}

// commentView is one comment as /评语 张三 shows it; text is empty for a
// reader who may not see its words.
type commentView struct {
	by, day, text string
	mine          bool
	no            uint64
}

// commentsShown answers /评语 张三: this term's comments, and how to write
// one (writer: the student's mentor or head teacher).
func commentsShown(student, name string, cs []commentView, writer bool) string {
	var b strings.Builder
	if len(cs) == 0 {
		fmt.Fprintf(&b, "%s本学期还没有评语。", student)
		if writer {
			fmt.Fprintf(&b, "\n写：/评语 %s 本学期进步明显，作业越来越认真\n让我根据记录起草：/评语 草稿 %s", name, name)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "%s本学期的评语：\n", student)
	mine, hidden := false, false
	for _, c := range cs {
		if c.text == "" {
			fmt.Fprintf(&b, "· %s 已写（%s）\n", c.by, c.day)
			hidden = true
		} else {
			fmt.Fprintf(&b, "· %s（%s，#%d）：%s\n", c.by, c.day, c.no, c.text)
		}
		mine = mine || c.mine
	}
	if hidden {
		b.WriteString("（评语的内容只在私聊里给学生的班主任、导师和写的人看）\n")
	}
	switch {
	case mine:
		fmt.Fprintf(&b, "改你写的那一条：/评语 %s 改好的评语（替换原来的）", name)
	case writer:
		fmt.Fprintf(&b, "你还没写。写：/评语 %s 评语；让我起草：/评语 草稿 %s", name, name)
	}
	return strings.TrimRight(b.String(), "\n")
}

func commentTooLong() string {
	return "评语太长了（最多1000个字）。"
}

func commentBannedWord(word string) string {
	return fmt.Sprintf("评语家长也会看到，请不要写“%s”这样的词。", word)
}

func commentNotYours(student string) string {
	return fmt.Sprintf("只有%s的导师和班主任可以写评语。", student)
}

func commentSaved(student string, chars int, replaced bool) string {
	out := fmt.Sprintf("已保存你对%s的本学期评语（%d字）", student, chars)
	if replaced {
		out += "，替换了你之前写的那一条"
	}
	return out + "。"
}

func nothingToUndo() string {
	return "你在24小时内没有可以撤销的记录。"
}

func undoneSession(who, subject string, minutes int, day string) string {
	return fmt.Sprintf("已撤销：%s%s %d分钟（%s）的辅导记录。", who, subject, minutes, day)
}

func undoneContact(who, day, method string) string {
	return fmt.Sprintf("已撤销：%s%s的家校沟通（%s）。", who, day, method)
}

func undonePraise(who, text string) string {
	return fmt.Sprintf("已撤销：%s的进步记录“%s”。", who, text)
}

// replyStaysSent: taking a /回复 off the file does not take it back from
// the parent once it went.
func replyStaysSent() string {
	return "这条回复已经发给家长了，撤回不了；去掉的只是档案里的这一条。"
}

func undoneUnsentMessages() string { return "还没发出的消息也一并取消了。" }

func undoneUnsentToo() string {
	return "还没发出的家长消息也一并取消了。"
}

func undoneSentStays() string {
	return "如果已经发给了家长，那条消息撤不回来。"
}

func undoneComment(who string) string {
	return fmt.Sprintf("已撤销：你对%s的本学期评语。", who)
}

func undoneMeeting(class, day string) string {
	return fmt.Sprintf("已撤销：%s %s的家长会。", class, day)
}

func undone() string {
	return "已撤销。"
}

// ---- reports: /status /mine /history /digest /export ----

// renderClassStatus is a class's week; categories only where sensitiveOK.
// monthLeft says how long the month still has after today: on its last
// day "0 days left" read as if the month were over.
func monthLeft(days int) string {
	if days <= 0 {
		return "今天是本月最后一天"
	}
	return fmt.Sprintf("本月还剩%d天", days)
}

func renderClassStatus(cw report.ClassWeek, sensitiveOK func(storage.Student) bool, daysLeftInMonth int) string {
	var b strings.Builder
	class := report.ClassName(cw.Class)
	fmt.Fprintf(&b, "%s 帮扶情况（本周 %s）\n", class, report.WeekLabel(cw.Week.From))
	if len(cw.Students) == 0 {
		fmt.Fprintf(&b, "还没有在帮扶的学生。添加：/student add %s 张三 每周2次", class)
		return b.String()
	}
	done, _, keys, behindCount, _ := cw.Totals()
	fmt.Fprintf(&b, "在帮扶：%d人（重点%d人），本周达到约定次数：%d/%d人（共辅导%d次）\n", len(cw.Students), keys, len(cw.Students)-behindCount, len(cw.Students), done)
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
		fmt.Fprintf(&b, "本月还没联系家长：%s（%s）\n", strings.Join(notContacted, "、"), monthLeft(daysLeftInMonth))
	}
	return strings.TrimRight(b.String(), "\n")
}

func schoolHasNoStudents() string {
	return "全校还没有帮扶学生。班主任可以用 /student add 初一3班 张三 每周2次 添加。"
}

// renderSchoolStatus is a line a class with students.
func renderSchoolStatus(weeks []report.ClassWeek) string {
	var b strings.Builder
	fmt.Fprintf(&b, "全校帮扶情况（本周 %s）\n", report.WeekLabel(weeks[0].Week.From))
	for _, cw := range weeks {
		done, _, _, behind, nc := cw.Totals()
		fmt.Fprintf(&b, "%s：本周达到约定次数%d/%d人（共辅导%d次），%d人本月未联系家长\n", report.ClassName(cw.Class), len(cw.Students)-behind, len(cw.Students), done, nc)
	}
	b.WriteString("看某个班：/status 初一3班；看某个学生：/status 张三")
	return b.String()
}

// renderStudentStatus is one student's file; notes and contact contents only
// when sensitive.
func renderStudentStatus(cal storage.Calendar, f report.StudentFile, personName func(uint64) string, see sight, daysLeftInMonth int) string {
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
	if see.categories() && len(st.Categories) > 0 {
		fmt.Fprintf(&b, "类别：%s\n", strings.Join(st.Categories, "、"))
	}
	wn, wm, mn := f.WeekSessions()
	fmt.Fprintf(&b, "本周辅导：%d次/目标%d次（%s）；本月%d次\n", wn, st.WeeklyTarget, report.HoursAndMinutes(wm), mn)
	if len(f.Sessions) > 0 {
		b.WriteString("最近辅导：\n")
		for i := len(f.Sessions) - 1; i >= 0 && i >= len(f.Sessions)-5; i-- {
			s := f.Sessions[i]
			fmt.Fprintf(&b, "  %s %s %d分钟（%s）", report.Day(cal, s.At), s.Subject, s.Minutes, personName(s.AuthorID))
			if see.text(s.AuthorID) && s.Note != "" {
				fmt.Fprintf(&b, " 备注：%s", s.Note)
			}
			b.WriteString("\n")
		}
	}
	if mc := f.MonthContacts(); mc > 0 {
		fmt.Fprintf(&b, "本月家长沟通：%d次 ✓\n", mc)
	} else {
		fmt.Fprintf(&b, "本月家长沟通：还没有（%s）\n", monthLeft(daysLeftInMonth))
	}
	// The school's last contact with the family, then the family's last
	// message when it came after it: a parent writing is no contact the
	// teacher made, and a talk with the child is in /history.
	var made, wrote *storage.Contact
	for i := len(f.Contacts) - 1; i >= 0 && made == nil; i-- {
		c := &f.Contacts[i]
		switch {
		case c.WithFamily():
			made = c
		case c.FromParent && wrote == nil:
			wrote = c
		}
	}
	if made != nil {
		fmt.Fprintf(&b, "  最近一次：%s %s", report.Day(cal, made.At), joinNonEmpty("·", made.Method, made.Whom))
		if see.text(made.AuthorID) {
			fmt.Fprintf(&b, " 内容：%s", made.Content)
		}
		b.WriteString("\n")
	}
	if wrote != nil {
		fmt.Fprintf(&b, "  家长留言：%s %s", report.Day(cal, wrote.At), orDefault(wrote.Whom, "家长"))
		if see.text(wrote.AuthorID) {
			fmt.Fprintf(&b, " 内容：%s", wrote.Content)
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

func sensitiveAuditTag() string {
	return "含敏感信息"
}

func noMentees(teacher string) string {
	return "你还没有帮扶的学生。班主任可以用 /mentor 张三 " + teacher + " 指定。"
}

// renderMentees is a mentor's list with what is left to do.
func minePlanOwed(name string) string {
	return "写" + name + "的帮扶计划（/计划 " + name + "）"
}

func mineReviewOwed(name, month string) string {
	return "写" + name + month + "的阶段性评估（/评估 " + name + " …）"
}

// renderMentees lists a mentor's students this week; with legacy (no
// rhythm set) the week's tutoring and month's contact owed are the to-dos,
// and allDone says nothing else is owed either.
func renderMentees(teacher string, week storage.Range, mentees []report.StudentWeek, plans []string, legacy, allDone bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s帮扶的学生（%d人），本周 %s：\n", teacher, len(mentees), report.WeekLabel(week.From))
	var todo []string
	for _, m := range mentees {
		st := m.Student
		state := "✓"
		if left := m.Behind(); left > 0 {
			state = fmt.Sprintf("还差%d次", left)
			if legacy {
				todo = append(todo, fmt.Sprintf("给%s辅导%d次", st.Name, left))
			}
		}
		contact := "本月已联系家长"
		if !m.Contacted {
			contact = "本月未联系家长"
			if legacy {
				todo = append(todo, fmt.Sprintf("联系%s的家长", st.Name))
			}
		}
		fmt.Fprintf(&b, "· %s 本周%d/%d次 %s，%s\n", studentLabel(st, m.Class), m.Sessions, st.WeeklyTarget, state, contact)
	}
	todo = append(todo, plans...)
	switch {
	case len(todo) > 0:
		fmt.Fprintf(&b, "要做的事：%s", strings.Join(todo, "；"))
	case allDone:
		b.WriteString("本周和本月的事都做完了，辛苦了！")
	}
	return strings.TrimRight(b.String(), "\n")
}

func mineUnanswered(lines []string, example string) string {
	return "家长的留言还没有人回复：\n" + strings.Join(lines, "\n") + "\n打过电话或见过面的，记一次家校沟通也算回复了：" + example
}

// answeringContact is the contact a teacher records after calling back.
func answeringContact(student, whom string) string {
	return strings.Join(strings.Fields(fmt.Sprintf("/contact %s 电话 %s …", student, whom)), " ")
}

func mineTodo(todo []string) string { return "要做的事：" + strings.Join(todo, "；") }

func historyCountOutOfRange() string {
	return "条数要写1到50之间的数字。"
}

func historyOfAClass(class string) string {
	return fmt.Sprintf("/history 看的是一位学生的记录：/history 张三。%[1]s这周的情况请发 /status %[1]s，全部记录可以 /导出 %[1]s。", class)
}

func historyCapped(n int, class string) string {
	return fmt.Sprintf("\n（聊天里最多显示最近%d条；全部记录请 /导出 %s）", n, class)
}

func renderHistory(cal storage.Calendar, student, name string, recs []storage.Record, personName func(uint64) string, see sight) string {
	if len(recs) == 0 {
		return fmt.Sprintf("%s还没有记录。记一次辅导：/log %s 数学辅导 30分钟", student, name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s 最近%d条记录：\n", student, len(recs))
	for _, rec := range recs {
		fmt.Fprintf(&b, "· #%d %s\n", rec.No(), recordLine(cal, rec, personName, see))
	}
	fmt.Fprintf(&b, "更正一条：/修改 #%d …；删除一条：/删除记录 #%d", recs[0].No(), recs[0].No())
	return b.String()
}

// recordLine is one record as /history, /edit and /delete show it; the
// words of a note, a contact or a comment only to whom sight allows.
func recordLine(cal storage.Calendar, rec storage.Record, personName func(uint64) string, see sight) string {
	var b strings.Builder
	day := report.Day(cal, rec.At)
	switch rec.Kind {
	case storage.KindSession:
		s := rec.Session
		fmt.Fprintf(&b, "%s 辅导：%s %d分钟（%s）", day, s.Subject, s.Minutes, personName(s.AuthorID))
		if see.text(s.AuthorID) && s.Note != "" {
			fmt.Fprintf(&b, " 备注：%s", s.Note)
		}
	case storage.KindContact:
		c := rec.Contact
		if c.FromParent {
			fmt.Fprintf(&b, "%s 家长留言（%s）", day, orDefault(c.Whom, "家长"))
		} else {
			fmt.Fprintf(&b, "%s 家校沟通：%s（%s）", day, joinNonEmpty("·", c.Method, c.Whom), personName(c.AuthorID))
		}
		if see.text(c.AuthorID) {
			fmt.Fprintf(&b, " 内容：%s", c.Content)
		}
	case storage.KindPraise:
		fmt.Fprintf(&b, "%s 进步：%s（%s）", day, rec.Praise.Text, personName(rec.Praise.AuthorID))
	case storage.KindComment:
		fmt.Fprintf(&b, "%s 学期评语（%s）", day, personName(rec.Comment.AuthorID))
		if see.text(rec.Comment.AuthorID) {
			fmt.Fprintf(&b, "：%s", rec.Comment.Text)
		}
	}
	return b.String()
}

// ---- correcting records: /edit /delete ----

func recordNoMissing() string {
	return "请写上记录号（在 /history 里，每条前面的 #37 就是）。"
}

func noSuchRecord(no uint64) string {
	return fmt.Sprintf("没有 #%d 这条记录（可能已经删除或撤销了）。发 /history 学生姓名 可以看到每条记录的记录号。", no)
}

func recordNotYours(no uint64) string {
	return fmt.Sprintf("#%d 不是你记的：只有记这条记录的老师、这个班的班主任或管理员可以更改。", no)
}

func editNeedsNo(tok string) string {
	return fmt.Sprintf("“%s”不是记录号。先发 /history 学生姓名 看记录号，再按记录号更正。", tok)
}

func editNeedsWhat(no uint64, line, example string) string {
	return fmt.Sprintf("#%d 现在是：%s\n要改成什么？请把改后的内容写在记录号后面，例如：\n%s", no, line, example)
}

// editExample is how to correct a record of that kind.
func editExample(kind string, no uint64) string {
	switch kind {
	case storage.KindSession:
		return fmt.Sprintf("/修改 #%d 数学辅导 45分钟（只改时长：/修改 #%d 45分钟；只改日期：/修改 #%d 昨天）", no, no, no)
	case storage.KindContact:
		return fmt.Sprintf("/修改 #%d 电话 妈妈 孩子最近作业按时交了（只改方式：/修改 #%d 电话；只改日期：/修改 #%d 昨天）", no, no, no)
	case storage.KindPraise:
		return fmt.Sprintf("/修改 #%d 这周数学作业全对，上课主动举手", no)
	}
	return fmt.Sprintf("/修改 #%d 本学期进步明显，希望继续保持", no)
}

func recordEdited(no uint64, student, before, after string) string {
	return fmt.Sprintf("已更正 #%d（%s）：\n原来：%s\n现在：%s", no, student, before, after)
}

func praiseEditUnsentReplaced(n int) string {
	return fmt.Sprintf("\n还没发出的%d条家长消息已换成改后的内容。", n)
}

func praiseEditSentStays() string {
	return "\n已经发给家长的那条消息不会再发一次。"
}

func deleteNeedsNo(tok string) string {
	return fmt.Sprintf("“%s”不是记录号。删除一条记录：/删除记录 #37（记录号在 /history 里看）。删除学生的整个档案请管理员在私聊里发：/student delete %s", tok, tok)
}

func deleteOnlyNo() string {
	return "只写一个记录号就可以。"
}

func authorRecordDeleted(by string, no uint64, student, line string) string {
	return fmt.Sprintf("%s删除了你记的 #%d（%s）：%s", by, no, student, line)
}

func authorRecordEdited(by string, no uint64, student, before, after string) string {
	return fmt.Sprintf("%s更正了你记的 #%d（%s）：\n原来：%s\n现在：%s", by, no, student, before, after)
}

func recordDeleted(no uint64, student, line string) string {
	return fmt.Sprintf("已删除 #%d（%s）：%s", no, student, line)
}

func digestNotYourClass() string {
	return "你只能看自己班的周报。"
}

func exportNotYourClass() string {
	return "你只能导出自己班的档案。"
}

func exportFileCaption(file string) string {
	return fmt.Sprintf("%s（含学生隐私，请妥善保管，不要转发到群里）", file)
}

func exportSending(title string) string {
	return fmt.Sprintf("正在发送%s：名单、帮扶计划、监护人、辅导记录、家校沟通、成长记录、学期评语、统计、帮扶节奏，共9张表，可以直接打印归档。", title)
}

// ---- people: students, mentors, invites, /join, /mute ----

func targetOutOfRange() string {
	return "每周辅导次数要在1到14次之间。"
}

func targetTwice(a, b int) string {
	return fmt.Sprintf("每周次数写了两个（%d次和%d次），请只写一个。", a, b)
}

func keyTwice() string { return "“重点”和“非重点”只能写一个。" }

// categoriesReplaced: the categories written replaced the old ones.
func categoriesReplaced(dropped []string, keepAll string) string {
	return fmt.Sprintf("写的类别替换了原来的，去掉了：%s。要一起保留，请全部写上：%s", strings.Join(dropped, "、"), keepAll)
}

func studentOptionUnknown(word, categoryHint string) string {
	return fmt.Sprintf("不认识“%s”。%s；重点写“重点”；次数写“每周2次”。", word, categoryHint)
}

func studentAddNeedsClassAndName() string {
	return "请写上班级和姓名。"
}

func studentAddNotAClass(word string) string {
	return fmt.Sprintf("第一个要写班级，“%s”不像班级名。", word)
}

func notAName(word string) string {
	return fmt.Sprintf("“%s”不像姓名（只能是汉字或字母，最多20个字）。", word)
}

func studentAddNotYourClass(class string) string {
	return fmt.Sprintf("你只能给自己的班添加学生（%s不是你的班）。", class)
}

func studentAdded(st storage.Student, class string, reopened, defaultTarget, showCategories bool) string {
	var b strings.Builder
	if reopened {
		fmt.Fprintf(&b, "已重新开始帮扶：%s（%s）", st.Name, class)
	} else {
		fmt.Fprintf(&b, "已加入帮扶名单：%s（%s）", st.Name, class)
	}
	if st.Key {
		b.WriteString(" ★重点")
	}
	fmt.Fprintf(&b, "，每周辅导%d次", st.WeeklyTarget)
	if defaultTarget {
		fmt.Fprintf(&b, "（默认，可用 /student set %s%s 每周2次 修改）", class, st.Name)
	}
	b.WriteString("。")
	b.WriteString(categoriesAdded(st.Categories, showCategories))
	if st.MentorID == 0 {
		fmt.Fprintf(&b, "\n下一步：指定导师 /mentor %s%s 王老师", class, st.Name)
	}
	return b.String()
}

// categoriesAdded is the line of a student add that gives the categories,
// or only says they were kept when the chat may not see them.
func categoriesAdded(cats []string, show bool) string {
	switch {
	case len(cats) == 0:
		return ""
	case show:
		return "\n类别：" + strings.Join(cats, "、")
	}
	return "\n（类别已保存，只在私聊里显示）"
}

// studentsAdded answers several added in one line: they share the line's
// categories, 重点 and weekly count.
func studentsAdded(sts []storage.Student, class string, reopened []bool, defaultTarget, showCategories bool) string {
	var added, again, mentorless []string
	for i, st := range sts {
		if reopened[i] {
			again = append(again, st.Name)
		} else {
			added = append(added, st.Name)
		}
		if st.MentorID == 0 {
			mentorless = append(mentorless, st.Name)
		}
	}
	var b strings.Builder
	if len(added) > 0 {
		fmt.Fprintf(&b, "已加入帮扶名单（%s）%d人：%s", class, len(added), strings.Join(added, "、"))
	}
	if len(again) > 0 {
		if b.Len() > 0 {
			b.WriteString("；")
		}
		fmt.Fprintf(&b, "已重新开始帮扶：%s", strings.Join(again, "、"))
	}
	st := sts[0]
	if st.Key {
		b.WriteString("，都是重点")
	}
	fmt.Fprintf(&b, "，每人每周辅导%d次", st.WeeklyTarget)
	if defaultTarget {
		fmt.Fprintf(&b, "（默认，可用 /student set %s%s 每周2次 修改）", class, st.Name)
	}
	b.WriteString("。")
	b.WriteString(categoriesAdded(st.Categories, showCategories))
	if len(mentorless) > 0 {
		fmt.Fprintf(&b, "\n下一步：给%s指定导师，例如 /mentor %s%s 王老师", strings.Join(mentorless, "、"), class, mentorless[0])
	}
	return b.String()
}

func studentSetNeedsWhat() string {
	return "请写上学生和要改的内容（类别、重点/非重点、每周N次）。"
}

func studentSetNeedsChange() string {
	return "请写上要改的内容。"
}

func studentMoveNeedsClass() string {
	return "请写上学生和要转去的班级。"
}

func studentMoveSameClass(student string) string {
	return fmt.Sprintf("%s已经在这个班了，没有改动。", student)
}

func studentMoveNotYours(class string) string {
	return fmt.Sprintf("只有%s的班主任和学校管理员可以给这个班的学生转班。", class)
}

func studentMoved(name, from, to, head, mentor string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "已把%s从%s转到%s。以前的记录、帮扶计划和监护人都跟着%s。", name, from, to, name)
	if head != "" {
		fmt.Fprintf(&b, "\n%s的班主任：%s。", to, head)
	} else {
		fmt.Fprintf(&b, "\n%[1]s还没有班主任：/invite teacher %[1]s 班主任", to)
	}
	if mentor != "" {
		fmt.Fprintf(&b, "\n导师仍是%s；要换：/mentor %s 新导师", mentor, name)
	}
	return b.String()
}

func studentSetNotYours(class string) string {
	return fmt.Sprintf("只有%s的班主任和学校管理员可以修改。", class)
}

// studentChanged lists what /student set changed, categories only where
// showCategories.
func studentChanged(student string, st storage.Student, categories, key, target, showCategories bool) string {
	var changes []string
	if categories {
		if showCategories {
			changes = append(changes, "类别："+strings.Join(st.Categories, "、"))
		} else {
			changes = append(changes, "类别已更新（只在私聊里显示）")
		}
	}
	if key {
		if st.Key {
			changes = append(changes, "重点学生")
		} else {
			changes = append(changes, "非重点")
		}
	}
	if target {
		changes = append(changes, fmt.Sprintf("每周辅导%d次", st.WeeklyTarget))
	}
	return fmt.Sprintf("已修改%s：%s。", student, strings.Join(changes, "，"))
}

func closeReasonTooLong() string {
	return "原因写短一点（最多50个字）。"
}

func alreadyClosed(student string) string {
	return fmt.Sprintf("%s的帮扶已经结束了。", student)
}

func studentCloseNotYours(class string) string {
	return fmt.Sprintf("只有%s的班主任和学校管理员可以结束帮扶。", class)
}

func studentClosed(student, reason string) string {
	return fmt.Sprintf("已结束%s的帮扶（%s）。记录都保留着，不会再提醒。", student, reason)
}

func studentDeleteNeedsName() string {
	return "请写上学生的姓名，最后加“确认”。"
}

func studentDeleteConfirm(student, class, name string) string {
	return fmt.Sprintf("这会永久删除%s和他/她的全部记录（辅导、沟通、进步、评语、家长绑定），无法恢复。\n确认请发送：/student delete %s%s 确认", student, class, name)
}

// madeCopy is an export or a backup made earlier.
type madeCopy struct {
	day, file, by string
	backup        bool
}

// copiesStillHold reminds the admin of the copies an erasure cannot reach.
func copiesStillHold(copies []madeCopy) string {
	if len(copies) == 0 {
		return "此前没有导出过档案，也没有做过备份。"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "注意：此前的%d份导出和备份里仍有这个学生的数据，请一并删除或妥善保管：", len(copies))
	const shown = 8
	for i, c := range copies {
		if i == shown {
			fmt.Fprintf(&b, "\n· 另有%d份，见审计日志", len(copies)-shown)
			break
		}
		what := "导出"
		if c.backup {
			what = "备份"
		}
		fmt.Fprintf(&b, "\n· %s %s %s", c.day, what, c.file)
		if c.by != "" {
			fmt.Fprintf(&b, "（%s）", c.by)
		}
	}
	return b.String()
}

func studentDeleted(student string, sessions, contacts, praise, comments, parents int) string {
	return fmt.Sprintf("已彻底删除%s：辅导记录%d条、家校沟通%d条、进步记录%d条、评语%d条，解除家长绑定%d个。数据库已重写，旧数据不会留在文件里。", student, sessions, contacts, praise, comments, parents)
}

// classRegister is one class's 辅导学生名单.
type classRegister struct {
	class          storage.Class
	active, closed []storage.Student
}

func studentsNotYourClass(class string) string {
	return fmt.Sprintf("你只能看自己班的名单（%s不是你的班）。", class)
}

func noStudentsYet() string {
	return "还没有帮扶学生。添加：/student add 初一3班 张三 每周2次"
}

func renderRegisters(registers []classRegister, personName func(uint64) string, showCategories bool) string {
	var b strings.Builder
	for _, reg := range registers {
		fmt.Fprintf(&b, "%s 辅导学生名单（%d人）\n", report.ClassName(reg.class), len(reg.active))
		for i, st := range reg.active {
			fmt.Fprintf(&b, "%d. %s", i+1, st.Name)
			if st.Key {
				b.WriteString(" ★重点")
			}
			if showCategories && len(st.Categories) > 0 {
				fmt.Fprintf(&b, " · %s", strings.Join(st.Categories, "、"))
			}
			fmt.Fprintf(&b, " · 导师：%s · 每周%d次\n", orDefault(personName(st.MentorID), "未指定"), st.WeeklyTarget)
		}
		if len(reg.closed) > 0 {
			var cs []string
			for _, st := range reg.closed {
				cs = append(cs, fmt.Sprintf("%s（%s）", st.Name, orDefault(st.ClosedReason, noReason())))
			}
			fmt.Fprintf(&b, "已结束帮扶：%s\n", strings.Join(cs, "、"))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func mentorNeedsBoth() string {
	return "请写上学生和老师。"
}

func mentorNeedsTeacher() string {
	return "请写上老师的名字。"
}

func mentorNotYours(class string) string {
	return fmt.Sprintf("只有%s的班主任和学校管理员可以指定导师。", class)
}

func mentorUnknownTeacher(teacher, class string) string {
	return fmt.Sprintf("没有找到叫“%s”的老师。老师要先用邀请码加入（/invite teacher %s），再指定导师。", teacher, class)
}

func mentorAmbiguous(count int, teacher string) string {
	return fmt.Sprintf("有%d位老师叫“%s”，请让其中一位在聊天软件里改一个能区分的名字后再指定。", count, teacher)
}

func mentorAssigned(teacher, student string) string {
	return fmt.Sprintf("已指定%[1]s为%[2]s的导师（帮扶责任人）。%[1]s可以用 /mine 查看自己帮扶的学生。", teacher, student)
}

func telegramJoinLink(bot, code string) string {
	return fmt.Sprintf("\n在 Telegram 上也可以直接点：https://t.me/%s?start=%s", bot, code)
}

func unknownWord(word string) string {
	return fmt.Sprintf("不认识“%s”。", word)
}

func headTeacherNeedsClass() string {
	return "邀请班主任要写上班级。"
}

func onlyAdminInvitesHeads() string {
	return "只有学校管理员可以邀请班主任。"
}

func headInvitesOwnClass(example string) string {
	return fmt.Sprintf("班主任只能邀请本班的老师，请写上你的班级，例如：/invite teacher %s", example)
}

func teacherInvited(role, code string) string {
	return fmt.Sprintf("邀请码（%s，7天内有效，只能用一次）：\n请把下面的码发给这位老师，让他/她私聊我发送 /join 邀请码。\n%s", role, code)
}

// headHandsOver warns, before a head-teacher code goes out, that the class
// already has one.
func headHandsOver(class, heads string) string {
	return fmt.Sprintf("%s现在的班主任是%s。用这个码加入的老师接任班主任；%s仍是本班老师，记录都保留。", class, heads, heads)
}

func headTookOver(class, was string) string {
	return fmt.Sprintf("你接任%s的班主任，原班主任%s仍是本班老师。", class, was)
}

func headHandedOver(teacher, class string) string {
	return fmt.Sprintf("%s已接任%s的班主任。你仍是本班老师，可以继续记录和查看本班学生；班主任的提醒以后发给%s。", teacher, class, teacher)
}

func exampleClass() string {
	return "初一3班"
}

func relationChoices() string {
	return "关系可以写：" + kinChoices + "。"
}

func inviteParentNotYours(student string) string {
	return fmt.Sprintf("只有%s的班主任、导师和学校管理员可以邀请家长。", student)
}

func parentInvited(student, name, relation string, bound int, code string) string {
	already := ""
	if bound > 0 {
		already = fmt.Sprintf("%s的%s已经绑定了%d个账号；这个码可以给另一个账号用。换了手机的话，旧账号用 /parent remove %s %s 解除。\n", name, relation, bound, name, relation)
	}
	return fmt.Sprintf("%s邀请码（%s的%s，7天内有效，只能用一次）：\n请把下面的码发给家长，让家长加我为好友后私聊发送 /join 邀请码。\n%s", already, student, relation, code)
}

func inviteAdminNoArgs() string {
	return "/invite admin 后面不用写别的。"
}

func adminInvited(code string) string {
	return "邀请码（学校管理员，7天内有效，只能用一次）：\n请把下面的码发给对方，让他/她私聊我发送 /join 邀请码。\n" + code
}

func joinNeedsCode() string {
	return "请写上邀请码。"
}

func joinBadCode() string {
	return "邀请码是8位字母和数字（没有0、1、O、I），请核对后重新发送。"
}

func welcomeAdmin(name, school string) string {
	return fmt.Sprintf("欢迎%s！你现在是%s的帮扶管理员。发送 /help 查看可以用的命令；把我拉进教师群后发送 /group teacher 登记。", name, school)
}

func welcomeTeacher(teacher, school, role string) string {
	return fmt.Sprintf("欢迎%s！你已加入%s的帮扶工作，身份：%s。发送 /help 查看可以用的命令，例如：/log 张三 数学辅导 30分钟", teacher, school, role)
}

func welcomeParent(child, relation string) string {
	return fmt.Sprintf("您好！已绑定为%s的家长（%s）。每周日晚上我会告诉您孩子这一周的情况，老师记下孩子的进步时也会告诉您。\n想随时看看：/status；不想收定时消息：/mute", child, relation)
}

func muteNotBound() string {
	return "没有找到您的绑定信息，请重新用邀请码绑定。"
}

func mutedReply() string {
	return "好的，已暂停每周的定时消息（家长会提醒和老师记下的进步仍会告诉您）。想恢复时发送 /unmute。"
}

func unmuted() string {
	return "好的，已恢复每周的定时消息。"
}

func importBadRows(rows int) string {
	return fmt.Sprintf("有%d行不对，什么都没有导入，请改好后重新导入：", rows)
}

func importBadRow(row int, reason string) string {
	return fmt.Sprintf("\n第%d行：%s", row, reason)
}

func importNoHeader() string {
	return "表头里找不到“班级”和“姓名”两列。可以用 bangfu import --template 名单模板.xlsx 生成一个模板"
}

func joinReasons(reasons []string) string { return strings.Join(reasons, "；") }

// importMentorUnknown: shown is the mentor as written, clipped; mentor in full for the command.
func importMentorUnknown(row int, shown, student, mentor string) string {
	return fmt.Sprintf("第%d行：导师“%s”还没有加入（或有重名），先不指定，加入后用 /mentor %s %s", row, shown, student, mentor)
}

func importEmpty() string {
	return "文件里没有学生（表头下面是空的；模板里的示例行张三不会导入，请从第3行起填学生）"
}

func importBadClass(text string) string {
	return fmt.Sprintf("班级“%s”看不懂（写成 初一3班 或 七年级(3)班）", text)
}

func importNoName() string {
	return "姓名是空的"
}

func importBadName(text string) string {
	return fmt.Sprintf("姓名“%s”只能是汉字或字母", text)
}

func importBadCategory(text, categoryHint string) string {
	return fmt.Sprintf("不认识的类别“%s”（%s）", text, categoryHint)
}

func importBadKey(text string) string {
	return fmt.Sprintf("重点一栏“%s”要写“是”或空着", text)
}

func importBadTarget(text string) string {
	return fmt.Sprintf("每周辅导次数“%s”要是1到14的数字", text)
}

func importDuplicateRow(firstRow int) string {
	return fmt.Sprintf("和第%d行重复（同一个班同名）", firstRow)
}

// ---- groups and meetings ----

func groupOwnClassOnly(example string) string {
	return fmt.Sprintf("班主任只能把群登记为本班的教师群，例如：/group teacher %s", example)
}

func schoolTeacherGroup() string {
	return "全校的教师群"
}

func classTeacherGroup(class string) string {
	return fmt.Sprintf("%s的教师群", class)
}

func teacherGroupRegistered(what string) string {
	return fmt.Sprintf("已登记：本群是%s。群里可以用 /log /contact /status 等命令；学生的类别和备注只在私聊里显示，不会发到群里。", what)
}

func parentGroupNeedsClass() string {
	return "家长群要写上班级。"
}

func joinSlowDown(minutes int) string {
	return fmt.Sprintf("邀请码错了几次，请%d分钟后再试。邀请码是老师发给你的8位字母和数字。", minutes)
}

func joinStopped(minutes int) string {
	return fmt.Sprintf("邀请码错误次数太多，已暂停%d分钟。请向班主任要一个新的邀请码，到时再试。", minutes)
}

func joinBurst(n, minutes int) string {
	return fmt.Sprintf("最近%d分钟里有%d次错误的邀请码，可能有人在猜码。已自动放慢尝试；正确的邀请码不受影响。如果是家长集中绑定，可以不理会。", minutes, n)
}

func teacherRemoveNeedsName() string { return "请写上要移除的老师，例如 王老师。" }

func teacherRemoveUnknown(name string, staff []string) string {
	if len(staff) == 0 {
		return fmt.Sprintf("没有找到叫“%s”的老师：本校还没有别的老师加入。", name)
	}
	listed := strings.Join(staff, "、")
	if len(staff) > 30 { // a big school: the reply stays readable
		listed = fmt.Sprintf("%s等%d位", strings.Join(staff[:30], "、"), len(staff))
	}
	return fmt.Sprintf("没有找到叫“%s”的老师。本校的老师有：%s。请照这里的名字写，例如 /teacher remove %s", name, listed, staff[0])
}

func teacherRemoveAmbiguous(name string, n int) string {
	return fmt.Sprintf("有%d位老师都叫“%s”，分不出是哪一位，没有移除。", n, name)
}

func teacherRemoveSelf() string { return "不能移除自己。请另一位管理员来做。" }

func teacherRemoved(teacher string, mentees []string, example string, headed []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "已移除%s：权限马上收回，他/她记下的辅导和沟通记录都保留。", teacher)
	if len(mentees) == 0 {
		b.WriteString("没有需要重新指定导师的学生。")
	} else {
		fmt.Fprintf(&b, "\n这%d位学生现在没有导师，请重新指定：%s\n例如：/mentor %s 李老师", len(mentees), strings.Join(mentees, "、"), example)
	}
	if len(headed) > 0 {
		fmt.Fprintf(&b, "\n%s现在没有班主任。请邀请新的班主任：/invite teacher %s 班主任", strings.Join(headed, "、"), headed[0])
	}
	return b.String()
}

func parentRemoveNeedsBoth() string {
	return "请写上学生和家长的关系，例如 张三 爸爸。"
}

func parentRemoveNotFound(student, relation string) string {
	return fmt.Sprintf("%s没有绑定“%s”。", student, relation)
}

func parentRemoveNotYours(student string) string {
	return fmt.Sprintf("只有%s的班主任和学校管理员可以解除家长绑定。", student)
}

func parentRemoved(student, relation string, n int) string {
	return fmt.Sprintf("已解除%s的%s的绑定（%d个账号）：不再收到这个孩子的消息，也看不到这个孩子的情况。需要时可以重新发邀请码：/invite parent", student, relation, n)
}

// parentHelp is /help for a parent, in a parent's words.
// staffWayIn answers a teacher's 帮助 or 你好 in private.
func staffWayIn(teacher string) string {
	return fmt.Sprintf("%s您好！我帮您记帮扶工作，命令前面加 /，例如：\n/log 张三 数学辅导 30分钟（记一次辅导）\n/mine（我帮扶的学生和要做的事）\n全部命令：/help", teacher)
}

// parentGreeting answers a parent's 你好 or 在吗, which is not passed on.
func parentGreeting() string {
	return "您好！想对老师说的话，直接发给我就行，我会转给孩子的班主任和导师；看孩子这周的情况，发 /status。"
}

func parentHelp(private bool) string {
	head := "您可以私聊我发："
	if !private {
		head = "孩子的情况我只在私聊里说。请点我的头像私聊，发："
	}
	return head + "\n/status — 看孩子这周的情况（和老师一起学习了几次、进步、家长会）；/status 上周 看上周\n/mute — 暂停每周的消息（/unmute 恢复）\n/help — 再看一遍这些\n想对老师说的话，直接发给我（不用写/），我会转给孩子的班主任和导师，只有他们能看到，老师会在这里回复您；发语音或图片也行，我会告诉老师给您回电话\n要绑定另一个孩子，把老师发给您的邀请码发给我：/join 邀请码"
}

func strangerPlainMessage() string {
	return "您好！我是学校的帮扶助手。请把老师发给您的邀请码发给我：/join 邀请码（8位字母和数字）。"
}

// A teacher's line that reads as a record but has no slash: nothing was
// stored, and this says so with the line to send.
func plainCommand(line string) string {
	return "这句话没有记下来：命令前面要加 /。这样发：\n" + line
}

func plainLog(student, line string) string {
	return fmt.Sprintf("这句话没有记下来。要记%s的这次辅导，前面加上 /log，这样发：\n%s\n（家校沟通用 /contact，进步用 /praise）", student, line)
}

func plainStudent(student string) string {
	return fmt.Sprintf("这句话没有记下来。要给%[1]s记一笔，前面加上命令，例如：\n/log %[1]s 数学辅导 30分钟（辅导）\n/contact %[1]s 电话 妈妈 孩子最近作业按时交了（家校沟通）\n/praise %[1]s 这周作业全对（进步）", student)
}

func nameNeeded() string { return "请写上你的名字。" }

func nameBad(name string) string {
	return fmt.Sprintf("“%s”不像名字：写中文或英文的姓名就行（最多12个字，不要空格和符号）。", name)
}

func nameTaken(name string) string {
	return fmt.Sprintf("已经有一位叫%s的老师了。请写一个能和这位老师区分开的名字，例如你的全名。", name)
}

func renamed(teacher string) string {
	return fmt.Sprintf("好的，以后我叫你%s。提醒、名单和家长收到的回复里都用这个名字。", teacher)
}

func parentWritePrivately(command string) string {
	return fmt.Sprintf("为保护孩子的隐私，孩子的情况我只在私聊里说。请私聊我发送 /%s。", command)
}

func classParentGroup(class string) string {
	return class + "的家长群"
}

func groupChangeNotYours(was string) string {
	return fmt.Sprintf("本群已登记为%s，只有这个班的班主任或学校管理员可以改。", was)
}

func parentGroupStaysParent(was string) string {
	return fmt.Sprintf("本群已登记为%s，群里有家长，不能由班主任改成教师群。教师群请另建一个只有老师的群再登记；确需改动请联系学校管理员。", was)
}

func groupChangeConfirm(was, what string, parentToTeacher bool, command string) string {
	warn := ""
	if parentToTeacher {
		warn = "改成教师群后，老师在群里查的辅导记录会被群里所有人看到，请先确认群里只有老师。"
	}
	return fmt.Sprintf("本群已登记为%s，要改成%s吗？%s\n10分钟内确认请发送：%s 确认", was, what, warn, command)
}

func groupChanged(was, what string) string {
	return fmt.Sprintf("已改动：本群原来是%s，现在是%s。", was, what)
}

func parentGroupNotYours(class string) string {
	return fmt.Sprintf("只有%s的班主任和学校管理员可以登记这个家长群。", class)
}

func parentGroupRegistered(class string) string {
	return fmt.Sprintf("已登记：本群是%s的家长群。为保护孩子的隐私，我不会在群里谈任何一个孩子的情况。各位家长可以凭老师发的邀请码私聊我绑定自己的孩子。", class)
}

func meetingNeedsAll() string {
	return "请写上班级、日期和时间（主题可以不写）。"
}

func meetingNotYours(class string) string {
	return fmt.Sprintf("只有%s的班主任可以安排家长会。", class)
}

func meetingBadDate(text string) string {
	return fmt.Sprintf("“%s”不像日期，可以写 11月28日、明天、周五、下周三。", text)
}

func meetingBadTime(text string) string {
	return fmt.Sprintf("“%s”不像时间，可以写 19:00、晚上7点、下午3点半。", text)
}

func meetingInThePast(day string, hour, minute int) string {
	return fmt.Sprintf("%s %02d:%02d 已经过去了。", day, hour, minute)
}

func meetingTooFar() string { return "家长会最多提前半年安排。" }

func meetingTopicTooLong() string {
	return "主题写短一点（最多100个字）。"
}

func meetingAfterSemester(end string) string {
	return fmt.Sprintf("本学期%s结束，家长会请安排在这之前。", end)
}

func noMeetingsAhead(example string) string {
	return "本学期接下来没有安排家长会。安排：" + example
}

func meetingLine(id uint64, class, day string, hour, minute int, topic string) string {
	return strings.TrimSpace(fmt.Sprintf("#%d %s %s %02d:%02d %s", id, class, day, hour, minute, topic))
}

func meetingsListed(lines []string, firstID uint64) string {
	return fmt.Sprintf("接下来的家长会：\n%s\n取消：/meeting cancel %d；改期：/meeting move %d 12月2日 19:00", strings.Join(lines, "\n"), firstID, firstID)
}

func meetingNeedsNumber() string {
	return "请写上家长会的编号（/meeting list 里 # 后面的数字）。"
}

func meetingMoveNeedsAll() string { return "请写上家长会的编号、新的日期和时间。" }

func meetingUnknown(id int) string {
	return fmt.Sprintf("没有编号为 #%d 的家长会。看编号：/meeting list", id)
}

func meetingAlreadyHeld(day string) string {
	return fmt.Sprintf("这次家长会（%s）已经开过了，不能再改。", day)
}

func meetingCancelledForParents(class, day string, hour, minute int, topic string) string {
	return fmt.Sprintf("【家长会取消】原定%s %02d:%02d的%s家长会%s取消了，请不用过来。给您添麻烦了。", day, hour, minute, class, inParens(topic))
}

func meetingCancelled(class, day string, hour, minute, parents int) string {
	return fmt.Sprintf("已取消%s %s %02d:%02d的家长会，已通知%d位家长。", class, day, hour, minute, parents)
}

func meetingMovedForParents(class, oldDay string, oldHour, oldMinute int, day string, hour, minute int, topic string) string {
	return fmt.Sprintf("【家长会改期】%s家长会%s由%s %02d:%02d改到%s %02d:%02d，请您准时参加。", class, inParens(topic), oldDay, oldHour, oldMinute, day, hour, minute)
}

func meetingMoved(class, day string, hour, minute, parents int) string {
	return fmt.Sprintf("已把%s的家长会改到%s %02d:%02d，已通知%d位家长；前一天18:00会再提醒。", class, day, hour, minute, parents)
}

func meetingTopicBannedWord(word string) string {
	return fmt.Sprintf("家长会的主题会发给家长，请不要写“%s”这样的词。", word)
}

// inParens is a meeting's topic in brackets after its name, "" for none.
func inParens(topic string) string {
	if topic == "" {
		return ""
	}
	return "（" + topic + "）"
}

func meetingScheduled(class, day string, hour, minute int, topic string, parents int) string {
	return fmt.Sprintf("已安排：%s家长会，%s %02d:%02d%s。\n前一天18:00我会私聊提醒已绑定的%d位家长。", class, day, hour, minute, report.TopicPart(topic), parents)
}

// ---- help and refusals ----

func notJoinedYet() string {
	return "你还没有加入。请向班主任或学校管理员要一个邀请码，然后私聊我发送：/join 邀请码"
}

func onlyWhoMay(who, command string) string {
	return fmt.Sprintf("只有%s可以用 /%s。发送 /help 查看你可以用的命令。", who, command)
}

// onlyWhoMayParent is onlyWhoMay to a parent, who is addressed as 您.
func onlyWhoMayParent(who, command string) string {
	return fmt.Sprintf("只有%s可以用 /%s。发送 /help 查看您可以用的命令。", who, command)
}

func useInAGroup(command string) string {
	return fmt.Sprintf("/%s 要在群里发送。", command)
}

func notInParentGroup(command string) string {
	return fmt.Sprintf("家长群里不谈具体学生的情况，保护孩子的隐私。请私聊我使用 /%s。", command)
}

func usePrivately(command string) string {
	return fmt.Sprintf("请私聊我使用 /%s。", command)
}

func groupNotRegistered() string {
	return "这个群还没有登记。请班主任或学校管理员先发送 /group teacher 初一3班（教师群）或 /group parent 初一3班（家长群）。在登记之前，我不在这里谈学生的情况。"
}

func inviteVoided(code string) string {
	return fmt.Sprintf("邀请码 %s 发到过群里，已经作废。请向老师要一个新的邀请码，私聊我发送。", code)
}

func codesShownVoided(codes string) string {
	return fmt.Sprintf("群里发出的邀请码 %s 已经作废：邀请码只能用一次，发到群里谁都能看到，别人可能先用掉、冒充要加入的那一位。请重新生成，私聊发给本人。", codes)
}

func recalledCommand() string {
	return "撤回的那条我已经处理过了，撤回不会删掉已经记下的内容。要撤销自己最近的一条记录，发 /undo；删除某一条，发 /删除记录 #记录号（/history 里能看到记录号）。"
}

func recalledRelay() string {
	return "您撤回的留言已经转给老师了。如果发错了，可以再发一条跟老师说明。"
}

func parentWordsNotEditable(no uint64) string {
	return fmt.Sprintf("#%d 是家长发来的留言，是家长的原话，不能修改。记到了不该记的地方，可以删除：/删除记录 #%d", no, no)
}

func sentReplyNotEditable(no uint64) string {
	return fmt.Sprintf("#%d 是发给家长的回复，家长已经收到了，不能修改。要补充或更正，请再 /回复 一次。", no)
}

func joinCodeVoided() string {
	return "这个邀请码发到了群里，群里的人都能看到，为了孩子的信息安全，它已经作废。请向老师要一个新的邀请码，然后私聊我发送 /join 新邀请码（不要再发到群里）。"
}

func joinPrivately() string {
	return "邀请码请私聊我发送，不要发在群里（别人可能先用掉）。"
}

func exportPrivately() string {
	return "Excel档案里有学生的类别和沟通内容，不能发到群里。请私聊我发送 /export。"
}

func helpNoSuchCommand(word string) string {
	return fmt.Sprintf("没有这个命令：%s。发送 /help 查看可以用的命令。", word)
}

func helpNotYours(command, who string) string {
	return fmt.Sprintf("/%s 只有%s可以用。", command, who)
}

func helpOne(usage, desc, example string, aliases []string) string {
	al := ""
	if len(aliases) > 0 {
		al = "\n也可以写：/" + strings.Join(aliases, "  /")
	}
	return fmt.Sprintf("%s\n%s\n例如：%s%s", usage, desc, example, al)
}

func countyHelp() string {
	return "县里的汇总（只有人数和次数，没有名字）：\n/county  各校本周情况\n/county 上周  上周周报"
}

func helpNewcomer() string {
	return "你好！我是帮扶助手，帮老师记录学生的辅导、家校沟通和点滴进步。\n先用老师给你的邀请码加入：\n/join 邀请码  例如：/join K7M2QX9A"
}

// helpLine is one command in a list of them.
type helpLine struct{ name, desc, example string }

func helpList(parent bool, lines []helpLine) string {
	var b strings.Builder
	if parent {
		b.WriteString("家长可以用：\n")
	} else {
		b.WriteString("你可以用这些命令（每条一个例子）：\n")
	}
	for _, l := range lines {
		fmt.Fprintf(&b, "%s — %s\n  %s\n", "/"+l.name, l.desc, l.example)
	}
	b.WriteString("发送 /help 命令名 看详细写法，例如 /help log")
	return b.String()
}

// wording is what /help, refusals, the "/" menus and the reference say of a
// command.
type wording struct{ usage, example, desc, who string }

// commandWordings are keyed by the command's English name (table.go): a
// table, one entry per command, in /help order.
func commandWordings() map[string]wording {
	return map[string]wording{
		"log": {
			usage:   "/log <学生> <科目或内容> <时长> [日期] [备注]",
			example: "/log 张三 数学辅导 30分钟",
			desc:    "记录一次辅导；几位学生一起辅导的，名字都写上（/log 张三 李四 数学 40分钟），每人记一条",
			who:     "老师"},
		"contact": {
			usage:   "/contact <学生> <方式> [对象] <内容> [日期]",
			example: "/contact 张三 电话 妈妈 孩子最近作业按时交了，请家里继续督促",
			desc:    "记录一次家校沟通（方式：电话 微信 面谈 家访 家长会 短信 视频）；对象写“本人”是和学生本人谈话，记下来，但不算家长沟通",
			who:     "老师"},
		"praise": {
			usage:   "/praise <学生> <内容>",
			example: "/praise 张三 这周数学作业全对，上课主动举手",
			desc:    "记录一点进步，并告诉已绑定的家长；几位学生一样的进步，名字都写上（/表扬 张三 李四 这周都按时交了作业），每位家长只收到自己孩子的",
			who:     "老师"},
		"comment": {
			usage:   "/comment <学生> <评语>",
			example: "/comment 张三 本学期进步明显，作业越来越认真，希望继续保持",
			desc:    "写本学期的书面评语（再写一次会替换）；只写学生名：看本学期已写的评语；只发 /评语：列出谁的评语还没写",
			who:     "学生的导师和班主任"},
		"undo": {
			usage:   "/undo",
			example: "/undo",
			desc:    "撤销你自己24小时内的最后一条记录",
			who:     "记录过的老师"},
		"edit": {
			usage:   "/edit #<记录号> <改后的内容>",
			example: "/修改 #37 数学辅导 45分钟",
			desc:    "按记录号更正一条记录：写法同原来的命令，不写学生；没写的日期和备注保持原样（沟通记录的方式、对象、内容也是）；班主任改了别的老师记的，会私聊告诉记录人",
			who:     "记录人、班主任和管理员"},
		"delete": {
			usage:   "/delete #<记录号>",
			example: "/删除记录 #37",
			desc:    "按记录号删除一条记录（记录号在 /history 里看）；班主任删了别的老师记的，会私聊告诉记录人",
			who:     "记录人、班主任和管理员"},
		"semester": {
			usage:   "/semester",
			example: "/semester",
			desc:    "本学期的日期、第几周、假期和调休",
			who:     "老师"},
		"semester new": {
			usage:   "/semester new <开学日> <结束日> [假期 <日期或区间>…] [调休 <日期>…]",
			example: "/semester new 2027-02-22 7月2日 假期 4月5日 5月1日-5日 调休 4月25日",
			desc:    "登记下学期（日期写 2027-02-22 或 2月22日，没写年份的按这个学期算；先说一遍，10分钟内加“确认”再发一次才登记；本学期已经结束的，它的评语存档，全校档案表格发给你；还没结束的照常上完，结束后用 /export 上学期 取存档）",
			who:     "管理员"},
		"promote": {
			usage:   "/promote",
			example: "/promote",
			desc:    "学年结束时全校升年级：初一3班→初二3班，毕业年级离校（先说一遍，加“确认”再发一次才升）",
			who:     "管理员"},
		"status": {
			usage:   "/status [班级或学生]",
			example: "/status 初一3班",
			desc:    "看一个班或一个学生的情况（写几位学生的名字，依次看每一位；后面写“上周”看上周：班级的是上周小结，学生的是上周辅导了几次、达没达到约定；写导师的名字，看他/她帮扶的学生这周怎么样）",
			who:     "老师和家长"},
		"mine": {
			usage:   "/mine",
			example: "/mine",
			desc:    "我帮扶的学生和本周、本月要做的事",
			who:     "老师"},
		"history": {
			usage:   "/history <学生> [条数]",
			example: "/history 张三 10",
			desc:    "学生最近的记录（默认10条，最多50条，写“全部”就是50条；全部记录用 /导出）",
			who:     "老师"},
		"digest": {
			usage:   "/digest [班级]",
			example: "/digest 初一3班",
			desc:    "上周（周一到周日）的小结；写“本周”看这周到现在，写“上上周”或某一天（11月16日）看那一周",
			who:     "班主任和学校管理员"},
		"student add": {
			usage:   "/student add <班级> <姓名> [类别…] [重点] [每周N次]",
			example: "/student add 初一3班 张三 留守 学困 重点 每周2次",
			desc:    "把学生加入帮扶名单（类别：贫困 学困 单亲 外来务工 留守 残疾 优越 优秀；写学困生、后进生、随迁子女也行）；同一个班类别相同的几位，名字都写上（/student add 初一3班 王五 赵六 学困），一起加入",
			who:     "班主任（本班）和学校管理员"},
		"student set": {
			usage:   "/student set <学生> [类别…] [重点/非重点] [每周N次]",
			example: "/student set 张三 每周3次",
			desc:    "修改类别、重点或每周辅导次数",
			who:     "班主任（本班）和学校管理员"},
		"student move": {
			usage:   "/student move <学生> <新班级>",
			example: "/student move 张三 初一4班",
			desc:    "学生转到本校另一个班（转班、调班）：记录、计划、监护人和导师都跟着他/她",
			who:     "原班的班主任和学校管理员"},
		"student close": {
			usage:   "/student close <学生> [原因]",
			example: "/student close 张三 已转化",
			desc:    "结束帮扶（记录保留，不再提醒）",
			who:     "班主任（本班）和学校管理员"},
		"student delete": {
			usage:   "/student delete <学生> 确认",
			example: "/student delete 张三 确认",
			desc:    "彻底删除学生和他的全部记录（隐私要求，无法恢复）",
			who:     "学校管理员"},
		"teacher list": {
			usage:   "/teacher list",
			example: "/老师 名单",
			desc:    "已经加入的老师：谁是哪个班的班主任、谁是导师、各帮扶几位学生（指定导师时用得上）",
			who:     "班主任和学校管理员"},
		"teacher remove": {
			usage:   "/teacher remove <老师>",
			example: "/teacher remove 王老师",
			desc:    "老师离职或调走：马上收回权限，列出他/她带的学生请重新指定导师，记录都保留",
			who:     "学校管理员"},
		"parent remove": {
			usage:   "/parent remove <学生> <关系>",
			example: "/parent remove 张三 爸爸",
			desc:    "解除家长和孩子的绑定（换了手机、不再是监护人）；这位家长不再收到这个孩子的消息",
			who:     "学校管理员和班主任"},
		"reply": {
			usage:   "/reply <学生> [对象] <回复>",
			example: "/回复 张三 妈妈 收到，明天我找孩子谈谈，放学后给您回电话",
			desc:    "回复家长私聊发来的留言：只发给这位家长（不写对象就是最近留言的那位），记为一次家校沟通；在微信、Telegram 和企业微信里直接引用那条留言回复也可以，不用写命令",
			who:     "学生的班主任、导师和学校管理员"},
		"done": {
			usage:   "/done #<编号> [方式] [对象] [内容]",
			example: "/完成 #1203 电话 爸爸 说了孩子这周的情况",
			desc:    "记下一件按帮扶节奏要做的事（编号在 /mine 和提醒里）：记为一次家校沟通或家访；私聊里不写 / 直接回“完成 #1203”也行",
			who:     "这件事的负责老师、班主任和学校管理员"},
		"later": {
			usage:   "/later #<编号> <日期>",
			example: "/推迟 #1203 周一",
			desc:    "把一件要做的事推迟到某天（这一期之内），那天之前提醒里先不提；私聊里直接回“推迟 #1203 周一”也行",
			who:     "这件事的负责老师、班主任和学校管理员"},
		"comment draft": {
			usage:   "/comment draft <学生>",
			example: "/评语 草稿 张三",
			desc:    "根据本学期的辅导和进步记录起草评语，每句后面注明出自哪几条记录（#记录号）；不会出现类别和“学困生”之类的字眼",
			who:     "学生的导师和班主任"},
		"comment accept": {
			usage:   "/comment accept <学生>",
			example: "/评语 采用 张三",
			desc:    "把草稿存为本学期的评语（按现在的记录再起草一次，出处随评语保存）；想改就直接 /评语 张三 改好的评语",
			who:     "学生的导师和班主任"},
		"plan": {
			usage:   "/plan [学生] [原因：…] [近期目标：…] [学期目标：…] [措施：…] [复查：日期] [责任：老师]",
			example: planExample,
			desc:    "看或写学生的帮扶计划（每一项前写名称和冒号，可以只写几项）；还没有计划时 /计划 张三 会一问一答地带你写；只写 /计划 列出你负责的学生谁还没有计划、谁本月还没评估",
			who:     "学生的班主任、导师、计划的责任教师和学校管理员"},
		"plan review": {
			usage:   "/plan review <学生> <评估>",
			example: "/评估 张三 这个月作业能按时交了，小测从52分到61分，下个月练计算",
			desc:    "写本月的阶段性评估（每月一次，25日会提醒还没写的）",
			who:     "学生的班主任、导师、计划的责任教师和学校管理员"},
		"plan end": {
			usage:   "/plan end <学生> <结果>",
			example: "/计划 结束 张三 已转化",
			desc:    "结束帮扶计划并写上结果（已转化 好转 转学 …）；帮扶同时结束，和 /student close 是同一件事",
			who:     "班主任（本班）和学校管理员"},
		"guardian": {
			usage:   "/guardian <学生>",
			example: "/监护人 张三",
			desc:    "看学生的监护人：在哪里务工、谁在家照看、电话、是否绑定机器人、本月和本学期和每位沟通了几次，以及以前的监护人",
			who:     "学生的班主任、导师和学校管理员"},
		"guardian add": {
			usage:   "/guardian add <学生> <关系> [姓名] [电话] [在家照看 或 在某地务工]",
			example: guardianExample,
			desc:    "登记一位监护人（外出务工的父母、在家照看的代管家长），从今天算起",
			who:     "学生的班主任、导师和学校管理员"},
		"guardian set": {
			usage:   "/guardian set <学生> <关系> [姓名] [电话] [在家照看 或 在某地务工]",
			example: "/监护人 修改 张三 爸爸 在浙江义乌务工 13900000000",
			desc:    "改监护人的电话、务工地点或是否在家照看",
			who:     "学生的班主任、导师和学校管理员"},
		"guardian remove": {
			usage:   "/guardian remove <学生> <关系>",
			example: "/监护人 移除 张三 奶奶",
			desc:    "从今天起不再是监护人（换了人再登记新的）；登记簿保留以前的监护人和日期",
			who:     "学生的班主任、导师和学校管理员"},
		"students": {
			usage:   "/students [班级]",
			example: "/students 初一3班",
			desc:    "辅导学生名单",
			who:     "班主任和学校管理员"},
		"mentor": {
			usage:   "/mentor <学生> <老师>",
			example: "/mentor 张三 王老师",
			desc:    "指定学生的导师（帮扶责任人）；同一位导师的几位学生可以一行写：/导师 张三 李四 王老师",
			who:     "班主任（本班）和学校管理员"},
		"invite teacher": {
			usage:   "/invite teacher [班级] [班主任]",
			example: "/invite teacher 初一3班 班主任",
			desc:    "生成老师的一次性邀请码（私聊转给本人；发到群里的码会作废）",
			who:     "学校管理员（班主任可邀请本班老师）"},
		"invite parent": {
			usage:   "/invite parent <学生> [关系]",
			example: "/invite parent 张三 妈妈",
			desc:    "生成家长的一次性邀请码（私聊转给本人；发到群里的码会作废）",
			who:     "学生的班主任、导师和学校管理员"},
		"invite admin": {
			usage:   "/invite admin",
			example: "/invite admin",
			desc:    "生成学校管理员的一次性邀请码（私聊转给本人；发到群里的码会作废）",
			who:     "学校管理员"},
		"join": {
			usage:   "/join <邀请码>",
			example: "/join K7M2QX9A",
			desc:    "用邀请码加入（老师）或绑定孩子（家长）",
			who:     "所有人"},
		"group teacher": {
			usage:   "/group teacher [班级]",
			example: "/group teacher 初一3班",
			desc:    "把本群登记为教师群（班主任只能登记本班的；已登记的群要改，先问一句，10分钟内同一个人再发一次并加“确认”才改；家长群只有管理员能改成教师群）",
			who:     "学校管理员和班主任"},
		"group parent": {
			usage:   "/group parent <班级>",
			example: "/group parent 初一3班",
			desc:    "把本群登记为家长群（已登记的群只有原班级的班主任或管理员能改，要“确认”，留有记录）",
			who:     "学校管理员和班主任"},
		"meeting list": {
			usage:   "/meeting list",
			example: "/meeting list",
			desc:    "看接下来的家长会和它们的编号",
			who:     "学校管理员和班主任"},
		"meeting cancel": {
			usage:   "/meeting cancel <编号>",
			example: "/meeting cancel 3",
			desc:    "取消家长会，并告诉已绑定的家长",
			who:     "学校管理员和班主任"},
		"meeting move": {
			usage:   "/meeting move <编号> <日期> <时间>",
			example: "/meeting move 3 12月2日 19:00",
			desc:    "家长会改期，并告诉已绑定的家长",
			who:     "学校管理员和班主任"},
		"meeting": {
			usage:   "/meeting <班级> <日期> <时间> [主题]",
			example: "/meeting 初一3班 11月28日 19:00 期中家长会",
			desc:    "安排家长会，前一天18:00提醒家长",
			who:     "班主任"},
		"export": {
			usage:   "/export [班级]",
			example: "/export 初一3班",
			desc:    "导出Excel帮扶档案（名单、辅导、沟通、进步、评语、统计）；加“上学期”导出上个学期的存档",
			who:     "班主任和学校管理员（档案里有学生的隐私）"},
		"name": {
			usage:   "/name <姓名>",
			example: "/我叫 李红",
			desc:    "改你在机器人里的名字（提醒、名单、家长收到的回复里都用它），以后不再跟着微信或 Telegram 的昵称变；重名的老师用它区分",
			who:     "老师"},
		"mute": {
			usage:   "/mute",
			example: "/mute",
			desc:    "暂停每周的定时消息",
			who:     "家长"},
		"unmute": {
			usage:   "/unmute",
			example: "/unmute",
			desc:    "恢复每周的定时消息",
			who:     "家长"},
		"help": {
			usage:   "/help [命令]",
			example: "/help log",
			desc:    "看看能用哪些命令",
			who:     "所有人"},
	}
}

func subcommandNotYours(base string) string {
	return fmt.Sprintf("你没有使用 /%s 的权限。发送 /help 查看你可以用的命令。", base)
}

// subcommandChoices answers "/student" alone: usage is in name's place.
func subcommandChoices(base string, choices []helpLine) string {
	var b strings.Builder
	fmt.Fprintf(&b, "/%s 后面要写做什么：\n", base)
	for _, c := range choices {
		fmt.Fprintf(&b, "%s  例如：%s\n", c.name, c.example)
	}
	return strings.TrimRight(b.String(), "\n")
}

// ---- the command reference (README.md) ----

func referenceIntro() string {
	return `# 帮扶助手命令参考

<!-- 本文件由 go generate ./commands 从命令表生成，请勿手改；/help 和各平台的“/”菜单用的是同一张表。 -->

在私聊或群里发一行以 ` + "`/`" + ` 开头的命令（全角 ` + "`／`" + ` 也可以）。群里可以先 @机器人；Telegram 上也可以写 ` + "`/log@机器人名`" + `。
每个命令都有英文名和中文写法，中文写法可以和第一个参数连写（` + "`/辅导张三 数学 30分钟`" + `），英文名后面紧跟中文也行（` + "`/log张三 数学 30分钟`" + `，手机切换输入法时常漏掉空格）。

- **学生**写名字；两个在帮扶的学生同名时写上班级：` + "`初一3班张三`" + ` 或 ` + "`张三（初一3班）`" + `。
- **几条命令一起发**：一行一条（比如把今天的辅导记录一次贴进来），每条分别记下、分别回复；不以 / 开头的行算上一条命令的（` + "`/计划 张三`" + ` 下面分行写各项）。一条消息最多30条命令。
- **班级**怎么写都行：` + "`初一3班`、`初一(3)班`、`初一三班`、`七年级3班`、`七(3)班`" + `。
- **时长**：` + "`30分钟`、`30分`、`半小时`、`1小时`、`1.5小时`、`一个半小时`、`45'`、`1h`、`90m`" + `，1到600分钟；一条记录只有一个时长。没有单位的数字（` + "`30`" + `）、带正负号、分数或指数的写法不算时长，会请你改写。
- **日期**（不写就是今天）：` + "`今天`、`昨天`、`前天`、`周三`、`11月20日`、`11-20`、`2026-11-20`" + `，写在时长前后都可以；不能是将来，也不能早于本学期。像日期却看不懂的写法（` + "`周八`、`11-20abc`、`19:00`、`20号`" + `）会请你改写，不会当成备注，也不会当成今天。
- **对象**（沟通的是哪位家人，可以不写）：` + kinChoices + `；认不出的称呼（如 ` + "`表叔`" + `）会先问清楚，不会混进沟通内容。
- 备注、表扬、评语里的中文标点（！：（））照原样保存；看不见的控制字符会被去掉。一条命令最多2000字。
- 家长私聊发来不是命令的话，是给老师的留言：机器人私聊转给孩子的导师和班主任（标明是哪位家长），记为一次家长发起的家校沟通，老师用 ` + "`/回复`" + ` 答复，只发给这位家长；晚上休息时间（21:30—7:30）两边都等到早上再发；绑定了几个孩子的家长在留言前写孩子的名字（` + "`张三：……`" + `）。还没加入的人私聊发来的话会收到一句说明（半小时内只说一次）；老师的闲聊和群里的闲聊，机器人不回，也不转。
- 写错了会收到一句说明和一个正确的例子，什么都不会保存；记错了用 ` + "`/undo`" + ` 撤销自己最后一条。
- **记录号**：每条辅导、沟通、进步、评语存下时都有一个全校唯一的记录号（` + "`#37`" + `），保存的回复和 ` + "`/history`" + ` 里都能看到，以后新记录再多也不会变，删掉的号不会再用。按记录号更正：` + "`/修改 #37 数学辅导 45分钟`" + `（写法和原来的命令一样，不写学生；没写的日期和备注保持原样（沟通记录的方式、对象、内容也是）；只改时长写 ` + "`/修改 #37 45分钟`" + `，只改日期写 ` + "`/修改 #37 昨天`" + `），删除：` + "`/删除记录 #37`" + `。记录人、这个班的班主任和管理员可以改、删，回复里会把改前改后（或删掉的那条）说一遍，每次改动都记入审计日志。进步已经发给家长的，改了不会再发；还在免打扰时段等着发的，会换成改后的话。` + "`/删除 张三`" + ` 不会删学生，会告诉你删除学生档案要用 ` + "`/student delete`" + `。
- 邀请码8位，只能用一次，7天内有效。同一个人（或同一个聊天）错3次后每次要等1分钟，错5次暂停30分钟；全校短时间内错码很多时，这个等待会变严，并告诉管理员；拿着正确邀请码第一次发的人总能绑定。
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
	case famYear:
		return "学期和学年"
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

- 学生的类别（贫困、单亲、留守……）、家庭情况、监护人（务工地点、谁在家照看、电话）、帮扶计划（原因分析、目标、措施、阶段性评估）、辅导备注和家校沟通内容只在私聊里显示，而且只给这个学生的班主任、导师（帮扶计划还有它的责任教师）和学校管理员看；不进任何群，也不给家长看。
- 其他老师（不是这个学生的班主任、导师或学校管理员）只看到名字和次数，看不到类别、辅导备注和沟通内容。
- 教师群里只有名字、次数和待办，没有类别和备注；家长群里不谈任何一个孩子，数据命令会请对方私聊。
- 家长只在私聊里看到自己的孩子：辅导、进步、评语、家长会，用鼓励的话说；“学困生”“后进生”之类的词不会出现在给家长的消息里。
- 家长私聊发来的留言（文字，或语音、图片的提示）只转给孩子的班主任和导师；这个班的老师都还没加入时，转给学校管理员，没人回复的留言也由管理员在 /mine 和第二天早上的提醒里看到。老师的回复只发给这位家长。
- 每一次查看和修改学生档案都记入审计日志（只记编号，不记名字）。
- 县里的管理员只看到各校的人数和次数，看不到任何学生或老师的名字、类别是哪个孩子的、备注和沟通内容。

## 县里（一个部署服务几所学校）

配置里写了 ` + "`schools`" + ` 列表时，一个机器人同时服务几所学校：每所学校的数据、账号、提醒和学期各是各的，一所学校的人看不到别的学校。

| 写法 | 也可以写 | 谁可以用 | 在哪里用 | 做什么 | 例子 |
|---|---|---|---|---|---|
| ` + "`/county [上周]`" + ` | ` + "`/全县` `/县`" + ` | 县里的管理员（config.yaml 的 county.admins） | 私聊任何一所学校的机器人 | 各校本周（写“上周”是上周）帮扶了多少人、各类别多少人、辅导完成/约定次数、没达到约定次数的人数、本月已联系家长的人数，和全县合计；只有数字。每所学校的审计日志都记下县里看过 | ` + "`/county 上周`" + ` |

县里的管理员私聊发 ` + "`/help`" + ` 也会看到这两条。别人发 ` + "`/county`" + ` 会收到自己的账号（如 ` + "`telegram:123456789`" + `），交给县里写进 county.admins。county.digest 设了时间（默认不发），每周把上周周报私聊发给每位县级管理员，经过认识他的第一所学校的机器人发；还没有机器人认识他时，企业微信和 Telegram 的账号直接发（Telegram 要他按过一次“开始”），微信的要他先私聊任何一所学校的机器人发一次 ` + "`/county`" + `。
`
}

// messageGivenUp: permanent says the chat refused it for good, otherwise
// the platform kept failing for about a day.
func messageGivenUp(platform, where, start string, permanent bool) string {
	why := "重试了大约一天都没有成功"
	if permanent {
		why = "机器人可能被移出了群、群已解散或话题已关闭"
	}
	return fmt.Sprintf("有一条发往%s「%s」的消息发不出去，已放弃（%s）。消息开头：%s", platform, where, why, start)
}

// replyLostInRestart stands in for a reply the bot could not send before it
// stopped: journaled with the record, sent after the restart.
func replyLostInRestart(command string) string {
	return "机器人刚才重启了，没来得及回复您的「" + command + "」。这条已记录，不会重复；要核对可以发 /history 或 /status。"
}

// ---- values that did not parse ----

func durationNeedsUnit(text string) string {
	return fmt.Sprintf("“%s”后面请写上单位，比如 %s分钟。", text, text)
}

func badDuration(text string) string {
	return fmt.Sprintf("“%s”不是能用的时长。时长写成 30分钟、半小时、1.5小时。", text)
}

func badDateShape(text string) string {
	return fmt.Sprintf("“%s”看起来像日期，但看不懂。日期写成 11月20日、11-20、周三 或 昨天。", text)
}

func logTwoDates(first, second string) string {
	return fmt.Sprintf("一条记录只能有一个日期（看到“%s”和“%s”）。", clip(first, 12), clip(second, 12))
}

func logTwoDurations(first, second string) string {
	return fmt.Sprintf("一条记录只能有一个时长（看到“%s”和“%s”）。不同的辅导请分开记。", clip(first, 12), clip(second, 12))
}

func messageTooLong(n, limit int) string {
	return fmt.Sprintf("这条消息有%d个字，太长了（一条命令最多%d字）。请分几条发，备注和沟通内容写要点即可。", n, limit)
}

// ---- the school year: /semester /semester new /promote ----

func semesterShown(cal storage.Calendar, t storage.Term, week int, notEnded bool, next *storage.Term, admin bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s：%s 至 %s", report.TermName(t), report.LongDay(cal, t.Start), report.LongDay(cal, t.End))
	switch {
	case week > 0:
		fmt.Fprintf(&b, "，现在是第%d周。", week)
	case notEnded:
		b.WriteString("，还没开学。")
	default:
		b.WriteString("，已经结束。")
	}
	var hol []string
	for _, h := range t.Holidays {
		if h.From.Equal(h.To) {
			hol = append(hol, report.Day(cal, h.From))
		} else {
			hol = append(hol, report.Day(cal, h.From)+"—"+report.Day(cal, h.To))
		}
	}
	if len(hol) > 0 {
		fmt.Fprintf(&b, "\n假期：%s", strings.Join(hol, "、"))
	}
	var makeup []string
	for _, d := range t.MakeupDays {
		makeup = append(makeup, report.Day(cal, d))
	}
	if len(makeup) > 0 {
		fmt.Fprintf(&b, "\n调休上课：%s（按上学日提醒）", strings.Join(makeup, "、"))
	}
	if next != nil {
		fmt.Fprintf(&b, "\n下学期：%s，%s开学。", report.TermName(*next), report.LongDay(cal, next.Start))
	} else if admin {
		b.WriteString("\n下学期的日期定了以后，发 /semester new 开学日 结束日 假期 … 调休 … 告诉我，例如：\n/semester new 2027-02-22 2027-07-02 假期 2027-04-05 2027-05-01..2027-05-05 调休 2027-04-25")
	}
	return b.String()
}

func termNeedsDates() string {
	return "请写上新学期的开学日和结束日（写上年份）。"
}

func termBadDate(tok string) string {
	return fmt.Sprintf("“%s”不是日期，请写成 2027-02-22 或 2月22日 这样（几天连着放假写 5月1日-5日）。", tok)
}

func termEndsBeforeStart() string {
	return "结束日要在开学日之后。"
}

func termTooLong(days int) string {
	return fmt.Sprintf("一个学期最长%d天，请检查结束日。", days)
}

func termHolidayOutside(tok string) string {
	return fmt.Sprintf("假期“%s”不在这个学期里（或开始晚于结束）。区间写成 2027-05-01..2027-05-05。", tok)
}

func termMakeupNotWeekend(day string) string {
	return fmt.Sprintf("%s不是周末：调休上课的日子是要上课的周六或周日。", day)
}

func termMakeupOutside(day string) string {
	return fmt.Sprintf("调休上课的%s不在这个学期里。", day)
}

func termWordUnknown(tok string) string {
	return fmt.Sprintf("不认识“%s”：日期后面先写“假期”或“调休”，再写日期。", tok)
}

func termOverlaps(current, start, end string) string {
	return fmt.Sprintf("新学期不能和%s（%s至%s）重叠：开学日要在本学期结束以后。要改本学期的日期，开学日写 %s。", current, start, end, start)
}

func termLongPast(start string) string {
	return fmt.Sprintf("%s已经过去一个多月了，请检查开学日。", start)
}

func termConfirm(cal storage.Calendar, name string, t storage.Term, correction bool, current, goesOnUntil string, comments int, command string) string {
	var b strings.Builder
	if correction {
		fmt.Fprintf(&b, "要把%s改成：", name)
	} else {
		fmt.Fprintf(&b, "要开始%s：", name)
	}
	fmt.Fprintf(&b, "%s 至 %s，共%d周", report.LongDay(cal, t.Start), report.LongDay(cal, t.End), int(t.End.Sub(t.Start).Hours()/(24*7))+1)
	for _, h := range t.Holidays {
		if h.From.Equal(h.To) {
			fmt.Fprintf(&b, "；假期 %s", report.Day(cal, h.From))
		} else {
			fmt.Fprintf(&b, "；假期 %s—%s", report.Day(cal, h.From), report.Day(cal, h.To))
		}
	}
	for _, d := range t.MakeupDays {
		fmt.Fprintf(&b, "；调休上课 %s", report.Day(cal, d))
	}
	b.WriteString("。")
	switch {
	case correction:
	case goesOnUntil != "":
		fmt.Fprintf(&b, "\n%s照常上到%s，那之前评语照常可以写和改；结束后发 /export 上学期 取它的全校帮扶档案存档。开学后提醒、周报和评语都按新学期算。", current, goesOnUntil)
	default:
		fmt.Fprintf(&b, "\n%s已经结束：它的%d条评语存档（以后不能再改），全校帮扶档案表格发给你；开学后提醒、周报和评语都按新学期算。", current, comments)
	}
	fmt.Fprintf(&b, "\n10分钟内确认请发送：\n%s", command)
	return b.String()
}

func termRegisteredEarly(name, current, until string) string {
	return fmt.Sprintf("已登记%s，开学后提醒、周报和评语都按新学期算。%s照常上到%s，评语照常可以写和改；结束后发 /export 上学期 取它的全校帮扶档案存档。", name, current, until)
}

func exportNoLastTerm() string {
	return "还没有上学期的记录：bangfu 记下的第一个学期就是现在这个。"
}

func termCorrected(name string) string {
	return fmt.Sprintf("已修改%s的日期，提醒马上按新的日期算。", name)
}

func termStarted(name, finished string, comments int, archived bool) string {
	out := fmt.Sprintf("已登记%s，开学后提醒、周报和评语都按新学期算。%s的%d条评语已存档。", name, finished, comments)
	if archived {
		return out + "存档表格马上发给你，请妥善保管。"
	}
	return out + "存档表格没有生成，请稍后用 /export 导出全校档案。"
}

func promoteNoClasses() string {
	return "还没有班级，不用升年级。"
}

func promoteConfirm(plan []promotionLine, inSemester bool) string {
	var b strings.Builder
	b.WriteString("升年级后：")
	for _, l := range plan {
		if l.graduates {
			fmt.Fprintf(&b, "\n· %s 毕业离校（%d名帮扶学生结束帮扶，记录保留）", l.from, l.students)
		} else {
			fmt.Fprintf(&b, "\n· %s → %s（%d名帮扶学生）", l.from, l.to, l.students)
		}
	}
	b.WriteString("\n班主任和老师随班升级；毕业班的班主任不再是班主任。新的起始年级班级，招生后再用 /student add 添加。")
	if inSemester {
		b.WriteString("\n注意：现在还在学期中，升年级一般在学年结束（7月学期结束）以后做。")
	}
	b.WriteString("\n10分钟内确认请发送：/promote 确认")
	return b.String()
}

func promoteReason(year int) string {
	return fmt.Sprintf("%d年毕业", year)
}

func promotedAlready(day string) string {
	return fmt.Sprintf("%s已经升过年级了，同一个学年不能再升一次。", day)
}

func promoted(moved, graduated, closed int, freed []string) string {
	out := fmt.Sprintf("已升年级：%d个班升了一级，%d个班毕业离校（%d名学生结束帮扶，记录保留，导出档案时还在）。", moved, graduated, closed)
	if len(freed) > 0 {
		out += fmt.Sprintf("\n%s不再是班主任；要带新班，请用 /invite teacher 新班级 班主任 重新邀请。", strings.Join(freed, "、"))
	}
	return out
}

func commentArchived(term string) string {
	return fmt.Sprintf("这条评语属于%s，已经存档，不能再改。", term)
}

// ——— 帮扶计划 (/plan) ———

const planExample = "/计划 张三 原因：分数运算不熟，作业拖拉 近期目标：每天按时交作业 学期目标：数学及格 措施：每周二、四午间辅导，作业当面批改 复查：下周五"

func monthLabel(cal storage.Calendar, t time.Time) string {
	return fmt.Sprintf("%d月", t.In(cal.Loc).Month())
}

func planNoLabels() string {
	return "计划的每一项前面写上名称和冒号：原因：… 近期目标：… 学期目标：… 措施：… 复查：日期 责任：老师（可以只写其中几项，以后再补）。"
}

func planUnlabelled(lead string) string {
	return fmt.Sprintf("“%s”前面没有写是哪一项。每一项前面写上名称和冒号，如 原因：… 措施：…", lead)
}

func planEmptyPart(label string) string {
	return fmt.Sprintf("“%s：”后面没有写内容。", label)
}

func planPartTwice(label string) string {
	return fmt.Sprintf("“%s”这一项写了两次，请合成一句。", label)
}

func planPartTooLong(label string, max int) string {
	return fmt.Sprintf("“%s”写短一点（最多%d个字）。", label, max)
}

func planNotYours(student string) string {
	return fmt.Sprintf("%s的帮扶计划只有班主任、导师、计划的责任教师和学校管理员能看和修改。", student)
}

func planBadReviewDate(tok string) string {
	return fmt.Sprintf("复查日期“%s”看不懂，请写成 12月31日、2026-12-31 或 下周五。", tok)
}

func planReviewInPast(tok string) string {
	return fmt.Sprintf("复查日期“%s”不是将来的日子，请写以后的一天。", tok)
}

func planReviewTooFar(tok string) string {
	return fmt.Sprintf("复查日期“%s”在一年以后了；阶段性评估每月一次，复查写一年之内的日子。", tok)
}

func planUnknownTeacher(name string) string {
	return fmt.Sprintf("没有找到叫“%s”的老师。责任教师要先用邀请码加入。", name)
}

func planSaved(created bool, student string) string {
	if created {
		return fmt.Sprintf("已为%s建立帮扶计划。", student)
	}
	return fmt.Sprintf("已更新%s的帮扶计划。", student)
}

func planReviewNeedsText() string {
	return "请写上这个阶段的评估：孩子有什么变化，下一步怎么做。"
}

func planMissing(student, name string) string {
	return fmt.Sprintf("%s还没有在执行的帮扶计划，先写计划：\n/计划 %s 原因：… 措施：…", student, name)
}

func planReviewed(student string, n int, month string) string {
	return fmt.Sprintf("已记下%s%s的阶段性评估（第%d次）。谢谢您的用心！", student, month, n)
}

func planOutcomeMissing() string {
	return "请写上结果：已转化、好转、转学、毕业或其他说明。"
}

func planEndNotYours(class string) string {
	return fmt.Sprintf("只有%s的班主任和学校管理员能结束帮扶计划。", class)
}

func planEnded(student, outcome string, hadPlan bool) string {
	if hadPlan {
		return fmt.Sprintf("%s的帮扶计划已结束（结果：%s），帮扶也一起结束了，不再出现在提醒和待办里。计划和记录都保留着。", student, outcome)
	}
	return fmt.Sprintf("%s没有在执行的帮扶计划；已结束%s的帮扶（%s）。记录都保留着，不会再提醒。", student, student, outcome)
}

func planNoStudents() string {
	return "你还没有负责的学生。班主任用 /mentor 张三 王老师 指定导师后，这里会列出你的学生和他们的帮扶计划。"
}

// planHeadTeacherResponsible: the head teacher answers for a plan of a
// student with no mentor; names is "" while the class has none.
func planHeadTeacherResponsible(names string) string {
	if names == "" {
		return "班主任"
	}
	return names + "（班主任）"
}

// plan states in /plan's list.
const (
	planStateOK = iota
	planStateNone
	planStateReviewOwed
)

type planListLine struct {
	label, name string
	state       int
}

func renderPlanList(lines []planListLine, month string) string {
	var b strings.Builder
	var todo []string
	b.WriteString("你负责的学生和帮扶计划：\n")
	for _, l := range lines {
		switch l.state {
		case planStateNone:
			fmt.Fprintf(&b, "· %s 还没有帮扶计划\n", l.label)
			todo = append(todo, "写"+l.name+"的帮扶计划")
		case planStateReviewOwed:
			fmt.Fprintf(&b, "· %s 计划执行中，%s还没写阶段性评估\n", l.label, month)
			todo = append(todo, "写"+l.name+month+"的阶段性评估")
		default:
			fmt.Fprintf(&b, "· %s 计划执行中 ✓\n", l.label)
		}
	}
	if len(todo) == 0 {
		b.WriteString("计划都写好了，本月的评估也写了，辛苦了！看一个：/计划 " + lines[0].name)
		return b.String()
	}
	fmt.Fprintf(&b, "要做的事：%s\n", strings.Join(todo, "；"))
	for _, l := range lines {
		if l.state == planStateNone {
			b.WriteString("写计划：" + strings.Replace(planExample, "张三", l.name, 1) + "\n")
			break
		}
	}
	for _, l := range lines {
		if l.state == planStateReviewOwed {
			b.WriteString("写评估：/评估 " + l.name + " 这个月作业能按时交了，小测有进步，下个月练计算\n")
			break
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func planNoneClosed(student, reason string) string {
	return fmt.Sprintf("%s没有帮扶计划；帮扶已经结束（%s）。", student, reason)
}

func planNone(student, name string) string {
	return fmt.Sprintf("%s还没有帮扶计划。写一行就行（可以只写其中几项，以后再补）：\n%s",
		student, strings.Replace(planExample, "张三", name, 1))
}

type planReviewView struct{ day, author, text string }

type planView struct {
	label, name, start, responsible    string
	reasons, short, semester, measures string
	review, outcome, ended             string
	owed                               bool
	reviews                            []planReviewView
}

func renderPlanView(v planView) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s的帮扶计划（%s开始，责任教师：%s）\n", v.label, v.start, v.responsible)
	missing := "（还没写）"
	for _, part := range []struct{ label, text string }{
		{"原因分析", v.reasons}, {"近期目标", v.short}, {"学期目标", v.semester}, {"措施", v.measures},
	} {
		fmt.Fprintf(&b, "%s：%s\n", part.label, orDefault(part.text, missing))
	}
	if v.review != "" {
		fmt.Fprintf(&b, "复查：%s\n", v.review)
	}
	if len(v.reviews) > 0 {
		fmt.Fprintf(&b, "阶段性评估（%d次）：\n", len(v.reviews))
		for _, r := range v.reviews {
			fmt.Fprintf(&b, "· %s %s：%s\n", r.day, orDefault(r.author, "老师"), r.text)
		}
	}
	if v.ended != "" {
		fmt.Fprintf(&b, "结果：%s（%s结束）", v.outcome, v.ended)
		return b.String()
	}
	if v.owed {
		fmt.Fprintf(&b, "本月还没写阶段性评估，一句话就行：/评估 %s 这个月……\n", v.name)
	}
	fmt.Fprintf(&b, "改某一项：/计划 %s 措施：…；结束：/计划 结束 %s 已转化", v.name, v.name)
	return b.String()
}

// ——— 监护人 (/guardian) ———

const guardianExample = "/监护人 添加 张三 爸爸 在广东东莞务工 13800000000"

func guardianNotYours(student string) string {
	return fmt.Sprintf("%s的监护人和联系方式只有班主任、导师和学校管理员能看和修改。", student)
}

func guardianListTakesName() string {
	return "看监护人只写学生的姓名，例如 /监护人 张三。"
}

func guardianNeedsRelation() string {
	return "请写上学生和监护人是孩子的谁（爸爸、妈妈、爷爷、奶奶……）。"
}

func guardianUnknownRelation(word string) string {
	return fmt.Sprintf("“%s”不是孩子的哪位家人。监护人写：爸爸 妈妈 爷爷 奶奶 外公 外婆 姑姑 舅舅 叔叔 伯伯 阿姨 姨妈 哥哥 姐姐 等。", word)
}

func guardianBadPhone(word string) string {
	return fmt.Sprintf("“%s”不像电话号码：手机是11位（如 13800000000），座机前面加区号（如 0769-22345678）。", word)
}

func guardianUnknownWord(word string) string {
	return fmt.Sprintf("“%s”看不懂。可以写：姓名、电话（如 13800000000）、在家照看，或 在广东东莞务工。", word)
}

func guardianSetNothing() string {
	return "请写上要改的：新电话、在家照看，或 在哪里务工。"
}

func guardianAlready(student, rel, name string) string {
	return fmt.Sprintf("%s已经登记了%s为监护人。要改电话或务工地点：/监护人 修改 %s %s 13900000000；换人先移除：/监护人 移除 %s %s", student, rel, name, rel, name, rel)
}

func guardianNone(student, rel, name string) string {
	return fmt.Sprintf("%s没有登记%s为监护人。看登记了谁：/监护人 %s", student, rel, name)
}

func guardianAdded(student, rel string, n int, name string) string {
	return fmt.Sprintf("已登记%s为%s的监护人（现在共%d位），从今天算起。家人也可以用自己的邀请码绑定：/invite parent %s %s", rel, student, n, name, rel)
}

func guardianUpdated(student, rel, name string) string {
	return fmt.Sprintf("已更新%s的监护人%s。看全部：/监护人 %s", student, rel, name)
}

func guardianRemoved(student, rel, name string) string {
	return fmt.Sprintf("%s从今天起不再是%s的监护人；登记簿里保留这段时间。换了人请登记新的：/监护人 添加 %s 姑姑 在家照看", rel, student, name)
}

type guardianView struct {
	g                  storage.Guardian
	called             string // the last family call they said they made
	since, until, last string
	lastAt             time.Time
	month, term        int
	bound              bool
}

func renderGuardians(student, name string, views []guardianView) string {
	var b strings.Builder
	var current, past []guardianView
	for _, v := range views {
		if v.g.Current() {
			current = append(current, v)
		} else {
			past = append(past, v)
		}
	}
	if len(current) == 0 {
		fmt.Fprintf(&b, "%s还没有登记监护人。登记：%s\n", student, strings.Replace(guardianExample, "张三", name, 1))
	} else {
		fmt.Fprintf(&b, "%s的监护人（%d位）：\n", student, len(current))
	}
	for _, v := range current {
		g := v.g
		who := g.Relation
		if g.Name != "" {
			who += " " + g.Name
		}
		var facts []string
		switch {
		case g.AtHome:
			facts = append(facts, "在家照看")
		case g.Away && g.Where != "":
			facts = append(facts, "在"+g.Where+"务工")
		case g.Away:
			facts = append(facts, "外出务工")
		}
		if g.Phone != "" {
			facts = append(facts, "电话 "+g.Phone)
		}
		if v.bound {
			facts = append(facts, "已绑定机器人")
		} else {
			facts = append(facts, "未绑定机器人")
		}
		facts = append(facts, v.since+"起")
		contact := fmt.Sprintf("本月沟通%d次，本学期%d次", v.month, v.term)
		if v.last != "" {
			contact += "，最近一次" + v.last
		}
		if v.called != "" {
			contact += "；最近一次给孩子打电话" + v.called
		}
		fmt.Fprintf(&b, "· %s：%s；%s\n", who, strings.Join(facts, "，"), contact)
	}
	if len(past) > 0 {
		b.WriteString("以前的监护人：\n")
		for _, v := range past {
			fmt.Fprintf(&b, "· %s：%s—%s\n", v.g.Relation, v.since, v.until)
		}
	}
	if len(current) > 0 {
		fmt.Fprintf(&b, "改电话或地点：/监护人 修改 %s %s 13900000000；不再是监护人：/监护人 移除 %s %s", name, current[0].g.Relation, name, current[0].g.Relation)
	}
	return strings.TrimRight(b.String(), "\n")
}

// ——— 家长留言 and /reply ———

func relayWho() string { return "已绑定孩子的家长" }

func relayExample() string {
	return "孩子这两天感冒了，作业可能晚交，麻烦老师多关照"
}

func relayEmpty() string {
	return "请把想对老师说的话写在后面，例如：张三：孩子这两天感冒了。"
}

func relayTooLong(max int) string {
	return fmt.Sprintf("留言写短一点（最多%d个字），可以分几条发。", max)
}

// relayNameTheChild follows the children's weeks shown to a parent of
// several who asked how they are: how to write to a child's teachers.
func relayNameTheChild(names string) string {
	return fmt.Sprintf("想对老师说什么，在留言前写上孩子的名字，例如：%s：最近在家作业写得怎么样？", strings.SplitN(names, "、", 2)[0])
}

func relayWhichChild(names string) string {
	return fmt.Sprintf("您绑定了几个孩子（%s）。请在留言前写上是哪个孩子，例如：%s：孩子这两天感冒了。", names, strings.SplitN(names, "、", 2)[0])
}

func relayToTeacher(student, rel, at, text, name, relation string) string {
	reply := "/回复 " + name + " "
	if relation != "" {
		reply += relation + " "
	}
	return fmt.Sprintf("【家长留言】%s的%s（%s）：\n%s\n回复这位家长（只发给他/她）：%s您的回复", student, rel, at, text, reply)
}

// mediaCount is a thing a parent sent that the bot cannot pass on, counted
// as one would say it: 一条语音, 一张图片.
func mediaCount(media string) string {
	switch media {
	case "语音":
		return "一条语音"
	case "图片":
		return "一张图片"
	case "视频":
		return "一段视频"
	}
	return "一个" + media
}

// withMedia is a parent's message as the teachers read it: what was
// written, and what came with it that the bot cannot pass on (the teacher
// then calls back).
func withMedia(text, media string) string {
	if media == "" {
		return text
	}
	return joinLines(text, fmt.Sprintf("（发来%s，机器人转不过来，请给家长回个电话或在这里回复）", mediaCount(media)))
}

// mediaRecord is the same message as the contact keeps it.
func mediaRecord(text, media string) string {
	if media == "" {
		return text
	}
	return joinLines(text, fmt.Sprintf("（%s）", mediaCount(media)))
}

func joinLines(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

func relayAboutWhichChild(children string) string {
	return fmt.Sprintf("（这位家长绑定了%s，没说是哪个孩子的事）", children)
}

func relayMediaPassed(media, name string, teachers []string, held string) string {
	if len(teachers) == 0 {
		return fmt.Sprintf("收到您的%s。%s的班主任和导师还没有加入机器人，暂时转不过去。急事请直接联系班主任。", media, name)
	}
	text := fmt.Sprintf("收到您的%s。我只能转文字，已告诉%s，老师会尽快联系您。方便的话，也可以把要说的话打成文字发给我。", media, enumerate(teachers))
	if held != "" {
		text += fmt.Sprintf("现在是休息时间，老师%s以后会收到。", held)
	}
	return text
}

func relayPassed(name string, teachers []string, held string) string {
	if len(teachers) == 0 {
		return fmt.Sprintf("您的留言已记下，但%s的班主任和导师还没有加入机器人，暂时转不过去。急事请直接联系班主任。", name)
	}
	text := fmt.Sprintf("已转给%s（私聊，只有老师能看到），老师会尽快回复您。", enumerate(teachers))
	if held != "" {
		text += fmt.Sprintf("现在是休息时间，老师%s以后会收到。", held)
	}
	return text
}

func relayStatusHint() string {
	return "想随时看孩子这周和老师一起学习了几次、有哪些进步，可以发 /status。"
}

func replyNeedsAll() string { return "请写上学生和回复的内容。" }

func replyNeedsStudent(waiting string) string {
	return fmt.Sprintf("请先写是哪位学生的家长，再写回复的内容。在等您回复的：%s。", waiting)
}

func replyWhichStudent(word string) string {
	return fmt.Sprintf("帮扶名单里没有叫“%s”的学生：请先写是哪位学生的家长，再写回复的内容。", word)
}

func replyNotYours(student string) string {
	return fmt.Sprintf("只有%s的班主任、导师和学校管理员能回复他/她的家长。", student)
}

func replyNoParent(student, name string) string {
	return fmt.Sprintf("%s还没有家长绑定机器人。请家长绑定：/invite parent %s 妈妈", student, name)
}

func replyNoSuchParent(student, rel, have string) string {
	return fmt.Sprintf("%s的%s没有绑定机器人；已绑定的是：%s。", student, rel, have)
}

func replyWhichParent(name, have string) string {
	return fmt.Sprintf("%s有几位家长绑定了机器人（%s），最近没有人留言。请写上回复谁，例如 /回复 %s 妈妈 ……", name, have, name)
}

func replyUnreachable(name, rel string) string {
	return fmt.Sprintf("%s的%s那边收不到机器人的消息（可能删除或屏蔽了机器人），请电话联系。", name, rel)
}

func replyToParent(teacher, name, text string) string {
	return fmt.Sprintf("%s回复您（关于%s）：\n%s\n有事可以直接在这里给老师留言。", teacher, name, text)
}

func replySent(name, rel, held string) string {
	text := fmt.Sprintf("已回复%s的%s（私聊，只有他/她能看到），记为一次家校沟通。", name, rel)
	if held != "" {
		text += fmt.Sprintf("现在是休息时间，家长%s以后会收到。", held)
	}
	return text
}

// ——— 帮扶节奏：what is owed (/mine, /done, /later) ———

type owedLine struct {
	code       uint64
	name, what string
	period     string
	done, need int
	until      string
	whom       []string
	tutoring   bool
}

// renderOwed lists owed items, one per line with its code, and how to
// answer: in private by a plain reply; from a group, in private (完成 and
// 推迟 are private commands).
func renderOwed(lines []owedLine, private bool) string {
	if len(lines) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("按学校的帮扶节奏，还要做的：\n")
	var example *owedLine
	for i := range lines {
		l := lines[i]
		what := l.what
		if len(l.whom) > 0 {
			what += "（" + strings.Join(l.whom, "、") + "）"
		}
		fmt.Fprintf(&b, "#%d %s：%s%s %d/%d次", l.code, l.name, cadence.PeriodWord(l.period), what, l.done, l.need)
		if l.until != "" {
			fmt.Fprintf(&b, "（推迟到%s）", l.until)
		}
		b.WriteString("\n")
		if example == nil && !l.tutoring {
			example = &lines[i]
		}
	}
	switch {
	case example != nil && private:
		fmt.Fprintf(&b, "做完了回一句：完成 #%d 说了些什么（可以不写）；改天做：推迟 #%d 周一", example.code, example.code)
	case example != nil:
		fmt.Fprintf(&b, "做完了私聊我回一句：完成 #%d 说了些什么（可以不写）；改天做：推迟 #%d 周一", example.code, example.code)
	default:
		fmt.Fprintf(&b, "辅导用 /log %s 数学辅导 30分钟 记下", lines[0].name)
	}
	return b.String()
}

func owedNeedsCode() string {
	return "请写上要做的事的编号（/mine 里 # 后面的数字）。"
}

func owedBadCode(tok string) string {
	return fmt.Sprintf("“%s”不是要做的事的编号。编号在 /mine 和提醒里，# 后面的数字。", tok)
}

func owedNoSuchCode(code uint64) string {
	return fmt.Sprintf("没有 #%d 这件事。发 /mine 看看现在要做的事和它们的编号。", code)
}

func owedNotYours(code uint64) string {
	return fmt.Sprintf("#%d 不是你负责的学生的事。发 /mine 看看你的。", code)
}

func owedTutoringByLog(name string) string {
	return fmt.Sprintf("辅导要记下科目和时长，请用：/log %s 数学辅导 30分钟", name)
}

func owedWhichFamily(code uint64, with string) string {
	who := "外出务工的爸爸或妈妈"
	if with == "home" {
		who = "在家照看孩子的家人"
	}
	return fmt.Sprintf("请写上是和谁沟通的（%s），例如：完成 #%d 电话 爸爸 说了孩子这周的情况。先登记监护人就不用每次写：/监护人 添加 …", who, code)
}

func owedWrongFamily(whom, rule string) string {
	return fmt.Sprintf("和%s的沟通不算“%s”。请写上对的家人，或者用 /contact 记一次普通的家校沟通。", whom, rule)
}

func owedDoneContent(rule string) string { return "按帮扶节奏完成：" + rule }

func owedDone(student, rule, how string) string {
	return fmt.Sprintf("已记下：%s %s ✓（%s，记为一次家校沟通）。", student, rule, how)
}

func owedLaterNeedsDay() string {
	return "请写上推迟到哪天，例如：推迟 #1203 周一 或 /later #1203 12月3日。"
}

func owedLaterNotFuture() string { return "推迟要写以后的一天。" }

func owedLaterDoneAlready(code uint64, student, rule string) string {
	return fmt.Sprintf("#%d（%s：%s）这一期已经做到了，不用推迟。还要做的事发 /mine 看。", code, student, rule)
}

func owedLaterPastPeriod(last string) string {
	return fmt.Sprintf("这件事这一期到%s为止，只能推迟到那天之前；过了那天就算这一期没做到。", last)
}

func owedPutOff(student, rule, day string) string {
	return fmt.Sprintf("好的，%s的“%s”推迟到%s，那天之前提醒里先不提它。", student, rule, day)
}

// ——— 亲情通话 ———

func mineOwedPrivately(n int) string {
	return fmt.Sprintf("另有%d件和学生的类别有关，只在私聊里列出：私聊我发 /mine 看。", n)
}

func mineSilentFamilies(names string) string {
	return "两周没和在外务工的家人通电话：" + names + "（周六会提醒家长；也可以在学校让孩子给家里打一个）"
}

func familyCallKept(names string) string {
	return fmt.Sprintf("好的，记下了：您和%s通了电话。孩子听到家里的声音一定很开心，老师也会知道的。", names)
}

// ——— 评语草稿 ———

func draftNothingYet(student, name string) string {
	return fmt.Sprintf("%s这学期还没有辅导和进步的记录，没法根据记录起草。可以自己写：/评语 %s 本学期……", student, name)
}

func draftWouldReplace(name string) string {
	return fmt.Sprintf("注意：你已经写过%s本学期的评语，采用草稿会替换它（原来的看：/评语 %s）。", name, name)
}

func renderCommentDraft(student, name string, d report.Draft) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s本学期评语的草稿（根据记录写的，每句后面是出处）：\n", student)
	for _, s := range d {
		b.WriteString(s.Text)
		if len(s.Sources) == 0 {
			b.WriteString("【固定的鼓励语】\n")
			continue
		}
		var nos []string
		for i, no := range s.Sources {
			if i == 8 {
				nos = append(nos, fmt.Sprintf("等%d条", len(s.Sources)))
				break
			}
			nos = append(nos, fmt.Sprintf("#%d", no))
		}
		fmt.Fprintf(&b, "【%s】\n", strings.Join(nos, " "))
	}
	fmt.Fprintf(&b, "满意就回：/评语 采用 %s；想改就照着改好发：/评语 %s 改好的评语", name, name)
	return b.String()
}

// ——— 帮扶计划：问答着写 ———

func planAnswerWho() string { return "老师" }

func planStepLabel(field string) string {
	switch field {
	case "reasons":
		return "原因分析"
	case "short":
		return "近期目标"
	case "semester":
		return "学期目标"
	case "review":
		return "复查"
	}
	return "措施"
}

func planAskFirst(student, name string) string {
	return fmt.Sprintf("也可以一问一答地写：先说说%s为什么需要帮扶（知识基础、学习习惯、家庭、心理……），直接回复这句话就行。不想写的一项回“跳过”，不写了回“算了”。", name)
}

// planAskNext asks for field, after an answer saved or a part skipped.
func planAskNext(field string, skipped bool) string {
	lead := "记下了。"
	if skipped {
		lead = "好，这一项先空着。"
	}
	switch field {
	case "short":
		return lead + "近期（这个月）的目标是什么？要跳一跳能摘到的，例如：每天按时交作业。"
	case "semester":
		return lead + "这学期的目标呢？例如：数学及格。"
	case "review":
		return lead + "什么时候复查一下执行得怎么样？写一个日子，例如：下周五、12月31日。"
	}
	return lead + "打算怎么帮？例如：每周二、四午间辅导，作业当面批改。"
}

func planAskReviewExample() string { return "下周五" }

func planAskDone(student string) string {
	return fmt.Sprintf("好了，%s的帮扶计划写好了：", student)
}

func planAskStopped(name string) string {
	return fmt.Sprintf("好的，先不写了。写好的几项已经保存；以后可以用 /计划 %s 措施：… 补上。", name)
}
