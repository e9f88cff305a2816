package main

// Every line the command line prints for a person, as functions with named
// arguments, so the wording is reviewed in one place. Errors from Go are
// printed after "bangfu:" for the school's IT person; nothing here reaches a
// chat.

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"bangfu/commands"
	"time"

	"bangfu/storage"
	"bangfu/storage/bolt"
)

const usageText = `用法 / usage: bangfu [-config config.yaml] [-school 学校] <命令>

  配置里有 schools 列表（一个县的几所学校）时，run 同时服务全部学校；其余命令用 -school 指明一所。

  run                          启动机器人（默认）；没有配置任何账号时打开终端聊天
  invite admin                 生成学校管理员的一次性邀请码
  invite teacher [班级] [班主任]  生成老师（或班主任）的一次性邀请码
  import <名单.xlsx|名单.csv>    导入帮扶学生名单（全部正确才导入，重复导入不会重复添加）
  import --template <模板.xlsx>  生成名单模板
  export <文件.xlsx> [班级] [上学期]  导出帮扶档案（全校或一个班；写“上学期”导出上个学期的存档）
  backup <文件>                 在运行中也能做一致的数据库备份
  check [数据库文件]             检查数据库文件是否完好（不写文件就检查配置里的数据库）
  reminders preview [--at T] [--all]  预览某个时刻（RFC3339）会发的定时消息，不发送、不记录；其余一行汇总，--all 全部列出
  wecom-parents                从企业微信家校通讯录绑定帮扶学生的家长（要配置自建应用）；可重复运行
  migrate --to postgres://…    把 bbolt 数据库文件整个复制进 PostgreSQL（可重复运行，核对数量）
  migrate --from postgres://… --to <文件>  反过来，从 PostgreSQL 复制成一个 bbolt 文件（备份）
  version                      显示版本
`

func unknownSubcommand(name string) string {
	return fmt.Sprintf("bangfu: 不认识的命令 %q\n\n%s", name, usageText)
}

func usageOf(sub string) string {
	switch sub {
	case "invite":
		return "用法：bangfu invite admin | bangfu invite teacher [班级] [班主任]"
	case "import":
		return "用法：bangfu import <名单.xlsx|名单.csv>  或  bangfu import --template <模板.xlsx>"
	case "export":
		return "用法：bangfu export <文件.xlsx> [班级] [上学期]"
	case "backup":
		return "用法：bangfu backup <文件>"
	case "check":
		return "用法：bangfu check [数据库文件]"
	case "reminders":
		return "用法：bangfu reminders preview [--at 2026-11-20T16:00:00+08:00] [--all]"
	case "wecom-parents":
		return "用法：bangfu wecom-parents"
	case "migrate":
		return "用法：bangfu migrate --to postgres://用户:密码@主机/库  或  bangfu migrate --from postgres://… --to <文件>"
	}
	return usageText
}

func badPreviewTime() string {
	return "bangfu: --at 要写成 RFC3339 时间，例如 2026-11-20T16:00:00+08:00"
}

func noPlatform() string {
	return "bangfu: 没有启用任何平台（telegram.enabled、wechat.enabled、console.enabled 都是 false）。"
}

func templateWritten(path string) string {
	return fmt.Sprintf("已生成名单模板：%s（表头和一行例子；填好后 bangfu import %s）", path, path)
}

func backedUp(path string, size int64) string {
	return fmt.Sprintf("已备份到 %s（%d 字节，已写入磁盘）", path, size)
}

func backupFailed(err error) string { return "备份失败 / backup failed: " + err.Error() }

func previewHeading(at time.Time, zone string) string {
	return fmt.Sprintf("定时消息预览：%s（%s）\n", at.Format("2006-01-02 15:04"), zone)
}

func previewFailed(err error) string { return "预览失败 / preview failed: " + err.Error() }

func cannotRead(path string) string { return "读不到文件 " + path }

