package reminders

import (
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"
	"time"

	"bangfu/commands/cadence"
	"bangfu/commands/report"
	"bangfu/storage"
)

// snapshot is the school as the messages of one tick see it.
type snapshot struct {
	classes  map[uint64]storage.Class
	students []storage.Student // active (not closed) only
	people   []storage.Person
	groups   []storage.Group
	// heads are a class's head teachers, or the admins while it has none
	// (cadence.Heads).
	heads func(classID uint64) []uint64
}

// headsFor is whether p sees to the class as its head teacher (an admin,
// while the class has none).
func (snap *snapshot) headsFor(p storage.Person, classID uint64) bool {
	return slices.Contains(snap.heads(classID), p.ID)
}

// standingIn is the line that tells an admin why a reminder names
// students of classes without a head teacher (cadence.Heads), with the
// invite that ends it; "" for anyone else.
func (snap *snapshot) standingIn(p storage.Person, sts []storage.Student) string {
	var classes []string
	seen := map[uint64]bool{}
	for _, st := range sts {
		if seen[st.ClassID] || p.IsHeadOf(st.ClassID) || !snap.headsFor(p, st.ClassID) {
			continue
		}
		seen[st.ClassID] = true
		classes = append(classes, report.ClassName(snap.classes[st.ClassID]))
	}
	if len(classes) == 0 {
		return ""
	}
	return "\n" + standingInForHeads(enumerate(classes), classes[0])
}

func (s *Scheduler) snapshot(now time.Time) (*snapshot, error) {
	snap := &snapshot{classes: map[uint64]storage.Class{}}
	classes, err := s.st.Classes()
	if err != nil {
		return nil, err
	}
	for _, c := range classes {
		snap.classes[c.ID] = c
	}
	all, err := s.st.AllStudents()
	if err != nil {
		return nil, err
	}
	for _, st := range all {
		if !st.Closed { // nothing goes to, or about, a closed student
			snap.students = append(snap.students, st)
		}
	}
	sort.Slice(snap.students, func(i, j int) bool {
		a, b := snap.students[i], snap.students[j]
		if a.ClassID != b.ClassID {
			return report.ClassOrder(snap.classes[a.ClassID]) < report.ClassOrder(snap.classes[b.ClassID])
		}
		return a.ID < b.ID
	})
	if snap.people, err = s.st.People(); err != nil {
		return nil, err
	}
	if snap.groups, err = s.st.Groups(); err != nil {
		return nil, err
	}
	snap.heads = cadence.Heads(snap.people)
	return snap, nil
}

func (s *Scheduler) messages(c candidate, snap *snapshot, now time.Time) ([]storage.Queued, error) {
	switch c.job {
	case JobMonthlyContact, JobMonthlyFinal:
		return s.monthlyContact(c, snap, now)
	case JobWeeklyCheckin:
		return s.weeklyCheckin(c, snap, now)
	case JobWeeklyDigest:
		return s.weeklyDigest(c, snap)
	case JobParentWeekly:
		return s.parentWeekly(c, snap, now)
	case JobComments:
		return s.comments(c, snap)
	case JobMeeting:
		return s.meetingReminder(c, snap, now)
	case JobPraiseNudge:
		return s.praiseNudge(c, snap)
	case JobUnanswered:
		return s.unanswered(c, snap)
	case JobPlanReview:
		return s.planReview(c, snap)
	case JobOwed, JobOwedMonthEnd:
		return s.owed(c, snap)
	case JobFamilyCall:
		return s.familyCall(c, snap, now)
	}
	return nil, nil
}

// private addresses a message to a person's reachable account.
func private(c candidate, p storage.Person, text string, at time.Time) (storage.Queued, bool) {
	acc, ok := p.Reachable()
	if !ok {
		return storage.Queued{}, false
	}
	return storage.Queued{Platform: acc.Platform, ChatID: acc.ChatID, ChatTitle: p.Name, Private: true, PersonID: p.ID,
		Text: text, NotBefore: at, Key: onceADay(at, fmt.Sprintf("person:%d", p.ID), text)}, true
}

