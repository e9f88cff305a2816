package commands

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"bangfu/bot"
	"bangfu/commands/report"
	"bangfu/storage"
)

// A command goes through small steps, each with one job, in the style of
// middleware (telebot, go-telegram/bot): render ∘ identify ∘ locate ∘
// authorise ∘ dedupe ∘ act. Each step may answer at once or hand on.

// req is one command being handled.
type req struct {
	ctx     context.Context
	msg     bot.Message
	me      storage.Person
	group   *storage.Group // nil in a private chat or an unregistered group
	private bool
	spec    *spec
	args    args
	meta    storage.Meta
	now     time.Time
	extra   []bot.Outgoing // messages to other chats
	marked  bool           // the message was marked processed, with its journaled reply, by this command
	example string         // the example a bad input is answered with, when not the command's own
	called  string         // the command as the sender wrote it (计划 结束), when a Chinese alias
	// named remembers the students each name read in this message named:
	// a line's first word is looked up by several readers (is it a name,
	// moved, left out, glued, resolved), once.
	named map[string][]storage.Student
}

// command is the command as its refusals name it: as the sender wrote it.
func (r *req) command() string {
	if r.called != "" {
		return r.called
	}
	return r.spec.name
}

// result is what a step decided: a reply, an error to word, or silence.
type result struct {
	text   string
	err    error
	silent bool // a redelivered message: it was answered the first time
}

// maxMessageRunes caps a command's text: the longest field (a contact's
// content) is 500 characters, so a longer message is a paste gone wrong, and
// it is answered before any parsing.
const maxMessageRunes = 2000

type stage func(r *req) result

type middleware func(next stage) stage

// chain wraps the last stage in the middlewares, the first outermost.
func chain(mws ...middleware) middleware {
	return func(last stage) stage {
		for i := len(mws) - 1; i >= 0; i-- {
			last = mws[i](last)
		}
		return last
	}
}

// Handle parses one message, runs it through the pipeline and returns the
// messages to send: the reply first, then any to other chats.
func (h *Handler) Handle(ctx context.Context, m bot.Message) []bot.Outgoing {
	if m.Recalls != "" {
		return h.recalled(m)
	}
	if cmds := commandsIn(m.Text); len(cmds) > 1 {
		return h.handleEach(ctx, m, cmds)
	}
	line, ok := splitCommand(Normalize(m.Text))
	if !ok {
		return h.plainMessage(ctx, m) // plain chat: quiet in groups, relayed from parents, one helpful line to strangers
	}
	if line.botName != "" && !h.isMe(line.botName) {
		return nil // addressed to another bot
	}
	if n := utf8.RuneCountInString(line.rest); n > maxMessageRunes {
		return h.markedReply(m, []bot.Outgoing{bot.Reply(m, messageTooLong(n, maxMessageRunes))})
	}
	if h.County != nil && countyWords[strings.ToLower(line.word)] {
		// The county reads aggregates only; nothing is stored but the
		// audit of each school's read, so there is nothing to dedupe.
		if m.Chat.Kind == bot.Private && h.County.IsAdmin(m) {
			// Known by its private chat, the county's admin can be sent
			// the county digest through this school's bot.
			if _, err := h.Store.EnsurePerson(m.Platform, m.Sender.ID, privateChatOf(m), m.Sender.Name); err != nil {
				h.Log.Error("registering the county's admin failed", "err", err)
			}
		}
		return []bot.Outgoing{bot.Reply(m, h.County.Answer(ctx, m, line.rest))}
	}
	sp, rest := h.lookup(line.word, line.rest)
	if sp == nil {
		return h.markedReply(m, []bot.Outgoing{bot.Reply(m, unknownCommand(clip(line.word, 12)))})
	}
	return h.runAs(ctx, m, sp, rest, calledAs(sp, line.word, line.rest))
}

// maxCommandsAMessage caps the commands pasted into one message.
const maxCommandsAMessage = 30

