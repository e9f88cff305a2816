package commands

import (
	"strings"
	"testing"
	"time"
)

// A left-behind child's register: the parents working away and the
// grandmother at home, each with their contacts counted; a change of
// carer is dated and the former one kept; only those responsible see it.
func TestGuardiansAreKeptCurrentWithTheirContacts(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/监护人 张三"), "张三（初一3班）还没有登记监护人", "/监护人 添加 张三 爸爸")
	must(t, w.say("王老师", "/监护人 添加 张三 爸爸 张建国 在广东东莞务工 13800000000"), "已登记爸爸为张三（初一3班）的监护人（现在共1位）", "/invite parent 张三 爸爸")
	must(t, w.say("王老师", "/监护人 登记 张三 妈妈 外出务工"), "现在共2位")
	must(t, w.say("李老师", "/监护人 添加 张三 奶奶 在家照看 0791-88886666"), "现在共3位")
	must(t, w.say("王老师", "/监护人 添加 张三 奶奶"), "已经登记了奶奶为监护人", "/监护人 移除 张三 奶奶")

	w.say("王老师", "/contact 张三 电话 爸爸 说了孩子这周的作业情况")
	w.say("王老师", "/contact 张三 家访 代管家长 看了孩子写作业的地方")
	w.say("王老师", "/contact 张三 面谈 奶奶 孩子早上起得晚")
	// The mother's own message is no contact the school made with her.
	w.say("张三妈妈", "老师，孩子这两天咳嗽")

	r := w.say("王老师", "/监护人 张三")
	must(t, r, "张三（初一3班）的监护人（3位）",
		"· 爸爸 张建国：在广东东莞务工，电话 13800000000，未绑定机器人，11月25日（周三）起；本月沟通1次，本学期1次，最近一次11月25日（周三）",
		"· 奶奶：在家照看，电话 0791-88886666，未绑定机器人，11月25日（周三）起；本月沟通2次，本学期2次")
	// 张三妈妈 joined with her own invite in the school fixture.
	must(t, r, "· 妈妈：外出务工，已绑定机器人，11月25日（周三）起；本月沟通0次，本学期0次")

	// Grandmother falls ill in December; the aunt takes over. Dated, kept.
	w.now = time.Date(2026, 12, 3, 9, 0, 0, 0, shanghai)
	must(t, w.say("李老师", "/监护人 移除 张三 奶奶"), "奶奶从今天起不再是张三（初一3班）的监护人")
	must(t, w.say("李老师", "/监护人 添加 张三 姑姑 在家照看"), "现在共3位")
	must(t, w.say("王老师", "/监护人 修改 张三 爸爸 在浙江义乌务工"), "已更新张三（初一3班）的监护人爸爸")
	r = w.say("王老师", "/监护人 张三")
	must(t, r, "· 爸爸 张建国：在浙江义乌务工，电话 13800000000", "· 姑姑：在家照看", "以前的监护人：\n· 奶奶：11月25日（周三）—12月3日（周四）")
	mustNot(t, r, "奶奶：在家照看")

	// Not for other teachers, parents or groups; every change audited.
	must(t, w.join("钱老师", w.say("李老师", "/invite teacher 初一3班")), "初一3班的老师")
	for _, leak := range []string{w.say("钱老师", "/监护人 张三"), w.say("张三妈妈", "/监护人 张三"), w.sayIn("初一3班教师群", "王老师", "/监护人 张三")} {
		mustNot(t, leak, "13800000000", "义乌", "姑姑")
	}
	var actions []string
	for _, e := range w.audited("guardian.") {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, ","); got != "guardian.read,guardian.add,guardian.add,guardian.add,guardian.read,guardian.remove,guardian.add,guardian.set,guardian.read" {
		t.Fatalf("audited %s", got)
	}
}

func TestGuardianBadLinesStoreNothing(t *testing.T) {
	w := school(t)
	for line, want := range map[string]string{
		"/监护人 添加 张三":                     "请写上学生和监护人是孩子的谁",
		"/监护人 添加 张三 表叔 在家照看":             "“表叔”不是孩子的哪位家人",
		"/监护人 添加 张三 代管家长":                "“代管家长”不是孩子的哪位家人",
		"/监护人 添加 张三 爸爸 138 在东莞务工":        "“138”看不懂",
		"/监护人 添加 张三 爸爸 张建国 李建国":          "“李建国”看不懂",
		"/监护人 添加 张三 爸爸 1380000 在东莞务工":    "“1380000”不像电话号码：手机是11位",
		"/监护人 添加 张三 爸爸 1380013800 在东莞务工": "“1380013800”不像电话号码",
		"/监护人 修改 张三 爸爸":                  "请写上要改的",
		"/监护人 修改 张三 爸爸 13900000000":      "张三（初一3班）没有登记爸爸为监护人",
		"/监护人 移除 张三 爸爸":                  "张三（初一3班）没有登记爸爸为监护人",
	} {
		must(t, w.say("王老师", line), want)
	}
	must(t, w.say("王老师", "/监护人 张三"), "还没有登记监护人")
	// Landlines: with the area code, or the local number alone.
	must(t, w.say("王老师", "/监护人 添加 张三 奶奶 0769-22345678 在家照看"), "已登记奶奶")
	must(t, w.say("王老师", "/监护人 添加 张三 爷爷 22345678 在家照看"), "已登记爷爷")
	must(t, w.say("王老师", "/监护人 张三"), "电话 0769-22345678", "电话 22345678")
}

// A phone number as people write it, in groups of digits, is one number.
func TestAGuardiansPhoneWrittenInGroups(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/监护人 添加 张三 爷爷 138 0000 0001"), "已登记爷爷")
	must(t, w.say("王老师", "/监护人 添加 张三 外婆 139-0000-0002 在家照看"), "已登记外婆")
	r := w.say("王老师", "/监护人 张三")
	must(t, r, "· 爷爷：", "电话 13800000001", "· 外婆：在家照看，电话 13900000002")
	// Digits that make no number are still refused.
	must(t, w.say("王老师", "/监护人 添加 张三 姑姑 138 0000"), "“138”看不懂")
}
