package commands

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"bangfu/commands/excel"
	"bangfu/storage"
)

func TestExportReadsBackCellByCell(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学辅导 30分钟 作业拖拉")
	w.say("王老师", "/log 张三 英语 45分钟 周一")
	w.say("李老师", "/contact 张三 电话 妈妈 聊了作业")
	w.say("王老师", "/praise 张三 主动帮同学讲题")
	w.say("王老师", "/comment 张三 本学期进步明显")

	outs := w.send("李老师", "", "/export")
	if len(outs) != 2 || outs[1].File == nil {
		t.Fatalf("export sent %+v", outs)
	}
	if !strings.Contains(outs[0].Text, "9张表") || !strings.HasPrefix(outs[1].File.Name, "初一3班帮扶档案") {
		t.Fatalf("export reply %q file %q", outs[0].Text, outs[1].File.Name)
	}
	f, err := excelize.OpenReader(bytes.NewReader(outs[1].File.Data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != "名单,帮扶计划,监护人,辅导记录,家校沟通,成长记录,学期评语,统计,帮扶节奏" {
		t.Fatalf("sheets %v", got)
	}
	rows, _ := f.GetRows("名单")
	if strings.Join(rows[0], ",") != "班级,姓名,重点,类别,导师,每周辅导次数,状态" {
		t.Fatalf("register header %v", rows[0])
	}
	if strings.Join(rows[1], ",") != "初一3班,张三,是,学习困难、留守儿童,王老师,2,帮扶中" {
		t.Fatalf("register row %v", rows[1])
	}
	sessions, _ := f.GetRows("辅导记录")
	if len(sessions) != 3 || sessions[2][0] != "2026-11-25" || sessions[2][3] != "数学辅导" || sessions[2][4] != "30" || sessions[2][6] != "作业拖拉" || sessions[1][0] != "2026-11-23" {
		t.Fatalf("sessions %v", sessions)
	}
	// Dates are real Excel dates (serial numbers), not text.
	raw, _ := f.GetCellValue("辅导记录", "A2", excelize.Options{RawCellValue: true})
	if raw != "46349" {
		t.Fatalf("A2 raw %q, want the serial of 2026-11-23", raw)
	}
	contacts, _ := f.GetRows("家校沟通")
	if len(contacts) != 2 || contacts[1][3] != "电话" || contacts[1][4] != "妈妈" || contacts[1][5] != "聊了作业" {
		t.Fatalf("contacts %v", contacts)
	}
	praise, _ := f.GetRows("成长记录")
	if len(praise) != 2 || praise[1][3] != "主动帮同学讲题" {
		t.Fatalf("praise %v", praise)
	}
	comments, _ := f.GetRows("学期评语")
	if len(comments) != 2 || comments[1][4] != "本学期进步明显" || comments[1][3] != "王老师" {
		t.Fatalf("comments %v", comments)
	}
	stats, _ := f.GetRows("统计")
	// 张三: 2 sessions this week against 2 a week since added this week: 100%; one month with a contact.
	if stats[1][1] != "张三" || stats[1][3] != "2" || stats[1][4] != "75" || stats[1][5] != "100" || stats[1][6] != "1" {
		t.Fatalf("stats %v", stats[1])
	}
	panes, _ := f.GetPanes("名单")
	if !panes.Freeze || panes.YSplit != 1 {
		t.Fatalf("header row not frozen: %+v", panes)
	}
	layout, _ := f.GetPageLayout("辅导记录")
	if layout.Size == nil || *layout.Size != 9 {
		t.Fatalf("not A4: %v", *layout.Size)
	}
	hf, _ := f.GetHeaderFooter("辅导记录")
	if !strings.Contains(hf.OddHeader, "初一3班") {
		t.Fatalf("print header %q", hf.OddHeader)
	}
	audit, _ := w.st.AuditLog(time.Time{}, wed.Add(time.Hour))
	if audit[len(audit)-1].Action != "export" {
		t.Fatalf("export not audited: %+v", audit[len(audit)-1])
	}
}

func TestExportIsRefusedWhereItWouldLeak(t *testing.T) {
	w := school(t)
	must(t, w.sayIn("初一3班教师群", "李老师", "/export"), "不能发到群里")
	must(t, w.say("张三妈妈", "/export"), "只有班主任和学校管理员", "隐私")
	must(t, w.say("王老师", "/导出"), "只有班主任和学校管理员")
	must(t, w.say("李老师", "/export 初二1班"), "还没有初二1班")
	w.say("校长", "/student add 初二1班 赵六")
	must(t, w.say("李老师", "/export 初二1班"), "只能导出自己班")
	outs := w.send("校长", "", "/export")
	if len(outs) != 2 || !strings.HasPrefix(outs[1].File.Name, "示例中学帮扶档案") {
		t.Fatalf("school export %+v", outs)
	}
}

func importRows(t *testing.T, w *world, name string, data []byte) (ImportReport, error) {
	t.Helper()
	rows, err := excel.ReadTable(name, data)
	if err != nil {
		return ImportReport{}, err
	}
	return w.h.Import(rows, storage.Meta{ActorID: 1, Where: "test", At: w.now}, nil)
}

func TestImportIsAllOrNothingAndIdempotent(t *testing.T) {
	w := school(t)
	tpl, err := excel.Template()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := excelize.OpenReader(bytes.NewReader(tpl))
	f.SetSheetRow("名单", "A3", &[]any{"七年级(3)班", "王五", "单亲", "", "", ""})
	f.SetSheetRow("名单", "A4", &[]any{"初二1班", "赵六", "", "否", "3次", "王老师"})
	f.SetSheetRow("名单", "A5", &[]any{"初二1班", "孙七", "", "", "", "陈老师"})
	buf, _ := f.WriteToBuffer()
	rep, err := importRows(t, w, "名单.xlsx", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	// The template's example row (张三) is skipped, not counted.
	if rep.Added != 3 || rep.Unchanged != 0 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "第5行") {
		t.Fatalf("first import %+v", rep)
	}
	again, err := importRows(t, w, "名单.xlsx", buf.Bytes())
	if err != nil || again.Added != 0 || again.Updated != 0 || again.Unchanged != 3 {
		t.Fatalf("second import %+v %v", again, err)
	}
	must(t, w.say("李老师", "/students"), "王五 · 单亲或父母双亡")
	sts, _ := w.st.StudentsNamed("赵六")
	if len(sts) != 1 || sts[0].WeeklyTarget != 3 || sts[0].MentorID == 0 {
		t.Fatalf("赵六 %+v", sts)
	}

	bad := "班级,姓名,类别,重点,每周辅导次数,导师,备注\n" +
		"初一3班,钱八,留守,,2,,好\n" +
		"初一3班,,留守,,2,,\n" +
		"初一3班,周九,流浪,,2,,\n" +
		"初一3班,吴十,,,两次半,,\n" +
		"初一3班,钱八,,,1,,\n" +
		"火星1班,郑十一,,,1,,\n"
	_, err = importRows(t, w, "bad.csv", []byte(bad))
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("bad file: %v", err)
	}
	got := map[int]string{}
	for _, r := range ie.Rows {
		got[r.Row] = r.Reason
	}
	for row, want := range map[int]string{3: "姓名是空的", 4: "不认识的类别“流浪”", 5: "每周辅导次数", 6: "和第2行重复", 7: "班级“火星1班”"} {
		if !strings.Contains(got[row], want) {
			t.Errorf("row %d: %q, want %q", row, got[row], want)
		}
	}
	if len(ie.Rows) != 5 {
		t.Errorf("bad rows %v", ie.Rows)
	}
	if sts, _ := w.st.StudentsNamed("钱八"); len(sts) != 0 {
		t.Fatal("a file with bad rows was half-imported")
	}
}

func TestImportCSVEncodings(t *testing.T) {
	csvText := "班级,姓名,类别,重点,每周辅导次数\n初一3班,钱八,留守、学困,是,2\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(csvText))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"utf8.csv": []byte(csvText),
		"bom.csv":  append([]byte("\xef\xbb\xbf"), csvText...),
		"gbk.csv":  gbk,
	} {
		w := school(t)
		rep, err := importRows(t, w, name, data)
		if err != nil || rep.Added != 1 {
			t.Fatalf("%s: %+v %v", name, rep, err)
		}
		sts, _ := w.st.StudentsNamed("钱八")
		if len(sts) != 1 || !sts[0].Key || sts[0].WeeklyTarget != 2 || strings.Join(sts[0].Categories, "、") != "学习困难、留守儿童" {
			t.Fatalf("%s: %+v", name, sts)
		}
	}
	if _, err := excel.ReadTable("x.xls", []byte("x")); err == nil {
		t.Fatal("an .xls was accepted")
	}
	w := school(t)
	if _, err := importRows(t, w, "x.csv", []byte("名字不对,什么\n1,2\n")); err == nil || !strings.Contains(err.Error(), "找不到“班级”和“姓名”") {
		t.Fatalf("headerless: %v", err)
	}
}

