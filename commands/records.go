package commands

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"bangfu/commands/report"
	"bangfu/storage"
)

// studentArg reads the student at the start of the arguments and returns the
// index of the next argument. "初一3班 张三" (two fields) is accepted too.
func studentArg(a args) (string, int) {
	if a.len() >= 2 {
		if _, ok := parseClass(a.at(0)); ok {
			return a.at(0) + a.at(1), 2
		}
	}
	return a.at(0), 1
}

// oneStudentOnly refuses a line of a command that is one child's (the
// spec's oneStudent) written for several at once: read as one student's,
// the second name became its content (/评语 张三 李四 都不错 shown to 张三's
// parents, /评估 张三 李四 … in 张三's review) or its reason (/student
// close 张三 李四 已转化 left 李四 open). The reply gives each line to send.
func (h *Handler) oneStudentOnly(r *req) error {
	names, rest, several := h.studentsOf(r)
	if !several {
		return nil
	}
	lines := make([]string, 0, len(names))
	for _, n := range names {
		lines = append(lines, strings.TrimSpace("/"+r.command()+" "+n+" "+rest))
	}
	return refuse(oneStudentALine("/"+r.command(), lines, oneStudentRecords[r.spec.name]))
}

// oneStudentRecords are the one-child commands that write a record (the
// others act on the student).
var oneStudentRecords = map[string]bool{"contact": true, "comment": true, "plan": true, "plan review": true}

// severalStudents reads the students a line starts with when it names more
// than one (张三 李四 …, 张三、李四 …, 张三 和 李四 …): the names, each once,
// the rest of the line, and whether more than one name was written.
func (h *Handler) severalStudents(r *req, a args) (names []string, rest string, several bool) {
	if a.len() == 0 {
		return nil, "", false
	}
	ref, i := studentArg(a)
	first := strings.FieldsFunc(ref, isNameSeparator)
	switch {
	case len(first) == 0:
		return nil, "", false
	case len(first) >= 2 && (!h.anyStudent(r, first) || h.isStudent(r, ref)):
		// No run of names: 王和平 on the register is one student. A run
		// with one name not on the register (张三、李四、王六) stays a run,
		// so that the reply names that one, not the whole run.
		first = []string{ref}
	}
	names = slices.Compact(first)
	j := i
	for ; j < a.len(); j++ {
		tok := a.at(j)
		if joinWords[tok] {
			continue
		}
		parts := strings.FieldsFunc(tok, isNameSeparator) // 、李四
		if len(parts) == 0 || !h.allStudents(r, parts) {
			break
		}
		for _, p := range parts {
			if !slices.Contains(names, p) { // 张三 张三: written twice, one student
				names = append(names, p)
			}
		}
	}
	// Several were written (or one, with a separator or twice: 张三、 …).
	return names, a.from(j), j > i || len(first) >= 2 || first[0] != ref
}

// isNameSeparator separates students' names written together: 张三、李四.
func isNameSeparator(c rune) bool { return strings.ContainsRune("、，,/和与跟及", c) }

// studentsOf reads the students a record's line starts with: several
// (names, the rest of the line, true), or one, with a name written twice
// dropped from r.args.
func (h *Handler) studentsOf(r *req) ([]string, string, bool) {
	h.studentToFront(r)
	names, rest, many := h.severalStudents(r, r.args)
	if many && len(names) == 1 {
		r.args = newArgs(names[0] + " " + rest)
	}
	return names, rest, many && len(names) > 1
}

// joinSpacedName reads a name with a space after its surname (张 三, as
// some keyboards leave it) when the two parts make a supported student's
// name and the first alone is none: the second part was read as the rest
// of the line (“三”不是能用的时长).
func (h *Handler) joinSpacedName(r *req) {
	a := r.args
	first, second := []rune(a.at(0)), []rune(a.at(1))
	if len(first) != 1 || len(second) < 1 || len(second) > 2 || !unicode.Is(unicode.Han, first[0]) || h.isStudent(r, a.at(0)) {
		return
	}
	if joined := a.at(0) + a.at(1); h.isStudent(r, joined) {
		r.args = newArgs(joined + " " + a.from(2))
	}
}

// studentToFront reads a record's line whose student is not written
// first: 张三：这周作业全对 (a colon after the name), /log 昨天 张三 数学
// 30分钟 (the day first), /log 数学 张三 30分钟 (the subject first),
// /contact 昨天 张三 电话 妈妈 … (the day goes last, where /contact reads
// it). Only words that are plainly no name are moved: a day, a duration
// or a subject; a name the register lacks stays first and is refused.
func (h *Handler) studentToFront(r *req) {
	a := r.args
	first := a.at(0)
	if first == "" || h.isStudent(r, first) {
		return
	}
	for _, colon := range []string{"：", ":"} {
		if name, rest, ok := strings.Cut(first, colon); ok && h.isStudent(r, name) {
			r.args = newArgs(name + " " + rest + " " + a.from(1))
			return
		}
	}
	plainlyNoName := func(tok string) bool {
		if parseDay(tok, r.now, h.Cal, false).isDate {
			return true
		}
		_, isDuration := parseDuration(tok)
		return r.spec.name == "log" && (isDuration || startsWithAny(tok, subjectWords))
	}
	for k := 1; k <= 2 && k < a.len(); k++ {
		if !plainlyNoName(a.at(k - 1)) {
			return
		}
		if h.isStudent(r, a.at(k)) {
			moved, rest := a.between(0, k), a.from(k+1)
			if r.spec.name == "log" {
				r.args = newArgs(a.at(k) + " " + moved + " " + rest)
			} else {
				r.args = newArgs(a.at(k) + " " + rest + " " + moved)
			}
			return
		}
	}
}

