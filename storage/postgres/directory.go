package postgres

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"bangfu/storage"
)

// The directory cache: every message reads its sender's account (and in a
// group, the group), and a /log the student it names and its class. Each read is a round
// trip to the server, and together they cost more than the write itself
// (three trips of ~0.1 ms beside one commit). So each process keeps the
// documents it has read in memory, as long as it is told of every change:
//
//   - its own writes to the directory forget the cache when they commit;
//   - other processes' writes reach it through LISTEN: a trigger on each
//     directory table notifies at commit (migrations 004, 005), and the listener
//     forgets the cache of that school;
//   - while the listening connection is down the cache is off, every read
//     goes to the server, until it listens again.
//
// A read that raced a change (its query began before the change and ended
// after the forgetting) is not kept: each forgetting starts a new
// generation, and a document is kept only under the generation its query
// began in. Documents are kept as the server's bytes and decoded at each
// read, so no caller can change what the next one reads.
type dirCache struct {
	mu      sync.Mutex
	on      bool
	gen     uint64
	entries map[dirKey][][]byte
	// forgot, when set (tests), is told of every forgetting and whether
	// the cache is on after it.
	forgot func(on bool)
}

type dirKey struct {
	table string // "account", "student", "named", "class", "group"
	key   string
}

// dirMaxEntries bounds the memory of a county's largest school: beyond it
// the cache starts over.
const dirMaxEntries = 20000

// get returns the kept documents for k; gen is the generation to keep a
// read's result under.
func (c *dirCache) get(k dirKey) (docs [][]byte, ok bool, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.on {
		return nil, false, 0
	}
	docs, ok = c.entries[k]
	return docs, ok, c.gen
}

// put keeps a read's result, unless the cache was forgotten since the read
// began (or is off).
func (c *dirCache) put(k dirKey, gen uint64, docs [][]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.on || gen != c.gen {
		return
	}
	if len(c.entries) >= dirMaxEntries {
		c.entries = map[dirKey][][]byte{}
	}
	c.entries[k] = docs
}

// drop forgets everything kept.
func (c *dirCache) drop() { c.reset(nil) }

// turn turns the cache on or off, forgetting everything kept.
func (c *dirCache) turn(on bool) { c.reset(&on) }

func (c *dirCache) reset(on *bool) {
	c.mu.Lock()
	if on != nil {
		c.on = *on
	}
	c.gen++
	c.entries = map[dirKey][][]byte{}
	hook, now := c.forgot, c.on
	c.mu.Unlock()
	if hook != nil {
		hook(now)
	}
}

// cachedDocs answers k from the cache or from the query, which returns
// one jsonb document per row.
func (s *Store) cachedDocs(k dirKey, sql string, args ...any) ([][]byte, error) {
	docs, ok, gen := s.dir.get(k)
	if ok {
		return docs, nil
	}
	rows, err := s.pool.Query(bg, sql, args...)
	if err != nil {
		return nil, err
	}
	docs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]byte, error) {
		var data []byte
		err := r.Scan(&data)
		return data, err
	})
	if err != nil {
		return nil, err
	}
	s.dir.put(k, gen, docs)
	return docs, nil
}

// ---- the listener ----

// listeners: one listening connection per database a process uses, shared
// by the stores of every school in it.
var (
	listenersMu sync.Mutex
	listeners   = map[string]*listener{}
)

type listener struct {
	url    string
	stop   context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	up     bool
	stores map[string][]*dirCache // by schema
	users  int
}

// relistenAfter is the wait (in nanoseconds) before a lost listening
// connection is tried again; the cache is off meanwhile.
var relistenAfter atomic.Int64

func init() { relistenAfter.Store(int64(time.Second)) }

// listen subscribes c to the changes of schema in the database at url.
// The cache is on from the moment the connection listens.
func listen(url, schema string, c *dirCache) (unlisten func()) {
	listenersMu.Lock()
	l := listeners[url]
	if l == nil {
		ctx, stop := context.WithCancel(context.Background())
		l = &listener{url: url, stop: stop, done: make(chan struct{}), stores: map[string][]*dirCache{}}
		listeners[url] = l
		ready := make(chan struct{})
		go l.run(ctx, ready)
		<-ready // the first connection is tried before Open returns
	}
	l.users++
	l.mu.Lock()
	l.stores[schema] = append(l.stores[schema], c)
	c.turn(l.up)
	l.mu.Unlock()
	listenersMu.Unlock()
	return func() {
		listenersMu.Lock()
		defer listenersMu.Unlock()
		l.mu.Lock()
		cs := l.stores[schema]
		for i, x := range cs {
			if x == c {
				l.stores[schema] = append(cs[:i:i], cs[i+1:]...)
				break
			}
		}
		l.mu.Unlock()
		c.turn(false)
		if l.users--; l.users == 0 {
			delete(listeners, url)
			l.stop()
			<-l.done
		}
	}
}

// setUp turns every subscribed cache on or off, forgetting what it held.
func (l *listener) setUp(up bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.up = up
	for _, cs := range l.stores {
		for _, c := range cs {
			c.turn(up)
		}
	}
}

func (l *listener) changed(schema string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.stores[schema] {
		c.drop()
	}
}

func (l *listener) run(ctx context.Context, ready chan struct{}) {
	defer close(l.done)
	for {
		conn, err := pgx.Connect(ctx, l.url)
		if err == nil {
			if _, err = conn.Exec(ctx, "LISTEN bangfu_directory"); err == nil {
				l.setUp(true)
			}
		}
		if ready != nil {
			close(ready)
			ready = nil
		}
		for err == nil {
			var n *pgconn.Notification
			if n, err = conn.WaitForNotification(ctx); err == nil {
				l.changed(n.Payload)
			}
		}
		l.setUp(false)
		if conn != nil {
			conn.Close(context.Background())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(relistenAfter.Load())):
		}
	}
}

// cachedAll is cachedDocs decoded, one T per row.
func cachedAll[T any](s *Store, k dirKey, sql string, args ...any) ([]T, error) {
	docs, err := s.cachedDocs(k, sql, args...)
	if err != nil {
		return nil, err
	}
	return decodeDocs[T](docs)
}

// cachedOne is cachedAll for a query of at most one row; ok is false
// without one.
func cachedOne[T any](s *Store, k dirKey, sql string, args ...any) (v T, ok bool, err error) {
	all, err := cachedAll[T](s, k, sql, args...)
	if err != nil || len(all) == 0 {
		return v, false, err
	}
	return all[0], true, nil
}

// decodeDocs decodes each document as a T.
func decodeDocs[T any](docs [][]byte) ([]T, error) {
	out := make([]T, 0, len(docs))
	for _, data := range docs {
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, &storage.Error{Code: storage.EInternal, Op: "decode", Err: err}
		}
		out = append(out, v)
	}
	return out, nil
}
