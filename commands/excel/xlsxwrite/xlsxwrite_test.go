package xlsxwrite

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func write(t *testing.T, build func(w *Writer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := New(&buf)
	if err := build(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// What a teacher sees when the file opens: the sheets in order, every
// value where it was written, dates as dates, the header styled and
// frozen, widths, and the print layout with its header and footer (read
// back by excelize, the reference implementation).
func TestAWorkbookReadsBackAsWritten(t *testing.T) {
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	evening := time.Date(2026, 11, 25, 18, 30, 0, 0, time.FixedZone("CST", 8*3600))
	data := write(t, func(w *Writer) error {
		if err := w.AddSheet(Sheet{Name: "辅导记录", Widths: []float64{12, 0, 40}, FreezeHeader: true,
			Print: Print{A4Landscape: true, FitToWidth: true, Header: `&C&"-,Bold"初一3班 帮扶档案 · 辅导记录`, Footer: "&L示例中学&R第 &P 页 / 共 &N 页"}}); err != nil {
			return err
		}
		if err := w.Row([]Cell{{"日期", Header}, {"姓名", Header}, {"内容", Header}}); err != nil {
			return err
		}
		if err := w.Row([]Cell{{day, Date}, {"张三", Plain}, {"错题订正 <分数> & \"比例\"\n第二行", Wrap}, {30, Plain}, {2.5, Plain}, {true, Plain}, {evening, Date}}); err != nil {
			return err
		}
		if err := w.Row(nil); err != nil { // a blank line between tables
			return err
		}
		if err := w.Row([]Cell{{}, {"  前后有空格 ", Plain}, {uint64(1 << 40), Plain}, {"a\x01b\x1fc", Plain}}); err != nil {
			return err
		}
		return w.AddSheet(Sheet{Name: "统计"})
	})
	f := open(t, data)
	if got := f.GetSheetList(); !slices.Equal(got, []string{"辅导记录", "统计"}) {
		t.Fatalf("sheets %q", got)
	}
	rows, err := f.GetRows("辅导记录")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"日期", "姓名", "内容"}, {"2026-11-25", "张三", "错题订正 <分数> & \"比例\"\n第二行", "30", "2.5", "TRUE", "2026-11-25"}, nil,
		{"", "  前后有空格 ", "1099511627776", "abc"}}
	if len(rows) != len(want) {
		t.Fatalf("rows %q", rows)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d: %q, want %q", i+1, rows[i], want[i])
		}
	}
	raw, _ := f.GetCellValue("辅导记录", "G2", excelize.Options{RawCellValue: true})
	if raw != "46351.770833333336" { // 18:30 on the wall clock, not in UTC
		t.Errorf("the date-time's serial is %s", raw)
	}
	if sheets, _ := f.GetRows("统计"); len(sheets) != 0 {
		t.Errorf("the empty sheet has %q", sheets)
	}

	hs, _ := f.GetCellStyle("辅导记录", "A1")
	head, err := f.GetStyle(hs)
	if err != nil || head.Font == nil || !head.Font.Bold || head.Fill.Type != "pattern" || head.Fill.Pattern != 1 ||
		head.Alignment == nil || head.Alignment.Horizontal != "center" {
		t.Errorf("header style %+v %v", head, err)
	}
	// excelize names a fill's colour only through a theme, which Excel does
	// not need: the colour is read from the style sheet itself.
	fill := f.Styles.Fills.Fill[*f.Styles.CellXfs.Xf[hs].FillID]
	if fill.PatternFill == nil || fill.PatternFill.FgColor == nil || fill.PatternFill.FgColor.RGB != "FFDDEBF7" {
		t.Errorf("header fill %+v", fill.PatternFill)
	}
	ws, _ := f.GetCellStyle("辅导记录", "C2")
	if wrap, _ := f.GetStyle(ws); wrap.Alignment == nil || !wrap.Alignment.WrapText || wrap.Alignment.Vertical != "top" {
		t.Errorf("wrap style %+v", wrap)
	}
	if ps, _ := f.GetCellStyle("辅导记录", "B2"); ps != 0 {
		t.Errorf("plain cell has style %d", ps)
	}
	panes, err := f.GetPanes("辅导记录")
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v %v", panes, err)
	}
	if w, _ := f.GetColWidth("辅导记录", "A"); w != 12 {
		t.Errorf("column A is %v wide", w)
	}
	if w, _ := f.GetColWidth("辅导记录", "C"); w != 40 {
		t.Errorf("column C is %v wide", w)
	}
	layout, err := f.GetPageLayout("辅导记录")
	if err != nil || layout.Size == nil || *layout.Size != 9 || layout.Orientation == nil || *layout.Orientation != "landscape" ||
		layout.FitToWidth == nil || *layout.FitToWidth != 1 || layout.FitToHeight == nil || *layout.FitToHeight != 0 {
		t.Errorf("page layout %+v %v", layout, err)
	}
	hf, err := f.GetHeaderFooter("辅导记录")
	if err != nil || hf.OddHeader != `&C&"-,Bold"初一3班 帮扶档案 · 辅导记录` || hf.OddFooter != "&L示例中学&R第 &P 页 / 共 &N 页" {
		t.Errorf("header and footer %+v %v", hf, err)
	}
	var titles []string
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			titles = append(titles, dn.Scope+" "+dn.RefersTo)
		}
	}
	if !slices.Equal(titles, []string{"辅导记录 '辅导记录'!$1:$1"}) {
		t.Errorf("print titles %q", titles)
	}
}

