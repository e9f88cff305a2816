// Package wechat puts bangfu into the teachers' WeChat groups through
// openwechat (web WeChat, desktop/UOS mode). It translates messages and
// sends slowly: web WeChat bans accounts that send fast.
package wechat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/eatmoreapple/openwechat"
	"github.com/mdp/qrterminal/v3"
	"golang.org/x/time/rate"

	"bangfu/bot"
)

// PlatformName is WeChat's platform id in the database.
const PlatformName = "wechat"

// MaxText is how much one WeChat message carries comfortably.
const MaxText = 1800

// ErrNotLoggedIn means WeChat is logged out; queued messages wait.
var ErrNotLoggedIn = fmt.Errorf("wechat: not logged in: %w", bot.ErrNotSent)

// State is what the adapter keeps (the database, seen from here).
type State interface {
	PlatformValue(platform, name string) ([]byte, error)
	SetPlatformValue(platform, name string, v []byte) error
}

// Config of the adapter.
type Config struct {
	SessionFile string
	HTTPClient  *http.Client // nil: openwechat's default client; tests route it to a fake
	State       State
	Log         *slog.Logger
	QR          io.Writer // where the login QR code is printed (default stdout)
	// Pacing: each chat waits MinGap–MaxGap between messages, and at most
	// PerMinute go out overall. Backoff1205 is the first wait after 1205.
	MinGap, MaxGap time.Duration
	PerMinute      int
	Backoff1205    time.Duration
	// RetryLogin is the first wait before logging in again after a logout.
	RetryLogin time.Duration
	// AcceptFriends accepts friend requests at once (parents add the bot
	// to bind their child) and greets the new friend.
	AcceptFriends bool
	// Now and Sleep are the clock and the pacer (tests inject both); nil:
	// time.Now and bot.Sleep.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) bool
	// OnStatus is told when WeChat logs out, fails to log in or is back, so
	// the admins can hear it through another platform.
	OnStatus func(text string)
	// Keep receives, at stop, the replies that never went out (logged out,
	// or still waiting for their turn), for the durable outbox.
	Keep func([]bot.Outgoing)
	// Journal keeps replies that have to wait (pacing, a logout) on disk.
	Journal bot.ReplyJournal
}

// WeChat is the platform.
type WeChat struct {
	cfg     Config
	limiter *rate.Limiter

	mu       sync.Mutex
	wx       *openwechat.Bot
	self     *openwechat.Self
	handle   func(context.Context, bot.Message)
	ctx      context.Context
	loggedIn chan struct{} // closed while logged in
	lastSent map[string]time.Time
	// 1205 (operating too often) pauses every send until pausedUntil; the
	// pause doubles at each 1205 in a row and resets after a send goes out.
	pausedUntil time.Time
	pause       time.Duration
	outage      bool            // logged out: the admins were told, once
	toldQR      bool            // the admins have this outage's login link
	toldReasons map[string]bool // why logging in failed, as told in this outage
	// Contacts are reloaded when someone unknown writes or is written to,
	// at most once per refreshEvery (each load is a request 1205 counts).
	refreshMu    sync.Mutex
	refreshedAt  time.Time
	groupRefresh map[string]time.Time // group UserName → last member reload
	ids          *identities          // who is who in this login
	groupUsers   map[string]string    // group name → this login's UserName

	replies *bot.ReplyQueues
	// session outlives Run so replies and the outbox's last delivery can
	// still be sent; Stop ends it.
	session    context.Context
	endSession context.CancelFunc
	endLogin   context.CancelFunc // the session Run left logged in
}

// New prepares the adapter; Run logs in.
func New(cfg Config) *WeChat {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.QR == nil {
		cfg.QR = os.Stdout
	}
	if cfg.MinGap == 0 && cfg.MaxGap == 0 {
		cfg.MinGap, cfg.MaxGap = 2*time.Second, 3*time.Second
	}
	if cfg.PerMinute == 0 {
		cfg.PerMinute = 20
	}
	if cfg.Backoff1205 == 0 {
		cfg.Backoff1205 = 30 * time.Second
	}
	if cfg.RetryLogin == 0 {
		cfg.RetryLogin = 10 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = bot.Sleep
	}
	w := &WeChat{cfg: cfg, limiter: rate.NewLimiter(rate.Limit(float64(cfg.PerMinute)/60), 3),
		lastSent: map[string]time.Time{}, loggedIn: make(chan struct{}), toldReasons: map[string]bool{}, groupRefresh: map[string]time.Time{}}
	w.replies = bot.NewReplyQueues(w.deliver, w.ready, cfg.Log)
	w.replies.Journal = cfg.Journal
	w.ids = newIdentities(cfg.State)
	w.session, w.endSession = context.WithCancel(context.Background())
	return w
}

