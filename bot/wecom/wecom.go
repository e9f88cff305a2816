// Package wecom puts bangfu into 企业微信 (WeCom) through its 智能机器人
// long connection: the bot dials WeCom's WebSocket gateway with its Bot ID
// and Secret, so a school server behind NAT needs no public address. It only
// translates: callbacks become bot.Messages, bot.Outgoing become frames (a
// reply on the callback's req_id, anything else a proactive send), and,
// where the school configured a 自建应用, proactive messages to members and
// parents go through its HTTP API (see app.go).
package wecom

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"bangfu/bot"
)

// PlatformName is WeCom's platform id in the database.
const PlatformName = "wecom"

// MaxText is how much of a message goes in one frame, in UTF-16 units: a
// markdown message's content is at most 4,096 bytes, and a Chinese
// character takes three.
const MaxText = 1300

// MaxFile is the largest file WeCom takes as temporary media (20 MB); the
// chunked upload sends it in parts of chunkSize, at most 100 of them.
const (
	MaxFile   = 20 << 20
	chunkSize = 512 << 10
)

// Config of the adapter.
type Config struct {
	BotID  string
	Secret string
	// ServerURL is the gateway (tests: the fake's ws:// address); empty:
	// DefaultServerURL.
	ServerURL  string
	HTTPClient *http.Client // dials the gateway; nil: a default client
	// App is the school's optional 自建应用: proactive messages to members
	// and parents go through it when set.
	App *App
	// Now is the clock, Sleep the pacer (back-off, rate limits), Tick the
	// heartbeat's wait; tests inject them. nil: the real ones.
	Now       func() time.Time
	Sleep     func(ctx context.Context, d time.Duration) bool
	Tick      func(ctx context.Context, d time.Duration) bool
	Heartbeat time.Duration // default 30 s, as WeCom asks
	// AckTimeout bounds the wait for WeCom's answer to a frame (default 10 s).
	AckTimeout time.Duration
	Limits     Limits
	Log        *slog.Logger
	// OnStatus is told, to pass on to the admins through another platform or
	// privately here, what only an operator can fix: credentials refused,
	// another process took the connection, a long outage, an error code.
	OnStatus func(text string)
	// Keep receives, at stop, the replies that could not go out in time.
	Keep func([]bot.Outgoing)
	// Journal keeps replies that have to wait for their turn on disk.
	Journal bot.ReplyJournal
}

// WeCom is the platform.
type WeCom struct {
	// OnUnreachable is told when a queued reply cannot reach its recipient.
	OnUnreachable func(bot.Outgoing)

	cfg     Config
	url     string
	replies *bot.ReplyQueues
	limits  *limiter
	seq     atomic.Uint64
	missed  atomic.Int32 // heartbeats without an answer on the current connection
	// lastPing is the request id of the latest heartbeat: only its answer
	// shows the connection alive now (a late answer to an older one does
	// not wipe out the pings missed since).
	lastPing atomic.Pointer[string]

	handle func(context.Context, bot.Message)
	runCtx context.Context

	mu        sync.Mutex
	intake    context.Context    // Run's: messages are handed on while it lasts
	endLife   context.CancelFunc // ends the connection (Stop)
	lifeDone  chan struct{}      // closed when the connection loop has ended
	conn      *websocket.Conn
	gen       uint64        // the connection's generation
	dead      chan struct{} // closed when the current connection ends
	online    chan struct{} // closed while subscribed
	pending   map[string]chan inFrame
	replyTo   map[string]callbackRef // chat → the last callback, to answer on its req_id
	names     map[string]string      // userid → name from the app's address book
	downSince time.Time
	toldDown  bool
	told      map[string]bool // error codes the admins heard of
}

// callbackRef is a callback that may still be answered on its req_id.
type callbackRef struct {
	reqID string
	gen   uint64
	at    time.Time
	used  bool
}

// replyWindow is how long a callback is answered on its own req_id; later
// replies (and any after a reconnect) are proactive sends.
const replyWindow = 5 * time.Minute

