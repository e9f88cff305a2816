package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"bangfu/bot"
	"bangfu/storage"
)

// MenuItem is one entry of a platform's command menu.
type MenuItem struct {
	Command, Description string
	InGroups             bool
}

// Menu lists the commands for a platform's "/" menu, with Chinese
// descriptions, once per English command word.
func (h *Handler) Menu() []MenuItem {
	var out []MenuItem
	seen := map[string]int{}
	for _, sp := range h.specs {
		word, _, sub := strings.Cut(sp.name, " ")
		desc := sp.desc
		if sub {
			desc = menuGroup(word)
		}
		inGroups := sp.where&(inTeacherGroup|inOtherGroup) != 0
		if i, ok := seen[word]; ok {
			out[i].InGroups = out[i].InGroups || inGroups
			continue
		}
		seen[word] = len(out)
		out = append(out, MenuItem{Command: word, Description: clip(desc, 100), InGroups: inGroups})
	}
	return out
}

// MarkUnreachable records that a platform refused to deliver to a person
// (they never started the bot or blocked it) and tells, once and privately,
// whoever can fix it: a parent's head teachers, or the admins for staff.
// Finding who to tell is most of it, kept in one place with the notice.
func (h *Handler) MarkUnreachable(ctx context.Context, out bot.Outgoing) {
	id := out.PersonID
	if id == 0 && out.Chat.Kind == bot.Private {
		if p, ok, err := h.Store.PersonByAccount(out.Platform, out.Chat.ID); err == nil && ok {
			id = p.ID
		}
	}
	if id == 0 {
		return
	}
	p, err := h.Store.UpdatePerson(storage.Meta{ActorID: id, Where: out.Platform, At: h.Now()}, id, "person.unreachable", func(p *storage.Person) error {
		p.Unreachable = true
		return nil
	})
	if err != nil {
		h.Log.Error("marking a person unreachable failed", "err", err)
		return
	}
	people, err := h.Store.People()
	if err != nil {
		return
	}
	who := p.Name
	var tell []storage.Person
	if len(p.Parents) > 0 {
		var children []string
		classes := map[uint64]bool{}
		for _, l := range p.Parents {
			if st, err := h.Store.Student(l.StudentID); err == nil {
				children = append(children, st.Name)
				classes[st.ClassID] = true
			}
		}
		who = parentOf(p.Name, enumerate(children))
		for _, q := range people {
			for c := range classes {
				if q.IsHeadOf(c) {
					tell = append(tell, q)
					break
				}
			}
		}
	}
	if len(tell) == 0 {
		for _, q := range people {
			if q.Admin && q.ID != p.ID {
				tell = append(tell, q)
			}
		}
	}
	text := unreachableNotice(who)
	var qs []storage.Queued
	for _, q := range tell {
		acc, ok := q.Reachable()
		if !ok {
			continue
		}
		qs = append(qs, storage.Queued{Platform: acc.Platform, ChatID: acc.ChatID, ChatTitle: q.Name, Private: true, PersonID: q.ID,
			Text: text, NotBefore: h.Now(), Key: fmt.Sprintf("unreachable/%d/%d", p.ID, q.ID)})
	}
	if err := h.Store.Enqueue(storage.Meta{}, qs...); err != nil {
		h.Log.Error("queueing the unreachable notice failed", "err", err)
	}
}

// GivenUp tells the admins, privately and once, that a queued message was
// dropped for good (the bot left a group, a platform failed for a day).
func (h *Handler) GivenUp(out bot.Outgoing, err error) {
	where := out.Chat.Title
	if where == "" {
		where = out.Chat.ID
	}
	h.NotifyAdmins(messageGivenUp(out.Platform, where, clip(out.Text, 20), errors.Is(err, bot.ErrPermanent)), "")
}

// NotifyAdmins tells every admin privately, on any platform but the one
// named (the one in trouble), for example that WeChat logged out.
func (h *Handler) NotifyAdmins(text, notOn string) {
	people, err := h.Store.People()
	if err != nil {
		h.Log.Error("notifying admins failed", "err", err)
		return
	}
	now := h.Now()
	var qs []storage.Queued
	for _, p := range people {
		if !p.Admin || p.Unreachable {
			continue
		}
		for _, a := range p.Accounts {
			if a.Platform != notOn && a.ChatID != "" && a.Platform != "cli" {
				qs = append(qs, storage.Queued{Platform: a.Platform, ChatID: a.ChatID, ChatTitle: p.Name, Private: true, PersonID: p.ID,
					Text: systemNotice(text), NotBefore: now})
				break
			}
		}
	}
	if err := h.Store.Enqueue(storage.Meta{}, qs...); err != nil {
		h.Log.Error("notifying admins failed", "err", err)
	}
}
