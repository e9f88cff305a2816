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
}

// AuthoredText is a text with its author's name.
type AuthoredText struct{ Author, Text string }

// BuildParentWeek gathers the week of t for the student's parents.
func BuildParentWeek(st Reader, cal storage.Calendar, student storage.Student, t time.Time) (ParentWeek, error) {
	week := Week(cal, t)
	pw := ParentWeek{Student: student, WeekStart: week.From}
	sessions, err := st.Sessions(student.ID, week.From, week.To)
	if err != nil {
		return pw, err
	}
	praise, err := st.PraiseOf(student.ID, week.From, week.To)
	if err != nil {
		return pw, err
	}
	comments, err := st.Comments(student.ID, cal.TermAt(t).Key())
	if err != nil {
		return pw, err
	}
	meetings, err := st.Meetings(t, t.AddDate(0, 0, 30))
	if err != nil {
		return pw, err
	}
	seen := map[string]bool{}
	for _, s := range sessions {
		pw.Sessions++
		pw.Minutes += s.Minutes
		subject := ParentSafeSubject(s.Subject)
		if !seen[subject] {
			seen[subject] = true
			pw.Subjects = append(pw.Subjects, subject)
		}
	}
	for _, p := range praise {
		pw.Praise = append(pw.Praise, p.Text)
	}
	if !student.Closed {
		for _, c := range comments {
			pw.Comments = append(pw.Comments, AuthoredText{Author: PersonName(st, c.AuthorID), Text: c.Text})
		}
	}
	for _, m := range meetings {
		if m.ClassID == student.ClassID {
			pw.Meetings = append(pw.Meetings, m)
		}
	}
	return pw, nil
}
