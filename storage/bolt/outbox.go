package bolt

import (
	"bytes"
	"errors"
	"time"

	bbolt "go.etcd.io/bbolt"

	"bangfu/storage"
)

func enqueue(tx *bbolt.Tx, q storage.Queued) error {
	b := tx.Bucket(bOutbox)
	if q.Key != "" {
		keys := tx.Bucket(bOutboxKeys)
		if keys.Get([]byte(q.Key)) != nil {
			return nil // already queued (or sent) once: never twice
		}
		if err := keys.Put([]byte(q.Key), u64(unix(q.NotBefore))); err != nil {
			return err
		}
	}
	q.ID = nextID(b)
	return putJSON(b, key(unix(q.NotBefore), q.ID), q)
}

// Enqueue puts messages in the durable outbox. A message whose Key was queued
// before is skipped, so a scheduled message goes out once per key.
func (s *Store) Enqueue(m storage.Meta, qs ...storage.Queued) error {
	return s.update(func(tx *bbolt.Tx) error {
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		for _, q := range qs {
			if err := enqueue(tx, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// WasQueued reports whether a message with this key was ever queued.
func (s *Store) WasQueued(k string) (bool, error) {
	var ok bool
	err := s.view(func(tx *bbolt.Tx) error {
		ok = tx.Bucket(bOutboxKeys).Get([]byte(k)) != nil
		return nil
	})
	return ok, err
}

// Queue returns the queued messages due at or before until (all of them when
// until is zero), oldest first, at most limit (0: no limit).
func (s *Store) Queue(until time.Time, limit int) ([]storage.Queued, error) {
	var out []storage.Queued
	err := s.view(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bOutbox).Cursor()
		end := u64(unix(until))
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if !until.IsZero() && bytes.Compare(k[:8], end) > 0 {
				break
			}
			var q storage.Queued
			decode(v, &q)
			out = append(out, q)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// Dequeue removes a delivered message.
func (s *Store) Dequeue(q storage.Queued) error {
	return s.update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bOutbox).Delete(key(unix(q.NotBefore), q.ID))
	})
}

// MarkSending claims a message being handed to its platform: EConflict
// when it is in flight already or no longer queued.
func (s *Store) MarkSending(q storage.Queued) error {
	return s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bOutbox)
		k := key(unix(q.NotBefore), q.ID)
		var cur storage.Queued
		if !getJSON(b, k, &cur) || cur.InFlight {
			return &storage.Error{Code: storage.EConflict, Op: "MarkSending"}
		}
		cur.InFlight = true
		return putJSON(b, k, cur)
	})
}

// Requeue pushes a message back to a later time (after a failed send).
func (s *Store) Requeue(q storage.Queued, at time.Time) error {
	return s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bOutbox)
		var cur storage.Queued
		if !getJSON(b, key(unix(q.NotBefore), q.ID), &cur) {
			return nil
		}
		if err := b.Delete(key(unix(q.NotBefore), q.ID)); err != nil {
			return err
		}
		cur.NotBefore = at
		cur.Attempts++
		cur.InFlight = false
		return putJSON(b, key(unix(cur.NotBefore), cur.ID), cur)
	})
}

// Release clears the in-flight mark of a message that did not go out; it
// keeps its time and its count of attempts.
func (s *Store) Release(q storage.Queued) error { return s.setInFlight(q, false) }

// setInFlight sets a queued message's in-flight mark, if it is still queued.
func (s *Store) setInFlight(q storage.Queued, on bool) error {
	return s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bOutbox)
		k := key(unix(q.NotBefore), q.ID)
		var cur storage.Queued
		if !getJSON(b, k, &cur) {
			return nil
		}
		cur.InFlight = on
		return putJSON(b, k, cur)
	})
}

