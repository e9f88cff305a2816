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
	asOf := r.now
	if rest, ok := withoutLastTerm(r.args); ok {
		last, ok := h.lastTerm(r.now)
		if !ok {
			return "", refuse(exportNoLastTerm())
		}
		asOf, r.args = termLastMoment(last), newArgs(rest)
	}
	classID, err := h.classScope(r, exportNotYourClass())
	if err != nil {
		return "", err
	}
	data, name, err := h.Export(r.meta, classID, asOf)
	if err != nil {
		return "", err
	}
	r.wrote() // its audit entry marked the message and journaled the reply
	r.extra = append(r.extra, bot.Outgoing{Platform: r.msg.Platform, Chat: r.msg.Chat, Text: exportFileCaption(name),
		File: &bot.File{Name: name, Data: data}})
	return exportSending(strings.TrimSuffix(name, ".xlsx")), nil
}

// withoutLastTerm takes 上学期 out of an /export line.
func withoutLastTerm(a args) (string, bool) {
	var kept []string
	found := false
	for i := 0; i < a.len(); i++ {
		switch a.at(i) {
		case "上学期", "上个学期", "上一学期":
			found = true
		default:
			kept = append(kept, a.at(i))
		}
	}
	return strings.Join(kept, " "), found
}

// lastTerm is the term an archive of 上学期 is of: in the break after a
// term, that term; during a term, the one before it.
func (h *Handler) lastTerm(now time.Time) (storage.Term, bool) {
	cur := h.Cal.TermAt(now)
	if h.Cal.Day(now).After(cur.End) {
		return cur, true
	}
	terms := h.Cal.Terms()
	for i, t := range terms {
		if t.Start.Equal(cur.Start) && i > 0 {
			return terms[i-1], true
		}
	}
	return storage.Term{}, false
}

// LastTermMoment is the moment an archive of 上学期 is taken as of (the
// last second of the last term), for the command line's export.
func (h *Handler) LastTermMoment(now time.Time) (time.Time, bool) {
	t, ok := h.lastTerm(now)
	return termLastMoment(t), ok
}

// termLastMoment is the last second of a term's last day: an archive as of
// then holds the whole term.
func termLastMoment(t storage.Term) time.Time { return t.End.AddDate(0, 0, 1).Add(-time.Second) }
