// Package xlsxwrite streams a workbook (.xlsx, Office Open XML
// SpreadsheetML) row by row into a zip, with the few styles the archive and
// the register template use.
//
// Why not excelize: linking it costs every start of the bot about 16 ms on
// our 2-core machine (its package init compiles dozens of regular
// expressions and fills maps of thousands of entries), a third of the time
// to the first reply, and the bot only ever writes plain tables. Tests
// still read what this package writes with excelize, the reference.
package xlsxwrite

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Style is a cell's look; the set is fixed (see stylesXML).
type Style uint8

const (
	Plain  Style = iota
	Header       // bold, on light blue, centred: a table's header row
	Date         // a date shown as yyyy-mm-dd
	Wrap         // long text, wrapped and aligned to the top
)

// Sheet describes a worksheet before its rows.
type Sheet struct {
	Name string
	// Widths of the columns from A, in characters; 0 leaves Excel's.
	Widths []float64
	// FreezeHeader keeps row 1 in view while scrolling, and repeats it on
	// every printed page.
	FreezeHeader bool
	Print        Print
}

// Print is how a sheet prints; the zero value is Excel's default.
type Print struct {
	A4Landscape bool
	FitToWidth  bool // every column on one page's width
	// Header and Footer use Excel's codes (&L &C &R, &P page, &N pages).
	Header, Footer string
}

// Cell is one value with its style. A nil Value is an empty cell.
// Values: string, the integer and float kinds, bool and time.Time (a
// date-time, written as Excel's serial number: give it a Date style).
type Cell struct {
	Value any
	Style Style
}

// Excel's limits: what goes past them makes Excel refuse the whole file.
const (
	maxCellChars = 32767
	maxRows      = 1048576
	maxColumns   = 16384
	maxNameChars = 31
)

// Writer writes one workbook. Its methods are not safe for concurrent use.
type Writer struct {
	zw     *zip.Writer
	out    *bufio.Writer // the current sheet's part
	sheets []Sheet
	row    int // rows written to the current sheet
	num    []byte
	err    error
}

// New starts a workbook on w; Close finishes it (w is not closed).
func New(w io.Writer) *Writer {
	return &Writer{zw: zip.NewWriter(w), num: make([]byte, 0, 32)}
}

// ErrSheetName is returned for a name Excel would not open.
var ErrSheetName = errors.New("xlsxwrite: a sheet name must be 1–31 characters without : \\ / ? * [ ] and unique")

// AddSheet ends the sheet being written and starts s; rows go to it from
// row 1.
func (w *Writer) AddSheet(s Sheet) error {
	if w.err != nil {
		return w.err
	}
	if !validName(s.Name) {
		return ErrSheetName
	}
	for _, o := range w.sheets {
		if strings.EqualFold(o.Name, s.Name) {
			return ErrSheetName
		}
	}
	w.endSheet()
	part, err := w.zw.Create("xl/worksheets/sheet" + strconv.Itoa(len(w.sheets)+1) + ".xml")
	if err != nil {
		return w.fail(err)
	}
	w.sheets = append(w.sheets, s)
	w.row = 0
	if w.out == nil {
		w.out = bufio.NewWriterSize(part, 32<<10)
	} else {
		w.out.Reset(part)
	}
	b := w.out
	b.WriteString(xml.Header)
	b.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`)
	// The children of a worksheet go in the schema's order: Excel refuses
	// a file whose elements are out of it.
	if s.Print.FitToWidth {
		b.WriteString(`<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>`)
	}
	b.WriteString(`<sheetViews><sheetView workbookViewId="0"`)
	if len(w.sheets) == 1 {
		b.WriteString(` tabSelected="1"`)
	}
	b.WriteString(`>`)
	if s.FreezeHeader {
		b.WriteString(`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/>`)
	}
	b.WriteString(`</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>`)
	if hasWidths(s.Widths) {
		b.WriteString(`<cols>`)
		for i, wd := range s.Widths {
			if wd <= 0 {
				continue
			}
			col := strconv.Itoa(i + 1)
			b.WriteString(`<col min="` + col + `" max="` + col + `" width="` + strconv.FormatFloat(wd, 'f', -1, 64) + `" customWidth="1"/>`)
		}
		b.WriteString(`</cols>`)
	}
	b.WriteString(`<sheetData>`)
	return nil
}

// Row appends a row to the current sheet; empty cells keep their column.
func (w *Writer) Row(cells []Cell) error {
	if w.err != nil {
		return w.err
	}
	if w.out == nil {
		return w.fail(errors.New("xlsxwrite: a row before any sheet"))
	}
	if len(cells) > maxColumns {
		return w.fail(errors.New("xlsxwrite: more columns than Excel has"))
	}
	w.row++
	if w.row > maxRows {
		return w.fail(errors.New("xlsxwrite: more rows than Excel has"))
	}
	b := w.out
	opened := false
	for c, cell := range cells {
		if cell.Value == nil {
			continue
		}
		if !opened {
			b.WriteString(`<row r="`)
			b.Write(strconv.AppendInt(w.num[:0], int64(w.row), 10))
			b.WriteString(`">`)
			opened = true
		}
		w.cell(c, cell)
	}
	if opened {
		b.WriteString(`</row>`)
	}
	return nil
}

