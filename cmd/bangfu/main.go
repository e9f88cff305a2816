// Command bangfu is the support-plan chat bot. main parses the command line
// (one flag set per sub-command), app wires config → storage → platforms →
// router → scheduler and shuts them down in order, ops runs the admin
// operations through the same services as the chat commands. The logic
// lives in the packages.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"time"
	_ "time/tzdata" // the school's zone works on machines without zoneinfo

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"bangfu/bot"
	"bangfu/commands"
	"bangfu/commands/excel"
	"bangfu/reminders"
	"bangfu/storage"
	"bangfu/storage/bolt"
)

var version = "dev"

func main() {
	budgetMemory = setMemoryBudget // the process's own (tests run bots in theirs)
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// configFlag is -config, accepted before or after the sub-command; set
// tells a named file (which must exist) from the default (which may not).
type configFlag struct {
	path string
	set  bool
}

func (c *configFlag) String() string     { return c.path }
func (c *configFlag) Set(v string) error { c.path, c.set = v, true; return nil }

// cli is one invocation: its streams and the config file named.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	config         configFlag
	school         string // --school: one school of a county's config
}

// subcommand is one verb of the command line with its own flags.
type subcommand struct {
	name  string
	flags func(fs *flag.FlagSet) // extra flags; nil: none
	run   func(c *cli, cfg Config, args []string) int
	// noConfig: runs without reading config.yaml.
	noConfig bool
}

func subcommands() []subcommand {
	var template, at, from, to string
	var all bool
	return []subcommand{
		{name: "run", run: func(c *cli, cfg Config, args []string) int {
			if len(args) > 0 {
				return c.usage("run")
			}
			if len(cfg.Schools) > 0 {
				return runCounty(cfg, c.stdin, c.stdout, c.stderr)
			}
			return runBot(cfg, c.stdin, c.stdout, c.stderr)
		}},
		{name: "invite", run: (*cli).invite},
		{name: "import", flags: func(fs *flag.FlagSet) {
			fs.StringVar(&template, "template", "", "write an empty register to this file")
		},
			run: func(c *cli, cfg Config, args []string) int { return c.importRegister(cfg, template, args) }},
		{name: "export", run: (*cli).export},
		{name: "backup", run: func(c *cli, cfg Config, args []string) int {
			if len(args) != 1 {
				return c.usage("backup")
			}
			return c.admin(cfg, request{Op: "backup", File: args[0]})
		}},
		{name: "check", run: (*cli).check},
		{name: "migrate", flags: func(fs *flag.FlagSet) {
			fs.StringVar(&to, "to", "", "postgres://… to copy the bbolt file into, or a file to copy PostgreSQL into")
			fs.StringVar(&from, "from", "", "postgres://… to copy from (default: the bbolt file of the config)")
		},
			run: func(c *cli, cfg Config, args []string) int { return c.migrate(cfg, from, to, args) }},
		{name: "wecom-parents", run: func(c *cli, cfg Config, args []string) int {
			if len(args) > 0 {
				return c.usage("wecom-parents")
			}
			return c.admin(cfg, request{Op: "wecom-parents"})
		}},
		{name: "reminders", flags: func(fs *flag.FlagSet) {
			fs.StringVar(&at, "at", "", "the moment to preview, RFC3339")
			fs.BoolVar(&all, "all", false, "list every run, not only those at the moment")
		},
			run: func(c *cli, cfg Config, args []string) int { return c.preview(cfg, at, all, args) }},
		{name: "version", noConfig: true, run: func(c *cli, _ Config, _ []string) int {
			fmt.Fprintf(c.stdout, "bangfu %s (schema %d, %s)\n", buildVersion(), bolt.SchemaVersion, goVersion())
			return 0
		}},
		{name: "help", noConfig: true, run: func(c *cli, _ Config, _ []string) int {
			fmt.Fprint(c.stdout, usageText)
			return 0
		}},
	}
}

func run(argv []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, config: configFlag{path: "config.yaml"}}
	fs := c.flagSet("bangfu")
	if err := fs.Parse(argv); err != nil {
		return 2
	}
	args := fs.Args()
	name := "run"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	if name == "-h" {
		name = "help"
	}
	for _, sub := range subcommands() {
		if sub.name != name {
			continue
		}
		sfs := c.flagSet("bangfu " + name)
		if sub.flags != nil {
			sub.flags(sfs)
		}
		pos, err := parseInterspersed(sfs, args)
		if err != nil {
			return 2
		}
		var cfg Config
		if !sub.noConfig {
			if cfg, err = loadConfig(c.config.path, c.config.set); err != nil {
				fmt.Fprintln(stderr, "bangfu:", err)
				return 2
			}
			// A county's config runs all its schools at once; every
			// other verb works on one school, named with --school.
			if name != "run" || c.school != "" {
				if cfg, err = cfg.forSchool(c.school); err != nil {
					fmt.Fprintln(stderr, "bangfu:", err)
					return 2
				}
			}
		}
		return sub.run(c, cfg, pos)
	}
	fmt.Fprint(stderr, unknownSubcommand(name))
	return 2
}

func (c *cli) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Var(&c.config, "config", "config file (missing: built-in defaults)")
	fs.StringVar(&c.school, "school", c.school, "one school of the config's schools: list, by key or name")
	fs.Usage = func() { fmt.Fprint(c.stderr, usageText) }
	return fs
}

// parseInterspersed parses flags wherever they stand among the positional
// arguments (bangfu export 档案.xlsx -config x.yaml).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

func (c *cli) usage(sub string) int {
	fmt.Fprintln(c.stderr, usageOf(sub))
	return 2
}

