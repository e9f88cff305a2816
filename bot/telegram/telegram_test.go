package telegram_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bangfu/bot"
	"bangfu/bot/bottest"
	"bangfu/bot/telegram"
	"bangfu/bot/telegram/telegramtest"
	"bangfu/commands"
	"bangfu/commands/delivery"
	"bangfu/storage"
	"bangfu/storage/bolt"
)

const token = "123456:TEST-token"

// rig is the real adapter, router, commands and a temp database, talking to
// the fake Bot API through the real go-telegram/bot client.
type rig struct {
	t      *testing.T
	api    *telegramtest.Server
	st     *bolt.Store
	h      *commands.Handler
	out    *bot.Outbox
	tg     *telegram.Telegram
	cancel context.CancelFunc
	done   chan struct{}
	path   string

	mu   sync.Mutex
	kept []bot.Outgoing
	skew atomic.Int64                  // how far the adapter's clock is ahead of the wall clock
	hold atomic.Bool                   // the pacer blocks: replies stay waiting
	gate atomic.Pointer[chan struct{}] // while set, the pacer waits for it to close

	statusMu sync.Mutex
	statuses []string // what the admins were told
	statusCh chan struct{}
}

func (r *rig) noteStatus(text string) {
	r.statusMu.Lock()
	r.statuses = append(r.statuses, text)
	r.statusMu.Unlock()
	select {
	case r.statusCh <- struct{}{}:
	default:
	}
}

// awaitStatus waits for the n-th status line told to the admins.
func (r *rig) awaitStatus(n int) []string {
	r.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		r.statusMu.Lock()
		got := append([]string(nil), r.statuses...)
		r.statusMu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-r.statusCh:
		case <-deadline:
			r.t.Fatalf("the admins were told %d things, want %d: %q", len(got), n, got)
		}
	}
}

// sleep is the adapter's pacer in tests: hold (when set) blocks it, as a
// pacer still waiting; otherwise it is pace.
func (r *rig) sleep(ctx context.Context, d time.Duration) bool {
	if r.hold.Load() {
		<-ctx.Done()
		return false
	}
	if gate := r.gate.Load(); gate != nil {
		select { // the pacer is still waiting: replies pile up behind it
		case <-*gate:
		case <-ctx.Done():
			return false
		}
	}
	return r.pace(ctx, d)
}

// pace is the adapter's waits in tests: the injected clock moves on by the
// wait at once, so Telegram's limits and backoff are exercised without the
// wall clock.
func (r *rig) pace(ctx context.Context, d time.Duration) bool {
	r.advance(d)
	select {
	case <-ctx.Done():
		return false
	case <-time.After(time.Millisecond): // let the fake breathe between retries
		return true
	}
}

// now is the adapter's clock: the wall clock moved on by advance.
func (r *rig) now() time.Time { return time.Now().Add(time.Duration(r.skew.Load())) }

func (r *rig) advance(d time.Duration) { r.skew.Add(int64(d)) }

func newRig(t *testing.T, api *telegramtest.Server, path string, limits telegram.Limits) *rig {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "bangfu.db")
	}
	st, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := commands.New(st, st.Cal, st.Now, log)
	var menu []telegram.MenuItem
	for _, m := range h.Menu() {
		menu = append(menu, telegram.MenuItem{Command: m.Command, Description: m.Description, InGroups: m.InGroups})
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &rig{t: t, api: api, st: st, h: h, cancel: cancel, done: make(chan struct{}), path: path, statusCh: make(chan struct{}, 1)}
	api.Clock(r.now)
	tg, err := telegram.New(telegram.Config{OnReady: h.AddBotName, OnStatus: r.noteStatus, Sleep: r.sleep, Token: token, ServerURL: api.URL, PollTimeout: 2 * time.Second, Now: r.now,
		HTTPClient: &http.Client{Timeout: 5 * time.Second}, State: st, Log: log, Limits: limits, Menu: menu,
		Keep:    func(outs []bot.Outgoing) { r.mu.Lock(); r.kept = append(r.kept, outs...); r.mu.Unlock() },
		Journal: delivery.ReplyJournal{Store: st, Now: st.Now}})
	if err != nil {
		t.Fatal(err)
	}
	out := bot.NewOutbox(delivery.OutboxQueue{Store: st, Loc: st.Cal.Loc, Now: st.Now, Log: log}, st.Now, log)
	out.Add(tg)
	out.OnUnreachable = func(o bot.Outgoing) { h.MarkUnreachable(context.Background(), o) }
	out.OnGivenUp = func(o bot.Outgoing, err error) { r.noteStatus("given up: " + o.Chat.ID + ": " + err.Error()) }
	tg.OnUnreachable = out.OnUnreachable
	router := &bot.Router{Handler: h, Seen: st, Out: out, Log: log}
	r.out, r.tg = out, tg
	go func() {
		defer close(r.done)
		tg.Run(ctx, router.Dispatch)
	}()
	if err := h.EnsureAdmin(telegram.PlatformName, "1", "1", "校长"); err != nil {
		t.Fatal(err)
	}
	return r
}

