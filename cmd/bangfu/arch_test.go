package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsFollowTheDesign checks DESIGN.md's never-arrows on the real
// import graph: bot knows no database and no command; storage's root knows
// no engine; reminders use reports, not commands; commands and reminders
// never see a platform's own types; no engine sees the command side.
func TestImportsFollowTheDesign(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps=false", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "bangfu/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	never := []struct{ from, to string }{
		{"bangfu/bot", "bangfu/storage"}, {"bangfu/bot", "bangfu/commands"}, {"bangfu/bot", "bangfu/reminders"},
		{"bangfu/storage", "bangfu/commands"}, {"bangfu/storage", "bangfu/bot"}, {"bangfu/storage", "bangfu/reminders"},
		{"bangfu/reminders", "bangfu/commands$"}, {"bangfu/reminders", "bangfu/bot"},
		{"bangfu/commands", "bangfu/bot/"}, {"bangfu/commands", "github.com/eatmoreapple/openwechat"}, {"bangfu/commands", "github.com/go-telegram/bot"},
		{"bangfu/reminders", "github.com/eatmoreapple/openwechat"}, {"bangfu/reminders", "github.com/go-telegram/bot"},
		{"bangfu/commands/report", "bangfu/commands$"}, {"bangfu/commands/excel", "bangfu/commands$"},
		{"bangfu/storage$", "go.etcd.io/bbolt"}, {"bangfu/storage$", "bangfu/"},
	}
	match := func(path, pattern string) bool {
		if exact, ok := strings.CutSuffix(pattern, "$"); ok {
			return path == exact
		}
		return path == pattern || strings.HasPrefix(path, strings.TrimSuffix(pattern, "/")+"/")
	}
	packages := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		packages++
		for _, rule := range never {
			if !match(pkg, rule.from) {
				continue
			}
			for _, imp := range imports {
				if match(imp, rule.to) {
					t.Errorf("%s imports %s: the design says %s never imports %s", pkg, imp, rule.from, rule.to)
				}
			}
		}
	}
	if packages < 15 {
		t.Fatalf("only %d packages listed: %s", packages, out)
	}
}

// The binary does not link excelize: its package init alone (regular
// expressions compiled, maps of thousands of entries filled) cost every
// start about 16 ms on our 2-core machine, a third of the time to the first
// reply, for tables the bot writes with commands/excel/xlsxwrite. Tests
// still read the bot's workbooks with it.
func TestTheBinaryLinksNoSpreadsheetLibrary(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "bangfu/cmd/bangfu").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("only %d dependencies listed: %s", len(deps), out)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/xuri/") {
			t.Errorf("the binary links %s", d)
		}
	}
}
