package commands

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"bangfu/storage"
)

// weekRange is the current week (Monday to Sunday) around now.
func (h *Handler) weekRange(now time.Time) storage.Range {
	from := h.Cal.WeekStart(now)
	return storage.Range{From: from, To: from.AddDate(0, 0, 7)}
}

func (h *Handler) monthRange(now time.Time) storage.Range {
	return storage.Range{From: h.Cal.MonthStart(now), To: h.Cal.NextMonthStart(now)}
}

func (h *Handler) status(r *req) (string, error) {
	arg := r.args.from(0)
	if rolesOf(r.me) == rParent {
		return h.parentStatus(r, arg)
	}
	if arg == "" {
		switch {
		case r.group != nil && r.group.ClassID != 0:
			return h.classStatus(r, r.group.ClassID)
		case !r.private || r.me.Admin:
			return h.schoolStatus(r)
		case len(r.me.HeadOf) > 0:
			return h.classStatus(r, r.me.HeadOf[0])
		default:
			return h.mine(r)
		}
	}
	if _, ok := parseClass(r.args.at(0)); ok && r.args.len() == 1 {
		c, err := h.classFromArg(r, arg, false)
		if err != nil {
			return "", err
		}
		return h.classStatus(r, c.ID)
	}
	ref, _ := studentArg(r.args)
	f, err := h.resolveStudent(r, ref, false)
	if err != nil {
		return "", err
	}
	return h.studentStatus(r, f)
}

// line is one student's figures in a class view.
type line struct {
	f         found
	week      int
	contacted bool
}

func (h *Handler) classLines(classID uint64, now time.Time) ([]line, storage.Class, error) {
	c, err := h.Store.Class(classID)
	if err != nil {
		return nil, c, err
	}
	sts, err := h.Store.StudentsInClass(classID)
	if err != nil {
		return nil, c, err
	}
	week, month := h.weekRange(now), h.monthRange(now)
	var out []line
	for _, st := range sts {
		if st.Closed {
			continue
		}
		wc, err := h.Store.CountFor(st.ID, week.From, week.To)
		if err != nil {
			return nil, c, err
		}
		mc, err := h.Store.CountFor(st.ID, month.From, month.To)
		if err != nil {
			return nil, c, err
		}
		out = append(out, line{f: found{st, c}, week: wc.Sessions, contacted: mc.Contacts > 0})
	}
	return out, c, nil
}

func (h *Handler) classStatus(r *req, classID uint64) (string, error) {
	lines, c, err := h.classLines(classID, r.now)
	if err != nil {
		return "", err
	}
	week := h.weekRange(r.now)
	var b strings.Builder
	fmt.Fprintf(&b, "%s 帮扶情况（本周 %s）\n", c.Name(), weekLabel(week.From))
	if len(lines) == 0 {
		fmt.Fprintf(&b, "还没有在帮扶的学生。添加：/student add %s 张三 每周2次", c.Name())
		return b.String(), nil
	}
	var ids []uint64
	var behind, notContacted []string
	done, target, keys := 0, 0, 0
	for _, l := range lines {
		ids = append(ids, l.f.st.ID)
		done += l.week
		target += l.f.st.WeeklyTarget
		if l.f.st.Key {
			keys++
		}
	}
	fmt.Fprintf(&b, "在帮扶：%d人（重点%d人），本周辅导%d次/目标%d次\n", len(lines), keys, done, target)
	for _, l := range lines {
		st := l.f.st
		mark := ""
		if st.Key {
			mark = "★"
		}
		state := "✓"
		if l.week < st.WeeklyTarget {
			state = "未达标"
			behind = append(behind, st.Name)
		}
		contact := "本月已联系家长"
		if !l.contacted {
			contact = "本月未联系家长"
			notContacted = append(notContacted, st.Name)
		}
		cats := ""
		if r.sensitiveOK(st) && len(st.Categories) > 0 {
			cats = "【" + strings.Join(st.Categories, "、") + "】"
		}
		fmt.Fprintf(&b, "· %s%s%s 本周%d/%d次 %s，%s\n", st.Name, mark, cats, l.week, st.WeeklyTarget, state, contact)
	}
	if len(behind) > 0 {
		fmt.Fprintf(&b, "本周还没达到约定次数：%s\n", strings.Join(behind, "、"))
	}
	if len(notContacted) > 0 {
		left := int(h.Cal.NextMonthStart(r.now).Sub(h.Cal.Day(r.now)).Hours()/24) - 1
		fmt.Fprintf(&b, "本月还没联系家长：%s（本月还剩%d天）\n", strings.Join(notContacted, "、"), left)
	}
	if err := r.audit(h, "status.class", c.Name(), ids...); err != nil {
		return "", err
	}
	return strings.TrimRight(b.String(), "\n"), nil
}

