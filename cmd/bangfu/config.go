package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"bangfu/commands"
	"bangfu/commands/cadence"
	"bangfu/storage"
)

// Config is config.yaml; every key is documented in config.example.yaml.
type Config struct {
	School struct {
		Name          string   `yaml:"name"`
		Timezone      string   `yaml:"timezone"`
		SemesterStart string   `yaml:"semester_start"`
		SemesterEnd   string   `yaml:"semester_end"`
		Holidays      []string `yaml:"holidays"`
		MakeupDays    []string `yaml:"makeup_days"`
		// GraduatingGrades leave the school at /promote: 6 (小学), 9 (初中), 12 (高中).
		GraduatingGrades []int `yaml:"graduating_grades"`
	} `yaml:"school"`
	Storage struct {
		Path string `yaml:"path"`
		// URL selects PostgreSQL (postgres://…); empty: the bbolt file at Path.
		URL string `yaml:"url"`
		// Schema keeps this school apart from others in one PostgreSQL
		// database (a county's): its tables live in that schema.
		Schema string `yaml:"schema"`
	} `yaml:"storage"`
	Backup struct {
		Dir   string `yaml:"dir"`   // empty: no timed backups
		Every string `yaml:"every"` // a Go duration: 24h, 12h
		Keep  int    `yaml:"keep"`
	} `yaml:"backup"`
	QuietHours struct {
		Start string `yaml:"start"`
		End   string `yaml:"end"`
	} `yaml:"quiet_hours"`
	Telegram TelegramSection `yaml:"telegram"`
	Wechat   WechatSection   `yaml:"wechat"`
	Wecom    WecomSection    `yaml:"wecom"`
	Console  struct {
		Enabled bool `yaml:"enabled"`
	} `yaml:"console"`
	Reminders struct {
		MonthlyContact      []string `yaml:"monthly_contact"`
		MonthlyContactFinal string   `yaml:"monthly_contact_final"`
		WeeklyCheckin       string   `yaml:"weekly_checkin"`
		WeeklyDigest        string   `yaml:"weekly_digest"`
		ParentWeekly        string   `yaml:"parent_weekly"`
		PraiseNudge         string   `yaml:"praise_nudge"`
		PlanReview          string   `yaml:"plan_review"`
		Owed                string   `yaml:"owed"`
		FamilyCall          string   `yaml:"family_call"`
		Unanswered          string   `yaml:"unanswered"`
	} `yaml:"reminders"`
	// Cadences are the school's rhythm (帮扶节奏): what is owed for which
	// students, how often, by whom. A county writes them at the top level;
	// a school's own list replaces it.
	Cadences []cadence.Rule `yaml:"cadences"`
	// County and SchoolNodes make one process serve a county's schools
	// (see resolveSchools); Schools is each one's resolved config.
	County      CountySection `yaml:"county"`
	SchoolNodes []yaml.Node   `yaml:"schools"`
	Schools     []Config      `yaml:"-"`
	Key         string        `yaml:"-"` // the school's key in schools:, "" for a lone school
	// sharesAccounts: the county's accounts serve this school.
	sharesAccounts bool

	Calendar storage.Calendar `yaml:"-"`
}

// TelegramSection is one Telegram bot account.
type TelegramSection struct {
	Enabled   bool   `yaml:"enabled"`
	Token     string `yaml:"token"`
	ServerURL string `yaml:"server_url"`
}

// WechatSection is one WeChat login.
type WechatSection struct {
	Enabled       bool   `yaml:"enabled"`
	SessionFile   string `yaml:"session_file"`
	AcceptFriends bool   `yaml:"accept_friends"`
	ServerURL     string `yaml:"server_url"`
}

// WecomSection is one WeCom intelligent bot, with the optional 自建应用.
type WecomSection struct {
	Enabled   bool   `yaml:"enabled"`
	BotID     string `yaml:"bot_id"`
	Secret    string `yaml:"secret"`
	ServerURL string `yaml:"server_url"`
	// App is the optional 自建应用: proactive messages to members, and
	// 学校通知 to 家校通讯录 parents.
	App struct {
		CorpID  string `yaml:"corp_id"`
		AgentID int    `yaml:"agent_id"`
		Secret  string `yaml:"secret"`
		APIURL  string `yaml:"api_url"`
	} `yaml:"app"`
}

// enabled reports whether any chat account is switched on.
func (c Config) accountsEnabled() bool {
	return c.Telegram.Enabled || c.Wechat.Enabled || c.Wecom.Enabled
}

