package main

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"time"

	"bangfu/bot/wecom"
	"bangfu/commands"
	"bangfu/commands/excel"
	"bangfu/commands/report"
	"bangfu/reminders"
	"bangfu/storage"
)

// request is one admin operation, asked on the command line or, while a bot
// holds the database, over its control socket (one JSON line each way).
type request struct {
	Op    string    `json:"op"`              // backup, invite, import, export, preview
	File  string    `json:"file,omitempty"`  // backup, import, export; absolute over the socket
	Class string    `json:"class,omitempty"` // export one class; invite a class's teacher
	Kind  string    `json:"kind,omitempty"`  // invite: admin or teacher
	Head  bool      `json:"head,omitempty"`  // invite the class's head teacher
	At    time.Time `json:"at,omitempty"`    // preview
	All   bool      `json:"all,omitempty"`   // preview every run, not only those at At
	// LastTerm exports the last term's archive (上学期), not this term's.
	LastTerm bool `json:"last_term,omitempty"`
}

// response is its outcome: Text for the person who asked.
type response struct {
	OK   bool   `json:"ok"`
	Text string `json:"text"`
}

func done(text string) response    { return response{OK: true, Text: text} }
func refused(text string) response { return response{Text: text} }

// ops performs admin operations on an open store through the same services
// the chat commands use.
type ops struct {
	cfg      Config
	st       opened
	h        *commands.Handler
	log      *slog.Logger
	now      func() time.Time
	progress func(done, total int) // told how far an import is; nil: quiet
}

func newOps(cfg Config, st opened, log *slog.Logger) *ops {
	return &ops{cfg: cfg, st: st, h: newHandler(cfg, st, log), log: log, now: time.Now}
}

func (o *ops) do(req request) response {
	switch req.Op {
	case "backup":
		return o.backup(req.File)
	case "preview":
		return o.preview(req.At, req.All)
	case "import":
		return o.importRegister(req.File)
	case "export":
		return o.export(req.File, req.Class, req.LastTerm)
	case "invite":
		return o.invite(req.Kind, req.Class, req.Head)
	case "wecom-parents":
		return o.wecomParents()
	case "check":
		if o.st.file == nil {
			return refused(notAFile("check"))
		}
		if err := o.st.file.Check(); err != nil {
			return refused(strings.TrimPrefix(openFailed(o.st.file.Path(), err), "bangfu: "))
		}
		return done(checkPassed(o.st.file.Path()))
	}
	return refused(unknownOperation())
}

func (o *ops) backup(path string) response {
	if o.st.file == nil {
		return refused(notAFile("backup"))
	}
	n, err := o.st.file.Backup(path)
	if err != nil {
		return refused(backupFailed(err))
	}
	// A backup holds every student's file: erasing one later names it.
	if err := o.st.AuditRead(storage.Meta{Where: "cli", At: o.now()}, "backup", path); err != nil {
		o.log.Error("auditing a backup failed", "err", err)
	}
	return done(backedUp(path, n))
}

func (o *ops) preview(at time.Time, all bool) response {
	sc, err := reminders.New(o.st, o.cfg.Calendar, o.cfg.School.Name, reminderConfig(o.cfg), o.log)
	if err != nil {
		return refused(err.Error())
	}
	runs, err := sc.Preview(at)
	if err != nil {
		return refused(previewFailed(err))
	}
	loc := o.cfg.Calendar.Loc
	return done(previewHeading(at.In(loc), o.cfg.School.Timezone) + reminders.FormatPreview(runs, loc, at, all))
}

func (o *ops) importRegister(path string) response {
	data, err := os.ReadFile(path)
	if err != nil {
		return refused(cannotRead(path))
	}
	rows, err := excel.ReadTable(path, data)
	if err != nil {
		return refused(err.Error())
	}
	m, err := o.h.CLIMeta()
	if err != nil {
		return refused(err.Error())
	}
	rep, err := o.h.Import(rows, m, o.progress)
	if err != nil {
		return refused(err.Error())
	}
	return done(imported(rep.Added, rep.Updated, rep.Unchanged, rep.Warnings))
}

func (o *ops) export(path, class string, lastTerm bool) response {
	asOf := o.now()
	if lastTerm {
		at, ok := o.h.LastTermMoment(asOf)
		if !ok {
			return refused(noLastTerm())
		}
		asOf = at
	}
	var classID uint64
	if class != "" {
		c, ok, err := o.h.ClassNamed(class, false)
		if err != nil || !ok {
			return refused(noSuchClass(class))
		}
		classID = c.ID
	}
	m, err := o.h.CLIMeta()
	if err != nil {
		return refused(exportFailed(err))
	}
	data, _, err := o.h.Export(m, classID, asOf)
	if err != nil {
		return refused(exportFailed(err))
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return refused(cannotWrite(err))
	}
	return done(exported(path, len(data)))
}

func (o *ops) invite(kind, class string, head bool) response {
	inv := storage.Invite{Kind: kind, HeadTeacher: head}
	who := inviteeAdmin()
	if kind == storage.InviteTeacher {
		className := ""
		if class != "" {
			c, ok, err := o.h.ClassNamed(class, true)
			if err != nil || !ok {
				return refused(noSuchClass(class))
			}
			inv.ClassID, className = c.ID, report.ClassName(c)
		}
		if head && inv.ClassID == 0 {
			return refused(headNeedsClass())
		}
		who = report.TeacherRole(className, head)
	} else if kind != storage.InviteAdmin {
		return refused(usageOf("invite"))
	}
	m, err := o.h.CLIMeta()
	if err != nil {
		return refused(err.Error())
	}
	var heads []string
	if head {
		if heads, err = o.h.HeadTeachers(inv.ClassID); err != nil {
			return refused(err.Error())
		}
	}
	inv, err = o.h.InviteStaff(m, inv)
	if err != nil {
		return refused(err.Error())
	}
	if len(heads) > 0 {
		return done(headHandsOver(who, strings.Join(heads, "、")) + "\n" + inviteIssued(who, inv.Code))
	}
	return done(inviteIssued(who, inv.Code))
}

// wecomParents binds the parents of the 家校通讯录 (read with the school's
// 自建应用) to the students on the register; they then receive their
// child's messages as 学校通知 in WeChat.
func (o *ops) wecomParents() response {
	app := o.cfg.Wecom.App
	if !o.cfg.Wecom.Enabled || app.CorpID == "" {
		return refused(wecomAppNeeded())
	}
	client := wecom.NewApp(wecom.AppConfig{CorpID: app.CorpID, AgentID: app.AgentID, Secret: app.Secret, APIURL: app.APIURL, Log: o.log,
		OnStatus: func(text string) { o.log.Warn(text) }})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir, err := client.Directory(ctx)
	if err != nil {
		return refused(directoryFailed(err))
	}
	var rows []commands.DirectoryStudent
	for _, s := range dir {
		row := commands.DirectoryStudent{Class: s.Class, Name: s.Name}
		for _, p := range s.Parents {
			row.Parents = append(row.Parents, commands.DirectoryParent{UserID: p.UserID, ChatID: wecom.ParentChatID(p.UserID), Relation: p.Relation, Reachable: p.Subscribed})
		}
		rows = append(rows, row)
	}
	m, err := o.h.CLIMeta()
	if err != nil {
		return refused(err.Error())
	}
	rep, err := o.h.LinkDirectoryParents(m, wecom.PlatformName, rows)
	if err != nil {
		return refused(err.Error())
	}
	return done(directoryLinked(len(dir), rep))
}
