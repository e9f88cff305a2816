package commands

import (
	"bangfu/commands/report"
	"bangfu/storage"
)

// The services below are what the chat commands do once a message has been
// parsed and authorised; the command line calls them directly.

// InviteStaff issues a one-time code for an admin or a teacher (head
// teacher of inv.ClassID when inv.HeadTeacher). Authorisation is the
// caller's: the chat checks roles, the command line is the machine's owner.
func (h *Handler) InviteStaff(m storage.Meta, inv storage.Invite) (storage.Invite, error) {
	if inv.Kind != storage.InviteAdmin && inv.Kind != storage.InviteTeacher {
		return inv, &storage.Error{Code: storage.EInvalid, Op: "InviteStaff", Subject: inv.Kind}
	}
	if inv.HeadTeacher && inv.ClassID == 0 {
		return inv, &storage.Error{Code: storage.EInvalid, Op: "InviteStaff", Reason: "head teacher without class"}
	}
	return h.Store.CreateInvite(m, inv)
}

// HeadTeachers names the class's head teacher (one, or none): a
// head-teacher code for the class hands it over from them.
func (h *Handler) HeadTeachers(classID uint64) ([]string, error) {
	heads, err := h.headsOf(classID, 0)
	var names []string
	for _, p := range heads {
		names = append(names, report.TeacherName(p))
	}
	return names, err
}

// ClassNamed finds a class by how people write it (初一(3)班, 七年级3班…);
// with create, a class not seen before is made. ok is false for a name that
// is not a class, or (without create) a class with no students yet.
func (h *Handler) ClassNamed(name string, create bool) (c storage.Class, ok bool, err error) {
	ref, ok := parseClass(Normalize(name))
	if !ok {
		return storage.Class{}, false, nil
	}
	if create {
		c, err = h.Store.EnsureClass(ref.grade, ref.number)
		return c, err == nil, err
	}
	return h.Store.ClassByGrade(ref.grade, ref.number)
}