// A register as a school keeps it, not on our template: a 序号 column,
// its own headers, classes as 七(3)班, categories in the plans' words and
// the weekly sessions written out (每周2次, 1次).
func TestImportASchoolsOwnRegister(t *testing.T) {
	w := school(t)
	csvText := "序号,班级,学生姓名,帮扶类别,是否重点,每周辅导次数,帮扶教师\n" +
		"1,七(3)班,赵六,学困生、留守儿童,是,2,王老师\n" +
		"2,初一（3）班,钱七,单亲家庭,,,\n" +
		"3,初一3班,孙八,贫困生,否,1次,\n" +
		"4,初一3班,周九,\"学困生,随迁子女\",否,每周2次,\n"
	rep, err := importRows(t, w, "名单.csv", []byte(csvText))
	if err != nil || rep.Added != 4 {
		t.Fatalf("%+v %v", rep, err)
	}
	// 帮扶教师 is the mentor's column.
	if sts, _ := w.st.StudentsNamed("赵六"); len(sts) != 1 || sts[0].MentorID == 0 {
		t.Fatalf("赵六's mentor from the 帮扶教师 column: %+v", sts)
	}
	for name, want := range map[string]int{"赵六": 2, "钱七": 1, "孙八": 1, "周九": 2} {
		sts, _ := w.st.StudentsNamed(name)
		if len(sts) != 1 || sts[0].WeeklyTarget != want {
			t.Fatalf("%s: %+v, want %d a week", name, sts, want)
		}
		if c, _ := w.st.Class(sts[0].ClassID); c.Grade != 7 || c.Number != 3 {
			t.Fatalf("%s is in %+v", name, c)
		}
	}
}

// The template's example row is never imported: a fresh school importing
// the template as it came has nothing to import, and 张三 is not created.
func TestTemplateExampleRowIsNeverImported(t *testing.T) {
	w := newWorld(t, wed)
	tpl, err := excel.Template()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importRows(t, w, "名单.xlsx", tpl); err == nil {
		t.Fatal("the bare template imported something")
	}
	f, _ := excelize.OpenReader(bytes.NewReader(tpl))
	f.SetSheetRow("名单", "A3", &[]any{"初一3班", "李四", "", "", "", ""})
	buf, _ := f.WriteToBuffer()
	rep, err := importRows(t, w, "名单.xlsx", buf.Bytes())
	if err != nil || rep.Added != 1 {
		t.Fatalf("import %+v %v", rep, err)
	}
	if sts, _ := w.st.StudentsNamed("张三"); len(sts) != 0 {
		t.Fatalf("the example row became a student: %+v", sts)
	}
}
