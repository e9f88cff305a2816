package report

import (
	"sort"
	"time"

	"bangfu/storage"
)

// UnansweredFor is how far back a parent's message still waits for an
// answer.
const UnansweredFor = 14 * 24 * time.Hour

// Unanswered picks, from contacts, the parents' messages no teacher has
// answered: for each student the latest message from the family with no
// contact by a teacher (a /回复, a call, a visit) since. The contacts may
// come in any order and for any students.
func Unanswered(contacts []storage.Contact) map[uint64]storage.Contact {
	cs := append([]storage.Contact(nil), contacts...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].At.Before(cs[j].At) })
	waiting := map[uint64]storage.Contact{}
	for _, c := range cs {
		if c.FromParent {
			waiting[c.StudentID] = c
		} else if w, ok := waiting[c.StudentID]; ok && !c.At.Before(w.At) {
			delete(waiting, c.StudentID) // answered
		}
	}
	return waiting
}