// New prepares the adapter; Run connects.
func New(cfg Config) *WeCom {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = bot.Sleep
	}
	if cfg.Tick == nil {
		cfg.Tick = bot.Sleep
	}
	if cfg.Heartbeat == 0 {
		cfg.Heartbeat = 30 * time.Second
	}
	if cfg.AckTimeout == 0 {
		cfg.AckTimeout = 10 * time.Second
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits
	}
	w := &WeCom{cfg: cfg, url: cfg.ServerURL, online: make(chan struct{}), pending: map[string]chan inFrame{},
		replyTo: map[string]callbackRef{}, told: map[string]bool{}, names: map[string]string{}}
	if w.url == "" {
		w.url = DefaultServerURL
	}
	w.limits = newLimiter(cfg.Limits, cfg.Now, cfg.Sleep)
	w.replies = bot.NewReplyQueues(w.deliverReply, w.ready, cfg.Log)
	w.replies.Journal = cfg.Journal
	return w
}

// Name implements bot.Platform.
func (w *WeCom) Name() string { return PlatformName }

// QueuesReplies implements bot.ReplyQueuer.
func (w *WeCom) QueuesReplies() {}

// Ready reports whether the connection is up and subscribed (the outbox
// waits otherwise). With a 自建应用 proactive messages need no connection.
func (w *WeCom) Ready() bool { return bot.Closed(w.ready()) || w.cfg.App != nil }

// Connected reports whether the long connection is up and subscribed.
func (w *WeCom) Connected() bool { return bot.Closed(w.ready()) }

func (w *WeCom) ready() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.online
}

func (w *WeCom) setOnline(on bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch open := !bot.Closed(w.online); {
	case on && open:
		close(w.online)
	case !on && !open:
		w.online = make(chan struct{})
	}
}

// errKicked ends the connection when WeCom says another one took over.
var errKicked = errors.New("wecom: another connection took this bot over")

// authError is WeCom refusing the Bot ID or Secret.
type authError struct {
	code int
	msg  string
}

func (e authError) Error() string {
	return fmt.Sprintf("wecom: subscribe refused: %d %s", e.code, e.msg)
}

// Run connects and hands messages to handle until ctx ends. The connection
// itself lasts until Stop, so the replies of the last messages still go
// out on it; callbacks arriving after ctx ended are left for WeCom to
// redeliver to the next run. A takeover by another connection ends Run.
func (w *WeCom) Run(ctx context.Context, handle func(context.Context, bot.Message)) error {
	w.handle = handle
	w.runCtx = context.WithoutCancel(ctx)
	w.mu.Lock()
	w.intake = ctx
	life, end := context.WithCancel(context.Background())
	w.endLife = end
	w.lifeDone = make(chan struct{})
	done := w.lifeDone
	w.mu.Unlock()
	kicked := make(chan struct{})
	go func() {
		defer close(done)
		if w.keepConnected(life) {
			close(kicked)
		}
	}()
	select {
	case <-ctx.Done():
	case <-kicked:
	}
	return nil
}

// keepConnected connects and reconnects with capped exponential back-off (1
// s doubling to 30 s, as WeCom's SDKs do) until life ends; true means
// another connection took the bot over, and reconnecting would only take it
// back from the other process, which would do the same.
func (w *WeCom) keepConnected(life context.Context) bool {
	wait := time.Second
	refused := 0
	for life.Err() == nil {
		subscribed, err := w.session(life)
		if life.Err() != nil {
			return false
		}
		var auth authError
		switch {
		case errors.Is(err, errKicked):
			w.cfg.Log.Error("wecom: another connection with this bot id took over; this process stops using WeCom")
			w.status(kicked())
			return true
		case errors.As(err, &auth):
			refused++
			w.cfg.Log.Error("wecom: bot id or secret refused", "errcode", auth.code, "errmsg", auth.msg)
			if refused == 1 {
				w.status(credentialsRefused(auth.code))
			}
		case subscribed:
			wait, refused = time.Second, 0
			w.cfg.Log.Warn("wecom: connection lost, reconnecting", "err", err)
		default:
			w.cfg.Log.Warn("wecom: cannot connect, retrying", "err", err, "in", wait)
		}
		w.noteDown()
		if !w.cfg.Sleep(life, wait) {
			return false
		}
		wait = min(2*wait, 30*time.Second)
	}
	return false
}

