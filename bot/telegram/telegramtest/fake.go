// Package telegramtest is a fake Telegram Bot API on 127.0.0.1 that speaks
// the real protocol (multipart requests, long-polled getUpdates with
// offsets, sendMessage, sendDocument, setMyCommands, 429, 403 and group
// migration errors), for driving the real go-telegram/bot client in tests.
package telegramtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"bangfu/bot/internal/longpoll"
)

// Sent is one message or file the bot sent.
type Sent struct {
	Method   string
	ChatID   int64
	Text     string
	FileName string
	FileData []byte
	Thread   int // message_thread_id: the forum topic it went to (0: General)
	// Buttons are the texts of a reply keyboard sent with the message.
	Buttons []string
	At      time.Time
}

// Server is the fake API. Its zero value is not usable: call New.
type Server struct {
	*httptest.Server
	Token    string
	Username string

	mu        sync.Mutex
	cond      *sync.Cond
	updates   []json.RawMessage // pending, in update id order
	history   map[int64]json.RawMessage
	ids       []int64
	nextID    int64
	nextMsgID int
	offsets   []int64 // offsets asked for by getUpdates, in order
	sent      []Sent
	commands  map[string][]map[string]string // scope type → commands
	fail429   map[int64][]int                // chat → retry_after values to answer next sends with
	forbidden map[int64]bool
	migrated  map[int64]int64
	calls     map[string]int
	down      bool          // every call answers 502 from the gateway, as in an outage
	refused   bool          // the token is refused: 401
	webhook   bool          // a webhook is set: getUpdates answers 409 until deleteWebhook
	privacy   bool          // privacy mode (BotFather's default): getMe says the bot cannot read all group messages
	hold      chan struct{} // while set, sendDocument waits for it to close (a slow upload)
	clock     func() time.Time
}

// HoldDocuments makes uploads hang until the returned release is called,
// like a large export on a slow school line.
func (s *Server) HoldDocuments() (release func()) {
	ch := make(chan struct{})
	s.mu.Lock()
	s.hold = ch
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.hold = nil
		s.mu.Unlock()
		close(ch)
	}
}

// Clock stamps what the bot sends (tests give the bot's injected clock);
// nil: the wall clock.
func (s *Server) Clock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = now
}

func (s *Server) now() time.Time {
	s.mu.Lock()
	clock := s.clock
	s.mu.Unlock()
	if clock != nil {
		return clock()
	}
	return time.Now()
}

// SetWebhook leaves a webhook on the token, as another deployment might.
func (s *Server) SetWebhook() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = true
}

// PrivacyMode turns on BotFather's privacy mode: in groups only /commands
// reach the bot, and getMe says can_read_all_group_messages false.
func (s *Server) PrivacyMode() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.privacy = true
}

// SayInTopic queues a message in a forum topic of a supergroup.
func (s *Server) SayInTopic(fromID int64, name string, groupID int64, group string, topic int, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := message{MessageID: s.nextMsgID, From: &user{ID: fromID, FirstName: name}, Chat: chat{ID: groupID, Type: "supergroup", Title: group, IsForum: true},
		Date: time.Now().Unix(), Text: text, MessageThreadID: topic, IsTopicMessage: true}
	s.nextMsgID++
	return s.pushLocked(map[string]any{"message": m})
}

// SayAsAnonymousAdmin queues what a group admin writing anonymously sends:
// from GroupAnonymousBot, with the group itself as sender_chat.
func (s *Server) SayAsAnonymousAdmin(groupID int64, group, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := chat{ID: groupID, Type: "supergroup", Title: group}
	m := message{MessageID: s.nextMsgID, From: &user{ID: 1087968824, IsBot: true, FirstName: "Group", Username: "GroupAnonymousBot"},
		SenderChat: &c, Chat: c, Date: time.Now().Unix(), Text: text}
	s.nextMsgID++
	return s.pushLocked(map[string]any{"message": m})
}

// SetDown starts or ends an outage: while down every call answers 502 Bad
// Gateway with an HTML page, as Telegram's front servers do.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
	s.cond.Broadcast()
}

// RefuseToken makes every call answer 401 Unauthorized, as for a revoked token.
func (s *Server) RefuseToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused = true
}