func toGroup(c candidate, g storage.Group, text string, at time.Time) storage.Queued {
	return storage.Queued{Platform: g.Platform, ChatID: g.ChatID, ChatTitle: g.Title, Text: text, NotBefore: at,
		Key: onceADay(at, fmt.Sprintf("group:%s:%s", g.Platform, g.ChatID), text)}
}

// onceADay keys a scheduled message by its day, recipient and words, not by
// the run that made it: the outbox takes a key once, so the same reminder
// to the same person on the same day goes out once even when two
// schedules (or a run and its restart) produce it. at is in the school's zone.
func onceADay(at time.Time, recipient, text string) string {
	h := fnv.New64a()
	h.Write([]byte(text))
	return fmt.Sprintf("day:%s/%s/%016x", at.Format("2006-01-02"), recipient, h.Sum64())
}

// responsibleFor: a head teacher answers for the class, a mentor for mentees.
func (snap *snapshot) responsibleFor(p storage.Person, st storage.Student) bool {
	return snap.headsFor(p, st.ClassID) || (st.MentorID != 0 && st.MentorID == p.ID)
}

// byClass renders names grouped by class: "初一3班：张三、李四".
func byClass(snap *snapshot, sts []storage.Student, label func(storage.Student) string) string {
	var lines []string
	var cur uint64
	var names []string
	flush := func() {
		if len(names) > 0 {
			lines = append(lines, classNames(report.ClassName(snap.classes[cur]), enumerate(names)))
		}
	}
	for i, st := range sts {
		if i == 0 || st.ClassID != cur {
			flush()
			cur, names = st.ClassID, nil
		}
		names = append(names, label(st))
	}
	flush()
	return strings.Join(lines, "\n")
}

func name(st storage.Student) string { return st.Name }

// commandName is how a command must name the student: 初一3班张三 when a
// namesake is on the register too, so the reminder's example works as sent.
func (snap *snapshot) commandName(st storage.Student) string {
	for _, o := range snap.students {
		if o.Name == st.Name && o.ID != st.ID {
			return report.ClassName(snap.classes[st.ClassID]) + st.Name
		}
	}
	return st.Name
}

func (s *Scheduler) monthlyContact(c candidate, snap *snapshot, now time.Time) ([]storage.Queued, error) {
	from, to := s.cal.MonthStart(c.fire), s.cal.NextMonthStart(c.fire)
	contacts, err := s.st.ContactsBetween(from, to)
	if err != nil {
		return nil, err
	}
	// A family's own message, or a talk with the child, is no contact the
	// school made with the family: the month's is still owed.
	contacted := map[uint64]bool{}
	for _, ct := range contacts {
		contacted[ct.StudentID] = contacted[ct.StudentID] || ct.WithFamily()
	}
	daysLeft := int(to.Sub(s.cal.Day(now)).Hours()/24+0.5) - 1
	var out []storage.Queued
	for _, p := range snap.people {
		var due []storage.Student
		for _, st := range snap.students {
			if !contacted[st.ID] && snap.responsibleFor(p, st) {
				due = append(due, st)
			}
		}
		if len(due) == 0 {
			continue
		}
		head := monthlyContactHead(from.Month(), len(due))
		if c.job == JobMonthlyFinal {
			head = monthlyContactFinalHead(from.Month(), len(due))
		}
		tail := daysLeftInMonth(daysLeft)
		if daysLeft <= 0 {
			tail = lastDayOfMonth()
		}
		text := monthlyContactReminder(head, byClass(snap, due, name), tail, snap.commandName(due[0])) + snap.standingIn(p, due)
		if q, ok := private(c, p, text, now); ok {
			out = append(out, q)
		}
	}
	return out, nil
}

