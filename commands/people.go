package commands

import (
	"errors"
	"fmt"
	"strings"

	"bangfu/commands/report"
	"bangfu/storage"
)

// studentOptions are the optional fields of /student add and /student set.
type studentOptions struct {
	categories map[string]bool
	key        *bool
	target     int // 0: not given
}

func parseStudentOptions(r *req, toks []string) (studentOptions, error) {
	o := studentOptions{categories: map[string]bool{}}
	for _, t := range toks {
		if c, ok := shortCategories[t]; ok {
			o.categories[c] = true
			continue
		}
		switch t {
		case "重点", "重点学生":
			v := true
			o.key = &v
			continue
		case "非重点", "不重点", "一般":
			v := false
			o.key = &v
			continue
		}
		if n, ok := parseTarget(t); ok {
			if n < 1 || n > 14 {
				return o, r.usage("每周辅导次数要在1到14次之间。")
			}
			o.target = n
			continue
		}
		return o, r.usage(fmt.Sprintf("不认识“%s”。%s；重点写“重点”；次数写“每周2次”。", clip(t, 10), categoryHint))
	}
	return o, nil
}

// parseTarget reads 每周2次, 每周两次, 周2次, 2次/周, 目标2次.
func parseTarget(t string) (int, bool) {
	s, ok := cutAny(t, "每周", "一周", "周", "目标", "每星期")
	if !ok {
		for _, suf := range []string{"次/周", "次每周"} {
			if strings.HasSuffix(t, suf) {
				s, ok = strings.TrimSuffix(t, suf), true
				break
			}
		}
		if !ok {
			return 0, false
		}
		return smallNumber(s)
	}
	s = strings.TrimSuffix(s, "次")
	return smallNumber(s)
}

// defaultClass is the class a command may leave out: the group's class, or
// the only class the sender heads; "" when there is none.
func (h *Handler) defaultClass(r *req) string {
	id := uint64(0)
	switch {
	case r.group != nil && r.group.ClassID != 0:
		id = r.group.ClassID
	case len(r.me.HeadOf) == 1:
		id = r.me.HeadOf[0]
	}
	if id == 0 {
		return ""
	}
	c, err := h.Store.Class(id)
	if err != nil {
		return ""
	}
	return report.ClassName(c)
}

func (h *Handler) studentAdd(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return "", r.usage("请写上班级和姓名。")
	}
	if _, _, ok := parseClassPrefix(a.at(0)); !ok {
		if c := h.defaultClass(r); c != "" {
			a = newArgs(c + " " + a.src) // a head teacher's own class: /student add 张三 留守
		}
	}
	classTok, nameTok, rest := a.at(0), a.at(1), 2
	if c, after, ok := parseClassPrefix(a.at(0)); ok && after != "" { // 初一3班张三
		classTok, nameTok, rest = c.name(), after, 1
	}
	cref, ok := parseClass(classTok)
	if !ok {
		return "", r.usage(fmt.Sprintf("第一个要写班级，“%s”不像班级名。", clip(classTok, 12)))
	}
	if nameTok == "" {
		return "", r.usage("请写上学生的姓名。")
	}
	if !validName(nameTok) {
		return "", r.usage(fmt.Sprintf("“%s”不像姓名（只能是汉字或字母，最多20个字）。", clip(nameTok, 12)))
	}
	var toks []string
	for i := rest; i < a.len(); i++ {
		toks = append(toks, a.at(i))
	}
	o, err := parseStudentOptions(r, toks)
	if err != nil {
		return "", err
	}
	if !r.me.Admin {
		c, exists, err := h.Store.ClassByGrade(cref.grade, cref.number)
		if err != nil {
			return "", err
		}
		if !exists || !r.me.IsHeadOf(c.ID) {
			return "", fail("你只能给自己的班添加学生（%s不是你的班）。", cref.name())
		}
	}
	st := storage.Student{Name: nameTok, Categories: orderCategories(o.categories), WeeklyTarget: 1}
	if o.key != nil {
		st.Key = *o.key
	}
	defaultTarget := o.target == 0
	if !defaultTarget {
		st.WeeklyTarget = o.target
	}
	out, reopened, err := h.Store.AddStudent(r.meta, cref.grade, cref.number, st)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if reopened {
		fmt.Fprintf(&b, "已重新开始帮扶：%s（%s）", out.Name, cref.name())
	} else {
		fmt.Fprintf(&b, "已加入帮扶名单：%s（%s）", out.Name, cref.name())
	}
	if out.Key {
		b.WriteString(" ★重点")
	}
	fmt.Fprintf(&b, "，每周辅导%d次", out.WeeklyTarget)
	if defaultTarget {
		b.WriteString("（默认，可用 /student set " + cref.name() + out.Name + " 每周2次 修改）")
	}
	b.WriteString("。")
	if len(out.Categories) > 0 {
		if r.private {
			fmt.Fprintf(&b, "\n类别：%s", strings.Join(out.Categories, "、"))
		} else {
			b.WriteString("\n（类别已保存，只在私聊里显示）")
		}
	}
	if out.MentorID == 0 {
		fmt.Fprintf(&b, "\n下一步：指定导师 /mentor %s%s 王老师", cref.name(), out.Name)
	}
	return b.String(), nil
}

