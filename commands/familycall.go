package commands

import (
	"regexp"
	"sync"

	"bangfu/storage"
)

// 亲情通话: parents working away are nudged each weekend to call their
// child; their one-word answer (打了) is kept on the child's file, and the
// mentor hears of a child whose family has been silent for two weeks.

// callWordRE is a parent's one-word answer to the weekend's nudge.
var callWordRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(打了|已打|打过了|打过|通了|通过了|已通话|通话了|打了电话|已经打了|打啦|打了。)[!！。.~～]*$`)
})

func familyCallSpec() *spec {
	return &spec{name: "family call", who: rParent, whoText: relayWho(), where: inPrivate, writes: true,
		example: "打了", run: (*Handler).familyCall}
}

// awayChildren are the children a parent works away from.
func (h *Handler) awayChildren(p storage.Person) ([]storage.Student, []storage.ParentLink) {
	var sts []storage.Student
	var links []storage.ParentLink
	for _, l := range p.Parents {
		st, err := h.Store.Student(l.StudentID)
		if err != nil || st.Closed || !st.AwayParent(l.Relation) {
			continue
		}
		sts, links = append(sts, st), append(links, l)
	}
	return sts, links
}

// familyCall keeps a parent's "打了" on each child they work away from; one
// call a day per parent counts once.
func (h *Handler) familyCall(r *req) (string, error) {
	sts, links := h.awayChildren(r.me)
	var names []string
	for i, st := range sts {
		m := r.meta
		if i < len(sts)-1 {
			m.MsgKey, m.Reply = "", nil // the last write marks the message
		}
		rel := links[i].Relation
		if _, err := h.Store.UpdateStudent(m, st.ID, "call.log", func(s *storage.Student) error {
			today := h.Cal.Day(r.now)
			for _, c := range s.Calls {
				if c.PersonID == r.me.ID && !c.At.Before(today) {
					return nil // said already today
				}
			}
			s.Calls = append(s.Calls, storage.FamilyCall{At: r.now, PersonID: r.me.ID, Relation: rel})
			if n := len(s.Calls); n > storage.MaxCalls {
				s.Calls = append([]storage.FamilyCall(nil), s.Calls[n-storage.MaxCalls:]...)
			}
			return nil
		}); err != nil {
			return "", err
		}
		names = append(names, st.Name)
	}
	r.wrote()
	return familyCallKept(enumerate(names)), nil
}
