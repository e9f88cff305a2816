package commands

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"bangfu/storage"
)

// ClassDigest is one class's figures for one week.
type ClassDigest struct {
	Class      storage.Class
	Students   int // active students under support
	Sessions   int
	Minutes    int
	Target     int // sum of weekly targets
	Achieved   int // sessions counted towards targets (capped per student)
	MetTarget  int // students who reached their target
	Contacted  int // students whose parents were contacted this month
	NotSeen    []string
	MentorDone map[string]int // mentor name → sessions with their mentees
}

// Percent is target fulfilment, 0–100.
func (d ClassDigest) Percent() int {
	if d.Target == 0 {
		return 100
	}
	return d.Achieved * 100 / d.Target
}

// Digest is the weekly digest of a week for some classes.
type Digest struct {
	WeekStart time.Time
	Classes   []ClassDigest
}

// BuildDigest computes the digest of the week starting at weekStart (a
// Monday) for one class, or for the whole school when classID is 0. It reads
// the week's records with one scan of the time indexes, not one per student.
func BuildDigest(st storage.Store, cal storage.Calendar, weekStart time.Time, classID uint64) (Digest, error) {
	weekEnd := weekStart.AddDate(0, 0, 7)
	monthFrom := cal.MonthStart(weekEnd.Add(-time.Second))
	twoWeeks := weekEnd.AddDate(0, 0, -14)
	d := Digest{WeekStart: weekStart}
	classes, err := st.Classes()
	if err != nil {
		return d, err
	}
	students, err := st.AllStudents()
	if err != nil {
		return d, err
	}
	sessions, err := st.SessionsBetween(twoWeeks, weekEnd)
	if err != nil {
		return d, err
	}
	contacts, err := st.ContactsBetween(monthFrom, cal.NextMonthStart(monthFrom))
	if err != nil {
		return d, err
	}
	people, err := st.People()
	if err != nil {
		return d, err
	}
	names := map[uint64]string{}
	for _, p := range people {
		names[p.ID] = teacherName(p)
	}
	weekCount := map[uint64]int{}
	weekMinutes := map[uint64]int{}
	seen := map[uint64]bool{}
	for _, s := range sessions {
		seen[s.StudentID] = true
		if !s.At.Before(weekStart) {
			weekCount[s.StudentID]++
			weekMinutes[s.StudentID] += s.Minutes
		}
	}
	contacted := map[uint64]bool{}
	for _, c := range contacts {
		contacted[c.StudentID] = true
	}
	byClass := map[uint64]*ClassDigest{}
	for _, c := range classes {
		if classID != 0 && c.ID != classID {
			continue
		}
		byClass[c.ID] = &ClassDigest{Class: c, MentorDone: map[string]int{}}
	}
	sort.Slice(students, func(i, j int) bool { return students[i].ID < students[j].ID })
	for _, s := range students {
		cd := byClass[s.ClassID]
		n := weekCount[s.ID]
		// A student added after the week had no target in it, unless
		// sessions were recorded for that week anyway.
		if cd == nil || s.Closed || (!s.CreatedAt.Before(weekEnd) && n == 0) {
			continue
		}
		cd.Students++
		cd.Sessions += n
		cd.Minutes += weekMinutes[s.ID]
		cd.Target += s.WeeklyTarget
		cd.Achieved += min(n, s.WeeklyTarget)
		if n >= s.WeeklyTarget {
			cd.MetTarget++
		}
		if contacted[s.ID] {
			cd.Contacted++
		}
		if !seen[s.ID] {
			cd.NotSeen = append(cd.NotSeen, s.Name)
		}
		if s.MentorID != 0 {
			cd.MentorDone[names[s.MentorID]] += n
		}
	}
	for _, c := range classes {
		if cd := byClass[c.ID]; cd != nil && cd.Students > 0 {
			d.Classes = append(d.Classes, *cd)
		}
	}
	return d, nil
}

func weekLabel(weekStart time.Time) string {
	return fmt.Sprintf("%s—%s", monthDay(weekStart), monthDay(weekStart.AddDate(0, 0, 6)))
}

// RenderClassDigest is one class's digest as teachers read it on a phone.
// Names and counts only: it is posted in teacher groups.
func RenderClassDigest(d Digest, cd ClassDigest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s 上周帮扶小结（%s）\n", cd.Class.Name(), weekLabel(d.WeekStart))
	fmt.Fprintf(&b, "帮扶学生：%d人\n", cd.Students)
	fmt.Fprintf(&b, "辅导：%d次，共%d分钟\n", cd.Sessions, cd.Minutes)
	fmt.Fprintf(&b, "目标完成：%d%%（%d人中%d人达到约定次数）\n", cd.Percent(), cd.Students, cd.MetTarget)
	fmt.Fprintf(&b, "本月家长沟通：%d/%d人已联系\n", cd.Contacted, cd.Students)
	if len(cd.NotSeen) > 0 {
		fmt.Fprintf(&b, "两周没有辅导记录：%s\n", strings.Join(cd.NotSeen, "、"))
	} else {
		b.WriteString("两周没有辅导记录：无\n")
	}
	if len(cd.MentorDone) > 0 {
		var ms []string
		for name, n := range cd.MentorDone {
			ms = append(ms, fmt.Sprintf("%s %d次", name, n))
		}
		sort.Strings(ms)
		fmt.Fprintf(&b, "导师辅导次数：%s\n", strings.Join(ms, "、"))
	}
	return strings.TrimRight(b.String(), "\n")
}

// RenderSchoolDigest is the whole-school digest for admins: a line a class
// and the totals.
func RenderSchoolDigest(school string, d Digest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s 全校帮扶周报（%s）\n", school, weekLabel(d.WeekStart))
	var tot ClassDigest
	for _, cd := range d.Classes {
		fmt.Fprintf(&b, "%s：%d人，辅导%d次/%d分钟，完成%d%%，本月已联系家长%d/%d，两周未辅导%d人\n",
			cd.Class.Name(), cd.Students, cd.Sessions, cd.Minutes, cd.Percent(), cd.Contacted, cd.Students, len(cd.NotSeen))
		tot.Students += cd.Students
		tot.Sessions += cd.Sessions
		tot.Minutes += cd.Minutes
		tot.Target += cd.Target
		tot.Achieved += cd.Achieved
		tot.MetTarget += cd.MetTarget
		tot.Contacted += cd.Contacted
		tot.NotSeen = append(tot.NotSeen, cd.NotSeen...)
	}
	if len(d.Classes) == 0 {
		b.WriteString("还没有帮扶学生。")
		return b.String()
	}
	fmt.Fprintf(&b, "合计：%d人，辅导%d次/%d分钟，目标完成%d%%（%d人达标），本月已联系家长%d/%d，两周未辅导%d人",
		tot.Students, tot.Sessions, tot.Minutes, tot.Percent(), tot.MetTarget, tot.Contacted, tot.Students, len(tot.NotSeen))
	return b.String()
}
