package commands

import (
	"fmt"
	"strings"

	"bangfu/storage"
)

// roles a command is open to.
type role uint8

const (
	rNone    role = 1 << iota // no role yet
	rParent                   // 家长
	rTeacher                  // 科任教师 / 导师
	rHead                     // 班主任
	rAdmin                    // 学校管理员 / 领导小组

	rStaff = rTeacher | rHead | rAdmin
	rAny   = rNone | rParent | rStaff
)

func rolesOf(p storage.Person) role {
	var r role
	if p.Admin {
		r |= rAdmin
	}
	if len(p.HeadOf) > 0 {
		r |= rHead
	}
	if p.Teacher {
		r |= rTeacher
	}
	if len(p.Parents) > 0 {
		r |= rParent
	}
	if r == 0 {
		r = rNone
	}
	return r
}

// places a command may be used in.
type place uint8

const (
	inPrivate      place = 1 << iota
	inTeacherGroup       // a registered teacher group
	inParentGroup        // a registered parent group
	inOtherGroup         // a group not registered yet

	inAnyGroup = inTeacherGroup | inParentGroup | inOtherGroup
	anywhere   = inPrivate | inAnyGroup
	staffChats = inPrivate | inTeacherGroup
)

// family groups commands as the command reference does.
type family uint8

const (
	famRecords family = iota // 记录
	famReports               // 查看
	famPeople                // 学生、老师和家长
	famGroups                // 群和家长会
	famHelp
)

type spec struct {
	family  family
	name    string   // English name, also the /help key: "log", "student add"
	aliases []string // Chinese names, "学生 添加" for sub-commands
	who     role
	whoText string // who may use it, for refusals
	where   place
	writes  bool // stores a record (and marks the message processed with it)
	usage   string
	example string
	desc    string
	run     func(h *Handler, r *req) (string, error)
}

