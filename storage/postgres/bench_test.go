package postgres_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"bangfu/storage/diskstats"
	"bangfu/storage/postgres/pgtest"
)

// BenchmarkRawPgxInsertCommit: the physical baseline of a /log on
// PostgreSQL: one INSERT committed with synchronous_commit on, sequential.
func BenchmarkRawPgxInsertCommit(b *testing.B) {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(pgtest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, "CREATE TABLE raw (id bigserial PRIMARY KEY, doc jsonb NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	doc := []byte(`{"StudentID":7,"Subject":"数学辅导","Minutes":30,"Note":""}`)
	disk := diskstats.Measure(b, os.TempDir()) // the throwaway cluster's disk
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := pool.Exec(ctx, "INSERT INTO raw (doc) VALUES ($1)", doc); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	disk(b.N)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
}
