package postgres

import (
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"bangfu/storage"
)

// enqueue puts a message in the outbox, once per key.
func enqueue(tx pgx.Tx, q storage.Queued) error {
	if q.Key != "" {
		tag, err := tx.Exec(bg, "INSERT INTO outbox_keys (key, at) VALUES ($1, $2) ON CONFLICT DO NOTHING", q.Key, q.NotBefore)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return nil // queued (or sent) once already: never twice
		}
	}
	id, err := insertReturningID(tx, "SELECT nextval('outbox_id_seq')")
	if err != nil {
		return err
	}
	q.ID = id
	_, err = tx.Exec(bg, "INSERT INTO outbox (id, not_before, doc) VALUES ($1, $2, $3)", int64(id), q.NotBefore, doc(q))
	return err
}

// dropQueued removes the queued messages matching fn and counts them.
func dropQueued(tx pgx.Tx, match func(storage.Queued) bool) (int, error) {
	qs, err := collect[storage.Queued](tx, "SELECT doc FROM outbox ORDER BY id FOR UPDATE")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, q := range qs {
		if match(q) {
			if _, err := tx.Exec(bg, "DELETE FROM outbox WHERE id = $1", int64(q.ID)); err != nil {
				return 0, err
			}
			n++
		}
	}
	return n, nil
}

