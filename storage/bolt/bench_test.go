package bolt

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"bangfu/storage/diskstats"
)

// The raw speed of bbolt on this machine, with fsync on, for the ratios of
// the log pipeline benchmarks (commands.BenchmarkLog*).

// valueSize is about what a /log stores (the session, its time index, the
// author index, the audit entry and the processed message id).
const valueSize = 600

func rawDB(b *testing.B) *bbolt.DB {
	db, err := bbolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, &bbolt.Options{FreelistType: bbolt.FreelistMapType})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucketIfNotExists([]byte("b")); return err })
	return db
}

// BenchmarkRawUpdatePut: one Put per Update, sequential.
func BenchmarkRawUpdatePut(b *testing.B) {
	db := rawDB(b)
	val := make([]byte, valueSize)
	disk := diskstats.Measure(b, db.Path())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := make([]byte, 8)
		binary.BigEndian.PutUint64(k, uint64(i))
		if err := db.Update(func(tx *bbolt.Tx) error { return tx.Bucket([]byte("b")).Put(k, val) }); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	disk(b.N)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
}

// BenchmarkRawBatchPut32: one Put per Batch call from 32 goroutines.
func BenchmarkRawBatchPut32(b *testing.B) {
	db := rawDB(b)
	val := make([]byte, valueSize)
	var n atomic.Uint64
	b.SetParallelism(16) // 32 goroutines on 2 cores
	disk := diskstats.Measure(b, db.Path())
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			k := make([]byte, 8)
			binary.BigEndian.PutUint64(k, n.Add(1))
			if err := db.Batch(func(tx *bbolt.Tx) error { return tx.Bucket([]byte("b")).Put(k, val) }); err != nil {
				b.Error(err)
			}
		}
	})
	b.StopTimer()
	disk(b.N)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
}

// BenchmarkRawFsync: the disk's own limit, one 4 KB write and fsync at a
// time: every durable commit of either engine costs at least this.
func BenchmarkRawFsync(b *testing.B) {
	f, err := os.CreateTemp(b.TempDir(), "fsync")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	page := make([]byte, 4096)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.WriteAt(page, int64(i%256)*4096); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "fsyncs/s")
}
