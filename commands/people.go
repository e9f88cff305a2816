package commands

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"bangfu/bot"
	"bangfu/commands/report"
	"bangfu/storage"
)

// studentOptions are the optional fields of /student add and /student set.
type studentOptions struct {
	categories map[string]bool
	key        *bool
	target     int // 0: not given
}

func parseStudentOptions(r *req, toks []string) (studentOptions, error) {
	o := studentOptions{categories: map[string]bool{}}
	for _, t := range toks {
		if c, ok := shortCategories[t]; ok {
			o.categories[c] = true
			continue
		}
		switch t {
		case "重点", "重点学生", "非重点", "不重点", "一般":
			v := t == "重点" || t == "重点学生"
			if o.key != nil && *o.key != v {
				return o, r.usage(keyTwice())
			}
			o.key = &v
			continue
		}
		if n, ok := parseTarget(t); ok {
			if n < 1 || n > 14 {
				return o, r.usage(targetOutOfRange())
			}
			if o.target > 0 && o.target != n {
				return o, r.usage(targetTwice(o.target, n))
			}
			o.target = n
			continue
		}
		return o, r.usage(studentOptionUnknown(clip(t, 10), categoryHint))
	}
	return o, nil
}

// parseTarget reads 每周2次, 每周两次, 周2次, 2次/周, 目标2次.
func parseTarget(t string) (int, bool) {
	s, ok := cutAny(t, "每周", "一周", "周", "目标", "每星期")
	if !ok {
		for _, suf := range []string{"次/周", "次每周"} {
			if strings.HasSuffix(t, suf) {
				s, ok = strings.TrimSuffix(t, suf), true
				break
			}
		}
		if !ok {
			return 0, false
		}
		return smallNumber(s)
	}
	s = strings.TrimSuffix(s, "次")
	return smallNumber(s)
}

// defaultClass is the class a command may leave out: the group's class, or
// the only class the sender heads; "" when there is none.
func (h *Handler) defaultClass(r *req) string {
	id := uint64(0)
	switch {
	case r.group != nil && r.group.ClassID != 0:
		id = r.group.ClassID
	case len(r.me.HeadOf) == 1:
		id = r.me.HeadOf[0]
	}
	if id == 0 {
		return ""
	}
	c, err := h.Store.Class(id)
	if err != nil {
		return ""
	}
	return report.ClassName(c)
}

func (h *Handler) studentAdd(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return "", r.usage(studentAddNeedsClassAndName())
	}
	if _, _, ok := parseClassPrefix(a.at(0)); !ok {
		if c := h.defaultClass(r); c != "" {
			a = newArgs(c + " " + a.src) // a head teacher's own class: /student add 张三 留守
		}
	}
	classTok, nameTok, rest := a.at(0), a.at(1), 2
	if c, after, ok := parseClassPrefix(a.at(0)); ok && after != "" { // 初一3班张三
		classTok, nameTok, rest = c.name(), after, 1
	}
	cref, ok := parseClass(classTok)
	if !ok {
		return "", r.usage(studentAddNotAClass(clip(classTok, 12)))
	}
	if nameTok == "" {
		return "", r.usage(needStudentName())
	}
	// Several may be added at once (王五 赵六, 王五、赵六), their names
	// before the categories; a word a name in shape (a surname first) is
	// one, anything else is read as an option.
	names := strings.FieldsFunc(nameTok, isListSeparator)
	for ; rest < a.len() && nameShaped(a.at(rest)); rest++ {
		names = append(names, strings.FieldsFunc(a.at(rest), isListSeparator)...)
	}
	for _, n := range names {
		if !validName(n) {
			return "", r.usage(notAName(clip(n, 12)))
		}
	}
	if len(names) == 0 {
		return "", r.usage(notAName(clip(nameTok, 12)))
	}
	names = slices.Compact(names)
	var toks []string
	for i := rest; i < a.len(); i++ {
		toks = append(toks, a.at(i))
	}
	o, err := parseStudentOptions(r, toks)
	if err != nil {
		return "", err
	}
	if !r.me.Admin {
		c, exists, err := h.Store.ClassByGrade(cref.grade, cref.number)
		if err != nil {
			return "", err
		}
		if !exists || !r.me.IsHeadOf(c.ID) {
			return "", refuse(studentAddNotYourClass(cref.name()))
		}
	}
	st := storage.Student{Categories: orderCategories(o.categories), WeeklyTarget: 1}
	if o.key != nil {
		st.Key = *o.key
	}
	defaultTarget := o.target == 0
	if !defaultTarget {
		st.WeeklyTarget = o.target
	}
	sts := make([]storage.Student, 0, len(names))
	for _, n := range names {
		st.Name = n
		sts = append(sts, st)
	}
	out, reopened, err := h.Store.AddStudents(r.meta, cref.grade, cref.number, sts)
	if e, ok := storage.AsError(err); ok && e.Code == storage.EConflict && len(names) > 1 {
		return "", refuse(studentsNoneAdded(studentAlreadyListed(cref.name(), e.Student)))
	}
	if err != nil {
		return "", err
	}
	if len(out) == 1 {
		return studentAdded(out[0], cref.name(), reopened[0], defaultTarget, r.private), nil
	}
	return studentsAdded(out, cref.name(), reopened, defaultTarget, r.private), nil
}

