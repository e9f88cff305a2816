// Command firstreply times a start-up for make bench: it runs the command
// with "/help" on its input and prints, in microseconds, how long until
// the bot's first reply line ("bangfu: …") came out, or with -exit how long
// until the command ended (the baseline, openmeta). It reads the output as
// it comes: awk and the shell buffer a pipe and would time the exit.
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

func main() {
	args := os.Args[1:]
	exit := len(args) > 0 && args[0] == "-exit"
	if exit {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: firstreply [-exit] command [args…]")
		os.Exit(2)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin = strings.NewReader("/help\n")
	out, err := cmd.StdoutPipe()
	if err != nil {
		fail(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	var first time.Duration
	lines := bufio.NewScanner(out)
	lines.Buffer(make([]byte, 64<<10), 1<<20)
	for lines.Scan() {
		if first == 0 && strings.HasPrefix(lines.Text(), "bangfu: ") {
			first = time.Since(start)
		}
	}
	if err := cmd.Wait(); err != nil {
		fail(err)
	}
	if exit {
		first = time.Since(start)
	}
	if first == 0 {
		fail(fmt.Errorf("no reply"))
	}
	fmt.Println(first.Microseconds())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "firstreply:", err)
	os.Exit(1)
}