// stop ends polling, waits for the handler in flight and closes the database.
// startRig is a fake Bot API and a running rig on a new database, with the
// fast limits; both are stopped when the test ends.
func startRig(t *testing.T) (*telegramtest.Server, *rig) {
	t.Helper()
	api := telegramtest.New(token)
	t.Cleanup(api.Close)
	r := newRig(t, api, "", fast)
	t.Cleanup(r.stop)
	return api, r
}

// headTeacher puts 张三 on 初一3班's register and 李老师 (chat 2) at the
// class's head.
func (r *rig) headTeacher() {
	r.say(1, "校长", 0, "", "/student add 初一3班 张三")
	r.say(2, "李老师", 0, "", "/join "+lastLine(r.say(1, "校长", 0, "", "/invite teacher 初一3班 班主任")))
}

// mother binds 张三妈妈 (chat 3) to 张三 with the head teacher's code.
func (r *rig) mother() {
	r.say(3, "张三妈妈", 0, "", "/join "+lastLine(r.say(2, "李老师", 0, "", "/invite parent 张三 妈妈")))
}

func (r *rig) stop() {
	r.cancel()
	<-r.done
	r.tg.Stop(context.Background())
	r.st.Close()
}

var fast = telegram.Limits{PerChat: 1000, ChatBurst: 100, PerGroup: 1000, GroupBurst: 100, Global: 1000, GlobalBurst: 100}

// say sends a message and waits for the bot's answer in the same chat.
func (r *rig) say(from int64, name string, groupID int64, group, text string) string {
	r.t.Helper()
	chat := from
	if group != "" {
		chat = groupID
	}
	before := len(r.api.SentTo(chat))
	r.api.Say(from, name, groupID, group, text)
	var got []string
	if bottest.Eventually(5*time.Second, func() bool { got = r.api.SentTo(chat); return len(got) > before }) {
		return strings.Join(got[before:], "\n")
	}
	r.t.Fatalf("no answer to %q", text)
	return ""
}

func lastLine(s string) string {
	lines := strings.Split(s, "\n")
	return lines[len(lines)-1]
}

const group = -1001234

func TestATeacherWeekThroughTelegram(t *testing.T) {
	api, r := startRig(t)

	if got := r.say(1, "校长", 0, "", "/student add 初一3班 张三 留守 每周2次"); !strings.Contains(got, "已加入帮扶名单：张三（初一3班）") {
		t.Fatalf("add: %s", got)
	}
	code := lastLine(r.say(1, "校长", 0, "", "/invite teacher 初一3班 班主任"))
	if got := r.say(2, "李老师", 0, "", "／join "+code); !strings.Contains(got, "初一3班的班主任") {
		t.Fatalf("join: %s", got)
	}
	if got := r.say(2, "李老师", group, "初一3班教师群", "/group@bangfu_bot teacher 初一3班"); !strings.Contains(got, "教师群") {
		t.Fatalf("group: %s", got)
	}
	got := r.say(2, "李老师", group, "初一3班教师群", "/log@bangfu_bot 张三 数学辅导 30分钟 家里没人管")
	if !strings.Contains(got, "本周第1次/目标2次") || strings.Contains(got, "家里没人管") {
		t.Fatalf("group log: %s", got)
	}
	// A command for another bot in the group is left alone.
	before := len(api.Sent())
	api.Say(2, "李老师", group, "初一3班教师群", "/log@other_bot 张三 数学 30分钟")
	r.say(2, "李老师", group, "初一3班教师群", "/status")
	for _, m := range api.Sent()[before:] {
		if strings.Contains(m.Text, "本周第") {
			t.Fatalf("answered another bot's command: %s", m.Text)
		}
	}
	// The parent binds and receives praise privately.
	invite := r.say(2, "李老师", 0, "", "/invite parent 张三 妈妈")
	code = lastLine(invite)
	if !strings.Contains(invite, "https://t.me/bangfu_bot?start="+code) {
		t.Fatalf("no one-tap link: %s", invite)
	}
	// The link opens the chat and sends /start <code>.
	if got := r.say(3, "张三妈妈", 0, "", "/start "+code); !strings.Contains(got, "已绑定为张三的家长") {
		t.Fatalf("parent join: %s", got)
	}
	r.say(2, "李老师", 0, "", "/praise 张三 主动帮同学讲题")
	r.out.Flush(context.Background())
	if got := api.SentTo(3); !strings.Contains(strings.Join(got, "\n"), "主动帮同学讲题") {
		t.Fatalf("parent did not get the praise: %v", got)
	}
	// The command menu was registered with Chinese descriptions for both scopes.
	priv, grp := api.Commands("all_private_chats"), api.Commands("all_group_chats")
	if len(priv) < 10 || len(grp) == 0 || len(grp) >= len(priv) {
		t.Fatalf("menus: %d private, %d group", len(priv), len(grp))
	}
	found := false
	for _, c := range priv {
		if c["command"] == "log" && strings.Contains(c["description"], "辅导") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no /log in the menu: %v", priv)
	}
}

