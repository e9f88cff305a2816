// Package longpoll holds what the fake chat servers share to answer long
// polls: waiting on a condition with a time limit.
package longpoll

import (
	"sync"
	"time"
)

// Wait waits on c (whose lock is held) for a broadcast, at most d and never
// more than 200 ms, so the caller rechecks its deadline and the request's
// context often.
func Wait(c *sync.Cond, d time.Duration) {
	if d > 200*time.Millisecond {
		d = 200 * time.Millisecond
	}
	t := time.AfterFunc(d, func() {
		c.L.Lock()
		c.Broadcast()
		c.L.Unlock()
	})
	c.Wait()
	t.Stop()
}