// Ready reports whether WeChat is logged in (the outbox waits otherwise).
func (w *WeChat) Ready() bool { return bot.Closed(w.ready()) }

// ready is closed while WeChat is logged in.
func (w *WeChat) ready() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.loggedIn
}

// Stop sends the replies still waiting until ctx ends (5 s without a
// deadline), hands the rest to the durable outbox, and ends the session.
// Web WeChat cannot stop receiving without logging out, and a received
// message is never redelivered: so messages go on being handled until here.
func (w *WeChat) Stop(ctx context.Context) {
	if left := w.replies.Stop(bot.Until(ctx, 5*time.Second)); len(left) > 0 && w.cfg.Keep != nil {
		w.cfg.Keep(left)
	}
	// Ending the session's context stops openwechat's sync loop on its next
	// check; Bot.Exit would race with that loop (it clears the bot's user).
	w.setLoggedIn(nil, false)
	w.endSession()
}

// Name implements bot.Platform.
func (w *WeChat) Name() string { return PlatformName }

// QueuesReplies implements bot.ReplyQueuer.
func (w *WeChat) QueuesReplies() {}

// Run logs in (hot login from the session file, else a QR code in the
// terminal) and receives messages; after a logout it tells the admins and
// logs in again with backoff, until ctx ends.
func (w *WeChat) Run(ctx context.Context, handle func(context.Context, bot.Message)) error {
	w.mu.Lock()
	w.handle, w.ctx = handle, context.WithoutCancel(ctx)
	w.mu.Unlock()
	wait := w.cfg.RetryLogin
	for ctx.Err() == nil {
		// The session outlives Run (sends go on until Stop); a login still
		// waiting for a scan is given up when Run's ctx ends.
		loginCtx, cancelLogin := context.WithCancel(w.session)
		giveUp := context.AfterFunc(ctx, cancelLogin)
		// Every UserName is new with the login; messages may come in as soon
		// as openwechat starts syncing, before login returns.
		w.ids.reset()
		wx, err := w.login(loginCtx)
		giveUp()
		if err != nil {
			cancelLogin()
			w.cfg.Log.Warn("wechat: login failed", "err", err)
			w.loginFailed(err, wait)
			if !w.cfg.Sleep(ctx, wait) {
				return nil
			}
			wait = min(2*wait, 10*time.Minute)
			continue
		}
		wait = w.cfg.RetryLogin
		w.mu.Lock()
		w.endLogin = cancelLogin // a send that finds the session gone ends it
		w.mu.Unlock()
		// Learn who is who before sends resume.
		w.reloadContacts(wx, true)
		w.setLoggedIn(wx, true)
		w.loggedInAgain()
		select {
		case <-ctx.Done():
			return nil // logged in still: Stop ends the session
		case <-wx.Context().Done():
		}
		cancelLogin()
		w.setLoggedIn(nil, false)
		w.cfg.Log.Warn("wechat: logged out", "reason", wx.CrashReason())
		w.loggedOut()
		if !w.cfg.Sleep(ctx, wait) {
			return nil
		}
	}
	return nil
}

// qrCode sends the login link to the admins on the other platforms, once
// per outage (each code expires in minutes; the terminal shows every one).
func (w *WeChat) qrCode(url string) {
	w.mu.Lock()
	tell := !w.toldQR
	w.toldQR = true
	w.mu.Unlock()
	if tell {
		w.status(scanThisLink(url))
	}
}

// loggedOut tells the admins once per outage that WeChat is away.
func (w *WeChat) loggedOut() {
	if w.startOutage() {
		w.status(loggedOut())
	}
}

