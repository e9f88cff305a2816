package commands

import (
	"sync"
	"time"
)

// joinGuard limits guessing invite codes. Per person and per chat, wrong
// codes first slow down and then stop for a while. Across everyone they only
// tighten those limits (a burst of wrong codes means someone is guessing):
// a parent's first try with the right code always goes through, so one
// attacker cannot lock every parent out in the week of onboarding. Admins
// are told of a burst once an hour. In memory: a restart forgives, which
// costs a guesser nothing against 32^8 codes.
type joinGuard struct {
	mu     sync.Mutex
	tries  map[string]*joinTries
	recent []time.Time // wrong codes across everyone, newest last
	toldAt time.Time
}

type joinTries struct {
	wrong int
	last  time.Time
}

const (
	joinFreeTries     = 3                // wrong codes before any wait
	joinStopAfter     = 5                // wrong codes before the long stop
	joinSlowWait      = time.Minute      // between tries after the free ones
	joinStopWait      = 30 * time.Minute // after joinStopAfter wrong codes
	joinForgiveAfter  = time.Hour        // a quiet hour starts afresh
	joinBurstWindow   = 10 * time.Minute
	joinBurstSize     = 20 // wrong codes across everyone in the window
	joinBurstSlowWait = 5 * time.Minute
	joinBurstTellGap  = time.Hour
	joinTriesKept     = 10000 // entries before stale ones are swept
)

// wait is how long these keys must wait before trying again, and whether
// that is the long stop.
func (g *joinGuard) wait(keys []string, now time.Time) (time.Duration, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	burst := g.burstLocked(now)
	var longest time.Duration
	stopped := false
	for _, k := range keys {
		t := g.tries[k]
		if t == nil || now.Sub(t.last) >= joinForgiveAfter {
			continue
		}
		free, slow := joinFreeTries, joinSlowWait
		if burst {
			free, slow = 1, joinBurstSlowWait
		}
		var need time.Duration
		switch {
		case t.wrong < free:
			continue
		case t.wrong < joinStopAfter:
			need = slow
		default:
			need, stopped = joinStopWait, true
		}
		if left := t.last.Add(need).Sub(now); left > longest {
			longest = left
		}
	}
	return longest, stopped && longest > 0
}

// failed counts a wrong code; it reports the size of a burst the admins
// should now be told of (0: nothing to tell).
func (g *joinGuard) failed(keys []string, now time.Time) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.tries == nil {
		g.tries = map[string]*joinTries{}
	}
	if len(g.tries) >= joinTriesKept {
		for k, t := range g.tries {
			if now.Sub(t.last) >= joinForgiveAfter {
				delete(g.tries, k)
			}
		}
	}
	for _, k := range keys {
		t := g.tries[k]
		if t == nil || now.Sub(t.last) >= joinForgiveAfter {
			t = &joinTries{}
			g.tries[k] = t
		}
		t.wrong++
		t.last = now
	}
	g.recent = append(g.recent, now)
	if !g.burstLocked(now) || now.Sub(g.toldAt) < joinBurstTellGap {
		return 0
	}
	g.toldAt = now
	return len(g.recent)
}

// succeeded forgets the wrong codes of someone who got in.
func (g *joinGuard) succeeded(keys []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, k := range keys {
		delete(g.tries, k)
	}
}

// burstLocked drops wrong codes older than the window (bounded by the
// burst size: more than that is a burst whatever their ages) and tells
// whether what is left is a burst.
func (g *joinGuard) burstLocked(now time.Time) bool {
	i := 0
	for i < len(g.recent) && now.Sub(g.recent[i]) >= joinBurstWindow {
		i++
	}
	g.recent = g.recent[i:]
	if n := len(g.recent); n > 4*joinBurstSize {
		g.recent = append([]time.Time(nil), g.recent[n-4*joinBurstSize:]...)
	}
	return len(g.recent) >= joinBurstSize
}
