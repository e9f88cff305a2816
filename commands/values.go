package commands

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"bangfu/commands/report"
	"bangfu/storage"
)

// ---- numbers ----

var cnDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// leadingNumber reads an Arabic (possibly decimal) or Chinese number at the
// start of s: "1.5小时" → 1.5, "小时"; "四十五分钟" → 45, "分钟".
func leadingNumber(s string) (float64, string, bool) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i > 0 {
		v, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, s, false
		}
		return v, s[i:], true
	}
	return leadingChineseNumber(s)
}

// leadingChineseNumber reads numbers up to the hundreds: 十, 十五, 四十五, 一百二十, 两百.
func leadingChineseNumber(s string) (float64, string, bool) {
	total, cur, used := 0, 0, false
	rest := s
	for len(rest) > 0 {
		r, size := utf8.DecodeRuneInString(rest)
		if d, ok := cnDigits[r]; ok {
			cur = d
		} else if r == '十' {
			if cur == 0 {
				cur = 1
			}
			total += cur * 10
			cur = 0
		} else if r == '百' {
			if cur == 0 {
				cur = 1
			}
			total += cur * 100
			cur = 0
		} else {
			break
		}
		used = true
		rest = rest[size:]
	}
	if !used {
		return 0, s, false
	}
	return float64(total + cur), rest, true
}

// smallNumber parses a whole token as a positive whole number (Arabic or Chinese).
func smallNumber(s string) (int, bool) {
	v, rest, ok := leadingNumber(s)
	if !ok || rest != "" || v != math.Trunc(v) || v < 0 || v > 10000 {
		return 0, false
	}
	return int(v), true
}

// ---- durations ----

func cutAny(s string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return s[len(p):], true
		}
	}
	return s, false
}

// dayParts are the parts of a day written after it: 昨天下午, 12月5日晚上.
var dayParts = []string{"上午", "下午", "中午", "晚上", "早上", "傍晚"}

// cutDayPart splits 12月5日晚上 into the day and the part of it.
func cutDayPart(tok string) (day, part string, ok bool) {
	for _, p := range dayParts {
		if d, found := strings.CutSuffix(tok, p); found && d != "" {
			return d, p, true
		}
	}
	return tok, "", false
}

var (
	// 小時, 分鐘: the traditional characters some keyboards are set to.
	hourUnits   = []string{"个小时", "个钟头", "個小時", "個鐘頭", "小时", "小時", "钟头", "鐘頭", "hours", "hour", "hrs", "hr", "h", "时", "時"}
	minuteUnits = []string{"分钟", "分鐘", "minutes", "minute", "mins", "min", "分", "m", "'", "′", "’"}
)

// parseDuration reads 30分钟, 30分, 30min, 半小时, 1小时, 1.5小时, 一个半小时,
// 45', 1h, 90m, 1小时30分, 一刻钟 … as minutes. ok is false when the token is
// not a duration at all.
func parseDuration(tok string) (minutes int, ok bool) {
	s := strings.ToLower(tok)
	if rest, ok := cutAny(s, "半"); ok {
		rest = strings.TrimPrefix(strings.TrimPrefix(rest, "个"), "個")
		if rest, ok := cutAny(rest, hourUnits...); ok && rest == "" {
			return 30, true
		}
		return 0, false
	}
	n, rest, ok := leadingNumber(s)
	if !ok {
		return 0, false
	}
	if r, ok := cutAny(rest, "个半", "個半", "半"); ok { // 一个半小时
		if r, ok := cutAny(r, hourUnits...); ok && r == "" {
			return roundMinutes(n*60 + 30)
		}
		return 0, false
	}
	if r, ok := cutAny(rest, hourUnits...); ok {
		total := n * 60
		switch {
		case r == "":
			return roundMinutes(total)
		case r == "半":
			return roundMinutes(total + 30)
		}
		m, r2, ok := leadingNumber(r)
		if !ok {
			return 0, false
		}
		if r3, ok := cutAny(r2, minuteUnits...); (ok && r3 == "") || r2 == "" {
			return roundMinutes(total + m)
		}
		return 0, false
	}
	if r, ok := cutAny(rest, "刻钟", "刻"); ok && r == "" {
		return roundMinutes(n * 15)
	}
	if r, ok := cutAny(rest, minuteUnits...); ok && r == "" {
		return roundMinutes(n)
	}
	return 0, false
}

// roundMinutes is v in whole minutes; a number too big for an int (the
// fuzzer's 200000000000000000H) stays a duration, far out of range.
func roundMinutes(v float64) (int, bool) {
	return int(math.Round(min(v, 1e9))), true
}