// commandsIn splits a message into its commands when it holds several, one
// a line (a teacher pasting the day's records: "/log 张三 …" and "/log 李四
// …" on two lines); a line that does not start a command belongs to the one
// above it (/计划 张三 with its items below). A message that does not start
// with a command is chat, whatever its later lines hold: the bot stays quiet
// in groups about a line that happens to start with a slash.
func commandsIn(text string) []string {
	if !strings.Contains(text, "\n") { // one line, as nearly every message: read once, by Handle
		return []string{text}
	}
	var cmds []string
	for _, line := range strings.Split(text, "\n") {
		_, ok := splitCommand(strings.TrimSpace(Normalize(line)))
		switch {
		case len(cmds) == 0:
			if !ok {
				return []string{text}
			}
			cmds = append(cmds, line)
		case ok:
			cmds = append(cmds, line)
		default:
			cmds[len(cmds)-1] += "\n" + line
		}
	}
	return cmds
}

// handleEach runs each command of a message as a message of its own: each
// is stored, deduplicated and answered apart, under the message's id and
// its place (1234/2). The message itself is marked processed once all have
// run, so a redelivery after a crash between them runs those not yet done.
func (h *Handler) handleEach(ctx context.Context, m bot.Message, cmds []string) []bot.Outgoing {
	if len(cmds) > maxCommandsAMessage {
		return h.markedReply(m, []bot.Outgoing{bot.Reply(m, tooManyCommands(len(cmds), maxCommandsAMessage))})
	}
	var outs []bot.Outgoing
	for i, text := range cmds {
		one := m
		one.Text = text
		if i > 0 {
			one.Quote = "" // a quote-reply's quote answers the first line
		}
		if m.ID != "" {
			one.ID = m.ID + "/" + strconv.Itoa(i+1)
			if done, err := h.Store.Processed(one.Key()); err == nil && done {
				continue
			}
		}
		outs = append(outs, h.Handle(ctx, one)...)
	}
	if m.ID != "" {
		if err := h.Store.MarkProcessed(storage.Meta{MsgKey: m.Key(), At: h.Now()}); err != nil && !errors.Is(err, storage.ErrDuplicate) {
			h.Log.Error("marking a message processed failed", "err", err)
		}
	}
	return outs
}

// calledAs is the Chinese alias of sp the sender used (计划, or 计划 结束
// for a sub-command), "" for its English name or a glued form.
func calledAs(sp *spec, word, rest string) string {
	first := ""
	if toks := tokenize(rest); len(toks) > 0 {
		first = toks[0].text
	}
	for _, a := range sp.aliases {
		if a == word || a == word+" "+first {
			if a[0] < 0x80 {
				return ""
			}
			return a
		}
	}
	return ""
}

// run takes a message through the pipeline as the command sp with its
// arguments, and returns what to send.
func (h *Handler) run(ctx context.Context, m bot.Message, sp *spec, rest string) []bot.Outgoing {
	return h.runAs(ctx, m, sp, rest, "")
}

// runAs is run for a command the sender wrote as called ("": its name).
func (h *Handler) runAs(ctx context.Context, m bot.Message, sp *spec, rest, called string) []bot.Outgoing {
	r := &req{ctx: ctx, msg: m, private: m.Chat.Kind == bot.Private, spec: sp, args: newArgs(rest), now: h.Now(), called: called}
	h.joinSpacedName(r) // /status 张 三: whichever command names a student first
	res := h.pipeline(r)
	if res.silent {
		return nil
	}
	outs := r.extra
	if res.text != "" {
		outs = append([]bot.Outgoing{bot.Reply(m, res.text)}, outs...)
	}
	if j := r.meta.Reply; j != nil && j.ID != 0 && r.marked {
		// The stand-in journaled with the record now carries the real reply.
		if res.text != "" {
			outs[0].ReplyID = j.ID
		} else if err := h.Store.ReplySending(j.ID); err != nil { // no reply: it must not go after a restart
			h.Log.Error("closing a journaled reply failed", "err", err)
		}
	}
	return outs
}

