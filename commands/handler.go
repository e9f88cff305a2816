// Package commands is bangfu's command language: it parses what teachers and
// parents type, checks who may do what, calls storage and renders replies.
// It never sees a platform's own types.
package commands

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"bangfu/bot"
	"bangfu/commands/cadence"
	"bangfu/storage"
)

// Handler answers chat messages.
type Handler struct {
	Store storage.Store
	Cal   storage.Calendar
	Now   func() time.Time
	Log   *slog.Logger
	// School is the school's name, shown in digests and greetings.
	School string
	// GraduatingGrades leave the school when classes move up (/promote).
	GraduatingGrades []int
	// County, when this school is one of a county's, answers /county
	// (/全县): the schools' figures for the county's admins.
	County CountyDesk
	// botNames are the usernames this bot answers to in /cmd@name (a
	// command naming another bot is left alone; none: answer every one). A
	// platform adds its name once it has connected, while messages flow.
	namesMu  sync.RWMutex
	botNames []string

	specs    []*spec
	relayCmd *spec // a parent's plain private message
	// familyCallCmd is a parent's one-word 打了 after the weekend's nudge.
	familyCallCmd *spec

	// Cadences are the school's rhythm of what is owed (帮扶节奏).
	Cadences  []cadence.Rule
	pipeline  stage
	joinGuard joinGuard
	// plainAnswered is when each person's plain private message was last
	// answered with the helpful line.
	asks          planAsks // plans written as a short exchange
	planAnswerCmd *spec
	plainMu       sync.Mutex
	plainAnswered map[string]time.Time
	// confirmations are the group changes asked about and awaiting 确认.
	confirmMu     sync.Mutex
	confirmations map[string]time.Time
	// sent is each sender's last record-making line, to notice it sent twice.
	sent sentLines
	// noReplyJournal turns off journaling replies with their records: only
	// the benchmark measuring what the journal costs sets it.
	noReplyJournal bool
}

// CountyDesk answers /county <rest> (commands/county.Desk).
type CountyDesk interface {
	Answer(ctx context.Context, m bot.Message, rest string) string
	IsAdmin(m bot.Message) bool
}

// countyWords start a county command.
var countyWords = map[string]bool{"county": true, "全县": true, "县": true}

// New makes a handler over a store, sharing its calendar and clock.
func New(st storage.Store, cal storage.Calendar, now func() time.Time, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	h := &Handler{Store: st, Cal: cal, Now: now, Log: log, School: defaultSchoolName(), GraduatingGrades: []int{6, 9, 12}, specs: commandTable(), relayCmd: relaySpec(), planAnswerCmd: planAnswerSpec(), familyCallCmd: familyCallSpec(), Cadences: cadence.Defaults()}
	h.asks = planAsks{store: st, log: log}
	h.pipeline = chain(h.render, h.identify, h.locate, h.authorise, h.dedupe)(h.act)
	return h
}

// AddBotName makes /cmd@name address this bot.
func (h *Handler) AddBotName(name string) {
	h.namesMu.Lock()
	defer h.namesMu.Unlock()
	h.botNames = append(h.botNames, strings.TrimPrefix(name, "@"))
}

// botName is the first name the bot answers to, "" when none is known yet.
func (h *Handler) botName() string {
	h.namesMu.RLock()
	defer h.namesMu.RUnlock()
	if len(h.botNames) == 0 {
		return ""
	}
	return h.botNames[0]
}

func (h *Handler) isMe(name string) bool {
	h.namesMu.RLock()
	defer h.namesMu.RUnlock()
	if len(h.botNames) == 0 {
		return true
	}
	for _, n := range h.botNames {
		if strings.EqualFold(strings.TrimPrefix(n, "@"), name) {
			return true
		}
	}
	return false
}

func privateChatOf(m bot.Message) string {
	if m.Chat.Kind == bot.Private {
		return m.Chat.ID
	}
	return ""
}

func where(m bot.Message) string {
	kind := wherePrivate()
	if m.Chat.Kind == bot.Group {
		kind = whereGroup(m.Chat.Title)
	}
	return m.Platform + ":" + m.Chat.ID + "(" + kind + ")"
}

// commandLine is a message split into its command word and the rest.
type commandLine struct {
	word, botName, rest string
}

// splitCommand finds the command of a message: leading @-mentions are
// dropped, then it must start with a slash; /log@bangfu_bot names a bot.
func splitCommand(text string) (commandLine, bool) {
	s := text
	for strings.HasPrefix(s, "@") {
		i := strings.IndexAny(s, " \n")
		if i < 0 {
			return commandLine{}, false
		}
		s = strings.TrimSpace(s[i:])
	}
	if !strings.HasPrefix(s, "/") {
		return commandLine{}, false
	}
	s = strings.TrimLeft(s[1:], " ") // "/ log": a space typed after the slash
	end := strings.IndexFunc(s, func(r rune) bool { return isSep(r) })
	word, rest := s, ""
	if end >= 0 {
		word, rest = s[:end], strings.TrimSpace(strings.TrimLeftFunc(s[end:], isSep))
	}
	if word == "" {
		return commandLine{}, false
	}
	var botName string
	if i := strings.Index(word, "@"); i >= 0 {
		word, botName = word[:i], word[i+1:]
	}
	return commandLine{word: word, botName: botName, rest: rest}, true
}

// EnsureAdmin makes the person behind a platform account an admin (the
// terminal chat's machine owner).
func (h *Handler) EnsureAdmin(platform, userID, privateChat, name string) error {
	p, err := h.Store.EnsurePerson(platform, userID, privateChat, name)
	if err != nil || p.Admin {
		return err
	}
	_, err = h.Store.UpdatePerson(storage.Meta{ActorID: p.ID, Where: platform + ":local", At: h.Now()}, p.ID, "admin.local", func(p *storage.Person) error {
		p.Admin = true
		return nil
	})
	return err
}

// CLIMeta identifies the machine's owner as the actor of a command-line
// operation, for the audit log.
func (h *Handler) CLIMeta() (storage.Meta, error) {
	platform, owner := "cli", localOwnerName()
	if err := h.EnsureAdmin(platform, owner, "cli:"+owner, owner); err != nil {
		return storage.Meta{}, err
	}
	p, _, err := h.Store.PersonByAccount(platform, owner)
	return storage.Meta{ActorID: p.ID, Where: "cli", At: h.Now()}, err
}
