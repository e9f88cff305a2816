// Package wechattest is a fake web-WeChat server on 127.0.0.1 speaking the
// protocol openwechat uses (jslogin, login, webwxnewloginpage, webwxinit,
// webwxstatusnotify, webwxgetcontact, webwxbatchgetcontact, synccheck,
// webwxsync, webwxsendmsg, webwxoplog). Its Client routes openwechat's
// requests for the real WeChat hosts to it, so tests drive the real library.
package wechattest

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"bangfu/bot/internal/longpoll"
	"bangfu/bot/wechat"
)

// Contact is a friend or a group as the server knows it.
type Contact struct {
	Key        string // the test's stable handle (not sent to the client)
	NickName   string
	RemarkName string
	Group      bool
	Members    []string // keys of the members, for groups
	// SelfName is the bot's own display name in a group ("" : its nickname).
	SelfName string
	// Stranger: not a friend of the bot (a group member, or someone asking
	// to be added): not in webwxgetcontact.
	Stranger bool
	// AvatarSeq stands for the avatar in HeadImgUrl (stable across logins).
	AvatarSeq int
	userName  string // valid for the current login only
}

// Sent is a message or file the bot sent.
type Sent struct {
	To       string // the contact key
	Text     string
	FileName string
	FileData []byte
	At       time.Time
}

// Server is the fake.
type Server struct {
	*httptest.Server

	mu           sync.Mutex
	cond         *sync.Cond
	lastFrom     map[string]int // the MsgId of each sender's last message
	clock        func() time.Time
	contactLoads int         // webwxgetcontact calls: the bot's contact refreshes
	pushLogins   int         // webwxpushloginurl calls
	qrLogins     int         // QR codes asked for (jslogin)
	refusePush   bool        // nobody confirms on the phone
	atLogin      [][2]string // private messages (from, text) the first sync of the next login delivers
	login        int         // bumps at every login: UserNames change
	contacts     []*Contact
	pending      []map[string]any
	sent         []Sent
	syncSeq      int64
	loggedOut    bool // synccheck answers 1101 until the next login
	expired      bool // the saved session no longer works: a QR login is needed
	refuse       bool // the login page answers 1203
	fail1205     int  // next sends answer 1205
	fail1101     int  // next sends answer 1101 (the session is not logged in any more)
	dropSync     int  // the next synccheck requests have their connection cut
	msgID        int
	logins       int
	uploads      map[string][]byte // name → bytes received so far
	media        map[string][]byte // media id → file
}