// isListSeparator separates names listed for the register (王五、赵六); 和
// is no separator there, it is in names (王和平).
func isListSeparator(c rune) bool { return c == '、' || c == '，' || c == ',' }

// nameShaped: a student's name as a head teacher lists several (王五, or
// 王五、赵六): Chinese, a common surname first, and no option's word; or a
// minority name with its middle dot.
func nameShaped(tok string) bool {
	for _, n := range strings.FieldsFunc(tok, isListSeparator) {
		if strings.ContainsAny(n, "·•・") && validName(n) {
			continue // a minority name: 买买提·艾力
		}
		runes := []rune(n)
		if len(runes) < 2 || len(runes) > 4 || !commonSurname(runes[0]) || !validName(n) {
			return false
		}
		if _, isCategory := shortCategories[n]; isCategory {
			return false
		}
		if _, isTarget := parseTarget(n); isTarget {
			return false
		}
	}
	return tok != ""
}

func (h *Handler) studentSet(r *req) (string, error) {
	a := r.args
	if a.len() < 2 {
		return "", r.usage(studentSetNeedsWhat())
	}
	// /student set 张三 李四 每周2次: the same change for several, in one
	// write, all or none.
	refs, rest, several := h.severalStudents(r, a)
	if !several || len(refs) < 2 {
		ref, i := studentArg(a)
		refs, rest = []string{ref}, a.from(i)
	}
	var toks []string
	for ra, j := newArgs(rest), 0; j < ra.len(); j++ {
		toks = append(toks, ra.at(j))
	}
	o, err := parseStudentOptions(r, toks)
	if err != nil {
		return "", err
	}
	if len(toks) == 0 {
		return "", r.usage(studentSetNeedsChange())
	}
	fs, err := h.resolveStudents(r, refs, false)
	if err != nil {
		return "", err
	}
	var ids []uint64
	for _, f := range fs {
		if !canManageClass(r.me, f.st.ClassID) {
			return "", refuse(studentSetNotYours(report.ClassName(f.class)))
		}
		ids = append(ids, f.st.ID)
	}
	was := map[uint64][]string{}
	sts, err := h.Store.UpdateStudents(r.meta, ids, "student.set", func(s *storage.Student) error {
		was[s.ID] = s.Categories
		if len(o.categories) > 0 {
			s.Categories = orderCategories(o.categories)
		}
		if o.key != nil {
			s.Key = *o.key
		}
		if o.target > 0 {
			s.WeeklyTarget = o.target
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	var replies []string
	for i, st := range sts {
		reply := studentChanged(fs[i].label(), st, len(o.categories) > 0, o.key != nil, o.target > 0, r.private)
		if dropped := categoriesDropped(was[st.ID], st.Categories); len(dropped) > 0 && r.private {
			// The categories written replace the old ones: a teacher who
			// meant to add one is shown what went, and how to keep it.
			ref := fs[i].st.Name // a name written twice is one student
			if len(refs) == len(fs) {
				ref = refs[i] // as written, 初一3班张三 where two share the name
			}
			reply += "\n" + categoriesReplaced(dropped, fmt.Sprintf("/student set %s %s", ref, strings.Join(shortNames(append(dropped, st.Categories...)), " ")))
		}
		replies = append(replies, reply)
	}
	return strings.Join(replies, "\n"), nil
}

// categoriesDropped are those of was no longer in now.
func categoriesDropped(was, now []string) []string {
	var out []string
	for _, c := range was {
		if !slices.Contains(now, c) {
			out = append(out, c)
		}
	}
	return out
}

// shortNames are the categories' short words (学困 留守), in the official order.
func shortNames(categories []string) []string {
	set := map[string]bool{}
	for _, c := range categories {
		set[c] = true
	}
	var out []string
	for _, c := range orderCategories(set) {
		out = append(out, shortCategory[c])
	}
	return out
}

// studentMove moves a student to another class of the school (转班): the
// records, plan, guardians and mentor go with them; the new class's head
// teacher sees them from now on.
func (h *Handler) studentMove(r *req) (string, error) {
	a := r.args
	ref, i := studentArg(a)
	if ref == "" || i >= a.len() {
		return "", r.usage(studentMoveNeedsClass())
	}
	to, ok := parseClass(strings.TrimPrefix(a.from(i), "到"))
	if !ok {
		return "", r.usage(notAClass(clip(a.from(i), 12)))
	}
	f, err := h.resolveStudent(r, ref, true)
	if err != nil {
		return "", err
	}
	if !canManageClass(r.me, f.st.ClassID) {
		return "", refuse(studentMoveNotYours(report.ClassName(f.class)))
	}
	if f.class.Grade == to.grade && f.class.Number == to.number {
		return "", refuse(studentMoveSameClass(f.label()))
	}
	st, c, err := h.Store.MoveStudent(r.meta, f.st.ID, to.grade, to.number)
	if err != nil {
		return "", err
	}
	people, err := h.Store.People()
	if err != nil {
		return "", err
	}
	head, mentor := "", ""
	for _, p := range people {
		if p.IsHeadOf(c.ID) && head == "" {
			head = report.TeacherName(p)
		}
		if st.MentorID != 0 && p.ID == st.MentorID {
			mentor = report.TeacherName(p)
		}
	}
	return studentMoved(st.Name, report.ClassName(f.class), report.ClassName(c), head, mentor), nil
}

func (h *Handler) studentClose(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return "", r.usage(needStudentName())
	}
	ref, i := studentArg(a)
	reason := a.from(i)
	if runeLen(reason) > 50 {
		return "", r.usage(closeReasonTooLong())
	}
	f, _, err := h.closeSupport(r, ref, reason, studentCloseNotYours)
	if err != nil {
		return "", err
	}
	return studentClosed(f.label(), orDefault(reason, noReason())), nil
}

// closeSupport ends a student's support, and a running plan with it, for
// /student close and /计划 结束 alike; hadPlan says whether a plan ended.
func (h *Handler) closeSupport(r *req, ref, reason string, notYours func(class string) string) (f found, hadPlan bool, err error) {
	if f, err = h.resolveStudent(r, ref, false); err != nil {
		return f, false, err
	}
	if f.st.Closed {
		return f, false, refuse(alreadyClosed(f.label()))
	}
	if !canManageClass(r.me, f.st.ClassID) {
		return f, false, refuse(notYours(report.ClassName(f.class)))
	}
	_, err = h.Store.UpdateStudent(r.meta, f.st.ID, "student.close", func(s *storage.Student) error {
		s.Close(reason, r.now)
		return nil
	})
	return f, f.st.Plan.Active(), err
}

func (h *Handler) studentDelete(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return "", r.usage(studentDeleteNeedsName())
	}
	ref, i := studentArg(a)
	confirmed := a.at(i) == "确认" && i+1 == a.len()
	f, err := h.resolveStudent(r, ref, false)
	if err != nil {
		return "", err
	}
	if !confirmed {
		return studentDeleteConfirm(f.label(), report.ClassName(f.class), f.st.Name), nil
	}
	mentions, err := h.mentionsOf(f)
	if err != nil {
		return "", err
	}
	copies, err := h.copiesMade(f.st.ID)
	if err != nil {
		return "", err
	}
	e, err := h.Store.DeleteStudent(r.meta, f.st.ID, mentions)
	if err != nil {
		return "", err
	}
	return studentDeleted(f.label(), e.Sessions, e.Contacts, e.Praise, e.Comments, e.Parents) + "\n" + copiesStillHold(copies), nil
}

// mentionsOf is how chat text names a student: the bare name, unless a
// namesake stays (then only the class-qualified forms are theirs alone).
func (h *Handler) mentionsOf(f found) ([]string, error) {
	same, err := h.Store.StudentsNamed(f.st.Name)
	if err != nil {
		return nil, err
	}
	if len(same) <= 1 {
		return []string{f.st.Name}, nil
	}
	class := report.ClassName(f.class)
	return []string{f.label(), class + f.st.Name, f.st.Name + "(" + class + ")"}, nil
}

// copiesMade lists the exports and backups made while the student was on
// file: they still hold the data after an erasure.
func (h *Handler) copiesMade(studentID uint64) ([]madeCopy, error) {
	entries, err := h.Store.AuditLog(time.Time{}, h.Now().Add(time.Minute))
	if err != nil {
		return nil, err
	}
	var out []madeCopy
	onFile := false // copies from before the student was added hold nothing of them
	for _, e := range entries {
		for _, id := range e.StudentIDs {
			onFile = onFile || id == studentID
		}
		if onFile && (e.Action == "export" || e.Action == "backup") {
			out = append(out, madeCopy{day: report.Day(h.Cal, e.At), backup: e.Action == "backup", file: e.Detail, by: h.personName(e.ActorID)})
		}
	}
	return out, nil
}

func (h *Handler) students(r *req) (string, error) {
	classes, err := h.registerClasses(r)
	if err != nil {
		return "", err
	}
	var registers []classRegister
	var ids []uint64
	for _, c := range classes {
		if !canManageClass(r.me, c.ID) {
			return "", refuse(studentsNotYourClass(report.ClassName(c)))
		}
		sts, err := h.Store.StudentsInClass(c.ID)
		if err != nil {
			return "", err
		}
		var active, closed []storage.Student
		for _, st := range sts {
			ids = append(ids, st.ID)
			if st.Closed {
				closed = append(closed, st)
			} else {
				active = append(active, st)
			}
		}
		if len(active)+len(closed) == 0 {
			continue
		}
		registers = append(registers, classRegister{class: c, active: active, closed: closed})
	}
	if len(registers) == 0 {
		return noStudentsYet(), nil
	}
	if err := r.audit(h, "students", sensitiveTag(r.private), ids...); err != nil {
		return "", err
	}
	return renderRegisters(registers, h.personName, r.private), nil
}

// registerClasses are the classes /students lists: the one named, the
// group's, every class for an admin, else the head teacher's own.
func (h *Handler) registerClasses(r *req) ([]storage.Class, error) {
	var ids []uint64
	switch arg := r.args.from(0); {
	case arg != "":
		c, err := h.classFromArg(r, arg, false)
		return []storage.Class{c}, err
	case r.group != nil && r.group.ClassID != 0:
		ids = []uint64{r.group.ClassID}
	case r.me.Admin:
		return h.Store.Classes()
	default:
		ids = r.me.HeadOf
	}
	var classes []storage.Class
	for _, id := range ids {
		c, err := h.Store.Class(id)
		if err != nil {
			return nil, err
		}
		classes = append(classes, c)
	}
	return classes, nil
}

func (h *Handler) mentor(r *req) (string, error) {
	a := r.args
	if a.len() < 2 {
		return "", r.usage(mentorNeedsBoth())
	}
	// /导师 张三 李四 王老师: one mentor for several students, in one write.
	names, teacherTok, several := h.severalStudents(r, a)
	if !several || len(names) < 2 {
		ref, i := studentArg(a)
		if i >= a.len() {
			return "", r.usage(mentorNeedsTeacher())
		}
		names, teacherTok = []string{ref}, a.from(i)
	}
	if teacherTok == "" {
		return "", r.usage(mentorNeedsTeacher())
	}
	fs, err := h.resolveStudents(r, names, true)
	if err != nil {
		return "", err
	}
	ids := make([]uint64, 0, len(fs))
	labels := make([]string, 0, len(fs))
	for _, f := range fs {
		if !canManageClass(r.me, f.st.ClassID) {
			return "", refuse(mentorNotYours(report.ClassName(f.class)))
		}
		ids, labels = append(ids, f.st.ID), append(labels, f.label())
	}
	matches, err := h.staffNamed(teacherTok)
	if err != nil {
		return "", err
	}
	switch len(matches) {
	case 0:
		// /导师 张三 王六 王老师: the teacher is the last word, so the words
		// before it were meant as students the register lacks.
		if words := strings.Fields(teacherTok); len(words) > 1 {
			if last, err := h.staffNamed(words[len(words)-1]); err == nil && len(last) == 1 {
				return "", refuse(noSuchStudent(clip(words[0], 10)))
			}
		}
		return "", refuse(mentorUnknownTeacher(clip(teacherTok, 10), report.ClassName(fs[0].class)))
	case 1:
	default:
		return "", refuse(mentorAmbiguous(len(matches), clip(teacherTok, 10)))
	}
	t := matches[0]
	if _, err := h.Store.UpdateStudents(r.meta, ids, "student.mentor", func(s *storage.Student) error {
		s.MentorID = t.ID
		return nil
	}); err != nil {
		return "", err
	}
	return mentorAssigned(report.TeacherName(t), strings.Join(labels, "、")), nil
}

// withLink adds, on Telegram, a link that joins in one tap (t.me/<bot>?start=<code>);
// the code stays alone on the last line.
func (h *Handler) withLink(r *req, reply, code string) string {
	name := h.botName()
	if r.msg.Platform != "telegram" || name == "" {
		return reply
	}
	i := strings.LastIndex(reply, "\n")
	return reply[:i] + telegramJoinLink(name, code) + reply[i:]
}

func (h *Handler) inviteTeacher(r *req) (string, error) {
	a := r.args
	inv := storage.Invite{Kind: storage.InviteTeacher}
	var className string
	for i := 0; i < a.len(); i++ {
		t := a.at(i)
		switch {
		case t == "班主任":
			inv.HeadTeacher = true
		case inv.ClassID == 0:
			c, err := h.classFromArg(r, t, true)
			if err != nil {
				return "", err
			}
			inv.ClassID, className = c.ID, report.ClassName(c)
		default:
			return "", r.usage(unknownWord(clip(t, 10)))
		}
	}
	if inv.HeadTeacher && inv.ClassID == 0 {
		return "", r.usage(headTeacherNeedsClass())
	}
	if !r.me.Admin && inv.ClassID == 0 && len(r.me.HeadOf) == 1 {
		// A head teacher of one class invites a teacher of it.
		c, err := h.Store.Class(r.me.HeadOf[0])
		if err != nil {
			return "", err
		}
		inv.ClassID, className = c.ID, report.ClassName(c)
	}
	if !r.me.Admin {
		if inv.HeadTeacher {
			return "", refuse(onlyAdminInvitesHeads())
		}
		if inv.ClassID == 0 || !r.me.IsHeadOf(inv.ClassID) {
			return "", refuse(headInvitesOwnClass(h.firstClassName(r.me)))
		}
	}
	var heads []string
	if inv.HeadTeacher {
		var err error
		if heads, err = h.HeadTeachers(inv.ClassID); err != nil {
			return "", err
		}
	}
	inv, err := h.InviteStaff(r.meta, inv)
	if err != nil {
		return "", err
	}
	reply := teacherInvited(report.TeacherRole(className, inv.HeadTeacher), inv.Code)
	if len(heads) > 0 {
		// A class has one head teacher: the admin is told before the
		// code goes out that it hands the class over.
		reply = headHandsOver(className, enumerate(heads)) + "\n" + reply
	}
	return h.withLink(r, reply, inv.Code), nil
}

// headsOf are the class's head teachers but the person not (0: none).
func (h *Handler) headsOf(classID, not uint64) ([]storage.Person, error) {
	people, err := h.Store.People()
	if err != nil {
		return nil, err
	}
	var out []storage.Person
	for _, p := range people {
		if p.ID != not && p.IsHeadOf(classID) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (h *Handler) firstClassName(p storage.Person) string {
	if len(p.HeadOf) > 0 {
		if c, err := h.Store.Class(p.HeadOf[0]); err == nil {
			return report.ClassName(c)
		}
	}
	return exampleClass()
}

func (h *Handler) inviteParent(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return "", r.usage(needStudentName())
	}
	ref, i := studentArg(a)
	// 张三的奶奶, 张三 的 奶奶: as people say whom the code is for.
	if name, rel, ok := strings.Cut(ref, "的"); ok && name != "" && i == a.len() {
		if _, known := contactWhom[rel]; known {
			ref, a, i = name, newArgs(name+" "+rel), 1
		}
	}
	if a.at(i) == "的" {
		a = newArgs(a.between(0, i) + " " + a.from(i+1))
	}
	relation := parentRelation()
	if i < a.len() {
		w, ok := contactWhom[a.at(i)]
		if !ok && h.isStudent(r, parseStudentRef(a.at(i)).name) {
			// /invite parent 张三 李四 妈妈: a code binds one child.
			return "", refuse(inviteParentOneChild(ref, a.at(i), a.from(i+1)))
		}
		if !ok || w == "本人" || i+1 < a.len() {
			return "", r.usage(relationChoices())
		}
		relation = w
	}
	f, err := h.resolveStudent(r, ref, true)
	if err != nil {
		return "", err
	}
	if !privileged(r.me, f.st) {
		return "", refuse(inviteParentNotYours(f.label()))
	}
	parents, err := h.parentsOf(f.st.ID)
	if err != nil {
		return "", err
	}
	bound := 0 // accounts already bound as this relation: a new phone, or a second account?
	for _, p := range parents {
		for _, l := range p.Parents {
			if l.StudentID == f.st.ID && l.Relation == relation {
				bound++
			}
		}
	}
	inv, err := h.Store.CreateInvite(r.meta, storage.Invite{Kind: storage.InviteParent, StudentID: f.st.ID, ClassID: f.st.ClassID, Relation: relation})
	if err != nil {
		return "", err
	}
	return h.withLink(r, parentInvited(f.label(), f.st.Name, relation, bound, inv.Code), inv.Code), nil
}

func (h *Handler) inviteAdmin(r *req) (string, error) {
	if r.args.len() > 0 {
		return "", r.usage(inviteAdminNoArgs())
	}
	inv, err := h.InviteStaff(r.meta, storage.Invite{Kind: storage.InviteAdmin})
	if err != nil {
		return "", err
	}
	return h.withLink(r, adminInvited(inv.Code), inv.Code), nil
}

// NormalizeCode accepts codes typed in lower case or with spaces and dashes.
func NormalizeCode(s string) string {
	s = strings.ToUpper(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

func validCode(code string) bool {
	if len(code) != 8 {
		return false
	}
	for _, c := range code {
		if !strings.ContainsRune(storage.InviteAlphabet, c) {
			return false
		}
	}
	return true
}

func (h *Handler) join(r *req) (string, error) {
	code := NormalizeCode(r.args.from(0))
	if code == "" {
		return "", r.usage(joinNeedsCode())
	}
	keys := []string{"person:" + strconv.FormatUint(r.me.ID, 10), "chat:" + r.msg.Platform + ":" + r.msg.Chat.ID}
	if wait, stopped := h.joinGuard.wait(keys, r.now); wait > 0 {
		if stopped {
			return "", refuse(joinStopped(minutesUp(wait)))
		}
		return "", refuse(joinSlowDown(minutesUp(wait)))
	}
	if !validCode(code) { // a typo probes no code: not counted
		if !r.private {
			return "", refuse(joinPrivately())
		}
		return "", r.usage(joinBadCode())
	}
	if !r.private {
		// Everyone in the group has read the code: whoever used it first
		// would be bound to the child. It is voided; the teacher issues
		// another, to be sent privately.
		voided, err := h.Store.RevokeInvite(r.meta, code)
		if err != nil {
			return "", err
		}
		if !voided {
			h.joinFailed(keys, r.now) // no live code: counted as a guess
			return joinPrivately(), nil
		}
		return joinCodeVoided(), nil
	}
	// Who heads which class before the code is used: a head-teacher code
	// hands a class over, and the one who headed it is told.
	before, err := h.Store.People()
	if err != nil {
		return "", err
	}
	inv, p, err := h.Store.UseInvite(r.meta, code, r.me.ID)
	if err != nil {
		if c := storage.ErrorCode(err); c == storage.ENotFound || c == storage.EExpired || c == storage.EConflict {
			h.joinFailed(keys, r.now)
		}
		return "", err
	}
	h.joinGuard.succeeded(keys)
	switch inv.Kind {
	case storage.InviteAdmin:
		return welcomeAdmin(p.Name, h.School), nil
	case storage.InviteTeacher:
		class := ""
		if inv.ClassID != 0 {
			c, _ := h.Store.Class(inv.ClassID)
			class = report.ClassName(c)
		}
		welcome := welcomeTeacher(report.TeacherName(p), h.School, report.TeacherRole(class, inv.HeadTeacher))
		if inv.HandsOverHead() {
			var was []string
			for _, old := range before {
				if old.ID == p.ID || !old.IsHeadOf(inv.ClassID) {
					continue
				}
				was = append(was, report.TeacherName(old))
				if acc, ok := old.Reachable(); ok {
					r.extra = append(r.extra, bot.Outgoing{Platform: acc.Platform, Chat: bot.Chat{ID: acc.ChatID, Kind: bot.Private, Title: old.Name},
						Text: headHandedOver(report.TeacherName(p), class)})
				}
			}
			if len(was) > 0 {
				welcome += "\n" + headTookOver(class, enumerate(was))
			}
		}
		return welcome, nil
	default:
		st, err := h.Store.Student(inv.StudentID)
		if err != nil {
			return "", err
		}
		return welcomeParent(st.Name, inv.Relation), nil
	}
}

// joinFailed counts a wrong code and tells the admins of a burst.
func (h *Handler) joinFailed(keys []string, now time.Time) {
	if n := h.joinGuard.failed(keys, now); n > 0 {
		h.NotifyAdmins(joinBurst(n, int(joinBurstWindow/time.Minute)), "")
	}
}

// minutesUp rounds a wait up to whole minutes.
func minutesUp(d time.Duration) int { return int((d + time.Minute - 1) / time.Minute) }

// rename sets the name a teacher is called by, in place of the platform's
// display name (a WeChat nickname like 🌈阳光): one no other staff member
// has, so that /mentor and /teacher remove can tell them apart.
func (h *Handler) rename(r *req) (string, error) {
	if r.args.len() == 0 {
		return "", r.usage(nameNeeded())
	}
	name := r.args.from(0)
	if r.args.len() > 1 || !plausibleName(name) {
		return "", r.usage(nameBad(clip(name, 12)))
	}
	same, err := h.staffNamed(name)
	if err != nil {
		return "", err
	}
	for _, p := range same {
		if p.ID != r.me.ID {
			return "", refuse(nameTaken(report.TeacherName(storage.Person{Name: name})))
		}
	}
	p, err := h.Store.UpdatePerson(r.meta, r.me.ID, "person.rename", func(p *storage.Person) error {
		p.Name, p.NameChosen = name, true
		return nil
	})
	if err != nil {
		return "", err
	}
	return renamed(report.TeacherName(p)), nil
}

// plausibleName: letters only (Chinese or Latin, a middle dot), at most 12.
func plausibleName(name string) bool {
	n := 0
	for _, c := range name {
		n++
		if !unicode.IsLetter(c) && c != '·' && c != '.' {
			return false
		}
	}
	return n >= 1 && n <= 12
}

func (h *Handler) mute(r *req) (string, error) { return h.setMuted(r, true) }

func (h *Handler) unmute(r *req) (string, error) { return h.setMuted(r, false) }

func (h *Handler) setMuted(r *req, muted bool) (string, error) {
	_, err := h.Store.UpdatePerson(r.meta, r.me.ID, map[bool]string{true: "parent.mute", false: "parent.unmute"}[muted], func(p *storage.Person) error {
		p.Muted = muted
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return "", refuse(muteNotBound())
	}
	if err != nil {
		return "", err
	}
	if muted {
		return mutedReply(), nil
	}
	return unmuted(), nil
}

// teacherRemove takes a departed teacher's access away at once and keeps
// their records: their mentees lose their mentor first (so a crash between
// the writes leaves nobody's reminders going to someone gone, and the
// command, sent again, finishes), then the person loses every role.
func (h *Handler) teacherRemove(r *req) (string, error) {
	name := r.args.from(0)
	if name == "" {
		return "", r.usage(teacherRemoveNeedsName())
	}
	people, err := h.Store.People()
	if err != nil {
		return "", err
	}
	found := staffNamed(people, name)
	if len(found) > 1 {
		return "", refuse(teacherRemoveAmbiguous(clip(name, 10), len(found)))
	}
	if len(found) == 0 {
		// The admin is told who the school's staff are, so the next try
		// names one of them.
		var staff []string
		for _, p := range people {
			if p.IsStaff() && p.ID != r.me.ID {
				staff = append(staff, p.Name)
			}
		}
		sort.Strings(staff)
		return "", refuse(teacherRemoveUnknown(clip(name, 10), staff))
	}
	t := found[0]
	if t.ID == r.me.ID {
		return "", refuse(teacherRemoveSelf())
	}
	students, err := h.Store.AllStudents()
	if err != nil {
		return "", err
	}
	unmarked := r.meta
	unmarked.MsgKey, unmarked.Reply = "", nil // only the last write marks the message
	var mentees []string
	example := ""
	for _, st := range students {
		if st.MentorID != t.ID {
			continue
		}
		if _, err := h.Store.UpdateStudent(unmarked, st.ID, "student.mentor.departed", func(s *storage.Student) error {
			s.MentorID = 0
			return nil
		}); err != nil {
			return "", err
		}
		if !st.Closed {
			mentees = append(mentees, st.Name)
			if example == "" {
				example = st.Name
			}
		}
	}
	// The classes they headed are left without a head teacher: said, with
	// the invite that fills the place.
	var headed []string
	for _, id := range t.HeadOf {
		if c, err := h.Store.Class(id); err == nil {
			headed = append(headed, report.ClassName(c))
		}
	}
	if _, err := h.Store.UpdatePerson(r.meta, t.ID, "teacher.remove", func(p *storage.Person) error {
		p.Admin, p.Teacher, p.HeadOf = false, false, nil
		return nil
	}); err != nil {
		return "", err
	}
	return teacherRemoved(report.TeacherName(t), mentees, example, headed), nil
}

// parentRemove unbinds a parent from a child; a person left with no role
// keeps their account but sees and receives nothing.
func (h *Handler) parentRemove(r *req) (string, error) {
	a := r.args
	if a.len() < 2 {
		return "", r.usage(parentRemoveNeedsBoth())
	}
	ref, i := studentArg(a)
	relation, ok := contactWhom[a.at(i)]
	if !ok || i+1 < a.len() {
		return "", r.usage(relationChoices())
	}
	f, err := h.resolveStudent(r, ref, false)
	if err != nil {
		return "", err
	}
	if !canManageClass(r.me, f.st.ClassID) {
		return "", refuse(parentRemoveNotYours(f.label()))
	}
	parents, err := h.parentsOf(f.st.ID)
	if err != nil {
		return "", err
	}
	var bound []storage.Person
	for _, p := range parents {
		for _, l := range p.Parents {
			if l.StudentID == f.st.ID && l.Relation == relation {
				bound = append(bound, p)
				break
			}
		}
	}
	if len(bound) == 0 {
		return "", refuse(parentRemoveNotFound(f.label(), relation))
	}
	unmarked := r.meta
	unmarked.MsgKey, unmarked.Reply = "", nil
	for k, p := range bound {
		m := unmarked
		if k == len(bound)-1 {
			m = r.meta // the last write marks the message
		}
		if _, err := h.Store.UpdatePerson(m, p.ID, "parent.unbind", func(p *storage.Person) error {
			kept := p.Parents[:0]
			for _, l := range p.Parents {
				if l.StudentID != f.st.ID {
					kept = append(kept, l)
				}
			}
			p.Parents = kept
			return nil
		}); err != nil {
			return "", err
		}
	}
	return parentRemoved(f.label(), relation, len(bound)), nil
}

// JoinCode is the code of a /join line (or /start <code> from a Telegram
// link) as /join reads it; ok is false for any other message. A county's
// shared account routes the line to the school that issued the code.
func (h *Handler) JoinCode(text string) (code string, ok bool) {
	line, ok := splitCommand(Normalize(text))
	if !ok {
		return "", false
	}
	sp, rest := h.lookup(line.word, line.rest)
	if sp == nil || sp.name != "join" {
		return "", false
	}
	code = NormalizeCode(newArgs(rest).from(0))
	return code, code != ""
}