// invite: admin | teacher [班级] [班主任].
func (c *cli) invite(cfg Config, args []string) int {
	if len(args) == 0 || (args[0] != "admin" && args[0] != "teacher") || (args[0] == "admin" && len(args) > 1) {
		return c.usage("invite")
	}
	req := request{Op: "invite", Kind: args[0]}
	for _, a := range args[1:] {
		switch {
		case a == "班主任":
			req.Head = true
		case req.Class == "":
			req.Class = a
		default:
			fmt.Fprintln(c.stderr, "bangfu:", unknownInviteWord(a), usageOf("invite"))
			return 2
		}
	}
	return c.admin(cfg, req)
}

func (c *cli) importRegister(cfg Config, template string, args []string) int {
	switch {
	case template != "" && len(args) == 0:
		data, err := excel.Template()
		if err == nil {
			err = os.WriteFile(template, data, 0o600)
		}
		if err != nil {
			fmt.Fprintln(c.stderr, "bangfu:", err)
			return 1
		}
		fmt.Fprintln(c.stdout, templateWritten(template))
		return 0
	case template == "" && len(args) == 1:
		return c.admin(cfg, request{Op: "import", File: args[0]})
	}
	return c.usage("import")
}

func (c *cli) export(cfg Config, args []string) int {
	if len(args) < 1 || len(args) > 3 || !strings.HasSuffix(strings.ToLower(args[0]), ".xlsx") {
		return c.usage("export")
	}
	req := request{Op: "export", File: args[0]}
	for _, a := range args[1:] {
		switch {
		case a == "上学期":
			req.LastTerm = true
		case req.Class == "":
			req.Class = a
		default:
			return c.usage("export")
		}
	}
	return c.admin(cfg, req)
}

func (c *cli) preview(cfg Config, at string, all bool, args []string) int {
	if len(args) != 1 || args[0] != "preview" {
		return c.usage("reminders")
	}
	t := time.Now()
	if at != "" {
		var err error
		if t, err = time.Parse(time.RFC3339, at); err != nil {
			fmt.Fprintln(c.stderr, badPreviewTime())
			return 2
		}
	}
	return c.admin(cfg, request{Op: "preview", At: t, All: all})
}

// admin runs an operation on the database, or, when a running bot holds the
// file, asks that bot over its control socket.
func (c *cli) admin(cfg Config, req request) int {
	st, err := openStore(cfg, 300*time.Millisecond)
	if errors.Is(err, storage.ErrLocked) {
		resp, rerr := askRunningBot(cfg, req)
		if rerr != nil {
			fmt.Fprintln(c.stderr, "bangfu:", err)
			fmt.Fprintln(c.stderr, "bangfu: and the running bot did not answer on its control socket:", rerr)
			return 1
		}
		return c.print(resp)
	}
	if err != nil {
		fmt.Fprintln(c.stderr, openFailed(cfg.where(), err))
		return 1
	}
	defer st.Close()
	o := newOps(cfg, st, newLogger(cfg, c.stderr, slog.LevelInfo))
	o.progress = progressBar(c.stderr)
	return c.print(o.do(req))
}

func (c *cli) print(resp response) int {
	if resp.OK {
		fmt.Fprintln(c.stdout, resp.Text)
		return 0
	}
	fmt.Fprintln(c.stderr, "bangfu:", resp.Text)
	return 1
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

// newLogger writes text lines to w, with every session key and token
// scrubbed (bot.RedactingHandler), the configured Telegram token included.
func newLogger(cfg Config, w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(bot.NewRedactingHandler(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}), cfg.secrets()...))
}

func newHandler(cfg Config, st opened, log *slog.Logger) *commands.Handler {
	h := commands.New(st, st.cal, st.now, log)
	h.School = cfg.School.Name
	h.GraduatingGrades = cfg.School.GraduatingGrades
	h.Cadences = cfg.Cadences
	return h
}

func reminderConfig(cfg Config) reminders.Config {
	r := cfg.Reminders
	return reminders.Config{MonthlyContact: r.MonthlyContact, MonthlyContactFinal: r.MonthlyContactFinal,
		WeeklyCheckin: r.WeeklyCheckin, WeeklyDigest: r.WeeklyDigest, ParentWeekly: r.ParentWeekly, PraiseNudge: r.PraiseNudge, PlanReview: r.PlanReview, Owed: r.Owed, FamilyCall: r.FamilyCall, Unanswered: r.Unanswered, Cadences: cfg.Cadences}
}

// isTerminal is true for a real terminal (not a pipe, a file or /dev/null).
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressBar draws a bar on a terminal, and nothing when output is piped.
func progressBar(w io.Writer) func(done, total int) {
	if !isTerminal(w) {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(importProgress()),
				progressbar.OptionShowCount(), progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }))
		}
		bar.Set(done)
	}
}

// check verifies a database file: the one named, or the configured one
// (asking the running bot when it holds that file).
func (c *cli) check(cfg Config, args []string) int {
	if len(args) > 1 {
		return c.usage("check")
	}
	if len(args) == 0 && cfg.databaseURL() != "" {
		// The school is in PostgreSQL: there is no file of its to check.
		fmt.Fprintln(c.stderr, "bangfu:", notAFile("check"))
		return 1
	}
	path := cfg.Storage.Path
	if len(args) == 1 {
		path = args[0]
	}
	err := bolt.Verify(path)
	if errors.Is(err, storage.ErrLocked) && len(args) == 0 {
		resp, rerr := askRunningBot(cfg, request{Op: "check"})
		if rerr != nil {
			fmt.Fprintln(c.stderr, openFailed(path, err))
			return 1
		}
		return c.print(resp)
	}
	if err != nil {
		fmt.Fprintln(c.stderr, openFailed(path, err))
		return 1
	}
	fmt.Fprintln(c.stdout, checkPassed(path))
	return 0
}