// New starts a fake with the bot's own account.
func New() *Server {
	s := &Server{uploads: map[string][]byte{}, media: map[string][]byte{}, lastFrom: map[string]int{}}
	s.cond = sync.NewCond(&s.mu)
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Client is an http.Client that sends every request for the WeChat hosts
// to this server instead (traffic stays on loopback).
func (s *Server) Client() *http.Client { return wechat.ClientFor(s.URL) }

// AddFriend adds a friend of the bot account.
func (s *Server) AddFriend(key, nick string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contacts = append(s.contacts, &Contact{Key: key, NickName: nick, userName: s.userNameLocked(key, false)})
}

// AddStranger adds someone known only as a member of groups.
func (s *Server) AddStranger(key, nick string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contacts = append(s.contacts, &Contact{Key: key, NickName: nick, Stranger: true, userName: s.userNameLocked(key, false)})
}

// RequestFriend queues the friend request web WeChat delivers (MsgType 37
// from fmessage) from someone new; webwxverifyuser accepts it.
func (s *Server) RequestFriend(key, nick string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &Contact{Key: key, NickName: nick, Stranger: true, userName: s.userNameLocked(key, false)}
	s.contacts = append(s.contacts, c)
	s.msgID++
	s.pending = append(s.pending, map[string]any{
		"MsgId": fmt.Sprint(9000000 + s.msgID), "FromUserName": "fmessage", "ToUserName": "@self", "MsgType": 37,
		"Content": "&lt;msg fromusername=\"" + c.userName + "\" fromnickname=\"" + nick + "\" content=\"我是张三妈妈\"/&gt;", "CreateTime": time.Now().Unix(), "NewMsgId": 9000000 + s.msgID,
		"RecommendInfo": map[string]any{"UserName": c.userName, "NickName": nick, "Content": "我是张三妈妈", "Ticket": "v4_ticket_" + key, "Scene": 30},
	})
	s.cond.Broadcast()
}

// Friends reports whether key is a friend of the bot now.
func (s *Server) IsFriend(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.byKey(key)
	return c != nil && !c.Stranger
}

// JoinGroup adds a member to a group after the bot logged in.
func (s *Server) JoinGroup(group, member string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.byKey(group)
	g.Members = append(g.Members, member)
}

// AddGroup adds a group (saved to contacts) with members given by key.
func (s *Server) AddGroup(key, title string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contacts = append(s.contacts, &Contact{Key: key, NickName: title, Group: true, Members: members, userName: s.userNameLocked(key, true)})
}

func (s *Server) userNameLocked(key string, group bool) string {
	prefix := "@"
	if group {
		prefix = "@@"
	}
	return fmt.Sprintf("%s%x%s", prefix, s.login+1, strings.ReplaceAll(url.QueryEscape(key), "%", ""))
}

func (s *Server) byKey(key string) *Contact {
	for _, c := range s.contacts {
		if c.Key == key {
			return c
		}
	}
	return nil
}

func (s *Server) byUserName(u string) *Contact {
	for _, c := range s.contacts {
		if c.userName == u {
			return c
		}
	}
	return nil
}

// SetRemark sets a remark name on the phone (school staff do this).
func (s *Server) SetRemark(key, remark string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byKey(key).RemarkName = remark
}

// SetAvatar gives a contact an avatar (its seq in HeadImgUrl).
func (s *Server) SetAvatar(key string, seq int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byKey(key).AvatarSeq = seq
}

// Remark returns a contact's remark name.
func (s *Server) Remark(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.byKey(key); c != nil {
		return c.RemarkName
	}
	return ""
}

// Say queues a private text from a friend.
func (s *Server) Say(from, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.byKey(from)
	s.pushLocked(c.userName, "@self", text)
}

// SayVoice queues a private voice message from a friend, as web WeChat
// delivers one: MsgType 34, its Content the voice's XML.
func (s *Server) SayVoice(from string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.byKey(from)
	s.pushTypedLocked(c.userName, "@self", 34, `<msg><voicemsg endflag="1" cancelflag="0" forwardflag="0" voiceformat="4" voicelength="3120" length="5029" bufid="0" aeskey="" voiceurl="" voicemd5="" clientmsgid="41" fromusername="`+c.userName+`" /></msg>`)
}

// SayVoiceInGroup queues a member's voice message in a group.
func (s *Server) SayVoiceInGroup(group, from string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, m := s.byKey(group), s.byKey(from)
	s.pushTypedLocked(g.userName, "@self", 34, m.userName+`:<br/><msg><voicemsg endflag="1" voicelength="2000" /></msg>`)
}

// InviteBot queues the system line (MsgType 10000) web WeChat delivers in
// a group the bot account was just invited into.
func (s *Server) InviteBot(group, by string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, m := s.byKey(group), s.byKey(by)
	s.pushTypedLocked(g.userName, "@self", 10000, "\""+m.NickName+"\"邀请你加入了群聊，群聊参与人还有："+m.NickName)
}

// Recall queues what web WeChat delivers when a friend withdraws (撤回)
// the last message they sent: MsgType 10002, the revokemsg XML naming its
// MsgId.
func (s *Server) Recall(from string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.byKey(from)
	s.pushTypedLocked(c.userName, "@self", 10002, fmt.Sprintf(`<sysmsg type="revokemsg"><revokemsg><session>%s</session><oldmsgid>1693502120</oldmsgid><msgid>%d</msgid><replacemsg><![CDATA["%s" 撤回了一条消息]]></replacemsg></revokemsg></sysmsg>`,
		c.userName, s.lastFrom[c.userName], c.NickName))
}

// RecallInGroup withdraws a member's last message in a group, as web
// WeChat tells of it: MsgType 10002 from the group, its Content the
// member's name, ":<br/>", and the revoke's XML with its markup escaped.
func (s *Server) RecallInGroup(group, from string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, m := s.byKey(group), s.byKey(from)
	revoke := fmt.Sprintf(`<sysmsg type="revokemsg"><revokemsg><session>%s</session><oldmsgid>1693502121</oldmsgid><msgid>%d</msgid><replacemsg><![CDATA["%s" 撤回了一条消息]]></replacemsg></revokemsg></sysmsg>`,
		g.userName, s.lastFrom[g.userName], m.NickName)
	s.pushTypedLocked(g.userName, "@self", 10002, m.userName+":<br/>"+html.EscapeString(revoke))
}

// SayInGroup queues a group text from a member.
func (s *Server) SayInGroup(group, from, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, m := s.byKey(group), s.byKey(from)
	s.pushLocked(g.userName, "@self", m.userName+":<br/>"+text)
}

func (s *Server) pushLocked(from, to, content string) { s.pushTypedLocked(from, to, 1, content) }

func (s *Server) pushTypedLocked(from, to string, msgType int, content string) {
	s.msgID++
	s.lastFrom[from] = 9000000 + s.msgID
	s.pending = append(s.pending, map[string]any{
		"MsgId": fmt.Sprint(9000000 + s.msgID), "FromUserName": from, "ToUserName": to, "MsgType": msgType,
		"Content": content, "CreateTime": time.Now().Unix(), "NewMsgId": 9000000 + s.msgID,
	})
	s.cond.Broadcast()
}

// SetSelfName gives the bot another display name in a group.
func (s *Server) SetSelfName(group, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byKey(group).SelfName = name
}

// Logout ends the current web session (the phone logged the bot out).
func (s *Server) Logout() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loggedOut, s.expired = true, true
	s.cond.Broadcast()
}

