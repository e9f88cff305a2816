package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/robfig/cron/v3"
	"golang.org/x/sync/errgroup"

	"bangfu/bot"
	"bangfu/bot/console"
	"bangfu/commands/county"
	"bangfu/reminders"
	"bangfu/storage"
)

// runCounty serves every school of the config's schools: list in one
// process: each school has its own database (a schema, or a file), its own
// chat accounts, scheduler and outbox, exactly as a lone school has; the
// county's admins ask any school's bot for /county, and get the county
// digest. With no account configured at all, the terminal chat talks to
// the first school, and its user is one of the county's admins.
func runCounty(cfg Config, stdin io.Reader, stdout, stderr io.Writer) int {
	budgetMemory(len(cfg.Schools))
	log := newLogger(cfg, stderr, slog.LevelWarn)
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, code := wireCounty(ctx, cfg, log, stdin, stdout, stderr)
	defer func() {
		if c.close(log) != nil {
			code = 1
		}
	}()
	if code != 0 {
		return code
	}
	c.run(ctx, cfg, log)
	return code
}

// countyRun is a county's schools wired in one process, and the accounts
// they share.
type countyRun struct {
	apps   []*app
	desk   *county.Desk
	shared []bot.Platform    // the county's own accounts, used by every school
	dir    *county.Directory // which school a message on them belongs to
}

// close closes every school's database, a few at once (each close notes
// its file's checksum).
func (c *countyRun) close(log *slog.Logger) error {
	var g errgroup.Group
	g.SetLimit(4)
	for _, a := range c.apps {
		g.Go(func() error {
			if err := a.st.Close(); err != nil {
				log.Error("closing the database failed", "school", a.school, "err", err)
				return err
			}
			return nil
		})
	}
	return g.Wait()
}

// wireCounty opens and wires each school, then the shared accounts; on a
// failure it says which school and why, and returns what it opened so the
// caller closes it.
func wireCounty(ctx context.Context, cfg Config, log *slog.Logger, stdin io.Reader, stdout, stderr io.Writer) (*countyRun, int) {
	apps, desk, code := wireSchools(ctx, cfg, log, stdin, stdout, stderr)
	c := &countyRun{apps: apps, desk: desk}
	if code != 0 {
		return c, code
	}
	var err error
	if c.shared, c.dir, err = sharedAccounts(cfg, apps, log, stdout); err != nil {
		fmt.Fprintln(stderr, "bangfu:", err)
		return c, 1
	}
	if len(c.shared) == 0 && !slices.ContainsFunc(apps, func(a *app) bool { return len(a.platforms) > 0 }) {
		fmt.Fprintln(stderr, noPlatform())
		return c, 2
	}
	return c, 0
}

// wireSchools opens and wires each school.
func wireSchools(ctx context.Context, cfg Config, log *slog.Logger, stdin io.Reader, stdout, stderr io.Writer) ([]*app, *county.Desk, int) {
	desk := &county.Desk{Name: cfg.County.Name, Admins: map[string]bool{}, Now: time.Now, Log: log}
	for _, a := range cfg.County.Admins {
		desk.Admins[strings.TrimSpace(a)] = true
	}
	terminal := !cfg.County.accounts().enabled()
	for _, s := range cfg.Schools {
		if s.accountsEnabled() {
			terminal = false
		}
	}
	// The schools open at once, a few at a time (each its own file or
	// schema); a county's start is not twenty opens in a row.
	wired := make([]*app, len(cfg.Schools))
	codes := make([]int, len(cfg.Schools))
	var g errgroup.Group
	g.SetLimit(4)
	for i, s := range cfg.Schools {
		s.Console.Enabled = terminal && i == 0 && cfg.Console.Enabled
		s.sharesAccounts = cfg.County.accounts().enabled()
		g.Go(func() error {
			// A school's file found changed at rest refuses its writes;
			// the other schools go on.
			st, err := openStore(s, time.Second, func(err error) {
				log.Error("a school's database file changed at rest: its writes are refused", "school", s.Key, "err", err)
				fmt.Fprintln(stderr, schoolLabel(s)+openFailed(s.where(), err))
			})
			if err != nil {
				fmt.Fprintln(stderr, schoolLabel(s)+openFailed(s.where(), err))
				codes[i] = 1
				return nil
			}
			a, code := wire(ctx, s, st, log.With("school", s.Key), stdin, stdout, stderr)
			if a == nil {
				st.Close()
				codes[i] = code
				return nil
			}
			a.school = s.Key
			a.h.County = desk
			wired[i] = a
			return nil
		})
	}
	g.Wait()
	var apps []*app
	code := 0
	for i, a := range wired {
		if a == nil {
			code = max(code, codes[i])
			continue
		}
		apps = append(apps, a)
		desk.Schools = append(desk.Schools, county.School{Key: a.school, Name: a.h.School, Store: a.st, Cal: cfg.Schools[i].Calendar})
		if a.console != nil {
			desk.Admins[console.PlatformName+":"+console.LocalAdmin] = true
		}
	}
	if code != 0 {
		return apps, nil, code
	}
	return apps, desk, 0
}

