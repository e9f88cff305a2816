package bot

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"sync"
)

// secretPatterns match what the chat services put in URLs, cookies, JSON and
// XML that must never reach a log: web WeChat's session keys (skey, sid,
// uin, pass_ticket, data tickets) and Telegram bot tokens (in /bot<token>/).
// Compiled at the first log line, not at every start.
var secretPatterns = sync.OnceValue(func() []secretPattern {
	return []secretPattern{
		{regexp.MustCompile(`(?i)\b(skey|sid|uin|wxsid|wxuin|pass_ticket|webwx_data_ticket|webwx_auth_ticket|auth_ticket|ticket|deviceid|synckey)=([^&\s"';,]+)`), "$1=***"},
		{regexp.MustCompile(`(?i)"(skey|sid|uin|wxsid|wxuin|pass_?ticket|data_?ticket)"\s*:\s*("[^"]*"|\d+)`), `"$1":"***"`},
		{regexp.MustCompile(`(?i)<(skey|wxsid|wxuin|pass_ticket)>[^<]*</`), "<$1>***</"},
		{regexp.MustCompile(`(\bbot|\b)\d{5,}:[A-Za-z0-9_-]{20,}\b`), "${1}***"},
	}
})

type secretPattern struct {
	re   *regexp.Regexp
	repl string
}

// Redact removes session keys and tokens from s, and every extra secret
// given (a configured token, say).
func Redact(s string, extra ...string) string {
	for _, p := range secretPatterns() {
		s = p.re.ReplaceAllString(s, p.repl)
	}
	for _, e := range extra {
		if e != "" {
			s = strings.ReplaceAll(s, e, "***")
		}
	}
	return s
}

// RedactingHandler scrubs every log record before it is written: message,
// string and error attributes, in groups too. It sits once in front of the
// process's log, so no library's error text can carry a secret out.
type RedactingHandler struct {
	next  slog.Handler
	extra []string
}

// NewRedactingHandler wraps next; extra are further secrets to remove.
func NewRedactingHandler(next slog.Handler, extra ...string) *RedactingHandler {
	return &RedactingHandler{next: next, extra: extra}
}

func (h *RedactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *RedactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Redact(r.Message, h.extra...), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *RedactingHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Redact(v.String(), h.extra...))
	case slog.KindGroup:
		attrs := v.Group()
		clean := make([]any, len(attrs))
		for i, g := range attrs {
			clean[i] = h.attr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, Redact(err.Error(), h.extra...))
		}
		return slog.String(a.Key, Redact(v.String(), h.extra...))
	}
	return slog.Attr{Key: a.Key, Value: v}
}

func (h *RedactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return &RedactingHandler{next: h.next.WithAttrs(clean), extra: h.extra}
}

func (h *RedactingHandler) WithGroup(name string) slog.Handler {
	return &RedactingHandler{next: h.next.WithGroup(name), extra: h.extra}
}
