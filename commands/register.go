package commands

import (
	"errors"
	"fmt"
	"strings"

	"bangfu/commands/excel"
	"bangfu/commands/report"
	"bangfu/storage"
)

// RowError is a bad row of an import, by its row number in the file.
type RowError struct {
	Row    int
	Reason string
}

// ImportError lists every bad row; nothing was imported.
type ImportError struct{ Rows []RowError }

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprint(&b, importBadRows(len(e.Rows)))
	for _, r := range e.Rows {
		fmt.Fprint(&b, importBadRow(r.Row, r.Reason))
	}
	return b.String()
}

// ImportReport says what an import did.
type ImportReport struct {
	Added, Updated, Unchanged int
	Warnings                  []string
}

var registerColumns = []struct {
	key   string
	words []string
}{
	{"class", []string{"班级", "班別", "班"}},
	{"name", []string{"姓名", "名字", "学生"}},
	{"categories", []string{"类别", "类型", "八类"}},
	{"key", []string{"重点"}},
	{"target", []string{"每周辅导次数", "辅导次数", "次数", "每周"}},
	{"mentor", []string{"导师", "帮扶人", "责任人", "帮扶老师", "帮扶教师", "结对教师", "结对老师"}},
}

// matchHeader maps register columns to their index, matching header names
// loosely; extra columns are ignored.
func matchHeader(header []string) map[string]int {
	cols := map[string]int{}
	for i, cell := range header {
		h := strings.ReplaceAll(Normalize(cell), " ", "")
		for _, c := range registerColumns {
			if _, done := cols[c.key]; done {
				continue
			}
			for _, w := range c.words {
				if strings.Contains(h, w) && !(c.key == "class" && strings.Contains(h, "次数")) {
					cols[c.key] = i
					break
				}
			}
			if _, ok := cols[c.key]; ok {
				break
			}
		}
	}
	return cols
}

var (
	yes = map[string]bool{"是": true, "重点": true, "√": true, "✓": true, "✔": true, "y": true, "yes": true, "1": true, "★": true, "true": true}
	no  = map[string]bool{"": true, "否": true, "不": true, "非重点": true, "n": true, "no": true, "0": true, "false": true, "×": true}
)

// Import checks every row of a register and, only when all are good, adds
// or updates the students in one transaction. The same file imported twice
// changes nothing the second time. progress, if set, is told each row.
func (h *Handler) Import(rows [][]string, m storage.Meta, progress func(done, total int)) (ImportReport, error) {
	var rep ImportReport
	headerAt, cols := findHeader(rows)
	if headerAt < 0 {
		return rep, errors.New(importNoHeader())
	}
	people, err := h.Store.People()
	if err != nil {
		return rep, err
	}
	var bad []RowError
	var good []storage.ImportRow
	seen := map[string]int{} // class+name → first row, for duplicates
	total := len(rows) - headerAt - 1
	for i := headerAt + 1; i < len(rows); i++ {
		if progress != nil {
			progress(i-headerAt, total)
		}
		row := registerRow{cells: rows[i], cols: cols, n: i + 1}
		if row.empty() || (i == headerAt+1 && excel.IsTemplateExample(rows[i])) {
			continue // the template's example row is not a student
		}
		ir, reasons := row.check(seen)
		if len(reasons) > 0 {
			bad = append(bad, RowError{Row: row.n, Reason: joinReasons(reasons)})
			continue
		}
		if mentor := row.cell("mentor"); mentor != "" {
			if p, ok := onlyStaffNamed(people, mentor); ok {
				ir.Student.MentorID, ir.MentorGiven = p.ID, true
			} else {
				rep.Warnings = append(rep.Warnings, importMentorUnknown(row.n, clip(mentor, 10), ir.Student.Name, mentor))
			}
		}
		good = append(good, ir)
	}
	if len(bad) > 0 {
		return rep, &ImportError{Rows: bad}
	}
	if len(good) == 0 {
		return rep, errors.New(importEmpty())
	}
	rep.Added, rep.Updated, rep.Unchanged, err = h.Store.ImportStudents(m, good)
	return rep, err
}

// findHeader finds the first row naming 班级 and 姓名 among the first few
// (titles above it are skipped); -1 when there is none.
func findHeader(rows [][]string) (int, map[string]int) {
	for i, row := range rows {
		c := matchHeader(row)
		_, class := c["class"]
		_, name := c["name"]
		if class && name {
			return i, c
		}
		if i > 5 {
			break
		}
	}
	return -1, nil
}

