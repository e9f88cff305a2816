// Package backup keeps timed, consistent copies of the database in a folder
// and prunes the old ones. It knows nothing of chats: what to do after a
// copy (audit it) or after a failure (tell the admins) is given to it.
package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Copier makes a consistent copy of the database at path.
type Copier interface {
	Backup(path string) (int64, error)
}

// Timer keeps copies every Every in Dir, the newest Keep of them.
type Timer struct {
	Store Copier
	Dir   string
	Every time.Duration
	Keep  int
	Now   func() time.Time
	// After waits; tests pass a channel they fire themselves.
	After func(time.Duration) <-chan time.Time
	// Done is told of each copy; Failed of each failure (its argument says
	// whether the previous attempt succeeded, so a long outage is told once).
	Done   func(path string)
	Failed func(err error, firstInARow bool)
}

const (
	prefix = "bangfu-"
	suffix = ".db"
	layout = "20060102-150405"
	// retryAfter is the wait after a failed copy (a full disk, a missing
	// folder): soon enough to notice a fix, rare enough to stay quiet.
	retryAfter = time.Hour
)

// Run copies whenever one is due until ctx ends. A restart does not copy at
// once if the newest copy is recent: what is due follows the copies on disk.
func (t *Timer) Run(ctx context.Context) {
	failing := false
	for {
		wait := t.Due(t.Now())
		if failing {
			wait = retryAfter
		}
		// A copy due now is made before anything else, even when the bot is
		// stopping at once: a start without a recent copy always leaves one.
		if wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-t.After(wait):
			}
		}
		if _, err := t.Once(); err != nil {
			if t.Failed != nil {
				t.Failed(err, !failing)
			}
			failing = true
			continue
		}
		failing = false
	}
}

// Due is how long until the next copy: none yet, or the newest older than
// Every, means now.
func (t *Timer) Due(now time.Time) time.Duration {
	copies, _ := t.copies()
	if len(copies) == 0 {
		return 0
	}
	newest := copies[len(copies)-1]
	if d := newest.at.Add(t.Every).Sub(now); d > 0 {
		return d
	}
	return 0
}

// Once makes a copy now and prunes the old ones.
func (t *Timer) Once() (string, error) {
	if err := os.MkdirAll(t.Dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(t.Dir, prefix+t.Now().Format(layout)+suffix)
	if _, err := t.Store.Backup(path); err != nil {
		return "", err
	}
	if t.Done != nil {
		t.Done(path)
	}
	return path, t.prune()
}

type copyFile struct {
	path string
	at   time.Time
}

// copies lists the copies in Dir, oldest first, by the time in their names
// (files of any other name are not ours and are left alone).
func (t *Timer) copies() ([]copyFile, error) {
	entries, err := os.ReadDir(t.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []copyFile
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) {
			continue
		}
		at, err := time.ParseInLocation(layout, strings.TrimSuffix(strings.TrimPrefix(name, prefix), suffix), t.Now().Location())
		if err != nil {
			continue
		}
		out = append(out, copyFile{filepath.Join(t.Dir, name), at})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out, nil
}

// prune removes all but the newest Keep copies.
func (t *Timer) prune() error {
	copies, err := t.copies()
	if err != nil {
		return err
	}
	var errs []error
	for i := 0; i < len(copies)-t.Keep; i++ {
		if err := os.Remove(copies[i].path); err != nil {
			errs = append(errs, fmt.Errorf("removing an old backup: %w", err))
		}
	}
	return errors.Join(errs...)
}
