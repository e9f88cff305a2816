// Package excel turns the semester archive into the workbook schools print
// and file, and reads a class register from .xlsx or CSV into rows. It takes
// report models in and gives rows out; what the rows mean is the caller's.
package excel

import (
	"bytes"
	"time"

	"bangfu/commands/excel/xlsxwrite"

	"bangfu/commands/cadence"
	"bangfu/commands/report"
	"bangfu/storage"
)

// sheet is one worksheet of the archive.
type sheet struct {
	name    string
	headers []string
	widths  []float64
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
// nine sheets, frozen headers repeated on every printed page, real dates,
// A4 landscape with the class in the print header, ready to print and file.
func Workbook(cal storage.Calendar, school string, a report.Archive, now time.Time) ([]byte, string, error) {
	title := Title(a, school)
	var buf bytes.Buffer
	w := xlsxwrite.New(&buf)
	rows := Rows(cal, a)
	for _, sh := range archiveSheets {
		if err := writeSheet(w, sh, title, school, rows[sh.name]); err != nil {
			return nil, "", err
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), fileName(title, now.In(cal.Loc)), nil
}

// writeSheet writes a sheet's header and rows: dates as dates, the text of
// its wide columns wrapped.
func writeSheet(w *xlsxwrite.Writer, sh sheet, title, school string, rows [][]any) error {
	err := w.AddSheet(xlsxwrite.Sheet{Name: sh.name, Widths: sh.widths, FreezeHeader: true,
		Print: xlsxwrite.Print{A4Landscape: true, FitToWidth: true, Header: printHeader(title, sh.name), Footer: printFooter(school)}})
	if err != nil {
		return err
	}
	cells := make([]xlsxwrite.Cell, 0, len(sh.headers))
	for _, t := range sh.headers {
		cells = append(cells, xlsxwrite.Cell{Value: t, Style: xlsxwrite.Header})
	}
	if err := w.Row(cells); err != nil {
		return err
	}
	for _, row := range rows {
		cells = cells[:0]
		for c, v := range row {
			style := xlsxwrite.Plain
			if _, ok := v.(time.Time); ok {
				style = xlsxwrite.Date
			} else if c < len(sh.widths) && sh.widths[c] >= 40 {
				style = xlsxwrite.Wrap
			}
			cells = append(cells, xlsxwrite.Cell{Value: v, Style: style})
		}
		if err := w.Row(cells); err != nil {
			return err
		}
	}
	return nil
}
