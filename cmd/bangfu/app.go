package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"bangfu/bot"
	"bangfu/bot/console"
	"bangfu/bot/telegram"
	"bangfu/bot/wechat"
	"bangfu/bot/wecom"
	"bangfu/commands"
	"bangfu/commands/delivery"
	"bangfu/reminders"
	"bangfu/storage"
	"bangfu/storage/backup"
)

// How long the stop may take: the outbox's last delivery, then each
// platform's waiting replies. What does not fit stays queued on disk.
const (
	flushFor     = 3 * time.Second
	stopSendsFor = 5 * time.Second
)

// Message ids are kept past any platform's redelivery (Telegram keeps an
// update 24 hours, WeCom retries within minutes).
const (
	keepProcessedFor = 7 * 24 * time.Hour
	pruneAfterStart  = time.Minute
)

// app is a running bot: every part wired once, in the order the message
// path runs (config → storage → platforms → router → scheduler).
type app struct {
	log       *slog.Logger
	st        opened
	h         *commands.Handler
	out       *bot.Outbox
	router    *bot.Router
	platforms []bot.Platform
	console   *console.Console // the terminal chat, when no account is configured
	sched     *reminders.Scheduler
	backups   *backup.Timer // nil when backup.dir is empty
	ctl       *control      // nil when the socket could not be opened
	// holder names this process in the leases of platform sessions; wait
	// paces the wait for a lease (tests inject it).
	holder string
	wait   func(ctx context.Context, d time.Duration) bool
	school string // the school's key when it is one of a county's
	// queue and journal are the school's outbox and reply journal, which
	// a county's shared account uses for this school's messages.
	queue   delivery.OutboxQueue
	journal delivery.ReplyJournal
}

// runBot starts every enabled platform (with none configured, the terminal
// chat) and runs until a signal or, for the terminal chat, end of input.
func runBot(cfg Config, stdin io.Reader, stdout, stderr io.Writer) int {
	budgetMemory(1)
	log := newLogger(cfg, stderr, slog.LevelWarn)
	// Libraries that print through the standard log go through it too.
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var damaged atomic.Bool
	// Found changed at rest just after opening: the bot stops as it would
	// have refused to start.
	st, err := openStore(cfg, time.Second, func(err error) {
		damaged.Store(true)
		log.Error("the database file changed at rest; stopping", "err", err)
		fmt.Fprintln(stderr, openFailed(cfg.where(), err))
		stop()
	})
	if err != nil {
		fmt.Fprintln(stderr, openFailed(cfg.where(), err))
		return 1
	}
	a, code := wire(ctx, cfg, st, log, stdin, stdout, stderr)
	if a == nil {
		st.Close()
		return code
	}
	a.run(ctx)
	if err := st.Close(); err != nil {
		log.Error("closing the database failed", "err", err)
		return 1
	}
	if damaged.Load() {
		return 1
	}
	return 0
}

