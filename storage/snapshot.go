package storage

import "time"

// Snapshot is a whole school's data in no engine's shape, for moving a
// school from one engine to another (`bangfu migrate`): every record with
// its id and number, the audit log (a record's Ref is its number, a
// meeting's its id, as 8 bytes), processed ids, the outbox and the journal
// of replies, platform values and run marks, the semesters started from
// chat.
type Snapshot struct {
	Classes       []Class
	Students      []Student
	People        []Person
	Groups        []Group
	Invites       []Invite
	Records       []Record
	Meetings      []Meeting
	Audit         []AuditEntry
	Processed     []Stamped
	OutboxKeys    []Stamped
	Outbox        []Queued
	Replies       []Queued
	PlatformState []PlatformValue
	Terms         []Term
	LastPromotion time.Time
}

// Stamped is a key with the time it was written.
type Stamped struct {
	Key string
	At  time.Time
}

// PlatformValue is one value a platform adapter (or the scheduler) keeps.
type PlatformValue struct {
	Platform, Name string
	Value          []byte
}

// Counts is how many of each the snapshot holds, to verify a migration.
func (s Snapshot) Counts() map[string]int {
	kinds := map[string]int{}
	for _, r := range s.Records {
		kinds[r.Kind]++
	}
	return map[string]int{
		"classes": len(s.Classes), "students": len(s.Students), "people": len(s.People), "groups": len(s.Groups),
		"invites": len(s.Invites), "sessions": kinds[KindSession], "contacts": kinds[KindContact], "praise": kinds[KindPraise],
		"comments": kinds[KindComment], "meetings": len(s.Meetings), "audit": len(s.Audit), "processed": len(s.Processed),
		"outbox_keys": len(s.OutboxKeys), "outbox": len(s.Outbox), "replies": len(s.Replies), "platform_state": len(s.PlatformState),
		"terms": len(s.Terms),
	}
}

// Snapshotter is an engine a school can be moved out of and into.
type Snapshotter interface {
	Snapshot() (Snapshot, error)
	// Restore replaces everything the engine holds with the snapshot, in
	// one transaction: running it twice gives the same database.
	Restore(Snapshot) error
}