func imported(added, updated, unchanged int, warnings []string) string {
	text := fmt.Sprintf("导入完成：新增%d人，更新%d人，没有变化%d人。", added, updated, unchanged)
	for _, w := range warnings {
		text += "\n注意：" + w
	}
	return text
}

func noSuchClass(name string) string { return "没有这个班级：" + name }

func exportFailed(err error) string { return "导出失败 / export failed: " + err.Error() }

func cannotWrite(err error) string { return "写不了文件：" + err.Error() }

func noLastTerm() string {
	return "还没有上学期的记录：bangfu 记下的第一个学期就是现在这个。"
}

func exported(path string, size int) string {
	return fmt.Sprintf("已导出 %s（%d 字节，含学生隐私，请妥善保管）", path, size)
}

// inviteIssued keeps the code alone on the last line, for scripts.
func inviteIssued(who, code string) string {
	return fmt.Sprintf("邀请码（%s，7天内有效，只能用一次）：\n请把下面的码发给对方，让他/她私聊机器人发送 /join 邀请码。\n%s", who, code)
}

func inviteeAdmin() string { return "学校管理员" }

// headHandsOver warns that the class already has a head teacher, whom the
// code's user takes over from.
func headHandsOver(role, heads string) string {
	return fmt.Sprintf("注意：%s现在是%s。用这个码加入的老师接任班主任；%s仍是本班老师，记录都保留。", heads, role, heads)
}

func headNeedsClass() string { return "邀请班主任要写上班级。" }

func unknownInviteWord(word string) string { return fmt.Sprintf("不认识“%s”。", word) }

func unknownOperation() string { return "不认识的操作" }

func pathMustBeAbsolute() string { return "file path must be absolute" }

func badRequest() string { return "bad request" }

func importProgress() string { return "导入名单" }

func defaultSchoolName() string {
	return "示例中学"
}

// openFailed is the one line an operator reads when the database does not
// open: Chinese first, the file named, what to do.
func openFailed(path string, err error) string {
	switch storage.ErrorCode(err) {
	case storage.ECorrupt:
		return fmt.Sprintf("bangfu: 数据库文件 %s 已损坏（%s），机器人没有启动，也没有改动这个文件。请从备份恢复：先把它改名留存，再 cp <备份文件> %s，然后用 bangfu check 检查后启动。\n"+
			"bangfu: the database file %s is damaged (%s); nothing was started or changed. Restore it from a backup (move it aside, cp <backup> %s, bangfu check, then start).",
			path, damageWords(err), path, path, err, path)
	case storage.ELocked:
		return fmt.Sprintf("bangfu: 数据库文件 %s 正被另一个 bangfu 使用。同一个文件只能开一个机器人：先停掉那一个；运行中要复制请用 bangfu backup <文件>。\n"+
			"bangfu: %s is in use by another bangfu; stop it first, or use bangfu backup to copy it while it runs.", path, path)
	}
	if strings.HasPrefix(path, "postgres") {
		return fmt.Sprintf("bangfu: 连不上 PostgreSQL 数据库 %s：%v（请检查 storage.url 或 BANGFU_DATABASE_URL、数据库是否在运行）\nbangfu: cannot open the database %s: %v", path, err, path, err)
	}
	return fmt.Sprintf("bangfu: 打不开数据库文件 %s：%v\nbangfu: cannot open the database %s: %v", path, err, path, err)
}

// damageWords says what is wrong with a damaged file.
func damageWords(err error) string {
	var e *storage.Error
	if !errors.As(err, &e) {
		return "无法读取"
	}
	switch e.Reason {
	case bolt.DamageEmpty:
		return "文件是空的，0字节"
	case bolt.DamageNoMeta:
		return "文件头坏了"
	case bolt.DamageTruncated:
		return "文件被截断了，比应有的短"
	case bolt.DamageRecord:
		return "有记录读不出来"
	}
	return "内部页面不一致"
}

