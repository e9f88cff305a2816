// Package telegram puts bangfu into Telegram through go-telegram/bot. It
// only translates: updates become bot.Messages, bot.Outgoing become API
// calls, paced to Telegram's limits.
package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"bangfu/bot"
)

// PlatformName is Telegram's platform id in the database.
const PlatformName = "telegram"

// MaxText is Telegram's limit for one message, in UTF-16 units.
const MaxText = 4096

// State is what the adapter keeps between runs (the database, seen from here).
type State interface {
	PlatformValue(platform, name string) ([]byte, error)
	SetPlatformValue(platform, name string, v []byte) error
	MoveGroup(platform, oldID, newID string) error
}

// MenuItem is one entry of the command menu teachers see when typing /.
type MenuItem struct {
	Command, Description string
	InGroups             bool
}

// Config of the adapter.
type Config struct {
	Token      string
	ServerURL  string       // empty: the public Bot API
	HTTPClient *http.Client // nil: a default client
	// PollTimeout is the long-polling wait; the HTTP client's timeout must exceed it.
	PollTimeout time.Duration
	// Now is the clock (tests inject one); nil: time.Now.
	Now func() time.Time
	// OnStatus is told, to pass on to the admins through another platform,
	// when Telegram has been unreachable for a while (once an outage), when it
	// is back, and when the token is refused.
	OnStatus func(text string)
	// OnReady is told the bot's @username once Telegram answered getMe.
	OnReady func(username string)
	// FileTimeout bounds the whole sending of one file, retries included
	// (default 2 minutes).
	FileTimeout time.Duration
	// Sleep waits between retries (tests inject a pacer); nil: bot.Sleep.
	Sleep  func(ctx context.Context, d time.Duration) bool
	State  State
	Log    *slog.Logger
	Limits Limits
	Menu   []MenuItem
	// Keep receives, at stop, the replies that could not go out in time, to
	// be sent from the durable outbox after the restart.
	Keep func([]bot.Outgoing)
	// Journal keeps replies that have to wait for their turn on disk.
	Journal bot.ReplyJournal
}

// Telegram is the platform.
type Telegram struct {
	// OnUnreachable is told when a queued reply meets a 403.
	OnUnreachable func(bot.Outgoing)

	cfg       Config
	api       *tgbot.Bot
	client    *http.Client
	serverURL string
	username  string
	limits    *limiter

	handle func(context.Context, bot.Message)
	runCtx context.Context

	mu              sync.Mutex
	downSince       time.Time // first failed call of an outage; zero while reachable
	selfID          int64     // the bot's own user id, from getMe
	toldDown        bool      // the admins heard of this outage
	toldOtherPoller bool      // the admins heard another program polls this token
	lastHandled     int64     // the update handled last (not the highest ever: ids may restart lower)
	lastHandledAt   time.Time // when, by Config.Now
	lastSaved       int64
	savedAt         time.Time

	replies *bot.ReplyQueues
}

const (
	offsetKey   = "last_update_id"
	offsetAtKey = "last_update_at" // unix seconds
)

// quietReset: after about a week without updates Telegram may restart
// update ids at a lower random value, which an offset past the old ones
// would confirm unseen. After this long the poll asks from the earliest
// unconfirmed update instead: Telegram keeps updates 24 hours only, so
// nothing old comes back, and a redelivery is deduplicated by message id.
const quietReset = 6 * 24 * time.Hour

// New prepares the client and polling from the last update handled before
// the previous stop. It does not touch the network: Run connects, so an
// unreachable Telegram never holds up the other platforms. Its length is the
// library options, in the order the client needs them.
func New(cfg Config) (*Telegram, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = 50 * time.Second
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = bot.Sleep
	}
	if cfg.FileTimeout == 0 {
		cfg.FileTimeout = 2 * time.Minute
	}
	t := &Telegram{cfg: cfg, limits: newLimiter(cfg.Limits, cfg.Now, cfg.Sleep)}
	t.replies = bot.NewReplyQueues(t.deliverReply, nil, cfg.Log)
	t.replies.Journal = cfg.Journal
	t.loadOffset()
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: cfg.PollTimeout + 10*time.Second}
	}
	t.client = client
	opts := []tgbot.Option{
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(cfg.PollTimeout, client),
		// Updates are fetched by our own loop (poll), which asks for the next
		// batch, and so confirms the previous one to Telegram, only once every
		// update of it is handled. The library's poller confirms an update as
		// soon as it is queued, so a crash would lose it.
		tgbot.WithNotAsyncHandlers(),
		tgbot.WithDefaultHandler(t.onUpdate),
		tgbot.WithErrorsHandler(func(err error) { cfg.Log.Warn("telegram", "err", redact(err.Error(), cfg.Token)) }),
		tgbot.WithAllowedUpdates(tgbot.AllowedUpdates{"message", "edited_message"}),
	}
	t.serverURL = "https://api.telegram.org"
	if cfg.ServerURL != "" {
		t.serverURL = strings.TrimRight(cfg.ServerURL, "/")
		opts = append(opts, tgbot.WithServerURL(t.serverURL))
	}
	api, err := tgbot.New(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("telegram: %s", redact(err.Error(), cfg.Token))
	}
	t.api = api
	return t, nil
}

