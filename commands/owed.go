package commands

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"bangfu/bot"
	"bangfu/commands/cadence"
	"bangfu/commands/report"
	"bangfu/storage"
)

// What a teacher owes under the school's rhythm (cadence rules), listed by
// /mine and the reminders with a code each; /done #code records it in one
// line, /later #code 周一 puts it off.

// owedOf lists what the teacher owes now for the given students.
func (h *Handler) owedOf(me storage.Person, students []storage.Student, now time.Time) ([]cadence.Item, error) {
	items, err := h.owedFor(students, now)
	mine := items[:0]
	for _, it := range items {
		if it.Owner == me.ID {
			mine = append(mine, it)
		}
	}
	return mine, err
}

// owedFor lists what anyone owes now for the given students.
func (h *Handler) owedFor(students []storage.Student, now time.Time) ([]cadence.Item, error) {
	if len(h.Cadences) == 0 {
		return nil, nil
	}
	people, err := h.Store.People()
	if err != nil {
		return nil, err
	}
	sessionsFrom, readSessions := cadence.SinceFor(h.Cal, now, h.Cadences, true)
	contactsFrom, readContacts := cadence.SinceFor(h.Cal, now, h.Cadences, false)
	var recs cadence.Records
	for _, st := range students {
		if readSessions {
			ss, err := h.Store.Sessions(st.ID, sessionsFrom, now.Add(time.Second))
			if err != nil {
				return nil, err
			}
			recs.Sessions = append(recs.Sessions, ss...)
		}
		if readContacts {
			cs, err := h.Store.Contacts(st.ID, contactsFrom, now.Add(time.Second))
			if err != nil {
				return nil, err
			}
			recs.Contacts = append(recs.Contacts, cs...)
		}
	}
	return cadence.Owed(h.Cal, now, h.Cadences, students, recs, cadence.Heads(people)), nil
}

// roster is the register as a teacher's lists read it, read once per
// command (an admin's /mine read it four times): every student, and for an
// admin every person, who says which classes lack a head teacher and whose
// families' messages come to the admins.
type roster struct {
	students []storage.Student
	people   []storage.Person // an admin's only
}

func (h *Handler) rosterFor(me storage.Person) (roster, error) {
	var ro roster
	var err error
	if ro.students, err = h.Store.AllStudents(); err != nil || !me.Admin {
		return ro, err
	}
	ro.people, err = h.Store.People()
	return ro, err
}

// owedStudents are the students whose owed items a teacher may hold: their
// mentees, the plans they answer for, and their classes as head teacher
// (an admin's, the classes without one: cadence.Heads).
func (h *Handler) owedStudents(me storage.Person, ro roster) []storage.Student {
	headsOf := func(uint64) []uint64 { return nil }
	if me.Admin {
		headsOf = cadence.Heads(ro.people)
	}
	var out []storage.Student
	for _, st := range ro.students {
		if !st.Closed && (st.MentorID == me.ID || st.Responsible() == me.ID || me.IsHeadOf(st.ClassID) || slices.Contains(headsOf(st.ClassID), me.ID)) {
			out = append(out, st)
		}
	}
	return out
}

// answeringStudents are the students whose families' waiting messages me
// is shown: those me owes work for, and those whose messages come to me
// (an admin reads them while the class has no head teacher or mentor who
// has joined).
func (h *Handler) answeringStudents(me storage.Person, owed []storage.Student, ro roster) []storage.Student {
	if !me.Admin {
		return owed
	}
	out := append([]storage.Student(nil), owed...)
	for _, st := range ro.students {
		if !st.Closed && !slices.ContainsFunc(owed, func(o storage.Student) bool { return o.ID == st.ID }) && report.Reads(me, st, ro.people) {
			out = append(out, st)
		}
	}
	return out
}

// owedLines words the items for a list, with the ways to answer; the
// family member a contact is owed to is named only in private.
func (h *Handler) owedLines(items []cadence.Item, private bool) []owedLine {
	var out []owedLine
	for _, it := range items {
		l := owedLine{code: it.Code, name: it.Student.Name, what: it.Rule.Name, period: it.Rule.Every, done: it.Done, need: it.Need,
			tutoring: it.Rule.Kind == cadence.KindTutoring}
		if !it.Until.IsZero() {
			l.until = report.Day(h.Cal, it.Until)
		}
		if private && it.Rule.Kind == cadence.KindContact && it.Rule.With == cadence.WithAway {
			for _, g := range it.Student.CurrentGuardians() {
				if g.Away {
					l.whom = append(l.whom, g.Relation)
				}
			}
		}
		out = append(out, l)
	}
	return out
}

var owedCodeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^#?(\d{2,9})$`) })

// parseOwedCode reads an owed item's code: #1203 or 1203.
func parseOwedCode(tok string) (uint64, bool) {
	m := owedCodeRE().FindStringSubmatch(tok)
	if m == nil {
		return 0, false
	}
	code, _ := strconv.ParseUint(m[1], 10, 64)
	return code, true
}

