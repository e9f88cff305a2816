package county

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bangfu/bot"
	"bangfu/commands/report"
	"bangfu/storage"
	"bangfu/storage/bolt"
	"bangfu/storage/schoolgen"
)

var cal = storage.DefaultCalendar()

func at(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, cal.Loc) }

func openSchool(t *testing.T, key, name string) School {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), key+".db"), bolt.Options{Calendar: cal})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return School{Key: key, Name: name, Store: st, Cal: cal}
}

var msgNo int

func meta(when time.Time) storage.Meta {
	msgNo++
	return storage.Meta{MsgKey: "t:" + string(rune('a'+msgNo%26)) + time.Duration(msgNo).String(), ActorID: 1, At: when}
}

func addStudent(t *testing.T, s School, name string, target int, cats ...string) storage.Student {
	t.Helper()
	st, _, err := s.Store.(*bolt.Store).AddStudent(meta(at(11, 2, 9)), 7, 3, storage.Student{Name: name, WeeklyTarget: target, Categories: cats, CreatedAt: at(11, 2, 9)})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func session(t *testing.T, s School, st storage.Student, when time.Time) {
	t.Helper()
	if _, _, err := s.Store.(*bolt.Store).AddSession(meta(when), storage.Session{StudentID: st.ID, Subject: "数学", Minutes: 30, At: when}); err != nil {
		t.Fatal(err)
	}
}

func contact(t *testing.T, s School, st storage.Student, when time.Time) {
	t.Helper()
	if _, _, err := s.Store.(*bolt.Store).AddContact(meta(when), storage.Contact{StudentID: st.ID, Method: "电话", Content: "家里一切都好", At: when}, storage.Range{From: cal.MonthStart(when), To: cal.NextMonthStart(when)}); err != nil {
		t.Fatal(err)
	}
}

// parentWrote stores a parent's own message, which is no contact the
// school made.
func parentWrote(t *testing.T, s School, st storage.Student, when time.Time) {
	t.Helper()
	if _, _, err := s.Store.(*bolt.Store).AddContact(meta(when), storage.Contact{StudentID: st.ID, Method: "留言", Whom: "妈妈", Content: "谢谢老师", At: when, FromParent: true}, storage.Range{}); err != nil {
		t.Fatal(err)
	}
}

func private(platform, user string) bot.Message {
	return bot.Message{Platform: platform, ID: "1", Chat: bot.Chat{ID: "p" + user, Kind: bot.Private}, Sender: bot.User{ID: user, Name: "王局"}}
}

func twoSchools(t *testing.T) (*Desk, School, School) {
	a, b := openSchool(t, "yizhong", "第一中学"), openSchool(t, "erzhong", "第二中学")
	zhang := addStudent(t, a, "张三", 2, "留守儿童", "学困生")
	li := addStudent(t, a, "李四", 1, "学困生")
	wang := addStudent(t, b, "王五", 3, "单亲")
	session(t, a, zhang, at(11, 30, 10)) // Monday of the week
	session(t, a, li, at(12, 1, 10))
	session(t, a, zhang, at(11, 24, 10)) // last week
	contact(t, a, zhang, at(12, 1, 18))
	session(t, b, wang, at(11, 25, 10))
	session(t, b, wang, at(11, 26, 10))
	parentWrote(t, b, wang, at(12, 1, 20)) // not a contact: 0/1 still
	now := at(12, 2, 9)
	d := &Desk{Name: "某县", Schools: []School{a, b}, Admins: map[string]bool{"telegram:42": true}, Now: func() time.Time { return now }}
	return d, a, b
}

// The county's admin sees each school's counts for this week, and the
// county's sum; no child's or teacher's name, no note.
func TestTheCountySeesEachSchoolsFiguresAndNoNames(t *testing.T) {
	d, a, b := twoSchools(t)
	text := d.Answer(context.Background(), private("telegram", "42"), "")
	for _, want := range []string{
		"第一中学：帮扶 2 人（学困生 2、留守儿童 1）；辅导 2/3 次，1 人未达到约定次数；12月已联系家长 1/2 人（50%）",
		"第二中学：帮扶 1 人（单亲 1）；辅导 0/3 次，1 人未达到约定次数；12月已联系家长 0/1 人（0%）；这一周还没有辅导记录",
		"某县合计：帮扶 3 人",
		"11月30日—12月6日",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the county's status lacks %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{"张三", "李四", "王五", "家里一切都好", "数学"} {
		if strings.Contains(text, secret) {
			t.Errorf("the county's status shows %q:\n%s", secret, text)
		}
	}
	// Last week's digest counts last week, and its month's contacts,
	// named: 第一中学's of December 1st are not November's.
	text = d.Answer(context.Background(), private("telegram", "42"), "上周")
	if !strings.Contains(text, "第二中学：帮扶 1 人（单亲 1）；辅导 2/3 次") || !strings.Contains(text, "第一中学：帮扶 2 人（学困生 2、留守儿童 1）；辅导 1/3 次，2 人未达到约定次数；11月已联系家长 0/2 人") || !strings.Contains(text, "11月23日—11月29日") {
		t.Errorf("last week's digest:\n%s", text)
	}
	// Each school's audit log says the county read its figures.
	for _, s := range []School{a, b} {
		log, err := s.Store.(*bolt.Store).AuditLog(at(11, 1, 0), at(12, 31, 0))
		if err != nil {
			t.Fatal(err)
		}
		var reads []string
		for _, e := range log {
			if strings.HasPrefix(e.Action, "county.") {
				reads = append(reads, e.Action+" "+e.Where)
			}
		}
		if len(reads) != 2 || reads[0] != "county.status county:telegram:42" || reads[1] != "county.digest county:telegram:42" {
			t.Errorf("%s's audit of the county's reads: %v", s.Name, reads)
		}
	}
}

// Anyone else is told the figures are the county's, with the account to
// put in the config; an admin in a group is asked to write privately, and
// nothing is read.
func TestOnlyTheCountysAdminsInPrivateSeeTheFigures(t *testing.T) {
	d, a, _ := twoSchools(t)
	text := d.Answer(context.Background(), private("wecom", "zhangsan"), "")
	if !strings.Contains(text, "wecom:zhangsan") || strings.Contains(text, "第一中学") {
		t.Errorf("a teacher asking for the county's figures got:\n%s", text)
	}
	group := private("telegram", "42")
	group.Chat = bot.Chat{ID: "-100", Kind: bot.Group, Title: "初一3班家长群"}
	if text := d.Answer(context.Background(), group, ""); text != askPrivately() {
		t.Errorf("the county's admin in a group got:\n%s", text)
	}
	if text := d.Answer(context.Background(), private("telegram", "42"), "排名"); text != countyUsage() {
		t.Errorf("an unknown word got:\n%s", text)
	}
	log, _ := a.Store.(*bolt.Store).AuditLog(at(11, 1, 0), at(12, 31, 0))
	for _, e := range log {
		if strings.HasPrefix(e.Action, "county.") {
			t.Errorf("a refused ask was read and audited: %+v", e)
		}
	}
}

type brokenStore struct{ Store }

func (brokenStore) Classes() ([]storage.Class, error) { return nil, errors.New("disk gone") }

// One school that cannot be read is named as such; the others answer.
func TestASchoolThatCannotBeReadDoesNotSilenceTheOthers(t *testing.T) {
	d, a, _ := twoSchools(t)
	d.Schools[1].Store = brokenStore{a.Store}
	text := d.Answer(context.Background(), private("telegram", "42"), "")
	if !strings.Contains(text, "第二中学：暂时读不到") || !strings.Contains(text, "第一中学：帮扶 2 人") || strings.Contains(text, "disk gone") {
		t.Errorf("with one school unreadable:\n%s", text)
	}
}

// The county's figures for a school say what its classes' /status say, on
// a generated school of 60 classes and a year of records (closed students,
// students behind and ahead, contacts in and out of the month).
func TestTheCountysFiguresAgreeWithEachClassesStatus(t *testing.T) {
	s := openSchool(t, "big", "大校")
	now := time.Date(2026, 12, 2, 15, 0, 0, 0, cal.Loc)
	if _, err := schoolgen.Generate(s.Store.(*bolt.Store), schoolgen.Options{Classes: 12, SupportedPerClass: 6, Sessions: 4000, Contacts: 700, Praise: 100, Reads: 10, Until: now, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	students, _ := s.Store.AllStudents()
	if _, err := s.Store.(*bolt.Store).UpdateStudent(meta(now), students[3].ID, "student.close", func(st *storage.Student) error {
		st.Closed, st.ClosedReason, st.ClosedAt = true, "已转化", now
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	f, err := SchoolFigures(s, now)
	if err != nil {
		t.Fatal(err)
	}
	weeks, err := report.BuildSchoolWeek(s.Store, s.Cal, now)
	if err != nil {
		t.Fatal(err)
	}
	var want Figures
	for _, c := range weeks {
		done, agreed, key, behind, notContacted := c.Totals()
		want.Done += done
		want.Agreed += agreed
		want.Key += key
		want.Behind += behind
		want.Students += len(c.Students)
		want.Contacted += len(c.Students) - notContacted
	}
	if want.Students != 71 || want.Done == 0 || want.Contacted == 0 || want.Behind == 0 {
		t.Fatalf("the generated school is not a fair test: %+v", want)
	}
	if f.Students != want.Students || f.Done != want.Done || f.Agreed != want.Agreed || f.Key != want.Key || f.Behind != want.Behind || f.Contacted != want.Contacted {
		t.Fatalf("county %+v\\nclasses %+v", f, want)
	}
}
