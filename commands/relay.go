package commands

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"bangfu/commands/report"
	"bangfu/storage"
)

// Parents and teachers talk through the bot privately: a parent's plain
// message reaches the child's mentor and head teacher, each in their own
// private chat, and is kept as a contact the family started; the teacher
// answers with /reply, which goes to that parent only. Quiet hours hold
// both ways; nothing goes to a group.

// relayMax caps a parent's message, as a contact's content is capped.
const relayMax = 500

// relaySpec is how a parent's plain private message is handled: through the
// same pipeline as a command (identified, deduplicated, stored with its
// reply journaled), but not a command anyone types, so not in /help.
func relaySpec() *spec {
	return &spec{name: "relay", who: rParent, whoText: relayWho(), where: inPrivate, writes: true,
		example: relayExample(), run: (*Handler).relay}
}

// relay passes a parent's message to the child's teachers.
func (h *Handler) relay(r *req) (string, error) {
	text := strings.TrimSpace(Normalize(r.msg.Text))
	media := r.msg.Media
	children := r.me.Parents
	if child, rest, err := h.relayChild(r, text); err == nil {
		children, text = []storage.ParentLink{child}, rest
	} else if media == "" && asksAboutTheWeek(text) {
		// 两个孩子最近怎么样: what /status answers, for each child, at once.
		weeks, err := h.parentStatus(r, "", false)
		if err != nil {
			return "", err
		}
		return weeks + "\n" + relayNameTheChild(enumerate(h.childrenNames(r.me))), nil
	} else if media == "" || text != "" {
		return "", err
	}
	// else a voice or a picture from the parent of several children, who
	// may not be able to type which one: it goes to each child's teachers.
	if text == "" && media == "" {
		return "", refuse(relayEmpty())
	}
	if runeLen(text) > relayMax {
		return "", refuse(relayTooLong(relayMax))
	}
	sendAt := r.now
	if h.Cal.InQuietHours(r.now) {
		sendAt = h.Cal.AfterQuietHours(r.now)
	}
	said := withMedia(text, media)
	if len(children) > 1 {
		said += "\n" + relayAboutWhichChild(enumerate(h.childrenNames(r.me)))
	}
	var names, childNames []string
	var kept []storage.Contact
	var notes [][]storage.Queued
	for _, child := range children {
		c, relays, passedTo, name, err := h.relayFor(r, child, said, mediaRecord(text, media), sendAt)
		if err != nil {
			return "", err
		}
		kept, notes, childNames = append(kept, c), append(notes, relays), append(childNames, name)
		for _, n := range passedTo {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	// Kept for each child and relayed to each child's teachers in one
	// write: a crash between two children's would lose the second's.
	if _, err := h.Store.AddContacts(r.meta, kept, notes); err != nil {
		return "", err
	}
	held := ""
	if sendAt.After(r.now) {
		held = report.Clock(h.Cal, sendAt)
	}
	if media != "" {
		return relayMediaPassed(media, enumerate(childNames), names, held), nil
	}
	out := relayPassed(childNames[0], names, held)
	if asksAboutTheWeek(text) {
		out += "\n" + relayStatusHint()
	}
	return out, nil
}

// asksAboutTheWeek: 孩子这周怎么样, 最近表现如何 — a question /status
// answers at once (the teachers get the message all the same).
func asksAboutTheWeek(text string) bool {
	return strings.ContainsAny(text, "周近") && (strings.Contains(text, "怎么样") || strings.Contains(text, "表现") ||
		strings.Contains(text, "情况") || strings.Contains(text, "如何"))
}

// relayFor prepares the message for one child: the family's contact that
// keeps it (kept), and its relays, as the teachers read it (said), to the
// child's head teacher and mentor (the admins while neither can be
// reached); with whom it goes to and the child's name. relay writes them.
func (h *Handler) relayFor(r *req, child storage.ParentLink, said, kept string, sendAt time.Time) (storage.Contact, []storage.Queued, []string, string, error) {
	var none storage.Contact
	st, err := h.Store.Student(child.StudentID)
	if err != nil {
		return none, nil, nil, "", err
	}
	class, err := h.Store.Class(st.ClassID)
	if err != nil {
		return none, nil, nil, "", err
	}
	people, err := h.Store.People()
	if err != nil {
		return none, nil, nil, "", err
	}
	rel := child.Relation
	if rel == "" {
		rel = "家长"
	}
	label := studentLabel(st, class)
	var notes []storage.Queued
	var names []string
	for _, t := range report.ReadersOf(st, people) {
		acc, _ := t.Reachable()
		names = append(names, report.TeacherName(t))
		notes = append(notes, storage.Queued{Platform: acc.Platform, ChatID: acc.ChatID, ChatTitle: t.Name, Private: true,
			PersonID: t.ID, StudentID: st.ID, NotBefore: sendAt, Key: fmt.Sprintf("relay:%s:%d:%d", r.msg.Key(), st.ID, t.ID),
			Text: relayToTeacher(label, rel, report.Day(h.Cal, r.now)+" "+report.Clock(h.Cal, r.now), said, st.Name, child.Relation)})
	}
	c := storage.Contact{StudentID: st.ID, Method: relayMethod, Whom: child.Relation, Content: kept, At: r.now, FromParent: true}
	return c, notes, names, st.Name, nil
}

// childrenNames are the names of a parent's children.
func (h *Handler) childrenNames(p storage.Person) []string {
	var names []string
	for _, l := range p.Parents {
		if st, err := h.Store.Student(l.StudentID); err == nil {
			names = append(names, st.Name)
		}
	}
	return names
}

// relayMethod is how a relayed message is filed among the contacts.
const relayMethod = "留言"

// relayChild picks which child a parent writes about: the only one, or the
// one whose name starts the message (张三：…), which is then cut off.
func (h *Handler) relayChild(r *req, text string) (storage.ParentLink, string, error) {
	links := r.me.Parents
	if len(links) == 1 {
		return links[0], text, nil
	}
	var names []string
	for _, l := range links {
		st, err := h.Store.Student(l.StudentID)
		if err != nil {
			continue
		}
		names = append(names, st.Name)
		if rest, ok := strings.CutPrefix(text, st.Name); ok {
			return l, strings.TrimLeft(rest, " :：，,"), nil
		}
	}
	return storage.ParentLink{}, "", refuse(relayWhichChild(enumerate(names)))
}

// replyLineRE finds, in a relayed message, the /回复 line it offers.
var replyLineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`/回复 (\S+(?: \S+)?) 您的回复$`) })

