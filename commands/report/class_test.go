package report_test

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"bangfu/commands/report"
	"bangfu/storage"
	"bangfu/storage/bolt"
	"bangfu/storage/schoolgen"
)

// TestOneClassReadsItsOwnRecordsAndAgreesWithTheSchool: a class's digest and
// archive, now read student by student, say exactly what the school's (read
// by time window) says of that class.
func TestOneClassReadsItsOwnRecordsAndAgreesWithTheSchool(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, storage.DefaultCalendar().Loc)
	st, err := bolt.Open(filepath.Join(t.TempDir(), "b.db"), bolt.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := schoolgen.Generate(st, schoolgen.Options{Classes: 4, SupportedPerClass: 6, Sessions: 900, Contacts: 200, Praise: 120,
		Reads: 50, ScheduledWeeks: 4, Pending: 5, Until: now, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	cal := st.Cal
	lastWeek := cal.WeekStart(now).AddDate(0, 0, -7)
	school, err := report.BuildDigest(st, cal, lastWeek, 0)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := report.BuildArchive(st, cal, 0, now)
	if err != nil {
		t.Fatal(err)
	}
	classes, _ := st.Classes()
	checked := 0
	for _, c := range classes {
		d, err := report.BuildDigest(st, cal, lastWeek, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range school.Classes {
			if sc.Class.ID == c.ID && (len(d.Classes) != 1 || !reflect.DeepEqual(d.Classes[0], sc)) {
				t.Fatalf("%v: the class digest %+v, the school's says %+v", c, d.Classes, sc)
			}
		}
		a, err := report.BuildArchive(st, cal, c.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		in := map[uint64]bool{}
		for _, s := range a.Students {
			in[s.ID] = true
		}
		n := 0
		for _, se := range whole.Sessions {
			if in[se.StudentID] {
				n++
			}
		}
		if len(a.Sessions) != n || n == 0 {
			t.Fatalf("%v: %d sessions in the class archive, %d in the school's for it", c, len(a.Sessions), n)
		}
		count := func(ids []uint64) int {
			k := 0
			for _, id := range ids {
				if in[id] {
					k++
				}
			}
			return k
		}
		var cs, ps []uint64
		for _, x := range whole.Contacts {
			cs = append(cs, x.StudentID)
		}
		for _, x := range whole.Praise {
			ps = append(ps, x.StudentID)
		}
		if len(a.Contacts) != count(cs) || len(a.Praise) != count(ps) {
			t.Fatalf("%v: contacts %d/%d, praise %d/%d", c, len(a.Contacts), count(cs), len(a.Praise), count(ps))
		}
		for _, st := range a.Stats {
			for _, ws := range whole.Stats {
				if ws.Student.ID == st.Student.ID && !reflect.DeepEqual(ws, st) {
					t.Fatalf("%s: class stats %+v, school stats %+v", st.Student.Name, st, ws)
				}
			}
		}
		checked++
	}
	if checked != 4 {
		t.Fatalf("checked %d classes", checked)
	}
}

// TestTheSchoolsWeekSaysWhatEachChildsWeekSays: every child's week from the
// school's week, read once, is the week read for that child alone.
func TestTheSchoolsWeekSaysWhatEachChildsWeekSays(t *testing.T) {
	now := time.Date(2026, 11, 29, 19, 0, 0, 0, storage.DefaultCalendar().Loc)
	st, err := bolt.Open(filepath.Join(t.TempDir(), "b.db"), bolt.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := schoolgen.Generate(st, schoolgen.Options{Classes: 3, SupportedPerClass: 6, Sessions: 2000, Contacts: 100, Praise: 400,
		Reads: 20, ScheduledWeeks: 2, Pending: 3, Until: now, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	week, err := report.ReadSchoolWeek(st, st.Cal, now)
	if err != nil {
		t.Fatal(err)
	}
	students, _ := st.AllStudents()
	withRecords := 0
	for _, s := range students {
		alone, err := report.BuildParentWeek(st, st.Cal, s, now)
		if err != nil {
			t.Fatal(err)
		}
		if got := week.For(s); !reflect.DeepEqual(got, alone) {
			t.Fatalf("%s: from the school's week %+v, alone %+v", s.Name, got, alone)
		}
		if alone.Sessions+len(alone.Praise) > 0 {
			withRecords++
		}
	}
	if withRecords == 0 {
		t.Fatal("no child had a record that week: the comparison proves nothing")
	}
}

// A teacher is called by name and 老师, unless the name already carries a
// title: 王校长 is not 王校长老师.
func TestTeacherName(t *testing.T) {
	for name, want := range map[string]string{"王": "王老师", "李老师": "李老师", "王校长": "王校长", "陈主任": "陈主任", "刘书记": "刘书记", "信息管理员": "信息管理员", "": "老师"} {
		if got := report.TeacherName(storage.Person{Name: name}); got != want {
			t.Errorf("TeacherName(%q) = %q, want %q", name, got, want)
		}
	}
}
