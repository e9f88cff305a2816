package postgres_test

import (
	"os"
	"testing"

	"bangfu/storage/diskstats"
	"bangfu/storage/postgres/pgtest"
)

// BenchmarkRawPgxInsertCommit: the physical baseline of a /log on
// PostgreSQL: one INSERT committed with synchronous_commit on, sequential.
func BenchmarkRawPgxInsertCommit(b *testing.B) {
	insert := pgtest.RawInsert(b)
	disk := diskstats.Measure(b, os.TempDir()) // the throwaway cluster's disk
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := insert(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	disk(b.N)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
}
