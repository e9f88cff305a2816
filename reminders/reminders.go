// Package reminders keeps the support plans' rhythm: the monthly parent
// contact, the weekly tutoring check-in, the Monday digest, the parents'
// Sunday message, the semester comments and the meetings. robfig/cron only
// ticks; Due decides from the clock and the persisted marks what is due, so
// a restart neither repeats nor misses a message.
package reminders

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"bangfu/commands/cadence"
	"bangfu/storage"
)

// Jobs.
const (
	JobMonthlyContact = "monthly_contact"
	JobMonthlyFinal   = "monthly_contact_final"
	JobWeeklyCheckin  = "weekly_checkin"
	JobWeeklyDigest   = "weekly_digest"
	JobParentWeekly   = "parent_weekly"
	JobComments       = "semester_comments"
	JobMeeting        = "meeting"
	JobPraiseNudge    = "praise_nudge"
	JobPlanReview     = "plan_review"
	JobOwed           = "owed"        // what each teacher owes under the school's rhythm (Fridays)
	JobOwedMonthEnd   = "owed_month"  // the same on the month's last school day
	JobFamilyCall     = "family_call" // 亲情通话: the weekend's nudge to parents working away
	JobUnanswered     = "unanswered"  // parents' messages no teacher has answered
)

// Config is the reminders section of config.yaml.
type Config struct {
	MonthlyContact      []string
	MonthlyContactFinal string // "16:00"; empty: off
	WeeklyCheckin       string // cron expressions; empty: off
	WeeklyDigest        string
	ParentWeekly        string
	PraiseNudge         string // cron; empty: off
	PlanReview          string // cron; empty: off
	Owed                string // cron; empty: off
	FamilyCall          string // cron; empty: off
	Unanswered          string // cron; empty: off
	// Cadences are the rhythm the owed lists follow (nil: none).
	Cadences []cadence.Rule
}

// CommentsLead is how long before semester end mentors are reminded of the
// written comments, and at what time of day.
const (
	CommentsLead = 14 * 24 * time.Hour
	commentsHour = 16
	meetingHour  = 18
)

type cronJob struct {
	job   string
	id    string // job plus the index of its expression, for the run key
	sched cron.Schedule
}

// Scheduler computes and queues the scheduled messages.
type Scheduler struct {
	st     storage.Store
	cal    storage.Calendar
	school string // the school's name, heading the digest
	log    *slog.Logger

	jobs       []cronJob
	finalClock int // minutes after midnight; -1: off
	cadences   []cadence.Rule

	// Queued is called after a tick queued messages (deliver them now).
	Queued func(context.Context)

	// since is when the school's reminders were first kept (its first
	// tick): a run due before then was never this bot's to send.
	since time.Time
}

// sinceMark keeps the first tick's time among the run marks, so it moves
// with the school (backup, migrate) like every other mark.
const sinceMark = storage.FirstStartRun

// startedAt reads the school's first start without recording one (zero
// before it).
func (s *Scheduler) startedAt() (time.Time, error) {
	if !s.since.IsZero() {
		return s.since, nil
	}
	status, ok, err := s.st.RunMark(sinceMark)
	if err != nil || !ok {
		return time.Time{}, err
	}
	t, _ := time.Parse(time.RFC3339, status)
	s.since = t
	return t, nil
}

