package bot

import (
	"strings"
	"unicode/utf16"
)

// TextLen counts what platforms count: UTF-16 code units (a Chinese
// character is one, most emoji two).
func TextLen(s string) int { return len(utf16.Encode([]rune(s))) }

// SplitText cuts text into parts of at most limit UTF-16 units, on line
// boundaries where possible, so a long register arrives as readable pieces.
func SplitText(text string, limit int) []string {
	if TextLen(text) <= limit {
		return []string{text}
	}
	var parts []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if cur.Len() > 0 {
			parts = append(parts, strings.TrimRight(cur.String(), "\n"))
			cur.Reset()
			curLen = 0
		}
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		n := TextLen(line)
		if curLen+n > limit {
			flush()
		}
		for n > limit { // a single line longer than the limit: cut it by characters
			head, rest := cutUnits(line, limit)
			parts = append(parts, head)
			line, n = rest, TextLen(rest)
		}
		cur.WriteString(line)
		curLen += n
	}
	flush()
	return parts
}

func cutUnits(s string, limit int) (string, string) {
	n := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if n+w > limit {
			return s[:i], s[i:]
		}
		n += w
	}
	return s, ""
}
