package commands

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"bangfu/bot"
	"bangfu/commands/report"
	"bangfu/storage"
)

// The school year's turns: /semester shows the term, /semester new starts
// the next one (its dates, holidays and make-up days), /promote moves every
// class up a grade at the year's end. Both changes are asked about first and
// happen on the same command sent again with 确认 by the same admin within
// ten minutes, like a group's change.

// maxTermDays bounds a term: the longest Chinese semester is about 22 weeks.
const maxTermDays = 200

// promotionGap keeps one summer from promoting twice.
const promotionGap = 180 * 24 * time.Hour

func (h *Handler) semester(r *req) (string, error) {
	term := h.Cal.TermAt(r.now)
	var next *storage.Term
	for _, t := range h.Cal.Terms() {
		if t.Start.After(term.Start) {
			next = &t
			break
		}
	}
	week := 0
	if h.Cal.InSemester(r.now) {
		week = int(h.Cal.WeekStart(r.now).Sub(h.Cal.WeekStart(term.Start)).Hours()/(24*7)) + 1
	}
	return semesterShown(h.Cal, term, week, !term.End.Before(h.Cal.Day(r.now)), next, r.me.Admin), nil
}

// termInput is a /semester new line read into its parts.
type termInput struct {
	term      storage.Term
	confirmed bool
	canonical string // the command as it should be confirmed
}

// parseTerm reads <开始> <结束> [假期 <日期或区间>…] [调休 <日期>…] [确认].
func (h *Handler) parseTerm(r *req) (termInput, error) {
	a := r.args
	var in termInput
	n := a.len()
	if n > 0 && a.at(n-1) == "确认" {
		in.confirmed, n = true, n-1
	}
	if n < 2 {
		return in, r.usage(termNeedsDates())
	}
	// within reads a date of the term; a month-day without its year is the
	// one on or after from (the end after the start, a holiday inside the
	// term), whatever today is: 1月22日 ends an autumn term next year.
	within := func(tok string, from time.Time) (time.Time, error) {
		d := parseDay(tok, r.now, h.Cal, true)
		if !d.isDate {
			return time.Time{}, r.usage(termBadDate(clip(tok, 16)))
		}
		if d.invalid != "" {
			return time.Time{}, r.usage(badDate(tok, d.invalid))
		}
		if d.yearless && !from.IsZero() {
			day := d.day.AddDate(from.Year()-d.day.Year(), 0, 0)
			if day.Before(from) {
				day = day.AddDate(1, 0, 0)
			}
			return day, nil
		}
		return d.day, nil
	}
	var err error
	t := &in.term
	if t.Start, err = within(a.at(0), time.Time{}); err != nil {
		return in, err
	}
	if t.End, err = within(a.at(1), t.Start); err != nil {
		return in, err
	}
	if !t.End.After(t.Start) {
		return in, r.usage(termEndsBeforeStart())
	}
	if t.End.Sub(t.Start) > maxTermDays*24*time.Hour {
		return in, r.usage(termTooLong(maxTermDays))
	}
	mode := ""
	for i := 2; i < n; i++ {
		tok := a.at(i)
		switch tok {
		case "假期", "放假", "节假日":
			mode = "holiday"
			continue
		case "调休", "补课", "调休上课", "补班":
			mode = "makeup"
			continue
		}
		switch mode {
		case "holiday":
			from, to, ok := cutRange(tok)
			f, err := within(from, t.Start)
			if err != nil {
				return in, err
			}
			l := f
			if ok {
				if to == "" {
					return in, r.usage(termBadDate(clip(tok, 16)))
				}
				if l, err = within(sameMonth(from, to), f); err != nil {
					return in, err
				}
			}
			if l.Before(f) || f.Before(t.Start) || l.After(t.End) {
				return in, r.usage(termHolidayOutside(clip(tok, 24)))
			}
			t.Holidays = append(t.Holidays, storage.DateRange{From: f, To: l})
		case "makeup":
			d, err := within(tok, t.Start)
			if err != nil {
				return in, err
			}
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				return in, r.usage(termMakeupNotWeekend(report.Day(h.Cal, d)))
			}
			if d.Before(t.Start) || d.After(t.End) {
				return in, r.usage(termMakeupOutside(report.Day(h.Cal, d)))
			}
			t.MakeupDays = append(t.MakeupDays, d)
		default:
			return in, r.usage(termWordUnknown(clip(tok, 16)))
		}
	}
	in.canonical = canonicalTerm(in.term)
	return in, nil
}

// cutRange splits a holiday written as a range: 2027-04-04..2027-04-06,
// 4月4日-4月6日, 4月4日-6日 (also 至 到 ~ ～ — –). A hyphen splits only a
// range of month-days: it is also the separator inside 2027-04-04.
func cutRange(tok string) (string, string, bool) {
	for _, sep := range []string{"..", "至", "到", "~", "～", "—", "–", "－"} {
		if from, to, ok := strings.Cut(tok, sep); ok {
			return from, to, true
		}
	}
	for _, sep := range []string{"日-", "号-"} {
		if i := strings.Index(tok, sep); i >= 0 {
			return tok[:i+len(sep)-1], tok[i+len(sep):], true
		}
	}
	return tok, "", false
}

// sameMonth completes the end of 4月4日-6日 (a bare day) with the start's
// year and month; any other end is returned as written.
func sameMonth(from, to string) string {
	day := strings.TrimRight(to, "日号")
	if !isDigits(day) || len(day) > 2 {
		return to
	}
	if i := strings.Index(from, "月"); i >= 0 {
		return from[:i+len("月")] + day + "日"
	}
	return to
}

