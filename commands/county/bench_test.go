package county

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"bangfu/storage/bolt"
)

// BenchmarkCountyStatus: /county's figures over the district make bench
// writes ($BANGFU_DISTRICT_DIR: 20 year-sized schools, each its own file),
// beside the same for one of its schools alone.
func BenchmarkCountyStatus(b *testing.B) {
	dir := os.Getenv("BANGFU_DISTRICT_DIR")
	if dir == "" {
		b.Skip("set BANGFU_DISTRICT_DIR to a district written by TestWriteDistrict")
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "s*.db"))
	if len(paths) == 0 {
		b.Fatal("no schools in " + dir)
	}
	var schools []School
	for _, p := range paths {
		st, err := bolt.Open(p, bolt.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		schools = append(schools, School{Key: filepath.Base(p), Name: filepath.Base(p), Store: st, Cal: st.Cal})
	}
	now := time.Now()
	for _, c := range []struct {
		name    string
		schools []School
	}{{"district", schools}, {"oneSchool", schools[:1]}} {
		b.Run(c.name, func(b *testing.B) {
			d := &Desk{Name: "示范县", Schools: c.schools, Now: func() time.Time { return now }}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				d.Status(now, "bench")
			}
			fs := d.collect(now, "bench", "county.status", thisWeek)
			if total(fs).Students == 0 {
				b.Fatal("no students counted")
			}
		})
	}
}
