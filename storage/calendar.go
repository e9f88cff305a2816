package storage

import (
	"sort"
	"sync"
	"time"
)

// Calendar is the school's clock face: its time zone, semester and holidays,
// and the parents' quiet hours. Week and month boundaries are computed here and
// nowhere else, so every package agrees on what "this week" means.
type Calendar struct {
	Loc *time.Location
	// Quiet hours as minutes after midnight; equal values mean none.
	QuietStart, QuietEnd int
	// terms is shared by every copy, so a semester started from chat is
	// seen at once by commands, reminders and reports alike.
	terms *termBook
}

// DateRange is an inclusive range of days (both at midnight in the school zone).
type DateRange struct{ From, To time.Time }

// Term is one semester: its first and last day, its holidays and its
// make-up school days (调休: a Saturday or Sunday taught as a weekday).
type Term struct {
	Start, End time.Time // midnight of the first and the last day
	Holidays   []DateRange
	MakeupDays []time.Time
}

// Key names the term in stored records (its comments): its first day.
func (t Term) Key() string { return t.Start.Format("2006-01-02") }

// Contains reports whether day d (midnight) is one of the term's days.
func (t Term) Contains(d time.Time) bool { return !d.Before(t.Start) && !d.After(t.End) }

type termBook struct {
	mu         sync.RWMutex
	configured Term
	started    []Term // from chat (/semester new), by start
}

// NewCalendar is a calendar with the semester of config.yaml.
func NewCalendar(loc *time.Location, configured Term, quietStart, quietEnd int) Calendar {
	return Calendar{Loc: loc, QuietStart: quietStart, QuietEnd: quietEnd, terms: &termBook{configured: configured}}
}

// DefaultCalendar is the calendar of config.example.yaml.
func DefaultCalendar() Calendar {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, loc) }
	return NewCalendar(loc, Term{
		Start:    d(2026, 9, 1),
		End:      d(2027, 1, 22),
		Holidays: []DateRange{{d(2026, 10, 1), d(2026, 10, 7)}},
	}, 21*60+30, 7*60+30)
}

// SetStartedTerms replaces the terms started from chat (loaded from the
// database at start-up, and after /semester new), for every copy of c.
func (c Calendar) SetStartedTerms(terms []Term) {
	if c.terms == nil {
		return
	}
	sorted := append([]Term(nil), terms...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Start.Before(sorted[j].Start) })
	c.terms.mu.Lock()
	c.terms.started = sorted
	c.terms.mu.Unlock()
}

// Terms are every known term by start: the configured one and those started
// from chat; a term started from chat on the configured term's first day
// replaces it.
func (c Calendar) Terms() []Term {
	if c.terms == nil {
		return nil
	}
	c.terms.mu.RLock()
	defer c.terms.mu.RUnlock()
	out := make([]Term, 0, len(c.terms.started)+1)
	replaced := false
	for _, t := range c.terms.started {
		replaced = replaced || t.Start.Equal(c.terms.configured.Start)
	}
	if !replaced {
		out = append(out, c.terms.configured)
	}
	out = append(out, c.terms.started...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// TermAt is the term t belongs to: the latest one started by t's day, so the
// break after a term still belongs to it (its comments, its archive); before
// the first term, the first.
func (c Calendar) TermAt(t time.Time) Term {
	terms := c.Terms()
	if len(terms) == 0 {
		return Term{}
	}
	d := c.Day(t)
	at := terms[0]
	for _, term := range terms[1:] {
		if !term.Start.After(d) {
			at = term
		}
	}
	return at
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

// InSemester reports whether t's day lies within a term.
func (c Calendar) InSemester(t time.Time) bool {
	d := c.Day(t)
	for _, term := range c.Terms() {
		if term.Contains(d) {
			return true
		}
	}
	return false
}

// IsHoliday reports whether t's day is in a holiday of its term.
func (c Calendar) IsHoliday(t time.Time) bool {
	d := c.Day(t)
	for _, h := range c.TermAt(t).Holidays {
		if !d.Before(h.From) && !d.After(h.To) {
			return true
		}
	}
	return false
}

// IsMakeupDay reports whether t's day is a weekend day taught as a weekday.
func (c Calendar) IsMakeupDay(t time.Time) bool {
	d := c.Day(t)
	for _, m := range c.TermAt(t).MakeupDays {
		if m.Equal(d) {
			return true
		}
	}
	return false
}

// IsSchoolDay: a day of a term, Monday to Friday or a make-up day, and not
// a holiday.
func (c Calendar) IsSchoolDay(t time.Time) bool {
	wd := t.In(c.Loc).Weekday()
	weekday := wd != time.Saturday && wd != time.Sunday
	return (weekday || c.IsMakeupDay(t)) && c.InSemester(t) && !c.IsHoliday(t)
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