// canonicalTerm writes a term back as the command that makes it.
func canonicalTerm(t storage.Term) string {
	const iso = "2006-01-02"
	var b strings.Builder
	fmt.Fprintf(&b, "/semester new %s %s", t.Start.Format(iso), t.End.Format(iso))
	if len(t.Holidays) > 0 {
		b.WriteString(" 假期")
		for _, h := range t.Holidays {
			if h.From.Equal(h.To) {
				fmt.Fprintf(&b, " %s", h.From.Format(iso))
			} else {
				fmt.Fprintf(&b, " %s..%s", h.From.Format(iso), h.To.Format(iso))
			}
		}
	}
	if len(t.MakeupDays) > 0 {
		b.WriteString(" 调休")
		for _, d := range t.MakeupDays {
			fmt.Fprintf(&b, " %s", d.Format(iso))
		}
	}
	return b.String()
}

func (h *Handler) semesterNew(r *req) (string, error) {
	in, err := h.parseTerm(r)
	if err != nil {
		return "", err
	}
	current := h.Cal.TermAt(r.now)
	correction := in.term.Start.Equal(current.Start)
	if !correction && !in.term.Start.After(current.End) {
		return "", refuse(termOverlaps(report.TermName(current), report.LongDay(h.Cal, current.Start), report.LongDay(h.Cal, current.End)))
	}
	if !correction && in.term.Start.Before(h.Cal.Day(r.now).AddDate(0, 0, -30)) {
		return "", refuse(termLongPast(report.LongDay(h.Cal, in.term.Start)))
	}
	comments, err := h.Store.AllComments(current.Key())
	if err != nil {
		return "", err
	}
	key := "semester|" + in.canonical
	if !in.confirmed || !h.takeConfirmation(key, r.me.ID, r.now) {
		h.askConfirmation(key, r.me.ID, r.now)
		return termConfirm(h.Cal, report.TermName(in.term), in.term, correction, report.TermName(current), h.termGoesOn(current, r.now), len(comments), in.canonical+" 确认"), nil
	}
	if err := h.Store.StartTerm(r.meta, in.term); err != nil {
		return "", err
	}
	terms, err := h.Store.StartedTerms()
	if err != nil {
		return "", err
	}
	h.Cal.SetStartedTerms(terms)
	if correction {
		return termCorrected(report.TermName(in.term)), nil
	}
	if until := h.termGoesOn(current, r.now); until != "" {
		// The next term is known early: this one goes on, its comments can
		// still be written, and its archive is for when it is over (an
		// export now would be of half a term, called an archive).
		return termRegisteredEarly(report.TermName(in.term), report.TermName(current), until), nil
	}
	// The term being left is archived: its comments stay in the database
	// under its name (read-only from now on) and its workbook goes to the
	// admin. The export is audited on its own: the message is marked
	// processed by StartTerm.
	data, name, err := h.Export(storage.Meta{ActorID: r.me.ID, Where: r.meta.Where, At: r.now}, 0, termLastMoment(current))
	if err != nil {
		h.Log.Error("archiving the finished semester failed", "err", err)
		return termStarted(report.TermName(in.term), report.TermName(current), len(comments), false), nil
	}
	name = report.TermName(current) + "存档_" + name
	r.extra = append(r.extra, bot.Outgoing{Platform: r.msg.Platform, Chat: r.msg.Chat, Text: exportFileCaption(name), File: &bot.File{Name: name, Data: data}})
	return termStarted(report.TermName(in.term), report.TermName(current), len(comments), true), nil
}

// termGoesOn is the last day of a term still going on at now, "" once it
// is over.
func (h *Handler) termGoesOn(t storage.Term, now time.Time) string {
	if h.Cal.Day(now).After(t.End) {
		return ""
	}
	return report.Day(h.Cal, t.End)
}

func (h *Handler) promote(r *req) (string, error) {
	_, confirmed := withoutConfirm(r.args)
	classes, err := h.Store.Classes()
	if err != nil {
		return "", err
	}
	if len(classes) == 0 {
		return "", refuse(promoteNoClasses())
	}
	students, err := h.Store.AllStudents()
	if err != nil {
		return "", err
	}
	active := map[uint64]int{}
	for _, s := range students {
		if !s.Closed {
			active[s.ClassID]++
		}
	}
	leaves := map[int]bool{12: true}
	for _, g := range h.GraduatingGrades {
		leaves[g] = true
	}
	var plan []promotionLine
	sort.Slice(classes, func(i, j int) bool {
		if classes[i].Grade != classes[j].Grade {
			return classes[i].Grade < classes[j].Grade
		}
		return classes[i].Number < classes[j].Number
	})
	for _, c := range classes {
		line := promotionLine{from: report.ClassName(c), students: active[c.ID], graduates: leaves[c.Grade]}
		if !line.graduates {
			line.to = report.ClassLabel(c.Grade+1, c.Number)
		}
		plan = append(plan, line)
	}
	if !confirmed || !h.takeConfirmation("promote", r.me.ID, r.now) {
		h.askConfirmation("promote", r.me.ID, r.now)
		return promoteConfirm(plan, h.Cal.InSemester(r.now)), nil
	}
	p, err := h.Store.PromoteClasses(r.meta, h.GraduatingGrades, promoteReason(r.now.In(h.Cal.Loc).Year()), promotionGap)
	if storage.ErrorCode(err) == storage.EConflict {
		var se *storage.Error
		errors.As(err, &se)
		return "", refuse(promotedAlready(report.LongDay(h.Cal, se.At)))
	}
	if err != nil {
		return "", err
	}
	var freed []string
	for _, id := range p.HeadsFreed {
		freed = append(freed, h.personName(id))
	}
	return promoted(len(p.Moved), len(p.Graduated), p.StudentsClosed, freed), nil
}

// promotionLine is one class in the year's turn.
type promotionLine struct {
	from, to  string
	students  int
	graduates bool
}