// commandTable is the command table, in /help order.
func commandTable() []*spec {
	return []*spec{
		{name: "log", family: famRecords, aliases: []string{"辅导", "记录"}, who: rStaff, whoText: "老师", where: staffChats, writes: true,
			usage: "/log <学生> <科目或内容> <时长> [日期] [备注]", example: "/log 张三 数学辅导 30分钟",
			desc: "记录一次辅导", run: (*Handler).log},
		{name: "contact", family: famRecords, aliases: []string{"家访", "沟通", "联系"}, who: rStaff, whoText: "老师", where: staffChats, writes: true,
			usage: "/contact <学生> <方式> [对象] <内容> [日期]", example: "/contact 张三 电话 妈妈 孩子最近作业按时交了，请家里继续督促",
			desc: "记录一次家校沟通（方式：电话 微信 面谈 家访 家长会 短信 视频）", run: (*Handler).contact},
		{name: "praise", family: famRecords, aliases: []string{"表扬", "进步"}, who: rStaff, whoText: "老师", where: staffChats, writes: true,
			usage: "/praise <学生> <内容>", example: "/praise 张三 这周数学作业全对，上课主动举手",
			desc: "记录一点进步，并告诉已绑定的家长", run: (*Handler).praise},
		{name: "comment", family: famRecords, aliases: []string{"评语"}, who: rStaff, whoText: "学生的导师和班主任", where: staffChats, writes: true,
			usage: "/comment <学生> <评语>", example: "/comment 张三 本学期进步明显，作业越来越认真，希望继续保持",
			desc: "写本学期的书面评语（再写一次会替换）", run: (*Handler).comment},
		{name: "undo", family: famRecords, aliases: []string{"撤销"}, who: rStaff, whoText: "记录过的老师", where: staffChats, writes: true,
			usage: "/undo", example: "/undo",
			desc: "撤销你自己24小时内的最后一条记录", run: (*Handler).undo},
		{name: "status", family: famReports, aliases: []string{"状态", "情况"}, who: rStaff | rParent, whoText: "老师和家长", where: staffChats,
			usage: "/status [班级或学生]", example: "/status 初一3班",
			desc: "看一个班或一个学生的情况", run: (*Handler).status},
		{name: "mine", family: famReports, aliases: []string{"我的"}, who: rStaff, whoText: "老师", where: staffChats,
			usage: "/mine", example: "/mine",
			desc: "我帮扶的学生和本周、本月要做的事", run: (*Handler).mine},
		{name: "history", family: famReports, aliases: []string{"历史"}, who: rStaff, whoText: "老师", where: staffChats,
			usage: "/history <学生> [条数]", example: "/history 张三 10",
			desc: "学生最近的记录", run: (*Handler).history},
		{name: "digest", family: famReports, aliases: []string{"周报"}, who: rHead | rAdmin, whoText: "班主任和学校管理员", where: staffChats,
			usage: "/digest [班级]", example: "/digest 初一3班",
			desc: "上周（周一到周日）的小结", run: (*Handler).digest},
		{name: "student add", family: famPeople, aliases: []string{"学生 添加", "学生 新增", "学生 加"}, who: rHead | rAdmin, whoText: "班主任（本班）和学校管理员", where: staffChats, writes: true,
			usage: "/student add <班级> <姓名> [类别…] [重点] [每周N次]", example: "/student add 初一3班 张三 留守 学困 重点 每周2次",
			desc: "把学生加入帮扶名单（类别：贫困 学困 单亲 外来务工 留守 残疾 优越 优秀）", run: (*Handler).studentAdd},
		{name: "student set", family: famPeople, aliases: []string{"学生 修改", "学生 设置"}, who: rHead | rAdmin, whoText: "班主任（本班）和学校管理员", where: staffChats, writes: true,
			usage: "/student set <学生> [类别…] [重点/非重点] [每周N次]", example: "/student set 张三 每周3次",
			desc: "修改类别、重点或每周辅导次数", run: (*Handler).studentSet},
		{name: "student close", family: famPeople, aliases: []string{"学生 结束"}, who: rHead | rAdmin, whoText: "班主任（本班）和学校管理员", where: staffChats, writes: true,
			usage: "/student close <学生> [原因]", example: "/student close 张三 已转化",
			desc: "结束帮扶（记录保留，不再提醒）", run: (*Handler).studentClose},
		{name: "student delete", family: famPeople, aliases: []string{"学生 删除"}, who: rAdmin, whoText: "学校管理员", where: inPrivate, writes: true,
			usage: "/student delete <学生> 确认", example: "/student delete 张三 确认",
			desc: "彻底删除学生和他的全部记录（隐私要求，无法恢复）", run: (*Handler).studentDelete},
		{name: "students", family: famPeople, aliases: []string{"名单"}, who: rHead | rAdmin, whoText: "班主任和学校管理员", where: staffChats,
			usage: "/students [班级]", example: "/students 初一3班",
			desc: "辅导学生名单", run: (*Handler).students},
		{name: "mentor", family: famPeople, aliases: []string{"导师"}, who: rHead | rAdmin, whoText: "班主任（本班）和学校管理员", where: staffChats, writes: true,
			usage: "/mentor <学生> <老师>", example: "/mentor 张三 王老师",
			desc: "指定学生的导师（帮扶责任人）", run: (*Handler).mentor},
		{name: "invite teacher", family: famPeople, aliases: []string{"邀请 老师", "邀请 教师"}, who: rHead | rAdmin, whoText: "学校管理员（班主任可邀请本班老师）", where: inPrivate, writes: true,
			usage: "/invite teacher [班级] [班主任]", example: "/invite teacher 初一3班 班主任",
			desc: "生成老师的一次性邀请码", run: (*Handler).inviteTeacher},
		{name: "invite parent", family: famPeople, aliases: []string{"邀请 家长"}, who: rStaff, whoText: "学生的班主任、导师和学校管理员", where: inPrivate, writes: true,
			usage: "/invite parent <学生> [关系]", example: "/invite parent 张三 妈妈",
			desc: "生成家长的一次性邀请码", run: (*Handler).inviteParent},
		{name: "invite admin", family: famPeople, aliases: []string{"邀请 管理员"}, who: rAdmin, whoText: "学校管理员", where: inPrivate, writes: true,
			usage: "/invite admin", example: "/invite admin",
			desc: "生成学校管理员的一次性邀请码", run: (*Handler).inviteAdmin},
		{name: "join", family: famPeople, aliases: []string{"加入", "绑定"}, who: rAny, whoText: "所有人", where: inPrivate, writes: true,
			usage: "/join <邀请码>", example: "/join K7M2QX9A",
			desc: "用邀请码加入（老师）或绑定孩子（家长）", run: (*Handler).join},
		{name: "group teacher", family: famGroups, aliases: []string{"本群 教师", "本群 老师", "本群 教师群"}, who: rHead | rAdmin, whoText: "学校管理员和班主任", where: inAnyGroup, writes: true,
			usage: "/group teacher [班级]", example: "/group teacher 初一3班",
			desc: "把本群登记为教师群", run: (*Handler).groupTeacher},
		{name: "group parent", family: famGroups, aliases: []string{"本群 家长", "本群 家长群"}, who: rHead | rAdmin, whoText: "学校管理员和班主任", where: inAnyGroup, writes: true,
			usage: "/group parent <班级>", example: "/group parent 初一3班",
			desc: "把本群登记为家长群", run: (*Handler).groupParent},
		{name: "meeting", family: famGroups, aliases: []string{"家长会"}, who: rHead | rAdmin, whoText: "班主任", where: staffChats, writes: true,
			usage: "/meeting <班级> <日期> <时间> <主题>", example: "/meeting 初一3班 11月28日 19:00 期中家长会",
			desc: "安排家长会，前一天18:00提醒家长", run: (*Handler).meeting},
		{name: "export", family: famReports, aliases: []string{"导出"}, who: rHead | rAdmin, whoText: "班主任和学校管理员（档案里有学生的隐私）", where: inPrivate,
			usage: "/export [班级]", example: "/export 初一3班",
			desc: "导出Excel帮扶档案（名单、辅导、沟通、进步、评语、统计）", run: (*Handler).export},
		{name: "mute", family: famPeople, aliases: []string{"免打扰"}, who: rParent, whoText: "家长", where: inPrivate, writes: true,
			usage: "/mute", example: "/mute",
			desc: "暂停每周的定时消息", run: (*Handler).mute},
		{name: "unmute", family: famPeople, aliases: []string{"取消免打扰", "恢复"}, who: rParent, whoText: "家长", where: inPrivate, writes: true,
			usage: "/unmute", example: "/unmute",
			desc: "恢复每周的定时消息", run: (*Handler).unmute},
		{name: "help", family: famHelp, aliases: []string{"帮助", "start"}, who: rAny, whoText: "所有人", where: anywhere,
			usage: "/help [命令]", example: "/help log",
			desc: "看看能用哪些命令", run: (*Handler).help},
	}
}

