package report

import (
	"fmt"
	"sort"
	"time"

	"bangfu/storage"
)

// ClassDigest is one class's figures for one week.
type ClassDigest struct {
	Class      storage.Class
	Students   int // active students under support
	Sessions   int
	Minutes    int
	MetTarget  int // students who reached their target: the one fulfilment figure
	Contacted  int // students whose parents were contacted this month
	NotSeen    []string
	Behind     []string       // "李四 0/1次": those below their weekly target
	MentorDone map[string]int // mentor name → sessions with their mentees
}

// Digest is the weekly digest of a week for some classes.
type Digest struct {
	WeekStart time.Time
	Classes   []ClassDigest
	// Which names the week in the heading: empty is 上周, the Monday
	// digest's; a digest asked for another week names it (本周到现在, or
	// nothing before its dates).
	Which string
}

// contactMonth names the month whose contacts a digest counts, its week's
// last day's (11月): "本月" on the first Monday of December read as
// December of a figure that is November's.
func (d Digest) contactMonth() string {
	return fmt.Sprintf("%d月", d.WeekStart.AddDate(0, 0, 6).Month())
}

// which is the week's name in a heading.
func (d Digest) which() string {
	if d.Which == "" {
		return "上周"
	}
	return d.Which
}

// BuildDigest computes the digest of the week starting at weekStart (a
// Monday) for one class, or for the whole school when classID is 0. It reads
// the fortnight's sessions and the month's contacts once for every student.
func BuildDigest(st Reader, cal storage.Calendar, weekStart time.Time, classID uint64) (Digest, error) {
	d := Digest{WeekStart: weekStart}
	in, err := readWeek(st, cal, weekStart, classID)
	if err != nil {
		return d, err
	}
	byClass := map[uint64]*ClassDigest{}
	for _, c := range in.classes {
		if classID == 0 || c.ID == classID {
			byClass[c.ID] = &ClassDigest{Class: c, MentorDone: map[string]int{}}
		}
	}
	weekEnd := weekStart.AddDate(0, 0, 7)
	sort.Slice(in.students, func(i, j int) bool { return in.students[i].ID < in.students[j].ID })
	for _, s := range in.students {
		cd := byClass[s.ClassID]
		n := in.weekCount[s.ID]
		// A student added after the week had no target in it, unless
		// sessions were recorded for that week anyway.
		if cd == nil || s.Closed || (!s.CreatedAt.Before(weekEnd) && n == 0) {
			continue
		}
		// Two weeks without a session counts only for a student on the
		// register the whole fortnight: one added last week is not idle.
		idle := !in.seen[s.ID] && !cal.Day(s.CreatedAt).After(weekStart.AddDate(0, 0, -7))
		cd.add(s, n, in.weekMinutes[s.ID], in.contacted[s.ID], idle, in.names[s.MentorID])
	}
	for _, c := range in.classes {
		if cd := byClass[c.ID]; cd != nil && cd.Students > 0 {
			d.Classes = append(d.Classes, *cd)
		}
	}
	return d, nil
}

// add counts one student with n sessions (of minutes) in the week.
func (cd *ClassDigest) add(s storage.Student, n, minutes int, contacted, idle bool, mentor string) {
	cd.Students++
	cd.Sessions += n
	cd.Minutes += minutes
	if n >= s.WeeklyTarget {
		cd.MetTarget++
	} else {
		cd.Behind = append(cd.Behind, SessionsOfTarget(s.Name, n, s.WeeklyTarget))
	}
	if contacted {
		cd.Contacted++
	}
	if idle {
		cd.NotSeen = append(cd.NotSeen, s.Name)
	}
	if s.MentorID != 0 {
		cd.MentorDone[mentor] += n
	}
}

// weekRecords is what a digest reads, per student.
type weekRecords struct {
	classes                []storage.Class
	students               []storage.Student
	names                  Names
	weekCount, weekMinutes map[uint64]int
	seen, contacted        map[uint64]bool // a session in the fortnight; a contact in the month
}

// readWeek reads what a digest needs: for one class (classID set) its own
// students' records only, a seek per student, so a class's digest costs
// the same in a big school as in a small one; for the whole school the
// time window once.
func readWeek(st Reader, cal storage.Calendar, weekStart time.Time, classID uint64) (weekRecords, error) {
	weekEnd := weekStart.AddDate(0, 0, 7)
	monthFrom := cal.MonthStart(weekEnd.Add(-time.Second))
	in := weekRecords{weekCount: map[uint64]int{}, weekMinutes: map[uint64]int{}, seen: map[uint64]bool{}, contacted: map[uint64]bool{}}
	var err error
	if in.classes, err = st.Classes(); err != nil {
		return in, err
	}
	if classID != 0 {
		in.students, err = st.StudentsInClass(classID)
	} else {
		in.students, err = st.AllStudents()
	}
	if err != nil {
		return in, err
	}
	if classID != 0 {
		var mentors []uint64
		for _, s := range in.students {
			mentors = append(mentors, s.MentorID)
		}
		in.names = NamesOf(st, mentors...)
	} else if in.names, err = PeopleNames(st); err != nil {
		return in, err
	}
	var sessions []storage.Session
	var contacts []storage.Contact
	if classID != 0 {
		for _, s := range in.students {
			ss, err := st.Sessions(s.ID, weekEnd.AddDate(0, 0, -14), weekEnd)
			if err != nil {
				return in, err
			}
			cs, err := st.Contacts(s.ID, monthFrom, cal.NextMonthStart(monthFrom))
			if err != nil {
				return in, err
			}
			sessions, contacts = append(sessions, ss...), append(contacts, cs...)
		}
	} else {
		if sessions, err = st.SessionsBetween(weekEnd.AddDate(0, 0, -14), weekEnd); err != nil {
			return in, err
		}
		if contacts, err = st.ContactsBetween(monthFrom, cal.NextMonthStart(monthFrom)); err != nil {
			return in, err
		}
	}
	for _, s := range sessions {
		in.seen[s.StudentID] = true
		if !s.At.Before(weekStart) {
			in.weekCount[s.StudentID]++
			in.weekMinutes[s.StudentID] += s.Minutes
		}
	}
	for _, c := range contacts {
		// A parent's own message, or a talk with the child, is not the
		// school's contact with the family.
		in.contacted[c.StudentID] = in.contacted[c.StudentID] || c.WithFamily()
	}
	return in, nil
}
