package bolt

import (
	"bytes"
	"sort"
	"strconv"
	"time"

	bbolt "go.etcd.io/bbolt"

	"bangfu/storage"
)

// Record numbers: every session, contact, praise and comment gets the next
// number of one school-wide sequence when it is stored, and an index in the
// audit bucket (noPrefix) maps the number to the record's key. The number is in the record
// itself too, so /history shows it without a lookup. Numbers are never
// reused, so #37 means one record for good (or none, once deleted).

var (
	kindBytes = map[string]byte{storage.KindSession: 's', storage.KindContact: 'c', storage.KindPraise: 'p', storage.KindComment: 'm'}
	byteKinds = map[byte]string{'s': storage.KindSession, 'c': storage.KindContact, 'p': storage.KindPraise, 'm': storage.KindComment}
)

// nextNo takes the next record number: the sequence of the record_nos
// bucket, which holds nothing else (so bbolt keeps it inline in its
// parent page, and taking a number writes no page of its own).
func nextNo(tx *bbolt.Tx) uint64 { return nextID(tx.Bucket(bRecordNos)) }

// noPrefix puts the number → record index in the audit bucket, between the
// audit entries (time keys start below 0x80) and the processed ids (0xff):
// a /log writes the audit bucket anyway, and an index of its own cost a
// tree of its own, whose root and branch pages every /log rewrote
// (measured: the index's write was the costliest part of /log after the
// record itself).
const noPrefix = 0xfe

func noKey(no uint64) []byte { return append([]byte{noPrefix}, u64(no)...) }

// indexNo points number no at the record stored under k.
func indexNo(tx *bbolt.Tx, no uint64, kind string, k []byte) error {
	return auditAppend(tx).Put(noKey(no), append([]byte{kindBytes[kind]}, k...))
}

// unindexNo forgets a number whose record is gone.
func unindexNo(tx *bbolt.Tx, no uint64) error {
	if no == 0 {
		return nil
	}
	return auditDelete(tx, noKey(no))
}

// unindexValue forgets the number of a stored record value.
func unindexValue(tx *bbolt.Tx, v []byte) error {
	var n struct{ No uint64 }
	decode(v, &n)
	return unindexNo(tx, n.No)
}

// lookupNo finds where record no is: its kind and key.
func lookupNo(tx *bbolt.Tx, no uint64) (string, []byte, bool) {
	v := auditGet(tx, noKey(no))
	if len(v) < 2 {
		return "", nil, false
	}
	kind, ok := byteKinds[v[0]]
	return kind, append([]byte(nil), v[1:]...), ok
}

func bucketOf(kind string) []byte {
	switch kind {
	case storage.KindSession:
		return bSessions
	case storage.KindContact:
		return bContacts
	case storage.KindPraise:
		return bPraise
	case storage.KindComment:
		return bComments
	}
	return nil
}

// currentRef finds a dated record whose key an edit may have moved (the key
// holds the day): the same student and record id under another time. The
// audit log's references to a record stay valid that way.
func currentRef(tx *bbolt.Tx, kind string, ref []byte) ([]byte, bool) {
	b := tx.Bucket(bucketOf(kind))
	if b == nil {
		return nil, false
	}
	if b.Get(ref) != nil {
		return ref, true
	}
	if kind == storage.KindComment || len(ref) != 24 {
		return nil, false
	}
	prefix := ref[:8]
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if bytes.Equal(k[16:24], ref[16:24]) {
			return append([]byte(nil), k...), true
		}
	}
	return nil, false
}

// readRecord decodes the record stored under k.
func readRecord(tx *bbolt.Tx, kind string, k []byte) (storage.Record, bool) {
	v := tx.Bucket(bucketOf(kind)).Get(k)
	if v == nil {
		return storage.Record{}, false
	}
	r, err := storage.DecodeRecord(kind, v)
	if err != nil {
		panic(decodeFailure{err}) // as decode: the view or update turns it into an error
	}
	return r, true
}

func recordValue(r storage.Record) any {
	switch {
	case r.Session != nil:
		return r.Session
	case r.Contact != nil:
		return r.Contact
	case r.Praise != nil:
		return r.Praise
	}
	return r.Comment
}

func recordNotFound(op string, no uint64) error {
	return &storage.Error{Code: storage.ENotFound, Op: op, Subject: "#" + strconv.FormatUint(no, 10)}
}

// RecordByNo returns the record numbered no.
func (s *Store) RecordByNo(no uint64) (storage.Record, error) {
	var r storage.Record
	err := s.view(func(tx *bbolt.Tx) error {
		kind, k, ok := lookupNo(tx, no)
		if ok {
			r, ok = readRecord(tx, kind, k)
		}
		if !ok {
			return recordNotFound("RecordByNo", no)
		}
		return nil
	})
	return r, err
}

