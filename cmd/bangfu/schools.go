package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"
)

// CountySection is the county's own part of config.yaml: who sees the
// schools' aggregates, and when the county digest goes out.
type CountySection struct {
	Name string `yaml:"name"`
	// Admins are "platform:user id" (telegram:123456789, wecom:zhangsan);
	// a person who sends /county is told theirs.
	Admins []string `yaml:"admins"`
	Digest string   `yaml:"digest"` // cron, in the first school's zone; empty: off
	// Accounts the county's schools share (one WeCom bot for the county):
	// each message is handled by the school it belongs to.
	Telegram TelegramSection `yaml:"telegram"`
	Wechat   WechatSection   `yaml:"wechat"`
	Wecom    WecomSection    `yaml:"wecom"`
}

func (c CountySection) accounts() accountsConfig {
	return accountsConfig{Telegram: c.Telegram, Wechat: c.Wechat, Wecom: c.Wecom}
}

// The keys a schools: entry may carry. The school's own keys sit in the
// entry itself; whole sections replace or refine the top level's.
var (
	schoolEntryKeys  = []string{"name", "timezone", "semester_start", "semester_end", "holidays", "makeup_days", "graduating_grades"}
	schoolEntryParts = []string{"reminders", "quiet_hours", "backup", "cadences", "telegram", "wechat", "wecom"}
	// Compiled when a county's config is read, not at every start.
	schoolKeyPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9_]{0,29}$`) })
)

// resolveSchools turns each schools: entry into a whole Config: the top
// level's values are every school's defaults, the entry's keys override
// them. Chat accounts are never inherited: one bot token or WeChat login
// serves one school. Each school's data is its own: the schema named by
// its key on PostgreSQL (storage.schema), or the file <key>.db beside
// storage.path on bbolt.
func (c *Config) resolveSchools(source []byte) error {
	if len(c.SchoolNodes) == 0 {
		if len(c.County.Admins) > 0 || c.County.Digest != "" || c.County.accounts().enabled() {
			return keyErr("county", countyWithoutSchools())
		}
		return nil
	}
	if c.Telegram.Enabled || c.Wechat.Enabled || c.Wecom.Enabled {
		return keyErr("schools", accountsUnderSchools())
	}
	if c.Storage.Schema != "" {
		return keyErr("storage.schema", schemaWithSchools())
	}
	base := *c
	base.SchoolNodes, base.County = nil, CountySection{}
	base.Telegram.Enabled, base.Telegram.Token = false, ""
	base.Wechat.Enabled = false
	base.Wecom.Enabled = false
	base.Wecom.App.CorpID, base.Wecom.App.Secret = "", ""
	seenKey, seenName := map[string]bool{}, map[string]bool{}
	for i, node := range c.SchoolNodes {
		where := fmt.Sprintf("schools[%d]", i)
		doc, key, err := schoolDocument(where, node)
		if err != nil {
			return err
		}
		s := base
		s.Reminders.MonthlyContact = slices.Clone(base.Reminders.MonthlyContact)
		s.Cadences = slices.Clone(base.Cadences)
		if err := doc.Decode(&s); err != nil {
			detail := strings.TrimPrefix(err.Error(), "yaml: ")
			if lines := typeMismatches(strings.TrimPrefix(detail, "unmarshal errors:\n"), source); lines != nil {
				detail = strings.Join(lines, "\n")
			}
			return keyErr(where, detail)
		}
		s.Key = key
		if seenKey[key] {
			return keyErr(where+".key", duplicateSchool(key))
		}
		if seenName[s.School.Name] {
			return keyErr(where+".name", duplicateSchool(s.School.Name))
		}
		seenKey[key], seenName[s.School.Name] = true, true
		s.Storage.Path = filepath.Join(filepath.Dir(c.Storage.Path), key+".db")
		if s.databaseURL() != "" {
			s.Storage.Schema = key
		}
		if c.Backup.Dir != "" && !filepath.IsAbs(c.Backup.Dir) {
			s.Backup.Dir = filepath.Join(c.Backup.Dir, key)
		}
		if err := s.check(); err != nil {
			return keyErr(where, err.Error())
		}
		c.Schools = append(c.Schools, s)
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	if e := c.County.Digest; e != "" {
		if _, err := parser.Parse(e); err != nil {
			return keyErr("county.digest", badCron(e, err))
		}
	}
	if err := c.checkCountyAccounts(); err != nil {
		return err
	}
	for i, a := range c.County.Admins {
		if p, u, ok := strings.Cut(a, ":"); !ok || p == "" || u == "" {
			return keyErr(fmt.Sprintf("county.admins[%d]", i), notAnAccount(a))
		}
	}
	return nil
}

// schoolDocument rebuilds an entry in the shape of the whole file (school:
// keys under school:, sections as they are), so decoding it onto a copy of
// the top level changes exactly what the entry names.
func schoolDocument(where string, entry yaml.Node) (*yaml.Node, string, error) {
	if entry.Kind != yaml.MappingNode {
		return nil, "", keyErr(where, schoolEntryShape())
	}
	school := &yaml.Node{Kind: yaml.MappingNode}
	doc := &yaml.Node{Kind: yaml.MappingNode}
	key := ""
	for i := 0; i+1 < len(entry.Content); i += 2 {
		k, v := entry.Content[i], entry.Content[i+1]
		switch {
		case k.Value == "key":
			key = strings.TrimSpace(v.Value)
		case k.Value == "url": // the school's own login role, for a wall the server keeps
			doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "storage"},
				&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "url"}, v}})
		case slices.Contains(schoolEntryKeys, k.Value):
			school.Content = append(school.Content, k, v)
		case slices.Contains(schoolEntryParts, k.Value):
			doc.Content = append(doc.Content, k, v)
		default:
			return nil, "", keyErr(fmt.Sprintf("%s.%s", where, k.Value), unknownSchoolKey(k.Line))
		}
		if k.Value == "name" && strings.TrimSpace(v.Value) == "" {
			return nil, "", keyErr(where+".name", mustNotBeEmpty())
		}
	}
	named := false
	for i := 0; i < len(school.Content); i += 2 {
		named = named || school.Content[i].Value == "name"
	}
	if !named {
		return nil, "", keyErr(where+".name", mustNotBeEmpty())
	}
	if !schoolKeyPattern().MatchString(key) {
		return nil, "", keyErr(where+".key", badSchoolKey(key))
	}
	if len(school.Content) > 0 {
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "school"}, school)
	}
	return doc, key, nil
}

// forSchool is the config of one school of the county, by key or name; a
// config without schools: is its own one school.
func (c Config) forSchool(which string) (Config, error) {
	if len(c.Schools) == 0 {
		if which == "" || which == c.School.Name {
			return c, nil
		}
		return c, fmt.Errorf("%s", noSchoolsList(which))
	}
	if which == "" {
		return c, fmt.Errorf("%s", chooseSchool(c.schoolKeys()))
	}
	for _, s := range c.Schools {
		if s.Key == which || s.School.Name == which {
			return s, nil
		}
	}
	return c, fmt.Errorf("%s", unknownSchool(which, c.schoolKeys()))
}

func (c Config) schoolKeys() string {
	var keys []string
	for _, s := range c.Schools {
		keys = append(keys, s.Key+"（"+s.School.Name+"）")
	}
	return strings.Join(keys, "、")
}

// secrets are every token the logs must never show, all schools' included.
func (c Config) secrets() []string {
	out := []string{c.Telegram.Token, c.Wecom.Secret, c.Wecom.App.Secret, c.County.Telegram.Token, c.County.Wecom.Secret, c.County.Wecom.App.Secret}
	for _, s := range c.Schools {
		out = append(out, s.Telegram.Token, s.Wecom.Secret, s.Wecom.App.Secret)
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}

func (a accountsConfig) enabled() bool {
	return a.Telegram.Enabled || a.Wechat.Enabled || a.Wecom.Enabled
}

// checkCountyAccounts checks the shared accounts as a school's are checked,
// and that no school has its own account on a platform the county shares
// (one bot per platform reaches a person).
func (c *Config) checkCountyAccounts() error {
	shared := c.County.accounts()
	if !shared.enabled() {
		return nil
	}
	// The secrets may come from the environment, as a lone school's do.
	for _, e := range []struct {
		v   *string
		env string
	}{{&c.County.Telegram.Token, "BANGFU_TELEGRAM_TOKEN"}, {&c.County.Wecom.Secret, "BANGFU_WECOM_SECRET"}, {&c.County.Wecom.App.Secret, "BANGFU_WECOM_APP_SECRET"}} {
		if *e.v == "" {
			*e.v = os.Getenv(e.env)
		}
	}
	shared = c.County.accounts()
	probe := Config{Telegram: shared.Telegram, Wechat: shared.Wechat, Wecom: shared.Wecom}
	if err := probe.checkAccounts(); err != nil {
		return keyErr("county", err.Error())
	}
	for i, s := range c.Schools {
		for _, p := range []struct {
			name        string
			shared, own bool
		}{{"telegram", shared.Telegram.Enabled, s.Telegram.Enabled}, {"wechat", shared.Wechat.Enabled, s.Wechat.Enabled}, {"wecom", shared.Wecom.Enabled, s.Wecom.Enabled}} {
			if p.shared && p.own {
				return keyErr(fmt.Sprintf("schools[%d].%s", i, p.name), sharedAndOwn(p.name))
			}
		}
	}
	return nil
}