// Stop sends the replies still waiting until ctx ends (5 s without a
// deadline), keeps the rest for the durable outbox, and closes the
// connection.
func (w *WeCom) Stop(ctx context.Context) {
	if left := w.replies.Stop(bot.Until(ctx, 5*time.Second)); len(left) > 0 && w.cfg.Keep != nil {
		w.cfg.Keep(left)
	}
	w.mu.Lock()
	end, done := w.endLife, w.lifeDone
	w.mu.Unlock()
	if end != nil {
		end()
		<-done
	}
}

// outageNotice: a connection away this long is worth telling the admins.
const outageNotice = 2 * time.Minute

func (w *WeCom) noteDown() {
	w.mu.Lock()
	now := w.cfg.Now()
	if w.downSince.IsZero() {
		w.downSince = now
	}
	tell := !w.toldDown && now.Sub(w.downSince) >= outageNotice
	w.toldDown = w.toldDown || tell
	since := w.downSince
	w.mu.Unlock()
	if tell {
		w.status(unreachable(now.Sub(since)))
	}
}

func (w *WeCom) noteUp() {
	w.mu.Lock()
	told := w.toldDown
	w.downSince, w.toldDown = time.Time{}, false
	w.mu.Unlock()
	if told {
		w.status(backAgain())
	}
}

func (w *WeCom) status(text string) {
	if w.cfg.OnStatus != nil {
		w.cfg.OnStatus(text)
	}
}

// reportOnce tells the admins of an error code once per run: the message
// it failed is retried by the outbox's policy, never for ever.
func (w *WeCom) reportOnce(code int, msg string) {
	key := strconv.Itoa(code)
	w.mu.Lock()
	told := w.told[key]
	w.told[key] = true
	w.mu.Unlock()
	if !told {
		w.status(errorCode(code, msg))
	}
}

func (w *WeCom) reqID(cmd string) string {
	return cmd + "_" + strconv.FormatInt(w.cfg.Now().UnixMilli(), 10) + "_" + strconv.FormatUint(w.seq.Add(1), 10)
}

// session dials, subscribes and reads frames until the connection ends;
// subscribed says whether WeCom accepted the subscription.
func (w *WeCom) session(ctx context.Context) (subscribed bool, err error) {
	conn, _, err := websocket.Dial(ctx, w.url, &websocket.DialOptions{HTTPClient: w.cfg.HTTPClient})
	if err != nil {
		return false, err
	}
	conn.SetReadLimit(8 << 20)
	sctx, cancel := context.WithCancel(ctx)
	dead := make(chan struct{})
	w.mu.Lock()
	w.gen++
	gen := w.gen
	w.conn, w.dead = conn, dead
	w.mu.Unlock()
	w.missed.Store(0)
	defer func() {
		cancel()
		w.setOnline(false)
		w.mu.Lock()
		if w.gen == gen {
			w.conn = nil
		}
		w.mu.Unlock()
		close(dead) // frames waiting for an answer learn the connection is gone
		conn.CloseNow()
	}()
	subID := w.reqID(cmdSubscribe)
	if err := w.write(sctx, conn, outFrame{Cmd: cmdSubscribe, Headers: headers{subID}, Body: map[string]string{"bot_id": w.cfg.BotID, "secret": w.cfg.Secret}}); err != nil {
		return false, err
	}
	for {
		_, data, err := conn.Read(sctx)
		if err != nil {
			return subscribed, err
		}
		var f inFrame
		if err := json.Unmarshal(data, &f); err != nil {
			w.cfg.Log.Warn("wecom: a frame that is not JSON was ignored", "bytes", len(data))
			continue
		}
		switch {
		case f.Cmd == "" && f.Headers.ReqID == subID:
			if f.ErrCode != 0 {
				return false, authError{f.ErrCode, f.ErrMsg}
			}
			subscribed = true
			w.setOnline(true)
			w.noteUp()
			go w.heartbeat(sctx, conn)
		case f.Cmd == "" && strings.HasPrefix(f.Headers.ReqID, cmdPing):
			if last := w.lastPing.Load(); last != nil && *last == f.Headers.ReqID {
				w.missed.Store(0)
			}
		case f.Cmd == "":
			w.answer(f)
		case f.Cmd == cmdMsgCallback:
			w.onMessage(f, gen)
		case f.Cmd == cmdEventCallback:
			if w.onEvent(sctx, conn, f) {
				return subscribed, errKicked
			}
		}
	}
}

