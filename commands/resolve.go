package commands

import (
	"sort"
	"strings"
	"unicode/utf8"

	"bangfu/commands/report"
	"bangfu/storage"
)

// found is a resolved student with their class.
type found struct {
	st    storage.Student
	class storage.Class
}

func (f found) label() string { return studentLabel(f.st, f.class) }

// resolveStudent turns how the message names a student into one student.
// Same-name students need their class; a closed student is refused for new
// records (forRecord) but can still be read. Its length is the ways of naming
// a student, in the order they are tried.
func (h *Handler) resolveStudent(r *req, ref string, forRecord bool) (found, error) {
	sr := parseStudentRef(ref)
	if sr.name == "" {
		return found{}, r.usage(needStudentName())
	}
	all, err := h.studentsNamed(r, sr.name)
	if err != nil {
		return found{}, err
	}
	var near []storage.Student // names it may have meant, when none is exactly it
	if len(all) == 0 && rolesOf(r.me) != rParent {
		if all, near, err = h.nearNames(sr.name); err != nil {
			return found{}, err
		}
	}
	var cands []found
	for _, st := range all {
		c, err := h.Store.Class(st.ClassID)
		if err != nil {
			continue
		}
		if sr.hasClass && (c.Grade != sr.class.grade || c.Number != sr.class.number) {
			continue
		}
		cands = append(cands, found{st, c})
	}
	if rolesOf(r.me) == rParent { // parents only ever reach their own child
		kept := cands[:0]
		for _, f := range cands {
			if r.me.IsParentOf(f.st.ID) {
				kept = append(kept, f)
			}
		}
		cands = kept
		if len(cands) == 0 {
			return found{}, refuse(parentOwnChildOnly())
		}
	}
	if len(cands) == 0 {
		if sr.hasClass {
			return found{}, refuse(noSuchStudentInClass(sr.class.name(), sr.name))
		}
		if len(near) > 0 {
			var names []string
			for _, st := range near {
				if c, err := h.Store.Class(st.ClassID); err == nil {
					names = append(names, studentLabel(st, c))
				}
			}
			return found{}, refuse(noSuchStudentMaybe(sr.name, enumerate(names)))
		}
		return found{}, refuse(noSuchStudent(sr.name))
	}
	var active []found
	for _, f := range cands {
		if !f.st.Closed {
			active = append(active, f)
		}
	}
	pick := active
	if len(pick) == 0 {
		pick = cands
	}
	if len(pick) > 1 {
		var classes []string
		for _, f := range pick {
			classes = append(classes, report.ClassName(f.class))
		}
		sort.Strings(classes)
		example := strings.Replace(r.spec.example, "张三", report.ClassName(pick[0].class)+sr.name, 1)
		if !strings.Contains(r.spec.example, "张三") {
			example = r.spec.example
		}
		return found{}, refuse(sameNameStudents(len(pick), sr.name, enumerate(classes), example))
	}
	f := pick[0]
	if forRecord && f.st.Closed {
		reason := f.st.ClosedReason
		if reason == "" {
			reason = noReason()
		}
		if f.class.Graduated != 0 {
			return found{}, refuse(supportEndedGraduated(f.label(), reason))
		}
		return found{}, refuse(supportEnded(f.label(), reason, report.ClassName(f.class), f.st.Name))
	}
	return f, nil
}

// nearNames looks, for a name no student has, for the ones it may mean:
// the same letters in another case (tom for Tom) are taken as that name;
// a name that starts with it or holds it (阿依古丽 for 阿依古丽·买买提), or
// one character off it (张三风 for 张三丰, 李晓四 for 李小四: the pinyin
// keyboard's homophones; a two-character name keeps its surname) is
// offered, at most three. It reads the register: only when nothing matched.
func (h *Handler) nearNames(name string) (same, near []storage.Student, err error) {
	if utf8.RuneCountInString(name) < 2 {
		return nil, nil, nil
	}
	all, err := h.Store.AllStudents()
	if err != nil {
		return nil, nil, err
	}
	for _, st := range all {
		switch {
		case strings.EqualFold(st.Name, name):
			same = append(same, st)
		case len(near) < 3 && !st.Closed && (strings.Contains(st.Name, name) || typedFor(st.Name, name)):
			near = append(near, st)
		}
	}
	return same, near, nil
}

// privileged: the student's head teacher, mentor and admins may see the
// sensitive parts of the file (categories, notes, contact contents).
func privileged(p storage.Person, st storage.Student) bool {
	return p.Admin || p.IsHeadOf(st.ClassID) || (st.MentorID != 0 && st.MentorID == p.ID)
}

// sensitiveOK: privileged and in a private chat.
func (r *req) sensitiveOK(st storage.Student) bool { return r.private && privileged(r.me, st) }

// sight is what one reader may see of a student's file, on a need to know:
// the head teacher, the mentor and admins see everything in private; any
// other teacher sees names and counts, and in private the text of what they
// recorded themselves, never others' notes, contact contents or comments;
// in a group nobody sees any text.
type sight struct {
	me      uint64
	all     bool // privileged for this student
	private bool
}

func (r *req) sight(st storage.Student) sight {
	return sight{me: r.me.ID, all: privileged(r.me, st), private: r.private}
}

