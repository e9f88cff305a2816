package reminders

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"bangfu/commands"
	"bangfu/storage"
	"bangfu/storage/bolt"
	"bangfu/storage/schoolgen"

	bbolt "go.etcd.io/bbolt"
)

// BenchmarkDue: every reminder's Due at Monday 08:00 (the digest is due and
// rendered) over the generated school of 600 students and a year of records,
// next to its baseline: a raw bbolt read of the same window (the school's
// classes, students, people and groups; every student's sessions of the two
// weeks before and contacts of the month, each seek by cursor and each
// record decoded). Run with -count, the two alternate.
func BenchmarkDue(b *testing.B) {
	monday := time.Date(2027, 1, 11, 8, 0, 0, 0, sh)
	path := filepath.Join(b.TempDir(), "big.db")
	st, err := bolt.Open(path, bolt.Options{Now: func() time.Time { return monday }})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := schoolgen.Generate(st, schoolgen.Big(monday)); err != nil {
		b.Fatal(err)
	}
	st.Close()
	b.Run("rawWindowScan", func(b *testing.B) {
		db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		weekEnd := time.Date(2027, 1, 11, 0, 0, 0, 0, sh)
		month := time.Date(2027, 1, 1, 0, 0, 0, 0, sh)
		b.ReportAllocs()
		records := 0
		for i := 0; i < b.N; i++ {
			records = rawWindowScan(b, db, weekEnd.AddDate(0, 0, -14), weekEnd, month, month.AddDate(0, 1, 0))
		}
		b.ReportMetric(float64(records), "records")
	})
	b.Run("due", func(b *testing.B) {
		st, err := bolt.Open(path, bolt.Options{Now: func() time.Time { return monday }})
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		h := commands.New(st, st.Cal, st.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
		sc, err := New(st, h.Cal, h.School, defaults, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		var runs []Run
		for i := 0; i < b.N; i++ {
			if runs, err = sc.Due(monday); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		msgs := 0
		for _, r := range runs {
			msgs += len(r.Messages)
		}
		if msgs == 0 {
			b.Fatal("nothing due on Monday morning")
		}
		b.ReportMetric(float64(msgs), "messages")
	})
}

// rawWindowScan reads what Due needs at its least, straight from bbolt.
func rawWindowScan(b *testing.B, db *bbolt.DB, sessFrom, sessTo, contFrom, contTo time.Time) int {
	n := 0
	err := db.View(func(tx *bbolt.Tx) error {
		var ids []uint64
		for _, name := range []string{"classes", "students", "people", "groups"} {
			err := tx.Bucket([]byte(name)).ForEach(func(k, v []byte) error {
				var rec map[string]any
				if err := json.Unmarshal(v, &rec); err != nil {
					return err
				}
				if name == "students" {
					ids = append(ids, binary.BigEndian.Uint64(k))
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		window := func(bucket string, from, to time.Time, rec any) error {
			c := tx.Bucket([]byte(bucket)).Cursor()
			for _, id := range ids {
				start, end := make([]byte, 16), make([]byte, 16)
				binary.BigEndian.PutUint64(start, id)
				binary.BigEndian.PutUint64(start[8:], uint64(from.Unix()))
				binary.BigEndian.PutUint64(end, id)
				binary.BigEndian.PutUint64(end[8:], uint64(to.Unix()))
				for k, v := c.Seek(start); k != nil && bytes.Compare(k[:16], end) < 0; k, v = c.Next() {
					if err := json.Unmarshal(v, rec); err != nil {
						return err
					}
					n++
				}
			}
			return nil
		}
		if err := window("sessions", sessFrom, sessTo, &storage.Session{}); err != nil {
			return err
		}
		return window("contacts", contFrom, contTo, &storage.Contact{})
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
