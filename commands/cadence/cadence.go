// Package cadence is the rhythm a school's policy sets for its supported
// students (帮扶节奏): for each category, what is owed how often and by whom
// (留守儿童: a call with the parents working away every week, a home visit
// every semester; 学困: the agreed tutoring each week; the head teacher's
// formal contact with the family every month). Owed computes, from the
// rules and the records, what each teacher still owes in the current week,
// month or semester; commands and reminders list it, and a short reply
// records it.
package cadence

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"bangfu/storage"
)

// What a rule asks for.
const (
	KindTutoring = "tutoring" // sessions (/log)
	KindContact  = "contact"  // home contacts (/contact)
	KindVisit    = "visit"    // home visits (/contact … 家访)
)

// Whom a contact rule wants reached.
const (
	WithAny  = "any"
	WithAway = "away" // the parents working away (外出务工)
	WithHome = "home" // the relative at home (代管家长)
)

// Who owes it.
const (
	WhoMentor = "mentor" // the plan's responsible teacher or the mentor; the head teacher without one
	WhoHead   = "head"   // the class's head teacher
)

// Periods.
const (
	EveryWeek     = "week"
	EveryMonth    = "month"
	EverySemester = "semester"
)

// Rule is one line of the policy.
type Rule struct {
	Name       string   `yaml:"name"`
	Categories []string `yaml:"categories"` // the categories it applies to; empty: every supported student
	Kind       string   `yaml:"kind"`
	With       string   `yaml:"with"`
	Who        string   `yaml:"who"`
	Every      string   `yaml:"every"`
	Times      int      `yaml:"times"` // 0 with tutoring: the student's agreed weekly number
	Source     string   `yaml:"source"`
}

// MaxRules keeps an owed item's code (student id × 10 + rule) short.
const MaxRules = 9

// Check reports what is wrong with rule i, naming the field; categories are
// checked against the official eight by the caller's known list.
func Check(rules []Rule, known func(string) (string, bool)) error {
	if len(rules) > MaxRules {
		return errors.New(tooManyRules(MaxRules))
	}
	names := map[string]bool{}
	for i := range rules {
		r := &rules[i]
		at := func(field string) string { return fmt.Sprintf("[%d].%s", i, field) }
		switch {
		case r.Name == "":
			return errors.New(at("name") + nameMissing())
		case names[r.Name]:
			return errors.New(at("name") + nameTwice(r.Name))
		case r.Kind != KindTutoring && r.Kind != KindContact && r.Kind != KindVisit:
			return errors.New(at("kind") + badKind(r.Kind))
		case r.Every != EveryWeek && r.Every != EveryMonth && r.Every != EverySemester:
			return errors.New(at("every") + badEvery(r.Every))
		case r.Times < 0 || r.Times > 20:
			return errors.New(at("times") + badTimes())
		case r.Times == 0 && r.Kind != KindTutoring:
			return errors.New(at("times") + timesNeeded())
		case r.Times == 0 && r.Every != EveryWeek:
			return errors.New(at("times") + agreedIsWeekly())
		}
		names[r.Name] = true
		if r.Who == "" {
			r.Who = WhoMentor
		}
		if r.Who != WhoMentor && r.Who != WhoHead {
			return errors.New(at("who") + badWho(r.Who))
		}
		if r.Kind == KindContact && r.With == "" {
			r.With = WithAny
		}
		if r.Kind == KindContact && r.With != WithAny && r.With != WithAway && r.With != WithHome {
			return errors.New(at("with") + badWith(r.With))
		}
		for j, c := range r.Categories {
			full, ok := known(c)
			if !ok {
				return errors.New(at(fmt.Sprintf("categories[%d]", j)) + unknownCategory(c))
			}
			r.Categories[j] = full
		}
	}
	return nil
}

// Applies reports whether the rule is for the student.
func (r Rule) Applies(st storage.Student) bool {
	if len(r.Categories) == 0 {
		return true
	}
	for _, want := range r.Categories {
		for _, c := range st.Categories {
			if c == want {
				return true
			}
		}
	}
	return false
}