func (h *Handler) schoolStatus(r *req) (string, error) {
	classes, err := h.Store.Classes()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "全校帮扶情况（本周 %s）\n", weekLabel(h.Cal.WeekStart(r.now)))
	var ids []uint64
	total := 0
	for _, c := range classes {
		lines, _, err := h.classLines(c.ID, r.now)
		if err != nil {
			return "", err
		}
		if len(lines) == 0 {
			continue
		}
		done, target, behind, nc := 0, 0, 0, 0
		for _, l := range lines {
			ids = append(ids, l.f.st.ID)
			done += l.week
			target += l.f.st.WeeklyTarget
			if l.week < l.f.st.WeeklyTarget {
				behind++
			}
			if !l.contacted {
				nc++
			}
		}
		total += len(lines)
		fmt.Fprintf(&b, "%s：%d人，本周辅导%d/%d次，%d人未达标，%d人本月未联系家长\n", c.Name(), len(lines), done, target, behind, nc)
	}
	if total == 0 {
		return "全校还没有帮扶学生。班主任可以用 /student add 初一3班 张三 每周2次 添加。", nil
	}
	b.WriteString("看某个班：/status 初一3班；看某个学生：/status 张三")
	if err := r.audit(h, "status.school", "", ids...); err != nil {
		return "", err
	}
	return b.String(), nil
}