// sharedAccounts makes the adapters of the accounts the county's schools
// share: each school's outbox sends through them, and each message that
// comes in is handled by the school it belongs to (county.Directory).
func sharedAccounts(cfg Config, apps []*app, log *slog.Logger, qr io.Writer) ([]bot.Platform, *county.Directory, error) {
	if !cfg.County.accounts().enabled() {
		return nil, nil, nil
	}
	bySchool := map[string]*app{}
	dir := &county.Directory{}
	for _, a := range apps {
		bySchool[a.school] = a
		h := a.h
		dir.Schools = append(dir.Schools, county.Member{Key: a.school, Name: h.School, Store: a.st, JoinCode: h.JoinCode,
			Claim: func(m bot.Message) int { return int(h.ClaimCode(m)) }})
	}
	of := func(o bot.Outgoing) *app {
		if a := bySchool[o.School]; a != nil {
			return a
		}
		return apps[0]
	}
	hk := accountHooks{state: apps[0].st, menu: telegramMenu(apps[0].h),
		onReady: func(name string) {
			for _, a := range apps {
				a.h.AddBotName(name)
			}
		},
		// The account is every school's: each school's admins hear of it.
		notify: func(text, platform string) {
			for _, a := range apps {
				a.h.NotifyAdmins(text, platform)
				a.out.DeliverDue(context.Background())
			}
		},
		onUnreachable: func(o bot.Outgoing) {
			if f := of(o).out.OnUnreachable; f != nil {
				f(o)
			}
		},
		keep: func(outs []bot.Outgoing) {
			for _, o := range outs {
				of(o).queue.Keep([]bot.Outgoing{o})
			}
		},
		journal: countyJournal(of)}
	ps, err := chatAccounts(cfg.County.accounts(), hk, log.With("school", "county"), qr)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range apps {
		for _, p := range ps {
			a.out.Add(p)
		}
	}
	return ps, dir, nil
}

// countyJournal keeps each reply in the journal of the school it is from.
type countyJournal func(bot.Outgoing) *app

func (j countyJournal) Journal(o bot.Outgoing) (uint64, error) { return j(o).journal.Journal(o) }
func (j countyJournal) Sending(o bot.Outgoing) error           { return j(o).journal.Sending(o) }
func (j countyJournal) Waiting(o bot.Outgoing) error           { return j(o).journal.Waiting(o) }
func (j countyJournal) Done(o bot.Outgoing) error              { return j(o).journal.Done(o) }

// route hands a message that came in on a shared account to its school.
func route(dir *county.Directory, apps []*app) func(context.Context, bot.Message) {
	return func(ctx context.Context, m bot.Message) {
		i, text := dir.Route(m)
		m.Text = text
		apps[i].dispatch(ctx, m)
	}
}

// run runs every school, and the shared accounts' intake, until ctx ends
// or the terminal chat's input does; then each school stops in its own
// order (see app.run), and the shared accounts' senders stop last, once
// every school's outbox has had its last delivery through them.
func (c *countyRun) run(ctx context.Context, cfg Config, log *slog.Logger) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	apps, first := c.apps, c.apps[0]
	var wg sync.WaitGroup
	for _, a := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if a.console != nil {
				defer cancel() // end of the terminal's input ends the county's run
			}
			a.run(ctx)
		}()
	}
	var intake sync.WaitGroup
	for _, p := range c.shared {
		intake.Add(1)
		go func() {
			defer intake.Done()
			// The shared account's session is held as the first school's
			// platforms are (one process at a time on PostgreSQL).
			first.runSharedPlatform(ctx, p, route(c.dir, apps))
		}()
	}
	if cfg.County.Digest != "" && len(c.desk.Admins) > 0 {
		d := newCountyDigest(c.desk, apps, cfg.County.Digest, cfg.Schools[0].Calendar.Loc, log)
		wg.Add(1)
		go func() {
			defer wg.Done()
			every := func(ctx context.Context) {
				for {
					d.Tick(first.st.now())
					if !bot.Sleep(ctx, time.Minute) {
						return
					}
				}
			}
			if first.st.file != nil {
				every(ctx)
				return
			}
			first.underLease(ctx, "county-digest", every)
		}()
	}
	intake.Wait()
	wg.Wait()
	stopCtx, stopped := context.WithTimeout(context.Background(), stopSendsFor)
	defer stopped()
	for _, p := range c.shared {
		if s, ok := p.(bot.Stopper); ok {
			s.Stop(stopCtx)
		}
	}
}

