package commands

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bangfu/bot"
	"bangfu/commands/delivery"
	"bangfu/commands/excel"
	"bangfu/commands/report"
	"bangfu/storage"
	"bangfu/storage/bolt"
	"bangfu/storage/diskstats"
	"bangfu/storage/postgres"
	"bangfu/storage/postgres/pgtest"
	"bangfu/storage/schoolgen"

	"github.com/xuri/excelize/v2"
)

// lastReply keeps what the router sent, to check the benchmarks did the work.
type lastReply struct {
	mu      sync.Mutex
	text    string
	journal bot.ReplyJournal
}

func (l *lastReply) Send(_ context.Context, o bot.Outgoing) error {
	if o.ReplyID != 0 { // handed over: as the outbox marks it for a platform that sends at once
		if err := l.journal.Sending(o); err != nil {
			return err
		}
	}
	l.mu.Lock()
	l.text = o.Text
	l.mu.Unlock()
	return nil
}

// logRig is the whole /log path: router (dedupe, recover) → parse →
// authorise → store with fsync (the reply journaled with the record) →
// reply text, marked handed over as a platform that sends at once does.
func logRig(b *testing.B) (*bot.Router, *lastReply, *bolt.Store) { return logRigJournal(b, true) }

// BenchmarkLogSequentialPostgres: the same /log path on the PostgreSQL
// engine, each record committed with synchronous_commit before its reply.
func BenchmarkLogSequentialPostgres(b *testing.B) {
	clock := schoolClock(time.Date(2026, 9, 1, 8, 0, 0, 0, shanghai))
	st, err := postgres.Open(context.Background(), pgtest.URL(b), postgres.Options{Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	router, out := logRouter(b, st, st.Cal, st.Now, true)
	logSequentially(b, router, out, nil)
}

// yearOnPostgres is a copy of the year-sized school on PostgreSQL (generated
// once per run into a template database).
func yearOnPostgres(b *testing.B) string {
	return pgtest.FilledURL(b, "year", func(url string) error {
		st, err := postgres.Open(context.Background(), url, postgres.Options{Now: func() time.Time { return bigNow }})
		if err != nil {
			return err
		}
		defer st.Close()
		_, err = schoolgen.Generate(st, schoolgen.Big(bigNow))
		return err
	})
}

// BenchmarkLogSequentialPostgresYear: the same in a copy of the year-sized
// school (generated once per run into a template database): bigger
// indexes and tables, as the targets ask.
func BenchmarkLogSequentialPostgresYear(b *testing.B) {
	url := yearOnPostgres(b)
	clock := schoolClock(bigNow)
	st, err := postgres.Open(context.Background(), url, postgres.Options{Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	router, out := logRouter(b, st, st.Cal, st.Now, true)
	logSequentially(b, router, out, nil)
}

// logRouter is the router, commands and 32 students over any store.
func logRouter(b *testing.B, st storage.Store, cal storage.Calendar, now func() time.Time, journal bool) (*bot.Router, *lastReply) {
	h := New(st, cal, now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	h.noReplyJournal = !journal
	if err := h.EnsureAdmin("bench", "王老师", "dm:王老师", "王老师"); err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 9, 1, 8, 0, 0, 0, shanghai)
	for i := 0; i < 32; i++ {
		if _, _, err := st.AddStudent(storage.Meta{ActorID: 1, At: at}, 7, 3, storage.Student{Name: fmt.Sprintf("学生%c", '甲'+rune(i)), WeeklyTarget: 2}); err != nil {
			b.Fatal(err)
		}
	}
	out := &lastReply{journal: delivery.ReplyJournal{Store: st, Now: now}}
	return &bot.Router{Handler: h, Out: out, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, out
}

func logRigJournal(b *testing.B, journal bool) (*bot.Router, *lastReply, *bolt.Store) {
	return logRigOn(b, filepath.Join(b.TempDir(), "bangfu.db"), journal)
}

// schoolClock is the benchmarks' clock from start: it moves at every
// reading, so the logs spread over the year about as a school's do, a few
// sessions a week for each student (a /log reads it about three times, and
// its reply counts the student's sessions that week). It moved a minute a
// reading until 2026-11-30, which piled a hundred sessions into each
// student's week: the count read them all, a sixth of a /log's time on
// PostgreSQL, a cost no school has.
func schoolClock(start time.Time) func() time.Time {
	var ticks atomic.Int64
	return func() time.Time { return start.Add(time.Duration(ticks.Add(1)) * clockStep) }
}

// clockStep: 32 students, about three readings a /log; three sessions a
// student a week.
const clockStep = 7 * 24 * time.Hour / (32 * 3 * 3)

// logRigOn is the log rig over the file at path (made when missing).
func logRigOn(b *testing.B, path string, journal bool) (*bot.Router, *lastReply, *bolt.Store) {
	start := time.Date(2026, 9, 1, 8, 0, 0, 0, shanghai)
	clock := schoolClock(start)
	st, err := bolt.Open(path, bolt.Options{Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	h := New(st, st.Cal, st.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	h.noReplyJournal = !journal
	if err := h.EnsureAdmin("bench", "王老师", "dm:王老师", "王老师"); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 32; i++ {
		if _, _, err := st.AddStudent(storage.Meta{ActorID: 1, At: start}, 7, 3, storage.Student{Name: fmt.Sprintf("学生%c", '甲'+rune(i)), WeeklyTarget: 2}); err != nil {
			b.Fatal(err)
		}
	}
	out := &lastReply{journal: delivery.ReplyJournal{Store: st, Now: st.Now}}
	return &bot.Router{Handler: h, Out: out, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, out, st
}

// logSequentially sends b.N /log lines one after another, each answered
// before the next, and reports logs/s.
// pages, when not nil, counts the pages the engine has written.
func logSequentially(b *testing.B, router *bot.Router, out *lastReply, pages func() int64) {
	ctx := context.Background()
	var p0 int64
	if pages != nil {
		p0 = pages()
	}
	disk := diskstats.Measure(b, os.TempDir()) // the database's disk (b.TempDir, or the throwaway cluster's)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		router.Dispatch(ctx, logMessage(uint64(i), i%32))
	}
	b.StopTimer()
	disk(b.N)
	if !strings.Contains(out.text, "本周第") {
		b.Fatalf("last reply %q", out.text)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logs/s")
	if pages != nil {
		b.ReportMetric(float64(pages()-p0)/float64(b.N), "pages/log")
	}
}

func logMessage(id uint64, student int) bot.Message {
	return bot.Message{Platform: "bench", ID: fmt.Sprint(id), Chat: bot.Chat{ID: "dm:王老师", Kind: bot.Private},
		Sender: bot.User{ID: "王老师", Name: "王老师"}, Text: fmt.Sprintf("/log 学生%c 数学辅导 30分钟", '甲'+rune(student))}
}

// BenchmarkLogSequential: one teacher logging as fast as replies come back.
func BenchmarkLogSequential(b *testing.B) { benchLogSequential(b, true) }

// BenchmarkLogSequentialUnjournaled: the same without the reply journaled
// with the record, to measure what never losing a reply costs.
func BenchmarkLogSequentialUnjournaled(b *testing.B) { benchLogSequential(b, false) }

func benchLogSequential(b *testing.B, journal bool) {
	router, out, st := logRigJournal(b, journal)
	logSequentially(b, router, out, st.PagesWritten)
}

// BenchmarkLogSequentialYear: the same in a copy of the year-sized school
// (55 MB: deeper trees, so more pages written by each commit).
func BenchmarkLogSequentialYear(b *testing.B) {
	st, _ := bigStore(b) // generated once per run
	st.Close()
	path := filepath.Join(b.TempDir(), "year.db")
	src, err := os.ReadFile(bigSchool.path)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, src, 0o600); err != nil {
		b.Fatal(err)
	}
	router, out, st := logRigOn(b, path, true)
	logSequentially(b, router, out, st.PagesWritten)
}

// BenchmarkLogConcurrent32: 32 senders at once; each still waits for its own
// record to be fsynced before its reply.
func BenchmarkLogConcurrent32(b *testing.B) { logConcurrently(b, logMessage) }

// BenchmarkLogConcurrent32Chats: the same with the messages keyed as from 32
// chats (a platform's key is chat:message, as Telegram's): their processed
// ids are no longer neighbours in key order.
func BenchmarkLogConcurrent32Chats(b *testing.B) {
	logConcurrently(b, func(id uint64, student int) bot.Message {
		m := logMessage(id, student)
		m.ID = fmt.Sprintf("%d:%d", id%32, id/32)
		return m
	})
}

func logConcurrently(b *testing.B, message func(id uint64, student int) bot.Message) {
	router, out, st := logRig(b)
	ctx := context.Background()
	var n atomic.Uint64
	c0, w0 := st.CommitStats()
	p0 := st.PagesWritten()
	b.SetParallelism(16) // 32 goroutines on 2 cores
	disk := diskstats.Measure(b, os.TempDir())
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := n.Add(1)
			router.Dispatch(ctx, message(id, int(id%32)))
		}
	})
	b.StopTimer()
	disk(b.N)
	if !strings.Contains(out.text, "本周第") {
		b.Fatalf("last reply %q", out.text)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logs/s")
	c1, w1 := st.CommitStats()
	b.ReportMetric(float64(w1-w0)/float64(c1-c0), "writes/commit")
	b.ReportMetric(float64(st.PagesWritten()-p0)/float64(b.N), "pages/log")
}

// generated is a school file made once per run and opened by each benchmark.
type generated struct {
	once   sync.Once
	path   string
	err    error
	school schoolgen.School
}

var (
	bigSchool      generated // a year of records
	fiveYearSchool generated // five years on the same register
)

// bigNow is a Wednesday late in the semester; the records cover the year before.
var bigNow = time.Date(2027, 1, 13, 10, 0, 0, 0, shanghai)

// bigStore opens the generated school (60 classes, 600 students under
// support, a year of records), generating it once per run.
func bigStore(b *testing.B) (*bolt.Store, schoolgen.School) {
	return bigSchool.open(b, schoolgen.Big(bigNow))
}

// fiveYearStore opens the same school after five years of records.
func fiveYearStore(b *testing.B) (*bolt.Store, schoolgen.School) {
	return fiveYearSchool.open(b, schoolgen.FiveYears(bigNow))
}

func (g *generated) open(b *testing.B, o schoolgen.Options) (*bolt.Store, schoolgen.School) {
	g.once.Do(func() {
		dir, err := os.MkdirTemp("", "bangfu-big")
		if err != nil {
			g.err = err
			return
		}
		g.path = filepath.Join(dir, "big.db")
		st, err := bolt.Open(g.path, bolt.Options{})
		if err != nil {
			g.err = err
			return
		}
		g.school, g.err = schoolgen.Generate(st, o)
		st.Close()
	})
	if g.err != nil {
		b.Fatal(g.err)
	}
	st, err := bolt.Open(g.path, bolt.Options{Now: func() time.Time { return bigNow }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st, g.school
}

func benchHandle(b *testing.B, st *bolt.Store, who, text string, want string) {
	h := New(st, st.Cal, st.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	var got []bot.Outgoing
	for i := 0; i < b.N; i++ {
		got = h.Handle(ctx, bot.Message{Platform: "console", ID: fmt.Sprintf("s%d-%d", time.Now().UnixNano(), i), Chat: bot.Chat{ID: "dm:" + who, Kind: bot.Private},
			Sender: bot.User{ID: who, Name: who}, Text: text})
	}
	b.StopTimer()
	if len(got) == 0 || !strings.Contains(got[0].Text, want) {
		b.Fatalf("reply %+v", got)
	}
}

// BenchmarkStatusClass: /status of a class, the whole path including the
// audit entry written for the read.
func BenchmarkStatusClass(b *testing.B) {
	st, _ := bigStore(b)
	benchHandle(b, st, "班主任0", "/status 初一1班", "初一1班 帮扶情况")
}

// BenchmarkStatusStudent: /status of one student with a year of records.
func BenchmarkStatusStudent(b *testing.B) {
	st, s := bigStore(b)
	benchHandle(b, st, "校长", "/status 初一1班"+s.Students[0].Name, "本周辅导")
}

// BenchmarkDigestSchool: last week's digest of the whole school.
func BenchmarkDigestSchool(b *testing.B) {
	st, _ := bigStore(b)
	h := New(st, st.Cal, st.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	lastWeek := h.Cal.WeekStart(bigNow).AddDate(0, 0, -7)
	b.ReportAllocs()
	b.ResetTimer()
	var d report.Digest
	for i := 0; i < b.N; i++ {
		var err error
		if d, err = report.BuildDigest(st, h.Cal, lastWeek, 0); err != nil {
			b.Fatal(err)
		}
		_ = report.RenderSchoolDigest("示例中学", d)
	}
	b.StopTimer()
	if len(d.Classes) != 60 {
		b.Fatalf("%d classes in the digest", len(d.Classes))
	}
}

// BenchmarkExportSchool: the whole school's archive as .xlsx.
// BenchmarkExport: the whole school's .xlsx (read the year, build the
// archive, style and stream six sheets) next to its baseline, excelize's
// StreamWriter writing the same rows from memory with no styles; run with
// -count, the two interleave.
func BenchmarkExport(b *testing.B) {
	st, _ := bigStore(b)
	h := New(st, st.Cal, st.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	a, err := h.Archive(0, bigNow) // the same rows the workbook writes
	if err != nil {
		b.Fatal(err)
	}
	rows := excel.Rows(st.Cal, a)
	sheets := make([]string, 0, len(rows))
	for name := range rows {
		sheets = append(sheets, name)
	}
	sort.Strings(sheets)
	b.Run("rawStream", func(b *testing.B) {
		var size int
		for i := 0; i < b.N; i++ {
			size = rawStreamWorkbook(b, sheets, rows)
		}
		b.ReportMetric(float64(size), "xlsx-bytes")
	})
	five, _ := fiveYearStore(b)
	for _, tc := range []struct {
		name string
		h    *Handler
	}{{"school", h}, {"schoolFiveYears", New(five, five.Cal, five.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))}} {
		b.Run(tc.name, func(b *testing.B) {
			var data []byte
			for i := 0; i < b.N; i++ {
				var err error
				if data, _, err = tc.h.Workbook(0, bigNow); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(data)), "xlsx-bytes")
		})
	}
}

func rawStreamWorkbook(b *testing.B, sheets []string, rows map[string][][]any) int {
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range sheets {
		var err error
		if i == 0 {
			err = f.SetSheetName("Sheet1", name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			b.Fatal(err)
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			b.Fatal(err)
		}
		for r, row := range rows[name] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := sw.SetRow(cell, row); err != nil {
				b.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	return buf.Len()
}

// BenchmarkLongLine: reading a /log line of 200 and of 1,990 characters
// (just under the cap) that turns out to have no duration, as one long
// field and as many short ones: normalising, splitting and parsing should
// cost the same per character at both lengths (linear, no search that grows
// with the square of the line).
func BenchmarkLongLine(b *testing.B) {
	// parseLog reads the register once (a name glued to the rest): an
	// empty school's.
	st, err := bolt.Open(filepath.Join(b.TempDir(), "b.db"), bolt.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	h := New(st, storage.DefaultCalendar(), time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	sp := h.specNamed("log")
	for _, shape := range []struct{ name, unit string }{{"oneField", "数"}, {"manyFields", "数 "}} {
		for _, runes := range []int{200, 1990} {
			text := "/log 张三 " + strings.Repeat(shape.unit, (runes-8)/len([]rune(shape.unit)))
			b.Run(fmt.Sprintf("%s/%d", shape.name, runes), func(b *testing.B) {
				b.ReportAllocs()
				var err error
				for i := 0; i < b.N; i++ {
					line := Normalize(text)
					r := &req{spec: sp, now: wed, args: newArgs(strings.TrimPrefix(line, "/log "))}
					_, err = h.parseLog(r)
				}
				b.StopTimer()
				if err == nil || !strings.Contains(err.Error(), "时长") {
					b.Fatalf("a line without a duration read as %v", err)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len([]rune(text))), "ns/char")
			})
		}
	}
}

// BenchmarkDigestClass: one class's digest in the year-sized school, in
// a school of that one class (the same class size and records per
// student) and in the school after five years: reading the class and the
// week only, the three cost about the same.
func BenchmarkDigestClass(b *testing.B) {
	big, _ := bigStore(b)
	five, _ := fiveYearStore(b)
	small, err := bolt.Open(filepath.Join(b.TempDir(), "small.db"), bolt.Options{Now: func() time.Time { return bigNow }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { small.Close() })
	o := schoolgen.Big(bigNow)
	o.Sessions, o.Contacts, o.Praise, o.Reads, o.Pending = o.Sessions/o.Classes, o.Contacts/o.Classes, o.Praise/o.Classes, o.Reads/o.Classes, o.Pending/o.Classes
	o.Classes = 1
	if _, err := schoolgen.Generate(small, o); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		st   *bolt.Store
	}{{"school", big}, {"oneClass", small}, {"fiveYears", five}} {
		b.Run(tc.name, func(b *testing.B) {
			cal := tc.st.Cal
			lastWeek := cal.WeekStart(bigNow).AddDate(0, 0, -7)
			c, ok, err := tc.st.ClassByGrade(7, 1)
			if err != nil || !ok {
				b.Fatalf("初一1班: %v %v", ok, err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d, err := report.BuildDigest(tc.st, cal, lastWeek, c.ID)
				if err != nil || len(d.Classes) != 1 {
					b.Fatalf("digest: %v %v", d.Classes, err)
				}
			}
		})
	}
}

// BenchmarkDigestClassDistrict: one class's digest in the last school of
// the district make bench writes ($BANGFU_DISTRICT_DIR), that school's file
// opened alone (a one-school database) and then with all twenty open, as a
// county's bangfu has them.
func BenchmarkDigestClassDistrict(b *testing.B) {
	dir := os.Getenv("BANGFU_DISTRICT_DIR")
	if dir == "" {
		b.Skip("set BANGFU_DISTRICT_DIR to a district written by TestWriteDistrict")
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "s*.db"))
	if len(paths) == 0 {
		b.Fatal("no schools in " + dir)
	}
	now := time.Now()
	digest := func(b *testing.B, st *bolt.Store) {
		lastWeek := st.Cal.WeekStart(now).AddDate(0, 0, -7)
		c, ok, err := st.ClassByGrade(7, 1)
		if err != nil || !ok {
			b.Fatalf("初一1班: %v %v", ok, err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if d, err := report.BuildDigest(st, st.Cal, lastWeek, c.ID); err != nil || len(d.Classes) != 1 {
				b.Fatalf("digest: %v %v", d.Classes, err)
			}
		}
		b.StopTimer() // closing the files is not the digest's
	}
	open := func(b *testing.B, p string) *bolt.Store {
		st, err := bolt.Open(p, bolt.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	b.Run("alone", func(b *testing.B) {
		st := open(b, paths[len(paths)-1])
		defer st.Close()
		digest(b, st)
	})
	b.Run("district", func(b *testing.B) {
		var all []*bolt.Store
		for _, p := range paths {
			all = append(all, open(b, p))
		}
		defer func() {
			for _, st := range all {
				st.Close()
			}
		}()
		digest(b, all[len(all)-1])
	})
}
