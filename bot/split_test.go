package bot

import (
	"strings"
	"testing"
)

func TestSplitTextKeepsLinesAndLimit(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 400; i++ {
		b.WriteString("· 张三 本周2/3次 未达标，本月已联系家长 👍\n")
	}
	text := strings.TrimRight(b.String(), "\n")
	parts := SplitText(text, 4096)
	if len(parts) < 2 {
		t.Fatalf("%d parts", len(parts))
	}
	for _, p := range parts {
		if TextLen(p) > 4096 {
			t.Fatalf("part of %d units", TextLen(p))
		}
		if !strings.HasPrefix(p, "· 张三") || !strings.HasSuffix(p, "👍") {
			t.Fatalf("part not cut on a line boundary: %q…%q", p[:20], p[len(p)-20:])
		}
	}
	if strings.Join(parts, "\n") != text {
		t.Fatal("parts do not join back to the text")
	}
	long := strings.Repeat("字", 5000)
	parts = SplitText(long, 4096)
	if len(parts) != 2 || TextLen(parts[0]) != 4096 || parts[0]+parts[1] != long {
		t.Fatalf("a long line split into %d parts", len(parts))
	}
	if got := SplitText("短", 4096); len(got) != 1 || got[0] != "短" {
		t.Fatalf("short text: %v", got)
	}
}
