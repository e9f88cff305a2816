// Package county is what a county's education bureau sees of its schools:
// figures per school (how many children are supported, whether the agreed
// sessions and the monthly parent contact happen), never a child's name, a
// category of one child, a note or a teacher's name.
package county

import (
	"context"
	"log/slog"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"bangfu/bot"
	"bangfu/commands/report"
	"bangfu/storage"
)

// Store is what the desk reads of one school, and where it audits the read.
type Store interface {
	report.Reader
	AuditRead(m storage.Meta, action, detail string, students ...uint64) error
}

// School is one school of the county, with its own database and calendar.
type School struct {
	Key, Name string
	Store     Store
	Cal       storage.Calendar
}

// Figures are one school's aggregates: counts only.
type Figures struct {
	School     string
	Week       storage.Range
	Students   int            // under support now
	Key        int            // 重点
	ByCategory map[string]int // category → children
	Done       int            // sessions this week
	Agreed     int            // sessions agreed for this week
	Behind     int            // children short of their agreed sessions
	Contacted  int            // children whose parents were contacted in ContactMonth
	// ContactMonth is the month of the week's contacts: named, as 本月 read
	// as the month it is read in, not the week's.
	ContactMonth time.Month
	Failed       bool // the school's database could not be read
}

// Desk answers /county for the county's admins.
type Desk struct {
	Name    string // the county, for headings
	Schools []School
	// Admins are "platform:user id" of the people who may see the figures.
	Admins map[string]bool
	Now    func() time.Time
	Log    *slog.Logger
}

// IsAdmin reports whether the sender is one of the county's admins.
func (d *Desk) IsAdmin(m bot.Message) bool { return d.Admins[Account(m)] }

// Account is how config.yaml names a sender: platform:user id.
func Account(m bot.Message) string { return m.Platform + ":" + m.Sender.ID }

// Answer replies to /county <rest>: only an admin of the county, only in a
// private chat (the figures are not for a group).
func (d *Desk) Answer(ctx context.Context, m bot.Message, rest string) string {
	if !d.IsAdmin(m) {
		return notCountyAdmin(Account(m))
	}
	if m.Chat.Kind != bot.Private {
		return askPrivately()
	}
	now := d.Now()
	switch strings.ToLower(strings.TrimSpace(rest)) {
	case "", "status", "情况", "本周", "汇总":
		return d.Status(now, Account(m))
	case "digest", "周报", "上周":
		return d.Digest(now, Account(m))
	}
	return countyUsage()
}

// Status is every school's week so far.
func (d *Desk) Status(now time.Time, who string) string {
	return statusText(d.Name, d.collect(now, who, "county.status", thisWeek))
}

// Digest is every school's last full week: what the Monday digest says.
func (d *Desk) Digest(now time.Time, who string) string {
	return digestText(d.Name, d.collect(now, who, "county.digest", lastWeek))
}

type whichWeek int

const (
	thisWeek whichWeek = iota
	lastWeek
)

// collect reads each school in turn; a school that cannot be read is named
// as such and the others still answer. Each school's audit log records
// that the county read its figures.
func (d *Desk) collect(now time.Time, who, action string, w whichWeek) []Figures {
	out := make([]Figures, len(d.Schools))
	var g errgroup.Group
	// Each school is its own file or schema: a few read (and write their
	// audit entry) at once, so a district's answer is not 20 fsyncs in a row.
	g.SetLimit(readersAtOnce)
	for i, s := range d.Schools {
		g.Go(func() error {
			at := now
			if w == lastWeek {
				at = s.Cal.WeekStart(now).Add(-time.Hour)
			}
			f, err := SchoolFigures(s, at)
			if err == nil {
				err = s.Store.AuditRead(storage.Meta{Where: "county:" + who, At: now}, action, f.Week.From.Format("2006-01-02"))
			}
			if err != nil {
				d.log().Error("reading a school's figures for the county failed", "school", s.Key, "err", err)
				f = Figures{School: s.Name, Failed: true}
			}
			out[i] = f
			return nil
		})
	}
	g.Wait()
	return out
}

// readersAtOnce bounds the schools read at once (memory, connections).
const readersAtOnce = 4

func (d *Desk) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.Default()
}

// SchoolFigures counts one school's week around at, in the school's zone,
// as each class's /status counts it: the students under support, the
// week's sessions and the month's contacts, each window read once.
func SchoolFigures(s School, at time.Time) (Figures, error) {
	week, month := report.Week(s.Cal, at), report.Month(s.Cal, at)
	f := Figures{School: s.Name, Week: week, ContactMonth: month.From.Month(), ByCategory: map[string]int{}}
	classes, err := s.Store.Classes()
	if err != nil {
		return f, err
	}
	students, err := s.Store.AllStudents()
	if err != nil {
		return f, err
	}
	sessions, err := s.Store.SessionsBetween(week.From, week.To)
	if err != nil {
		return f, err
	}
	contacts, err := s.Store.ContactsBetween(month.From, month.To)
	if err != nil {
		return f, err
	}
	inClass := make(map[uint64]bool, len(classes))
	for _, c := range classes {
		inClass[c.ID] = true
	}
	done := map[uint64]int{}
	for _, se := range sessions {
		done[se.StudentID]++
	}
	contacted := map[uint64]bool{}
	for _, c := range contacts {
		// A parent's own message, or a talk with the child, is not the
		// school's contact with the family.
		contacted[c.StudentID] = contacted[c.StudentID] || c.WithFamily()
	}
	for _, st := range students {
		if st.Closed || !inClass[st.ClassID] {
			continue
		}
		f.Students++
		f.Done += done[st.ID]
		f.Agreed += st.WeeklyTarget
		if done[st.ID] < st.WeeklyTarget {
			f.Behind++
		}
		if st.Key {
			f.Key++
		}
		if contacted[st.ID] {
			f.Contacted++
		}
		for _, cat := range st.Categories {
			f.ByCategory[cat]++
		}
	}
	return f, nil
}

// total adds the schools' figures up for the county line.
func total(fs []Figures) Figures {
	t := Figures{ByCategory: map[string]int{}}
	for _, f := range fs {
		t.Students += f.Students
		t.Key += f.Key
		t.Done += f.Done
		t.Agreed += f.Agreed
		t.Behind += f.Behind
		t.Contacted += f.Contacted
		if !f.Failed {
			t.ContactMonth = f.ContactMonth
		}
		for c, n := range f.ByCategory {
			t.ByCategory[c] += n
		}
	}
	return t
}

// categories lists counts by category, the largest first.
func categories(m map[string]int) []string {
	type kv struct {
		k string
		n int
	}
	var kvs []kv
	for k, n := range m {
		kvs = append(kvs, kv{k, n})
	}
	sort.Slice(kvs, func(i, j int) bool {
		if kvs[i].n != kvs[j].n {
			return kvs[i].n > kvs[j].n
		}
		return kvs[i].k < kvs[j].k
	})
	out := make([]string, len(kvs))
	for i, e := range kvs {
		out[i] = categoryCount(e.k, e.n)
	}
	return out
}