func (h *Handler) studentSet(r *req) (string, error) {
	a := r.args
	if a.len() < 2 {
		return "", r.usage("请写上学生和要改的内容（类别、重点/非重点、每周N次）。")
	}
	ref, i := studentArg(a)
	var toks []string
	for ; i < a.len(); i++ {
		toks = append(toks, a.at(i))
	}
	o, err := parseStudentOptions(r, toks)
	if err != nil {
		return "", err
	}
	if len(toks) == 0 {
		return "", r.usage("请写上要改的内容。")
	}
	f, err := h.resolveStudent(r, ref, false)
	if err != nil {
		return "", err
	}
	if !canManageClass(r.me, f.st.ClassID) {
		return "", fail("只有%s的班主任和学校管理员可以修改。", report.ClassName(f.class))
	}
	st, err := h.Store.UpdateStudent(r.meta, f.st.ID, "student.set", func(s *storage.Student) error {
		if len(o.categories) > 0 {
			s.Categories = orderCategories(o.categories)
		}
		if o.key != nil {
			s.Key = *o.key
		}
		if o.target > 0 {
			s.WeeklyTarget = o.target
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	var changes []string
	if len(o.categories) > 0 {
		if r.private {
			changes = append(changes, "类别："+strings.Join(st.Categories, "、"))
		} else {
			changes = append(changes, "类别已更新（只在私聊里显示）")
		}
	}
	if o.key != nil {
		changes = append(changes, map[bool]string{true: "重点学生", false: "非重点"}[st.Key])
	}
	if o.target > 0 {
		changes = append(changes, fmt.Sprintf("每周辅导%d次", st.WeeklyTarget))
	}
	return fmt.Sprintf("已修改%s：%s。", f.label(), strings.Join(changes, "，")), nil
}

func (h *Handler) studentClose(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return "", r.usage("请写上学生的姓名。")
	}
	ref, i := studentArg(a)
	reason := a.from(i)
	if runeLen(reason) > 50 {
		return "", r.usage("原因写短一点（最多50个字）。")
	}
	f, err := h.resolveStudent(r, ref, false)
	if err != nil {
		return "", err
	}
	if f.st.Closed {
		return "", fail("%s的帮扶已经结束了。", f.label())
	}
	if !canManageClass(r.me, f.st.ClassID) {
		return "", fail("只有%s的班主任和学校管理员可以结束帮扶。", report.ClassName(f.class))
	}
	_, err = h.Store.UpdateStudent(r.meta, f.st.ID, "student.close", func(s *storage.Student) error {
		s.Closed, s.ClosedReason, s.ClosedAt = true, reason, r.now
		return nil
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("已结束%s的帮扶（%s）。记录都保留着，不会再提醒。", f.label(), orDefault(reason, "未注明原因")), nil
}

func (h *Handler) studentDelete(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return "", r.usage("请写上学生的姓名，最后加“确认”。")
	}
	ref, i := studentArg(a)
	confirmed := a.at(i) == "确认" && i+1 == a.len()
	f, err := h.resolveStudent(r, ref, false)
	if err != nil {
		return "", err
	}
	if !confirmed {
		return fmt.Sprintf("这会永久删除%s和他/她的全部记录（辅导、沟通、进步、评语、家长绑定），无法恢复。\n确认请发送：/student delete %s%s 确认", f.label(), report.ClassName(f.class), f.st.Name), nil
	}
	e, err := h.Store.DeleteStudent(r.meta, f.st.ID)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("已彻底删除%s：辅导记录%d条、家校沟通%d条、进步记录%d条、评语%d条，解除家长绑定%d个。数据库已重写，旧数据不会留在文件里。",
		f.label(), e.Sessions, e.Contacts, e.Praise, e.Comments, e.Parents), nil
}

func (h *Handler) students(r *req) (string, error) {
	arg := r.args.from(0)
	var classes []storage.Class
	switch {
	case arg != "":
		c, err := h.classFromArg(r, arg, false)
		if err != nil {
			return "", err
		}
		classes = []storage.Class{c}
	case r.group != nil && r.group.ClassID != 0:
		c, err := h.Store.Class(r.group.ClassID)
		if err != nil {
			return "", err
		}
		classes = []storage.Class{c}
	case r.me.Admin:
		all, err := h.Store.Classes()
		if err != nil {
			return "", err
		}
		classes = all
	default:
		for _, id := range r.me.HeadOf {
			c, err := h.Store.Class(id)
			if err != nil {
				return "", err
			}
			classes = append(classes, c)
		}
	}
	var b strings.Builder
	var ids []uint64
	for _, c := range classes {
		if !canManageClass(r.me, c.ID) {
			return "", fail("你只能看自己班的名单（%s不是你的班）。", report.ClassName(c))
		}
		sts, err := h.Store.StudentsInClass(c.ID)
		if err != nil {
			return "", err
		}
		var active, closed []storage.Student
		for _, st := range sts {
			ids = append(ids, st.ID)
			if st.Closed {
				closed = append(closed, st)
			} else {
				active = append(active, st)
			}
		}
		if len(active)+len(closed) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s 辅导学生名单（%d人）\n", report.ClassName(c), len(active))
		for i, st := range active {
			fmt.Fprintf(&b, "%d. %s", i+1, st.Name)
			if st.Key {
				b.WriteString(" ★重点")
			}
			if r.private && len(st.Categories) > 0 {
				fmt.Fprintf(&b, " · %s", strings.Join(st.Categories, "、"))
			}
			fmt.Fprintf(&b, " · 导师：%s · 每周%d次\n", orDefault(h.personName(st.MentorID), "未指定"), st.WeeklyTarget)
		}
		if len(closed) > 0 {
			var cs []string
			for _, st := range closed {
				cs = append(cs, fmt.Sprintf("%s（%s）", st.Name, orDefault(st.ClosedReason, "未注明原因")))
			}
			fmt.Fprintf(&b, "已结束帮扶：%s\n", strings.Join(cs, "、"))
		}
	}
	if b.Len() == 0 {
		return "还没有帮扶学生。添加：/student add 初一3班 张三 每周2次", nil
	}
	if err := r.audit(h, "students", sensitiveTag(r.private), ids...); err != nil {
		return "", err
	}
	return strings.TrimRight(b.String(), "\n"), nil
}

func (h *Handler) mentor(r *req) (string, error) {
	a := r.args
	if a.len() < 2 {
		return "", r.usage("请写上学生和老师。")
	}
	ref, i := studentArg(a)
	if i >= a.len() {
		return "", r.usage("请写上老师的名字。")
	}
	teacherTok := a.from(i)
	f, err := h.resolveStudent(r, ref, true)
	if err != nil {
		return "", err
	}
	if !canManageClass(r.me, f.st.ClassID) {
		return "", fail("只有%s的班主任和学校管理员可以指定导师。", report.ClassName(f.class))
	}
	people, err := h.Store.People()
	if err != nil {
		return "", err
	}
	want := strings.TrimSuffix(teacherTok, "老师")
	var matches []storage.Person
	for _, p := range people {
		if p.IsStaff() && (p.Name == teacherTok || strings.TrimSuffix(p.Name, "老师") == want) {
			matches = append(matches, p)
		}
	}
	switch len(matches) {
	case 0:
		return "", fail("没有找到叫“%s”的老师。老师要先用邀请码加入（/invite teacher %s），再指定导师。", clip(teacherTok, 10), report.ClassName(f.class))
	case 1:
	default:
		return "", fail("有%d位老师叫“%s”，请让其中一位在聊天软件里改一个能区分的名字后再指定。", len(matches), clip(teacherTok, 10))
	}
	t := matches[0]
	if _, err := h.Store.UpdateStudent(r.meta, f.st.ID, "student.mentor", func(s *storage.Student) error {
		s.MentorID = t.ID
		return nil
	}); err != nil {
		return "", err
	}
	return fmt.Sprintf("已指定%s为%s的导师（帮扶责任人）。%s可以用 /mine 查看自己帮扶的学生。", report.TeacherName(t), f.label(), report.TeacherName(t)), nil
}

func codeLines(head, how, code string) string {
	return fmt.Sprintf("%s\n%s\n%s", head, how, code)
}

// withLink adds, on Telegram, a link that joins in one tap (t.me/<bot>?start=<code>);
// the code stays alone on the last line.
func (h *Handler) withLink(r *req, reply, code string) string {
	if r.msg.Platform != "telegram" || len(h.BotNames) == 0 || h.BotNames[0] == "" {
		return reply
	}
	i := strings.LastIndex(reply, "\n")
	return reply[:i] + fmt.Sprintf("\n在 Telegram 上也可以直接点：https://t.me/%s?start=%s", strings.TrimPrefix(h.BotNames[0], "@"), code) + reply[i:]
}

func (h *Handler) inviteTeacher(r *req) (string, error) {
	a := r.args
	inv := storage.Invite{Kind: storage.InviteTeacher}
	var className string
	for i := 0; i < a.len(); i++ {
		t := a.at(i)
		switch {
		case t == "班主任":
			inv.HeadTeacher = true
		case inv.ClassID == 0:
			c, err := h.classFromArg(r, t, true)
			if err != nil {
				return "", err
			}
			inv.ClassID, className = c.ID, report.ClassName(c)
		default:
			return "", r.usage(fmt.Sprintf("不认识“%s”。", clip(t, 10)))
		}
	}
	if inv.HeadTeacher && inv.ClassID == 0 {
		return "", r.usage("邀请班主任要写上班级。")
	}
	if !r.me.Admin {
		if inv.HeadTeacher {
			return "", fail("只有学校管理员可以邀请班主任。")
		}
		if inv.ClassID == 0 || !r.me.IsHeadOf(inv.ClassID) {
			return "", fail("班主任只能邀请本班的老师，请写上你的班级，例如：/invite teacher %s", h.firstClassName(r.me))
		}
	}
	inv, err := h.InviteStaff(r.meta, inv)
	if err != nil {
		return "", err
	}
	what := "老师"
	if className != "" {
		what = className + "的老师"
		if inv.HeadTeacher {
			what = className + "的班主任"
		}
	}
	return h.withLink(r, codeLines(fmt.Sprintf("邀请码（%s，7天内有效，只能用一次）：", what),
		"请把下面的码发给这位老师，让他/她私聊我发送 /join 邀请码。", inv.Code), inv.Code), nil
}

func (h *Handler) firstClassName(p storage.Person) string {
	if len(p.HeadOf) > 0 {
		if c, err := h.Store.Class(p.HeadOf[0]); err == nil {
			return report.ClassName(c)
		}
	}
	return "初一3班"
}

func (h *Handler) inviteParent(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return "", r.usage("请写上学生的姓名。")
	}
	ref, i := studentArg(a)
	relation := "家长"
	if i < a.len() {
		w, ok := contactWhom[a.at(i)]
		if !ok || w == "本人" || i+1 < a.len() {
			return "", r.usage("关系可以写：爸爸 妈妈 爷爷 奶奶 外公 外婆 监护人 代管家长。")
		}
		relation = w
	}
	f, err := h.resolveStudent(r, ref, true)
	if err != nil {
		return "", err
	}
	if !privileged(r.me, f.st) {
		return "", fail("只有%s的班主任、导师和学校管理员可以邀请家长。", f.label())
	}
	inv, err := h.Store.CreateInvite(r.meta, storage.Invite{Kind: storage.InviteParent, StudentID: f.st.ID, ClassID: f.st.ClassID, Relation: relation})
	if err != nil {
		return "", err
	}
	return h.withLink(r, codeLines(fmt.Sprintf("邀请码（%s的%s，7天内有效，只能用一次）：", f.label(), relation),
		"请把下面的码发给家长，让家长加我为好友后私聊发送 /join 邀请码。", inv.Code), inv.Code), nil
}

func (h *Handler) inviteAdmin(r *req) (string, error) {
	if r.args.len() > 0 {
		return "", r.usage("/invite admin 后面不用写别的。")
	}
	inv, err := h.InviteStaff(r.meta, storage.Invite{Kind: storage.InviteAdmin})
	if err != nil {
		return "", err
	}
	return h.withLink(r, codeLines("邀请码（学校管理员，7天内有效，只能用一次）：", "请把下面的码发给对方，让他/她私聊我发送 /join 邀请码。", inv.Code), inv.Code), nil
}

// NormalizeCode accepts codes typed in lower case or with spaces and dashes.
func NormalizeCode(s string) string {
	s = strings.ToUpper(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

func validCode(code string) bool {
	if len(code) != 8 {
		return false
	}
	for _, c := range code {
		if !strings.ContainsRune(storage.InviteAlphabet, c) {
			return false
		}
	}
	return true
}

func (h *Handler) join(r *req) (string, error) {
	code := NormalizeCode(r.args.from(0))
	if code == "" {
		return "", r.usage("请写上邀请码。")
	}
	if !validCode(code) {
		return "", r.usage("邀请码是8位字母和数字（没有0、1、O、I），请核对后重新发送。")
	}
	inv, p, err := h.Store.UseInvite(r.meta, code, r.me.ID)
	if err != nil {
		return "", err
	}
	switch inv.Kind {
	case storage.InviteAdmin:
		return fmt.Sprintf("欢迎%s！你现在是%s的帮扶管理员。发送 /help 查看可以用的命令；把我拉进教师群后发送 /group teacher 登记。", p.Name, h.School), nil
	case storage.InviteTeacher:
		role := "老师"
		if inv.ClassID != 0 {
			c, _ := h.Store.Class(inv.ClassID)
			role = report.ClassName(c) + "的老师"
			if inv.HeadTeacher {
				role = report.ClassName(c) + "的班主任"
			}
		}
		return fmt.Sprintf("欢迎%s！你已加入%s的帮扶工作，身份：%s。发送 /help 查看可以用的命令，例如：/log 张三 数学辅导 30分钟", report.TeacherName(p), h.School, role), nil
	default:
		st, err := h.Store.Student(inv.StudentID)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("您好！已绑定为%s的家长（%s）。每周日晚上我会告诉您孩子这一周的情况，老师记下孩子的进步时也会告诉您。\n想随时看看：/status；不想收定时消息：/mute", st.Name, inv.Relation), nil
	}
}

func (h *Handler) mute(r *req) (string, error) { return h.setMuted(r, true) }

func (h *Handler) unmute(r *req) (string, error) { return h.setMuted(r, false) }

func (h *Handler) setMuted(r *req, muted bool) (string, error) {
	_, err := h.Store.UpdatePerson(r.meta, r.me.ID, map[bool]string{true: "parent.mute", false: "parent.unmute"}[muted], func(p *storage.Person) error {
		p.Muted = muted
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return "", fail("没有找到您的绑定信息，请重新用邀请码绑定。")
	}
	if err != nil {
		return "", err
	}
	if muted {
		return "好的，已暂停每周的定时消息（家长会提醒和老师记下的进步仍会告诉您）。想恢复时发送 /unmute。", nil
	}
	return "好的，已恢复每周的定时消息。", nil
}
