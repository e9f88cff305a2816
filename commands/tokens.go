package commands

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize folds what phones and Chinese input methods produce into the
// forms the parser expects: full-width letters, digits and the few marks
// that carry a command's structure (／ ＠ ＃ － ． ＇) to half-width, odd
// spaces to plain spaces. Chinese punctuation in free text (！ ： （ ） ？)
// stays as written; the parsers read both forms where they need to. What no
// one should store or forward is dropped: invalid UTF-8, control characters,
// bidi overrides and other invisible format marks (the zero-width joiner of
// emoji stays).
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == utf8.RuneError && isInvalidAt(s, i):
		case r == '\u3000' || r == '\u2005' || r == '\u00a0' || r == '\u200b' || r == '\t' || unicode.Is(unicode.Zs, r):
			b.WriteByte(' ')
		case r == '\n':
			b.WriteRune(r)
		case r == '\u200d':
			b.WriteRune(r)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
		case foldedWide(r):
			b.WriteRune(r - 0xFEE0)
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// isInvalidAt tells a decoding error from a real U+FFFD in the text.
func isInvalidAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size <= 1
}

// foldedWide: full-width letters and digits, and the structural marks.
func foldedWide(r rune) bool {
	switch {
	case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
		return true
	}
	switch r {
	case '／', '＠', '＃', '－', '．', '＇', '＋', '＿':
		return true
	}
	return false
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
	return joinSpacedUnits(out)
}

// joinSpacedUnits undoes the space some input methods put between digits
// and Chinese (30 分钟, 11 月 24 日, 每周 2 次, 晚上 7 点): a number and the
// unit after it are one field, as are hours and minutes, a month and its
// day, 每周 and its count, and a part of the day and its hour.
func joinSpacedUnits(toks []token) []token {
	join := func(keep func(a, b string) bool) {
		out := toks[:0]
		for _, t := range toks {
			if n := len(out); n > 0 && keep(out[n-1].text, t.text) {
				out[n-1] = token{out[n-1].text + t.text, out[n-1].start, t.end}
				continue
			}
			out = append(out, t)
		}
		toks = out
	}
	join(func(a, b string) bool {
		return isNumberField(a) && (slices.Contains(spacedUnits, b) || isDayWithPart(b))
	})
	join(func(a, b string) bool { // 1小时 30分钟
		return startsWithDigit(a) && strings.HasSuffix(a, "小时") && startsWithDigit(b) && (strings.HasSuffix(b, "分钟") || strings.HasSuffix(b, "分"))
	})
	join(func(a, b string) bool { // 11月 24日, 12月 4日晚上
		return startsWithDigit(a) && strings.HasSuffix(a, "月") && isDayOfMonth(b)
	})
	join(func(a, b string) bool {
		return (a == "每周" || a == "每星期") && startsWithDigit(b) && strings.HasSuffix(b, "次")
	})
	join(func(a, b string) bool {
		return slices.Contains(dayParts, a) && startsWithDigit(b) && strings.Contains(b, "点")
	}) // 晚上 7点
	return toks
}

// spacedUnits may follow a number after a space, as whole fields (not
// 2 次函数, 3 月考).
var spacedUnits = []string{"分钟", "分", "小时", "个小时", "个半小时", "钟头", "min", "月", "日", "号", "点", "点半", "点钟", "次"}

func isNumberField(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r != '.':
			return false
		}
	}
	return digits > 0
}

// isDayWithPart: 日晚上, 号下午 — a day's unit with the part of the day.
func isDayWithPart(s string) bool {
	for _, u := range []string{"日", "号"} {
		if rest, ok := strings.CutPrefix(s, u); ok && slices.Contains(dayParts, rest) {
			return true
		}
	}
	return false
}

// isDayOfMonth: 24日, 4号, 4日晚上 — digits, then 日 or 号.
func isDayOfMonth(s string) bool {
	i := strings.IndexAny(s, "日号")
	return i > 0 && isNumberField(s[:i]) && !strings.Contains(s[:i], ".")
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

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
// withoutLast is the arguments without their last token.
func (a args) withoutLast() args {
	if len(a.toks) == 0 {
		return a
	}
	return newArgs(strings.TrimSpace(a.src[:a.toks[len(a.toks)-1].start]))
}

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