// replyLineIn is who a platform reply to a relayed message answers (张三
// 妈妈), "" when the quoted message is not one.
func replyLineIn(quote string) string {
	if !strings.HasPrefix(quote, "【家长留言】") {
		return ""
	}
	m := replyLineRE().FindStringSubmatch(quote)
	if m == nil {
		return ""
	}
	return m[1]
}

// reply sends a teacher's answer to the parent who wrote (or the one named).
func (h *Handler) reply(r *req) (string, error) {
	a := r.args
	if a.len() < 2 {
		// "/回复 好的": who is waiting for an answer, written out.
		if who, waiting := h.waitingParents(r); who != "" {
			r.example = "/回复 " + who + " " + orDefault(a.from(0), "收到")
			return "", r.usage(replyNeedsStudent(waiting))
		}
		return "", r.usage(replyNeedsAll())
	}
	ref, i := studentArg(a)
	rel := ""
	if w, ok := contactWhom[a.at(i)]; ok && i+1 < a.len() {
		rel, i = w, i+1
	}
	text := a.from(i)
	if text == "" {
		return "", r.usage(replyNeedsAll())
	}
	if runeLen(text) > relayMax {
		return "", r.usage(relayTooLong(relayMax))
	}
	if w := report.BannedWordIn(text); w != "" {
		return "", r.usage(praiseBannedWord(w))
	}
	f, err := h.resolveStudent(r, ref, false)
	if err != nil {
		// "/回复 收到，明天我找孩子谈谈": the answer without its student.
		if sr := parseStudentRef(ref); !sr.hasClass && sr.name != "" {
			if all, e := h.Store.StudentsNamed(sr.name); e == nil && len(all) == 0 {
				if who, waiting := h.waitingParents(r); who != "" {
					r.example = "/回复 " + who + " " + a.from(0)
					return "", r.usage(replyNeedsStudent(waiting))
				}
				return "", r.usage(replyWhichStudent(clip(sr.name, 10)))
			}
		}
		return "", err
	}
	if !privileged(r.me, f.st) {
		return "", refuse(replyNotYours(f.label()))
	}
	parent, link, err := h.replyTo(f, rel)
	if err != nil {
		return "", err
	}
	acc, ok := parent.Reachable()
	if !ok {
		return "", refuse(replyUnreachable(f.st.Name, orDefault(link.Relation, "家长")))
	}
	sendAt := h.Cal.AfterQuietHours(r.now)
	q := storage.Queued{Platform: acc.Platform, ChatID: acc.ChatID, ChatTitle: parent.Name, Private: true, PersonID: parent.ID,
		StudentID: f.st.ID, NotBefore: sendAt, Key: fmt.Sprintf("reply:%s:%d", r.msg.Key(), parent.ID),
		Text: replyToParent(report.TeacherName(r.me), f.st.Name, text)}
	if _, _, err := h.Store.AddContact(r.meta, storage.Contact{StudentID: f.st.ID, Method: replyMethod, Whom: link.Relation,
		Content: text, At: r.now}, report.Month(h.Cal, r.now), q); err != nil {
		return "", err
	}
	held := ""
	if sendAt.After(r.now) {
		held = report.Clock(h.Cal, sendAt)
	}
	return replySent(f.st.Name, orDefault(link.Relation, "家长"), held), nil
}