// wire builds the parts (ctx bounds start-up: Telegram's getMe retries); on
// failure it says why and returns the exit code.
func wire(ctx context.Context, cfg Config, st opened, log *slog.Logger, stdin io.Reader, stdout, stderr io.Writer) (*app, int) {
	a := &app{log: log, st: st, holder: processName()}
	a.recover()
	a.h = newHandler(cfg, st, log)
	queue := delivery.OutboxQueue{Store: st, Loc: cfg.Calendar.Loc, Now: st.now, Log: log}
	journal := delivery.ReplyJournal{Store: st, Now: st.now}
	a.queue, a.journal = queue, journal
	a.out = bot.NewOutbox(queue, st.now, log)
	a.out.School = cfg.Key
	a.out.OnUnreachable = func(o bot.Outgoing) { a.h.MarkUnreachable(context.Background(), o) }
	a.out.OnGivenUp = a.h.GivenUp
	a.out.Journal = journal
	// Every command marks its message processed in its own transaction, so
	// the router needs no read of its own per message.
	a.router = &bot.Router{Handler: a.h, Out: a.out, Log: log}

	ps, err := chatAccounts(cfg.accounts(), a.hooks(), log, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "bangfu:", err)
		return nil, 1
	}
	a.platforms = append(a.platforms, ps...)
	if cfg.Console.Enabled && len(a.platforms) == 0 {
		con := console.New(stdin, stdout, isTerminal(stdin))
		con.Now = st.now
		con.FileDir = filepath.Join(filepath.Dir(cfg.Storage.Path), "exports")
		if err := a.h.EnsureAdmin(console.PlatformName, console.LocalAdmin, console.PrivateChatID(console.LocalAdmin), console.LocalAdmin); err != nil {
			fmt.Fprintln(stderr, "bangfu:", err)
			return nil, 1
		}
		// Nobody in the terminal waits for quiet hours to end: what is held
		// is shown at once, labelled with when it would go (see Console.Send).
		con.AfterLine = a.out.Flush
		con.AtEOF = a.out.Flush
		a.console = con
		a.platforms = append(a.platforms, con)
	}
	if len(a.platforms) == 0 {
		if cfg.Key == "" {
			fmt.Fprintln(stderr, noPlatform())
			return nil, 2
		}
		// One of a county's schools may have no account of its own: it
		// uses the county's, or its reminders wait in its outbox.
		if !cfg.sharesAccounts {
			log.Warn("this school has no chat account: its messages wait in its outbox")
		}
	}
	for _, p := range a.platforms {
		a.out.Add(p)
	}
	sc, err := reminders.New(st, cfg.Calendar, cfg.School.Name, reminderConfig(cfg), log)
	if err != nil {
		fmt.Fprintln(stderr, "bangfu: config:", err)
		return nil, 2
	}
	sc.Queued = a.out.DeliverDue
	a.sched = sc
	if cfg.Backup.Dir != "" && st.file != nil { // PostgreSQL is backed up by its own tools
		a.backups = a.backupTimer(cfg)
	}
	// Only a file is held by one process: on PostgreSQL the other commands
	// open the database themselves and never dial the socket.
	if st.file != nil {
		if a.ctl, err = listenControl(cfg, newOps(cfg, st, log), log); err != nil {
			log.Warn("control socket unavailable: backup and invite from another terminal need the bot stopped", "err", err)
		}
	}
	return a, 0
}

// accountHooks are what a chat account's adapter keeps in, and tells, the
// school it serves (or, for a county's shared account, the schools).
type accountHooks struct {
	state         opened // where the adapter keeps its own state
	menu          []telegram.MenuItem
	onReady       func(username string)
	notify        func(text, platform string) // told to the admins, and delivered
	onUnreachable func(bot.Outgoing)
	keep          func([]bot.Outgoing)
	journal       bot.ReplyJournal
}

// accountsConfig is the chat accounts of a school, or of a county.
type accountsConfig struct {
	Telegram TelegramSection
	Wechat   WechatSection
	Wecom    WecomSection
}

func (c Config) accounts() accountsConfig {
	return accountsConfig{Telegram: c.Telegram, Wechat: c.Wechat, Wecom: c.Wecom}
}

// hooks are a lone school's: everything goes to its own handler and outbox.
func (a *app) hooks() accountHooks {
	return accountHooks{state: a.st, menu: telegramMenu(a.h), onReady: a.h.AddBotName,
		notify: func(text, platform string) {
			a.h.NotifyAdmins(text, platform)
			a.out.DeliverDue(context.Background())
		},
		onUnreachable: a.out.OnUnreachable, keep: a.queue.Keep, journal: a.journal}
}

// chatAccounts makes the adapters of the accounts configured (Telegram,
// WeChat, WeCom); the terminal chat is the fallback when there are none.
func chatAccounts(cfg accountsConfig, hk accountHooks, log *slog.Logger, qr io.Writer) ([]bot.Platform, error) {
	var out []bot.Platform
	if cfg.Telegram.Enabled {
		tg, err := telegram.New(telegram.Config{Token: cfg.Telegram.Token, ServerURL: cfg.Telegram.ServerURL,
			State: hk.state, Log: log, Menu: hk.menu, Keep: hk.keep, Journal: hk.journal,
			OnReady:  hk.onReady,
			OnStatus: func(text string) { hk.notify(text, telegram.PlatformName) }})
		if err != nil {
			return nil, err
		}
		tg.OnUnreachable = hk.onUnreachable
		out = append(out, tg)
	}
	if cfg.Wechat.Enabled {
		var client *http.Client
		if cfg.Wechat.ServerURL != "" {
			client = wechat.ClientFor(cfg.Wechat.ServerURL)
		}
		out = append(out, wechat.New(wechat.Config{SessionFile: cfg.Wechat.SessionFile, HTTPClient: client, State: hk.state, Log: log, QR: qr,
			AcceptFriends: cfg.Wechat.AcceptFriends,
			Keep:          hk.keep, Journal: hk.journal,
			OnStatus: func(text string) { hk.notify(text, wechat.PlatformName) }}))
	}
	if cfg.Wecom.Enabled {
		notify := func(text string) {
			log.Warn("wecom: told the admins", "text", text)
			hk.notify(text, wecom.PlatformName)
		}
		wc := wecom.Config{BotID: cfg.Wecom.BotID, Secret: cfg.Wecom.Secret, ServerURL: cfg.Wecom.ServerURL,
			Log: log, OnStatus: notify, Keep: hk.keep, Journal: hk.journal}
		if app := cfg.Wecom.App; app.CorpID != "" {
			wc.App = wecom.NewApp(wecom.AppConfig{CorpID: app.CorpID, AgentID: app.AgentID, Secret: app.Secret, APIURL: app.APIURL, Log: log, OnStatus: notify})
		}
		w := wecom.New(wc)
		w.OnUnreachable = hk.onUnreachable
		out = append(out, w)
	}
	return out, nil
}

