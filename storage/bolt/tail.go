package bolt

import (
	"bytes"

	bbolt "go.etcd.io/bbolt"
)

// A /log appends three keys to the audit bucket: its audit entry (time
// keys), its number (0xfe) and its message id (0xff). They land in three
// different leaves of a tree three levels deep, so the commit rewrote six of
// the audit bucket's pages (the root, three leaves and their branches),
// more than the record itself (each page is a write call, about 20 µs on
// our VM, and more for the fsync to flush). New audit keys now go to a
// small bucket, the audit tail (one leaf, kept inline in the root page
// while under a kilobyte), and a commit that finds the tail past
// tailFlushBytes moves it into the audit bucket in one go: about ten /logs
// share one rewrite of those six pages. Readers see the two buckets as one
// key space (no key is in both); auditCursor merges them.

// bAuditTail holds the audit bucket's newest keys, exactly as they will be
// keyed there.
var bAuditTail = []byte("audit_tail")

// tailFlushBytes is the tail's size (its leaf's bytes) at which a commit
// moves it into the audit bucket: under a page, so the tail is one leaf.
const tailFlushBytes = 3 << 10

// auditAppend is where new audit keys are put: the tail, or the audit
// bucket itself in the migrations that ran before the tail existed.
func auditAppend(tx *bbolt.Tx) *bbolt.Bucket {
	if t := tx.Bucket(bAuditTail); t != nil {
		return t
	}
	return tx.Bucket(bAudit)
}

// auditGet reads an audit key wherever it is.
func auditGet(tx *bbolt.Tx, k []byte) []byte {
	if t := tx.Bucket(bAuditTail); t != nil {
		if v := t.Get(k); v != nil {
			return v
		}
	}
	return tx.Bucket(bAudit).Get(k)
}

// auditDelete deletes an audit key wherever it is.
func auditDelete(tx *bbolt.Tx, k []byte) error {
	if t := tx.Bucket(bAuditTail); t != nil {
		if err := t.Delete(k); err != nil {
			return err
		}
	}
	return tx.Bucket(bAudit).Delete(k)
}

// flushAuditTail moves the tail into the audit bucket once it has grown
// past tailFlushBytes.
func flushAuditTail(tx *bbolt.Tx) error {
	tail := tx.Bucket(bAuditTail)
	if tail == nil {
		return nil
	}
	size := 0
	c := tail.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		size += 16 + len(k) + len(v) // a leaf element's header, key and value
	}
	if size < tailFlushBytes {
		return nil
	}
	return moveAuditTail(tx)
}

// moveAuditTail moves every key of the tail into the audit bucket.
func moveAuditTail(tx *bbolt.Tx) error {
	tail := tx.Bucket(bAuditTail)
	audit := tx.Bucket(bAudit)
	c := tail.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := audit.Put(k, v); err != nil {
			return err
		}
	}
	// A new bucket rather than a delete per key: a bulk load leaves tens of
	// thousands of keys in one node, where each delete moves all the rest.
	seq := tail.Sequence()
	if err := tx.DeleteBucket(bAuditTail); err != nil {
		return err
	}
	fresh, err := tx.CreateBucket(bAuditTail)
	if err != nil {
		return err
	}
	return fresh.SetSequence(seq)
}

// auditCursor walks the audit bucket and its tail as one sorted key space,
// either forward (seek, next) or backward (seekBefore, prev), not both.
type auditCursor struct {
	main, tail     *bbolt.Cursor
	mk, mv, tk, tv []byte
}

func newAuditCursor(tx *bbolt.Tx) *auditCursor {
	c := &auditCursor{main: tx.Bucket(bAudit).Cursor()}
	if t := tx.Bucket(bAuditTail); t != nil {
		c.tail = t.Cursor()
	}
	return c
}

// seek goes to the first key >= k (the first key of all for an empty k).
func (c *auditCursor) seek(k []byte) ([]byte, []byte) {
	c.mk, c.mv = seekIn(c.main, k)
	if c.tail != nil {
		c.tk, c.tv = seekIn(c.tail, k)
	}
	return c.forward()
}

func seekIn(c *bbolt.Cursor, k []byte) ([]byte, []byte) {
	if len(k) == 0 {
		return c.First()
	}
	return c.Seek(k)
}

// next steps forward from the key seek or next returned.
func (c *auditCursor) next() ([]byte, []byte) {
	if c.tailFirst() {
		c.tk, c.tv = c.tail.Next()
	} else if c.mk != nil {
		c.mk, c.mv = c.main.Next()
	}
	return c.forward()
}

func (c *auditCursor) tailFirst() bool {
	return c.tk != nil && (c.mk == nil || bytes.Compare(c.tk, c.mk) < 0)
}

func (c *auditCursor) forward() ([]byte, []byte) {
	if c.tailFirst() {
		return c.tk, c.tv
	}
	return c.mk, c.mv
}

// seekBefore goes to the last key < k.
func (c *auditCursor) seekBefore(k []byte) ([]byte, []byte) {
	c.mk, c.mv = before(c.main, k)
	if c.tail != nil {
		c.tk, c.tv = before(c.tail, k)
	}
	return c.backward()
}

// prev steps backward from the key seekBefore or prev returned.
func (c *auditCursor) prev() ([]byte, []byte) {
	if c.tailLast() {
		c.tk, c.tv = c.tail.Prev()
	} else if c.mk != nil {
		c.mk, c.mv = c.main.Prev()
	}
	return c.backward()
}

func (c *auditCursor) tailLast() bool {
	return c.tk != nil && (c.mk == nil || bytes.Compare(c.tk, c.mk) > 0)
}

func (c *auditCursor) backward() ([]byte, []byte) {
	if c.tailLast() {
		return c.tk, c.tv
	}
	return c.mk, c.mv
}

// before positions a bucket's cursor on its last key < k.
func before(c *bbolt.Cursor, k []byte) ([]byte, []byte) {
	if sk, _ := c.Seek(k); sk == nil {
		return c.Last()
	}
	return c.Prev()
}

// eachAudit calls fn for every key of the audit bucket and its tail, in order.
func eachAudit(tx *bbolt.Tx, fn func(k, v []byte)) {
	c := newAuditCursor(tx)
	for k, v := c.seek(nil); k != nil; k, v = c.next() {
		fn(k, v)
	}
}

// createAuditTail is migration 8. The tail's sequence goes on from the
// audit bucket's, so the keys of one instant stay distinct.
func createAuditTail(tx *bbolt.Tx) error {
	tail, err := tx.CreateBucketIfNotExists(bAuditTail)
	if err != nil {
		return err
	}
	return tail.SetSequence(max(tail.Sequence(), tx.Bucket(bAudit).Sequence()))
}
