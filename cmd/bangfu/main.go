// Command bangfu is the support-plan chat bot. It wires config, storage,
// platforms, the router, the outbox and the scheduler together; the logic
// lives in the packages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // the school's zone works on machines without zoneinfo

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"bangfu/bot"
	"bangfu/bot/console"
	"bangfu/bot/telegram"
	"bangfu/bot/wechat"
	"bangfu/commands"
	"bangfu/commands/delivery"
	"bangfu/commands/excel"
	"bangfu/reminders"
	"bangfu/storage"
	"bangfu/storage/bolt"
)

var version = "dev"

const usageText = `用法 / usage: bangfu [-config config.yaml] <命令>

  run                          启动机器人（默认）；没有配置任何账号时打开终端聊天
  invite admin                 生成学校管理员的一次性邀请码
  invite teacher [班级] [班主任]  生成老师（或班主任）的一次性邀请码
  backup <文件>                 在运行中也能做一致的数据库备份
  reminders preview [--at T]   预览某个时间（RFC3339）会发的定时消息，不发送、不记录
  version                      显示版本
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(argv []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bangfu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "config.yaml", "config file (missing: built-in defaults)")
	fs.Usage = func() { fmt.Fprint(stderr, usageText) }
	if err := fs.Parse(argv); err != nil {
		return 2
	}
	args := fs.Args()
	sub := "run"
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "config" })
	// -config may also follow the sub-command: bangfu run -config x.yaml.
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case (a == "-config" || a == "--config") && i+1 < len(args):
			*configPath, explicit = args[i+1], true
			i++
		case strings.HasPrefix(a, "-config=") || strings.HasPrefix(a, "--config="):
			*configPath, explicit = a[strings.Index(a, "=")+1:], true
		default:
			rest = append(rest, a)
		}
	}
	args = rest

	if sub == "version" {
		fmt.Fprintf(stdout, "bangfu %s (schema %d, %s)\n", buildVersion(), bolt.SchemaVersion, goVersion())
		return 0
	}
	if sub == "help" || sub == "-h" {
		fmt.Fprint(stdout, usageText)
		return 0
	}
	cfg, err := loadConfig(*configPath, explicit)
	if err != nil {
		fmt.Fprintln(stderr, "bangfu:", err)
		return 2
	}
	switch sub {
	case "run":
		return runBot(cfg, stdin, stdout, stderr)
	case "invite":
		return cliAdmin(cfg, stdout, stderr, append([]string{"invite"}, args...))
	case "reminders":
		if len(args) == 0 || args[0] != "preview" {
			fmt.Fprintln(stderr, "用法：bangfu reminders preview [--at 2026-11-20T16:00:00+08:00]")
			return 2
		}
		at := time.Now().In(cfg.Calendar.Loc)
		rest := args[1:]
		if len(rest) > 0 {
			v := strings.TrimPrefix(strings.TrimPrefix(rest[0], "-"), "-")
			if len(rest) == 2 && v == "at" {
				v = "at=" + rest[1]
			}
			t, err := time.Parse(time.RFC3339, strings.TrimPrefix(v, "at="))
			if err != nil || !strings.HasPrefix(v, "at=") {
				fmt.Fprintln(stderr, "bangfu: --at 要写成 RFC3339 时间，例如 2026-11-20T16:00:00+08:00")
				return 2
			}
			at = t
		}
		return cliAdmin(cfg, stdout, stderr, []string{"preview", at.Format(time.RFC3339)})
	case "import":
		switch {
		case len(args) == 2 && strings.TrimLeft(args[0], "-") == "template":
			data, err := excel.Template()
			if err == nil {
				err = os.WriteFile(args[1], data, 0o600)
			}
			if err != nil {
				fmt.Fprintln(stderr, "bangfu:", err)
				return 1
			}
			fmt.Fprintf(stdout, "已生成名单模板：%s（表头和一行例子；填好后 bangfu import %s）\n", args[1], args[1])
			return 0
		case len(args) == 1:
			return cliAdmin(cfg, stdout, stderr, []string{"import", args[0]})
		}
		fmt.Fprintln(stderr, "用法：bangfu import <名单.xlsx|名单.csv>  或  bangfu import --template <模板.xlsx>")
		return 2
	case "export":
		if len(args) < 1 || len(args) > 2 || !strings.HasSuffix(strings.ToLower(args[0]), ".xlsx") {
			fmt.Fprintln(stderr, "用法：bangfu export <文件.xlsx> [班级]")
			return 2
		}
		return cliAdmin(cfg, stdout, stderr, append([]string{"export"}, args...))
	case "backup":
		if len(args) != 1 {
			fmt.Fprintln(stderr, "用法：bangfu backup <文件>")
			return 2
		}
		return cliAdmin(cfg, stdout, stderr, []string{"backup", args[0]})
	default:
		fmt.Fprintf(stderr, "bangfu: 不认识的命令 %q\n\n%s", sub, usageText)
		return 2
	}
}

func buildVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}

func goVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.GoVersion
	}
	return ""
}

func openStore(cfg Config, now func() time.Time) (*bolt.Store, error) {
	return bolt.Open(cfg.Storage.Path, bolt.Options{Calendar: cfg.Calendar, Now: now})
}

func newHandler(cfg Config, st *bolt.Store, log *slog.Logger) *commands.Handler {
	h := commands.New(st, st.Cal, st.Now, log)
	h.School = cfg.School.Name
	return h
}

// runBot starts every enabled platform; with none configured, the terminal chat.
func runBot(cfg Config, stdin io.Reader, stdout, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := openStore(cfg, time.Now)
	if err != nil {
		fmt.Fprintln(stderr, "bangfu:", err)
		return 1
	}
	defer st.Close()
	if _, err := st.PruneProcessed(time.Now().AddDate(0, 0, -7)); err != nil {
		log.Warn("pruning old message ids failed", "err", err)
	}
	// Replies a crash left waiting go out again; one that was being sent is dropped.
	if moved, dropped, err := st.RecoverReplies(); err != nil {
		log.Error("recovering waiting replies failed", "err", err)
	} else if moved+dropped > 0 {
		log.Warn("replies left waiting by the last stop", "queued_again", moved, "dropped_maybe_sent", dropped)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	ctl, err := serveControl(ctx, cfg, st, log)
	if err != nil {
		log.Warn("control socket unavailable: backup and invite from another terminal need the bot stopped", "err", err)
	} else {
		defer ctl.Close()
	}

	h := newHandler(cfg, st, log)
	out := bot.NewOutbox(delivery.OutboxQueue{Store: st, Loc: st.Cal.Loc, Now: st.Now, Log: log}, st.Now, log)
	out.OnUnreachable = func(o bot.Outgoing) { h.MarkUnreachable(context.Background(), o) }
	// Every command marks its message processed in its own transaction, so
	// the router needs no read of its own per message.
	router := &bot.Router{Handler: h, Out: out, Log: log}

	var platforms []bot.Platform
	if cfg.Telegram.Enabled {
		tg, err := telegram.New(ctx, telegram.Config{Token: cfg.Telegram.Token, ServerURL: cfg.Telegram.ServerURL,
			State: st, Log: log, Menu: telegramMenu(h), Keep: delivery.OutboxQueue{Store: st, Loc: st.Cal.Loc, Now: st.Now, Log: log}.Keep, Journal: delivery.ReplyJournal{Store: st, Now: st.Now}})
		if err != nil {
			fmt.Fprintln(stderr, "bangfu:", err)
			return 1
		}
		h.BotNames = append(h.BotNames, tg.Username())
		tg.OnUnreachable = out.OnUnreachable
		platforms = append(platforms, tg)
	}
	if cfg.Wechat.Enabled {
		var client *http.Client
		if cfg.Wechat.ServerURL != "" {
			client = wechat.ClientFor(cfg.Wechat.ServerURL)
		}
		wx := wechat.New(wechat.Config{SessionFile: cfg.Wechat.SessionFile, HTTPClient: client, State: st, Log: log, QR: stdout,
			Keep: delivery.OutboxQueue{Store: st, Loc: st.Cal.Loc, Now: st.Now, Log: log}.Keep, Journal: delivery.ReplyJournal{Store: st, Now: st.Now},
			OnStatus: func(text string) {
				h.NotifyAdmins(text, wechat.PlatformName)
				out.DeliverDue(context.Background())
			}})
		platforms = append(platforms, wx)
	}
	var con *console.Console
	if cfg.Console.Enabled && len(platforms) == 0 {
		con = console.New(stdin, stdout, isTerminal(stdin))
		con.Now = st.Now
		con.FileDir = filepath.Join(filepath.Dir(cfg.Storage.Path), "exports")
		if err := h.EnsureAdmin(console.PlatformName, console.LocalAdmin, console.PrivateChatID(console.LocalAdmin), console.LocalAdmin); err != nil {
			fmt.Fprintln(stderr, "bangfu:", err)
			return 1
		}
		con.AfterLine = out.DeliverDue
		con.AtEOF = out.Flush
		platforms = append(platforms, con)
	}
	if len(platforms) == 0 {
		fmt.Fprintln(stderr, "bangfu: 没有启用任何平台（telegram.enabled、wechat.enabled、console.enabled 都是 false）。")
		return 2
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for _, p := range platforms {
		out.Add(p)
		wg.Add(1)
		go func(p bot.Platform) {
			defer wg.Done()
			// The terminal chat ends at end of input, and the bot with it.
			defer func() {
				if p == bot.Platform(con) {
					cancel()
				}
			}()
			if err := p.Run(runCtx, router.Dispatch); err != nil {
				log.Error("platform stopped", "platform", p.Name(), "err", err)
			}
		}(p)
	}
	sc, err := reminders.New(st, h.Cal, h.School, reminderConfig(cfg), log)
	if err != nil {
		fmt.Fprintln(stderr, "bangfu: config:", err)
		return 2
	}
	sc.Queued = out.DeliverDue
	sc.Start(runCtx, st.Now)
	go out.Run(runCtx, 10*time.Second)
	<-runCtx.Done()
	wg.Wait() // each platform finishes the message in flight
	// A short last delivery: paced messages that do not fit stay queued.
	flushCtx, done := context.WithTimeout(context.Background(), 3*time.Second)
	defer done()
	out.DeliverDue(flushCtx)
	return 0
}

func reminderConfig(cfg Config) reminders.Config {
	r := cfg.Reminders
	return reminders.Config{MonthlyContact: r.MonthlyContact, MonthlyContactFinal: r.MonthlyContactFinal,
		WeeklyCheckin: r.WeeklyCheckin, WeeklyDigest: r.WeeklyDigest, ParentWeekly: r.ParentWeekly}
}

func telegramMenu(h *commands.Handler) []telegram.MenuItem {
	var menu []telegram.MenuItem
	for _, m := range h.Menu() {
		menu = append(menu, telegram.MenuItem{Command: m.Command, Description: m.Description, InGroups: m.InGroups})
	}
	return menu
}

// isTerminal is true for a real terminal (not a pipe, a file or /dev/null).
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// cliAdmin runs an admin operation on the database, or, when a running bot
// holds the file, asks that bot over its control socket.
func cliAdmin(cfg Config, stdout, stderr io.Writer, op []string) int {
	st, err := bolt.Open(cfg.Storage.Path, bolt.Options{Calendar: cfg.Calendar, Timeout: 300 * time.Millisecond})
	if errors.Is(err, storage.ErrLocked) {
		text, rerr := askRunningBot(cfg, op)
		if rerr != nil {
			fmt.Fprintln(stderr, "bangfu:", err)
			fmt.Fprintln(stderr, "bangfu: and the running bot did not answer on its control socket:", rerr)
			return 1
		}
		return printResult(text, stdout, stderr)
	}
	if err != nil {
		fmt.Fprintln(stderr, "bangfu:", err)
		return 1
	}
	defer st.Close()
	return printResult(adminOp(cfg, st, slog.New(slog.NewTextHandler(stderr, nil)), op, progressBar(stderr)), stdout, stderr)
}

// Results of admin operations start with "ok\n" or "error\n".
func printResult(text string, stdout, stderr io.Writer) int {
	if rest, ok := strings.CutPrefix(text, "ok\n"); ok {
		fmt.Fprintln(stdout, rest)
		return 0
	}
	fmt.Fprintln(stderr, "bangfu:", strings.TrimPrefix(text, "error\n"))
	return 1
}

// adminOp performs an admin operation on an open store; progress, if set,
// is told how far a long one is.
func adminOp(cfg Config, st *bolt.Store, log *slog.Logger, op []string, progress func(done, total int)) string {
	switch op[0] {
	case "backup":
		n, err := st.Backup(op[1])
		if err != nil {
			return "error\n备份失败 / backup failed: " + err.Error()
		}
		return fmt.Sprintf("ok\n已备份到 %s（%d 字节，已写入磁盘）", op[1], n)
	case "preview":
		at, err := time.Parse(time.RFC3339, op[1])
		if err != nil {
			return "error\nbad time"
		}
		sc, err := reminders.New(st, cfg.Calendar, cfg.School.Name, reminderConfig(cfg), log)
		if err != nil {
			return "error\n" + err.Error()
		}
		runs, err := sc.Preview(at)
		if err != nil {
			return "error\n预览失败 / preview failed: " + err.Error()
		}
		return "ok\n" + fmt.Sprintf("定时消息预览：%s（%s）\n", at.In(cfg.Calendar.Loc).Format("2006-01-02 15:04"), cfg.School.Timezone) + reminders.FormatPreview(runs, cfg.Calendar.Loc)
	case "import":
		data, err := os.ReadFile(op[1])
		if err != nil {
			return "error\n读不到文件 " + op[1]
		}
		h := newHandler(cfg, st, log)
		rows, err := excel.ReadTable(op[1], data)
		if err != nil {
			return "error\n" + err.Error()
		}
		m, err := h.CLIMeta()
		if err != nil {
			return "error\n" + err.Error()
		}
		rep, err := h.Import(rows, m, progress)
		if err != nil {
			return "error\n" + err.Error()
		}
		text := fmt.Sprintf("导入完成：新增%d人，更新%d人，没有变化%d人。", rep.Added, rep.Updated, rep.Unchanged)
		for _, w := range rep.Warnings {
			text += "\n注意：" + w
		}
		return "ok\n" + text
	case "export":
		h := newHandler(cfg, st, log)
		var classID uint64
		if len(op) == 3 {
			c, ok, err := classByName(st, op[2])
			if err != nil || !ok {
				return "error\n没有这个班级：" + op[2]
			}
			classID = c.ID
		}
		data, name, err := h.Workbook(classID, time.Now())
		if err != nil {
			return "error\n导出失败 / export failed: " + err.Error()
		}
		if m, err := h.CLIMeta(); err == nil {
			st.AuditRead(m, "export", name)
		}
		if err := os.WriteFile(op[1], data, 0o600); err != nil {
			return "error\n写不了文件：" + err.Error()
		}
		return fmt.Sprintf("ok\n已导出 %s（%d 字节，含学生隐私，请妥善保管）", op[1], len(data))
	case "invite":
		if len(op) < 2 || (op[1] != "admin" && op[1] != "teacher") {
			return "error\n用法：bangfu invite admin | bangfu invite teacher [班级] [班主任]"
		}
		h := newHandler(cfg, st, log)
		text, err := h.CLIInvite(op[1:])
		if err != nil {
			return "error\n" + err.Error()
		}
		return "ok\n" + text
	}
	return "error\n不认识的操作"
}

// progressBar draws a bar on a terminal, and nothing when output is piped.
func progressBar(w io.Writer) func(done, total int) {
	if !isTerminal(w) {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("导入名单"),
				progressbar.OptionShowCount(), progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }))
		}
		bar.Set(done)
	}
}

func classByName(st *bolt.Store, name string) (storage.Class, bool, error) {
	return commands.FindClass(st, name)
}
