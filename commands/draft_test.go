package commands

import (
	"fmt"
	"strings"
	"testing"

	"bangfu/commands/report"
)

// The mentor's semester comment is drafted from the records, each sentence
// naming the records it came from; one reply takes it, and the comment
// keeps those sources. No label, no note, no contact reaches it.
func TestACommentIsDraftedFromTheRecordsAndTakenInOneReply(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学辅导 30分钟 周一 家里没人管")
	w.say("王老师", "/log 张三 学困生英语补习 1小时")
	w.say("王老师", "/contact 张三 电话 妈妈 孩子最近情绪低落")
	w.say("王老师", "/praise 张三 这周数学作业全对，上课主动举手")
	w.say("王老师", "/praise 张三 主动帮同学讲题！")
	recs, _ := w.st.History(mustStudent(t, w, "张三").ID, 10)
	nos := map[string]uint64{}
	for _, rec := range recs {
		switch {
		case rec.Session != nil:
			nos[rec.Session.Subject] = rec.No()
		case rec.Praise != nil:
			nos[rec.Praise.Text] = rec.No()
		}
	}
	r := w.say("王老师", "/评语 草稿 张三")
	must(t, r, "张三（初一3班）本学期评语的草稿",
		fmt.Sprintf("这学期你和老师一起学习了2次，学了数学、课后辅导，一共1小时30分钟。【#%d #%d】", nos["数学辅导"], nos["学困生英语补习"]),
		fmt.Sprintf("老师记得：这周数学作业全对，上课主动举手。【#%d】", nos["这周数学作业全对，上课主动举手"]),
		fmt.Sprintf("老师记得：主动帮同学讲题。【#%d】", nos["主动帮同学讲题！"]),
		"希望你下学期继续努力，老师相信你会越来越好！【固定的鼓励语】", "/评语 采用 张三")
	draft := r[strings.Index(r, "\n")+1 : strings.LastIndex(r, "\n")]
	if w := report.BannedWordIn(draft); w != "" || strings.Contains(draft, "没人管") || strings.Contains(draft, "情绪低落") || strings.Contains(draft, "留守") {
		t.Fatalf("the draft carries a label or a note (%q):\n%s", w, draft)
	}
	// Not another teacher's to draft.
	must(t, w.join("钱老师", w.say("李老师", "/invite teacher 初一3班")), "初一3班的老师")
	must(t, w.say("钱老师", "/评语 草稿 张三"), "导师")

	// One reply takes it: the comment is the draft, with its sources.
	r = w.say("王老师", "/评语 张三 采用")
	must(t, r, "这学期你和老师一起学习了2次", "希望你下学期继续努力")
	cs, _ := w.st.Comments(mustStudent(t, w, "张三").ID, "")
	if len(cs) != 1 || !strings.HasPrefix(cs[0].Text, "这学期你和老师一起学习了2次") || len(cs[0].Sources) != 4 {
		t.Fatalf("the comment taken from the draft: %+v", cs)
	}
	// A student with nothing recorded has no draft.
	must(t, w.say("李老师", "/评语 草稿 李四"), "还没有辅导和进步的记录，没法根据记录起草")
	must(t, w.say("李老师", "/评语 采用 李四"), "没法根据记录起草")
	if cs, _ := w.st.Comments(mustStudent(t, w, "李四").ID, ""); len(cs) != 0 {
		t.Fatalf("an empty draft was stored: %+v", cs)
	}
}

// The draft says before it is taken that taking it replaces the comment the
// teacher wrote themselves; with none written, it says nothing of it.
func TestADraftWarnsItWouldReplaceTheTeachersComment(t *testing.T) {
	w := school(t)
	w.say("王老师", "/log 张三 数学 30分钟")
	mustNot(t, w.say("王老师", "/评语 草稿 张三"), "会替换")
	w.say("王老师", "/评语 张三 本学期进步明显，希望继续保持")
	must(t, w.say("王老师", "/评语 草稿 张三"), "注意：你已经写过张三本学期的评语，采用草稿会替换它（原来的看：/评语 张三）")
	// Another teacher's comment is not the head teacher's to lose.
	mustNot(t, w.say("李老师", "/评语 草稿 张三"), "会替换")
}