// weekCounts counts each student's sessions in the week of t.
func (s *Scheduler) weekCounts(t time.Time) (map[uint64]int, error) {
	from := s.cal.WeekStart(t)
	ss, err := s.st.SessionsBetween(from, from.AddDate(0, 0, 7))
	if err != nil {
		return nil, err
	}
	n := map[uint64]int{}
	for _, se := range ss {
		n[se.StudentID]++
	}
	return n, nil
}

func (s *Scheduler) weeklyCheckin(c candidate, snap *snapshot, now time.Time) ([]storage.Queued, error) {
	counts, err := s.weekCounts(c.fire)
	if err != nil {
		return nil, err
	}
	behind := func(st storage.Student) bool { return counts[st.ID] < st.WeeklyTarget }
	label := func(st storage.Student) string {
		return report.SessionsOfTarget(st.Name, counts[st.ID], st.WeeklyTarget)
	}
	// Each student behind is their plan's responsible teacher's or their
	// mentor's to see to; one with neither, the head teacher's (as the
	// owed lists have it), who was told nowhere in private.
	ownsIt := func(p storage.Person, st storage.Student) bool {
		return slices.Contains(cadence.MentorsOf(st, snap.heads), p.ID)
	}
	var out []storage.Queued
	for _, p := range snap.people {
		var due []storage.Student
		for _, st := range snap.students {
			if ownsIt(p, st) && behind(st) {
				due = append(due, st)
			}
		}
		if len(due) == 0 {
			continue
		}
		var unmentored []string
		for _, st := range due {
			if st.Responsible() == 0 {
				unmentored = append(unmentored, snap.commandName(st))
			}
		}
		text := weeklyCheckinReminder(report.TeacherName(p), byClass(snap, due, label), snap.commandName(due[0]))
		if len(unmentored) > 0 {
			text += "\n" + noMentorYet(enumerate(unmentored), unmentored[0])
		}
		text += snap.standingIn(p, due)
		if q, ok := private(c, p, text, now); ok {
			out = append(out, q)
		}
	}
	// The class's teacher group: names and counts only.
	for _, g := range snap.groups {
		if g.Kind != storage.GroupTeacher || g.ClassID == 0 {
			continue
		}
		var due, unmentored []string
		for _, st := range snap.students {
			if st.ClassID == g.ClassID && behind(st) {
				due = append(due, label(st))
				if st.Responsible() == 0 {
					unmentored = append(unmentored, st.Name)
				}
			}
		}
		if len(due) == 0 {
			continue
		}
		text := weeklyCheckinForGroup(report.ClassName(snap.classes[g.ClassID]), len(due), enumerate(due), enumerate(unmentored))
		out = append(out, toGroup(c, g, text, now))
	}
	return out, nil
}

func (s *Scheduler) weeklyDigest(c candidate, snap *snapshot) ([]storage.Queued, error) {
	lastWeek := s.cal.WeekStart(c.fire).AddDate(0, 0, -7)
	d, err := report.BuildDigest(s.st, s.cal, lastWeek, 0)
	if err != nil {
		return nil, err
	}
	if len(d.Classes) == 0 {
		return nil, nil
	}
	school := report.RenderSchoolDigest(s.school, d)
	at := c.fire
	var out []storage.Queued
	for _, g := range snap.groups {
		if g.Kind != storage.GroupTeacher {
			continue
		}
		if g.ClassID == 0 {
			out = append(out, toGroup(c, g, school, at))
			continue
		}
		for _, cd := range d.Classes {
			if cd.Class.ID == g.ClassID {
				out = append(out, toGroup(c, g, report.RenderClassDigest(d, cd), at))
			}
		}
	}
	for _, p := range snap.people {
		if p.Admin {
			if q, ok := private(c, p, school, at); ok {
				out = append(out, q)
			}
		}
	}
	return out, nil
}

