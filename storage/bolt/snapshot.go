package bolt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"time"

	bbolt "go.etcd.io/bbolt"

	"bangfu/storage"
)

var _ storage.Snapshotter = (*Store)(nil)

// Snapshot reads the whole school in one read transaction.
func (s *Store) Snapshot() (storage.Snapshot, error) {
	var snap storage.Snapshot
	err := s.view(func(tx *bbolt.Tx) error {
		snap = storage.Snapshot{}
		each := func(bucket []byte, fn func(k, v []byte)) {
			tx.Bucket(bucket).ForEach(func(k, v []byte) error { fn(k, v); return nil })
		}
		each(bClasses, func(_, v []byte) { var c storage.Class; decode(v, &c); snap.Classes = append(snap.Classes, c) })
		each(bStudents, func(_, v []byte) { var st storage.Student; decode(v, &st); snap.Students = append(snap.Students, st) })
		each(bPeople, func(_, v []byte) { var p storage.Person; decode(v, &p); snap.People = append(snap.People, p) })
		each(bGroups, func(_, v []byte) { var g storage.Group; decode(v, &g); snap.Groups = append(snap.Groups, g) })
		each(bInvites, func(_, v []byte) { var inv storage.Invite; decode(v, &inv); snap.Invites = append(snap.Invites, inv) })
		for _, kind := range []string{storage.KindSession, storage.KindContact, storage.KindPraise, storage.KindComment} {
			each(bucketOf(kind), func(k, _ []byte) {
				if r, ok := readRecord(tx, kind, k); ok {
					snap.Records = append(snap.Records, r)
				}
			})
		}
		each(bMeetings, func(_, v []byte) { var mt storage.Meeting; decode(v, &mt); snap.Meetings = append(snap.Meetings, mt) })
		eachAudit(tx, func(k, v []byte) {
			if k[0] == noPrefix {
				return // the number index: rebuilt from the records' numbers
			}
			if msgKey, at, ok := processedParts(k); ok {
				snap.Processed = append(snap.Processed, storage.Stamped{Key: msgKey, At: at})
				return
			}
			var e storage.AuditEntry
			decode(v, &e)
			e.Ref = neutralRef(tx, e)
			snap.Audit = append(snap.Audit, e)
		})
		each(bOutboxKeys, func(k, v []byte) {
			snap.OutboxKeys = append(snap.OutboxKeys, storage.Stamped{Key: string(k), At: time.Unix(int64(be(v)), 0)})
		})
		each(bOutbox, func(_, v []byte) { var q storage.Queued; decode(v, &q); snap.Outbox = append(snap.Outbox, q) })
		each(bReplies, func(_, v []byte) { var q storage.Queued; decode(v, &q); snap.Replies = append(snap.Replies, q) })
		each(bPlatformState, func(k, v []byte) {
			platform, name, _ := bytes.Cut(k, []byte{0})
			snap.PlatformState = append(snap.PlatformState, storage.PlatformValue{Platform: string(platform), Name: string(name), Value: append([]byte(nil), v...)})
		})
		snap.Terms = readTerms(tx)
		if v := tx.Bucket(bMeta).Get(keyLastPromotion); len(v) == 8 {
			snap.LastPromotion = time.Unix(int64(be(v)), 0)
		}
		return nil
	})
	return snap, err
}

// neutralRef turns an audit entry's engine reference into the neutral one:
// a record's number, a meeting's id (8 bytes); nil when it is gone.
func neutralRef(tx *bbolt.Tx, e storage.AuditEntry) []byte {
	switch {
	case e.Kind == storage.KindMeeting && len(e.Ref) == 16:
		return e.Ref[8:]
	case e.Kind != "" && e.Kind != storage.KindMeeting:
		ref, ok := currentRef(tx, e.Kind, e.Ref)
		if !ok {
			return nil
		}
		if r, ok := readRecord(tx, e.Kind, ref); ok {
			return binary.BigEndian.AppendUint64(nil, r.No())
		}
	}
	return nil
}