// loginFailed tells the admins why logging in fails, each reason once per
// outage (a refused account, 1203, with what the school can do).
func (w *WeChat) loginFailed(err error, retryIn time.Duration) {
	reason := loginReason(err)
	w.startOutage()
	w.mu.Lock()
	tell := !w.toldReasons[reason]
	w.toldReasons[reason] = true
	w.mu.Unlock()
	if tell {
		w.status(loginFailed(reason, retryIn.Round(time.Second)))
	}
}

// startOutage marks WeChat away; true the first time in an outage.
func (w *WeChat) startOutage() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	first := !w.outage
	w.outage = true
	return first
}

// loggedInAgain ends an outage; the admins hear it is over.
func (w *WeChat) loggedInAgain() {
	w.mu.Lock()
	was := w.outage
	w.outage, w.toldQR, w.toldReasons = false, false, map[string]bool{}
	w.mu.Unlock()
	if was {
		w.status(backAgain())
	}
}

// sessionLost ends a session the service says is logged out (1100–1102 on a
// send): sends wait, and Run logs in again.
func (w *WeChat) sessionLost() {
	w.mu.Lock()
	end := w.endLogin
	w.mu.Unlock()
	w.setLoggedIn(nil, false)
	if end != nil {
		end()
	}
}

func (w *WeChat) status(text string) {
	if w.cfg.OnStatus != nil {
		w.cfg.OnStatus(text)
	}
}

// loginReason says in Chinese why a login failed; details go to the log,
// never to a chat.
func loginReason(err error) string {
	s := err.Error()
	switch {
	case strings.Contains(s, "1203") || strings.Contains(s, "不能登录网页微信"):
		return loginRefused1203()
	case strings.Contains(s, "timeout") || strings.Contains(s, "超时"):
		return qrExpired()
	default:
		return loginUnreachable()
	}
}

func (w *WeChat) setLoggedIn(wx *openwechat.Bot, in bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if in {
		w.wx = wx
		w.self, _ = wx.GetCurrentUser()
		select {
		case <-w.loggedIn:
		default:
			close(w.loggedIn)
		}
		return
	}
	w.wx, w.self = nil, nil
	select {
	case <-w.loggedIn:
		w.loggedIn = make(chan struct{})
	default:
	}
}

// login builds an openwechat bot in desktop mode and logs it in.
func (w *WeChat) login(ctx context.Context) (*openwechat.Bot, error) {
	wx := openwechat.DefaultBot(openwechat.Desktop, openwechat.WithContextOption(ctx))
	if w.cfg.HTTPClient != nil {
		// openwechat sets its own cookie jar on the client it is given: each
		// login gets a copy, so a new login never writes under the previous
		// session's sends still in flight.
		hc := *w.cfg.HTTPClient
		wx.Caller = openwechat.NewCaller(openwechat.NewClient(&hc))
		openwechat.Desktop.Prepare(wx)
	}
	wx.SyncCheckCallback = nil
	wx.ScanCallBack = func(openwechat.CheckLoginResponse) { w.cfg.Log.Info("wechat: QR code scanned, confirm on the phone") }
	wx.LoginCallBack = func(openwechat.CheckLoginResponse) { w.cfg.Log.Info("wechat: logged in") }
	wx.UUIDCallback = func(uuid string) {
		url := openwechat.GetQrcodeUrl(uuid)
		fmt.Fprintln(w.cfg.QR, scanToLogin(), url)
		qrterminal.GenerateHalfBlock("https://login.weixin.qq.com/l/"+uuid, qrterminal.L, w.cfg.QR)
		w.qrCode(url)
	}
	wx.MessageErrorHandler = func(err error) error {
		var ret openwechat.Ret
		if errors.As(err, &ret) && (ret == 1100 || ret == 1101 || ret == 1102) {
			return err // logged out: end this session, Run logs in again
		}
		if ctx.Err() != nil {
			return nil // the session was ended: the loop stops at its next check
		}
		w.cfg.Log.Warn("wechat: sync error, continuing", "err", err)
		w.cfg.Sleep(ctx, time.Second)
		return nil
	}
	wx.MessageHandler = w.onMessage
	// A silent resume from the session file first; when it has expired, a
	// confirmation pushed to the phone (push login), and only then the QR
	// code; without a session, the QR code. The new session is saved.
	err := wx.HotLogin(&sessionFile{path: w.cfg.SessionFile})
	switch {
	case err == nil:
	case hasSession(w.cfg.SessionFile):
		w.cfg.Log.Info("wechat: the saved session has expired; asking the phone to confirm (push login)")
		err = wx.PushLogin(&sessionFile{path: w.cfg.SessionFile}, openwechat.NewRetryLoginOption())
	default:
		err = wx.Login()
		if err == nil {
			err = wx.DumpTo(&sessionFile{path: w.cfg.SessionFile})
		}
	}
	if err != nil {
		return nil, err
	}
	if _, err := wx.GetCurrentUser(); err != nil {
		return nil, err
	}
	return wx, nil
}