func TestRedeliveredUpdateIsAnsweredAndRecordedOnce(t *testing.T) {
	api := telegramtest.New(token)
	defer api.Close()
	r := newRig(t, api, "", fast)
	r.say(1, "校长", 0, "", "/student add 初一3班 张三")
	before := len(api.SentTo(1))
	id := api.Say(1, "校长", 0, "", "/log 张三 数学 30分钟")
	api.WaitSent(len(api.Sent())+1, 5*time.Second)
	api.Redeliver(id, api.Raw(id))
	r.say(1, "校长", 0, "", "/help")
	replies := api.SentTo(1)[before:]
	logged := 0
	for _, m := range replies {
		if strings.Contains(m, "已记录") {
			logged++
		}
	}
	if logged != 1 {
		t.Fatalf("answered %d times: %v", logged, replies)
	}
	ss, _ := r.st.SessionsBetween(time.Time{}, time.Now().Add(time.Hour))
	if len(ss) != 1 {
		t.Fatalf("%d sessions stored", len(ss))
	}
	r.stop()

	// A restart resumes after the last handled update.
	r2 := newRig(t, api, r.path, fast)
	defer r2.stop()
	r2.say(1, "校长", 0, "", "/help")
	offs := api.Offsets()
	last := offs[len(offs)-1]
	if last <= id {
		t.Fatalf("restart polled from offset %d, want past %d", last, id)
	}
}

func Test429WaitsAndDeliversOnce(t *testing.T) {
	api, r := startRig(t)
	api.Fail429(1, 1)
	start := r.now()
	got := r.say(1, "校长", 0, "", "/help")
	if waited := r.now().Sub(start); waited < time.Second { // in the adapter's clock
		t.Fatalf("did not wait retry_after: %v", waited)
	}
	if strings.Count(got, "你可以用这些命令") != 1 {
		t.Fatalf("delivered %d times", strings.Count(got, "你可以用这些命令"))
	}
}

func TestLongTextsAreSplitAndFilesSent(t *testing.T) {
	api, r := startRig(t)
	var b strings.Builder
	for i := 0; i < 300; i++ {
		b.WriteString("· 张三 本周2/3次 未达标，本月已联系家长\n")
	}
	if err := r.tg.SendNow(context.Background(), bot.Outgoing{Platform: telegram.PlatformName, Chat: bot.Chat{ID: "1", Kind: bot.Private}, Text: b.String()}); err != nil {
		t.Fatal(err)
	}
	parts := api.SentTo(1)
	if len(parts) < 2 {
		t.Fatalf("%d parts", len(parts))
	}
	for _, p := range parts {
		if bot.TextLen(p) > telegram.MaxText {
			t.Fatalf("a part of %d units", bot.TextLen(p))
		}
	}
	data := []byte("PK\x03\x04 fake xlsx")
	if err := r.tg.SendNow(context.Background(), bot.Outgoing{Platform: telegram.PlatformName, Chat: bot.Chat{ID: "1", Kind: bot.Private}, Text: "初一3班帮扶档案", File: &bot.File{Name: "初一3班.xlsx", Data: data}}); err != nil {
		t.Fatal(err)
	}
	sent := api.Sent()
	last := sent[len(sent)-1]
	if last.Method != "sendDocument" || last.FileName != "初一3班.xlsx" || string(last.FileData) != string(data) || last.Text != "初一3班帮扶档案" {
		t.Fatalf("document: %+v", last)
	}
}