// RefuseLogin makes logins fail with 1203 until allowed again.
func (s *Server) RefuseLogin(refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = refuse
}

// Fail1205 makes the next n sends answer 1205 (操作太频繁).
func (s *Server) Fail1205(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail1205 = n
}

// Clock stamps what the bot sends (tests give the bot's injected clock);
// nil: the wall clock.
func (s *Server) Clock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = now
}

func (s *Server) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}

// DropNextSyncCheck cuts the connection of the next synccheck, as a
// school's flaky line does, long enough to outlast the retries (openwechat's
// client tries up to five times, Go's transport once more each).
func (s *Server) DropNextSyncCheck() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropSync = 12
	s.cond.Broadcast()
}

// Fail1101 makes the next n sends answer 1101: the web session is no
// longer logged in (seen on a send before the sync notices).
func (s *Server) Fail1101(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail1101 = n
}

// Sent returns what the bot sent.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// WaitSent waits until at least n messages were sent, at most d.
func (s *Server) WaitSent(n int, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	deadline := time.Now().Add(d)
	for len(s.sent) < n && time.Now().Before(deadline) {
		longpoll.Wait(s.cond, time.Until(deadline))
	}
}

// SentTo returns the texts sent to one contact.
func (s *Server) SentTo(key string) []string {
	var out []string
	for _, m := range s.Sent() {
		if m.To == key {
			out = append(out, m.Text)
		}
	}
	return out
}

// SayAtLogin queues a private text for the first sync of the next login,
// as web WeChat delivers what came in while the bot was away.
func (s *Server) SayAtLogin(from, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.atLogin = append(s.atLogin, [2]string{from, text})
}

// LoginWays counts push logins and QR codes asked for.
func (s *Server) LoginWays() (push, qr int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pushLogins, s.qrLogins
}

// RefusePush makes push logins go unconfirmed, so the QR code is needed.
func (s *Server) RefusePush(refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refusePush = refuse
}

// ContactLoads counts full contact list loads (webwxgetcontact).
func (s *Server) ContactLoads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.contactLoads
}

