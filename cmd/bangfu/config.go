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
	Telegram struct {
		Enabled   bool   `yaml:"enabled"`
		Token     string `yaml:"token"`
		ServerURL string `yaml:"server_url"`
	} `yaml:"telegram"`
	Wechat struct {
		Enabled       bool   `yaml:"enabled"`
		SessionFile   string `yaml:"session_file"`
		AcceptFriends bool   `yaml:"accept_friends"`
		ServerURL     string `yaml:"server_url"`
	} `yaml:"wechat"`
	Console struct {
		Enabled bool `yaml:"enabled"`
	} `yaml:"console"`
	Reminders struct {
		MonthlyContact      []string `yaml:"monthly_contact"`
		MonthlyContactFinal string   `yaml:"monthly_contact_final"`
		WeeklyCheckin       string   `yaml:"weekly_checkin"`
		WeeklyDigest        string   `yaml:"weekly_digest"`
		ParentWeekly        string   `yaml:"parent_weekly"`
	} `yaml:"reminders"`

	Calendar storage.Calendar `yaml:"-"`
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
		return c, fmt.Errorf("reading config %s: %w", path, err)
	default:
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			return c, fmt.Errorf("config %s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
		}
	}
	if err := c.check(); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if tok := os.Getenv("BANGFU_TELEGRAM_TOKEN"); tok != "" && c.Telegram.Token == "" {
		c.Telegram.Token = tok
	}
	return c, nil
}

func (c *Config) check() error {
	cal, err := c.calendar()
	if err != nil {
		return err
	}
	if strings.TrimSpace(c.Storage.Path) == "" {
		return fmt.Errorf("storage.path: must not be empty")
	}
	if err := c.checkReminders(); err != nil {
		return err
	}
	if c.Backup.Dir != "" {
		if d, err := time.ParseDuration(c.Backup.Every); err != nil || d < time.Minute {
			return fmt.Errorf("backup.every: %q is not a duration of a minute or more (write 24h or 12h)", c.Backup.Every)
		}
		if c.Backup.Keep < 1 {
			return fmt.Errorf("backup.keep: must be 1 or more")
		}
	}
	if c.Telegram.Enabled && c.Telegram.Token == "" && os.Getenv("BANGFU_TELEGRAM_TOKEN") == "" {
		return fmt.Errorf("telegram.token: empty while telegram.enabled is true (set it, or the environment variable BANGFU_TELEGRAM_TOKEN)")
	}
	c.Calendar = cal
	return nil
}

// calendar reads the school's zone, semester, holidays and quiet hours.
func (c *Config) calendar() (storage.Calendar, error) {
	loc, err := time.LoadLocation(c.School.Timezone)
	if err != nil || c.School.Timezone == "" {
		return storage.Calendar{}, fmt.Errorf("school.timezone: unknown time zone %q (for example Asia/Shanghai)", c.School.Timezone)
	}
	day := func(k, v string) (time.Time, error) {
		t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v), loc)
		if err != nil {
			return t, fmt.Errorf("%s: %q is not a date like 2026-09-01", k, v)
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
		return cal, fmt.Errorf("school.semester_end: %q is not after school.semester_start %q", c.School.SemesterEnd, c.School.SemesterStart)
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
			return cal, fmt.Errorf("%s: %q is not a day or a range like 2026-10-01..2026-10-07", k, h)
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
			return cal, fmt.Errorf("%s: %q is a weekday; a make-up school day (调休) is a Saturday or Sunday", k, v)
		}
		term.MakeupDays = append(term.MakeupDays, d)
	}
	for i, g := range c.School.GraduatingGrades {
		if g < 1 || g > 12 {
			return cal, fmt.Errorf("school.graduating_grades[%d]: %d is not a grade from 1 to 12", i, g)
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
		return 0, fmt.Errorf("%s: %q is not a time like 21:30", k, v)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// checkReminders refuses a cron expression or time the scheduler could not
// read, naming its key; an empty one turns that reminder off.
func (c *Config) checkReminders() error {
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	for i, e := range c.Reminders.MonthlyContact {
		if _, err := parser.Parse(e); err != nil {
			return fmt.Errorf("reminders.monthly_contact[%d]: %q: %v", i, e, err)
		}
	}
	for k, e := range map[string]string{"reminders.weekly_checkin": c.Reminders.WeeklyCheckin,
		"reminders.weekly_digest": c.Reminders.WeeklyDigest, "reminders.parent_weekly": c.Reminders.ParentWeekly} {
		if e == "" {
			continue
		}
		if _, err := parser.Parse(e); err != nil {
			return fmt.Errorf("%s: %q: %v", k, e, err)
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
