package wecom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"bangfu/bot"
)

// DefaultAPIURL is WeCom's server API.
const DefaultAPIURL = "https://qyapi.weixin.qq.com"

// parentPrefix marks a chat id that is a 家校通讯录 parent: reached only by
// the 自建应用's 学校通知, in the parent's own WeChat.
const parentPrefix = "parent:"

// ParentChatID is the chat id bangfu keeps for a 家校通讯录 parent.
func ParentChatID(parentUserID string) string { return parentPrefix + parentUserID }

func isParent(chatID string) bool { return strings.HasPrefix(chatID, parentPrefix) }

// AppConfig is a school's 自建应用 (self-built app): its corp id, agent id
// and secret. The server bangfu runs on must be in the app's trusted IPs
// (企业可信IP); 学校通知 needs the app among 「家长可使用的应用」.
type AppConfig struct {
	CorpID     string
	AgentID    int
	Secret     string
	APIURL     string // empty: DefaultAPIURL
	HTTPClient *http.Client
	Now        func() time.Time
	Log        *slog.Logger
	OnStatus   func(text string)
}

// App calls the 自建应用's HTTP API with a cached access token, refreshed
// before it expires and once more when WeCom says it is invalid.
type App struct {
	cfg AppConfig

	mu      sync.Mutex
	token   string
	expires time.Time
	told    map[int]bool
}

// NewApp prepares the app client; nothing is fetched until a message goes.
func NewApp(cfg AppConfig) *App {
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &App{cfg: cfg, told: map[int]bool{}}
}

// Reaches tells which messages go through the app: proactive private ones
// (to a member, or a parent's school notice); groups stay with the bot.
func (a *App) Reaches(out bot.Outgoing) bool { return out.Chat.Kind == bot.Private }

// apiError is an errcode from the API.
type apiError struct {
	Code int    `json:"errcode"`
	Msg  string `json:"errmsg"`
}

func (e apiError) Error() string { return fmt.Sprintf("wecom api: %d %s", e.Code, e.Msg) }

// tokenExpired: the cached token is no longer good (40014 不合法的
// access_token, 42001 过期, 41001 缺少).
func tokenExpired(code int) bool { return code == 40014 || code == 42001 || code == 41001 }

