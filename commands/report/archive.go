package report

import (
	"sort"
	"time"

	"bangfu/commands/cadence"
	"bangfu/storage"
)

// Archive is the semester's support archive of one class or the whole
// school: the register and every record so far, with each student's and
// each mentor's fulfilment. It holds categories and notes: it goes only to
// those allowed to export.
type Archive struct {
	ClassID  uint64 // 0: the whole school
	Classes  map[uint64]storage.Class
	Students []storage.Student // by class, then in the order added
	Names    Names
	Sessions []storage.Session
	Contacts []storage.Contact
	Praise   []storage.Praise
	Comments []storage.Comment // by student
	Stats    []StudentStats    // one per student, in Students' order
	Mentors  []MentorStats     // in the order mentors first appear
	// Rhythm is each rule of the school's rhythm for each student, as it
	// stands (done or owed), when the school has one.
	Rhythm []cadence.Item
}

// StudentStats are one student's semester figures.
type StudentStats struct {
	Student       storage.Student
	Sessions      int
	Minutes       int
	Percent       int // of the weekly targets met, sessions capped per week
	ContactMonths int // months with at least one contact the school made with the family
}

// MentorStats are one mentor's semester figures over their students.
type MentorStats struct {
	MentorID                    uint64
	Students, Sessions, Minutes int
	Percent                     int
}

// Class is the class of one of the archive's students.
func (a Archive) Class(studentID uint64) storage.Class {
	for _, s := range a.Students {
		if s.ID == studentID {
			return a.Classes[s.ClassID]
		}
	}
	return storage.Class{}
}

// BuildArchive reads one class (or the school when classID is 0) from the
// semester's start to now, with one scan per kind of record.
func BuildArchive(st Reader, cal storage.Calendar, classID uint64, now time.Time) (Archive, error) {
	a := Archive{ClassID: classID, Classes: map[uint64]storage.Class{}}
	if err := a.register(st, classID); err != nil {
		return a, err
	}
	var err error
	if classID == 0 {
		if a.Names, err = PeopleNames(st); err != nil {
			return a, err
		}
	}
	in := map[uint64]bool{}
	for _, s := range a.Students {
		in[s.ID] = true
	}
	term := cal.TermAt(now)
	from, to := term.Start, earlier(now.Add(time.Second), term.End.AddDate(0, 0, 1))
	if classID != 0 {
		// One class: its students' records only, a seek each, so a class's
		// archive costs the same in a big school as in a small one.
		for _, s := range a.Students {
			ss, err := st.Sessions(s.ID, from, to)
			if err != nil {
				return a, err
			}
			cs, err := st.Contacts(s.ID, from, to)
			if err != nil {
				return a, err
			}
			ps, err := st.PraiseOf(s.ID, from, to)
			if err != nil {
				return a, err
			}
			cms, err := st.Comments(s.ID, term.Key())
			if err != nil {
				return a, err
			}
			a.Sessions, a.Contacts, a.Praise, a.Comments = append(a.Sessions, ss...), append(a.Contacts, cs...), append(a.Praise, ps...), append(a.Comments, cms...)
		}
		a.Names = NamesOf(st, a.people()...)
		a.tally(cal, now)
		return a, nil
	}
	sessions, err := st.SessionsBetween(from, to)
	if err != nil {
		return a, err
	}
	a.Sessions = keep(sessions, func(s storage.Session) bool { return in[s.StudentID] })
	contacts, err := st.ContactsBetween(from, to)
	if err != nil {
		return a, err
	}
	a.Contacts = keep(contacts, func(c storage.Contact) bool { return in[c.StudentID] })
	praise, err := st.PraiseBetween(from, to)
	if err != nil {
		return a, err
	}
	a.Praise = keep(praise, func(p storage.Praise) bool { return in[p.StudentID] })
	comments, err := st.AllComments(term.Key())
	if err != nil {
		return a, err
	}
	sort.Slice(comments, func(i, j int) bool { return comments[i].StudentID < comments[j].StudentID })
	a.Comments = keep(comments, func(c storage.Comment) bool { return in[c.StudentID] })
	a.tally(cal, now)
	return a, nil
}

