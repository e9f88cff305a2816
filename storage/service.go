package storage

import "time"

// The services commands, reminders and the outbox need, one interface per
// concern (benbjohnson/wtf). Every engine implements all of them as Store;
// storagetest holds the behaviour each must show. Writes take a Meta: the
// engine audits them and marks the causing message processed in the same
// transaction, refusing a redelivery with ErrDuplicate.

// SchoolService keeps classes and the register of supported students.
type SchoolService interface {
	EnsureClass(grade, number int) (Class, error)
	ClassByGrade(grade, number int) (Class, bool, error)
	Class(id uint64) (Class, error)
	Classes() ([]Class, error)

	// AddStudent adds a student, or updates one of the same name in the
	// class when the Meta's actor re-registers them; added reports which.
	AddStudent(m Meta, grade, number int, st Student) (s Student, added bool, err error)
	// AddStudents adds several students to one class in one write, all or
	// none: one already on the register (EConflict) adds nobody.
	AddStudents(m Meta, grade, number int, sts []Student) (out []Student, reopened []bool, err error)
	StudentsNamed(name string) ([]Student, error)
	Student(id uint64) (Student, error)
	StudentsInClass(classID uint64) ([]Student, error)
	AllStudents() ([]Student, error)
	UpdateStudent(m Meta, id uint64, action string, fn func(*Student) error) (Student, error)
	// UpdateStudents applies fn to each student in one write, all or none,
	// audited once with every student (a mentor for several at once).
	UpdateStudents(m Meta, ids []uint64, action string, fn func(*Student) error) ([]Student, error)
	// MoveStudent moves a student to another class (转班), created if new;
	// the records go with the student. A student of the same name under
	// support there is a conflict.
	MoveStudent(m Meta, id uint64, grade, number int) (Student, Class, error)
	// DeleteStudent erases a student and everything about them, so that no
	// byte of it stays readable in the engine's files.
	// DeleteStudent erases a student and every record of them. mentions are
	// how chat text names the child (the name, or the class-qualified forms
	// when a namesake stays): queued messages containing one are dropped,
	// and people's names lose it.
	DeleteStudent(m Meta, id uint64, mentions []string) (Erased, error)
	// ImportStudents adds or updates every row: all or nothing, idempotent.
	ImportStudents(m Meta, rows []ImportRow) (added, updated, unchanged int, err error)
}

// PersonService keeps people, their roles and platform accounts.
type PersonService interface {
	PersonByAccount(platform, userID string) (Person, bool, error)
	EnsurePerson(platform, userID, privateChat, name string) (Person, error)
	Person(id uint64) (Person, error)
	People() ([]Person, error)
	UpdatePerson(m Meta, id uint64, action string, fn func(*Person) error) (Person, error)
}

// GroupService keeps the registered group chats.
type GroupService interface {
	Group(platform, chatID string) (Group, bool, error)
	SetGroup(m Meta, g Group) error
	MoveGroup(platform, oldID, newID string) error
	Groups() ([]Group, error)
}

// InviteService issues and redeems one-time codes.
type InviteService interface {
	CreateInvite(m Meta, inv Invite) (Invite, error)
	UseInvite(m Meta, code string, personID uint64) (Invite, Person, error)
	// RevokeInvite voids an unused code (it was shown where others could
	// read it): its use is refused from now on. revoked is false for a code
	// never issued, used already or void already.
	RevokeInvite(m Meta, code string) (revoked bool, err error)
	// InviteExists reports whether this school issued the code (used or
	// not): a county's shared account routes /join by it.
	InviteExists(code string) (bool, error)
}

