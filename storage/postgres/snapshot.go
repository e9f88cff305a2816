package postgres

import (
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"bangfu/storage"
)

var _ storage.Snapshotter = (*Store)(nil)

// Snapshot reads the whole school in one repeatable-read transaction.
func (s *Store) Snapshot() (storage.Snapshot, error) {
	var snap storage.Snapshot
	err := pgx.BeginTxFunc(bg, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		snap = storage.Snapshot{}
		var err error
		if snap.Classes, err = scanClasses(tx.Query(bg, "SELECT id, grade, number, graduated FROM classes ORDER BY id")); err != nil {
			return err
		}
		if snap.Students, err = collect[storage.Student](tx, "SELECT doc FROM students ORDER BY id"); err != nil {
			return err
		}
		if snap.People, err = collect[storage.Person](tx, "SELECT doc FROM people ORDER BY id"); err != nil {
			return err
		}
		if snap.Groups, err = collect[storage.Group](tx, "SELECT doc FROM groups ORDER BY platform, chat_id"); err != nil {
			return err
		}
		if snap.Invites, err = collect[storage.Invite](tx, "SELECT doc FROM invites ORDER BY code"); err != nil {
			return err
		}
		rows, err := tx.Query(bg, "SELECT kind, doc FROM records ORDER BY no")
		if err != nil {
			return err
		}
		for rows.Next() {
			var kind string
			var data []byte
			if err := rows.Scan(&kind, &data); err != nil {
				rows.Close()
				return err
			}
			r, err := decodeRecord(kind, data)
			if err != nil {
				rows.Close()
				return err
			}
			snap.Records = append(snap.Records, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if snap.Meetings, err = collect[storage.Meeting](tx, "SELECT doc FROM meetings ORDER BY id"); err != nil {
			return err
		}
		if snap.Audit, err = collect[storage.AuditEntry](tx, "SELECT doc FROM audit ORDER BY seq"); err != nil {
			return err
		}
		if snap.Processed, err = stamped(tx, "SELECT msg_key, at FROM processed ORDER BY msg_key"); err != nil {
			return err
		}
		if snap.OutboxKeys, err = stamped(tx, "SELECT key, at FROM outbox_keys ORDER BY key"); err != nil {
			return err
		}
		if snap.Outbox, err = collect[storage.Queued](tx, "SELECT doc FROM outbox ORDER BY id"); err != nil {
			return err
		}
		if snap.Replies, err = collect[storage.Queued](tx, "SELECT doc FROM replies ORDER BY id"); err != nil {
			return err
		}
		vals, err := tx.Query(bg, "SELECT platform, name, value FROM platform_state ORDER BY platform, name")
		if err != nil {
			return err
		}
		for vals.Next() {
			var v storage.PlatformValue
			if err := vals.Scan(&v.Platform, &v.Name, &v.Value); err != nil {
				vals.Close()
				return err
			}
			snap.PlatformState = append(snap.PlatformState, v)
		}
		vals.Close()
		var terms, last []byte
		if err := noRows(tx.QueryRow(bg, "SELECT value FROM meta WHERE key = 'terms'").Scan(&terms), nil); err != nil {
			return err
		}
		if terms != nil {
			if err := json.Unmarshal(terms, &snap.Terms); err != nil {
				return err
			}
		}
		if err := noRows(tx.QueryRow(bg, "SELECT value FROM meta WHERE key = 'last_promotion'").Scan(&last), nil); err != nil {
			return err
		}
		if last != nil {
			return json.Unmarshal(last, &snap.LastPromotion)
		}
		return vals.Err()
	})
	return snap, err
}

func stamped(tx pgx.Tx, sql string) ([]storage.Stamped, error) {
	rows, err := tx.Query(bg, sql)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storage.Stamped
	for rows.Next() {
		var st storage.Stamped
		if err := rows.Scan(&st.Key, &st.At); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// Restore replaces the database's contents with the snapshot in one
// transaction, keeping every id and number, and moves the sequences past
// them.
func (s *Store) Restore(snap storage.Snapshot) error {
	defer s.dir.drop()
	return pgx.BeginFunc(bg, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(bg, `TRUNCATE classes, students, people, accounts, groups, invites, records, meetings, audit,
			processed, outbox, outbox_keys, replies, platform_state`); err != nil {
			return err
		}
		if _, err := tx.Exec(bg, "DELETE FROM meta WHERE key IN ('terms', 'last_promotion')"); err != nil {
			return err
		}
		batch := &pgx.Batch{}
		for _, c := range snap.Classes {
			batch.Queue("INSERT INTO classes (id, grade, number, graduated) VALUES ($1, $2, $3, $4)", int64(c.ID), c.Grade, c.Number, c.Graduated)
		}
		for _, st := range snap.Students {
			batch.Queue("INSERT INTO students (id, class_id, name, doc) VALUES ($1, $2, $3, $4)", int64(st.ID), int64(st.ClassID), st.Name, doc(st))
		}
		for _, p := range snap.People {
			batch.Queue("INSERT INTO people (id, doc) VALUES ($1, $2)", int64(p.ID), doc(p))
			for _, a := range p.Accounts {
				batch.Queue("INSERT INTO accounts (platform, user_id, person_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", a.Platform, a.UserID, int64(p.ID))
			}
		}
		for _, g := range snap.Groups {
			batch.Queue("INSERT INTO groups (platform, chat_id, doc) VALUES ($1, $2, $3)", g.Platform, g.ChatID, doc(g))
		}
		for _, inv := range snap.Invites {
			batch.Queue("INSERT INTO invites (code, doc) VALUES ($1, $2)", inv.Code, doc(inv))
		}
		for _, r := range snap.Records {
			semester := ""
			if r.Comment != nil {
				semester = r.Comment.Semester
			}
			batch.Queue("INSERT INTO records (no, kind, student_id, author_id, at, semester, doc) VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), $7)",
				int64(r.No()), r.Kind, int64(r.StudentID()), int64(r.AuthorID()), r.At, semester, doc(recordValue(r)))
		}
		for _, mt := range snap.Meetings {
			batch.Queue("INSERT INTO meetings (id, at, doc) VALUES ($1, $2, $3)", int64(mt.ID), mt.At, doc(mt))
		}
		for _, e := range snap.Audit {
			batch.Queue("INSERT INTO audit (at, actor_id, kind, doc) VALUES ($1, $2, $3, $4)", e.At, int64(e.ActorID), e.Kind, doc(e))
		}
		for _, p := range snap.Processed {
			batch.Queue("INSERT INTO processed (msg_key, at) VALUES ($1, $2)", p.Key, p.At)
		}
		for _, k := range snap.OutboxKeys {
			batch.Queue("INSERT INTO outbox_keys (key, at) VALUES ($1, $2)", k.Key, k.At)
		}
		for _, q := range snap.Outbox {
			batch.Queue("INSERT INTO outbox (id, not_before, doc) VALUES ($1, $2, $3)", int64(q.ID), q.NotBefore, doc(q))
		}
		for _, q := range snap.Replies {
			batch.Queue("INSERT INTO replies (id, doc) VALUES ($1, $2)", int64(q.ID), doc(q))
		}
		for _, v := range snap.PlatformState {
			batch.Queue("INSERT INTO platform_state (platform, name, value) VALUES ($1, $2, $3)", v.Platform, v.Name, v.Value)
		}
		if len(snap.Terms) > 0 {
			batch.Queue("INSERT INTO meta (key, value) VALUES ('terms', $1)", doc(snap.Terms))
		}
		if !snap.LastPromotion.IsZero() {
			batch.Queue("INSERT INTO meta (key, value) VALUES ('last_promotion', $1)", doc(snap.LastPromotion.In(time.UTC)))
		}
		// Sequences past every id kept: new rows never take an old number.
		for _, seq := range []string{"classes", "students", "people", "meetings", "outbox", "replies", "audit"} {
			col := "id"
			if seq == "audit" {
				col = "seq"
			}
			batch.Queue("SELECT setval(pg_get_serial_sequence('" + seq + "', '" + col + "'), coalesce((SELECT max(" + col + ") FROM " + seq + "), 0) + 1, false)")
		}
		batch.Queue("SELECT setval('record_no', coalesce((SELECT max(no) FROM records), 0) + 1, false)")
		return tx.SendBatch(bg, batch).Close()
	})
}
