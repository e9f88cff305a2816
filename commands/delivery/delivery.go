// Package delivery joins the database's durable outbox and reply journal to
// the bot package's queues, so bot never sees storage.
package delivery

import (
	"log/slog"
	"time"

	"bangfu/bot"
	"bangfu/storage"
)

// OutboxQueue shows the database's durable outbox to the bot package.
type OutboxQueue struct {
	Store storage.OutboxService
	Loc   *time.Location // the school's zone, for the times the outbox shows
	Now   func() time.Time
	Log   *slog.Logger
}

// Due implements bot.Queue.
func (q OutboxQueue) Due(until time.Time) ([]bot.Outgoing, error) {
	qs, err := q.Store.Queue(until, 500)
	if err != nil {
		return nil, err
	}
	out := make([]bot.Outgoing, 0, len(qs))
	for _, m := range qs {
		kind := bot.Group
		if m.Private {
			kind = bot.Private
		}
		out = append(out, bot.Outgoing{Platform: m.Platform, Chat: bot.Chat{ID: m.ChatID, Kind: kind, Title: m.ChatTitle, Thread: m.Thread},
			Text: m.Text, NotBefore: m.NotBefore.In(q.Loc), QueueID: m.ID, PersonID: m.PersonID, InFlight: m.InFlight, Attempts: m.Attempts, Answers: m.Answers})
	}
	return out, nil
}

func queued(o bot.Outgoing) storage.Queued {
	return storage.Queued{ID: o.QueueID, NotBefore: o.NotBefore}
}

// Done implements bot.Queue.
func (q OutboxQueue) Done(o bot.Outgoing) error { return q.Store.Dequeue(queued(o)) }

// Sending implements bot.Queue.
func (q OutboxQueue) Sending(o bot.Outgoing) error {
	err := q.Store.MarkSending(queued(o))
	if storage.ErrorCode(err) == storage.EConflict {
		return bot.ErrTaken
	}
	return err
}

// Release implements bot.Queue.
func (q OutboxQueue) Release(o bot.Outgoing) error { return q.Store.Release(queued(o)) }

// Retry implements bot.Queue.
func (q OutboxQueue) Retry(o bot.Outgoing, at time.Time) error { return q.Store.Requeue(queued(o), at) }

// Keep puts replies a platform could not send before stopping into the
// durable outbox, to go out after the restart.
func (q OutboxQueue) Keep(outs []bot.Outgoing) {
	var qs []storage.Queued
	for _, o := range outs {
		qs = append(qs, storage.Queued{Platform: o.Platform, ChatID: o.Chat.ID, ChatTitle: o.Chat.Title, Thread: o.Chat.Thread, Private: o.Chat.Kind == bot.Private,
			PersonID: o.PersonID, Text: o.Text, NotBefore: q.Now()})
	}
	if err := q.Store.Enqueue(storage.Meta{}, qs...); err != nil {
		q.Log.Error("keeping unsent replies failed", "err", err, "count", len(qs))
	}
}

// ReplyJournal keeps waiting replies in the database (bot.ReplyJournal).
type ReplyJournal struct {
	Store storage.OutboxService
	Now   func() time.Time
}

// Journal writes a waiting reply.
func (j ReplyJournal) Journal(o bot.Outgoing) (uint64, error) {
	return j.Store.JournalReply(storage.Queued{Platform: o.Platform, ChatID: o.Chat.ID, ChatTitle: o.Chat.Title, Thread: o.Chat.Thread,
		Private: o.Chat.Kind == bot.Private, PersonID: o.PersonID, Text: o.Text, NotBefore: j.Now()})
}

// Sending marks a reply as handed to its platform.
func (j ReplyJournal) Sending(o bot.Outgoing) error { return j.Store.ReplySending(o.ReplyID) }

// Waiting clears that mark when the reply did not go after all.
func (j ReplyJournal) Waiting(o bot.Outgoing) error { return j.Store.ReplyWaiting(o.ReplyID) }

// Done forgets a sent reply.
func (j ReplyJournal) Done(o bot.Outgoing) error { return j.Store.ReplyDone(o.ReplyID) }
