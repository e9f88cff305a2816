package commands

import (
	"strings"

	"bangfu/storage"
)

// DirectoryStudent is a student of a school directory kept by a platform
// (WeCom's 家校通讯录) with the parents it lists for them.
type DirectoryStudent struct {
	Class   string // as the directory names it: 初一3班, 七年级(3)班
	Name    string
	Parents []DirectoryParent
}

// DirectoryParent is a parent the platform reaches at ChatID (one-way: a
// directory parent reads notices and cannot write commands).
type DirectoryParent struct {
	UserID, ChatID, Relation string
	Reachable                bool // follows the school's notices
}

// DirectoryReport says what linking a directory did.
type DirectoryReport struct {
	Students, Linked, Already int
	NotFound                  []string // students of the directory not on the register
	NotFollowing              []string // parents who get nothing until they follow
}

// LinkDirectoryParents binds the parents of a platform's school directory to
// the students on the register, matched by class and name: each becomes a
// parent of that child (named 张三妈妈), reached on the platform at the
// directory's id. Idempotent; each new link is audited.
func (h *Handler) LinkDirectoryParents(m storage.Meta, platform string, rows []DirectoryStudent) (DirectoryReport, error) {
	var rep DirectoryReport
	for _, row := range rows {
		st, ok, err := h.registered(row)
		if err != nil {
			return rep, err
		}
		if !ok {
			rep.NotFound = append(rep.NotFound, row.Class+row.Name)
			continue
		}
		rep.Students++
		for _, dp := range row.Parents {
			relation := strings.TrimSpace(dp.Relation)
			if relation == "" {
				relation = parentRelation()
			}
			p, err := h.Store.EnsurePerson(platform, dp.ChatID, dp.ChatID, st.Name+relation)
			if err != nil {
				return rep, err
			}
			if !dp.Reachable {
				rep.NotFollowing = append(rep.NotFollowing, st.Name+relation)
			}
			if p.IsParentOf(st.ID) {
				rep.Already++
				if p.Unreachable && dp.Reachable { // they follow the notices now
					if _, err := h.Store.UpdatePerson(m, p.ID, "person.reachable", func(p *storage.Person) error { p.Unreachable = false; return nil }); err != nil {
						return rep, err
					}
				}
				continue
			}
			if _, err := h.Store.UpdatePerson(m, p.ID, "parent.link", func(p *storage.Person) error {
				p.Parents = append(p.Parents, storage.ParentLink{StudentID: st.ID, Relation: relation})
				return nil
			}); err != nil {
				return rep, err
			}
			rep.Linked++
		}
	}
	return rep, nil
}

// registered finds the directory's student on the register: same class,
// same name, still under support first.
func (h *Handler) registered(row DirectoryStudent) (storage.Student, bool, error) {
	c, ok, err := h.ClassNamed(row.Class, false)
	if err != nil || !ok {
		return storage.Student{}, false, err
	}
	sts, err := h.Store.StudentsInClass(c.ID)
	if err != nil {
		return storage.Student{}, false, err
	}
	var found *storage.Student
	for i, st := range sts {
		if st.Name == strings.TrimSpace(row.Name) && (found == nil || found.Closed && !st.Closed) {
			found = &sts[i]
		}
	}
	if found == nil {
		return storage.Student{}, false, nil
	}
	return *found, true, nil
}