// Logins counts completed logins.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// serve answers each endpoint openwechat calls, one case each, kept in one
// switch so the protocol reads top to bottom in the order a session uses it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case strings.HasSuffix(path, "/webwxpushloginurl"):
		s.mu.Lock()
		s.pushLogins++
		refuse := s.refusePush
		s.mu.Unlock()
		if refuse {
			writeJSON(w, map[string]any{"ret": "1", "msg": "the phone did not confirm"})
			return
		}
		writeJSON(w, map[string]any{"ret": "0", "msg": "all ok", "uuid": "push-uuid"})
	case strings.HasSuffix(path, "/jslogin"):
		s.mu.Lock()
		s.qrLogins++
		s.mu.Unlock()
		fmt.Fprint(w, `window.QRLogin.code = 200; window.QRLogin.uuid = "fake-uuid";`)
	case strings.HasSuffix(path, "/mmwebwx-bin/login"):
		// The phone "scans" at once.
		fmt.Fprint(w, "window.code=200;\nwindow.redirect_uri=\"https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=t&uuid=fake-uuid&lang=zh_CN&scan=1\";")
	case strings.HasSuffix(path, "/webwxnewloginpage"):
		s.mu.Lock()
		refuse := s.refuse
		s.mu.Unlock()
		if refuse {
			fmt.Fprint(w, `<error><ret>1203</ret><message>为了你的帐号安全，此微信号不能登录网页微信。</message></error>`)
			return
		}
		s.mu.Lock()
		s.expired = false
		s.mu.Unlock()
		// The ticket file uploads need, as web WeChat sets it.
		http.SetCookie(w, &http.Cookie{Name: "webwx_data_ticket", Value: "ticket", Domain: ".qq.com", Path: "/"})
		fmt.Fprint(w, `<error><ret>0</ret><message></message><skey>@crypt_5ecre7skey</skey><wxsid>S1D5ecret</wxsid><wxuin>90817263</wxuin><pass_ticket>PaSsTiCkEt5ecret</pass_ticket><isgrayscale>1</isgrayscale></error>`)
	case strings.HasSuffix(path, "/webwxinit"):
		s.mu.Lock()
		if s.expired {
			s.mu.Unlock()
			writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 1101, "ErrMsg": ""}})
			return
		}
		s.login++
		s.logins++
		s.loggedOut = false
		for _, c := range s.contacts { // a new login: every UserName changes
			c.userName = s.userNameLocked(c.Key, c.Group)
		}
		for _, m := range s.atLogin { // waiting for the first sync of this login
			s.pushLocked(s.byKey(m[0]).userName, "@self", m[1])
		}
		s.atLogin = nil
		s.mu.Unlock()
		writeJSON(w, map[string]any{"BaseResponse": ok(), "User": map[string]any{"UserName": "@self", "NickName": "帮扶助手", "Uin": 1001},
			"SyncKey": s.syncKey(), "ContactList": []any{}, "SKey": "@crypt_5ecre7skey"})
	case strings.HasSuffix(path, "/webwxstatusnotify"):
		writeJSON(w, map[string]any{"BaseResponse": ok(), "MsgID": "1"})
	case strings.HasSuffix(path, "/webwxgetcontact"):
		s.mu.Lock()
		var list []map[string]any
		for _, c := range s.contacts {
			if !c.Stranger {
				list = append(list, s.userJSON(c))
			}
		}
		s.contactLoads++
		s.mu.Unlock()
		writeJSON(w, map[string]any{"BaseResponse": ok(), "MemberCount": len(list), "MemberList": list, "Seq": 0})
	case strings.HasSuffix(path, "/webwxverifyuser"):
		var req struct {
			VerifyUserList []struct{ Value, VerifyUserTicket string }
		}
		json.NewDecoder(r.Body).Decode(&req)
		s.mu.Lock()
		for _, v := range req.VerifyUserList {
			if c := s.byUserName(v.Value); c != nil && v.VerifyUserTicket == "v4_ticket_"+c.Key {
				c.Stranger = false
			}
		}
		s.mu.Unlock()
		writeJSON(w, map[string]any{"BaseResponse": ok()})
	case strings.HasSuffix(path, "/webwxbatchgetcontact"):
		var req struct{ List []struct{ UserName string } }
		json.NewDecoder(r.Body).Decode(&req)
		s.mu.Lock()
		var list []map[string]any
		for _, it := range req.List {
			if c := s.byUserName(it.UserName); c != nil {
				list = append(list, s.userJSON(c))
			}
		}
		s.mu.Unlock()
		writeJSON(w, map[string]any{"BaseResponse": ok(), "Count": len(list), "ContactList": list})
	case strings.HasSuffix(path, "/synccheck"):
		s.mu.Lock()
		if s.dropSync > 0 {
			// A line cut mid-request: the client's error carries its URL,
			// session keys and all.
			s.dropSync--
			s.mu.Unlock()
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		deadline := time.Now().Add(time.Second)
		for len(s.pending) == 0 && !s.loggedOut && time.Now().Before(deadline) && r.Context().Err() == nil {
			longpoll.Wait(s.cond, time.Until(deadline))
		}
		switch {
		case s.loggedOut:
			fmt.Fprint(w, `window.synccheck={retcode:"1101",selector:"0"}`)
		case len(s.pending) > 0:
			fmt.Fprint(w, `window.synccheck={retcode:"0",selector:"2"}`)
		default:
			fmt.Fprint(w, `window.synccheck={retcode:"0",selector:"0"}`)
		}
		s.mu.Unlock()
	case strings.HasSuffix(path, "/webwxsync"):
		s.mu.Lock()
		msgs := s.pending
		s.pending = nil
		s.syncSeq++
		s.mu.Unlock()
		writeJSON(w, map[string]any{"BaseResponse": ok(), "AddMsgCount": len(msgs), "AddMsgList": msgs, "SyncKey": s.syncKey(), "SyncCheckKey": s.syncKey()})
	case strings.HasSuffix(path, "/webwxsendmsg"):
		var req struct {
			Msg struct{ Content, ToUserName string }
		}
		json.NewDecoder(r.Body).Decode(&req)
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.fail1205 > 0 {
			s.fail1205--
			writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 1205, "ErrMsg": "操作太频繁"}})
			return
		}
		if s.fail1101 > 0 {
			s.fail1101--
			writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 1101, "ErrMsg": ""}})
			return
		}
		c := s.byUserName(req.Msg.ToUserName)
		if c == nil {
			writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 1, "ErrMsg": "no such user"}})
			return
		}
		s.sent = append(s.sent, Sent{To: c.Key, Text: req.Msg.Content, At: s.now()})
		s.cond.Broadcast()
		s.msgID++
		writeJSON(w, map[string]any{"BaseResponse": ok(), "MsgID": fmt.Sprint(s.msgID), "LocalID": fmt.Sprint(s.msgID)})
	case strings.HasSuffix(path, "/webwxuploadmedia"):
		if err := r.ParseMultipartForm(64 << 20); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		f, _, err := r.FormFile("filename")
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		data, _ := io.ReadAll(f)
		f.Close()
		name := r.FormValue("name")
		s.mu.Lock()
		defer s.mu.Unlock()
		s.uploads[name] = append(s.uploads[name], data...)
		chunks, chunk := r.FormValue("chunks"), r.FormValue("chunk")
		if chunks != "" && fmt.Sprint(atoi(chunk)+1) != chunks {
			writeJSON(w, map[string]any{"BaseResponse": ok()})
			return
		}
		s.msgID++
		id := fmt.Sprintf("media-%d", s.msgID)
		s.media[id] = s.uploads[name]
		delete(s.uploads, name)
		writeJSON(w, map[string]any{"BaseResponse": ok(), "MediaId": id})
	case strings.HasSuffix(path, "/webwxsendappmsg"):
		var req struct {
			Msg struct{ Content, ToUserName string }
		}
		json.NewDecoder(r.Body).Decode(&req)
		s.mu.Lock()
		defer s.mu.Unlock()
		c := s.byUserName(req.Msg.ToUserName)
		title, attach := between(req.Msg.Content, "<title>", "</title>"), between(req.Msg.Content, "<attachid>", "</attachid>")
		data, ok2 := s.media[attach]
		if c == nil || !ok2 {
			writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 1, "ErrMsg": "bad file message"}})
			return
		}
		s.sent = append(s.sent, Sent{To: c.Key, FileName: title, FileData: data, At: s.now()})
		s.cond.Broadcast()
		s.msgID++
		writeJSON(w, map[string]any{"BaseResponse": ok(), "MsgID": fmt.Sprint(s.msgID), "LocalID": fmt.Sprint(s.msgID)})
	case strings.HasSuffix(path, "/webwxoplog"):
		var req struct{ UserName, RemarkName string }
		json.NewDecoder(r.Body).Decode(&req)
		// Setting a remark name answers ok but is not kept, as reported of
		// the real service (openwechat marks it as no longer working).
		writeJSON(w, map[string]any{"BaseResponse": ok()})
	default:
		io.Copy(io.Discard, r.Body)
		http.Error(w, "not faked: "+path, http.StatusNotFound)
	}
}

