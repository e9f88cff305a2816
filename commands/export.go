package commands

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"bangfu/bot"
	"bangfu/storage"
)

// sheet is one worksheet of the archive: Chinese headers, widths that fit.
type sheet struct {
	name    string
	headers []string
	widths  []float64
	dateCol int // 0-based column holding a date; -1 for none
}

var archiveSheets = []sheet{
	{"名单", []string{"班级", "姓名", "重点", "类别", "导师", "每周辅导次数", "状态"}, []float64{10, 10, 6, 30, 12, 12, 20}, -1},
	{"辅导记录", []string{"日期", "班级", "姓名", "科目或内容", "分钟", "记录人", "备注"}, []float64{12, 10, 10, 18, 7, 12, 40}, 0},
	{"家校沟通", []string{"日期", "班级", "姓名", "方式", "对象", "内容", "记录人"}, []float64{12, 10, 10, 8, 10, 50, 12}, 0},
	{"成长记录", []string{"日期", "班级", "姓名", "进步", "记录人"}, []float64{12, 10, 10, 60, 12}, 0},
	{"学期评语", []string{"学期", "班级", "姓名", "导师", "评语", "日期"}, []float64{12, 10, 10, 12, 70, 12}, 5},
	{"统计", []string{"班级", "姓名", "导师", "辅导次数", "辅导分钟", "每周目标完成率(%)", "有家长沟通的月份"}, []float64{10, 10, 12, 10, 10, 18, 16}, -1},
}

// archive is what one export covers.
type archive struct {
	title    string // 初一3班 or the school's name
	classes  map[uint64]storage.Class
	students []storage.Student
	names    map[uint64]string // people
}

// Workbook builds the support archive (辅导学生名单 and every record) of one
// class, or of the whole school when classID is 0, as .xlsx bytes, with the
// file name to give it.
func (h *Handler) Workbook(classID uint64, now time.Time) ([]byte, string, error) {
	a, err := h.archiveOf(classID)
	if err != nil {
		return nil, "", err
	}
	f := excelize.NewFile()
	defer f.Close()
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return nil, "", err
	}
	dateFmt := "yyyy-mm-dd"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, "", err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, "", err
	}
	rows, err := h.archiveRows(a, now)
	if err != nil {
		return nil, "", err
	}
	for i, sh := range archiveSheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				return nil, "", err
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			return nil, "", err
		}
		// Print settings go on the sheet before streaming (the stream writer
		// writes them from the sheet as it is when it starts).
		// A4, landscape, one page wide, the class in the header: ready to print and file.
		size, orient, fitW, fitH := 9, "landscape", 1, 0
		if err := f.SetPageLayout(sh.name, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &fitW, FitToHeight: &fitH}); err != nil {
			return nil, "", err
		}
		if err := f.SetHeaderFooter(sh.name, &excelize.HeaderFooterOptions{
			OddHeader: "&C&\"-,Bold\"" + a.title + " 帮扶档案 · " + sh.name,
			OddFooter: "&L" + h.School + "&R第 &P 页 / 共 &N 页",
		}); err != nil {
			return nil, "", err
		}
		sw, err := f.NewStreamWriter(sh.name)
		if err != nil {
			return nil, "", err
		}
		for c, w := range sh.widths {
			if err := sw.SetColWidth(c+1, c+1, w); err != nil {
				return nil, "", err
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, "", err
		}
		head := make([]any, len(sh.headers))
		for c, t := range sh.headers {
			head[c] = excelize.Cell{StyleID: header, Value: t}
		}
		if err := sw.SetRow("A1", head); err != nil {
			return nil, "", err
		}
		for r, row := range rows[sh.name] {
			cells := make([]any, len(row))
			for c, v := range row {
				switch {
				case c == sh.dateCol:
					cells[c] = excelize.Cell{StyleID: date, Value: v}
				case sh.widths[c] >= 40:
					cells[c] = excelize.Cell{StyleID: wrap, Value: v}
				default:
					cells[c] = v
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+2)
			if err := sw.SetRow(cell, cells); err != nil {
				return nil, "", err
			}
		}
		if err := sw.Flush(); err != nil {
			return nil, "", err
		}
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, "", err
	}
	return buf.Bytes(), fmt.Sprintf("%s帮扶档案-%s.xlsx", a.title, now.In(h.Cal.Loc).Format("20060102")), nil
}

