package commands

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"time"

	"bangfu/commands/report"
	"bangfu/storage"
)

// Correcting records by their number: /edit #37 … and /delete #37. The
// number is the one /history and every saved record's reply show; it never
// shifts when new records arrive. The author, the student's head teacher
// and admins may change a record; /undo stays for one's own last record.

// parseRecordNo reads #37 (also 37, 第37条, 37号).
func parseRecordNo(tok string) (uint64, bool) {
	s := strings.TrimPrefix(strings.TrimPrefix(tok, "#"), "第")
	s = strings.TrimSuffix(strings.TrimSuffix(s, "条"), "号")
	if s == "" || len(s) > 9 || !isDigits(s) {
		return 0, false
	}
	no, err := strconv.ParseUint(s, 10, 64)
	return no, err == nil && no > 0
}

// aRecord is a record found by number with its student, checked for the
// sender's right to change it.
type aRecord struct {
	no  uint64
	rec storage.Record
	f   found
}

// recordToChange finds the record the first argument numbers and checks that
// the sender may change it.
func (h *Handler) recordToChange(r *req, notANumber func(tok string) error) (aRecord, error) {
	if r.args.len() == 0 {
		return aRecord{}, r.usage(recordNoMissing())
	}
	tok := r.args.at(0)
	no, ok := parseRecordNo(tok)
	if !ok {
		return aRecord{}, notANumber(tok)
	}
	rec, err := h.Store.RecordByNo(no)
	if errors.Is(err, storage.ErrNotFound) {
		return aRecord{}, refuse(noSuchRecord(no))
	}
	if err != nil {
		return aRecord{}, err
	}
	st, err := h.Store.Student(rec.StudentID())
	if err != nil {
		return aRecord{}, err
	}
	c, err := h.Store.Class(st.ClassID)
	if err != nil {
		return aRecord{}, err
	}
	if rec.AuthorID() != r.me.ID && !canManageClass(r.me, st.ClassID) {
		return aRecord{}, refuse(recordNotYours(no))
	}
	// A finished semester's comments are its archive.
	if rec.Comment != nil && rec.Comment.Semester != h.Cal.TermAt(r.now).Key() {
		name := rec.Comment.Semester
		for _, t := range h.Cal.Terms() {
			if t.Key() == rec.Comment.Semester {
				name = report.TermName(t)
			}
		}
		return aRecord{}, refuse(commentArchived(name))
	}
	return aRecord{no: no, rec: rec, f: found{st, c}}, nil
}

func (h *Handler) edit(r *req) (string, error) {
	ar, err := h.recordToChange(r, func(tok string) error {
		return r.usage(editNeedsNo(clip(tok, 12)))
	})
	if err != nil {
		return "", err
	}
	if c := ar.rec.Contact; c != nil && c.FromParent {
		return "", refuse(parentWordsNotEditable(ar.no)) // the family's own words
	} else if c != nil && c.Method == replyMethod {
		return "", refuse(sentReplyNotEditable(ar.no)) // what the parent received
	}
	// The whole line pasted back (/修改 #1 张三 英语 30分钟): the student's
	// name is not part of the change; another student's is refused.
	if name := r.args.at(1); name != "" {
		if ref := parseStudentRef(name); ref.name == ar.f.st.Name {
			r.args = newArgs(r.args.at(0) + " " + r.args.from(2))
		} else if h.isStudent(r, ref.name) {
			return "", refuse(editOtherStudent(ar.no, ar.f.label(), name))
		}
	}
	see := r.sight(ar.f.st)
	if r.args.len() == 1 {
		return "", refuse(editNeedsWhat(ar.no, recordLine(h.Cal, ar.rec, h.personName, see), editExample(ar.rec.Kind, ar.no)))
	}
	change, notify, err := h.parseEdit(r, ar)
	if err != nil {
		return "", err
	}
	if leavesAsIs(ar.rec, change) {
		return "", refuse(editChangesNothing(ar.no, recordLine(h.Cal, ar.rec, h.personName, see)))
	}
	ed, err := h.Store.EditRecord(r.meta, ar.no, change, notify)
	if errors.Is(err, storage.ErrNotFound) {
		return "", refuse(noSuchRecord(ar.no))
	}
	if err != nil {
		return "", err
	}
	h.tellAuthor(r, ar, func(see sight) string {
		return authorRecordEdited(report.TeacherName(r.me), ar.no, ar.f.label(), recordLine(h.Cal, ed.Before, h.personName, see), recordLine(h.Cal, ed.After, h.personName, see))
	})
	out := recordEdited(ar.no, ar.f.label(), recordLine(h.Cal, ed.Before, h.personName, see), recordLine(h.Cal, ed.After, h.personName, see))
	if ed.After.Kind == storage.KindPraise && len(notify) > 0 {
		if ed.UnsentReplaced > 0 {
			out += praiseEditUnsentReplaced(ed.UnsentReplaced)
		}
		if ed.UnsentReplaced < len(notify) {
			out += praiseEditSentStays()
		}
	}
	return out, nil
}

