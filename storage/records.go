package storage

import "time"

// Record kinds, as kept in the audit log and shown by /undo and /history.
const (
	KindSession = "session"
	KindContact = "contact"
	KindPraise  = "praise"
	KindComment = "comment"
	KindMeeting = "meeting"
)

// Range is a half-open time interval [From, To).
type Range struct{ From, To time.Time }

// StudentCounts are one student's figures over a range.
// Contacts are the contacts the school made with the family
// (Contact.WithFamily): a parent's own message and a talk with the child
// are kept with them but are no contact of the teacher's with the family.
type StudentCounts struct {
	Sessions, Minutes, Contacts, Praise int
	LastSession                         time.Time
}

// Record is one entry of a student's history.
type Record struct {
	Kind    string
	At      time.Time
	Session *Session
	Contact *Contact
	Praise  *Praise
	Comment *Comment
}

// core is what every kind of record has: its number, student and author.
func (r Record) core() (no, student, author uint64) {
	switch {
	case r.Session != nil:
		return r.Session.No, r.Session.StudentID, r.Session.AuthorID
	case r.Contact != nil:
		return r.Contact.No, r.Contact.StudentID, r.Contact.AuthorID
	case r.Praise != nil:
		return r.Praise.No, r.Praise.StudentID, r.Praise.AuthorID
	case r.Comment != nil:
		return r.Comment.No, r.Comment.StudentID, r.Comment.AuthorID
	}
	return 0, 0, 0
}

// No is the record's number, shown as #37; it never changes.
func (r Record) No() uint64 { no, _, _ := r.core(); return no }

// StudentID is the student the record is about.
func (r Record) StudentID() uint64 { _, st, _ := r.core(); return st }

// AuthorID is who recorded it.
func (r Record) AuthorID() uint64 { _, _, au := r.core(); return au }

// Clone copies the record and what it points to, so a change to one leaves
// the other as it was.
func (r Record) Clone() Record {
	c := r
	switch {
	case r.Session != nil:
		v := *r.Session
		c.Session = &v
	case r.Contact != nil:
		v := *r.Contact
		c.Contact = &v
	case r.Praise != nil:
		v := *r.Praise
		c.Praise = &v
	case r.Comment != nil:
		v := *r.Comment
		c.Comment = &v
	}
	return c
}

// Edited is a record before and after /edit.
type Edited struct {
	Before, After Record
	// UnsentReplaced counts a praise's parents' messages that had not gone
	// out yet and now carry the new words; the others had been sent.
	UnsentReplaced int
}

// Undone describes what /undo took back.
type Undone struct {
	Kind      string
	StudentID uint64
	Session   *Session
	Contact   *Contact
	Praise    *Praise
	Comment   *Comment
	Meeting   *Meeting
	// UnsentDropped counts the messages a praise or a contact queued that had
	// not gone out yet and were withdrawn with it.
	UnsentDropped int
}

// Promotion is what the year's turn did: the classes moved up a grade, the
// classes that graduated (their students' support closed) and the head
// teachers whose class graduated.
type Promotion struct {
	Moved          []ClassMove
	Graduated      []Class
	StudentsClosed int
	HeadsFreed     []uint64
}

// ClassMove is one class before and after moving up.
type ClassMove struct{ From, To Class }

// Erased counts what DeleteStudent removed.
type Erased struct {
	Sessions, Contacts, Praise, Comments, Parents, Invites, Queued int
	Renamed                                                        int // people whose name mentioned the child
}

// ImportRow is one student of an imported register.
type ImportRow struct {
	Grade, Number int
	Student       Student // Name, Categories, Key, WeeklyTarget, MentorID
	MentorGiven   bool
}

// InviteAlphabet leaves out the look-alikes 0/O, 1/I.
const InviteAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// InviteValidity is how long a code can be used.
const InviteValidity = 7 * 24 * time.Hour

// NoticesAt is the i-th record's messages of a write for several students
// (AddPraises, AddContacts): none when notify is shorter.
func NoticesAt(notify [][]Queued, i int) []Queued {
	if i < len(notify) {
		return notify[i]
	}
	return nil
}
