// Package storagetest is the conformance suite every storage engine passes:
// the behaviour commands and reminders rely on, stated once, run against
// each engine by its own test (bolt now, postgres next).
package storagetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"bangfu/storage"
)

// Opener makes an empty store for one test; now is the store's clock.
type Opener func(t *testing.T, now func() time.Time) storage.Store

var school = storage.DefaultCalendar().Loc

// The suite's "now": a Wednesday in term.
var now = time.Date(2026, 11, 25, 10, 0, 0, 0, school)

var week = storage.Range{From: time.Date(2026, 11, 23, 0, 0, 0, 0, school), To: time.Date(2026, 11, 30, 0, 0, 0, 0, school)}

// Run runs every conformance test against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s storage.Store)
	}{
		{"ConcurrentWritesAreAllStoredOnce", concurrentWritesAreAllStoredOnce},
		{"EveryWriteRefusesARedelivery", everyWriteRefusesARedelivery},
		{"SameNameInAClassIsAConflictWithItsFacts", sameNameInAClassIsAConflict},
		{"SeveralStudentsAreAddedAllOrNone", severalStudentsAllOrNone},
		{"SeveralStudentsAreChangedAllOrNone", severalStudentsChangedAllOrNone},
		{"AStudentMovesClassWithTheirRecords", aStudentMovesClass},
		{"InviteCodesAreSpentOnceAndExpire", inviteCodesAreSpentOnceAndExpire},
		{"ANewHeadTeacherTakesOverTheClass", aNewHeadTeacherTakesOverTheClass},
		{"AChosenNameOutlivesTheDisplayName", aChosenNameOutlivesTheDisplayName},
		{"UndoTakesTheAuthorsLatestRecord", undoTakesTheAuthorsLatestRecord},
		{"StudentsTutoredTogetherAreStoredTogether", studentsTutoredTogether},
		{"APraiseForSeveralReachesEachFamilyWithItsOwn", aPraiseForSeveral},
		{"CountsAndHistory", countsAndHistory},
		{"DeleteStudentErasesEveryRecordAndLoneParent", deleteStudentErases},
		{"ImportIsAllOrNothingAndIdempotent", importIsAllOrNothingAndIdempotent},
		{"OutboxKeysSendOnceAndInFlightIsRemembered", outboxKeysSendOnce},
		{"RunsAreMarkedWithTheirMessages", runsAreMarkedWithTheirMessages},
		{"JournaledRepliesRecoverWithoutDoubles", journaledRepliesRecover},
		{"GroupsMoveAndPlatformValuesPersist", groupsMoveAndPlatformValuesPersist},
		{"MissingThingsAreNotFound", missingThingsAreNotFound},
		{"MeetingsMoveAndCancelWithTheirNotices", meetingsMoveAndCancel},
		{"RecordNumbersAreStableAcrossEditsAndDeletes", recordNumbersAreStable},
		{"TheYearTurns", theYearTurns},
		{"AMessageIsClaimedOnce", aMessageIsClaimedOnce},
		{"ALeaseIsHeldByOne", aLeaseIsHeldByOne},
		{"APlanTravelsWithItsStudentAndEndsWithTheSupport", aPlanTravelsWithItsStudent},
		{"AContactQueuesItsMessagesInItsTransaction", aContactQueuesItsMessages},
		{"ADraftedCommentKeepsItsSources", aDraftedCommentKeepsItsSources},
		{"OldMessageIdsAreForgotten", oldMessageIdsAreForgotten},
		{"ARedeliveryRacingItsOriginalIsStoredOnce", aRedeliveryRacingItsOriginal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t, func() time.Time { return now }))
		})
	}
}

func meta(n int) storage.Meta {
	return storage.Meta{MsgKey: fmt.Sprintf("test:%d", n), ActorID: 1, Where: "test", At: now}
}

func addStudent(t *testing.T, s storage.Store, n int, name string) storage.Student {
	t.Helper()
	st, _, err := s.AddStudent(meta(n), 7, 3, storage.Student{Name: name, WeeklyTarget: 2, Categories: []string{"留守儿童"}})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func concurrentWritesAreAllStoredOnce(t *testing.T, s storage.Store) {
	st := addStudent(t, s, 0, "张三")
	var wg sync.WaitGroup
	counts := make([]int, 64)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, c, err := s.AddSession(meta(1000+i), storage.Session{StudentID: st.ID, Subject: "数学", Minutes: 30, At: week.From.Add(time.Hour)}, week)
			if err != nil {
				t.Error(err)
				return
			}
			counts[i] = c[0]
			if _, _, err := s.AddSession(meta(1000+i), storage.Session{StudentID: st.ID, Minutes: 30, At: week.From}, week); !errors.Is(err, storage.ErrDuplicate) {
				t.Errorf("redelivery: %v", err)
			}
		}(i)
	}
	wg.Wait()
	ss, err := s.Sessions(st.ID, week.From, week.To)
	if err != nil || len(ss) != 64 {
		t.Fatalf("%d sessions (%v), want 64", len(ss), err)
	}
	seen := map[int]bool{}
	for _, c := range counts {
		if seen[c] || c < 1 || c > 64 {
			t.Fatalf("week counts not 1..64 each once: %v", counts)
		}
		seen[c] = true
	}
}

