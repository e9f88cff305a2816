package commands

import (
	"fmt"
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
			return "你还没有加入。请向班主任或学校管理员要一个邀请码，然后私聊我发送：/join 邀请码"
		}
		return fmt.Sprintf("只有%s可以用 /%s。发送 /help 查看你可以用的命令。", sp.whoText, sp.name)
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
		return fmt.Sprintf("/%s 要在群里发送。", sp.name)
	case inParentGroup:
		return fmt.Sprintf("家长群里不谈具体学生的情况，保护孩子的隐私。请私聊我使用 /%s。", sp.name)
	case inOtherGroup:
		if sp.where&inPrivate != 0 && sp.where&inTeacherGroup == 0 {
			return fmt.Sprintf("请私聊我使用 /%s。", sp.name)
		}
		return "这个群还没有登记。请班主任或学校管理员先发送 /group teacher 初一3班（教师群）或 /group parent 初一3班（家长群）。在登记之前，我不在这里谈学生的情况。"
	default:
		switch sp.name {
		case "join":
			return "邀请码请私聊我发送，不要发在群里（别人可能先用掉）。"
		case "export":
			return "Excel档案里有学生的类别和沟通内容，不能发到群里。请私聊我发送 /export。"
		}
		return fmt.Sprintf("请私聊我使用 /%s。", sp.name)
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
			return "", fail("没有这个命令：%s。发送 /help 查看可以用的命令。", clip(q, 12))
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
