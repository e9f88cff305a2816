package commands

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"bangfu/commands/report"
	"bangfu/storage"
)

func (h *Handler) groupTeacher(r *req) (string, error) {
	arg, confirmed := withoutConfirm(r.args)
	var classID uint64
	what := schoolTeacherGroup()
	if arg != "" {
		c, err := h.classFromArg(r, arg, true)
		if err != nil {
			return "", err
		}
		classID, what = c.ID, classTeacherGroup(report.ClassName(c))
	}
	if !r.me.Admin && (classID == 0 || !r.me.IsHeadOf(classID)) {
		return "", refuse(groupOwnClassOnly(h.firstClassName(r.me)))
	}
	g := storage.Group{Platform: r.msg.Platform, ChatID: r.msg.Chat.ID, Title: r.msg.Chat.Title, Kind: storage.GroupTeacher, ClassID: classID, By: r.me.ID, At: r.now}
	return h.registerGroup(r, g, what, confirmed, "/group teacher "+arg, teacherGroupRegistered(what))
}

func (h *Handler) groupParent(r *req) (string, error) {
	arg, confirmed := withoutConfirm(r.args)
	if arg == "" {
		return "", r.usage(parentGroupNeedsClass())
	}
	c, err := h.classFromArg(r, arg, true)
	if err != nil {
		return "", err
	}
	if !canManageClass(r.me, c.ID) {
		return "", refuse(parentGroupNotYours(report.ClassName(c)))
	}
	g := storage.Group{Platform: r.msg.Platform, ChatID: r.msg.Chat.ID, Title: r.msg.Chat.Title, Kind: storage.GroupParent, ClassID: c.ID, By: r.me.ID, At: r.now}
	return h.registerGroup(r, g, classParentGroup(report.ClassName(c)), confirmed, "/group parent "+arg, parentGroupRegistered(report.ClassName(c)))
}

// withoutConfirm splits a trailing 确认 off the arguments.
func withoutConfirm(a args) (string, bool) {
	if n := a.len(); n > 0 && a.at(n-1) == "确认" {
		return a.between(0, n-1), true
	}
	return a.from(0), false
}

// groupChangeWindow is how long a 确认 may follow the question it answers.
const groupChangeWindow = 10 * time.Minute

// registerGroup registers a new group at once. Changing a registered one
// (its kind or its class) is for whoever could have registered it (an
// admin, or the head teacher of its class), only after the question and a
// 确认 from the same person in the same chat; a parent group becomes a
// teacher group only by an admin. The store audits the change.
func (h *Handler) registerGroup(r *req, g storage.Group, what string, confirmed bool, command, registered string) (string, error) {
	old := r.group
	if old == nil || (old.Kind == g.Kind && old.ClassID == g.ClassID) {
		return registered, h.Store.SetGroup(r.meta, g)
	}
	was, err := h.groupWhat(*old)
	if err != nil {
		return "", err
	}
	if !r.me.Admin && (old.ClassID == 0 || !r.me.IsHeadOf(old.ClassID)) {
		return "", refuse(groupChangeNotYours(was))
	}
	if old.Kind == storage.GroupParent && g.Kind == storage.GroupTeacher && !r.me.Admin {
		return "", refuse(parentGroupStaysParent(was))
	}
	key := r.msg.Platform + "|" + r.msg.Chat.ID + "|" + what
	if !confirmed || !h.takeConfirmation(key, r.me.ID, r.now) {
		h.askConfirmation(key, r.me.ID, r.now)
		return groupChangeConfirm(was, what, old.Kind == storage.GroupParent && g.Kind == storage.GroupTeacher, strings.TrimSpace(command)), nil
	}
	if err := h.Store.SetGroup(r.meta, g); err != nil {
		return "", err
	}
	return groupChanged(was, what) + "\n" + registered, nil
}

// groupWhat words a registered group: 初一3班的家长群.
func (h *Handler) groupWhat(g storage.Group) (string, error) {
	if g.ClassID == 0 {
		return schoolTeacherGroup(), nil
	}
	c, err := h.Store.Class(g.ClassID)
	if err != nil {
		return "", err
	}
	if g.Kind == storage.GroupParent {
		return classParentGroup(report.ClassName(c)), nil
	}
	return classTeacherGroup(report.ClassName(c)), nil
}