func (h *Handler) studentStatus(r *req, f found) (string, error) {
	st := f.st
	week, month := h.weekRange(r.now), h.monthRange(r.now)
	sessions, err := h.Store.Sessions(st.ID, month.From.AddDate(0, -1, 0), week.To)
	if err != nil {
		return "", err
	}
	contacts, err := h.Store.Contacts(st.ID, month.From.AddDate(0, -2, 0), month.To)
	if err != nil {
		return "", err
	}
	praise, err := h.Store.PraiseOf(st.ID, h.Cal.SemesterStart, week.To)
	if err != nil {
		return "", err
	}
	comments, err := h.Store.Comments(st.ID, h.Cal.SemesterKey())
	if err != nil {
		return "", err
	}
	sensitive := r.sensitiveOK(st)
	var b strings.Builder
	b.WriteString(f.label())
	if st.Key {
		b.WriteString(" ★重点")
	}
	if st.Closed {
		fmt.Fprintf(&b, "（帮扶已结束：%s）", orDefault(st.ClosedReason, "未注明原因"))
	}
	b.WriteString("\n")
	mentor := h.personName(st.MentorID)
	fmt.Fprintf(&b, "导师：%s；每周约定辅导%d次\n", orDefault(mentor, "未指定"), st.WeeklyTarget)
	if sensitive && len(st.Categories) > 0 {
		fmt.Fprintf(&b, "类别：%s\n", strings.Join(st.Categories, "、"))
	}
	wn, wm, mn := 0, 0, 0
	for _, s := range sessions {
		if !s.At.Before(week.From) {
			wn++
			wm += s.Minutes
		}
		if !s.At.Before(month.From) {
			mn++
		}
	}
	fmt.Fprintf(&b, "本周辅导：%d次/目标%d次（%d分钟）；本月%d次\n", wn, st.WeeklyTarget, wm, mn)
	if len(sessions) > 0 {
		b.WriteString("最近辅导：\n")
		for i := len(sessions) - 1; i >= 0 && i >= len(sessions)-5; i-- {
			s := sessions[i]
			fmt.Fprintf(&b, "  %s %s %d分钟（%s）", h.Cal.FormatDay(s.At), s.Subject, s.Minutes, h.personName(s.AuthorID))
			if sensitive && s.Note != "" {
				fmt.Fprintf(&b, " 备注：%s", s.Note)
			}
			b.WriteString("\n")
		}
	}
	mc := 0
	for _, c := range contacts {
		if !c.At.Before(month.From) {
			mc++
		}
	}
	if mc > 0 {
		fmt.Fprintf(&b, "本月家长沟通：%d次 ✓\n", mc)
	} else {
		left := int(month.To.Sub(h.Cal.Day(r.now)).Hours()/24) - 1
		fmt.Fprintf(&b, "本月家长沟通：还没有（本月还剩%d天）\n", left)
	}
	if n := len(contacts); n > 0 {
		c := contacts[n-1]
		fmt.Fprintf(&b, "  最近一次：%s %s", h.Cal.FormatDay(c.At), joinNonEmpty("·", c.Method, c.Whom))
		if sensitive {
			fmt.Fprintf(&b, " 内容：%s", c.Content)
		}
		b.WriteString("\n")
	}
	if n := len(praise); n > 0 {
		fmt.Fprintf(&b, "本学期进步记录：%d条，最近：%s “%s”\n", n, h.Cal.FormatDay(praise[n-1].At), clip(praise[n-1].Text, 40))
	}
	if len(comments) > 0 {
		var who []string
		for _, c := range comments {
			who = append(who, h.personName(c.AuthorID))
		}
		fmt.Fprintf(&b, "本学期评语：已写（%s）\n", strings.Join(who, "、"))
	} else {
		b.WriteString("本学期评语：还没写\n")
	}
	if err := r.audit(h, "status.student", sensitiveTag(sensitive), st.ID); err != nil {
		return "", err
	}
	return strings.TrimRight(b.String(), "\n"), nil
}

func sensitiveTag(sensitive bool) string {
	if sensitive {
		return "含敏感信息"
	}
	return ""
}

// parentStatus shows a parent their own child's week, in positive words.
func (h *Handler) parentStatus(r *req, arg string) (string, error) {
	var f found
	var err error
	if arg != "" {
		if f, err = h.resolveStudent(r, arg, false); err != nil {
			return "", err
		}
	} else {
		if len(r.me.Parents) > 1 {
			var names []string
			for _, l := range r.me.Parents {
				if st, err := h.Store.Student(l.StudentID); err == nil {
					names = append(names, st.Name)
				}
			}
			return "", fail("您绑定了%d个孩子（%s），请写上名字，例如：/status %s", len(names), strings.Join(names, "、"), names[0])
		}
		st, err := h.Store.Student(r.me.Parents[0].StudentID)
		if err != nil {
			return "", err
		}
		c, err := h.Store.Class(st.ClassID)
		if err != nil {
			return "", err
		}
		f = found{st, c}
	}
	text, err := h.ParentWeek(f.st, r.now)
	if err != nil {
		return "", err
	}
	if err := r.audit(h, "status.parent", "", f.st.ID); err != nil {
		return "", err
	}
	return text, nil
}