// schoolLabel starts an operator's line about one school.
func schoolLabel(s Config) string { return s.School.Name + "（" + s.Key + "）：" }

// countyDigest queues the county digest for each of the county's admins,
// once per time it is due: in the private chat of the first school (in the
// config's order) whose bot knows them. The message's key, unique in that
// school's outbox, keeps restarts and a second process from doubling it.
type countyDigest struct {
	desk  *county.Desk
	apps  []*app
	sched cron.Schedule
	loc   *time.Location
	log   *slog.Logger
	// unknown are the admins already logged as known to no school's bot.
	unknown map[string]bool
}

func newCountyDigest(desk *county.Desk, apps []*app, expr string, loc *time.Location, log *slog.Logger) *countyDigest {
	sched, _ := cron.ParseStandard(expr) // checked with the config
	return &countyDigest{desk: desk, apps: apps, sched: sched, loc: loc, log: log, unknown: map[string]bool{}}
}

// Tick queues what is due at now and not queued yet.
func (d *countyDigest) Tick(now time.Time) {
	fire := reminders.LastFire(d.sched, now.In(d.loc), 7*24*time.Hour) // a week's digest is still worth sending
	if fire.IsZero() {
		return
	}
	admins := make([]string, 0, len(d.desk.Admins))
	for a := range d.desk.Admins {
		admins = append(admins, a)
	}
	sort.Strings(admins)
	var text string
	for _, admin := range admins {
		key := "county-digest:" + fire.Format(time.RFC3339) + ":" + admin
		a, q, ok := d.reach(admin)
		if !ok {
			if !d.unknown[admin] {
				d.unknown[admin] = true
				d.log.Warn("the county digest cannot reach an admin: no school's bot knows them yet and their platform cannot be written to first; they should send /county to one once", "admin", admin)
			}
			continue
		}
		if done, err := a.st.WasQueued(key); err != nil || done {
			if err != nil {
				d.log.Error("checking the county digest failed", "err", err)
			}
			continue
		}
		if text == "" {
			text = d.desk.Digest(now, "digest")
		}
		q.Text, q.Key, q.NotBefore = text, key, now
		if err := a.st.Enqueue(storage.Meta{Where: "county", At: now}, q); err != nil {
			d.log.Error("queuing the county digest failed", "err", err)
			continue
		}
		a.out.Nudge()
	}
}

// reach finds the school whose bot knows the admin, and their private chat.
// An admin no bot knows yet is still reached where the platform addresses a
// private chat by the account alone (a WeCom userid, through the school's
// 自建应用; a Telegram user id, once they have pressed Start on the bot):
// through the first school that has that platform. The config names them,
// and a county's admin should not have to know to write to a bot first.
func (d *countyDigest) reach(admin string) (*app, storage.Queued, bool) {
	platform, user, _ := strings.Cut(admin, ":")
	for _, a := range d.apps {
		p, ok, err := a.st.PersonByAccount(platform, user)
		if err != nil || !ok {
			continue
		}
		for _, acc := range p.Accounts {
			if acc.Platform == platform && acc.UserID == user && acc.ChatID != "" {
				return a, storage.Queued{Platform: platform, ChatID: acc.ChatID, Private: true, PersonID: p.ID}, true
			}
		}
	}
	if !chatByAccount[platform] {
		return nil, storage.Queued{}, false
	}
	for _, a := range d.apps {
		if a.out.Has(platform) {
			return a, storage.Queued{Platform: platform, ChatID: user, Private: true}, true
		}
	}
	return nil, storage.Queued{}, false
}

// chatByAccount are the platforms whose private chat with a person is
// named by their account (a WeChat account's name changes with each login).
var chatByAccount = map[string]bool{"wecom": true, "telegram": true}
