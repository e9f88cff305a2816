package excel

import (
	"bangfu/commands/cadence"
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"bangfu/commands/report"
	"bangfu/storage"
)

// A register saved by Chinese Excel comes as GBK, as UTF-8 with a BOM, or as
// .xlsx: each reads into the same rows.
func TestReadTableReadsEveryEncodingTheSame(t *testing.T) {
	csvText := "班级,姓名\n初一3班,钱八\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(csvText))
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := Template()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"a.csv": []byte(csvText), "b.csv": append([]byte("\xef\xbb\xbf"), csvText...), "c.csv": gbk} {
		rows, err := ReadTable(name, data)
		if err != nil || len(rows) != 2 || rows[0][0] != "班级" || rows[1][1] != "钱八" {
			t.Fatalf("%s: %q %v", name, rows, err)
		}
	}
	rows, err := ReadTable("模板.xlsx", tpl)
	if err != nil || len(rows) < 2 || rows[0][1] != "姓名" || rows[1][1] != "张三" {
		t.Fatalf("template: %q %v", rows, err)
	}
	for name, data := range map[string][]byte{"x.xls": []byte("x"), "x.xlsx": []byte("not a zip")} {
		if _, err := ReadTable(name, data); err == nil {
			t.Errorf("%s was read", name)
		}
	}
}

// The workbook carries the archive's rows on its nine sheets, dates as dates.
func TestWorkbookLaysOutTheArchive(t *testing.T) {
	cal := storage.DefaultCalendar()
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, cal.Loc)
	class := storage.Class{ID: 1, Grade: 7, Number: 3}
	st := storage.Student{ID: 5, ClassID: 1, Name: "张三", Categories: []string{"留守儿童", "学习困难"}, Key: true, WeeklyTarget: 2, MentorID: 9}
	planned := storage.Student{ID: 6, ClassID: 1, Name: "李四", MentorID: 9, Plan: &storage.Plan{Reasons: "计算不熟", Measures: "午间辅导",
		ResponsibleID: 8, Start: at.AddDate(0, -2, 0), Review: at.AddDate(0, 1, 0),
		Reviews: []storage.PlanReview{{At: at, AuthorID: 9, Text: "作业按时交了"}, {At: at.AddDate(0, 0, 1), AuthorID: 8, Text: "小测61分"}}},
		Guardians: []storage.Guardian{{No: 1, Relation: "爸爸", Phone: "13800000000", Away: true, Where: "广东东莞", Since: at.AddDate(0, -2, 0)},
			{No: 2, Relation: "奶奶", AtHome: true, Since: at.AddDate(0, -2, 0), Until: at}},
		Calls: []storage.FamilyCall{{At: at.AddDate(0, 0, -3), Relation: "爸爸"}}}
	a := report.Archive{ClassID: 1, Classes: map[uint64]storage.Class{1: class}, Students: []storage.Student{st, planned},
		Names:    report.Names{9: "李老师", 8: "周老师"},
		Sessions: []storage.Session{{StudentID: 5, AuthorID: 9, Subject: "数学", Minutes: 30, At: at, Note: "错题订正"}},
		Contacts: []storage.Contact{{StudentID: 5, AuthorID: 9, Method: "电话", Whom: "爸爸", Content: "说了作业", At: at},
			{StudentID: 5, AuthorID: 77, Method: "留言", Whom: "妈妈", Content: "孩子感冒了", At: at, FromParent: true}},
		Rhythm:  []cadence.Item{{Rule: cadence.Rule{Name: "家访", Every: "semester", Source: "要经常家访"}, Student: planned, Owner: 8, Done: 0, Need: 1, Until: at.AddDate(0, 0, 5)}},
		Stats:   []report.StudentStats{{Student: st, Sessions: 1, Minutes: 30, Percent: 50, ContactMonths: 0}},
		Mentors: []report.MentorStats{{MentorID: 9, Students: 1, Sessions: 1, Minutes: 30, Percent: 50}}}
	data, name, err := Workbook(cal, "示例中学", a, at)
	if err != nil {
		t.Fatal(err)
	}
	if name != "初一3班帮扶档案-20261125.xlsx" {
		t.Fatalf("file name %q", name)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 9 || got[8] != "帮扶节奏" || got[0] != "名单" || got[1] != "帮扶计划" || got[2] != "监护人" {
		t.Fatalf("sheets %q", got)
	}
	plans, _ := f.GetRows("帮扶计划")
	if len(plans) != 2 || plans[1][1] != "李四" || plans[1][2] != "2026-09-25" || plans[1][3] != "计算不熟" || plans[1][7] != "周老师" ||
		plans[1][8] != "2026-12-25" || plans[1][9] != "2026-11-25 李老师：作业按时交了\n2026-11-26 周老师：小测61分" {
		t.Fatalf("plans %q", plans)
	}
	guardians, _ := f.GetRows("监护人")
	if len(guardians) != 3 || strings.Join(guardians[1], ",") != "初一3班,李四,爸爸,,13800000000,在广东东莞务工,2026-09-25,,2026-11-22" ||
		strings.Join(guardians[2], ",") != "初一3班,李四,奶奶,,,在家照看,2026-09-25,2026-11-25" {
		t.Fatalf("guardians %q", guardians)
	}
	roster, _ := f.GetRows("名单")
	if len(roster) != 3 || roster[1][0] != "初一3班" || roster[1][3] != "留守儿童、学习困难" || roster[1][4] != "李老师" {
		t.Fatalf("roster %q", roster)
	}
	sessions, _ := f.GetRows("辅导记录")
	if len(sessions) != 2 || sessions[1][0] != "2026-11-25" || sessions[1][6] != "错题订正" {
		t.Fatalf("sessions %q", sessions)
	}
	contacts, _ := f.GetRows("家校沟通")
	if len(contacts) != 3 || contacts[1][6] != "李老师" || contacts[2][6] != "家长（妈妈）" || contacts[2][5] != "孩子感冒了" {
		t.Fatalf("contacts %q", contacts)
	}
	rhythm, _ := f.GetRows("帮扶节奏")
	if len(rhythm) != 2 || strings.Join(rhythm[1], ",") != "初一3班,李四,家访,本学期,0,1,周老师,2026-11-30,要经常家访" {
		t.Fatalf("rhythm %q", rhythm)
	}
	stats, _ := f.GetRows("统计")
	if len(stats) != 5 || stats[1][5] != "50" || stats[4][0] != "李老师" {
		t.Fatalf("stats %q", stats)
	}
}

