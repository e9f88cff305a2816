package reminders

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"bangfu/commands"
	"bangfu/storage/bolt"
	"bangfu/storage/schoolgen"
)

// BenchmarkDue: every reminder's Due at Monday 08:00 (the digest is due and
// rendered) over the generated school of 600 students and a year of records.
func BenchmarkDue(b *testing.B) {
	monday := time.Date(2027, 1, 11, 8, 0, 0, 0, sh)
	path := filepath.Join(b.TempDir(), "big.db")
	st, err := bolt.Open(path, bolt.Options{Now: func() time.Time { return monday }})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := schoolgen.Generate(st, schoolgen.Big(monday)); err != nil {
		b.Fatal(err)
	}
	h := commands.New(st, st.Cal, st.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	sc, err := New(st, h.Cal, h.School, defaults, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
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
	_ = os.Remove
}
