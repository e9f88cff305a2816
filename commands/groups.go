package commands

import (
	"fmt"
	"time"

	"bangfu/commands/report"
	"bangfu/storage"
)

func (h *Handler) groupTeacher(r *req) (string, error) {
	var classID uint64
	name := ""
	if arg := r.args.from(0); arg != "" {
		c, err := h.classFromArg(r, arg, true)
		if err != nil {
			return "", err
		}
		classID, name = c.ID, report.ClassName(c)
	}
	if !r.me.Admin && (classID == 0 || !r.me.IsHeadOf(classID)) {
		return "", fail("班主任只能把群登记为本班的教师群，例如：/group teacher %s", h.firstClassName(r.me))
	}
	g := storage.Group{Platform: r.msg.Platform, ChatID: r.msg.Chat.ID, Title: r.msg.Chat.Title, Kind: storage.GroupTeacher, ClassID: classID, By: r.me.ID, At: r.now}
	if err := h.Store.SetGroup(r.meta, g); err != nil {
		return "", err
	}
	what := "全校的教师群"
	if name != "" {
		what = name + "的教师群"
	}
	return fmt.Sprintf("已登记：本群是%s。群里可以用 /log /contact /status 等命令；学生的类别和备注只在私聊里显示，不会发到群里。", what), nil
}

func (h *Handler) groupParent(r *req) (string, error) {
	arg := r.args.from(0)
	if arg == "" {
		return "", r.usage("家长群要写上班级。")
	}
	c, err := h.classFromArg(r, arg, true)
	if err != nil {
		return "", err
	}
	if !canManageClass(r.me, c.ID) {
		return "", fail("只有%s的班主任和学校管理员可以登记这个家长群。", report.ClassName(c))
	}
	g := storage.Group{Platform: r.msg.Platform, ChatID: r.msg.Chat.ID, Title: r.msg.Chat.Title, Kind: storage.GroupParent, ClassID: c.ID, By: r.me.ID, At: r.now}
	if err := h.Store.SetGroup(r.meta, g); err != nil {
		return "", err
	}
	return fmt.Sprintf("已登记：本群是%s的家长群。为保护孩子的隐私，我不会在群里谈任何一个孩子的情况。各位家长可以凭老师发的邀请码私聊我绑定自己的孩子。", report.ClassName(c)), nil
}

func (h *Handler) meeting(r *req) (string, error) {
	a := r.args
	// The class may be left out by a head teacher of one class, or in a
	// class's group: /家长会 11月28日 19:00 期中家长会.
	if _, isClass := parseClass(a.at(0)); !isClass && a.len() >= 3 {
		if c := h.defaultClass(r); c != "" {
			a = newArgs(c + " " + a.src)
		}
	}
	if a.len() < 4 {
		return "", r.usage("请写上班级、日期、时间和主题。")
	}
	c, err := h.classFromArg(r, a.at(0), false)
	if err != nil {
		return "", err
	}
	if !canManageClass(r.me, c.ID) {
		return "", fail("只有%s的班主任可以安排家长会。", report.ClassName(c))
	}
	d := parseDay(a.at(1), r.now, h.Cal, true)
	if !d.isDate || d.invalid != "" {
		return "", r.usage(fmt.Sprintf("“%s”不像日期，可以写 11月28日、明天、周五、下周三。", clip(a.at(1), 10)))
	}
	hour, minute, ok := parseClock(a.at(2))
	if !ok {
		return "", r.usage(fmt.Sprintf("“%s”不像时间，可以写 19:00、晚上7点、下午3点半。", clip(a.at(2), 10)))
	}
	at := d.day.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
	if !at.After(r.now) {
		return "", r.usage(fmt.Sprintf("%s %02d:%02d 已经过去了。", report.Day(h.Cal, at), hour, minute))
	}
	if at.After(r.now.AddDate(0, 6, 0)) {
		return "", r.usage("家长会最多提前半年安排。")
	}
	topic := a.from(3)
	if runeLen(topic) > 100 {
		return "", r.usage("主题写短一点（最多100个字）。")
	}
	if w := report.BannedWordIn(topic); w != "" {
		return "", r.usage(fmt.Sprintf("家长会的主题会发给家长，请不要写“%s”这样的词。", w))
	}
	if _, err := h.Store.AddMeeting(r.meta, storage.Meeting{ClassID: c.ID, At: at, Topic: topic}); err != nil {
		return "", err
	}
	parents, err := h.classParents(c.ID)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("已安排：%s家长会，%s %02d:%02d，主题：%s。\n前一天18:00我会私聊提醒已绑定的%d位家长。", report.ClassName(c), report.Day(h.Cal, at), hour, minute, topic, len(parents)), nil
}

// classParents lists the bound parents of a class's active supported students.
func (h *Handler) classParents(classID uint64) ([]storage.Person, error) {
	sts, err := h.Store.StudentsInClass(classID)
	if err != nil {
		return nil, err
	}
	active := map[uint64]bool{}
	for _, st := range sts {
		if !st.Closed {
			active[st.ID] = true
		}
	}
	people, err := h.Store.People()
	if err != nil {
		return nil, err
	}
	var out []storage.Person
	for _, p := range people {
		for _, l := range p.Parents {
			if active[l.StudentID] {
				out = append(out, p)
				break
			}
		}
	}
	return out, nil
}