// render words what went wrong: a refusal or a storage error with a code as
// the user should read it, anything else as one generic line (details to
// the log, never to the chat).
func (h *Handler) render(next stage) stage {
	return func(r *req) result {
		res := next(r)
		switch {
		case res.err == nil:
			return res
		case errors.Is(res.err, storage.ErrDuplicate):
			return result{silent: true}
		}
		if text, ok := h.userText(res.err); ok {
			return result{text: text}
		}
		h.Log.Error("command failed", "command", r.spec.name, "msg", r.msg.Key(), "err", res.err)
		return result{text: genericFailure()}
	}
}

// identify finds (or registers) the sender; someone the platform had marked
// unreachable has just written, so can be written to again.
func (h *Handler) identify(next stage) stage {
	return func(r *req) result {
		m := r.msg
		me, err := h.Store.EnsurePerson(m.Platform, m.Sender.ID, privateChatOf(m), m.Sender.Name)
		if err != nil {
			h.Log.Error("looking up the sender failed", "err", err)
			return result{text: genericFailure()}
		}
		if me.Unreachable {
			if p, err := h.Store.UpdatePerson(storage.Meta{ActorID: me.ID, Where: where(m), At: r.now}, me.ID, "person.reachable", func(p *storage.Person) error {
				p.Unreachable = false
				return nil
			}); err == nil {
				me = p
			}
		}
		r.me = me
		r.meta = storage.Meta{MsgKey: m.Key(), ActorID: me.ID, Where: where(m), At: r.now}
		if m.ID == "" {
			r.meta.MsgKey = ""
		} else if !h.noReplyJournal {
			// Journaled with the message's mark, in the same transaction: if
			// the bot dies before the reply goes, this stand-in goes after.
			r.meta.Reply = &storage.Queued{Platform: m.Platform, ChatID: m.Chat.ID, ChatTitle: m.Chat.Title, Thread: m.Chat.Thread,
				Private: m.Chat.Kind == bot.Private, PersonID: me.ID, Text: replyLostInRestart(clip(m.Text, 40)), NotBefore: r.now}
		}
		return next(r)
	}
}

// locate finds the registered group a message was said in.
func (h *Handler) locate(next stage) stage {
	return func(r *req) result {
		if r.private {
			return next(r)
		}
		g, ok, err := h.Store.Group(r.msg.Platform, r.msg.Chat.ID)
		if err != nil {
			h.Log.Error("looking up the group failed", "err", err)
			return result{text: genericFailure()}
		}
		if ok {
			r.group = &g
		}
		return next(r)
	}
}

// authorise refuses a command this person may not use, or may not use here.
func (h *Handler) authorise(next stage) stage {
	return func(r *req) result {
		if msg := h.refusal(r, r.group != nil); msg != "" {
			if h.markedReply(r.msg, []bot.Outgoing{{}}) == nil {
				return result{silent: true}
			}
			return result{text: msg}
		}
		return next(r)
	}
}

// dedupe marks the message processed when its action did not: a write marks
// it in its own transaction, a read in its audit entry; a refused input is
// marked here, so a redelivery gets no second answer. An unexpected error
// leaves it unmarked, so a redelivery tries again.
func (h *Handler) dedupe(next stage) stage {
	return func(r *req) result {
		res := next(r)
		if r.meta.MsgKey == "" || errors.Is(res.err, storage.ErrDuplicate) {
			return res
		}
		if res.err == nil {
			if r.spec.writes {
				r.marked = true // by the write
				return res
			}
			if err := h.Store.MarkProcessed(r.meta); err != nil {
				return result{err: err}
			}
			r.marked = true
			return res
		}
		if _, ok := h.userText(res.err); ok {
			h.markedReply(r.msg, nil)
		}
		return res
	}
}