// text: may this reader see the words of a record by author?
func (s sight) text(author uint64) bool { return s.private && (s.all || author == s.me) }

// categories: may this reader see the student's categories?
func (s sight) categories() bool { return s.private && s.all }

// canManageClass: admins, and the class's head teacher.
func canManageClass(p storage.Person, classID uint64) bool { return p.Admin || p.IsHeadOf(classID) }

// personName looks up a person's display name, "" when unknown.
func (h *Handler) personName(id uint64) string {
	if id == 0 {
		return ""
	}
	p, err := h.Store.Person(id)
	if err != nil {
		return ""
	}
	return report.TeacherName(p)
}

// classFromArg reads a class name or reports a clear error.
func (h *Handler) classFromArg(r *req, s string, create bool) (storage.Class, error) {
	if n, bare := bareClassNumber(s); bare && !create {
		return h.classNumbered(r, n, s)
	}
	ref, ok := parseClass(s)
	if !ok {
		return storage.Class{}, r.usage(notAClass(clip(s, 12)))
	}
	if create {
		return h.Store.EnsureClass(ref.grade, ref.number)
	}
	c, ok, err := h.Store.ClassByGrade(ref.grade, ref.number)
	if err != nil {
		return c, err
	}
	if !ok {
		return c, refuse(noStudentsInClass(ref.name()))
	}
	return c, nil
}

// bareClassNumber reads a class written without its grade: 3班, (3)班.
func bareClassNumber(s string) (int, bool) {
	if _, isClass := parseClass(s); isClass || !strings.HasSuffix(s, "班") {
		return 0, false
	}
	c, ok := parseClass("初一" + s)
	return c.number, ok
}

// classNumbered finds the class a teacher means by 3班: the one they head,
// else the school's only class numbered so; several are asked about.
func (h *Handler) classNumbered(r *req, n int, written string) (storage.Class, error) {
	all, err := h.Store.Classes()
	if err != nil {
		return storage.Class{}, err
	}
	var found []storage.Class
	for _, c := range all {
		if c.Number != n || c.Graduated != 0 {
			continue
		}
		if r.me.IsHeadOf(c.ID) {
			return c, nil
		}
		found = append(found, c)
	}
	switch len(found) {
	case 0:
		return storage.Class{}, r.usage(noClassNumbered(clip(written, 12)))
	case 1:
		return found[0], nil
	}
	var names []string
	for _, c := range found {
		names = append(names, classRef{grade: c.Grade, number: c.Number}.name())
	}
	return storage.Class{}, r.usage(whichClassNumbered(clip(written, 12), strings.Join(names, "、")))
}

// shortCategories maps what teachers type to the eight kinds, the names
// schools' own plans use included (学困生, 后进生, 随迁子女).
var shortCategories = map[string]string{
	"贫困": "家庭贫困", "家庭贫困": "家庭贫困", "贫困生": "家庭贫困", "贫困家庭": "家庭贫困", "家庭困难": "家庭贫困",
	"学困": "学习困难", "学习困难": "学习困难", "学困生": "学习困难", "后进生": "学习困难", "学习困难生": "学习困难",
	"单亲": "单亲或父母双亡", "单亲或父母双亡": "单亲或父母双亡", "父母双亡": "单亲或父母双亡", "单亲家庭": "单亲或父母双亡", "孤儿": "单亲或父母双亡",
	"外来务工": "外来务工人员子女", "外来务工人员子女": "外来务工人员子女", "务工": "外来务工人员子女",
	"随迁子女": "外来务工人员子女", "进城务工人员随迁子女": "外来务工人员子女", "农民工子女": "外来务工人员子女",
	"留守": "留守儿童", "留守儿童": "留守儿童", "留守学生": "留守儿童",
	"残疾": "随班就读残疾儿童", "随班就读": "随班就读残疾儿童", "随班就读残疾儿童": "随班就读残疾儿童", "残疾儿童": "随班就读残疾儿童", "残疾学生": "随班就读残疾儿童",
	"优越": "家庭条件特别优越", "家庭条件特别优越": "家庭条件特别优越",
	"优秀": "学习成绩特别优秀", "学习成绩特别优秀": "学习成绩特别优秀",
}

// shortCategory is the short word of each category, as the help writes it.
var shortCategory = map[string]string{
	"家庭贫困": "贫困", "学习困难": "学困", "单亲或父母双亡": "单亲", "外来务工人员子女": "外来务工",
	"留守儿童": "留守", "随班就读残疾儿童": "残疾", "家庭条件特别优越": "优越", "学习成绩特别优秀": "优秀",
}

const categoryHint = "类别可以写：贫困 学困 单亲 外来务工 留守 残疾 优越 优秀"

// orderCategories keeps the eight kinds in their official order.
func orderCategories(set map[string]bool) []string {
	var out []string
	for _, c := range report.Categories {
		if set[c] {
			out = append(out, c)
		}
	}
	return out
}

// typedFor: typed, one character off, for name (two characters: the
// given name's).
func typedFor(name, typed string) bool {
	a, b := []rune(name), []rune(typed)
	return oneRuneOff(a, b) && (len(a) > 2 || a[0] == b[0])
}
