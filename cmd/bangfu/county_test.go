package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"bangfu/bot/bottest"
	"bangfu/bot/telegram/telegramtest"
	"bangfu/storage"
)

// writeCounty writes a county's config: two schools, each its own file,
// the second in another zone with its own holidays.
func writeCounty(t *testing.T, dir, extra string) string {
	t.Helper()
	path := filepath.Join(dir, "config.yaml")
	body := "storage:\n  path: " + filepath.Join(dir, "data", "bangfu.db") + "\n" +
		"county:\n  name: 青山县\n  admins: [\"telegram:42\"]\n  digest: \"0 9 * * 1\"\n" +
		"schools:\n" +
		"  - key: yizhong\n    name: 青山一中\n" + semesterAroundToday("    ") +
		"  - key: erzhong\n    name: 青山二中\n" + semesterAroundToday("    ") + "    timezone: Asia/Urumqi\n    holidays: [\"2026-11-02..2026-11-04\"]\n    reminders:\n      weekly_checkin: \"0 16 * * 5\"\n" + extra
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// One process serves the county's schools, each on its own file; a school
// sees only its own students, and the county's admin (here the terminal's
// user) sees each school's figures with no names.
func TestOneProcessServesTheCountysSchoolsApart(t *testing.T) {
	dir := t.TempDir()
	cfg := writeCounty(t, dir, "")
	out, errs, code := runCLI(t, "/student add 初二1班 王五 单亲 每周3次\n/log 王五 英语 30分钟\n", "-config", cfg, "-school", "erzhong")
	if code != 0 || !strings.Contains(out, "王五") {
		t.Fatalf("the second school on its own: exit %d\n%s\n%s", code, out, errs)
	}
	out, errs, code = runCLI(t, "/help\n/student add 初一3班 张三 留守 每周2次\n/log 张三 数学 30分钟\n/status\n/county\n", "-config", cfg)
	if code != 0 {
		t.Fatalf("the county's run: exit %d\n%s", code, errs)
	}
	if help := out[:strings.Index(out, "> /student")]; !strings.Contains(help, "/county 上周") || !strings.Contains(help, "/log") {
		t.Errorf("the county's admin's /help does not tell of /county and the school's commands:\n%s", help)
	}
	status := out[strings.Index(out, "> /status"):strings.Index(out, "> /county")]
	if !strings.Contains(status, "张三") || strings.Contains(status, "王五") {
		t.Errorf("the first school's /status shows another school's student, or not its own:\n%s", status)
	}
	countyPart := out[strings.Index(out, "> /county"):]
	for _, want := range []string{"青山县各校本周帮扶情况", "青山一中：帮扶 1 人（留守儿童 1）；辅导 1/2 次", "青山二中：帮扶 1 人（单亲或父母双亡 1）；辅导 1/3 次", "青山县合计：帮扶 2 人"} {
		if !strings.Contains(countyPart, want) {
			t.Errorf("/county lacks %q:\n%s", want, countyPart)
		}
	}
	for _, name := range []string{"张三", "王五"} {
		if strings.Contains(countyPart, name) {
			t.Errorf("/county names %s:\n%s", name, countyPart)
		}
	}
	for _, f := range []string{"yizhong.db", "erzhong.db"} {
		if _, err := os.Stat(filepath.Join(dir, "data", f)); err != nil {
			t.Errorf("each school has its own file: %v", err)
		}
	}
	// Every other verb works on one school, named.
	if _, errs, code := runCLI(t, "", "-config", cfg, "invite", "admin"); code != 2 || !strings.Contains(errs, "--school") || !strings.Contains(errs, "erzhong（青山二中）") {
		t.Errorf("invite without a school: exit %d, %s", code, errs)
	}
	if out, errs, code := runCLI(t, "", "-config", cfg, "-school", "青山二中", "invite", "admin"); code != 0 || len(lastCode(t, out)) != 8 {
		t.Errorf("invite for a school by its name: exit %d, %s", code, errs)
	}
}

// Each school takes the top level's values and changes only what it names.
func TestASchoolInheritsTheCountysValuesAndOverridesItsOwn(t *testing.T) {
	dir := t.TempDir()
	c, err := loadConfig(writeCounty(t, dir, ""), true)
	if err != nil {
		t.Fatal(err)
	}
	one, two := c.Schools[0], c.Schools[1]
	if one.Calendar.Loc.String() != "Asia/Shanghai" || two.Calendar.Loc.String() != "Asia/Urumqi" {
		t.Errorf("zones: %s, %s", one.Calendar.Loc, two.Calendar.Loc)
	}
	if one.Reminders.WeeklyCheckin != "0 15 * * 5" || two.Reminders.WeeklyCheckin != "0 16 * * 5" || two.Reminders.WeeklyDigest != "0 8 * * 1" {
		t.Errorf("reminders: %+v / %+v", one.Reminders, two.Reminders)
	}
	if !one.Calendar.IsHoliday(time.Date(2026, 10, 2, 12, 0, 0, 0, one.Calendar.Loc)) || two.Calendar.IsHoliday(time.Date(2026, 10, 2, 12, 0, 0, 0, two.Calendar.Loc)) ||
		!two.Calendar.IsHoliday(time.Date(2026, 11, 3, 12, 0, 0, 0, two.Calendar.Loc)) {
		t.Errorf("holidays are each school's own")
	}
	if one.Storage.Path != filepath.Join(dir, "data", "yizhong.db") || one.Backup.Dir != filepath.Join("backups", "yizhong") {
		t.Errorf("paths: %s, %s", one.Storage.Path, one.Backup.Dir)
	}
	t.Setenv("BANGFU_DATABASE_URL", "postgres://bangfu@127.0.0.1/county")
	c, err = loadConfig(writeCounty(t, dir, ""), true)
	if err != nil || c.Schools[0].Storage.Schema != "yizhong" || c.Schools[1].Storage.Schema != "erzhong" {
		t.Errorf("on PostgreSQL each school is its schema: %v %+v", err, c.Schools)
	}
}

func TestCountyConfigErrorsNameTheKey(t *testing.T) {
	dir := t.TempDir()
	for extra, want := range map[string]string{
		"  - key: sanzhong\n    name: 青山一中\n":                                "schools[2].name",
		"  - key: yizhong\n    name: 青山三中\n":                                 "schools[2].key",
		"  - key: San-Zhong\n    name: 青山三中\n":                               "schools[2].key",
		"  - key: sanzhong\n    name: 青山三中\n    adress: 县城\n":                "schools[2].adress",
		"  - key: sanzhong\n    name: 青山三中\n    timezone: Mars/Olympus\n":    "school.timezone",
		"  - key: sanzhong\n    name: 青山三中\n    telegram: {enabled: true}\n": "telegram.token",
		"  - key: sanzhong\n    name: 青山三中\n    holidays: 国庆\n":              "holidays：这里要写一个列表",
	} {
		_, errs, code := runCLI(t, "", "-config", writeCounty(t, dir, extra), "run")
		if code != 2 || !strings.Contains(errs, want) || strings.Contains(errs, "unmarshal") {
			t.Errorf("entry %q: exit %d, stderr %q, want it to name %s", extra, code, errs, want)
		}
	}
	path := filepath.Join(dir, "config.yaml")
	os.WriteFile(path, []byte("telegram:\n  enabled: true\n  token: x\nschools:\n  - key: a\n    name: 甲校\n"), 0o600)
	if _, errs, _ := runCLI(t, "", "-config", path); !strings.Contains(errs, "schools[0].telegram") {
		t.Errorf("an account at the top with schools: %s", errs)
	}
	os.WriteFile(path, []byte("county:\n  admins: [\"42\"]\nschools:\n  - key: a\n    name: 甲校\n"), 0o600)
	if _, errs, _ := runCLI(t, "", "-config", path); !strings.Contains(errs, "county.admins[0]") {
		t.Errorf("an admin without a platform: %s", errs)
	}
}

// wiredCounty is the county of writeCounty wired in this process (the
// terminal chat, no input), closed when the test ends, and its log.
func wiredCounty(t *testing.T) (Config, *countyRun, *slog.Logger, *bytes.Buffer) {
	t.Helper()
	c, err := loadConfig(writeCounty(t, t.TempDir(), ""), true)
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	var out, errb bytes.Buffer
	run, code := wireCounty(context.Background(), c, log, strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("wire: %d %s", code, errb.String())
	}
	t.Cleanup(func() { run.close(log) })
	return c, run, log, logs
}

// The county digest goes to each admin once per week, through the school
// whose bot knows them; an admin no bot knows is logged once.
func TestTheCountyDigestGoesOncePerWeekToEachAdmin(t *testing.T) {
	c, run, log, logs := wiredCounty(t)
	apps, desk := run.apps, run.desk
	c.County.Digest = ""
	run.run(context.Background(), c, log) // the terminal's empty input ends it at once
	desk.Admins["wecom:nobody"] = true
	two := apps[1].st
	admin, err := two.EnsurePerson("telegram", "42", "p42", "王局")
	if err != nil {
		t.Fatal(err)
	}
	d := newCountyDigest(desk, apps, "0 9 * * 1", c.Schools[0].Calendar.Loc, log)
	loc := c.Schools[0].Calendar.Loc
	queued := func() []storage.Queued {
		qs, err := two.Queue(time.Date(2027, 1, 1, 0, 0, 0, 0, loc), 100)
		if err != nil {
			t.Fatal(err)
		}
		var mine []storage.Queued
		for _, q := range qs {
			if q.PersonID == admin.ID {
				mine = append(mine, q)
			}
		}
		return mine
	}
	// A first start on Monday before 09:00 still owes the last Monday's.
	d.Tick(time.Date(2026, 11, 30, 8, 59, 0, 0, loc))
	before := len(queued())
	if before != 1 {
		t.Fatalf("the digest due last Monday: %d queued", before)
	}
	d.Tick(time.Date(2026, 11, 30, 9, 1, 0, 0, loc))
	d.Tick(time.Date(2026, 11, 30, 9, 2, 0, 0, loc))
	d.Tick(time.Date(2026, 12, 2, 10, 0, 0, 0, loc))
	got := queued()
	if len(got)-before != 1 || got[len(got)-1].ChatID != "p42" || !strings.Contains(got[len(got)-1].Text, "青山县上周帮扶周报（11月23日—11月29日）") {
		t.Fatalf("one digest for the week, to the admin's private chat: %+v", got)
	}
	d.Tick(time.Date(2026, 12, 7, 9, 0, 0, 0, loc))
	if len(queued())-before != 2 {
		t.Fatalf("the next Monday's digest: %d", len(queued())-before)
	}
	if n := strings.Count(logs.String(), "wecom:nobody"); n != 1 {
		t.Errorf("an admin no bot knows is logged %d times:\n%s", n, logs.String())
	}
}

// The county example at the end of config.example.yaml, uncommented, is a
// config that loads: two schools, the county's admin and digest.
func TestTheCountyExampleLoads(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, "# county:")
	if i < 0 {
		t.Fatal("config.example.yaml has no county example")
	}
	var b strings.Builder
	b.WriteString(strings.Replace(text[:i], "data/bangfu.db", filepath.Join(t.TempDir(), "bangfu.db"), 1))
	for _, l := range strings.Split(text[i:], "\n") {
		b.WriteString(strings.TrimPrefix(l, "# ") + "\n")
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(path, []byte(b.String()), 0o600)
	c, err := loadConfig(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Schools) != 2 || c.Schools[1].School.Name != "青山二中" || c.County.Admins[0] != "telegram:123456789" || c.Schools[1].Reminders.WeeklyCheckin != "0 16 * * 5" {
		t.Fatalf("the county example: %+v", c.County)
	}
}

// TestACountysSharedBotServesEachSchool runs the built binary with one
// Telegram bot for the county's two schools: each person's messages go to
// the school they joined, with that school's students only; someone in both
// schools reaches the second by naming it; the county's admin asks the same
// bot for /county.
func TestACountysSharedBotServesEachSchool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	api := telegramtest.New("42:secret")
	defer api.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte("storage:\n  path: "+filepath.Join(dir, "data", "bangfu.db")+"\n"+
		"county:\n  name: 青山县\n  admins: [\"telegram:9\"]\n  telegram:\n    enabled: true\n    token: \"42:secret\"\n    server_url: "+api.URL+"\n"+
		"schools:\n  - key: yizhong\n    name: 青山一中\n  - key: erzhong\n    name: 青山二中\n"), 0o600)
	var logs bytes.Buffer
	bin := exec.Command(buildBinary(t), "-config", cfg)
	bin.Stderr = &syncWriter{w: &logs}
	if err := bin.Start(); err != nil {
		t.Fatal(err)
	}
	defer bin.Process.Kill()
	for _, k := range []string{"yizhong", "erzhong"} {
		if !bottest.Eventually(30*time.Second, func() bool { _, err := os.Stat(filepath.Join(dir, "data", k+".db.sock")); return err == nil }) {
			t.Fatalf("school %s never started:\n%s", k, logs.String())
		}
	}
	invite := func(school string, args ...string) string {
		out, errs, code := runCLI(t, "", append([]string{"-config", cfg, "-school", school, "invite"}, args...)...)
		if code != 0 {
			t.Fatalf("invite for %s: %s", school, errs)
		}
		return lastCode(t, out)
	}
	ask := func(user int64, name, text string) string {
		t.Helper()
		before := len(api.SentTo(user))
		api.Say(user, name, 0, "", text)
		if !bottest.Eventually(30*time.Second, func() bool { return len(api.SentTo(user)) > before }) {
			t.Fatalf("%s got no answer to %q:\n%s", name, text, logs.String())
		}
		return api.SentTo(user)[before]
	}
	if r := ask(7, "一中校长", "/join "+invite("yizhong", "admin")); !strings.Contains(r, "管理员") {
		t.Fatalf("the first school's admin: %s", r)
	}
	if r := ask(8, "二中校长", "/join "+invite("erzhong", "admin")); !strings.Contains(r, "管理员") {
		t.Fatalf("the second school's admin: %s", r)
	}
	ask(7, "一中校长", "/student add 初一3班 张三")
	ask(8, "二中校长", "/student add 初一3班 李四")
	if r := ask(7, "一中校长", "/status 初一3班"); !strings.Contains(r, "张三") || strings.Contains(r, "李四") {
		t.Errorf("the first school's class:\n%s", r)
	}
	if r := ask(8, "二中校长", "/status 初一3班"); !strings.Contains(r, "李四") || strings.Contains(r, "张三") {
		t.Errorf("the second school's class:\n%s", r)
	}
	// The first school's admin also teaches in the second: the first
	// school by default, the second by its name.
	if r := ask(7, "一中校长", "/join "+invite("erzhong", "teacher", "初一3班")); !strings.Contains(r, "初一3班") {
		t.Fatalf("joining the second school: %s", r)
	}
	if r := ask(7, "一中校长", "/status 初一3班"); !strings.Contains(r, "张三") {
		t.Errorf("someone in both schools, by default:\n%s", r)
	}
	if r := ask(7, "一中校长", "/status 青山二中/初一3班"); !strings.Contains(r, "李四") || strings.Contains(r, "张三") {
		t.Errorf("someone in both schools, naming the second:\n%s", r)
	}
	if r := ask(9, "王局", "/help"); !strings.Contains(r, "/county 上周") || strings.Contains(r, "邀请码") {
		t.Errorf("the county's admin, in no school, asking for help:\n%s", r)
	}
	if r := ask(9, "王局", "/county"); !strings.Contains(r, "青山一中：帮扶 1 人") || !strings.Contains(r, "青山二中：帮扶 1 人") {
		t.Errorf("the county's admin on the shared bot:\n%s", r)
	}
	bin.Process.Signal(syscall.SIGTERM)
	if err := bin.Wait(); err != nil {
		t.Errorf("the county's process did not end cleanly: %v\n%s", err, logs.String())
	}
	if strings.Contains(logs.String(), "42:secret") {
		t.Fatal("the token is in the log")
	}
}

