// Package excel turns the semester archive into the workbook schools print
// and file, and reads a class register from .xlsx or CSV into rows. It takes
// report models in and gives rows out; what the rows mean is the caller's.
package excel

import (
	"time"

	"github.com/xuri/excelize/v2"

	"bangfu/commands/cadence"
	"bangfu/commands/report"
	"bangfu/storage"
)

// sheet is one worksheet of the archive.
type sheet struct {
	name    string
	headers []string
	widths  []float64
	dateCol int // 0-based column holding a date; -1 for none
}

// Title names an archive: its class, or the school.
func Title(a report.Archive, school string) string {
	if c, ok := a.Classes[a.ClassID]; ok && a.ClassID != 0 {
		return report.ClassName(c)
	}
	return school
}

// Rows lays the archive out by sheet, each row as its cells.
func Rows(cal storage.Calendar, a report.Archive) map[string][][]any {
	byID := map[uint64]storage.Student{}
	for _, st := range a.Students {
		byID[st.ID] = st
	}
	cls := func(id uint64) string { return report.ClassName(a.Classes[byID[id].ClassID]) }
	day := func(t time.Time) time.Time { // the day, as Excel sees it (no zone)
		t = t.In(cal.Loc)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	out := map[string][][]any{}
	for _, st := range a.Students {
		out[registerSheet] = append(out[registerSheet], []any{cls(st.ID), st.Name, isKey(st.Key),
			enumerate(st.Categories), a.Names[st.MentorID], st.WeeklyTarget, supportState(st)})
	}
	for _, st := range a.Students {
		if p := st.Plan; p != nil {
			out[sheetPlans] = append(out[sheetPlans], []any{cls(st.ID), st.Name, day(p.Start), p.Reasons, p.GoalShort, p.GoalSemester, p.Measures,
				a.Names[st.Responsible()], dayText(cal, p.Review), planReviews(cal, p.Reviews, a.Names), p.Outcome, dayText(cal, p.EndedAt)})
		}
	}
	for _, st := range a.Students {
		for _, g := range st.Guardians {
			var called time.Time
			for _, c := range st.Calls {
				if c.Relation == g.Relation && g.Away {
					called = c.At
				}
			}
			out[sheetGuardians] = append(out[sheetGuardians], []any{cls(st.ID), st.Name, g.Relation, g.Name, g.Phone, guardianState(g), day(g.Since), dayText(cal, g.Until), dayText(cal, called)})
		}
	}
	for _, s := range a.Sessions {
		out[sheetSessions] = append(out[sheetSessions], []any{day(s.At), cls(s.StudentID), byID[s.StudentID].Name, s.Subject, s.Minutes, a.Names[s.AuthorID], s.Note})
	}
	for _, c := range a.Contacts {
		author := a.Names[c.AuthorID]
		if c.FromParent {
			author = parentAuthor(c.Whom)
		}
		out[sheetContacts] = append(out[sheetContacts], []any{day(c.At), cls(c.StudentID), byID[c.StudentID].Name, c.Method, c.Whom, c.Content, author})
	}
	for _, p := range a.Praise {
		out[sheetPraise] = append(out[sheetPraise], []any{day(p.At), cls(p.StudentID), byID[p.StudentID].Name, p.Text, a.Names[p.AuthorID]})
	}
	for _, c := range a.Comments {
		out[sheetComments] = append(out[sheetComments], []any{c.Semester, cls(c.StudentID), byID[c.StudentID].Name, a.Names[c.AuthorID], c.Text, day(c.At), sourceList(c.Sources)})
	}
	for _, s := range a.Stats {
		out[sheetStats] = append(out[sheetStats], []any{cls(s.Student.ID), s.Student.Name, a.Names[s.Student.MentorID], s.Sessions, s.Minutes, s.Percent, s.ContactMonths})
	}
	for _, it := range a.Rhythm {
		until := ""
		if !it.Until.IsZero() {
			until = dayText(cal, it.Until)
		}
		out[sheetRhythm] = append(out[sheetRhythm], []any{cls(it.Student.ID), it.Student.Name, it.Rule.Name, cadence.PeriodWord(it.Rule.Every), it.Done, it.Need,
			a.Names[it.Owner], until, it.Rule.Source})
	}
	if len(a.Mentors) > 0 {
		out[sheetStats] = append(out[sheetStats], []any{}, mentorHeader())
		for _, m := range a.Mentors {
			out[sheetStats] = append(out[sheetStats], []any{a.Names[m.MentorID], m.Students, "", m.Sessions, m.Minutes, m.Percent, ""})
		}
	}
	return out
}

// Workbook writes the archive as .xlsx bytes with the file name to give it:
// nine sheets, frozen headers, real dates, A4 landscape with the class in the
// print header, ready to print and file.
func Workbook(cal storage.Calendar, school string, a report.Archive, now time.Time) ([]byte, string, error) {
	title := Title(a, school)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, "", err
	}
	rows := Rows(cal, a)
	for i, sh := range archiveSheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", sh.name)
		} else {
			_, err = f.NewSheet(sh.name)
		}
		if err != nil {
			return nil, "", err
		}
		if err := writeSheet(f, st, sh, title, school, rows[sh.name]); err != nil {
			return nil, "", err
		}
	}
	// The first sheet is active already: SetActiveSheet after streaming
	// would re-read every streamed sheet into memory.
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, "", err
	}
	return buf.Bytes(), fileName(title, now.In(cal.Loc)), nil
}

type styles struct{ header, date, wrap int }

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}); err != nil {
		return s, err
	}
	dateFmt := "yyyy-mm-dd"
	if s.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return s, err
	}
	s.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	return s, err
}

// writeSheet sets a sheet's print layout, then streams its header and rows.
func writeSheet(f *excelize.File, st styles, sh sheet, title, school string, rows [][]any) error {
	// Print settings go on the sheet before streaming (the stream writer
	// writes them from the sheet as it is when it starts).
	size, orient, fitW, fitH := 9, "landscape", 1, 0
	if err := f.SetPageLayout(sh.name, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &fitW, FitToHeight: &fitH}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sh.name, &excelize.HeaderFooterOptions{OddHeader: printHeader(title, sh.name), OddFooter: printFooter(school)}); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sh.name)
	if err != nil {
		return err
	}
	for c, w := range sh.widths {
		if err := sw.SetColWidth(c+1, c+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(sh.headers))
	for c, t := range sh.headers {
		head[c] = excelize.Cell{StyleID: st.header, Value: t}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	// One cells slice and one styled cell per column for the whole sheet:
	// SetRow writes a row out before it returns, so reusing them saves an
	// allocation per row and per styled cell.
	var cells []any
	styled := make([]excelize.Cell, max(len(sh.widths), sh.dateCol+1))
	for r, row := range rows {
		cells = cells[:0]
		for c, v := range row {
			switch {
			case c == sh.dateCol:
				styled[c] = excelize.Cell{StyleID: st.date, Value: v}
				cells = append(cells, &styled[c])
			case c < len(sh.widths) && sh.widths[c] >= 40:
				styled[c] = excelize.Cell{StyleID: st.wrap, Value: v}
				cells = append(cells, &styled[c])
			default:
				cells = append(cells, v)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}