func checkPassed(path string) string {
	return fmt.Sprintf("数据库文件 %s 完好。 / %s is sound.", path, path)
}

// backupFailedNotice tells the admins in chat; the cause is in the log.
func backupFailedNotice(dir string) string {
	return fmt.Sprintf("定时备份失败了（备份文件夹 %s）。请学校的电脑管理员看一下磁盘空间和文件夹权限；原因写在机器人的日志里。恢复之前不会再重复提醒。", dir)
}

// ---- config.yaml: every error names its key, Chinese first ----

func configUnreadable(path string, err error) string {
	return fmt.Sprintf("读不了配置文件 %s（%v）。", path, err)
}

func configSyntax(path, detail string, data []byte) string {
	if key, ok := strings.CutPrefix(detail, "unmarshal errors:\n  "); ok {
		detail = key
	}
	if i := strings.Index(detail, "field "); i >= 0 && strings.Contains(detail, "not found in type") {
		name := strings.Fields(detail[i+len("field "):])[0]
		where := strings.TrimSuffix(strings.TrimSpace(detail[:i]), ":")
		if n, ok := strings.CutPrefix(where, "line "); ok {
			where = "第" + n + "行"
		}
		return fmt.Sprintf("配置文件 %s 有不认识的键 %s（%s）：请对照 config.example.yaml 检查拼写和缩进。", path, name, where)
	}
	if lines := typeMismatches(detail, data); lines != nil {
		return fmt.Sprintf("配置文件 %s 有写法不对的地方（请对照 config.example.yaml）：\n%s", path, strings.Join(lines, "\n"))
	}
	return fmt.Sprintf("配置文件 %s 的格式不对：%s（请对照 config.example.yaml）。", path, detail)
}

// yamlMismatch is one line of yaml.v3's type errors: "line 1: cannot
// unmarshal !!str `一中` into struct { Name string … }".
// Compiled when a config has an error, not at every start.
var yamlMismatch = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")
})

// yamlKeyAt is the key of the 1-based line n; for a list's item ("- a"),
// the key of the list it is in.
func yamlKeyAt(src []string, n int) string {
	if n < 1 || n > len(src) {
		return ""
	}
	line := src[n-1]
	trimmed := strings.TrimSpace(line)
	if strings.HasPrefix(trimmed, "-") {
		indent := len(line) - len(strings.TrimLeft(line, " "))
		for i := n - 2; i >= 0; i-- {
			up := src[i]
			if t := strings.TrimSpace(up); t != "" && !strings.HasPrefix(t, "#") && len(up)-len(strings.TrimLeft(up, " ")) <= indent && !strings.HasPrefix(t, "-") {
				trimmed = t
				break
			}
		}
	}
	k, _, _ := strings.Cut(trimmed, ":")
	return strings.TrimSpace(strings.TrimPrefix(k, "- "))
}

// typeMismatches words yaml's type errors for the school's IT person: the
// line and its key, what belongs there and what was written, without Go's
// names of types. nil when detail is not only such errors.
func typeMismatches(detail string, data []byte) []string {
	src := strings.Split(string(data), "\n")
	var out []string
	for _, l := range strings.Split(detail, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		m := yamlMismatch().FindStringSubmatch(l)
		if m == nil {
			return nil
		}
		n, _ := strconv.Atoi(m[1])
		key := yamlKeyAt(src, n)
		got := map[string]string{"map": "一组设置", "seq": "一个列表"}[m[2]]
		if got == "" {
			got = "“" + m[3] + "”"
		}
		var want string
		switch into := m[4]; {
		case strings.HasPrefix(into, "struct"), strings.HasPrefix(into, "map["), strings.HasPrefix(into, "main."):
			want = "一组设置（在下面几行缩进写“键: 值”）"
		case strings.HasPrefix(into, "[]"):
			want = "一个列表（每项一行，以“- ”开头）"
		case strings.HasPrefix(into, "int"), strings.HasPrefix(into, "uint"):
			want = "一个整数"
		case into == "bool":
			want = " true 或 false"
		default:
			want = "一段文字"
		}
		where := "第" + m[1] + "行"
		if key != "" {
			where += "的 " + key
		}
		out = append(out, fmt.Sprintf("%s：这里要写%s，写的却是%s。", where, want, got))
	}
	return out
}

