package main

import (
	"os"
	"strings"
	"testing"

	"bangfu/storage/postgres/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestTheTerminalChatOnPostgreSQL: with storage.url set, the bot keeps its
// school in PostgreSQL: what one run records, the next run reads; backup
// and check say they are for a bbolt file; the password never appears.
func TestTheTerminalChatOnPostgreSQL(t *testing.T) {
	url := pgtest.URL(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	os.WriteFile(cfg, []byte("school:\n  name: 测试中学\nstorage:\n  path: "+dir+"/data/bangfu.db\n  url: "+url+"\n"), 0o600)
	out, errs, code := runCLI(t, "/student add 初一3班 张三 学困 每周2次\n/log 张三 数学辅导 30分钟\n", "-config", cfg)
	if code != 0 || !strings.Contains(out, "本周第1次/目标2次") {
		t.Fatalf("first run: %d %s %s", code, out, errs)
	}
	out, errs, code = runCLI(t, "/status 张三\n", "-config", cfg)
	if code != 0 || !strings.Contains(out, "本周辅导：1次/目标2次") {
		t.Fatalf("second run did not read the first's records: %d %s %s", code, out, errs)
	}
	if _, err := os.Stat(dir + "/data/bangfu.db"); err == nil {
		t.Fatal("a bbolt file was made although storage.url is set")
	}
	_, errs, code = runCLI(t, "", "-config", cfg, "backup", dir+"/copy.db")
	if code == 0 || !strings.Contains(errs, "PostgreSQL") {
		t.Fatalf("backup on PostgreSQL: %d %s", code, errs)
	}
}

func TestTheDatabaseURLIsShownWithoutItsPassword(t *testing.T) {
	var c Config
	c.Storage.URL = "postgres://bangfu:s3cret-pw@db.example:5432/school?sslmode=disable"
	if w := c.where(); strings.Contains(w, "s3cret-pw") || !strings.Contains(w, "db.example") {
		t.Fatalf("where: %s", w)
	}
}
