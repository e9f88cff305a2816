package storage

import (
	"time"
)

// Calendar is the school's clock face: its time zone, semester and holidays,
// and the parents' quiet hours. Week and month boundaries are computed here and
// nowhere else, so every package agrees on what "this week" means.
type Calendar struct {
	Loc           *time.Location
	SemesterStart time.Time // midnight of the first day, in Loc
	SemesterEnd   time.Time // midnight of the last day, in Loc
	Holidays      []DateRange
	// Quiet hours as minutes after midnight; equal values mean none.
	QuietStart, QuietEnd int
}

// DateRange is an inclusive range of days (both at midnight in the school zone).
type DateRange struct{ From, To time.Time }

// DefaultCalendar is the calendar of config.example.yaml.
func DefaultCalendar() Calendar {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, loc) }
	return Calendar{
		Loc:           loc,
		SemesterStart: d(2026, 9, 1),
		SemesterEnd:   d(2027, 1, 22),
		Holidays:      []DateRange{{d(2026, 10, 1), d(2026, 10, 7)}},
		QuietStart:    21*60 + 30,
		QuietEnd:      7*60 + 30,
	}
}

// Day returns midnight of t's day in the school's time zone.
func (c Calendar) Day(t time.Time) time.Time {
	t = t.In(c.Loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, c.Loc)
}

// WeekStart returns Monday 00:00 of t's week (weeks run Monday to Sunday).
func (c Calendar) WeekStart(t time.Time) time.Time {
	d := c.Day(t)
	back := (int(d.Weekday()) + 6) % 7 // Monday → 0 … Sunday → 6
	return d.AddDate(0, 0, -back)
}

// MonthStart returns the first day of t's month at midnight.
func (c Calendar) MonthStart(t time.Time) time.Time {
	t = t.In(c.Loc)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, c.Loc)
}

// NextMonthStart returns the first day of the month after t's.
func (c Calendar) NextMonthStart(t time.Time) time.Time {
	return c.MonthStart(t).AddDate(0, 1, 0)
}

// InSemester reports whether t's day lies within the semester.
func (c Calendar) InSemester(t time.Time) bool {
	d := c.Day(t)
	return !d.Before(c.SemesterStart) && !d.After(c.SemesterEnd)
}

// IsHoliday reports whether t's day is in a configured holiday.
func (c Calendar) IsHoliday(t time.Time) bool {
	d := c.Day(t)
	for _, h := range c.Holidays {
		if !d.Before(h.From) && !d.After(h.To) {
			return true
		}
	}
	return false
}

// IsSchoolDay: a weekday of the semester that is not a holiday.
func (c Calendar) IsSchoolDay(t time.Time) bool {
	wd := t.In(c.Loc).Weekday()
	return wd != time.Saturday && wd != time.Sunday && c.InSemester(t) && !c.IsHoliday(t)
}

// LastSchoolDayOfMonth returns the last school day of t's month, if any.
func (c Calendar) LastSchoolDayOfMonth(t time.Time) (time.Time, bool) {
	first := c.MonthStart(t)
	for d := c.NextMonthStart(t).AddDate(0, 0, -1); !d.Before(first); d = d.AddDate(0, 0, -1) {
		if c.IsSchoolDay(d) {
			return d, true
		}
	}
	return time.Time{}, false
}

// SemesterKey names the current semester in stored records.
func (c Calendar) SemesterKey() string { return c.SemesterStart.Format("2006-01-02") }

// InQuietHours reports whether t falls in the parents' quiet hours.
func (c Calendar) InQuietHours(t time.Time) bool {
	if c.QuietStart == c.QuietEnd {
		return false
	}
	t = t.In(c.Loc)
	m := t.Hour()*60 + t.Minute()
	if c.QuietStart < c.QuietEnd {
		return m >= c.QuietStart && m < c.QuietEnd
	}
	return m >= c.QuietStart || m < c.QuietEnd
}

// AfterQuietHours returns t itself outside quiet hours, otherwise the moment
// they end, so a parent's message is held and not dropped.
func (c Calendar) AfterQuietHours(t time.Time) time.Time {
	if !c.InQuietHours(t) {
		return t
	}
	t = t.In(c.Loc)
	end := time.Date(t.Year(), t.Month(), t.Day(), c.QuietEnd/60, c.QuietEnd%60, 0, 0, c.Loc)
	if !end.After(t) {
		end = end.AddDate(0, 0, 1)
	}
	return end
}