// recover sends what the last stop left: replies a crash left waiting (a
// reply that was being sent is dropped, not doubled).
func (a *app) recover() {
	if moved, dropped, err := a.st.RecoverReplies(); err != nil {
		a.log.Error("recovering waiting replies failed", "err", err)
	} else if moved+dropped > 0 {
		a.log.Warn("replies left waiting by the last stop", "queued_again", moved, "dropped_maybe_sent", dropped)
	}
}

// run serves until ctx ends (or the terminal chat's input does), then stops
// in order: intake (platform receivers, control socket) → scheduler →
// periodic delivery and one last flush with a deadline → platform senders.
// The caller closes storage after. errgroup joins each stage's goroutines;
// the order is the sequence of the stages.
func (a *app) run(ctx context.Context) {
	intakeCtx, stopIntake := context.WithCancel(ctx)
	defer stopIntake()
	var intake errgroup.Group
	for _, p := range a.platforms {
		intake.Go(func() error {
			if p == bot.Platform(a.console) {
				defer stopIntake() // the terminal chat ends at end of input, and the bot with it
			}
			a.runPlatform(intakeCtx, p)
			return nil
		})
	}
	if a.ctl != nil {
		intake.Go(func() error { return a.ctl.Serve(intakeCtx) })
	}
	schedCtx, stopSched := context.WithCancel(context.Background())
	var sched errgroup.Group
	sched.Go(func() error {
		if a.st.file != nil {
			a.sched.Run(schedCtx, a.st.now)
			return nil
		}
		// Several processes on one database: one of them runs the
		// scheduler (the messages' keys would keep a second from doubling
		// them, but not from computing and logging every run twice).
		a.underLease(schedCtx, "scheduler", func(ctx context.Context) { a.sched.Run(ctx, a.st.now) })
		return nil
	})
	if a.backups != nil {
		sched.Go(func() error { a.backups.Run(schedCtx); return nil })
	}
	// Housekeeping: message ids older than any redelivery are forgotten,
	// a minute after the start (off the way to the first replies) and
	// then daily, as a bot runs for a whole semester.
	sched.Go(func() error {
		for wait := pruneAfterStart; bot.Sleep(schedCtx, wait); wait = 24 * time.Hour {
			if _, err := a.st.PruneProcessed(a.st.now().Add(-keepProcessedFor)); err != nil {
				a.log.Warn("pruning old message ids failed", "err", err)
			}
		}
		return nil
	})
	if g, ok := a.st.Store.(interface{ RecoverGone() (int, int, error) }); ok {
		// Several processes may share the database: the waiting replies of
		// one that died are sent by a survivor.
		sched.Go(func() error {
			for bot.Sleep(schedCtx, time.Minute) {
				if moved, dropped, err := g.RecoverGone(); err != nil {
					a.log.Error("recovering a gone process's replies failed", "err", err)
				} else if moved+dropped > 0 {
					a.log.Warn("replies left waiting by a process that is gone", "queued_again", moved, "dropped_maybe_sent", dropped)
					a.out.Nudge()
				}
			}
			return nil
		})
	}
	deliverCtx, stopDelivering := context.WithCancel(context.Background())
	var delivering errgroup.Group
	delivering.Go(func() error { a.out.Run(deliverCtx, 10*time.Second); return nil })

	<-intakeCtx.Done()
	intake.Wait() // each platform finishes the message in flight
	stopSched()
	sched.Wait()
	stopDelivering()
	delivering.Wait()
	flushCtx, flushed := context.WithTimeout(context.Background(), flushFor)
	a.out.DeliverDue(flushCtx) // paced messages that do not fit stay queued
	flushed()
	stopCtx, stopped := context.WithTimeout(context.Background(), stopSendsFor)
	defer stopped()
	var senders errgroup.Group
	for _, p := range a.platforms {
		if s, ok := p.(bot.Stopper); ok {
			senders.Go(func() error { s.Stop(stopCtx); return nil })
		}
	}
	senders.Wait()
}