// heartbeat pings every Heartbeat; two pings without an answer mean the
// connection is dead although TCP has not noticed, and it is closed.
func (w *WeCom) heartbeat(ctx context.Context, conn *websocket.Conn) {
	for w.cfg.Tick(ctx, w.cfg.Heartbeat) {
		if w.missed.Add(1) > 2 {
			w.cfg.Log.Warn("wecom: no answer to two heartbeats; reconnecting")
			conn.CloseNow()
			return
		}
		id := w.reqID(cmdPing)
		w.lastPing.Store(&id)
		if err := w.write(ctx, conn, outFrame{Cmd: cmdPing, Headers: headers{id}}); err != nil {
			return
		}
	}
}

func (w *WeCom) write(ctx context.Context, conn *websocket.Conn, f outFrame) error {
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return conn.Write(ctx, websocket.MessageText, data)
}

// answer hands WeCom's answer to the frame waiting for it.
func (w *WeCom) answer(f inFrame) {
	w.mu.Lock()
	ch, ok := w.pending[f.Headers.ReqID]
	delete(w.pending, f.Headers.ReqID)
	w.mu.Unlock()
	if ok {
		ch <- f
	}
}

// onMessage hands a callback to the bot, in the order they arrive (the
// record is stored, deduplicated on msgid, before the next is read).
func (w *WeCom) onMessage(f inFrame, gen uint64) {
	var cb callback
	if err := json.Unmarshal(f.Body, &cb); err != nil || cb.MsgID == "" || cb.From.UserID == "" {
		return
	}
	msg, ok := translate(cb, w.cfg.Now())
	if name := w.nameOf(cb.From.UserID); ok && name != "" {
		msg.Sender.Name = name
		if msg.Chat.Kind == bot.Private {
			msg.Chat.Title = name
		}
	}
	w.mu.Lock()
	intake := w.intake
	w.mu.Unlock()
	if !ok || w.handle == nil || intake == nil || intake.Err() != nil {
		return // after the stop began: WeCom redelivers it to the next run
	}
	w.mu.Lock()
	if len(w.replyTo) > 4096 { // bounded: old callbacks are answered proactively anyway
		for chat, ref := range w.replyTo {
			if w.cfg.Now().Sub(ref.at) > replyWindow {
				delete(w.replyTo, chat)
			}
		}
	}
	w.replyTo[msg.Chat.ID] = callbackRef{reqID: f.Headers.ReqID, gen: gen, at: w.cfg.Now()}
	w.mu.Unlock()
	w.handle(w.runCtx, msg)
}

