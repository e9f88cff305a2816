// Package pgtest gives tests a real PostgreSQL: BANGFU_TEST_DATABASE_URL
// when set, else a throwaway cluster started once per test binary from the
// installed initdb and pg_ctl, in a temp dir, as an unprivileged user, on a
// free loopback port, and stopped when the tests end. Where PostgreSQL is not
// installed, the tests that need it skip with one line naming what is
// missing, unless BANGFU_REQUIRE_POSTGRES is set (as .ci/run does): then
// they fail.
package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SkipLine starts the line a test skips with when there is no PostgreSQL:
// .ci/run looks for it.
const SkipLine = "pgtest: no PostgreSQL"

var (
	once    sync.Once
	baseURL string
	why     string // why there is no server
	stop    func()
	dbSeq   atomic.Int64
)

// Main runs the tests and then stops the cluster, if one was started: call
// it from TestMain as os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if baseURL != "" && len(templates) > 0 {
		if c, err := pgx.Connect(context.Background(), baseURL); err == nil {
			for _, db := range templates {
				c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db+" WITH (FORCE)")
			}
			c.Close(context.Background())
		}
	}
	if stop != nil {
		stop()
	}
	return code
}

// URL is a new, empty database for one test, dropped when it ends.
func URL(t testing.TB) string {
	t.Helper()
	url, name := createDatabase(t, "bangfu_test", "")
	dropAtEnd(t, name)
	return url
}

// templates are databases filled once per test binary, copied by FilledURL.
var (
	templatesMu sync.Mutex
	templates   = map[string]string{} // name → database
)

// FilledURL is a new database for one test that starts as a copy of the
// one fill made (once per test binary, under name): a benchmark's
// year-sized school, generated once and copied for each round. fill must
// close its connections before it returns. The filled one stays until
// Main ends.
func FilledURL(t testing.TB, name string, fill func(url string) error) string {
	t.Helper()
	templatesMu.Lock()
	defer templatesMu.Unlock()
	db, ok := templates[name]
	if !ok {
		var url string
		url, db = createDatabase(t, "bangfu_fill", "")
		if err := fill(url); err != nil {
			t.Fatalf("pgtest: filling %s: %v", name, err)
		}
		templates[name] = db
	}
	url, copied := createDatabase(t, "bangfu_test", db)
	dropAtEnd(t, copied)
	return url
}

// createDatabase makes a database named after prefix, empty or a copy of
// template (file by file: a copy through the WAL would write it all again).
func createDatabase(t testing.TB, prefix, template string) (url, name string) {
	t.Helper()
	once.Do(start)
	if baseURL == "" {
		if os.Getenv("BANGFU_REQUIRE_POSTGRES") != "" { // CI: a skip would hide the engine's tests
			t.Fatalf("%s: %s", SkipLine, why)
		}
		t.Skipf("%s: %s", SkipLine, why)
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, baseURL)
	if err != nil {
		t.Fatalf("pgtest: connecting: %v", err)
	}
	defer admin.Close(ctx)
	name = fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), dbSeq.Add(1))
	create := "CREATE DATABASE " + name
	if template != "" {
		create += " TEMPLATE " + template + " STRATEGY FILE_COPY"
	}
	if _, err := admin.Exec(ctx, create); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return withDatabase(baseURL, name), name
}

// dropAtEnd drops the database when the test ends.
func dropAtEnd(t testing.TB, name string) {
	t.Cleanup(func() {
		ctx := context.Background()
		c, err := pgx.Connect(ctx, baseURL)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
}

func withDatabase(url, name string) string {
	i := strings.LastIndex(url, "/")
	q := ""
	if j := strings.Index(url[i:], "?"); j >= 0 {
		q = url[i+j:]
	}
	return url[:i+1] + name + q
}

func start() {
	if url := os.Getenv("BANGFU_TEST_DATABASE_URL"); url != "" {
		baseURL = url
		return
	}
	initdb, err := findBin("initdb")
	if err != nil {
		why = err.Error()
		return
	}
	pgctl, err := findBin("pg_ctl")
	if err != nil {
		why = err.Error()
		return
	}
	dir, err := os.MkdirTemp("", "bangfu-pg")
	if err != nil {
		why = err.Error()
		return
	}
	// initdb refuses to run as root: the cluster belongs to nobody then.
	var asUser []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("nobody")
		if err != nil {
			why = "running as root and there is no user nobody to run PostgreSQL as"
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			why = err.Error()
			return
		}
		runuser := "/usr/sbin/runuser"
		if p, err := exec.LookPath("runuser"); err == nil {
			runuser = p
		}
		asUser = []string{runuser, "-u", "nobody", "--"}
	}
	port, err := freePort()
	if err != nil {
		why = err.Error()
		return
	}
	data := filepath.Join(dir, "data")
	run := func(args ...string) error {
		full := append(append([]string(nil), asUser...), args...)
		cmd := exec.Command(full[0], full[1:]...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v: %s", filepath.Base(args[0]), err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	// fsync off: a test cluster dies with its tests; the engine's own
	// durability (synchronous_commit) is set per connection. Benchmarks set
	// BANGFU_PGTEST_DURABLE and get a cluster that syncs as a real one.
	if err := run(initdb, "-D", data, "-A", "trust", "-U", "bangfu", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		why = err.Error()
		return
	}
	durability := "-c fsync=off -c full_page_writes=off"
	if os.Getenv("BANGFU_PGTEST_DURABLE") != "" {
		durability = "-c fsync=on -c full_page_writes=on"
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 %s -c max_connections=200", port, dir, durability)
	if err := run(pgctl, "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		why = err.Error()
		return
	}
	stop = func() {
		run(pgctl, "-D", data, "-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
	}
	baseURL = fmt.Sprintf("postgres://bangfu@127.0.0.1:%d/postgres?sslmode=disable", port)
	// pg_ctl -w has waited for the server; this checks it answers, on a
	// ticker under a deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		c, err := pgx.Connect(ctx, baseURL)
		if err == nil {
			c.Close(ctx)
			return
		}
		select {
		case <-ctx.Done():
			why, baseURL = "the test cluster did not accept connections: "+err.Error(), ""
			return
		case <-tick.C:
		}
	}
}

// findBin finds a PostgreSQL program on PATH or in Debian's place for it.
func findBin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("%s is not installed (apt install postgresql), and BANGFU_TEST_DATABASE_URL is not set", name)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// RawInsert is the benchmarks' physical baseline for a /log on PostgreSQL,
// in a new database: each call is one INSERT of a /log-sized document,
// committed with synchronous_commit on.
func RawInsert(t testing.TB) func() error {
	t.Helper()
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := pool.Exec(ctx, "CREATE TABLE raw (id bigserial PRIMARY KEY, doc jsonb NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	doc := []byte(`{"StudentID":7,"Subject":"数学辅导","Minutes":30,"Note":""}`)
	return func() error {
		_, err := pool.Exec(ctx, "INSERT INTO raw (doc) VALUES ($1)", doc)
		return err
	}
}
