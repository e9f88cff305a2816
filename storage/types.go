// Package storage is bangfu's domain: the records a support plan keeps
// (students, people and roles, groups, invites, sessions, contacts, praise,
// comments, meetings, the audit log, queued messages), the service
// interfaces commands and reminders use, and Error with its codes. It holds
// no engine (see storage/bolt) and writes no sentence a user reads.
package storage

import (
	"time"
)

// Class is one class of the school, e.g. 初一3班 (grade 7, number 3).
type Class struct {
	ID     uint64
	Grade  int // 1–6 primary, 7–9 junior middle (初一–初三), 10–12 senior (高一–高三)
	Number int
	// Graduated is the year the class left the school (2027届), 0 while it is
	// here; a graduated class keeps its records but no longer has its name.
	Graduated int `json:",omitempty"`
}

// Student is a student under support, with the sensitive categories.
type Student struct {
	ID           uint64
	ClassID      uint64
	Name         string
	Categories   []string
	Key          bool // 重点
	WeeklyTarget int  // agreed tutoring sessions a week
	MentorID     uint64
	Closed       bool
	ClosedReason string
	ClosedAt     time.Time
	CreatedAt    time.Time
	// Plan is the support plan (帮扶计划): sensitive, for the head teacher,
	// the mentor and admins only. nil until one is written.
	Plan *Plan `json:",omitempty"`
	// Guardians are the child's guardians, past ones kept with their dates
	// (the 留守 register must show who looked after the child when).
	// Sensitive, as the plan is.
	Guardians []Guardian `json:",omitempty"`
	// Later are the owed items a teacher put off (/later), each until a day.
	Later []Later `json:",omitempty"`
	// Calls are the family calls (亲情通话) the parents working away said
	// they made, latest last, the last MaxCalls kept.
	Calls []FamilyCall `json:",omitempty"`
}

// FamilyCall is a call a parent working away made to the child.
type FamilyCall struct {
	At       time.Time
	PersonID uint64 // the parent who said so
	Relation string
}

// MaxCalls bounds the family calls kept on a student's file: a year of
// weekly calls from two parents.
const MaxCalls = 120

// LastCall is when the family last called, zero for never.
func (s Student) LastCall() time.Time {
	if n := len(s.Calls); n > 0 {
		return s.Calls[n-1].At
	}
	return time.Time{}
}

// AwayParent reports whether a parent bound as relation is one working away
// from this child: as registered among the guardians, or, when they are
// not and no guardian working away is, a father or mother of a
// left-behind child (留守儿童).
func (s Student) AwayParent(relation string) bool {
	registered := false
	for _, g := range s.CurrentGuardians() {
		if g.Relation == relation {
			return g.Away
		}
		registered = registered || g.Away
	}
	if registered || (relation != "爸爸" && relation != "妈妈") {
		return false
	}
	for _, c := range s.Categories {
		if c == "留守儿童" {
			return true
		}
	}
	return false
}

// Later is one owed item put off: the rule by its name, in its period.
type Later struct {
	Rule   string
	Period string // 2026-W48, 2026-11, or the semester's key
	Until  time.Time
}

// Guardian is one of a child's guardians (监护人): a parent working away
// (外出务工, where), or the relative at home who looks after the child
// (代管家长).
type Guardian struct {
	No       int    // 1, 2, … within the student, never reused
	Relation string // 爸爸, 奶奶 …
	Name     string `json:",omitempty"`
	Phone    string `json:",omitempty"`
	Away     bool   // works away from home
	Where    string `json:",omitempty"` // 务工地点
	AtHome   bool   // looks after the child at home (代管家长)
	Since    time.Time
	Until    time.Time // no longer a guardian from this day; zero while one
}

// Current reports whether g is a guardian now.
func (g Guardian) Current() bool { return g.Until.IsZero() }

// CurrentGuardians are the guardians who are guardians now, in order.
func (s Student) CurrentGuardians() []Guardian {
	var out []Guardian
	for _, g := range s.Guardians {
		if g.Current() {
			out = append(out, g)
		}
	}
	return out
}

// Plan is a student's support plan, as the school's forms have it: why the
// child struggles, what to reach and how, reviewed every month, ended with
// an outcome. Ending it and closing the student's support are one action.
type Plan struct {
	Reasons       string // 原因分析: 知识基础, 学习习惯, 家庭, 心理 …
	GoalShort     string // 近期目标
	GoalSemester  string // 学期目标
	Measures      string // 措施
	ResponsibleID uint64 // 责任教师; 0: the mentor (or the head teacher)
	Start         time.Time
	Review        time.Time // the next review (复查) date; zero: monthly
	Reviews       []PlanReview
	Outcome       string // 已转化, 好转, 转学 …; set when the plan ends
	EndedAt       time.Time
	UpdatedAt     time.Time
}

