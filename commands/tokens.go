package commands

import (
	"strings"
	"unicode"
)

// Normalize folds what phones and Chinese input methods produce into the
// forms the parser expects: full-width ASCII (／ １２ ＡＢ （ ）) to half-width,
// full-width and other odd spaces to plain spaces. The Chinese comma stays (it
// reads better in stored notes) and separates fields like a space.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\u3000' || r == '\u2005' || r == '\u00a0' || r == '\u200b' || r == '\t':
			b.WriteByte(' ')
		case r == '，':
			b.WriteRune(r)
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case r == '\r':
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// token is one field of a command, with its place in the normalised text so
// free text (notes, contents) can be taken whole, punctuation included.
type token struct {
	text       string
	start, end int
}

func isSep(r rune) bool {
	return r == ' ' || r == '\n' || r == ',' || r == '，' || r == ';' || r == '；'
}

func tokenize(s string) []token {
	var out []token
	start := -1
	for i, r := range s {
		if isSep(r) {
			if start >= 0 {
				out = append(out, token{s[start:i], start, i})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, token{s[start:], start, len(s)})
	}
	return out
}

// args is the text after the command word(s).
type args struct {
	src  string
	toks []token
}

func newArgs(s string) args { return args{src: s, toks: tokenize(s)} }

func (a args) len() int { return len(a.toks) }

func (a args) at(i int) string {
	if i < 0 || i >= len(a.toks) {
		return ""
	}
	return a.toks[i].text
}

// from returns the original text from token i to the end, trimmed.
func (a args) from(i int) string {
	if i >= len(a.toks) {
		return ""
	}
	return strings.TrimSpace(a.src[a.toks[i].start:])
}

// between returns the original text of tokens i..j-1.
func (a args) between(i, j int) string {
	if i >= j || i >= len(a.toks) {
		return ""
	}
	return strings.TrimSpace(a.src[a.toks[i].start:a.toks[j-1].end])
}

// validName accepts Chinese names, Latin names and the middle dot of
// minority names, up to 20 characters.
func validName(s string) bool {
	n := 0
	for _, r := range s {
		n++
		if !(unicode.Is(unicode.Han, r) || unicode.IsLetter(r) || r == '·' || r == '•' || r == '・') {
			return false
		}
	}
	return n >= 1 && n <= 20
}

// runeLen counts characters, not bytes.
func runeLen(s string) int { return len([]rune(s)) }

// clip shortens s to n characters, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
