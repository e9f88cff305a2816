// Package report answers the questions asked of the records: a class's and
// the school's week (/status), a student's file, a mentor's list (/mine),
// the Monday digest, the parents' weekly summary and the semester archive.
// Each is a plain query returning a model; text.go words the models that
// commands and reminders both send, so a digest reads the same either way.
package report

import (
	"time"

	"bangfu/storage"
)

// Reader is what the reports read.
type Reader interface {
	storage.SchoolService
	storage.PersonService
	storage.RecordService
}

// Week is the week (Monday to Sunday, in the school's zone) around t.
func Week(cal storage.Calendar, t time.Time) storage.Range {
	from := cal.WeekStart(t)
	return storage.Range{From: from, To: from.AddDate(0, 0, 7)}
}

// Month is the calendar month around t.
func Month(cal storage.Calendar, t time.Time) storage.Range {
	return storage.Range{From: cal.MonthStart(t), To: cal.NextMonthStart(t)}
}

// DaysLeft counts the days after today until end (exclusive).
func DaysLeft(cal storage.Calendar, now, end time.Time) int {
	return int(end.Sub(cal.Day(now)).Hours()/24) - 1
}

// Names maps people's ids to how teachers call them (张老师), "" for nobody.
type Names map[uint64]string

// PeopleNames reads everyone's name once, for a report over many records.
func PeopleNames(st storage.PersonService) (Names, error) {
	people, err := st.People()
	if err != nil {
		return nil, err
	}
	names := Names{}
	for _, p := range people {
		names[p.ID] = TeacherName(p)
	}
	return names, nil
}

// NamesOf reads the names of the given people only (a class's mentors).
func NamesOf(st storage.PersonService, ids ...uint64) Names {
	names := Names{}
	for _, id := range ids {
		if _, done := names[id]; !done && id != 0 {
			names[id] = PersonName(st, id)
		}
	}
	return names
}

// PersonName is one person's name as teachers call them, "" when unknown.
func PersonName(st storage.PersonService, id uint64) string {
	if id == 0 {
		return ""
	}
	p, err := st.Person(id)
	if err != nil {
		return ""
	}
	return TeacherName(p)
}

// ClassOrder sorts classes by grade, then number.
func ClassOrder(c storage.Class) int { return c.Grade*1000 + c.Number }