func telegramMenu(h *commands.Handler) []telegram.MenuItem {
	var menu []telegram.MenuItem
	for _, m := range h.Menu() {
		menu = append(menu, telegram.MenuItem{Command: m.Command, Description: m.Description, InGroups: m.InGroups})
	}
	return menu
}

// backupTimer keeps timed copies: each is audited (an erasure later names
// it), and a failure is told to the admins once per run of failures.
func (a *app) backupTimer(cfg Config) *backup.Timer {
	return &backup.Timer{Store: a.st.file, Dir: cfg.backupDir(), Every: cfg.backupEvery(), Keep: cfg.Backup.Keep, Now: a.st.now,
		After: time.After,
		Done: func(path string) {
			if err := a.st.AuditRead(storage.Meta{Where: "backup", At: a.st.now()}, "backup", path); err != nil {
				a.log.Error("auditing a backup failed", "err", err)
			}
		},
		Failed: func(err error, first bool) {
			a.log.Error("timed backup failed", "dir", cfg.backupDir(), "err", err)
			if first {
				a.h.NotifyAdmins(backupFailedNotice(cfg.backupDir()), "")
			}
		}}
}

// dispatch handles a message, then asks the outbox for a pass: what the
// command queued (a praise's messages to the parents) goes now, not at the
// next tick.
func (a *app) dispatch(ctx context.Context, m bot.Message) {
	a.router.Dispatch(ctx, m)
	if m.Platform != console.PlatformName { // the terminal flushes after each line itself
		a.out.Nudge()
	}
}

// leaseTTL: when a process holding a platform session dies, another takes
// the session over within this long; the holder renews at a third of it.
const leaseTTL = time.Minute

// runPlatform runs a platform until ctx ends. Several processes may share a
// PostgreSQL database: a platform session (a bot token, a WeChat login, a
// WeCom connection) is held by one of them under a lease (see underLease).
// A bbolt file has one process: its leases always hold.
func (a *app) runPlatform(ctx context.Context, p bot.Platform) {
	run := func(ctx context.Context) {
		if err := p.Run(ctx, a.dispatch); err != nil {
			a.log.Error("platform stopped", "platform", p.Name(), "err", err)
		}
	}
	if a.st.file != nil || p == bot.Platform(a.console) {
		run(ctx)
		return
	}
	a.underLease(ctx, "platform:"+p.Name(), run)
}

// runSharedPlatform runs a county's shared account with its own dispatch
// (to each message's school), under a lease in this school's database.
func (a *app) runSharedPlatform(ctx context.Context, p bot.Platform, dispatch func(context.Context, bot.Message)) {
	run := func(ctx context.Context) {
		if err := p.Run(ctx, dispatch); err != nil {
			a.log.Error("platform stopped", "platform", p.Name(), "err", err)
		}
	}
	if a.st.file != nil {
		run(ctx)
		return
	}
	a.underLease(ctx, "county-platform:"+p.Name(), run)
}

// underLease runs run while this process holds the lease name: the others
// wait and one takes over within leaseTTL of the holder's death; a holder
// that finds its lease taken (it was cut off for longer than that) stops
// run and leaves the work to the process that took it. A stop gives the
// lease up at once.
func (a *app) underLease(ctx context.Context, name string, run func(context.Context)) {
	wait := a.wait
	if wait == nil {
		wait = bot.Sleep
	}
	waiting := false
	for {
		held, err := a.st.Lease(name, a.holder, leaseTTL, a.st.now())
		if err != nil {
			a.log.Error("taking a lease failed", "lease", name, "err", err)
		}
		if held {
			break
		}
		if !waiting {
			a.log.Info("another bangfu holds this; waiting to take over if it stops", "lease", name)
			waiting = true
		}
		if !wait(ctx, leaseTTL/3) {
			return
		}
	}
	if waiting {
		a.log.Warn("took over from another bangfu", "lease", name)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		for wait(runCtx, leaseTTL/3) {
			held, err := a.st.Lease(name, a.holder, leaseTTL, a.st.now())
			if err == nil && !held {
				a.log.Error("another bangfu took this over; stopping it here", "lease", name)
				cancel()
				return
			}
		}
	}()
	run(runCtx)
	if ctx.Err() != nil { // a stop, not a loss: the next process need not wait out the lease
		if err := a.st.Unlease(name, a.holder); err != nil {
			a.log.Warn("giving up a lease failed", "lease", name, "err", err)
		}
	}
}
