package commands

import (
	"strings"

	"bangfu/commands/report"
	"bangfu/storage"
)

func (h *Handler) visibleSpecs(r role) []*spec {
	var out []*spec
	for _, sp := range h.specs {
		if sp.who&r != 0 {
			out = append(out, sp)
		}
	}
	return out
}

// placeOf is the kind of chat a message was said in.
func placeOf(r *req) place {
	switch {
	case r.private:
		return inPrivate
	case r.group == nil:
		return inOtherGroup
	case r.group.Kind == storage.GroupTeacher:
		return inTeacherGroup
	}
	return inParentGroup
}

// refusal says why the sender may not use the command here, or "".
func (h *Handler) refusal(r *req, registered bool) string {
	sp := r.spec
	if sp.name == "join" && !r.private {
		return "" // a code shown in a group is voided by join itself
	}
	roles := rolesOf(r.me)
	if sp.who&roles == 0 {
		if roles == rNone {
			return notJoinedYet()
		}
		if roles == rParent {
			return onlyWhoMayParent(sp.whoText, r.command())
		}
		return onlyWhoMay(sp.whoText, r.command())
	}
	if !r.private && roles == rParent && sp.name != "help" {
		return parentWritePrivately(r.command()) // whatever group: a child's file is never read out in one
	}
	here := placeOf(r)
	if sp.where&here != 0 {
		return ""
	}
	switch here {
	case inPrivate:
		return useInAGroup(r.command())
	case inParentGroup:
		return notInParentGroup(r.command())
	case inOtherGroup:
		if sp.where&inPrivate != 0 && sp.where&inTeacherGroup == 0 {
			return usePrivately(r.command())
		}
		return groupNotRegistered()
	default:
		switch sp.name {
		case "join":
			return joinPrivately()
		case "export":
			return exportPrivately()
		}
		return usePrivately(r.command())
	}
}

func (h *Handler) help(r *req) (string, error) {
	roles := rolesOf(r.me)
	if q := strings.TrimPrefix(strings.ToLower(r.args.from(0)), "/"); q != "" {
		sp, _ := h.lookup(strings.ReplaceAll(q, " ", ""), "")
		if sp == nil {
			if sp2, _ := h.lookup(r.args.at(0), r.args.from(1)); sp2 != nil {
				sp = sp2
			}
		}
		if sp == nil || sp.usage == "" {
			return "", refuse(helpNoSuchCommand(clip(q, 12)))
		}
		if sp.who&roles == 0 || roles == rParent {
			if roles == rParent {
				return parentHelp(r.private), nil
			}
			return helpNotYours(sp.name, sp.whoText), nil
		}
		if !r.private {
			return helpOne(sp.usage, groupSafe(sp.desc), groupSafe(sp.example), sp.aliases), nil
		}
		return helpOne(sp.usage, sp.desc, sp.example, sp.aliases), nil
	}
	// The county's admin is told of /county, privately, whatever else
	// they are in this school.
	county := ""
	if h.County != nil && r.private && h.County.IsAdmin(r.msg) {
		county = countyHelp()
	}
	switch roles {
	case rNone:
		if county != "" {
			return county, nil
		}
		return helpNewcomer(), nil
	case rParent:
		return parentHelp(r.private), nil // in a parent's words, wherever they ask
	}
	here := placeOf(r)
	var lines []helpLine
	for _, sp := range h.visibleSpecs(roles) {
		if sp.name == "join" && roles&rParent == 0 || sp.where&here == 0 {
			continue // only what this sender can do in this chat
		}
		if here == inPrivate {
			lines = append(lines, helpLine{sp.name, sp.desc, sp.example})
		} else {
			lines = append(lines, helpLine{sp.name, groupSafe(sp.desc), groupSafe(sp.example)})
		}
	}
	if county != "" {
		return helpList(false, lines) + "\n\n" + county, nil
	}
	return helpList(false, lines), nil
}

// groupSafe drops the category vocabulary from a help text shown in a
// group: a bracketed part or a word that names one.
func groupSafe(text string) string {
	for {
		open := strings.Index(text, "（")
		if open < 0 {
			break
		}
		end := strings.Index(text[open:], "）")
		if end < 0 || (report.BannedWordIn(text[open:open+end]) == "" && !strings.Contains(text[open:open+end], "类别")) {
			break
		}
		text = text[:open] + text[open+end+len("）"):]
	}
	var kept []string
	for _, w := range strings.Split(text, " ") {
		if _, category := shortCategories[w]; report.BannedWordIn(w) == "" && !category {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}
