package console

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"bangfu/bot"
)

func TestControlsAndDestinations(t *testing.T) {
	in := strings.NewReader(":as 张三妈妈\n/help\n:group 初一3班家长群\n/status\n:dm\n:bogus\n\n/join ABC\n")
	var out bytes.Buffer
	c := New(in, &out, false)
	c.Now = func() time.Time { return time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC) }
	var got []bot.Message
	eof := false
	c.AtEOF = func(context.Context) { eof = true }
	err := c.Run(context.Background(), func(ctx context.Context, m bot.Message) {
		got = append(got, m)
		c.Send(ctx, bot.Reply(m, "收到\n第二行"))
		c.Send(ctx, bot.Outgoing{Chat: bot.Chat{ID: PrivateChatID("李老师"), Kind: bot.Private, Title: "李老师"}, Text: "提醒\n第二行",
			NotBefore: c.Now().Add(time.Hour)})
		// A queued message to the chat being typed in is not a reply.
		c.Send(ctx, bot.Outgoing{Chat: m.Chat, Text: "本周小结", QueueID: 7})
	})
	if err != nil || !eof {
		t.Fatalf("run: %v, eof %v", err, eof)
	}
	if len(got) != 3 {
		t.Fatalf("%d messages handed on", len(got))
	}
	if got[0].Sender.Name != "张三妈妈" || got[0].Chat.Kind != bot.Private || got[0].Chat.ID != "dm:张三妈妈" {
		t.Errorf("first: %+v", got[0])
	}
	if got[1].Chat.Kind != bot.Group || got[1].Chat.Title != "初一3班家长群" || got[1].Sender.ID != "张三妈妈" {
		t.Errorf("group: %+v", got[1])
	}
	if got[2].Chat.Kind != bot.Private || got[0].ID == got[1].ID {
		t.Errorf("dm again / ids: %+v", got)
	}
	text := out.String()
	for _, want := range []string{
		"张三妈妈（私聊）> /help", "张三妈妈 @ 初一3班家长群（群）> /status",
		"bangfu: 收到\n第二行\n",                     // a reply's lines as they are (a code on the last line stands alone)
		"→ 李老师（私聊，11-25 23:00 送达）: 提醒\n    第二行", // others' messages indented, with when they go
		":as", // :bogus prints the help
		"→ 张三妈妈（私聊）: 本周小结",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

func TestFilesAreSavedPrivately(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	c := New(strings.NewReader(""), &out, false)
	c.FileDir = filepath.Join(dir, "exports")
	c.Send(context.Background(), bot.Outgoing{Chat: bot.Chat{ID: PrivateChatID(LocalAdmin), Kind: bot.Private}, Text: "档案",
		File: &bot.File{Name: "../初一3班.xlsx", Data: []byte("PK")}})
	path := filepath.Join(dir, "exports", "初一3班.xlsx")
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved file: %v %v", fi, err)
	}
	if !strings.Contains(out.String(), "已保存到 "+path) {
		t.Fatalf("output: %s", out.String())
	}
}

// A pasted line of any length is handed on (cut) and the session goes on:
// the lines after it are still read.
func TestAnyLineLengthKeepsTheSession(t *testing.T) {
	long := "/log 张三 数学 30分钟 " + strings.Repeat("很长", 2_000_000) // 12 MB on one line
	in := strings.NewReader(long + "\n/status\n" + strings.Repeat("x", 100_000))
	c := New(in, io.Discard, false)
	var got []string
	if err := c.Run(context.Background(), func(ctx context.Context, m bot.Message) { got = append(got, m.Text) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[1] != "/status" || !strings.HasPrefix(got[0], "/log 张三") || len(got[0]) > maxLineBytes || !utf8.ValidString(got[0]) {
		t.Fatalf("got %d lines, second %q, first %d bytes", len(got), got[1], len(got[0]))
	}
}

// Buttons a platform would offer are shown under the message, so the
// terminal's user knows the word to type.
func TestAnswersAreShownAsButtons(t *testing.T) {
	var out bytes.Buffer
	c := New(strings.NewReader(""), &out, false)
	c.Send(context.Background(), bot.Outgoing{Chat: bot.Chat{ID: PrivateChatID("张三妈妈"), Kind: bot.Private, Title: "张三妈妈"}, Text: "周末给孩子打个电话吧",
		QueueID: 3, Answers: []string{"打了"}})
	if got := out.String(); !strings.Contains(got, "→ 张三妈妈（私聊）: 周末给孩子打个电话吧\n    ［打了］") {
		t.Fatalf("output: %q", got)
	}
}
