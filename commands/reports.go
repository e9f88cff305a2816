package commands

import (
	"errors"
	"strings"
	"time"

	"bangfu/commands/report"
	"bangfu/storage"
)

func (h *Handler) status(r *req) (string, error) {
	// 上周, last or first, asks for the week before this one of whatever
	// else is named (it was read as a student's name).
	lastWeek := false
	switch n := r.args.len(); {
	case n > 0 && lastWeekWords[r.args.at(n-1)]:
		lastWeek, r.args = true, r.args.withoutLast()
	case n > 1 && lastWeekWords[r.args.at(0)]:
		lastWeek, r.args = true, newArgs(r.args.from(1))
	}
	arg := r.args.from(0)
	if rolesOf(r.me) == rParent {
		return h.parentStatus(r, arg, lastWeek)
	}
	if lastWeek {
		return h.statusLastWeek(r, arg)
	}
	if arg == "" {
		switch {
		case r.group != nil && r.group.ClassID != 0:
			return h.classStatus(r, r.group.ClassID)
		case !r.private || r.me.Admin:
			return h.schoolStatus(r)
		case len(r.me.HeadOf) > 0:
			return h.classStatus(r, r.me.HeadOf[0])
		default:
			return h.mine(r)
		}
	}
	_, isClass := parseClass(r.args.at(0))
	if _, bare := bareClassNumber(r.args.at(0)); (isClass || bare) && r.args.len() == 1 {
		c, err := h.classFromArg(r, arg, false)
		if err != nil {
			return "", err
		}
		return h.classStatus(r, c.ID)
	}
	// /status 张三 李四: each one's file, one after the other (the second
	// was left out without a word); /status 王老师: the mentor's students.
	return h.studentsOrMentor(r, h.studentStatus, h.mentorStatus)
}

// studentsOrMentor reads what /status names after its command: several
// students, each with readStudent; a mentor (/status 王老师: how their
// students are doing, for the head teacher of their class or an admin)
// with readMentor, unless a student is called so; else one student.
func (h *Handler) studentsOrMentor(r *req, readStudent func(*req, found) (string, error), readMentor func(*req, storage.Person) (string, error)) (string, error) {
	if names, _, several := h.severalStudents(r, r.args); several && len(names) > 1 {
		return h.eachStudent(r, names, readStudent)
	}
	ref, _ := studentArg(r.args)
	if r.args.len() == 1 && !h.isStudent(r, parseStudentRef(ref).name) {
		if ts, err := h.staffNamed(ref); err == nil && len(ts) == 1 {
			return readMentor(r, ts[0])
		}
	}
	f, err := h.resolveStudent(r, ref, false)
	if err != nil {
		return "", err
	}
	return readStudent(r, f)
}

// statusLastWeek answers /status … 上周: a class's (or the school's) last
// week is its digest; a student's is their sessions against the target,
// above this week's status; a mentor's, each mentee's line.
func (h *Handler) statusLastWeek(r *req, arg string) (string, error) {
	_, isClass := parseClass(r.args.at(0))
	_, bare := bareClassNumber(r.args.at(0))
	// A class's last week, as its digest has it, for whoever may see its
	// week (/status 初一3班): the class named, the group's, the head
	// teacher's own, or in a group or for an admin the school.
	lastWeekOf := func(classID uint64) (string, error) {
		return h.digestOf(r, h.Cal.WeekStart(r.now).AddDate(0, 0, -7), "", classID)
	}
	switch {
	case (isClass || bare) && r.args.len() == 1:
		c, err := h.classFromArg(r, arg, false)
		if err != nil {
			return "", err
		}
		return lastWeekOf(c.ID)
	case arg != "":
	case r.group != nil && r.group.ClassID != 0:
		return lastWeekOf(r.group.ClassID)
	case !r.private || r.me.Admin:
		return lastWeekOf(0)
	case len(r.me.HeadOf) > 0:
		return lastWeekOf(r.me.HeadOf[0])
	default:
		return h.menteesLastWeek(r, r.me) // a teacher's own students
	}
	withLastWeek := func(r *req, f found) (string, error) {
		last, err := h.studentLastWeek(r, f.st)
		if err != nil {
			return "", err
		}
		text, err := h.studentStatus(r, f)
		return last + "\n\n" + text, err
	}
	return h.studentsOrMentor(r, withLastWeek, h.menteesLastWeek)
}

