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
