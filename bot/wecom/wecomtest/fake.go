// Package wecomtest is a fake WeCom on 127.0.0.1 for tests: the 智能机器人
// long connection (subscribe, heartbeat, callbacks, answers, proactive
// sends, the chunked media upload, one connection per bot with
// disconnected_event for the one taken over), framed as WeCom's document
// 101463 and its SDKs do, and the 自建应用 HTTP API bangfu calls (gettoken,
// message/send, 学校通知, media/upload, the 家校通讯录).
package wecomtest

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
)

// Sent is one message the bot sent, by whichever way.
type Sent struct {
	Cmd      string // aibot_respond_msg, aibot_send_msg, message/send, 学校通知
	ReqID    string // the callback's req_id for an answer
	ChatID   string // chatid, touser or the parent's userid
	MsgType  string
	Text     string
	FileName string
	FileData []byte
}

// Server is the fake.
type Server struct {
	srv    *httptest.Server
	BotID  string
	Secret string

	mu       sync.Mutex
	cond     *sync.Cond
	conns    []*conn // every connection that subscribed, the live one last
	sent     []Sent
	nextErr  []int // errcodes for the next sends, in order
	uploads  map[string]*upload
	media    map[string]upload
	seq      int
	pings    int
	mute     bool // pings are not answered
	dropNext bool // the next send is taken, then the connection closes unanswered
	subs     int

	// The 自建应用.
	CorpID, AppSecret string
	tokens            map[string]bool
	tokenCalls        int
	// School is the 家校通讯录; Members the address book's names.
	School  []Class
	Members map[string]string
}

// Class is a 家校通讯录 class with its students and their parents.
type Class struct {
	ID       int
	Name     string
	Students []Student
}

// Student is one student of the 家校通讯录.
type Student struct {
	UserID, Name string
	Parents      []Parent
}

// Parent is one parent of the 家校通讯录.
type Parent struct {
	UserID, Relation string
	Subscribed       bool
}

type conn struct {
	ws     *websocket.Conn
	ctx    context.Context
	cancel context.CancelFunc
	wmu    sync.Mutex
	closed bool
}

type upload struct {
	name   string
	size   int
	md5    string
	chunks map[int][]byte
}

// New starts the fake.
func New(botID, secret string) *Server {
	s := &Server{BotID: botID, Secret: secret, uploads: map[string]*upload{}, media: map[string]upload{}, tokens: map[string]bool{}}
	s.cond = sync.NewCond(&s.mu)
	mux := http.NewServeMux()
	mux.HandleFunc("/cgi-bin/", s.api)
	mux.HandleFunc("/", s.accept)
	s.srv = httptest.NewServer(mux)
	return s
}

// Close stops the fake.
func (s *Server) Close() {
	s.mu.Lock()
	for _, c := range s.conns {
		c.cancel()
	}
	s.mu.Unlock()
	s.srv.Close()
}

// URL is the long connection's ws:// address.
func (s *Server) URL() string { return "ws" + strings.TrimPrefix(s.srv.URL, "http") }

// APIURL is the server API's http:// address.
func (s *Server) APIURL() string { return s.srv.URL }

// Client is the HTTP client reaching the fake.
func (s *Server) Client() *http.Client { return s.srv.Client() }

func (s *Server) accept(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	ws.SetReadLimit(4 << 20)
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{ws: ws, ctx: ctx, cancel: cancel}
	defer func() {
		cancel()
		ws.CloseNow()
		s.mu.Lock()
		c.closed = true
		s.cond.Broadcast()
		s.mu.Unlock()
	}()
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			return
		}
		var f struct {
			Cmd     string          `json:"cmd"`
			Headers map[string]any  `json:"headers"`
			Body    json.RawMessage `json:"body"`
		}
		if json.Unmarshal(data, &f) != nil {
			continue
		}
		reqID, _ := f.Headers["req_id"].(string)
		if !s.frame(c, f.Cmd, reqID, f.Body) {
			return
		}
	}
}

