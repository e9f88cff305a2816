package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
)

// PanicReply is what a user sees when handling their message crashed.
const PanicReply = "抱歉，处理这条消息时出了点问题，已经记录下来。请稍后再试一次。"

// Dedupe remembers which platform messages were handled. The handler marks a
// message processed in the same transaction as its record; the router only
// drops what is known to be done already.
type Dedupe interface {
	Processed(msgKey string) (bool, error)
}

// Router hands each message to the handler once, recovers panics and sends
// the replies through the outbox.
type Router struct {
	Handler Handler
	Seen    Dedupe
	Out     Sender
	Log     *slog.Logger
}

// Dispatch handles one message synchronously.
func (r *Router) Dispatch(ctx context.Context, m Message) {
	if r.Seen != nil && m.ID != "" {
		done, err := r.Seen.Processed(m.Key())
		if err != nil {
			r.logger().Error("dedupe lookup failed", "msg", m.Key(), "err", err)
		}
		if done {
			r.logger().Info("redelivered message dropped", "msg", m.Key())
			return
		}
	}
	for _, out := range r.handle(ctx, m) {
		if err := r.Out.Send(ctx, out); err != nil {
			r.logger().Error("sending a reply failed", "msg", m.Key(), "chat", out.Chat.ID, "err", err)
		}
	}
}

func (r *Router) handle(ctx context.Context, m Message) (outs []Outgoing) {
	defer func() {
		if p := recover(); p != nil {
			r.logger().Error("panic while handling a message", "msg", m.Key(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			outs = []Outgoing{Reply(m, PanicReply)}
		}
	}()
	return r.Handler.Handle(ctx, m)
}

func (r *Router) logger() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.Default()
}