// menteesLastWeek is each of t's students' last week that the reader may
// see (as mentorStatus has it).
func (h *Handler) menteesLastWeek(r *req, t storage.Person) (string, error) {
	seen, ids, none, err := h.visibleMentees(r, t)
	if err != nil || none != "" {
		return none, err
	}
	var lines []string
	for _, m := range seen {
		line, err := h.studentLastWeek(r, m.Student)
		if err != nil {
			return "", err
		}
		lines = append(lines, line)
	}
	if err := r.audit(h, "status.mentor", report.TeacherName(t)+" 上周", ids...); err != nil {
		return "", err
	}
	return strings.Join(lines, "\n"), nil
}

// studentLastWeek is the student's sessions of the week before this one
// against the weekly target, as the Monday digest counted them.
func (h *Handler) studentLastWeek(r *req, st storage.Student) (string, error) {
	week := report.Week(h.Cal, r.now.AddDate(0, 0, -7))
	sessions, err := h.Store.Sessions(st.ID, week.From, week.To)
	if err != nil {
		return "", err
	}
	if len(sessions) == 0 && !st.CreatedAt.Before(week.To) {
		return studentNotYetLastWeek(st.Name, week.From), nil
	}
	minutes := 0
	for _, s := range sessions {
		minutes += s.Minutes
	}
	return studentLastWeekLine(st.Name, week.From, len(sessions), st.WeeklyTarget, minutes), nil
}

// lastWeekWords ask about the week before this one.
var lastWeekWords = map[string]bool{"上周": true, "上星期": true, "上礼拜": true, "上一周": true}

// mentorStatus is a mentor's students' week, those the reader may see.
func (h *Handler) mentorStatus(r *req, t storage.Person) (string, error) {
	seen, ids, none, err := h.visibleMentees(r, t)
	if err != nil || none != "" {
		return none, err
	}
	if err := r.audit(h, "status.mentor", report.TeacherName(t), ids...); err != nil {
		return "", err
	}
	return renderMentees(report.TeacherName(t), report.Week(h.Cal, r.now), seen, nil, false, false), nil
}

// visibleMentees are t's students this week that the reader may see: an
// admin all of them, a head teacher those of their classes, the mentor
// their own; none is the reply when there are none to show.
func (h *Handler) visibleMentees(r *req, t storage.Person) (seen []report.StudentWeek, ids []uint64, none string, err error) {
	all, err := report.BuildMentees(h.Store, h.Cal, t.ID, r.now)
	if err != nil {
		return nil, nil, "", err
	}
	for _, m := range all {
		if t.ID == r.me.ID || canManageClass(r.me, m.Student.ClassID) {
			seen, ids = append(seen, m), append(ids, m.Student.ID)
		}
	}
	switch {
	case len(seen) > 0:
		return seen, ids, "", nil
	case len(all) > 0:
		return nil, nil, mentorHasNoneOfYours(report.TeacherName(t)), nil
	}
	return nil, nil, mentorHasNone(report.TeacherName(t)), nil
}

// eachStudent answers a read for each named student, one after another;
// one name that reads as nobody's is answered alone.
func (h *Handler) eachStudent(r *req, names []string, read func(*req, found) (string, error)) (string, error) {
	fs, err := h.resolveStudents(r, names, false)
	if err != nil {
		return "", err
	}
	var texts []string
	for _, f := range fs {
		text, err := read(r, f)
		if err != nil {
			return "", err
		}
		texts = append(texts, text)
	}
	return strings.Join(texts, "\n\n"), nil
}