// worksheetOrder is the sequence of CT_Worksheet in ECMA-376 part 1
// (18.3.1.99), up to what this package writes: Excel refuses a file whose
// elements are out of it, where lenient readers do not mind.
var worksheetOrder = []string{"sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
	"sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate", "customSheetViews",
	"mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins",
	"pageSetup", "headerFooter"}

func TestEveryPartIsWellFormedAndInTheSchemasOrder(t *testing.T) {
	data := write(t, func(w *Writer) error {
		if err := w.AddSheet(Sheet{Name: "名单", Widths: []float64{10}, FreezeHeader: true, Print: Print{A4Landscape: true, FitToWidth: true, Header: "&C名单"}}); err != nil {
			return err
		}
		return w.Row([]Cell{{"班级", Header}})
	})
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, _ := f.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		d := xml.NewDecoder(bytes.NewReader(body))
		depth, last := 0, -1
		for {
			tok, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
			}
			switch el := tok.(type) {
			case xml.StartElement:
				depth++
				if strings.HasPrefix(f.Name, "xl/worksheets/") && depth == 2 {
					i := slices.Index(worksheetOrder, el.Name.Local)
					if i < 0 || i <= last {
						t.Errorf("%s: <%s> out of the schema's order", f.Name, el.Name.Local)
					}
					last = i
				}
			case xml.EndElement:
				depth--
			}
		}
	}
	for _, part := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml"} {
		if !slices.Contains(names, part) {
			t.Errorf("no %s in %q", part, names)
		}
	}
}

// A cell holds at most 32,767 characters (UTF-16 units, as Excel counts);
// longer text is cut there rather than making Excel refuse the file.
func TestTextLongerThanACellHoldsIsCut(t *testing.T) {
	long := strings.Repeat("好", maxCellChars-1) + "😀" + "尾" // the emoji is two units: it would pass the limit
	data := write(t, func(w *Writer) error {
		if err := w.AddSheet(Sheet{Name: "长"}); err != nil {
			return err
		}
		return w.Row([]Cell{{long, Plain}})
	})
	v, err := open(t, data).GetCellValue("长", "A1")
	if err != nil || v != strings.Repeat("好", maxCellChars-1) {
		t.Fatalf("kept %d characters, %v", len([]rune(v)), err)
	}
}

func TestWhatExcelWouldRefuseIsRefusedHere(t *testing.T) {
	w := New(io.Discard)
	if err := w.Row([]Cell{{"x", Plain}}); err == nil {
		t.Error("a row before any sheet was taken")
	}
	for _, name := range []string{"", "a/b", "[名单]", strings.Repeat("长", 32), "'引号'"} {
		if err := New(io.Discard).AddSheet(Sheet{Name: name}); !errors.Is(err, ErrSheetName) {
			t.Errorf("sheet name %q: %v", name, err)
		}
	}
	w = New(io.Discard)
	if err := w.AddSheet(Sheet{Name: "名单"}); err != nil {
		t.Fatal(err)
	}
	if err := w.AddSheet(Sheet{Name: "名单"}); !errors.Is(err, ErrSheetName) {
		t.Errorf("a second sheet of the same name: %v", err)
	}
	if err := New(io.Discard).Close(); err == nil {
		t.Error("a workbook with no sheet was closed")
	}
}

func TestColumnLetters(t *testing.T) {
	for col, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", maxColumns - 1: "XFD"} {
		if got := string(appendColumn(nil, col)); got != want {
			t.Errorf("column %d: %s, want %s", col, got, want)
		}
	}
}

// Numbers of any Go kind are numbers in Excel, named types included;
// what Excel has no number for (NaN, ±Inf) stays readable as text.
func TestNumbersOfEveryKind(t *testing.T) {
	type minutes int
	type percent float32
	data := write(t, func(w *Writer) error {
		if err := w.AddSheet(Sheet{Name: "数"}); err != nil {
			return err
		}
		return w.Row([]Cell{{minutes(30), Plain}, {uint8(7), Plain}, {percent(62.5), Plain}, {int64(-3), Plain}, {math.NaN(), Plain}, {math.Inf(1), Plain}})
	})
	f := open(t, data)
	rows, _ := f.GetRows("数")
	if len(rows) != 1 || !slices.Equal(rows[0], []string{"30", "7", "62.5", "-3", "NaN", "+Inf"}) {
		t.Fatalf("rows %q", rows)
	}
	for _, cell := range []string{"A1", "B1", "C1", "D1"} {
		if typ, _ := f.GetCellType("数", cell); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s is stored as %v, not a number", cell, typ)
		}
	}
	if typ, _ := f.GetCellType("数", "E1"); typ != excelize.CellTypeInlineString {
		t.Errorf("NaN is stored as %v", typ)
	}
}