// keptSince reads (or, at a school's first tick, writes) sinceMark.
func (s *Scheduler) keptSince(now time.Time) (time.Time, error) {
	if t, err := s.startedAt(); err != nil || !t.IsZero() {
		return t, err
	}
	if err := s.st.CompleteRun(sinceMark, now.UTC().Format(time.RFC3339)); err != nil {
		return time.Time{}, err
	}
	s.since = now
	return now, nil
}

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// New checks the configuration; a bad expression is refused naming its key.
func New(st storage.Store, cal storage.Calendar, school string, cfg Config, log *slog.Logger) (*Scheduler, error) {
	if log == nil {
		log = slog.Default()
	}
	s := &Scheduler{st: st, cal: cal, school: school, log: log, finalClock: -1, cadences: cfg.Cadences}
	add := func(job, id, key, spec string) error {
		if strings.TrimSpace(spec) == "" {
			return nil
		}
		sched, err := parser.Parse(spec)
		if err != nil {
			return fmt.Errorf("%s: %q: %v", key, spec, err)
		}
		s.jobs = append(s.jobs, cronJob{job: job, id: id, sched: sched})
		return nil
	}
	for i, spec := range cfg.MonthlyContact {
		if err := add(JobMonthlyContact, fmt.Sprintf("%s#%d", JobMonthlyContact, i), fmt.Sprintf("reminders.monthly_contact[%d]", i), spec); err != nil {
			return nil, err
		}
	}
	for _, j := range []struct{ job, key, spec string }{
		{JobWeeklyCheckin, "reminders.weekly_checkin", cfg.WeeklyCheckin},
		{JobWeeklyDigest, "reminders.weekly_digest", cfg.WeeklyDigest},
		{JobParentWeekly, "reminders.parent_weekly", cfg.ParentWeekly},
		{JobPraiseNudge, "reminders.praise_nudge", cfg.PraiseNudge},
		{JobPlanReview, "reminders.plan_review", cfg.PlanReview},
		{JobOwed, "reminders.owed", cfg.Owed},
		{JobFamilyCall, "reminders.family_call", cfg.FamilyCall},
		{JobUnanswered, "reminders.unanswered", cfg.Unanswered},
	} {
		if err := add(j.job, j.job, j.key, j.spec); err != nil {
			return nil, err
		}
	}
	if f := strings.TrimSpace(cfg.MonthlyContactFinal); f != "" {
		t, err := time.Parse("15:04", f)
		if err != nil {
			return nil, fmt.Errorf("reminders.monthly_contact_final: %q is not a time like 16:00", f)
		}
		s.finalClock = t.Hour()*60 + t.Minute()
	}
	return s, nil
}

// Run is one scheduled run: a job in one period, with its messages.
type Run struct {
	Job      string
	Key      string // job/period: the persisted mark
	Fire     time.Time
	Messages []storage.Queued
	Missed   bool // its period ended while the bot was down
	// Before: due before the school's first start (a new school), so
	// not sent and nothing was missed.
	Before bool
	Done   string // how it ended before ("sent", "missed"); only in previews
}

// Due returns the runs to perform at now: those whose time has come, whose
// period is still current and that have not run. Runs whose period has
// passed unseen come back Missed, to be marked and logged.
func (s *Scheduler) Due(now time.Time) ([]Run, error) { return s.runs(now, false) }

// Preview returns every run whose time has come at now, including those
// already done (Done says so), without marking anything.
func (s *Scheduler) Preview(now time.Time) ([]Run, error) { return s.runs(now, true) }

// firedBefore: did a run fall due before the school's first start (a
// minute's grace: the first tick comes within one)?
func firedBefore(fire, started time.Time) bool {
	return !started.IsZero() && fire.Before(started.Add(-time.Minute))
}

// candidate is a run whose time has come, before its messages are built.
type candidate struct {
	job, key  string
	fire, end time.Time
	meeting   *storage.Meeting
}

