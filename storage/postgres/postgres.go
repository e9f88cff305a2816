// Package postgres is bangfu's PostgreSQL engine, behind the same storage
// interfaces and conformance suite as the embedded bbolt engine: for a
// deployment that must survive the loss of a machine, or serve many
// schools. Every write is one transaction with synchronous commit; the
// message that caused it is marked processed in the same transaction, its
// key unique in the database.
package postgres

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"bangfu/storage"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// The services this engine provides.
var _ storage.Store = (*Store)(nil)

// Store is the PostgreSQL-backed store.
type Store struct {
	pool   *pgxpool.Pool
	Cal    storage.Calendar
	Now    func() time.Time
	holder string // this process, in the journal of replies
	stop   context.CancelFunc
	done   chan struct{}
	// dir keeps the directory this process reads on every message
	// (directory.go); unlisten ends its subscription to changes.
	dir      dirCache
	unlisten func()
	// marked: the journaled replies this process has marked handed over,
	// to delete at its next mark (ReplySending).
	markedMu sync.Mutex
	marked   []uint64
}

// Options of Open.
type Options struct {
	Calendar storage.Calendar
	Now      func() time.Time
	// Holder names this process among those sharing the database; empty:
	// a random name.
	Holder string
	// Schema keeps one school's tables apart from another's in one
	// database: each school's store works in its own schema (its
	// search_path), so no query of one school can reach another's rows.
	// Empty: the default schema.
	Schema string
}

// aliveEvery is how often a process says it is alive; one silent for
// goneAfter is taken for gone and its waiting replies are recovered.
const (
	aliveEvery = 20 * time.Second
	goneAfter  = "1 minute"
)

// Open connects, migrates the schema and loads the semesters started from
// chat into the calendar.
func Open(ctx context.Context, url string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Calendar.Loc == nil {
		opt.Calendar = storage.DefaultCalendar()
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: the database url: %w", err)
	}
	// An acknowledged record is on disk before its reply, whatever the
	// server's default.
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	if opt.Schema != "" {
		if err := createSchema(ctx, url, opt.Schema); err != nil {
			return nil, err
		}
		cfg.ConnConfig.RuntimeParams["search_path"] = opt.Schema
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if opt.Holder == "" {
		var b [8]byte
		rand.Read(b[:])
		opt.Holder = hex.EncodeToString(b[:])
	}
	s := &Store{pool: pool, Cal: opt.Calendar, Now: opt.Now, holder: opt.Holder}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if err := s.alive(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	var schema string
	if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s.unlisten = listen(url, schema, &s.dir)
	life, stop := context.WithCancel(context.Background())
	s.stop, s.done = stop, make(chan struct{})
	go func() {
		defer close(s.done)
		t := time.NewTicker(aliveEvery)
		defer t.Stop()
		for {
			select {
			case <-life.Done():
				return
			case <-t.C:
				s.alive(life)
			}
		}
	}()
	terms, err := s.StartedTerms()
	if err != nil {
		s.Close()
		return nil, err
	}
	s.Cal.SetStartedTerms(terms)
	return s, nil
}

// createSchema makes a school's schema on first use. A school whose role
// may not create schemas (its own schema made for it by the county's
// administrator) finds it there and goes on.
func createSchema(ctx context.Context, url, name string) error {
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer c.Close(ctx)
	var exists bool
	if err := c.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	if exists {
		return nil
	}
	schema := pgx.Identifier{name}.Sanitize()
	if _, err := c.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
		return fmt.Errorf("postgres: creating schema %s: %w", schema, err)
	}
	return nil
}

// Close stops saying this process is alive and closes the connections.
func (s *Store) Close() error {
	if s.stop != nil {
		s.stop()
		<-s.done
		s.pool.Exec(bg, "DELETE FROM processes WHERE holder = $1", s.holder)
	}
	if s.unlisten != nil {
		s.unlisten()
	}
	s.pool.Close()
	return nil
}

// alive says, by the server's clock, that this process is running.
func (s *Store) alive(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO processes (holder, seen) VALUES ($1, now()) ON CONFLICT (holder) DO UPDATE SET seen = now()", s.holder)
	return err
}

// migrate applies the embedded migrations in order, each in its own
// transaction with its version, under an advisory lock so that two
// processes starting together do not both apply one.
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7461)"); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock(7461)")
	if _, err := conn.Exec(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"); err != nil {
		return err
	}
	for _, name := range names {
		version, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(name, "migrations/"), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("postgres: migration %s has no version number", name)
		}
		var done bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)", version).Scan(&done); err != nil {
			return err
		}
		if done {
			continue
		}
		sql, err := migrationFiles.ReadFile(name)
		if err != nil {
			return err
		}
		if err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return fmt.Errorf("postgres: migration %s: %w", name, err)
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", version)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

