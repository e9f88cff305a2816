package reminders

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bangfu/bot"
	"bangfu/commands"
	"bangfu/commands/cadence"
	"bangfu/commands/report"
	"bangfu/storage"
	"bangfu/storage/bolt"
)

var sh = storage.DefaultCalendar().Loc

func at(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, sh) }

var defaults = Config{MonthlyContact: []string{"0 16 20 * *"}, MonthlyContactFinal: "16:00",
	WeeklyCheckin: "0 15 * * 5", WeeklyDigest: "0 8 * * 1", ParentWeekly: "0 19 * * 0"}

// school is filled through the chat: 初一3班 with head teacher 李老师,
// mentor 王老师 for 张三 (留守, twice a week), 李四 (once), 王五 closed, the
// parents 张三妈妈 and 王五爸爸, and the class's teacher and parent groups.
type school struct {
	t   *testing.T
	st  *bolt.Store
	h   *commands.Handler
	now time.Time
	n   int
}

func newSchool(t *testing.T, now time.Time) *school {
	t.Helper()
	s := &school{t: t, now: now}
	st, err := bolt.Open(filepath.Join(t.TempDir(), "b.db"), bolt.Options{Now: func() time.Time { return s.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s.st = st
	s.h = commands.New(st, st.Cal, st.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.h.School = "示例中学"
	s.h.EnsureAdmin("test", "校长", "dm:校长", "校长")
	s.say("校长", "", "/student add 初一3班 张三 留守 学困 每周2次")
	s.say("校长", "", "/student add 初一3班 李四")
	s.say("校长", "", "/student add 初一3班 王五")
	s.join("李老师", s.say("校长", "", "/invite teacher 初一3班 班主任"))
	s.join("王老师", s.say("校长", "", "/invite teacher 初一3班"))
	s.say("李老师", "", "/mentor 张三 王老师")
	s.say("李老师", "初一3班教师群", "/group teacher 初一3班")
	s.say("李老师", "初一3班家长群", "/group parent 初一3班")
	s.join("张三妈妈", s.say("王老师", "", "/invite parent 张三 妈妈"))
	s.join("王五爸爸", s.say("李老师", "", "/invite parent 王五 爸爸"))
	s.say("李老师", "", "/student close 王五 转学")
	return s
}

func (s *school) say(who, group, text string) string {
	s.t.Helper()
	s.n++
	chat := bot.Chat{ID: "dm:" + who, Kind: bot.Private, Title: who}
	if group != "" {
		chat = bot.Chat{ID: "group:" + group, Kind: bot.Group, Title: group}
	}
	outs := s.h.Handle(context.Background(), bot.Message{Platform: "test", ID: fmt.Sprint(s.n), Chat: chat, Sender: bot.User{ID: who, Name: who}, Text: text})
	if len(outs) == 0 {
		return ""
	}
	return outs[0].Text
}

func (s *school) join(who, reply string) {
	lines := strings.Split(reply, "\n")
	s.say(who, "", "/join "+lines[len(lines)-1])
}

func (s *school) scheduler(cfg Config) *Scheduler {
	s.t.Helper()
	sc, err := New(s.st, s.h.Cal, s.h.School, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		s.t.Fatal(err)
	}
	return sc
}

// due returns the runs of one job to send at now (missed ones left out).
func due(t *testing.T, sc *Scheduler, now time.Time, job string) []Run {
	return runsOf(t, sc, now, job, false)
}

// missed returns the runs of one job found missed at now.
func missed(t *testing.T, sc *Scheduler, now time.Time, job string) []Run {
	return runsOf(t, sc, now, job, true)
}

func runsOf(t *testing.T, sc *Scheduler, now time.Time, job string, wantMissed bool) []Run {
	t.Helper()
	runs, err := sc.Due(now)
	if err != nil {
		t.Fatal(err)
	}
	var out []Run
	for _, r := range runs {
		if r.Job == job && r.Missed == wantMissed {
			out = append(out, r)
		}
	}
	return out
}

// to finds the message for a recipient (private chat or group title).
func to(rs []Run, title string) (storage.Queued, bool) {
	for _, r := range rs {
		for _, m := range r.Messages {
			if m.ChatTitle == title {
				return m, true
			}
		}
	}
	return storage.Queued{}, false
}

func TestMonthlyContactNamesTheUncontacted(t *testing.T) {
	s := newSchool(t, at(11, 16, 9, 0))
	sc := s.scheduler(defaults)
	if rs := due(t, sc, at(11, 20, 15, 59), JobMonthlyContact); len(rs) != 0 {
		t.Fatalf("due before 16:00: %+v", rs)
	}
	s.say("李老师", "", "/contact 李四 电话 妈妈 聊了作业")
	// Neither the mother's own message nor a talk with the child is the
	// month's contact with 张三's family.
	s.say("张三妈妈", "", "老师，孩子这两天咳嗽")
	s.say("王老师", "", "/contact 张三 面谈 本人 谈了学习计划")
	rs := due(t, sc, at(11, 20, 16, 0), JobMonthlyContact)
	if len(rs) != 1 {
		t.Fatalf("runs: %+v", rs)
	}
	head, ok := to(rs, "李老师")
	if !ok || !strings.Contains(head.Text, "初一3班：张三") || strings.Contains(head.Text, "李四") || strings.Contains(head.Text, "王五") || !strings.Contains(head.Text, "本月还剩10天") {
		t.Fatalf("head teacher: %q", head.Text)
	}
	mentor, ok := to(rs, "王老师")
	if !ok || !strings.Contains(mentor.Text, "张三") {
		t.Fatalf("mentor: %q", mentor.Text)
	}
	if _, ok := to(rs, "初一3班教师群"); ok {
		t.Fatal("the contact reminder went to a group")
	}
	for _, r := range rs {
		for _, m := range r.Messages {
			if strings.Contains(m.Text, "留守") || !m.Private {
				t.Fatalf("sensitive or public: %+v", m)
			}
		}
	}
}

func TestTickSendsOnceAcrossRestarts(t *testing.T) {
	s := newSchool(t, at(11, 16, 9, 0))
	sc := s.scheduler(defaults)
	now := at(11, 20, 16, 1)
	if err := sc.Tick(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	q, _ := s.st.Queue(time.Time{}, 0)
	first := len(q)
	if first == 0 {
		t.Fatal("nothing queued")
	}
	// The same minute again, a later tick, and a restarted scheduler: nothing new.
	sc.Tick(context.Background(), now)
	sc.Tick(context.Background(), now.Add(time.Hour))
	s.scheduler(defaults).Tick(context.Background(), now.Add(2*time.Hour))
	q, _ = s.st.Queue(time.Time{}, 0)
	if len(q) != first {
		t.Fatalf("queued %d then %d", first, len(q))
	}
	if rs := due(t, sc, now.Add(time.Hour), JobMonthlyContact); len(rs) != 0 {
		t.Fatalf("due again: %+v", rs)
	}
	// A restart in the middle of the send-out: even if the marks were lost,
	// the per-recipient keys keep each message to one.
	if err := s.st.CompleteRun("monthly_contact#0/2026-11-20T16:00", "sent", q[0]); err != nil {
		t.Fatal(err)
	}
	q2, _ := s.st.Queue(time.Time{}, 0)
	if len(q2) != first {
		t.Fatalf("a re-queued message went in twice: %d", len(q2))
	}
}

func TestMissedRunsCatchUpOnlyWhileCurrent(t *testing.T) {
	s := newSchool(t, at(11, 9, 9, 0))
	sc := s.scheduler(defaults)
	sc.Tick(context.Background(), at(11, 16, 7, 0)) // mark what lay before
	// Down over Monday 08:00, up on Tuesday: the digest still goes out.
	rs := due(t, sc, at(11, 17, 9, 30), JobWeeklyDigest)
	if len(rs) != 1 || rs[0].Missed || len(rs[0].Messages) == 0 {
		t.Fatalf("Tuesday catch-up: %+v", rs)
	}
	// Down from Thursday to the next Tuesday: the missed Friday check-in is over.
	sc.Tick(context.Background(), at(11, 19, 9, 0))
	if rs := due(t, sc, at(11, 24, 9, 0), JobWeeklyCheckin); len(rs) != 0 {
		t.Fatalf("last Friday's check-in sent on Tuesday: %+v", rs)
	}
	rs = missed(t, sc, at(11, 24, 9, 0), JobWeeklyCheckin)
	if len(rs) != 1 || rs[0].Key != "weekly_checkin/2026-11-20T15:00" {
		t.Fatalf("Friday check-in seen on Tuesday: %+v", rs)
	}
	// The November contact reminder (20th), missed entirely, is not sent in December.
	if rs := due(t, sc, at(12, 1, 9, 0), JobMonthlyContact); len(rs) != 0 {
		t.Fatalf("November reminder sent in December: %+v", rs)
	}
	if rs := missed(t, sc, at(12, 1, 9, 0), JobMonthlyContact); len(rs) != 1 {
		t.Fatalf("November reminder not seen as missed: %+v", rs)
	}
	sc.Tick(context.Background(), at(12, 1, 9, 0))
	if mark, ok, _ := s.st.RunMark("weekly_checkin/2026-11-20T15:00"); !ok || mark != "missed" {
		t.Fatalf("missed run marked %q %v", mark, ok)
	}
	if q, _ := s.st.Queue(time.Time{}, 0); len(q) == 0 {
		t.Fatal("the Tuesday digest was not queued")
	}
}

func TestWeeklyCheckinPrivatelyAndToTheClassGroup(t *testing.T) {
	s := newSchool(t, at(11, 23, 9, 0))
	s.say("王老师", "", "/log 张三 数学 30分钟 家里没人管")
	sc := s.scheduler(defaults)
	rs := due(t, sc, at(11, 27, 15, 0), JobWeeklyCheckin)
	mentor, ok := to(rs, "王老师")
	if !ok || !strings.Contains(mentor.Text, "张三 1/2次") || strings.Contains(mentor.Text, "李四") {
		t.Fatalf("mentor: %q", mentor.Text)
	}
	// 李四 has no mentor: his head teacher is told in private, and asked
	// to name one; the group hears who has none.
	head, ok := to(rs, "李老师")
	if !ok || !strings.Contains(head.Text, "李四 0/1次") || !strings.Contains(head.Text, "李四还没有导师，这周请您安排；指定导师：/mentor 李四") || strings.Contains(head.Text, "张三") {
		t.Fatalf("head teacher: %q (%v)", head.Text, ok)
	}
	group, ok := to(rs, "初一3班教师群")
	if !ok || group.Private || !strings.Contains(group.Text, "张三 1/2次、李四 0/1次") || !strings.Contains(group.Text, "李四还没有导师，请班主任安排") {
		t.Fatalf("group: %q", group.Text)
	}
	for _, bad := range []string{"留守", "学困", "家里没人管", "王五"} {
		if strings.Contains(group.Text, bad) {
			t.Fatalf("group message contains %q: %s", bad, group.Text)
		}
	}
	if _, ok := to(rs, "初一3班家长群"); ok {
		t.Fatal("the check-in went to the parent group")
	}
}

func TestParentsWeekIsPositiveAndWaitsForQuietHours(t *testing.T) {
	s := newSchool(t, at(11, 23, 9, 0))
	s.say("王老师", "", "/log 张三 学困辅导 40分钟")
	s.say("王老师", "", "/log 张三 英语 30分钟")
	s.say("王老师", "", "/praise 张三 主动帮同学讲题")
	sc := s.scheduler(defaults)
	rs := due(t, sc, at(11, 29, 19, 0), JobParentWeekly)
	m, ok := to(rs, "张三妈妈")
	if !ok {
		t.Fatalf("no message for the parent: %+v", rs)
	}
	for _, want := range []string{"张三这周", "2次，共1小时10分钟", "英语", "主动帮同学讲题"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("parent message lacks %q: %s", want, m.Text)
		}
	}
	for _, bad := range []string{"学困", "后进", "留守"} {
		if strings.Contains(m.Text, bad) {
			t.Errorf("parent message contains %q: %s", bad, m.Text)
		}
	}
	if _, ok := to(rs, "王五爸爸"); ok {
		t.Error("the parent of a closed student got a message")
	}
	// Started late on Sunday night: the message waits for 07:30.
	rs = due(t, sc, at(11, 29, 22, 15), JobParentWeekly)
	if m, _ := to(rs, "张三妈妈"); !m.NotBefore.Equal(at(11, 30, 7, 30)) {
		t.Fatalf("sent at %v during quiet hours", m.NotBefore)
	}
	s.say("张三妈妈", "", "/mute")
	if rs := due(t, sc, at(11, 29, 19, 5), JobParentWeekly); len(rs[0].Messages) != 0 {
		t.Fatalf("a muted parent got %+v", rs[0].Messages)
	}
}

func TestMondayDigestFigures(t *testing.T) {
	s := newSchool(t, at(11, 9, 9, 0)) // on the register for the whole fortnight
	s.now = at(11, 16, 9, 0)
	s.say("王老师", "", "/log 张三 数学 30分钟")
	s.say("校长", "", "/student add 初一3班 赵六") // added in the digest's week: not two weeks idle
	s.now = at(11, 18, 9, 0)
	s.say("王老师", "", "/log 张三 英语 40分钟")
	s.say("李老师", "", "/contact 张三 电话 妈妈 好")
	// 李四's mother wrote in: kept, but no contact the school made.
	s.join("李四妈妈", s.say("李老师", "", "/invite parent 李四 妈妈"))
	s.say("李四妈妈", "", "老师好，李四这周在家很认真")
	s.now = at(11, 23, 7, 0)
	sc := s.scheduler(defaults)
	rs := due(t, sc, at(11, 23, 8, 0), JobWeeklyDigest)
	g, ok := to(rs, "初一3班教师群")
	if !ok {
		t.Fatalf("no digest for the class group: %+v", rs)
	}
	for _, want := range []string{"11月16日—11月22日", "帮扶学生：3人", "辅导：2次，共1小时10分钟", "达到约定次数：1/3人（没达到：李四 0/1次、赵六 0/1次）", "11月家长沟通：1/3人", "两周没有辅导记录：李四\n", "王老师 2次"} {
		if !strings.Contains(g.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, g.Text)
		}
	}
	a, ok := to(rs, "校长")
	if !ok || !strings.Contains(a.Text, "全校帮扶周报") || !strings.Contains(a.Text, "合计：达到约定次数1/3人") {
		t.Fatalf("admin digest: %q", a.Text)
	}
}

func TestHolidaysSemesterEndCommentsMeetingsAndMonthEnd(t *testing.T) {
	s := newSchool(t, at(9, 20, 9, 0))
	cfg := defaults
	cfg.MonthlyContact = []string{"0 16 2 * *"}
	sc := s.scheduler(cfg)
	// 2 October is in the National Day holiday: wait for the next school day.
	if rs := due(t, sc, at(10, 3, 9, 0), JobMonthlyContact); len(rs) != 0 {
		t.Fatalf("sent during the holiday: %+v", rs)
	}
	rs := due(t, sc, at(10, 8, 16, 0), JobMonthlyContact)
	if len(rs) != 1 || rs[0].Missed || !rs[0].Fire.Equal(at(10, 8, 16, 0)) {
		t.Fatalf("after the holiday: %+v", rs)
	}
	// The last school day of November 2026 is Monday the 30th.
	if rs := due(t, sc, at(11, 30, 15, 59), JobMonthlyFinal); len(rs) != 0 {
		t.Fatalf("final reminder early: %+v", rs)
	}
	if rs := due(t, sc, at(11, 30, 16, 0), JobMonthlyFinal); len(rs) != 1 || len(rs[0].Messages) == 0 || !strings.Contains(rs[0].Messages[0].Text, "本月最后一个上学日") {
		t.Fatalf("final reminder: %+v", rs)
	}
	// Two weeks before the semester ends (22 January 2027): mentors without a comment.
	jan8 := time.Date(2027, 1, 8, 16, 0, 0, 0, sh)
	rs = due(t, sc, jan8, JobComments)
	if m, ok := to(rs, "王老师"); !ok || !strings.Contains(m.Text, "张三") {
		t.Fatalf("comment reminder: %+v", rs)
	}
	// 李四 has no mentor: the head teacher writes that one, and only it.
	if m, ok := to(rs, "李老师"); !ok || !strings.Contains(m.Text, "李四") || strings.Contains(m.Text, "张三") {
		t.Fatalf("the head teacher's comment reminder: %+v", rs)
	}
	s.now = jan8
	s.say("王老师", "", "/comment 张三 本学期进步明显")
	if m, ok := to(due(t, sc, jan8.Add(time.Minute), JobComments), "王老师"); ok {
		t.Fatalf("reminded after writing: %q", m.Text)
	}
	// After the semester: nothing at all.
	if rs, _ := sc.Due(time.Date(2027, 1, 25, 16, 0, 0, 0, sh)); len(rs) != 0 {
		t.Fatalf("due after the semester: %+v", rs)
	}
	// A meeting on Saturday 28 November at 19:00: parents reminded Friday 18:00.
	s.now = at(11, 23, 9, 0)
	s.say("李老师", "", "/meeting 初一3班 11月28日 19:00 期中家长会")
	if rs := due(t, sc, at(11, 27, 17, 59), JobMeeting); len(rs) != 0 {
		t.Fatalf("meeting reminder early: %+v", rs)
	}
	rs = due(t, sc, at(11, 27, 18, 0), JobMeeting)
	m, ok := to(rs, "张三妈妈")
	if !ok || !strings.Contains(m.Text, "明天11月28日（周六） 19:00初一3班家长会，主题：期中家长会。") {
		t.Fatalf("meeting reminder: %+v", rs)
	}
	// One with no topic is reminded without one.
	s.say("李老师", "", "/meeting 初一3班 12月5日 19:00")
	m, ok = to(due(t, sc, at(12, 4, 18, 0), JobMeeting), "张三妈妈")
	if !ok || !strings.Contains(m.Text, "明天12月5日（周六） 19:00初一3班家长会。请您准时参加") {
		t.Fatalf("a meeting with no topic: %+v", m)
	}
	if _, ok := to(rs, "王五爸爸"); ok {
		t.Fatal("a closed student's parent was reminded")
	}
}

func TestBadCronIsRefusedWithItsKey(t *testing.T) {
	s := newSchool(t, at(11, 16, 9, 0))
	cfg := defaults
	cfg.WeeklyDigest = "0 8 * *"
	if _, err := New(s.st, s.h.Cal, s.h.School, cfg, nil); err == nil || !strings.Contains(err.Error(), "reminders.weekly_digest") {
		t.Fatalf("err %v", err)
	}
	cfg = defaults
	cfg.MonthlyContact = []string{"0 16 20 * *", "61 * * * *"}
	if _, err := New(s.st, s.h.Cal, s.h.School, cfg, nil); err == nil || !strings.Contains(err.Error(), "reminders.monthly_contact[1]") {
		t.Fatalf("err %v", err)
	}
}

func TestPreviewMarksNothing(t *testing.T) {
	s := newSchool(t, at(11, 16, 9, 0))
	sc := s.scheduler(defaults)
	rs, err := sc.Preview(at(11, 20, 16, 0))
	if err != nil {
		t.Fatal(err)
	}
	text := FormatPreview(rs, sh, at(11, 20, 16, 0), false)
	if !strings.Contains(text, "每月家长沟通提醒") || !strings.Contains(text, "→ 李老师（私聊，test）") {
		t.Fatalf("preview:\n%s", text)
	}
	// The school has never run: the earlier runs are shown as a first
	// start at that time would leave them, not as missed.
	if !strings.Contains(text, "周期已过会记为错过0个，在学校开始用机器人之前的") {
		t.Fatalf("preview of a school that never ran:\n%s", text)
	}
	if q, _ := s.st.Queue(time.Time{}, 0); len(q) != 0 {
		t.Fatal("preview queued messages")
	}
	if rs := due(t, sc, at(11, 20, 16, 0), JobMonthlyContact); len(rs) != 1 {
		t.Fatal("preview marked the run")
	}
	// Once sent, the run is shown as sent, with no message under it that
	// would never go.
	if err := sc.Tick(context.Background(), at(11, 20, 16, 0)); err != nil {
		t.Fatal(err)
	}
	rs, err = sc.Preview(at(11, 20, 16, 30))
	if err != nil {
		t.Fatal(err)
	}
	text = FormatPreview(rs, sh, at(11, 20, 16, 30), true)
	if !strings.Contains(text, "每月家长沟通提醒（monthly_contact#0/2026-11-20T16:00）应在 2026-11-20 16:00，已经发过，不会重发") || strings.Contains(text, "→ 李老师") || strings.Contains(text, "没有需要提醒的人") {
		t.Fatalf("preview after the run:\n%s", text)
	}
	// That tick was the school's first: the runs due before it were marked
	// missed, but the bot was never down, and the preview does not say so.
	if !strings.Contains(text, "周五辅导检查（weekly_checkin/2026-11-13T15:00）应在 2026-11-13 15:00，在学校开始用机器人之前，没有发") || strings.Contains(text, "停机") {
		t.Fatalf("preview of a new school's earlier runs:\n%s", text)
	}
	// A run missed later, with the bot down, is shown as missed.
	if err := sc.Tick(context.Background(), at(11, 30, 9, 0)); err != nil {
		t.Fatal(err)
	}
	rs, _ = sc.Preview(at(11, 30, 9, 1))
	text = FormatPreview(rs, sh, at(11, 30, 9, 1), true)
	if !strings.Contains(text, "周五辅导检查（weekly_checkin/2026-11-27T15:00）应在 2026-11-27 15:00，机器人停机时错过，已记为错过") {
		t.Fatalf("preview of a run missed while down:\n%s", text)
	}
}

// A server running in UTC still sends at the school's 16:00.
func TestSchedulesUseTheSchoolZoneWhateverTheServer(t *testing.T) {
	s := newSchool(t, at(11, 16, 9, 0))
	sc := s.scheduler(defaults)
	sixteen := at(11, 20, 16, 0).UTC() // 08:00 UTC
	if rs := due(t, sc, sixteen.Add(-time.Minute), JobMonthlyContact); len(rs) != 0 {
		t.Fatalf("due at 15:59 school time: %+v", rs)
	}
	rs := due(t, sc, sixteen, JobMonthlyContact)
	if len(rs) != 1 || rs[0].Key != "monthly_contact#0/2026-11-20T16:00" {
		t.Fatalf("runs at 16:00 school time given in UTC: %+v", rs)
	}
}

// With a namesake on the register, the reminder's example names the class,
// so the command it shows works when a teacher copies it.
func TestReminderExamplesWorkWithNamesakes(t *testing.T) {
	s := newSchool(t, at(11, 23, 9, 0))
	s.say("校长", "", "/student add 初二1班 张三")
	sc := s.scheduler(defaults)
	rs := due(t, sc, at(11, 27, 15, 0), JobWeeklyCheckin)
	mentor, ok := to(rs, "王老师")
	if !ok || !strings.Contains(mentor.Text, "例如：/log 初一3班张三 数学辅导 30分钟") {
		t.Fatalf("mentor: %q", mentor.Text)
	}
	example := mentor.Text[strings.Index(mentor.Text, "/log"):]
	if got := s.say("王老师", "", example); !strings.Contains(got, "张三（初一3班）") {
		t.Fatalf("the example %q does not work: %s", example, got)
	}
}

// Two schedules that produce the same reminder for the same person on the
// same day send it once; the next day it may go again.
func TestIdenticalRemindersOnOneDayGoOnce(t *testing.T) {
	s := newSchool(t, at(11, 16, 9, 0))
	cfg := defaults
	cfg.MonthlyContact = []string{"0 9 20 * *", "0 16 20 * *", "0 16 21 * *"}
	sc := s.scheduler(cfg)
	count := func() int {
		q, _ := s.st.Queue(time.Time{}, 0)
		n := 0
		for _, m := range q {
			if m.ChatTitle == "李老师" && strings.Contains(m.Text, "家长沟通提醒") {
				n++
			}
		}
		return n
	}
	if err := sc.Tick(context.Background(), at(11, 20, 9, 1)); err != nil {
		t.Fatal(err)
	}
	if count() != 1 {
		t.Fatalf("morning: %d reminders", count())
	}
	if err := sc.Tick(context.Background(), at(11, 20, 16, 1)); err != nil {
		t.Fatal(err)
	}
	if count() != 1 {
		t.Fatalf("the same reminder went twice on one day: %d", count())
	}
	if err := sc.Tick(context.Background(), at(11, 21, 16, 1)); err != nil {
		t.Fatal(err)
	}
	if count() != 2 {
		t.Fatalf("next day: %d reminders, want the second", count())
	}
}

// TestMakeUpDaysAndTheNextTermFollowTheTimetable: a make-up Saturday (调休)
// is a school day for the reminders, and a term started from chat brings
// its own Fridays back after the winter break.
func TestMakeUpDaysAndTheNextTermFollowTheTimetable(t *testing.T) {
	s := newSchool(t, at(10, 20, 9, 0))
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, sh) }
	s.h.Cal.SetStartedTerms([]storage.Term{
		{Start: d(2026, 9, 1), End: d(2027, 1, 22), Holidays: []storage.DateRange{{From: d(2026, 10, 1), To: d(2026, 10, 7)}}, MakeupDays: []time.Time{d(2026, 10, 31)}},
		{Start: d(2027, 2, 22), End: d(2027, 7, 2)},
	})
	sc := s.scheduler(defaults)
	if rs := due(t, sc, at(10, 30, 16, 0), JobMonthlyFinal); len(rs) != 0 {
		t.Fatalf("the month's last reminder on Friday although Saturday is taught: %+v", rs)
	}
	if rs := due(t, sc, at(10, 31, 16, 0), JobMonthlyFinal); len(rs) != 1 {
		t.Fatalf("the month's last reminder on the make-up Saturday: %+v", rs)
	}
	if rs := due(t, sc, time.Date(2027, 2, 5, 15, 0, 0, 0, sh), JobWeeklyCheckin); len(rs) != 0 {
		t.Fatalf("a check-in in the winter break: %+v", rs)
	}
	if rs := due(t, sc, time.Date(2027, 3, 5, 15, 0, 0, 0, sh), JobWeeklyCheckin); len(rs) != 1 {
		t.Fatalf("no check-in in the new term: %+v", rs)
	}
}

// A school's first start is not a bot that was down: the runs due before
// it are marked without the "missed while down" warning, which a later
// outage still gets, naming only what it missed.
func TestAFirstStartMissedNothing(t *testing.T) {
	s := newSchool(t, at(11, 23, 9, 0))
	var logs bytes.Buffer
	sc, err := New(s.st, s.h.Cal, s.h.School, defaults, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Tick(context.Background(), at(11, 25, 9, 0)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "missed") {
		t.Fatalf("the first start warned of missed runs:\n%s", logs.String())
	}
	// Monday's digest of the week before the bot came is current till
	// Sunday, but it is not sent on the school's first day.
	if q, _ := s.st.Queue(time.Time{}, 0); len(q) != 0 {
		t.Fatalf("the first start sent runs due before it: %+v", q)
	}
	if done, _, _ := s.st.RunMark("weekly_digest/2026-11-23T08:00"); done != "missed" {
		t.Fatalf("Monday's digest run: %q", done)
	}

	// Down from Wednesday to the next Tuesday.
	sc2, _ := New(s.st, s.h.Cal, s.h.School, defaults, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err := sc2.Tick(context.Background(), at(12, 1, 9, 0)); err != nil {
		t.Fatal(err)
	}
	// Friday's check-in, Sunday's parents' week, the last school day of November.
	if !strings.Contains(logs.String(), "missed while the bot was down") || !strings.Contains(logs.String(), `count=3 runs="weekly_checkin/2026-11-27T15:00 parent_weekly/2026-11-29T19:00 monthly_contact_final/2026-11"`) {
		t.Fatalf("after an outage:\n%s", logs.String())
	}
}

// A mentor hears, privately and kindly, of the students they tutored this
// month with no progress recorded; a student without a mentor is the head
// teacher's; a praise, no tutoring, or a student added this month leaves
// a student out; nothing goes to a group or a parent, and no label.
func TestMentorsAreNudgedToRecordProgress(t *testing.T) {
	s := newSchool(t, at(10, 12, 9, 0))
	nudges := Config{PraiseNudge: "0 16 15 * *"}
	s.now = at(11, 3, 9, 0)
	s.say("王老师", "", "/log 张三 数学 30分钟 家里没人管")
	s.say("王老师", "", "/log 张三 英语 20分钟")
	s.say("李老师", "", "/log 李四 语文 30分钟")
	s.now = at(11, 10, 9, 0)
	s.say("校长", "", "/student add 初一3班 赵六")
	s.say("李老师", "", "/log 赵六 数学 30分钟") // added this month: left alone
	sc := s.scheduler(nudges)
	rs := due(t, sc, at(11, 15, 16, 0), JobPraiseNudge)
	mentor, ok := to(rs, "王老师")
	if !ok || !mentor.Private || !strings.Contains(mentor.Text, "张三（辅导2次）") || strings.Contains(mentor.Text, "李四") || !strings.Contains(mentor.Text, "/praise 张三") {
		t.Fatalf("the mentor's nudge: %+v", mentor)
	}
	head, ok := to(rs, "李老师")
	if !ok || !strings.Contains(head.Text, "李四（辅导1次）") || strings.Contains(head.Text, "张三") || strings.Contains(head.Text, "赵六") {
		t.Fatalf("the head teacher's nudge: %+v", head)
	}
	for _, r := range rs {
		for _, m := range r.Messages {
			if !m.Private || report.BannedWordIn(m.Text) != "" || strings.Contains(m.Text, "家里没人管") {
				t.Fatalf("a nudge went to a group or named a label or a note: %+v", m)
			}
		}
	}
	// Praised since: 张三 is no longer owed a word of praise.
	s.now = at(12, 1, 9, 0)
	s.say("王老师", "", "/praise 张三 主动帮同学讲题")
	s.say("王老师", "", "/log 张三 数学 30分钟")
	rs = due(t, sc, at(12, 15, 16, 0), JobPraiseNudge)
	if _, ok := to(rs, "王老师"); ok {
		t.Fatalf("a praised student still nudged: %+v", rs)
	}
}

// A plan's responsible teacher (else the mentor, else the head teacher) is
// asked privately, once a month, for the stage review not yet written; a
// plan begun this month, one reviewed this month, and an ended one are left
// alone, and the plan's words never go out.
func TestPlansAskForTheirMonthlyReview(t *testing.T) {
	s := newSchool(t, at(10, 12, 9, 0))
	s.say("王老师", "", "/计划 张三 原因：家里没人管作业 措施：午间辅导")
	s.say("李老师", "", "/计划 李四 措施：同桌互助")
	sc := s.scheduler(Config{PlanReview: "0 16 25 * *"})

	rs := due(t, sc, at(10, 25, 16, 0), JobPlanReview)
	if n := len(rs); n != 0 && len(rs[0].Messages) != 0 {
		t.Fatalf("plans begun this month owe no review: %+v", rs)
	}
	s.now = at(11, 20, 9, 0)
	s.say("李老师", "", "/评估 李四 和同桌一起订正错题")
	rs = due(t, sc, at(11, 25, 16, 0), JobPlanReview)
	mentor, ok := to(rs, "王老师")
	if !ok || !mentor.Private || !strings.Contains(mentor.Text, "初一3班：张三") || !strings.Contains(mentor.Text, "11月还没有写阶段性评估") ||
		!strings.Contains(mentor.Text, "/评估 张三") || strings.Contains(mentor.Text, "李四") {
		t.Fatalf("the mentor's reminder: %+v", mentor)
	}
	if _, ok := to(rs, "李老师"); ok {
		t.Fatalf("李四's plan was reviewed this month: %+v", rs)
	}
	for _, r := range rs {
		for _, m := range r.Messages {
			if !m.Private || strings.Contains(m.Text, "没人管") || strings.Contains(m.Text, "午间辅导") || report.BannedWordIn(m.Text) != "" {
				t.Fatalf("a review reminder went to a group or carried the plan's words: %+v", m)
			}
		}
	}
	// Handed to 李老师 as responsible teacher: December asks 李老师, not
	// the mentor, for both plans.
	s.now = at(12, 1, 9, 0)
	s.say("王老师", "", "/计划 张三 责任：李老师")
	rs = due(t, sc, at(12, 25, 16, 0), JobPlanReview)
	if head, ok := to(rs, "李老师"); !ok || !strings.Contains(head.Text, "张三") || !strings.Contains(head.Text, "李四") {
		t.Fatalf("the responsible teacher's reminder: %+v", rs)
	}
	if _, ok := to(rs, "王老师"); ok {
		t.Fatalf("the mentor is asked for a plan another teacher answers for: %+v", rs)
	}
	// 张三's plan ends: January asks for 李四's alone.
	s.now = at(12, 28, 9, 0)
	s.say("李老师", "", "/计划 结束 张三 好转")
	sc = s.scheduler(Config{PlanReview: "0 16 11 * *"})
	rs = due(t, sc, time.Date(2027, 1, 11, 16, 0, 0, 0, sh), JobPlanReview)
	if head, ok := to(rs, "李老师"); !ok || strings.Contains(head.Text, "张三") || !strings.Contains(head.Text, "李四") {
		t.Fatalf("an ended plan still asks: %+v", rs)
	}
}

// On Friday each teacher is told privately what the school's rhythm says
// they still owe, with the codes to answer; the month's last school day
// lists the month's; an item put off, or done, is left out; nothing goes
// to a group, and no label or note.
func TestOwedListsFollowTheRhythm(t *testing.T) {
	s := newSchool(t, at(11, 2, 9, 0))
	s.say("王老师", "", "/contact 张三 电话 奶奶 孩子家里没人管作业")
	s.now = at(11, 26, 9, 0)
	s.say("王老师", "", "推迟 #16 12月1日") // the semester's home visit
	sc := s.scheduler(Config{WeeklyCheckin: "0 15 * * 5", Owed: "0 16 * * 5", MonthlyContactFinal: "16:00", Cadences: cadence.Defaults()})
	rs := due(t, sc, at(11, 27, 16, 0), JobOwed)
	mentor, ok := to(rs, "王老师")
	if !ok || !mentor.Private || !strings.Contains(mentor.Text, "#14 张三：本周与外出务工的父母沟通 0/1次") ||
		!strings.Contains(mentor.Text, "完成 #") || strings.Contains(mentor.Text, "#16") || strings.Contains(mentor.Text, "#15") ||
		strings.Contains(mentor.Text, "辅导 0/2") {
		t.Fatalf("the mentor's list: %+v", mentor)
	}
	head, ok := to(rs, "李老师")
	if !ok || !strings.Contains(head.Text, "#12 张三：本月班主任与家长的正式沟通 0/1次") || !strings.Contains(head.Text, "李四") {
		t.Fatalf("the head teacher's list: %+v", head)
	}
	for _, r := range rs {
		for _, m := range r.Messages {
			if !m.Private || strings.Contains(m.Text, "没人管") || report.BannedWordIn(m.Text) != "" {
				t.Fatalf("an owed list went to a group or carried a note or label: %+v", m)
			}
		}
	}
	// Done since: 张三's weekly call is off the month-end list, which
	// names the month's items only.
	s.now = at(11, 30, 9, 0)
	s.say("王老师", "", "完成 #14 电话 爸爸 说了孩子这周的情况")
	rs = due(t, sc, at(11, 30, 16, 0), JobOwedMonthEnd)
	head, ok = to(rs, "李老师")
	if !ok || !strings.Contains(head.Text, "【月底待办】") || !strings.Contains(head.Text, "#12 张三") || strings.Contains(head.Text, "本学期") || strings.Contains(head.Text, "本周") {
		t.Fatalf("the month-end list: %+v", rs)
	}
}

// Each weekend the parents working away are nudged, in a parent's words,
// to call their child; the mentor hears of a family silent for two weeks;
// a muted parent and a parent at home are left alone.
func TestParentsWorkingAwayAreNudgedToCall(t *testing.T) {
	s := newSchool(t, at(10, 12, 9, 0)) // 张三 (留守) with 张三妈妈 bound; 王五 closed
	s.join("张三爸爸", s.say("王老师", "", "/invite parent 张三 爸爸"))
	sc := s.scheduler(Config{FamilyCall: "0 10 * * 6"})
	rs := due(t, sc, at(11, 7, 10, 0), JobFamilyCall)
	for _, who := range []string{"张三妈妈", "张三爸爸"} {
		m, ok := to(rs, who)
		if !ok || !m.Private || !strings.Contains(m.Text, "给张三打个电话") || !strings.Contains(m.Text, "打了") || report.BannedWordIn(m.Text) != "" {
			t.Fatalf("the nudge to %s: %+v", who, m)
		}
	}
	mentor, ok := to(rs, "王老师")
	if !ok || !strings.Contains(mentor.Text, "初一3班：张三（妈妈、爸爸）") && !strings.Contains(mentor.Text, "初一3班：张三（爸爸、妈妈）") {
		t.Fatalf("the mentor's note of a silent family: %+v", rs)
	}
	// The father calls; the mother is registered as at home and mutes.
	s.now = at(11, 8, 20, 0)
	s.say("张三爸爸", "", "打了")
	s.say("王老师", "", "/监护人 添加 张三 爸爸 在广东东莞务工")
	s.say("王老师", "", "/监护人 添加 张三 妈妈 在家照看")
	rs = due(t, sc, at(11, 14, 10, 0), JobFamilyCall)
	if _, ok := to(rs, "张三妈妈"); ok {
		t.Fatalf("a parent at home was nudged: %+v", rs)
	}
	if m, ok := to(rs, "张三爸爸"); !ok || !strings.Contains(m.Text, "张三爸爸，您好") {
		t.Fatalf("the father's nudge: %+v", rs)
	}
	if _, ok := to(rs, "王老师"); ok {
		t.Fatalf("the mentor was told of a family that called: %+v", rs)
	}
	s.say("张三爸爸", "", "/mute")
	if rs := due(t, sc, at(11, 21, 10, 0), JobFamilyCall); len(rs) != 0 {
		if _, ok := to(rs, "张三爸爸"); ok {
			t.Fatalf("a muted parent was nudged: %+v", rs)
		}
	}
}

// The parents' Sunday words keep the records they were composed from, and
// the preview names them.
func TestParentsWeeklyWordsAreTraceable(t *testing.T) {
	s := newSchool(t, at(11, 23, 9, 0))
	s.say("王老师", "", "/log 张三 数学 30分钟")
	s.say("王老师", "", "/praise 张三 主动帮同学讲题")
	recs, _ := s.st.History(1, 5)
	var session, praise uint64
	for _, r := range recs {
		if r.Session != nil {
			session = r.No()
		}
		if r.Praise != nil {
			praise = r.No()
		}
	}
	want := []string{fmt.Sprintf("#%d", session), fmt.Sprintf("#%d", praise)}
	sc := s.scheduler(Config{ParentWeekly: "0 19 * * 0"})
	rs := due(t, sc, at(11, 29, 19, 0), JobParentWeekly)
	m, ok := to(rs, "张三妈妈")
	if !ok || len(m.Sources) != 2 || fmt.Sprintf("#%d #%d", m.Sources[0], m.Sources[1]) != strings.Join(want, " ") || strings.Contains(m.Text, "#") {
		t.Fatalf("the mother's Sunday words: %+v (records %v)", m, want)
	}
	if text := FormatPreview(rs, sh, at(11, 29, 19, 0), true); !strings.Contains(text, "（出自记录 "+strings.Join(want, " ")+"）") {
		t.Fatalf("the preview does not name the sources:\n%s", text)
	}
}

// A parent's message no teacher has answered by the next school morning
// goes back to the child's head teacher and mentor, privately, with its
// /回复 line; one answered (or a contact recorded since) does not, nor one
// that came the same morning.
func TestUnansweredParentsMessagesComeBackInTheMorning(t *testing.T) {
	s := newSchool(t, at(11, 23, 9, 0))
	cfg := defaults
	cfg.Unanswered = "0 8 * * 1-5"
	sc := s.scheduler(cfg)
	s.now = at(11, 24, 20, 15)
	s.say("张三妈妈", "", "老师，孩子这两天咳嗽")
	rs := due(t, sc, at(11, 25, 8, 0), JobUnanswered)
	for _, who := range []string{"王老师", "李老师"} {
		m, ok := to(rs, who)
		if !ok || !m.Private || !strings.Contains(m.Text, "【家长留言待回复】") || !strings.Contains(m.Text, "张三的妈妈（11月24日（周二） 20:15）：/回复 张三 妈妈 您的回复") {
			t.Fatalf("%s: %+v in %+v", who, m, rs)
		}
	}
	if _, ok := to(rs, "初一3班教师群"); ok {
		t.Fatal("a parent's message went to a group")
	}
	if err := sc.Tick(context.Background(), at(11, 25, 8, 0)); err != nil {
		t.Fatal(err)
	}
	s.now = at(11, 25, 9, 0)
	s.say("王老师", "", "/回复 张三 收到，多喝水")
	if rs := due(t, sc, at(11, 26, 8, 0), JobUnanswered); len(rs) != 1 || len(rs[0].Messages) != 0 {
		t.Fatalf("an answered message came back: %+v", rs)
	}
	if err := sc.Tick(context.Background(), at(11, 26, 8, 0)); err != nil {
		t.Fatal(err)
	}
	s.now = at(11, 27, 7, 40)
	s.say("张三妈妈", "", "今天请假一天")
	if rs := due(t, sc, at(11, 27, 8, 0), JobUnanswered); len(rs) != 1 || len(rs[0].Messages) != 0 {
		t.Fatalf("a message of the same morning came back: %+v", rs)
	}
	if err := sc.Tick(context.Background(), at(11, 27, 8, 0)); err != nil {
		t.Fatal(err)
	}
	// A child whose class has no head teacher yet: the father's message
	// went to the admin, and it is the admin it comes back to.
	s.say("校长", "", "/student add 初二1班 张小红")
	s.join("小红爸爸", s.say("校长", "", "/invite parent 张小红 爸爸"))
	s.now = at(11, 27, 18, 0)
	s.say("小红爸爸", "", "孩子这两天感冒了")
	rs = due(t, sc, at(11, 30, 8, 0), JobUnanswered)
	if m, ok := to(rs, "校长"); !ok || !strings.Contains(m.Text, "张小红的爸爸（11月27日（周五） 18:00）：/回复 张小红 爸爸 您的回复") {
		t.Fatalf("the admin: %+v in %+v", m, rs)
	}
	for _, who := range []string{"王老师", "李老师"} {
		if m, ok := to(rs, who); ok && strings.Contains(m.Text, "张小红") {
			t.Fatalf("%s was asked about another class: %+v", who, m)
		}
	}
}

// TestAClassWithoutAHeadTeacherIsTheAdminsToSeeTo: 赵六 of 初一4班 has no
// mentor and his class no head teacher yet. What falls to the head teacher
// (his month's contact, his sessions behind, the rhythm's items) was owed
// by nobody and reminded to nobody; the admins see to it, told why and
// how to end it, until a head teacher joins, and 初一3班's head teacher is
// not told of him.
func TestAClassWithoutAHeadTeacherIsTheAdminsToSeeTo(t *testing.T) {
	s := newSchool(t, at(11, 2, 9, 0))
	s.say("校长", "", "/student add 初一4班 赵六 每周2次")
	sc := s.scheduler(Config{MonthlyContact: []string{"0 16 20 * *"}, WeeklyCheckin: "0 15 * * 5", Owed: "0 16 * * 5", MonthlyContactFinal: "16:00", Cadences: cadence.Defaults()})
	checks := []struct {
		job  string
		at   time.Time
		want string
	}{
		{JobMonthlyContact, at(11, 20, 16, 0), "初一4班：赵六"},
		{JobWeeklyCheckin, at(11, 27, 15, 0), "赵六 0/2次"},
		{JobOwed, at(11, 27, 16, 0), "赵六"},
	}
	for _, c := range checks {
		rs := due(t, sc, c.at, c.job)
		admin, ok := to(rs, "校长")
		if !ok || !admin.Private || !strings.Contains(admin.Text, c.want) || !strings.Contains(admin.Text, "初一4班还没有班主任") || !strings.Contains(admin.Text, "/invite teacher 初一4班 班主任") {
			t.Fatalf("%s: the admin was not told of 赵六, and why: %+v", c.job, rs)
		}
		if head, ok := to(rs, "李老师"); ok && strings.Contains(head.Text, "赵六") {
			t.Fatalf("%s: 初一3班's head teacher was told of 初一4班's student: %q", c.job, head.Text)
		}
	}
	// Once the class has its head teacher, it is theirs, not the admins'.
	s.join("钱老师", s.say("校长", "", "/invite teacher 初一4班 班主任"))
	rs := due(t, sc, at(12, 4, 15, 0), JobWeeklyCheckin)
	if head, ok := to(rs, "钱老师"); !ok || !strings.Contains(head.Text, "赵六") {
		t.Fatalf("the new head teacher: %+v", rs)
	}
	if admin, ok := to(rs, "校长"); ok && (strings.Contains(admin.Text, "赵六") || strings.Contains(admin.Text, "还没有班主任")) {
		t.Fatalf("the admin still told of 赵六: %q", admin.Text)
	}
	// A head teacher's own class never carries the admin's line.
	if head, ok := to(rs, "李老师"); ok && strings.Contains(head.Text, "还没有班主任") {
		t.Fatalf("the head teacher told of a class without one: %q", head.Text)
	}
}