// studentLeftOut refuses a record's line that starts with what comes after
// a student (a day, a duration, a subject; a contact's way or whom): the
// student was left out, and reading the first word as a name gave a wrong
// answer (没有叫周一的学生, 请写上沟通方式).
func (h *Handler) studentLeftOut(r *req) error {
	first := r.args.at(0)
	if first == "" || h.isStudent(r, first) {
		return nil
	}
	_, isDuration := parseDuration(first)
	_, isMethod := contactMethods[first]
	_, isWhom := contactWhomOf(first)
	left := parseDay(first, r.now, h.Cal, false).isDate || isDuration
	switch r.spec.name {
	case "log":
		left = left || startsWithAny(first, subjectWords)
	case "contact":
		left = left || isMethod || isWhom
	}
	if !left {
		return nil
	}
	if r.private { // in a group the line's note or content is not echoed
		r.example = "/" + r.command() + " 张三 " + r.args.src
	}
	return r.usage(recordNeedsStudentFirst())
}

// joinWords join two students' names: 张三 和 李四.
var joinWords = map[string]bool{"和": true, "与": true, "跟": true, "及": true, "、": true, "，": true, ",": true}

// studentsNamed is Store.StudentsNamed, remembered for the message being
// handled (r; nil: not remembered).
func (h *Handler) studentsNamed(r *req, name string) ([]storage.Student, error) {
	if r == nil {
		return h.Store.StudentsNamed(name)
	}
	if sts, ok := r.named[name]; ok {
		return sts, nil
	}
	sts, err := h.Store.StudentsNamed(name)
	// 张三同学, as teachers often write a name: the student, when no
	// student is called so.
	if base, ok := strings.CutSuffix(name, "同学"); ok && err == nil && len(sts) == 0 && utf8.RuneCountInString(base) >= 2 {
		sts, err = h.Store.StudentsNamed(base)
	}
	if err == nil {
		if r.named == nil {
			r.named = map[string][]storage.Student{}
		}
		r.named[name] = sts
	}
	return sts, err
}

// isStudent: does name name a supported student (exactly; a class name
// is none)?
func (h *Handler) isStudent(r *req, name string) bool {
	if _, isClass := parseClass(name); isClass {
		return false
	}
	sts, err := h.studentsNamed(r, name)
	return err == nil && len(sts) > 0
}

// anyStudent: does one of names name a supported student?
func (h *Handler) anyStudent(r *req, names []string) bool {
	return slices.ContainsFunc(names, func(n string) bool { return h.isStudent(r, n) })
}

// allStudents: does each of names name a supported student?
func (h *Handler) allStudents(r *req, names []string) bool {
	return !slices.ContainsFunc(names, func(n string) bool { return !h.isStudent(r, n) })
}

// misspeltCompanion refuses a /log whose first word after the students
// is a name one character off a supported student's (/log 张三 李五 数学,
// 李四 meant): read as the subject, it would store 张三's session with
// "李五" in it and leave 李四 without his.
func (h *Handler) misspeltCompanion(r *req, names []string, rest string) error {
	tok, meant, err := h.misspeltName(r, names, rest)
	if err != nil || len(meant) == 0 {
		return err
	}
	// The example is the line as meant, its note kept out of a group.
	after := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), tok))
	one := *r
	one.args = newArgs(names[0] + " " + after)
	if in, err := h.parseLog(&one); err != nil {
		after = logExampleRest("数学", 30)
	} else if !r.private || in.note == "" {
		after = logExampleRest(in.subject, in.minutes)
	}
	r.example = "/log " + strings.Join(names, " ") + " " + meant[0] + " " + after
	return r.usage(logMisspeltCompanion(tok, strings.Join(meant, "、"), strings.Join(names, " ")))
}

// misspeltPraiseCompanion is misspeltCompanion for a praise, whose text
// would reach 张三's family with the other child's misspelt name in it.
func (h *Handler) misspeltPraiseCompanion(r *req, names []string, text string) error {
	tok, meant, err := h.misspeltName(r, names, text)
	if err != nil || len(meant) == 0 {
		return err
	}
	r.example = "/表扬 " + strings.Join(names, " ") + " " + meant[0] + " " + strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), tok))
	return r.usage(praiseMisspeltCompanion(tok, strings.Join(meant, "、")))
}

// misspeltName reads the first word of rest as a misspelt student's name:
// two to four Chinese characters starting with a common surname, not a
// subject (数学, 背诵) or a day (周一), no student's name, and one
// character off the names of up to three supported students (meant) not
// already named.
func (h *Handler) misspeltName(r *req, names []string, rest string) (tok string, meant []string, err error) {
	tok, _, _ = strings.Cut(strings.TrimSpace(rest), " ")
	runes := []rune(tok)
	if len(names) == 0 || len(runes) < 2 || len(runes) > 4 || !commonSurname(runes[0]) || startsWithAny(tok, subjectWords) {
		return tok, nil, nil
	}
	if _, isDuration := parseDuration(tok); isDuration || parseDay(tok, r.now, h.Cal, false).isDate {
		return tok, nil, nil // 周一, 周二下午
	}
	for _, c := range runes {
		if !unicode.Is(unicode.Han, c) {
			return tok, nil, nil
		}
	}
	if h.isStudent(r, tok) {
		return tok, nil, nil
	}
	all, err := h.Store.AllStudents()
	if err != nil {
		return tok, nil, err
	}
	for _, st := range all {
		if len(meant) < 3 && !st.Closed && !slices.Contains(meant, st.Name) && !slices.Contains(names, st.Name) && oneRuneOff([]rune(st.Name), runes) {
			meant = append(meant, st.Name)
		}
	}
	return tok, meant, nil
}

// oneRuneOff: the same length, one character different.
func oneRuneOff(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	diff := 0
	for i := range a {
		if a[i] != b[i] {
			diff++
		}
	}
	return diff == 1
}