// ParentWeek is a child's week for their parents: sessions, subjects, praise,
// comments and meetings, never categories or notes.
func (h *Handler) ParentWeek(st storage.Student, now time.Time) (string, error) {
	week := h.weekRange(now)
	sessions, err := h.Store.Sessions(st.ID, week.From, week.To)
	if err != nil {
		return "", err
	}
	praise, err := h.Store.PraiseOf(st.ID, week.From, week.To)
	if err != nil {
		return "", err
	}
	comments, err := h.Store.Comments(st.ID, h.Cal.SemesterKey())
	if err != nil {
		return "", err
	}
	meetings, err := h.Store.Meetings(now, now.AddDate(0, 0, 30))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s这周（%s）的情况：\n", st.Name, weekLabel(week.From))
	if len(sessions) > 0 {
		minutes := 0
		subjects := map[string]bool{}
		var order []string
		for _, s := range sessions {
			minutes += s.Minutes
			subject := s.Subject
			if bannedWordIn(subject) != "" { // a teacher's shorthand parents must not read
				subject = "课后辅导"
			}
			if !subjects[subject] {
				subjects[subject] = true
				order = append(order, subject)
			}
		}
		fmt.Fprintf(&b, "老师和孩子一起学习了%d次，共%d分钟（%s）。\n", len(sessions), minutes, strings.Join(order, "、"))
	} else {
		b.WriteString("这周还没有单独辅导的记录。\n")
	}
	if len(praise) > 0 {
		b.WriteString("这周的进步：\n")
		for _, p := range praise {
			fmt.Fprintf(&b, "  · %s\n", p.Text)
		}
	}
	if len(comments) > 0 && !st.Closed {
		for _, c := range comments {
			fmt.Fprintf(&b, "本学期%s的评语：%s\n", h.personName(c.AuthorID), c.Text)
		}
	}
	for _, m := range meetings {
		if m.ClassID == st.ClassID {
			fmt.Fprintf(&b, "家长会：%s %s，%s\n", h.Cal.FormatDay(m.At), m.At.In(h.Cal.Loc).Format("15:04"), m.Topic)
		}
	}
	b.WriteString("谢谢您的配合，我们一起为孩子加油！")
	return b.String(), nil
}

func (h *Handler) mine(r *req) (string, error) {
	sts, err := h.Store.AllStudents()
	if err != nil {
		return "", err
	}
	var mentees []found
	for _, st := range sts {
		if st.MentorID == r.me.ID && !st.Closed {
			c, err := h.Store.Class(st.ClassID)
			if err != nil {
				return "", err
			}
			mentees = append(mentees, found{st, c})
		}
	}
	if len(mentees) == 0 {
		return "你还没有帮扶的学生。班主任可以用 /mentor 张三 " + teacherName(r.me) + " 指定。", nil
	}
	sort.Slice(mentees, func(i, j int) bool { return mentees[i].st.ID < mentees[j].st.ID })
	week, month := h.weekRange(r.now), h.monthRange(r.now)
	var b strings.Builder
	fmt.Fprintf(&b, "%s帮扶的学生（%d人），本周 %s：\n", teacherName(r.me), len(mentees), weekLabel(week.From))
	var todo []string
	var ids []uint64
	for _, f := range mentees {
		ids = append(ids, f.st.ID)
		wc, err := h.Store.CountFor(f.st.ID, week.From, week.To)
		if err != nil {
			return "", err
		}
		mc, err := h.Store.CountFor(f.st.ID, month.From, month.To)
		if err != nil {
			return "", err
		}
		state := "✓"
		if wc.Sessions < f.st.WeeklyTarget {
			state = fmt.Sprintf("还差%d次", f.st.WeeklyTarget-wc.Sessions)
			todo = append(todo, fmt.Sprintf("给%s辅导%d次", f.st.Name, f.st.WeeklyTarget-wc.Sessions))
		}
		contact := "本月已联系家长"
		if mc.Contacts == 0 {
			contact = "本月未联系家长"
			todo = append(todo, fmt.Sprintf("联系%s的家长", f.st.Name))
		}
		fmt.Fprintf(&b, "· %s 本周%d/%d次 %s，%s\n", f.label(), wc.Sessions, f.st.WeeklyTarget, state, contact)
	}
	if len(todo) > 0 {
		fmt.Fprintf(&b, "要做的事：%s", strings.Join(todo, "；"))
	} else {
		b.WriteString("本周和本月的事都做完了，辛苦了！")
	}
	if err := r.audit(h, "mine", "", ids...); err != nil {
		return "", err
	}
	return b.String(), nil
}