// act runs the command.
func (h *Handler) act(r *req) result {
	if r.spec.oneStudent {
		if err := h.oneStudentOnly(r); err != nil {
			return result{err: err}
		}
	}
	text, err := r.spec.run(h, r)
	return result{text: text, err: err}
}

// audit records a read of students' files; the same transaction marks the
// message processed, so a read costs one write, and a redelivered one is
// refused there (ErrDuplicate).
func (r *req) audit(h *Handler, action, detail string, students ...uint64) error {
	err := h.Store.AuditRead(r.meta, action, detail, students...)
	if err == nil {
		r.wrote()
	}
	return err
}

// wrote notes that a write with r.meta marked the message processed (and
// journaled its reply), for a command that only sometimes writes.
func (r *req) wrote() { r.meta.MsgKey, r.marked = "", true }

// usage is a bad-input reply with the command's example.
func (r *req) usage(reason string) error {
	example := r.spec.example
	if r.example != "" {
		example = r.example
	}
	return fail("%s", badInput(reason, example))
}

// recalled answers the withdrawal of a message already handled: what it
// recorded stays, and the sender, who may think it gone, is told how to
// undo it (a parent, that the teachers have it). A message not handled yet
// is marked so, so that it never will be; it needs no answer.
func (h *Handler) recalled(m bot.Message) []bot.Outgoing {
	err := h.Store.MarkProcessed(storage.Meta{MsgKey: m.Platform + ":" + m.Recalls, At: h.Now()})
	if !errors.Is(err, storage.ErrDuplicate) {
		if err != nil {
			h.Log.Error("marking a recalled message failed", "err", err)
		}
		return nil
	}
	text := recalledCommand()
	if m.Chat.Kind == bot.Private {
		if p, known, err := h.Store.PersonByAccount(m.Platform, m.Sender.ID); err == nil && known && rolesOf(p) == rParent {
			text = recalledRelay()
		}
	}
	return h.markedReply(m, []bot.Outgoing{bot.Reply(m, text)})
}

// markedReply marks a message processed that stores nothing, so a
// redelivery is not answered twice; nil means it was answered before.
func (h *Handler) markedReply(m bot.Message, outs []bot.Outgoing) []bot.Outgoing {
	if m.ID == "" {
		return outs
	}
	err := h.Store.MarkProcessed(storage.Meta{MsgKey: m.Key(), At: h.Now()})
	if errors.Is(err, storage.ErrDuplicate) {
		return nil
	}
	if err != nil {
		h.Log.Error("marking a message processed failed", "err", err)
	}
	return outs
}

// plainQuiet is how long after one helpful line a person's plain messages
// are left unanswered: one line, not an echo of every message.
const plainQuiet = 30 * time.Minute