func (h *Handler) classStatus(r *req, classID uint64) (string, error) {
	cw, err := report.BuildClassWeek(h.Store, h.Cal, classID, r.now)
	if err != nil {
		return "", err
	}
	text := renderClassStatus(cw, r.sensitiveOK, report.DaysLeft(h.Cal, r.now, h.Cal.NextMonthStart(r.now)))
	if err := r.audit(h, "status.class", report.ClassName(cw.Class), cw.IDs()...); err != nil {
		return "", err
	}
	return text, nil
}

func (h *Handler) schoolStatus(r *req) (string, error) {
	weeks, err := report.BuildSchoolWeek(h.Store, h.Cal, r.now)
	if err != nil {
		return "", err
	}
	if len(weeks) == 0 {
		return schoolHasNoStudents(), nil
	}
	var ids []uint64
	for _, cw := range weeks {
		ids = append(ids, cw.IDs()...)
	}
	if err := r.audit(h, "status.school", "", ids...); err != nil {
		return "", err
	}
	return renderSchoolStatus(weeks), nil
}

func (h *Handler) studentStatus(r *req, f found) (string, error) {
	file, err := report.BuildStudentFile(h.Store, h.Cal, f.st, f.class, r.now)
	if err != nil {
		return "", err
	}
	see := r.sight(f.st)
	text := renderStudentStatus(h.Cal, file, h.personName, see, report.DaysLeft(h.Cal, r.now, file.Month.To))
	if err := r.audit(h, "status.student", sensitiveTag(see.categories()), f.st.ID); err != nil {
		return "", err
	}
	return text, nil
}

func sensitiveTag(sensitive bool) string {
	if sensitive {
		return sensitiveAuditTag()
	}
	return ""
}

// parentStatus shows a parent their own child's week, in positive words.
func (h *Handler) parentStatus(r *req, arg string, lastWeek bool) (string, error) {
	weekOf := func(st storage.Student) (string, error) {
		if !lastWeek {
			return h.ParentWeek(st, r.now)
		}
		pw, err := report.BuildParentWeek(h.Store, h.Cal, st, r.now.AddDate(0, 0, -7))
		if err != nil {
			return "", err
		}
		pw.LastWeek, pw.Meetings = true, nil // the coming meetings are this week's to tell
		return report.RenderParentWeek(h.Cal, pw), nil
	}
	var f found
	var err error
	if arg != "" {
		if f, err = h.resolveStudent(r, arg, false); err != nil {
			return "", err
		}
	} else {
		if len(r.me.Parents) > 1 {
			// A grandmother of two asks how they are: each child's week.
			var weeks []string
			var ids []uint64
			for _, l := range r.me.Parents {
				st, err := h.Store.Student(l.StudentID)
				if errors.Is(err, storage.ErrNotFound) {
					continue // erased since
				}
				if err != nil {
					return "", err
				}
				text, err := weekOf(st)
				if err != nil {
					return "", err
				}
				weeks, ids = append(weeks, text), append(ids, st.ID)
			}
			if err := r.audit(h, "status.parent", "", ids...); err != nil {
				return "", err
			}
			return strings.Join(weeks, "\n\n"), nil
		}
		st, err := h.Store.Student(r.me.Parents[0].StudentID)
		if err != nil {
			return "", err
		}
		c, err := h.Store.Class(st.ClassID)
		if err != nil {
			return "", err
		}
		f = found{st, c}
	}
	text, err := weekOf(f.st)
	if err != nil {
		return "", err
	}
	if err := r.audit(h, "status.parent", "", f.st.ID); err != nil {
		return "", err
	}
	return text, nil
}

// ParentWeek is a child's week for their parents: sessions, subjects, praise,
// comments and meetings, never categories or notes.
func (h *Handler) ParentWeek(st storage.Student, now time.Time) (string, error) {
	pw, err := report.BuildParentWeek(h.Store, h.Cal, st, now)
	if err != nil {
		return "", err
	}
	return report.RenderParentWeek(h.Cal, pw), nil
}

