// Package diskstats reads the kernel's counters of the disk a file lives
// on, so that a benchmark can report what each operation cost the disk
// (writes and cache flushes), figures that do not drift with the shared
// disk's speed the way timings do.
package diskstats

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// Counters are the disk's totals since boot.
type Counters struct {
	Writes  uint64 // write requests completed
	Sectors uint64 // 512-byte sectors written
	Flushes uint64 // cache flushes completed (what an fsync ends with)
}

// Sub is the difference c - o.
func (c Counters) Sub(o Counters) Counters {
	return Counters{Writes: c.Writes - o.Writes, Sectors: c.Sectors - o.Sectors, Flushes: c.Flushes - o.Flushes}
}

// Reader reads the counters of one disk.
type Reader struct{ statFile string }

// For finds the disk that holds path (its partition's counters when it is
// on a partition). It fails where the kernel has no /sys/dev/block.
func For(path string) (Reader, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return Reader{}, err
	}
	r := Reader{statFile: fmt.Sprintf("/sys/dev/block/%d:%d/stat", unix.Major(st.Dev), unix.Minor(st.Dev))}
	_, err := r.Read()
	return r, err
}

// Read returns the counters now.
func (r Reader) Read() (Counters, error) {
	data, err := os.ReadFile(r.statFile)
	if err != nil {
		return Counters{}, err
	}
	f := strings.Fields(string(data))
	if len(f) < 7 {
		return Counters{}, fmt.Errorf("diskstats: %s: %d fields", r.statFile, len(f))
	}
	n := func(i int) uint64 {
		if i >= len(f) {
			return 0 // kernels before 5.5 count no flushes
		}
		v, _ := strconv.ParseUint(f[i], 10, 64)
		return v
	}
	return Counters{Writes: n(4), Sectors: n(6), Flushes: n(15)}, nil
}

// Measure starts counting the disk writes under dir for a benchmark: the
// returned stop reports disk-writes/op and flushes/op for n operations.
// Data written before (a database being set up) is flushed first, so it
// is not counted. Where the counters cannot be read, nothing is reported.
func Measure(b *testing.B, dir string) (stop func(n int)) {
	r, err := For(dir)
	if err != nil {
		return func(int) {}
	}
	unix.Sync()
	before, err := r.Read()
	if err != nil {
		return func(int) {}
	}
	return func(n int) {
		after, err := r.Read()
		if err != nil || n == 0 {
			return
		}
		d := after.Sub(before)
		b.ReportMetric(float64(d.Writes)/float64(n), "disk-writes/op")
		b.ReportMetric(float64(d.Flushes)/float64(n), "flushes/op")
	}
}