func (s *Server) userJSON(c *Contact) map[string]any {
	flag := 3
	if c.Stranger {
		flag = 0
	}
	u := map[string]any{"UserName": c.userName, "NickName": c.NickName, "RemarkName": c.RemarkName, "ContactFlag": flag, "VerifyFlag": 0,
		"HeadImgUrl": fmt.Sprintf("/cgi-bin/mmwebwx-bin/webwxgeticon?seq=%d&username=%s&skey=@crypt_5ecre7skey", c.AvatarSeq, c.userName)}
	if c.Group {
		var members []map[string]any
		for _, k := range c.Members {
			if m := s.byKey(k); m != nil {
				members = append(members, map[string]any{"UserName": m.userName, "NickName": m.NickName, "DisplayName": ""})
			}
		}
		members = append(members, map[string]any{"UserName": "@self", "NickName": "帮扶助手", "DisplayName": c.SelfName})
		u["MemberList"] = members
		u["MemberCount"] = len(members)
	}
	return u
}

func (s *Server) syncKey() map[string]any {
	return map[string]any{"Count": 1, "List": []map[string]any{{"Key": 1, "Val": s.syncSeq + 1}}}
}

func ok() map[string]any { return map[string]any{"Ret": 0, "ErrMsg": ""} }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	if j := strings.Index(s, b); j >= 0 {
		return s[:j]
	}
	return ""
}
