package commands

import (
	"os"
	"strings"
	"testing"
)

// TestReferenceIsCurrent fails when commands/README.md no longer matches the
// command table: a command added, renamed or reworded without `go generate`.
func TestReferenceIsCurrent(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatalf("the command reference is missing (run go generate ./commands): %v", err)
	}
	if string(data) != Reference() {
		t.Fatal("commands/README.md is stale: run go generate ./commands")
	}
	// Every command of the table, and each of its Chinese names, is documented.
	for _, sp := range commandTable() {
		for _, want := range append([]string{sp.usage, sp.example}, sp.aliases...) {
			if !strings.Contains(string(data), want) {
				t.Errorf("the reference lacks %q of /%s", want, sp.name)
			}
		}
	}
}
