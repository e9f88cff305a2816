package commands

// Every sentence a teacher or parent reads from this package, as functions
// with named arguments, so the wording is reviewed in one place.

func studentAlreadyListed(class, student string) string {
	return class + "已经有一位叫" + student + "的学生在帮扶名单里了。"
}

func inviteUnknown(code string) string {
	return "邀请码 " + code + " 不存在，请核对后重新输入（8位，由字母和数字组成）。"
}

func inviteUsed(code string) string {
	return "邀请码 " + code + " 已经用过了，每个邀请码只能用一次。请向发码的老师要一个新的。"
}

func inviteExpired(code string) string {
	return "邀请码 " + code + " 已过期（有效期7天）。请向发码的老师要一个新的。"
}

func inviteStudentGone() string {
	return "这个邀请码对应的学生已不在名单中，请向老师要一个新的邀请码。"
}