// ---- dates ----

var weekdayNames = map[string]time.Weekday{
	"一": time.Monday, "二": time.Tuesday, "三": time.Wednesday, "四": time.Thursday,
	"五": time.Friday, "六": time.Saturday, "日": time.Sunday, "天": time.Sunday,
	"1": time.Monday, "2": time.Tuesday, "3": time.Wednesday, "4": time.Thursday,
	"5": time.Friday, "6": time.Saturday, "7": time.Sunday,
}

// dateResult is a parsed day, or why the token looked like a day but is not one.
type dateResult struct {
	day     time.Time
	isDate  bool   // the token is meant as a date
	invalid string // a reason when isDate but unusable
	// ahead is the day this year when a month-day still to come was taken
	// for last year's (a record's day is never in the future).
	ahead time.Time
	// passed is the day this year when a month-day already gone was taken
	// for next year's (a meeting or a review is never in the past).
	passed time.Time
	// yearless: a month-day written without its year (the year was guessed).
	yearless bool
}

// justPassed tells a month-day of the last half year, read as next year's:
// 11月20日 written on 25 November means the 20th just gone, not a day a
// year away.
func (d dateResult) justPassed(today time.Time) bool {
	return !d.passed.IsZero() && d.passed.After(today.AddDate(0, -6, 0))
}

// parseDay reads 今天 昨天 前天 周三 星期三 上周三 11-20 11月20日 11/20
// 2026-11-20 …. For records (future=false) a bare weekday or month-day means
// the most recent one not in the future; for meetings (future=true) the next
// one not in the past.
func parseDay(tok string, now time.Time, cal storage.Calendar, future bool) dateResult {
	today := cal.Day(now)
	// A record's day may say when in it (昨天下午, 周五晚上, 11月27号下午);
	// a record keeps days, not times. A meeting's (future) is left alone:
	// there 晚上 belongs with the time that follows (12月3日晚上 7点).
	if s, _, ok := cutDayPart(tok); ok && !future {
		tok = s
	}
	switch tok {
	case "今天", "今日":
		return dateResult{day: today, isDate: true}
	case "昨天", "昨日":
		return dateResult{day: today.AddDate(0, 0, -1), isDate: true}
	case "前天":
		return dateResult{day: today.AddDate(0, 0, -2), isDate: true}
	case "明天", "明日":
		return dateResult{day: today.AddDate(0, 0, 1), isDate: true}
	case "后天":
		return dateResult{day: today.AddDate(0, 0, 2), isDate: true}
	case "大后天":
		return dateResult{day: today.AddDate(0, 0, 3), isDate: true}
	}
	if r, ok := parseWeekday(tok, today, future); ok {
		return r
	}
	return parseCalendarDate(tok, today, cal, future)
}

func parseWeekday(tok string, today time.Time, future bool) (dateResult, bool) {
	shift := 0 // weeks relative to the current week when given explicitly
	explicit := false
	s := tok
	if r, ok := cutAny(s, "上上"); ok {
		s, shift, explicit = r, -2, true
	} else if r, ok := cutAny(s, "上"); ok {
		s, shift, explicit = r, -1, true
	} else if r, ok := cutAny(s, "下下"); ok {
		s, shift, explicit = r, 2, true
	} else if r, ok := cutAny(s, "下"); ok {
		s, shift, explicit = r, 1, true
	} else if r, ok := cutAny(s, "本", "这"); ok {
		s, explicit = r, true
	}
	s, ok := cutAny(s, "星期", "礼拜", "周")
	if !ok {
		return dateResult{}, false
	}
	wd, ok := weekdayNames[s]
	if !ok {
		return dateResult{}, false
	}
	offset := (int(wd) + 6) % 7 // days after Monday
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	if explicit {
		return dateResult{day: monday.AddDate(0, 0, 7*shift+offset), isDate: true}, true
	}
	day := monday.AddDate(0, 0, offset)
	if !future && day.After(today) {
		day = day.AddDate(0, 0, -7)
	}
	if future && day.Before(today) {
		day = day.AddDate(0, 0, 7)
	}
	return dateResult{day: day, isDate: true}, true
}