// New starts the fake on a loopback port.
func New(token string) *Server {
	s := &Server{Token: token, Username: "bangfu_bot", nextID: 1000, nextMsgID: 1,
		commands: map[string][]map[string]string{}, fail429: map[int64][]int{}, forbidden: map[int64]bool{},
		migrated: map[int64]int64{}, calls: map[string]int{}, history: map[int64]json.RawMessage{}}
	s.cond = sync.NewCond(&s.mu)
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close stops the server and wakes pollers.
func (s *Server) Close() {
	s.mu.Lock()
	s.cond.Broadcast()
	s.mu.Unlock()
	s.Server.CloseClientConnections()
	s.Server.Close()
}

type chat struct {
	ID      int64  `json:"id"`
	Type    string `json:"type"`
	Title   string `json:"title,omitempty"`
	IsForum bool   `json:"is_forum,omitempty"`
}

type user struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	Username  string `json:"username,omitempty"`
}

type message struct {
	MessageID       int    `json:"message_id"`
	MessageThreadID int    `json:"message_thread_id,omitempty"`
	From            *user  `json:"from,omitempty"`
	SenderChat      *chat  `json:"sender_chat,omitempty"`
	Chat            chat   `json:"chat"`
	Date            int64  `json:"date"`
	Text            string `json:"text,omitempty"`
	IsTopicMessage  bool   `json:"is_topic_message,omitempty"`
	// ReplyToMessage is the message answered (the Bot API sends it whole,
	// without its own reply_to_message).
	ReplyToMessage  *message `json:"reply_to_message,omitempty"`
	MigrateToChatID int64    `json:"migrate_to_chat_id,omitempty"`
	EditDate        int64    `json:"edit_date,omitempty"`
	NewChatMembers  []user   `json:"new_chat_members,omitempty"`
	// A voice message or a photo (its sizes), with an optional caption.
	Voice   *voice      `json:"voice,omitempty"`
	Photo   []photoSize `json:"photo,omitempty"`
	Caption string      `json:"caption,omitempty"`
}

