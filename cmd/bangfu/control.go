package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"bangfu/storage/bolt"
)

// The control socket lets `bangfu backup` and `bangfu invite` reach a running
// bot, which holds the database's lock. It is a Unix socket next to the
// database, 0600, so only the bot's own user can use it.

func socketPath(cfg Config) string {
	p, err := filepath.Abs(cfg.Storage.Path + ".sock")
	if err != nil {
		return cfg.Storage.Path + ".sock"
	}
	return p
}

func serveControl(ctx context.Context, cfg Config, st *bolt.Store, log *slog.Logger) (io.Closer, error) {
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
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				if !errors.Is(err, net.ErrClosed) {
					log.Error("control socket accept failed", "err", err)
				}
				return
			}
			go func() {
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(time.Minute))
				var op []string
				if err := json.NewDecoder(bufio.NewReader(conn)).Decode(&op); err != nil || len(op) == 0 {
					io.WriteString(conn, "error\nbad request")
					return
				}
				if (op[0] == "backup" || op[0] == "import" || op[0] == "export") && (len(op) < 2 || !filepath.IsAbs(op[1])) {
					io.WriteString(conn, "error\nfile path must be absolute")
					return
				}
				io.WriteString(conn, adminOp(cfg, st, log, op, nil))
			}()
		}
	}()
	return closerFunc(func() error { os.Remove(path); return ln.Close() }), nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

func askRunningBot(cfg Config, op []string) (string, error) {
	if op[0] == "backup" || op[0] == "import" || op[0] == "export" {
		abs, err := filepath.Abs(op[1])
		if err != nil {
			return "", err
		}
		op = append([]string{op[0], abs}, op[2:]...)
	}
	conn, err := net.DialTimeout("unix", socketPath(cfg), 2*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Minute))
	if err := json.NewEncoder(conn).Encode(op); err != nil {
		return "", err
	}
	data, err := io.ReadAll(conn)
	if err != nil {
		return "", err
	}
	return string(data), nil
}