// groupsOfSubcommands are the words that take a sub-command.
var subWords = map[string]string{
	"student": "student", "学生": "student",
	"invite": "invite", "邀请": "invite",
	"group": "group", "本群": "group",
}

var subNames = map[string]map[string]string{
	"student": {"add": "add", "添加": "add", "新增": "add", "加": "add", "set": "set", "修改": "set", "设置": "set", "改": "set",
		"close": "close", "结束": "close", "结案": "close", "delete": "delete", "删除": "delete", "删": "delete"},
	"invite": {"teacher": "teacher", "老师": "teacher", "教师": "teacher", "parent": "parent", "家长": "parent", "admin": "admin", "管理员": "admin"},
	"group":  {"teacher": "teacher", "教师": "teacher", "老师": "teacher", "教师群": "teacher", "parent": "parent", "家长": "parent", "家长群": "parent"},
}

// lookup finds the command for a word (English, any case, or a Chinese alias,
// possibly glued to its first argument: /辅导张三 …) and returns the rest.
func (h *Handler) lookup(word, rest string) (*spec, string) {
	w := strings.ToLower(word)
	if w == "start" && strings.TrimSpace(rest) != "" {
		w = "join" // a Telegram link t.me/<bot>?start=<code> arrives as /start <code>
	}
	if base, ok := subWords[w]; ok {
		return h.lookupSub(base, rest)
	}
	for _, sp := range h.specs {
		if sp.name == w {
			return sp, rest
		}
		for _, a := range sp.aliases {
			if a == w {
				return sp, rest
			}
		}
	}
	// A Chinese alias glued to what follows: /学生添加 初一3班 张三, /辅导张三 数学 30分钟.
	for zh, base := range subWords {
		if zh != base && strings.HasPrefix(word, zh) {
			return h.lookupSub(base, strings.TrimSpace(word[len(zh):]+" "+rest))
		}
	}
	for _, sp := range h.specs {
		for _, a := range sp.aliases {
			if !strings.Contains(a, " ") && strings.HasPrefix(word, a) && len(word) > len(a) {
				return sp, strings.TrimSpace(word[len(a):] + " " + rest)
			}
		}
	}
	return nil, rest
}