// askConfirmation remembers that this person was asked to confirm a change.
func (h *Handler) askConfirmation(key string, person uint64, now time.Time) {
	h.confirmMu.Lock()
	defer h.confirmMu.Unlock()
	if h.confirmations == nil {
		h.confirmations = map[string]time.Time{}
	}
	for k, until := range h.confirmations { // a few at most: drop the stale ones
		if now.After(until) {
			delete(h.confirmations, k)
		}
	}
	h.confirmations[fmt.Sprint(key, "|", person)] = now.Add(groupChangeWindow)
}

// takeConfirmation consumes a question asked of this person, if still fresh.
func (h *Handler) takeConfirmation(key string, person uint64, now time.Time) bool {
	h.confirmMu.Lock()
	defer h.confirmMu.Unlock()
	k := fmt.Sprint(key, "|", person)
	until, ok := h.confirmations[k]
	delete(h.confirmations, k)
	return ok && !now.After(until)
}

func (h *Handler) meeting(r *req) (string, error) {
	r.example = h.dayAhead(r.spec.example, "11月28日", r.now)
	a := r.args
	// The class may be left out by a head teacher of one class, or in a
	// class's group: /家长会 11月28日 19:00 期中家长会.
	if _, isClass := parseClass(a.at(0)); !isClass && a.len() >= 2 {
		if c := h.defaultClass(r); c != "" {
			a = newArgs(c + " " + a.src)
		}
	}
	a = h.ungluedMeetingTime(r, a, 1)
	if a.len() < 3 { // the topic may be left out
		return "", r.usage(meetingNeedsAll())
	}
	c, err := h.classFromArg(r, a.at(0), false)
	if err != nil {
		return "", err
	}
	if !canManageClass(r.me, c.ID) {
		return "", refuse(meetingNotYours(report.ClassName(c)))
	}
	at, err := h.meetingTime(r, a.at(1), a.at(2))
	if err != nil {
		return "", err
	}
	hour, minute := at.Hour(), at.Minute()
	topic := a.from(3)
	if runeLen(topic) > 100 {
		return "", r.usage(meetingTopicTooLong())
	}
	if w := report.BannedWordIn(topic); w != "" {
		return "", r.usage(meetingTopicBannedWord(w))
	}
	// The same meeting sent again with another day (meant as a move) would
	// tell the parents of two meetings and remind them of both.
	upcoming, err := h.Store.Meetings(r.now, r.now.AddDate(0, 2, 0))
	if err != nil {
		return "", err
	}
	for _, m := range upcoming {
		if m.ClassID != c.ID {
			continue
		}
		if m.At.Equal(at) {
			return "", refuse(meetingSameTime(report.ClassName(c), report.Day(h.Cal, m.At), orDefault(m.Topic, meetingNoTopic()), m.ID))
		}
		if topic != "" && m.Topic == topic {
			return "", refuse(meetingAlready(report.ClassName(c), report.Day(h.Cal, m.At), m.Topic, m.ID, a.at(1)+" "+a.at(2)))
		}
	}
	if _, err := h.Store.AddMeeting(r.meta, storage.Meeting{ClassID: c.ID, At: at, Topic: topic}); err != nil {
		return "", err
	}
	parents, err := h.classParents(c.ID)
	if err != nil {
		return "", err
	}
	return meetingScheduled(report.ClassName(c), report.Day(h.Cal, at), hour, minute, topic, len(parents)), nil
}

// dayAhead is an example with its fixed day (fixed) a week from now: an
// example dated in the past would itself be refused.
func (h *Handler) dayAhead(example, fixed string, now time.Time) string {
	day := h.Cal.Day(now).AddDate(0, 0, 7)
	return strings.Replace(example, fixed, fmt.Sprintf("%d月%d日", int(day.Month()), day.Day()), 1)
}