func defaultConfig() Config {
	var c Config
	c.School.Name = defaultSchoolName()
	c.School.Timezone = "Asia/Shanghai"
	c.School.SemesterStart = "2026-09-01"
	c.School.SemesterEnd = "2027-01-22"
	c.School.Holidays = []string{"2026-10-01..2026-10-07"}
	c.School.MakeupDays = []string{}
	c.School.GraduatingGrades = []int{6, 9, 12}
	c.Storage.Path = "data/bangfu.db"
	c.Backup.Dir, c.Backup.Every, c.Backup.Keep = "backups", "24h", 14
	c.QuietHours.Start, c.QuietHours.End = "21:30", "07:30"
	c.Wechat.SessionFile = "data/wechat-session.json"
	c.Wechat.AcceptFriends = true
	c.Console.Enabled = true
	c.Reminders.MonthlyContact = []string{"0 16 20 * *"}
	c.Reminders.MonthlyContactFinal = "16:00"
	c.Reminders.WeeklyCheckin = "0 15 * * 5"
	c.Reminders.WeeklyDigest = "0 8 * * 1"
	c.Reminders.ParentWeekly = "0 19 * * 0"
	c.Reminders.PraiseNudge = "0 16 15 * *"
	c.Reminders.PlanReview = "0 16 25 * *"
	c.Reminders.Owed = "0 16 * * 5"
	c.Reminders.FamilyCall = "0 10 * * 6"
	c.Reminders.Unanswered = "0 8 * * 1-5"
	c.Cadences = cadence.Defaults()
	return c
}

// loadConfig reads the file (a missing file means the defaults, unless the
// user named it explicitly) and checks every value, naming the bad key.
func loadConfig(path string, explicit bool) (Config, error) {
	c := defaultConfig()
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist) && !explicit:
	case err != nil:
		return c, fmt.Errorf("%s", configUnreadable(path, err))
	default:
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			return c, errors.New(configSyntax(path, strings.TrimPrefix(err.Error(), "yaml: "), data))
		}
	}
	if err := c.check(); err != nil {
		return c, errors.New(configInvalid(path, err.Error()))
	}
	if tok := os.Getenv("BANGFU_TELEGRAM_TOKEN"); tok != "" && c.Telegram.Token == "" {
		c.Telegram.Token = tok
	}
	if sec := os.Getenv("BANGFU_WECOM_SECRET"); sec != "" && c.Wecom.Secret == "" {
		c.Wecom.Secret = sec
	}
	if sec := os.Getenv("BANGFU_WECOM_APP_SECRET"); sec != "" && c.Wecom.App.Secret == "" {
		c.Wecom.App.Secret = sec
	}
	if err := c.resolveSchools(data); err != nil {
		return c, errors.New(configInvalid(path, err.Error()))
	}
	return c, nil
}

func (c *Config) check() error {
	cal, err := c.calendar()
	if err != nil {
		return err
	}
	if strings.TrimSpace(c.Storage.Path) == "" {
		return keyErr("storage.path", mustNotBeEmpty())
	}
	if err := c.checkReminders(); err != nil {
		return err
	}
	if err := cadence.Check(c.Cadences, commands.KnownCategory); err != nil {
		return keyErr("cadences", err.Error())
	}
	if c.Backup.Dir != "" {
		if d, err := time.ParseDuration(c.Backup.Every); err != nil || d < time.Minute {
			return keyErr("backup.every", notADuration(c.Backup.Every))
		}
		if c.Backup.Keep < 1 {
			return keyErr("backup.keep", atLeastOne())
		}
	}
	if err := c.checkAccounts(); err != nil {
		return err
	}
	c.Calendar = cal
	return nil
}

// checkAccounts: an account switched on has what it needs to log in.
func (c *Config) checkAccounts() error {
	if c.Telegram.Enabled && c.Telegram.Token == "" && os.Getenv("BANGFU_TELEGRAM_TOKEN") == "" {
		return keyErr("telegram.token", secretMissing("telegram.enabled", "BANGFU_TELEGRAM_TOKEN"))
	}
	return c.checkWecom()
}

// checkWecom: with WeCom on, the bot's id and secret are needed; the
// 自建应用 is all three keys or none.
func (c *Config) checkWecom() error {
	w := c.Wecom
	if !w.Enabled {
		return nil
	}
	if strings.TrimSpace(w.BotID) == "" {
		return keyErr("wecom.bot_id", wecomNeeds("wecom.bot_id"))
	}
	if w.Secret == "" && os.Getenv("BANGFU_WECOM_SECRET") == "" {
		return keyErr("wecom.secret", secretMissing("wecom.enabled", "BANGFU_WECOM_SECRET"))
	}
	if u := w.ServerURL; u != "" && !strings.HasPrefix(u, "ws://") && !strings.HasPrefix(u, "wss://") {
		return keyErr("wecom.server_url", notAURL(u))
	}
	app := w.App
	secret := app.Secret != "" || os.Getenv("BANGFU_WECOM_APP_SECRET") != ""
	if app.CorpID == "" && app.AgentID == 0 && !secret {
		return nil
	}
	for _, k := range []struct {
		key     string
		missing bool
	}{{"wecom.app.corp_id", app.CorpID == ""}, {"wecom.app.agent_id", app.AgentID == 0}, {"wecom.app.secret", !secret}} {
		if k.missing {
			return keyErr(k.key, wecomAppIncomplete(k.key))
		}
	}
	return nil
}