// people are everyone the archive names: mentors and the records' authors.
func (a Archive) people() []uint64 {
	var ids []uint64
	for _, s := range a.Students {
		ids = append(ids, s.MentorID)
		if s.Plan != nil {
			ids = append(ids, s.Responsible())
			for _, r := range s.Plan.Reviews {
				ids = append(ids, r.AuthorID)
			}
		}
	}
	for _, x := range a.Sessions {
		ids = append(ids, x.AuthorID)
	}
	for _, x := range a.Contacts {
		ids = append(ids, x.AuthorID)
	}
	for _, x := range a.Praise {
		ids = append(ids, x.AuthorID)
	}
	for _, x := range a.Comments {
		ids = append(ids, x.AuthorID)
	}
	return ids
}

func (a *Archive) register(st Reader, classID uint64) error {
	classes, err := st.Classes()
	if err != nil {
		return err
	}
	order := map[uint64]int{}
	for i, c := range classes {
		if classID == 0 || c.ID == classID {
			a.Classes[c.ID] = c
			order[c.ID] = i
		}
	}
	all, err := st.AllStudents()
	if err != nil {
		return err
	}
	for _, s := range all {
		if _, ok := a.Classes[s.ClassID]; ok {
			a.Students = append(a.Students, s)
		}
	}
	sort.SliceStable(a.Students, func(i, j int) bool {
		if order[a.Students[i].ClassID] != order[a.Students[j].ClassID] {
			return order[a.Students[i].ClassID] < order[a.Students[j].ClassID]
		}
		return a.Students[i].ID < a.Students[j].ID
	})
	return nil
}

func (a *Archive) tally(cal storage.Calendar, now time.Time) {
	type tally struct {
		n, minutes int
		weeks      map[time.Time]int
		months     map[string]bool
	}
	tal := map[uint64]*tally{}
	for _, s := range a.Students {
		tal[s.ID] = &tally{weeks: map[time.Time]int{}, months: map[string]bool{}}
	}
	for _, s := range a.Sessions {
		t := tal[s.StudentID]
		t.n++
		t.minutes += s.Minutes
		t.weeks[cal.WeekStart(s.At)]++
	}
	for _, c := range a.Contacts {
		if c.WithFamily() { // a parent's own message, a talk with the child: no contact with the family
			tal[c.StudentID].months[c.At.In(cal.Loc).Format("2006-01")] = true
		}
	}
	type mentorTally struct {
		MentorStats
		achieved, target int
	}
	mentors := map[uint64]*mentorTally{}
	var order []uint64
	for _, s := range a.Students {
		t := tal[s.ID]
		achieved, target := fulfilment(cal, s, t.weeks, now)
		a.Stats = append(a.Stats, StudentStats{Student: s, Sessions: t.n, Minutes: t.minutes, Percent: percent(achieved, target), ContactMonths: len(t.months)})
		if s.MentorID == 0 {
			continue
		}
		m := mentors[s.MentorID]
		if m == nil {
			m = &mentorTally{MentorStats: MentorStats{MentorID: s.MentorID}}
			mentors[s.MentorID] = m
			order = append(order, s.MentorID)
		}
		m.Students++
		m.Sessions += t.n
		m.Minutes += t.minutes
		m.achieved += achieved
		m.target += target
	}
	for _, id := range order {
		m := mentors[id]
		m.Percent = percent(m.achieved, m.target)
		a.Mentors = append(a.Mentors, m.MentorStats)
	}
}

func percent(achieved, target int) int {
	if target == 0 {
		return 100
	}
	return achieved * 100 / target
}

// fulfilment sums, over the student's weeks under support this semester up
// to now, the sessions counted towards the weekly target (capped at the
// target) and the targets themselves.
func fulfilment(cal storage.Calendar, st storage.Student, weeks map[time.Time]int, now time.Time) (achieved, target int) {
	term := cal.TermAt(now)
	start := cal.WeekStart(later(term.Start, st.CreatedAt))
	end := earlier(now, term.End.AddDate(0, 0, 1))
	if st.Closed && !st.ClosedAt.IsZero() {
		end = earlier(end, st.ClosedAt)
	}
	for w := start; w.Before(end); w = w.AddDate(0, 0, 7) {
		target += st.WeeklyTarget
		achieved += min(weeks[w], st.WeeklyTarget)
	}
	return achieved, target
}

func keep[T any](xs []T, ok func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
