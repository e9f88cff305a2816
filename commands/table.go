package commands

import (
	"strings"
	"unicode/utf8"

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
	famYear                  // 学期和学年
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
	// oneStudent: the line is one child's; naming several is refused with
	// each child's line to send (oneStudentOnly), before the command runs.
	oneStudent bool
	usage      string
	example    string
	desc       string
	run        func(h *Handler, r *req) (string, error)
}

// commandTable is the command table, in /help order.
func commandTable() []*spec {
	specs := []*spec{
		{name: "log", family: famRecords, aliases: []string{"辅导", "记录", "辅导记录"}, who: rStaff, where: staffChats, writes: true, run: (*Handler).log},
		{name: "contact", family: famRecords, aliases: []string{"家访", "沟通", "联系", "沟通记录", "家校沟通", "家校联系"}, who: rStaff, where: staffChats, writes: true, oneStudent: true, run: (*Handler).contact},
		{name: "praise", family: famRecords, aliases: []string{"表扬", "进步"}, who: rStaff, where: staffChats, writes: true, run: (*Handler).praise},
		{name: "comment", family: famRecords, aliases: []string{"评语"}, who: rStaff, where: staffChats, writes: true, oneStudent: true, run: (*Handler).comment},
		{name: "comment draft", family: famRecords, aliases: []string{"评语 草稿"}, who: rStaff, where: inPrivate, run: (*Handler).showCommentDraft},
		{name: "comment accept", family: famRecords, aliases: []string{"评语 采用"}, who: rStaff, where: inPrivate, writes: true, run: (*Handler).acceptCommentDraft},
		{name: "edit", family: famRecords, aliases: []string{"修改记录", "修改", "更正", "改", "改正", "修正"}, who: rStaff, where: staffChats, writes: true, run: (*Handler).edit},
		{name: "delete", family: famRecords, aliases: []string{"删除记录", "删除"}, who: rStaff, where: staffChats, writes: true, run: (*Handler).deleteRecord},
		{name: "undo", family: famRecords, aliases: []string{"撤销", "撤回"}, who: rStaff, where: staffChats, writes: true, run: (*Handler).undo},
		{name: "reply", family: famRecords, aliases: []string{"回复", "答复", "回家长"}, who: rStaff, where: inPrivate, writes: true, run: (*Handler).reply},
		{name: "done", family: famRecords, aliases: []string{"完成", "做了"}, who: rStaff, where: inPrivate, writes: true, run: (*Handler).done},
		{name: "later", family: famRecords, aliases: []string{"推迟", "延后"}, who: rStaff, where: inPrivate, writes: true, run: (*Handler).later},
		{name: "status", family: famReports, aliases: []string{"状态", "情况"}, who: rStaff | rParent, where: staffChats, run: (*Handler).status},
		{name: "mine", family: famReports, aliases: []string{"我的"}, who: rStaff, where: staffChats, run: (*Handler).mine},
		{name: "history", family: famReports, aliases: []string{"历史"}, who: rStaff, where: staffChats, run: (*Handler).history},
		{name: "digest", family: famReports, aliases: []string{"周报"}, who: rHead | rAdmin, where: staffChats, run: (*Handler).digest},
		{name: "student add", family: famPeople, aliases: []string{"学生 添加", "学生 新增", "学生 加"}, who: rHead | rAdmin, where: staffChats, writes: true, run: (*Handler).studentAdd},
		{name: "student set", family: famPeople, aliases: []string{"学生 修改", "学生 设置"}, who: rHead | rAdmin, where: staffChats, writes: true, run: (*Handler).studentSet},
		{name: "student move", family: famPeople, aliases: []string{"学生 转班", "学生 调班", "学生 换班", "转班", "调班"}, who: rHead | rAdmin, where: staffChats, writes: true, run: (*Handler).studentMove},
		{name: "student close", family: famPeople, aliases: []string{"学生 结束"}, who: rHead | rAdmin, where: staffChats, writes: true, oneStudent: true, run: (*Handler).studentClose},
		{name: "student delete", family: famPeople, aliases: []string{"学生 删除"}, who: rAdmin, where: inPrivate, writes: true, oneStudent: true, run: (*Handler).studentDelete},
		{name: "plan review", family: famPeople, aliases: []string{"计划 评估", "评估", "阶段评估", "阶段性评估"}, who: rStaff, where: inPrivate, writes: true, oneStudent: true, run: (*Handler).planReview},
		{name: "plan end", family: famPeople, aliases: []string{"计划 结束"}, who: rHead | rAdmin, where: inPrivate, writes: true, oneStudent: true, run: (*Handler).planEnd},
		{name: "plan", family: famPeople, aliases: []string{"计划", "帮扶计划"}, who: rStaff, where: inPrivate, oneStudent: true, run: (*Handler).plan},
		{name: "guardian add", family: famPeople, aliases: []string{"监护人 添加", "监护人 登记"}, who: rStaff, where: inPrivate, writes: true, oneStudent: true, run: (*Handler).guardianAdd},
		{name: "guardian set", family: famPeople, aliases: []string{"监护人 修改"}, who: rStaff, where: inPrivate, writes: true, run: (*Handler).guardianSet},
		{name: "guardian remove", family: famPeople, aliases: []string{"监护人 移除"}, who: rStaff, where: inPrivate, writes: true, run: (*Handler).guardianRemove},
		{name: "guardian", family: famPeople, aliases: []string{"监护人"}, who: rStaff, where: inPrivate, run: (*Handler).guardians},
		{name: "students", family: famPeople, aliases: []string{"名单"}, who: rHead | rAdmin, where: staffChats, run: (*Handler).students},
		{name: "mentor", family: famPeople, aliases: []string{"导师"}, who: rHead | rAdmin, where: staffChats, writes: true, run: (*Handler).mentor},
		{name: "invite teacher", family: famPeople, aliases: []string{"邀请 老师", "邀请 教师"}, who: rHead | rAdmin, where: inPrivate, writes: true, run: (*Handler).inviteTeacher},
		{name: "invite parent", family: famPeople, aliases: []string{"邀请 家长"}, who: rStaff, where: inPrivate, writes: true, run: (*Handler).inviteParent},
		{name: "invite admin", family: famPeople, aliases: []string{"邀请 管理员"}, who: rAdmin, where: inPrivate, writes: true, run: (*Handler).inviteAdmin},
		{name: "teacher list", family: famPeople, aliases: []string{"老师 名单", "老师 列表", "teachers"}, who: rHead | rAdmin, where: staffChats, run: (*Handler).teacherList},
		{name: "teacher remove", family: famPeople, aliases: []string{"老师 离职", "老师 移除"}, who: rAdmin, where: inPrivate, writes: true, run: (*Handler).teacherRemove},
		{name: "parent remove", family: famPeople, aliases: []string{"家长 解绑", "家长 移除"}, who: rHead | rAdmin, where: inPrivate, writes: true, run: (*Handler).parentRemove},
		{name: "join", family: famPeople, aliases: []string{"加入", "绑定"}, who: rAny, where: inPrivate, writes: true, run: (*Handler).join},
		{name: "group teacher", family: famGroups, aliases: []string{"本群 教师", "本群 老师", "本群 教师群"}, who: rHead | rAdmin, where: inAnyGroup, writes: true, run: (*Handler).groupTeacher},
		{name: "group parent", family: famGroups, aliases: []string{"本群 家长", "本群 家长群"}, who: rHead | rAdmin, where: inAnyGroup, writes: true, run: (*Handler).groupParent},
		{name: "meeting list", family: famGroups, aliases: []string{"家长会 列表"}, who: rHead | rAdmin, where: staffChats, run: (*Handler).meetingList},
		{name: "meeting cancel", family: famGroups, aliases: []string{"家长会 取消"}, who: rHead | rAdmin, where: staffChats, writes: true, run: (*Handler).meetingCancel},
		{name: "meeting move", family: famGroups, aliases: []string{"家长会 改期"}, who: rHead | rAdmin, where: staffChats, writes: true, run: (*Handler).meetingMove},
		{name: "meeting", family: famGroups, aliases: []string{"家长会"}, who: rHead | rAdmin, where: staffChats, writes: true, run: (*Handler).meeting},
		{name: "semester new", family: famYear, aliases: []string{"学期 新", "学期 开始", "新学期"}, who: rAdmin, where: inPrivate, writes: true, run: (*Handler).semesterNew},
		{name: "semester", family: famYear, aliases: []string{"学期"}, who: rStaff, where: staffChats, run: (*Handler).semester},
		{name: "promote", family: famYear, aliases: []string{"升年级", "升级"}, who: rAdmin, where: inPrivate, writes: true, run: (*Handler).promote},
		{name: "export", family: famReports, aliases: []string{"导出"}, who: rHead | rAdmin, where: inPrivate, run: (*Handler).export},
		{name: "name", family: famPeople, aliases: []string{"我叫", "改名", "名字"}, who: rStaff, where: inPrivate, writes: true, run: (*Handler).rename},
		{name: "mute", family: famPeople, aliases: []string{"免打扰"}, who: rParent, where: inPrivate, writes: true, run: (*Handler).mute},
		{name: "unmute", family: famPeople, aliases: []string{"取消免打扰", "恢复"}, who: rParent, where: inPrivate, writes: true, run: (*Handler).unmute},
		{name: "help", family: famHelp, aliases: []string{"帮助", "start", "菜单", "说明", "命令", "?", "？"}, who: rAny, where: anywhere, run: (*Handler).help},
	}
	words := commandWordings()
	for _, sp := range specs {
		w := words[sp.name]
		sp.usage, sp.example, sp.desc, sp.whoText = w.usage, w.example, w.desc, w.who
	}
	return specs
}

