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

// Undone describes what /undo took back.
type Undone struct {
	Kind      string
	StudentID uint64
	Session   *Session
	Contact   *Contact
	Praise    *Praise
	Comment   *Comment
	Meeting   *Meeting
	// UnsentDropped counts parents' messages of a praise that had not gone out
	// yet and were withdrawn.
	UnsentDropped int
}

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