func everyWriteRefusesARedelivery(t *testing.T, s storage.Store) {
	st := addStudent(t, s, 0, "张三")
	writes := map[string]func(m storage.Meta) error{
		"AddStudent": func(m storage.Meta) error {
			_, _, err := s.AddStudent(m, 7, 3, storage.Student{Name: "李四"})
			return err
		},
		"AddContact": func(m storage.Meta) error {
			_, _, err := s.AddContact(m, storage.Contact{StudentID: st.ID, Method: "电话", At: now}, week)
			return err
		},
		"AddPraise": func(m storage.Meta) error {
			_, err := s.AddPraise(m, storage.Praise{StudentID: st.ID, Text: "按时交作业", At: now}, nil)
			return err
		},
		"SetComment": func(m storage.Meta) error {
			_, _, err := s.SetComment(m, storage.Comment{StudentID: st.ID, Semester: "2026-09-01", Text: "有进步"})
			return err
		},
		"AuditRead":     func(m storage.Meta) error { return s.AuditRead(m, "status", "", st.ID) },
		"MarkProcessed": func(m storage.Meta) error { return s.MarkProcessed(m) },
		"Enqueue": func(m storage.Meta) error {
			return s.Enqueue(m, storage.Queued{Platform: "t", ChatID: "c", Text: "x", NotBefore: now})
		},
	}
	n := 100
	for name, write := range writes {
		n++
		if err := write(meta(n)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := write(meta(n)); !errors.Is(err, storage.ErrDuplicate) || storage.ErrorCode(err) != storage.EDuplicate {
			t.Errorf("%s redelivered: %v, want the duplicate code", name, err)
		}
		if ok, err := s.Processed(meta(n).MsgKey); !ok || err != nil {
			t.Errorf("%s: message not marked processed (%v)", name, err)
		}
	}
	if ss, _ := s.StudentsNamed("李四"); len(ss) != 1 {
		t.Errorf("a redelivered AddStudent stored %d students", len(ss))
	}
	if q, _ := s.Queue(time.Time{}, 0); len(q) != 1 {
		t.Errorf("a redelivered Enqueue queued %d messages", len(q))
	}
}

func sameNameInAClassIsAConflict(t *testing.T, s storage.Store) {
	first := addStudent(t, s, 0, "张三")
	_, _, err := s.AddStudent(meta(1), 7, 3, storage.Student{Name: "张三"})
	e, ok := storage.AsError(err)
	if !ok || e.Code != storage.EConflict || e.Student != "张三" || e.ClassID != first.ClassID || e.StudentID != first.ID {
		t.Fatalf("second 张三 in the class: %#v", err)
	}
	// Another class may have its own 张三; a closed one is reopened.
	if _, _, err := s.AddStudent(meta(2), 7, 4, storage.Student{Name: "张三"}); err != nil {
		t.Fatalf("张三 in another class: %v", err)
	}
	if _, err := s.UpdateStudent(meta(3), first.ID, "student.close", func(st *storage.Student) error {
		st.Closed, st.ClosedReason, st.ClosedAt = true, "转学", now
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	again, added, err := s.AddStudent(meta(4), 7, 3, storage.Student{Name: "张三", WeeklyTarget: 3})
	if err != nil || again.ID != first.ID || again.Closed || again.WeeklyTarget != 3 {
		t.Fatalf("reopening: %+v added=%v %v", again, added, err)
	}
}

// severalStudentsAllOrNone: /student add 初一3班 王五 赵六 adds both in
// one write, audited each; one already on the register adds neither.
func severalStudentsAllOrNone(t *testing.T, s storage.Store) {
	first := addStudent(t, s, 0, "张三")
	_, _, err := s.AddStudents(meta(1), 7, 3, []storage.Student{{Name: "王五"}, {Name: "张三"}})
	if e, ok := storage.AsError(err); !ok || e.Code != storage.EConflict || e.Student != "张三" || e.StudentID != first.ID {
		t.Fatalf("adding 王五 and the registered 张三: %#v", err)
	}
	if ss, _ := s.StudentsNamed("王五"); len(ss) != 0 {
		t.Fatalf("王五 was added beside a conflict: %+v", ss)
	}
	if ok, _ := s.Processed(meta(1).MsgKey); ok {
		t.Fatal("a refused write marked its message processed")
	}
	if _, err := s.UpdateStudent(meta(2), first.ID, "student.close", func(st *storage.Student) error {
		st.Closed, st.ClosedReason, st.ClosedAt = true, "转学", now
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	out, reopened, err := s.AddStudents(meta(3), 7, 3, []storage.Student{{Name: "王五", WeeklyTarget: 2}, {Name: "张三", WeeklyTarget: 1}})
	if err != nil || len(out) != 2 || out[0].Name != "王五" || out[0].ID == 0 || reopened[0] || out[1].ID != first.ID || !reopened[1] || out[1].Closed {
		t.Fatalf("王五 added and 张三 reopened: %+v %v %v", out, reopened, err)
	}
	if _, _, err := s.AddStudents(meta(3), 7, 3, []storage.Student{{Name: "赵六"}}); !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("a redelivered AddStudents: %v", err)
	}
	log, err := s.AuditLog(now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	added, reopens := 0, 0
	for _, e := range log {
		switch {
		case e.Action == "student.add" && slices.Contains(e.StudentIDs, out[0].ID):
			added++
		case e.Action == "student.reopen" && slices.Contains(e.StudentIDs, out[1].ID):
			reopens++
		}
	}
	if added != 1 || reopens != 1 {
		t.Fatalf("audit: 王五 added %d times, 张三 reopened %d times", added, reopens)
	}
}

func inviteCodesAreSpentOnceAndExpire(t *testing.T, s storage.Store) {
	st := addStudent(t, s, 0, "张三")
	parent, err := s.EnsurePerson("t", "mum", "mum-chat", "张三妈妈")
	if err != nil {
		t.Fatal(err)
	}
	inv, err := s.CreateInvite(meta(1), storage.Invite{Kind: storage.InviteParent, StudentID: st.ID, Relation: "妈妈"})
	if err != nil || len(inv.Code) != 8 || !inv.Expires.Equal(now.Add(storage.InviteValidity)) {
		t.Fatalf("invite %+v %v", inv, err)
	}
	if ok, err := s.InviteExists(inv.Code); !ok || err != nil {
		t.Fatalf("the code just issued: %v %v", ok, err)
	}
	if ok, err := s.InviteExists("ZZZZZZZZ"); ok || err != nil {
		t.Fatalf("a code never issued: %v %v", ok, err)
	}
	_, p, err := s.UseInvite(meta(2), inv.Code, parent.ID)
	if err != nil || !p.IsParentOf(st.ID) {
		t.Fatalf("using the code: %+v %v", p, err)
	}
	other, _ := s.EnsurePerson("t", "stranger", "s-chat", "陌生人")
	_, _, err = s.UseInvite(meta(3), inv.Code, other.ID)
	if e, ok := storage.AsError(err); !ok || e.Code != storage.EConflict || e.Subject != inv.Code {
		t.Fatalf("second use: %v", err)
	}
	_, _, err = s.UseInvite(meta(4), "ZZZZZZZZ", other.ID)
	if e, ok := storage.AsError(err); !ok || e.Code != storage.ENotFound || e.Subject != "ZZZZZZZZ" {
		t.Fatalf("unknown code: %v", err)
	}
	late, _ := s.CreateInvite(meta(5), storage.Invite{Kind: storage.InviteTeacher})
	m := meta(6)
	m.At = late.Expires
	_, _, err = s.UseInvite(m, late.Code, other.ID)
	if e, ok := storage.AsError(err); !ok || e.Code != storage.EExpired || !e.At.Equal(late.Expires) {
		t.Fatalf("expired code: %v", err)
	}
	if p, _ := s.Person(other.ID); p.Teacher || len(p.Parents) > 0 {
		t.Fatalf("refused codes granted roles: %+v", p)
	}
	// A code shown in a group is voided: its use is refused from then on;
	// a used code, a void one and one never issued are not voided.
	leaked, _ := s.CreateInvite(meta(7), storage.Invite{Kind: storage.InviteParent, StudentID: st.ID, Relation: "爸爸"})
	if ok, err := s.RevokeInvite(meta(8), leaked.Code); !ok || err != nil {
		t.Fatalf("revoking: %v %v", ok, err)
	}
	for i, code := range []string{leaked.Code, inv.Code, "ZZZZZZZZ"} {
		if ok, err := s.RevokeInvite(meta(9+i), code); ok || err != nil {
			t.Fatalf("revoking %s again: %v %v", code, ok, err)
		}
	}
	_, _, err = s.UseInvite(meta(20), leaked.Code, other.ID)
	if e, ok := storage.AsError(err); !ok || e.Code != storage.EConflict || e.Reason != "revoked" {
		t.Fatalf("using a void code: %v", err)
	}
	if p, _ := s.Person(other.ID); len(p.Parents) > 0 {
		t.Fatalf("a void code bound a parent: %+v", p)
	}
}

// A class has one head teacher: the one a head-teacher code makes hands
// over in the same write, and stays one of the class's teachers; another
// class's head teacher is untouched, and so is a re-invited head.
func aNewHeadTeacherTakesOverTheClass(t *testing.T, s storage.Store) {
	c, err := s.EnsureClass(7, 3)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.EnsureClass(7, 4)
	use := func(n int, inv storage.Invite, who string) storage.Person {
		t.Helper()
		p, err := s.EnsurePerson("t", who, who+"-chat", who)
		if err != nil {
			t.Fatal(err)
		}
		code, err := s.CreateInvite(meta(n), inv)
		if err != nil {
			t.Fatal(err)
		}
		if _, p, err = s.UseInvite(meta(n+1), code.Code, p.ID); err != nil {
			t.Fatal(err)
		}
		return p
	}
	head := storage.Invite{Kind: storage.InviteTeacher, ClassID: c.ID, HeadTeacher: true}
	li := use(1, head, "li")
	zhou := use(3, storage.Invite{Kind: storage.InviteTeacher, ClassID: other.ID, HeadTeacher: true}, "zhou")
	li = use(5, head, "li") // the same head, re-invited: nothing to hand over
	if !li.IsHeadOf(c.ID) {
		t.Fatalf("re-invited head: %+v", li)
	}
	zhao := use(7, head, "zhao")
	if !zhao.IsHeadOf(c.ID) {
		t.Fatalf("the new head teacher: %+v", zhao)
	}
	if li, _ = s.Person(li.ID); li.IsHeadOf(c.ID) || !li.Teacher || !slices.Contains(li.TeachesIn, c.ID) {
		t.Fatalf("the head teacher before: %+v", li)
	}
	if zhou, _ = s.Person(zhou.ID); !zhou.IsHeadOf(other.ID) {
		t.Fatalf("another class's head teacher: %+v", zhou)
	}
	handed := 0
	log, err := s.AuditLog(now.Add(-time.Hour), now.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		if e.Action == "headteacher.handover" {
			handed++
		}
	}
	if handed != 1 {
		t.Fatalf("%d handovers audited", handed)
	}
}

// A name the person chose stays when the platform shows another display
// name; until then, the display name follows the platform.
func aChosenNameOutlivesTheDisplayName(t *testing.T, s storage.Store) {
	p, err := s.EnsurePerson("t", "u1", "c1", "🌈阳光")
	if err != nil {
		t.Fatal(err)
	}
	if p, _ = s.EnsurePerson("t", "u1", "c1", "阳光"); p.Name != "阳光" {
		t.Fatalf("the display name is not followed: %+v", p)
	}
	if _, err := s.UpdatePerson(meta(1), p.ID, "person.rename", func(p *storage.Person) error {
		p.Name, p.NameChosen = "赵红", true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if p, _ = s.EnsurePerson("t", "u1", "c2", "🌈阳光"); p.Name != "赵红" || p.Accounts[0].ChatID != "c2" {
		t.Fatalf("after choosing a name: %+v", p)
	}
	if p, _ = s.Person(p.ID); p.Name != "赵红" {
		t.Fatalf("stored: %+v", p)
	}
}

func undoTakesTheAuthorsLatestRecord(t *testing.T, s storage.Store) {
	st := addStudent(t, s, 0, "张三")
	at := now.Add(-time.Hour)
	s.AddSession(meta(1), storage.Session{StudentID: st.ID, Subject: "数学", Minutes: 30, At: at})
	m := meta(2)
	m.ActorID = 2
	s.AddSession(m, storage.Session{StudentID: st.ID, Subject: "别人的", Minutes: 30, At: at})
	s.AddContact(meta(3), storage.Contact{StudentID: st.ID, Method: "电话", At: at}, storage.Range{})
	u, err := s.Undo(meta(4), at.Add(-time.Hour))
	if err != nil || u.Kind != storage.KindContact {
		t.Fatalf("first undo: %+v %v", u, err)
	}
	u, err = s.Undo(meta(5), at.Add(-time.Hour))
	if err != nil || u.Kind != storage.KindSession || u.Session.Subject != "数学" {
		t.Fatalf("second undo: %+v %v", u, err)
	}
	if _, err := s.Undo(meta(6), at.Add(-time.Hour)); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("third undo: %v", err)
	}
	if ss, _ := s.Sessions(st.ID, week.From, week.To); len(ss) != 1 || ss[0].Subject != "别人的" {
		t.Fatalf("left after undo: %+v", ss)
	}
}

// studentsTutoredTogether: one message's sessions for several students are
// stored all or none, the message processed once with its reply journaled,
// each session numbered and audited, and undone one at a time.
func studentsTutoredTogether(t *testing.T, s storage.Store) {
	zhang, li := addStudent(t, s, 0, "张三"), addStudent(t, s, 1, "李四")
	at := now.Add(-time.Hour)
	s.AddSession(meta(2), storage.Session{StudentID: li.ID, Subject: "语文", Minutes: 20, At: at})
	m := meta(3)
	m.Reply = &storage.Queued{Platform: "t", ChatID: "dm:王老师", Private: true, Text: "已记录"}
	both := []storage.Session{{StudentID: zhang.ID, Subject: "数学", Minutes: 40, At: at}, {StudentID: li.ID, Subject: "数学", Minutes: 40, At: at}}
	got, counts, err := s.AddSessions(m, both, week)
	if err != nil || len(got) != 2 || got[0].No == 0 || got[1].No == got[0].No || got[0].StudentID != zhang.ID || got[1].AuthorID != 1 {
		t.Fatalf("AddSessions: %+v %v", got, err)
	}
	if fmt.Sprint(counts) != "[[1] [2]]" {
		t.Fatalf("counts %v, want [[1] [2]]", counts)
	}
	if m.Reply.ID == 0 {
		t.Fatal("the reply was not journaled")
	}
	if _, _, err := s.AddSessions(m, both, week); !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("a redelivery: %v", err)
	}
	for _, no := range []uint64{got[0].No, got[1].No} {
		if r, err := s.RecordByNo(no); err != nil || r.Session == nil || r.Session.Minutes != 40 {
			t.Fatalf("#%d: %+v %v", no, r, err)
		}
	}
	log, _ := s.AuditLog(time.Time{}, now.Add(time.Hour))
	added := 0
	for _, e := range log {
		if e.Action == "session.add" && len(e.Ref) > 0 {
			added++
		}
	}
	if added != 3 {
		t.Fatalf("%d sessions audited, want 3", added)
	}
	// All or none: with a student who is no longer on the register, nothing.
	gone := addStudent(t, s, 4, "王五")
	if _, err := s.DeleteStudent(meta(5), gone.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AddSessions(meta(6), []storage.Session{{StudentID: zhang.ID, Subject: "英语", Minutes: 30, At: at}, {StudentID: gone.ID, Subject: "英语", Minutes: 30, At: at}}, week); err == nil {
		t.Fatal("sessions with an erased student were stored")
	}
	if ss, _ := s.Sessions(zhang.ID, week.From, week.To); len(ss) != 1 {
		t.Fatalf("half stored: %+v", ss)
	}
	// Undone one at a time, the last first.
	if u, err := s.Undo(meta(7), at.Add(-time.Hour)); err != nil || u.StudentID != li.ID || u.Session == nil || u.Session.Subject != "数学" {
		t.Fatalf("first undo: %+v %v", u, err)
	}
	if u, err := s.Undo(meta(8), at.Add(-time.Hour)); err != nil || u.StudentID != zhang.ID {
		t.Fatalf("second undo: %+v %v", u, err)
	}
	// Groups written at once, the same students in either order, neither
	// waits on the other for ever: all are stored.
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			pair := []storage.Session{{StudentID: zhang.ID, Subject: "英语", Minutes: 20, At: at}, {StudentID: li.ID, Subject: "英语", Minutes: 20, At: at}}
			if i%2 == 1 {
				pair[0], pair[1] = pair[1], pair[0]
			}
			if _, _, err := s.AddSessions(meta(100+i), pair, week); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if ss, _ := s.Sessions(li.ID, week.From, week.To); len(ss) != 1+16 {
		t.Fatalf("李四's sessions after the concurrent groups: %d, want 17", len(ss))
	}
}

// aPraiseForSeveral: one message's praise for several students is stored
// all or none, each with its own family's message queued under it, and
// undoing one cancels that family's message only.
func aPraiseForSeveral(t *testing.T, s storage.Store) {
	zhang, li := addStudent(t, s, 0, "张三"), addStudent(t, s, 1, "李四")
	note := func(chat string, st storage.Student) []storage.Queued {
		return []storage.Queued{{Platform: "t", ChatID: chat, Private: true, StudentID: st.ID, Text: "进步：" + st.Name, NotBefore: now, Key: chat}}
	}
	ps := []storage.Praise{{StudentID: zhang.ID, Text: "按时交作业", At: now}, {StudentID: li.ID, Text: "按时交作业", At: now}}
	got, err := s.AddPraises(meta(2), ps, [][]storage.Queued{note("dm:张三妈妈", zhang), note("dm:李四爸爸", li)})
	if err != nil || len(got) != 2 || got[0].No == got[1].No || got[1].StudentID != li.ID {
		t.Fatalf("AddPraises: %+v %v", got, err)
	}
	if _, err := s.AddPraises(meta(2), ps, nil); !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("a redelivery: %v", err)
	}
	q, _ := s.Queue(now.Add(time.Minute), 0)
	if len(q) != 2 || q[0].Text == q[1].Text {
		t.Fatalf("queued: %+v", q)
	}
	// Undone one at a time: 李四's, and only his family's message with it.
	if u, err := s.Undo(meta(3), now.Add(-time.Hour)); err != nil || u.StudentID != li.ID {
		t.Fatalf("undo: %+v %v", u, err)
	}
	q, _ = s.Queue(now.Add(time.Minute), 0)
	if len(q) != 1 || q[0].ChatID != "dm:张三妈妈" {
		t.Fatalf("queued after the undo: %+v", q)
	}
	// All or none.
	gone := addStudent(t, s, 4, "王五")
	if _, err := s.DeleteStudent(meta(5), gone.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddPraises(meta(6), []storage.Praise{{StudentID: zhang.ID, Text: "又进步了", At: now}, {StudentID: gone.ID, Text: "又进步了", At: now}}, nil); err == nil {
		t.Fatal("praise with an erased student was stored")
	}
	if p, _ := s.PraiseOf(zhang.ID, week.From, week.To); len(p) != 1 {
		t.Fatalf("half stored: %+v", p)
	}
}

func countsAndHistory(t *testing.T, s storage.Store) {
	st := addStudent(t, s, 0, "张三")
	lastWeek := week.From.Add(-24 * time.Hour)
	s.AddSession(meta(1), storage.Session{StudentID: st.ID, Subject: "数学", Minutes: 30, At: lastWeek})
	_, counts, err := s.AddSession(meta(2), storage.Session{StudentID: st.ID, Subject: "语文", Minutes: 40, At: now.Add(-2 * time.Hour)}, week, storage.Range{From: lastWeek, To: week.To})
	if err != nil || counts[0] != 1 || counts[1] != 2 {
		t.Fatalf("counts %v %v", counts, err)
	}
	_, n, _ := s.AddContact(meta(3), storage.Contact{StudentID: st.ID, Method: "电话", Whom: "妈妈", At: now.Add(-time.Hour)}, week)
	s.AddPraise(meta(4), storage.Praise{StudentID: st.ID, Text: "主动举手", At: now}, nil)
	if n != 1 {
		t.Fatalf("contacts this week %d", n)
	}
	c, err := s.CountFor(st.ID, week.From, week.To)
	if err != nil || c.Sessions != 1 || c.Minutes != 40 || c.Contacts != 1 || c.Praise != 1 || !c.LastSession.Equal(now.Add(-2*time.Hour)) {
		t.Fatalf("CountFor %+v %v", c, err)
	}
	if last, _ := s.LastContact(st.ID, week.To); !last.Equal(now.Add(-time.Hour)) {
		t.Fatalf("LastContact %v", last)
	}
	h, err := s.History(st.ID, 3)
	if err != nil || len(h) != 3 || h[0].Kind != storage.KindPraise || h[1].Kind != storage.KindContact || h[2].Kind != storage.KindSession || h[2].Session.Subject != "语文" {
		t.Fatalf("history %+v %v", h, err)
	}
	all, _ := s.SessionsBetween(lastWeek, week.To)
	if len(all) != 2 || all[0].Subject != "数学" {
		t.Fatalf("SessionsBetween: %+v", all)
	}
}

func deleteStudentErases(t *testing.T, s storage.Store) {
	st := addStudent(t, s, 0, "欧阳娜娜")
	other := addStudent(t, s, 1, "李四")
	for i := 0; i < 20; i++ {
		if _, _, err := s.AddSession(meta(10+i), storage.Session{StudentID: st.ID, Subject: "数学", Minutes: 30, At: now}); err != nil {
			t.Fatal(err)
		}
	}
	s.AddContact(meta(50), storage.Contact{StudentID: st.ID, Method: "电话", At: now}, storage.Range{})
	s.AddPraise(meta(51), storage.Praise{StudentID: st.ID, Text: "进步", At: now}, []storage.Queued{{Platform: "t", ChatID: "c", StudentID: st.ID, Text: "进步了", NotBefore: now}})
	s.SetComment(meta(52), storage.Comment{StudentID: st.ID, Semester: "2026-09-01", Text: "评语"})
	p, _ := s.EnsurePerson("t", "u1", "c", "欧阳娜娜妈妈")
	inv, _ := s.CreateInvite(meta(53), storage.Invite{Kind: storage.InviteParent, StudentID: st.ID})
	s.UseInvite(meta(54), inv.Code, p.ID)
	s.AddSession(meta(56), storage.Session{StudentID: other.ID, Subject: "英语", Minutes: 20, At: now})
	// A message naming the child without its id (a journaled reply), and a
	// person who stays (a teacher) whose name carries the child's name.
	s.AddPraise(meta(57), storage.Praise{StudentID: other.ID, Text: "好", At: now}, []storage.Queued{
		{Platform: "t", ChatID: "d", Key: "d", Text: "已记录：欧阳娜娜 数学 30分钟", NotBefore: now},
		{Platform: "t", ChatID: "e", Key: "e", ChatTitle: "欧阳娜娜舅舅", Text: "李四的进步", NotBefore: now}})
	teacher, _ := s.EnsurePerson("t", "u2", "f", "欧阳娜娜舅舅")
	s.UpdatePerson(meta(58), teacher.ID, "t", func(p *storage.Person) error { p.Admin = true; return nil })

	e, err := s.DeleteStudent(meta(60), st.ID, []string{"欧阳娜娜"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Sessions != 20 || e.Contacts != 1 || e.Praise != 1 || e.Comments != 1 || e.Parents != 1 || e.Queued != 2 || e.Renamed != 1 {
		t.Fatalf("erased %+v", e)
	}
	if _, err := s.Student(st.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("student after erasure: %v", err)
	}
	if got, _ := s.StudentsNamed("欧阳娜娜"); len(got) != 0 {
		t.Fatalf("still found by name: %+v", got)
	}
	if q, _ := s.Queue(time.Time{}, 0); len(q) != 1 || q[0].ChatTitle != "舅舅" {
		t.Fatalf("queued after erasure, want only 李四's with the title cleaned: %+v", q)
	}
	if p, _ := s.Person(teacher.ID); p.Name != "舅舅" {
		t.Fatalf("the teacher who stays is named %q", p.Name)
	}
	if ss, _ := s.Sessions(other.ID, time.Time{}, week.To); len(ss) != 1 {
		t.Fatalf("other student's sessions: %d", len(ss))
	}
	if _, ok, _ := s.PersonByAccount("t", "u1"); ok {
		t.Fatal("the parent bound only to the erased child is still there")
	}
	if _, err := s.DeleteStudent(meta(61), st.ID, nil); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("erasing twice: %v", err)
	}
	// A command that read the child just before the erasure writes after
	// it: refused, nothing stored, its message not taken as handled.
	if _, _, err := s.AddSession(meta(70), storage.Session{StudentID: st.ID, Subject: "数学", Minutes: 30, At: now}); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("a session for the erased child: %v", err)
	}
	if _, _, err := s.AddContact(meta(71), storage.Contact{StudentID: st.ID, Method: "电话", At: now}, storage.Range{}); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("a contact for the erased child: %v", err)
	}
	if _, err := s.AddPraise(meta(72), storage.Praise{StudentID: st.ID, Text: "进步", At: now}, nil); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("a praise for the erased child: %v", err)
	}
	if _, _, err := s.SetComment(meta(73), storage.Comment{StudentID: st.ID, Semester: "2026-09-01", Text: "评语"}); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("a comment for the erased child: %v", err)
	}
	if ss, _ := s.Sessions(st.ID, time.Time{}, week.To); len(ss) != 0 {
		t.Fatalf("sessions stored for the erased child: %d", len(ss))
	}
	if cs, _ := s.Contacts(st.ID, time.Time{}, week.To); len(cs) != 0 {
		t.Fatalf("contacts stored for the erased child: %d", len(cs))
	}
	if done, _ := s.Processed(meta(70).MsgKey); done {
		t.Fatal("the refused message was taken as handled")
	}
}

func importIsAllOrNothingAndIdempotent(t *testing.T, s storage.Store) {
	rows := []storage.ImportRow{
		{Grade: 7, Number: 1, Student: storage.Student{Name: "甲", WeeklyTarget: 2}},
		{Grade: 7, Number: 2, Student: storage.Student{Name: "乙", WeeklyTarget: 1, Categories: []string{"留守儿童"}}},
	}
	a, u, same, err := s.ImportStudents(meta(1), rows)
	if err != nil || a != 2 || u != 0 || same != 0 {
		t.Fatalf("first import %d %d %d %v", a, u, same, err)
	}
	a, u, same, err = s.ImportStudents(meta(2), rows)
	if err != nil || a != 0 || u != 0 || same != 2 {
		t.Fatalf("same file again %d %d %d %v", a, u, same, err)
	}
	rows[1].Student.WeeklyTarget = 3
	a, u, same, err = s.ImportStudents(meta(3), rows)
	if err != nil || a != 0 || u != 1 || same != 1 {
		t.Fatalf("one changed row %d %d %d %v", a, u, same, err)
	}
	all, _ := s.AllStudents()
	if len(all) != 2 {
		t.Fatalf("%d students", len(all))
	}
}

func outboxKeysSendOnce(t *testing.T, s storage.Store) {
	q := storage.Queued{Platform: "t", ChatID: "c", Private: true, PersonID: 7, Text: "本周辅导提醒", NotBefore: now, Key: "friday/2026-11-27/7"}
	if err := s.Enqueue(storage.Meta{}, q, q); err != nil {
		t.Fatal(err)
	}
	if err := s.Enqueue(storage.Meta{}, q); err != nil {
		t.Fatal(err)
	}
	later := storage.Queued{Platform: "t", ChatID: "c", Text: "later", NotBefore: now.Add(time.Hour)}
	s.Enqueue(storage.Meta{}, later)
	due, err := s.Queue(now, 0)
	if err != nil || len(due) != 1 || due[0].Text != q.Text {
		t.Fatalf("due now: %+v %v", due, err)
	}
	if ok, _ := s.WasQueued(q.Key); !ok {
		t.Fatal("key not remembered")
	}
	if err := s.MarkSending(due[0]); err != nil {
		t.Fatal(err)
	}
	due, _ = s.Queue(now, 0)
	if !due[0].InFlight {
		t.Fatal("in-flight mark lost")
	}
	if err := s.Release(due[0]); err != nil {
		t.Fatal(err)
	}
	if due, _ = s.Queue(now, 0); len(due) != 1 || due[0].InFlight || due[0].Attempts != 0 {
		t.Fatalf("after release: %+v", due)
	}
	s.MarkSending(due[0])
	if err := s.Requeue(due[0], now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	all, _ := s.Queue(time.Time{}, 0)
	if len(all) != 2 || all[0].Text != "later" || all[1].Attempts != 1 || all[1].InFlight {
		t.Fatalf("after requeue: %+v", all)
	}
	for _, m := range all {
		if err := s.Dequeue(m); err != nil {
			t.Fatal(err)
		}
	}
	if all, _ := s.Queue(time.Time{}, 0); len(all) != 0 {
		t.Fatalf("after dequeue: %+v", all)
	}
	s.Enqueue(storage.Meta{}, q) // sent once: never again
	if all, _ := s.Queue(time.Time{}, 0); len(all) != 0 {
		t.Fatal("a sent key was queued again")
	}
}

func runsAreMarkedWithTheirMessages(t *testing.T, s storage.Store) {
	if _, done, err := s.RunMark("digest/2026-11-23"); done || err != nil {
		t.Fatalf("fresh run marked: %v", err)
	}
	q := storage.Queued{Platform: "t", ChatID: "c", Text: "周一汇总", NotBefore: now, Key: "digest/2026-11-23/1"}
	if err := s.CompleteRun("digest/2026-11-23", "sent", q); err != nil {
		t.Fatal(err)
	}
	status, done, err := s.RunMark("digest/2026-11-23")
	if !done || status != "sent" || err != nil {
		t.Fatalf("mark %q %v %v", status, done, err)
	}
	if all, _ := s.Queue(time.Time{}, 0); len(all) != 1 {
		t.Fatalf("run's messages: %d", len(all))
	}
}

func journaledRepliesRecover(t *testing.T, s storage.Store) {
	var ids []uint64
	for _, text := range []string{"一", "二", "三"} {
		id, err := s.JournalReply(storage.Queued{Platform: "t", ChatID: "c", Thread: "42", Text: text, NotBefore: now})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	s.ReplySending(ids[0]) // may have gone out: never sent again
	s.ReplyDone(ids[1])    // went out
	s.ReplySending(ids[2])
	s.ReplyWaiting(ids[2]) // did not go after all
	moved, dropped, err := s.RecoverReplies()
	if err != nil || moved != 1 || dropped > 1 { // the first is dropped now, or was pruned by the later mark
		t.Fatalf("recover: moved %d dropped %d %v", moved, dropped, err)
	}
	all, _ := s.Queue(time.Time{}, 0)
	if len(all) != 1 || all[0].Text != "三" || all[0].Thread != "42" {
		t.Fatalf("outbox after recovery: %+v", all)
	}
	if moved, dropped, _ := s.RecoverReplies(); moved+dropped != 0 {
		t.Fatal("the journal was not emptied")
	}
}

func groupsMoveAndPlatformValuesPersist(t *testing.T, s storage.Store) {
	g := storage.Group{Platform: "telegram", ChatID: "-1", Title: "初一3班家长群", Kind: storage.GroupParent, ClassID: 3}
	if err := s.SetGroup(meta(1), g); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveGroup("telegram", "-1", "-1001"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Group("telegram", "-1"); ok {
		t.Fatal("old chat id still registered")
	}
	got, ok, err := s.Group("telegram", "-1001")
	if !ok || err != nil || got.Kind != storage.GroupParent || got.Title != g.Title {
		t.Fatalf("moved group %+v %v %v", got, ok, err)
	}
	if err := s.SetPlatformValue("telegram", "offset", []byte("42")); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.PlatformValue("telegram", "offset"); string(v) != "42" {
		t.Fatalf("platform value %q", v)
	}
	if v, err := s.PlatformValue("wechat", "offset"); v != nil || err != nil {
		t.Fatalf("another platform's value %q %v", v, err)
	}
}

func missingThingsAreNotFound(t *testing.T, s storage.Store) {
	if _, err := s.Student(99); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Student: %v", err)
	}
	if _, err := s.Person(99); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Person: %v", err)
	}
	if _, err := s.Class(99); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Class: %v", err)
	}
	if _, err := s.UpdateStudent(meta(1), 99, "x", func(*storage.Student) error { return nil }); storage.ErrorCode(err) != storage.ENotFound {
		t.Errorf("UpdateStudent: %v", err)
	}
	if _, ok, err := s.ClassByGrade(7, 9); ok || err != nil {
		t.Errorf("ClassByGrade: %v %v", ok, err)
	}
}

func meetingsMoveAndCancel(t *testing.T, s storage.Store) {
	a, err := s.AddMeeting(meta(1), storage.Meeting{ClassID: 1, At: now.Add(48 * time.Hour), Topic: "期中"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.AddMeeting(meta(2), storage.Meeting{ClassID: 1, At: now.Add(96 * time.Hour), Topic: "期末"})
	later := now.Add(24 * time.Hour)
	moved, err := s.MoveMeeting(meta(3), b.ID, later, []storage.Queued{{Platform: "t", ChatID: "p", Key: "mv", Text: "改期", NotBefore: now}})
	if err != nil || !moved.At.Equal(later) || moved.Topic != "期末" {
		t.Fatalf("moved %+v %v", moved, err)
	}
	if _, err := s.CancelMeeting(meta(4), a.ID, []storage.Queued{{Platform: "t", ChatID: "p", Key: "cx", Text: "取消", NotBefore: now}}); err != nil {
		t.Fatal(err)
	}
	mts, _ := s.Meetings(now, now.Add(200*time.Hour))
	if len(mts) != 1 || mts[0].ID != b.ID || !mts[0].At.Equal(later) {
		t.Fatalf("meetings after a move and a cancel: %+v", mts)
	}
	if q, _ := s.Queue(time.Time{}, 0); len(q) != 2 {
		t.Fatalf("notices queued: %d", len(q))
	}
	if _, err := s.CancelMeeting(meta(5), a.ID, nil); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("cancelling twice: %v", err)
	}
	if _, err := s.MoveMeeting(meta(4), b.ID, now, nil); !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("a redelivered cancel moved a meeting: %v", err)
	}
}

func recordNumbersAreStable(t *testing.T, s storage.Store) {
	st := addStudent(t, s, 0, "张三")
	other := addStudent(t, s, 1, "李四")
	tuesday := week.From.AddDate(0, 0, 1).Add(15 * time.Hour)
	se, _, err := s.AddSession(meta(2), storage.Session{StudentID: st.ID, Subject: "数学", Minutes: 30, At: tuesday}, week)
	if err != nil {
		t.Fatal(err)
	}
	c, _, _ := s.AddContact(meta(3), storage.Contact{StudentID: st.ID, Method: "电话", Content: "谈作业", At: now}, week)
	notify := []storage.Queued{
		{Platform: "t", ChatID: "p7", PersonID: 7, Private: true, Key: "7", Text: "按时交作业", NotBefore: now},
		{Platform: "t", ChatID: "p8", PersonID: 8, Private: true, Key: "8", Text: "按时交作业", NotBefore: now},
	}
	p, err := s.AddPraise(meta(4), storage.Praise{StudentID: st.ID, Text: "按时交作业", At: now}, notify)
	if err != nil {
		t.Fatal(err)
	}
	cm, _, _ := s.SetComment(meta(5), storage.Comment{StudentID: st.ID, Semester: "2026-09-01", Text: "有进步"})
	se2, _, _ := s.AddSession(meta(6), storage.Session{StudentID: other.ID, Subject: "语文", Minutes: 20, At: now}, week)
	nos := []uint64{se.No, c.No, p.No, cm.No, se2.No}
	seen := map[uint64]bool{}
	for i, no := range nos {
		if no == 0 || seen[no] || (i > 0 && no <= nos[i-1]) {
			t.Fatalf("record numbers are not unique and rising across kinds: %v", nos)
		}
		seen[no] = true
	}
	if r, err := s.RecordByNo(c.No); err != nil || r.Kind != storage.KindContact || r.Contact.Content != "谈作业" || r.No() != c.No {
		t.Fatalf("RecordByNo(%d) = %+v, %v", c.No, r, err)
	}
	again, replaced, _ := s.SetComment(meta(7), storage.Comment{StudentID: st.ID, Semester: "2026-09-01", Text: "进步很大"})
	if !replaced || again.No != cm.No {
		t.Fatalf("a rewritten comment got number %d, had %d", again.No, cm.No)
	}

	// Moving a session to another day keeps its number and its place in
	// the counts; the author's /undo still finds it.
	monday := week.From.Add(16 * time.Hour)
	ed, err := s.EditRecord(meta(8), se.No, func(r *storage.Record) error {
		r.Session.Minutes, r.Session.At, r.At = 45, monday, monday
		r.Session.StudentID = other.ID // an edit cannot move a record to another child
		return nil
	}, nil)
	if err != nil || ed.Before.Session.Minutes != 30 || ed.After.Session.Minutes != 45 || ed.After.No() != se.No {
		t.Fatalf("edit: %+v %v", ed, err)
	}
	if got, _ := s.Sessions(st.ID, monday, monday.Add(time.Hour)); len(got) != 1 || got[0].Minutes != 45 || got[0].No != se.No {
		t.Fatalf("the edited session on its new day: %+v", got)
	}
	if got, _ := s.Sessions(st.ID, tuesday, tuesday.Add(time.Hour)); len(got) != 0 {
		t.Fatalf("the edited session stayed on its old day too: %+v", got)
	}
	if _, err := s.EditRecord(meta(8), se.No, func(r *storage.Record) error { return nil }, nil); !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("a redelivered edit: %v", err)
	}

	// A praise edit replaces what parents have not been sent yet, only that.
	q, _ := s.Queue(now, 0)
	for _, m := range q {
		if m.PersonID == 7 {
			if err := s.Dequeue(m); err != nil { // sent to parent 7
				t.Fatal(err)
			}
		}
	}
	renotify := []storage.Queued{
		{Platform: "t", ChatID: "p7", PersonID: 7, Private: true, Key: "7", Text: "每天按时交作业", NotBefore: now},
		{Platform: "t", ChatID: "p8", PersonID: 8, Private: true, Key: "8", Text: "每天按时交作业", NotBefore: now},
	}
	ed, err = s.EditRecord(meta(9), p.No, func(r *storage.Record) error { r.Praise.Text = "每天按时交作业"; return nil }, renotify)
	if err != nil || ed.UnsentReplaced != 1 {
		t.Fatalf("praise edit: %+v %v", ed, err)
	}
	q, _ = s.Queue(now, 0)
	if len(q) != 1 || q[0].PersonID != 8 || q[0].Text != "每天按时交作业" {
		t.Fatalf("after the praise edit the outbox holds %+v", q)
	}

	if _, err := s.DeleteRecord(meta(10), c.No); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordByNo(c.No); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("a deleted record is still found: %v", err)
	}
	if _, err := s.DeleteRecord(meta(11), c.No); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
	if got, _ := s.Contacts(st.ID, week.From, week.To); len(got) != 0 {
		t.Fatalf("contacts after the delete: %+v", got)
	}
	// Deleting the praise withdraws its waiting message too.
	if u, err := s.DeleteRecord(meta(12), p.No); err != nil || u.UnsentDropped != 1 {
		t.Fatalf("praise delete: %+v %v", u, err)
	}
	// So does deleting a contact (a /回复 waiting out the quiet hours); one
	// handed over stays.
	reply := []storage.Queued{
		{Platform: "t", ChatID: "p7", PersonID: 7, Private: true, Key: "reply-a", Text: "收到", NotBefore: now},
		{Platform: "t", ChatID: "p8", PersonID: 8, Private: true, Key: "reply-b", Text: "收到", NotBefore: now},
	}
	rc, _, err := s.AddContact(meta(40), storage.Contact{StudentID: st.ID, Method: "留言回复", At: now}, week, reply...)
	if err != nil {
		t.Fatal(err)
	}
	q, _ = s.Queue(time.Time{}, 0)
	for _, m := range q {
		if m.PersonID == 7 {
			if err := s.MarkSending(m); err != nil { // handed to the platform
				t.Fatal(err)
			}
		}
	}
	if u, err := s.DeleteRecord(meta(41), rc.No); err != nil || u.UnsentDropped != 1 {
		t.Fatalf("contact delete: %+v %v", u, err)
	}
	q, _ = s.Queue(time.Time{}, 0)
	if len(q) != 1 || q[0].PersonID != 7 {
		t.Fatalf("after the contact's delete the outbox holds %+v", q)
	}

	// /undo after a move still takes the moved session back.
	u, err := s.Undo(storage.Meta{MsgKey: "test:undo", ActorID: 1, Where: "test", At: now}, now.Add(-time.Hour))
	if err != nil || u.Kind != storage.KindComment {
		t.Fatalf("undo took %+v, %v; want the rewritten comment", u, err)
	}
	u, err = s.Undo(storage.Meta{MsgKey: "test:undo2", ActorID: 1, Where: "test", At: now}, now.Add(-time.Hour))
	if err != nil || u.Kind != storage.KindSession || u.Session.No != se2.No {
		t.Fatalf("second undo took %+v, %v; want the latest session", u, err)
	}
	u, err = s.Undo(storage.Meta{MsgKey: "test:undo3", ActorID: 1, Where: "test", At: now}, now.Add(-time.Hour))
	if err != nil || u.Kind != storage.KindSession || u.Session.No != se.No {
		t.Fatalf("third undo took %+v, %v; want the moved session", u, err)
	}
	if _, err := s.RecordByNo(se.No); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("an undone record is still found by number: %v", err)
	}

	// An erasure takes the numbers with the records; numbers are not reused.
	last, _, _ := s.AddSession(meta(13), storage.Session{StudentID: other.ID, Subject: "英语", Minutes: 20, At: now}, week)
	if last.No <= se2.No {
		t.Fatalf("a number was reused: %d after %d", last.No, se2.No)
	}
	if _, err := s.DeleteStudent(meta(14), other.ID, []string{"李四"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordByNo(last.No); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("an erased child's record is found by number: %v", err)
	}
}

func theYearTurns(t *testing.T, s storage.Store) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, school) }
	spring := storage.Term{Start: d(2027, 2, 20), End: d(2027, 7, 2), Holidays: []storage.DateRange{{From: d(2027, 4, 4), To: d(2027, 4, 6)}}, MakeupDays: []time.Time{d(2027, 4, 11)}}
	if err := s.StartTerm(meta(1), spring); err != nil {
		t.Fatal(err)
	}
	spring.End = d(2027, 7, 5) // corrected: the same first day replaces it
	if err := s.StartTerm(meta(2), spring); err != nil {
		t.Fatal(err)
	}
	if err := s.StartTerm(meta(2), spring); !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("a redelivered StartTerm: %v", err)
	}
	terms, err := s.StartedTerms()
	if err != nil || len(terms) != 1 || !terms[0].End.Equal(spring.End) || len(terms[0].MakeupDays) != 1 || !terms[0].MakeupDays[0].Equal(d(2027, 4, 11)) {
		t.Fatalf("started terms: %+v %v", terms, err)
	}

	// 初一3班 and 初三1班 with a head teacher each; 初三1班 graduates.
	one, _, _ := s.AddStudent(meta(3), 7, 3, storage.Student{Name: "张三"})
	three, _, _ := s.AddStudent(meta(4), 9, 1, storage.Student{Name: "李四", Plan: &storage.Plan{Reasons: "基础薄弱", Start: d(2026, 9, 10)}})
	s.AddStudent(meta(5), 8, 1, storage.Student{Name: "王五"})
	c7, _, _ := s.ClassByGrade(7, 3)
	c9, _, _ := s.ClassByGrade(9, 1)
	head9, _ := s.EnsurePerson("t", "h9", "dm:h9", "赵老师")
	head7, _ := s.EnsurePerson("t", "h7", "dm:h7", "钱老师")
	s.UpdatePerson(meta(6), head9.ID, "test", func(p *storage.Person) error { p.Teacher, p.HeadOf = true, []uint64{c9.ID}; return nil })
	s.UpdatePerson(meta(7), head7.ID, "test", func(p *storage.Person) error { p.Teacher, p.HeadOf = true, []uint64{c7.ID}; return nil })

	july := storage.Meta{MsgKey: "test:promote", ActorID: 1, Where: "test", At: d(2027, 7, 10)}
	p, err := s.PromoteClasses(july, []int{6, 9, 12}, "毕业", 180*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Moved) != 2 || len(p.Graduated) != 1 || p.Graduated[0].ID != c9.ID || p.StudentsClosed != 1 || len(p.HeadsFreed) != 1 || p.HeadsFreed[0] != head9.ID {
		t.Fatalf("promotion: %+v", p)
	}
	if c, ok, _ := s.ClassByGrade(8, 3); !ok || c.ID != c7.ID {
		t.Fatalf("初一3班 did not become 初二3班: %+v %v", c, ok)
	}
	if c, ok, _ := s.ClassByGrade(9, 1); !ok || c.ID == c9.ID {
		t.Fatalf("初三1班 should now be the former 初二1班: %+v %v", c, ok)
	}
	if _, ok, _ := s.ClassByGrade(7, 3); ok {
		t.Fatal("初一3班 still exists after the promotion")
	}
	if st, _ := s.Student(one.ID); st.ClassID != c7.ID || st.Closed {
		t.Fatalf("a moved student: %+v", st)
	}
	if st, _ := s.Student(three.ID); !st.Closed || st.ClosedReason != "毕业" || st.Plan.Active() || st.Plan.Outcome != "毕业" || !st.Plan.EndedAt.Equal(july.At) {
		t.Fatalf("a graduate's support (and plan) is not closed: %+v %+v", st, st.Plan)
	}
	if c, err := s.Class(c9.ID); err != nil || c.Graduated != 2027 {
		t.Fatalf("the graduated class: %+v %v", c, err)
	}
	if h, _ := s.Person(head9.ID); len(h.HeadOf) != 0 {
		t.Fatalf("the graduated class's head teacher still heads it: %+v", h)
	}
	if h, _ := s.Person(head7.ID); len(h.HeadOf) != 1 || h.HeadOf[0] != c7.ID {
		t.Fatalf("a head teacher does not follow the class up: %+v", h)
	}
	classes, _ := s.Classes()
	for _, c := range classes {
		if c.Graduated != 0 {
			t.Fatalf("a graduated class is still listed: %+v", classes)
		}
	}
	// A new 初一3班 can be created next to the moved one.
	if c, _ := s.EnsureClass(7, 3); c.ID == c7.ID {
		t.Fatal("the new 初一3班 is the old one")
	}
	again := july
	again.MsgKey, again.At = "test:promote2", d(2027, 8, 20)
	if _, err := s.PromoteClasses(again, []int{9}, "毕业", 180*24*time.Hour); storage.ErrorCode(err) != storage.EConflict {
		t.Fatalf("a second promotion in one summer: %v", err)
	}
	if c, ok, _ := s.ClassByGrade(8, 3); !ok || c.ID != c7.ID {
		t.Fatal("a refused promotion moved classes")
	}
}