// A register as Excel or WPS saves it (shared strings, numbers typed as
// numbers, a date, gaps): the 名单 sheet is read even when it is not the
// first, each cell lands in its column and a blank row stays a blank row.
func TestAnExcelRegisterReadsCellByCell(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "说明")
	f.SetCellValue("说明", "A1", "填写说明")
	f.NewSheet("名单")
	f.SetSheetRow("名单", "A1", &[]any{"班级", "姓名", "类别", "重点", "每周辅导次数", "导师", "家长电话"})
	f.SetSheetRow("名单", "A2", &[]any{"初一3班", "张三", nil, "是", 2, "王老师", 13800000000})
	f.SetSheetRow("名单", "A4", &[]any{"初一3班", " 李四 "})
	f.SetCellValue("名单", "H4", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC))
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadTable("名单.xlsx", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"班级", "姓名", "类别", "重点", "每周辅导次数", "导师", "家长电话"}, {"初一3班", "张三", "", "是", "2", "王老师", "13800000000"},
		nil, {"初一3班", " 李四 ", "", "", "", "", "", "2026-09-01"}}
	if len(rows) != len(want) {
		t.Fatalf("rows %q", rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: %q, want %q", i+1, rows[i], want[i])
		}
	}
}

// A sheet far longer than any register is refused with one clear line.
func TestAHugeSheetIsNotARegister(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]any{"班级", "姓名"})
	f.SetCellValue("Sheet1", fmt.Sprintf("A%d", maxTableRows+1), "初一3班")
	f.SetCellValue("Sheet1", fmt.Sprintf("A%d", maxTableRows+2), "初一3班")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadTable("大表.xlsx", buf.Bytes()); err == nil || err.Error() != tooManyRows() {
		t.Fatalf("a sheet of %d rows: %v", maxTableRows+2, err)
	}
}
