package county

import (
	"fmt"
	"testing"

	"bangfu/bot"
	"bangfu/commands"
	"bangfu/storage"
	"bangfu/storage/bolt"
)

func member(t *testing.T, s School) Member {
	h := commands.New(s.Store.(*bolt.Store), s.Cal, s.Store.(*bolt.Store).Now, nil)
	return Member{Key: s.Key, Name: s.Name, Store: s.Store.(*bolt.Store), JoinCode: h.JoinCode,
		Claim: func(m bot.Message) int { return int(h.ClaimCode(m)) }}
}

func said(user, chat string, kind bot.ChatKind, text string) bot.Message {
	return bot.Message{Platform: "wecom", ID: text, Chat: bot.Chat{ID: chat, Kind: kind}, Sender: bot.User{ID: user}, Text: text}
}

// Each message goes to its school: a code to the school that issued it, a
// group to the school it is registered with, a person to the school they
// are bound to; a school's name before a class reaches that school.
func TestASharedAccountRoutesEachMessageToItsSchool(t *testing.T) {
	a, b := openSchool(t, "yizhong", "青山一中"), openSchool(t, "erzhong", "青山二中")
	sa, sb := a.Store.(*bolt.Store), b.Store.(*bolt.Store)
	d := &Directory{Schools: []Member{member(t, a), member(t, b)}}
	m := storage.Meta{At: at(11, 30, 9)}
	inv, err := sb.CreateInvite(m, storage.Invite{Kind: storage.InviteTeacher})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		msg  bot.Message
		want int
		text string
	}{
		{said("wang", "wang", bot.Private, "/join "+inv.Code), 1, ""},
		{said("wang", "wang", bot.Private, "/start "+inv.Code), 1, ""},                       // a Telegram link
		{said("wang", "wang", bot.Private, "/加入 "+lower(inv.Code)), 1, ""},                   // typed by hand
		{said("wang", "wang", bot.Private, "/join ZZZZZZZZ"), 0, ""},                         // no school's: the first says so
		{said("wang", "wang", bot.Private, "/status 初一3班"), 0, ""},                           // a stranger
		{said("li", "-9", bot.Group, "/status"), 0, ""},                                      // an unregistered group
		{said("wang", "wang", bot.Private, "/status 青山二中/初一3班"), 1, "/status 初一3班"},          // named
		{said("wang", "wang", bot.Private, "/status erzhong/初一3班 张三"), 1, "/status 初一3班 张三"}, // by its key
	} {
		i, text := d.Route(c.msg)
		if c.text == "" {
			c.text = c.msg.Text
		}
		if i != c.want || text != c.text {
			t.Errorf("%q went to school %d as %q, want %d as %q", c.msg.Text, i, text, c.want, c.text)
		}
	}
	// Bound in the second school, the teacher's messages go there.
	wang, _ := sb.EnsurePerson("wecom", "wang", "wang", "王老师")
	if _, _, err := sb.UseInvite(m, inv.Code, wang.ID); err != nil {
		t.Fatal(err)
	}
	if i, _ := d.Route(said("wang", "wang", bot.Private, "/status 初一3班")); i != 1 {
		t.Errorf("a teacher of the second school went to %d", i)
	}
	// A group registered with the second school goes there, whoever writes.
	if err := sb.SetGroup(m, storage.Group{Platform: "wecom", ChatID: "-7", Title: "初一3班家长群", Kind: storage.GroupParent, ClassID: 1}); err != nil {
		t.Fatal(err)
	}
	if i, _ := d.Route(said("stranger", "-7", bot.Group, "/help")); i != 1 {
		t.Errorf("the second school's group went to %d", i)
	}
	// Someone bound in both reaches the first, and the second by its name.
	zhao, _ := sa.EnsurePerson("wecom", "zhao", "zhao", "赵老师")
	sa.UpdatePerson(m, zhao.ID, "test", func(p *storage.Person) error { p.Teacher = true; return nil })
	zhao2, _ := sb.EnsurePerson("wecom", "zhao", "zhao", "赵老师")
	sb.UpdatePerson(m, zhao2.ID, "test", func(p *storage.Person) error { p.Teacher = true; return nil })
	if i, _ := d.Route(said("zhao", "zhao", bot.Private, "/mine")); i != 0 {
		t.Errorf("bound in both: went to %d", i)
	}
	if i, text := d.Route(said("zhao", "zhao", bot.Private, "/status 青山二中/初一3班")); i != 1 || text != "/status 初一3班" {
		t.Errorf("bound in both, naming the second: %d %q", i, text)
	}
}

func lower(s string) string {
	out := []rune(s)
	for i, r := range out {
		if r >= 'A' && r <= 'Z' {
			out[i] = r + 'a' - 'A'
		}
	}
	return string(out)
}

