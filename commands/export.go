package commands

import (
	"fmt"
	"strings"
	"time"

	"bangfu/bot"
	"bangfu/commands/excel"
	"bangfu/commands/report"
	"bangfu/storage"
)

// Export builds the archive (see Workbook) and audits it as read by m's
// actor, in one step for chat and command line alike.
func (h *Handler) Export(m storage.Meta, classID uint64, now time.Time) ([]byte, string, error) {
	data, name, err := h.Workbook(classID, now)
	if err != nil {
		return nil, "", err
	}
	if err := h.Store.AuditRead(m, "export", name); err != nil {
		return nil, "", err
	}
	return data, name, nil
}

// Workbook builds the support archive (辅导学生名单 and every record) of one
// class, or of the whole school when classID is 0, as .xlsx bytes, with the
// file name to give it.
func (h *Handler) Workbook(classID uint64, now time.Time) ([]byte, string, error) {
	a, err := report.BuildArchive(h.Store, h.Cal, classID, now)
	if err != nil {
		return nil, "", err
	}
	return excel.Workbook(h.Cal, h.School, a, now)
}

func (h *Handler) export(r *req) (string, error) {
	classID, err := h.classScope(r, "你只能导出自己班的档案。")
	if err != nil {
		return "", err
	}
	data, name, err := h.Export(r.meta, classID, r.now)
	if err != nil {
		return "", err
	}
	r.meta.MsgKey = "" // marked by the export's audit entry
	r.extra = append(r.extra, bot.Outgoing{Platform: r.msg.Platform, Chat: r.msg.Chat, Text: name + "（含学生隐私，请妥善保管，不要转发到群里）",
		File: &bot.File{Name: name, Data: data}})
	return fmt.Sprintf("正在发送%s：名单、辅导记录、家校沟通、成长记录、学期评语、统计，共6张表，可以直接打印归档。", strings.TrimSuffix(name, ".xlsx")), nil
}
