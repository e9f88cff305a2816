package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The control socket lets `bangfu backup`, `invite`, `import`, `export` and
// `reminders preview` reach a running bot, which holds the database's lock.
// It is a Unix socket next to the database, 0600, so only the bot's own user
// can use it; each connection carries one request line and one response
// line, both JSON.

func socketPath(cfg Config) string {
	p, err := filepath.Abs(cfg.Storage.Path + ".sock")
	if err != nil {
		return cfg.Storage.Path + ".sock"
	}
	return p
}

// control serves the socket until its context ends; Serve returns once the
// listener is closed and every connection is answered.
type control struct {
	ln   net.Listener
	path string
	ops  *ops
	log  *slog.Logger
}

func listenControl(cfg Config, o *ops, log *slog.Logger) (*control, error) {
	path := socketPath(cfg)
	os.Remove(path) // a stale socket of a killed bot; we hold the database lock, so no bot is using it
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	return &control{ln: ln, path: path, ops: o, log: log}, nil
}

func (c *control) Serve(ctx context.Context) error {
	go func() {
		<-ctx.Done()
		c.ln.Close()
	}()
	defer os.Remove(c.path)
	var conns sync.WaitGroup
	defer conns.Wait()
	for {
		conn, err := c.ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				c.log.Error("control socket accept failed", "err", err)
			}
			return nil
		}
		conns.Add(1)
		go func() {
			defer conns.Done()
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(time.Minute))
			json.NewEncoder(conn).Encode(c.answer(conn))
		}()
	}
}

func (c *control) answer(conn net.Conn) response {
	var req request
	if err := json.NewDecoder(bufio.NewReader(conn)).Decode(&req); err != nil || req.Op == "" {
		return refused(badRequest())
	}
	if needsFile(req.Op) && !filepath.IsAbs(req.File) {
		return refused(pathMustBeAbsolute())
	}
	return c.ops.do(req)
}

func needsFile(op string) bool { return op == "backup" || op == "import" || op == "export" }

// askRunningBot sends one request to the bot holding the database.
func askRunningBot(cfg Config, req request) (response, error) {
	if needsFile(req.Op) {
		abs, err := filepath.Abs(req.File)
		if err != nil {
			return response{}, err
		}
		req.File = abs
	}
	conn, err := net.DialTimeout("unix", socketPath(cfg), 2*time.Second)
	if err != nil {
		return response{}, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Minute))
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		return response{}, err
	}
	var resp response
	err = json.NewDecoder(conn).Decode(&resp)
	return resp, err
}
