package commands

import (
	"time"

	"bangfu/commands/report"
	"bangfu/storage"
)

// A mentor gets the semester comment drafted from the records (/评语 草稿
// 张三), every sentence with the records it came from, and takes it with
// one reply (/评语 采用 张三) or writes their own (/评语 张三 …).

// acceptWords, written as a comment's whole text, take the draft instead.
var acceptWords = map[string]bool{"采用": true, "采用草稿": true, "用草稿": true, "就用这个": true}

// commentDraft composes the draft of a student's comment this semester.
func (h *Handler) commentDraft(r *req, f found) (report.Draft, error) {
	term := h.Cal.TermAt(r.now)
	to := r.now.Add(time.Second)
	sessions, err := h.Store.Sessions(f.st.ID, term.Start, to)
	if err != nil {
		return nil, err
	}
	praise, err := h.Store.PraiseOf(f.st.ID, term.Start, to)
	if err != nil {
		return nil, err
	}
	return report.CommentDraft(sessions, praise), nil
}

// commentStudent resolves the student of a comment command for its writer:
// the mentor or the head teacher.
func (h *Handler) commentStudent(r *req, ref string) (found, error) {
	f, err := h.resolveStudent(r, ref, false)
	if err != nil {
		return f, err
	}
	if f.st.MentorID != r.me.ID && !r.me.IsHeadOf(f.st.ClassID) {
		return f, refuse(commentNotYours(f.label()))
	}
	return f, nil
}

// draftStudent is the student of /评语 草稿 and /评语 采用.
func (h *Handler) draftStudent(r *req) (found, error) {
	if r.args.len() == 0 {
		return found{}, r.usage(needStudentName())
	}
	ref, _ := studentArg(r.args)
	return h.commentStudent(r, ref)
}

// showCommentDraft is /评语 草稿 张三.
func (h *Handler) showCommentDraft(r *req) (string, error) {
	f, err := h.draftStudent(r)
	if err != nil {
		return "", err
	}
	d, err := h.commentDraft(r, f)
	if err != nil {
		return "", err
	}
	if err := r.audit(h, "comment.draft", "", f.st.ID); err != nil {
		return "", err
	}
	if len(d) == 0 {
		return draftNothingYet(f.label(), f.st.Name), nil
	}
	out := renderCommentDraft(f.label(), f.st.Name, d)
	// Accepting the draft replaces the teacher's own comment: said before,
	// not only after.
	written, err := h.Store.Comments(f.st.ID, h.Cal.TermAt(r.now).Key())
	if err != nil {
		return "", err
	}
	for _, c := range written {
		if c.AuthorID == r.me.ID {
			out += "\n" + draftWouldReplace(f.st.Name)
			break
		}
	}
	return out, nil
}

// acceptCommentDraft is /评语 采用 张三: the draft, composed again from the
// records as they are now, becomes the comment, its sources kept with it.
func (h *Handler) acceptCommentDraft(r *req) (string, error) {
	f, err := h.draftStudent(r)
	if err != nil {
		return "", err
	}
	return h.saveDraftAsComment(r, f)
}

func (h *Handler) saveDraftAsComment(r *req, f found) (string, error) {
	d, err := h.commentDraft(r, f)
	if err != nil {
		return "", err
	}
	if len(d) == 0 {
		return "", refuse(draftNothingYet(f.label(), f.st.Name))
	}
	text := d.Text()
	c, replaced, err := h.Store.SetComment(r.meta, storage.Comment{StudentID: f.st.ID, Semester: h.Cal.TermAt(r.now).Key(), Text: text, At: r.now, Sources: d.Sources()})
	if err != nil {
		return "", err
	}
	r.wrote()
	return commentSaved(f.label(), runeLen(text), replaced) + "\n" + text + fixHint(c.No), nil
}
