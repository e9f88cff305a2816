package cadence

// Every word of the rhythm a user reads: the default rules (with the
// documents they come from) and what is wrong with a rule in config.yaml.

import "fmt"

// Defaults are the rules of the seed documents, each with its source.
func Defaults() []Rule {
	return []Rule{
		{Name: "辅导", Kind: KindTutoring, Who: WhoMentor, Every: EveryWeek,
			Source: "学困生帮扶方案：共同协商制定合理的辅导方案，约定每周的辅导次数，并严格执行"},
		{Name: "班主任与家长的正式沟通", Kind: KindContact, With: WithAny, Who: WhoHead, Every: EveryMonth, Times: 1,
			Source: "后进生转化工作方案：班主任每月至少与后进生家长进行一次有针对性的正式沟通（可通过电话、微信、面谈等方式）"},
		{Name: "导师与家长沟通", Kind: KindContact, With: WithAny, Who: WhoMentor, Every: EverySemester, Times: 2,
			Source: "成长导师制实施方案：依据学生的成长发展需要，及时与其家长或监护人联系，共同研讨教育对策"},
		{Name: "与外出务工的父母沟通", Categories: []string{"留守儿童"}, Kind: KindContact, With: WithAway, Who: WhoMentor, Every: EveryWeek, Times: 1,
			Source: "学困生帮扶经验：与学生本人和其中远在他乡的学生父母、在家照看学生的第二监护人保持“三沟通”"},
		{Name: "与在家照看的家人沟通", Categories: []string{"留守儿童"}, Kind: KindContact, With: WithHome, Who: WhoMentor, Every: EveryMonth, Times: 1,
			Source: "学困生帮扶经验：实行班主任或任课老师和“代管家长”协同管理的“双管理”制度"},
		{Name: "家访", Categories: []string{"留守儿童"}, Kind: KindVisit, Who: WhoMentor, Every: EverySemester, Times: 1,
			Source: "学困生转化工作：要经常家访，随时了解学生在家中的情况和思想动态"},
	}
}

func tooManyRules(max int) string { return fmt.Sprintf("最多%d条", max) }

func nameMissing() string { return "：请写上名称" }

func nameTwice(name string) string { return fmt.Sprintf("：“%s”写了两次", name) }

func badKind(kind string) string {
	return fmt.Sprintf("：%q 要写 tutoring（辅导）、contact（家校沟通）或 visit（家访）", kind)
}

func badEvery(every string) string {
	return fmt.Sprintf("：%q 要写 week、month 或 semester", every)
}

func badTimes() string { return "：次数要在0到20之间" }

func timesNeeded() string { return "：家校沟通和家访要写至少1次" }

func agreedIsWeekly() string {
	return "：不写次数是“每周约定的辅导次数”，只能配 every: week"
}

func badWho(who string) string {
	return fmt.Sprintf("：%q 要写 mentor（导师）或 head（班主任）", who)
}

func badWith(with string) string {
	return fmt.Sprintf("：%q 要写 any、away（外出务工的父母）或 home（在家照看的家人）", with)
}

func unknownCategory(c string) string { return fmt.Sprintf("：不认识的类别 %q", c) }

// PeriodWord is a rule's period as lists say it: 本周, 本月, 本学期.
func PeriodWord(every string) string {
	switch every {
	case EveryWeek:
		return "本周"
	case EveryMonth:
		return "本月"
	}
	return "本学期"
}