// onMessage translates a text message (or a private voice, picture or
// video) and hands it on; our own messages and other ones are left alone,
// a friend request is answered.
func (w *WeChat) onMessage(msg *openwechat.Message) {
	if msg.IsFriendAdd() {
		w.friendRequest(msg)
		return
	}
	if msg.IsSendBySelf() {
		return
	}
	if msg.IsSystem() && msg.IsSendByGroup() && invitedMe(msg.Content) {
		w.greetGroup(msg)
		return
	}
	// A voice, a picture or a video from a person in private is handed on
	// without text (a grandparent's voice must not vanish); other non-text
	// messages, and any in groups, are left alone.
	media := mediaOf(msg)
	recalls := ""
	if msg.IsRecalled() {
		if rm, err := msg.RevokeMsg(); err == nil && rm.RevokeMsg.MsgId != 0 {
			recalls = strconv.FormatInt(rm.RevokeMsg.MsgId, 10)
		}
	}
	if !msg.IsText() && recalls == "" && (media == "" || msg.IsSendByGroup()) {
		return
	}
	w.mu.Lock()
	handle, ctx := w.handle, w.ctx
	w.mu.Unlock()
	// The message's own Self: sync may deliver before Run has noted the
	// login, and a message dropped here is never delivered again.
	self := msg.Owner()
	if handle == nil || self == nil {
		return
	}
	m := bot.Message{Platform: PlatformName, ID: msg.MsgId, Text: CommandText(msg.Content, self.NickName), Time: time.Unix(msg.CreateTime, 0)}
	switch {
	case recalls != "":
		m.Text, m.Recalls = "", recalls // its Content is the recall's XML
	case media != "":
		m.Text, m.Media = "", media // its Content is the media's XML
	default:
		m.Quote = QuotedText(msg.Content)
	}
	var who *openwechat.User
	var groups []string
	if msg.IsSendByGroup() {
		group, err := msg.Sender()
		if err != nil {
			w.cfg.Log.Warn("wechat: unknown group", "err", err)
			return
		}
		// The bot may carry another name in this group than its nickname.
		if me := group.MemberList.SearchByUserName(1, self.UserName); me != nil && me.First().DisplayName != "" {
			m.Text = CommandText(msg.Content, self.NickName, me.First().DisplayName)
		}
		member, err := msg.SenderInGroup()
		if err != nil && w.refreshGroup(group) {
			member, err = msg.SenderInGroup() // joined after the member list was loaded
		}
		if err != nil {
			w.cfg.Log.Warn("wechat: unknown group member", "err", err)
			return
		}
		m.Chat = bot.Chat{ID: w.groupID(group), Kind: bot.Group, Title: group.NickName}
		if group.NickName == "" {
			if isCommand(m.Text) { // an unnamed group cannot be told from others after a re-login
				w.replies.Add(bot.Outgoing{Platform: PlatformName, Chat: m.Chat, Text: unnamedGroup()})
			}
			return
		}
		who, groups = member, []string{group.NickName}
	} else {
		friend, err := msg.Sender()
		if err != nil || (friend.NickName == "" && friend.RemarkName == "") {
			w.cfg.Log.Warn("wechat: message from an unknown sender dropped", "err", err)
			return
		}
		who = friend
		m.Chat = bot.Chat{Kind: bot.Private, Title: displayName(friend)}
	}
	id := w.ids.resolve(who, groups, false)
	if id == "" && strings.HasPrefix(m.Text, "/join") {
		id = w.ids.resolve(who, groups, true) // a fresh code: a fresh identity
	}
	if id == "" {
		if isCommand(m.Text) {
			w.replies.Add(bot.Outgoing{Platform: PlatformName, Chat: w.confirmChat(m.Chat, who), Text: confirmIdentity()})
		}
		return
	}
	if m.Chat.Kind == bot.Private {
		m.Chat.ID = id
	}
	m.Sender = bot.User{ID: id, Name: displayName(who)}
	handle(ctx, m)
}

