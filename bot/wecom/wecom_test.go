package wecom_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bangfu/bot"
	"bangfu/bot/bottest"
	"bangfu/bot/wecom"
	"bangfu/bot/wecom/wecomtest"
	"bangfu/commands"
	"bangfu/commands/delivery"
	"bangfu/storage"
	"bangfu/storage/bolt"
)

const (
	botID  = "aib-bangfu"
	secret = "SECRET-do-not-log"
)

// rig is the real adapter, router, commands and a temp database, talking to
// the fake WeCom over a real WebSocket on 127.0.0.1.
type rig struct {
	t      *testing.T
	fake   *wecomtest.Server
	st     *bolt.Store
	h      *commands.Handler
	out    *bot.Outbox
	w      *wecom.WeCom
	cancel context.CancelFunc
	done   chan struct{}
	logs   *syncBuffer

	skew   atomic.Int64 // the adapter's clock runs this far ahead of the wall clock
	sleeps chan time.Duration
	ticks  chan struct{} // each heartbeat waits for one

	statusMu sync.Mutex
	statuses []string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func (r *rig) now() time.Time { return time.Now().Add(time.Duration(r.skew.Load())) }

// sleep moves the adapter's clock on by the wait at once and notes it.
func (r *rig) sleep(ctx context.Context, d time.Duration) bool {
	r.skew.Add(int64(d))
	select {
	case r.sleeps <- d:
	default:
	}
	select {
	case <-ctx.Done():
		return false
	case <-time.After(time.Millisecond): // let the fake breathe between retries
		return true
	}
}

// tick is the heartbeat's wait: one beat per token the test hands over.
func (r *rig) tick(ctx context.Context, d time.Duration) bool {
	select {
	case <-r.ticks:
		r.skew.Add(int64(d))
		return true
	case <-ctx.Done():
		return false
	}
}

func (r *rig) noteStatus(text string) {
	r.statusMu.Lock()
	r.statuses = append(r.statuses, text)
	r.statusMu.Unlock()
}

func (r *rig) told() []string {
	r.statusMu.Lock()
	defer r.statusMu.Unlock()
	return append([]string(nil), r.statuses...)
}

type rigOption func(*wecom.Config)

func newRig(t *testing.T, fake *wecomtest.Server, opts ...rigOption) *rig {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "bangfu.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, fake: fake, st: st, done: make(chan struct{}), logs: &syncBuffer{}, sleeps: make(chan time.Duration, 64), ticks: make(chan struct{})}
	log := slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r.h = commands.New(st, st.Cal, st.Now, log)
	cfg := wecom.Config{BotID: botID, Secret: secret, ServerURL: fake.URL(), HTTPClient: fake.Client(), Now: r.now, Sleep: r.sleep, Tick: r.tick,
		Limits: wecom.Limits{PerChat: 1000, ChatBurst: 100, Proactive: 1000, ProBurst: 100}, Log: log, OnStatus: r.noteStatus,
		Journal: delivery.ReplyJournal{Store: st, Now: st.Now}}
	for _, o := range opts {
		o(&cfg)
	}
	r.w = wecom.New(cfg)
	r.out = bot.NewOutbox(delivery.OutboxQueue{Store: st, Loc: st.Cal.Loc, Now: st.Now, Log: log}, st.Now, log)
	r.out.Add(r.w)
	router := &bot.Router{Handler: r.h, Seen: st, Out: r.out, Log: log}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	if err := r.h.EnsureAdmin(wecom.PlatformName, "principal", "principal", "校长"); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(r.done)
		r.w.Run(ctx, router.Dispatch)
	}()
	if !bottest.Eventually(5*time.Second, r.w.Connected) {
		t.Fatal("the adapter did not subscribe")
	}
	t.Cleanup(r.stop)
	return r
}

func (r *rig) stop() {
	r.cancel()
	<-r.done
	r.w.Stop(context.Background())
	r.st.Close()
	if strings.Contains(r.logs.String(), secret) {
		r.t.Errorf("a log line holds the secret:\n%s", r.logs.String())
	}
}

var msgSeq atomic.Int64

