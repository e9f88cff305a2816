package postgres_test

import (
	"context"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"bangfu/storage"
	"bangfu/storage/bolt"
	"bangfu/storage/postgres"
	"bangfu/storage/postgres/pgtest"
	"bangfu/storage/schoolgen"
)

// TestASchoolMovesBetweenEnginesAndBack: a generated school's bbolt file
// restored into PostgreSQL, twice (idempotent), holds the same counts and
// the same records; moved back into a fresh file it is the same again; the
// moved school keeps working (numbers go on, /undo finds the moved records).
func TestASchoolMovesBetweenEnginesAndBack(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, storage.DefaultCalendar().Loc)
	src, err := bolt.Open(filepath.Join(t.TempDir(), "src.db"), bolt.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := schoolgen.Generate(src, schoolgen.Options{Classes: 3, SupportedPerClass: 5, Sessions: 400, Contacts: 80, Praise: 40,
		Reads: 60, ScheduledWeeks: 3, Pending: 6, Until: now, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := src.SetComment(storage.Meta{MsgKey: "c1", ActorID: 2, At: now}, storage.Comment{StudentID: 1, Semester: "2026-09-01", Text: "有进步"}); err != nil {
		t.Fatal(err)
	}
	want, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	pg, err := postgres.Open(context.Background(), pgtest.URL(t), postgres.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	for i := 0; i < 2; i++ {
		if err := pg.Restore(want); err != nil {
			t.Fatal(err)
		}
	}
	got, err := pg.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "bbolt → PostgreSQL", want, got)

	back, err := bolt.Open(filepath.Join(t.TempDir(), "back.db"), bolt.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if err := back.Restore(got); err != nil {
		t.Fatal(err)
	}
	again, err := back.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	same(t, "PostgreSQL → bbolt", want, again)

	// The moved school goes on: the next number follows the last, and the
	// author of the last record can still take it back.
	last := want.Records[len(want.Records)-1].No()
	for _, r := range want.Records {
		last = max(last, r.No())
	}
	se, _, err := pg.AddSession(storage.Meta{MsgKey: "after-move", ActorID: 1, At: now}, storage.Session{StudentID: 1, Subject: "数学", Minutes: 30, At: now})
	if err != nil || se.No != last+1 {
		t.Fatalf("the first record after the move got #%d, want #%d (%v)", se.No, last+1, err)
	}
	if ok, _ := pg.Processed("c1"); !ok {
		t.Fatal("processed ids were not moved: a redelivery would be recorded again")
	}
	u, err := pg.Undo(storage.Meta{MsgKey: "undo-after-move", ActorID: 2, At: now}, now.Add(-time.Hour))
	if err != nil || u.Kind != storage.KindComment {
		t.Fatalf("undo after the move: %+v %v", u, err)
	}
}

func same(t *testing.T, what string, want, got storage.Snapshot) {
	t.Helper()
	if !reflect.DeepEqual(want.Counts(), got.Counts()) {
		t.Fatalf("%s: counts %v, want %v", what, got.Counts(), want.Counts())
	}
	nos := func(s storage.Snapshot) []uint64 {
		var out []uint64
		for _, r := range s.Records {
			out = append(out, r.No())
		}
		sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
		return out
	}
	if !reflect.DeepEqual(nos(want), nos(got)) {
		t.Fatalf("%s: record numbers differ", what)
	}
	byNo := map[uint64]storage.Record{}
	for _, r := range got.Records {
		byNo[r.No()] = r
	}
	for _, r := range want.Records {
		g := byNo[r.No()]
		if r.StudentID() != g.StudentID() || r.AuthorID() != g.AuthorID() || r.Kind != g.Kind || !r.At.Equal(g.At) {
			t.Fatalf("%s: record #%d differs: %+v vs %+v", what, r.No(), r, g)
		}
	}
	refs := 0
	for _, e := range got.Audit {
		if e.Kind != "" && len(e.Ref) == 8 {
			refs++
		}
	}
	if refs == 0 {
		t.Fatalf("%s: no audit entry still names its record: /undo would find nothing", what)
	}
}
