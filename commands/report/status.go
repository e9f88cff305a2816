package report

import (
	"sort"
	"time"

	"bangfu/storage"
)

// StudentWeek is one student's line in a class's week.
type StudentWeek struct {
	Student   storage.Student
	Class     storage.Class
	Sessions  int  // this week
	Contacted bool // parents contacted this month
}

// Behind reports whether the student is short of the agreed sessions.
func (w StudentWeek) Behind() int { return max(0, w.Student.WeeklyTarget-w.Sessions) }

// ClassWeek is a class's week: its active students, in the order they were added.
type ClassWeek struct {
	Class    storage.Class
	Week     storage.Range
	Students []StudentWeek
}

// Totals sums the class's sessions, targets, key students, students behind
// and students whose parents were not contacted this month.
func (c ClassWeek) Totals() (done, target, key, behind, notContacted int) {
	for _, s := range c.Students {
		done += s.Sessions
		target += s.Student.WeeklyTarget
		if s.Student.Key {
			key++
		}
		if s.Behind() > 0 {
			behind++
		}
		if !s.Contacted {
			notContacted++
		}
	}
	return
}

// IDs are the students the view shows, for the audit log.
func (c ClassWeek) IDs() []uint64 {
	ids := make([]uint64, 0, len(c.Students))
	for _, s := range c.Students {
		ids = append(ids, s.Student.ID)
	}
	return ids
}

// BuildClassWeek gathers a class's week around now.
func BuildClassWeek(st Reader, cal storage.Calendar, classID uint64, now time.Time) (ClassWeek, error) {
	cw := ClassWeek{Week: Week(cal, now)}
	c, err := st.Class(classID)
	if err != nil {
		return cw, err
	}
	cw.Class = c
	sts, err := st.StudentsInClass(classID)
	if err != nil {
		return cw, err
	}
	for _, s := range sts {
		if s.Closed {
			continue
		}
		line, err := studentWeek(st, cal, s, c, now)
		if err != nil {
			return cw, err
		}
		cw.Students = append(cw.Students, line)
	}
	return cw, nil
}

func studentWeek(st Reader, cal storage.Calendar, s storage.Student, c storage.Class, now time.Time) (StudentWeek, error) {
	week, month := Week(cal, now), Month(cal, now)
	wc, err := st.CountFor(s.ID, week.From, week.To)
	if err != nil {
		return StudentWeek{}, err
	}
	mc, err := st.CountFor(s.ID, month.From, month.To)
	if err != nil {
		return StudentWeek{}, err
	}
	return StudentWeek{Student: s, Class: c, Sessions: wc.Sessions, Contacted: mc.Contacts > 0}, nil
}

// BuildSchoolWeek is every class's week, classes without students left out.
func BuildSchoolWeek(st Reader, cal storage.Calendar, now time.Time) ([]ClassWeek, error) {
	classes, err := st.Classes()
	if err != nil {
		return nil, err
	}
	var out []ClassWeek
	for _, c := range classes {
		cw, err := BuildClassWeek(st, cal, c.ID, now)
		if err != nil {
			return nil, err
		}
		if len(cw.Students) > 0 {
			out = append(out, cw)
		}
	}
	return out, nil
}

// BuildMentees is a mentor's active students' week, in the order they were added.
func BuildMentees(st Reader, cal storage.Calendar, mentorID uint64, now time.Time) ([]StudentWeek, error) {
	all, err := st.AllStudents()
	if err != nil {
		return nil, err
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	var out []StudentWeek
	for _, s := range all {
		if s.MentorID != mentorID || s.Closed {
			continue
		}
		c, err := st.Class(s.ClassID)
		if err != nil {
			return nil, err
		}
		line, err := studentWeek(st, cal, s, c, now)
		if err != nil {
			return nil, err
		}
		out = append(out, line)
	}
	return out, nil
}

// StudentFile is what /status shows of one student: recent sessions (last
// month and this), contacts (the last three months), this semester's praise
// and comments. Who may see notes and contents is the caller's decision.
type StudentFile struct {
	Student  storage.Student
	Class    storage.Class
	Week     storage.Range
	Month    storage.Range
	Sessions []storage.Session
	Contacts []storage.Contact
	Praise   []storage.Praise
	Comments []storage.Comment
}

// WeekSessions counts this week's sessions and minutes, and the month's sessions.
func (f StudentFile) WeekSessions() (week, minutes, month int) {
	for _, s := range f.Sessions {
		if !s.At.Before(f.Week.From) {
			week++
			minutes += s.Minutes
		}
		if !s.At.Before(f.Month.From) {
			month++
		}
	}
	return
}

// MonthContacts counts this month's contacts.
func (f StudentFile) MonthContacts() int {
	n := 0
	for _, c := range f.Contacts {
		if !c.At.Before(f.Month.From) && c.WithFamily() {
			n++
		}
	}
	return n
}

// BuildStudentFile gathers a student's file as of now.
func BuildStudentFile(st Reader, cal storage.Calendar, s storage.Student, c storage.Class, now time.Time) (StudentFile, error) {
	f := StudentFile{Student: s, Class: c, Week: Week(cal, now), Month: Month(cal, now)}
	var err error
	if f.Sessions, err = st.Sessions(s.ID, f.Month.From.AddDate(0, -1, 0), f.Week.To); err != nil {
		return f, err
	}
	if f.Contacts, err = st.Contacts(s.ID, f.Month.From.AddDate(0, -2, 0), f.Month.To); err != nil {
		return f, err
	}
	if f.Praise, err = st.PraiseOf(s.ID, cal.TermAt(now).Start, f.Week.To); err != nil {
		return f, err
	}
	f.Comments, err = st.Comments(s.ID, cal.TermAt(now).Key())
	return f, err
}