// Period is the current week, month or semester of a rule at now, and its
// key (for postponements).
func (r Rule) Period(cal storage.Calendar, now time.Time) (storage.Range, string) {
	switch r.Every {
	case EveryWeek:
		from := cal.WeekStart(now)
		y, w := from.ISOWeek()
		return storage.Range{From: from, To: from.AddDate(0, 0, 7)}, fmt.Sprintf("%d-W%02d", y, w)
	case EveryMonth:
		from := cal.MonthStart(now)
		return storage.Range{From: from, To: cal.NextMonthStart(now)}, from.Format("2006-01")
	}
	t := cal.TermAt(now)
	return storage.Range{From: t.Start, To: t.End.AddDate(0, 0, 1)}, t.Key()
}

// Item is one thing owed: the rule, for a student, by a teacher, in the
// current period.
type Item struct {
	Code      uint64 // #code in lists, /done and /later
	Rule      Rule
	Student   storage.Student
	Owner     uint64 // who owes it
	Done      int
	Need      int
	Period    storage.Range
	PeriodKey string
	Until     time.Time // postponed until then; zero: not postponed
}

// Code names an owed item: the student and the rule.
func Code(studentID uint64, rule int) uint64 { return studentID*10 + uint64(rule) + 1 }

// Decode splits a code into the student and the rule's index.
func Decode(code uint64) (studentID uint64, rule int, ok bool) {
	if code%10 == 0 {
		return 0, 0, false
	}
	return code / 10, int(code%10) - 1, true
}

// Heads finds a class's head teachers among people, for Owed. A class
// with none has its head teacher's part seen to by the school's admins
// until one joins, as its parents' messages go to them: else what falls to
// the head teacher (a student without a mentor, the class's contacts) was
// owed by nobody and nobody was reminded of it.
//
// The classes' head teachers are indexed once: the reminders ask for each
// person and each student, and scanning the people every time made a run
// cost people² × students.
func Heads(people []storage.Person) func(classID uint64) []uint64 {
	var admins []uint64
	heads := map[uint64][]uint64{}
	for _, p := range people {
		if p.Admin {
			admins = append(admins, p.ID)
		}
		for _, c := range p.HeadOf {
			if !slices.Contains(heads[c], p.ID) {
				heads[c] = append(heads[c], p.ID)
			}
		}
	}
	return func(classID uint64) []uint64 {
		if ids, ok := heads[classID]; ok {
			return ids
		}
		return admins
	}
}

// Since is where the records Owed counts from begin: the semester's first
// day, or, before it or when a week began last month, a week before this
// month began.
func Since(cal storage.Calendar, now time.Time) time.Time {
	from := cal.TermAt(now).Start
	if m := cal.MonthStart(now).AddDate(0, 0, -7); from.IsZero() || from.After(m) {
		from = m
	}
	return from
}

// SinceFor is where the records counted by the rules of one kind (tutoring,
// counted from sessions; or the others, from contacts) begin at now: the
// earliest start of their periods, never before Since. ok is false when no
// rule is of that kind. A weekly tutoring rule reads this week's sessions,
// not the semester's: a county's Monday runs held a semester of every
// school's sessions in memory (34 MB of 83 at the peak).
func SinceFor(cal storage.Calendar, now time.Time, rules []Rule, tutoring bool) (from time.Time, ok bool) {
	floor := Since(cal, now)
	for _, r := range rules {
		if (r.Kind == KindTutoring) != tutoring {
			continue
		}
		p, _ := r.Period(cal, now)
		start := p.From
		if start.Before(floor) { // a holiday has no term: its period is empty
			start = floor
		}
		if !ok || start.Before(from) {
			from = start
		}
		ok = true
	}
	return from, ok
}

// Records are what the rules are counted from: sessions and contacts from
// the start of the longest period of the rules counting them (SinceFor) to
// now.
type Records struct {
	Sessions []storage.Session
	Contacts []storage.Contact
}

// Owed lists what is owed at now, by every owner, for the students given
// (closed ones owe nothing). heads lists a class's head teachers.
func Owed(cal storage.Calendar, now time.Time, rules []Rule, students []storage.Student, recs Records, heads func(classID uint64) []uint64) []Item {
	return items(cal, now, rules, students, recs, heads, true)
}

// Status is every rule's standing for every student at now, done or not
// (the archive's sheet).
func Status(cal storage.Calendar, now time.Time, rules []Rule, students []storage.Student, recs Records, heads func(classID uint64) []uint64) []Item {
	return items(cal, now, rules, students, recs, heads, false)
}

