package storage

import (
	"testing"
	"time"
)

func TestCalendarBoundaries(t *testing.T) {
	sh := DefaultCalendar().Loc
	c := DefaultCalendar()
	d := func(y int, m time.Month, day, h, min int) time.Time { return time.Date(y, m, day, h, min, 0, 0, sh) }
	cases := []struct {
		at, week, month time.Time
	}{
		{d(2026, 11, 29, 23, 59), d(2026, 11, 23, 0, 0), d(2026, 11, 1, 0, 0)}, // Sunday night
		{d(2026, 11, 30, 0, 0), d(2026, 11, 30, 0, 0), d(2026, 11, 1, 0, 0)},   // Monday midnight
		{d(2026, 12, 1, 0, 0), d(2026, 11, 30, 0, 0), d(2026, 12, 1, 0, 0)},    // month end inside a week
		{d(2027, 1, 1, 8, 0), d(2026, 12, 28, 0, 0), d(2027, 1, 1, 0, 0)},      // year end
	}
	for _, cs := range cases {
		if got := c.WeekStart(cs.at); !got.Equal(cs.week) {
			t.Errorf("WeekStart(%v) = %v, want %v", cs.at, got, cs.week)
		}
		if got := c.MonthStart(cs.at); !got.Equal(cs.month) {
			t.Errorf("MonthStart(%v) = %v, want %v", cs.at, got, cs.month)
		}
	}
	// 16:30 UTC on Sunday is already Monday 00:30 in Shanghai.
	if got := c.WeekStart(time.Date(2026, 11, 29, 16, 30, 0, 0, time.UTC)); !got.Equal(d(2026, 11, 30, 0, 0)) {
		t.Errorf("week of Sunday 16:30 UTC = %v", got)
	}
	if got, _ := c.LastSchoolDayOfMonth(d(2026, 10, 5, 0, 0)); !got.Equal(d(2026, 10, 30, 0, 0)) {
		t.Errorf("last school day of October = %v", got)
	}
	if got, _ := c.LastSchoolDayOfMonth(d(2026, 11, 5, 0, 0)); !got.Equal(d(2026, 11, 30, 0, 0)) {
		t.Errorf("last school day of November = %v", got)
	}
	if !c.IsHoliday(d(2026, 10, 7, 12, 0)) || c.IsSchoolDay(d(2026, 10, 2, 12, 0)) || !c.IsSchoolDay(d(2026, 10, 8, 12, 0)) {
		t.Error("national holiday week misjudged")
	}
	if c.InSemester(d(2027, 1, 23, 9, 0)) || !c.InSemester(d(2027, 1, 22, 23, 0)) {
		t.Error("semester end misjudged")
	}
	for at, want := range map[time.Time]time.Time{
		d(2026, 11, 25, 22, 0):  d(2026, 11, 26, 7, 30),
		d(2026, 11, 26, 6, 0):   d(2026, 11, 26, 7, 30),
		d(2026, 11, 26, 7, 30):  d(2026, 11, 26, 7, 30),
		d(2026, 11, 26, 21, 29): d(2026, 11, 26, 21, 29),
	} {
		if got := c.AfterQuietHours(at); !got.Equal(want) {
			t.Errorf("AfterQuietHours(%v) = %v, want %v", at, got, want)
		}
	}
}

func TestTermsStartedFromChatAreSeenByEveryCopy(t *testing.T) {
	c := DefaultCalendar()
	copied := c // a component holding its own copy, as commands and reminders do
	sh := c.Loc
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, sh) }
	spring := Term{Start: d(2027, 2, 20), End: d(2027, 7, 2), Holidays: []DateRange{{d(2027, 4, 4), d(2027, 4, 6)}}, MakeupDays: []time.Time{d(2027, 4, 10)}}
	if copied.InSemester(d(2027, 3, 1)) {
		t.Fatal("March is in a term before the spring term was started")
	}
	c.SetStartedTerms([]Term{spring})
	if !copied.InSemester(d(2027, 3, 1)) || copied.TermAt(d(2027, 3, 1)).Key() != "2027-02-20" {
		t.Fatal("a copy does not see the started term")
	}
	// The winter break belongs to the autumn term: its comments, its archive.
	if k := copied.TermAt(d(2027, 2, 1)).Key(); k != "2026-09-01" || copied.InSemester(d(2027, 2, 1)) {
		t.Fatalf("the break belongs to %s", k)
	}
	if !copied.IsSchoolDay(d(2027, 4, 10).Add(9 * time.Hour)) {
		t.Error("a make-up Saturday is not a school day")
	}
	if copied.IsSchoolDay(d(2027, 4, 17).Add(9 * time.Hour)) {
		t.Error("an ordinary Saturday is a school day")
	}
	if copied.IsSchoolDay(d(2027, 4, 5).Add(9*time.Hour)) || !copied.IsHoliday(d(2027, 4, 5)) {
		t.Error("the spring term's holiday is a school day")
	}
	if copied.IsHoliday(d(2026, 10, 3)) != true {
		t.Error("the autumn term lost its holiday")
	}
	// A term started on the configured term's first day replaces it.
	c.SetStartedTerms([]Term{{Start: d(2026, 9, 1), End: d(2027, 1, 15)}, spring})
	if terms := copied.Terms(); len(terms) != 2 || !terms[0].End.Equal(d(2027, 1, 15)) {
		t.Fatalf("terms: %+v", terms)
	}
}
