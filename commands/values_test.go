package commands

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"bangfu/storage"
)

func TestNormalize(t *testing.T) {
	cases := map[string]string{
		"／log　张三　数学　３０分钟":    "/log 张三 数学 30分钟",
		"/log 张三，数学，30分钟":    "/log 张三，数学，30分钟",
		"  ／ＬＯＧ  ":           "/LOG",
		"张三（初一３班）":           "张三（初一3班）",
		"@帮扶助手\u2005/status": "@帮扶助手 /status",
		// Chinese punctuation in free text stays as the teacher wrote it.
		"/praise 张三 进步很大！继续加油：每天读书（半小时）？": "/praise 张三 进步很大！继续加油：每天读书（半小时）？",
		// Invisible marks that could hide or reorder text are dropped.
		"/praise 张三 好\u202e样\u2066的\u0007\x00\xff\xfe": "/praise 张三 好样的",
		"备注\r\n第二行\ufeff":                              "备注\n第二行",
		"👨\u200d👩\u200d👧 一家人":                          "👨\u200d👩\u200d👧 一家人",
		"真的\ufffd":                                     "真的\ufffd",
	}
	for in, want := range cases {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitCommand(t *testing.T) {
	cases := []struct {
		in, word, bot, rest string
		ok                  bool
	}{
		{"/log 张三 数学 30分钟", "log", "", "张三 数学 30分钟", true},
		{"/log@bangfu_bot 张三", "log", "bangfu_bot", "张三", true},
		{"@帮扶助手 /status 初一3班", "status", "", "初一3班", true},
		{"@帮扶助手 @王老师 /help", "help", "", "", true},
		{"/辅导，张三，数学，30分钟", "辅导", "", "张三，数学，30分钟", true},
		{"大家好", "", "", "", false},
		{"@帮扶助手 你好", "", "", "", false},
		{"/", "", "", "", false},
	}
	for _, c := range cases {
		got, ok := splitCommand(Normalize(c.in))
		if ok != c.ok || (ok && (got.word != c.word || got.botName != c.bot || got.rest != c.rest)) {
			t.Errorf("splitCommand(%q) = %+v %v, want %q %q %q %v", c.in, got, ok, c.word, c.bot, c.rest, c.ok)
		}
	}
}

func TestParseDuration(t *testing.T) {
	cases := map[string]int{
		"30分钟": 30, "30分": 30, "30min": 30, "30MIN": 30, "半小时": 30, "半个小时": 30,
		"1小时": 60, "1.5小时": 90, "一个半小时": 90, "一小时": 60, "两小时": 120, "两个小时": 120,
		"45'": 45, "45′": 45, "1h": 60, "90m": 90, "1.5h": 90, "1小时30分": 90, "1h30m": 90,
		"四十五分钟": 45, "一刻钟": 15, "三刻钟": 45, "2个半小时": 150, "600分钟": 600, "0.5小时": 30,
		"十分钟": 10, "一百二十分钟": 120, "1个小时": 60, "1小时半": 90,
		"30分鐘": 30, "1小時": 60, "半小時": 30, "一個半小時": 90,
	}
	for in, want := range cases {
		got, ok := parseDuration(in)
		if !ok || got != want {
			t.Errorf("parseDuration(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"数学", "30", "三十", "分钟", "半", "1.5", "30秒", "张三", "昨天", "11月20日", "1小时x"} {
		if got, ok := parseDuration(in); ok {
			t.Errorf("parseDuration(%q) = %d, want not a duration", in, got)
		}
	}
}

func TestParseDay(t *testing.T) {
	cal := storage.DefaultCalendar()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, cal.Loc) // a Wednesday
	d := func(m time.Month, day int) time.Time { return time.Date(2026, m, day, 0, 0, 0, 0, cal.Loc) }
	past := map[string]time.Time{
		"今天": d(11, 25), "昨天": d(11, 24), "前天": d(11, 23),
		"周三": d(11, 25), "星期三": d(11, 25), "周一": d(11, 23), "周四": d(11, 19), "周日": d(11, 22), "星期天": d(11, 22),
		"上周三": d(11, 18), "礼拜五": d(11, 20),
		"11-20": d(11, 20), "11月20日": d(11, 20), "11月20号": d(11, 20), "11/20": d(11, 20), "2026-11-20": d(11, 20),
		"2026年11月20日": d(11, 20), "2026/11/20": d(11, 20),
		// As teachers write them: dotted, and with the part of the day.
		"11.20": d(11, 20), "9.15": d(9, 15), "11.2": d(11, 2), "昨天下午": d(11, 24), "周五晚上": d(11, 20), "11月20号下午": d(11, 20),
		"12月1日": time.Date(2025, 12, 1, 0, 0, 0, 0, cal.Loc), // month-day in the future means last year
	}
	for in, want := range past {
		r := parseDay(in, now, cal, false)
		if !r.isDate || r.invalid != "" || !r.day.Equal(want) {
			t.Errorf("parseDay(%q, past) = %v %v %q, want %v", in, r.day, r.isDate, r.invalid, want)
		}
	}
	future := map[string]time.Time{
		"明天": d(11, 26), "后天": d(11, 27), "周五": d(11, 27), "周一": d(11, 30), "周三": d(11, 25),
		"下周三": d(12, 2), "11月28日": d(11, 28), "11月1日": time.Date(2027, 11, 1, 0, 0, 0, 0, cal.Loc),
	}
	for in, want := range future {
		r := parseDay(in, now, cal, true)
		if !r.isDate || !r.day.Equal(want) {
			t.Errorf("parseDay(%q, future) = %v %v, want %v", in, r.day, r.isDate, want)
		}
	}
	// A meeting's 晚上 belongs with its time: not dropped from a day.
	if r := parseDay("11月28日晚上", now, cal, true); r.isDate {
		t.Errorf("a meeting's 11月28日晚上 read as a day alone: %+v", r)
	}
	for _, in := range []string{"2月30日", "13月1日", "2026-02-30"} {
		if r := parseDay(in, now, cal, false); !r.isDate || r.invalid == "" {
			t.Errorf("parseDay(%q) = %+v, want an invalid date", in, r)
		}
	}
	for _, in := range []string{"数学", "1.5", "3.8", "30分钟", "周", "张三", "123", "下午"} {
		if r := parseDay(in, now, cal, false); r.isDate {
			t.Errorf("parseDay(%q) = %+v, want not a date", in, r)
		}
	}
}

func TestParseClock(t *testing.T) {
	cases := map[string][2]int{"19:00": {19, 0}, "19点": {19, 0}, "7点半": {7, 30}, "晚上7点": {19, 0},
		"下午3点半": {15, 30}, "下午3:30": {15, 30}, "上午9点": {9, 0}, "19点30": {19, 30}, "七点": {7, 0}, "19:05": {19, 5}}
	for in, want := range cases {
		h, m, ok := parseClock(in)
		if !ok || h != want[0] || m != want[1] {
			t.Errorf("parseClock(%q) = %d:%d %v, want %v", in, h, m, ok, want)
		}
	}
	for _, in := range []string{"25:00", "19:61", "期中", "19"} {
		if _, _, ok := parseClock(in); ok {
			t.Errorf("parseClock(%q) accepted", in)
		}
	}
}

func TestParseClass(t *testing.T) {
	same := []string{"初一3班", "初一(3)班", "初一（3）班", "初一三班", "七年级3班", "7年级3班", "初1(3)班", "七年级(3)班", "初一3", "七(3)班", "七（3）班"}
	for _, in := range same {
		c, ok := parseClass(Normalize(in))
		if !ok || c.grade != 7 || c.number != 3 {
			t.Errorf("parseClass(%q) = %+v %v, want 初一3班", in, c, ok)
		}
	}
	others := map[string]string{"高二1班": "高二1班", "三年级2班": "三年级2班", "初三十二班": "初三12班", "九年级(10)班": "初三10班", "一年级1班": "一年级1班", "三(2)班": "三年级2班", "九（10）班": "初三10班"}
	for in, want := range others {
		c, ok := parseClass(in)
		if !ok || c.name() != want {
			t.Errorf("parseClass(%q) = %q %v, want %q", in, c.name(), ok, want)
		}
	}
	for _, in := range []string{"张三", "初一", "初一班", "13年级1班", "初一3班张三", "初一(3班", "七3班", "十(3)班", "一三班"} {
		if c, ok := parseClass(in); ok {
			t.Errorf("parseClass(%q) = %+v, want refused", in, c)
		}
	}
}

func TestParseStudentRef(t *testing.T) {
	cases := map[string]studentRef{
		"张三":        {name: "张三"},
		"初一3班张三":    {name: "张三", class: classRef{7, 3}, hasClass: true},
		"初一(3)班张三":  {name: "张三", class: classRef{7, 3}, hasClass: true},
		"张三(初一3班)":  {name: "张三", class: classRef{7, 3}, hasClass: true},
		"张三（七年级3班）": {name: "张三", class: classRef{7, 3}, hasClass: true},
		"欧阳娜娜":      {name: "欧阳娜娜"},
	}
	for in, want := range cases {
		if got := parseStudentRef(in); got != want {
			t.Errorf("parseStudentRef(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestParseTarget(t *testing.T) {
	for in, want := range map[string]int{"每周2次": 2, "每周两次": 2, "周3次": 3, "2次/周": 2, "目标4次": 4, "每周十次": 10} {
		if got, ok := parseTarget(in); !ok || got != want {
			t.Errorf("parseTarget(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"留守", "每周", "每周x次"} {
		if _, ok := parseTarget(in); ok {
			t.Errorf("parseTarget(%q) accepted", in)
		}
	}
}

// FuzzParse feeds arbitrary text through every parser a message meets; none
// may panic, and a duration it accepts is always a whole number of minutes
// that round-trips through the 1–600 check.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"/log 张三 数学辅导 30分钟", "／log　初一（3）班张三　英语　一个半小时　昨天", "/contact 张三 电话 妈妈 内容 11月20日",
		"@bot /status 初一三班", "/学生添加 初一3班 李四 留守 每周2次", "/meeting 初一3班 下周三 晚上7点 期中",
		"/log@bangfu_bot 张三(七年级3班) 45' 周三", "/辅导张三 数学30分钟", "1.5小时", "2026-02-30", "\x00/\xff", "初一十二班",
		"-30分钟", "1e2分钟", "1/2小时", "五分之一小时", "周八", "11-20abc", "2026-11-20T10:00", "十一月二十日", "作业：订正（3题）！\u202e",
		"/修改 #37 45分钟", "/删除记录 第0条", "#99999999999", "2027-05-01..2027-05-05", "4月4日至4月6日",
	} {
		f.Add(s)
	}
	cal := storage.DefaultCalendar()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, cal.Loc)
	h := &Handler{specs: commandTable()}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if line, ok := splitCommand(n); ok {
			h.lookup(line.word, line.rest)
		}
		for _, tok := range tokenize(n) {
			if m, ok := parseDuration(tok.text); ok && m < 0 {
				t.Fatalf("negative duration %d from %q", m, tok.text)
			}
			if r := parseDay(tok.text, now, cal, false); r.isDate && r.invalid == "" && r.day.IsZero() {
				t.Fatalf("zero date from %q", tok.text)
			}
			if no, ok := parseRecordNo(tok.text); ok && (no == 0 || !strings.ContainsAny(tok.text, "0123456789")) {
				t.Fatalf("%q read as record #%d", tok.text, no)
			}
			if from, to, ok := cutRange(tok.text); ok && from+to == tok.text {
				t.Fatalf("%q split into a range without its separator", tok.text)
			}
			parseClock(tok.text)
			parseStudentRef(tok.text)
			parseClassPrefix(tok.text)
			parseTarget(tok.text)
			if subj, _, ok := splitGluedDuration(tok.text); ok && (strings.ContainsAny(subj, "0123456789") || numberShaped(subj)) {
				t.Fatalf("%q glued a number %q into a subject", tok.text, subj)
			}
			if m, ok := parseDuration(tok.text); ok && strings.ContainsAny(tok.text, "+-±/^") {
				t.Fatalf("%q read as %d minutes despite its sign or fraction", tok.text, m)
			}
		}
		for _, r := range n {
			if r == utf8.RuneError || unicode.IsControl(r) && r != '\n' || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' {
				if r != utf8.RuneError || !strings.ContainsRune(s, utf8.RuneError) {
					t.Fatalf("Normalize(%q) kept %U", s, r)
				}
			}
		}
	})
}

// Every category has its short word, and the short word reads back as it:
// the line that keeps a student's categories is written with them.
func TestEveryCategoryHasItsShortWord(t *testing.T) {
	for _, full := range shortCategories {
		short := shortCategory[full]
		if short == "" || shortCategories[short] != full {
			t.Errorf("%s: short word %q", full, short)
		}
	}
}