// aMessageIsClaimedOnce: of two senders sharing the database, only the
// first to mark a message sending gets it; a message gone is not claimed.
func aMessageIsClaimedOnce(t *testing.T, s storage.Store) {
	if err := s.Enqueue(storage.Meta{}, storage.Queued{Platform: "t", ChatID: "c", Text: "周一小结", NotBefore: now}); err != nil {
		t.Fatal(err)
	}
	q, _ := s.Queue(now, 0)
	if len(q) != 1 {
		t.Fatalf("queued: %+v", q)
	}
	if err := s.MarkSending(q[0]); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSending(q[0]); storage.ErrorCode(err) != storage.EConflict {
		t.Fatalf("a second claim: %v", err)
	}
	if err := s.Release(q[0]); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSending(q[0]); err != nil {
		t.Fatalf("a released message cannot be claimed again: %v", err)
	}
	if err := s.Dequeue(q[0]); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSending(q[0]); storage.ErrorCode(err) != storage.EConflict {
		t.Fatalf("claiming a message already sent: %v", err)
	}
}

// aLeaseIsHeldByOne: a lease renews for its holder and passes to another
// only when it has expired or is given up. An engine with one process (a
// bbolt file) holds every lease; it says so for both.
func aLeaseIsHeldByOne(t *testing.T, s storage.Store) {
	a, err := s.Lease("platform:telegram", "A", time.Minute, now)
	if err != nil || !a {
		t.Fatalf("first lease: %v %v", a, err)
	}
	if ok, _ := s.Lease("platform:telegram", "A", time.Minute, now.Add(30*time.Second)); !ok {
		t.Fatal("the holder could not renew")
	}
	b, _ := s.Lease("platform:telegram", "B", time.Minute, now.Add(45*time.Second))
	single := b // an engine of one process grants every lease
	if !single {
		if ok, _ := s.Lease("platform:telegram", "B", time.Minute, now.Add(100*time.Second)); !ok {
			t.Fatal("an expired lease was not taken over")
		}
		if ok, _ := s.Lease("platform:telegram", "A", time.Minute, now.Add(110*time.Second)); ok {
			t.Fatal("the old holder took it back while it was held")
		}
		if err := s.Unlease("platform:telegram", "B"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.Lease("platform:telegram", "A", time.Minute, now.Add(111*time.Second)); !ok {
			t.Fatal("a lease given up was not free")
		}
	}
}

// aPlanTravelsWithItsStudent: a plan and its reviews, and the guardians, are kept whole with the
// student, audited as the change it is, ended with the support, and erased
// with the student.
func aPlanTravelsWithItsStudent(t *testing.T, s storage.Store) {
	st := addStudent(t, s, 1, "欧阳娜娜")
	plan := storage.Plan{Reasons: "知识基础：分数运算不熟", GoalShort: "按时交作业", GoalSemester: "数学及格", Measures: "每周二、四午间辅导",
		ResponsibleID: 7, Start: now, Review: now.AddDate(0, 1, 0), UpdatedAt: now}
	if _, err := s.UpdateStudent(meta(2), st.ID, "plan.set", func(x *storage.Student) error { p := plan; x.Plan = &p; return nil }); err != nil {
		t.Fatal(err)
	}
	guardians := []storage.Guardian{{No: 1, Relation: "爸爸", Phone: "13800000000", Away: true, Where: "广东东莞", Since: now.AddDate(0, -2, 0)},
		{No: 2, Relation: "奶奶", AtHome: true, Since: now.AddDate(0, -2, 0), Until: now}}
	calls := []storage.FamilyCall{{At: now.Add(-time.Hour), PersonID: 9, Relation: "爸爸"}}
	later := []storage.Later{{Rule: "家访", Period: "2026-09-01", Until: now.AddDate(0, 0, 5)}}
	if _, err := s.UpdateStudent(meta(6), st.ID, "guardian.add", func(x *storage.Student) error {
		x.Guardians, x.Calls, x.Later = guardians, calls, later
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Student(st.ID); len(got.Guardians) != 2 || got.Guardians[0].Where != "广东东莞" || got.Guardians[0].Phone != "13800000000" ||
		!got.Guardians[1].Until.Equal(now) || got.Guardians[1].Current() || len(got.CurrentGuardians()) != 1 ||
		len(got.Calls) != 1 || !got.LastCall().Equal(calls[0].At) || len(got.Later) != 1 || !got.Later[0].Until.Equal(later[0].Until) {
		t.Fatalf("guardians, calls and postponements read back: %+v %+v %+v", got.Guardians, got.Calls, got.Later)
	}
	review := storage.PlanReview{At: now.Add(time.Hour), AuthorID: 7, Text: "作业按时交了，小测从52分到61分"}
	if _, err := s.UpdateStudent(meta(3), st.ID, "plan.review", func(x *storage.Student) error {
		x.Plan.Reviews = append(x.Plan.Reviews, review)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Student(st.ID)
	if err != nil || got.Plan == nil || got.Plan.Measures != plan.Measures || got.Plan.ResponsibleID != 7 || !got.Plan.Review.Equal(plan.Review) ||
		len(got.Plan.Reviews) != 1 || got.Plan.Reviews[0].Text != review.Text || !got.Plan.Reviews[0].At.Equal(review.At) || !got.Plan.Active() {
		t.Fatalf("plan read back: %+v %v", got.Plan, err)
	}
	if in, _ := s.StudentsInClass(st.ClassID); len(in) != 1 || in[0].Plan == nil || in[0].Plan.GoalSemester != "数学及格" {
		t.Fatalf("plan in the class list: %+v", in)
	}
	log, _ := s.AuditLog(now.Add(-time.Hour), now.Add(2*time.Hour))
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	if fmt.Sprint(actions) != "[student.add plan.set guardian.add plan.review]" {
		t.Fatalf("audit: %v", actions)
	}
	if _, err := s.UpdateStudent(meta(4), st.ID, "student.close", func(x *storage.Student) error { x.Close("已转化", now); return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Student(st.ID); !got.Closed || got.Plan.Active() || got.Plan.Outcome != "已转化" || len(got.Plan.Reviews) != 1 {
		t.Fatalf("closing the support left the plan %+v", got.Plan)
	}
	if _, err := s.DeleteStudent(meta(5), st.ID, []string{"欧阳娜娜"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Student(st.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("student after erasure: %v", err)
	}
}

// aContactQueuesItsMessages: a parent's message is stored as the contact
// the family started and relayed in the same transaction, once.
func aContactQueuesItsMessages(t *testing.T, s storage.Store) {
	st := addStudent(t, s, 1, "张三")
	relay := storage.Queued{Platform: "t", ChatID: "dm:王老师", Private: true, PersonID: 7, StudentID: st.ID, Text: "【家长留言】", NotBefore: now, Key: "relay:test:2:7",
		Sources: []uint64{3}, Answers: []string{"打了"}}
	c, n, err := s.AddContact(meta(2), storage.Contact{StudentID: st.ID, Method: "留言", Whom: "妈妈", Content: "孩子这两天感冒了", At: now, FromParent: true}, storage.Range{From: week.From, To: week.To}, relay)
	// The family's message is kept with the contacts but is no contact the
	// school made: it counts for nothing.
	if err != nil || n != 0 || c.No == 0 {
		t.Fatalf("AddContact: %+v %d %v", c, n, err)
	}
	if _, _, err := s.AddContact(meta(2), storage.Contact{StudentID: st.ID, Method: "留言", Content: "again", At: now, FromParent: true}, storage.Range{}, relay); !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("a redelivered message: %v", err)
	}
	q, _ := s.Queue(now.Add(time.Minute), 0)
	if len(q) != 1 || q[0].ChatID != "dm:王老师" || q[0].StudentID != st.ID || fmt.Sprint(q[0].Sources, q[0].Answers) != "[3] [打了]" {
		t.Fatalf("queued: %+v", q)
	}
	got, _ := s.Contacts(st.ID, week.From, week.To)
	if len(got) != 1 || !got[0].FromParent || got[0].Whom != "妈妈" {
		t.Fatalf("contacts: %+v", got)
	}
	if sc, _ := s.CountFor(st.ID, week.From, week.To); sc.Contacts != 0 {
		t.Fatalf("a parent's message counted as the school's contact: %+v", sc)
	}
	// The teacher's answer is one.
	if _, n, err := s.AddContact(meta(3), storage.Contact{StudentID: st.ID, Method: "留言回复", Whom: "妈妈", Content: "好的，多喝水", At: now}, storage.Range{From: week.From, To: week.To}); err != nil || n != 1 {
		t.Fatalf("the answer: %d %v", n, err)
	}
	if sc, _ := s.CountFor(st.ID, week.From, week.To); sc.Contacts != 1 {
		t.Fatalf("counts after the answer: %+v", sc)
	}
	// A talk with the child (本人) is kept with the contacts, and is no
	// contact with the family: the month's is still owed.
	if c, n, err := s.AddContact(meta(40), storage.Contact{StudentID: st.ID, Method: "面谈", Whom: storage.WhomStudent, Content: "谈了学习计划", At: now}, storage.Range{From: week.From, To: week.To}); err != nil || n != 1 || c.No == 0 {
		t.Fatalf("a talk with the child: %+v %d %v", c, n, err)
	}
	if sc, _ := s.CountFor(st.ID, week.From, week.To); sc.Contacts != 1 {
		t.Fatalf("a talk with the child counted as a contact with the family: %+v", sc)
	}
	// A parent of two: the message kept for each child, relayed to each
	// child's teachers, in one write, all or none.
	li := addStudent(t, s, 4, "李四")
	two := []storage.Contact{{StudentID: st.ID, Method: "留言", Content: "（一条语音）", At: now, FromParent: true}, {StudentID: li.ID, Method: "留言", Content: "（一条语音）", At: now, FromParent: true}}
	relays := [][]storage.Queued{{{Platform: "t", ChatID: "dm:王老师", Private: true, StudentID: st.ID, Text: "语音", NotBefore: now, Key: "relay:v:1"}},
		{{Platform: "t", ChatID: "dm:周老师", Private: true, StudentID: li.ID, Text: "语音", NotBefore: now, Key: "relay:v:2"}}}
	got2, err := s.AddContacts(meta(5), two, relays)
	if err != nil || len(got2) != 2 || got2[0].No == got2[1].No {
		t.Fatalf("AddContacts: %+v %v", got2, err)
	}
	if _, err := s.AddContacts(meta(5), two, relays); !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("a redelivery: %v", err)
	}
	q, _ = s.Queue(now.Add(time.Minute), 0)
	var chats []string
	for _, x := range q {
		if x.Text == "语音" {
			chats = append(chats, x.ChatID)
		}
	}
	if fmt.Sprint(chats) != "[dm:王老师 dm:周老师]" {
		t.Fatalf("relayed to %v", chats)
	}
	gone := addStudent(t, s, 6, "王五")
	if _, err := s.DeleteStudent(meta(7), gone.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddContacts(meta(8), []storage.Contact{{StudentID: li.ID, Method: "留言", Content: "又一条", At: now, FromParent: true}, {StudentID: gone.ID, Method: "留言", Content: "又一条", At: now, FromParent: true}}, nil); err == nil {
		t.Fatal("contacts with an erased student were stored")
	}
	if cs, _ := s.Contacts(li.ID, week.From, week.To); len(cs) != 1 {
		t.Fatalf("half stored: %+v", cs)
	}
}

// aDraftedCommentKeepsItsSources: a comment composed from records keeps
// their numbers, replaced with the comment when it is rewritten.
func aDraftedCommentKeepsItsSources(t *testing.T, s storage.Store) {
	st := addStudent(t, s, 1, "张三")
	c, _, err := s.SetComment(meta(2), storage.Comment{StudentID: st.ID, Semester: "2026-09-01", Text: "这学期你和老师一起学习了2次。", Sources: []uint64{12, 15}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Comments(st.ID, "2026-09-01")
	if len(got) != 1 || fmt.Sprint(got[0].Sources) != "[12 15]" {
		t.Fatalf("comment read back: %+v", got)
	}
	if _, _, err := s.SetComment(meta(3), storage.Comment{StudentID: st.ID, Semester: "2026-09-01", Text: "自己写的评语"}); err != nil {
		t.Fatal(err)
	}
	if rec, _ := s.RecordByNo(c.No); rec.Comment == nil || rec.Comment.Text != "自己写的评语" || len(rec.Comment.Sources) != 0 {
		t.Fatalf("rewritten: %+v", rec.Comment)
	}
}

// Message ids older than any redelivery are forgotten; newer ones still
// refuse their redelivery.
func oldMessageIdsAreForgotten(t *testing.T, s storage.Store) {
	old, recent := meta(1), meta(2)
	old.At = now.AddDate(0, 0, -8)
	for _, m := range []storage.Meta{old, recent} {
		if err := s.MarkProcessed(m); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.PruneProcessed(now.AddDate(0, 0, -9)); n != 0 || err != nil {
		t.Fatalf("nothing that old, yet %d forgotten (%v)", n, err)
	}
	if n, err := s.PruneProcessed(now.AddDate(0, 0, -7)); n != 1 || err != nil {
		t.Fatalf("%d forgotten (%v), want the old one", n, err)
	}
	if ok, _ := s.Processed(old.MsgKey); ok {
		t.Error("the old id is still remembered")
	}
	if err := s.MarkProcessed(recent); !errors.Is(err, storage.ErrDuplicate) {
		t.Errorf("the recent id's redelivery: %v", err)
	}
}

// A platform that redelivers a message while the first delivery is still
// being written (a retry after a slow answer) gets it stored once, whether
// the copies land in one commit or in several.
func aRedeliveryRacingItsOriginal(t *testing.T, s storage.Store) {
	st := addStudent(t, s, 0, "张三")
	var wg sync.WaitGroup
	var mu sync.Mutex
	stored, refused := 0, 0
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := s.AddSession(meta(77), storage.Session{StudentID: st.ID, Subject: "数学", Minutes: 30, At: week.From.Add(time.Hour)}, week)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				stored++
			case errors.Is(err, storage.ErrDuplicate):
				refused++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if stored != 1 || refused != 15 {
		t.Fatalf("%d stored, %d refused; want 1 and 15", stored, refused)
	}
	if ss, err := s.Sessions(st.ID, week.From, week.To); err != nil || len(ss) != 1 {
		t.Fatalf("%d sessions (%v), want 1", len(ss), err)
	}
	// Two copies in one transaction: the second is refused there, and the
	// transaction leaves nothing.
	err := s.Bulk(meta(78), func(b storage.Bulk) error {
		if err := b.MarkProcessed("test:copy", now); err != nil {
			return err
		}
		return b.MarkProcessed("test:copy", now)
	})
	if !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("a copy in the same transaction: %v", err)
	}
	if err := s.MarkProcessed(meta(79)); err != nil { // a later commit
		t.Fatal(err)
	}
	if ok, _ := s.Processed("test:copy"); ok {
		t.Error("the refused transaction left its message marked")
	}
}

// severalStudentsChangedAllOrNone: UpdateStudents changes every student in
// one write, audited once with all of them; a student missing, or the
// change refusing one, changes none; a redelivery changes nothing.
func severalStudentsChangedAllOrNone(t *testing.T, s storage.Store) {
	a, b := addStudent(t, s, 1, "张三"), addStudent(t, s, 2, "李四")
	mentor := func(st *storage.Student) error { st.MentorID = 9; return nil }
	got, err := s.UpdateStudents(meta(3), []uint64{b.ID, a.ID}, "student.mentor", mentor)
	if err != nil || len(got) != 2 || got[0].ID != b.ID || got[1].ID != a.ID || got[0].MentorID != 9 {
		t.Fatalf("UpdateStudents: %+v %v", got, err)
	}
	for _, id := range []uint64{a.ID, b.ID} {
		if st, _ := s.Student(id); st.MentorID != 9 {
			t.Fatalf("student %d: %+v", id, st)
		}
	}
	entries, _ := s.AuditLog(time.Time{}, now.Add(time.Hour))
	n := 0
	for _, e := range entries {
		if e.Action == "student.mentor" {
			n++
			if len(e.StudentIDs) != 2 {
				t.Fatalf("the audit entry names %v", e.StudentIDs)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d audit entries for one change of two students", n)
	}
	if _, err := s.UpdateStudents(meta(3), []uint64{a.ID}, "student.mentor", mentor); !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("a redelivery: %v", err)
	}
	other := func(st *storage.Student) error { st.MentorID = 10; return nil }
	if _, err := s.UpdateStudents(meta(4), []uint64{a.ID, 999}, "student.mentor", other); storage.ErrorCode(err) != storage.ENotFound {
		t.Fatalf("a missing student: %v", err)
	}
	refuseB := func(st *storage.Student) error {
		if st.ID == b.ID {
			return errors.New("refused")
		}
		st.MentorID = 10
		return nil
	}
	if _, err := s.UpdateStudents(meta(5), []uint64{a.ID, b.ID}, "student.mentor", refuseB); err == nil {
		t.Fatal("a refused change was stored")
	}
	if st, _ := s.Student(a.ID); st.MentorID != 9 {
		t.Fatalf("a write that failed changed 张三: %+v", st)
	}
}

// aStudentMovesClass: MoveStudent takes a student to another class (made
// if new) with their records; the old class no longer lists them; an
// active student of the same name there is a conflict; a redelivery
// changes nothing.
func aStudentMovesClass(t *testing.T, s storage.Store) {
	st := addStudent(t, s, 1, "张三") // 初一3班
	if _, _, err := s.AddSession(meta(2), storage.Session{StudentID: st.ID, Subject: "数学", Minutes: 30, At: now}); err != nil {
		t.Fatal(err)
	}
	moved, c, err := s.MoveStudent(meta(3), st.ID, 7, 4)
	if err != nil || moved.ClassID != c.ID || c.Grade != 7 || c.Number != 4 || moved.ClassID == st.ClassID {
		t.Fatalf("MoveStudent: %+v %+v %v", moved, c, err)
	}
	if old, _ := s.StudentsInClass(st.ClassID); len(old) != 0 {
		t.Fatalf("the old class still lists %+v", old)
	}
	if now4, _ := s.StudentsInClass(c.ID); len(now4) != 1 || now4[0].ID != st.ID {
		t.Fatalf("the new class lists %+v", now4)
	}
	if ss, _ := s.Sessions(st.ID, week.From, week.To); len(ss) != 1 {
		t.Fatalf("the records did not go with the student: %+v", ss)
	}
	if _, _, err := s.MoveStudent(meta(3), st.ID, 7, 3); !errors.Is(err, storage.ErrDuplicate) {
		t.Fatalf("a redelivery: %v", err)
	}
	// Another 张三 under support in 初一3班: moving this one back is a conflict.
	addStudent(t, s, 4, "张三")
	if _, _, err := s.MoveStudent(meta(5), st.ID, 7, 3); storage.ErrorCode(err) != storage.EConflict {
		t.Fatalf("a move onto a same-name student: %v", err)
	}
	if got, _ := s.Student(st.ID); got.ClassID != c.ID {
		t.Fatalf("a refused move moved: %+v", got)
	}
}
