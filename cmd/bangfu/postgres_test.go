package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"bangfu/bot"
	"bangfu/storage/postgres"

	"bangfu/storage/postgres/pgtest"
)

// TestMain stops the throwaway PostgreSQL and removes the binary the tests
// built (tens of MB a run, left in the temp dir otherwise).
func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	if builtPath != "" {
		os.RemoveAll(filepath.Dir(builtPath))
	}
	os.Exit(code)
}

// TestTheTerminalChatOnPostgreSQL: with storage.url set, the bot keeps its
// school in PostgreSQL: what one run records, the next run reads; backup
// and check say they are for a bbolt file; the password never appears.
func TestTheTerminalChatOnPostgreSQL(t *testing.T) {
	url := pgtest.URL(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	os.WriteFile(cfg, []byte("school:\n  name: 测试中学\nstorage:\n  path: "+dir+"/data/bangfu.db\n  url: "+url+"\n"), 0o600)
	out, errs, code := runCLI(t, "/student add 初一3班 张三 学困 每周2次\n/log 张三 数学辅导 30分钟\n", "-config", cfg)
	if code != 0 || !strings.Contains(out, "本周第1次/目标2次") {
		t.Fatalf("first run: %d %s %s", code, out, errs)
	}
	// Nothing dials a control socket on PostgreSQL (invite and the rest
	// open the database themselves): the IT person is not warned of one.
	if strings.Contains(errs, "control socket") {
		t.Fatalf("a control socket was tried on PostgreSQL: %s", errs)
	}
	out, errs, code = runCLI(t, "/status 张三\n", "-config", cfg)
	if code != 0 || !strings.Contains(out, "本周辅导：1次/目标2次") {
		t.Fatalf("second run did not read the first's records: %d %s %s", code, out, errs)
	}
	if _, err := os.Stat(dir + "/data/bangfu.db"); err == nil {
		t.Fatal("a bbolt file was made although storage.url is set")
	}
	_, errs, code = runCLI(t, "", "-config", cfg, "backup", dir+"/copy.db")
	if code == 0 || !strings.Contains(errs, "PostgreSQL") {
		t.Fatalf("backup on PostgreSQL: %d %s", code, errs)
	}
	_, errs, code = runCLI(t, "", "-config", cfg, "check")
	if code == 0 || !strings.Contains(errs, "PostgreSQL 自己的工具") || strings.Contains(errs, "no such file") {
		t.Fatalf("check on PostgreSQL: %d %s", code, errs)
	}
}

func TestTheDatabaseURLIsShownWithoutItsPassword(t *testing.T) {
	var c Config
	c.Storage.URL = "postgres://bangfu:s3cret-pw@db.example:5432/school?sslmode=disable"
	if w := c.where(); strings.Contains(w, "s3cret-pw") || !strings.Contains(w, "db.example") {
		t.Fatalf("where: %s", w)
	}
}

// TestMigrateAFileIntoPostgreSQLAndBack: `bangfu migrate --to postgres://…`
// copies the school (twice gives the same), the bot then runs on
// PostgreSQL with the school's records, and `--from … --to file` makes a
// bbolt copy that reads the same.
func TestMigrateAFileIntoPostgreSQLAndBack(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	if out, errs, code := runCLI(t, "/student add 初一3班 张三 学困 每周2次\n/log 张三 数学辅导 30分钟\n/praise 张三 上课主动举手\n", "-config", cfg); code != 0 {
		t.Fatalf("%s %s", out, errs)
	}
	url := pgtest.URL(t)
	for i := 0; i < 2; i++ {
		out, errs, code := runCLI(t, "", "-config", cfg, "migrate", "--to", url)
		if code != 0 || !strings.Contains(out, "两边核对一致") || !strings.Contains(out, "辅导记录（sessions） 1") || !strings.Contains(out, "进步记录（praise） 1") {
			t.Fatalf("migrate (run %d): %d %s %s", i+1, code, out, errs)
		}
	}
	pgCfg := filepath.Join(dir, "pg.yaml")
	os.WriteFile(pgCfg, []byte("school:\n  name: 测试中学\nstorage:\n  path: "+dir+"/unused.db\n  url: "+url+"\n"), 0o600)
	if out, errs, code := runCLI(t, "/status 张三\n/history 张三\n", "-config", pgCfg); code != 0 || !strings.Contains(out, "本周辅导：1次/目标2次") || !strings.Contains(out, "#2") {
		t.Fatalf("the bot on PostgreSQL after the move: %d %s %s", code, out, errs)
	}
	back := filepath.Join(dir, "back.db")
	if out, errs, code := runCLI(t, "", "-config", cfg, "migrate", "--from", url, "--to", back); code != 0 || !strings.Contains(out, "两边核对一致") {
		t.Fatalf("migrate back: %d %s %s", code, out, errs)
	}
	backCfg := filepath.Join(dir, "back.yaml")
	os.WriteFile(backCfg, []byte("school:\n  name: 测试中学\nstorage:\n  path: "+back+"\n"), 0o600)
	if out, errs, code := runCLI(t, "/status 张三\n", "-config", backCfg); code != 0 || !strings.Contains(out, "本周辅导：1次/目标2次") {
		t.Fatalf("the file copied back: %d %s %s", code, out, errs)
	}
	if _, errs, code := runCLI(t, "", "-config", cfg, "migrate", "--to", filepath.Join(dir, "x.db")); code == 0 {
		t.Fatalf("a file to a file was accepted: %s", errs)
	}
}

// leasePlatform is a platform that says when it runs and stops.
type leasePlatform struct {
	name             string
	started, stopped chan struct{}
	clock            func() time.Time
	startedAt        time.Time // by clock, when Run began
}

func (p *leasePlatform) Name() string { return p.name }
func (p *leasePlatform) Run(ctx context.Context, _ func(context.Context, bot.Message)) error {
	if p.clock != nil {
		p.startedAt = p.clock()
	}
	close(p.started)
	<-ctx.Done()
	close(p.stopped)
	return nil
}
func (p *leasePlatform) Send(context.Context, bot.Outgoing) error { return nil }

// TestAStandbyTakesOverAPlatformWithinALease: two processes on one
// PostgreSQL; the first holds the Telegram session, the second waits. The
// first dies (stops renewing): once its lease has expired the second runs
// the platform; the first, coming back, finds it lost and stops its own.
func TestAStandbyTakesOverAPlatformWithinALease(t *testing.T) {
	st, err := postgres.Open(context.Background(), pgtest.URL(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var clock atomic.Int64
	base := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { return base.Add(time.Duration(clock.Load())) }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	release := make(chan struct{}) // A's renewals wait for it: A is "dead" until then
	a := &app{log: log, st: opened{Store: st, cal: st.Cal, now: now}, holder: "A",
		wait: func(ctx context.Context, d time.Duration) bool {
			select {
			case <-release:
				return true
			case <-ctx.Done():
				return false
			}
		}}
	b := &app{log: log, st: opened{Store: st, cal: st.Cal, now: now}, holder: "B",
		// B's waits move the shared clock on, up to 80 s: its renewals
		// after a takeover (which may run before its platform reads the
		// clock, on a busy machine) must not move the takeover's time.
		wait: func(ctx context.Context, d time.Duration) bool {
			for moved := false; !moved; {
				c := clock.Load()
				moved = c >= int64(leaseTTL+leaseTTL/3) || clock.CompareAndSwap(c, c+int64(d))
			}
			select {
			case <-ctx.Done():
				return false
			case <-time.After(time.Millisecond):
				return true
			}
		}}
	pa := &leasePlatform{name: "telegram", started: make(chan struct{}), stopped: make(chan struct{})}
	pb := &leasePlatform{name: "telegram", started: make(chan struct{}), stopped: make(chan struct{}), clock: now}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.runPlatform(ctx, pa)
	select {
	case <-pa.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the first process did not take the platform")
	}
	bDone := make(chan struct{})
	go func() { b.runPlatform(ctx, pb); close(bDone) }()
	select {
	case <-pb.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the standby did not take over after the lease expired")
	}
	if waited := pb.startedAt.Sub(base); waited < leaseTTL || waited > leaseTTL+leaseTTL/2 {
		t.Fatalf("took over after %v, want within %v of the lease's end", waited, leaseTTL/2)
	}
	close(release) // the first process comes back and renews
	select {
	case <-pa.stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the first process kept the platform after losing its lease")
	}
	select {
	case <-pb.stopped:
		t.Fatal("the new holder stopped")
	default:
	}
	cancel()
	<-bDone
}

// Two processes on one database: the scheduler runs in one of them only, and
// its lease is its own, so the process that holds a platform may leave the
// scheduler to the other.
func TestTheSchedulerRunsInOneProcessAtATime(t *testing.T) {
	st, err := postgres.Open(context.Background(), pgtest.URL(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := func() time.Time { return time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC) }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	block := func(ctx context.Context, d time.Duration) bool { <-ctx.Done(); return false }
	a := &app{log: log, st: opened{Store: st, cal: st.Cal, now: now}, holder: "A", wait: block}
	b := &app{log: log, st: opened{Store: st, cal: st.Cal, now: now}, holder: "B", wait: block}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	aRuns := make(chan struct{})
	go a.underLease(ctx, "scheduler", func(ctx context.Context) { close(aRuns); <-ctx.Done() })
	select {
	case <-aRuns:
	case <-time.After(10 * time.Second):
		t.Fatal("the first process did not take the scheduler")
	}
	bRuns := make(chan struct{})
	bCtx, stopB := context.WithCancel(ctx)
	bDone := make(chan struct{})
	go func() {
		b.underLease(bCtx, "scheduler", func(ctx context.Context) { close(bRuns) })
		close(bDone)
	}()
	// B asks once, finds the lease held and waits: the lease row says A.
	held, err := st.Lease("scheduler", "B", leaseTTL, now())
	if err != nil || held {
		t.Fatalf("B could take the scheduler while A holds it (held=%v, err=%v)", held, err)
	}
	platformRuns := make(chan struct{})
	go b.underLease(ctx, "platform:telegram", func(ctx context.Context) { close(platformRuns); <-ctx.Done() })
	select {
	case <-platformRuns:
	case <-time.After(10 * time.Second):
		t.Fatal("the scheduler's lease kept the other process from a platform")
	}
	stopB()
	<-bDone
	select {
	case <-bRuns:
		t.Fatal("two processes ran the scheduler")
	default:
	}
}

// A county on one PostgreSQL database, each school logging in as its own
// role that owns only its schema: the process serves both, the county's
// desk reads both, and one school's role cannot read the other's rows even
// by naming its schema: the server refuses, whatever bangfu's code does.
func TestEachSchoolsRoleReadsOnlyItsOwnSchema(t *testing.T) {
	base := pgtest.URL(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var db string
	if err := admin.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		t.Fatal(err)
	}
	roleURL := map[string]string{}
	for _, school := range []string{"yizhong", "erzhong"} {
		role := db + "_" + school // roles are the whole server's: one per test database
		for _, q := range []string{
			"CREATE ROLE " + role + " LOGIN PASSWORD 'pw-" + school + "'",
			"CREATE SCHEMA " + school + " AUTHORIZATION " + role,
			"REVOKE ALL ON DATABASE " + db + " FROM PUBLIC",
			"GRANT CONNECT ON DATABASE " + db + " TO " + role,
		} {
			if _, err := admin.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		u, _ := neturl.Parse(base)
		u.User = neturl.UserPassword(role, "pw-"+school)
		roleURL[school] = u.String()
		t.Cleanup(func() {
			c, err := pgx.Connect(ctx, base)
			if err != nil {
				return
			}
			defer c.Close(ctx)
			c.Exec(ctx, "DROP SCHEMA IF EXISTS "+school+" CASCADE")
			c.Exec(ctx, "DROP OWNED BY "+role)
			c.Exec(ctx, "DROP ROLE IF EXISTS "+role)
		})
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte("storage:\n  path: "+dir+"/data/bangfu.db\n"+
		"county:\n  name: 青山县\nschools:\n"+
		"  - key: yizhong\n    name: 青山一中\n    url: "+roleURL["yizhong"]+"\n"+
		"  - key: erzhong\n    name: 青山二中\n    url: "+roleURL["erzhong"]+"\n"), 0o600)
	if out, errs, code := runCLI(t, "/student add 初二1班 王五 单亲 每周3次\n", "-config", cfg, "-school", "erzhong"); code != 0 || !strings.Contains(out, "王五") {
		t.Fatalf("the second school: %d\n%s\n%s", code, out, errs)
	}
	out, errs, code := runCLI(t, "/student add 初一3班 张三 留守 每周2次\n/log 张三 数学 30分钟\n/county\n", "-config", cfg)
	if code != 0 || !strings.Contains(out, "青山一中：帮扶 1 人") || !strings.Contains(out, "青山二中：帮扶 1 人") {
		t.Fatalf("the county's run: %d\n%s\n%s", code, out, errs)
	}
	if strings.Contains(errs, "pw-") {
		t.Errorf("a school's password reached the log:\n%s", errs)
	}
	erzhong, err := pgx.Connect(ctx, roleURL["erzhong"])
	if err != nil {
		t.Fatal(err)
	}
	defer erzhong.Close(ctx)
	var n int
	if err := erzhong.QueryRow(ctx, "SELECT count(*) FROM erzhong.students").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the school's own students: %d %v", n, err)
	}
	for _, q := range []string{"SELECT count(*) FROM yizhong.students", "SELECT count(*) FROM yizhong.records"} {
		var pgErr *pgconn.PgError
		if err := erzhong.QueryRow(ctx, q).Scan(&n); !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s as the other school's role: %v (want permission denied)", q, err)
		}
	}
}