func (s *Scheduler) runs(now time.Time, preview bool) ([]Run, error) {
	// Cron expressions are read in the school's zone, whatever the server's.
	now = now.In(s.cal.Loc)
	if !s.cal.InSemester(now) || s.cal.IsHoliday(now) {
		return nil, nil // nothing at all outside the semester or on holidays
	}
	cands, err := s.candidates(now)
	if err != nil {
		return nil, err
	}
	started, err := s.startedAt()
	if err != nil {
		return nil, err
	}
	if started.IsZero() && preview {
		// A school that has never run: the preview shows what a first
		// start at now would do.
		started = now
	}

	var snap *snapshot
	var out []Run
	for _, c := range cands {
		if !s.cal.InSemester(c.fire) {
			continue // nothing at all outside the semester
		}
		done, marked, err := s.st.RunMark(c.key)
		if err != nil {
			return nil, err
		}
		if marked {
			if preview {
				// Handled already: shown as such, with no messages that
				// would never go.
				run := Run{Job: c.job, Key: c.key, Fire: c.fire, Done: done}
				if done == "missed" {
					run.Before = firedBefore(c.fire, started)
				}
				out = append(out, run)
			}
			continue
		}
		run := Run{Job: c.job, Key: c.key, Fire: c.fire, Done: done}
		if c.job != JobMeeting && s.cal.IsHoliday(c.fire) {
			// On a holiday the message waits for the next school day, same time.
			run.Fire = s.nextSchoolDay(c.fire)
			if run.Fire.After(now) && now.Before(c.end) {
				continue
			}
		}
		if !now.Before(c.end) || !run.Fire.Before(c.end) || firedBefore(c.fire, started) {
			// Its period is over; or it fell due before the school's first
			// start (a digest of the week before the bot came, on its
			// first day): either way it does not go.
			run.Missed, run.Before = true, firedBefore(c.fire, started)
			out = append(out, run)
			continue
		}
		if snap == nil {
			if snap, err = s.snapshot(now); err != nil {
				return nil, err
			}
		}
		if run.Messages, err = s.messages(c, snap, now); err != nil {
			return nil, err
		}
		out = append(out, run)
	}
	return out, nil
}

// candidates are every firing that may still be due at now: each cron job's
// firings of the last weeks (the latest may still be due, older ones that
// never ran are recorded as missed), the last school day of this and last
// month, the semester comments, and the meetings of the next days.
func (s *Scheduler) candidates(now time.Time) ([]candidate, error) {
	var cands []candidate
	for _, j := range s.jobs {
		for _, fire := range fires(j.sched, now, 40*24*time.Hour) {
			cands = append(cands, candidate{job: j.job, key: j.id + "/" + fire.In(s.cal.Loc).Format("2006-01-02T15:04"), fire: fire, end: s.periodEnd(j.job, fire)})
		}
	}
	if s.finalClock >= 0 {
		for _, month := range []time.Time{s.cal.MonthStart(now).AddDate(0, -1, 0), s.cal.MonthStart(now)} {
			day, ok := s.cal.LastSchoolDayOfMonth(month)
			if !ok {
				continue
			}
			fire := day.Add(time.Duration(s.finalClock) * time.Minute)
			if !fire.After(now) {
				cands = append(cands, candidate{job: JobMonthlyFinal, key: JobMonthlyFinal + "/" + day.Format("2006-01"), fire: fire, end: s.cal.NextMonthStart(day)})
				if len(s.cadences) > 0 {
					cands = append(cands, candidate{job: JobOwedMonthEnd, key: JobOwedMonthEnd + "/" + day.Format("2006-01"), fire: fire, end: s.cal.NextMonthStart(day)})
				}
			}
		}
	}
	term := s.cal.TermAt(now)
	if fire := term.End.Add(-CommentsLead).Add(commentsHour * time.Hour); !fire.After(now) {
		cands = append(cands, candidate{job: JobComments, key: JobComments + "/" + term.Key(), fire: fire, end: term.End.AddDate(0, 0, 1)})
	}
	meetings, err := s.st.Meetings(now.Add(-time.Hour), now.AddDate(0, 0, 3))
	if err != nil {
		return nil, err
	}
	for i := range meetings {
		m := meetings[i]
		fire := s.cal.Day(m.At).AddDate(0, 0, -1).Add(meetingHour * time.Hour)
		if !fire.After(now) && now.Before(m.At) {
			cands = append(cands, candidate{job: JobMeeting, key: fmt.Sprintf("%s/%d/%s", JobMeeting, m.ID, m.At.Format("2006-01-02T15:04")), fire: fire, end: m.At, meeting: &m})
		}
	}

	return cands, nil
}

