package commands

import (
	"regexp"
	"strings"
	"sync"
	"time"

	"bangfu/commands/report"
	"bangfu/storage"
)

// Guardians (监护人) are kept on the student's file: who the far-away
// parents are and where they work, who looks after the child at home, and
// how to reach them. Only the head teacher, the mentor and admins see them,
// in private.

var (
	// A mobile is 11 digits from 1; a landline has its area code from 0, or
	// is 7–8 local digits, which never begin with 0 or 1 (1380000 is a
	// mobile missing digits, not a landline).
	phoneRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(1\d{10}|0\d{2,3}-?\d{7,8}|[2-9]\d{6,7})$`) })
	// phoneShapedRE is a word meant as a phone number: digits and dashes.
	phoneShapedRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\d-]{5,}$`) })
	workRE        = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:在)?(.*?)(?:务工|打工|上班|工作)$`) })
	guardRole     = map[string]string{
		"在家": "home", "在家照看": "home", "照看": "home", "代管": "home", "代管家长": "home", "在家带": "home", "带孩子": "home",
		"外出务工": "away", "在外务工": "away", "外出打工": "away", "在外打工": "away", "务工": "away", "打工": "away", "外出": "away",
	}
)

// guardianFields is what one /guardian add or set line says.
type guardianFields struct {
	relation, name, phone, where string
	away, home, awaySet          bool
}

// parseGuardianFields reads the words after the relation: a phone number,
// 在家照看 or 在东莞务工, and at most one name. bad is the word not understood.
func parseGuardianFields(a args, from int) (f guardianFields, bad string) {
	for i := from; i < a.len(); i++ {
		tok := a.at(i)
		if phone, last, ok := phoneAt(a, i); ok {
			f.phone, i = phone, last
			continue
		}
		switch {
		case guardRole[tok] == "home":
			f.home, f.away, f.awaySet = true, false, true
		case guardRole[tok] == "away":
			f.away, f.home, f.awaySet = true, false, true
		case workRE().MatchString(tok) && runeLen(tok) > 2:
			f.away, f.home, f.awaySet = true, false, true
			f.where = workRE().FindStringSubmatch(tok)[1]
		case strings.HasPrefix(tok, "务工地点") || strings.HasPrefix(tok, "地点"):
			w := strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(tok, "务工"), "地点"), ":：")
			if w == "" {
				return f, tok
			}
			f.away, f.home, f.awaySet, f.where = true, false, true, w
		case f.name == "" && validName(tok) && runeLen(tok) <= 6:
			f.name = tok
		default:
			return f, tok
		}
	}
	if runeLen(f.where) > 30 {
		return f, f.where
	}
	return f, ""
}

// phoneAt reads a phone number starting at field i as people write one:
// 13800000000, 138-0000-0000, or 138 0000 0000 over several fields; last
// is the field it ends at.
func phoneAt(a args, i int) (phone string, last int, ok bool) {
	if phoneRE().MatchString(a.at(i)) { // as written: 0571-88888888 keeps its dash
		return a.at(i), i, true
	}
	digits := func(s string) string { return strings.ReplaceAll(s, "-", "") }
	joined := digits(a.at(i))
	if !isDigits(joined) {
		return "", i, false
	}
	for last = i; !phoneRE().MatchString(joined) && len(joined) < 11 && last+1 < a.len() && isDigits(digits(a.at(last+1))); last++ {
		joined += digits(a.at(last + 1))
	}
	if phoneRE().MatchString(joined) {
		return joined, last, true
	}
	return "", i, false
}

// guardianRelation reads the relation word (爸爸, 奶奶 …); 本人 and the
// catch-alls 监护人 and 代管家长 do not name a person.
func guardianRelation(tok string) (string, bool) {
	rel, ok := contactWhom[tok]
	if !ok || rel == "本人" || rel == "监护人" || rel == "代管家长" {
		return "", false
	}
	return rel, true
}

// guardianStudent resolves the student and checks the reader may see the
// guardians (the file's privileged readers).
func (h *Handler) guardianStudent(r *req, ref string, forRecord bool) (found, error) {
	f, err := h.resolveStudent(r, ref, forRecord)
	if err != nil {
		return f, err
	}
	if !privileged(r.me, f.st) {
		return f, refuse(guardianNotYours(f.label()))
	}
	return f, nil
}

// guardians lists a student's guardians with the home contacts each had.
func (h *Handler) guardians(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return "", r.usage(needStudentName())
	}
	ref, i := studentArg(a)
	if i < a.len() {
		return "", r.usage(guardianListTakesName())
	}
	f, err := h.guardianStudent(r, ref, false)
	if err != nil {
		return "", err
	}
	term := h.Cal.TermAt(r.now)
	from := term.Start
	if from.IsZero() || from.After(r.now) {
		from = h.Cal.MonthStart(r.now).AddDate(0, -5, 0)
	}
	contacts, err := h.Store.Contacts(f.st.ID, from, r.now.Add(time.Second))
	if err != nil {
		return "", err
	}
	people, err := h.Store.People()
	if err != nil {
		return "", err
	}
	if err := r.audit(h, "guardian.read", "", f.st.ID); err != nil {
		return "", err
	}
	monthStart := h.Cal.MonthStart(r.now)
	var views []guardianView
	for _, g := range f.st.Guardians {
		v := guardianView{g: g, since: dayOf(h, g.Since)}
		if !g.Current() {
			v.until = dayOf(h, g.Until)
		}
		for _, p := range people {
			for _, l := range p.Parents {
				if l.StudentID == f.st.ID && l.Relation == g.Relation {
					v.bound = true
				}
			}
		}
		for _, call := range f.st.Calls {
			if call.Relation == g.Relation && g.Away {
				v.called = dayOf(h, call.At)
			}
		}
		if g.Current() {
			for _, c := range contacts {
				if !contactWith(c, g, f.st) {
					continue
				}
				v.term++
				if !c.At.Before(monthStart) {
					v.month++
				}
				if c.At.After(v.lastAt) {
					v.lastAt = c.At
				}
			}
			if !v.lastAt.IsZero() {
				v.last = dayOf(h, v.lastAt)
			}
		}
		views = append(views, v)
	}
	return renderGuardians(f.label(), f.st.Name, views), nil
}

// contactWith: a contact counts for the guardian it names, and one with
// 代管家长 for the one relative looking after the child at home.
func contactWith(c storage.Contact, g storage.Guardian, st storage.Student) bool {
	if !c.WithFamily() { // the family's own message is no contact the school made
		return false
	}
	if c.Whom == g.Relation {
		return true
	}
	if c.Whom != "代管家长" || !g.AtHome {
		return false
	}
	n := 0
	for _, x := range st.CurrentGuardians() {
		if x.AtHome {
			n++
		}
	}
	return n == 1
}

// guardianLine reads /监护人 添加 and 修改: the student, the relation and
// what is said of the guardian.
func guardianLine(r *req) (ref, rel string, fields guardianFields, err error) {
	a := r.args
	ref, i := studentArg(a)
	if a.len() == 0 || i >= a.len() {
		return "", "", fields, r.usage(guardianNeedsRelation())
	}
	rel, ok := guardianRelation(a.at(i))
	if !ok {
		return "", "", fields, r.usage(guardianUnknownRelation(clip(a.at(i), 8)))
	}
	fields, bad := parseGuardianFields(a, i+1)
	if bad != "" {
		if phoneShapedRE().MatchString(bad) {
			return "", "", fields, r.usage(guardianBadPhone(clip(bad, 16)))
		}
		return "", "", fields, r.usage(guardianUnknownWord(clip(bad, 12)))
	}
	return ref, rel, fields, nil
}

// guardianAdd registers a guardian from today.
func (h *Handler) guardianAdd(r *req) (string, error) {
	ref, rel, fields, err := guardianLine(r)
	if err != nil {
		return "", err
	}
	f, err := h.guardianStudent(r, ref, true)
	if err != nil {
		return "", err
	}
	today := h.Cal.Day(r.now)
	saved, err := h.Store.UpdateStudent(r.meta, f.st.ID, "guardian.add", func(s *storage.Student) error {
		no := 1
		for _, g := range s.Guardians {
			if g.Current() && g.Relation == rel {
				return refuse(guardianAlready(f.label(), rel, f.st.Name))
			}
			if g.No >= no {
				no = g.No + 1
			}
		}
		s.Guardians = append(s.Guardians, storage.Guardian{No: no, Relation: rel, Name: fields.name, Phone: fields.phone,
			Away: fields.away, Where: fields.where, AtHome: fields.home, Since: today})
		return nil
	})
	if err != nil {
		return "", err
	}
	return guardianAdded(f.label(), rel, len(saved.CurrentGuardians()), f.st.Name), nil
}

// guardianSet changes what is known of a current guardian: a new phone, a
// new place of work, home again.
func (h *Handler) guardianSet(r *req) (string, error) {
	ref, rel, fields, err := guardianLine(r)
	if err != nil {
		return "", err
	}
	if fields == (guardianFields{}) {
		return "", r.usage(guardianSetNothing())
	}
	f, err := h.guardianStudent(r, ref, true)
	if err != nil {
		return "", err
	}
	_, err = h.Store.UpdateStudent(r.meta, f.st.ID, "guardian.set", func(s *storage.Student) error {
		for k := range s.Guardians {
			g := &s.Guardians[k]
			if !g.Current() || g.Relation != rel {
				continue
			}
			if fields.name != "" {
				g.Name = fields.name
			}
			if fields.phone != "" {
				g.Phone = fields.phone
			}
			if fields.awaySet {
				g.Away, g.AtHome = fields.away, fields.home
				if fields.away {
					g.Where = fields.where
				} else {
					g.Where = ""
				}
			}
			return nil
		}
		return refuse(guardianNone(f.label(), rel, f.st.Name))
	})
	if err != nil {
		return "", err
	}
	return guardianUpdated(f.label(), rel, f.st.Name), nil
}

// guardianRemove ends a guardianship from today; the entry stays, dated,
// so the register shows who looked after the child when.
func (h *Handler) guardianRemove(r *req) (string, error) {
	a := r.args
	ref, i := studentArg(a)
	if a.len() == 0 || i >= a.len() {
		return "", r.usage(guardianNeedsRelation())
	}
	rel, ok := guardianRelation(a.at(i))
	if !ok || i+1 < a.len() {
		return "", r.usage(guardianUnknownRelation(clip(a.from(i), 8)))
	}
	f, err := h.guardianStudent(r, ref, false)
	if err != nil {
		return "", err
	}
	today := h.Cal.Day(r.now)
	_, err = h.Store.UpdateStudent(r.meta, f.st.ID, "guardian.remove", func(s *storage.Student) error {
		for k := range s.Guardians {
			if g := &s.Guardians[k]; g.Current() && g.Relation == rel {
				g.Until = today
				return nil
			}
		}
		return refuse(guardianNone(f.label(), rel, f.st.Name))
	})
	if err != nil {
		return "", err
	}
	return guardianRemoved(f.label(), rel, f.st.Name), nil
}

func dayOf(h *Handler, t time.Time) string { return report.Day(h.Cal, t) }