// schoolGaps is what an admin still has to see to: classes with supported
// students and no head teacher, and students with no mentor ("" if none).
func (h *Handler) schoolGaps(ro roster) (string, error) {
	headed := map[uint64]bool{}
	for _, p := range ro.people {
		for _, c := range p.HeadOf {
			headed[c] = true
		}
	}
	var headless, unmentored []string // class names; 初一4班赵六
	seen := map[uint64]bool{}
	for _, st := range ro.students {
		if st.Closed {
			continue
		}
		c, err := h.Store.Class(st.ClassID)
		if err != nil {
			return "", err
		}
		if st.MentorID == 0 {
			unmentored = append(unmentored, report.ClassName(c)+st.Name)
		}
		if !headed[st.ClassID] && !seen[st.ClassID] {
			seen[st.ClassID] = true
			headless = append(headless, report.ClassName(c))
		}
	}
	return mineSchoolGaps(headless, unmentored), nil
}

// unanswered lists the parents' messages about the students that no
// teacher has answered (report.Unanswered), one line a student; example is
// the contact that would answer the first, as a teacher writes it.
func (h *Handler) unanswered(students []storage.Student, now time.Time) (lines []string, ids []uint64, example string, err error) {
	waiting, err := h.waitingMessages(students, now)
	for _, w := range waiting {
		if example == "" {
			example = answeringContact(w.student.Name, w.last.Whom)
		}
		lines = append(lines, report.UnansweredLine(h.Cal, w.student.Name, w.last))
		ids = append(ids, w.student.ID)
	}
	return lines, ids, example, err
}

// waitingMessage is a student whose family's last message no teacher has
// answered (report.Unanswered), with that message.
type waitingMessage struct {
	student storage.Student
	last    storage.Contact
}

// waitingMessages finds them among students, in their order.
func (h *Handler) waitingMessages(students []storage.Student, now time.Time) ([]waitingMessage, error) {
	var out []waitingMessage
	for _, st := range students {
		cs, err := h.Store.Contacts(st.ID, now.Add(-report.UnansweredFor), now.Add(time.Minute))
		if err != nil {
			return nil, err
		}
		if last, ok := report.Unanswered(cs)[st.ID]; ok {
			out = append(out, waitingMessage{st, last})
		}
	}
	return out, nil
}

func (h *Handler) mine(r *req) (string, error) {
	mentees, err := report.BuildMentees(h.Store, h.Cal, r.me.ID, r.now)
	if err != nil {
		return "", err
	}
	ro, err := h.rosterFor(r.me)
	if err != nil {
		return "", err
	}
	students := h.owedStudents(r.me, ro)
	items, err := h.owedOf(r.me, students, r.now)
	if err != nil {
		return "", err
	}
	var waiting []string // parents' messages no one has answered yet
	var waitingFor []uint64
	var answerExample string
	if r.private {
		answering := h.answeringStudents(r.me, students, ro)
		if waiting, waitingFor, answerExample, err = h.unanswered(answering, r.now); err != nil {
			return "", err
		}
	}
	gaps := ""
	if r.me.Admin && r.private {
		if gaps, err = h.schoolGaps(ro); err != nil {
			return "", err
		}
	}
	if len(mentees) == 0 && len(items) == 0 && len(waiting) == 0 {
		if gaps != "" {
			return gaps, nil
		}
		return noMentees(report.TeacherName(r.me)), nil
	}
	var ids []uint64
	for _, m := range mentees {
		ids = append(ids, m.Student.ID)
	}
	for _, it := range items {
		ids = append(ids, it.Student.ID)
	}
	ids = append(ids, waitingFor...)
	if err := r.audit(h, "mine", "", ids...); err != nil {
		return "", err
	}
	var plans []string // what the teacher's plans owe
	monthStart, today := h.Cal.MonthStart(r.now), h.Cal.Day(r.now)
	for _, m := range mentees {
		st := m.Student
		switch {
		case st.Responsible() != r.me.ID:
		case !st.Plan.Active():
			plans = append(plans, minePlanOwed(st.Name))
		case st.Plan.ReviewOwed(monthStart, today):
			plans = append(plans, mineReviewOwed(st.Name, monthLabel(h.Cal, r.now)))
		}
	}
	silent, err := h.silentFamilies(mentees, r.now)
	if err != nil {
		return "", err
	}
	// With the school's rhythm set, what is owed is its list (with codes to
	// answer); without it, the week's tutoring and the month's contact.
	rhythm := len(h.Cadences) > 0
	var parts []string
	if len(mentees) > 0 {
		parts = append(parts, renderMentees(report.TeacherName(r.me), report.Week(h.Cal, r.now), mentees, plans, !rhythm, len(items) == 0))
	} else if len(plans) > 0 {
		parts = append(parts, mineTodo(plans))
	}
	if len(silent) > 0 && r.private { // it tells whose parents work away
		parts = append(parts, mineSilentFamilies(enumerate(silent)))
	}
	if len(waiting) > 0 {
		parts = append(parts, mineUnanswered(waiting, answerExample))
	}
	// A rule for a category (留守 …) names the category by what it asks
	// (a call to the parents working away): in a group only the rules for
	// every student are listed, the others counted.
	shown, hidden := items, 0
	if !r.private {
		shown = nil
		for _, it := range items {
			if len(it.Rule.Categories) > 0 {
				hidden++
			} else {
				shown = append(shown, it)
			}
		}
	}
	if owed := renderOwed(h.owedLines(shown, r.private), r.private); owed != "" {
		parts = append(parts, owed)
	}
	if hidden > 0 {
		parts = append(parts, mineOwedPrivately(hidden))
	}
	if gaps != "" {
		parts = append(parts, gaps)
	}
	return strings.Join(parts, "\n"), nil
}