var bg = context.Background()

// write runs fn in one transaction, with the causing message marked
// processed (a redelivery is ErrDuplicate) and its reply journaled.
// oneTrip sends BEGIN, the statements queue adds and COMMIT as one batch:
// one round trip for a whole transaction. read takes the statements'
// results in order. If a statement fails, the server skips the rest, the
// commit included, and nothing is kept. An error read returns is returned,
// but the server has run the commit by then: a check that must undo the
// transaction has to be a statement that fails on the server.
func (s *Store) oneTrip(queue func(b *pgx.Batch), read func(br pgx.BatchResults) error) error {
	conn, err := s.pool.Acquire(bg)
	if err != nil {
		return err
	}
	defer conn.Release()
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	queue(b)
	b.Queue("COMMIT")
	br := conn.SendBatch(bg, b)
	_, err = br.Exec() // BEGIN
	if err == nil {
		err = read(br)
	}
	if err == nil {
		_, err = br.Exec() // COMMIT
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// Whatever the batch got to, nothing of it stays. A connection
		// left in a transaction is not reused by the pool.
		conn.Exec(bg, "ROLLBACK")
		return err
	}
	return nil
}

func (s *Store) write(m storage.Meta, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(bg, s.pool, func(tx pgx.Tx) error {
		if err := markProcessed(tx, m, s.holder); err != nil {
			return err
		}
		return fn(tx)
	})
}

// writeDirectory is write for a change to the directory (classes,
// students, people, accounts, groups): this process's cache forgets it at once,
// committed or not; the others are told by the server at commit.
func (s *Store) writeDirectory(m storage.Meta, fn func(tx pgx.Tx) error) error {
	defer s.dir.drop()
	return s.write(m, fn)
}

func markProcessed(tx pgx.Tx, m storage.Meta, holder string) error {
	if m.MsgKey == "" {
		return nil
	}
	tag, err := tx.Exec(bg, "INSERT INTO processed (msg_key, at) VALUES ($1, $2) ON CONFLICT DO NOTHING", m.MsgKey, m.At)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return storage.ErrDuplicate
	}
	if m.Reply != nil {
		q := *m.Reply
		q.InFlight = false
		// One round trip: the id is taken and written into the document.
		id, err := insertReturningID(tx, `INSERT INTO replies (id, doc, holder)
			SELECT n, jsonb_set($1::jsonb, '{ID}', to_jsonb(n)), $2 FROM nextval('replies_id_seq') AS n RETURNING id`, doc(q), holder)
		if err != nil {
			return err
		}
		m.Reply.ID = id
	}
	return nil
}

func insertReturningID(tx pgx.Tx, sql string, args ...any) (uint64, error) {
	var id int64
	err := tx.QueryRow(bg, sql, args...).Scan(&id)
	return uint64(id), err
}

// doc encodes a value for a jsonb column.
func doc(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("postgres: encoding %T: %v", v, err)) // our own types always encode
	}
	return data
}

func audit(tx pgx.Tx, m storage.Meta, action, detail string, students ...uint64) error {
	return auditEntry(tx, storage.AuditEntry{At: m.At, ActorID: m.ActorID, Action: action, StudentIDs: students, Where: m.Where, Detail: detail})
}

func auditEntry(tx pgx.Tx, e storage.AuditEntry) error {
	_, err := tx.Exec(bg, "INSERT INTO audit (at, actor_id, kind, doc) VALUES ($1, $2, $3, $4)", e.At, int64(e.ActorID), e.Kind, doc(e))
	return err
}

// noRows turns "no row" into a not-found error.
func noRows(err error, nf error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return nf
	}
	return err
}

// isNoData is the error of a check that found nothing (student_lives).
func isNoData(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "P0002"
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// collect runs a query whose one column is a jsonb document of T.
func collect[T any](q querier, sql string, args ...any) ([]T, error) {
	rows, err := q.Query(bg, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, &storage.Error{Code: storage.EInternal, Op: "decode", Err: err}
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// one runs a query for one document of T; ok is false without a row.
func one[T any](q querier, sql string, args ...any) (T, bool, error) {
	var v T
	var data []byte
	err := q.QueryRow(bg, sql, args...).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, err
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, false, &storage.Error{Code: storage.EInternal, Op: "decode", Err: err}
	}
	return v, true, nil
}
