package report

import (
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
	Target     int // sum of weekly targets
	Achieved   int // sessions counted towards targets (capped per student)
	MetTarget  int // students who reached their target
	Contacted  int // students whose parents were contacted this month
	NotSeen    []string
	MentorDone map[string]int // mentor name → sessions with their mentees
}

// Percent is target fulfilment, 0–100.
func (d ClassDigest) Percent() int {
	if d.Target == 0 {
		return 100
	}
	return d.Achieved * 100 / d.Target
}

// Digest is the weekly digest of a week for some classes.
type Digest struct {
	WeekStart time.Time
	Classes   []ClassDigest
}

// BuildDigest computes the digest of the week starting at weekStart (a
// Monday) for one class, or for the whole school when classID is 0. It reads
// the fortnight's sessions and the month's contacts once for every student.
func BuildDigest(st Reader, cal storage.Calendar, weekStart time.Time, classID uint64) (Digest, error) {
	weekEnd := weekStart.AddDate(0, 0, 7)
	monthFrom := cal.MonthStart(weekEnd.Add(-time.Second))
	twoWeeks := weekEnd.AddDate(0, 0, -14)
	d := Digest{WeekStart: weekStart}
	classes, err := st.Classes()
	if err != nil {
		return d, err
	}
	students, err := st.AllStudents()
	if err != nil {
		return d, err
	}
	sessions, err := st.SessionsBetween(twoWeeks, weekEnd)
	if err != nil {
		return d, err
	}
	contacts, err := st.ContactsBetween(monthFrom, cal.NextMonthStart(monthFrom))
	if err != nil {
		return d, err
	}
	names, err := PeopleNames(st)
	if err != nil {
		return d, err
	}
	weekCount := map[uint64]int{}
	weekMinutes := map[uint64]int{}
	seen := map[uint64]bool{}
	for _, s := range sessions {
		seen[s.StudentID] = true
		if !s.At.Before(weekStart) {
			weekCount[s.StudentID]++
			weekMinutes[s.StudentID] += s.Minutes
		}
	}
	contacted := map[uint64]bool{}
	for _, c := range contacts {
		contacted[c.StudentID] = true
	}
	byClass := map[uint64]*ClassDigest{}
	for _, c := range classes {
		if classID != 0 && c.ID != classID {
			continue
		}
		byClass[c.ID] = &ClassDigest{Class: c, MentorDone: map[string]int{}}
	}
	sort.Slice(students, func(i, j int) bool { return students[i].ID < students[j].ID })
	for _, s := range students {
		cd := byClass[s.ClassID]
		n := weekCount[s.ID]
		// A student added after the week had no target in it, unless
		// sessions were recorded for that week anyway.
		if cd == nil || s.Closed || (!s.CreatedAt.Before(weekEnd) && n == 0) {
			continue
		}
		cd.Students++
		cd.Sessions += n
		cd.Minutes += weekMinutes[s.ID]
		cd.Target += s.WeeklyTarget
		cd.Achieved += min(n, s.WeeklyTarget)
		if n >= s.WeeklyTarget {
			cd.MetTarget++
		}
		if contacted[s.ID] {
			cd.Contacted++
		}
		if !seen[s.ID] {
			cd.NotSeen = append(cd.NotSeen, s.Name)
		}
		if s.MentorID != 0 {
			cd.MentorDone[names[s.MentorID]] += n
		}
	}
	for _, c := range classes {
		if cd := byClass[c.ID]; cd != nil && cd.Students > 0 {
			d.Classes = append(d.Classes, *cd)
		}
	}
	return d, nil
}
