package report

import (
	"sort"
	"strings"
	"time"
	"unicode"

	"bangfu/storage"
)

// UnansweredFor is how far back a parent's message still waits for an
// answer.
const UnansweredFor = 14 * 24 * time.Hour

// Unanswered picks, from contacts, the parents' messages no teacher has
// answered: for each student the latest message from the family with no
// contact by a teacher with the family (a /回复, a call, a visit) since. The contacts may
// come in any order and for any students.
func Unanswered(contacts []storage.Contact) map[uint64]storage.Contact {
	cs := append([]storage.Contact(nil), contacts...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].At.Before(cs[j].At) })
	waiting := map[uint64]storage.Contact{}
	for _, c := range cs {
		if c.FromParent && !courtesy(c.Content) {
			waiting[c.StudentID] = c
		} else if w, ok := waiting[c.StudentID]; ok && !c.At.Before(w.At) && c.WithFamily() {
			delete(waiting, c.StudentID) // answered (a talk with the child answers nobody at home)
		}
	}
	return waiting
}

// courtesyWords are a family's thanks and acknowledgements: relayed, but
// nothing waits for an answer to them.
var courtesyWords = map[string]bool{
	"谢谢": true, "谢谢老师": true, "谢谢您": true, "谢谢你": true, "好的": true, "好": true, "好的谢谢": true, "好的谢谢老师": true,
	"收到": true, "收到谢谢": true, "嗯": true, "嗯嗯": true, "知道了": true, "明白": true, "明白了": true, "辛苦了": true,
	"老师辛苦了": true, "麻烦老师了": true, "ok": true, "okay": true, "好的老师": true, "收到老师": true,
}

// courtesy tells a message that only thanks or acknowledges (punctuation
// and emoji aside).
func courtesy(text string) bool {
	letters := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, text)
	return courtesyWords[letters]
}

// ReadersOf are who a family's messages about st go to, and so who is
// asked to answer them: the child's head teacher and mentor who can be
// reached, else (neither has joined yet) the school's admins, so that a
// message is read by someone rather than nobody.
func ReadersOf(st storage.Student, people []storage.Person) []storage.Person {
	var teachers, admins []storage.Person
	for _, p := range people {
		if _, ok := p.Reachable(); !ok {
			continue
		}
		if (st.MentorID != 0 && p.ID == st.MentorID) || p.IsHeadOf(st.ClassID) {
			teachers = append(teachers, p)
		} else if p.Admin {
			admins = append(admins, p)
		}
	}
	if len(teachers) > 0 {
		return teachers
	}
	return admins
}

// Reads tells whether the family's messages about st go to p.
func Reads(p storage.Person, st storage.Student, people []storage.Person) bool {
	for _, r := range ReadersOf(st, people) {
		if r.ID == p.ID {
			return true
		}
	}
	return false
}
