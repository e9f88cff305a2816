package commands

import (
	"strings"

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

// refusal says why the sender may not use the command here, or "".
func (h *Handler) refusal(r *req, registered bool) string {
	sp := r.spec
	roles := rolesOf(r.me)
	if sp.who&roles == 0 {
		if roles == rNone {
			return notJoinedYet()
		}
		return onlyWhoMay(sp.whoText, sp.name)
	}
	if !r.private && roles == rParent && sp.name != "help" {
		return parentWritePrivately(sp.name) // whatever group: a child's file is never read out in one
	}
	var here place
	switch {
	case r.private:
		here = inPrivate
	case !registered:
		here = inOtherGroup
	case r.group.Kind == storage.GroupTeacher:
		here = inTeacherGroup
	default:
		here = inParentGroup
	}
	if sp.where&here != 0 {
		return ""
	}
	switch here {
	case inPrivate:
		return useInAGroup(sp.name)
	case inParentGroup:
		return notInParentGroup(sp.name)
	case inOtherGroup:
		if sp.where&inPrivate != 0 && sp.where&inTeacherGroup == 0 {
			return usePrivately(sp.name)
		}
		return groupNotRegistered()
	default:
		switch sp.name {
		case "join":
			return joinPrivately()
		case "export":
			return exportPrivately()
		}
		return usePrivately(sp.name)
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
		if sp.who&roles == 0 {
			return helpNotYours(sp.name, sp.whoText), nil
		}
		return helpOne(sp.usage, sp.desc, sp.example, sp.aliases), nil
	}
	if roles == rNone {
		return helpNewcomer(), nil
	}
	var lines []helpLine
	for _, sp := range h.visibleSpecs(roles) {
		if sp.name == "join" && roles != rNone && roles&rParent == 0 {
			continue
		}
		lines = append(lines, helpLine{sp.name, sp.desc, sp.example})
	}
	return helpList(roles == rParent, lines), nil
}