// PlanReview is one stage review (阶段性评估).
type PlanReview struct {
	At       time.Time
	AuthorID uint64
	Text     string
}

// Active reports whether the plan is running.
func (p *Plan) Active() bool { return p != nil && p.EndedAt.IsZero() }

// ReviewedSince reports whether a stage review was written at or after t.
func (p *Plan) ReviewedSince(t time.Time) bool {
	if p == nil {
		return false
	}
	for _, r := range p.Reviews {
		if !r.At.Before(t) {
			return true
		}
	}
	return false
}

// ReviewOwed reports whether a running plan owes its stage review: one
// begun before this month with no review in it, or one whose review date
// has come.
func (p *Plan) ReviewOwed(monthStart, today time.Time) bool {
	if !p.Active() {
		return false
	}
	if !p.Review.IsZero() && !p.Review.After(today) {
		return true
	}
	return p.Start.Before(monthStart) && !p.ReviewedSince(monthStart)
}

// FamilySilentAfter is how long a family working away may go without
// calling the child before the mentor hears of it.
const FamilySilentAfter = 14 * 24 * time.Hour

// FamilySilent reports whether, at now, a student on the register for
// that long has had no family call for that long.
func (s Student) FamilySilent(now time.Time) bool {
	since := now.Add(-FamilySilentAfter)
	return !s.CreatedAt.After(since) && !s.LastCall().After(since)
}

// Responsible is who answers for the plan: its named teacher, else the
// mentor; 0 leaves it to the head teacher.
func (s Student) Responsible() uint64 {
	if s.Plan != nil && s.Plan.ResponsibleID != 0 {
		return s.Plan.ResponsibleID
	}
	return s.MentorID
}

// Close ends the student's support and, with it, a running plan: one action
// whichever command asked for it.
func (s *Student) Close(reason string, at time.Time) {
	s.Closed, s.ClosedReason, s.ClosedAt = true, reason, at
	if s.Plan.Active() {
		s.Plan.Outcome, s.Plan.EndedAt = reason, at
		if reason == "" {
			s.Plan.Outcome = "结束帮扶"
		}
	}
}

// Account is a person's identity on one platform and the private chat the
// bot uses to reach them there.
type Account struct {
	Platform string
	UserID   string
	ChatID   string
}

// ParentLink binds a parent to one child.
type ParentLink struct {
	StudentID uint64
	Relation  string // 妈妈, 爸爸, 爷爷, …
}

// Person is anyone who talks to the bot, with the roles they hold.
type Person struct {
	ID          uint64
	Name        string
	NameChosen  bool // set with /name: the platform's display name no longer replaces it
	Admin       bool
	Teacher     bool
	HeadOf      []uint64 // classes this person is head teacher (班主任) of
	TeachesIn   []uint64 // classes this teacher was invited for
	Parents     []ParentLink
	Muted       bool // a parent who paused scheduled messages
	Unreachable bool // the platform refused delivery (never started the bot, blocked it)
	Accounts    []Account
	CreatedAt   time.Time
}

// IsHeadOf reports whether p is head teacher of the class.
func (p Person) IsHeadOf(classID uint64) bool { return containsID(p.HeadOf, classID) }

// IsParentOf reports whether p is a bound parent of the student.
func (p Person) IsParentOf(studentID uint64) bool {
	for _, l := range p.Parents {
		if l.StudentID == studentID {
			return true
		}
	}
	return false
}

// Reachable is the account to write to privately: none when the platform
// refused delivery.
func (p Person) Reachable() (Account, bool) {
	if p.Unreachable {
		return Account{}, false
	}
	for _, a := range p.Accounts {
		if a.ChatID != "" {
			return a, true
		}
	}
	return Account{}, false
}

// IsStaff: admins, head teachers and teachers.
func (p Person) IsStaff() bool { return p.Admin || p.Teacher || len(p.HeadOf) > 0 }

// Group kinds.
const (
	GroupTeacher = "teacher"
	GroupParent  = "parent"
)

// Group is a registered group chat.
type Group struct {
	Platform string
	ChatID   string
	Title    string
	Kind     string // GroupTeacher or GroupParent
	ClassID  uint64 // 0: a school-wide teacher group
	By       uint64
	At       time.Time
}

// Invite kinds.
const (
	InviteAdmin   = "admin"
	InviteTeacher = "teacher"
	InviteParent  = "parent"
)

