package county

import (
	"fmt"
	"strings"
)

// Every line the county desk says, in one place.

func notCountyAdmin(account string) string {
	return fmt.Sprintf("全县汇总只给县里的管理员看。你的账号是 %s：如果你是县教育局的管理员，请让管理员把它写进 config.yaml 的 county.admins，再重启机器人。", account)
}

func askPrivately() string { return "全县汇总请私聊我发 /county，不在群里发。" }

func countyUsage() string {
	return "用法：/county（本周各校情况）或 /county 上周（上周周报）。例如：/county 上周"
}

func categoryCount(cat string, n int) string { return fmt.Sprintf("%s %d", cat, n) }

func span(f Figures) string {
	return fmt.Sprintf("%d月%d日—%d月%d日", f.Week.From.Month(), f.Week.From.Day(),
		f.Week.To.AddDate(0, 0, -1).Month(), f.Week.To.AddDate(0, 0, -1).Day())
}

func pct(n, of int) string {
	if of == 0 {
		return "—"
	}
	return fmt.Sprintf("%d%%", n*100/of)
}

// schoolLine is one school's figures; never a name of a child or teacher.
func schoolLine(f Figures) string {
	if f.Failed {
		return fmt.Sprintf("· %s：暂时读不到这所学校的数据（已记在日志里）", f.School)
	}
	if f.Students == 0 {
		return fmt.Sprintf("· %s：还没有帮扶学生在册", f.School)
	}
	line := fmt.Sprintf("· %s：帮扶 %d 人", f.School, f.Students)
	if cats := categories(f.ByCategory); len(cats) > 0 {
		line += "（" + strings.Join(cats, "、") + "）"
	}
	line += fmt.Sprintf("；辅导 %d/%d 次，%d 人未达到约定次数；%d月已联系家长 %d/%d 人（%s）",
		f.Done, f.Agreed, f.Behind, int(f.ContactMonth), f.Contacted, f.Students, pct(f.Contacted, f.Students))
	if f.Done == 0 {
		line += "；这一周还没有辅导记录"
	}
	return line
}

func countyName(name string) string {
	if name == "" {
		return "全县"
	}
	return name
}

func body(name, heading string, fs []Figures) string {
	var b strings.Builder
	b.WriteString(heading)
	for _, f := range fs {
		b.WriteString("\n" + schoolLine(f))
	}
	t := total(fs)
	t.School = countyName(name) + "合计"
	if len(fs) > 1 {
		b.WriteString("\n" + schoolLine(t))
	}
	b.WriteString("\n只有人数，没有学生和老师的名字；各校的具体情况请问学校。")
	return b.String()
}

func weekOf(fs []Figures) string {
	for _, f := range fs {
		if !f.Failed {
			return span(f)
		}
	}
	return ""
}

func statusText(name string, fs []Figures) string {
	return body(name, fmt.Sprintf("%s各校本周帮扶情况（%s，到现在）", countyName(name), weekOf(fs)), fs)
}

func digestText(name string, fs []Figures) string {
	return body(name, fmt.Sprintf("%s上周帮扶周报（%s）", countyName(name), weekOf(fs)), fs)
}
