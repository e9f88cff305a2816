package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Walking every page and record at start costs a tenth of a second on a
// year's file and grows with the years; a file that is the one this package
// closed needs no second walk. At a clean close the file's length, change
// time and inode go into a note beside it, with the pages that hold data
// (every page below bbolt's high-water mark but the two meta pages and the
// free ones) and their CRC-32C. At open, a file whose length, change time
// and inode match its note is the one closed: it skips the walk and opens
// at once, and the checksum of those pages is confirmed in the background
// while the bot works: a read transaction held from the open keeps every
// one of them as it was (bbolt writes a page in place only if it is free
// or a meta page, and does not reuse a page freed after a reader began
// until that reader ends). So the first reply after a restart does not
// wait for a read of the whole file, which grows with the years (and after
// a reboot comes from the disk). A mismatch (a flipped byte at rest) stops
// every write from then and is reported: the bot stops, as it would have
// refused to start. Any other change since (a crash mid-run, a copied-in
// file, a file written by another program) fails the match and the file is
// walked as before.

const verifiedSuffix = ".verified"

// confirmDelay is how long after open the checksum starts: reading the
// whole file took a core (and the disk, after a reboot) from the first
// replies after a restart, which no longer wait for it. Close, a
// migration and compaction start it at once (awaitConfirmed).
const confirmDelay = 2 * time.Second

// awaitConfirmed starts the checksum now if it is still waiting, and
// waits for it.
func (s *Store) awaitConfirmed() {
	s.hurryOnce.Do(func() { close(s.hurry) })
	<-s.confirmed
}

// confirming holds the one checksum confirmed at a time.
var confirming = make(chan struct{}, 1)

// castagnoli is made on first use: building its tables at package init
// was the largest single cost of every start-up (0.23 ms of 1.5 ms of
// init), for a sum taken in the background after a start and at a clean
// close.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// treeWalks counts full walks at open, for the tests.
var treeWalks atomic.Int64

// pages names the pages of a file that hold data: below the high-water
// mark, not a meta page (0 and 1) and not free.
type pages struct {
	size uint64 // page size
	hwm  uint64
	free []span // ascending, disjoint
}

// span is the page ids from..to-1.
type span struct{ from, to uint64 }

func (p pages) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "psize=%d pages=%d free=", p.size, p.hwm)
	for i, f := range p.free {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%d-%d", f.from, f.to)
	}
	return b.String()
}

func parsePages(fields []string) (pages, bool) {
	var p pages
	seen := 0
	for _, f := range fields {
		k, v, _ := strings.Cut(f, "=")
		var err error
		switch k {
		case "psize":
			p.size, err = strconv.ParseUint(v, 10, 64)
			seen++
		case "pages":
			p.hwm, err = strconv.ParseUint(v, 10, 64)
			seen++
		case "free":
			seen++
			if v == "" {
				continue
			}
			for _, r := range strings.Split(v, ",") {
				a, b, ok := strings.Cut(r, "-")
				from, err1 := strconv.ParseUint(a, 10, 64)
				to, err2 := strconv.ParseUint(b, 10, 64)
				if !ok || err1 != nil || err2 != nil || to <= from || (len(p.free) > 0 && from < p.free[len(p.free)-1].to) {
					return p, false
				}
				p.free = append(p.free, span{from, to})
			}
		}
		if err != nil {
			return p, false
		}
	}
	return p, seen == 3 && p.size >= 512 && p.hwm >= 2
}

// used calls fn with each run of data pages, in order.
func (p pages) used(fn func(from, to uint64) error) error {
	next := uint64(2)
	for _, f := range p.free {
		if f.from > next {
			if err := fn(next, min(f.from, p.hwm)); err != nil {
				return err
			}
		}
		next = max(next, f.to)
	}
	if next < p.hwm {
		return fn(next, p.hwm)
	}
	return nil
}

// freePagesOnDisk reads which pages are free from the freelist the last
// commit wrote (a clean close writes it; bbolt loads it at the next open),
// not through bbolt: that reads the header of every page, which would map
// the whole file into memory at each close.
func freePagesOnDisk(path string, pageSize int) (pages, error) {
	f, err := os.Open(path)
	if err != nil {
		return pages{}, err
	}
	defer f.Close()
	var m *metaPage
	for _, off := range []int64{0, int64(pageSize)} {
		if c := readMeta(f, off); c != nil && (m == nil || c.txid > m.txid) {
			m = c
		}
	}
	if m == nil || m.freelist == noFreelist || int(m.pageSize) != pageSize {
		return pages{}, errors.New("no freelist written")
	}
	p := pages{size: uint64(pageSize), hwm: m.pgid}
	at := int64(m.freelist) * int64(pageSize)
	var h [pageHeader + 8]byte
	if _, err := f.ReadAt(h[:], at); err != nil {
		return pages{}, err
	}
	le := binary.LittleEndian
	if le.Uint64(h[0:]) != m.freelist || le.Uint16(h[8:]) != freelistPage {
		return pages{}, errors.New("the freelist page is not one")
	}
	// Past 64k ids the count is the first element (bbolt's freelist.Write).
	count, first := uint64(le.Uint16(h[10:])), at+pageHeader
	if count == 0xFFFF {
		count, first = le.Uint64(h[pageHeader:]), first+8
	}
	if count > m.pgid {
		return pages{}, fmt.Errorf("the freelist holds %d ids of %d pages", count, m.pgid)
	}
	ids := make([]byte, 8*count)
	if _, err := f.ReadAt(ids, first); err != nil {
		return pages{}, err
	}
	for i := uint64(0); i < count; i++ {
		id := le.Uint64(ids[8*i:])
		n := len(p.free)
		switch {
		case id < 2 || id >= p.hwm || (n > 0 && id < p.free[n-1].to):
			return pages{}, fmt.Errorf("free page %d out of order", id)
		case n > 0 && p.free[n-1].to == id:
			p.free[n-1].to++
		default:
			p.free = append(p.free, span{id, id + 1})
		}
	}
	return p, nil
}