// classParents lists the bound parents of a class's active supported students.
func (h *Handler) classParents(classID uint64) ([]storage.Person, error) {
	sts, err := h.Store.StudentsInClass(classID)
	if err != nil {
		return nil, err
	}
	active := map[uint64]bool{}
	for _, st := range sts {
		if !st.Closed {
			active[st.ID] = true
		}
	}
	people, err := h.Store.People()
	if err != nil {
		return nil, err
	}
	var out []storage.Person
	for _, p := range people {
		for _, l := range p.Parents {
			if active[l.StudentID] {
				out = append(out, p)
				break
			}
		}
	}
	return out, nil
}

// meetingsAhead are the meetings from now to the end of the semester in the
// classes this person manages.
func (h *Handler) meetingsAhead(r *req) ([]storage.Meeting, error) {
	all, err := h.Store.Meetings(r.now, h.lastTermEnd().AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	var out []storage.Meeting
	for _, mt := range all {
		if canManageClass(r.me, mt.ClassID) {
			out = append(out, mt)
		}
	}
	return out, nil
}

func (h *Handler) meetingList(r *req) (string, error) {
	mts, err := h.meetingsAhead(r)
	if err != nil {
		return "", err
	}
	if len(mts) == 0 {
		return noMeetingsAhead(h.dayAhead(h.specNamed("meeting").example, "11月28日", r.now)), nil
	}
	var lines []string
	for _, mt := range mts {
		c, err := h.Store.Class(mt.ClassID)
		if err != nil {
			return "", err
		}
		lines = append(lines, meetingLine(mt.ID, report.ClassName(c), report.Day(h.Cal, mt.At), mt.At.In(h.Cal.Loc).Hour(), mt.At.In(h.Cal.Loc).Minute(), mt.Topic))
	}
	return meetingsListed(lines, mts[0].ID), nil
}

// meetingArg finds the meeting a command names by its number (#3 or 3),
// one this person may change.
func (h *Handler) meetingArg(r *req, tok string) (storage.Meeting, storage.Class, error) {
	id, ok := smallNumber(strings.TrimPrefix(tok, "#"))
	if !ok {
		return storage.Meeting{}, storage.Class{}, r.usage(meetingNeedsNumber())
	}
	mt, err := h.Store.Meeting(uint64(id))
	if err != nil {
		if storage.ErrorCode(err) == storage.ENotFound {
			return mt, storage.Class{}, refuse(meetingUnknown(id))
		}
		return mt, storage.Class{}, err
	}
	c, err := h.Store.Class(mt.ClassID)
	if err != nil {
		return mt, c, err
	}
	if !canManageClass(r.me, c.ID) {
		return mt, c, refuse(meetingNotYours(report.ClassName(c)))
	}
	if !mt.At.After(r.now) {
		return mt, c, refuse(meetingAlreadyHeld(report.Day(h.Cal, mt.At)))
	}
	return mt, c, nil
}

// noticeParents addresses one notice to each reachable bound parent of a class.
func (h *Handler) noticeParents(r *req, classID uint64, key, text string) ([]storage.Queued, error) {
	parents, err := h.classParents(classID)
	if err != nil {
		return nil, err
	}
	sendAt := h.Cal.AfterQuietHours(r.now)
	var qs []storage.Queued
	for _, p := range parents {
		if acc, ok := p.Reachable(); ok {
			qs = append(qs, storage.Queued{Platform: acc.Platform, ChatID: acc.ChatID, ChatTitle: p.Name, Private: true, PersonID: p.ID,
				Text: text, NotBefore: sendAt, Key: key + "/" + strconv.FormatUint(p.ID, 10)})
		}
	}
	return qs, nil
}

func (h *Handler) meetingCancel(r *req) (string, error) {
	if r.args.len() != 1 {
		return "", r.usage(meetingNeedsNumber())
	}
	mt, c, err := h.meetingArg(r, r.args.at(0))
	if err != nil {
		return "", err
	}
	when := report.Day(h.Cal, mt.At)
	at := mt.At.In(h.Cal.Loc)
	qs, err := h.noticeParents(r, c.ID, "meeting-cancel/"+strconv.FormatUint(mt.ID, 10),
		meetingCancelledForParents(report.ClassName(c), when, at.Hour(), at.Minute(), mt.Topic))
	if err != nil {
		return "", err
	}
	if _, err := h.Store.CancelMeeting(r.meta, mt.ID, qs); err != nil {
		return "", err
	}
	return meetingCancelled(report.ClassName(c), when, at.Hour(), at.Minute(), len(qs)), nil
}

func (h *Handler) meetingMove(r *req) (string, error) {
	r.example = h.dayAhead(r.spec.example, "12月2日", r.now)
	a := h.ungluedMeetingTime(r, r.args, 1)
	if a.len() != 3 {
		return "", r.usage(meetingMoveNeedsAll())
	}
	mt, c, err := h.meetingArg(r, a.at(0))
	if err != nil {
		return "", err
	}
	at, err := h.meetingTime(r, a.at(1), a.at(2))
	if err != nil {
		return "", err
	}
	was := mt.At.In(h.Cal.Loc)
	qs, err := h.noticeParents(r, c.ID, "meeting-move/"+strconv.FormatUint(mt.ID, 10)+"/"+at.Format("200601021504"),
		meetingMovedForParents(report.ClassName(c), report.Day(h.Cal, was), was.Hour(), was.Minute(), report.Day(h.Cal, at), at.Hour(), at.Minute(), mt.Topic))
	if err != nil {
		return "", err
	}
	if _, err := h.Store.MoveMeeting(r.meta, mt.ID, at, qs); err != nil {
		return "", err
	}
	return meetingMoved(report.ClassName(c), report.Day(h.Cal, at), at.Hour(), at.Minute(), len(qs)), nil
}

// ungluedMeetingTime parts a day written with its time (12月4日晚上7点,
// 周五19:00, 明天下午3点), field i of a, into the day and the time the
// meeting's reading takes as two fields. The day is the shortest start
// that reads as one with the rest reading as a time.
func (h *Handler) ungluedMeetingTime(r *req, a args, i int) args {
	tok := a.at(i)
	if _, _, ok := parseClock(a.at(i + 1)); ok || tok == "" {
		return a
	}
	for j := range tok {
		if j == 0 {
			continue
		}
		day, clock := tok[:j], tok[j:]
		if _, _, ok := parseClock(clock); !ok {
			continue
		}
		if d := parseDay(day, r.now, h.Cal, true); d.isDate {
			return newArgs(a.between(0, i) + " " + day + " " + clock + " " + a.from(i+1))
		}
	}
	return a
}

// meetingTime reads a meeting's day and time: in the future, and within the
// semester (parents are not called in during the holidays).
func (h *Handler) meetingTime(r *req, dayTok, clockTok string) (time.Time, error) {
	// 12月5日晚上 7点: the part of the day goes with the time.
	if day, part, ok := cutDayPart(dayTok); ok {
		dayTok, clockTok = day, part+clockTok
	}
	d := parseDay(dayTok, r.now, h.Cal, true)
	if !d.isDate || d.invalid != "" {
		return time.Time{}, r.usage(meetingBadDate(clip(dayTok, 10)))
	}
	hour, minute, ok := parseClock(clockTok)
	if !ok {
		return time.Time{}, r.usage(meetingBadTime(clip(clockTok, 10)))
	}
	if d.justPassed(h.Cal.Day(r.now)) {
		return time.Time{}, r.usage(meetingInThePast(report.Day(h.Cal, d.passed), hour, minute))
	}
	at := d.day.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
	if !at.After(r.now) {
		return time.Time{}, r.usage(meetingInThePast(report.Day(h.Cal, at), hour, minute))
	}
	if at.After(r.now.AddDate(0, 6, 0)) {
		return time.Time{}, r.usage(meetingTooFar())
	}
	if end := h.lastTermEnd(); h.Cal.Day(at).After(end) {
		return time.Time{}, r.usage(meetingAfterSemester(report.Day(h.Cal, end)))
	}
	return at, nil
}

// lastTermEnd is the last day of the last term the school has told us of.
func (h *Handler) lastTermEnd() time.Time {
	terms := h.Cal.Terms()
	if len(terms) == 0 {
		return time.Time{}
	}
	return terms[len(terms)-1].End
}
