package bolt

import (
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strings"
	"sync/atomic"
)

// Walking every page and record at start costs a tenth of a second on a
// year's file and grows with the years; a file that is byte for byte the
// one this package closed needs no second walk. At a clean close the file's
// length and CRC-32C (hardware-assisted: tens of MB in milliseconds) go
// into a note beside it; at open a file that matches its note skips the
// walk. Any change since (a crash mid-run, a copied-in file, a flipped
// byte on the disk) fails the match and the file is walked as before.

const verifiedSuffix = ".verified"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// treeWalks counts full walks at open, for the tests.
var treeWalks atomic.Int64

// fingerprint is the file's length and checksum, as the note writes them.
func fingerprint(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	// Large reads: the file is in the page cache, the syscalls are the cost.
	var sum uint32
	var n int64
	buf := make([]byte, 1<<20)
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
	return fmt.Sprintf("bangfu verified v1 size=%d crc32c=%08x\n", n, sum), nil
}

// unchangedSinceCleanClose says whether the file is the one last closed.
func unchangedSinceCleanClose(path string) bool {
	note, err := os.ReadFile(path + verifiedSuffix)
	if err != nil || !strings.HasPrefix(string(note), "bangfu verified v1 ") {
		return false
	}
	fp, err := fingerprint(path)
	return err == nil && fp == string(note)
}

// noteCleanClose writes the note for the file as it is now; it is called
// with the writers stopped and the file still locked, so nobody changes it
// between the read and the note. A note that cannot be written only costs
// the next start a walk.
func noteCleanClose(path string) error {
	fp, err := fingerprint(path)
	if err != nil {
		return err
	}
	tmp := path + verifiedSuffix + ".tmp"
	if err := os.WriteFile(tmp, []byte(fp), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path+verifiedSuffix)
}
