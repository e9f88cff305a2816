package commands

import (
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"bangfu/commands/report"
	"bangfu/storage"
)

// A plan (帮扶计划) is written in one line of labelled parts, in any order,
// any of them left for later: 原因：… 近期目标：… 学期目标：… 措施：…
// 复查：下周五 责任：王老师. Labels need their colon, so a goal that
// mentions 目标 or 原因 in its words is not cut there.
var planLabels = map[string]string{
	"原因": "reasons", "原因分析": "reasons", "困难原因": "reasons",
	"目标": "short", "近期目标": "short", "短期目标": "short", "本月目标": "short",
	"学期目标": "semester", "长期目标": "semester", "本学期目标": "semester",
	"措施": "measures", "帮扶措施": "measures", "办法": "measures",
	"复查": "review", "复查日期": "review", "评估日期": "review", "下次评估": "review",
	"责任": "responsible", "责任人": "responsible", "责任教师": "responsible", "负责": "responsible", "负责人": "responsible",
}

var planLabelRE = sync.OnceValue(func() *regexp.Regexp {
	words := make([]string, 0, len(planLabels))
	for w := range planLabels {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool { return len(words[i]) > len(words[j]) }) // longest first: 学期目标 before 目标
	return regexp.MustCompile(`(` + strings.Join(words, "|") + `)\s*[:：]`)
})

// planPart limits: a part is a few sentences, a review one paragraph.
const (
	planPartMax    = 300
	planReviewMax  = 500
	planOutcomeMax = 50
)

// planLine is what one /plan line sets.
type planLine struct {
	parts map[string]string // field → text
}

// parsePlanLine splits the labelled parts; the reason names what is wrong.
func parsePlanLine(s string) (planLine, string) {
	locs := planLabelRE().FindAllStringSubmatchIndex(s, -1)
	if len(locs) == 0 {
		return planLine{}, planNoLabels()
	}
	if lead := strings.TrimSpace(s[:locs[0][0]]); lead != "" {
		return planLine{}, planUnlabelled(clip(lead, 12))
	}
	pl := planLine{parts: map[string]string{}}
	for i, loc := range locs {
		label := s[loc[2]:loc[3]]
		field := planLabels[label]
		end := len(s)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		text := strings.Trim(strings.TrimSpace(s[loc[1]:end]), "，,；;。 ")
		if text == "" {
			return planLine{}, planEmptyPart(label)
		}
		if _, dup := pl.parts[field]; dup {
			return planLine{}, planPartTwice(label)
		}
		if runeLen(text) > planPartMax {
			return planLine{}, planPartTooLong(label, planPartMax)
		}
		pl.parts[field] = text
	}
	return pl, ""
}

// planStudent resolves the student of a plan command and checks the reader
// may see the plan: the head teacher, the mentor, the plan's responsible
// teacher and admins.
func (h *Handler) planStudent(r *req, ref string, forRecord bool) (found, error) {
	f, err := h.resolveStudent(r, ref, forRecord)
	if err != nil {
		return f, err
	}
	if !privileged(r.me, f.st) && f.st.Responsible() != r.me.ID {
		return f, refuse(planNotYours(f.label()))
	}
	return f, nil
}