func Test403MarksUnreachableAndTellsTheHeadTeacherOnce(t *testing.T) {
	api, r := startRig(t)
	r.headTeacher()
	r.mother()
	api.Forbid(3)
	err := r.tg.SendNow(context.Background(), bot.Outgoing{Platform: telegram.PlatformName, Chat: bot.Chat{ID: "3", Kind: bot.Private}, Text: "x"})
	if !errors.Is(err, bot.ErrUnreachable) {
		t.Fatalf("403: %v", err)
	}
	r.say(2, "李老师", 0, "", "/praise 张三 作业全对")
	r.say(2, "李老师", 0, "", "/praise 张三 上课认真")
	r.out.Flush(context.Background())
	r.out.Flush(context.Background())
	notices := 0
	for _, m := range api.SentTo(2) {
		if strings.Contains(m, "张三妈妈（张三的家长）收不到我发的消息") {
			notices++
		}
	}
	if notices != 1 {
		t.Fatalf("head teacher told %d times: %v", notices, api.SentTo(2))
	}
	for _, m := range api.Sent() {
		if m.ChatID == group && strings.Contains(m.Text, "收不到") {
			t.Fatal("the notice went to a group")
		}
	}
}

func TestGroupUpgradeKeepsRegistration(t *testing.T) {
	api, r := startRig(t)
	const old = -4001
	r.say(1, "校长", old, "教师群", "/group teacher 初一3班")
	api.Migrate(old, group)
	bottest.Eventually(5*time.Second, func() bool {
		g, ok, _ := r.st.Group(telegram.PlatformName, "-1001234")
		return ok && g.Kind == storage.GroupTeacher
	})
	if _, ok, _ := r.st.Group(telegram.PlatformName, "-1001234"); !ok {
		t.Fatal("registration not moved to the supergroup")
	}
	// A send to the old id follows migrate_to_chat_id.
	if err := r.tg.SendNow(context.Background(), bot.Outgoing{Platform: telegram.PlatformName, Chat: bot.Chat{ID: "-4001", Kind: bot.Group}, Text: "周报"}); err != nil {
		t.Fatal(err)
	}
	if got := api.SentTo(group); len(got) == 0 || got[len(got)-1] != "周报" {
		t.Fatalf("sent to new group: %v", got)
	}
}

