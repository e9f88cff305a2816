package excel

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/thedatashed/xlsxreader"
	"golang.org/x/text/encoding/simplifiedchinese"

	"bangfu/commands/excel/xlsxwrite"
)

// ReadTable reads the rows of a register: the first sheet of an .xlsx (or
// the one named 名单), or a CSV in UTF-8 (with or without BOM) or in GBK as
// saved by Chinese Excel. Its errors are worded for the user.
func ReadTable(name string, data []byte) ([][]string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return readXLSX(data)
	case ".csv", ".txt":
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		if !utf8.Valid(data) {
			decoded, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
			if err != nil || !utf8.Valid(decoded) {
				return nil, errors.New(unknownEncoding())
			}
			data = decoded
		}
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		rows, err := r.ReadAll()
		if err != nil {
			return nil, errors.New(badCSV(err))
		}
		return rows, nil
	}
	return nil, errors.New(unsupportedFile())
}

// IsTemplateExample tells the template's example row, as a spreadsheet
// gives it back, from a student: it is never imported.
func IsTemplateExample(cells []string) bool {
	want := templateExample()
	if len(cells) < len(want) {
		return false
	}
	for i, v := range want {
		if strings.TrimSpace(cells[i]) != fmt.Sprint(v) {
			return false
		}
	}
	for _, c := range cells[len(want):] {
		if strings.TrimSpace(c) != "" && strings.TrimSpace(c) != templateHint() {
			return false
		}
	}
	return true
}

// Template is an empty register with the header and one example row.
func Template() ([]byte, error) {
	var buf bytes.Buffer
	w := xlsxwrite.New(&buf)
	if err := w.AddSheet(xlsxwrite.Sheet{Name: registerSheet, Widths: []float64{14, 14, 30, 14, 14, 14}, FreezeHeader: true}); err != nil {
		return nil, err
	}
	var head, example []xlsxwrite.Cell
	for _, v := range templateHeader() {
		head = append(head, xlsxwrite.Cell{Value: v, Style: xlsxwrite.Header})
	}
	head = append(head, xlsxwrite.Cell{}, xlsxwrite.Cell{Value: templateHint()}) // the hint in H1, beside the table
	for _, v := range templateExample() {
		example = append(example, xlsxwrite.Cell{Value: v})
	}
	if err := w.Row(head); err != nil {
		return nil, err
	}
	if err := w.Row(example); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// readXLSX reads the register's sheet (名单, or else the first) as rows of
// text, each cell in its column: a row's trailing empty cells are left
// off, an empty row is kept as none.
func readXLSX(data []byte) ([][]string, error) {
	f, err := xlsxreader.NewReader(data)
	if err != nil || len(f.Sheets) == 0 {
		return nil, errors.New(notXLSX())
	}
	sheet := f.Sheets[0]
	if slices.Contains(f.Sheets, registerSheet) {
		sheet = registerSheet
	}
	var rows [][]string
	var failure error
	next := 1 // a row or cell may leave out its place; it is then the next one
	// The rows come from the reader's goroutine, which ends only with the
	// sheet: after a failure the rest is drained, not left waiting.
	for row := range f.ReadRows(sheet) {
		if failure != nil {
			continue
		}
		if row.Error != nil {
			failure = errors.New(notXLSX())
			continue
		}
		at := max(row.Index, next)
		if at > maxTableRows {
			failure = errors.New(tooManyRows())
			continue
		}
		for len(rows) < at-1 {
			rows = append(rows, nil)
		}
		var cells []string
		for _, c := range row.Cells {
			col := max(c.ColumnIndex(), len(cells))
			if col >= maxTableColumns {
				break
			}
			for len(cells) < col {
				cells = append(cells, "")
			}
			cells = append(cells, c.Value)
		}
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		rows = append(rows, cells)
		next = at + 1
	}
	if failure != nil {
		return nil, failure
	}
	return rows, nil
}