func parseCalendarDate(tok string, today time.Time, cal storage.Calendar, future bool) dateResult {
	s := tok
	year := 0
	// A four-digit year first: 2026-11-20, 2026/11/20, 2026.11.20, 2026年11月20日.
	if len(s) > 5 && isDigits(s[:4]) {
		if r, ok := cutAny(s[4:], "-", "/", ".", "年"); ok {
			year, _ = strconv.Atoi(s[:4])
			s = r
		} else {
			return dateResult{}
		}
	}
	mStr, rest, ok := splitDigits(s)
	if !ok {
		return dateResult{}
	}
	rest, ok = cutAny(rest, "月", "-", "/", ".")
	if !ok {
		return dateResult{}
	}
	dStr, rest, ok := splitDigits(rest)
	if !ok {
		return dateResult{}
	}
	if rest != "" && rest != "日" && rest != "号" {
		return dateResult{}
	}
	if year == 0 && strings.Contains(tok, ".") && len(mStr) < 2 && len(dStr) < 2 {
		return dateResult{} // 1.5 is a number, not January 5th; 11.27 and 9.15 are days
	}
	month, _ := strconv.Atoi(mStr)
	day, _ := strconv.Atoi(dStr)
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return dateResult{isDate: true, invalid: "没有这一天"}
	}
	y := year
	if y == 0 {
		y = today.Year()
	}
	d := time.Date(y, time.Month(month), day, 0, 0, 0, 0, cal.Loc)
	if d.Day() != day {
		return dateResult{isDate: true, invalid: "没有这一天"}
	}
	var ahead, passed time.Time
	if year == 0 {
		if !future && d.After(today) {
			ahead, d = d, d.AddDate(-1, 0, 0)
		}
		if future && d.Before(today) {
			passed, d = d, d.AddDate(1, 0, 0)
		}
	}
	return dateResult{day: d, isDate: true, ahead: ahead, passed: passed, yearless: year == 0}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func splitDigits(s string) (string, string, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 2 {
		return "", s, false
	}
	return s[:i], s[i:], true
}

// parseClock reads a time of day: 19:00, 19点, 19点30, 7点半, 晚上7点, 下午3:30.
func parseClock(tok string) (hour, minute int, ok bool) {
	s := tok
	pm := false
	if r, ok := cutAny(s, "下午", "晚上", "傍晚"); ok {
		s, pm = r, true
	} else if r, ok := cutAny(s, "中午"); ok {
		s = r
	} else if r, ok := cutAny(s, "上午", "早上", "早晨"); ok {
		s = r
	}
	h, rest, ok := leadingNumber(s)
	if !ok || h != math.Trunc(h) {
		return 0, 0, false
	}
	hour = int(h)
	switch {
	case rest == "" && strings.ContainsAny(tok, ":："):
		return 0, 0, false
	case rest == "点" || rest == "时" || rest == "点钟" || rest == "点整":
	case rest == "点半":
		minute = 30
	default:
		r, ok := cutAny(rest, ":", "：", "点", "时")
		if !ok {
			return 0, 0, false
		}
		m, r2, ok := leadingNumber(r)
		if !ok || m != math.Trunc(m) || (r2 != "" && r2 != "分") {
			return 0, 0, false
		}
		minute = int(m)
	}
	if pm && hour < 12 {
		hour += 12
	}
	if hour > 23 || minute > 59 {
		return 0, 0, false
	}
	return hour, minute, true
}

// ---- class names ----

type classRef struct{ grade, number int }

func (c classRef) name() string { return report.ClassLabel(c.grade, c.number) }

var gradePrefixes = []struct {
	prefix string
	grade  int
}{
	{"初一", 7}, {"初二", 8}, {"初三", 9}, {"高一", 10}, {"高二", 11}, {"高三", 12},
	{"一年级", 1}, {"二年级", 2}, {"三年级", 3}, {"四年级", 4}, {"五年级", 5}, {"六年级", 6},
	{"七年级", 7}, {"八年级", 8}, {"九年级", 9}, {"十年级", 10}, {"十一年级", 11}, {"十二年级", 12},
	{"初1", 7}, {"初2", 8}, {"初3", 9}, {"高1", 10}, {"高2", 11}, {"高3", 12},
}

