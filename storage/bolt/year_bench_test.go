package bolt_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"bangfu/storage/bolt"
	"bangfu/storage/diskstats"
	"bangfu/storage/schoolgen"
)

var year struct {
	once sync.Once
	path string
	err  error
}

// yearFile is the year-sized school of the benchmarks, generated once per
// test binary (its own temp dir, removed by TestMain).
func yearFile(b *testing.B) string {
	year.once.Do(func() {
		dir, err := os.MkdirTemp("", "bangfu-year")
		if err != nil {
			year.err = err
			return
		}
		year.path = filepath.Join(dir, "year.db")
		st, err := bolt.Open(year.path, bolt.Options{})
		if err != nil {
			year.err = err
			return
		}
		_, year.err = schoolgen.Generate(st, schoolgen.Big(time.Now()))
		st.Close()
	})
	if year.err != nil {
		b.Fatal(year.err)
	}
	return year.path
}

// BenchmarkRawUpdatePutYear: the raw baseline on a year-sized database, as
// /log is measured on one (commands.BenchmarkLogSequentialYear): one Put of
// a /log's size per Update, sequential, into the sessions of a copy of the
// year-sized school (its trees three levels deep), new keys at the end as
// new students' sessions are.
func BenchmarkRawUpdatePutYear(b *testing.B) {
	src, err := os.ReadFile(yearFile(b))
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "year.db")
	if err := os.WriteFile(path, src, 0o600); err != nil {
		b.Fatal(err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{FreelistType: bbolt.FreelistMapType})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	val := make([]byte, 600)
	disk := diskstats.Measure(b, path)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := make([]byte, 24)
		binary.BigEndian.PutUint64(k, 1<<40)
		binary.BigEndian.PutUint64(k[8:], uint64(i))
		binary.BigEndian.PutUint64(k[16:], uint64(i))
		if err := db.Update(func(tx *bbolt.Tx) error { return tx.Bucket([]byte("sessions")).Put(k, val) }); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	disk(b.N)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
}

// TestMain removes the year-sized school the benchmarks generated (57 MB a
// run, left in the temp dir otherwise).
func TestMain(m *testing.M) {
	code := m.Run()
	if year.path != "" {
		os.RemoveAll(filepath.Dir(year.path))
	}
	os.Exit(code)
}
