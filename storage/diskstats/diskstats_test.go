package diskstats

import (
	"os"
	"path/filepath"
	"testing"
)

// An fsync of a file with new data writes to its disk and flushes its cache.
func TestAnFsyncIsCounted(t *testing.T) {
	dir := t.TempDir()
	r, err := For(dir)
	if err != nil {
		t.Skipf("no disk counters here: %v", err)
	}
	f, err := os.Create(filepath.Join(dir, "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	before, _ := r.Read()
	for i := 0; i < 3; i++ {
		if _, err := f.WriteAt(make([]byte, 4096), int64(i)*8192); err != nil {
			t.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := r.Read()
	d := after.Sub(before)
	if d.Writes < 3 || d.Sectors < 3*8 {
		t.Fatalf("three synced 4 KB writes counted as %+v", d)
	}
	if d.Flushes == 0 {
		t.Logf("this disk reports no flushes (%+v)", d)
	}
}