// invitedMe tells the system line WeChat shows in a group the bot was
// just brought into: "李老师"邀请你加入了群聊…, 你通过扫描"李老师"分享的二维码加入群聊.
func invitedMe(content string) bool {
	return strings.Contains(content, "邀请你") && strings.Contains(content, "加入了群聊") ||
		strings.HasPrefix(content, "你通过扫描") && strings.Contains(content, "加入群聊")
}

// greetGroup says, in a group the bot was just brought into, how the group
// is registered (and, for a group without a name, to name it first).
func (w *WeChat) greetGroup(msg *openwechat.Message) {
	group, err := msg.Sender()
	if err != nil {
		w.cfg.Log.Warn("wechat: unknown group", "err", err)
		return
	}
	text := addedToGroup()
	if group.NickName == "" {
		text += "\n" + unnamedGroup()
	}
	w.replies.Add(bot.Outgoing{Platform: PlatformName, Chat: bot.Chat{ID: w.groupID(group), Kind: bot.Group, Title: group.NickName}, Text: text})
}

// mediaOf names a voice, picture or video message as bot.Message.Media
// does; "" for any other.
func mediaOf(msg *openwechat.Message) string {
	switch {
	case msg.IsVoice():
		return "语音"
	case msg.IsPicture():
		return "图片"
	case msg.IsVideo():
		return "视频"
	}
	return ""
}

// confirmChat is where an unrecognised person is asked to confirm: their
// private chat this login, or the group they wrote in.
func (w *WeChat) confirmChat(c bot.Chat, who *openwechat.User) bot.Chat {
	if c.Kind == bot.Group {
		return c
	}
	return bot.Chat{ID: "u:" + who.UserName, Kind: bot.Private, Title: displayName(who)}
}

func isCommand(text string) bool {
	return strings.HasPrefix(text, "/") || strings.HasPrefix(text, "／")
}

// quoteSeparator ends the quoted part of a reply that quotes a message:
// web WeChat sends it as text, 「张三：原话」 then this line, then the reply.
const quoteSeparator = "\n- - - - - - - - - - - - - - -\n"

// mentionEnd is the four-per-em space WeChat puts after an @-mention it
// inserted (the name itself may hold ordinary spaces).
const mentionEnd = '\u2005'

// QuotedText is the message a quote-reply quotes, without the name WeChat
// puts before it (「帮扶助手：原话」 gives 原话); "" for a text that quotes
// nothing. A teacher answers a relayed parent's message by quoting it.
func QuotedText(content string) string {
	t, ok := strings.CutPrefix(content, "「")
	if !ok {
		return ""
	}
	i := strings.Index(t, quoteSeparator)
	if i < 0 {
		return ""
	}
	t, ok = strings.CutSuffix(t[:i], "」")
	if !ok {
		return ""
	}
	if _, quoted, named := strings.Cut(t, "："); named {
		return quoted
	}
	return t
}

// CommandText is what a WeChat text says for the command parser: the quoted
// part of a quote-reply and every leading @-mention removed, whoever is
// mentioned and whatever the bot is called in the group (selfNames: its
// nickname and group display names). Go's \s is ASCII only, so spaces are
// found with unicode.IsSpace.
func CommandText(content string, selfNames ...string) string {
	t := content
	if strings.HasPrefix(t, "「") {
		if i := strings.Index(t, quoteSeparator); i >= 0 {
			t = t[i+len(quoteSeparator):]
		}
	}
	t = strings.TrimLeftFunc(t, unicode.IsSpace)
	for strings.HasPrefix(t, "@") {
		t = strings.TrimLeftFunc(t[mentionLen(t, selfNames):], unicode.IsSpace)
	}
	return t
}