// plainMessage relays a parent's plain private message (or a voice or a
// picture's notice) to the child's teachers, and answers a stranger's with
// one line saying what they can do. A teacher's line that is a record
// without its slash is answered with the line to send (in a teacher group
// too); invite codes shown in a group are voided; other teachers' and
// groups' lines get silence.
func (h *Handler) plainMessage(ctx context.Context, m bot.Message) []bot.Outgoing {
	if m.Chat.Kind != bot.Private {
		if outs := h.voidCodesShown(m); outs != nil {
			return outs
		}
		return h.teacherGroupHint(m)
	}
	if Normalize(m.Text) == "" && m.Media == "" {
		return nil
	}
	p, known, err := h.Store.PersonByAccount(m.Platform, m.Sender.ID)
	if err == nil && known && p.IsStaff() {
		if to := replyLineIn(m.Quote); to != "" {
			return h.run(ctx, m, h.specNamed("reply"), to+" "+Normalize(m.Text)) // answering a relayed message
		}
		if sp, rest := h.plainOwed(m.Text); sp != nil {
			return h.run(ctx, m, sp, rest) // 完成 #1203, 推迟 #1203 周一: answering an owed list
		}
		if _, ok := h.asks.get(m.Platform+":"+m.Sender.ID, h.Now()); ok {
			return h.run(ctx, m, h.planAnswerCmd, "") // the next part of a plan being written
		}
		// A teacher who left out the slash (张三 数学 30分钟, 辅导 张三 …)
		// must not take the line for recorded: each such line is answered
		// with how to say it. 收到 and 谢谢 stay unanswered.
		if hint := h.staffPlainHint(m.Text, false); hint != "" {
			return h.markedReply(m, []bot.Outgoing{bot.Reply(m, hint)})
		}
		// 帮助, 怎么用, 你好: a new teacher looking for the way in.
		if asksForHelp(m) || greets(m) {
			return h.markedReply(m, []bot.Outgoing{bot.Reply(m, staffWayIn(report.TeacherName(p)))})
		}
	}
	// An invite code pasted alone (a second child's, or a first one's by
	// someone who has not read "/join"), by anyone but a teacher: it is
	// the join it was meant for, not a message to the teachers.
	if err == nil && (!known || !p.IsStaff()) && m.Media == "" {
		if code, ok := bareCode(m.Text); ok {
			return h.run(ctx, m, h.specNamed("join"), code)
		}
	}
	if err != nil || (known && rolesOf(p) != rParent) {
		return nil
	}
	if known {
		// 帮助 from a parent is asked of the bot, and 你好 alone says
		// nothing yet: neither goes to the teachers as a message.
		switch {
		case asksForHelp(m):
			return h.markedReply(m, []bot.Outgoing{bot.Reply(m, parentHelp(true))})
		case greets(m):
			return h.markedReply(m, []bot.Outgoing{bot.Reply(m, parentGreeting())})
		}
		if callWordRE().MatchString(Normalize(m.Text)) {
			if sts, _ := h.awayChildren(p); len(sts) > 0 {
				return h.run(ctx, m, h.familyCallCmd, "") // 打了: the weekend's family call
			}
		}
		return h.run(ctx, m, h.relayCmd, "")
	}
	return h.onceInAWhile(m, strangerPlainMessage())
}

// bareCode reads an invite code sent without /join: V9YBSSMD, v9yb ssmd,
// 邀请码：V9YB-SSMD.
func bareCode(text string) (string, bool) {
	t := strings.TrimSpace(Normalize(text))
	t = strings.TrimLeft(strings.TrimPrefix(t, "邀请码"), "：: ")
	if runeLen(t) > 20 {
		return "", false
	}
	code := NormalizeCode(t)
	return code, validCode(code)
}

// plainWord is a plain message as one word, its punctuation and case
// dropped: "帮助！" and "Help" are 帮助 and help.
func plainWord(text string) string {
	return strings.ToLower(strings.Trim(Normalize(text), " ，。！!？?～~、.…"))
}

// helpWords ask the bot how it is used; greetings say hello and nothing
// more.
var (
	helpWords = map[string]bool{"帮助": true, "怎么用": true, "菜单": true, "help": true, "使用说明": true, "说明": true,
		"命令": true, "不会用": true, "怎么操作": true}
	greetings = map[string]bool{"你好": true, "您好": true, "老师好": true, "hi": true, "hello": true, "在吗": true, "在么": true, "在不在": true}
)

// asksForHelp: a text message that is a help word alone, or a bare ?.
func asksForHelp(m bot.Message) bool {
	if m.Media != "" {
		return false
	}
	t := strings.TrimSpace(Normalize(m.Text))
	return t == "?" || t == "？" || helpWords[plainWord(t)]
}

// greets: a text message that is a greeting alone.
func greets(m bot.Message) bool { return m.Media == "" && greetings[plainWord(m.Text)] }