// replyMethod files a teacher's answer through the bot among the contacts.
const replyMethod = "留言回复"

// replyTo finds the parent an answer goes to: the one named by relation,
// else the last who wrote about the child in the last two months, else the
// only one bound.
func (h *Handler) replyTo(f found, rel string) (storage.Person, storage.ParentLink, error) {
	parents, err := h.parentsOf(f.st.ID)
	if err != nil {
		return storage.Person{}, storage.ParentLink{}, err
	}
	linkOf := func(p storage.Person) storage.ParentLink {
		for _, l := range p.Parents {
			if l.StudentID == f.st.ID {
				return l
			}
		}
		return storage.ParentLink{}
	}
	if len(parents) == 0 {
		return storage.Person{}, storage.ParentLink{}, refuse(replyNoParent(f.label(), f.st.Name))
	}
	if rel != "" {
		for _, p := range parents {
			if l := linkOf(p); l.Relation == rel {
				return p, l, nil
			}
		}
		return storage.Person{}, storage.ParentLink{}, refuse(replyNoSuchParent(f.label(), rel, relationsOf(parents, linkOf)))
	}
	now := h.Now()
	contacts, err := h.Store.Contacts(f.st.ID, now.AddDate(0, -2, 0), now.Add(time.Second))
	if err != nil {
		return storage.Person{}, storage.ParentLink{}, err
	}
	for k := len(contacts) - 1; k >= 0; k-- {
		if !contacts[k].FromParent {
			continue
		}
		for _, p := range parents {
			if p.ID == contacts[k].AuthorID {
				return p, linkOf(p), nil
			}
		}
	}
	if len(parents) == 1 {
		return parents[0], linkOf(parents[0]), nil
	}
	return storage.Person{}, storage.ParentLink{}, refuse(replyWhichParent(f.st.Name, relationsOf(parents, linkOf)))
}

func relationsOf(parents []storage.Person, linkOf func(storage.Person) storage.ParentLink) string {
	var rels []string
	for _, p := range parents {
		rels = append(rels, orDefault(linkOf(p).Relation, "家长"))
	}
	return enumerate(rels)
}

// waitingParents names, as /回复 writes them, the parents whose messages
// about the teacher's students wait for an answer: the first ("张三 妈妈")
// and all of them ("张三的妈妈、李四的爸爸"); "" when none does.
func (h *Handler) waitingParents(r *req) (first, all string) {
	ro, err := h.rosterFor(r.me)
	if err != nil {
		return "", ""
	}
	students := h.answeringStudents(r.me, h.owedStudents(r.me, ro), ro)
	waiting, err := h.waitingMessages(students, r.now)
	if err != nil || len(waiting) == 0 {
		return "", ""
	}
	var names []string
	for _, w := range waiting {
		names = append(names, w.student.Name+"的"+orDefault(w.last.Whom, "家长"))
	}
	return strings.TrimSpace(waiting[0].student.Name + " " + waiting[0].last.Whom), strings.Join(names, "、")
}
