package bolt

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"

	"bangfu/storage"
)

// A reply handed to its platform must never be sent again after a crash
// (ReplySending). Marking it with a commit of its own cost a second pair of
// fsyncs per /log, as much as the record itself. The mark is instead one
// write to a file beside the database, without an fsync of its own: the
// kernel keeps it when the process dies (kill -9, a panic, the OOM
// killer), and the next commit of the database folds the marks in, after
// which the file is emptied. A mark no commit has folded within one to two
// sendingSyncAfter (the bot fell quiet) is put on the disk by a background
// fsync (only a power cut inside that window can lose it, and then the
// reply's stand-in goes once after the restart). A busy bot folds every
// mark long before that: the fsync, a journal commit of its own on ext4
// that the database's next fsync waited behind, cost a teacher's /log a
// fifth of its time when it ran every sendingSyncAfter regardless.

// sendingSuffix names the marks' file beside the database.
const sendingSuffix = ".sending"

// sendingSyncAfter bounds how long a mark waits for its fsync.
const sendingSyncAfter = 20 * time.Millisecond

// Each mark is an op byte and a reply id.
const (
	opSending byte = 'S'
	opWaiting byte = 'W'
	markSize       = 9
)

type sendingMarks struct {
	mu sync.Mutex
	f  *os.File
	// marked are the replies handed over and not folded yet, with the
	// sequence number of their mark (a reply marked again after a fold
	// started keeps its newer mark).
	marked map[uint64]uint64
	seq    uint64 // marks written (it goes on when the file is emptied)
	// armedAt is the seq the pending background sync covers: marks up to
	// it still unfolded when it runs are fsynced.
	armedAt   uint64
	inFile    bool // the file holds marks
	syncing   bool
	closed    bool
	syncAfter time.Duration        // sendingSyncAfter; tests make it long and call sync
	syncFile  func(*os.File) error // tests count the fsyncs
}

// openSendingMarks opens the file and reads what a crash left in it: the
// replies whose last mark was "sending".
func openSendingMarks(path string) (*sendingMarks, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	m := &sendingMarks{f: f, marked: map[uint64]uint64{}, syncAfter: sendingSyncAfter, syncFile: (*os.File).Sync}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	// A mark cut short by a power cut is no mark: its reply was not sent.
	for len(data) >= markSize {
		id := binary.BigEndian.Uint64(data[1:markSize])
		m.seq++
		switch data[0] {
		case opSending:
			m.marked[id] = m.seq
		case opWaiting:
			delete(m.marked, id)
		}
		data = data[markSize:]
		m.inFile = true
	}
	return m, nil
}

// mark appends one op; it is on the disk within sendingSyncAfter.
func (m *sendingMarks) mark(op byte, id uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errors.New("storage: closed")
	}
	var rec [markSize]byte
	rec[0] = op
	binary.BigEndian.PutUint64(rec[1:], id)
	if _, err := m.f.Write(rec[:]); err != nil {
		return err
	}
	m.seq++
	m.inFile = true
	if op == opSending {
		m.marked[id] = m.seq
	} else {
		delete(m.marked, id)
	}
	if !m.syncing {
		m.syncing, m.armedAt = true, m.seq
		time.AfterFunc(m.syncAfter, m.sync)
	}
	return nil
}

// sync puts the marks it was armed for on the disk unless a commit has
// folded them meanwhile; for newer marks it waits another round.
func (m *sendingMarks) sync() {
	m.mu.Lock()
	due := false
	for _, seq := range m.marked {
		if seq <= m.armedAt {
			due = true
			break
		}
	}
	m.syncing = !due && len(m.marked) > 0 && !m.closed
	if m.syncing {
		m.armedAt = m.seq
		time.AfterFunc(m.syncAfter, m.sync)
	}
	f, closed := m.f, m.closed
	m.mu.Unlock()
	if due && !closed {
		m.syncFile(f) // a failure leaves the mark to the next commit's fold
	}
}

// pending is a copy of the marks not folded yet, and the sequence it
// was taken at.
func (m *sendingMarks) pending() (map[uint64]uint64, uint64) {
	if m == nil { // opening: the marks are read after the migrations
		return nil, 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.marked) == 0 {
		return nil, m.seq
	}
	out := make(map[uint64]uint64, len(m.marked))
	for id, s := range m.marked {
		out[id] = s
	}
	return out, m.seq
}

// folded forgets the marks a committed transaction put in the database,
// and empties the file when nothing was marked meanwhile.
func (m *sendingMarks) folded(done map[uint64]uint64, at uint64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, s := range done {
		if m.marked[id] == s {
			delete(m.marked, id)
		}
	}
	if m.inFile && m.seq == at && len(m.marked) == 0 && !m.closed {
		if err := m.f.Truncate(0); err == nil {
			m.inFile = false
		}
	}
}

func (m *sendingMarks) close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	return m.f.Close()
}

// foldSending, in a write transaction, records the pending marks as the
// journal's in-flight flags; replies this process flagged in an earlier
// fold (flaggedBefore) went out long ago and are deleted, so the journal
// stays small. It returns the replies it leaves flagged. (Each commit
// with marks used to decode the whole journal to find the flagged ones:
// with 32 senders, a tenth of the committer's time.)
func foldSending(tx *bbolt.Tx, marks map[uint64]uint64, flaggedBefore []uint64) ([]uint64, error) {
	if len(marks) == 0 {
		return flaggedBefore, nil
	}
	b := tx.Bucket(bReplies)
	var flagged []uint64
	for _, id := range flaggedBefore {
		if _, again := marks[id]; again {
			continue // flagged still, below
		}
		var f struct{ InFlight bool } // ReplyWaiting may have cleared it
		if v := b.Get(u64(id)); v != nil {
			decode(v, &f)
		}
		if f.InFlight {
			if err := b.Delete(u64(id)); err != nil {
				return nil, err
			}
		}
	}
	for id := range marks {
		var q storage.Queued
		if !getJSON(b, u64(id), &q) {
			continue
		}
		flagged = append(flagged, id)
		if q.InFlight {
			continue
		}
		q.InFlight = true
		if err := putJSON(b, u64(id), q); err != nil {
			return nil, err
		}
	}
	return flagged, nil
}

// forgetHandedOver, at a clean close, deletes the journal's replies that
// were handed to their platform (a crash would drop them; a clean stop
// knows they went), so the next start finds the journal empty and needs
// no write to recover it.
func (s *Store) forgetHandedOver() {
	var handed [][]byte
	s.view(func(tx *bbolt.Tx) error {
		return tx.Bucket(bReplies).ForEach(func(k, v []byte) error {
			var q storage.Queued
			decode(v, &q)
			if q.InFlight {
				handed = append(handed, append([]byte(nil), k...))
			}
			return nil
		})
	})
	if len(handed) == 0 {
		return
	}
	s.update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bReplies)
		for _, k := range handed {
			var q storage.Queued
			if getJSON(b, k, &q) && q.InFlight {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
