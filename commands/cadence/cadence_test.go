package cadence

import (
	"testing"
	"time"

	"bangfu/storage"
)

var cal = storage.DefaultCalendar()

func day(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, cal.Loc) }

// What is owed follows the records: contacts count only when made by the
// rule's owner to the family members it names, never the family's own
// messages; sessions count by anyone; a postponement hides nothing but
// says until when.
func TestOwedFollowsTheRecords(t *testing.T) {
	now := day(11, 26, 10) // a Thursday
	zs := storage.Student{ID: 1, ClassID: 7, Name: "张三", Categories: []string{"留守儿童"}, WeeklyTarget: 2, MentorID: 50, CreatedAt: day(9, 1, 8),
		Guardians: []storage.Guardian{{Relation: "爸爸", Away: true}, {Relation: "奶奶", AtHome: true}},
		Later:     []storage.Later{{Rule: "家访", Period: cal.TermAt(day(11, 26, 10)).Key(), Until: day(12, 1, 8)}}}
	ls := storage.Student{ID: 2, ClassID: 7, Name: "李四", WeeklyTarget: 1, CreatedAt: day(9, 1, 8)}
	closed := storage.Student{ID: 3, ClassID: 7, Name: "王五", Closed: true, WeeklyTarget: 1}
	heads := func(classID uint64) []uint64 { return []uint64{60, 61} }
	recs := Records{
		Sessions: []storage.Session{{StudentID: 1, AuthorID: 99, At: day(11, 24, 15)}, {StudentID: 1, AuthorID: 50, At: day(11, 20, 15)}},
		Contacts: []storage.Contact{
			{StudentID: 1, AuthorID: 50, Whom: "奶奶", Method: "电话", At: day(11, 25, 9)},                   // home, by the mentor
			{StudentID: 1, AuthorID: 61, Whom: "爸爸", Method: "电话", At: day(11, 25, 9)},                   // away, by a head teacher: not the mentor's
			{StudentID: 1, AuthorID: 77, Whom: "爸爸", Method: "留言", At: day(11, 25, 9), FromParent: true}, // the family's message
			{StudentID: 2, AuthorID: 60, Whom: "妈妈", Method: "微信", At: day(11, 3, 9)},                    // the month's formal contact
		},
	}
	items := Owed(cal, now, Defaults(), []storage.Student{zs, ls, closed}, recs, heads)
	got := map[uint64]map[uint64]Item{}
	for _, it := range items {
		if got[it.Owner] == nil {
			got[it.Owner] = map[uint64]Item{}
		}
		got[it.Owner][it.Code] = it
	}
	// 李四 has no mentor: the mentor's rules are both head teachers', and
	// 60's call to 李四's mother counts for both (the class's contact this
	// month, one of the semester's two); 61's call to 张三's father is the
	// class's monthly contact for 张三, not the mentor's weekly call.
	want := map[uint64]map[uint64][2]int{
		50: {Code(1, 0): {1, 2}, Code(1, 2): {1, 2}, Code(1, 3): {0, 1}, Code(1, 5): {0, 1}},
		60: {Code(2, 0): {0, 1}, Code(2, 2): {1, 2}},
		61: {Code(2, 0): {0, 1}, Code(2, 2): {1, 2}},
	}
	for owner, codes := range want {
		if len(got[owner]) != len(codes) {
			t.Errorf("owner %d owes %v, want %v", owner, got[owner], codes)
		}
		for code, dn := range codes {
			it, ok := got[owner][code]
			if !ok || it.Done != dn[0] || it.Need != dn[1] {
				t.Errorf("owner %d #%d: %+v, want %d/%d", owner, code, it, dn[0], dn[1])
			}
		}
	}
	if it := got[50][Code(1, 5)]; !it.Until.Equal(day(12, 1, 8)) {
		t.Errorf("the postponed visit: %+v", it)
	}
	for _, it := range items {
		if it.Student.ID == 3 {
			t.Errorf("a closed student owes %+v", it)
		}
	}
}

func TestCodesRoundTrip(t *testing.T) {
	for _, c := range []struct {
		st   uint64
		rule int
	}{{1, 0}, {120, 8}, {99999, 3}} {
		s, r, ok := Decode(Code(c.st, c.rule))
		if !ok || s != c.st || r != c.rule {
			t.Errorf("%+v → %d → %d %d %v", c, Code(c.st, c.rule), s, r, ok)
		}
	}
	if _, _, ok := Decode(120); ok {
		t.Error("a code ending in 0 names no rule")
	}
}

// The records a reckoning reads reach back only as far as the rules that
// count them: this week's sessions for the weekly tutoring, the semester's
// contacts for the home visit; none of a kind no rule counts.
func TestRecordsAreReadFromTheLongestPeriodOfTheirKind(t *testing.T) {
	now := day(11, 26, 10) // a Thursday
	from, ok := SinceFor(cal, now, Defaults(), true)
	if !ok || !from.Equal(cal.WeekStart(now)) {
		t.Errorf("sessions from %v (%v), want this week's Monday", from, ok)
	}
	from, ok = SinceFor(cal, now, Defaults(), false)
	if !ok || !from.Equal(Since(cal, now)) {
		t.Errorf("contacts from %v (%v), want the semester's start %v", from, ok, Since(cal, now))
	}
	var contactsOnly []Rule
	for _, r := range Defaults() {
		if r.Kind != KindTutoring {
			contactsOnly = append(contactsOnly, r)
		}
	}
	if _, ok := SinceFor(cal, now, contactsOnly, true); ok {
		t.Error("sessions read though no rule counts them")
	}
	holiday := time.Date(2027, 2, 1, 10, 0, 0, 0, cal.Loc) // between the terms
	if from, _ := SinceFor(cal, holiday, Defaults(), false); from.Before(Since(cal, holiday)) {
		t.Errorf("in the holiday, contacts from %v, before %v", from, Since(cal, holiday))
	}
}