// plan shows a student's plan, writes its parts, or lists the reader's
// students and which of them owe a plan or this month's review.
func (h *Handler) plan(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return h.planList(r)
	}
	ref, i := studentArg(a)
	if i >= a.len() {
		f, err := h.planStudent(r, ref, false)
		if err != nil {
			return "", err
		}
		if err := r.audit(h, "plan.read", "", f.st.ID); err != nil {
			return "", err
		}
		if !f.st.Plan.Active() && !f.st.Closed {
			return h.renderPlan(r, f) + "\n" + h.startPlanAsk(r, f), nil
		}
		return h.renderPlan(r, f), nil
	}
	pl, why := parsePlanLine(a.from(i))
	if why != "" {
		return "", r.usage(why)
	}
	f, err := h.planStudent(r, ref, true)
	if err != nil {
		return "", err
	}
	var review time.Time
	if t, ok := pl.parts["review"]; ok {
		if review, err = h.reviewDay(r, t); err != nil {
			return "", err
		}
	}
	var responsible storage.Person
	if t, ok := pl.parts["responsible"]; ok {
		responsible, err = h.oneTeacher(t)
		if err != nil {
			return "", err
		}
	}
	created := f.st.Plan == nil || !f.st.Plan.Active()
	saved, err := h.Store.UpdateStudent(r.meta, f.st.ID, "plan.set", func(s *storage.Student) error {
		if s.Plan == nil || !s.Plan.Active() {
			s.Plan = &storage.Plan{Start: h.Cal.Day(r.now)} // a new plan; an ended one is replaced by it
		}
		p := s.Plan
		for field, text := range pl.parts {
			switch field {
			case "reasons":
				p.Reasons = text
			case "short":
				p.GoalShort = text
			case "semester":
				p.GoalSemester = text
			case "measures":
				p.Measures = text
			}
		}
		if !review.IsZero() {
			p.Review = review
		}
		if responsible.ID != 0 {
			p.ResponsibleID = responsible.ID
		}
		p.UpdatedAt = r.now
		return nil
	})
	if err != nil {
		return "", err
	}
	r.wrote()
	return planSaved(created, f.label()) + "\n" + h.renderPlan(r, found{saved, f.class}), nil
}

// staffNamed finds the staff a name (王老师, 王) may mean.
func (h *Handler) staffNamed(tok string) ([]storage.Person, error) {
	people, err := h.Store.People()
	if err != nil {
		return nil, err
	}
	return staffNamed(people, tok), nil
}

// oneTeacher finds the one staff member a name means, as /mentor does.
func (h *Handler) oneTeacher(tok string) (storage.Person, error) {
	matches, err := h.staffNamed(tok)
	if err != nil {
		return storage.Person{}, err
	}
	switch len(matches) {
	case 0:
		return storage.Person{}, refuse(planUnknownTeacher(clip(tok, 10)))
	case 1:
		return matches[0], nil
	}
	return storage.Person{}, refuse(mentorAmbiguous(len(matches), clip(tok, 10)))
}

// planReview records a stage review (阶段性评估) in one line.
// reviewDay reads a plan's review date: a day to come, within a year.
func (h *Handler) reviewDay(r *req, t string) (time.Time, error) {
	d := parseDay(t, r.now, h.Cal, true)
	if !d.isDate || d.invalid != "" {
		return time.Time{}, r.usage(planBadReviewDate(clip(t, 12)))
	}
	if !d.day.After(h.Cal.Day(r.now)) || d.justPassed(h.Cal.Day(r.now)) {
		return time.Time{}, r.usage(planReviewInPast(clip(t, 12)))
	}
	if d.day.After(h.Cal.Day(r.now).AddDate(1, 0, 0)) {
		return time.Time{}, r.usage(planReviewTooFar(clip(t, 12)))
	}
	return d.day, nil
}

func (h *Handler) planReview(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return "", r.usage(needStudentName())
	}
	ref, i := studentArg(a)
	text := strings.Trim(strings.TrimSpace(a.from(i)), "，,；;")
	if text == "" {
		return "", r.usage(planReviewNeedsText())
	}
	if runeLen(text) > planReviewMax {
		return "", r.usage(planPartTooLong("评估", planReviewMax))
	}
	f, err := h.planStudent(r, ref, true)
	if err != nil {
		return "", err
	}
	if !f.st.Plan.Active() {
		return "", refuse(planMissing(f.label(), f.st.Name))
	}
	saved, err := h.Store.UpdateStudent(r.meta, f.st.ID, "plan.review", func(s *storage.Student) error {
		if !s.Plan.Active() {
			return refuse(planMissing(f.label(), f.st.Name))
		}
		s.Plan.Reviews = append(s.Plan.Reviews, storage.PlanReview{At: r.now, AuthorID: r.me.ID, Text: text})
		if !s.Plan.Review.IsZero() && !s.Plan.Review.After(h.Cal.Day(r.now)) {
			s.Plan.Review = time.Time{} // the review it asked for is written: monthly again
		}
		s.Plan.UpdatedAt = r.now
		return nil
	})
	if err != nil {
		return "", err
	}
	return planReviewed(f.label(), len(saved.Plan.Reviews), monthLabel(h.Cal, r.now)), nil
}