func (h *Handler) history(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return "", r.usage("请写上学生的姓名。")
	}
	ref, i := studentArg(a)
	n := 10
	if i < a.len() {
		v, ok := smallNumber(strings.TrimSuffix(a.at(i), "条"))
		if !ok || v < 1 || v > 50 || i+1 < a.len() {
			return "", r.usage("条数要写1到50之间的数字。")
		}
		n = v
	}
	f, err := h.resolveStudent(r, ref, false)
	if err != nil {
		return "", err
	}
	recs, err := h.Store.History(f.st.ID, n)
	if err != nil {
		return "", err
	}
	sensitive := r.sensitiveOK(f.st)
	var b strings.Builder
	fmt.Fprintf(&b, "%s 最近%d条记录：\n", f.label(), len(recs))
	if len(recs) == 0 {
		fmt.Fprintf(&b, "还没有记录。记一次辅导：/log %s 数学辅导 30分钟", f.st.Name)
	}
	for _, rec := range recs {
		day := h.Cal.FormatDay(rec.At)
		switch rec.Kind {
		case storage.KindSession:
			s := rec.Session
			fmt.Fprintf(&b, "· %s 辅导：%s %d分钟（%s）", day, s.Subject, s.Minutes, h.personName(s.AuthorID))
			if sensitive && s.Note != "" {
				fmt.Fprintf(&b, " 备注：%s", s.Note)
			}
		case storage.KindContact:
			c := rec.Contact
			fmt.Fprintf(&b, "· %s 家校沟通：%s（%s）", day, joinNonEmpty("·", c.Method, c.Whom), h.personName(c.AuthorID))
			if sensitive {
				fmt.Fprintf(&b, " 内容：%s", c.Content)
			}
		case storage.KindPraise:
			fmt.Fprintf(&b, "· %s 进步：%s（%s）", day, rec.Praise.Text, h.personName(rec.Praise.AuthorID))
		case storage.KindComment:
			fmt.Fprintf(&b, "· %s 学期评语（%s）", day, h.personName(rec.Comment.AuthorID))
			if r.private {
				fmt.Fprintf(&b, "：%s", rec.Comment.Text)
			}
		}
		b.WriteString("\n")
	}
	if err := r.audit(h, "history", sensitiveTag(sensitive), f.st.ID); err != nil {
		return "", err
	}
	return strings.TrimRight(b.String(), "\n"), nil
}

func (h *Handler) digest(r *req) (string, error) {
	lastWeek := h.Cal.WeekStart(r.now).AddDate(0, 0, -7)
	classID, err := h.classScope(r, "你只能看自己班的周报。")
	if err != nil {
		return "", err
	}
	d, err := BuildDigest(h.Store, h.Cal, lastWeek, classID)
	if err != nil {
		return "", err
	}
	var text string
	if classID != 0 {
		if len(d.Classes) == 0 {
			c, _ := h.Store.Class(classID)
			return fmt.Sprintf("%s上周（%s）还没有在帮扶的学生。", c.Name(), weekLabel(lastWeek)), nil
		}
		text = RenderClassDigest(d, d.Classes[0])
	} else {
		text = RenderSchoolDigest(h.School, d)
	}
	if err := r.audit(h, "digest", "", 0); err != nil {
		return "", err
	}
	return text, nil
}

// classScope is the class a head teacher's or admin's report is about: the
// one named, else the group's class, else the head teacher's own; 0 means the
// whole school (admins only). notYours refuses another class.
func (h *Handler) classScope(r *req, notYours string) (uint64, error) {
	var classID uint64
	switch arg := r.args.from(0); {
	case arg != "":
		c, err := h.classFromArg(r, arg, false)
		if err != nil {
			return 0, err
		}
		classID = c.ID
	case r.group != nil && r.group.ClassID != 0:
		classID = r.group.ClassID
	case !r.me.Admin:
		classID = r.me.HeadOf[0]
	}
	if classID != 0 && !canManageClass(r.me, classID) {
		return 0, fail("%s", notYours)
	}
	return classID, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