// cell writes one <c>: numbers and dates as values, text inline.
func (w *Writer) cell(col int, cell Cell) {
	b := w.out
	b.WriteString(`<c r="`)
	w.num = appendColumn(w.num[:0], col)
	w.num = strconv.AppendInt(w.num, int64(w.row), 10)
	b.Write(w.num)
	b.WriteByte('"')
	if cell.Style != Plain {
		b.WriteString(` s="`)
		b.WriteByte('0' + byte(cell.Style))
		b.WriteByte('"')
	}
	num := w.num[:0]
	switch v := cell.Value.(type) {
	case string:
		w.text(v)
		return
	case bool:
		b.WriteString(` t="b"><v>`)
		if v {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
		b.WriteString(`</v></c>`)
		return
	case time.Time:
		num = strconv.AppendFloat(num, serial(v), 'f', -1, 64)
	default:
		// Numbers of any kind, named types included (a count, minutes).
		switch rv := reflect.ValueOf(v); {
		case rv.CanInt():
			num = strconv.AppendInt(num, rv.Int(), 10)
		case rv.CanUint():
			num = strconv.AppendUint(num, rv.Uint(), 10)
		case rv.CanFloat() && finite(rv.Float()):
			num = strconv.AppendFloat(num, rv.Float(), 'g', -1, rv.Type().Bits())
		default: // NaN and ±Inf, which Excel has no number for, as text too
			w.text(fmt.Sprint(v)) // a Stringer by its String
			return
		}
	}
	b.WriteString(`><v>`)
	b.Write(num)
	b.WriteString(`</v></c>`)
	w.num = num
}

// text writes an inline string, clipped to what a cell holds.
func (w *Writer) text(s string) {
	b := w.out
	b.WriteString(` t="inlineStr"><is><t`)
	if s != strings.TrimSpace(s) {
		b.WriteString(` xml:space="preserve"`)
	}
	b.WriteByte('>')
	escape(b, clip(s))
	b.WriteString(`</t></is></c>`)
}

func (w *Writer) endSheet() {
	if w.out == nil || len(w.sheets) == 0 {
		return
	}
	s := w.sheets[len(w.sheets)-1]
	b := w.out
	b.WriteString(`</sheetData>`)
	if s.Print != (Print{}) {
		b.WriteString(`<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>`)
		b.WriteString(`<pageSetup`)
		if s.Print.A4Landscape {
			b.WriteString(` paperSize="9" orientation="landscape"`)
		}
		if s.Print.FitToWidth {
			b.WriteString(` fitToWidth="1" fitToHeight="0"`)
		}
		b.WriteString(`/>`)
		if s.Print.Header != "" || s.Print.Footer != "" {
			b.WriteString(`<headerFooter>`)
			element(b, "oddHeader", s.Print.Header)
			element(b, "oddFooter", s.Print.Footer)
			b.WriteString(`</headerFooter>`)
		}
	}
	b.WriteString(`</worksheet>`)
	if err := b.Flush(); err != nil {
		w.fail(err)
	}
}

// Close ends the last sheet and writes the workbook's other parts.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if len(w.sheets) == 0 {
		return w.fail(errors.New("xlsxwrite: a workbook needs a sheet"))
	}
	w.endSheet()
	if w.err != nil {
		return w.err
	}
	var workbook, rels, types strings.Builder
	workbook.WriteString(xml.Header + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView activeTab="0"/></bookViews><sheets>`)
	rels.WriteString(xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	types.WriteString(xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	var titles strings.Builder
	for i, s := range w.sheets {
		n := strconv.Itoa(i + 1)
		workbook.WriteString(`<sheet name="`)
		escape(&workbook, s.Name)
		workbook.WriteString(`" sheetId="` + n + `" r:id="rId` + n + `"/>`)
		rels.WriteString(`<Relationship Id="rId` + n + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet` + n + `.xml"/>`)
		types.WriteString(`<Override PartName="/xl/worksheets/sheet` + n + `.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`)
		if s.FreezeHeader {
			titles.WriteString(`<definedName name="_xlnm.Print_Titles" localSheetId="` + strconv.Itoa(i) + `">`)
			escape(&titles, "'"+strings.ReplaceAll(s.Name, "'", "''")+"'!$1:$1")
			titles.WriteString(`</definedName>`)
		}
	}
	workbook.WriteString(`</sheets>`)
	if titles.Len() > 0 {
		workbook.WriteString(`<definedNames>` + titles.String() + `</definedNames>`)
	}
	workbook.WriteString(`</workbook>`)
	n := strconv.Itoa(len(w.sheets) + 1)
	rels.WriteString(`<Relationship Id="rId` + n + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`)
	types.WriteString(`</Types>`)
	for _, part := range []struct{ name, body string }{
		{"[Content_Types].xml", types.String()},
		{"_rels/.rels", xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", workbook.String()},
		{"xl/_rels/workbook.xml.rels", rels.String()},
		{"xl/styles.xml", stylesXML},
	} {
		f, err := w.zw.Create(part.name)
		if err == nil {
			_, err = io.WriteString(f, part.body)
		}
		if err != nil {
			return w.fail(err)
		}
	}
	if err := w.zw.Close(); err != nil {
		return w.fail(err)
	}
	w.err = errors.New("xlsxwrite: the workbook is closed")
	return nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// stylesXML holds the styles in Style's order (cellXfs index = Style).
// The first two fills are required by Excel as they are.
const stylesXML = xml.Header + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
	`<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="4">` +
	`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>` +
	`</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`

func element(b *bufio.Writer, name, text string) {
	if text == "" {
		return
	}
	b.WriteString("<" + name + ">")
	escape(b, text)
	b.WriteString("</" + name + ">")
}

// appendColumn appends the letters of a 0-based column: 0 A, 25 Z, 26 AA.
func appendColumn(dst []byte, col int) []byte {
	var letters [3]byte
	i := len(letters)
	for col++; col > 0; col = (col - 1) / 26 {
		i--
		letters[i] = byte('A' + (col-1)%26)
	}
	return append(dst, letters[i:]...)
}

// excelEpoch is day 0 of Excel's 1900 date system as it counts after
// 1900-03-01 (its phantom 1900-02-29 makes the real epoch 12-30).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serial is t's wall-clock date and time as Excel's serial number (Excel
// has no zones: 2026-11-25 08:00 in Shanghai is 2026-11-25 08:00).
func serial(t time.Time) float64 {
	y, m, d := t.Date()
	wall := time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	if wall.Before(excelEpoch) {
		return 0
	}
	ms := wall.Sub(excelEpoch).Milliseconds() // Excel keeps the millisecond
	return float64(ms) / 86400e3
}

// escape writes s as XML text (or a quoted attribute's value). Characters
// XML cannot carry (control characters but tab and line breaks, a broken
// UTF-8 byte) are dropped: they are invisible in a cell anyway.
func escape(b io.StringWriter, s string) {
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var rep string
		switch {
		case r == '&':
			rep = "&amp;"
		case r == '<':
			rep = "&lt;"
		case r == '>':
			rep = "&gt;"
		case r == '"':
			rep = "&quot;"
		case r == '\r':
			rep = "&#xD;" // a bare CR would be read back as a line feed
		case r == '\t' || r == '\n':
		case r < 0x20, r == utf8.RuneError && size == 1, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			rep = ""
		default:
			i += size
			continue
		}
		if r != '\t' && r != '\n' {
			b.WriteString(s[start:i])
			b.WriteString(rep)
			start = i + size
		}
		i += size
	}
	b.WriteString(s[start:])
}

func clip(s string) string {
	if len(s) <= maxCellChars { // bytes ≥ UTF-16 units
		return s
	}
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > maxCellChars {
			return s[:i]
		}
	}
	return s
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func hasWidths(ws []float64) bool {
	for _, w := range ws {
		if w > 0 {
			return true
		}
	}
	return false
}

func validName(name string) bool {
	n := utf8.RuneCountInString(name)
	if n == 0 || n > maxNameChars || strings.ContainsAny(name, `:\/?*[]`) ||
		strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'") {
		return false
	}
	return true
}
