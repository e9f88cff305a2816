// Package commands is bangfu's command language: it parses what teachers and
// parents type, checks who may do what, calls storage and renders replies.
// It never sees a platform's own types.
package commands

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"bangfu/bot"
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
	// BotNames are the usernames this bot answers to in /cmd@name; a command
	// naming another bot is left alone. Empty: answer every /cmd@name.
	BotNames []string

	specs []*spec
}

// New makes a handler over a store, sharing its calendar and clock.
func New(st storage.Store, cal storage.Calendar, now func() time.Time, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	return &Handler{Store: st, Cal: cal, Now: now, Log: log, School: "本校", specs: commandTable()}
}

// genericFailure is shown when something unexpected went wrong; the details
// go to the log, never to the chat.
const genericFailure = "抱歉，出了点问题，这条没有保存。请稍后再试；如果一直这样，请告诉学校管理员。"

// req is one command being handled.
type req struct {
	ctx     context.Context
	msg     bot.Message
	me      storage.Person
	group   *storage.Group // nil in a private chat or an unregistered group
	private bool
	spec    *spec
	args    args
	meta    storage.Meta
	now     time.Time
	extra   []bot.Outgoing // messages to other chats
}

// audit records a read of students' files; the same transaction marks the
// message processed, so a read costs one write, and a redelivered one is
// refused there (ErrDuplicate).
func (r *req) audit(h *Handler, action, detail string, students ...uint64) error {
	err := h.Store.AuditRead(r.meta, action, detail, students...)
	if err == nil {
		r.meta.MsgKey = "" // marked
	}
	return err
}

// usage is a bad-input reply with the command's example.
func (r *req) usage(reason string) error {
	return fail("%s\n例如：%s", reason, r.spec.example)
}

// Handle parses, authorises and runs one message.
func (h *Handler) Handle(ctx context.Context, m bot.Message) []bot.Outgoing {
	text := Normalize(m.Text)
	line, ok := splitCommand(text)
	if !ok {
		return nil // plain chat: stay quiet in groups
	}
	if line.botName != "" && !h.isMe(line.botName) {
		return nil // addressed to another bot
	}
	sp, rest := h.lookup(line.word, line.rest)
	reply := func(s string) []bot.Outgoing { return []bot.Outgoing{bot.Reply(m, s)} }
	if sp == nil {
		return h.markedReply(m, reply("没有这个命令：/"+clip(line.word, 12)+"。发送 /help 查看可以用的命令。"))
	}
	me, err := h.Store.EnsurePerson(m.Platform, m.Sender.ID, privateChatOf(m), m.Sender.Name)
	if err != nil {
		h.Log.Error("looking up the sender failed", "err", err)
		return reply(genericFailure)
	}
	if me.Unreachable { // they wrote to us, so we can write to them again
		if p, err := h.Store.UpdatePerson(storage.Meta{ActorID: me.ID, Where: where(m), At: h.Now()}, me.ID, "person.reachable", func(p *storage.Person) error {
			p.Unreachable = false
			return nil
		}); err == nil {
			me = p
		}
	}
	now := h.Now()
	r := &req{ctx: ctx, msg: m, me: me, private: m.Chat.Kind == bot.Private, spec: sp, args: newArgs(rest), now: now,
		meta: storage.Meta{MsgKey: m.Key(), ActorID: me.ID, Where: where(m), At: now}}
	if m.ID == "" {
		r.meta.MsgKey = ""
	}
	var registered bool
	if !r.private {
		g, ok, err := h.Store.Group(m.Platform, m.Chat.ID)
		if err != nil {
			h.Log.Error("looking up the group failed", "err", err)
			return reply(genericFailure)
		}
		if ok {
			r.group, registered = &g, true
		}
	}
	if msg := h.refusal(r, registered); msg != "" {
		return h.markedReply(m, reply(msg))
	}
	out, err := sp.run(h, r)
	if err == nil && !sp.writes && r.meta.MsgKey != "" {
		// A read that wrote no audit entry (which would have marked it).
		err = h.Store.MarkProcessed(r.meta)
	}
	if err != nil {
		if errors.Is(err, storage.ErrDuplicate) {
			return nil // a redelivered message: it was answered the first time
		}
		if text, ok := h.userText(err); ok {
			if r.meta.MsgKey != "" { // nothing marked it: a redelivery gets no second answer
				h.markedReply(m, nil)
			}
			return reply(text)
		}
		h.Log.Error("command failed", "command", sp.name, "msg", m.Key(), "err", err)
		return reply(genericFailure)
	}
	outs := r.extra
	if out != "" {
		outs = append([]bot.Outgoing{bot.Reply(m, out)}, outs...)
	}
	return outs
}

// markedReply marks a message processed that stores nothing, so a
// redelivery is not answered twice.
func (h *Handler) markedReply(m bot.Message, outs []bot.Outgoing) []bot.Outgoing {
	if m.ID == "" {
		return outs
	}
	err := h.Store.MarkProcessed(storage.Meta{MsgKey: m.Key(), At: h.Now()})
	if errors.Is(err, storage.ErrDuplicate) {
		return nil
	}
	if err != nil {
		h.Log.Error("marking a message processed failed", "err", err)
	}
	return outs
}

func (h *Handler) isMe(name string) bool {
	if len(h.BotNames) == 0 {
		return true
	}
	for _, n := range h.BotNames {
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
	kind := "私聊"
	if m.Chat.Kind == bot.Group {
		kind = "群:" + m.Chat.Title
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
	s = s[1:]
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
	const platform, owner = "cli", "本机管理员"
	if err := h.EnsureAdmin(platform, owner, "cli:"+owner, owner); err != nil {
		return storage.Meta{}, err
	}
	p, _, err := h.Store.PersonByAccount(platform, owner)
	return storage.Meta{ActorID: p.ID, Where: "cli", At: h.Now()}, err
}