// voice and photoSize are the Bot API's Voice and PhotoSize objects.
type voice struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Duration     int    `json:"duration"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

type photoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	FileSize     int    `json:"file_size,omitempty"`
}

// SayVoice queues a voice message (no text), in private when group is "".
func (s *Server) SayVoice(fromID int64, name string, groupID int64, group string) int64 {
	c := chatOf(fromID, groupID, group)
	s.mu.Lock()
	defer s.mu.Unlock()
	m := message{MessageID: s.nextMsgID, From: &user{ID: fromID, FirstName: name}, Chat: c, Date: time.Now().Unix(),
		Voice: &voice{FileID: fmt.Sprintf("AwACAgUAAxkBAAI%d", s.nextMsgID), FileUniqueID: fmt.Sprintf("AgAD%d", s.nextMsgID), Duration: 4, MimeType: "audio/ogg", FileSize: 9120}}
	s.nextMsgID++
	return s.pushLocked(map[string]any{"message": m})
}

// SayPhoto queues a private photo (three sizes, as Telegram sends them)
// with a caption.
func (s *Server) SayPhoto(fromID int64, name, caption string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sizes []photoSize
	for i, w := range []int{90, 320, 1280} {
		sizes = append(sizes, photoSize{FileID: fmt.Sprintf("AgACAgUAAxkBAAI%d_%d", s.nextMsgID, i), FileUniqueID: fmt.Sprintf("AQAD%d_%d", s.nextMsgID, i), Width: w, Height: w * 3 / 4})
	}
	m := message{MessageID: s.nextMsgID, From: &user{ID: fromID, FirstName: name}, Chat: chat{ID: fromID, Type: "private"}, Date: time.Now().Unix(), Photo: sizes, Caption: caption}
	s.nextMsgID++
	return s.pushLocked(map[string]any{"message": m})
}

// chatOf is the private chat with fromID when group is "", else the
// supergroup groupID titled group.
func chatOf(fromID, groupID int64, group string) chat {
	if group == "" {
		return chat{ID: fromID, Type: "private"}
	}
	return chat{ID: groupID, Type: "supergroup", Title: group}
}

// Say queues a text message from a person: in a private chat when group is
// "", otherwise in the supergroup groupID titled group. It returns the update id.
func (s *Server) Say(fromID int64, name string, groupID int64, group, text string) int64 {
	c := chatOf(fromID, groupID, group)
	s.mu.Lock()
	defer s.mu.Unlock()
	m := message{MessageID: s.nextMsgID, From: &user{ID: fromID, FirstName: name}, Chat: c, Date: time.Now().Unix(), Text: text}
	s.nextMsgID++
	return s.pushLocked(map[string]any{"message": m})
}

// Edit queues what Telegram sends when a person edits a message they sent
// earlier (edited_message, with edit_date): in private when group is "".
func (s *Server) Edit(fromID int64, name string, groupID int64, group, text string) int64 {
	c := chatOf(fromID, groupID, group)
	s.mu.Lock()
	defer s.mu.Unlock()
	m := message{MessageID: s.nextMsgID, From: &user{ID: fromID, FirstName: name}, Chat: c, Date: time.Now().Add(-time.Minute).Unix(), Text: text, EditDate: time.Now().Unix()}
	s.nextMsgID++
	return s.pushLocked(map[string]any{"edited_message": m})
}

// BotID is the bot's own user id, as getMe answers it.
const BotID = 7700000001

// AddMembers queues the service message of a person adding members to a
// supergroup (new_chat_members): the bot, when BotID is among them.
func (s *Server) AddMembers(fromID int64, name string, groupID int64, group string, members ...int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var added []user
	for _, id := range members {
		if id == BotID {
			added = append(added, user{ID: BotID, IsBot: true, FirstName: "帮扶助手", Username: s.Username})
		} else {
			added = append(added, user{ID: id, FirstName: fmt.Sprint("成员", id)})
		}
	}
	m := message{MessageID: s.nextMsgID, From: &user{ID: fromID, FirstName: name}, Chat: chat{ID: groupID, Type: "supergroup", Title: group},
		Date: time.Now().Unix(), NewChatMembers: added}
	s.nextMsgID++
	return s.pushLocked(map[string]any{"message": m})
}

// SayReplying queues a private message from a person answering (quoting)
// one the bot sent them earlier, whose text was quoted.
func (s *Server) SayReplying(fromID int64, name, text, quoted string) int64 {
	c := chat{ID: fromID, Type: "private"}
	s.mu.Lock()
	defer s.mu.Unlock()
	orig := &message{MessageID: s.nextMsgID, From: &user{ID: BotID, IsBot: true, FirstName: "帮扶助手", Username: "bangfu_bot"}, Chat: c, Date: time.Now().Unix(), Text: quoted}
	s.nextMsgID++
	m := message{MessageID: s.nextMsgID, From: &user{ID: fromID, FirstName: name}, Chat: c, Date: time.Now().Unix(), Text: text, ReplyToMessage: orig}
	s.nextMsgID++
	return s.pushLocked(map[string]any{"message": m})
}

// Migrate queues the service message Telegram sends in a group upgraded to a
// supergroup, and makes later sends to the old id fail with migrate_to_chat_id.
func (s *Server) Migrate(oldID, newID int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.migrated[oldID] = newID
	m := message{MessageID: s.nextMsgID, From: &user{ID: 1, FirstName: "Group"}, Chat: chat{ID: oldID, Type: "group", Title: "old"}, Date: time.Now().Unix(), MigrateToChatID: newID}
	s.nextMsgID++
	return s.pushLocked(map[string]any{"message": m})
}

// RestartIDs makes the next updates count from next, as Telegram may do
// after a week without updates (the new ids are often lower).
func (s *Server) RestartIDs(next int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID = next
}

// Redeliver queues again an update that was already delivered (as Telegram
// does when its confirmation was lost).
func (s *Server) Redeliver(id int64, raw json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, id)
	s.updates = append(s.updates, raw)
	s.cond.Broadcast()
}

func (s *Server) pushLocked(body map[string]any) int64 {
	id := s.nextID
	s.nextID++
	body["update_id"] = id
	raw, _ := json.Marshal(body)
	s.ids = append(s.ids, id)
	s.updates = append(s.updates, raw)
	s.history[id] = raw
	s.cond.Broadcast()
	return id
}

// Raw returns the JSON of an update ever queued.
func (s *Server) Raw(id int64) json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.history[id]
}

// Fail429 makes the next sends to chat answer 429 with these retry_after values.
func (s *Server) Fail429(chatID int64, retryAfter ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail429[chatID] = append(s.fail429[chatID], retryAfter...)
}

// Forbid makes sends to chat answer 403 (the user never started the bot or blocked it).
func (s *Server) Forbid(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forbidden[chatID] = true
}

// Sent returns what the bot sent so far.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// SentTo returns the texts sent to one chat.
func (s *Server) SentTo(chatID int64) []string {
	var out []string
	for _, m := range s.Sent() {
		if m.ChatID == chatID {
			out = append(out, m.Text)
		}
	}
	return out
}

// WaitSent waits until at least n messages were sent, up to d.
func (s *Server) WaitSent(n int, d time.Duration) []Sent {
	s.mu.Lock()
	deadline := time.Now().Add(d)
	for len(s.sent) < n && time.Now().Before(deadline) {
		longpoll.Wait(s.cond, time.Until(deadline))
	}
	s.mu.Unlock()
	return s.Sent()
}

// WaitPoll waits until getUpdates is called again, at most d.
func (s *Server) WaitPoll(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.offsets)
	deadline := time.Now().Add(d)
	for len(s.offsets) == n && time.Now().Before(deadline) {
		longpoll.Wait(s.cond, time.Until(deadline))
	}
}

// Offsets returns the offsets getUpdates was called with.
func (s *Server) Offsets() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.offsets...)
}

// Pending counts updates not yet confirmed by an offset past them.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ids)
}

// Commands returns the menu registered for a scope type ("all_private_chats", "all_group_chats").
func (s *Server) Commands(scope string) []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands[scope]
}

// Calls counts API calls by method.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func ok(w http.ResponseWriter, result any) {
	writeJSON(w, 200, map[string]any{"ok": true, "result": result})
}

func apiErr(w http.ResponseWriter, code int, desc string, params map[string]any) {
	body := map[string]any{"ok": false, "error_code": code, "description": desc}
	if params != nil {
		body["parameters"] = params
	}
	writeJSON(w, code, body)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	prefix := "/bot" + s.Token + "/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		apiErr(w, 401, "Unauthorized", nil)
		return
	}
	method := strings.TrimPrefix(r.URL.Path, prefix)
	// Methods without parameters (getMe) come as an empty multipart body.
	r.ParseMultipartForm(32 << 20)
	s.mu.Lock()
	s.calls[method]++
	down, refused := s.down, s.refused
	s.mu.Unlock()
	switch {
	case refused:
		apiErr(w, 401, "Unauthorized", nil)
		return
	case down:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n")
		return
	}
	switch method {
	case "getMe":
		s.mu.Lock()
		privacy := s.privacy
		s.mu.Unlock()
		ok(w, map[string]any{"id": BotID, "is_bot": true, "first_name": "帮扶助手", "username": s.Username,
			"can_join_groups": true, "can_read_all_group_messages": !privacy})
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook = false
		s.mu.Unlock()
		ok(w, true)
	case "getUpdates":
		s.getUpdates(w, r)
	case "sendMessage", "sendDocument":
		s.send(w, r, method)
	case "setMyCommands":
		var cmds []map[string]string
		json.Unmarshal([]byte(r.FormValue("commands")), &cmds)
		var scope struct {
			Type string `json:"type"`
		}
		json.Unmarshal([]byte(r.FormValue("scope")), &scope)
		// As the Bot API checks each command (answers seen from the real server).
		for _, c := range cmds {
			if !validCommand(c["command"]) {
				apiErr(w, 400, "Bad Request: BOT_COMMAND_INVALID", nil)
				return
			}
			if n := len([]rune(c["description"])); n == 0 || n > 256 {
				apiErr(w, 400, "Bad Request: command description must be non-empty", nil)
				return
			}
		}
		s.mu.Lock()
		s.commands[scope.Type] = cmds
		s.mu.Unlock()
		ok(w, true)
	default:
		apiErr(w, 404, "Not Found: method "+method, nil)
	}
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.ParseInt(r.FormValue("offset"), 10, 64)
	timeout, _ := strconv.Atoi(r.FormValue("timeout"))
	// Long polls are answered after at most a second (an empty answer is
	// valid), so a killed client never holds the server for long.
	deadline := time.Now().Add(min(time.Duration(timeout)*time.Second, time.Second))
	s.mu.Lock()
	if s.webhook {
		s.mu.Unlock()
		apiErr(w, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", nil)
		return
	}
	s.offsets = append(s.offsets, offset)
	s.cond.Broadcast()
	// An offset confirms every update before it: Telegram forgets them.
	for len(s.ids) > 0 && s.ids[0] < offset {
		s.ids, s.updates = s.ids[1:], s.updates[1:]
	}
	for len(s.updates) == 0 && time.Now().Before(deadline) && r.Context().Err() == nil {
		longpoll.Wait(s.cond, time.Until(deadline))
		for len(s.ids) > 0 && s.ids[0] < offset {
			s.ids, s.updates = s.ids[1:], s.updates[1:]
		}
	}
	// Telegram delivers only the kinds of update asked for (allowed_updates).
	var allowed []string
	json.Unmarshal([]byte(r.FormValue("allowed_updates")), &allowed)
	var batch []json.RawMessage
	for _, u := range s.updates {
		if len(allowed) == 0 || slices.Contains(allowed, kindOf(u)) {
			batch = append(batch, u)
		}
	}
	s.mu.Unlock()
	ok(w, batch)
}

// kindOf is an update's kind: message, edited_message, ….
func kindOf(raw json.RawMessage) string {
	var fields map[string]json.RawMessage
	json.Unmarshal(raw, &fields)
	for k := range fields {
		if k != "update_id" {
			return k
		}
	}
	return ""
}

func (s *Server) send(w http.ResponseWriter, r *http.Request, method string) {
	chatID, err := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	if err != nil {
		apiErr(w, 400, "Bad Request: chat not found", nil)
		return
	}
	m := Sent{Method: method, ChatID: chatID, Text: r.FormValue("text"), At: s.now()}
	m.Thread, _ = strconv.Atoi(r.FormValue("message_thread_id"))
	if rm := r.FormValue("reply_markup"); rm != "" {
		var kb struct {
			Keyboard [][]struct {
				Text string `json:"text"`
			} `json:"keyboard"`
		}
		if err := json.Unmarshal([]byte(rm), &kb); err != nil || len(kb.Keyboard) == 0 {
			apiErr(w, 400, "Bad Request: can't parse reply keyboard markup JSON object", nil)
			return
		}
		for _, row := range kb.Keyboard {
			for _, b := range row {
				m.Buttons = append(m.Buttons, b.Text)
			}
		}
	}
	if method == "sendDocument" {
		s.mu.Lock()
		hold := s.hold
		s.mu.Unlock()
		if hold != nil {
			select {
			case <-hold:
			case <-r.Context().Done():
				return
			}
		}
		m.Text = r.FormValue("caption")
		f, hdr, err := r.FormFile("document")
		if err != nil {
			apiErr(w, 400, "Bad Request: there is no document in the request", nil)
			return
		}
		m.FileName = hdr.Filename
		m.FileData, _ = io.ReadAll(f)
		f.Close()
	} else if len([]rune(m.Text)) > 4096 || m.Text == "" {
		apiErr(w, 400, "Bad Request: message is too long or empty", nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ra := s.fail429[chatID]; len(ra) > 0 {
		s.fail429[chatID] = ra[1:]
		apiErr(w, 429, fmt.Sprintf("Too Many Requests: retry after %d", ra[0]), map[string]any{"retry_after": ra[0]})
		return
	}
	if s.forbidden[chatID] {
		apiErr(w, 403, "Forbidden: bot can't initiate conversation with a user", nil)
		return
	}
	if to, ok := s.migrated[chatID]; ok {
		apiErr(w, 400, "Bad Request: group chat was upgraded to a supergroup chat", map[string]any{"migrate_to_chat_id": to})
		return
	}
	s.sent = append(s.sent, m)
	s.cond.Broadcast() // WaitSent
	ok(w, message{MessageID: s.nextMsgID, Chat: chat{ID: chatID}, Date: time.Now().Unix(), Text: m.Text})
	s.nextMsgID++
}

// validCommand: 1–32 characters, lowercase English letters, digits and
// underscores (Bot API, BotCommand).
func validCommand(c string) bool {
	if len(c) == 0 || len(c) > 32 {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}
