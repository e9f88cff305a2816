package excel

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// ReadTable reads the rows of a register: the first sheet of an .xlsx (or
// the one named 名单), or a CSV in UTF-8 (with or without BOM) or in GBK as
// saved by Chinese Excel. Its errors are worded for the user.
func ReadTable(name string, data []byte) ([][]string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return nil, errors.New(notXLSX())
		}
		defer f.Close()
		sheet := f.GetSheetName(0)
		for _, s := range f.GetSheetList() {
			if s == registerSheet {
				sheet = s
			}
		}
		return f.GetRows(sheet)
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
	f := excelize.NewFile()
	defer f.Close()
	const s = registerSheet
	if err := f.SetSheetName("Sheet1", s); err != nil {
		return nil, err
	}
	head := templateHeader()
	if err := f.SetSheetRow(s, "A1", &head); err != nil {
		return nil, err
	}
	example := templateExample()
	if err := f.SetSheetRow(s, "A2", &example); err != nil {
		return nil, err
	}
	style, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return nil, err
	}
	f.SetCellStyle(s, "A1", "F1", style)
	f.SetColWidth(s, "A", "F", 14)
	f.SetColWidth(s, "C", "C", 30)
	f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	f.SetCellValue(s, "H1", templateHint())
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