// chinaZoneNames are what people write for China's one time zone, which
// the zone database spells Asia/Shanghai (there is no Asia/Beijing).
var chinaZoneNames = map[string]string{
	"Asia/Beijing": "Asia/Shanghai", "Beijing": "Asia/Shanghai", "北京": "Asia/Shanghai", "北京时间": "Asia/Shanghai",
	"UTC+8": "Asia/Shanghai", "GMT+8": "Asia/Shanghai", "UTC+08:00": "Asia/Shanghai", "+08:00": "Asia/Shanghai",
}

// calendar reads the school's zone, semester, holidays and quiet hours.
func (c *Config) calendar() (storage.Calendar, error) {
	if zone, ok := chinaZoneNames[strings.TrimSpace(c.School.Timezone)]; ok {
		c.School.Timezone = zone
	}
	loc, err := time.LoadLocation(c.School.Timezone)
	if err != nil || c.School.Timezone == "" {
		return storage.Calendar{}, keyErr("school.timezone", unknownZone(c.School.Timezone))
	}
	day := func(k, v string) (time.Time, error) {
		t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v), loc)
		if err != nil {
			return t, keyErr(k, notADate(v))
		}
		return t, nil
	}
	var cal storage.Calendar
	var term storage.Term
	if term.Start, err = day("school.semester_start", c.School.SemesterStart); err != nil {
		return cal, err
	}
	if term.End, err = day("school.semester_end", c.School.SemesterEnd); err != nil {
		return cal, err
	}
	if !term.End.After(term.Start) {
		return cal, keyErr("school.semester_end", endNotAfterStart(c.School.SemesterEnd, c.School.SemesterStart))
	}
	for i, h := range c.School.Holidays {
		from, to, found := strings.Cut(h, "..")
		if !found {
			to = from
		}
		k := fmt.Sprintf("school.holidays[%d]", i)
		f, err1 := day(k, from)
		t, err2 := day(k, to)
		if err1 != nil || err2 != nil || t.Before(f) {
			return cal, keyErr(k, notARange(h))
		}
		term.Holidays = append(term.Holidays, storage.DateRange{From: f, To: t})
	}
	for i, v := range c.School.MakeupDays {
		k := fmt.Sprintf("school.makeup_days[%d]", i)
		d, err := day(k, v)
		if err != nil {
			return cal, err
		}
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return cal, keyErr(k, makeupNotWeekend(v))
		}
		term.MakeupDays = append(term.MakeupDays, d)
	}
	for i, g := range c.School.GraduatingGrades {
		if g < 1 || g > 12 {
			return cal, keyErr(fmt.Sprintf("school.graduating_grades[%d]", i), notAGrade(g))
		}
	}
	quietStart, err := clockMinutes("quiet_hours.start", c.QuietHours.Start)
	if err != nil {
		return cal, err
	}
	quietEnd, err := clockMinutes("quiet_hours.end", c.QuietHours.End)
	if err != nil {
		return cal, err
	}
	return storage.NewCalendar(loc, term, quietStart, quietEnd), nil
}

// clockMinutes reads 21:30 as minutes after midnight.
func clockMinutes(k, v string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(v))
	if err != nil {
		return 0, keyErr(k, notAClock(v))
	}
	return t.Hour()*60 + t.Minute(), nil
}

// checkReminders refuses a cron expression or time the scheduler could not
// read, naming its key; an empty one turns that reminder off.
func (c *Config) checkReminders() error {
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	for i, e := range c.Reminders.MonthlyContact {
		if _, err := parser.Parse(e); err != nil {
			return keyErr(fmt.Sprintf("reminders.monthly_contact[%d]", i), badCron(e, err))
		}
	}
	for k, e := range map[string]string{"reminders.weekly_checkin": c.Reminders.WeeklyCheckin,
		"reminders.weekly_digest": c.Reminders.WeeklyDigest, "reminders.parent_weekly": c.Reminders.ParentWeekly,
		"reminders.praise_nudge": c.Reminders.PraiseNudge, "reminders.plan_review": c.Reminders.PlanReview, "reminders.owed": c.Reminders.Owed, "reminders.family_call": c.Reminders.FamilyCall,
		"reminders.unanswered": c.Reminders.Unanswered} {
		if e == "" {
			continue
		}
		if _, err := parser.Parse(e); err != nil {
			return keyErr(k, badCron(e, err))
		}
	}
	if f := c.Reminders.MonthlyContactFinal; f != "" {
		if _, err := clockMinutes("reminders.monthly_contact_final", f); err != nil {
			return err
		}
	}
	return nil
}

// backupDir is backup.dir; a relative one is beside the database file.
func (c Config) backupDir() string {
	if filepath.IsAbs(c.Backup.Dir) {
		return c.Backup.Dir
	}
	return filepath.Join(filepath.Dir(c.Storage.Path), c.Backup.Dir)
}

// backupEvery is the checked backup.every.
func (c Config) backupEvery() time.Duration {
	d, _ := time.ParseDuration(c.Backup.Every)
	return d
}

// keyErr names the key that is wrong, and how.
func keyErr(key, what string) error { return fmt.Errorf("%s：%s", key, what) }