// mentionLen is the length of the @-mention t starts with.
func mentionLen(t string, selfNames []string) int {
	for _, n := range selfNames { // typed by hand, perhaps without a space
		if n != "" && strings.HasPrefix(t[1:], n) {
			return 1 + len(n)
		}
	}
	end := strings.IndexFunc(t, unicode.IsSpace)
	if i := strings.IndexRune(t, mentionEnd); i >= 0 && (end < 0 || i < strings.IndexRune(t, '/') || strings.IndexRune(t, '/') < 0) {
		return i // inserted by WeChat: the name runs to U+2005, spaces and all
	}
	if end < 0 {
		return len(t)
	}
	return end
}

func displayName(u *openwechat.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.NickName
}

// groupID is a group's stable id: its name (web WeChat gives no other that
// survives a login; keep group names unique and save groups to contacts). A
// group without a name gets this login's UserName, so two never share an id.
func (w *WeChat) groupID(g *openwechat.User) string {
	if g.NickName == "" {
		return "g?:" + g.UserName
	}
	return "g:" + g.NickName
}

// refreshEvery bounds contact reloads: a parent who became a friend after
// login is found within this, and a flood of unknown senders costs one load.
const refreshEvery = 10 * time.Second

// reloadContacts fetches the contact list and learns who everyone is in
// this login (at most once per refreshEvery unless forced). It asks the
// service directly and leaves openwechat's caches alone: those belong to its
// sync goroutine, and writing them from a send would race with it.
func (w *WeChat) reloadContacts(wx *openwechat.Bot, force bool) bool {
	w.refreshMu.Lock()
	defer w.refreshMu.Unlock()
	now := w.cfg.Now()
	if wx == nil || (!force && now.Sub(w.refreshedAt) < refreshEvery) {
		return false
	}
	w.refreshedAt = now
	members, err := wx.Caller.WebWxGetContact(wx.Context(), wx.Storage.LoginInfo)
	if err != nil {
		w.cfg.Log.Warn("wechat: reloading contacts failed", "err", err)
		return false
	}
	groups := map[string]string{}
	for _, u := range members {
		switch {
		case u.IsFriend():
			w.ids.resolve(u, nil, false)
		case u.IsGroup() && u.NickName != "":
			groups[u.NickName] = u.UserName
		}
	}
	w.mu.Lock()
	w.groupUsers = groups
	w.mu.Unlock()
	return true
}

// refreshGroup reloads a group's members, at most once per refreshEvery.
// It runs in the sync goroutine (a message from someone new), where
// openwechat's own caches may be written.
func (w *WeChat) refreshGroup(g *openwechat.User) bool {
	w.refreshMu.Lock()
	now := w.cfg.Now()
	if now.Sub(w.groupRefresh[g.UserName]) < refreshEvery {
		w.refreshMu.Unlock()
		return false
	}
	w.groupRefresh[g.UserName] = now
	w.refreshMu.Unlock()
	if err := g.Detail(); err != nil {
		w.cfg.Log.Warn("wechat: reloading a group's members failed", "err", err)
		return false
	}
	return true
}

// friendRequest accepts a friend request (when configured) and greets the
// new friend with what to do next.
func (w *WeChat) friendRequest(msg *openwechat.Message) {
	if !w.cfg.AcceptFriends {
		w.cfg.Log.Info("wechat: a friend request waits for someone to accept it on the phone (wechat.accept_friends is off)")
		return
	}
	friend, err := msg.Agree()
	if err != nil {
		w.cfg.Log.Warn("wechat: accepting a friend request failed", "err", err)
		return
	}
	to := bot.Chat{ID: "u:" + friend.UserName, Kind: bot.Private, Title: displayName(friend.User)}
	if id := w.ids.resolve(friend.User, nil, false); id != "" {
		to.ID = id
	}
	w.replies.Add(bot.Outgoing{Platform: PlatformName, Chat: to, Text: welcomeNewFriend()})
}