func (s *Scheduler) parentWeekly(c candidate, snap *snapshot, now time.Time) ([]storage.Queued, error) {
	active := map[uint64]storage.Student{}
	for _, st := range snap.students {
		active[st.ID] = st
	}
	at := s.cal.AfterQuietHours(now) // parents are not woken up
	var out []storage.Queued
	var week *report.SchoolWeek // read once, when the first parent needs it
	for _, p := range snap.people {
		if p.Muted {
			continue
		}
		for _, l := range p.Parents {
			st, ok := active[l.StudentID]
			if !ok {
				continue
			}
			if week == nil {
				w, err := report.ReadSchoolWeek(s.st, s.cal, c.fire)
				if err != nil {
					return nil, err
				}
				week = &w
			}
			pw := week.For(st)
			if q, ok := private(c, p, report.ParentWeekMessage(s.cal, pw), at); ok {
				q.Key += fmt.Sprintf("/student:%d", st.ID)
				q.StudentID, q.Sources = st.ID, pw.Sources
				out = append(out, q)
			}
		}
	}
	return out, nil
}

func (s *Scheduler) comments(c candidate, snap *snapshot) ([]storage.Queued, error) {
	term := s.cal.TermAt(c.fire)
	written, err := s.st.AllComments(term.Key())
	if err != nil {
		return nil, err
	}
	has := map[[2]uint64]bool{}
	for _, cm := range written {
		has[[2]uint64{cm.StudentID, cm.AuthorID}] = true
	}
	end := term.End
	var out []storage.Queued
	for _, p := range snap.people {
		var due []storage.Student
		for _, st := range snap.students {
			// The mentor writes it; for a student without one, the head
			// teacher (as /评语 lists it).
			writes := st.MentorID == p.ID || (st.MentorID == 0 && snap.headsFor(p, st.ClassID))
			if writes && !has[[2]uint64{st.ID, p.ID}] {
				due = append(due, st)
			}
		}
		if len(due) == 0 {
			continue
		}
		text := commentsReminder(report.TeacherName(p), end.Month(), end.Day(), len(due), byClass(snap, due, name), snap.commandName(due[0])) + snap.standingIn(p, due)
		if q, ok := private(c, p, text, c.fire); ok {
			out = append(out, q)
		}
	}
	return out, nil
}

func (s *Scheduler) meetingReminder(c candidate, snap *snapshot, now time.Time) ([]storage.Queued, error) {
	m := c.meeting
	class := report.ClassName(snap.classes[m.ClassID])
	when := fmt.Sprintf("%s %s", report.Day(s.cal, m.At), m.At.In(s.cal.Loc).Format("15:04"))
	if s.cal.Day(m.At).Equal(s.cal.Day(now).AddDate(0, 0, 1)) {
		when = tomorrow(when)
	}
	text := meetingReminder(when, class, m.Topic)
	inClass := map[uint64]bool{}
	for _, st := range snap.students {
		if st.ClassID == m.ClassID {
			inClass[st.ID] = true
		}
	}
	at := s.cal.AfterQuietHours(now)
	var out []storage.Queued
	for _, p := range snap.people {
		for _, l := range p.Parents {
			if inClass[l.StudentID] {
				if q, ok := private(c, p, text, at); ok {
					out = append(out, q)
				}
				break
			}
		}
	}
	return out, nil
}

// praiseWindow is how long a student may go with sessions but no recorded
// praise before the mentor is nudged.
const praiseWindow = 30 * 24 * time.Hour

