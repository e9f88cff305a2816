// Package bot holds what every chat platform shares: the platform-neutral
// message types, the Platform interface, the router that dedupes and
// recovers, and the outbox through which every reply, praise and reminder is
// sent. It knows platforms, never the database.
package bot

import (
	"context"
	"errors"
	"time"
)

// ErrPermanent wraps a send that can never succeed as it is (the chat does
// not exist, the bot was removed from the group, the topic is closed):
// retrying is pointless, and someone should be told once.
var ErrPermanent = errors.New("permanent failure")

// ErrUnreachable is returned by a platform's Send when the recipient cannot
// be messaged at all (never started the bot, blocked it, left): retrying is
// pointless and their teacher should be told instead.
var ErrUnreachable = errors.New("recipient unreachable")

// ChatKind tells a private chat from a group.
type ChatKind int

const (
	Private ChatKind = iota
	Group
)

// Chat is where a message was said or is to be sent.
type Chat struct {
	ID    string
	Kind  ChatKind
	Title string // group title, or the other person's name for a private chat
	// Thread is a forum topic within a group (Telegram's message_thread_id):
	// a reply goes to the topic it answers. "" for none.
	Thread string
}

// User is who said a message.
type User struct {
	ID   string
	Name string
}

// Message is one incoming chat message, already translated by its platform.
type Message struct {
	Platform string
	ID       string // unique within the platform; redeliveries repeat it
	Chat     Chat
	Sender   User
	Text     string
	Time     time.Time
	// Quote is the text of the message this one answers, where the
	// platform says (a Telegram reply): a teacher's answer to a relayed
	// parent's message goes back to that parent.
	Quote string
	// Media names what the message carried that the platform gave no text
	// for (语音, 图片, 视频), in private chats: a grandparent's voice
	// message must not vanish. Text is then empty, or a picture's caption.
	Media string
	// Recalls is the id of an earlier message this one withdraws (WeChat's
	// 撤回): a record it made stays, and the sender must know it.
	Recalls string
}

// Key identifies the message across platforms for deduplication.
func (m Message) Key() string { return m.Platform + ":" + m.ID }

// File is an attachment to send (the Excel export).
type File struct {
	Name string
	Data []byte
}

// Outgoing is one message to send.
type Outgoing struct {
	Platform  string
	Chat      Chat
	Text      string
	File      *File
	NotBefore time.Time // held until then (quiet hours)
	// Queued messages come from the durable outbox; QueueID is theirs.
	QueueID  uint64
	InFlight bool   // a queued message handed to its platform before a crash
	ReplyID  uint64 // a reply journaled while it waits for its turn
	PersonID uint64 // the recipient of a private message, when known
	Attempts int    // failed sends of a queued message so far
	// Answers are one-tap answers to offer as buttons where the platform
	// has them (a Telegram reply keyboard); elsewhere the text says what
	// to write back.
	Answers []string
	// To names whom a reply answers, so replies waiting together in a group
	// can go out as one message, each part headed by its addressee.
	To string
	// School is the key of the school whose outbox sent it, when a
	// county's schools share one account: its journal and its records.
	School string
}

// Platform is a chat network the bot lives on.
type Platform interface {
	Name() string
	// Run receives messages and hands each to handle until ctx ends.
	Run(ctx context.Context, handle func(context.Context, Message)) error
	// Send delivers one message now.
	Send(ctx context.Context, out Outgoing) error
}

// Stopper is a platform whose sending outlives its receiving: after Run has
// returned and the outbox's last delivery is done, Stop sends what it still
// can before ctx ends and keeps the rest for the next start.
type Stopper interface {
	Stop(ctx context.Context)
}

// Until is how long remains before ctx's deadline, or d when it has none.
func Until(ctx context.Context, d time.Duration) time.Duration {
	if deadline, ok := ctx.Deadline(); ok {
		return max(0, time.Until(deadline))
	}
	return d
}

// Sender is the outbox as the rest of the bot sees it.
type Sender interface {
	Send(ctx context.Context, out Outgoing) error
}

// Handler turns a message into the messages to send back.
type Handler interface {
	Handle(ctx context.Context, m Message) []Outgoing
}

// Reply addresses text to the chat a message came from.
func Reply(m Message, text string) Outgoing {
	return Outgoing{Platform: m.Platform, Chat: m.Chat, Text: text, To: m.Sender.Name}
}

// Sleep waits d, or less if ctx ends first; it reports whether d passed.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