func (h *Handler) history(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return "", r.usage(needStudentName())
	}
	if _, isClass := parseClass(a.at(0)); isClass {
		return "", r.usage(historyOfAClass(a.at(0)))
	}
	// /history 张三 李四: each one's records.
	if names, _, several := h.severalStudents(r, a); several && len(names) > 1 {
		return h.eachStudent(r, names, func(r *req, f found) (string, error) { return h.historyOf(r, f, 10, false) })
	}
	ref, i := studentArg(a)
	n, capped := 10, false
	if i < a.len() {
		word := strings.TrimSuffix(a.at(i), "条")
		v, ok := smallNumber(word)
		switch {
		case allWords[word] && i+1 == a.len(): // 全部: as many as a chat can show
			n, capped = historyMost, true
		case ok && v > historyMost && i+1 == a.len():
			n, capped = historyMost, true
		case !ok || v < 1 || i+1 < a.len():
			return "", r.usage(historyCountOutOfRange())
		default:
			n = v
		}
	}
	f, err := h.resolveStudent(r, ref, false)
	if err != nil {
		return "", err
	}
	return h.historyOf(r, f, n, capped)
}

// historyMost is the most records /history shows: the whole file is in
// /export.
const historyMost = 50

// allWords ask for every record.
var allWords = map[string]bool{"全部": true, "所有": true, "全": true, "all": true}

// historyOf is a student's latest n records, the read audited; capped: more
// were asked for than a chat shows.
func (h *Handler) historyOf(r *req, f found, n int, capped bool) (string, error) {
	recs, err := h.Store.History(f.st.ID, n)
	if err != nil {
		return "", err
	}
	see := r.sight(f.st)
	text := renderHistory(h.Cal, f.label(), f.st.Name, recs, h.personName, see)
	if capped && len(recs) == n {
		text += historyCapped(n, report.ClassName(f.class))
	}
	if err := r.audit(h, "history", sensitiveTag(see.categories()), f.st.ID); err != nil {
		return "", err
	}
	return text, nil
}

func (h *Handler) digest(r *req) (string, error) {
	week, which, err := h.digestWeek(r)
	if err != nil {
		return "", err
	}
	classID, err := h.classScope(r, digestNotYourClass())
	if err != nil {
		return "", err
	}
	return h.digestOf(r, week, which, classID)
}

