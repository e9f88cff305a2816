// Command refgen writes commands/README.md, the command reference, from the
// command table (run by `go generate ./commands`).
package main

import (
	"fmt"
	"os"

	"bangfu/commands"
)

func main() {
	if err := os.WriteFile("README.md", []byte(commands.Reference()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "refgen:", err)
		os.Exit(1)
	}
}
