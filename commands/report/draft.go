package report

import (
	"fmt"
	"strings"

	"bangfu/storage"
)

// Drafts are composed from the records alone, by template: each sentence
// keeps the numbers of the records it says something about, so a teacher
// can check every word against the file before it goes out. Nothing is
// said that is not in a record but the closing encouragement, and no
// sentence carries a label.

// Sentence is one sentence of a draft and the records it came from.
type Sentence struct {
	Text    string
	Sources []uint64 // record numbers (#37); none for the closing words
}

// Draft is a drafted text.
type Draft []Sentence

// Text is the draft as one paragraph.
func (d Draft) Text() string {
	var b strings.Builder
	for _, s := range d {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Sources are every record the draft came from, in order, once each.
func (d Draft) Sources() []uint64 {
	var out []uint64
	seen := map[uint64]bool{}
	for _, s := range d {
		for _, no := range s.Sources {
			if !seen[no] {
				seen[no] = true
				out = append(out, no)
			}
		}
	}
	return out
}

// draftPraiseShown is how many praises a comment quotes; more are counted.
const draftPraiseShown = 3

// CommentDraft composes a semester comment to the student (你) from the
// term's sessions and praise; empty when there is nothing to say.
func CommentDraft(sessions []storage.Session, praise []storage.Praise) Draft {
	var d Draft
	if len(sessions) > 0 {
		var subjects []string
		seen := map[string]bool{}
		minutes := 0
		var nos []uint64
		for _, s := range sessions {
			minutes += s.Minutes
			nos = append(nos, s.No)
			if sub := ParentSafeSubject(s.Subject); !seen[sub] {
				seen[sub] = true
				subjects = append(subjects, sub)
			}
		}
		d = append(d, Sentence{Text: draftSessions(len(sessions), strings.Join(subjects, "、"), HoursAndMinutes(minutes)), Sources: nos})
	}
	var kept []storage.Praise
	for _, p := range praise {
		if BannedWordIn(p.Text) == "" {
			kept = append(kept, p)
		}
	}
	shown := kept
	if len(shown) > draftPraiseShown {
		shown = shown[len(shown)-draftPraiseShown:] // the latest
	}
	for _, p := range shown {
		d = append(d, Sentence{Text: draftPraise(strings.TrimRight(p.Text, "。！!．.，,；; ")), Sources: []uint64{p.No}})
	}
	if len(kept) > len(shown) {
		var nos []uint64
		for _, p := range kept {
			nos = append(nos, p.No)
		}
		d = append(d, Sentence{Text: draftPraiseCount(len(kept)), Sources: nos})
	}
	if len(d) == 0 {
		return nil
	}
	return append(d, Sentence{Text: draftClosing()})
}

// HoursAndMinutes says a duration as people do: 45分钟, 2小时, 1小时30分钟.
func HoursAndMinutes(minutes int) string {
	h, m := minutes/60, minutes%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d分钟", m)
	case m == 0:
		return fmt.Sprintf("%d小时", h)
	}
	return fmt.Sprintf("%d小时%d分钟", h, m)
}