// LastFire is the latest time the schedule fired in (now-within, now],
// zero when it did not (the county digest keys its runs by it).
func LastFire(sched cron.Schedule, now time.Time, within time.Duration) time.Time {
	fs := fires(sched, now, within)
	if len(fs) == 0 {
		return time.Time{}
	}
	return fs[len(fs)-1]
}

// fires lists the times the schedule fired in (now-lookback, now].
func fires(sched cron.Schedule, now time.Time, lookback time.Duration) []time.Time {
	var out []time.Time
	for t := sched.Next(now.Add(-lookback)); !t.IsZero() && !t.After(now); t = sched.Next(t) {
		out = append(out, t)
		if len(out) > 10000 { // an every-minute schedule: keep the recent ones
			out = out[5000:]
		}
	}
	return out
}

// periodEnd is when a run of the job stops being worth sending: the Monday
// digest is still useful on Tuesday, not the next Monday.
func (s *Scheduler) periodEnd(job string, fire time.Time) time.Time {
	switch job {
	case JobMonthlyContact:
		return s.cal.NextMonthStart(fire)
	case JobParentWeekly:
		return fire.Add(24 * time.Hour)
	default: // weekly check-in and digest: until the week is over
		return s.cal.WeekStart(fire).AddDate(0, 0, 7)
	}
}

func (s *Scheduler) nextSchoolDay(t time.Time) time.Time {
	clock := t.Sub(s.cal.Day(t))
	d := s.cal.Day(t).AddDate(0, 0, 1)
	for i := 0; i < 60 && !s.cal.IsSchoolDay(d); i++ {
		d = d.AddDate(0, 0, 1)
	}
	return d.Add(clock)
}

// Tick performs what is due at now: queues each run's messages and marks it
// in one transaction, logs missed runs, then hands the queue to delivery.
func (s *Scheduler) Tick(ctx context.Context, now time.Time) error {
	// The first start is kept before the runs are read: what fell due
	// before it is not this bot's to send.
	since, err := s.keptSince(now)
	if err != nil {
		return err
	}
	runs, err := s.Due(now)
	if err != nil {
		return err
	}
	queued := false
	var missed, before []string
	for _, r := range runs {
		if r.Missed {
			if r.Before || r.Fire.Before(since) {
				before = append(before, r.Key)
			} else {
				missed = append(missed, r.Key)
			}
			if err := s.st.CompleteRun(r.Key, "missed"); err != nil {
				return err
			}
			continue
		}
		if err := s.st.CompleteRun(r.Key, "sent", r.Messages...); err != nil {
			return err
		}
		queued = queued || len(r.Messages) > 0
	}
	if len(missed) > 0 {
		s.log.Warn("scheduled runs missed while the bot was down; their periods are over, not sending", "count", len(missed), "runs", strings.Join(missed, " "))
	}
	if len(before) > 0 { // a new school: nothing was missed, there was no bot yet
		s.log.Info("scheduled runs from before this school's first start, not sending", "count", len(before))
	}
	if queued && s.Queued != nil {
		s.Queued(ctx)
	}
	return nil
}

// Run ticks once now (catching up what was missed while down) and then
// every minute until ctx ends, then waits for a tick under way. Panics in a
// tick are recovered and logged.
func (s *Scheduler) Run(ctx context.Context, now func() time.Time) {
	tick := func() {
		if err := s.Tick(ctx, now()); err != nil {
			s.log.Error("reminders tick failed", "err", err)
		}
	}
	c := cron.New(cron.WithLocation(s.cal.Loc), cron.WithParser(parser), cron.WithChain(cron.Recover(cronLogger{s.log})))
	c.AddFunc("@every 1m", tick)
	cron.Recover(cronLogger{s.log})(cron.FuncJob(tick)).Run()
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done() // a tick under way finishes
}

type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) {}
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("reminders: "+msg, append(kv, "err", err)...)
}

// sortRuns orders runs by time for previews.
func sortRuns(rs []Run) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Fire.Before(rs[j].Fire) })
}
