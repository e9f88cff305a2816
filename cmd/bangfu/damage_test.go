package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bangfu/storage"
	"bangfu/storage/bolt"
)

// schoolFile writes a database with enough records to span many pages.
func schoolFile(t *testing.T, path string) {
	t.Helper()
	st, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i := 0; i < 300; i++ {
		m := storage.Meta{MsgKey: fmt.Sprint("t:", i), At: now}
		s, _, err := st.AddStudent(storage.Meta{At: now}, 7, 1+i%9, storage.Student{Name: fmt.Sprintf("学生%03d", i), WeeklyTarget: 2})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.AddSession(m, storage.Session{StudentID: s.ID, Subject: "数学辅导标记", Minutes: 30, At: now}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

// A damaged database (0 bytes, truncated, pages overwritten, a record's
// bytes flipped) gets one clear line, Chinese first, naming the file and
// the restore: from `run` (which starts nothing and changes nothing) and
// from `check`; never a panic, a stack or a silent empty school.
func TestDamagedDatabaseGetsOneClearLine(t *testing.T) {
	damages := map[string]func(b []byte) []byte{
		"empty":     func(b []byte) []byte { return nil },
		"truncated": func(b []byte) []byte { return b[:len(b)/2] },
		"pages overwritten": func(b []byte) []byte {
			for i := 2 * 4096; i < len(b); i++ {
				b[i] = 0xAB
			}
			return b
		},
		"record flipped": func(b []byte) []byte {
			i := bytes.Index(b, []byte("数学辅导标记"))
			if i < 0 {
				t.Fatal("no record text in the file")
			}
			b[i-1] = 0x01 // the opening quote of the value
			return b
		},
	}
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := writeConfig(t, dir, "")
			db := filepath.Join(dir, "data", "bangfu.db")
			os.MkdirAll(filepath.Dir(db), 0o700)
			schoolFile(t, db)
			if out, errs, code := runCLI(t, "", "-config", cfg, "check"); code != 0 || !strings.Contains(out, "完好") {
				t.Fatalf("a sound file: %d %s %s", code, out, errs)
			}
			b, err := os.ReadFile(db)
			if err != nil {
				t.Fatal(err)
			}
			damaged := damage(b)
			if err := os.WriteFile(db, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"run"}, {"check"}, {"check", db}} {
				out, errs, code := runCLI(t, "/status\n", append([]string{"-config", cfg}, args...)...)
				if code == 0 {
					t.Fatalf("%v on a damaged file exits 0: %s", args, out)
				}
				first := strings.SplitN(errs, "\n", 2)[0]
				if !strings.HasPrefix(first, "bangfu: 数据库文件 "+db+" 已损坏") || !strings.Contains(first, "从备份恢复") {
					t.Fatalf("%v: first line %q", args, first)
				}
				for _, bad := range []string{"goroutine", "panic(", ".go:", "还没有帮扶学生"} {
					if strings.Contains(errs+out, bad) {
						t.Fatalf("%v: output has %q:\n%s%s", args, bad, out, errs)
					}
				}
			}
			after, _ := os.ReadFile(db)
			if !bytes.Equal(after, damaged) {
				t.Fatal("the damaged file was changed")
			}
		})
	}
}

// A bot that starts with no copy makes one at once beside the database
// (backup.dir is relative to it), audited; a bad backup.every is refused.
func TestTimedBackupBesideTheDatabase(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	if _, errs, code := runCLI(t, "/student add 初一3班 张三\n", "-config", cfg); code != 0 {
		t.Fatal(errs)
	}
	copies, _ := filepath.Glob(filepath.Join(dir, "data", "backups", "bangfu-*.db"))
	if len(copies) != 1 {
		t.Fatalf("copies: %v", copies)
	}
	if err := bolt.Verify(copies[0]); err != nil {
		t.Fatalf("the copy is not sound: %v", err)
	}
	st, err := bolt.Open(filepath.Join(dir, "data", "bangfu.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log, _ := st.AuditLog(time.Time{}, time.Now().Add(time.Hour))
	st.Close()
	audited := false
	for _, e := range log {
		audited = audited || (e.Action == "backup" && e.Detail == copies[0])
	}
	if !audited {
		t.Fatal("the timed backup is not in the audit log")
	}
	bad := writeConfig(t, t.TempDir(), "backup:\n  every: often\n")
	if _, errs, code := runCLI(t, "", "-config", bad); code == 0 || !strings.Contains(errs, "backup.every") {
		t.Fatalf("bad backup.every: %d %s", code, errs)
	}
}
