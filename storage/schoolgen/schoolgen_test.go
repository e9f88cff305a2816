package schoolgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"bangfu/storage"
	"bangfu/storage/bolt"
)

func TestGenerateIsDeterministicAndComplete(t *testing.T) {
	until := time.Date(2027, 1, 13, 10, 0, 0, 0, storage.DefaultCalendar().Loc)
	o := Options{Classes: 3, SupportedPerClass: 4, Sessions: 300, Contacts: 40, Praise: 20, Reads: 30, ScheduledWeeks: 2, Pending: 3, Until: until, Seed: 7}
	names := func() []string {
		st, err := bolt.Open(filepath.Join(t.TempDir(), "g.db"), bolt.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		s, err := Generate(st, o)
		if err != nil {
			t.Fatal(err)
		}
		ss, _ := st.SessionsBetween(until.AddDate(-1, 0, 0), until)
		cs, _ := st.ContactsBetween(until.AddDate(-1, 0, 0), until)
		if len(s.Students) != 12 || len(s.Classes) != 3 || len(ss) != 300 || len(cs) != 40 {
			t.Fatalf("%d students, %d classes, %d sessions, %d contacts", len(s.Students), len(s.Classes), len(ss), len(cs))
		}
		// What a real year leaves besides records: audit entries for every
		// record and read, recent processed ids, sent keys, waiting messages.
		audit, _ := st.AuditLog(until.AddDate(-2, 0, 0), until)
		if len(audit) != 300+40+20+30 {
			t.Fatalf("%d audit entries, want one per record and read", len(audit))
		}
		if q, _ := st.Queue(time.Time{}, 0); len(q) != 3 {
			t.Fatalf("%d queued messages, want 3", len(q))
		}
		recent := 0
		for i := 0; i < 300; i++ {
			if ok, _ := st.Processed(fmt.Sprintf("console:dm:%d", i)); ok {
				recent++
			}
		}
		if recent == 0 || recent > 30 {
			t.Fatalf("%d of 300 sessions' message ids kept, want only the last week's", recent)
		}
		var out []string
		for _, st := range s.Students {
			out = append(out, st.Name)
		}
		return out
	}
	a, b := names(), names()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("not deterministic: %v vs %v", a, b)
		}
	}
}

// TestWriteBigSchool writes the benchmark school to $BANGFU_BIG_DB (used by
// scripts/bench.sh to measure the binary's memory); skipped otherwise.
func TestWriteBigSchool(t *testing.T) {
	path := os.Getenv("BANGFU_BIG_DB")
	if path == "" {
		t.Skip("set BANGFU_BIG_DB to write the benchmark school")
	}
	st, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	o := Big(time.Now())
	if y := os.Getenv("BANGFU_BIG_YEARS"); y != "" {
		if o.Years, err = strconv.Atoi(y); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Generate(st, o); err != nil {
		t.Fatal(err)
	}
}

// TestWriteDistrict writes the benchmark district to $BANGFU_DISTRICT_DIR
// (make bench): $BANGFU_DISTRICT_SCHOOLS schools (20 unless set), each a
// year-sized school of its own (s01.db, s02.db, …, each its own seed), two
// at a time.
func TestWriteDistrict(t *testing.T) {
	dir := os.Getenv("BANGFU_DISTRICT_DIR")
	if dir == "" {
		t.Skip("set BANGFU_DISTRICT_DIR to write the benchmark district")
	}
	n := 20
	if v := os.Getenv("BANGFU_DISTRICT_SCHOOLS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	var g errgroup.Group
	g.SetLimit(2)
	for i := 1; i <= n; i++ {
		g.Go(func() error {
			st, err := bolt.Open(filepath.Join(dir, fmt.Sprintf("s%02d.db", i)), bolt.Options{})
			if err != nil {
				return err
			}
			o := Big(now)
			o.Seed = int64(i)
			if _, err := Generate(st, o); err != nil {
				st.Close()
				return err
			}
			return st.Close()
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

// Years spreads that many years of the same rhythm over the file: each year
// holds its own count of records, none of them in the future.
func TestYearsHoldEachYearsRecords(t *testing.T) {
	until := time.Date(2027, 1, 13, 10, 0, 0, 0, storage.DefaultCalendar().Loc)
	o := Options{Classes: 2, SupportedPerClass: 3, Sessions: 200, Contacts: 20, Praise: 10, Reads: 10, ScheduledWeeks: 2, Until: until, Seed: 3, Years: 3}
	st, err := bolt.Open(filepath.Join(t.TempDir(), "g.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := Generate(st, o); err != nil {
		t.Fatal(err)
	}
	all, _ := st.SessionsBetween(until.AddDate(-3, 0, 0), until)
	if len(all) != 600 {
		t.Fatalf("%d sessions in three years, want 600", len(all))
	}
	for y := 1; y <= 3; y++ {
		ss, _ := st.SessionsBetween(until.AddDate(-y, 0, 0), until.AddDate(-y+1, 0, 0))
		if len(ss) < 150 || len(ss) > 250 {
			t.Fatalf("year %d before: %d sessions, want about 200", y, len(ss))
		}
	}
}