// praiseNudge tells each mentor (the head teacher, for a student without
// one), privately, of the students who had tutoring in the last month but
// no recorded progress: kind words are part of the plan, and the parents
// hear of each one. Nothing ranks anyone; a student added within the month
// is left alone.
func (s *Scheduler) praiseNudge(c candidate, snap *snapshot) ([]storage.Queued, error) {
	from := c.fire.Add(-praiseWindow)
	sessions, err := s.st.SessionsBetween(from, c.fire)
	if err != nil {
		return nil, err
	}
	praise, err := s.st.PraiseBetween(from, c.fire)
	if err != nil {
		return nil, err
	}
	tutored := map[uint64]int{}
	for _, se := range sessions {
		tutored[se.StudentID]++
	}
	praised := map[uint64]bool{}
	for _, p := range praise {
		praised[p.StudentID] = true
	}
	var out []storage.Queued
	for _, p := range snap.people {
		var due []storage.Student
		for _, st := range snap.students {
			mine := st.MentorID == p.ID || (st.MentorID == 0 && snap.headsFor(p, st.ClassID))
			if mine && tutored[st.ID] > 0 && !praised[st.ID] && !st.CreatedAt.After(from) {
				due = append(due, st)
			}
		}
		if len(due) == 0 {
			continue
		}
		label := func(st storage.Student) string { return tutoredTimes(st.Name, tutored[st.ID]) }
		text := praiseNudgeReminder(report.TeacherName(p), byClass(snap, due, label), snap.commandName(due[0])) + snap.standingIn(p, due)
		if q, ok := private(c, p, text, c.fire); ok {
			out = append(out, q)
		}
	}
	return out, nil
}

// unanswered tells each child's head teacher and mentor (the admins while
// neither has joined: whoever the messages went to), privately, of the
// parents' messages no teacher has answered (report.Unanswered) that came
// before the day began: relayed once, a message read in a busy hour must
// not stay unanswered.
func (s *Scheduler) unanswered(c candidate, snap *snapshot) ([]storage.Queued, error) {
	contacts, err := s.st.ContactsBetween(c.fire.Add(-report.UnansweredFor), c.fire)
	if err != nil {
		return nil, err
	}
	waiting := report.Unanswered(contacts)
	dayStart := s.cal.Day(c.fire)
	// Each waiting message is asked of those it went to (report.ReadersOf).
	lines := map[uint64][]string{}
	for _, st := range snap.students {
		w, ok := waiting[st.ID]
		if !ok || !w.At.Before(dayStart) {
			continue
		}
		for _, p := range report.ReadersOf(st, snap.people) {
			lines[p.ID] = append(lines[p.ID], report.UnansweredLine(s.cal, st.Name, w))
		}
	}
	var out []storage.Queued
	for _, p := range snap.people {
		lines := lines[p.ID]
		if len(lines) == 0 {
			continue
		}
		if q, ok := private(c, p, unansweredReminder(report.TeacherName(p), strings.Join(lines, "\n")), c.fire); ok {
			out = append(out, q)
		}
	}
	return out, nil
}

// planReview asks, privately, whoever answers for each running plan (its
// responsible teacher, else the mentor, else the head teacher) for this
// month's stage review (阶段性评估) where none is written yet; a plan begun
// this month owes none. One reply (/评估 张三 …) records it.
func (s *Scheduler) planReview(c candidate, snap *snapshot) ([]storage.Queued, error) {
	monthStart := s.cal.MonthStart(c.fire)
	today := s.cal.Day(c.fire)
	owed := func(st storage.Student) bool { return !st.Closed && st.Plan.ReviewOwed(monthStart, today) }
	var out []storage.Queued
	for _, p := range snap.people {
		var due []storage.Student
		for _, st := range snap.students {
			who := st.Responsible()
			mine := who == p.ID || (who == 0 && snap.headsFor(p, st.ClassID))
			if mine && owed(st) {
				due = append(due, st)
			}
		}
		if len(due) == 0 {
			continue
		}
		text := planReviewReminder(report.TeacherName(p), c.fire.In(s.cal.Loc).Month(), byClass(snap, due, func(st storage.Student) string { return st.Name }), snap.commandName(due[0])) + snap.standingIn(p, due)
		if q, ok := private(c, p, text, c.fire); ok {
			out = append(out, q)
		}
	}
	return out, nil
}

