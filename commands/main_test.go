package commands

import (
	"os"
	"testing"

	"bangfu/storage/postgres/pgtest"
)

// TestMain stops the throwaway PostgreSQL the benchmarks on it may start.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
