package bolt

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"bangfu/storage"
)

// A damaged file must be refused before bbolt maps it: bbolt turns a 0-byte
// file into a fresh, empty school without a word, and touching a page past
// the end of a truncated file kills the process with SIGBUS, which no
// recover catches. So the meta pages are read and checked here by hand
// (layout from bbolt's internal/common/meta.go), then the whole tree is
// checked by bbolt itself and every stored record must decode.

const (
	boltMagic   = 0xED0CDAED
	boltVersion = 2
	pageHeader  = 16 // id, flags, count, overflow
	metaSize    = 64 // magic … txid, then the checksum
)

// Reason words for a damaged file, for the log and the operator line.
const (
	DamageEmpty     = "empty"
	DamageNoMeta    = "no valid meta page"
	DamageTruncated = "truncated"
	DamageTree      = "pages inconsistent"
	DamageRecord    = "a record does not decode"
	DamageChecksum  = "changed at rest since the last clean close"
)

func corrupt(path, reason string, err error) error {
	return &storage.Error{Code: storage.ECorrupt, Op: "Open", Subject: path, Reason: reason, Err: err}
}

// checkFile checks a database file's size against its meta pages. A file
// that does not exist is fine (a new school).
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() == 0 {
		return corrupt(path, DamageEmpty, nil)
	}
	var best *metaPage
	for _, off := range []int64{0, -1} { // the first meta page; the second sits one page later
		if off < 0 {
			if best == nil {
				// Without a first valid page the page size is unknown: try the usual ones.
				for _, ps := range []int64{4096, 8192, 16384, 65536} {
					if m := readMeta(f, ps); m != nil {
						best = m
						break
					}
				}
				continue
			}
			off = int64(best.pageSize)
		}
		if m := readMeta(f, off); m != nil && (best == nil || m.txid > best.txid) {
			best = m
		}
	}
	if best == nil {
		return corrupt(path, DamageNoMeta, nil)
	}
	if need := int64(best.pgid) * int64(best.pageSize); fi.Size() < need {
		return corrupt(path, DamageTruncated, fmt.Errorf("%d bytes, the meta page needs %d", fi.Size(), need))
	}
	// bbolt reads these two pages while opening and panics on garbage, with
	// the file locked for as long as the process lives.
	if !pageIs(f, best, best.root, branchPage|leafPage) || (best.freelist != noFreelist && !pageIs(f, best, best.freelist, freelistPage)) {
		return corrupt(path, DamageTree, errors.New("the root or the freelist page is not one"))
	}
	return nil
}

const (
	branchPage   = 0x01
	leafPage     = 0x02
	freelistPage = 0x10
	noFreelist   = 0xffffffffffffffff
)

// pageIs tells whether page id is in the file and carries its own id and one
// of the flags.
func pageIs(r io.ReaderAt, m *metaPage, id uint64, flags uint16) bool {
	if id < 2 || id >= m.pgid {
		return false
	}
	var h [pageHeader]byte
	if _, err := r.ReadAt(h[:], int64(id)*int64(m.pageSize)); err != nil {
		return false
	}
	f := binary.LittleEndian.Uint16(h[8:])
	return binary.LittleEndian.Uint64(h[0:]) == id && f != 0 && f&^flags == 0
}

type metaPage struct {
	pageSize       uint32
	root, freelist uint64
	pgid, txid     uint64
}

// readMeta reads and validates the meta page at off, nil if it is not one.
func readMeta(r io.ReaderAt, off int64) *metaPage {
	buf := make([]byte, pageHeader+metaSize)
	if _, err := r.ReadAt(buf, off); err != nil {
		return nil
	}
	m := buf[pageHeader:]
	le := binary.LittleEndian
	if le.Uint32(m[0:]) != boltMagic || le.Uint32(m[4:]) != boltVersion {
		return nil
	}
	h := fnv.New64a()
	h.Write(m[:56])
	if h.Sum64() != le.Uint64(m[56:]) {
		return nil
	}
	return &metaPage{pageSize: le.Uint32(m[8:]), root: le.Uint64(m[16:]), freelist: le.Uint64(m[32:]), pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}
}

// checkTree walks every bucket and record through bbolt's cursors, which
// touches every branch and leaf page, and decodes every record stored as
// JSON (a flipped byte inside a value passes any page check). bbolt's own
// Tx.Check is not used: it runs in a goroutine of its own, where a garbage
// page id faults past the end of the map and a garbage overflow count loops
// for billions of pages. Here a fault becomes a panic (SetPanicOnFault) and
// bbolt's assertions are recovered: both mean a damaged file.
func checkTree(db *bbolt.DB, path string) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = corrupt(path, DamageTree, fmt.Errorf("%v", r))
		}
	}()
	return db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error { return walkBucket(b, name, path) })
	})
}

func walkBucket(b *bbolt.Bucket, name []byte, path string) error {
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			if nested := b.Bucket(k); nested != nil {
				return walkBucket(nested, k, path)
			}
			return nil
		}
		if len(v) > 0 && v[0] == '{' && !json.Valid(v) {
			return corrupt(path, DamageRecord, fmt.Errorf("bucket %q", name))
		}
		return nil
	})
}

func openReadOnly(path string) (db *bbolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, corrupt(path, DamageTree, fmt.Errorf("%v", r))
		}
	}()
	return bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: 300 * time.Millisecond})
}

// Check checks the open database, as Verify does a file: a running bot
// answers `bangfu check` with it.
func (s *Store) Check() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return checkTree(s.db, s.path)
}

// Verify checks a database file without changing it: `bangfu check`.
func Verify(path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	if err := checkFile(path); err != nil {
		return err
	}
	db, err := openReadOnly(path)
	if errors.Is(err, bolterrors.ErrTimeout) {
		return &storage.Error{Code: storage.ELocked, Op: "Verify", Subject: path}
	}
	if err != nil {
		return corrupt(path, DamageTree, err)
	}
	defer db.Close()
	return checkTree(db, path)
}