// translate turns a callback into a bot.Message; ok is false for one that
// carries no words.
func translate(cb callback, now time.Time) (bot.Message, bool) {
	text := strings.TrimSpace(cb.text())
	chat := bot.Chat{ID: cb.From.UserID, Kind: bot.Private, Title: cb.From.UserID}
	if cb.ChatType == "group" {
		chat = bot.Chat{ID: cb.ChatID, Kind: bot.Group, Title: groupTitle(cb.ChatID)}
		text = withoutMention(text)
	}
	media := ""
	if cb.ChatType != "group" {
		media = cb.media() // a picture or an untranscribed voice must not vanish
	}
	if text == "" && media == "" {
		return bot.Message{}, false
	}
	at := now
	if cb.CreateTime > 0 {
		at = time.Unix(cb.CreateTime, 0)
	}
	return bot.Message{Platform: PlatformName, ID: cb.MsgID, Chat: chat,
		Sender: bot.User{ID: cb.From.UserID, Name: cb.From.UserID}, Text: text, Time: at, Quote: cb.quoteText(), Media: media}, true
}

// withoutMention drops the "@机器人" a group message starts with.
func withoutMention(text string) string {
	if !strings.HasPrefix(text, "@") {
		return text
	}
	if i := strings.IndexAny(text, " \u2005\u00a0\n"); i > 0 {
		return strings.TrimSpace(text[i:])
	}
	return ""
}

// onEvent handles an event; true means WeCom ends this connection because
// another one took over.
func (w *WeCom) onEvent(ctx context.Context, conn *websocket.Conn, f inFrame) bool {
	var cb callback
	if err := json.Unmarshal(f.Body, &cb); err != nil {
		return false
	}
	switch cb.Event.EventType {
	case "disconnected_event":
		return true
	case "enter_chat": // a person opens the bot's chat: WeCom waits 5 s for a welcome
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		body := map[string]any{"msgtype": "text", "text": map[string]string{"content": welcome()}}
		if err := w.write(wctx, conn, outFrame{Cmd: cmdRespondWelcome, Headers: headers{f.Headers.ReqID}, Body: body}); err != nil {
			w.cfg.Log.Warn("wecom: the welcome was not sent", "err", err)
		}
	}
	return false
}

// request writes a frame and waits for WeCom's answer to it. A frame that
// could not be written is ErrNotSent: it waits for the next connection and
// goes then.
func (w *WeCom) request(ctx context.Context, cmd, reqID string, body any) (inFrame, error) {
	w.mu.Lock()
	conn, dead := w.conn, w.dead
	if conn == nil || !bot.Closed(w.online) {
		w.mu.Unlock()
		return inFrame{}, fmt.Errorf("%w: not connected to WeCom", bot.ErrNotSent)
	}
	ch := make(chan inFrame, 1)
	w.pending[reqID] = ch
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		delete(w.pending, reqID)
		w.mu.Unlock()
	}()
	if err := w.write(ctx, conn, outFrame{Cmd: cmd, Headers: headers{reqID}, Body: body}); err != nil {
		return inFrame{}, fmt.Errorf("%w: %v", bot.ErrNotSent, err)
	}
	timer := time.NewTimer(w.cfg.AckTimeout)
	defer timer.Stop()
	select {
	case a := <-ch:
		return a, nil
	case <-dead:
		// Written, but the connection ended before WeCom answered: it may
		// well have arrived, and is not sent again (never doubled). A frame
		// that could not be written at all goes after reconnecting.
		return inFrame{}, fmt.Errorf("wecom: the connection ended before WeCom answered %s; not sent again", cmd)
	case <-timer.C:
		return inFrame{}, fmt.Errorf("wecom: no answer to %s within %s", cmd, w.cfg.AckTimeout)
	case <-ctx.Done():
		return inFrame{}, fmt.Errorf("%w: %v", bot.ErrNotSent, ctx.Err())
	}
}

// Send delivers a message. Interactive replies wait in a queue per chat
// (returning at once) until the connection is up; messages from the
// durable outbox are sent before Send returns.
func (w *WeCom) Send(ctx context.Context, out bot.Outgoing) error {
	if out.QueueID == 0 && w.runCtx != nil {
		w.replies.Add(out)
		return nil
	}
	return w.deliver(ctx, out)
}

