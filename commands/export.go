package commands

import (
	"strings"
	"time"

	"bangfu/bot"
	"bangfu/commands/cadence"
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
	a, err := h.Archive(classID, now)
	if err != nil {
		return nil, "", err
	}
	return excel.Workbook(h.Cal, h.School, a, now)
}

// Archive reads what the workbook holds: the records, and where the school
// has a rhythm, each rule's standing for each student.
func (h *Handler) Archive(classID uint64, now time.Time) (report.Archive, error) {
	a, err := report.BuildArchive(h.Store, h.Cal, classID, now)
	if err != nil || len(h.Cadences) == 0 {
		return a, err
	}
	people, err := h.Store.People()
	if err != nil {
		return a, err
	}
	a.Rhythm = cadence.Status(h.Cal, now, h.Cadences, a.Students, cadence.Records{Sessions: a.Sessions, Contacts: a.Contacts}, cadence.Heads(people))
	for _, it := range a.Rhythm {
		if _, ok := a.Names[it.Owner]; !ok {
			if a.Names == nil {
				a.Names = report.Names{}
			}
			a.Names[it.Owner] = h.personName(it.Owner)
		}
	}
	return a, nil
}

func (h *Handler) export(r *req) (string, error) {
	classID, err := h.classScope(r, exportNotYourClass())
	if err != nil {
		return "", err
	}
	data, name, err := h.Export(r.meta, classID, r.now)
	if err != nil {
		return "", err
	}
	r.wrote() // its audit entry marked the message and journaled the reply
	r.extra = append(r.extra, bot.Outgoing{Platform: r.msg.Platform, Chat: r.msg.Chat, Text: exportFileCaption(name),
		File: &bot.File{Name: name, Data: data}})
	return exportSending(strings.TrimSuffix(name, ".xlsx")), nil
}