func items(cal storage.Calendar, now time.Time, rules []Rule, students []storage.Student, recs Records, heads func(classID uint64) []uint64, owedOnly bool) []Item {
	sessions := map[uint64][]storage.Session{}
	for _, s := range recs.Sessions {
		sessions[s.StudentID] = append(sessions[s.StudentID], s)
	}
	contacts := map[uint64][]storage.Contact{}
	for _, c := range recs.Contacts {
		contacts[c.StudentID] = append(contacts[c.StudentID], c)
	}
	var out []Item
	for _, st := range students {
		if st.Closed {
			continue
		}
		for i, r := range rules {
			if !r.Applies(st) {
				continue
			}
			period, key := r.Period(cal, now)
			need := r.Times
			if r.Kind == KindTutoring && need == 0 {
				need = st.WeeklyTarget
			}
			if need == 0 || st.CreatedAt.After(period.To) {
				continue
			}
			owners := ownersOf(r, st, heads)
			done := count(r, st, owners, period, sessions[st.ID], contacts[st.ID])
			if owedOnly && done >= need {
				continue
			}
			until := postponed(st, r.Name, key, now)
			for _, o := range owners {
				out = append(out, Item{Code: Code(st.ID, i), Rule: r, Student: st, Owner: o, Done: done, Need: need, Period: period, PeriodKey: key, Until: until})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Owner != out[j].Owner {
			return out[i].Owner < out[j].Owner
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// ownersOf: a mentor's rule is the plan's responsible teacher's or the
// mentor's, else the head teacher's; a head teacher's rule is theirs.
func ownersOf(r Rule, st storage.Student, heads func(uint64) []uint64) []uint64 {
	if r.Who == WhoMentor {
		return MentorsOf(st, heads)
	}
	return heads(st.ClassID)
}

// MentorsOf are who see to a student's support: the plan's responsible
// teacher or the mentor, else the class's head teachers.
func MentorsOf(st storage.Student, heads func(uint64) []uint64) []uint64 {
	if who := st.Responsible(); who != 0 {
		return []uint64{who}
	}
	return heads(st.ClassID)
}

// count is how much of the rule was done in the period: sessions by
// anyone; contacts and visits by the rule's owners, to the family members
// it names, never a message the family sent.
func count(r Rule, st storage.Student, owners []uint64, p storage.Range, ss []storage.Session, cs []storage.Contact) int {
	in := func(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }
	n := 0
	if r.Kind == KindTutoring {
		for _, s := range ss {
			if in(s.At) {
				n++
			}
		}
		return n
	}
	for _, c := range cs {
		if !in(c.At) || !c.WithFamily() || !contains(owners, c.AuthorID) {
			continue
		}
		if r.Kind == KindVisit {
			if c.Method == "家访" {
				n++
			}
			continue
		}
		if Reaches(r.With, st, c.Whom) {
			n++
		}
	}
	return n
}

// Reaches reports whether a contact with whom reaches the family members
// with names: as whom is registered among the guardians (working away, or
// at home); or, when whom is not registered and no guardian of that kind
// is, the parents (away) and any other relative (home).
func Reaches(with string, st storage.Student, whom string) bool {
	if with == WithAny {
		return true
	}
	registered := false // a guardian of that kind is registered
	for _, g := range st.CurrentGuardians() {
		if g.Relation == whom {
			return (with == WithAway && g.Away) || (with == WithHome && g.AtHome)
		}
		registered = registered || (with == WithAway && g.Away) || (with == WithHome && g.AtHome)
	}
	parent := whom == "爸爸" || whom == "妈妈" || whom == "父母"
	switch with {
	case WithAway:
		return !registered && parent
	case WithHome:
		return whom == "代管家长" || (!registered && whom != "" && !parent)
	}
	return false
}

// postponed is until when the item was put off, zero when it was not or
// that day has come.
func postponed(st storage.Student, rule, period string, now time.Time) time.Time {
	for _, l := range st.Later {
		if l.Rule == rule && l.Period == period && l.Until.After(now) {
			return l.Until
		}
	}
	return time.Time{}
}

func contains(ids []uint64, id uint64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
