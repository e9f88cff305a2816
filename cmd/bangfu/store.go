package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"bangfu/storage"
	"bangfu/storage/bolt"
	"bangfu/storage/postgres"
)

// opened is the database the binary works on: the Store with its calendar
// and clock, and the bbolt file when that is the engine (only a file has
// `bangfu backup`, timed copies and `bangfu check`).
type opened struct {
	storage.Store
	cal  storage.Calendar
	now  func() time.Time
	file *bolt.Store // nil on PostgreSQL
}

func fromBolt(st *bolt.Store) opened { return opened{Store: st, cal: st.Cal, now: st.Now, file: st} }

// databaseURL is storage.url, or BANGFU_DATABASE_URL: set, the engine is
// PostgreSQL; empty, the bbolt file at storage.path (the default).
func (c Config) databaseURL() string {
	if c.Storage.URL != "" {
		return c.Storage.URL
	}
	return os.Getenv("BANGFU_DATABASE_URL")
}

// openStore opens the configured engine. timeout bounds the wait for a
// bbolt file another process holds; onDamage (may be nil) is told when the
// file turns out changed at rest after it opened (every write is refused).
func openStore(cfg Config, timeout time.Duration, onDamage ...func(error)) (opened, error) {
	if u := cfg.databaseURL(); u != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := postgres.Open(ctx, u, postgres.Options{Calendar: cfg.Calendar, Now: time.Now, Schema: cfg.Storage.Schema})
		if err != nil {
			return opened{}, err
		}
		return opened{Store: s, cal: s.Cal, now: s.Now}, nil
	}
	opt := bolt.Options{Calendar: cfg.Calendar, Now: time.Now, Timeout: timeout}
	if len(onDamage) > 0 {
		opt.OnDamage = onDamage[0]
	}
	s, err := bolt.Open(cfg.Storage.Path, opt)
	if err != nil {
		return opened{}, err
	}
	return fromBolt(s), nil
}

// where names the database for an operator's line, a URL without its
// password.
func (c Config) where() string {
	raw := c.databaseURL()
	if raw == "" {
		return c.Storage.Path
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "***")
		}
	}
	return u.Redacted()
}

// migrate copies the whole school between engines: the bbolt file of the
// config into PostgreSQL (--to postgres://…), or PostgreSQL into a bbolt
// file (--from postgres://… --to file). The target is replaced in one
// transaction, so running it again gives the same database; the counts of
// both sides are compared before it is called done.
func (c *cli) migrate(cfg Config, from, to string, args []string) int {
	if len(args) > 0 || to == "" || (from == "" && !isURL(to)) || (from != "" && (!isURL(from) || isURL(to))) {
		return c.usage("migrate")
	}
	src, dst, srcName, dstName, err := c.migrationEnds(cfg, from, to)
	if err != nil {
		fmt.Fprintln(c.stderr, "bangfu:", err)
		return 1
	}
	defer src.Close()
	defer dst.Close()
	snap, err := src.(storage.Snapshotter).Snapshot()
	if err != nil {
		fmt.Fprintln(c.stderr, "bangfu:", err)
		return 1
	}
	if err := dst.(storage.Snapshotter).Restore(snap); err != nil {
		fmt.Fprintln(c.stderr, "bangfu:", err)
		return 1
	}
	check, err := dst.(storage.Snapshotter).Snapshot()
	if err != nil {
		fmt.Fprintln(c.stderr, "bangfu:", err)
		return 1
	}
	want, got := snap.Counts(), check.Counts()
	for k, n := range want {
		if got[k] != n {
			fmt.Fprintln(c.stderr, "bangfu:", migrateMismatch(k, n, got[k]))
			return 1
		}
	}
	fmt.Fprintln(c.stdout, migrated(srcName, dstName, want))
	return 0
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// migrationEnds opens the source and the target of a migration.
func (c *cli) migrationEnds(cfg Config, from, to string) (src, dst storage.Store, srcName, dstName string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	openFile := func(path string) (storage.Store, error) {
		st, err := bolt.Open(path, bolt.Options{Calendar: cfg.Calendar, Timeout: 300 * time.Millisecond})
		if errors.Is(err, storage.ErrLocked) {
			return nil, errors.New(migrateStopFirst(path))
		}
		return st, err
	}
	redact := func(u string) string { var c Config; c.Storage.URL = u; return c.where() }
	if from == "" { // the config's file into PostgreSQL
		if src, err = openFile(cfg.Storage.Path); err != nil {
			return nil, nil, "", "", err
		}
		if dst, err = postgres.Open(ctx, to, postgres.Options{Calendar: cfg.Calendar, Schema: cfg.Storage.Schema}); err != nil {
			src.Close()
			return nil, nil, "", "", err
		}
		return src, dst, cfg.Storage.Path, redact(to), nil
	}
	if src, err = postgres.Open(ctx, from, postgres.Options{Calendar: cfg.Calendar, Schema: cfg.Storage.Schema}); err != nil {
		return nil, nil, "", "", err
	}
	if dst, err = openFile(to); err != nil {
		src.Close()
		return nil, nil, "", "", err
	}
	return src, dst, redact(from), to, nil
}

// processName names this process in leases: host, pid and a random tail,
// so a restarted process is a new holder.
func processName() string {
	host, _ := os.Hostname()
	var tail [4]byte
	rand.Read(tail[:])
	return fmt.Sprintf("%s/%d/%x", host, os.Getpid(), tail)
}
