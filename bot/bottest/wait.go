// Package bottest holds what the tests of the platforms, their fakes and the
// binary share.
package bottest

import "time"

// Eventually checks cond until it holds or d has passed and reports whether
// it held: a wait on a condition with a deadline, never a fixed sleep that
// hopes something has happened by then.
func Eventually(d time.Duration, cond func() bool) bool {
	if cond() {
		return true
	}
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-deadline.C:
			return cond()
		case <-tick.C:
			if cond() {
				return true
			}
		}
	}
}