// onceInAWhile answers a plain message with one helpful line, then leaves
// the sender's plain messages unanswered for plainQuiet.
func (h *Handler) onceInAWhile(m bot.Message, text string) []bot.Outgoing {
	now := h.Now()
	key := m.Platform + ":" + m.Sender.ID
	h.plainMu.Lock()
	last, seen := h.plainAnswered[key]
	if seen && now.Sub(last) < plainQuiet {
		h.plainMu.Unlock()
		return nil
	}
	if h.plainAnswered == nil || len(h.plainAnswered) > 10000 {
		h.plainAnswered = map[string]time.Time{} // a bound, not a record: forgetting costs one line more
	}
	h.plainAnswered[key] = now
	h.plainMu.Unlock()
	return h.markedReply(m, []bot.Outgoing{bot.Reply(m, text)})
}

// staffPlainHint words the hint for a teacher's plain line that reads as
// a record without its slash: a command word and a supported student's
// name first (辅导 张三 …) get the line back with the slash; a supported
// student's name first, the line as a /log when it names a duration, else
// (unless onlyRecords, as in a group) the commands for that student. Any
// other line gets no hint ("").
func (h *Handler) staffPlainHint(text string, onlyRecords bool) string {
	words := strings.Fields(Normalize(text))
	if len(words) < 2 {
		return ""
	}
	if sp, _ := h.lookup(words[0], ""); sp != nil && h.isStudent(nil, words[1]) {
		return plainCommand("/" + strings.Join(words, " "))
	}
	if !h.isStudent(nil, words[0]) {
		return ""
	}
	for _, w := range words[1:] {
		if _, ok := parseDuration(w); ok {
			return plainLog(words[0], "/log "+strings.Join(words, " "))
		}
	}
	if onlyRecords {
		return ""
	}
	return plainStudent(words[0])
}

// voidCodesShown voids the live invite codes a group message shows (a
// teacher who forwarded an invite to the parents' group): a one-time code
// everyone has read can be used by anyone first. The group is told; nil
// when the message shows none.
func (h *Handler) voidCodesShown(m bot.Message) []bot.Outgoing {
	var voided []string
	var meta *storage.Meta // who showed them, looked up at the first code
	for _, tok := range strings.FieldsFunc(Normalize(m.Text), func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') }) {
		if !validCode(tok) {
			continue // codes are shown in capitals: a word is not looked up
		}
		if meta == nil {
			// Not marked processed here: a redelivery finds the code void
			// already, and the answer is marked with the reply.
			meta = &storage.Meta{Where: where(m), At: h.Now()}
			if p, known, err := h.Store.PersonByAccount(m.Platform, m.Sender.ID); err == nil && known {
				meta.ActorID = p.ID
			}
		}
		ok, err := h.Store.RevokeInvite(*meta, tok)
		if err != nil {
			h.Log.Error("voiding a code shown in a group failed", "err", err)
			continue
		}
		if ok {
			voided = append(voided, tok)
		}
	}
	if len(voided) == 0 {
		return nil
	}
	if outs := h.markedReply(m, []bot.Outgoing{bot.Reply(m, codesShownVoided(strings.Join(voided, "、")))}); outs != nil {
		return outs
	}
	return []bot.Outgoing{} // answered before
}

// teacherGroupHint answers, in a teacher group, a teacher's line that is a
// record without its slash (张三 数学 30分钟, 辅导 张三 …), so that nobody
// takes it for recorded; any other group line is left alone, as groups
// chat.
func (h *Handler) teacherGroupHint(m bot.Message) []bot.Outgoing {
	if Normalize(m.Text) == "" {
		return nil
	}
	g, ok, err := h.Store.Group(m.Platform, m.Chat.ID)
	if err != nil || !ok || g.Kind != storage.GroupTeacher {
		return nil
	}
	p, known, err := h.Store.PersonByAccount(m.Platform, m.Sender.ID)
	if err != nil || !known || !p.IsStaff() {
		return nil
	}
	if hint := h.staffPlainHint(m.Text, true); hint != "" {
		return h.markedReply(m, []bot.Outgoing{bot.Reply(m, hint)})
	}
	return nil
}
