package commands

import (
	"time"

	"bangfu/commands/report"
	"bangfu/storage"
)

func (h *Handler) groupTeacher(r *req) (string, error) {
	var classID uint64
	name := ""
	if arg := r.args.from(0); arg != "" {
		c, err := h.classFromArg(r, arg, true)
		if err != nil {
			return "", err
		}
		classID, name = c.ID, report.ClassName(c)
	}
	if !r.me.Admin && (classID == 0 || !r.me.IsHeadOf(classID)) {
		return "", refuse(groupOwnClassOnly(h.firstClassName(r.me)))
	}
	g := storage.Group{Platform: r.msg.Platform, ChatID: r.msg.Chat.ID, Title: r.msg.Chat.Title, Kind: storage.GroupTeacher, ClassID: classID, By: r.me.ID, At: r.now}
	if err := h.Store.SetGroup(r.meta, g); err != nil {
		return "", err
	}
	what := schoolTeacherGroup()
	if name != "" {
		what = classTeacherGroup(name)
	}
	return teacherGroupRegistered(what), nil
}

func (h *Handler) groupParent(r *req) (string, error) {
	arg := r.args.from(0)
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
	if err := h.Store.SetGroup(r.meta, g); err != nil {
		return "", err
	}
	return parentGroupRegistered(report.ClassName(c)), nil
}

func (h *Handler) meeting(r *req) (string, error) {
	a := r.args
	// The class may be left out by a head teacher of one class, or in a
	// class's group: /家长会 11月28日 19:00 期中家长会.
	if _, isClass := parseClass(a.at(0)); !isClass && a.len() >= 3 {
		if c := h.defaultClass(r); c != "" {
			a = newArgs(c + " " + a.src)
		}
	}
	if a.len() < 4 {
		return "", r.usage(meetingNeedsAll())
	}
	c, err := h.classFromArg(r, a.at(0), false)
	if err != nil {
		return "", err
	}
	if !canManageClass(r.me, c.ID) {
		return "", refuse(meetingNotYours(report.ClassName(c)))
	}
	d := parseDay(a.at(1), r.now, h.Cal, true)
	if !d.isDate || d.invalid != "" {
		return "", r.usage(meetingBadDate(clip(a.at(1), 10)))
	}
	hour, minute, ok := parseClock(a.at(2))
	if !ok {
		return "", r.usage(meetingBadTime(clip(a.at(2), 10)))
	}
	at := d.day.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
	if !at.After(r.now) {
		return "", r.usage(meetingInThePast(report.Day(h.Cal, at), hour, minute))
	}
	if at.After(r.now.AddDate(0, 6, 0)) {
		return "", r.usage(meetingTooFar())
	}
	topic := a.from(3)
	if runeLen(topic) > 100 {
		return "", r.usage(meetingTopicTooLong())
	}
	if w := report.BannedWordIn(topic); w != "" {
		return "", r.usage(meetingTopicBannedWord(w))
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