// RecordService keeps tutoring sessions, contacts, praise, comments and
// meetings, and answers the questions reports ask of them.
type RecordService interface {
	// AddSession stores a session and counts the student's sessions in each
	// range afterwards, in the same transaction.
	AddSession(m Meta, se Session, count ...Range) (Session, []int, error)
	// AddSessions stores a session for each of several students tutored
	// together, in one transaction (all or none, the message marked
	// processed once), each with its own number and audit entry, and
	// counts each student's sessions in each range: counts[i][j] is ses[i]'s
	// student in count[j].
	AddSessions(m Meta, ses []Session, count ...Range) ([]Session, [][]int, error)
	// AddPraises stores a step forward for each of several students in one
	// transaction, as AddSessions, each with its parents' messages
	// (notify[i] for ps[i]) queued with it and keyed under it.
	AddPraises(m Meta, ps []Praise, notify [][]Queued) ([]Praise, error)
	// AddContacts stores several students' contacts in one transaction, as
	// AddPraises (a parent of two children's voice message, kept for each
	// child and relayed to each child's teachers).
	AddContacts(m Meta, cs []Contact, notify [][]Queued) ([]Contact, error)
	// AddContact stores a contact and queues notify with it (a parent's
	// message relayed to the teachers, a teacher's answer to the parent).
	// It counts the school's contacts in count afterwards (a parent's own
	// messages are not counted: StudentCounts.Contacts).
	AddContact(m Meta, c Contact, count Range, notify ...Queued) (Contact, int, error)
	// AddPraise stores a praise and queues the parents' messages with it.
	AddPraise(m Meta, p Praise, notify []Queued) (Praise, error)
	// SetComment stores or replaces an author's comment; replaced says which.
	SetComment(m Meta, c Comment) (saved Comment, replaced bool, err error)
	Comments(student uint64, semester string) ([]Comment, error)
	AllComments(semester string) ([]Comment, error)
	AddMeeting(m Meta, mt Meeting) (Meeting, error)
	Meetings(from, to time.Time) ([]Meeting, error)
	Meeting(id uint64) (Meeting, error)
	// CancelMeeting removes a meeting and queues the parents' notices with it.
	CancelMeeting(m Meta, id uint64, notify []Queued) (Meeting, error)
	// MoveMeeting sets a meeting's time and queues the parents' notices with it.
	MoveMeeting(m Meta, id uint64, at time.Time, notify []Queued) (Meeting, error)

	Sessions(student uint64, from, to time.Time) ([]Session, error)
	Contacts(student uint64, from, to time.Time) ([]Contact, error)
	PraiseOf(student uint64, from, to time.Time) ([]Praise, error)
	SessionsBetween(from, to time.Time) ([]Session, error)
	ContactsBetween(from, to time.Time) ([]Contact, error)
	PraiseBetween(from, to time.Time) ([]Praise, error)
	CountFor(student uint64, from, to time.Time) (StudentCounts, error)
	LastContact(student uint64, before time.Time) (time.Time, error)
	History(student uint64, n int) ([]Record, error)
	// Undo removes the actor's most recent record created at or after since.
	Undo(m Meta, since time.Time) (Undone, error)

	// Every session, contact, praise and comment has a number, unique in the
	// school and never reused, that /history shows as #37.
	RecordByNo(no uint64) (Record, error)
	// EditRecord changes record #no with fn, which gets the record as it is
	// now and may change its fields but not its number, kind, student or
	// author (those are kept). A praise's parents' messages not sent yet are
	// replaced by notify (matched by PersonID); sent ones stay as they were.
	EditRecord(m Meta, no uint64, fn func(*Record) error, notify []Queued) (Edited, error)
	// DeleteRecord removes record #no, with a praise's unsent messages.
	DeleteRecord(m Meta, no uint64) (Undone, error)
}

// AuditService records who read what, and which messages were processed.
type AuditService interface {
	Processed(msgKey string) (bool, error)
	MarkProcessed(m Meta) error
	PruneProcessed(before time.Time) (int, error)
	// AuditRead logs a read and marks the message processed in one write.
	AuditRead(m Meta, action, detail string, students ...uint64) error
	AuditLog(from, to time.Time) ([]AuditEntry, error)
}

