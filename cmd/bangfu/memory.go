package main

import (
	"os"
	"runtime/debug"
)

// memoryBudget is the soft limit on the Go heap of a running bot serving
// that many schools: 48 MiB for one, 1.5 MiB more per school past 16 (a
// school's directory and caches live around 1 MiB). Without it the heap
// may grow to twice what is live before the collector runs, and the peak
// depends on when it runs: the district's run (20 schools) peaked at
// 46–63 MB of RssAnon over seven runs, 73.6 MB once; with 54 MiB at
// 47–49 MB, for 3% more CPU. The collector never takes more than half the
// CPU to hold it, so a county larger than its budget runs, more slowly.
func memoryBudget(schools int) int64 {
	return max(48, 24+3*int64(schools)/2) << 20
}

// budgetMemory is called by a running bot with its number of schools:
// setMemoryBudget in the bangfu process (main sets it), nothing in a test
// binary, whose heap is the tests' (and, under -race, several times it).
var budgetMemory = func(schools int) {}

// setMemoryBudget applies memoryBudget, unless GOMEMLIMIT says otherwise.
func setMemoryBudget(schools int) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryBudget(schools))
	}
}