// commonSurname: is c one of the surnames most Chinese people carry?
func commonSurname(c rune) bool { return strings.ContainsRune(commonSurnames, c) }

// commonSurnames: the most common surnames, less those that also start
// the words of a tutoring's line (单词, 方程, 古诗, 温习, 高一, 毕业).
const commonSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范廖贾夏韦付白邹孟熊秦邱尹薛闫雷侯陶黎贺顾郝龚邵钱严覃武戴莫孔汤康施樊葛邢乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳祝尚符舒阮柯梅童凌季裴霍涂苗盛曲翁冉骆蓝辛靳管柴蒙鲍华喻祁蒲房滕屈饶牟艾尤阳穆农司卓吉缪简项芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池苑迟邝"

// unglued reads a student's name glued to what follows it (/log
// 张三数学30分钟: a phone keyboard's missing space) when the first argument
// is nobody's name, starts with a supported student's, and the rest reads
// as what the command expects next (fits). Otherwise a is kept and the
// name refused as before: a name the register lacks (张三丰) is never
// taken for a shorter one it has (张三) unless what follows makes it plain.
func (h *Handler) unglued(r *req, a args, fits func(rest string) bool) args {
	first := a.at(0)
	if _, isClass := parseClass(first); isClass || first == "" {
		return a
	}
	if sts, err := h.studentsNamed(r, first); err != nil || len(sts) > 0 {
		return a
	}
	runes := []rune(first)
	for n := min(len(runes)-1, 4); n >= 2; n-- {
		name, rest := string(runes[:n]), string(runes[n:])
		if !fits(rest) {
			continue
		}
		if sts, err := h.studentsNamed(r, name); err == nil && len(sts) > 0 {
			return newArgs(name + " " + rest + " " + a.from(1))
		}
	}
	return a
}

// subjectWords start a tutoring's subject: what may follow a glued name.
var subjectWords = map[string]bool{
	"语文": true, "数学": true, "英语": true, "物理": true, "化学": true, "生物": true, "历史": true, "地理": true,
	"政治": true, "道法": true, "道德与法治": true, "科学": true, "信息": true, "音乐": true, "美术": true, "体育": true,
	"作业": true, "阅读": true, "作文": true, "写作": true, "口算": true, "计算": true, "听写": true, "背诵": true,
	"订正": true, "复习": true, "预习": true, "心理": true, "谈心": true, "辅导": true,
}