// Invite is a one-time code.
type Invite struct {
	Code        string
	Kind        string
	ClassID     uint64
	HeadTeacher bool
	StudentID   uint64
	Relation    string
	CreatedBy   uint64
	CreatedAt   time.Time
	Expires     time.Time
	UsedBy      uint64
	UsedAt      time.Time
	Revoked     bool // voided unused (it was posted in a group)
}

// Session is one tutoring session (辅导记录).
type Session struct {
	ID        uint64
	No        uint64 `json:",omitempty"` // the school-wide record number shown as #37
	StudentID uint64
	AuthorID  uint64
	Subject   string
	Minutes   int
	At        time.Time // the day it happened (time of recording on that day)
	Note      string
	CreatedAt time.Time
}

// Contact is a home contact (家校沟通).
type Contact struct {
	ID        uint64
	No        uint64 `json:",omitempty"` // the school-wide record number shown as #37
	StudentID uint64
	AuthorID  uint64
	Method    string // 电话 微信 面谈 家访 家长会 短信 视频
	Whom      string // 妈妈, 代管家长, … (may be empty)
	Content   string
	// FromParent marks a message a parent wrote to the bot (its author is
	// the parent), relayed to the teachers: a contact the family started.
	FromParent bool `json:",omitempty"`
	At         time.Time
	CreatedAt  time.Time
}

// WhomStudent is the student as whom a contact was with (a talk with the
// child, 谈心): kept with the contacts, but no contact with the family.
const WhomStudent = "本人"

// WithFamily tells whether c is a contact the school made with the
// student's family: not the family's own message, not a talk with the
// child. Only these count as the month's contact with the parents.
func (c Contact) WithFamily() bool { return !c.FromParent && c.Whom != WhomStudent }

// Praise is a step forward, in encouraging words (成长记录).
type Praise struct {
	ID        uint64
	No        uint64 `json:",omitempty"` // the school-wide record number shown as #37
	StudentID uint64
	AuthorID  uint64
	Text      string
	At        time.Time
	CreatedAt time.Time
}

// Comment is a mentor's written semester comment (书面评语).
type Comment struct {
	ID        uint64
	No        uint64 `json:",omitempty"` // the school-wide record number shown as #37
	StudentID uint64
	AuthorID  uint64
	Semester  string
	Text      string
	At        time.Time
	CreatedAt time.Time
	// Sources are the records a comment drafted from them was composed of
	// (their numbers), kept so every sentence can be traced back.
	Sources []uint64 `json:",omitempty"`
}

// Meeting is a parents' meeting of a class.
type Meeting struct {
	ID        uint64
	ClassID   uint64
	At        time.Time
	Topic     string
	AuthorID  uint64
	CreatedAt time.Time
}

// AuditEntry says who read or changed which students' files, when and where.
// It holds ids, never names, so an erased student leaves no name behind.
type AuditEntry struct {
	At         time.Time
	ActorID    uint64
	Action     string
	StudentIDs []uint64
	Where      string // platform:chat
	Detail     string
	// Kind and Ref name the record an "add" entry created, for /undo.
	Kind string `json:",omitempty"`
	Ref  []byte `json:",omitempty"`
}

// Queued is a message waiting in the durable outbox.
type Queued struct {
	ID        uint64
	Platform  string
	ChatID    string
	ChatTitle string
	Thread    string // a forum topic within the chat, "" for none
	Private   bool
	PersonID  uint64 // recipient, for private messages
	StudentID uint64 // the student it is about, so an erasure can drop it
	Text      string
	NotBefore time.Time
	Key       string // dedupe key of scheduled messages (job/period/recipient)
	Attempts  int
	InFlight  bool // handed to the platform; not confirmed sent
	// Sources are the records a message composed from them says something
	// about (their numbers): the parents' weekly words, traceable.
	Sources []uint64 `json:",omitempty"`
	// Answers are one-tap answers offered with the message where the
	// platform has buttons (Telegram): 打了 under the family-call nudge.
	Answers []string `json:",omitempty"`
}

// Meta describes the chat message that caused a write: its dedupe key, who
// sent it and where. Every write records it in the audit log and marks the
// message processed in the same transaction.
type Meta struct {
	MsgKey  string // platform message id; empty for writes not caused by a message
	ActorID uint64
	Where   string
	At      time.Time
	// Reply, when set, is journaled in the same transaction that marks the
	// message processed, with a stand-in text: if the process dies before
	// the real reply goes out, the stand-in goes after the restart, so an
	// acknowledged record's reply is never lost. The engine sets its ID.
	Reply *Queued
}

func containsID(ids []uint64, id uint64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