// frame handles one frame from the bot; false closes the connection.
func (s *Server) frame(c *conn, cmd, reqID string, body json.RawMessage) bool {
	switch cmd {
	case "aibot_subscribe":
		var b struct {
			BotID  string `json:"bot_id"`
			Secret string `json:"secret"`
		}
		json.Unmarshal(body, &b)
		if b.BotID != s.BotID || b.Secret != s.Secret {
			s.answer(c, reqID, 40058, "invalid bot_id or secret", nil)
			return true
		}
		s.mu.Lock()
		var old []*conn
		for _, o := range s.conns {
			if !o.closed {
				old = append(old, o)
			}
		}
		s.conns = append(s.conns, c)
		s.subs++
		s.cond.Broadcast()
		s.mu.Unlock()
		for _, o := range old { // one connection per bot: the older one is told and closed
			s.push(o, "aibot_event_callback", s.nextID("evt"), map[string]any{"msgid": s.nextID("m"), "event": map[string]string{"eventtype": "disconnected_event"}})
			o.cancel()
		}
		s.answer(c, reqID, 0, "ok", nil)
	case "ping":
		s.mu.Lock()
		s.pings++
		mute := s.mute
		s.cond.Broadcast()
		s.mu.Unlock()
		if !mute {
			s.answer(c, reqID, 0, "ok", nil)
		}
	case "aibot_respond_msg", "aibot_send_msg":
		s.mu.Lock()
		drop := s.dropNext
		s.dropNext = false
		s.mu.Unlock()
		var b struct {
			ChatID   string `json:"chatid"`
			MsgType  string `json:"msgtype"`
			Markdown struct {
				Content string `json:"content"`
			} `json:"markdown"`
			Stream struct {
				Content string `json:"content"`
				Finish  bool   `json:"finish"`
			} `json:"stream"`
			File struct {
				MediaID string `json:"media_id"`
			} `json:"file"`
		}
		json.Unmarshal(body, &b)
		code := s.popErr()
		if code == 0 {
			sent := Sent{Cmd: cmd, ReqID: reqID, ChatID: b.ChatID, MsgType: b.MsgType, Text: b.Markdown.Content}
			if b.MsgType == "stream" {
				sent.Text = b.Stream.Content
			}
			if b.MsgType == "file" {
				s.mu.Lock()
				m := s.media[b.File.MediaID]
				s.mu.Unlock()
				sent.FileName, sent.FileData = m.name, join(m)
			}
			s.record(sent)
		}
		if drop { // taken, but the answer is lost with the connection
			return false
		}
		s.answer(c, reqID, code, errmsg(code), nil)
	case "aibot_respond_welcome_msg":
		var b struct {
			Text struct {
				Content string `json:"content"`
			} `json:"text"`
		}
		json.Unmarshal(body, &b)
		s.record(Sent{Cmd: cmd, ReqID: reqID, MsgType: "text", Text: b.Text.Content})
		s.answer(c, reqID, 0, "ok", nil)
	case "aibot_upload_media_init":
		var b struct {
			Type        string `json:"type"`
			Filename    string `json:"filename"`
			TotalSize   int    `json:"total_size"`
			TotalChunks int    `json:"total_chunks"`
			MD5         string `json:"md5"`
		}
		json.Unmarshal(body, &b)
		if b.TotalChunks < 1 || b.TotalChunks > 100 {
			s.answer(c, reqID, 40004, "invalid total_chunks", nil)
			return true
		}
		id := s.nextID("up")
		s.mu.Lock()
		s.uploads[id] = &upload{name: b.Filename, size: b.TotalSize, md5: b.MD5, chunks: map[int][]byte{}}
		s.mu.Unlock()
		s.answer(c, reqID, 0, "ok", map[string]string{"upload_id": id})
	case "aibot_upload_media_chunk":
		var b struct {
			UploadID   string `json:"upload_id"`
			ChunkIndex int    `json:"chunk_index"`
			Base64Data string `json:"base64_data"`
		}
		json.Unmarshal(body, &b)
		data, err := base64.StdEncoding.DecodeString(b.Base64Data)
		s.mu.Lock()
		u := s.uploads[b.UploadID]
		ok := u != nil && err == nil && len(data) <= 512<<10
		if ok {
			u.chunks[b.ChunkIndex] = data
		}
		s.mu.Unlock()
		if !ok {
			s.answer(c, reqID, 40004, "invalid chunk", nil)
			return true
		}
		s.answer(c, reqID, 0, "ok", nil)
	case "aibot_upload_media_finish":
		var b struct {
			UploadID string `json:"upload_id"`
		}
		json.Unmarshal(body, &b)
		s.mu.Lock()
		u := s.uploads[b.UploadID]
		s.mu.Unlock()
		if u == nil {
			s.answer(c, reqID, 40004, "no such upload", nil)
			return true
		}
		data := join(*u)
		sum := md5.Sum(data)
		if len(data) != u.size || hex.EncodeToString(sum[:]) != u.md5 {
			s.answer(c, reqID, 40004, "size or md5 mismatch", nil)
			return true
		}
		id := s.nextID("media")
		s.mu.Lock()
		s.media[id] = *u
		s.mu.Unlock()
		s.answer(c, reqID, 0, "ok", map[string]any{"type": "file", "media_id": id, "created_at": "1380000000"})
	}
	return true
}

