package wechat

import (
	"fmt"
	"testing"

	"github.com/eatmoreapple/openwechat"
)

type memState map[string][]byte

func (m memState) PlatformValue(p, n string) ([]byte, error)    { return m[p+"/"+n], nil }
func (m memState) SetPlatformValue(p, n string, v []byte) error { m[p+"/"+n] = v; return nil }

func user(userName, nick, remark string, avatar int) *openwechat.User {
	return &openwechat.User{UserName: userName, NickName: nick, RemarkName: remark,
		HeadImgUrl: fmt.Sprintf("/cgi-bin/mmwebwx-bin/webwxgeticon?seq=%d&username=%s", avatar, userName)}
}

// TestIdentitiesAcrossLogins: the rules that recognise people after a
// re-login, on their own.
func TestIdentitiesAcrossLogins(t *testing.T) {
	state := memState{}
	ids := newIdentities(state)
	mum := ids.resolve(user("@a1", "张三妈妈", "", 11), nil, false)
	li := ids.resolve(user("@a2", "李老师", "", 12), []string{"初一3班教师群"}, false)
	z1 := ids.resolve(user("@a3", "张老师", "", 0), []string{"初一1班教师群"}, false)
	z2 := ids.resolve(user("@a4", "张老师", "", 0), []string{"初一2班教师群"}, false)
	legacy := ids.resolve(user("@a5", "王老师", "bf7", 13), nil, false)
	if mum == "" || li == "" || z1 == "" || z2 == "" || z1 == z2 || legacy != "bf7" {
		t.Fatalf("first login: %q %q %q %q %q", mum, li, z1, z2, legacy)
	}

	// A re-login: every UserName new, remembered from disk.
	ids = newIdentities(state)
	for _, c := range []struct {
		u      *openwechat.User
		groups []string
		want   string
	}{
		{user("@b1", "张三妈妈", "", 11), nil, mum},              // nickname and avatar
		{user("@b2", "李老师", "", 99), nil, li},                // a new avatar, the only 李老师
		{user("@b3", "张老师", "", 0), []string{"初一2班教师群"}, z2}, // namesakes told apart by their group
		{user("@b4", "张老师", "", 0), nil, ""},                 // and not without it
		{user("@b5", "王老师", "bf7", 13), nil, "bf7"},          // an older bangfu's remark
		{user("@b6", "张三妈妈2", "张三妈妈（初一3班）", 11), nil, ""},    // a remark and nick unknown: someone new
	} {
		got := ids.resolve(c.u, c.groups, false)
		if c.want == "" && c.u.UserName == "@b6" {
			if got == "" || got == mum {
				t.Errorf("%s: %q, want a new id", c.u.NickName, got)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%s (%v): %q, want %q", c.u.NickName, c.groups, got, c.want)
		}
	}
	// Two people in one login never share an id: the second claimant and
	// the first are both asked to confirm.
	dup := ids.resolve(user("@b7", "李老师", "", 12), nil, false)
	if dup != "" || ids.userName(li) != "" {
		t.Fatalf("a second 李老师 got %q; the first still holds the id: %q", dup, ids.userName(li))
	}
	// A fresh code gives a fresh identity.
	if fresh := ids.resolve(user("@b4", "张老师", "", 0), nil, true); fresh == "" || fresh == z1 || fresh == z2 {
		t.Fatalf("fresh identity %q", fresh)
	}
}