// A county with no account anywhere and the terminal chat switched off has
// nothing to serve: it says so instead of running silently.
func TestACountyWithNoWayToTalkSaysSo(t *testing.T) {
	dir := t.TempDir()
	cfg := writeCounty(t, dir, "")
	data, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append([]byte("console:\n  enabled: false\n"), data...), 0o600)
	_, errs, code := runCLI(t, "", "-config", cfg)
	if code != 2 || !strings.Contains(errs, "没有启用任何平台") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

// A county's rhythm at the top level reaches every school; a school's own
// list replaces it; a bad rule is refused naming where it is.
func TestTheCountysRhythmAndASchoolsOwn(t *testing.T) {
	dir := t.TempDir()
	path := writeCounty(t, dir, "    cadences:\n      - {name: 每月家访, categories: [学困], kind: visit, every: month, times: 1}\n")
	body, _ := os.ReadFile(path)
	county := "cadences:\n  - {name: 每周电话, categories: [留守], kind: contact, with: away, every: week, times: 1, source: 县教育局留守儿童关爱办法}\n"
	if err := os.WriteFile(path, append([]byte(county), body...), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(path, true)
	if err != nil {
		t.Fatal(err)
	}
	one, two := c.Schools[0].Cadences, c.Schools[1].Cadences
	if len(one) != 1 || one[0].Name != "每周电话" || one[0].Categories[0] != "留守儿童" || one[0].Who != "mentor" {
		t.Errorf("the first school's rhythm: %+v", one)
	}
	if len(two) != 1 || two[0].Name != "每月家访" || two[0].Categories[0] != "学习困难" {
		t.Errorf("the second school's own rhythm: %+v", two)
	}
	bad := "cadences:\n  - {name: 每周电话, kind: contact, every: fortnight, times: 1}\n"
	if err := os.WriteFile(path, append([]byte(bad), body...), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadConfig(path, true); err == nil || !strings.Contains(err.Error(), "cadences") || !strings.Contains(err.Error(), "[0].every") {
		t.Errorf("a bad rule: %v", err)
	}
}

// An admin no school's bot knows yet still gets the digest where their
// platform writes to a person by account (here WeCom, through the second
// school, the first that has it); one on WeChat, whose account names no
// chat, is logged instead.
func TestTheCountyDigestReachesAnAdminNoBotKnowsByTheirAccount(t *testing.T) {
	c, run, log, logs := wiredCounty(t)
	apps, desk := run.apps, run.desk
	apps[1].out.Add(&leasePlatform{name: "wecom"})
	for a := range desk.Admins {
		delete(desk.Admins, a)
	}
	desk.Admins["wecom:WangJu"] = true
	desk.Admins["wechat:@abc"] = true
	loc := c.Schools[0].Calendar.Loc
	d := newCountyDigest(desk, apps, "0 9 * * 1", loc, log)
	queued := func(a *app) []storage.Queued {
		qs, err := a.st.Queue(time.Date(2027, 1, 1, 0, 0, 0, 0, loc), 100)
		if err != nil {
			t.Fatal(err)
		}
		return qs
	}
	d.Tick(time.Date(2026, 11, 30, 9, 1, 0, 0, loc))
	d.Tick(time.Date(2026, 11, 30, 9, 2, 0, 0, loc))
	got := queued(apps[1])
	if len(got) != 1 || got[0].Platform != "wecom" || got[0].ChatID != "WangJu" || !got[0].Private || !strings.Contains(got[0].Text, "青山县上周帮扶周报") {
		t.Fatalf("the digest for an admin on WeCom no bot knows: %+v", got)
	}
	if first := queued(apps[0]); len(first) != 0 {
		t.Errorf("the first school, which has no WeCom, queued: %+v", first)
	}
	if n := strings.Count(logs.String(), "wechat:@abc"); n != 1 {
		t.Errorf("an admin on WeChat no bot knows is logged %d times:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "WangJu") {
		t.Errorf("the WeCom admin is logged as unreachable:\n%s", logs.String())
	}
}