// Restore replaces the file's contents with the snapshot, in one
// transaction, keeping every id and number.
func (s *Store) Restore(snap storage.Snapshot) error {
	err := s.update(func(tx *bbolt.Tx) error {
		for _, name := range allBuckets {
			if name == nil || bytes.Equal(name, bMeta) {
				continue
			}
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		var maxClass, maxStudent, maxPerson, maxMeeting, maxNo, maxOutbox, maxReply, maxSession, maxContact, maxPraise, maxComment uint64
		for _, c := range snap.Classes {
			if err := putJSON(tx.Bucket(bClasses), u64(c.ID), c); err != nil {
				return err
			}
			if c.Graduated == 0 {
				if err := tx.Bucket(bClassByGrade).Put(key(uint64(c.Grade), uint64(c.Number)), u64(c.ID)); err != nil {
					return err
				}
			}
			maxClass = max(maxClass, c.ID)
		}
		for _, st := range snap.Students {
			if err := putStudent(tx, st); err != nil {
				return err
			}
			maxStudent = max(maxStudent, st.ID)
		}
		for _, p := range snap.People {
			if err := putPerson(tx, p); err != nil {
				return err
			}
			maxPerson = max(maxPerson, p.ID)
		}
		for _, g := range snap.Groups {
			if err := putJSON(tx.Bucket(bGroups), strKey(g.Platform, g.ChatID), g); err != nil {
				return err
			}
		}
		for _, inv := range snap.Invites {
			if err := putJSON(tx.Bucket(bInvites), []byte(inv.Code), inv); err != nil {
				return err
			}
		}
		keys := map[uint64][]byte{} // record number → its key, for the audit's references
		for _, r := range snap.Records {
			var k []byte
			switch {
			case r.Comment != nil:
				k = commentKey(r.Comment.StudentID, r.Comment.AuthorID, r.Comment.Semester)
				if err := putJSON(tx.Bucket(bComments), k, r.Comment); err != nil {
					return err
				}
				maxComment = max(maxComment, r.Comment.ID)
			default:
				var rb recordBuckets
				var id uint64
				switch {
				case r.Session != nil:
					rb, id, maxSession = sessionRecords, r.Session.ID, max(maxSession, r.Session.ID)
				case r.Contact != nil:
					rb, id, maxContact = contactRecords, r.Contact.ID, max(maxContact, r.Contact.ID)
				case r.Praise != nil:
					rb, id, maxPraise = praiseRecords, r.Praise.ID, max(maxPraise, r.Praise.ID)
				}
				var err error
				if k, err = putRecord(tx, rb, r.StudentID(), r.At, id, recordValue(r)); err != nil {
					return err
				}
			}
			if err := indexNo(tx, r.No(), r.Kind, k); err != nil {
				return err
			}
			keys[r.No()] = k
			maxNo = max(maxNo, r.No())
		}
		meetingKeys := map[uint64][]byte{}
		for _, mt := range snap.Meetings {
			k := key(unix(mt.At), mt.ID)
			if err := putJSON(tx.Bucket(bMeetings), k, mt); err != nil {
				return err
			}
			meetingKeys[mt.ID] = k
			maxMeeting = max(maxMeeting, mt.ID)
		}
		audits := tx.Bucket(bAudit)
		for i, e := range snap.Audit {
			if len(e.Ref) == 8 {
				id := be(e.Ref)
				if e.Kind == storage.KindMeeting {
					e.Ref = meetingKeys[id]
				} else {
					e.Ref = keys[id]
				}
			}
			if err := putJSON(audits, key(unixNano(e.At), uint64(i+1)), e); err != nil {
				return err
			}
		}
		if err := audits.SetSequence(uint64(len(snap.Audit))); err != nil {
			return err
		}
		if err := tx.Bucket(bAuditTail).SetSequence(uint64(len(snap.Audit))); err != nil {
			return err
		}
		for _, p := range snap.Processed {
			if err := audits.Put(processedKey(p.At, p.Key), nil); err != nil {
				return err
			}
		}
		for _, k := range snap.OutboxKeys {
			if err := tx.Bucket(bOutboxKeys).Put([]byte(k.Key), u64(unix(k.At))); err != nil {
				return err
			}
		}
		for _, q := range snap.Outbox {
			if err := putJSON(tx.Bucket(bOutbox), key(unix(q.NotBefore), q.ID), q); err != nil {
				return err
			}
			maxOutbox = max(maxOutbox, q.ID)
		}
		for _, q := range snap.Replies {
			if err := putJSON(tx.Bucket(bReplies), u64(q.ID), q); err != nil {
				return err
			}
			maxReply = max(maxReply, q.ID)
		}
		for _, v := range snap.PlatformState {
			if err := tx.Bucket(bPlatformState).Put(strKey(v.Platform, v.Name), v.Value); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bMeta)
		if len(snap.Terms) > 0 {
			data, err := json.Marshal(snap.Terms)
			if err != nil {
				return err
			}
			if err := meta.Put(keyTerms, data); err != nil {
				return err
			}
		} else if err := meta.Delete(keyTerms); err != nil {
			return err
		}
		if !snap.LastPromotion.IsZero() {
			if err := meta.Put(keyLastPromotion, u64(unix(snap.LastPromotion))); err != nil {
				return err
			}
		}
		for name, seq := range map[string]uint64{string(bClasses): maxClass, string(bStudents): maxStudent, string(bPeople): maxPerson,
			string(bMeetings): maxMeeting, string(bRecordNos): maxNo, string(bOutbox): maxOutbox, string(bReplies): maxReply,
			string(bSessions): maxSession, string(bContacts): maxContact, string(bPraise): maxPraise, string(bComments): maxComment} {
			if err := tx.Bucket([]byte(name)).SetSequence(seq); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil { // the processed ids are the snapshot's now
		s.view(func(tx *bbolt.Tx) error { s.seen.load(tx); return nil })
	}
	return err
}
