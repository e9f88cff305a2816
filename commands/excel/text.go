package excel

// Every word of the workbooks and every message of reading a register, as
// functions with named arguments, so the wording is reviewed in one place.

import (
	"fmt"
	"strings"
	"time"

	"bangfu/commands/report"
	"bangfu/storage"
)

// registerSheet is the register's sheet, in the archive and the template.
const registerSheet = "名单"

func notXLSX() string {
	return "打不开这个 Excel 文件，请确认是 .xlsx 格式（旧的 .xls 请先另存为 .xlsx）"
}

func unknownEncoding() string {
	return "看不懂这个 CSV 文件的编码，请在 Excel 里“另存为 CSV UTF-8”后再导入"
}

func badCSV(err error) string { return fmt.Sprintf("CSV 文件格式有误：%v", err) }

// A register is a school's supported students: a sheet far past these is
// not one (and is not read into memory whole).
const (
	maxTableRows    = 20000
	maxTableColumns = 50
)

func tooManyRows() string {
	return fmt.Sprintf("这个表格超过 %d 行，不像是帮扶学生名单：请只留下名单那一页（第一行是表头：班级、姓名……）再导入", maxTableRows)
}

func unsupportedFile() string { return "只能导入 .xlsx 或 .csv 文件" }

func templateHeader() []any {
	return []any{"班级", "姓名", "类别", "重点", "每周辅导次数", "导师"}
}

func templateExample() []any {
	return []any{"初一3班", "张三", "留守、学困", "是", 2, "王老师"}
}

func templateHint() string {
	return "第2行是示例，导入时会跳过（删掉也可以）；类别可写：贫困 学困 单亲 外来务工 留守 残疾 优越 优秀（多个用顿号隔开）；重点写“是”；次数不写默认每周1次"
}

// The archive's sheets: names and Chinese headers, widths that fit.
var archiveSheets = []sheet{
	{registerSheet, []string{"班级", "姓名", "重点", "类别", "导师", "每周辅导次数", "状态"}, []float64{10, 10, 6, 30, 12, 12, 20}},
	{sheetPlans, []string{"班级", "姓名", "开始日期", "原因分析", "近期目标", "学期目标", "措施", "责任教师", "复查日期", "阶段性评估", "结果", "结束日期"},
		[]float64{10, 10, 12, 30, 24, 24, 30, 12, 12, 50, 10, 12}},
	{sheetGuardians, []string{"班级", "学生", "关系", "监护人姓名", "电话", "情况", "开始日期", "结束日期", "最近一次给孩子打电话"}, []float64{10, 10, 8, 12, 16, 24, 12, 12, 18}},
	{sheetSessions, []string{"日期", "班级", "姓名", "科目或内容", "分钟", "记录人", "备注"}, []float64{12, 10, 10, 18, 7, 12, 40}},
	{sheetContacts, []string{"日期", "班级", "姓名", "方式", "对象", "内容", "记录人"}, []float64{12, 10, 10, 8, 10, 50, 12}},
	{sheetPraise, []string{"日期", "班级", "姓名", "进步", "记录人"}, []float64{12, 10, 10, 60, 12}},
	{sheetComments, []string{"学期", "班级", "姓名", "导师", "评语", "日期", "出处（记录号）"}, []float64{12, 10, 10, 12, 70, 12, 20}},
	{sheetStats, []string{"班级", "姓名", "导师", "辅导次数", "辅导分钟", "每周目标完成率(%)", "有家长沟通的月份"}, []float64{10, 10, 12, 10, 10, 18, 16}},
	{sheetRhythm, []string{"班级", "姓名", "要做的事", "周期", "已做", "要求", "负责老师", "推迟到", "出处"}, []float64{10, 10, 24, 10, 6, 6, 12, 12, 50}},
}

const (
	sheetPlans     = "帮扶计划"
	sheetGuardians = "监护人"
	sheetSessions  = "辅导记录"
	sheetContacts  = "家校沟通"
	sheetPraise    = "成长记录"
	sheetComments  = "学期评语"
	sheetStats     = "统计"
	sheetRhythm    = "帮扶节奏"
)

func isKey(key bool) string {
	if key {
		return "是"
	}
	return ""
}

func supportState(st storage.Student) string {
	if !st.Closed {
		return "帮扶中"
	}
	reason := st.ClosedReason
	if reason == "" {
		reason = "未注明原因"
	}
	return "已结束：" + reason
}

func mentorHeader() []any {
	return []any{"导师", "帮扶学生数", "", "辅导次数", "辅导分钟", "每周目标完成率(%)", ""}
}

func printHeader(title, sheet string) string {
	return "&C&\"-,Bold\"" + title + " 帮扶档案 · " + sheet
}

func printFooter(school string) string { return "&L" + school + "&R第 &P 页 / 共 &N 页" }

func fileName(title string, day time.Time) string {
	return fmt.Sprintf("%s帮扶档案-%s.xlsx", title, day.Format("20060102"))
}

// enumerate lists items the Chinese way: 留守儿童、学习困难.
func enumerate(items []string) string { return strings.Join(items, "、") }

// dayText is a date as the sheets print it, "" for none.
func dayText(cal storage.Calendar, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(cal.Loc).Format("2006-01-02")
}

// planReviews lists a plan's stage reviews, one per line, dated and signed.
func planReviews(cal storage.Calendar, rs []storage.PlanReview, names report.Names) string {
	var lines []string
	for _, r := range rs {
		lines = append(lines, fmt.Sprintf("%s %s：%s", dayText(cal, r.At), names[r.AuthorID], r.Text))
	}
	return strings.Join(lines, "\n")
}

// guardianState is where a guardian is: at home with the child, or away.
func guardianState(g storage.Guardian) string {
	switch {
	case g.AtHome:
		return "在家照看"
	case g.Away && g.Where != "":
		return "在" + g.Where + "务工"
	case g.Away:
		return "外出务工"
	}
	return ""
}

// parentAuthor names who wrote a message the family sent: 家长（妈妈）.
func parentAuthor(whom string) string {
	if whom == "" {
		return "家长"
	}
	return "家长（" + whom + "）"
}

// sourceList names a drafted comment's records: #12 #15.
func sourceList(nos []uint64) string {
	var out []string
	for _, no := range nos {
		out = append(out, fmt.Sprintf("#%d", no))
	}
	return strings.Join(out, " ")
}