// EditRecord changes record no in place; a dated record whose day changes
// moves to its new key, and its number follows it.
func (s *Store) EditRecord(m storage.Meta, no uint64, fn func(*storage.Record) error, notify []storage.Queued) (storage.Edited, error) {
	var ed storage.Edited
	err := s.update(func(tx *bbolt.Tx) error {
		ed = storage.Edited{}
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		kind, k, ok := lookupNo(tx, no)
		var before storage.Record
		if ok {
			before, ok = readRecord(tx, kind, k)
		}
		if !ok {
			return recordNotFound("EditRecord", no)
		}
		after := before.Clone()
		if err := fn(&after); err != nil {
			return err
		}
		after = storage.KeepIdentity(before, after)
		b := tx.Bucket(bucketOf(kind))
		newKey := k
		if kind != storage.KindComment {
			newKey = key(after.StudentID(), unix(after.At), be(k[16:24]))
		}
		if !bytes.Equal(newKey, k) {
			if err := b.Delete(k); err != nil {
				return err
			}
			if err := indexNo(tx, no, kind, newKey); err != nil {
				return err
			}
		}
		if err := putJSON(b, newKey, recordValue(after)); err != nil {
			return err
		}
		if kind == storage.KindPraise {
			n, err := replaceUnsentPraise(tx, m, after.Praise, notify)
			if err != nil {
				return err
			}
			ed.UnsentReplaced = n
		}
		ed.Before, ed.After = before, after
		return audit(tx, m, kind+".edit", "#"+strconv.FormatUint(no, 10), after.StudentID())
	})
	return ed, err
}

// replaceUnsentPraise swaps the parents' messages of a praise that are still
// waiting for ones with the new words; a parent who already got the first
// words gets nothing more.
func replaceUnsentPraise(tx *bbolt.Tx, m storage.Meta, p *storage.Praise, notify []storage.Queued) (int, error) {
	waiting := map[uint64]bool{}
	n, err := dropQueued(tx, func(q storage.Queued) bool {
		waiting[q.PersonID] = waiting[q.PersonID] || storage.Unsent(q, p.ID)
		return storage.Unsent(q, p.ID)
	})
	if err != nil || n == 0 {
		return 0, err
	}
	again := storage.Renotified(*p, waiting, notify, m.At)
	for _, q := range again {
		if err := enqueue(tx, q); err != nil {
			return 0, err
		}
	}
	return len(again), nil
}

// DeleteRecord removes record no as /undo would.
func (s *Store) DeleteRecord(m storage.Meta, no uint64) (storage.Undone, error) {
	var u storage.Undone
	err := s.update(func(tx *bbolt.Tx) error {
		u = storage.Undone{}
		if err := s.markProcessed(tx, m); err != nil {
			return err
		}
		kind, k, ok := lookupNo(tx, no)
		if !ok {
			return recordNotFound("DeleteRecord", no)
		}
		e := storage.AuditEntry{Kind: kind, Ref: k, StudentIDs: []uint64{be(k)}}
		if err := undoOne(tx, e, &u); err != nil {
			return err
		}
		if u.Kind == "" {
			return recordNotFound("DeleteRecord", no)
		}
		return audit(tx, m, kind+".delete", "#"+strconv.FormatUint(no, 10), u.StudentID)
	})
	return u, err
}

// numberExistingRecords is migration 5: it numbers the records stored
// before numbers existed, oldest first, across every kind.
func numberExistingRecords(tx *bbolt.Tx) error {
	idx, err := tx.CreateBucketIfNotExists(bRecordNos)
	if err != nil {
		return err
	}
	type old struct {
		kind    string
		k       []byte
		created time.Time
	}
	var all []old
	for _, kind := range []string{storage.KindSession, storage.KindContact, storage.KindPraise, storage.KindComment} {
		b := tx.Bucket(bucketOf(kind))
		if b == nil {
			continue
		}
		if err := b.ForEach(func(k, v []byte) error {
			var c struct{ CreatedAt time.Time }
			decode(v, &c)
			all = append(all, old{kind, append([]byte(nil), k...), c.CreatedAt})
			return nil
		}); err != nil {
			return err
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].created.Before(all[j].created) })
	for _, o := range all {
		r, _ := readRecord(tx, o.kind, o.k)
		no, _ := idx.NextSequence()
		switch {
		case r.Session != nil:
			r.Session.No = no
		case r.Contact != nil:
			r.Contact.No = no
		case r.Praise != nil:
			r.Praise.No = no
		case r.Comment != nil:
			r.Comment.No = no
		}
		if err := putJSON(tx.Bucket(bucketOf(o.kind)), o.k, recordValue(r)); err != nil {
			return err
		}
		if err := indexNo(tx, no, o.kind, o.k); err != nil {
			return err
		}
	}
	return nil
}

// moveNumberIndex is migration 6: the number index moves from the
// record_nos bucket into the audit bucket; record_nos keeps its sequence.
func moveNumberIndex(tx *bbolt.Tx) error {
	old, audit := tx.Bucket(bRecordNos), tx.Bucket(bAudit)
	if old == nil || audit == nil {
		return nil
	}
	var keys [][]byte
	if err := old.ForEach(func(k, v []byte) error {
		keys = append(keys, append([]byte(nil), k...))
		return audit.Put(noKey(be(k)), v)
	}); err != nil {
		return err
	}
	for _, k := range keys {
		if err := old.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
