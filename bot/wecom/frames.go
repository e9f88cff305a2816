package wecom

import (
	"encoding/json"
	"strings"
)

// The frames of WeCom's 智能机器人 long connection (developer document
// 101463), as WecomTeam/aibot-node-sdk sends and reads them: every frame is
// {cmd, headers: {req_id}, body}; an answer to one of ours carries the same
// req_id and errcode/errmsg instead of a cmd.
const (
	cmdSubscribe      = "aibot_subscribe"
	cmdPing           = "ping"
	cmdRespond        = "aibot_respond_msg"
	cmdRespondWelcome = "aibot_respond_welcome_msg"
	cmdSend           = "aibot_send_msg"
	cmdUploadInit     = "aibot_upload_media_init"
	cmdUploadChunk    = "aibot_upload_media_chunk"
	cmdUploadFinish   = "aibot_upload_media_finish"
	cmdMsgCallback    = "aibot_msg_callback"
	cmdEventCallback  = "aibot_event_callback"
)

// DefaultServerURL is WeCom's long-connection gateway.
const DefaultServerURL = "wss://openws.work.weixin.qq.com"

// inFrame is a frame from WeCom: a callback (cmd set) or an answer to one
// of ours (errcode set).
type inFrame struct {
	Cmd     string          `json:"cmd"`
	Headers headers         `json:"headers"`
	Body    json.RawMessage `json:"body"`
	ErrCode int             `json:"errcode"`
	ErrMsg  string          `json:"errmsg"`
}

// outFrame is a frame to WeCom.
type outFrame struct {
	Cmd     string  `json:"cmd"`
	Headers headers `json:"headers"`
	Body    any     `json:"body,omitempty"`
}

type headers struct {
	ReqID string `json:"req_id"`
}

// callback is the body of aibot_msg_callback and aibot_event_callback.
type callback struct {
	MsgID      string `json:"msgid"`
	AIBotID    string `json:"aibotid"`
	ChatID     string `json:"chatid"`   // groups only
	ChatType   string `json:"chattype"` // single or group
	CreateTime int64  `json:"create_time"`
	From       struct {
		UserID string `json:"userid"`
	} `json:"from"`
	MsgType string  `json:"msgtype"`
	Text    content `json:"text"`
	Voice   content `json:"voice"` // speech, as WeCom transcribed it
	Mixed   mixed   `json:"mixed"`
	Event   struct {
		EventType string `json:"eventtype"`
	} `json:"event"`
	// Quote is the message this one quotes (引用), when it does.
	Quote *quoted `json:"quote"`
}

// quoted is a quoted message: its text, or the words of a mixed one.
type quoted struct {
	MsgType string  `json:"msgtype"`
	Text    content `json:"text"`
	Mixed   mixed   `json:"mixed"`
}

// quoteText is the words of the quoted message, "" for none.
func (c callback) quoteText() string {
	if c.Quote == nil {
		return ""
	}
	return callback{MsgType: c.Quote.MsgType, Text: c.Quote.Text, Mixed: c.Quote.Mixed}.text()
}

// mixed is a 图文混排 message: its items, of which the text ones are read.
type mixed struct {
	MsgItem []struct {
		MsgType string  `json:"msgtype"`
		Text    content `json:"text"`
	} `json:"msg_item"`
}

type content struct {
	Content string `json:"content"`
}

// text is what a person wrote: a text, the words of a mixed message, or a
// voice message as transcribed.
func (c callback) text() string {
	switch c.MsgType {
	case "text":
		return c.Text.Content
	case "voice":
		return c.Voice.Content
	case "mixed":
		var parts []string
		for _, it := range c.Mixed.MsgItem {
			if it.MsgType == "text" && it.Text.Content != "" {
				parts = append(parts, it.Text.Content)
			}
		}
		return strings.Join(parts, "\n")
	}
	return ""
}

// media names what a message carried without text, as bot.Message.Media
// does: a picture (alone or in a 图文混排), a voice WeCom did not
// transcribe, a video or a file; "" for none.
func (c callback) media() string {
	switch c.MsgType {
	case "image":
		return "图片"
	case "voice":
		if c.Voice.Content == "" {
			return "语音"
		}
	case "video":
		return "视频"
	case "file":
		return "文件"
	case "mixed":
		for _, it := range c.Mixed.MsgItem {
			if it.MsgType == "image" {
				return "图片"
			}
		}
	}
	return ""
}

// uploadAnswer is the body of the upload answers.
type uploadAnswer struct {
	UploadID string `json:"upload_id"`
	MediaID  string `json:"media_id"`
}