// planEnd ends the plan with its outcome; the support ends with it, as
// /student close does (one action, whichever is used).
func (h *Handler) planEnd(r *req) (string, error) {
	a := r.args
	if a.len() == 0 {
		return "", r.usage(needStudentName())
	}
	ref, i := studentArg(a)
	outcome := a.from(i)
	if outcome == "" {
		return "", r.usage(planOutcomeMissing())
	}
	if runeLen(outcome) > planOutcomeMax {
		return "", r.usage(closeReasonTooLong())
	}
	f, had, err := h.closeSupport(r, ref, outcome, planEndNotYours)
	if err != nil {
		return "", err
	}
	return planEnded(f.label(), outcome, had), nil
}

// planList is /plan alone: the reader's students (mentees, plans they
// answer for, their classes as head teacher), each with what it owes.
func (h *Handler) planList(r *req) (string, error) {
	all, err := h.Store.AllStudents()
	if err != nil {
		return "", err
	}
	monthStart := h.Cal.MonthStart(r.now)
	var mine []storage.Student
	var ids []uint64
	for _, st := range all {
		if st.Closed {
			continue
		}
		if st.Responsible() == r.me.ID || st.MentorID == r.me.ID || r.me.IsHeadOf(st.ClassID) {
			mine = append(mine, st)
			ids = append(ids, st.ID)
		}
	}
	if len(mine) == 0 {
		return planNoStudents(), nil
	}
	if err := r.audit(h, "plan.list", "", ids...); err != nil {
		return "", err
	}
	var lines []planListLine
	for _, st := range mine {
		c, err := h.Store.Class(st.ClassID)
		if err != nil {
			return "", err
		}
		l := planListLine{label: studentLabel(st, c), name: st.Name}
		switch {
		case !st.Plan.Active():
			l.state = planStateNone
		case st.Plan.ReviewOwed(monthStart, h.Cal.Day(r.now)):
			l.state = planStateReviewOwed
		default:
			l.state = planStateOK
		}
		lines = append(lines, l)
	}
	return renderPlanList(lines, monthLabel(h.Cal, r.now)), nil
}

// renderPlan is the plan as its readers see it, privately.
func (h *Handler) renderPlan(r *req, f found) string {
	p := f.st.Plan
	if p == nil && f.st.Closed {
		return planNoneClosed(f.label(), orDefault(f.st.ClosedReason, noReason()))
	}
	if p == nil {
		return planNone(f.label(), f.st.Name)
	}
	responsible := h.personName(f.st.Responsible())
	if responsible == "" {
		// No mentor: the head teacher, by name when the class has one.
		heads, _ := h.HeadTeachers(f.st.ClassID)
		responsible = planHeadTeacherResponsible(strings.Join(heads, "、"))
	}
	v := planView{
		label: f.label(), name: f.st.Name, start: report.Day(h.Cal, p.Start), responsible: responsible,
		reasons: p.Reasons, short: p.GoalShort, semester: p.GoalSemester, measures: p.Measures,
		outcome: p.Outcome, owed: f.st.Plan.ReviewOwed(h.Cal.MonthStart(r.now), h.Cal.Day(r.now)),
	}
	if !p.Review.IsZero() {
		v.review = report.Day(h.Cal, p.Review)
	}
	if !p.EndedAt.IsZero() {
		v.ended = report.Day(h.Cal, p.EndedAt)
	}
	for _, rv := range p.Reviews {
		v.reviews = append(v.reviews, planReviewView{day: report.Day(h.Cal, rv.At), author: h.personName(rv.AuthorID), text: rv.Text})
	}
	return renderPlanView(v)
}