func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "***")
}

// Name implements bot.Platform.
func (t *Telegram) Name() string { return PlatformName }

// QueuesReplies implements bot.ReplyQueuer.
func (t *Telegram) QueuesReplies() {}

// Username is the bot's @username, for /cmd@username; "" until connected.
func (t *Telegram) Username() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.username
}

// outageNotice is how long Telegram may be unreachable before the admins
// are told: a blip of a few seconds is not worth a message.
const outageNotice = 2 * time.Minute

// connect asks getMe until Telegram answers, backing off to a minute, and
// reports an outage to the admins once. A refused token stops Telegram alone,
// with one clear line to the admins: false, as at the end of ctx.
func (t *Telegram) connect(ctx context.Context) bool {
	wait := time.Second
	for {
		me, err := t.api.GetMe(ctx)
		if err == nil {
			t.mu.Lock()
			t.username, t.selfID = me.Username, me.ID
			t.mu.Unlock()
			t.up()
			t.explainPrivacyMode(me.CanReadAllGroupMessages)
			if t.cfg.OnReady != nil {
				t.cfg.OnReady(me.Username)
			}
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if errors.Is(err, tgbot.ErrorUnauthorized) {
			t.cfg.Log.Error("telegram: the token was refused (401); Telegram is off until it is fixed and bangfu restarted")
			t.status(tokenRefused())
			return false
		}
		t.down(err, wait)
		if !t.cfg.Sleep(ctx, wait) {
			return false
		}
		wait = min(2*wait, time.Minute)
	}
}

// down notes a failed call; the admins hear of an outage once it has
// lasted outageNotice.
func (t *Telegram) down(err error, retryIn time.Duration) {
	t.cfg.Log.Warn("telegram unreachable, retrying", "err", redact(err.Error(), t.cfg.Token), "in", retryIn)
	t.mu.Lock()
	now := t.cfg.Now()
	if t.downSince.IsZero() {
		t.downSince = now
	}
	tell := !t.toldDown && now.Sub(t.downSince) >= outageNotice
	t.toldDown = t.toldDown || tell
	since := t.downSince
	t.mu.Unlock()
	if tell {
		t.status(unreachable(now.Sub(since)))
	}
}

// up ends an outage; the admins hear it is over if they heard it began.
func (t *Telegram) up() {
	t.mu.Lock()
	told := t.toldDown
	t.downSince, t.toldDown = time.Time{}, false
	t.mu.Unlock()
	if told {
		t.status(backAgain())
	}
}

// explainPrivacyMode tells the admins once what BotFather's privacy mode
// means for them: in groups Telegram delivers only /latin commands.
func (t *Telegram) explainPrivacyMode(readsAll bool) {
	const key = "privacy_mode_told"
	if readsAll {
		t.cfg.State.SetPlatformValue(PlatformName, key, nil)
		return
	}
	if v, err := t.cfg.State.PlatformValue(PlatformName, key); err != nil || len(v) > 0 {
		return
	}
	t.status(privacyMode(t.Username()))
	if err := t.cfg.State.SetPlatformValue(PlatformName, key, []byte("1")); err != nil {
		t.cfg.Log.Error("telegram: remembering the privacy notice failed", "err", err)
	}
}

// otherPoller tells the admins once that another program polls this token.
func (t *Telegram) otherPoller() {
	t.mu.Lock()
	told := t.toldOtherPoller
	t.toldOtherPoller = true
	t.mu.Unlock()
	if !told {
		t.status(anotherPoller())
	}
}

func (t *Telegram) status(text string) {
	if t.cfg.OnStatus != nil {
		t.cfg.OnStatus(text)
	}
}

// Run registers the command menu and long-polls until ctx ends; the update
// being handled then is finished before Run returns. Sending goes on until Stop.
func (t *Telegram) Run(ctx context.Context, handle func(context.Context, bot.Message)) error {
	t.handle = handle
	t.runCtx = context.WithoutCancel(ctx)
	if !t.connect(ctx) {
		return nil
	}
	if err := t.SetMenu(ctx); err != nil {
		t.cfg.Log.Warn("telegram setMyCommands failed; the / menu stays as it was", "err", redact(err.Error(), t.cfg.Token))
	}
	t.poll(ctx)
	t.saveOffset(true)
	return nil
}

// Stop finishes the replies still waiting for their turn until ctx ends (5 s
// without a deadline) and keeps the rest for the durable outbox.
func (t *Telegram) Stop(ctx context.Context) {
	if left := t.replies.Stop(bot.Until(ctx, 5*time.Second)); len(left) > 0 && t.cfg.Keep != nil {
		t.cfg.Keep(left)
	}
}

func (t *Telegram) deliverReply(ctx context.Context, out bot.Outgoing) error {
	err := t.deliver(ctx, out)
	if errors.Is(err, bot.ErrUnreachable) && t.OnUnreachable != nil {
		t.OnUnreachable(out)
	}
	return err
}

// SetMenu registers the command menu for private chats and for groups.
func (t *Telegram) SetMenu(ctx context.Context) error {
	var private, groups []models.BotCommand
	for _, m := range t.cfg.Menu {
		c := models.BotCommand{Command: m.Command, Description: m.Description}
		private = append(private, c)
		if m.InGroups {
			groups = append(groups, c)
		}
	}
	if len(private) == 0 {
		return nil
	}
	if _, err := t.api.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: private, Scope: &models.BotCommandScopeAllPrivateChats{}}); err != nil {
		return err
	}
	_, err := t.api.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: groups, Scope: &models.BotCommandScopeAllGroupChats{}})
	return err
}