// owedStudent is the student a code names and the index of its rule; ok is
// false for a code no list of this school could hold.
func (h *Handler) owedStudent(code uint64) (st storage.Student, rule int, ok bool, err error) {
	sid, idx, ok := cadence.Decode(code)
	if !ok || idx >= len(h.Cadences) {
		return st, 0, false, nil
	}
	st, err = h.Store.Student(sid)
	if storage.ErrorCode(err) == storage.ENotFound {
		return st, 0, false, nil
	}
	return st, idx, err == nil, err
}

// owedItem finds the item a code names, for a reader who owes it or may
// act for the student.
func (h *Handler) owedItem(r *req, tok string) (cadence.Item, found, error) {
	code, ok := parseOwedCode(tok)
	if !ok {
		return cadence.Item{}, found{}, r.usage(owedBadCode(clip(tok, 12)))
	}
	st, idx, ok, err := h.owedStudent(code)
	if err != nil {
		return cadence.Item{}, found{}, err
	}
	if !ok {
		return cadence.Item{}, found{}, refuse(owedNoSuchCode(code))
	}
	c, err := h.Store.Class(st.ClassID)
	if err != nil {
		return cadence.Item{}, found{}, err
	}
	f := found{st, c}
	if !privileged(r.me, st) && st.Responsible() != r.me.ID {
		return cadence.Item{}, f, refuse(owedNotYours(code))
	}
	if st.Closed {
		return cadence.Item{}, f, refuse(supportEnded(f.label(), orDefault(st.ClosedReason, noReason()), report.ClassName(c), st.Name))
	}
	rule := h.Cadences[idx]
	if !rule.Applies(st) {
		return cadence.Item{}, f, refuse(owedNoSuchCode(code))
	}
	period, key := rule.Period(h.Cal, r.now)
	return cadence.Item{Code: code, Rule: rule, Student: st, Period: period, PeriodKey: key}, f, nil
}

// done records an owed contact or visit in one line: /done #1203 [电话]
// [爸爸] [what was said].
func (h *Handler) done(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return "", r.usage(owedNeedsCode())
	}
	it, f, err := h.owedItem(r, a.at(0))
	if err != nil {
		return "", err
	}
	if it.Rule.Kind == cadence.KindTutoring {
		return "", refuse(owedTutoringByLog(f.st.Name))
	}
	i := 1
	method := "电话"
	if it.Rule.Kind == cadence.KindVisit {
		method = "家访"
	} else if m, ok := contactMethods[a.at(i)]; ok {
		method, i = m, i+1
	}
	whom := ""
	if w, ok := contactWhomOf(a.at(i)); ok {
		whom, i = w, i+1
	}
	if whom == "" && it.Rule.Kind == cadence.KindContact && it.Rule.With != cadence.WithAny {
		whom = onlyGuardian(it.Rule.With, f.st)
		if whom == "" {
			return "", r.usage(owedWhichFamily(it.Code, it.Rule.With))
		}
	}
	if it.Rule.Kind == cadence.KindContact && !cadence.Reaches(it.Rule.With, f.st, whom) {
		return "", r.usage(owedWrongFamily(orDefault(whom, "家长"), it.Rule.Name))
	}
	content := a.from(i)
	if content == "" {
		content = owedDoneContent(it.Rule.Name)
	}
	if runeLen(content) > 500 {
		return "", r.usage(contactTooLong())
	}
	c, _, err := h.Store.AddContact(r.meta, storage.Contact{StudentID: f.st.ID, Method: method, Whom: whom, Content: content, At: r.now},
		report.Month(h.Cal, r.now))
	if err != nil {
		return "", err
	}
	r.wrote()
	return owedDone(f.label(), it.Rule.Name, joinNonEmpty("·", method, whom)) + fixHint(c.No), nil
}

// onlyGuardian is the one registered guardian a contact rule can mean.
func onlyGuardian(with string, st storage.Student) string {
	var rels []string
	for _, g := range st.CurrentGuardians() {
		if (with == cadence.WithAway && g.Away) || (with == cadence.WithHome && g.AtHome) {
			rels = append(rels, g.Relation)
		}
	}
	if len(rels) == 1 {
		return rels[0]
	}
	return ""
}

