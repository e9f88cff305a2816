package bolt

import (
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
)

// Walking every page and record at start costs a tenth of a second on a
// year's file and grows with the years; a file that is the one this package
// closed needs no second walk. At a clean close the file's length, change
// time, inode and CRC-32C go into a note beside it. At open, a file whose
// length, change time and inode match its note is the one closed: it
// skips the walk and opens at once, and its checksum is compared in the
// background (tens of milliseconds a year's file, each school of a county
// at once otherwise), before the first write is let through; a mismatch
// there (a flipped byte at rest) refuses every write and is reported. Any
// other change since (a crash mid-run, a copied-in file, a file written
// by another program) fails the match and the file is walked as before.

const verifiedSuffix = ".verified"

// confirming holds the one checksum confirmed at a time.
var confirming = make(chan struct{}, 1)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// treeWalks counts full walks at open, for the tests.
var treeWalks atomic.Int64

// checksum is the file's length and CRC-32C, as the note writes them.
func checksum(path string) (string, error) {
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
	var n int64
	buf := make([]byte, 128<<10)
	for {
		k, err := f.Read(buf)
		sum, n = crc32.Update(sum, castagnoli, buf[:k]), n+int64(k)
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("size=%d crc32c=%08x", n, sum), nil
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

const notePrefix = "bangfu verified v2 "

// unchangedSinceCleanClose says whether the file is, by the file system's
// account, the one last closed; if so it returns the checksum to confirm
// in the background.
func unchangedSinceCleanClose(path string) (sum string, ok bool) {
	note, err := os.ReadFile(path + verifiedSuffix)
	if err != nil || !strings.HasPrefix(string(note), notePrefix) {
		return "", false
	}
	id, err := identity(path)
	if err != nil {
		return "", false
	}
	fields := strings.TrimSpace(strings.TrimPrefix(string(note), notePrefix))
	noteID, noteSum, found := strings.Cut(fields, " | ")
	if !found || noteID != id {
		return "", false
	}
	return noteSum, true
}

// noteCleanClose writes the note for the file as it is now; it is called
// with the writers stopped and the file still locked, so nobody changes it
// between the read and the note. A note that cannot be written only costs
// the next start a walk.
func noteCleanClose(path string) error {
	sum, err := checksum(path)
	if err != nil {
		return err
	}
	id, err := identity(path)
	if err != nil {
		return err
	}
	tmp := path + verifiedSuffix + ".tmp"
	if err := os.WriteFile(tmp, []byte(notePrefix+id+" | "+sum+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path+verifiedSuffix)
}

// confirm compares the checksum of a file opened on its note's word; until
// it is done no write goes through (see update), and after a mismatch none
// does.
func (s *Store) confirm(want string, onDamage func(error)) {
	defer close(s.confirmed)
	// One file at a time: a county opening twenty schools keeps a core for
	// answering while the checksums run.
	confirming <- struct{}{}
	got, err := checksum(s.path)
	<-confirming
	if err == nil && got == want {
		return
	}
	if err == nil {
		err = fmt.Errorf("the checksum is %s, it was %s at the last clean close", got, want)
	}
	s.damage = corrupt(s.path, DamageChecksum, err)
	os.Remove(s.path + verifiedSuffix) // the next start walks the file, and refuses it
	if onDamage != nil {
		onDamage(s.damage)
	}
}