// ClientFor is an http.Client that sends openwechat's requests for the
// WeChat hosts to serverURL instead: a local gateway or a test fake. Host
// and path stay as they were, in the X-Original-Host header and the URL.
func ClientFor(serverURL string) *http.Client {
	target, err := url.Parse(serverURL)
	return &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
			if err != nil {
				return nil, err
			}
			r = r.Clone(r.Context())
			r.Header.Set("X-Original-Host", r.URL.Host)
			r.URL.Scheme, r.URL.Host, r.Host = target.Scheme, target.Host, target.Host
			return http.DefaultTransport.RoundTrip(r)
		}),
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Send delivers a message, paced. Interactive replies wait in a queue per
// chat (returning at once); queued outbox messages are sent before Send
// returns, and fail with ErrNotLoggedIn while WeChat is logged out.
func (w *WeChat) Send(ctx context.Context, out bot.Outgoing) error {
	if out.QueueID == 0 {
		// Replies, files included, wait in their chat's queue: an upload
		// never holds up the messages coming in.
		w.replies.Add(out)
		return nil
	}
	w.mu.Lock()
	in := w.self != nil
	w.mu.Unlock()
	if !in {
		return ErrNotLoggedIn
	}
	return w.deliver(ctx, out)
}

// deliver sends one message in parts (and its file), pacing each and
// backing off on 1205.
func (w *WeChat) deliver(ctx context.Context, out bot.Outgoing) error {
	parts := bot.SplitText(out.Text, MaxText)
	if out.Text == "" {
		parts = nil
	}
	for i, part := range append(parts, "") {
		if i == len(parts) && out.File == nil {
			break
		}
		if err := w.sendPart(ctx, out, part, i == len(parts)); err != nil {
			if i > 0 && errors.Is(err, bot.ErrNotSent) {
				return fmt.Errorf("wechat: stopped after %d of the parts: %v", i, err) // the first parts went: never again
			}
			return err
		}
	}
	return nil
}

// sendPart sends one part (or the file), paced. 1205 pauses every send and
// tries again after the pause; "not logged in" (1100–1102) ends the session
// and leaves the part unsent, to wait for the next login.
func (w *WeChat) sendPart(ctx context.Context, out bot.Outgoing, text string, file bool) error {
	for attempt := 0; ; attempt++ {
		if err := w.pace(ctx, out.Chat.ID); err != nil {
			return fmt.Errorf("%w: %v", bot.ErrNotSent, err)
		}
		var err error
		if file {
			err = w.sendFile(out)
		} else {
			err = w.sendText(out, text)
		}
		var ret openwechat.Ret
		switch {
		case err == nil:
			w.sent()
			return nil
		case errors.As(err, &ret) && ret == 1205 && attempt < 8:
			w.tooOften()
		case errors.As(err, &ret) && (ret == 1100 || ret == 1101 || ret == 1102):
			w.cfg.Log.Warn("wechat: not logged in any more, the message waits for the next login", "ret", int(ret))
			w.sessionLost()
			return ErrNotLoggedIn
		default:
			return err
		}
	}
}

// tooOften pauses every send after a 1205, doubling the pause each time.
func (w *WeChat) tooOften() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.pause == 0 {
		w.pause = w.cfg.Backoff1205
	} else {
		w.pause = min(2*w.pause, 30*time.Minute)
	}
	w.pausedUntil = w.cfg.Now().Add(w.pause)
	w.cfg.Log.Warn("wechat: 1205 (operating too often), pausing every send", "for", w.pause)
}

// sent ends a run of 1205s: the next one pauses from the first step again.
func (w *WeChat) sent() {
	w.mu.Lock()
	w.pause = 0
	w.mu.Unlock()
}