func join(u upload) []byte {
	var out []byte
	for i := 0; i < len(u.chunks); i++ {
		out = append(out, u.chunks[i]...)
	}
	return out
}

func errmsg(code int) string {
	switch code {
	case 0:
		return "ok"
	case 45009:
		return "api freq out of limit"
	}
	return fmt.Sprintf("error %d", code)
}

func (s *Server) nextID(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("%s_%d", prefix, s.seq)
}

func (s *Server) popErr() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.nextErr) == 0 {
		return 0
	}
	code := s.nextErr[0]
	s.nextErr = s.nextErr[1:]
	return code
}

func (s *Server) record(m Sent) {
	s.mu.Lock()
	s.sent = append(s.sent, m)
	s.cond.Broadcast()
	s.mu.Unlock()
}

func (s *Server) write(c *conn, v any) {
	data, _ := json.Marshal(v)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.Write(c.ctx, websocket.MessageText, data)
}

func (s *Server) answer(c *conn, reqID string, code int, msg string, body any) {
	f := map[string]any{"headers": map[string]string{"req_id": reqID}, "errcode": code, "errmsg": msg}
	if body != nil {
		f["body"] = body
	}
	s.write(c, f)
}

func (s *Server) push(c *conn, cmd, reqID string, body any) {
	s.write(c, map[string]any{"cmd": cmd, "headers": map[string]string{"req_id": reqID}, "body": body})
}

// live is the connection that subscribed last, if it is still open.
func (s *Server) live() *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.conns); n > 0 && !s.conns[n-1].closed {
		return s.conns[n-1]
	}
	return nil
}

// Message is a callback WeCom pushes to the bot.
type Message struct {
	MsgID  string
	From   string // userid
	ChatID string // set for a group
	Text   string
	// Quote is the text of the message this one quotes (引用), sent as
	// WeCom's "quote" object.
	Quote string
	// Image sends a picture (msgtype image, its encrypted file's url), as
	// a person can in the bot's single chat.
	Image bool
}

// PushThenDrop sends a callback and closes the connection at once, before
// the bot can answer on it.
func (s *Server) PushThenDrop(m Message) string {
	c := s.live()
	if c == nil {
		return ""
	}
	id := s.pushTo(c, m)
	c.cancel()
	return id
}

// Push sends a text callback to the live connection and returns its req_id.
func (s *Server) Push(m Message) string {
	c := s.live()
	if c == nil {
		return ""
	}
	return s.pushTo(c, m)
}

func (s *Server) pushTo(c *conn, m Message) string {
	reqID := s.nextID("cb")
	body := map[string]any{"msgid": m.MsgID, "aibotid": s.BotID, "chattype": "single", "from": map[string]string{"userid": m.From},
		"create_time": time.Now().Unix(), "msgtype": "text", "text": map[string]string{"content": m.Text}}
	if m.ChatID != "" {
		body["chattype"], body["chatid"] = "group", m.ChatID
	}
	if m.Quote != "" {
		body["quote"] = map[string]any{"msgtype": "text", "text": map[string]string{"content": m.Quote}}
	}
	if m.Image {
		delete(body, "text")
		body["msgtype"], body["image"] = "image", map[string]string{"url": "https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/" + reqID}
	}
	s.push(c, "aibot_msg_callback", reqID, body)
	return reqID
}

