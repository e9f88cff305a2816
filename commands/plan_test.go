package commands

import (
	"strings"
	"testing"
	"time"
)

// A mentor writes 张三's plan in one line, completes it later part by part,
// and only the people on the plan's need-to-know list ever see it.
func TestPlanIsWrittenInOneLineAndSeenOnlyByThoseResponsible(t *testing.T) {
	w := school(t)
	must(t, w.join("赵老师", w.say("校长", "/invite teacher")), "老师")

	r := w.say("王老师", "/计划 张三 原因：分数运算不熟，作业拖拉 近期目标：每天按时交作业 措施：每周二、四午间辅导")
	must(t, r, "已为张三（初一3班）建立帮扶计划", "原因分析：分数运算不熟，作业拖拉", "近期目标：每天按时交作业",
		"学期目标：（还没写）", "措施：每周二、四午间辅导", "11月25日（周三）开始", "责任教师：王老师")
	// One part more, the rest kept; a responsible teacher and a review date.
	r = w.say("王老师", "/帮扶计划 张三 学期目标：数学及格，目标是70分 复查：12月31日 责任：赵老师")
	must(t, r, "已更新张三（初一3班）的帮扶计划", "学期目标：数学及格，目标是70分", "近期目标：每天按时交作业", "复查：12月31日（周四）", "责任教师：赵老师")

	// The responsible teacher sees it; a teacher of the class who is
	// neither head, mentor nor responsible does not, nor does a parent.
	must(t, w.say("赵老师", "/plan 张三"), "措施：每周二、四午间辅导")
	must(t, w.join("钱老师", w.say("李老师", "/invite teacher 初一3班")), "初一3班的老师")
	r = w.say("钱老师", "/计划 张三")
	must(t, r, "只有班主任、导师、计划的责任教师和学校管理员")
	mustNot(t, r, "分数运算")
	mustNot(t, w.say("张三妈妈", "/计划 张三"), "分数运算", "拖拉")
	// Never in a group, not even for the mentor.
	r = w.sayIn("初一3班教师群", "王老师", "/计划 张三")
	mustNot(t, r, "分数运算", "拖拉", "午间辅导")

	// Every write and read is in the audit log.
	var actions []string
	for _, e := range w.audited("plan.") {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, ",") != "plan.set,plan.set,plan.read" {
		t.Fatalf("audited %v", actions)
	}
}

func TestPlanBadLinesStoreNothing(t *testing.T) {
	w := school(t)
	for line, want := range map[string]string{
		"/计划 张三 数学不好要多辅导":                       "每一项前面写上名称和冒号",
		"/计划 张三 基础差 措施：午间辅导":                    "“基础差”前面没有写是哪一项",
		"/计划 张三 原因： 措施：午间辅导":                    "“原因：”后面没有写内容",
		"/计划 张三 措施：午间辅导 措施：周末":                  "“措施”这一项写了两次",
		"/计划 张三 措施：午间辅导 复查：2026-11-01":          "不是将来的日子",
		"/计划 张三 措施：午间辅导 复查：11月20日":              "不是将来的日子",
		"/计划 张三 措施：午间辅导 复查：2028-01-01":          "在一年以后了",
		"/计划 张三 措施：午间辅导 复查：明年吧":                 "复查日期“明年吧”看不懂",
		"/计划 张三 措施：午间辅导 责任：孙老师":                 "没有找到叫“孙老师”的老师",
		"/计划 张三 原因：" + strings.Repeat("长", 301): "最多300个字",
	} {
		r := w.say("王老师", line)
		must(t, r, want)
		if !strings.Contains(r, "/计划 张三 原因：") && !strings.Contains(want, "孙老师") {
			t.Errorf("%q: no example in %q", line, r)
		}
	}
	must(t, w.say("王老师", "/计划 张三"), "张三（初一3班）还没有帮扶计划", "/计划 张三 原因：")
}