// poll long-polls getUpdates, handling each update (through the library's
// ProcessUpdate) before asking for more, until ctx ends.
func (t *Telegram) poll(ctx context.Context) {
	wait := time.Duration(0)
	for ctx.Err() == nil {
		if wait > 0 && !t.cfg.Sleep(ctx, wait) {
			return
		}
		updates, err := t.getUpdates(ctx, t.nextOffset())
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			wait = min(max(2*wait, 500*time.Millisecond), 30*time.Second)
			t.down(err, wait)
			continue
		}
		if wait > 0 {
			t.up()
		}
		wait = 0
		for _, u := range updates {
			t.api.ProcessUpdate(ctx, u)
		}
	}
}

// getUpdates is the Bot API call, form-encoded like the library's own.
func (t *Telegram) getUpdates(ctx context.Context, offset int64) ([]*models.Update, error) {
	form := url.Values{"offset": {strconv.FormatInt(offset, 10)}, "timeout": {strconv.Itoa(int((t.cfg.PollTimeout - time.Second).Seconds()))},
		"allowed_updates": {`["message","edited_message"]`}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.serverURL+"/bot"+t.cfg.Token+"/getUpdates", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		OK          bool             `json:"ok"`
		Result      []*models.Update `json:"result"`
		Description string           `json:"description"`
		ErrorCode   int              `json:"error_code"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, err
	}
	if !body.OK {
		if body.ErrorCode == http.StatusConflict && strings.Contains(body.Description, "webhook") {
			// A webhook left on the token (another deployment, an old test):
			// polling cannot work until it is removed.
			t.cfg.Log.Warn("telegram: a webhook was set on the token; deleting it to poll")
			if _, err := t.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
				return nil, fmt.Errorf("deleteWebhook: %s", redact(err.Error(), t.cfg.Token))
			}
			return nil, nil
		}
		if body.ErrorCode == http.StatusConflict {
			t.otherPoller()
			return nil, fmt.Errorf("another program is polling with this token (409): %s", body.Description)
		}
		return nil, fmt.Errorf("getUpdates: %d %s", body.ErrorCode, body.Description)
	}
	return body.Result, nil
}

func (t *Telegram) onUpdate(ctx context.Context, _ *tgbot.Bot, upd *models.Update) {
	// Handle to the end even when a stop arrives meanwhile, so the reply goes out.
	hctx := t.runCtx
	if hctx == nil {
		hctx = context.WithoutCancel(ctx)
	}
	defer t.markHandled(upd.ID)
	if e := upd.EditedMessage; e != nil {
		t.edited(e)
		return
	}
	m := upd.Message
	if m == nil {
		return
	}
	if t.addedMe(m) {
		// Added to a group: say at once how the group is registered, before
		// anyone asks the bot anything there.
		t.replies.Add(bot.Outgoing{Platform: PlatformName, Chat: chatOf(m), Text: addedToGroup()})
		return
	}
	if m.MigrateToChatID != 0 { // the group became a supergroup: keep its registration
		if err := t.cfg.State.MoveGroup(PlatformName, chatID(m.Chat.ID), chatID(m.MigrateToChatID)); err != nil {
			t.cfg.Log.Error("telegram: moving a migrated group failed", "err", err)
		}
		return
	}
	if anonymousAdmin(m) {
		// A group admin writing anonymously cannot be told from any other
		// admin of the group: say what to do instead of guessing who it is.
		if text := strings.TrimSpace(m.Text); strings.HasPrefix(text, "/") || strings.HasPrefix(text, "／") {
			t.replies.Add(bot.Outgoing{Platform: PlatformName, Chat: chatOf(m), Text: anonymousAdminReply()})
		}
		return
	}
	msg, ok := Translate(upd)
	if !ok || t.handle == nil {
		return
	}
	t.handle(hctx, msg)
}

// Translate turns an update into a bot.Message; ok is false for updates that
// carry no text from a person (nor, in private, a voice, picture or video).
func Translate(upd *models.Update) (bot.Message, bool) {
	m := upd.Message
	if m == nil || m.From == nil || m.From.IsBot {
		return bot.Message{}, false
	}
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	private := m.Chat.Type == models.ChatTypePrivate
	// A voice, a picture or a video in private is handed on, with its
	// caption if any: a parent's voice message must not vanish.
	media := ""
	if private {
		media = mediaOf(m)
	}
	if text == "" && media == "" {
		return bot.Message{}, false
	}
	chat := chatOf(m)
	return bot.Message{
		Platform: PlatformName,
		// Chat and message id are stable across redeliveries of the same update.
		ID:     chatID(m.Chat.ID) + ":" + strconv.Itoa(m.ID),
		Chat:   chat,
		Sender: bot.User{ID: strconv.FormatInt(m.From.ID, 10), Name: personName(m.From)},
		Text:   text,
		Time:   time.Unix(int64(m.Date), 0),
		Quote:  quoted(m.ReplyToMessage),
		Media:  media,
	}, true
}

// mediaOf names a voice, picture or video message as bot.Message.Media
// does; "" for any other.
func mediaOf(m *models.Message) string {
	switch {
	case m.Voice != nil || m.Audio != nil:
		return "语音"
	case len(m.Photo) > 0:
		return "图片"
	case m.Video != nil || m.VideoNote != nil:
		return "视频"
	}
	return ""
}

// addedMe tells a service message that added this bot to a group.
func (t *Telegram) addedMe(m *models.Message) bool {
	t.mu.Lock()
	self := t.selfID
	t.mu.Unlock()
	for _, u := range m.NewChatMembers {
		if self != 0 && u.ID == self {
			return true
		}
	}
	return false
}

// edited answers a command a person edited after sending it: the edit is
// not carried out, and a teacher who fixed a typo that way must not take
// the record for corrected (or, for a line that was refused, for made).
// Other edits are left alone.
func (t *Telegram) edited(e *models.Message) {
	text := strings.TrimSpace(e.Text)
	if e.From == nil || e.From.IsBot || !(strings.HasPrefix(text, "/") || strings.HasPrefix(text, "／")) {
		return
	}
	t.replies.Add(bot.Outgoing{Platform: PlatformName, Chat: chatOf(e), Text: editedCommand()})
}

// chatOf is the chat a message was said in: a private chat titled by the
// person, or a group, in its forum topic when it has one.
func chatOf(m *models.Message) bot.Chat {
	if m.Chat.Type == models.ChatTypePrivate {
		return bot.Chat{ID: chatID(m.Chat.ID), Kind: bot.Private, Title: personName(m.From)}
	}
	chat := bot.Chat{ID: chatID(m.Chat.ID), Kind: bot.Group, Title: m.Chat.Title}
	if m.IsTopicMessage && m.MessageThreadID != 0 {
		chat.Thread = strconv.Itoa(m.MessageThreadID)
	}
	return chat
}

// quoted is the text of the message replied to, "" for none.
func quoted(m *models.Message) string {
	if m == nil {
		return ""
	}
	if m.Text != "" {
		return m.Text
	}
	return m.Caption
}

func chatID(id int64) string { return strconv.FormatInt(id, 10) }

// anonymousAdmin: a group admin who chose to remain anonymous writes as
// GroupAnonymousBot, with the group itself as sender_chat.
func anonymousAdmin(m *models.Message) bool {
	return m.From != nil && m.From.IsBot && m.SenderChat != nil && m.SenderChat.ID == m.Chat.ID
}

// personName joins first and last name; Chinese names need no space.
func personName(u *models.User) string {
	first, last := strings.TrimSpace(u.FirstName), strings.TrimSpace(u.LastName)
	switch {
	case last == "":
		return first
	case first == "":
		return last
	case isHan(first) && isHan(last):
		return last + first
	}
	return first + " " + last
}

func isHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

// markHandled remembers the update handled last, whatever its id (ids may
// restart lower after a quiet week). It is written at most once a second: a
// restart from an older offset only sees updates that are deduplicated anyway.
func (t *Telegram) markHandled(id int64) {
	t.mu.Lock()
	t.lastHandled, t.lastHandledAt = id, t.cfg.Now()
	t.mu.Unlock()
	t.saveOffset(false)
}

// nextOffset confirms every update up to the one handled last; after a
// quiet week (or with none handled yet) it asks from the earliest unconfirmed.
func (t *Telegram) nextOffset() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lastHandled == 0 || t.cfg.Now().Sub(t.lastHandledAt) > quietReset {
		return 0
	}
	return t.lastHandled + 1
}

func (t *Telegram) loadOffset() {
	v, err := t.cfg.State.PlatformValue(PlatformName, offsetKey)
	if err != nil || len(v) == 0 {
		return
	}
	t.lastHandled, _ = strconv.ParseInt(string(v), 10, 64)
	t.lastSaved = t.lastHandled
	t.lastHandledAt = t.cfg.Now() // saved by an older version without the time: assume recent
	if at, err := t.cfg.State.PlatformValue(PlatformName, offsetAtKey); err == nil && len(at) > 0 {
		if sec, err := strconv.ParseInt(string(at), 10, 64); err == nil {
			t.lastHandledAt = time.Unix(sec, 0)
		}
	}
}

func (t *Telegram) saveOffset(force bool) {
	t.mu.Lock()
	id, at := t.lastHandled, t.lastHandledAt
	if id == t.lastSaved || (!force && t.cfg.Now().Sub(t.savedAt) < time.Second) {
		t.mu.Unlock()
		return
	}
	t.lastSaved, t.savedAt = id, t.cfg.Now()
	t.mu.Unlock()
	err := t.cfg.State.SetPlatformValue(PlatformName, offsetAtKey, []byte(strconv.FormatInt(at.Unix(), 10)))
	if err == nil {
		err = t.cfg.State.SetPlatformValue(PlatformName, offsetKey, []byte(strconv.FormatInt(id, 10)))
	}
	if err != nil {
		t.cfg.Log.Error("telegram: saving the update offset failed", "err", err)
	}
}

// Send delivers a message (split to 4096 units) or a file, paced to
// Telegram's limits; a 429 waits its retry_after and tries again, a group
// upgraded to a supergroup is followed, and a 403 is ErrUnreachable.
// Interactive replies are queued per chat and Send returns at once; messages
// from the durable outbox (QueueID set) and files are sent before it returns.
func (t *Telegram) Send(ctx context.Context, out bot.Outgoing) error {
	if _, err := strconv.ParseInt(out.Chat.ID, 10, 64); err != nil {
		return fmt.Errorf("telegram: bad chat id %q", out.Chat.ID)
	}
	if out.QueueID == 0 && t.runCtx != nil {
		// Replies, files included, wait in their chat's queue: an upload
		// never holds up the polling of updates.
		t.replies.Add(out)
		return nil
	}
	return t.deliver(ctx, out)
}

// SendNow delivers a message before returning, whatever its kind.
func (t *Telegram) SendNow(ctx context.Context, out bot.Outgoing) error { return t.deliver(ctx, out) }

func (t *Telegram) deliver(ctx context.Context, out bot.Outgoing) error {
	id, err := strconv.ParseInt(out.Chat.ID, 10, 64)
	if err != nil {
		return fmt.Errorf("telegram: bad chat id %q", out.Chat.ID)
	}
	group := out.Chat.Kind == bot.Group
	thread, _ := strconv.Atoi(out.Chat.Thread) // the forum topic the reply answers
	if out.File != nil {
		ctx, cancel := context.WithTimeout(ctx, t.cfg.FileTimeout)
		defer cancel()
		return t.call(ctx, &id, group, func(chat int64) error {
			_, err := t.api.SendDocument(ctx, &tgbot.SendDocumentParams{ChatID: chat, MessageThreadID: thread, Caption: out.Text,
				Document: &models.InputFileUpload{Filename: out.File.Name, Data: bytes.NewReader(out.File.Data)}})
			return err
		})
	}
	parts := bot.SplitText(out.Text, MaxText)
	for i, part := range parts {
		params := &tgbot.SendMessageParams{ChatID: 0, MessageThreadID: thread, Text: part}
		if i == len(parts)-1 && len(out.Answers) > 0 && !group {
			params.ReplyMarkup = answerKeyboard(out.Answers) // under the last part, one tap to answer
		}
		if err := t.call(ctx, &id, group, func(chat int64) error {
			params.ChatID = chat
			_, err := t.api.SendMessage(ctx, params)
			return err
		}); err != nil {
			if i > 0 && errors.Is(err, bot.ErrNotSent) {
				return fmt.Errorf("telegram: stopped after %d of the parts: %v", i, err)
			}
			return err
		}
	}
	return nil
}

func (t *Telegram) call(ctx context.Context, chat *int64, group bool, send func(int64) error) error {
	for attempt := 0; ; attempt++ {
		if err := t.limits.wait(ctx, *chat, group); err != nil {
			return fmt.Errorf("%w: %v", bot.ErrNotSent, err)
		}
		err := send(*chat)
		var tooMany *tgbot.TooManyRequestsError
		var migrate *tgbot.MigrateError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &tooMany) && attempt < 5:
			wait := time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
			t.cfg.Log.Warn("telegram 429, waiting", "chat", *chat, "retry_after", wait)
			if !t.cfg.Sleep(ctx, wait) {
				return fmt.Errorf("%w: %v", bot.ErrNotSent, ctx.Err())
			}
		case errors.As(err, &migrate) && attempt < 5:
			newID := int64(migrate.MigrateToChatID)
			if err := t.cfg.State.MoveGroup(PlatformName, chatID(*chat), chatID(newID)); err != nil {
				t.cfg.Log.Error("telegram: moving a migrated group failed", "err", err)
			}
			*chat = newID
		case errors.Is(err, tgbot.ErrorForbidden) && group:
			// Kicked from the group, or the group is gone: no retry helps.
			return fmt.Errorf("%w: %s", bot.ErrPermanent, redact(err.Error(), t.cfg.Token))
		case errors.Is(err, tgbot.ErrorForbidden):
			return fmt.Errorf("%w: %s", bot.ErrUnreachable, redact(err.Error(), t.cfg.Token))
		case errors.Is(err, tgbot.ErrorBadRequest):
			// Chat not found, topic closed, no rights to write: the same
			// request would fail the same way.
			return fmt.Errorf("%w: %s", bot.ErrPermanent, redact(err.Error(), t.cfg.Token))
		default:
			return errors.New(redact(err.Error(), t.cfg.Token))
		}
	}
}

// answerKeyboard offers answers as a reply keyboard: a tap sends the word
// as the person's own message, and the keyboard folds away after it.
func answerKeyboard(answers []string) *models.ReplyKeyboardMarkup {
	row := make([]models.KeyboardButton, 0, len(answers))
	for _, a := range answers {
		row = append(row, models.KeyboardButton{Text: a})
	}
	return &models.ReplyKeyboardMarkup{Keyboard: [][]models.KeyboardButton{row}, ResizeKeyboard: true, OneTimeKeyboard: true}
}
