package report

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bangfu/storage"
	"bangfu/storage/bolt"
)

var cal = storage.DefaultCalendar()

func day(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, cal.Loc) }

func open(t *testing.T) *bolt.Store {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "r.db"), bolt.Options{Calendar: cal})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func meta(n int, at time.Time) storage.Meta {
	return storage.Meta{MsgKey: "t:" + string(rune('a'+n)), ActorID: 1, At: at}
}

// A parent's week names what was done in parent-safe words, and never a
// teacher's shorthand that names a category.
func TestParentWeekIsParentSafe(t *testing.T) {
	st := open(t)
	s, _, err := st.AddStudent(meta(0, day(11, 2, 9)), 7, 3, storage.Student{Name: "张三", WeeklyTarget: 2})
	if err != nil {
		t.Fatal(err)
	}
	st.AddSession(meta(1, day(11, 23, 9)), storage.Session{StudentID: s.ID, Subject: "学困辅导", Minutes: 30, At: day(11, 23, 9)})
	st.AddSession(meta(2, day(11, 24, 9)), storage.Session{StudentID: s.ID, Subject: "英语", Minutes: 20, At: day(11, 24, 9)})
	st.AddSession(meta(3, day(11, 16, 9)), storage.Session{StudentID: s.ID, Subject: "上周的", Minutes: 20, At: day(11, 16, 9)})
	st.AddPraise(meta(4, day(11, 25, 9)), storage.Praise{StudentID: s.ID, Text: "主动举手", At: day(11, 25, 9)}, nil)
	pw, err := BuildParentWeek(st, cal, s, day(11, 29, 19))
	if err != nil {
		t.Fatal(err)
	}
	if pw.Sessions != 2 || pw.Minutes != 50 || len(pw.Subjects) != 2 || pw.Subjects[0] != "课后辅导" || pw.Subjects[1] != "英语" || len(pw.Praise) != 1 {
		t.Fatalf("parent week %+v", pw)
	}
	text := RenderParentWeek(cal, pw)
	if BannedWordIn(text) != "" {
		t.Fatalf("a parent would read %q in:\n%s", BannedWordIn(text), text)
	}
}

// The archive counts each week under support from the week the student was
// added, capped at the target, so a student added late is not behind.
func TestArchiveFulfilmentCountsWeeksUnderSupport(t *testing.T) {
	st := open(t)
	added := day(11, 9, 9) // a Monday: three weeks to 11-29
	s, _, err := st.AddStudent(meta(0, added), 7, 3, storage.Student{Name: "李四", WeeklyTarget: 2, CreatedAt: added})
	if err != nil {
		t.Fatal(err)
	}
	// Week 1: three sessions (counts 2); week 2: none; week 3: one.
	for i, at := range []time.Time{day(11, 9, 10), day(11, 10, 10), day(11, 11, 10), day(11, 24, 10)} {
		st.AddSession(meta(i+1, at), storage.Session{StudentID: s.ID, Subject: "数学", Minutes: 30, At: at})
	}
	// A phone call in November; the mother's own message in October is no
	// contact the school made: one month with a contact.
	st.AddContact(meta(5, day(11, 12, 18)), storage.Contact{StudentID: s.ID, Method: "电话", Whom: "妈妈", Content: "说了作业", At: day(11, 12, 18)}, storage.Range{})
	st.AddContact(meta(6, day(10, 30, 18)), storage.Contact{StudentID: s.ID, Method: "留言", Whom: "妈妈", Content: "谢谢老师", At: day(10, 30, 18), FromParent: true}, storage.Range{})
	a, err := BuildArchive(st, cal, 0, day(11, 29, 20))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Stats) != 1 || a.Stats[0].Sessions != 4 || a.Stats[0].Percent != 50 || a.Stats[0].ContactMonths != 1 { // (2+0+1) of 6
		t.Fatalf("stats %+v", a.Stats)
	}
}

// What the child learnt is listed by subject: 数学辅导 and 数学 are one
// (a week read 「英语、数学辅导、数学」), in the parent's week and in the
// comment's draft; a subject the shorthand does not start with is left as
// written.
func TestSubjectsAreListedOnce(t *testing.T) {
	st := open(t)
	s, _, err := st.AddStudent(meta(0, day(11, 2, 9)), 7, 3, storage.Student{Name: "张三", WeeklyTarget: 2})
	if err != nil {
		t.Fatal(err)
	}
	var sessions []storage.Session
	for i, sub := range []string{"英语", "数学辅导", "数学", "英语补习", "课后辅导", "读书分享"} {
		se, _, err := st.AddSession(meta(i+1, day(11, 23+i, 9)), storage.Session{StudentID: s.ID, Subject: sub, Minutes: 20, At: day(11, 23+i, 9)})
		if err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, se)
	}
	pw, err := BuildParentWeek(st, cal, s, day(11, 29, 19))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(pw.Subjects, "、"); got != "英语、数学、课后辅导、读书分享" {
		t.Fatalf("the parent's week lists %q", got)
	}
	if draft := CommentDraft(sessions, nil); !strings.Contains(draft[0].Text, "学了英语、数学、课后辅导、读书分享") {
		t.Fatalf("the draft: %q", draft[0].Text)
	}
}