func (w *WeCom) deliverReply(ctx context.Context, out bot.Outgoing) error {
	err := w.deliver(ctx, out)
	if errors.Is(err, bot.ErrUnreachable) && w.OnUnreachable != nil {
		w.OnUnreachable(out)
	}
	return err
}

// deliver sends one message in parts, then its file.
func (w *WeCom) deliver(ctx context.Context, out bot.Outgoing) error {
	if w.cfg.App != nil && out.QueueID != 0 && w.cfg.App.Reaches(out) {
		return w.cfg.App.Deliver(ctx, out)
	}
	if isParent(out.Chat.ID) {
		return fmt.Errorf("%w: a 家校通讯录 parent is reached only through the 自建应用 (wecom.app), which is not configured", bot.ErrPermanent)
	}
	if out.Text != "" {
		for i, part := range bot.SplitText(out.Text, MaxText) {
			if err := w.sendText(ctx, out, part, i == 0 && out.QueueID == 0); err != nil {
				if i > 0 && errors.Is(err, bot.ErrNotSent) {
					return fmt.Errorf("wecom: stopped after %d of the parts: %v", i, err) // the first went: never again
				}
				return err
			}
		}
	}
	if out.File != nil {
		return w.sendFile(ctx, out)
	}
	return nil
}

// takeReplyTo returns the callback a reply may answer on its own req_id:
// the chat's last one, on this connection, recent and not answered yet.
func (w *WeCom) takeReplyTo(chat string) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ref, ok := w.replyTo[chat]
	if !ok || ref.used || ref.gen != w.gen || w.cfg.Now().Sub(ref.at) > replyWindow {
		return "", false
	}
	ref.used = true
	w.replyTo[chat] = ref
	return ref.reqID, true
}

// sendText sends one part: as the answer to the chat's callback when it is
// the first part of a reply, else as a proactive markdown message.
func (w *WeCom) sendText(ctx context.Context, out bot.Outgoing, part string, reply bool) error {
	if reply {
		if reqID, ok := w.takeReplyTo(out.Chat.ID); ok {
			if err := w.limits.wait(ctx, out.Chat.ID, false); err != nil {
				return fmt.Errorf("%w: %v", bot.ErrNotSent, err)
			}
			body := map[string]any{"msgtype": "stream", "stream": map[string]any{"id": w.reqID("stream"), "finish": true, "content": part}}
			a, err := w.request(ctx, cmdRespond, reqID, body)
			if err != nil {
				return err
			}
			if a.ErrCode == 0 {
				return nil
			}
			// The callback can no longer be answered (too late, answered
			// already): the reply goes as a proactive message instead.
			w.cfg.Log.Warn("wecom: answering the callback was refused; sending proactively", "errcode", a.ErrCode)
		}
	}
	body := map[string]any{"chatid": out.Chat.ID, "msgtype": "markdown", "markdown": map[string]string{"content": part}}
	return w.proactive(ctx, out, body)
}

// proactive sends an aibot_send_msg, paced to the bot's limits, waiting and
// trying again when WeCom says it is too fast.
func (w *WeCom) proactive(ctx context.Context, out bot.Outgoing, body map[string]any) error {
	for attempt := 0; ; attempt++ {
		if err := w.limits.wait(ctx, out.Chat.ID, true); err != nil {
			return fmt.Errorf("%w: %v", bot.ErrNotSent, err)
		}
		a, err := w.request(ctx, cmdSend, w.reqID(cmdSend), body)
		if err != nil {
			return err
		}
		err = w.classify(a.ErrCode, a.ErrMsg, out)
		if errors.Is(err, errTooFast) && attempt < 3 {
			w.cfg.Log.Warn("wecom: too many messages, waiting", "errcode", a.ErrCode)
			if !w.cfg.Sleep(ctx, time.Minute) {
				return fmt.Errorf("%w: %v", bot.ErrNotSent, ctx.Err())
			}
			continue
		}
		return err
	}
}

// errTooFast is WeCom's frequency limit (45009 接口调用超过限制, 45033 并发).
var errTooFast = errors.New("wecom: too many messages")

