package report

import (
	"time"

	"bangfu/storage"
)

// ParentWeek is a child's week as their parents may see it: sessions in
// parent-safe subjects, praise, comments and the class's coming meetings,
// never categories, notes or contact contents.
type ParentWeek struct {
	Student   storage.Student
	WeekStart time.Time
	Sessions  int
	Minutes   int
	Subjects  []string // in first-seen order, a teacher's shorthand made parent-safe
	Praise    []string
	Comments  []AuthoredText // this semester's, none once support has ended
	Meetings  []storage.Meeting
	// Sources are the numbers of the records the week's words come from.
	Sources []uint64
	// LastWeek words it as the week before this one (上周), not this week.
	LastWeek bool
}

// AuthoredText is a text with its author's name.
type AuthoredText struct{ Author, Text string }

// SchoolWeek is a week of the whole school's records for parents, read once
// (the window's sessions, praise, the term's comments, the coming meetings
// and the authors' names), so the Sunday messages to every parent cost a
// few reads, not a few per child.
type SchoolWeek struct {
	week     storage.Range
	sessions map[uint64][]storage.Session
	praise   map[uint64][]storage.Praise
	comments map[uint64][]storage.Comment
	meetings []storage.Meeting
	names    Names
}

// ReadSchoolWeek reads the week of t for every parent's message.
func ReadSchoolWeek(st Reader, cal storage.Calendar, t time.Time) (SchoolWeek, error) {
	w := SchoolWeek{week: Week(cal, t), sessions: map[uint64][]storage.Session{}, praise: map[uint64][]storage.Praise{}, comments: map[uint64][]storage.Comment{}}
	sessions, err := st.SessionsBetween(w.week.From, w.week.To)
	if err != nil {
		return w, err
	}
	for _, s := range sessions {
		w.sessions[s.StudentID] = append(w.sessions[s.StudentID], s)
	}
	praise, err := st.PraiseBetween(w.week.From, w.week.To)
	if err != nil {
		return w, err
	}
	for _, p := range praise {
		w.praise[p.StudentID] = append(w.praise[p.StudentID], p)
	}
	comments, err := st.AllComments(cal.TermAt(t).Key())
	if err != nil {
		return w, err
	}
	for _, c := range comments {
		w.comments[c.StudentID] = append(w.comments[c.StudentID], c)
	}
	if w.meetings, err = st.Meetings(t, t.AddDate(0, 0, 30)); err != nil {
		return w, err
	}
	w.names, err = PeopleNames(st)
	return w, err
}

// For is one child's week from the school's.
func (w SchoolWeek) For(student storage.Student) ParentWeek {
	return parentWeek(student, w.week, w.sessions[student.ID], w.praise[student.ID], w.comments[student.ID], w.meetings, func(id uint64) string { return w.names[id] })
}

// BuildParentWeek gathers the week of t for one student's parents.
func BuildParentWeek(st Reader, cal storage.Calendar, student storage.Student, t time.Time) (ParentWeek, error) {
	week := Week(cal, t)
	sessions, err := st.Sessions(student.ID, week.From, week.To)
	if err != nil {
		return ParentWeek{}, err
	}
	praise, err := st.PraiseOf(student.ID, week.From, week.To)
	if err != nil {
		return ParentWeek{}, err
	}
	comments, err := st.Comments(student.ID, cal.TermAt(t).Key())
	if err != nil {
		return ParentWeek{}, err
	}
	meetings, err := st.Meetings(t, t.AddDate(0, 0, 30))
	if err != nil {
		return ParentWeek{}, err
	}
	return parentWeek(student, week, sessions, praise, comments, meetings, func(id uint64) string { return PersonName(st, id) }), nil
}

func parentWeek(student storage.Student, week storage.Range, sessions []storage.Session, praise []storage.Praise, comments []storage.Comment,
	meetings []storage.Meeting, name func(uint64) string) ParentWeek {
	pw := ParentWeek{Student: student, WeekStart: week.From}
	seen := map[string]bool{}
	for _, s := range sessions {
		pw.Sources = append(pw.Sources, s.No)
		pw.Sessions++
		pw.Minutes += s.Minutes
		subject := ParentSafeSubject(s.Subject)
		if !seen[subject] {
			seen[subject] = true
			pw.Subjects = append(pw.Subjects, subject)
		}
	}
	for _, p := range praise {
		pw.Sources = append(pw.Sources, p.No)
		pw.Praise = append(pw.Praise, p.Text)
	}
	if !student.Closed {
		for _, c := range comments {
			pw.Sources = append(pw.Sources, c.No)
			pw.Comments = append(pw.Comments, AuthoredText{Author: name(c.AuthorID), Text: c.Text})
		}
	}
	for _, m := range meetings {
		if m.ClassID == student.ClassID {
			pw.Meetings = append(pw.Meetings, m)
		}
	}
	return pw
}