// later puts an owed item off until a day within its period.
func (h *Handler) later(r *req) (string, error) {
	a := r.args
	if a.len() < 2 {
		return "", r.usage(owedLaterNeedsDay())
	}
	it, f, err := h.owedItem(r, a.at(0))
	if err != nil {
		return "", err
	}
	d := parseDay(a.from(1), r.now, h.Cal, true)
	if !d.isDate || d.invalid != "" {
		return "", r.usage(owedLaterNeedsDay())
	}
	if !d.day.After(h.Cal.Day(r.now)) || d.justPassed(h.Cal.Day(r.now)) {
		return "", r.usage(owedLaterNotFuture())
	}
	// Done already in this period (a visit that was also the month's
	// contact): nothing to put off.
	owed, err := h.owedFor([]storage.Student{f.st}, r.now)
	if err != nil {
		return "", err
	}
	if !slices.ContainsFunc(owed, func(o cadence.Item) bool { return o.Code == it.Code }) {
		return "", refuse(owedLaterDoneAlready(it.Code, f.st.Name, cadence.PeriodWord(it.Rule.Every)+it.Rule.Name))
	}
	if !d.day.Before(it.Period.To) {
		return "", refuse(owedLaterPastPeriod(report.Day(h.Cal, it.Period.To.AddDate(0, 0, -1))))
	}
	until := d.day.Add(8 * time.Hour) // the morning of that day
	if _, err := h.Store.UpdateStudent(r.meta, f.st.ID, "owed.later", func(s *storage.Student) error {
		kept := s.Later[:0]
		for _, l := range s.Later {
			if l.Until.After(r.now.AddDate(0, -1, 0)) && !(l.Rule == it.Rule.Name && l.Period == it.PeriodKey) {
				kept = append(kept, l)
			}
		}
		s.Later = append(kept, storage.Later{Rule: it.Rule.Name, Period: it.PeriodKey, Until: until})
		return nil
	}); err != nil {
		return "", err
	}
	r.wrote()
	return owedPutOff(f.label(), it.Rule.Name, report.Day(h.Cal, until)), nil
}

// plainOwedRE reads the slash-less answers a teacher may send privately:
// 完成 #1203 …, 推迟 #1203 周一.
// doneWords say an owed item was done, longest first for the regexps.
const doneWords = `已完成|完成了|完成|做完了|做完|做了|搞定了|搞定`

var plainOwedRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(` + doneWords + `|已做|好了|done|推迟|延后|稍后|改天|later)\s*(#?\d{2,9}.*)$`)
})

// plainOwedAfterRE is the same answer with the code first: #1203 完成了.
var plainOwedAfterRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(#\d{2,9})\s*(` + doneWords + `)\s*(.*)$`)
})

// plainOwed turns a private plain answer to an owed list into its command.
func (h *Handler) plainOwed(text string) (*spec, string) {
	line := strings.ToLower(Normalize(text))
	if m := plainOwedAfterRE().FindStringSubmatch(line); m != nil {
		return h.specNamed("done"), strings.TrimSpace(m[1] + " " + m[3])
	}
	m := plainOwedRE().FindStringSubmatch(line)
	if m == nil {
		return nil, ""
	}
	switch m[1] {
	case "推迟", "延后", "稍后", "改天", "later":
		return h.specNamed("later"), m[2]
	}
	return h.specNamed("done"), m[2]
}

// knownCategory reads a category as teachers write it (留守, 学困 …) into
// its official name, for the rhythm's rules in config.yaml.
func knownCategory(s string) (string, bool) {
	full, ok := shortCategories[s]
	return full, ok
}

// KnownCategory is knownCategory for the configuration's checks.
func KnownCategory(s string) (string, bool) { return knownCategory(s) }

// Claim ranks how a school holds the item an owed-list answer names for
// its sender: in a county whose schools share one chat account, a teacher
// bound to several schools gets each school's list, and two schools' codes
// (student × 10 + rule) can be alike, so the answer goes to the school
// whose item it is.
type Claim int

const (
	NoClaim Claim = iota // not such an answer, or no such item for the sender here
	MayAct               // the sender may act for the student (an admin)
	OwesIt               // the sender owes it: mentor, responsible or head teacher
)

// ClaimCode reads a line answering an owed list (/done #1203 …, 推迟 #1203
// 周一) and says how this school holds the item it names for the sender.
func (h *Handler) ClaimCode(m bot.Message) Claim {
	if len(h.Cadences) == 0 {
		return NoClaim
	}
	text := Normalize(m.Text)
	var rest string
	if line, ok := splitCommand(text); ok {
		sp, r := h.lookup(line.word, line.rest)
		if sp == nil || (sp != h.specNamed("done") && sp != h.specNamed("later")) {
			return NoClaim
		}
		rest = r
	} else if sp, r := h.plainOwed(text); sp != nil {
		rest = r
	} else {
		return NoClaim
	}
	tok, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	code, ok := parseOwedCode(tok)
	if !ok {
		return NoClaim
	}
	me, known, err := h.Store.PersonByAccount(m.Platform, m.Sender.ID)
	if err != nil || !known {
		return NoClaim
	}
	st, idx, ok, err := h.owedStudent(code)
	if err != nil || !ok || st.Closed || !h.Cadences[idx].Applies(st) {
		return NoClaim
	}
	switch {
	case st.Responsible() == me.ID || st.MentorID == me.ID || me.IsHeadOf(st.ClassID):
		return OwesIt
	case privileged(me, st):
		return MayAct
	}
	return NoClaim
}