// leavesAsIs tells whether change, applied to a copy of rec, leaves it as
// it was: nothing to store, audit or tell the author.
func leavesAsIs(rec storage.Record, change func(*storage.Record) error) bool {
	probe := rec
	probe.Session, probe.Contact, probe.Praise, probe.Comment = copyOf(rec.Session), copyOf(rec.Contact), copyOf(rec.Praise), copyOf(rec.Comment)
	return change(&probe) == nil && reflect.DeepEqual(probe, rec)
}

// copyOf is a copy of *p (nil for nil), for a change tried on the side.
func copyOf[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

// namesADuration tells whether a correction writes a duration (30分钟, or
// glued: 数学30分钟).
func namesADuration(a args) bool {
	for i := 1; i < a.len(); i++ {
		if _, ok := parseDuration(a.at(i)); ok {
			return true
		}
		if _, _, ok := splitGluedDuration(a.at(i)); ok {
			return true
		}
	}
	return false
}

// parseEdit reads the new version of a record, in the shape of the command
// that made it without the student: a session as /log, a contact as
// /contact, praise and comments as their words. A day left out keeps the
// record's day (not today) and a note left out keeps the note; a duration
// alone or a day alone changes only that; of a contact, the way, whom it
// was with and what was said each stay unless written.
func (h *Handler) parseEdit(r *req, ar aRecord) (func(*storage.Record) error, []storage.Queued, error) {
	keepClock := func(old, day time.Time) time.Time { return day.Add(old.Sub(h.Cal.Day(old))) }
	r.example = editExample(ar.rec.Kind, ar.rec.No()) // a contact's correction is not shaped like a session's
	switch ar.rec.Kind {
	case storage.KindSession, storage.KindContact:
		if r.args.len() == 2 { // a day alone moves the record to that day
			if d := parseDay(r.args.at(1), r.now, h.Cal, false); d.isDate {
				day, err := h.checkRecordDay(r, d, r.args.at(1))
				if err != nil {
					return nil, nil, err
				}
				return func(rec *storage.Record) error {
					if rec.Session != nil {
						rec.Session.At = keepClock(rec.Session.At, day)
						rec.At = rec.Session.At
					} else {
						rec.Contact.At = keepClock(rec.Contact.At, day)
						rec.At = rec.Contact.At
					}
					return nil
				}, nil, nil
			}
		}
	}
	switch ar.rec.Kind {
	case storage.KindSession:
		if r.args.len() == 2 {
			if m, ok := parseDuration(r.args.at(1)); ok {
				if m < 1 || m > 600 {
					return nil, nil, r.usage(logDurationOutOfRange(r.args.at(1)))
				}
				return func(rec *storage.Record) error { rec.Session.Minutes = m; return nil }, nil, nil
			}
		}
		if !namesADuration(r.args) {
			// The subject alone (/修改 #3 英语) keeps the minutes, as the
			// help promises of what is not written.
			r.args = newArgs(r.args.src + " " + strconv.Itoa(ar.rec.Session.Minutes) + "分钟")
		}
		in, err := h.parseLog(r)
		if err != nil {
			return nil, nil, err
		}
		return func(rec *storage.Record) error {
			s := rec.Session
			s.Subject, s.Minutes = in.subject, in.minutes
			if in.note != "" { // a correction of the minutes does not lose the note
				s.Note = in.note
			}
			if in.dayGiven {
				s.At = keepClock(s.At, in.day)
			}
			rec.At = s.At
			return nil
		}, nil, nil
	case storage.KindContact:
		in, err := h.parseContact(r, true)
		if err != nil {
			return nil, nil, err
		}
		return func(rec *storage.Record) error {
			c := rec.Contact
			if in.method != "" { // 电话 alone corrects the way, not whom it was with
				c.Method = in.method
			}
			if in.whom != "" {
				c.Whom = in.whom
			}
			if in.content != "" {
				c.Content = in.content
			}
			if in.dayGiven {
				c.At = keepClock(c.At, in.day)
			}
			rec.At = c.At
			return nil
		}, nil, nil
	case storage.KindPraise:
		text := r.args.from(1)
		if runeLen(text) > 300 {
			return nil, nil, r.usage(praiseTooLong())
		}
		if w := report.BannedWordIn(text); w != "" {
			return nil, nil, r.usage(praiseBannedWord(w))
		}
		author := r.me
		if ar.rec.AuthorID() != r.me.ID { // the parents hear it from the teacher who praised
			if p, err := h.Store.Person(ar.rec.AuthorID()); err == nil {
				author = p
			}
		}
		notify, _, err := h.praiseNotes(r, ar.f.st, author, text)
		if err != nil {
			return nil, nil, err
		}
		return func(rec *storage.Record) error { rec.Praise.Text = text; return nil }, notify, nil
	case storage.KindComment:
		text := r.args.from(1)
		if runeLen(text) > 1000 {
			return nil, nil, r.usage(commentTooLong())
		}
		if w := report.BannedWordIn(text); w != "" {
			return nil, nil, r.usage(commentBannedWord(w))
		}
		return func(rec *storage.Record) error { rec.Comment.Text = text; return nil }, nil, nil
	}
	return nil, nil, refuse(noSuchRecord(ar.no))
}

func (h *Handler) deleteRecord(r *req) (string, error) {
	ar, err := h.recordToChange(r, func(tok string) error {
		return refuse(deleteNeedsNo(clip(tok, 12)))
	})
	if err != nil {
		return "", err
	}
	if r.args.len() > 1 {
		return "", r.usage(deleteOnlyNo())
	}
	u, err := h.Store.DeleteRecord(r.meta, ar.no)
	if errors.Is(err, storage.ErrNotFound) {
		return "", refuse(noSuchRecord(ar.no))
	}
	if err != nil {
		return "", err
	}
	h.tellAuthor(r, ar, func(see sight) string {
		return authorRecordDeleted(report.TeacherName(r.me), ar.no, ar.f.label(), recordLine(h.Cal, ar.rec, h.personName, see))
	})
	out := recordDeleted(ar.no, ar.f.label(), recordLine(h.Cal, ar.rec, h.personName, r.sight(ar.f.st)))
	if u.Kind == storage.KindPraise {
		if u.UnsentDropped > 0 {
			out += undoneUnsentToo()
		} else {
			out += undoneSentStays()
		}
	}
	if u.Kind == storage.KindContact {
		out += contactQueuedFate(u)
	}
	return out, nil
}

// contactQueuedFate says what became of the messages an undone contact had
// queued: those still waiting (a /回复 in the quiet hours) are cancelled; a
// /回复 already handed over stays with the parent.
func contactQueuedFate(u storage.Undone) string {
	switch {
	case u.UnsentDropped > 0:
		return undoneUnsentMessages()
	case u.Contact != nil && u.Contact.Method == replyMethod:
		return replyStaysSent()
	}
	return ""
}

// tellAuthor lets the teacher who wrote a record know, in private, that
// the head teacher or an admin corrected or deleted it: it was their
// record, and /history would have surprised them. The words are theirs to
// see (the author's sight). Best effort: the change is made and kept
// whether or not the notice can be queued.
func (h *Handler) tellAuthor(r *req, ar aRecord, text func(see sight) string) {
	author := ar.rec.AuthorID()
	if author == 0 || author == r.me.ID {
		return
	}
	p, err := h.Store.Person(author)
	if err != nil || !p.IsStaff() {
		return
	}
	acc, ok := p.Reachable()
	if !ok {
		return
	}
	see := sight{me: p.ID, all: privileged(p, ar.f.st), private: true}
	q := storage.Queued{Platform: acc.Platform, ChatID: acc.ChatID, ChatTitle: p.Name, Private: true, PersonID: p.ID,
		NotBefore: h.Cal.AfterQuietHours(r.now), Key: "record-changed:" + r.msg.Key(), Text: text(see)}
	if err := h.Store.Enqueue(storage.Meta{}, q); err != nil {
		h.Log.Error("telling a record's author of a change failed", "err", err, "record", ar.no)
	}
}