// owed tells each teacher, privately, what they still owe under the
// school's rhythm, with the codes a one-line answer takes (完成 #1203);
// items put off until later are left out until that day.
func (s *Scheduler) owed(c candidate, snap *snapshot) ([]storage.Queued, error) {
	if len(s.cadences) == 0 {
		return nil, nil
	}
	var recs cadence.Records
	var err error
	if from, ok := cadence.SinceFor(s.cal, c.fire, s.cadences, true); ok {
		if recs.Sessions, err = s.st.SessionsBetween(from, c.fire); err != nil {
			return nil, err
		}
	}
	if from, ok := cadence.SinceFor(s.cal, c.fire, s.cadences, false); ok {
		if recs.Contacts, err = s.st.ContactsBetween(from, c.fire); err != nil {
			return nil, err
		}
	}
	items := cadence.Owed(s.cal, c.fire, s.cadences, snap.students, recs, snap.heads)
	// The agreed weekly tutoring has its own Friday check-in.
	checkin := false
	for _, j := range s.jobs {
		checkin = checkin || j.job == JobWeeklyCheckin
	}
	byOwner := map[uint64][]cadence.Item{}
	for _, it := range items {
		if checkin && it.Rule.Kind == cadence.KindTutoring && it.Rule.Times == 0 {
			continue
		}
		if it.Until.IsZero() && (c.job == JobOwed || it.Rule.Every == cadence.EveryMonth) {
			byOwner[it.Owner] = append(byOwner[it.Owner], it)
		}
	}
	var out []storage.Queued
	for _, p := range snap.people {
		mine := byOwner[p.ID]
		if len(mine) == 0 {
			continue
		}
		var lines []string
		var sts []storage.Student
		for _, it := range mine {
			lines = append(lines, owedLine(it.Code, snap.commandName(it.Student), it.Rule.Every, it.Rule.Name, it.Done, it.Need))
			sts = append(sts, it.Student)
		}
		text := owedReminder(report.TeacherName(p), c.job == JobOwedMonthEnd, strings.Join(lines, "\n"), mine[0].Code, mine[0].Rule.Kind == cadence.KindTutoring, snap.commandName(mine[0].Student)) + snap.standingIn(p, sts)
		if q, ok := private(c, p, text, c.fire); ok {
			out = append(out, q)
		}
	}
	return out, nil
}

// familyCall nudges each parent working away, privately and in a parent's
// words, to call their child this weekend (a one-word 打了 keeps it); and
// tells each mentor (else head teacher) of the children whose family has
// not called for two weeks. Muted parents are left alone; no label, no
// group.
func (s *Scheduler) familyCall(c candidate, snap *snapshot, now time.Time) ([]storage.Queued, error) {
	active := map[uint64]storage.Student{}
	for _, st := range snap.students {
		active[st.ID] = st
	}
	at := s.cal.AfterQuietHours(now)
	var out []storage.Queued
	awayBound := map[uint64][]string{} // student → relations bound and working away
	for _, p := range snap.people {
		for _, l := range p.Parents {
			st, ok := active[l.StudentID]
			if !ok || !st.AwayParent(l.Relation) {
				continue
			}
			awayBound[st.ID] = append(awayBound[st.ID], l.Relation)
			if p.Muted {
				continue
			}
			if q, ok := private(c, p, familyCallNudge(l.Relation, st.Name), at); ok {
				q.Key += fmt.Sprintf("/student:%d", st.ID)
				q.StudentID, q.Answers = st.ID, []string{familyCallAnswer}
				out = append(out, q)
			}
		}
	}
	for _, p := range snap.people {
		var silent []storage.Student
		rels := map[uint64]string{}
		for _, st := range snap.students {
			if len(awayBound[st.ID]) == 0 || !st.FamilySilent(c.fire) {
				continue
			}
			who := st.Responsible()
			if who == p.ID || (who == 0 && snap.headsFor(p, st.ClassID)) {
				silent = append(silent, st)
				rels[st.ID] = strings.Join(awayBound[st.ID], "、")
			}
		}
		if len(silent) == 0 {
			continue
		}
		label := func(st storage.Student) string { return st.Name + "（" + rels[st.ID] + "）" }
		if q, ok := private(c, p, familyCallSilent(report.TeacherName(p), byClass(snap, silent, label))+snap.standingIn(p, silent), now); ok {
			out = append(out, q)
		}
	}
	return out, nil
}