// parseClassPrefix reads a class name at the start of s and returns the rest:
// 初一3班 初一(3)班 初一（3）班 初一三班 七年级3班 7年级3班. The closing 班 may
// be left out only when nothing follows.
func parseClassPrefix(s string) (classRef, string, bool) {
	grade := 0
	rest := s
	for _, g := range gradePrefixes {
		if r, ok := cutAny(s, g.prefix); ok {
			grade, rest = g.grade, r
			break
		}
	}
	if grade == 0 {
		// 七(3)班, 三（2）班: the grade's numeral alone, the class number
		// in brackets, as many schools write it.
		if g, r, ok := leadingChineseNumber(s); ok && g >= 1 && g <= 9 && g == math.Trunc(g) && (strings.HasPrefix(r, "(") || strings.HasPrefix(r, "（")) {
			grade, rest = int(g), r
		}
	}
	if grade == 0 {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i > 2 {
			return classRef{}, s, false
		}
		r, ok := cutAny(s[i:], "年级")
		if !ok {
			return classRef{}, s, false
		}
		grade, _ = strconv.Atoi(s[:i])
		rest = r
		if grade < 1 || grade > 12 {
			return classRef{}, s, false
		}
	}
	paren := false
	if r, ok := cutAny(rest, "(", "（"); ok {
		rest, paren = r, true
	}
	var n float64
	var ok bool
	if rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		n, rest, ok = leadingNumber(rest)
	} else {
		n, rest, ok = leadingChineseNumber(rest)
	}
	if !ok || n < 1 || n > 99 || n != math.Trunc(n) {
		return classRef{}, s, false
	}
	if paren {
		if rest, ok = cutAny(rest, ")", "）"); !ok {
			return classRef{}, s, false
		}
	}
	if r, ok := cutAny(rest, "班"); ok {
		rest = r
	} else if rest != "" {
		return classRef{}, s, false
	}
	return classRef{grade: grade, number: int(n)}, rest, true
}

// parseClass reads a whole token as a class name.
func parseClass(s string) (classRef, bool) {
	c, rest, ok := parseClassPrefix(s)
	return c, ok && rest == ""
}

// studentRef is how a message names a student: 张三, 初一3班张三, 张三（初一3班）.
type studentRef struct {
	name     string
	class    classRef
	hasClass bool
}

func parseStudentRef(s string) studentRef {
	if c, rest, ok := parseClassPrefix(s); ok && rest != "" {
		return studentRef{name: rest, class: c, hasClass: true}
	}
	for _, open := range []string{"(", "（"} {
		if i := strings.Index(s, open); i > 0 {
			inner := strings.TrimRight(s[i+len(open):], ")）")
			if c, ok := parseClass(inner); ok {
				return studentRef{name: s[:i], class: c, hasClass: true}
			}
		}
	}
	return studentRef{name: s}
}

func (r studentRef) String() string {
	if r.hasClass {
		return r.class.name() + r.name
	}
	return r.name
}

// ---- shapes: values that did not parse are refused, never kept as text ----

// numberShaped tells whether a token is written as a number (a sign, digits,
// a fraction, an exponent, a whole Chinese numeral): in the place of a
// subject or a duration such a token is a value that did not parse.
func numberShaped(tok string) bool {
	s := strings.TrimLeft(tok, "+-±.")
	if s == "" {
		return false
	}
	if s[0] >= '0' && s[0] <= '9' {
		return true
	}
	if s == "半" {
		return true
	}
	_, rest, ok := leadingChineseNumber(s)
	return ok && rest == ""
}

// dateShaped tells whether a token begins like a date or a time of day
// (11-20…, 2026/…, 13月5日, 19:00, 20号, 十一月二十日, 周八) or is bare
// digits: in the place of a date such a token is a date that did not parse,
// not the first word of a note. "3道题" or "3月份" are words, not dates.
func dateShaped(tok string) bool {
	s := strings.TrimLeft(tok, "+-±")
	if s != tok && s != "" && s[0] >= '0' && s[0] <= '9' {
		return true
	}
	if isDigits(s) {
		return true
	}
	if i := leadingDigits(s); i > 0 {
		rest := s[i:]
		if _, ok := cutAny(rest, "日", "号"); ok {
			return true
		}
		if r, ok := cutAny(rest, "-", "/", ".", "年", "月", ":", "：", "T"); ok && (leadingDigits(r) > 0 || r == "") {
			return true
		}
		return false
	}
	if _, rest, ok := leadingChineseNumber(s); ok {
		if r, ok := cutAny(rest, "月"); ok {
			if _, r2, ok := leadingChineseNumber(r); ok && (strings.HasPrefix(r2, "日") || strings.HasPrefix(r2, "号")) {
				return true
			}
		}
		return false
	}
	w := s
	if r, ok := cutAny(w, "上上", "下下", "上", "下", "本", "这"); ok {
		w = r
	}
	if r, ok := cutAny(w, "星期", "礼拜", "周"); ok && r != "" {
		first, _ := utf8.DecodeRuneInString(r)
		_, cn := cnDigits[first]
		return cn || first == '十' || first >= '0' && first <= '9'
	}
	return false
}

// leadingDigits counts the ASCII digits s starts with.
func leadingDigits(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