func (h *Handler) lookupSub(base, rest string) (*spec, string) {
	toks := tokenize(rest)
	if len(toks) == 0 {
		return subMissing(base), ""
	}
	first := strings.ToLower(toks[0].text)
	sub, ok := subNames[base][first]
	after := strings.TrimSpace(rest[toks[0].end:])
	if !ok { // glued: /学生 添加初一3班
		for word, s := range subNames[base] {
			if !isASCII(word) && strings.HasPrefix(toks[0].text, word) {
				sub, ok = s, true
				after = strings.TrimSpace(toks[0].text[len(word):] + " " + after)
				break
			}
		}
	}
	if !ok {
		return subMissing(base), rest
	}
	for _, sp := range h.specs {
		if sp.name == base+" "+sub {
			return sp, after
		}
	}
	return subMissing(base), rest
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// subMissing is a pseudo-command answering "/student" with its choices.
func subMissing(base string) *spec {
	return &spec{name: base, who: rAny, where: anywhere, run: func(h *Handler, r *req) (string, error) {
		var b strings.Builder
		fmt.Fprintf(&b, "/%s 后面要写做什么：\n", base)
		for _, sp := range h.visibleSpecs(rolesOf(r.me)) {
			if strings.HasPrefix(sp.name, base+" ") {
				fmt.Fprintf(&b, "%s  例如：%s\n", sp.usage, sp.example)
			}
		}
		if b.Len() == len(fmt.Sprintf("/%s 后面要写做什么：\n", base)) {
			return "", fail("你没有使用 /%s 的权限。发送 /help 查看你可以用的命令。", base)
		}
		return strings.TrimRight(b.String(), "\n"), nil
	}}
}

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
			return fmt.Sprintf("/%s 只有%s可以用。", sp.name, sp.whoText), nil
		}
		al := ""
		if len(sp.aliases) > 0 {
			al = "\n也可以写：/" + strings.Join(sp.aliases, "  /")
		}
		return fmt.Sprintf("%s\n%s\n例如：%s%s", sp.usage, sp.desc, sp.example, al), nil
	}
	var b strings.Builder
	switch {
	case roles == rNone:
		b.WriteString("你好！我是帮扶助手，帮老师记录学生的辅导、家校沟通和点滴进步。\n先用老师给你的邀请码加入：\n/join 邀请码  例如：/join K7M2QX9A")
		return b.String(), nil
	case roles == rParent:
		b.WriteString("家长可以用：\n")
	default:
		b.WriteString("你可以用这些命令（每条一个例子）：\n")
	}
	for _, sp := range h.visibleSpecs(roles) {
		if sp.name == "join" && roles != rNone && roles&rParent == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s — %s\n  %s\n", "/"+sp.name, sp.desc, sp.example)
	}
	b.WriteString("发送 /help 命令名 看详细写法，例如 /help log")
	return b.String(), nil
}
