package postgres_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"bangfu/storage"
	"bangfu/storage/postgres"
	"bangfu/storage/postgres/pgtest"
	"bangfu/storage/storagetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestConformance runs the suite every engine passes, on a real server.
func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, now func() time.Time) storage.Store {
		s, err := postgres.Open(context.Background(), pgtest.URL(t), postgres.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestErasureLeavesNoBytesInTheTableFiles: after DeleteStudent the child's
// name and notes are in none of the table files (they were rewritten), as
// read from the server's data directory where this test can read it.
func TestErasureLeavesNoBytesInTheTableFiles(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	s, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, storage.DefaultCalendar().Loc)
	m := func(n int) storage.Meta {
		return storage.Meta{MsgKey: fmt.Sprint("e", n), ActorID: 1, Where: "test", At: now}
	}
	st, _, err := s.AddStudent(m(1), 7, 3, storage.Student{Name: "欧阳娜娜", Categories: []string{"留守儿童"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		if _, _, err := s.AddSession(m(10+i), storage.Session{StudentID: st.ID, Subject: "数学", Minutes: 30, At: now, Note: "秘密备注QZX"}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var dataDir string
	if err := c.QueryRow(ctx, "SHOW data_directory").Scan(&dataDir); err != nil {
		t.Skipf("cannot read the server's data directory: %v", err)
	}
	files := func() []string {
		var out []string
		for _, table := range []string{"records", "students", "audit"} {
			var rel string
			if err := c.QueryRow(ctx, "SELECT pg_relation_filepath($1)", table).Scan(&rel); err != nil {
				t.Fatal(err)
			}
			out = append(out, filepath.Join(dataDir, rel))
		}
		return out
	}
	if _, err := c.Exec(ctx, "CHECKPOINT"); err != nil {
		t.Skipf("CHECKPOINT needs a superuser: %v", err)
	}
	before, err := os.ReadFile(files()[0])
	if err != nil {
		t.Skipf("the server's files are not readable here: %v", err)
	}
	if !bytes.Contains(before, []byte("秘密备注QZX")) {
		t.Fatal("the note is not in the records file before the erasure: the check below would prove nothing")
	}
	if _, err := s.DeleteStudent(m(100), st.ID, []string{"欧阳娜娜"}); err != nil {
		t.Fatal(err)
	}
	c.Exec(ctx, "CHECKPOINT")
	for _, f := range files()[:2] {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"秘密备注QZX", "欧阳娜娜", "留守儿童"} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s still holds %q after the erasure", f, secret)
			}
		}
	}
}