// EnterChat pushes the event of a person opening the bot's chat.
func (s *Server) EnterChat(userID string) {
	if c := s.live(); c != nil {
		s.push(c, "aibot_event_callback", s.nextID("evt"), map[string]any{"msgid": s.nextID("m"), "chattype": "single",
			"from": map[string]string{"userid": userID}, "event": map[string]string{"eventtype": "enter_chat"}})
	}
}

// Drop closes the live connection as a network failure would.
func (s *Server) Drop() {
	if c := s.live(); c != nil {
		c.cancel()
	}
}

// DropAfterNextSend takes the next message, then closes the connection
// without answering it (the answer lost with the connection).
func (s *Server) DropAfterNextSend() {
	s.mu.Lock()
	s.dropNext = true
	s.mu.Unlock()
}

// FailNext makes the next sends answer these errcodes, in order.
func (s *Server) FailNext(codes ...int) {
	s.mu.Lock()
	s.nextErr = append(s.nextErr, codes...)
	s.mu.Unlock()
}

// MuteHeartbeats stops answering pings (a connection dead beyond TCP).
func (s *Server) MuteHeartbeats(mute bool) {
	s.mu.Lock()
	s.mute = mute
	s.mu.Unlock()
}

// Subscriptions counts accepted subscriptions (connections made).
func (s *Server) Subscriptions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.subs
}

// Pings counts heartbeats received.
func (s *Server) Pings() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pings
}

// Sent returns everything sent so far.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// WaitFor waits until cond holds (checked at every change) or d passes.
func (s *Server) WaitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	timer := time.AfterFunc(d, func() { s.mu.Lock(); s.cond.Broadcast(); s.mu.Unlock() })
	defer timer.Stop()
	for {
		if cond() {
			return true
		}
		s.mu.Lock()
		if time.Now().After(deadline) {
			s.mu.Unlock()
			return cond()
		}
		s.cond.Wait()
		s.mu.Unlock()
	}
}

// WaitSent waits for a sent message matching ok.
func (s *Server) WaitSent(d time.Duration, ok func(Sent) bool) (Sent, bool) {
	return s.WaitSentAfter(0, d, ok)
}