// digestOf is the digest of the week starting at week, of a class or (0)
// the school.
func (h *Handler) digestOf(r *req, week time.Time, which string, classID uint64) (string, error) {
	thisWeek := h.Cal.WeekStart(r.now)
	d, err := report.BuildDigest(h.Store, h.Cal, week, classID)
	if err != nil {
		return "", err
	}
	d.Which = which
	if week.Equal(thisWeek) {
		d.Which = digestSoFar()
	}
	var text string
	if classID != 0 {
		if len(d.Classes) == 0 {
			c, _ := h.Store.Class(classID)
			return report.NoStudentsInWeek(c, d), nil
		}
		text = report.RenderClassDigest(d, d.Classes[0])
	} else {
		text = report.RenderSchoolDigest(h.School, d)
	}
	if err := r.audit(h, "digest", "", 0); err != nil {
		return "", err
	}
	return text, nil
}

// digestWeek reads which week a /digest asks for, and takes its word out
// of the arguments: last week by default (上周), 上上周, 本周 (so far), or
// the week of a day (11月16日, 周一 of this week is this week).
func (h *Handler) digestWeek(r *req) (time.Time, string, error) {
	thisWeek := h.Cal.WeekStart(r.now)
	week, which := thisWeek.AddDate(0, 0, -7), ""
	var kept []string
	for i := 0; i < r.args.len(); i++ {
		tok := r.args.at(i)
		switch {
		case lastWeekWords[tok]:
		case tok == "上上周" || tok == "上上星期":
			week, which = thisWeek.AddDate(0, 0, -14), "上上周"
		case tok == "本周" || tok == "这周" || tok == "这星期" || tok == "本星期":
			week = thisWeek
		default:
			if d := parseDay(tok, r.now, h.Cal, false); d.isDate {
				switch {
				case d.invalid != "":
					return week, which, r.usage(badDate(tok, d.invalid))
				case !d.ahead.IsZero() || d.day.After(h.Cal.Day(r.now)):
					return week, which, r.usage(digestWeekAhead(tok))
				}
				week, which = h.Cal.WeekStart(d.day), " "
				continue
			}
			kept = append(kept, tok)
		}
	}
	r.args = newArgs(strings.Join(kept, " "))
	if week.Equal(thisWeek.AddDate(0, 0, -7)) {
		which = ""
	}
	return week, which, nil
}

// classScope is the class a head teacher's or admin's report is about: the
// one named, else the group's class, else the head teacher's own; 0 means the
// whole school (admins only). notYours refuses another class.
func (h *Handler) classScope(r *req, notYours string) (uint64, error) {
	var classID uint64
	switch arg := r.args.from(0); {
	case arg != "":
		c, err := h.classFromArg(r, arg, false)
		if err != nil {
			return 0, err
		}
		classID = c.ID
	case r.group != nil && r.group.ClassID != 0:
		classID = r.group.ClassID
	case !r.me.Admin:
		classID = r.me.HeadOf[0]
	}
	if classID != 0 && !canManageClass(r.me, classID) {
		return 0, fail("%s", notYours)
	}
	return classID, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// silentFamilies names the mentees whose parents working away are bound to
// the bot but have not said they called for two weeks.
func (h *Handler) silentFamilies(mentees []report.StudentWeek, now time.Time) ([]string, error) {
	var out []string
	var people []storage.Person
	for _, m := range mentees {
		st := m.Student
		if !st.FamilySilent(now) {
			continue
		}
		if people == nil {
			var err error
			if people, err = h.Store.People(); err != nil {
				return nil, err
			}
		}
		for _, p := range people {
			if l, ok := linkTo(p, st.ID); ok && st.AwayParent(l.Relation) {
				out = append(out, st.Name)
				break
			}
		}
	}
	return out, nil
}

// linkTo is a person's link to a child, if they are its parent.
func linkTo(p storage.Person, studentID uint64) (storage.ParentLink, bool) {
	for _, l := range p.Parents {
		if l.StudentID == studentID {
			return l, true
		}
	}
	return storage.ParentLink{}, false
}