func TestSendsArePacedPerChat(t *testing.T) {
	api := telegramtest.New(token)
	defer api.Close()
	limits := telegram.Limits{PerChat: 10, ChatBurst: 1, PerGroup: 1000, GroupBurst: 100, Global: 1000, GlobalBurst: 100}
	r := newRig(t, api, "", limits)
	defer r.stop()
	start := r.now()
	for i := 0; i < 6; i++ {
		if err := r.tg.SendNow(context.Background(), bot.Outgoing{Platform: telegram.PlatformName, Chat: bot.Chat{ID: "7", Kind: bot.Private}, Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if sent := api.SentTo(7); len(sent) != 6 {
		t.Fatalf("sent %d", len(sent))
	}
	// At 10 a second with a burst of one, six sends take at least half a
	// second of the adapter's clock. (Single gaps at the server also carry
	// the network's jitter, as Telegram's do.)
	if took := r.now().Sub(start); took < 500*time.Millisecond {
		t.Fatalf("6 sends at 10/s took %v", took)
	}
}

func TestGracefulStopKeepsRepliesStillWaiting(t *testing.T) {
	api := telegramtest.New(token)
	defer api.Close()
	slow := telegram.Limits{PerChat: 0.5, ChatBurst: 1, PerGroup: 1000, GroupBurst: 100, Global: 1000, GlobalBurst: 100}
	r := newRig(t, api, "", slow)
	r.say(1, "校长", 0, "", "/help") // connected; the chat's one burst is used
	r.hold.Store(true)             // from now on the pacer keeps every reply waiting
	for i := 0; i < 5; i++ {
		api.Say(1, "校长", 0, "", "/help")
	}
	// Wait until all five are handled (confirmed by the next poll).
	for deadline := time.Now().Add(5 * time.Second); api.Pending() > 0; api.WaitPoll(time.Second) {
		if time.Now().After(deadline) {
			t.Fatal("the updates were not handled")
		}
	}
	before := len(api.SentTo(1))
	r.stop()
	sent := len(api.SentTo(1)) - before
	r.mu.Lock()
	kept := len(r.kept)
	r.mu.Unlock()
	// Replies journaled with their message wait on disk for the next start.
	st, err := bolt.Open(r.path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	onDisk, _, err := st.RecoverReplies()
	if err != nil {
		t.Fatal(err)
	}
	if sent+kept+onDisk != 5 || kept+onDisk == 0 {
		t.Fatalf("%d sent + %d kept for the outbox + %d on disk, want 5 with some waiting", sent, kept, onDisk)
	}
}

// TestNotDeafAfterAQuietWeek: after a week without updates Telegram may
// count update ids again from a lower value; the bot must still hear them.
func TestNotDeafAfterAQuietWeek(t *testing.T) {
	api, r := startRig(t)
	if got := r.say(1, "校长", 0, "", "/help"); !strings.Contains(got, "/log") {
		t.Fatalf("help: %s", got)
	}
	// Long before the week is over the last batch is confirmed by the next poll.
	for deadline := time.Now().Add(10 * time.Second); api.Pending() > 0; api.WaitPoll(time.Second) {
		if time.Now().After(deadline) {
			t.Fatal("the last update was never confirmed")
		}
	}
	r.advance(8 * 24 * time.Hour) // the winter holiday
	// During the quiet week the bot keeps polling; by its end it asks from
	// the earliest unconfirmed update (offset 0), then the ids restart.
	asked := len(api.Offsets())
	deadline := time.Now().Add(10 * time.Second)
	for !slices.Contains(api.Offsets()[asked:], 0) {
		if time.Now().After(deadline) {
			t.Fatalf("the bot never asked from the earliest update after a quiet week: %v", api.Offsets()[asked:])
		}
		api.WaitPoll(time.Second)
	}
	api.RestartIDs(7)
	if got := r.say(1, "校长", 0, "", "/help"); !strings.Contains(got, "/log") {
		t.Fatalf("after the holiday: %s", got)
	}
	if got := r.say(1, "校长", 0, "", "/help"); !strings.Contains(got, "/log") { // and the one after
		t.Fatalf("second after the holiday: %s", got)
	}
}

// TestAnOutageAtStartUpHoldsNothingUp: with Telegram unreachable, New does
// not wait for it; the adapter keeps retrying, the admins hear of the outage
// once it has lasted, and once more when it is over; then it works.
func TestAnOutageAtStartUpHoldsNothingUp(t *testing.T) {
	api := telegramtest.New(token)
	defer api.Close()
	api.SetDown(true)
	r := newRig(t, api, "", fast) // returns although getMe cannot succeed
	defer r.stop()
	got := r.awaitStatus(1)
	if !strings.Contains(got[0], "连不上") || strings.Contains(got[0], token) {
		t.Fatalf("outage notice: %q", got)
	}
	calls := api.Calls("getMe")
	if calls < 3 {
		t.Fatalf("getMe tried %d times before the notice", calls)
	}
	api.SetDown(false)
	got = r.awaitStatus(2)
	if !strings.Contains(got[1], "已恢复") || len(got) != 2 {
		t.Fatalf("after the outage: %q", got)
	}
	if answer := r.say(1, "校长", 0, "", "/help"); !strings.Contains(answer, "/log") {
		t.Fatalf("help after the outage: %s", answer)
	}
}

// TestARefusedTokenStopsTelegramAlone: a 401 is one clear line to the
// admins, and the adapter stops instead of retrying for ever.
func TestARefusedTokenStopsTelegramAlone(t *testing.T) {
	api := telegramtest.New(token)
	defer api.Close()
	api.RefuseToken()
	r := newRig(t, api, "", fast)
	defer r.stop()
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the adapter kept going with a refused token")
	}
	got := r.awaitStatus(1)
	if len(got) != 1 || !strings.Contains(got[0], "401") || !strings.Contains(got[0], "telegram.token") {
		t.Fatalf("told %q", got)
	}
	if n := api.Calls("getMe"); n != 1 {
		t.Fatalf("getMe called %d times", n)
	}
}

// TestForumTopicsAreAnsweredInTheirTopic: a command in a forum topic is
// answered in that topic, not in General.
func TestForumTopicsAreAnsweredInTheirTopic(t *testing.T) {
	api, r := startRig(t)
	r.say(1, "校长", 0, "", "/help") // connected
	before := len(api.SentTo(group))
	api.SayInTopic(1, "校长", group, "初一3班教师群", 42, "/help")
	sent := api.WaitSent(len(api.Sent())+1, 5*time.Second)
	if len(api.SentTo(group)) != before+1 || sent[len(sent)-1].ChatID != group || sent[len(sent)-1].Thread != 42 {
		t.Fatalf("reply %+v", sent[len(sent)-1])
	}
}

// TestAnAnonymousAdminIsToldWhatToDo: an admin writing anonymously cannot be
// told apart, so a command gets one clear line and changes nothing.
func TestAnAnonymousAdminIsToldWhatToDo(t *testing.T) {
	api, r := startRig(t)
	r.say(1, "校长", 0, "", "/help")
	before := len(api.SentTo(group))
	api.SayAsAnonymousAdmin(group, "初一3班教师群", "/group teacher 初一3班")
	deadline := time.Now().Add(5 * time.Second)
	for len(api.SentTo(group)) == before && time.Now().Before(deadline) {
		api.WaitPoll(100 * time.Millisecond)
	}
	got := api.SentTo(group)
	if len(got) != before+1 || !strings.Contains(got[before], "匿名") {
		t.Fatalf("the anonymous admin was told %q", got[before:])
	}
	if _, ok, _ := r.st.Group(telegram.PlatformName, strconv.FormatInt(group, 10)); ok {
		t.Fatal("an anonymous admin registered the group")
	}
}

// TestAWebhookLeftOnTheTokenIsCleared: getUpdates answers 409 while a
// webhook is set; the adapter deletes it and polls.
func TestAWebhookLeftOnTheTokenIsCleared(t *testing.T) {
	api := telegramtest.New(token)
	defer api.Close()
	api.SetWebhook()
	r := newRig(t, api, "", fast)
	defer r.stop()
	if got := r.say(1, "校长", 0, "", "/help"); !strings.Contains(got, "/log") {
		t.Fatalf("help: %s", got)
	}
	if n := api.Calls("deleteWebhook"); n != 1 {
		t.Fatalf("deleteWebhook called %d times", n)
	}
}

// TestPrivacyModeIsExplainedOnce: in privacy mode Chinese aliases never
// reach the bot in groups; the admins are told what to do, once.
func TestPrivacyModeIsExplainedOnce(t *testing.T) {
	api := telegramtest.New(token)
	defer api.Close()
	api.PrivacyMode()
	path := filepath.Join(t.TempDir(), "bangfu.db")
	r := newRig(t, api, path, fast)
	got := r.awaitStatus(1)
	if !strings.Contains(got[0], "/setprivacy") || !strings.Contains(got[0], "/log@bangfu_bot") {
		t.Fatalf("told %q", got)
	}
	r.stop()
	r = newRig(t, api, path, fast)
	defer r.stop()
	r.say(1, "校长", 0, "", "/help") // connected again
	r.statusMu.Lock()
	defer r.statusMu.Unlock()
	if len(r.statuses) != 0 {
		t.Fatalf("told again after a restart: %q", r.statuses)
	}
}

// TestASlowUploadHoldsUpNoUpdate: while an export is still uploading,
// other people's commands are answered; the file arrives when the line frees.
func TestASlowUploadHoldsUpNoUpdate(t *testing.T) {
	api, r := startRig(t)
	r.say(1, "校长", 0, "", "/help")
	release := api.HoldDocuments()
	if err := r.tg.Send(context.Background(), bot.Outgoing{Platform: telegram.PlatformName, Chat: bot.Chat{ID: "1", Kind: bot.Private},
		Text: "档案", File: &bot.File{Name: "档案.xlsx", Data: []byte("PK export")}}); err != nil {
		t.Fatal(err)
	}
	if got := r.say(2, "李老师", 0, "", "/help"); got == "" {
		t.Fatal("no answer while the upload hangs")
	}
	release()
	deadline := time.Now().Add(5 * time.Second)
	for !slices.ContainsFunc(api.Sent(), func(s telegramtest.Sent) bool { return s.FileName == "档案.xlsx" }) {
		if time.Now().After(deadline) {
			t.Fatal("the file never arrived")
		}
		api.WaitSent(len(api.Sent())+1, 100*time.Millisecond)
	}
}

// TestAGroupThatRemovedTheBotIsGivenUp: a queued message to a group the bot
// was removed from fails for good: it is dropped and reported, not retried.
func TestAGroupThatRemovedTheBotIsGivenUp(t *testing.T) {
	api, r := startRig(t)
	r.say(1, "校长", 0, "", "/help")
	api.Forbid(group) // 403: the bot was kicked
	if err := r.st.Enqueue(storage.Meta{}, storage.Queued{Platform: telegram.PlatformName, ChatID: strconv.FormatInt(group, 10), ChatTitle: "初一3班教师群",
		Text: "【本周辅导检查】", NotBefore: time.Now()}); err != nil {
		t.Fatal(err)
	}
	r.out.DeliverDue(context.Background())
	got := r.awaitStatus(1)
	if !strings.Contains(got[0], "given up: "+strconv.FormatInt(group, 10)) {
		t.Fatalf("told %q", got)
	}
	if q, _ := r.st.Queue(time.Time{}, 0); len(q) != 0 {
		t.Fatalf("still queued for a retry: %+v", q)
	}
}

// TestABurstInAGroupIsAnsweredWithinTheGroupLimit: forty /log in a teacher
// group are all answered, as a few messages each part naming whom it
// answers, instead of forty messages at Telegram's 20 a minute per group.
func TestABurstInAGroupIsAnsweredWithinTheGroupLimit(t *testing.T) {
	api := telegramtest.New(token)
	defer api.Close()
	r := newRig(t, api, "", telegram.DefaultLimits)
	defer r.stop()
	r.say(1, "校长", 0, "", "/student add 初一3班 张三 每周2次")
	r.say(1, "校长", group, "初一3班教师群", "/group teacher 初一3班")
	gate := make(chan struct{})
	r.gate.Store(&gate) // the group's pacer is waiting, as after a few messages it would
	before := len(api.SentTo(group))
	for i := 0; i < 40; i++ {
		api.Say(1, "校长", group, "初一3班教师群", "/log 张三 数学辅导 30分钟")
	}
	for deadline := time.Now().Add(10 * time.Second); api.Pending() > 0; api.WaitPoll(time.Second) {
		if time.Now().After(deadline) {
			t.Fatal("the burst was not handled")
		}
	}
	close(gate)
	var answers []string
	for deadline := time.Now().Add(10 * time.Second); ; api.WaitSent(len(api.Sent())+1, 100*time.Millisecond) {
		answers = api.SentTo(group)[before:]
		if strings.Contains(strings.Join(answers, "\n"), "本周第40次") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not all answered: %d messages", len(answers))
		}
	}
	all := strings.Join(answers, "\n")
	for n := 1; n <= 40; n++ {
		if !strings.Contains(all, fmt.Sprintf("本周第%d次", n)) {
			t.Fatalf("the %d-th log was not answered", n)
		}
	}
	if len(answers) > 6 {
		t.Fatalf("%d messages for 40 answers", len(answers))
	}
	for _, a := range answers { // a merged message heads each answer with whom it answers
		if n := strings.Count(a, "本周第"); n > 1 && strings.Count(a, "@校长") != n {
			t.Fatalf("%d answers, %d headed: %q", n, strings.Count(a, "@校长"), a)
		}
	}
}

// A parent writes to the bot; the head teacher gets it privately and
// answers by replying to it in Telegram (no command); the answer reaches
// the parent alone.
func TestAParentAndTeacherTalkThroughTheBot(t *testing.T) {
	api, r := startRig(t)
	r.headTeacher()
	r.mother()

	if got := r.say(3, "张三妈妈", 0, "", "老师，孩子这两天咳嗽，体育课能不能请假"); !strings.Contains(got, "已转给李老师") {
		t.Fatalf("the parent was told: %s", got)
	}
	r.out.Flush(context.Background())
	var relayed string
	for _, m := range api.SentTo(2) {
		if strings.Contains(m, "【家长留言】") {
			relayed = m
		}
	}
	if !strings.Contains(relayed, "体育课能不能请假") {
		t.Fatalf("the head teacher got %v", api.SentTo(2))
	}
	before := len(api.SentTo(3))
	api.SayReplying(2, "李老师", "可以，我跟体育老师说一声", relayed)
	if !bottest.Eventually(5*time.Second, func() bool { return strings.Contains(strings.Join(api.SentTo(2), "\n"), "已回复张三的妈妈") }) {
		t.Fatalf("the teacher was told %v", api.SentTo(2))
	}
	r.out.Flush(context.Background())
	got := api.SentTo(3)[before:]
	if len(got) != 1 || !strings.Contains(got[0], "李老师回复您（关于张三）") || !strings.Contains(got[0], "我跟体育老师说一声") {
		t.Fatalf("the parent got %v", got)
	}
	// A voice message, and a photo with its caption, reach the head
	// teacher as notices to call back; a voice in a group is left alone.
	before = len(api.SentTo(3))
	api.SayVoice(3, "张三妈妈", 0, "")
	if !bottest.Eventually(5*time.Second, func() bool { return len(api.SentTo(3)) > before }) || !strings.Contains(api.SentTo(3)[before], "收到您的语音") {
		t.Fatalf("the parent's voice: %v", api.SentTo(3)[before:])
	}
	before = len(api.SentTo(3))
	api.SayPhoto(3, "张三妈妈", "孩子的请假条")
	if !bottest.Eventually(5*time.Second, func() bool { return len(api.SentTo(3)) > before }) || !strings.Contains(api.SentTo(3)[before], "收到您的图片") {
		t.Fatalf("the parent's photo: %v", api.SentTo(3)[before:])
	}
	api.SayVoice(2, "李老师", group, "初一3班教师群")
	r.say(2, "李老师", group, "初一3班教师群", "/semester") // answered after the voice, which was not
	r.out.Flush(context.Background())
	all := strings.Join(api.SentTo(2), "\n")
	if !strings.Contains(all, "（发来一条语音，机器人转不过来") || !strings.Contains(all, "孩子的请假条\n（发来一张图片") {
		t.Fatalf("the head teacher got %v", api.SentTo(2))
	}
	// The group got the answer to /semester alone: no relay, no notice.
	if got := api.SentTo(group); len(got) != 1 || strings.Contains(got[0], "家长留言") || strings.Contains(got[0], "语音") {
		t.Fatalf("the group got %v", got)
	}
}

// The weekend's family-call nudge carries a 打了 button on Telegram; a tap
// sends the word as the parent's own message, and the call is kept.
func TestTheFamilyCallNudgeHasAButton(t *testing.T) {
	api, r := startRig(t)
	r.say(1, "校长", 0, "", "/student add 初一3班 张三 留守")
	r.say(3, "张三妈妈", 0, "", "/join "+lastLine(r.say(1, "校长", 0, "", "/invite parent 张三 妈妈")))
	if err := r.st.Enqueue(storage.Meta{}, storage.Queued{Platform: telegram.PlatformName, ChatID: "3", Private: true, PersonID: 2,
		Text: "张三妈妈，您好！周末了，给张三打个电话吧。打完回我“打了”两个字。", NotBefore: time.Now(), Answers: []string{"打了"}}); err != nil {
		t.Fatal(err)
	}
	r.out.Flush(context.Background())
	var nudge telegramtest.Sent
	for _, s := range api.Sent() {
		if strings.Contains(s.Text, "给张三打个电话") {
			nudge = s
		}
	}
	if fmt.Sprint(nudge.Buttons) != "[打了]" {
		t.Fatalf("the nudge's buttons: %+v", nudge)
	}
	if got := r.say(3, "张三妈妈", 0, "", "打了"); !strings.Contains(got, "记下了：您和张三通了电话") {
		t.Fatalf("the tap: %s", got)
	}
}

// A teacher who edits a command after sending it (a typo fixed in place)
// is told that the edit is not carried out and how to correct: the record
// stays as first written. An edited chat line gets nothing.
func TestAnEditedCommandIsAnsweredNotCarriedOut(t *testing.T) {
	api, r := startRig(t)
	r.headTeacher()
	r.say(2, "李老师", 0, "", "/log 张三 数学 30分钟")

	before := len(api.SentTo(2))
	api.Edit(2, "李老师", 0, "", "/log 张三 数学 45分钟")
	if !bottest.Eventually(5*time.Second, func() bool { return len(api.SentTo(2)) > before }) || !strings.Contains(api.SentTo(2)[before], "改过的消息我不会再处理") {
		t.Fatalf("the edit was answered with %v", api.SentTo(2)[before:])
	}
	api.Edit(2, "李老师", 0, "", "好的，谢谢")
	if got := r.say(2, "李老师", 0, "", "/history 张三"); !strings.Contains(got, "数学 30分钟") || strings.Contains(got, "45分钟") || strings.Contains(got, "改过的消息") {
		t.Fatalf("after the edits: %s", got)
	}
}

// Added to a group, the bot says at once how the group is registered;
// another member joining gets nothing.
func TestAddedToAGroupTheBotSaysHowToRegisterIt(t *testing.T) {
	api, r := startRig(t)
	r.say(1, "校长", 0, "", "/help") // connected: getMe answered
	api.AddMembers(1, "校长", group, "初一3班教师群", telegramtest.BotID)
	if !bottest.Eventually(5*time.Second, func() bool { return len(api.SentTo(group)) > 0 }) || !strings.Contains(api.SentTo(group)[0], "/group teacher 初一3班") {
		t.Fatalf("the group got %v", api.SentTo(group))
	}
	api.AddMembers(1, "校长", group, "初一3班教师群", 42)
	r.say(1, "校长", group, "初一3班教师群", "/group teacher 初一3班") // answered after the join, which was not
	if got := api.SentTo(group); len(got) != 2 || !strings.Contains(got[1], "教师群") {
		t.Fatalf("the group got %v", got)
	}
}
