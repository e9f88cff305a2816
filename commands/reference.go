package commands

//go:generate go run ./internal/refgen

import (
	"fmt"
	"strings"
)

// Reference is the command reference users read (commands/README.md),
// rendered from the same table that drives /help and the platforms' "/"
// menus, so the three never disagree. `go generate ./commands` writes it; a
// test fails when the file is stale.
func Reference() string {
	var b strings.Builder
	b.WriteString(referenceIntro())
	specs := commandTable()
	for _, fam := range []family{famRecords, famReports, famPeople, famGroups, famYear, famHelp} {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", familyTitle(fam), referenceTableHeader())
		for _, sp := range specs {
			if sp.family != fam {
				continue
			}
			aliases := make([]string, len(sp.aliases))
			for i, a := range sp.aliases {
				aliases[i] = "`/" + a + "`"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | `%s` |\n",
				sp.usage, strings.Join(aliases, " "), sp.whoText, placeText(sp.where), sp.desc, sp.example)
		}
	}
	b.WriteString(referenceRules())
	return b.String()
}