// recipient finds the current group or friend behind a stable chat id.
func (w *WeChat) recipient(out bot.Outgoing) (*openwechat.Self, *openwechat.Group, *openwechat.Friend, error) {
	w.mu.Lock()
	self := w.self
	w.mu.Unlock()
	if self == nil {
		return nil, nil, nil, ErrNotLoggedIn
	}
	find := func() string {
		switch id := out.Chat.ID; {
		case strings.HasPrefix(id, "u:"), strings.HasPrefix(id, "g?:"): // this login's UserName
			return id[strings.IndexByte(id, ':')+1:]
		case strings.HasPrefix(id, "g:"):
			w.mu.Lock()
			defer w.mu.Unlock()
			return w.groupUsers[strings.TrimPrefix(id, "g:")]
		default:
			return w.ids.userName(id)
		}
	}
	w.mu.Lock()
	wx := w.wx
	w.mu.Unlock()
	userName := find()
	if userName == "" && w.reloadContacts(wx, false) { // a friend or group new since the last load
		userName = find()
	}
	if userName == "" {
		return nil, nil, nil, fmt.Errorf("%w: %s is not a friend of the bot account (or the group is not saved to contacts)", bot.ErrUnreachable, out.Chat.Title)
	}
	u := &openwechat.User{UserName: userName}
	if out.Chat.Kind == bot.Group {
		return self, &openwechat.Group{User: u}, nil, nil
	}
	return self, nil, &openwechat.Friend{User: u}, nil
}

func (w *WeChat) sendText(out bot.Outgoing, text string) error {
	self, g, f, err := w.recipient(out)
	if err != nil {
		return err
	}
	if g != nil {
		_, err = self.SendTextToGroup(g, text)
	} else {
		_, err = self.SendTextToFriend(f, text)
	}
	return err
}

// sendFile uploads the file under its own name (WeChat shows the name of
// the file it is given) and sends it.
func (w *WeChat) sendFile(out bot.Outgoing) error {
	self, g, f, err := w.recipient(out)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "bangfu-send")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, filepath.Base(out.File.Name))
	if err := os.WriteFile(path, out.File.Data, 0o600); err != nil {
		return err
	}
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	if g != nil {
		_, err = self.SendFileToGroup(g, file)
	} else {
		_, err = self.SendFileToFriend(f, file)
	}
	return err
}

// pace waits for the chat's gap (with jitter) and the overall rate.
func (w *WeChat) pace(ctx context.Context, chat string) error {
	for {
		w.mu.Lock()
		now := w.cfg.Now()
		if paused := w.pausedUntil.Sub(now); paused > 0 {
			w.mu.Unlock()
			if !w.cfg.Sleep(ctx, paused) {
				return ctx.Err()
			}
			continue // a 1205 may have paused us again meanwhile
		}
		// The account's overall rate, then this chat's gap, with jitter.
		turn := now.Add(w.limiter.ReserveN(now, 1).DelayFrom(now))
		gap := w.cfg.MinGap
		if w.cfg.MaxGap > w.cfg.MinGap {
			gap += time.Duration(rand.Int63n(int64(w.cfg.MaxGap - w.cfg.MinGap)))
		}
		next := w.lastSent[chat].Add(gap)
		if next.Before(turn) {
			next = turn
		}
		w.lastSent[chat] = next
		if len(w.lastSent) > 256 { // chats not written to for a while need no gap kept
			for c, at := range w.lastSent {
				if now.Sub(at) > w.cfg.MaxGap {
					delete(w.lastSent, c)
				}
			}
		}
		w.mu.Unlock()
		if wait := next.Sub(now); wait > 0 && !w.cfg.Sleep(ctx, wait) {
			return ctx.Err()
		}
		return nil
	}
}

// sessionFile is the hot-login session: a credential, written atomically
// with mode 0600.
func hasSession(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Size() > 0
}

type sessionFile struct {
	path string
	buf  []byte
	read int
}

func (s *sessionFile) Read(p []byte) (int, error) {
	if s.buf == nil {
		data, err := os.ReadFile(s.path)
		if err != nil {
			return 0, err
		}
		s.buf = data
	}
	if s.read >= len(s.buf) {
		return 0, io.EOF
	}
	n := copy(p, s.buf[s.read:])
	s.read += n
	return n, nil
}

// Write replaces the file with p (openwechat writes the whole session at once).
func (s *sessionFile) Write(p []byte) (int, error) {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return 0, err
	}
	tmp := s.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, err
	}
	if _, err := f.Write(p); err != nil {
		f.Close()
		return 0, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	s.buf, s.read = append([]byte(nil), p...), 0
	return len(p), os.Rename(tmp, s.path)
}