// say pushes a text callback and waits for the bot's first message to that
// chat after it.
func (r *rig) say(from, group, text string) wecomtest.Sent {
	r.t.Helper()
	before := len(r.fake.Sent())
	id := "msg-" + strconv.FormatInt(msgSeq.Add(1), 10)
	reqID := r.fake.Push(wecomtest.Message{MsgID: id, From: from, ChatID: group, Text: text})
	chat := from
	if group != "" {
		chat = group
	}
	m, ok := r.fake.WaitSentAfter(before, 5*time.Second, func(s wecomtest.Sent) bool { return s.ReqID == reqID || s.ChatID == chat })
	if !ok {
		r.t.Fatalf("no answer to %q\n%s", text, r.logs.String())
	}
	return m
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestATeacherThroughWeCom(t *testing.T) {
	fake := wecomtest.New(botID, secret)
	t.Cleanup(fake.Close) // after the rig has stopped
	r := newRig(t, fake)

	// The principal invites a head teacher; WeCom user ids are the identity.
	code := lastLine(r.say("principal", "", "/invite teacher 初一3班 班主任").Text)
	a := r.say("li", "", "/join "+code)
	if a.Cmd != "aibot_respond_msg" || a.MsgType != "stream" || !strings.Contains(a.Text, "初一3班的班主任") {
		t.Fatalf("the reply to /join: %+v", a)
	}
	r.say("principal", "", "/student add 初一3班 张三 学困 每周2次")
	got := r.say("li", "", "/log 张三 数学辅导 30分钟")
	if !strings.Contains(got.Text, "已记录：张三（初一3班）数学辅导 30分钟") {
		t.Fatalf("/log: %+v", got)
	}
	p, ok, _ := r.st.PersonByAccount(wecom.PlatformName, "li")
	if !ok || !p.IsHeadOf(mustClass(t, r.st)) {
		t.Fatalf("the WeCom user id is not bound: %+v", p)
	}

	// In a group, "@机器人 /log …" works once the group is registered.
	r.say("li", "wrGROUP01", "@帮扶助手 /group teacher 初一3班")
	g := r.say("li", "wrGROUP01", "@帮扶助手\u2005/log 张三 英语 20分钟")
	if !strings.Contains(g.Text, "英语 20分钟") || strings.Contains(g.Text, "学困") {
		t.Fatalf("group /log: %+v", g)
	}

	// A redelivered callback is recorded and answered once.
	before := len(fake.Sent())
	fake.Push(wecomtest.Message{MsgID: "dup-1", From: "li", Text: "/log 张三 语文 25分钟"})
	fake.Push(wecomtest.Message{MsgID: "dup-1", From: "li", Text: "/log 张三 语文 25分钟"})
	fake.Push(wecomtest.Message{MsgID: "after-dup", From: "li", Text: "/help"})
	fake.WaitSent(5*time.Second, func(s wecomtest.Sent) bool { return strings.Contains(s.Text, "你可以用这些命令") })
	n := 0
	for _, s := range fake.Sent()[before:] {
		if strings.Contains(s.Text, "语文 25分钟") {
			n++
		}
	}
	ss, _ := r.st.SessionsBetween(time.Time{}, time.Now().AddDate(1, 0, 0))
	if n != 1 || len(ss) != 3 {
		t.Fatalf("a redelivery: %d replies, %d sessions stored", n, len(ss))
	}

	// /export arrives as the .xlsx itself, uploaded in chunks on the connection.
	before = len(fake.Sent())
	fake.Push(wecomtest.Message{MsgID: "exp-1", From: "principal", Text: "/export"})
	f, ok := fake.WaitSentAfter(before, 10*time.Second, func(s wecomtest.Sent) bool { return s.MsgType == "file" })
	if !ok || !strings.HasSuffix(f.FileName, ".xlsx") || !bytes.HasPrefix(f.FileData, []byte("PK")) || f.ChatID != "principal" {
		t.Fatalf("the export: %q, %d bytes to %q", f.FileName, len(f.FileData), f.ChatID)
	}

	// Opening the bot's chat gets the welcome WeCom waits 5 s for.
	fake.EnterChat("newcomer")
	if _, ok := fake.WaitSent(5*time.Second, func(s wecomtest.Sent) bool {
		return s.Cmd == "aibot_respond_welcome_msg" && strings.Contains(s.Text, "/join")
	}); !ok {
		t.Fatal("no welcome")
	}
}

func mustClass(t *testing.T, st *bolt.Store) uint64 {
	t.Helper()
	c, ok, err := st.ClassByGrade(7, 3)
	if !ok || err != nil {
		t.Fatalf("class: %v %v", ok, err)
	}
	return c.ID
}

// TestADroppedConnectionLosesNoReply: the record is stored, the connection
// drops before the reply can go; after reconnecting the reply goes (as a
// proactive message, the callback's req_id being gone), and WeCom's
// redelivery of the callback is neither recorded nor answered again. A
// reply WeCom took just as the connection failed (its answer lost) is not
// sent a second time.
func TestADroppedConnectionLosesNoReply(t *testing.T) {
	fake := wecomtest.New(botID, secret)
	t.Cleanup(fake.Close) // after the rig has stopped
	// The first reply is held until the adapter has noticed the drop and
	// reconnected: that is the case under test (a reply written just
	// before the drop is the last case, below), not a race between them.
	held := &holdFirstSending{until: func() bool { return fake.Subscriptions() >= 2 }}
	r := newRig(t, fake, func(c *wecom.Config) { held.ReplyJournal, c.Journal = c.Journal, held })
	r.say("principal", "", "/student add 初一3班 张三")

	held.armed.Store(true)
	fake.PushThenDrop(wecomtest.Message{MsgID: "m-drop", From: "principal", Text: "/log 张三 数学 30分钟"})
	if !fake.WaitFor(5*time.Second, func() bool { return fake.Subscriptions() >= 2 }) {
		t.Fatal("the adapter did not reconnect")
	}
	got, ok := fake.WaitSent(5*time.Second, func(s wecomtest.Sent) bool { return strings.Contains(s.Text, "数学 30分钟") })
	if !ok || got.Cmd != "aibot_send_msg" || got.ChatID != "principal" {
		t.Fatalf("the reply after reconnecting: %+v %v", got, ok)
	}
	fake.Push(wecomtest.Message{MsgID: "m-drop", From: "principal", Text: "/log 张三 数学 30分钟"}) // WeCom redelivers
	r.say("principal", "", "/status 张三")                                                      // answered after the redelivery was handled

	fake.DropAfterNextSend()
	r.say("principal", "", "/log 张三 语文 20分钟")
	if !fake.WaitFor(5*time.Second, func() bool { return fake.Subscriptions() >= 3 }) {
		t.Fatal("the adapter did not reconnect the second time")
	}
	r.say("principal", "", "/status 张三") // after the reconnect: anything resent would be before this
	count := func(text string) int {
		n := 0
		for _, s := range fake.Sent() {
			if strings.Contains(s.Text, text) {
				n++
			}
		}
		return n
	}
	ss, _ := r.st.SessionsBetween(time.Time{}, time.Now().AddDate(1, 0, 0))
	if count("已记录：张三（初一3班）数学") != 1 || count("已记录：张三（初一3班）语文") != 1 || len(ss) != 2 {
		t.Fatalf("after the drops and the redelivery: %d and %d replies, %d sessions", count("数学"), count("语文"), len(ss))
	}
}

// TestProactiveSendsFilesAndLimits: the outbox's messages go as markdown
// via aibot_send_msg; a file goes up in 512 KB chunks and arrives whole; a
// 45009 waits a minute and tries again; another errcode is told once.
func TestProactiveSendsFilesAndLimits(t *testing.T) {
	fake := wecomtest.New(botID, secret)
	t.Cleanup(fake.Close) // after the rig has stopped
	r := newRig(t, fake)
	ctx := context.Background()

	if err := r.w.Send(ctx, bot.Outgoing{Platform: wecom.PlatformName, Chat: bot.Chat{ID: "wrGROUP01", Kind: bot.Group}, Text: "周一小结", QueueID: 1}); err != nil {
		t.Fatal(err)
	}
	if s, ok := fake.WaitSent(time.Second, func(s wecomtest.Sent) bool { return s.Text == "周一小结" }); !ok || s.Cmd != "aibot_send_msg" || s.MsgType != "markdown" {
		t.Fatalf("proactive: %+v", s)
	}

	data := make([]byte, 1300<<10) // three chunks
	rand.Read(data)
	if err := r.w.Send(ctx, bot.Outgoing{Platform: wecom.PlatformName, Chat: bot.Chat{ID: "principal", Kind: bot.Private}, Text: "全校档案.xlsx", QueueID: 2,
		File: &bot.File{Name: "全校档案.xlsx", Data: data}}); err != nil {
		t.Fatal(err)
	}
	f, ok := fake.WaitSent(time.Second, func(s wecomtest.Sent) bool { return s.MsgType == "file" })
	if !ok || f.FileName != "全校档案.xlsx" || !bytes.Equal(f.FileData, data) {
		t.Fatalf("the file arrived as %q, %d bytes", f.FileName, len(f.FileData))
	}

	fake.FailNext(45009)
	waited := make(chan time.Duration, 1)
	go func() {
		for d := range r.sleeps {
			if d == time.Minute {
				waited <- d
				return
			}
		}
	}()
	if err := r.w.Send(ctx, bot.Outgoing{Platform: wecom.PlatformName, Chat: bot.Chat{ID: "wrGROUP01", Kind: bot.Group}, Text: "限流之后", QueueID: 3}); err != nil {
		t.Fatalf("after a 45009: %v", err)
	}
	select {
	case <-waited:
	case <-time.After(5 * time.Second):
		t.Fatal("a 45009 did not wait a minute")
	}

	fake.FailNext(40008, 40008)
	for i := 0; i < 2; i++ {
		if err := r.w.Send(ctx, bot.Outgoing{Platform: wecom.PlatformName, Chat: bot.Chat{ID: "wrGROUP01", Kind: bot.Group}, Text: "x", QueueID: 4}); err == nil {
			t.Fatal("an errcode was taken as sent")
		}
	}
	n := 0
	for _, s := range r.told() {
		if strings.Contains(s, "40008") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the admins heard of errcode 40008 %d times: %q", n, r.told())
	}
}

// TestHeartbeatsAndTakeover: two heartbeats without an answer close the
// connection and a new one is made; a second process with the same bot
// takes the connection over, and the first stops instead of fighting back.
func TestHeartbeatsAndTakeover(t *testing.T) {
	fake := wecomtest.New(botID, secret)
	t.Cleanup(fake.Close) // after the rig has stopped
	r := newRig(t, fake)
	r.ticks <- struct{}{}
	if !fake.WaitFor(5*time.Second, func() bool { return fake.Pings() == 1 }) {
		t.Fatal("no heartbeat")
	}
	fake.MuteHeartbeats(true)
	for i := 0; i < 3; i++ {
		r.ticks <- struct{}{}
	}
	if !fake.WaitFor(5*time.Second, func() bool { return fake.Subscriptions() == 2 }) {
		t.Fatal("a connection without heartbeat answers was kept")
	}
	fake.MuteHeartbeats(false)

	second := wecom.New(wecom.Config{BotID: botID, Secret: secret, ServerURL: fake.URL(), HTTPClient: fake.Client(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go second.Run(ctx, func(context.Context, bot.Message) {})
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the first process kept fighting for the connection")
	}
	if told := strings.Join(r.told(), "\n"); !strings.Contains(told, "另一个程序用同一个智能机器人") {
		t.Fatalf("the admins were not told: %q", told)
	}
	if fake.Subscriptions() != 3 {
		t.Fatalf("%d subscriptions: the first reconnected after the takeover", fake.Subscriptions())
	}
}

func TestRefusedSecretIsToldOnceAndRetried(t *testing.T) {
	fake := wecomtest.New(botID, "another secret")
	t.Cleanup(fake.Close) // after the rig has stopped
	st, err := bolt.Open(filepath.Join(t.TempDir(), "b.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var told []string
	var mu sync.Mutex
	tries := make(chan time.Duration, 16)
	var logs syncBuffer
	w := wecom.New(wecom.Config{BotID: botID, Secret: secret, ServerURL: fake.URL(), HTTPClient: fake.Client(), Log: slog.New(slog.NewTextHandler(&logs, nil)),
		OnStatus: func(s string) { mu.Lock(); told = append(told, s); mu.Unlock() },
		Sleep: func(ctx context.Context, d time.Duration) bool {
			select {
			case tries <- d:
				return true
			default: // enough retries seen: wait for the end
				<-ctx.Done()
				return false
			}
		}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx, func(context.Context, bot.Message) {}); close(done) }()
	var waits []time.Duration
	for len(waits) < 6 {
		waits = append(waits, <-tries)
	}
	cancel()
	<-done
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("back-off %v, want %v", waits, want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(told) != 1 || !strings.Contains(told[0], "wecom.secret") {
		t.Fatalf("the admins were told %q", told)
	}
	if strings.Contains(logs.String(), secret) || w.Ready() {
		t.Fatalf("a refused secret: logged or ready:\n%s", logs.String())
	}
}

// TestTheAppSendsToMembersAndParents: with a 自建应用, proactive private
// messages go through message/send with a cached token (refreshed once when
// WeCom says it expired); a 家校通讯录 parent gets a 学校通知 ending with how
// to reach the teacher, and one who has not followed 学校通知 is unreachable.
func TestTheAppSendsToMembersAndParents(t *testing.T) {
	fake := wecomtest.New(botID, secret)
	t.Cleanup(fake.Close) // after the rig has stopped
	fake.SetApp("ww-corp", "APP-SECRET-do-not-log")
	fake.School = []wecomtest.Class{{ID: 7, Name: "初一3班", Students: []wecomtest.Student{{UserID: "s1", Name: "张三",
		Parents: []wecomtest.Parent{{UserID: "p-mum", Relation: "妈妈", Subscribed: true}, {UserID: "p-dad", Relation: "爸爸"}}}}}}
	var appLogs syncBuffer
	app := wecom.NewApp(wecom.AppConfig{CorpID: "ww-corp", AgentID: 1000002, Secret: "APP-SECRET-do-not-log", APIURL: fake.APIURL(), HTTPClient: fake.Client(),
		Log: slog.New(slog.NewTextHandler(&appLogs, nil))})
	fake.Members = map[string]string{"li": "李老师"}
	r := newRig(t, fake, func(c *wecom.Config) { c.App = app })
	ctx := context.Background()

	// A callback carries only the userid: the app's address book names them.
	code := lastLine(r.say("principal", "", "/invite teacher 初一3班 班主任").Text)
	if got := r.say("li", "", "/join "+code); !strings.Contains(got.Text, "欢迎李老师") {
		t.Fatalf("the name from the address book: %+v", got)
	}
	if got := r.say("stranger", "", "/help"); got.Text == "" {
		t.Fatal("a member the app cannot name got no answer")
	}
	calls := fake.TokenCalls()
	send := func(chat, text string) error {
		return r.w.Send(ctx, bot.Outgoing{Platform: wecom.PlatformName, Chat: bot.Chat{ID: chat, Kind: bot.Private}, Text: text, QueueID: 9})
	}
	for _, text := range []string{"提醒一", "提醒二"} {
		if err := send("li", text); err != nil {
			t.Fatal(err)
		}
	}
	if fake.TokenCalls() != calls {
		t.Fatalf("gettoken called %d more times for two messages", fake.TokenCalls()-calls)
	}
	fake.ExpireTokens()
	if err := send("li", "提醒三"); err != nil {
		t.Fatalf("after the token expired: %v", err)
	}
	for _, text := range []string{"提醒一", "提醒二", "提醒三"} {
		if s, ok := fake.WaitSent(time.Second, func(s wecomtest.Sent) bool { return s.Text == text }); !ok || s.Cmd != "message/send" || s.ChatID != "li" {
			t.Fatalf("%s: %+v", text, s)
		}
	}
	if err := send(wecom.ParentChatID("p-mum"), "张三这周数学作业全对"); err != nil {
		t.Fatal(err)
	}
	n, ok := fake.WaitSent(time.Second, func(s wecomtest.Sent) bool { return s.Cmd == "学校通知" })
	if !ok || n.ChatID != "p-mum" || !strings.HasPrefix(n.Text, "张三这周数学作业全对") || !strings.Contains(n.Text, "直接回复老师收不到") {
		t.Fatalf("the school notice: %+v", n)
	}
	// A long list goes in parts the server keeps whole (it cuts a text
	// after 2,048 bytes): every line arrives, in order.
	var long []string
	for i := 1; i <= 60; i++ {
		long = append(long, fmt.Sprintf("· 学生%02d（初一3班） 本周0/2次 还差2次，本月未联系家长", i))
	}
	if err := send("li", strings.Join(long, "\n")); err != nil {
		t.Fatal(err)
	}
	var got []string
	if !bottest.Eventually(5*time.Second, func() bool {
		got = got[:0]
		for _, s := range fake.Sent() {
			if s.Cmd == "message/send" && strings.HasPrefix(s.Text, "· 学生") {
				if len(s.Text) > 2048 {
					t.Fatalf("a part of %d bytes", len(s.Text))
				}
				got = append(got, s.Text)
			}
		}
		return strings.Join(got, "\n") == strings.Join(long, "\n")
	}) {
		t.Fatalf("the long list arrived as %d parts: %q", len(got), got)
	}
	if err := send(wecom.ParentChatID("p-dad"), "x"); err == nil || !strings.Contains(err.Error(), bot.ErrUnreachable.Error()) {
		t.Fatalf("a parent who has not followed 学校通知: %v", err)
	}
	if strings.Contains(appLogs.String(), "APP-SECRET") || strings.Contains(r.logs.String(), "APP-SECRET") {
		t.Fatal("the app secret reached a log line")
	}
	_ = storage.Meta{}
}

// holdFirstSending, once armed, holds the next reply marked sending until
// until holds (or 30 s pass, when the test fails anyway).
type holdFirstSending struct {
	bot.ReplyJournal
	until func() bool
	armed atomic.Bool
}

func (h *holdFirstSending) Sending(o bot.Outgoing) error {
	if h.armed.CompareAndSwap(true, false) {
		bottest.Eventually(30*time.Second, h.until)
	}
	return h.ReplyJournal.Sending(o)
}

// A teacher answers a parent's relayed message by quoting it (引用) in
// WeCom: the answer reaches that parent alone.
func TestATeacherAnswersARelayedMessageByQuotingIt(t *testing.T) {
	fake := wecomtest.New(botID, secret)
	t.Cleanup(fake.Close) // after the rig has stopped
	r := newRig(t, fake)
	r.say("principal", "", "/student add 初一3班 张三")
	r.say("li", "", "/join "+lastLine(r.say("principal", "", "/invite teacher 初一3班 班主任").Text))
	r.say("ma", "", "/join "+lastLine(r.say("li", "", "/invite parent 张三 妈妈").Text))

	if got := r.say("ma", "", "孩子这两天感冒了，体育课想请假"); !strings.Contains(got.Text, "已转给") {
		t.Fatalf("the parent was told %+v", got)
	}
	r.out.Flush(context.Background())
	relayed, ok := fake.WaitSent(5*time.Second, func(s wecomtest.Sent) bool { return s.ChatID == "li" && strings.Contains(s.Text, "【家长留言】") })
	if !ok || !strings.Contains(relayed.Text, "体育课想请假") {
		t.Fatalf("the head teacher got %+v", fake.Sent())
	}
	before := len(fake.Sent())
	reqID := fake.Push(wecomtest.Message{MsgID: "quote-1", From: "li", Text: "可以，我跟体育老师说", Quote: relayed.Text})
	if a, ok := fake.WaitSentAfter(before, 5*time.Second, func(s wecomtest.Sent) bool { return s.ReqID == reqID }); !ok || !strings.Contains(a.Text, "已回复张三的妈妈") {
		t.Fatalf("the teacher was told %+v", a)
	}
	r.out.Flush(context.Background())
	if a, ok := fake.WaitSent(5*time.Second, func(s wecomtest.Sent) bool {
		return s.ChatID == "ma" && strings.Contains(s.Text, "我跟体育老师说")
	}); !ok || !strings.Contains(a.Text, "回复您（关于张三）") {
		t.Fatalf("the parent got %+v", fake.Sent())
	}

	// A picture in the single chat (msgtype image) reaches the head
	// teacher as a notice to call back.
	before = len(fake.Sent())
	reqID = fake.Push(wecomtest.Message{MsgID: "image-1", From: "ma", Image: true})
	if a, ok := fake.WaitSentAfter(before, 5*time.Second, func(s wecomtest.Sent) bool { return s.ReqID == reqID }); !ok || !strings.Contains(a.Text, "收到您的图片") {
		t.Fatalf("the parent was told %+v", a)
	}
	r.out.Flush(context.Background())
	if _, ok := fake.WaitSent(5*time.Second, func(s wecomtest.Sent) bool {
		return s.ChatID == "li" && strings.Contains(s.Text, "（发来一张图片，机器人转不过来")
	}); !ok {
		t.Fatalf("the head teacher got %+v", fake.Sent())
	}
}