// accessToken returns the cached token, fetching a new one when it is about
// to expire or fresh is set.
func (a *App) accessToken(ctx context.Context, fresh bool) (string, error) {
	a.mu.Lock()
	if !fresh && a.token != "" && a.cfg.Now().Before(a.expires) {
		defer a.mu.Unlock()
		return a.token, nil
	}
	a.mu.Unlock()
	q := url.Values{"corpid": {a.cfg.CorpID}, "corpsecret": {a.cfg.Secret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.cfg.APIURL+"/cgi-bin/gettoken?"+q.Encode(), nil)
	if err != nil {
		return "", err
	}
	var body struct {
		apiError
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := a.do(req, &body); err != nil {
		return "", err
	}
	if body.Code != 0 {
		return "", body.apiError
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	// Refreshed five minutes early: a token expiring in flight costs a retry.
	a.token, a.expires = body.AccessToken, a.cfg.Now().Add(time.Duration(body.ExpiresIn)*time.Second-5*time.Minute)
	return a.token, nil
}

// do sends a request and decodes the JSON answer. The request's URL holds
// the access token or the secret: an error never quotes it.
func (a *App) do(req *http.Request, into any) error {
	resp, err := a.cfg.HTTPClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, token and all
		}
		return fmt.Errorf("%w: wecom api %s: %v", bot.ErrNotSent, req.URL.Path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("wecom api %s: http %d", req.URL.Path, resp.StatusCode)
	}
	return json.Unmarshal(data, into)
}

// call POSTs body (JSON, or a prepared multipart form) to path with the
// token, refreshing it and trying once more when WeCom says it expired.
func (a *App) call(ctx context.Context, path string, query url.Values, body func() (io.Reader, string, error), into interface{ code() int }) error {
	return a.request(ctx, http.MethodPost, path, query, body, into, into.code)
}

// request sends one API call with the token (body nil for a GET), and once
// more with a new token when WeCom's code says the token expired.
func (a *App) request(ctx context.Context, method, path string, query url.Values, body func() (io.Reader, string, error), into any, code func() int) error {
	for attempt := 0; ; attempt++ {
		token, err := a.accessToken(ctx, attempt > 0)
		if err != nil {
			return err
		}
		q := url.Values{"access_token": {token}}
		for k, v := range query {
			q[k] = v
		}
		var r io.Reader
		ctype := ""
		if body != nil {
			if r, ctype, err = body(); err != nil {
				return err
			}
		}
		req, err := http.NewRequestWithContext(ctx, method, a.cfg.APIURL+path+"?"+q.Encode(), r)
		if err != nil {
			return err
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if err := a.do(req, into); err != nil {
			return err
		}
		if tokenExpired(code()) && attempt == 0 {
			a.cfg.Log.Info("wecom: access token refused; fetching a new one", "errcode", code())
			continue
		}
		return nil
	}
}

func jsonBody(v any) func() (io.Reader, string, error) {
	return func() (io.Reader, string, error) {
		data, err := json.Marshal(v)
		return bytes.NewReader(data), "application/json", err
	}
}

type sendAnswer struct {
	apiError
	InvalidUser   string   `json:"invaliduser"`
	InvalidParent []string `json:"invalid_parent_userid"`
}

func (s *sendAnswer) code() int { return s.Code }

type mediaAnswer struct {
	apiError
	MediaID string `json:"media_id"`
}

func (m *mediaAnswer) code() int { return m.Code }

// Deliver sends a proactive private message: to a member with message/send,
// to a 家校通讯录 parent as a 学校通知 (which the parent reads in WeChat and
// cannot answer: it ends with how to reach the teacher).
func (a *App) Deliver(ctx context.Context, out bot.Outgoing) error {
	parent := isParent(out.Chat.ID)
	to := strings.TrimPrefix(out.Chat.ID, parentPrefix)
	msg := map[string]any{"agentid": a.cfg.AgentID, "enable_duplicate_check": 1, "duplicate_check_interval": 1800}
	path := "/cgi-bin/message/send"
	if parent {
		path = "/cgi-bin/externalcontact/message/send"
		msg["to_parent_userid"] = []string{to}
	} else {
		msg["touser"] = to
	}
	if out.File != nil {
		id, err := a.upload(ctx, out.File)
		if err != nil {
			return err
		}
		msg["msgtype"], msg["file"] = "file", map[string]string{"media_id": id}
		if err := a.send(ctx, path, msg, out); err != nil {
			return err
		}
		if out.Text == "" {
			return nil
		}
		delete(msg, "file")
	}
	text := out.Text
	if parent {
		text += parentFooter()
	}
	// The server cuts a text after 2,048 bytes without a word: a Monday
	// digest or a long list goes in parts, on line boundaries.
	for i, part := range bot.SplitText(text, appMaxText) {
		msg["msgtype"], msg["text"] = "text", map[string]string{"content": part}
		if err := a.send(ctx, path, msg, out); err != nil {
			if i > 0 && errors.Is(err, bot.ErrNotSent) {
				return fmt.Errorf("wecom app: stopped after %d of the parts: %v", i, err) // the first went: never again
			}
			return err
		}
	}
	return nil
}

// appMaxText is a message/send text's part in UTF-16 units: the server
// keeps 2,048 bytes of it, and a unit takes at most three in UTF-8 (a
// character beyond the BMP is two units and four bytes).
const appMaxText = 680

func (a *App) send(ctx context.Context, path string, msg map[string]any, out bot.Outgoing) error {
	var ans sendAnswer
	if err := a.call(ctx, path, nil, jsonBody(msg), &ans); err != nil {
		return a.explain(err)
	}
	switch {
	case ans.Code == 0 && (ans.InvalidUser != "" || len(ans.InvalidParent) > 0):
		// Sent to nobody: not a member, or a parent outside the app's scope
		// or who has not followed 学校通知.
		return fmt.Errorf("%w: wecom recipient %s not reachable", bot.ErrUnreachable, out.Chat.ID)
	case ans.Code == 0:
		return nil
	case ans.Code == 45009 || ans.Code == 45033:
		return fmt.Errorf("wecom app: too many messages (%d); the outbox tries again later", ans.Code)
	case ans.Code == 81013 || ans.Code == 40003:
		return fmt.Errorf("%w: wecom %d %s", bot.ErrUnreachable, ans.Code, ans.Msg)
	}
	return a.explain(ans.apiError)
}

// explain tells the admins once what an errcode means for them, and
// returns the error.
func (a *App) explain(err error) error {
	var ae apiError
	if !errors.As(err, &ae) {
		return err
	}
	a.mu.Lock()
	told := a.told[ae.Code]
	a.told[ae.Code] = true
	a.mu.Unlock()
	if !told && a.cfg.OnStatus != nil {
		a.cfg.OnStatus(appRefused(ae.Code, appAdvice(ae.Code)))
	}
	return fmt.Errorf("wecom app: errcode %d", ae.Code)
}

// appAdvice is what an admin can do about an errcode of the app.
func appAdvice(code int) string {
	switch code {
	case 60020:
		return "这台服务器的 IP 不在自建应用的“企业可信IP”里，请在企业微信管理后台的应用设置里加上。"
	case 40001, 40013, 40091:
		return "corp_id 或应用 secret 不对，请检查 config.yaml 的 wecom.app（或环境变量 BANGFU_WECOM_APP_SECRET）。"
	case 48002, 301002:
		return "应用没有这个权限：给家长发学校通知，要把应用加进「家校沟通 → 家长可使用的应用」，并使用这个应用自己的 secret。"
	}
	return "其余消息照常发送，这条会按规则重试几次后放弃。"
}

// upload puts a file into WeCom's temporary media (media/upload, type file).
func (a *App) upload(ctx context.Context, f *bot.File) (string, error) {
	if len(f.Data) > MaxFile {
		return "", fmt.Errorf("%w: %s is over WeCom's %d bytes", bot.ErrPermanent, f.Name, MaxFile)
	}
	body := func() (io.Reader, string, error) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		part, err := mw.CreateFormFile("media", f.Name)
		if err == nil {
			_, err = part.Write(f.Data)
		}
		if err == nil {
			err = mw.Close()
		}
		return &buf, mw.FormDataContentType(), err
	}
	var ans mediaAnswer
	if err := a.call(ctx, "/cgi-bin/media/upload", url.Values{"type": {"file"}}, body, &ans); err != nil {
		return "", err
	}
	if ans.Code != 0 {
		return "", a.explain(ans.apiError)
	}
	return ans.MediaID, nil
}

// AgentID is the app's agent id, as a string for logs and state.
func (a *App) AgentID() string { return strconv.Itoa(a.cfg.AgentID) }

// DirectoryStudent is a student of the school's 家校通讯录 with the class
// (department) they are in and their parents.
type DirectoryStudent struct {
	Class   string
	UserID  string
	Name    string
	Parents []DirectoryParent
}

// DirectoryParent is a parent of the 家校通讯录; Subscribed says whether they
// follow 学校通知 in WeChat (only then does a notice reach them).
type DirectoryParent struct {
	UserID     string
	Relation   string
	Subscribed bool
}

// Directory reads the 家校通讯录: every department (class) and its students
// with their parents. The app must be allowed to read it (配置到「家校沟通 →
// 读取家校通讯录的应用」或「家长可使用的应用」).
func (a *App) Directory(ctx context.Context) ([]DirectoryStudent, error) {
	var deps struct {
		apiError
		Departments []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"departments"`
	}
	if err := a.get(ctx, "/cgi-bin/school/department/list", nil, &deps, &deps.apiError); err != nil {
		return nil, err
	}
	var out []DirectoryStudent
	for _, d := range deps.Departments {
		var users struct {
			apiError
			Students []struct {
				UserID  string `json:"student_userid"`
				Name    string `json:"name"`
				Parents []struct {
					UserID    string `json:"parent_userid"`
					Relation  string `json:"relation"`
					Subscribe int    `json:"is_subscribe"`
				} `json:"parents"`
			} `json:"students"`
		}
		q := url.Values{"department_id": {strconv.Itoa(d.ID)}, "fetch_child": {"0"}}
		if err := a.get(ctx, "/cgi-bin/school/user/list", q, &users, &users.apiError); err != nil {
			return nil, err
		}
		for _, s := range users.Students {
			ds := DirectoryStudent{Class: d.Name, UserID: s.UserID, Name: s.Name}
			for _, p := range s.Parents {
				ds.Parents = append(ds.Parents, DirectoryParent{UserID: p.UserID, Relation: p.Relation, Subscribed: p.Subscribe == 1})
			}
			out = append(out, ds)
		}
	}
	return out, nil
}

// get calls a GET API with the token, refreshing it once when expired.
func (a *App) get(ctx context.Context, path string, query url.Values, into any, ae *apiError) error {
	err := a.getQuiet(ctx, path, query, into, ae)
	var api apiError
	if errors.As(err, &api) {
		return a.explain(api)
	}
	return err
}

// getQuiet is get without telling the admins of an errcode.
func (a *App) getQuiet(ctx context.Context, path string, query url.Values, into any, ae *apiError) error {
	if err := a.request(ctx, http.MethodGet, path, query, nil, into, func() int { return ae.Code }); err != nil {
		return err
	}
	if ae.Code != 0 {
		return *ae
	}
	return nil
}

// MemberName is a member's name from the address book (user/get), for how
// the bot greets and lists a teacher; "" when the app may not read it.
func (a *App) MemberName(ctx context.Context, userID string) (string, error) {
	var u struct {
		apiError
		Name string `json:"name"`
	}
	if err := a.getQuiet(ctx, "/cgi-bin/user/get", url.Values{"userid": {userID}}, &u, &u.apiError); err != nil {
		return "", err
	}
	return u.Name, nil
}