// A stage review a month, asked where it is owed; ending the plan ends the
// support (and /student close ends the plan), and the student leaves the
// lists of what is owed.
func TestPlanReviewsMonthlyAndEndsWithTheSupport(t *testing.T) {
	w := school(t)
	must(t, w.say("李老师", "/计划"), "张三（初一3班） 还没有帮扶计划", "李四（初一3班） 还没有帮扶计划", "写张三的帮扶计划")
	must(t, w.say("王老师", "/评估 张三 作业按时交了"), "还没有在执行的帮扶计划", "/计划 张三 原因：")
	must(t, w.say("王老师", "/mine"), "写张三的帮扶计划（/计划 张三）")
	w.say("王老师", "/计划 张三 措施：午间辅导")
	// 李四 has no mentor: his head teacher answers for the plan, by name.
	must(t, w.say("李老师", "/计划 李四 措施：同桌互助"), "责任教师：李老师（班主任）")

	// November's plan owes no November review; in December it does.
	must(t, w.say("王老师", "/计划"), "张三（初一3班） 计划执行中 ✓")
	w.now = time.Date(2026, 12, 10, 9, 0, 0, 0, shanghai)
	must(t, w.say("王老师", "/计划"), "12月还没写阶段性评估", "写张三12月的阶段性评估")
	must(t, w.say("王老师", "/计划 张三"), "本月还没写阶段性评估，一句话就行：/评估 张三")
	must(t, w.say("王老师", "/mine"), "写张三12月的阶段性评估（/评估 张三 …）")
	mustNot(t, w.sayIn("初一3班教师群", "王老师", "/mine"), "午间辅导")
	must(t, w.say("王老师", "/评估 张三 这个月作业能按时交了，小测从52分到61分"), "已记下张三（初一3班）12月的阶段性评估（第1次）")
	r := w.say("王老师", "/计划 张三")
	must(t, r, "阶段性评估（1次）", "12月10日（周四） 王老师：这个月作业能按时交了，小测从52分到61分")
	mustNot(t, r, "本月还没写")
	must(t, w.say("王老师", "/计划"), "张三（初一3班） 计划执行中 ✓")

	// The mentor may not end it; the head teacher does, and the support ends.
	must(t, w.say("王老师", "/计划 结束 张三 已转化"), "只有班主任（本班）和学校管理员可以用 /计划 结束")
	must(t, w.say("李老师", "/计划 结束 张三"), "请写上结果", "/计划 结束 张三 已转化")
	must(t, w.say("李老师", "/计划 结束 张三 已转化"), "张三（初一3班）的帮扶计划已结束（结果：已转化），帮扶也一起结束了")
	must(t, w.say("李老师", "/计划 张三"), "结果：已转化（12月10日（周四）结束）")
	must(t, w.say("王老师", "/评估 张三 又进步了"), "帮扶已经结束")
	mustNot(t, w.say("王老师", "/mine"), "张三（初一3班）")
	mustNot(t, w.say("李老师", "/计划"), "张三（初一3班）")

	// /student close ends 李四's plan the same way.
	must(t, w.say("李老师", "/student close 李四 转学"), "已结束李四（初一3班）的帮扶")
	must(t, w.say("李老师", "/计划 李四"), "结果：转学")
	// A student whose support ended without a plan is not offered one.
	w.say("校长", "/student add 初一3班 王五")
	w.say("李老师", "/student close 王五 已转化")
	r = w.say("李老师", "/计划 王五")
	must(t, r, "王五（初一3班）没有帮扶计划；帮扶已经结束（已转化）")
	mustNot(t, r, "写一行就行")
}

// A plan written as a short exchange: each plain answer is saved as it
// comes; a command in between is answered as usual; 跳过 skips a part.
func TestAPlanCanBeWrittenQuestionByQuestion(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/计划 张三"), "还没有帮扶计划", "一问一答", "张三为什么需要帮扶")
	must(t, w.say("王老师", "分数运算不熟，作业拖拉"), "记下了。近期（这个月）的目标是什么")
	must(t, w.say("王老师", "/status 张三"), "张三（初一3班）") // a command meanwhile
	must(t, w.say("王老师", "跳过"), "好，这一项先空着。这学期的目标呢")
	must(t, w.say("王老师", "数学及格"), "打算怎么帮")
	must(t, w.say("王老师", "每周二、四午间辅导"), "什么时候复查")
	// The review day is a day to come; another is asked for again.
	must(t, w.say("王老师", "上周五"), "不是将来的日子", "例如：下周五")
	r := w.say("王老师", "下周五")
	must(t, r, "好了，张三（初一3班）的帮扶计划写好了", "原因分析：分数运算不熟，作业拖拉", "近期目标：（还没写）", "学期目标：数学及格", "措施：每周二、四午间辅导", "复查：12月4日（周五）")
	if got := w.say("王老师", "谢谢"); got != "" {
		t.Fatalf("a plain line after the exchange was answered: %q", got)
	}
	// Stopped half way: what was said is kept.
	must(t, w.say("李老师", "/计划 李四"), "一问一答")
	must(t, w.say("李老师", "同桌带着学"), "近期")
	must(t, w.say("李老师", "算了"), "先不写了", "/计划 李四 措施：")
	must(t, w.say("李老师", "/计划 李四"), "原因分析：同桌带着学")
	if n := len(w.audited("plan.set")); n != 5 {
		t.Fatalf("%d plan.set entries, want 5 (four answers and one)", n)
	}
}

// The exchange outlives a restart (and goes on with the other process of a
// pair): the next answer after it still finds its question; half an hour
// later it has lapsed and a plain line is left alone.
func TestAPlanExchangeCarriesOnAfterARestart(t *testing.T) {
	w := school(t)
	must(t, w.say("王老师", "/计划 张三"), "张三为什么需要帮扶")
	must(t, w.say("王老师", "分数运算不熟"), "近期（这个月）的目标是什么")
	w.h = New(w.st, w.st.Cal, w.st.Now, nil) // the bot restarted
	w.h.School = "示例中学"
	must(t, w.say("王老师", "每天按时交作业"), "这学期的目标呢")
	must(t, w.say("王老师", "/计划 张三"), "原因分析：分数运算不熟", "近期目标：每天按时交作业")
	w.now = w.now.Add(planAskTimeout + time.Minute)
	if got := w.say("王老师", "数学及格"); got != "" {
		t.Fatalf("a plain line after the exchange lapsed was answered: %q", got)
	}
}

// The plan's example, as the help and the replies show it, is accepted as
// written whatever the day: its review day is never one just gone.
func TestThePlanExampleIsAcceptedAsWritten(t *testing.T) {
	w := school(t)
	w.now = time.Date(2027, 1, 11, 9, 0, 0, 0, shanghai) // a day after 12月31日 went by
	must(t, w.say("王老师", planExample), "张三（初一3班）的帮扶计划", "复查：1月22日（周五）")
}
