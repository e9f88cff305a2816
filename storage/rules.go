package storage

import (
	"crypto/rand"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// The rules every engine applies the same way, kept here once: what an
// edit may change, what an invite grants, what an erasure does to the
// people who stay, how a code is made.

// KeepIdentity undoes any change an edit made to what a record is: its
// number, id, kind, student, author, creation (and a comment's semester).
func KeepIdentity(before, after Record) Record {
	after.Kind = before.Kind
	switch {
	case before.Session != nil:
		v := *after.Session
		v.ID, v.No, v.StudentID, v.AuthorID, v.CreatedAt = before.Session.ID, before.Session.No, before.Session.StudentID, before.Session.AuthorID, before.Session.CreatedAt
		after.Session, after.At = &v, v.At
	case before.Contact != nil:
		v := *after.Contact
		v.ID, v.No, v.StudentID, v.AuthorID, v.CreatedAt = before.Contact.ID, before.Contact.No, before.Contact.StudentID, before.Contact.AuthorID, before.Contact.CreatedAt
		after.Contact, after.At = &v, v.At
	case before.Praise != nil:
		v := *after.Praise
		v.ID, v.No, v.StudentID, v.AuthorID, v.CreatedAt = before.Praise.ID, before.Praise.No, before.Praise.StudentID, before.Praise.AuthorID, before.Praise.CreatedAt
		after.Praise, after.At = &v, v.At
	case before.Comment != nil:
		v := *after.Comment
		v.ID, v.No, v.StudentID, v.AuthorID, v.CreatedAt, v.Semester = before.Comment.ID, before.Comment.No, before.Comment.StudentID, before.Comment.AuthorID, before.Comment.CreatedAt, before.Comment.Semester
		after.Comment, after.At = &v, v.At
	}
	return after
}

// PraiseKeyPrefix starts the outbox keys of a praise's messages to parents,
// so undoing or correcting the praise finds those not sent yet.
func PraiseKeyPrefix(id uint64) string { return "praise/" + strconv.FormatUint(id, 10) + "/" }

// ContactKeyPrefix starts the outbox keys of the messages a contact
// queued (a /回复 to the parent, a parent's message to the teachers), so
// that undoing it cancels those still waiting.
func ContactKeyPrefix(id uint64) string { return "contact/" + strconv.FormatUint(id, 10) + "/" }

// Notices are the messages a new contact queues, keyed under it.
func (c Contact) Notices(notify []Queued) []Queued {
	out := make([]Queued, 0, len(notify))
	for _, q := range notify {
		q.Key = ContactKeyPrefix(c.ID) + q.Key
		out = append(out, q)
	}
	return out
}

// WaitingFor reports whether a queued message is one a contact queued that
// has not been handed to its platform yet.
func (c Contact) WaitingFor(q Queued) bool {
	return strings.HasPrefix(q.Key, ContactKeyPrefix(c.ID)) && !q.InFlight
}

// PraiseEditKey starts the keys of the messages a correction queues: the
// first words' keys stay spent.
func PraiseEditKey(id uint64, at time.Time) string {
	return PraiseKeyPrefix(id) + "edit" + strconv.FormatInt(at.UnixNano(), 10) + "/"
}

// Applied is the student on the register as the import row has them (back
// under support if closed), and whether that changes anything.
func (r ImportRow) Applied(existing Student) (Student, bool) {
	st := existing
	st.Categories, st.Key, st.WeeklyTarget = r.Student.Categories, r.Student.Key, r.Student.WeeklyTarget
	if r.MentorGiven {
		st.MentorID = r.Student.MentorID
	}
	st.Closed, st.ClosedReason, st.ClosedAt = false, "", time.Time{} // on the register again
	return st, !sameRegistration(st, existing)
}

// sameRegistration reports whether an import would leave a student as is.
func sameRegistration(a, b Student) bool {
	if a.Key != b.Key || a.WeeklyTarget != b.WeeklyTarget || a.MentorID != b.MentorID || a.Closed != b.Closed || len(a.Categories) != len(b.Categories) {
		return false
	}
	for i := range a.Categories {
		if a.Categories[i] != b.Categories[i] {
			return false
		}
	}
	return true
}

// Reopen puts a closed student back under support with new details.
func Reopen(old, st Student) Student {
	old.Closed, old.ClosedReason, old.ClosedAt = false, "", time.Time{}
	old.Categories, old.Key, old.WeeklyTarget = st.Categories, st.Key, st.WeeklyTarget
	return old
}

// Shows says whether the person already carries the name and the private
// chat that a message from their account shows (an empty one shows nothing),
// so identifying them needs no write.
func (p Person) Shows(platform, userID, privateChat, name string) bool {
	if name != "" && p.Name != name && !p.NameChosen {
		return false
	}
	if privateChat == "" {
		return true
	}
	for _, a := range p.Accounts {
		if a.Platform == platform && a.UserID == userID {
			return a.ChatID == privateChat
		}
	}
	return false
}

// Identify takes the name and the private chat a message from their
// account shows.
func (p *Person) Identify(platform, userID, privateChat, name string) {
	if name != "" && !p.NameChosen {
		p.Name = name
	}
	for i := range p.Accounts {
		if p.Accounts[i].Platform == platform && p.Accounts[i].UserID == userID && privateChat != "" {
			p.Accounts[i].ChatID = privateChat
		}
	}
}

// Grant gives a person what an invite carries (the caller has checked a
// parent invite's child exists).
func (p *Person) Grant(inv Invite) {
	switch inv.Kind {
	case InviteAdmin:
		p.Admin = true
	case InviteTeacher:
		p.Teacher = true
		if inv.ClassID != 0 && !containsID(p.TeachesIn, inv.ClassID) {
			p.TeachesIn = append(p.TeachesIn, inv.ClassID)
		}
		if inv.HeadTeacher && !containsID(p.HeadOf, inv.ClassID) {
			p.HeadOf = append(p.HeadOf, inv.ClassID)
		}
	case InviteParent:
		if !p.IsParentOf(inv.StudentID) {
			p.Parents = append(p.Parents, ParentLink{StudentID: inv.StudentID, Relation: inv.Relation})
		}
	}
}

// HandsOverHead reports whether inv makes its user the head teacher of a
// class: the class's head teacher until then hands over (HandOver).
func (inv Invite) HandsOverHead() bool {
	return inv.Kind == InviteTeacher && inv.HeadTeacher && inv.ClassID != 0
}

// HandOver ends p's headship of the class, for a new head teacher: p stays
// one of the class's teachers. It reports whether p was its head teacher.
func (p *Person) HandOver(classID uint64) bool {
	if !p.IsHeadOf(classID) {
		return false
	}
	kept := p.HeadOf[:0]
	for _, id := range p.HeadOf {
		if id != classID {
			kept = append(kept, id)
		}
	}
	p.HeadOf = kept
	if !containsID(p.TeachesIn, classID) {
		p.TeachesIn = append(p.TeachesIn, classID)
	}
	return true
}

// Unlink takes a child off a parent; lone says nothing else is left to
// keep the person for (they are erased with the child).
func (p *Person) Unlink(student uint64) (lone bool) {
	kept := p.Parents[:0]
	for _, l := range p.Parents {
		if l.StudentID != student {
			kept = append(kept, l)
		}
	}
	p.Parents = kept
	return len(p.Parents) == 0 && !p.IsStaff()
}

// Unname takes a child's name out of a person's name (张三妈妈 → 妈妈, or the
// relation to a sibling); false when it did not mention the child.
func (p *Person) Unname(mentions []string) bool {
	if !MentionsAny(p.Name, mentions) {
		return false
	}
	if p.Name = WithoutMentions(p.Name, mentions); p.Name == "" && len(p.Parents) > 0 {
		p.Name = p.Parents[0].Relation
	}
	return true
}

// FreeClasses takes classes out of a person's head-teacher and teaching
// lists; headFreed says they were head teacher of one of them.
func (p *Person) FreeClasses(gone map[uint64]bool) (changed, headFreed bool) {
	keep := func(ids []uint64) []uint64 {
		var out []uint64
		for _, id := range ids {
			if !gone[id] {
				out = append(out, id)
			}
		}
		return out
	}
	heads, teaches := keep(p.HeadOf), keep(p.TeachesIn)
	headFreed = len(heads) != len(p.HeadOf)
	changed = headFreed || len(teaches) != len(p.TeachesIn)
	p.HeadOf, p.TeachesIn = heads, teaches
	return changed, headFreed
}

// MentionsAny reports whether text names the child in any of its forms.
func MentionsAny(text string, mentions []string) bool {
	for _, m := range mentions {
		if m != "" && strings.Contains(text, m) {
			return true
		}
	}
	return false
}

// WithoutMentions takes every mention of the child out of a text.
func WithoutMentions(s string, mentions []string) string {
	for _, m := range mentions {
		if m != "" {
			s = strings.ReplaceAll(s, m, "")
		}
	}
	return strings.TrimSpace(s)
}

// NewInviteCode makes a random 8-character code of InviteAlphabet.
func NewInviteCode() (string, error) {
	var raw [8]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	code := make([]byte, 8)
	for i, r := range raw {
		code[i] = InviteAlphabet[int(r)%len(InviteAlphabet)] // 256 is a multiple of 32: no bias
	}
	return string(code), nil
}

// Unsent reports whether a queued message is one of a praise's messages to
// parents that has not been handed to its platform yet.
func Unsent(q Queued, praiseID uint64) bool {
	return strings.HasPrefix(q.Key, PraiseKeyPrefix(praiseID)) && !q.InFlight
}

// Notices are a new praise's messages to the parents, keyed under the
// praise (so a correction can find those still waiting) and tied to the
// child (so an erasure drops them).
func (p Praise) Notices(notify []Queued) []Queued {
	out := make([]Queued, 0, len(notify))
	for _, q := range notify {
		q.Key = PraiseKeyPrefix(p.ID) + q.Key
		q.StudentID, q.Sources = p.StudentID, []uint64{p.No}
		out = append(out, q)
	}
	return out
}

// Renotified is what a praise correction queues: the new words for each
// parent whose first words were still waiting (and are withdrawn), nothing
// for those who got them; each under a key of its own (the first words'
// keys stay spent).
func Renotified(p Praise, waiting map[uint64]bool, notify []Queued, at time.Time) []Queued {
	var out []Queued
	for _, q := range notify {
		if waiting[q.PersonID] {
			q.Key = PraiseEditKey(p.ID, at) + q.Key
			q.StudentID = p.StudentID
			out = append(out, q)
		}
	}
	return out
}

// DecodeRecord makes a Record of a kind and its stored JSON document, as
// both engines keep them; the error is the decoder's own.
func DecodeRecord(kind string, doc []byte) (Record, error) {
	r := Record{Kind: kind}
	var err error
	switch kind {
	case KindSession:
		r.Session = new(Session)
		err = json.Unmarshal(doc, r.Session)
		r.At = r.Session.At
	case KindContact:
		r.Contact = new(Contact)
		err = json.Unmarshal(doc, r.Contact)
		r.At = r.Contact.At
	case KindPraise:
		r.Praise = new(Praise)
		err = json.Unmarshal(doc, r.Praise)
		r.At = r.Praise.At
	case KindComment:
		r.Comment = new(Comment)
		err = json.Unmarshal(doc, r.Comment)
		r.At = r.Comment.At
	}
	return r, err
}