// OutboxService is the durable queue of messages and the journal of replies
// waiting for their turn.
type OutboxService interface {
	Enqueue(m Meta, qs ...Queued) error
	WasQueued(key string) (bool, error)
	Queue(until time.Time, limit int) ([]Queued, error)
	Dequeue(q Queued) error
	// MarkSending claims a message before it is handed over, so a crash
	// never sends it twice and two processes sharing the database never
	// both send it: EConflict when it is in flight already or gone.
	MarkSending(q Queued) error
	Requeue(q Queued, at time.Time) error
	// Release clears the in-flight mark of a message that was not sent after
	// all (its platform went away): it waits, and no attempt is counted.
	Release(q Queued) error

	JournalReply(q Queued) (uint64, error)
	ReplySending(id uint64) error
	ReplyDone(id uint64) error
	ReplyWaiting(id uint64) error
	// RecoverReplies moves the journaled replies of processes no longer
	// running into the outbox (at start-up, and, where several processes
	// share the database, every minute); those marked sending are dropped
	// (they may have gone out).
	RecoverReplies() (moved, dropped int, err error)
}

// YearService keeps the school year's turns: semesters started from chat and
// the classes moving up a grade.
type YearService interface {
	StartedTerms() ([]Term, error)
	// StartTerm records a semester (replacing one with the same first day).
	StartTerm(m Meta, t Term) error
	// PromoteClasses moves every class up a grade; classes of a graduating
	// grade leave (their students' support closed with reason, their head
	// teachers freed). A second promotion within minGap of the last is
	// refused with EConflict, its At the last one.
	PromoteClasses(m Meta, graduating []int, reason string, minGap time.Duration) (Promotion, error)
}

// PlatformStateService keeps small per-platform values (offsets, sessions).
type PlatformStateService interface {
	PlatformValue(platform, name string) ([]byte, error)
	SetPlatformValue(platform, name string, v []byte) error
}

// RunService remembers which scheduled runs are done, so a restart neither
// repeats nor misses one.
type RunService interface {
	RunMark(run string) (status string, done bool, err error)
	// CompleteRun marks a run and queues its messages in one transaction.
	CompleteRun(run, status string, qs ...Queued) error
}

// FirstStartRun is the run mark that keeps when a school's reminders were
// first kept (its first start, RFC 3339): what fell due before it was
// never the bot's to send.
const FirstStartRun = "scheduler/since"

// LeaseService lets several processes sharing one database agree who holds
// what only one may hold at a time (a platform session).
type LeaseService interface {
	// Lease takes or renews name for holder until now+ttl; false means
	// another holder has it and it has not expired.
	Lease(name, holder string, ttl time.Duration, now time.Time) (bool, error)
	// Unlease gives name up, if holder has it.
	Unlease(name, holder string) error
}

// Bulk writes many records in one transaction as they were written at their
// own times (records with their audit entries, processed ids, queued and
// delivered messages): generators and tests that need a school's year.
type Bulk interface {
	Student(grade, number int, st Student) (Student, error)
	Person(p Person) (Person, error)
	Session(se Session) error
	Contact(c Contact) error
	Praise(p Praise) error
	Group(g Group) error
	// Audit appends an entry as written at e.At.
	Audit(e AuditEntry) error
	MarkProcessed(msgKey string, at time.Time) error
	Enqueue(q Queued) error
	// Delivered remembers a scheduled message's key as sent long ago.
	Delivered(key string, at time.Time) error
}

// BulkLoader runs fn in one write transaction.
type BulkLoader interface {
	Bulk(m Meta, fn func(b Bulk) error) error
}

// Store is everything an engine provides.
type Store interface {
	SchoolService
	PersonService
	GroupService
	InviteService
	RecordService
	AuditService
	OutboxService
	PlatformStateService
	RunService
	YearService
	LeaseService
	BulkLoader
	Close() error
}
