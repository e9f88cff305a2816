package commands

import (
	"strings"
	"sync"
	"time"
)

// A line sent twice: on a poor connection the phone shows the first send
// as failed, the teacher taps it again, and both arrive. They are two
// messages with two ids, so the redelivery check does not see them. The
// last record-making line of each sender is remembered here (in memory: a
// hint, not a rule, and free on the hottest path); a second one word for
// word within repeatWindow is pointed out on /log and /contact, and a
// praise is not sent to the family twice.
const repeatWindow = 10 * time.Minute

type sentLines struct {
	mu   sync.Mutex
	last map[uint64]sentLine // by the sender's person id
}

type sentLine struct {
	line string
	at   time.Time
	nos  []uint64
}

// lineOf is the command and its words, spacing aside.
func lineOf(r *req) string {
	words := make([]string, 0, r.args.len()+1)
	words = append(words, r.spec.name)
	for i := 0; i < r.args.len(); i++ {
		words = append(words, r.args.at(i))
	}
	return strings.Join(words, " ")
}

// earlier returns the records of the sender's same line within the window
// that are still there (an undone one does not count), and how long ago
// it was sent.
func (h *Handler) earlier(r *req) ([]uint64, time.Duration) {
	h.sent.mu.Lock()
	prev, ok := h.sent.last[r.meta.ActorID]
	h.sent.mu.Unlock()
	ago := r.now.Sub(prev.at)
	// The line is spelt out only for a sender who wrote in the window.
	if !ok || ago < 0 || ago > repeatWindow || prev.line != lineOf(r) {
		return nil, 0
	}
	for _, no := range prev.nos {
		if _, err := h.Store.RecordByNo(no); err != nil {
			return nil, 0
		}
	}
	return prev.nos, ago
}

// remember notes the sender's line and the records it made.
func (h *Handler) remember(r *req, nos ...uint64) {
	h.sent.mu.Lock()
	defer h.sent.mu.Unlock()
	if h.sent.last == nil {
		h.sent.last = map[uint64]sentLine{}
	}
	// Lines older than the window are forgotten as new ones come: the map
	// holds the teachers of the last ten minutes, not of the semester.
	if len(h.sent.last) > 64 {
		for id, l := range h.sent.last {
			if r.now.Sub(l.at) > repeatWindow {
				delete(h.sent.last, id)
			}
		}
	}
	h.sent.last[r.meta.ActorID] = sentLine{line: lineOf(r), at: r.now, nos: nos}
}