// classify turns WeCom's answer into an error the outbox understands.
func (w *WeCom) classify(code int, msg string, out bot.Outgoing) error {
	switch code {
	case 0:
		return nil
	case 45009, 45033:
		return errTooFast
	case 40003, 46004, 60111, 81013:
		// The recipient is not (or no longer) a member, the chat is gone.
		if out.Chat.Kind == bot.Group {
			return fmt.Errorf("%w: wecom %d %s", bot.ErrPermanent, code, msg)
		}
		return fmt.Errorf("%w: wecom %d %s", bot.ErrUnreachable, code, msg)
	}
	w.reportOnce(code, msg)
	return fmt.Errorf("wecom: errcode %d: %s", code, msg)
}

// sendFile uploads the file in chunks on the connection (init → chunks →
// finish) and sends it; its caption went before it as text.
func (w *WeCom) sendFile(ctx context.Context, out bot.Outgoing) error {
	data := out.File.Data
	if len(data) > MaxFile {
		return fmt.Errorf("%w: %s is %d bytes, over WeCom's %d", bot.ErrPermanent, out.File.Name, len(data), MaxFile)
	}
	sum := md5.Sum(data)
	chunks := max(1, (len(data)+chunkSize-1)/chunkSize)
	a, err := w.request(ctx, cmdUploadInit, w.reqID(cmdUploadInit), map[string]any{"type": "file", "filename": out.File.Name,
		"total_size": len(data), "total_chunks": chunks, "md5": hex.EncodeToString(sum[:])})
	if err != nil {
		return err
	}
	var up uploadAnswer
	if err := w.classify(a.ErrCode, a.ErrMsg, out); err != nil {
		return err
	}
	if json.Unmarshal(a.Body, &up); up.UploadID == "" {
		return errors.New("wecom: the upload got no upload_id")
	}
	for i := 0; i < chunks; i++ {
		part := data[i*chunkSize : min(len(data), (i+1)*chunkSize)]
		a, err := w.request(ctx, cmdUploadChunk, w.reqID(cmdUploadChunk), map[string]any{"upload_id": up.UploadID, "chunk_index": i,
			"base64_data": base64.StdEncoding.EncodeToString(part)})
		if err != nil {
			return err
		}
		if err := w.classify(a.ErrCode, a.ErrMsg, out); err != nil {
			return err
		}
	}
	a, err = w.request(ctx, cmdUploadFinish, w.reqID(cmdUploadFinish), map[string]any{"upload_id": up.UploadID})
	if err != nil {
		return err
	}
	if err := w.classify(a.ErrCode, a.ErrMsg, out); err != nil {
		return err
	}
	if json.Unmarshal(a.Body, &up); up.MediaID == "" {
		return errors.New("wecom: the upload got no media_id")
	}
	return w.proactive(ctx, out, map[string]any{"chatid": out.Chat.ID, "msgtype": "file", "file": map[string]string{"media_id": up.MediaID}})
}

// groupTitle names a group whose title the callback does not carry.
func groupTitle(chatID string) string {
	if len(chatID) > 6 {
		chatID = chatID[len(chatID)-6:]
	}
	return groupName(chatID)
}

// nameOf is a member's name from the 自建应用's address book, looked up once
// per user and run (a callback carries only the userid); "" without an app
// or when the app may not read names: the userid stands in.
func (w *WeCom) nameOf(userID string) string {
	if w.cfg.App == nil {
		return ""
	}
	w.mu.Lock()
	name, known := w.names[userID]
	w.mu.Unlock()
	if known {
		return name
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	name, err := w.cfg.App.MemberName(ctx, userID)
	if err != nil {
		w.cfg.Log.Info("wecom: a member's name could not be read; the userid stands in", "err", err)
	}
	w.mu.Lock()
	if len(w.names) < 10000 {
		w.names[userID] = name
	}
	w.mu.Unlock()
	return name
}
