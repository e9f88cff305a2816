package commands

import (
	"strings"
	"testing"
	"time"

	"bangfu/commands/cadence"
)

// The school's rhythm lists what each teacher owes with a code; a short
// private answer records it (or puts it off), and the list follows.
func TestOwedItemsFollowTheRhythmAndAreAnsweredInOneLine(t *testing.T) {
	w := school(t)
	// 张三 (留守) is 王老师's mentee; the head teacher owes the monthly contact.
	r := w.say("王老师", "/mine")
	must(t, r, "#11 张三：本周辅导 0/2次", "#14 张三：本周与外出务工的父母沟通 0/1次", "#16 张三：本学期家访 0/1次", "完成 #13")
	mustNot(t, r, "#12", "李四")
	must(t, w.say("李老师", "/mine"), "#12 张三：本月班主任与家长的正式沟通 0/1次", "#22 李四：本月班主任与家长的正式沟通 0/1次", "#21 李四：本周辅导 0/1次")

	// Tutoring is logged with its subject and time, not ticked off.
	must(t, w.say("王老师", "/完成 #11"), "辅导要记下科目和时长", "/log 张三 数学辅导 30分钟")
	// Which parent? Asked until the guardians are registered.
	must(t, w.say("王老师", "完成 #14"), "请写上是和谁沟通的（外出务工的爸爸或妈妈）")
	must(t, w.say("王老师", "完成 #14 电话 奶奶 说了孩子这周的情况"), "和奶奶的沟通不算“与外出务工的父母沟通”")
	must(t, w.say("王老师", "完成 #14 视频 爸爸 孩子给爸爸看了奖状"), "已记下：张三（初一3班） 与外出务工的父母沟通 ✓（视频·爸爸")
	must(t, w.say("王老师", "/history 张三"), "家校沟通：视频·爸爸（王老师） 内容：孩子给爸爸看了奖状")
	mustNot(t, w.say("王老师", "/mine"), "#14")
	// With the guardians registered, the one at home is known.
	w.say("王老师", "/监护人 添加 张三 奶奶 在家照看")
	must(t, w.say("王老师", "/done #15"), "已记下：张三（初一3班） 与在家照看的家人沟通 ✓（电话·奶奶")

	// Put off within its period, and shown as such; not past it.
	must(t, w.say("王老师", "推迟 #16 12月1日"), "推迟到12月1日（周二）")
	r = w.say("王老师", "/mine")
	must(t, r, "#16 张三：本学期家访 0/1次（推迟到12月1日（周二））")
	mustNot(t, r, "#13", "#14", "#15") // both contacts count for the mentor's semester two
	must(t, w.say("王老师", "/推迟 #11 12月2日"), "这一期到11月29日（周日）为止")
	// A month-day just gone is not next year's.
	must(t, w.say("王老师", "/推迟 #11 11月20日"), "推迟要写以后的一天")
	// Done already: nothing to put off, and nothing stored.
	must(t, w.say("王老师", "推迟 #15 11月28日"), "#15（张三：本月与在家照看的家人沟通）这一期已经做到了，不用推迟")

	// Not someone else's, not a code that does not exist, not in a group.
	must(t, w.join("钱老师", w.say("李老师", "/invite teacher 初一3班")), "初一3班的老师")
	must(t, w.say("钱老师", "/完成 #14 电话 爸爸"), "#14 不是你负责的学生的事")
	must(t, w.say("王老师", "/完成 #19"), "没有 #19 这件事")
	must(t, w.say("王老师", "/完成 张三"), "“张三”不是要做的事的编号")
	if got := w.sayIn("初一3班教师群", "王老师", "完成 #16"); got != "" {
		t.Fatalf("a plain answer in a group was taken: %q", got)
	}
	// In a group the list names no rule for a category (it would tell
	// whose parents work away), and says how many are left out.
	r = w.sayIn("初一3班教师群", "王老师", "/mine")
	must(t, r, "#11 张三：本周辅导 0/2次", "另有1件和学生的类别有关，只在私聊里列出")
	mustNot(t, r, "外出务工", "在家照看", "家访", "（爸爸）", "留守")

	// A new week owes the week's items again; the month's stay done.
	w.now = time.Date(2026, 11, 30, 9, 0, 0, 0, shanghai)
	r = w.say("王老师", "/mine")
	must(t, r, "#14 张三：本周与外出务工的父母沟通 0/1次")
	mustNot(t, r, "#15")
}

// A county's own rules replace the defaults: only what they name is owed.
func TestOwnRulesReplaceTheDefaults(t *testing.T) {
	w := school(t)
	rules := []cadence.Rule{{Name: "每两周家访", Categories: []string{"学困"}, Kind: cadence.KindVisit, Every: cadence.EveryMonth, Times: 2}}
	if err := cadence.Check(rules, knownCategory); err != nil {
		t.Fatal(err)
	}
	w.h.Cadences = rules
	r := w.say("王老师", "/mine")
	must(t, r, "#11 张三：本月每两周家访 0/2次")
	mustNot(t, r, "通话", "辅导 0/2")
	must(t, w.say("王老师", "/完成 #11 看了孩子的书桌"), "已记下：张三（初一3班） 每两周家访 ✓（家访")
	must(t, w.say("王老师", "/mine"), "#11 张三：本月每两周家访 1/2次")
	for _, bad := range [][]cadence.Rule{
		{{Name: "x", Kind: "call", Every: "week", Times: 1}},
		{{Name: "x", Kind: "contact", Every: "fortnight", Times: 1}},
		{{Name: "x", Kind: "contact", Every: "week", Times: 1, Categories: []string{"差生"}}},
		{{Name: "x", Kind: "contact", Every: "week"}},
	} {
		if err := cadence.Check(bad, knownCategory); err == nil || strings.Contains(err.Error(), "%!") {
			t.Errorf("accepted %+v (%v)", bad, err)
		}
	}
}

// An owed list is answered as teachers write it: 完成了, 做完了, or the
// code first (#13 完成).
func TestAnOwedItemIsAnsweredAsTeachersWriteIt(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "#13 完成"), "已记下：张三（初一3班） 导师与家长沟通 ✓")
	must(t, w.say("王老师", "完成了 #13 电话 妈妈"), "导师与家长沟通 ✓（电话·妈妈")
	must(t, w.say("王老师", "做完了 #16"), "家访 ✓")
	must(t, w.say("王老师", "#14 完成了 视频 爸爸 孩子给爸爸看了奖状"), "与外出务工的父母沟通 ✓（视频·爸爸")
	if got := w.say("王老师", "13 完成"); got != "" { // a bare number first is not taken for a code
		t.Errorf("answered: %q", got)
	}
}