// WaitSentAfter waits for a message matching ok among those sent after the
// first n.
func (s *Server) WaitSentAfter(n int, d time.Duration, ok func(Sent) bool) (Sent, bool) {
	var found Sent
	got := s.WaitFor(d, func() bool {
		sent := s.Sent()
		for _, m := range sent[min(n, len(sent)):] {
			if ok(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found, got
}

// ---- the 自建应用's HTTP API ----

// SetApp makes the API accept this corp id and app secret.
func (s *Server) SetApp(corpID, secret string) {
	s.mu.Lock()
	s.CorpID, s.AppSecret = corpID, secret
	s.mu.Unlock()
}

// ExpireTokens makes every token handed out so far invalid (42001).
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	s.tokens = map[string]bool{}
	s.mu.Unlock()
}

// TokenCalls counts gettoken calls.
func (s *Server) TokenCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenCalls
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	reply := func(v any) { json.NewEncoder(w).Encode(v) }
	path := strings.TrimPrefix(r.URL.Path, "/cgi-bin/")
	if path == "gettoken" {
		s.mu.Lock()
		s.tokenCalls++
		ok := r.URL.Query().Get("corpid") == s.CorpID && r.URL.Query().Get("corpsecret") == s.AppSecret && s.CorpID != ""
		s.seq++
		token := fmt.Sprintf("TOKEN%d", s.seq)
		if ok {
			s.tokens[token] = true
		}
		s.mu.Unlock()
		if !ok {
			reply(map[string]any{"errcode": 40001, "errmsg": "invalid credential"})
			return
		}
		reply(map[string]any{"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200})
		return
	}
	s.mu.Lock()
	valid := s.tokens[r.URL.Query().Get("access_token")]
	s.mu.Unlock()
	if !valid {
		reply(map[string]any{"errcode": 42001, "errmsg": "access_token expired"})
		return
	}
	switch path {
	case "message/send", "externalcontact/message/send":
		var b struct {
			ToUser  string   `json:"touser"`
			Parents []string `json:"to_parent_userid"`
			MsgType string   `json:"msgtype"`
			AgentID int      `json:"agentid"`
			Text    struct {
				Content string `json:"content"`
			} `json:"text"`
			File struct {
				MediaID string `json:"media_id"`
			} `json:"file"`
		}
		json.NewDecoder(r.Body).Decode(&b)
		if code := s.popErr(); code != 0 {
			reply(map[string]any{"errcode": code, "errmsg": errmsg(code)})
			return
		}
		to, cmd := b.ToUser, "message/send"
		if path != "message/send" {
			cmd = "学校通知"
			if len(b.Parents) == 1 {
				to = b.Parents[0]
			}
			if !s.parentSubscribed(to) {
				reply(map[string]any{"errcode": 0, "errmsg": "ok", "invalid_parent_userid": b.Parents})
				return
			}
		}
		// As the server does: a text is cut after 2,048 bytes, silently.
		sent := Sent{Cmd: cmd, ChatID: to, MsgType: b.MsgType, Text: cutBytes(b.Text.Content, 2048)}
		if b.MsgType == "file" {
			s.mu.Lock()
			m := s.media[b.File.MediaID]
			s.mu.Unlock()
			sent.FileName, sent.FileData = m.name, join(m)
		}
		s.record(sent)
		reply(map[string]any{"errcode": 0, "errmsg": "ok"})
	case "media/upload":
		f, hdr, err := r.FormFile("media")
		if err != nil {
			reply(map[string]any{"errcode": 41004, "errmsg": "media missing"})
			return
		}
		data, _ := io.ReadAll(f)
		id := s.nextID("media")
		s.mu.Lock()
		s.media[id] = upload{name: hdr.Filename, chunks: map[int][]byte{0: data}}
		s.mu.Unlock()
		reply(map[string]any{"errcode": 0, "errmsg": "ok", "type": "file", "media_id": id})
	case "user/get":
		s.mu.Lock()
		name, ok := s.Members[r.URL.Query().Get("userid")]
		s.mu.Unlock()
		if !ok {
			reply(map[string]any{"errcode": 60111, "errmsg": "userid not found"})
			return
		}
		reply(map[string]any{"errcode": 0, "errmsg": "ok", "userid": r.URL.Query().Get("userid"), "name": name})
	case "school/department/list":
		var deps []map[string]any
		s.mu.Lock()
		for _, c := range s.School {
			deps = append(deps, map[string]any{"id": c.ID, "name": c.Name, "type": 1})
		}
		s.mu.Unlock()
		reply(map[string]any{"errcode": 0, "errmsg": "ok", "departments": deps})
	case "school/user/list":
		var students []map[string]any
		s.mu.Lock()
		for _, c := range s.School {
			if fmt.Sprint(c.ID) != r.URL.Query().Get("department_id") {
				continue
			}
			for _, st := range c.Students {
				var parents []map[string]any
				for _, p := range st.Parents {
					parents = append(parents, map[string]any{"parent_userid": p.UserID, "relation": p.Relation, "mobile": "13800000000", "is_subscribe": boolInt(p.Subscribed)})
				}
				students = append(students, map[string]any{"student_userid": st.UserID, "name": st.Name, "department": []int{c.ID}, "parents": parents})
			}
		}
		s.mu.Unlock()
		reply(map[string]any{"errcode": 0, "errmsg": "ok", "students": students})
	default:
		reply(map[string]any{"errcode": 404, "errmsg": "unknown api " + path})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Server) parentSubscribed(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.School {
		for _, st := range c.Students {
			for _, p := range st.Parents {
				if p.UserID == id {
					return p.Subscribed
				}
			}
		}
	}
	return false
}

// cutBytes keeps the whole characters of s that fit in n bytes.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