// Enqueue puts messages in the durable outbox, once per key.
func (s *Store) Enqueue(m storage.Meta, qs ...storage.Queued) error {
	return s.write(m, func(tx pgx.Tx) error {
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
	err := s.pool.QueryRow(bg, "SELECT EXISTS (SELECT 1 FROM outbox_keys WHERE key = $1)", k).Scan(&ok)
	return ok, err
}

// Queue returns the queued messages due at or before until (all when zero),
// oldest first, at most limit (0: no limit).
func (s *Store) Queue(until time.Time, limit int) ([]storage.Queued, error) {
	sql := "SELECT doc FROM outbox WHERE ($1::timestamptz IS NULL OR not_before <= $1) ORDER BY not_before, id"
	var u *time.Time
	if !until.IsZero() {
		u = &until
	}
	if limit > 0 {
		return collect[storage.Queued](s.pool, sql+" LIMIT $2", u, limit)
	}
	return collect[storage.Queued](s.pool, sql, u)
}

// Dequeue removes a delivered message.
func (s *Store) Dequeue(q storage.Queued) error {
	_, err := s.pool.Exec(bg, "DELETE FROM outbox WHERE id = $1", int64(q.ID))
	return err
}

func (s *Store) updateQueued(id uint64, fn func(q *storage.Queued)) error {
	return pgx.BeginFunc(bg, s.pool, func(tx pgx.Tx) error {
		q, ok, err := one[storage.Queued](tx, "SELECT doc FROM outbox WHERE id = $1 FOR UPDATE", int64(id))
		if err != nil || !ok {
			return err
		}
		fn(&q)
		_, err = tx.Exec(bg, "UPDATE outbox SET not_before = $2, doc = $3 WHERE id = $1", int64(id), q.NotBefore, doc(q))
		return err
	})
}

// MarkSending claims a message before it is handed over: of two processes
// only one gets it; EConflict when it is in flight already or gone.
func (s *Store) MarkSending(q storage.Queued) error {
	tag, err := s.pool.Exec(bg, `UPDATE outbox SET doc = jsonb_set(doc, '{InFlight}', 'true')
		WHERE id = $1 AND NOT coalesce((doc->>'InFlight')::boolean, false)`, int64(q.ID))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return &storage.Error{Code: storage.EConflict, Op: "MarkSending"}
	}
	return nil
}

// Release clears the in-flight mark of a message that did not go out.
func (s *Store) Release(q storage.Queued) error {
	return s.updateQueued(q.ID, func(cur *storage.Queued) { cur.InFlight = false })
}

// Requeue pushes a message back to a later time after a failed send.
func (s *Store) Requeue(q storage.Queued, at time.Time) error {
	return s.updateQueued(q.ID, func(cur *storage.Queued) { cur.NotBefore, cur.InFlight = at, false; cur.Attempts++ })
}

// ---- the journal of waiting replies ----

// JournalReply keeps a reply that has to wait for its turn.
func (s *Store) JournalReply(q storage.Queued) (uint64, error) {
	var id uint64
	err := pgx.BeginFunc(bg, s.pool, func(tx pgx.Tx) error {
		var err error
		if id, err = insertReturningID(tx, "SELECT nextval('replies_id_seq')"); err != nil {
			return err
		}
		q.ID = id
		_, err = tx.Exec(bg, "INSERT INTO replies (id, doc, holder) VALUES ($1, $2, $3)", int64(id), doc(q), s.holder)
		return err
	})
	return id, err
}

// ReplySending marks a journaled reply handed over (never sent again); those
// this process marked before are deleted in the same write.
//
// One statement, one round trip: it is on every reply's path. Its commit
// does not wait for the WAL to reach the disk (synchronous_commit off for
// this transaction alone): the mark is the server's at once, so the death
// of this process, or of the machine it runs on, loses nothing; only a
// crash of the database server within its wal_writer_delay (200 ms by
// default) can lose the mark, and then the reply's stand-in goes once more.
// Waiting for that flush cost as much as the record's own commit. The
// marked entries to delete are named by id (this process remembers them):
// looking for them by their mark read the whole journal, dead rows and all,
// and cost three times the update.
func (s *Store) ReplySending(id uint64) error {
	s.markedMu.Lock()
	before := s.marked
	s.marked = nil
	s.markedMu.Unlock()
	_, err := s.pool.Exec(bg, `WITH unhurried AS (SELECT set_config('synchronous_commit', 'off', true)),
		gone AS (DELETE FROM replies WHERE id = ANY($2::bigint[]) AND id <> $1)
		UPDATE replies SET doc = jsonb_set(doc, '{InFlight}', 'true') FROM unhurried WHERE id = $1`, int64(id), before)
	s.markedMu.Lock()
	if err != nil {
		s.marked = append(s.marked, before...) // still to delete
	} else {
		s.marked = append(s.marked, id)
	}
	s.markedMu.Unlock()
	return err
}

// unmarked forgets that this process marked id (it went, or waits again).
func (s *Store) unmarked(id uint64) {
	s.markedMu.Lock()
	defer s.markedMu.Unlock()
	for i, x := range s.marked {
		if x == id {
			s.marked = append(s.marked[:i], s.marked[i+1:]...)
			return
		}
	}
}

// ReplyDone forgets a journaled reply.
func (s *Store) ReplyDone(id uint64) error {
	s.unmarked(id)
	_, err := s.pool.Exec(bg, "DELETE FROM replies WHERE id = $1", int64(id))
	return err
}

// ReplyWaiting clears the mark of a journaled reply that did not go out.
func (s *Store) ReplyWaiting(id uint64) error {
	s.unmarked(id)
	_, err := s.pool.Exec(bg, `UPDATE replies SET doc = jsonb_set(doc, '{InFlight}', 'false') WHERE id = $1`, int64(id))
	return err
}

// RecoverReplies, at start-up, moves into the outbox, in order, the
// waiting replies of every process that is not running (this one has just
// started: none of them is its own yet); those that were being sent are
// dropped, not sent twice. Another running process's replies are its own.
func (s *Store) RecoverReplies() (moved, dropped int, err error) { return s.recover(true) }

// RecoverGone, while running, does the same for the processes gone since
// (silent for a minute by the server's clock), never this one's.
func (s *Store) RecoverGone() (moved, dropped int, err error) { return s.recover(false) }

func (s *Store) recover(own bool) (moved, dropped int, err error) {
	err = pgx.BeginFunc(bg, s.pool, func(tx pgx.Tx) error {
		moved, dropped = 0, 0
		qs, err := collect[storage.Queued](tx, `DELETE FROM replies r WHERE (r.holder <> $1 OR $2) AND NOT EXISTS (
			SELECT 1 FROM processes p WHERE p.holder = r.holder AND p.holder <> $1 AND p.seen > now() - interval '`+goneAfter+`') RETURNING doc`, s.holder, own)
		if err != nil {
			return err
		}
		sortQueued(qs)
		for _, q := range qs {
			if q.InFlight {
				dropped++
				continue
			}
			if err := enqueue(tx, q); err != nil {
				return err
			}
			moved++
		}
		return nil
	})
	return moved, dropped, err
}

func sortQueued(qs []storage.Queued) {
	for i := 1; i < len(qs); i++ {
		for j := i; j > 0 && qs[j].ID < qs[j-1].ID; j-- {
			qs[j], qs[j-1] = qs[j-1], qs[j]
		}
	}
}

// ---- processed messages and the audit log ----

// Processed reports whether a chat message was already handled.
func (s *Store) Processed(msgKey string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(bg, "SELECT EXISTS (SELECT 1 FROM processed WHERE msg_key = $1)", msgKey).Scan(&ok)
	return ok, err
}

// MarkProcessed records a handled message that stored nothing else.
func (s *Store) MarkProcessed(m storage.Meta) error {
	return s.write(m, func(pgx.Tx) error { return nil })
}

// PruneProcessed forgets processed ids older than before.
func (s *Store) PruneProcessed(before time.Time) (int, error) {
	tag, err := s.pool.Exec(bg, "DELETE FROM processed WHERE at < $1", before)
	return int(tag.RowsAffected()), err
}

// AuditRead logs a read and marks the message processed in one write.
func (s *Store) AuditRead(m storage.Meta, action, detail string, students ...uint64) error {
	return s.write(m, func(tx pgx.Tx) error { return audit(tx, m, action, detail, students...) })
}

// AuditLog returns the entries with from <= At < to, oldest first.
func (s *Store) AuditLog(from, to time.Time) ([]storage.AuditEntry, error) {
	return collect[storage.AuditEntry](s.pool, "SELECT doc FROM audit WHERE at >= $1 AND at < $2 ORDER BY at, seq", from, to)
}

// ---- platform state and scheduled runs ----

// PlatformValue reads a value a platform adapter keeps.
func (s *Store) PlatformValue(platform, name string) ([]byte, error) {
	var v []byte
	err := s.pool.QueryRow(bg, "SELECT value FROM platform_state WHERE platform = $1 AND name = $2", platform, name).Scan(&v)
	return v, noRows(err, nil)
}

// SetPlatformValue stores such a value durably.
func (s *Store) SetPlatformValue(platform, name string, v []byte) error {
	_, err := s.pool.Exec(bg, "INSERT INTO platform_state (platform, name, value) VALUES ($1, $2, $3) ON CONFLICT (platform, name) DO UPDATE SET value = EXCLUDED.value", platform, name, v)
	return err
}

const runsPlatform = "reminders"

// RunMark returns how a scheduled run ended.
func (s *Store) RunMark(run string) (string, bool, error) {
	v, err := s.PlatformValue(runsPlatform, run)
	return string(v), v != nil, err
}

// CompleteRun queues a run's messages and marks the run in one transaction.
func (s *Store) CompleteRun(run, status string, qs ...storage.Queued) error {
	return pgx.BeginFunc(bg, s.pool, func(tx pgx.Tx) error {
		for _, q := range qs {
			if err := enqueue(tx, q); err != nil {
				return err
			}
		}
		_, err := tx.Exec(bg, "INSERT INTO platform_state (platform, name, value) VALUES ($1, $2, $3) ON CONFLICT (platform, name) DO UPDATE SET value = EXCLUDED.value", runsPlatform, run, []byte(status))
		return err
	})
}

var _ = json.Marshal

// Lease takes or renews a lease: a row per name, taken over only once it
// has expired by the caller's clock.
func (s *Store) Lease(name, holder string, ttl time.Duration, now time.Time) (bool, error) {
	var got string
	err := s.pool.QueryRow(bg, `INSERT INTO leases (name, holder, expires) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires = EXCLUDED.expires
		WHERE leases.holder = EXCLUDED.holder OR leases.expires < $4
		RETURNING holder`, name, holder, now.Add(ttl), now).Scan(&got)
	if err := noRows(err, nil); err != nil {
		return false, err
	}
	return got == holder, nil
}

// Unlease gives a lease up.
func (s *Store) Unlease(name, holder string) error {
	_, err := s.pool.Exec(bg, "DELETE FROM leases WHERE name = $1 AND holder = $2", name, holder)
	return err
}