// groupsOfSubcommands are the words that take a sub-command.
var subWords = map[string]string{
	"student": "student", "学生": "student",
	"invite": "invite", "邀请": "invite",
	"group": "group", "本群": "group",
	"teacher": "teacher", "老师": "teacher", "教师": "teacher",
	"parent": "parent", "家长": "parent",
	"meeting": "meeting", "家长会": "meeting",
	"semester": "semester", "学期": "semester",
	"plan": "plan", "计划": "plan", "帮扶计划": "plan",
	"guardian": "guardian", "监护人": "guardian",
	"comment": "comment", "评语": "comment",
}

var subNames = map[string]map[string]string{
	"student": {"add": "add", "添加": "add", "新增": "add", "加": "add", "set": "set", "修改": "set", "设置": "set", "改": "set",
		"close": "close", "结束": "close", "结案": "close", "delete": "delete", "删除": "delete", "删": "delete",
		"move": "move", "转班": "move", "调班": "move", "换班": "move"},
	"invite":   {"teacher": "teacher", "老师": "teacher", "教师": "teacher", "parent": "parent", "家长": "parent", "admin": "admin", "管理员": "admin"},
	"teacher":  {"remove": "remove", "离职": "remove", "移除": "remove", "list": "list", "名单": "list", "列表": "list"},
	"parent":   {"remove": "remove", "解绑": "remove", "移除": "remove"},
	"meeting":  {"list": "list", "列表": "list", "查看": "list", "cancel": "cancel", "取消": "cancel", "move": "move", "改期": "move", "改时间": "move"},
	"guardian": {"add": "add", "添加": "add", "登记": "add", "加": "add", "set": "set", "修改": "set", "改": "set", "remove": "remove", "移除": "remove", "删除": "remove", "不再是": "remove"},
	"comment":  {"draft": "draft", "草稿": "draft", "起草": "draft", "accept": "accept", "采用": "accept"},
	"plan":     {"review": "review", "评估": "review", "阶段评估": "review", "end": "end", "结束": "end", "结案": "end"},
	"semester": {"new": "new", "新": "new", "开始": "new", "next": "new", "下": "new"},
	"group":    {"teacher": "teacher", "教师": "teacher", "老师": "teacher", "教师群": "teacher", "parent": "parent", "家长": "parent", "家长群": "parent"},
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
	// An English name glued to Chinese (a phone keyboard switching scripts
	// drops the space): /log张三 数学 30分钟, /status初一3班. Not /logs.
	for _, sp := range h.specs {
		if name := sp.name; !strings.Contains(name, " ") && strings.HasPrefix(w, name) && len(w) > len(name) && w[len(name)] >= utf8.RuneSelf {
			return h.lookup(name, strings.TrimSpace(word[len(name):]+" "+rest))
		}
	}
	return nil, rest
}

func (h *Handler) lookupSub(base, rest string) (*spec, string) {
	toks := tokenize(rest)
	if len(toks) == 0 {
		if sp := h.specNamed(base); sp != nil {
			return sp, "" // its own usage line
		}
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
		if sp := h.specNamed(base); sp != nil {
			return sp, rest // /meeting 初一3班 … is the command itself
		}
		return subMissing(base), rest
	}
	for _, sp := range h.specs {
		if sp.name == base+" "+sub {
			return sp, after
		}
	}
	return subMissing(base), rest
}

// specNamed is the command of that exact name, nil if none.
func (h *Handler) specNamed(name string) *spec {
	for _, sp := range h.specs {
		if sp.name == name {
			return sp
		}
	}
	return nil
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
		var choices []helpLine
		for _, sp := range h.visibleSpecs(rolesOf(r.me)) {
			if strings.HasPrefix(sp.name, base+" ") {
				example := sp.example
				if !r.private { // as /help words it there: no category in a group
					example = groupSafe(example)
				}
				choices = append(choices, helpLine{name: sp.usage, example: example})
			}
		}
		if len(choices) == 0 {
			return "", refuse(subcommandNotYours(base))
		}
		return subcommandChoices(base, choices), nil
	}}
}
