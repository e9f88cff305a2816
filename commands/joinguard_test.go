package commands

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func lastLine(s string) string {
	lines := strings.Split(s, "\n")
	return lines[len(lines)-1]
}

// One guesser slows down, then stops for a while, even with the right code
// in hand; after the stop the right code works.
func TestJoinGuessingSlowsThenStops(t *testing.T) {
	w := school(t)
	code := lastLine(w.say("李老师", "/invite parent 李四 爸爸"))
	for i := 0; i < joinFreeTries; i++ {
		must(t, w.say("猜码人", "/join ABCDEFGH"), "不存在")
	}
	must(t, w.say("猜码人", "/join "+code), "请1分钟后再试")
	w.now = w.now.Add(time.Minute)
	must(t, w.say("猜码人", "/join ABCDEFGJ"), "不存在")
	must(t, w.say("猜码人", "/join ABCDEFGK"), "请1分钟后再试")
	w.now = w.now.Add(time.Minute)
	must(t, w.say("猜码人", "/join ABCDEFGK"), "不存在")
	must(t, w.say("猜码人", "/join "+code), "已暂停30分钟", "新的邀请码")
	w.now = w.now.Add(29 * time.Minute)
	must(t, w.say("猜码人", "/join "+code), "已暂停1分钟")
	w.now = w.now.Add(time.Minute)
	must(t, w.say("猜码人", "/join "+code), "李四")
}

// Many guessers at once tighten everyone's limits and tell the admins once,
// but a parent with the right code still gets in at the first try.
func TestJoinBurstSlowsEveryoneButLocksNoOneOut(t *testing.T) {
	w := school(t)
	code := lastLine(w.say("李老师", "/invite parent 李四 爸爸"))
	for i := 0; i < joinBurstSize+5; i++ {
		must(t, w.say(fmt.Sprintf("猜码人%d", i), "/join ABCDEFGH"), "不存在")
	}
	if told := w.queuedFor("dm:校长", "可能有人在猜码"); told != 1 {
		t.Fatalf("admins told %d times of one burst", told)
	}
	// In the burst one wrong code is enough to wait, and longer.
	must(t, w.say("猜码人0", "/join ABCDEFGH"), "请5分钟后再试")
	// The right code at the first try is never refused.
	must(t, w.say("李四爸爸", "/join "+code), "李四")
}

// A code posted in a group has been read by everyone there: it is voided
// (whoever used it first would be bound to the child), the poster is told
// to ask for another, and its later use is refused. A code that is no live
// one is not told apart, and counts as a guess.
func TestACodePostedInAGroupIsVoided(t *testing.T) {
	w := school(t)
	invite := w.say("李老师", "/invite parent 李四 爸爸")
	lines := strings.Split(invite, "\n")
	code := lines[len(lines)-1]
	must(t, w.sayIn("初一3班家长群", "李四爸爸", "/join "+code), "这个邀请码发到了群里", "已经作废", "私聊我发送 /join 新邀请码")
	must(t, w.say("陌生人", "/join "+code), "邀请码 "+code+" 发到过群里，已经作废")
	must(t, w.say("李四爸爸", "/join "+code), "已经作废")
	if p, ok, _ := w.st.PersonByAccount("test", "陌生人"); ok && len(p.Parents) > 0 {
		t.Fatalf("the void code bound someone: %+v", p)
	}
	// A fresh code, sent privately, binds.
	must(t, w.join("李四爸爸", w.say("李老师", "/invite parent 李四 爸爸")), "已绑定为李四的家长（爸爸）")
	// A code that is no live one gets the plain line, in any group.
	must(t, w.sayIn("初一3班教师群", "李老师", "/join "+code), "邀请码请私聊我发送")
	must(t, w.sayIn("别的群", "某人", "/join ABCDEFGH"), "邀请码请私聊我发送")
}

// A teacher who forwards an invite to a group shows its code to everyone
// there: the code is voided and the group told; words in capitals and a
// code no longer live are left alone.
func TestACodeShownInAGroupIsVoided(t *testing.T) {
	w := school(t)
	invite := w.say("李老师", "/invite parent 李四 妈妈")
	must(t, w.sayIn("初一3班家长群", "李老师", invite), "群里发出的邀请码", "已经作废")
	lines := strings.Split(invite, "\n")
	must(t, w.say("李四妈妈", "/join "+lines[len(lines)-1]), "已经作废")
	for _, line := range []string{invite, "HELLO WORLD ABCDEFGH", "今天 PM2.5 很高"} {
		if got := w.sayIn("初一3班家长群", "李老师", line); got != "" {
			t.Errorf("%q was answered: %q", line, got)
		}
	}
	// Redelivered, the message is not answered twice.
	second := w.say("李老师", "/invite parent 李四 妈妈")
	m := w.message("李老师", "初一3班教师群", second)
	if outs := w.h.Handle(context.Background(), m); len(outs) != 1 || !strings.Contains(outs[0].Text, "已经作废") {
		t.Fatalf("shown in the teacher group: %+v", outs)
	}
	if outs := w.h.Handle(context.Background(), m); len(outs) != 0 {
		t.Fatalf("redelivered: %+v", outs)
	}
}
