package commands

import (
	"os"
	"path/filepath"
	"testing"

	"bangfu/storage/postgres/pgtest"
)

// TestMain stops the throwaway PostgreSQL the benchmarks on it may start and
// removes the school files the benchmarks generated (hundreds of MB a run).
func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	for _, g := range []*generated{&bigSchool, &fiveYearSchool} {
		if g.path != "" {
			os.RemoveAll(filepath.Dir(g.path))
		}
	}
	os.Exit(code)
}
