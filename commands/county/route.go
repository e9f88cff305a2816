package county

import (
	"strings"

	"bangfu/bot"
	"bangfu/storage"
)

// When a county's schools share one chat account (one WeCom bot or one
// Telegram bot for the county), each message is handled by the school it
// belongs to: the school whose code it redeems (/join), the school a group
// is registered with, the school the sender is bound to; a person bound to
// several schools reaches the first in the config's order, and writes the
// other's name before a class or a student (二中/初一3班) to reach it; an
// answer to an owed list (完成 #1203) goes to the school whose item it is.

// Directory finds the school of each message. It asks the schools' stores
// each time, keeping nothing of its own: a person bound or unbound in a
// school, or a group registered elsewhere, is routed anew at the next
// message. (The stores answer from memory: bbolt's map, PostgreSQL's
// directory cache, which every change forgets.)
type Directory struct {
	Schools []Member
}

// Member is one school as routing sees it.
type Member struct {
	Key, Name string
	Store     RouteStore
	// JoinCode reads a /join line as the school's handler does.
	JoinCode func(text string) (string, bool)
	// Claim ranks how the school holds the item an answer to an owed list
	// (完成 #1203) names for its sender: 0 not at all, higher is closer
	// (commands.Handler.ClaimCode). Nil: never.
	Claim func(m bot.Message) int
}

// RouteStore is what routing reads of a school.
type RouteStore interface {
	Group(platform, chatID string) (storage.Group, bool, error)
	PersonByAccount(platform, userID string) (storage.Person, bool, error)
	InviteExists(code string) (bool, error)
}

// Route returns the index of the message's school and its text, with a
// school's name or key written before a class or student taken out.
func (d *Directory) Route(m bot.Message) (int, string) {
	if i, text, ok := d.named(m.Text); ok {
		return i, text
	}
	if code, ok := d.Schools[0].JoinCode(m.Text); ok {
		for i, s := range d.Schools {
			if found, err := s.Store.InviteExists(code); err == nil && found {
				return i, m.Text
			}
		}
	}
	if m.Chat.Kind == bot.Group {
		for i, s := range d.Schools {
			if _, found, err := s.Store.Group(m.Platform, m.Chat.ID); err == nil && found {
				return i, m.Text
			}
		}
	}
	if i, ok := d.claimed(m); ok {
		return i, m.Text
	}
	for i, s := range d.Schools {
		p, found, err := s.Store.PersonByAccount(m.Platform, m.Sender.ID)
		if err == nil && found && bound(p) {
			return i, m.Text
		}
	}
	return 0, m.Text // a stranger: the first school says how to join
}

// claimed finds the one school whose item an answer to an owed list names:
// a teacher bound to two schools gets both lists, and their codes (student
// × 10 + rule) can be alike. Where two schools hold it alike, the answer
// goes where the sender's other messages go.
func (d *Directory) claimed(m bot.Message) (int, bool) {
	best, at, ties := 0, 0, 0
	for i, s := range d.Schools {
		if s.Claim == nil {
			continue
		}
		switch c := s.Claim(m); {
		case c > best:
			best, at, ties = c, i, 1
		case c == best && c > 0:
			ties++
		}
	}
	return at, best > 0 && ties == 1
}

// bound reports whether the person holds anything in the school.
func bound(p storage.Person) bool {
	return p.Admin || p.Teacher || len(p.HeadOf) > 0 || len(p.TeachesIn) > 0 || len(p.Parents) > 0
}

// named finds "<school>/" in a command's words: that school, and the words
// without it.
func (d *Directory) named(text string) (int, string, bool) {
	if !strings.Contains(text, "/") {
		return 0, text, false
	}
	for i, s := range d.Schools {
		for _, name := range []string{s.Name, s.Key} {
			if name == "" {
				continue
			}
			if j := strings.Index(text, name+"/"); j > 0 && isWordStart(text, j) {
				return i, text[:j] + text[j+len(name)+1:], true
			}
		}
	}
	return 0, text, false
}

// isWordStart: the name starts a word (after a space), not the command.
func isWordStart(text string, j int) bool {
	prev := text[j-1]
	return prev == ' ' || prev == '\t'
}
