package commands

import (
	"testing"
	"time"
)

// A father working away answers the weekend's nudge with one word; it is
// kept on the child's file (not as a contact of the school), shown with
// the guardians, and the mentor sees a family silent for two weeks.
func TestAFamilyCallIsKeptFromOneWord(t *testing.T) {
	w := school(t) // 张三 is 留守; 张三妈妈 is bound
	w.say("王老师", "/监护人 添加 张三 妈妈 在浙江义乌务工")
	w.now = wed.AddDate(0, 0, 14) // two weeks on: nobody has called
	must(t, w.say("王老师", "/mine"), "两周没和在外务工的家人通电话：张三")
	mustNot(t, w.sayIn("初一3班教师群", "王老师", "/mine"), "两周没和", "务工") // it tells whose parents work away

	must(t, w.say("张三妈妈", "打了！"), "记下了：您和张三通了电话")
	if n := w.queuedFor("dm:王老师", "打了"); n != 0 {
		t.Fatalf("the one word was relayed as a message (%d)", n)
	}
	must(t, w.say("张三妈妈", "打了"), "记下了") // twice a day counts once
	st, _ := w.st.StudentsNamed("张三")
	if len(st) != 1 || len(st[0].Calls) != 1 || st[0].Calls[0].Relation != "妈妈" {
		t.Fatalf("calls kept: %+v", st)
	}
	must(t, w.say("王老师", "/监护人 张三"), "最近一次给孩子打电话12月9日（周三）")
	mustNot(t, w.say("王老师", "/mine"), "两周没和")
	mustNot(t, w.say("王老师", "/status 张三"), "本月家长沟通：1次") // a family call is not the school's contact

	// A parent not working away who writes 打了 is writing to the teacher.
	w.say("王老师", "/监护人 修改 张三 妈妈 在家照看")
	w.now = w.now.Add(time.Hour)
	must(t, w.say("张三妈妈", "打了"), "已转给")
}
