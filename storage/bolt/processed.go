package bolt

import (
	"bytes"
	"errors"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"

	"bangfu/storage"
)

// Every write marks its chat message processed, so that a redelivery is
// refused. The ids were keyed by the message key, which put each one at a
// random place among a week of ids: a batch of writes from many chats
// rewrote a leaf (and its branch) per message, a third of the pages a
// group commit wrote. They are now keyed by when the message came, after
// every other key of the audit bucket (0xff | unix seconds | message key),
// so a commit appends them to one leaf, and the ids are looked up in a set
// kept in memory: a file has one process (its lock), the set is read from
// the file in the background at open (a week of ids, about a millisecond
// that the rest of the start-up covers; a lookup waits for it), and the
// committer adds a commit's ids once it is on the disk.

// processedPrefix puts processed message ids after every audit entry in the
// audit bucket (time keys start below 0x80) and the number index (0xfe).
const processedPrefix = 0xff

// processedKey is where a message handled at at is marked.
func processedKey(at time.Time, msgKey string) []byte {
	k := make([]byte, 0, 9+len(msgKey))
	k = append(k, processedPrefix)
	k = append(k, u64(unix(at))...)
	return append(k, msgKey...)
}

// processedParts splits a processed key into its message key and time.
func processedParts(k []byte) (string, time.Time, bool) {
	if len(k) < 9 || k[0] != processedPrefix {
		return "", time.Time{}, false
	}
	return string(k[9:]), time.Unix(int64(be(k[1:9])), 0), true
}

// processedSet holds the message keys marked in the file, and those of the
// write transaction the committer is building.
type processedSet struct {
	ready     chan struct{} // closed once committed is read from the file
	mu        sync.RWMutex
	committed map[string]struct{}
	building  map[string]struct{} // the committer's alone
}

func newProcessedSet() *processedSet {
	return &processedSet{ready: make(chan struct{}), committed: map[string]struct{}{}, building: map[string]struct{}{}}
}

func (p *processedSet) has(msgKey string) bool {
	<-p.ready
	p.mu.RLock()
	defer p.mu.RUnlock()
	_, ok := p.committed[msgKey]
	return ok
}

// loadAtOpen reads the set in the background and says when it is ready.
// A page damaged at rest faults here before the checksum is confirmed:
// the set stays empty, and the checksum then refuses every write.
func (p *processedSet) loadAtOpen(db *bbolt.DB) {
	go func() {
		defer close(p.ready)
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() {
			if r := recover(); r != nil {
				slog.Error("reading the processed message ids failed", "panic", r)
			}
		}()
		db.View(func(tx *bbolt.Tx) error { p.load(tx); return nil })
	}()
}

// load reads the keys the file holds.
func (p *processedSet) load(tx *bbolt.Tx) {
	keys := map[string]struct{}{}
	c := newAuditCursor(tx)
	for k, _ := c.seek([]byte{processedPrefix}); k != nil; k, _ = c.next() {
		if msgKey, _, ok := processedParts(k); ok {
			keys[msgKey] = struct{}{}
		}
	}
	p.mu.Lock()
	p.committed = keys
	p.mu.Unlock()
}

// begin starts a transaction's keys afresh (a batch is built again without
// a write that failed).
func (p *processedSet) begin() { clear(p.building) }

// commit adds the keys of a transaction now on the disk.
func (p *processedSet) commit() {
	<-p.ready // (has waited already; this orders the writes after the load's)
	p.mu.Lock()
	defer p.mu.Unlock()
	for k := range p.building {
		p.committed[k] = struct{}{}
	}
	clear(p.building)
}

// forget drops keys pruned from the file.
func (p *processedSet) forget(msgKeys []string) {
	<-p.ready
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, k := range msgKeys {
		delete(p.committed, k)
	}
}

// markProcessed records the message key inside the write and reports a
// redelivered message as ErrDuplicate, so a record is stored exactly once;
// the reply to send is journaled with it.
func (s *Store) markProcessed(tx *bbolt.Tx, m storage.Meta) error {
	if m.MsgKey == "" {
		return nil
	}
	if _, again := s.seen.building[m.MsgKey]; again || s.seen.has(m.MsgKey) {
		return storage.ErrDuplicate
	}
	if err := auditAppend(tx).Put(processedKey(m.At, m.MsgKey), nil); err != nil {
		return err
	}
	s.seen.building[m.MsgKey] = struct{}{}
	if m.Reply != nil {
		replies := tx.Bucket(bReplies)
		q := *m.Reply
		q.ID, q.InFlight = nextID(replies), false
		if err := putJSON(replies, u64(q.ID), q); err != nil {
			return err
		}
		m.Reply.ID = q.ID // a batch run again sets it again
	}
	return nil
}

// Processed reports whether a chat message was already handled.
func (s *Store) Processed(msgKey string) (bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return false, errors.New("storage: closed")
	}
	return s.seen.has(msgKey), nil
}

// MarkProcessed records a handled message that stored nothing else (a read).
// ErrDuplicate means it had been handled already.
func (s *Store) MarkProcessed(m storage.Meta) error {
	return s.update(func(tx *bbolt.Tx) error { return s.markProcessed(tx, m) })
}

// PruneProcessed forgets processed ids older than before; platforms do not
// redeliver that late (Telegram keeps updates 24 hours).
func (s *Store) PruneProcessed(before time.Time) (int, error) {
	// The oldest ids come first: they are found with a read, which holds
	// no writer back, and most days there are none to forget (a commit
	// would cost two fsyncs for nothing).
	end := processedKey(before, "")
	var dead [][]byte
	if err := s.view(func(tx *bbolt.Tx) error {
		c := newAuditCursor(tx)
		for k, _ := c.seek([]byte{processedPrefix}); k != nil && bytes.Compare(k, end) < 0; k, _ = c.next() {
			dead = append(dead, append([]byte(nil), k...))
		}
		return nil
	}); err != nil || len(dead) == 0 {
		return 0, err
	}
	if err := s.update(func(tx *bbolt.Tx) error {
		for _, k := range dead {
			if err := auditDelete(tx, k); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return 0, err
	}
	keys := make([]string, 0, len(dead))
	for _, k := range dead {
		msgKey, _, _ := processedParts(k)
		keys = append(keys, msgKey)
	}
	s.seen.forget(keys)
	return len(dead), nil
}

// keyProcessedByTime is migration 7: processed ids were keyed by message
// key (0xff | message key, the time as the value).
func keyProcessedByTime(tx *bbolt.Tx) error {
	b := tx.Bucket(bAudit)
	type old struct{ k, at []byte }
	var olds []old
	c := b.Cursor()
	for k, v := c.Seek([]byte{processedPrefix}); k != nil; k, v = c.Next() {
		olds = append(olds, old{append([]byte(nil), k...), append([]byte(nil), v...)})
	}
	for _, o := range olds {
		if err := b.Delete(o.k); err != nil {
			return err
		}
	}
	for _, o := range olds {
		var at time.Time
		if len(o.at) == 8 {
			at = time.Unix(int64(be(o.at)), 0)
		}
		if err := b.Put(processedKey(at, string(o.k[1:])), nil); err != nil {
			return err
		}
	}
	return nil
}