// dropQueued removes the queued messages matching fn and counts them.
func dropQueued(tx *bbolt.Tx, match func(storage.Queued) bool) (int, error) {
	b := tx.Bucket(bOutbox)
	var dead [][]byte
	if err := b.ForEach(func(k, v []byte) error {
		var q storage.Queued
		decode(v, &q)
		if match(q) {
			dead = append(dead, append([]byte(nil), k...))
		}
		return nil
	}); err != nil {
		return 0, err
	}
	for _, k := range dead {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(dead), nil
}

// ---- audit ----

// AuditRead records a read of students' files, marking the message that
// asked processed in the same transaction (ErrDuplicate for a redelivery).
func (s *Store) AuditRead(m storage.Meta, action, detail string, students ...uint64) error {
	return s.update(func(tx *bbolt.Tx) error {
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		return audit(tx, m, action, detail, students...)
	})
}

// AuditLog returns the entries with from <= At < to, oldest first.
func (s *Store) AuditLog(from, to time.Time) ([]storage.AuditEntry, error) {
	var out []storage.AuditEntry
	err := s.view(func(tx *bbolt.Tx) error {
		c := newAuditCursor(tx)
		end := u64(unixNano(to))
		for k, v := c.seek(u64(unixNano(from))); k != nil && k[0] < noPrefix && bytes.Compare(k[:8], end) < 0; k, v = c.next() {
			var e storage.AuditEntry
			decode(v, &e)
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// ---- platform state ----

// PlatformValue reads a value a platform adapter keeps (an offset, a mapping).
func (s *Store) PlatformValue(platform, name string) ([]byte, error) {
	var out []byte
	err := s.view(func(tx *bbolt.Tx) error {
		if v := tx.Bucket(bPlatformState).Get(strKey(platform, name)); v != nil {
			out = append([]byte(nil), v...)
		}
		return nil
	})
	return out, err
}

// SetPlatformValue stores such a value durably.
func (s *Store) SetPlatformValue(platform, name string, v []byte) error {
	return s.update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bPlatformState).Put(strKey(platform, name), v)
	})
}

// ---- scheduled runs ----

const runsPlatform = "reminders"

// RunMark returns how a scheduled run (job/period) ended: "sent" or
// "missed"; ok is false when it has not run.
func (s *Store) RunMark(run string) (string, bool, error) {
	v, err := s.PlatformValue(runsPlatform, run)
	return string(v), v != nil, err
}

// CompleteRun queues a run's messages and marks the run in one transaction,
// so a restart neither repeats nor loses it. Messages whose key was queued
// before are skipped.
func (s *Store) CompleteRun(run, status string, qs ...storage.Queued) error {
	return s.update(func(tx *bbolt.Tx) error {
		for _, q := range qs {
			if err := enqueue(tx, q); err != nil {
				return err
			}
		}
		return tx.Bucket(bPlatformState).Put(strKey(runsPlatform, run), []byte(status))
	})
}

// ---- the journal of waiting replies ----

// JournalReply keeps a reply that has to wait for its turn (its chat is
// paced), so that a crash does not lose it; its id is returned.
func (s *Store) JournalReply(q storage.Queued) (uint64, error) {
	var id uint64
	err := s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bReplies)
		id = nextID(b)
		q.ID = id
		return putJSON(b, u64(id), q)
	})
	return id, err
}

// ReplySending marks a journaled reply as handed to its platform: from now
// on it is never sent again (after a crash it is dropped, as it may have
// gone out). The mark is a write to the marks' file, folded into the
// database by the next commit (see sending.go).
func (s *Store) ReplySending(id uint64) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return errors.New("storage: closed")
	}
	return s.marks.mark(opSending, id)
}

// ReplyDone forgets a journaled reply once it was sent (or given up).
func (s *Store) ReplyDone(id uint64) error {
	return s.update(func(tx *bbolt.Tx) error { return tx.Bucket(bReplies).Delete(u64(id)) })
}

// RecoverReplies, at start-up, moves the replies a crash left waiting into
// the outbox, in order; one that was being sent may have gone out and is
// dropped rather than sent twice.
func (s *Store) RecoverReplies() (moved, dropped int, err error) {
	// After a clean stop the journal is empty: no write (and no fsync) to
	// find that out at every start.
	empty := false
	if err := s.view(func(tx *bbolt.Tx) error {
		k, _ := tx.Bucket(bReplies).Cursor().First()
		empty = k == nil
		return nil
	}); err != nil {
		return 0, 0, err
	}
	if marked, _ := s.marks.pending(); empty && len(marked) == 0 {
		return 0, 0, nil
	}
	err = s.update(func(tx *bbolt.Tx) error {
		moved, dropped = 0, 0
		b := tx.Bucket(bReplies)
		var keys [][]byte
		var waiting []storage.Queued
		if err := b.ForEach(func(k, v []byte) error {
			keys = append(keys, append([]byte(nil), k...))
			var q storage.Queued
			decode(v, &q)
			if q.InFlight {
				dropped++
			} else {
				waiting = append(waiting, q)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, q := range waiting {
			q.InFlight = false
			if err := enqueue(tx, q); err != nil {
				return err
			}
			moved++
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return moved, dropped, err
}

// ReplyWaiting clears the mark of a journaled reply that did not go out:
// in the marks' file and, durably, in the database (a fold may have put it
// there already).
func (s *Store) ReplyWaiting(id uint64) error {
	s.mu.RLock()
	err := errors.New("storage: closed")
	if s.db != nil {
		err = s.marks.mark(opWaiting, id)
	}
	s.mu.RUnlock()
	if err != nil {
		return err
	}
	return s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bReplies)
		var q storage.Queued
		if !getJSON(b, u64(id), &q) || !q.InFlight {
			return nil
		}
		q.InFlight = false
		return putJSON(b, u64(id), q)
	})
}

// Lease always holds: a bbolt file has one process (its file lock).
func (s *Store) Lease(string, string, time.Duration, time.Time) (bool, error) { return true, nil }

// Unlease has nothing to give up.
func (s *Store) Unlease(string, string) error { return nil }