func configInvalid(path, detail string) string {
	return fmt.Sprintf("配置文件 %s 有错：%s", path, detail)
}

func mustNotBeEmpty() string { return "不能为空" }

func notADuration(v string) string {
	return fmt.Sprintf("%q 不是一分钟以上的时长（写成 24h 或 12h）", v)
}

func atLeastOne() string { return "至少要留 1 份" }

func secretMissing(enabledKey, env string) string {
	return fmt.Sprintf("%s 为 true 时不能为空（写在这里，或设置环境变量 %s）", enabledKey, env)
}

func unknownZone(v string) string {
	return fmt.Sprintf("不认识的时区 %q（例如 Asia/Shanghai）", v)
}

func notADate(v string) string {
	return fmt.Sprintf("%q 不是日期，要写成 2026-09-01 这样", v)
}

func endNotAfterStart(end, start string) string {
	return fmt.Sprintf("%q 不在学期开始 %q 之后", end, start)
}

func notARange(v string) string {
	return fmt.Sprintf("%q 不是日期或区间，要写成 2026-10-01 或 2026-10-01..2026-10-07", v)
}

func makeupNotWeekend(v string) string {
	return fmt.Sprintf("%q 是工作日；调休上课的日子是周六或周日", v)
}

func notAGrade(g int) string { return fmt.Sprintf("%d 不是 1 到 12 的年级", g) }

func notAClock(v string) string { return fmt.Sprintf("%q 不是时间，要写成 21:30 这样", v) }

func badCron(expr string, err error) string {
	return fmt.Sprintf("%q 不是 cron 表达式（分 时 日 月 周，例如 \"0 16 20 * *\"）：%v", expr, err)
}

func wecomNeeds(key string) string {
	return fmt.Sprintf("wecom.enabled 为 true 时要写 %s", key)
}

func wecomAppIncomplete(missing string) string {
	return fmt.Sprintf("自建应用要 corp_id、agent_id 和 secret 三项都写（还缺 %s）；不用自建应用就三项都留空", missing)
}

func notAURL(v string) string {
	return fmt.Sprintf("%q 不是网址（测试时写 ws://127.0.0.1:端口）", v)
}

func wecomAppNeeded() string {
	return "要先在 config.yaml 里打开 wecom 并填好自建应用（wecom.app 的 corp_id、agent_id、secret），才能读取家校通讯录。"
}

func directoryFailed(err error) string {
	return fmt.Sprintf("读取企业微信家校通讯录失败：%v（请确认自建应用已加入「家校沟通 → 读取家校通讯录的应用」或「家长可使用的应用」，服务器 IP 在应用的可信 IP 里）", err)
}

func directoryLinked(total int, rep commands.DirectoryReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "家校通讯录共%d个学生，其中%d个在帮扶名单里：新绑定%d位家长，%d位原来就绑定了。", total, rep.Students, rep.Linked, rep.Already)
	if len(rep.NotFollowing) > 0 {
		fmt.Fprintf(&b, "\n还没关注“学校通知”的家长（关注前收不到消息）：%s", strings.Join(rep.NotFollowing, "、"))
	}
	if n := len(rep.NotFound); n > 0 && n <= 50 {
		fmt.Fprintf(&b, "\n这些学生不在帮扶名单里（不用处理）：%s", strings.Join(rep.NotFound, "、"))
	} else if n > 50 {
		fmt.Fprintf(&b, "\n另有%d个学生不在帮扶名单里（不用处理）。", n)
	}
	return b.String()
}