// checksum is the CRC-32C of the data pages.
func checksum(path string, p pages) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	// Reads of 128 KB: the file is in the page cache and each read copies
	// it into a buffer that stays in the core's cache while it is summed
	// (1 MB reads took half as long again on a year's file; mapping it
	// costs a fault per page, slower still).
	var sum uint32
	buf := make([]byte, 128<<10)
	err = p.used(func(from, to uint64) error {
		for off, end := from*p.size, to*p.size; off < end; {
			n := min(uint64(len(buf)), end-off)
			if _, err := f.ReadAt(buf[:n], int64(off)); err != nil {
				return err
			}
			sum = crc32.Update(sum, castagnoli(), buf[:n])
			off += n
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("crc32c=%08x", sum), nil
}

// identity is what the file system says of the file: length, change time
// (nanoseconds) and inode; any write through it changes the change time.
func identity(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	var ino uint64
	var ctime int64
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		ino, ctime = st.Ino, st.Ctim.Sec*1e9+st.Ctim.Nsec
	}
	return fmt.Sprintf("size=%d ctime=%d ino=%d", fi.Size(), ctime, ino), nil
}

const notePrefix = "bangfu verified v3 "

// unchangedSinceCleanClose says whether the file is, by the file system's
// account, the one last closed; if so it returns its data pages and their
// checksum, to confirm in the background.
func unchangedSinceCleanClose(path string) (p pages, sum string, ok bool) {
	note, err := os.ReadFile(path + verifiedSuffix)
	if err != nil || !strings.HasPrefix(string(note), notePrefix) {
		return p, "", false
	}
	id, err := identity(path)
	if err != nil {
		return p, "", false
	}
	fields := strings.TrimSpace(strings.TrimPrefix(string(note), notePrefix))
	noteID, rest, found := strings.Cut(fields, " | ")
	if !found || noteID != id {
		return p, "", false
	}
	words := strings.Fields(rest)
	if len(words) == 0 || !strings.HasPrefix(words[len(words)-1], "crc32c=") {
		return p, "", false
	}
	if p, ok = parsePages(words[:len(words)-1]); !ok {
		return p, "", false
	}
	return p, words[len(words)-1], true
}

// noteCleanClose writes the note for the file as it is now; it is called
// with the writers stopped and the file still locked, so nobody changes it
// between the read and the note. A note that cannot be written only costs
// the next start a walk.
func noteCleanClose(db *bbolt.DB, path string) error {
	p, err := freePagesOnDisk(path, db.Info().PageSize)
	if err != nil {
		return err
	}
	sum, err := checksum(path, p)
	if err != nil {
		return err
	}
	id, err := identity(path)
	if err != nil {
		return err
	}
	tmp := path + verifiedSuffix + ".tmp"
	if err := os.WriteFile(tmp, []byte(notePrefix+id+" | "+p.String()+" "+sum+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path+verifiedSuffix)
}

// confirm compares the checksum of the data pages of a file opened on its
// note's word, with them held as they were by snapshot (a read transaction
// begun at open), which it ends. After a mismatch no write goes through.
func (s *Store) confirm(snapshot *bbolt.Tx, p pages, want string, after time.Duration, onDamage func(error)) {
	defer close(s.confirmed)
	defer snapshot.Rollback()
	wait := time.NewTimer(after)
	select {
	case <-wait.C:
	case <-s.hurry:
		wait.Stop()
	}
	if s.beforeConfirm != nil {
		s.beforeConfirm()
	}
	// One file at a time: a county opening twenty schools keeps a core for
	// answering while the checksums run.
	confirming <- struct{}{}
	got, err := checksum(s.path, p)
	<-confirming
	if err == nil && got == want {
		return
	}
	if err == nil {
		err = fmt.Errorf("the checksum is %s, it was %s at the last clean close", got, want)
	}
	damage := corrupt(s.path, DamageChecksum, err)
	s.damage.Store(&damage)
	os.Remove(s.path + verifiedSuffix) // the next start walks the file, and refuses it
	if onDamage != nil {
		onDamage(damage)
	}
}