func (h *Handler) archiveOf(classID uint64) (archive, error) {
	a := archive{title: h.School, classes: map[uint64]storage.Class{}, names: map[uint64]string{}}
	classes, err := h.Store.Classes()
	if err != nil {
		return a, err
	}
	order := map[uint64]int{}
	for i, c := range classes {
		if classID == 0 || c.ID == classID {
			a.classes[c.ID] = c
			order[c.ID] = i
		}
		if c.ID == classID {
			a.title = c.Name()
		}
	}
	all, err := h.Store.AllStudents()
	if err != nil {
		return a, err
	}
	for _, st := range all {
		if _, ok := a.classes[st.ClassID]; ok {
			a.students = append(a.students, st)
		}
	}
	sort.SliceStable(a.students, func(i, j int) bool {
		if order[a.students[i].ClassID] != order[a.students[j].ClassID] {
			return order[a.students[i].ClassID] < order[a.students[j].ClassID]
		}
		return a.students[i].ID < a.students[j].ID
	})
	people, err := h.Store.People()
	if err != nil {
		return a, err
	}
	for _, p := range people {
		a.names[p.ID] = teacherName(p)
	}
	return a, nil
}

// archiveRows reads every record of the archive's students with one scan per
// kind over the semester so far, and lays them out by sheet.
func (h *Handler) archiveRows(a archive, now time.Time) (map[string][][]any, error) {
	from, to := h.Cal.SemesterStart, now.Add(time.Second)
	byID := map[uint64]storage.Student{}
	for _, st := range a.students {
		byID[st.ID] = st
	}
	cls := func(id uint64) string { return a.classes[byID[id].ClassID].Name() }
	day := func(t time.Time) time.Time { // the day, as Excel sees it (no zone)
		t = t.In(h.Cal.Loc)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	out := map[string][][]any{}
	for _, st := range a.students {
		status := "帮扶中"
		if st.Closed {
			status = "已结束：" + orDefault(st.ClosedReason, "未注明原因")
		}
		out["名单"] = append(out["名单"], []any{cls(st.ID), st.Name, map[bool]string{true: "是", false: ""}[st.Key],
			strings.Join(st.Categories, "、"), a.names[st.MentorID], st.WeeklyTarget, status})
	}
	sessions, err := h.Store.SessionsBetween(from, to)
	if err != nil {
		return nil, err
	}
	type tally struct {
		n, minutes int
		weeks      map[time.Time]int
		months     map[string]bool
	}
	tal := map[uint64]*tally{}
	for _, st := range a.students {
		tal[st.ID] = &tally{weeks: map[time.Time]int{}, months: map[string]bool{}}
	}
	for _, s := range sessions {
		t := tal[s.StudentID]
		if t == nil {
			continue
		}
		t.n++
		t.minutes += s.Minutes
		t.weeks[h.Cal.WeekStart(s.At)]++
		out["辅导记录"] = append(out["辅导记录"], []any{day(s.At), cls(s.StudentID), byID[s.StudentID].Name, s.Subject, s.Minutes, a.names[s.AuthorID], s.Note})
	}
	contacts, err := h.Store.ContactsBetween(from, to)
	if err != nil {
		return nil, err
	}
	for _, c := range contacts {
		t := tal[c.StudentID]
		if t == nil {
			continue
		}
		t.months[c.At.In(h.Cal.Loc).Format("2006-01")] = true
		out["家校沟通"] = append(out["家校沟通"], []any{day(c.At), cls(c.StudentID), byID[c.StudentID].Name, c.Method, c.Whom, c.Content, a.names[c.AuthorID]})
	}
	praise, err := h.Store.PraiseBetween(from, to)
	if err != nil {
		return nil, err
	}
	for _, p := range praise {
		if tal[p.StudentID] != nil {
			out["成长记录"] = append(out["成长记录"], []any{day(p.At), cls(p.StudentID), byID[p.StudentID].Name, p.Text, a.names[p.AuthorID]})
		}
	}
	comments, err := h.Store.AllComments(h.Cal.SemesterKey())
	if err != nil {
		return nil, err
	}
	sort.Slice(comments, func(i, j int) bool { return comments[i].StudentID < comments[j].StudentID })
	for _, c := range comments {
		if tal[c.StudentID] != nil {
			out["学期评语"] = append(out["学期评语"], []any{c.Semester, cls(c.StudentID), byID[c.StudentID].Name, a.names[c.AuthorID], c.Text, day(c.At)})
		}
	}
	// Statistics: per student, then per mentor.
	type mentorTally struct{ students, n, minutes, achieved, target int }
	mentors := map[uint64]*mentorTally{}
	var mentorOrder []uint64
	for _, st := range a.students {
		t := tal[st.ID]
		achieved, target := h.fulfilment(st, t.weeks, now)
		pct := 100
		if target > 0 {
			pct = achieved * 100 / target
		}
		out["统计"] = append(out["统计"], []any{cls(st.ID), st.Name, a.names[st.MentorID], t.n, t.minutes, pct, len(t.months)})
		if st.MentorID != 0 {
			m := mentors[st.MentorID]
			if m == nil {
				m = &mentorTally{}
				mentors[st.MentorID] = m
				mentorOrder = append(mentorOrder, st.MentorID)
			}
			m.students++
			m.n += t.n
			m.minutes += t.minutes
			m.achieved += achieved
			m.target += target
		}
	}
	if len(mentorOrder) > 0 {
		out["统计"] = append(out["统计"], []any{}, []any{"导师", "帮扶学生数", "", "辅导次数", "辅导分钟", "每周目标完成率(%)", ""})
		for _, id := range mentorOrder {
			m := mentors[id]
			pct := 100
			if m.target > 0 {
				pct = m.achieved * 100 / m.target
			}
			out["统计"] = append(out["统计"], []any{a.names[id], m.students, "", m.n, m.minutes, pct, ""})
		}
	}
	return out, nil
}

// fulfilment sums, over the student's weeks under support this semester up
// to now, the sessions counted towards the weekly target (capped at the
// target) and the targets themselves.
func (h *Handler) fulfilment(st storage.Student, weeks map[time.Time]int, now time.Time) (achieved, target int) {
	start := h.Cal.WeekStart(maxTime(h.Cal.SemesterStart, st.CreatedAt))
	end := minTime(now, h.Cal.SemesterEnd.AddDate(0, 0, 1))
	if st.Closed && !st.ClosedAt.IsZero() {
		end = minTime(end, st.ClosedAt)
	}
	for w := start; w.Before(end); w = w.AddDate(0, 0, 7) {
		target += st.WeeklyTarget
		achieved += min(weeks[w], st.WeeklyTarget)
	}
	return achieved, target
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (h *Handler) export(r *req) (string, error) {
	classID, err := h.classScope(r, "你只能导出自己班的档案。")
	if err != nil {
		return "", err
	}
	data, name, err := h.Workbook(classID, r.now)
	if err != nil {
		return "", err
	}
	if err := r.audit(h, "export", name); err != nil {
		return "", err
	}
	r.extra = append(r.extra, bot.Outgoing{Platform: r.msg.Platform, Chat: r.msg.Chat, Text: name + "（含学生隐私，请妥善保管，不要转发到群里）",
		File: &bot.File{Name: name, Data: data}})
	return fmt.Sprintf("正在发送%s：名单、辅导记录、家校沟通、成长记录、学期评语、统计，共6张表，可以直接打印归档。", strings.TrimSuffix(name, ".xlsx")), nil
}