func startsWithAny[V any](s string, words map[string]V) bool {
	for w := range words {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// splitMethodWhom reads a contact's way glued to whom (电话妈妈).
func splitMethodWhom(tok string) (string, string, bool) {
	if _, ok := contactMethods[tok]; ok {
		return "", "", false
	}
	for m := range contactMethods {
		if w, ok := strings.CutPrefix(tok, m); ok {
			if _, ok := contactWhomOf(w); ok {
				return m, w, true
			}
		}
	}
	return "", "", false
}

// checkRecordDay refuses future days and days before the semester.
func (h *Handler) checkRecordDay(r *req, d dateResult, tok string) (time.Time, error) {
	if d.invalid != "" {
		return time.Time{}, r.usage(badDate(tok, d.invalid))
	}
	today := h.Cal.Day(r.now)
	if d.day.After(today) {
		return time.Time{}, r.usage(futureDay(report.Day(h.Cal, d.day)))
	}
	if start := h.Cal.TermAt(r.now).Start; d.day.Before(start) {
		if !d.ahead.IsZero() {
			// 12月5日 written on 30 November is the 5th to come, not
			// last year's: it is refused as a day still to come.
			return time.Time{}, r.usage(futureDay(report.Day(h.Cal, d.ahead)))
		}
		return time.Time{}, r.usage(beforeSemester(report.Day(h.Cal, d.day), report.Day(h.Cal, start)))
	}
	return d.day, nil
}

// at places a record on its day: now for today, the same clock time on an earlier day.
func (h *Handler) at(r *req, day time.Time) time.Time {
	today := h.Cal.Day(r.now)
	if day.Equal(today) {
		return r.now
	}
	return day.Add(r.now.Sub(today))
}

// refuseWholeClass answers a record written for a class or for 全班: each
// record is one student's (a class name then a subject read as a student
// 初一3班数学 with no subject).
func (h *Handler) refuseWholeClass(r *req) error {
	first := r.args.at(0)
	_, isClass := parseClass(first)
	if !isClass && !wholeClassWords[first] {
		return nil
	}
	if next := r.args.at(1); isClass && (h.isStudent(r, next) || nameShaped(next)) {
		return nil // 初一3班 张三: the class, then the student (or a name to refuse as such)
	}
	return refuse(recordForWholeClass(r.command()))
}

// wholeClassWords name everyone at once.
var wholeClassWords = map[string]bool{"全班": true, "全体": true, "大家": true, "全班同学": true, "所有人": true}

func (h *Handler) log(r *req) (string, error) {
	if err := h.refuseWholeClass(r); err != nil {
		return "", err
	}
	names, rest, several := h.studentsOf(r)
	if err := h.studentLeftOut(r); err != nil {
		return "", err
	}
	if !several {
		_, i := studentArg(r.args)
		rest = r.args.from(i)
	}
	if err := h.misspeltCompanion(r, names, rest); err != nil {
		return "", err
	}
	if several {
		return h.logTogether(r, names, rest)
	}
	in, err := h.parseLog(r)
	if err != nil {
		return "", err
	}
	f, err := h.resolveStudent(r, in.student, true)
	if err != nil {
		return "", err
	}
	thisWeek, itsWeek := report.Week(h.Cal, r.now), report.Week(h.Cal, in.day)
	// This week is counted a second time only for a session of an earlier
	// week: each count is a read inside the write, on every /log.
	weeks := []storage.Range{itsWeek}
	if !itsWeek.From.Equal(thisWeek.From) {
		weeks = append(weeks, thisWeek)
	}
	before, ago := h.earlier(r)
	se, counts, err := h.Store.AddSession(r.meta, storage.Session{StudentID: f.st.ID, Subject: in.subject, Minutes: in.minutes, At: h.at(r, in.day), Note: in.note}, weeks...)
	if err != nil {
		return "", err
	}
	h.remember(r, se.No)
	saved := sessionSaved{student: f.label(), subject: se.Subject, minutes: se.Minutes, day: report.Day(h.Cal, in.day),
		count: counts[0], target: f.st.WeeklyTarget, note: in.note, showNote: r.private}
	if !itsWeek.From.Equal(thisWeek.From) {
		saved.otherWeek = report.WeekLabel(itsWeek.From)
		saved.thisWeekCount = counts[1]
	}
	saved.no = se.No
	return logSaved(saved) + repeatedIf(before, ago), nil
}

// repeatedIf is the warning of a line sent twice, when it was.
func repeatedIf(before []uint64, ago time.Duration) string {
	if len(before) == 0 {
		return ""
	}
	return repeatedLine(before, ago)
}

// logTogether records one session for each of several students tutored
// together (/log 张三 李四 数学 40分钟): the line is read as for one
// student, each name must be a supported student the teacher may record
// for, and the sessions are stored in one write, all or none.
func (h *Handler) logTogether(r *req, names []string, rest string) (string, error) {
	one := *r
	one.args = newArgs(names[0] + " " + rest)
	in, err := h.parseLog(&one)
	if err != nil {
		return "", err
	}
	fs, err := h.resolveStudents(r, names, true)
	if err != nil {
		return "", err
	}
	thisWeek, itsWeek := report.Week(h.Cal, r.now), report.Week(h.Cal, in.day)
	weeks := []storage.Range{itsWeek}
	ses := make([]storage.Session, 0, len(fs))
	for _, f := range fs {
		ses = append(ses, storage.Session{StudentID: f.st.ID, Subject: in.subject, Minutes: in.minutes, At: h.at(r, in.day), Note: in.note})
	}
	before, ago := h.earlier(r)
	saved, counts, err := h.Store.AddSessions(r.meta, ses, weeks...)
	if err != nil {
		return "", err
	}
	nos := make([]uint64, len(saved))
	for i, se := range saved {
		nos[i] = se.No
	}
	h.remember(r, nos...)
	t := togetherSaved{subject: in.subject, minutes: in.minutes, day: report.Day(h.Cal, in.day), note: in.note, showNote: r.private}
	if !itsWeek.From.Equal(thisWeek.From) {
		t.otherWeek = report.WeekLabel(itsWeek.From)
	}
	for i, f := range fs {
		t.students = append(t.students, togetherStudent{label: f.label(), count: counts[i][0], target: f.st.WeeklyTarget, no: saved[i].No})
	}
	return logTogetherSaved(t) + repeatedIf(before, ago), nil
}

// logInput is a /log line read into its parts.
type logInput struct {
	student, subject, note string
	minutes                int
	day                    time.Time
	dayGiven               bool
}

// parseLog reads /log <学生> <科目或内容> <时长> [日期] [备注]. The duration
// is the first field that reads as one; the subject comes before it (or
// right after it, for "/log 张三 30分钟 数学"); a date may come before the
// duration or right after it. A field shaped like a number or a date that
// does not read as one is refused: it never becomes a subject, a note or
// "today".
func (h *Handler) parseLog(r *req) (logInput, error) {
	a := h.unglued(r, r.args, func(rest string) bool {
		_, isDuration := parseDuration(rest)
		return isDuration || startsWithAny(rest, subjectWords)
	})
	if a.len() == 0 {
		return logInput{}, r.usage(logNeedsAll())
	}
	ref, i := studentArg(a)
	in := logInput{student: ref, day: h.Cal.Day(r.now)}
	var subject []string
	durAt, dateAt := -1, -1
	for j := i; j < a.len() && durAt < 0; j++ {
		tok := a.at(j)
		if m, ok := parseDuration(tok); ok {
			durAt, in.minutes = j, m
		} else if subj, m, ok := splitGluedDuration(tok); ok { // 数学30分钟
			durAt, in.minutes = j, m
			subject = append(subject, subj)
		} else if subj, m, ok := splitLeadingDuration(tok); ok && len(subject) == 0 { // 30分钟数学
			durAt, in.minutes = j, m
			subject = append(subject, subj)
		} else if d := parseDay(tok, r.now, h.Cal, false); d.isDate && dateAt < 0 {
			if err := h.takeRecordDay(r, d, tok, &in.day); err != nil {
				return in, err
			}
			dateAt, in.dayGiven = j, true
		} else if err := refuseShaped(r, tok); err != nil {
			return in, err
		} else {
			subject = append(subject, tok)
		}
	}
	switch {
	case durAt < 0 && len(subject) == 0:
		return in, r.usage(logNeedsSubjectAndTime())
	case durAt < 0:
		for _, tok := range subject {
			if isClassPeriods(tok) {
				return in, r.usage(logPeriodsNotMinutes(tok))
			}
		}
		return in, r.usage(logNoDuration())
	case in.minutes < 1 || in.minutes > 600:
		return in, r.usage(logDurationOutOfRange(a.at(durAt)))
	}
	next := durAt + 1
	if len(subject) == 0 && next < a.len() {
		tok := a.at(next)
		if d := parseDay(tok, r.now, h.Cal, false); !d.isDate {
			if err := refuseShaped(r, tok); err != nil {
				return in, err
			}
			subject, next = append(subject, tok), next+1
		}
	}
	if in.subject = strings.Join(subject, " "); in.subject == "" {
		return in, r.usage(logNeedsSubject())
	}
	if runeLen(in.subject) > 30 {
		return in, r.usage(logSubjectTooLong())
	}
	if next < a.len() {
		tok := a.at(next)
		if d := parseDay(tok, r.now, h.Cal, false); d.isDate {
			if dateAt >= 0 {
				return in, r.usage(logTwoDates(a.at(dateAt), tok))
			}
			if err := h.takeRecordDay(r, d, tok, &in.day); err != nil {
				return in, err
			}
			in.dayGiven = true
			next++
		} else if dateShaped(tok) {
			return in, r.usage(badDateShape(clip(tok, 16)))
		}
	}
	for j := next; j < a.len(); j++ {
		// In the note, 85分 is a mark (小测 85分), not a second duration.
		if _, ok := parseDuration(a.at(j)); ok && !isMark(a.at(j)) {
			return in, r.usage(logTwoDurations(a.at(durAt), a.at(j)))
		}
	}
	if in.note = a.from(next); runeLen(in.note) > 300 {
		return in, r.usage(noteTooLong())
	}
	return in, nil
}

// isClassPeriods: 一节课, 两节, 2课时 — a length schools differ on (40 or
// 45 minutes), so it is asked for in minutes.
func isClassPeriods(tok string) bool {
	for _, unit := range []string{"节课", "节", "课时"} {
		if n, ok := strings.CutSuffix(tok, unit); ok && n != "" {
			return isNumberField(n) || strings.Trim(n, "一两二三四五六七八九十半个") == ""
		}
	}
	return false
}

// isMark: a number of 分 alone, which after a duration is a test's mark.
func isMark(tok string) bool {
	n, ok := strings.CutSuffix(tok, "分")
	return ok && isNumberField(n)
}

// takeRecordDay checks a day given for a record and keeps it.
func (h *Handler) takeRecordDay(r *req, d dateResult, tok string, day *time.Time) error {
	got, err := h.checkRecordDay(r, d, tok)
	if err == nil {
		*day = got
	}
	return err
}

// refuseShaped refuses a field in the place of a subject that is written as
// a number or a date: a duration without its unit, with a sign, a fraction
// or an exponent, or a date that did not read.
func refuseShaped(r *req, tok string) error {
	switch {
	case isClassPeriods(tok):
		return r.usage(logPeriodsNotMinutes(tok))
	case isDigits(tok) && len(tok) <= 3:
		return r.usage(durationNeedsUnit(tok))
	case numberShaped(tok):
		return r.usage(badDuration(clip(tok, 16)))
	case dateShaped(tok):
		return r.usage(badDateShape(clip(tok, 16)))
	}
	return nil
}

// gluedDurationMax bounds the duration part of "数学30分钟": the longest
// written duration (一个半小时三十分钟) is shorter, and the bound keeps a
// long field linear.
const gluedDurationMax = 40

// splitGluedDuration splits "数学30分钟" into "数学" and 30. The part
// before must be words: "1e2分钟", "1/2小时" or "五分之一小时" are not a
// subject and a duration.
// splitLeadingDuration reads a duration glued to the subject after it
// (30分钟数学, 半小时英语): the longest start that is a duration, followed
// by Chinese words.
func splitLeadingDuration(tok string) (string, int, bool) {
	for i := len(tok) - 1; i > 0; i-- {
		if !utf8.RuneStart(tok[i]) {
			continue
		}
		m, ok := parseDuration(tok[:i])
		if !ok {
			continue
		}
		rest := tok[i:]
		first, _ := utf8.DecodeRuneInString(rest)
		// 五分之一小时 is no 5 minutes of 之一小时: what follows holds no
		// number or unit of time.
		if !unicode.Is(unicode.Han, first) || strings.ContainsAny(rest, "0123456789分钟小时刻半") || strings.ContainsRune("之点零〇一二两三四五六七八九十百个", first) {
			return "", 0, false
		}
		return rest, m, true
	}
	return "", 0, false
}

func splitGluedDuration(tok string) (string, int, bool) {
	from := len(tok) - gluedDurationMax
	for i := range tok {
		if i == 0 || i < from {
			continue
		}
		m, ok := parseDuration(tok[i:])
		if !ok {
			continue
		}
		subj := tok[:i]
		last, _ := utf8.DecodeLastRuneInString(subj)
		if strings.ContainsAny(subj, "0123456789") || strings.ContainsRune("+-±./^eE之点分零〇一二两三四五六七八九十百个半", last) {
			return "", 0, false
		}
		return subj, m, true
	}
	return "", 0, false
}

var contactMethods = map[string]string{
	"电话": "电话", "打电话": "电话", "通话": "电话", "电联": "电话", "电话沟通": "电话", "电话联系": "电话", "电话家访": "电话",
	"微信": "微信", "微信语音": "微信", "语音": "微信", "微信沟通": "微信", "微信联系": "微信", "微信留言": "微信",
	"面谈": "面谈", "当面": "面谈", "面聊": "面谈", "约谈": "面谈", "当面沟通": "面谈", "面对面": "面谈", "来校": "面谈",
	"家访": "家访", "上门": "家访", "上门家访": "家访", "入户家访": "家访", "实地家访": "家访",
	"家长会": "家长会",
	"短信":  "短信",
	"视频":  "视频", "视频通话": "视频", "视频聊天": "视频",
}

var contactWhom = map[string]string{
	"爸爸": "爸爸", "父亲": "爸爸", "妈妈": "妈妈", "母亲": "妈妈",
	"爷爷": "爷爷", "奶奶": "奶奶", "外公": "外公", "姥爷": "外公", "外婆": "外婆", "姥姥": "外婆",
	"监护人": "监护人", "代管家长": "代管家长", "本人": "本人", "学生本人": "本人",
	// The relatives who look after a child whose parents work away (代管家长 in practice).
	"姑姑": "姑姑", "姑妈": "姑姑", "舅舅": "舅舅", "舅妈": "舅妈", "叔叔": "叔叔", "婶婶": "婶婶",
	"伯伯": "伯伯", "伯父": "伯伯", "伯母": "伯母", "阿姨": "阿姨", "姨妈": "姨妈", "姨父": "姨父", "姑父": "姑父",
	"哥哥": "哥哥", "姐姐": "姐姐", "继父": "继父", "继母": "继母",
}

// familyWhom are whom a contact may be with that are no one person: both
// parents, or the family without saying who (和家长电话沟通). Never a
// guardian's or an invited parent's relation.
var familyWhom = map[string]string{"父母": "父母", "爸妈": "父母", "爸爸妈妈": "父母", "家长": "家长"}

// contactWhomOf is contactWhom with familyWhom.
func contactWhomOf(tok string) (string, bool) {
	if w, ok := contactWhom[tok]; ok {
		return w, true
	}
	w, ok := familyWhom[tok]
	return w, ok
}

// whomOf reads whom a contact was with as teachers write it: 妈妈, and also
// 孩子奶奶, 孩子的妈妈, 他爸爸, 张三妈妈 (the student's own name first).
func whomOf(tok, student string) (string, bool) {
	if w, ok := contactWhomOf(tok); ok {
		return w, true
	}
	for _, p := range []string{parseStudentRef(student).name, "孩子", "学生", "他", "她"} {
		if p == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(tok, p); ok {
			rest = strings.TrimPrefix(rest, "的")
			if w, ok := contactWhomOf(rest); ok {
				return w, true
			}
		}
	}
	return "", false
}

// kinEndings are how kinship words end (表叔 堂姐 干妈 小姨): a short unknown
// word like that in the place of 对象 is asked about, not taken as content.
const kinEndings = "爸妈爷奶公婆姥姑舅叔婶伯姨哥姐弟妹嫂父母"

// unknownKin tells whether tok looks like a relative we do not know.
func unknownKin(tok string) bool {
	if _, ok := contactWhomOf(tok); ok {
		return false
	}
	n := runeLen(tok)
	last, _ := utf8.DecodeLastRuneInString(tok)
	return n >= 1 && n <= 3 && strings.ContainsRune(kinEndings, last)
}

// contactInput is a /contact line read into its parts.
type contactInput struct {
	student, method, whom, content string
	day                            time.Time
	dayGiven                       bool
}

// parseContact reads /contact <学生> <方式> [对象] <内容> [日期]; for an
// edit (keep), what is left out stays as it was: the way, whom and the
// content may each be missing.
func (h *Handler) parseContact(r *req, keep bool) (contactInput, error) {
	a := r.args
	if !keep {
		// 张三电话, and 张三妈妈 or 张三的妈妈: whom glued to the student.
		a = h.unglued(r, a, func(rest string) bool {
			_, whom := contactWhomOf(strings.TrimPrefix(rest, "的"))
			return startsWithAny(rest, contactMethods) || whom
		})
		if w, ok := strings.CutPrefix(a.at(1), "的"); ok {
			if _, whom := contactWhomOf(w); whom {
				a = newArgs(a.at(0) + " " + w + " " + a.from(2))
			}
		}
	}
	if a.len() == 0 {
		return contactInput{}, r.usage(contactNeedsAll())
	}
	ref, i := studentArg(a)
	in := contactInput{student: ref, day: h.Cal.Day(r.now)}
	var method, whom string
	if m, w, ok := splitMethodWhom(a.at(i)); ok { // 电话妈妈
		a = newArgs(a.between(0, i) + " " + m + " " + w + " " + a.from(i+1))
	}
	for k := 0; k < 2 && i < a.len(); k++ { // 方式 and 对象, in either order
		if m, ok := contactMethods[a.at(i)]; ok && method == "" {
			method = m
			i++
		} else if w, ok := whomOf(a.at(i), ref); ok && whom == "" {
			whom = w
			i++
		}
	}
	if method == "" && r.called == "家访" {
		method = "家访" // /家访 张三 奶奶 …: the command says how
	}
	if method == "" && !keep {
		return in, r.usage(contactNeedsMethod())
	}
	if whom == "" && i < a.len() && unknownKin(a.at(i)) {
		return in, r.usage(contactUnknownWhom(a.at(i)))
	}
	in.method, in.whom = method, whom
	end := a.len()
	if end-1 > i {
		if d := parseDay(a.at(end-1), r.now, h.Cal, false); d.isDate {
			var err error
			if in.day, err = h.checkRecordDay(r, d, a.at(end-1)); err != nil {
				return in, err
			}
			in.dayGiven = true
			end--
		} else if dateShaped(a.at(end - 1)) { // 11-20abc is a date that did not read, not the end of the content
			return in, r.usage(badDateShape(clip(a.at(end-1), 16)))
		}
	}
	in.content = a.between(i, end)
	if in.content == "" && !keep {
		return in, r.usage(contactNeedsContent())
	}
	if runeLen(in.content) > 500 {
		return in, r.usage(contactTooLong())
	}
	return in, nil
}

func (h *Handler) contact(r *req) (string, error) {
	if err := h.studentLeftOut(r); err != nil {
		return "", err
	}
	in, err := h.parseContact(r, false)
	if err != nil {
		return "", err
	}
	f, err := h.resolveStudent(r, in.student, true)
	if err != nil {
		return "", err
	}
	day := in.day
	month := storage.Range{From: h.Cal.MonthStart(day), To: h.Cal.NextMonthStart(day)}
	before, ago := h.earlier(r)
	c, n, err := h.Store.AddContact(r.meta, storage.Contact{StudentID: f.st.ID, Method: in.method, Whom: in.whom, Content: in.content, At: h.at(r, day)}, month)
	if err != nil {
		return "", err
	}
	h.remember(r, c.No)
	how := joinNonEmpty("·", in.method, in.whom)
	withChild := in.whom == storage.WhomStudent
	if withChild {
		how = in.method
	}
	return contactSaved(f.label(), how, report.Day(h.Cal, day), int(day.Month()), n, in.content, r.sight(f.st).text(r.me.ID), withChild) + fixHint(c.No) + repeatedIf(before, ago), nil
}

func (h *Handler) praise(r *req) (string, error) {
	if err := h.refuseWholeClass(r); err != nil {
		return "", err
	}
	names, rest, several := h.studentsOf(r) // 张三：这周作业全对 is read first
	a := r.args                             // a name written twice is dropped
	if a.len() < 2 {
		return "", r.usage(praiseNeedsAll())
	}
	ref, i := studentArg(a)
	text := a.from(i)
	if several {
		text = rest
	}
	if text == "" {
		return "", r.usage(praiseNeedsText())
	}
	if runeLen(text) > 300 {
		return "", r.usage(praiseTooLong())
	}
	if w := report.BannedWordIn(text); w != "" {
		return "", r.usage(praiseBannedWord(w))
	}
	if err := h.misspeltPraiseCompanion(r, names, text); err != nil {
		return "", err
	}
	if before, ago := h.earlier(r); len(before) > 0 {
		return "", refuse(praiseRepeated(before, ago))
	}
	if several {
		return h.praiseTogether(r, names, text)
	}
	f, err := h.resolveStudent(r, ref, true)
	if err != nil {
		return "", err
	}
	notes, sendAt, err := h.praiseNotes(r, f.st, r.me, text)
	if err != nil {
		return "", err
	}
	p, err := h.Store.AddPraise(r.meta, storage.Praise{StudentID: f.st.ID, Text: text, At: r.now}, notes)
	if err != nil {
		return "", err
	}
	h.remember(r, p.No)
	held := ""
	if sendAt.After(r.now) {
		held = report.Clock(h.Cal, sendAt)
	}
	return praiseSaved(f.label(), f.st.Name, text, len(notes), held) + fixHint(p.No), nil
}

// resolveStudents finds each named student a record may be written for,
// each once (张三、初一3班张三 may be one student).
func (h *Handler) resolveStudents(r *req, names []string, forRecord bool) ([]found, error) {
	var fs []found
	seen := map[uint64]bool{}
	for _, n := range names {
		f, err := h.resolveStudent(r, n, forRecord)
		if err != nil {
			return nil, err
		}
		if !seen[f.st.ID] {
			seen[f.st.ID] = true
			fs = append(fs, f)
		}
	}
	return fs, nil
}

// praiseTogether records the same step forward for several students
// (/表扬 张三 李四 这周都按时交了作业): each family is told of its own child
// only, and the praise is stored for each in one write, all or none.
func (h *Handler) praiseTogether(r *req, names []string, text string) (string, error) {
	fs, err := h.resolveStudents(r, names, true)
	if err != nil {
		return "", err
	}
	ps := make([]storage.Praise, 0, len(fs))
	notify := make([][]storage.Queued, 0, len(fs))
	var sendAt time.Time
	for _, f := range fs {
		notes, at, err := h.praiseNotes(r, f.st, r.me, text)
		if err != nil {
			return "", err
		}
		ps, notify, sendAt = append(ps, storage.Praise{StudentID: f.st.ID, Text: text, At: r.now}), append(notify, notes), at
	}
	saved, err := h.Store.AddPraises(r.meta, ps, notify)
	if err != nil {
		return "", err
	}
	nos := make([]uint64, len(saved))
	for i, p := range saved {
		nos[i] = p.No
	}
	h.remember(r, nos...)
	held := ""
	if sendAt.After(r.now) {
		held = report.Clock(h.Cal, sendAt)
	}
	lines := make([]praisedStudent, 0, len(fs))
	for i, f := range fs {
		lines = append(lines, praisedStudent{label: f.label(), name: f.st.Name, parents: len(notify[i]), no: saved[i].No})
	}
	return praiseTogetherSaved(text, lines, held), nil
}

// praiseNotes are the messages telling each reachable parent of the praise,
// in the author's name, held until quiet hours end.
func (h *Handler) praiseNotes(r *req, st storage.Student, author storage.Person, text string) ([]storage.Queued, time.Time, error) {
	parents, err := h.parentsOf(st.ID)
	if err != nil {
		return nil, time.Time{}, err
	}
	sendAt := h.Cal.AfterQuietHours(r.now)
	var notes []storage.Queued
	for _, p := range parents {
		acc, ok := p.Reachable()
		if !ok {
			continue
		}
		msg := praiseForParent(relationOf(p, st.ID), report.TeacherName(author), st.Name, text)
		notes = append(notes, storage.Queued{Platform: acc.Platform, ChatID: acc.ChatID, ChatTitle: p.Name, Private: true,
			PersonID: p.ID, Text: msg, NotBefore: sendAt, Key: strconv.FormatUint(p.ID, 10)})
	}
	return notes, sendAt, nil
}

// parentsOf lists the bound parents of a student.
func (h *Handler) parentsOf(studentID uint64) ([]storage.Person, error) {
	people, err := h.Store.People()
	if err != nil {
		return nil, err
	}
	var out []storage.Person
	for _, p := range people {
		if p.IsParentOf(studentID) {
			out = append(out, p)
		}
	}
	return out, nil
}

func relationOf(p storage.Person, studentID uint64) string {
	for _, l := range p.Parents {
		if l.StudentID == studentID && l.Relation != "" && l.Relation != "家长" {
			return parentWithRelation(l.Relation)
		}
	}
	return parentRelation()
}

func (h *Handler) comment(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return h.commentList(r)
	}
	ref, i := studentArg(a)
	text := a.from(i)
	if text == "" {
		// /评语 张三: the teacher asks what stands, before writing or
		// changing it.
		return h.showComments(r, ref)
	}
	if runeLen(text) > 1000 {
		return "", r.usage(commentTooLong())
	}
	if w := report.BannedWordIn(text); w != "" {
		return "", r.usage(commentBannedWord(w))
	}
	f, err := h.commentStudent(r, ref)
	if err != nil {
		return "", err
	}
	if acceptWords[text] {
		return h.saveDraftAsComment(r, f) // /评语 张三 采用: the draft, not the word
	}
	c, replaced, err := h.Store.SetComment(r.meta, storage.Comment{StudentID: f.st.ID, Semester: h.Cal.TermAt(r.now).Key(), Text: text, At: r.now})
	if err != nil {
		return "", err
	}
	return commentSaved(f.label(), runeLen(text), replaced) + fixHint(c.No), nil
}

// commentList answers /评语 alone: the students whose comment this teacher
// writes this term (their mentees; as head teacher, the class's students
// without a mentor) and whether it is written, and, to a head teacher,
// whether each mentor of the class has written theirs, as the term-end
// reminder counts them.
func (h *Handler) commentList(r *req) (string, error) {
	all, err := h.Store.AllStudents()
	if err != nil {
		return "", err
	}
	term := h.Cal.TermAt(r.now)
	var lines []commentListLine
	var ids []uint64
	for _, st := range all {
		if st.Closed || (st.MentorID != r.me.ID && !r.me.IsHeadOf(st.ClassID)) {
			continue
		}
		cs, err := h.Store.Comments(st.ID, term.Key())
		if err != nil {
			return "", err
		}
		c, err := h.Store.Class(st.ClassID)
		if err != nil {
			return "", err
		}
		writer := st.MentorID
		if writer == 0 {
			writer = r.me.ID // a head teacher's student without a mentor
		}
		written := slices.ContainsFunc(cs, func(c storage.Comment) bool { return c.AuthorID == writer })
		l := commentListLine{label: studentLabel(st, c), name: st.Name, written: written}
		if writer != r.me.ID {
			l.writer = h.personName(writer)
		}
		lines = append(lines, l)
		ids = append(ids, st.ID)
	}
	if len(lines) == 0 {
		return "", r.usage(commentNoneToWrite())
	}
	if err := r.audit(h, "comment.list", "", ids...); err != nil {
		return "", err
	}
	return commentListShown(report.TermName(term), lines), nil
}

// showComments answers /评语 张三 with this term's comments on the student,
// each with its writer, and how to write or change one. Their words are
// shown as a record's are (sight.text): in private, to the student's head
// teacher, mentor and admins, and to each writer their own; otherwise only
// who has written. The read is audited like the student's file.
func (h *Handler) showComments(r *req, ref string) (string, error) {
	f, err := h.resolveStudent(r, ref, false)
	if err != nil {
		return "", err
	}
	term := h.Cal.TermAt(r.now)
	cs, err := h.Store.Comments(f.st.ID, term.Key())
	if err != nil {
		return "", err
	}
	if err := r.audit(h, "comment.read", "", f.st.ID); err != nil {
		return "", err
	}
	writer := f.st.MentorID == r.me.ID || r.me.IsHeadOf(f.st.ClassID)
	see := r.sight(f.st)
	views := make([]commentView, 0, len(cs))
	for _, c := range cs {
		v := commentView{by: h.personName(c.AuthorID), day: report.Day(h.Cal, c.At), mine: c.AuthorID == r.me.ID, no: c.No}
		if see.text(c.AuthorID) {
			v.text = c.Text
		}
		views = append(views, v)
	}
	return commentsShown(f.label(), f.st.Name, views, writer), nil
}

// lastOneWords say "the last one" after /undo, which takes nothing else.
var lastOneWords = map[string]bool{"上一条": true, "最后一条": true, "刚才": true, "刚才的": true, "刚才那条": true, "刚刚": true, "刚刚的": true}

func (h *Handler) undo(r *req) (string, error) {
	// /undo #5, /undo 2, /撤销 张三: the last record is not what was meant,
	// and undoing it anyway would take back another one.
	if arg := r.args.from(0); arg != "" && !lastOneWords[arg] {
		no, isNo := parseRecordNo(r.args.at(0))
		return "", refuse(undoTakesNothing(no, isNo && r.args.len() == 1))
	}
	u, err := h.Store.Undo(r.meta, r.now.Add(-24*time.Hour))
	if errors.Is(err, storage.ErrNotFound) {
		return "", refuse(nothingToUndo())
	}
	if err != nil {
		return "", err
	}
	who := ""
	if u.StudentID != 0 {
		if st, err := h.Store.Student(u.StudentID); err == nil {
			if c, err := h.Store.Class(st.ClassID); err == nil {
				who = found{st, c}.label()
			}
		}
	}
	switch u.Kind {
	case storage.KindSession:
		return undoneSession(who, u.Session.Subject, u.Session.Minutes, report.Day(h.Cal, u.Session.At)), nil
	case storage.KindContact:
		return undoneContact(who, report.Day(h.Cal, u.Contact.At), u.Contact.Method) + contactQueuedFate(u), nil
	case storage.KindPraise:
		out := undonePraise(who, clip(u.Praise.Text, 20))
		if u.UnsentDropped > 0 {
			out += undoneUnsentToo()
		} else {
			out += undoneSentStays()
		}
		return out, nil
	case storage.KindComment:
		return undoneComment(who), nil
	case storage.KindMeeting:
		c, _ := h.Store.Class(u.Meeting.ClassID)
		return undoneMeeting(report.ClassName(c), report.Day(h.Cal, u.Meeting.At)), nil
	}
	return undone(), nil
}