func notAFile(op string) string {
	return fmt.Sprintf("数据库是 PostgreSQL（storage.url），%s 只用于 bbolt 数据库文件：请用 PostgreSQL 自己的工具（pg_dump、pg_basebackup、复制）备份和检查。", op)
}

// copiedWhat names what a migration counts, as the school's IT person
// reads it; the table's own name follows for the database's side.
var copiedWhat = map[string]string{
	"audit": "审计记录", "classes": "班级", "comments": "评语", "contacts": "家校沟通", "groups": "群",
	"invites": "邀请码", "meetings": "家长会", "outbox": "待发消息", "outbox_keys": "已发定时消息",
	"people": "老师和家长", "platform_state": "聊天账号状态", "praise": "进步记录", "processed": "已处理的消息",
	"replies": "待补发的回复", "sessions": "辅导记录", "students": "学生", "terms": "学期",
}

func copiedName(k string) string {
	if n, ok := copiedWhat[k]; ok {
		return n + "（" + k + "）"
	}
	return k
}

func migrated(from, to string, counts map[string]int) string {
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "已把 %s 复制到 %s，两边核对一致：", from, to)
	for i, k := range keys {
		if i > 0 {
			b.WriteString("，")
		}
		fmt.Fprintf(&b, "%s %d", copiedName(k), counts[k])
	}
	b.WriteString("。")
	return b.String()
}

func migrateMismatch(what string, src, dst int) string {
	return fmt.Sprintf("复制后数量不一致：%s 源 %d、目标 %d。目标没有被当作完成，请再运行一次或联系维护者。", copiedName(what), src, dst)
}

func migrateStopFirst(path string) string {
	return fmt.Sprintf("%s 正被运行中的 bangfu 使用：迁移要一次复制完整的数据，请先停掉机器人再运行 bangfu migrate。", path)
}

// ---- schools: and county: ----

func countyWithoutSchools() string {
	return "county 只在有 schools 列表时才用：先在 schools 下写上各学校"
}

func schemaWithSchools() string {
	return "有 schools 列表时不写 storage.schema：每所学校的数据在以它的 key 命名的 schema 里"
}

func accountsUnderSchools() string {
	return "有 schools 列表时，Telegram、微信、企业微信的账号写在各自学校下面（例如 schools[0].telegram），一个账号只服务一所学校"
}

func duplicateSchool(v string) string {
	return fmt.Sprintf("“%s”已经用过了，每所学校的 key 和 name 都要不同", v)
}

func notAnAccount(v string) string {
	return fmt.Sprintf("“%s”要写成 平台:账号，例如 telegram:123456789（县级管理员给机器人发 /county 就能看到自己的）", v)
}

func schoolEntryShape() string {
	return "每所学校写成 key: yizhong、name: 第一中学 这样的几行"
}

func unknownSchoolKey(line int) string {
	return fmt.Sprintf("第%d行：学校下面不认识这个键；可以写 key、url、%s 和 %s", line,
		strings.Join(schoolEntryKeys, "、"), strings.Join(schoolEntryParts, "、"))
}

func badSchoolKey(v string) string {
	return fmt.Sprintf("“%s”不能做学校的 key：用小写字母开头的字母、数字、下划线，最多 30 个，例如 yizhong", v)
}

func noSchoolsList(which string) string {
	return fmt.Sprintf("配置里没有 schools 列表，只有一所学校，不用写 --school %s", which)
}

func chooseSchool(keys string) string {
	return "配置里有几所学校，请用 --school 指明是哪一所：" + keys
}

func unknownSchool(which, keys string) string {
	return fmt.Sprintf("配置里没有学校“%s”；有：%s", which, keys)
}

func sharedAndOwn(platform string) string {
	return fmt.Sprintf("county.%s 已经是全县共用的账号，这所学校不能再有自己的 %s 账号（同一个平台上一个人只加一个机器人）", platform, platform)
}