// registerRow is one row of a register, with its row number in the file.
type registerRow struct {
	cells []string
	cols  map[string]int
	n     int
}

func (r registerRow) cell(key string) string {
	i, ok := r.cols[key]
	if !ok || i >= len(r.cells) {
		return ""
	}
	return strings.TrimSpace(Normalize(r.cells[i]))
}

func (r registerRow) empty() bool { return strings.TrimSpace(strings.Join(r.cells, "")) == "" }

// check reads the row into a student, or says every reason it cannot.
func (r registerRow) check(seen map[string]int) (storage.ImportRow, []string) {
	var reasons []string
	cref, classOK := parseClass(strings.ReplaceAll(r.cell("class"), " ", ""))
	if !classOK {
		reasons = append(reasons, importBadClass(clip(r.cell("class"), 12)))
	}
	name := strings.ReplaceAll(r.cell("name"), " ", "")
	switch {
	case name == "":
		reasons = append(reasons, importNoName())
	case !validName(name):
		reasons = append(reasons, importBadName(clip(name, 12)))
	}
	cats := map[string]bool{}
	for _, c := range strings.FieldsFunc(r.cell("categories"), func(r rune) bool { return strings.ContainsRune("、,，/;； ", r) }) {
		full, ok := shortCategories[c]
		if !ok {
			reasons = append(reasons, importBadCategory(clip(c, 10), categoryHint))
			continue
		}
		cats[full] = true
	}
	keyCell := strings.ToLower(r.cell("key"))
	if !yes[keyCell] && !no[keyCell] {
		reasons = append(reasons, importBadKey(clip(keyCell, 10)))
	}
	target := 1
	if t := weeklyTimesCell(r.cell("target")); t != "" {
		v, ok := smallNumber(t)
		if !ok || v < 1 || v > 14 {
			reasons = append(reasons, importBadTarget(clip(t, 10)))
		}
		target = v
	}
	if classOK && name != "" {
		k := cref.name() + name
		if first, dup := seen[k]; dup {
			reasons = append(reasons, importDuplicateRow(first))
		}
		seen[k] = r.n
	}
	return storage.ImportRow{Grade: cref.grade, Number: cref.number,
		Student: storage.Student{Name: name, Categories: orderCategories(cats), Key: yes[keyCell], WeeklyTarget: target}}, reasons
}

// onlyStaffNamed finds the one staff member written as name (张, 张老师).
func onlyStaffNamed(people []storage.Person, name string) (storage.Person, bool) {
	found := staffNamed(people, name)
	if len(found) != 1 {
		return storage.Person{}, false
	}
	return found[0], true
}

// staffNamed are the staff called name, with or without 老师.
func staffNamed(people []storage.Person, name string) []storage.Person {
	var found []storage.Person
	for _, p := range people {
		if p.IsStaff() && (p.Name == name || strings.TrimSuffix(p.Name, "老师") == strings.TrimSuffix(name, "老师")) {
			found = append(found, p)
		}
	}
	return found
}

// teacherList lists the school's staff with their roles and how many
// students each mentors: names and counts only, nothing of any student's
// file, so a head teacher may see it to choose a mentor.
func (h *Handler) teacherList(r *req) (string, error) {
	people, err := h.Store.People()
	if err != nil {
		return "", err
	}
	students, err := h.Store.AllStudents()
	if err != nil {
		return "", err
	}
	mentees := map[uint64]int{}
	for _, st := range students {
		if !st.Closed && st.MentorID != 0 {
			mentees[st.MentorID]++
		}
	}
	var lines []teacherLine
	for _, p := range people {
		if !p.IsStaff() {
			continue
		}
		l := teacherLine{name: report.TeacherName(p), admin: p.Admin, mentees: mentees[p.ID]}
		for _, id := range p.HeadOf {
			if c, err := h.Store.Class(id); err == nil {
				l.heads = append(l.heads, report.ClassName(c))
			}
		}
		lines = append(lines, l)
	}
	return renderTeacherList(lines), nil
}

// weeklyTimesCell is the number in a weekly-sessions cell as schools fill
// it in: 2, 2次, 每周2次, 一周两次, 2次/周.
func weeklyTimesCell(cell string) string {
	t := strings.ReplaceAll(cell, " ", "")
	for _, p := range []string{"每周", "一周", "周"} {
		t = strings.TrimPrefix(t, p)
	}
	for _, suf := range []string{"次/周", "次每周", "/周", "次"} {
		t = strings.TrimSuffix(t, suf)
	}
	return t
}
