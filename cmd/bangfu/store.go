package main

import (
	"context"
	"net/url"
	"os"
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
// bbolt file another process holds.
func openStore(cfg Config, timeout time.Duration) (opened, error) {
	if u := cfg.databaseURL(); u != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := postgres.Open(ctx, u, postgres.Options{Calendar: cfg.Calendar, Now: time.Now})
		if err != nil {
			return opened{}, err
		}
		return opened{Store: s, cal: s.Cal, now: s.Now}, nil
	}
	s, err := bolt.Open(cfg.Storage.Path, bolt.Options{Calendar: cfg.Calendar, Now: time.Now, Timeout: timeout})
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
