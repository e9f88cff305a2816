package bot

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestRedactRemovesSessionKeysAndTokens(t *testing.T) {
	for _, in := range []string{
		`Get "https://webpush.wx.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=1&sid=S1D5ecret&skey=%40crypt_5ecre7skey&uin=90817263&synckey=1_7": context canceled`,
		`POST /cgi-bin/mmwebwx-bin/webwxsync?sid=S1D5ecret&skey=@crypt_5ecre7skey&pass_ticket=PaSsTiCkEt5ecret`,
		`{"BaseRequest":{"Uin":90817263,"Sid":"S1D5ecret","Skey":"@crypt_5ecre7skey"}}`,
		`<error><skey>@crypt_5ecre7skey</skey><wxsid>S1D5ecret</wxsid><wxuin>90817263</wxuin><pass_ticket>PaSsTiCkEt5ecret</pass_ticket></error>`,
		`Cookie: wxuin=90817263; wxsid=S1D5ecret; webwx_data_ticket=PaSsTiCkEt5ecret`,
		`Post "https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getUpdates": timeout`,
	} {
		got := Redact(in)
		for _, secret := range []string{"S1D5ecret", "5ecre7skey", "90817263", "PaSsTiCkEt5ecret", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"} {
			if strings.Contains(got, secret) {
				t.Errorf("%q still holds %q after redaction: %q", in, secret, got)
			}
		}
	}
	if got := Redact("/log 张三 数学辅导 30分钟 sidebar=1"); got != "/log 张三 数学辅导 30分钟 sidebar=1" {
		t.Errorf("ordinary text changed: %q", got)
	}
}

func TestRedactingHandlerScrubsEveryPartOfARecord(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewRedactingHandler(slog.NewTextHandler(&buf, nil), "my-configured-secret"))
	log.With("url", "x?skey=@crypt_5ecre7skey").WithGroup("g").Error("failed sid=S1D5ecret",
		"err", errors.New("pass_ticket=PaSsTiCkEt5ecret"), slog.Group("inner", "token", "my-configured-secret"))
	for _, secret := range []string{"5ecre7skey", "S1D5ecret", "PaSsTiCkEt5ecret", "my-configured-secret"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("log line holds %q: %s", secret, buf.String())
		}
	}
	if !strings.Contains(buf.String(), "failed") {
		t.Fatalf("the message itself was lost: %s", buf.String())
	}
}