// Routing keeps nothing of its own: a teacher bound later in the first
// school goes there at the next message, and back to the second when the
// first lets them go; a group registered again elsewhere follows at once.
func TestRoutingFollowsABindingAsItChanges(t *testing.T) {
	a, b := openSchool(t, "yizhong", "青山一中"), openSchool(t, "erzhong", "青山二中")
	sa, sb := a.Store.(*bolt.Store), b.Store.(*bolt.Store)
	d := &Directory{Schools: []Member{member(t, a), member(t, b)}}
	m := storage.Meta{At: at(11, 30, 9)}
	teach := func(s *bolt.Store, yes bool) {
		p, err := s.EnsurePerson("wecom", "zhao", "zhao", "赵老师")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdatePerson(m, p.ID, "test", func(p *storage.Person) error { p.Teacher = yes; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	route := func() int {
		i, _ := d.Route(said("zhao", "zhao", bot.Private, "/mine"))
		return i
	}
	teach(sb, true)
	if i := route(); i != 1 {
		t.Fatalf("a teacher of the second school went to %d", i)
	}
	teach(sa, true)
	if i := route(); i != 0 {
		t.Fatalf("bound in the first school too: went to %d", i)
	}
	teach(sa, false)
	if i := route(); i != 1 {
		t.Fatalf("let go by the first school: went to %d", i)
	}
	group := storage.Group{Platform: "wecom", ChatID: "-7", Title: "初一3班家长群", Kind: storage.GroupParent, ClassID: 1}
	if err := sb.SetGroup(m, group); err != nil {
		t.Fatal(err)
	}
	if i, _ := d.Route(said("stranger", "-7", bot.Group, "/help")); i != 1 {
		t.Fatalf("the second school's group went to %d", i)
	}
	if err := sa.SetGroup(m, group); err != nil {
		t.Fatal(err)
	}
	if i, _ := d.Route(said("stranger", "-7", bot.Group, "/help")); i != 0 {
		t.Fatalf("registered with the first school too: went to %d", i)
	}
}

// A teacher bound to both schools gets both schools' owed lists, whose
// codes can be alike (student × 10 + rule): an answer goes to the school
// whose item it is, not to the first; where both hold it alike, to the
// first, as the teacher's other messages.
func TestAnAnswerToAnOwedListGoesToTheSchoolWhoseItemItIs(t *testing.T) {
	a, b := openSchool(t, "yizhong", "青山一中"), openSchool(t, "erzhong", "青山二中")
	sa, sb := a.Store.(*bolt.Store), b.Store.(*bolt.Store)
	d := &Directory{Schools: []Member{member(t, a), member(t, b)}}
	m := storage.Meta{At: at(11, 30, 9)}
	za, zb := addStudent(t, a, "张三", 2), addStudent(t, b, "李四", 2)
	if za.ID != zb.ID {
		t.Fatalf("the two schools' first students are %d and %d: their codes would not be alike", za.ID, zb.ID)
	}
	code := fmt.Sprint(za.ID*10 + 3) // the rule every student has: 本学期导师与家长沟通
	teacher := func(s *bolt.Store, admin bool, mentorOf uint64) {
		p, err := s.EnsurePerson("wecom", "zhao", "zhao", "赵老师")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdatePerson(m, p.ID, "test", func(p *storage.Person) error { p.Teacher, p.Admin = true, admin; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateStudent(m, mentorOf, "test", func(st *storage.Student) error { st.MentorID = p.ID; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	teacher(sb, false, zb.ID)
	p, _ := sa.EnsurePerson("wecom", "zhao", "zhao", "赵老师")
	sa.UpdatePerson(m, p.ID, "test", func(p *storage.Person) error { p.Teacher = true; return nil })
	for _, line := range []string{"完成 #" + code + " 电话 妈妈", "/done #" + code, "/推迟 #" + code + " 周一", "推迟 " + code + " 周一"} {
		if i, text := d.Route(said("zhao", "zhao", bot.Private, line)); i != 1 || text != line {
			t.Errorf("%q, the second school's item, went to %d as %q", line, i, text)
		}
	}
	if i, _ := d.Route(said("zhao", "zhao", bot.Private, "/mine")); i != 0 {
		t.Errorf("another message of a teacher bound to both went to %d", i)
	}
	// An admin of the first school may act for its student; the second
	// school's mentor owes the item: the owed one wins.
	sa.UpdatePerson(m, p.ID, "test", func(p *storage.Person) error { p.Admin = true; return nil })
	if i, _ := d.Route(said("zhao", "zhao", bot.Private, "完成 #"+code)); i != 1 {
		t.Errorf("the admin of the first school answering the second's item: went to %d", i)
	}
	// The mentor of both students: no telling which, so the first.
	teacher(sa, false, za.ID)
	if i, _ := d.Route(said("zhao", "zhao", bot.Private, "完成 #"+code)); i != 0 {
		t.Errorf("an item both schools hold alike went to %d", i)
	}
}
