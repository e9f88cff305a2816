// Package schoolgen fills a database with a big school and a year of
// records, deterministically, for benchmarks and tests.
package schoolgen

import (
	"fmt"
	"math/rand"
	"time"

	"bangfu/storage"
)

// Options size the school.
type Options struct {
	Classes                    int // classes, spread over grades 7–9 (初一–初三)
	SupportedPerClass          int // students under support per class
	Sessions, Contacts, Praise int
	// Reads are /status and /history reads, each leaving an audit entry;
	// every 50th is an admin's whole-school read.
	Reads int
	// ScheduledWeeks of weekly parents' messages already delivered (their
	// keys stay to keep each once); Pending messages still queued.
	ScheduledWeeks, Pending int
	Until                   time.Time // records cover the years before this moment
	// Years of records (0 is one): each year has the counts above, as a
	// school's file holds after that many years on the same register.
	Years int
	Seed  int64
}

// Big is the school of the benchmarks: 60 classes, 600 students under
// support, a year of records, reads, processed ids and sent messages.
func Big(until time.Time) Options {
	return Options{Classes: 60, SupportedPerClass: 10, Sessions: 40000, Contacts: 6000, Praise: 3000,
		Reads: 12000, ScheduledWeeks: 40, Pending: 50, Until: until, Seed: 1}
}

// FiveYears is the benchmark school after five years of the same rhythm.
func FiveYears(until time.Time) Options {
	o := Big(until)
	o.Years = 5
	return o
}

// The generator's own words: it stands outside the product's wording.
var categories = []string{"家庭贫困", "学习困难", "单亲或父母双亡", "外来务工人员子女", "留守儿童"}

func className(grade, number int) string {
	return fmt.Sprintf("初%s%d班", [...]string{"一", "二", "三"}[grade-7], number)
}

// processedFor is how long processed message ids are kept (bangfu prunes
// older ones at start-up).
const processedFor = 7 * 24 * time.Hour

// School is what was generated.
type School struct {
	Admin    storage.Person
	Heads    []storage.Person // one per class, in class order
	Mentors  []storage.Person
	Classes  []storage.Class
	Students []storage.Student
}

var family = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"}
var given = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "华", "慧", "鑫", "宇轩", "子涵", "浩然", "梓萱"}
var subjects = []string{"数学辅导", "英语", "语文", "物理", "作业辅导", "阅读", "谈心"}
var methods = []string{"电话", "微信", "面谈", "家访"}

// Generate writes the school into st through the storage API.
func Generate(st storage.Store, o Options) (School, error) {
	rnd := rand.New(rand.NewSource(o.Seed))
	var s School
	years := max(o.Years, 1)
	o.Sessions, o.Contacts, o.Praise, o.Reads, o.ScheduledWeeks = years*o.Sessions, years*o.Contacts, years*o.Praise, years*o.Reads, years*o.ScheduledWeeks
	meta := storage.Meta{Where: "schoolgen", At: o.Until.AddDate(-years, 0, 0)}
	span := o.Until.Sub(meta.At)
	if err := st.Bulk(meta, func(b storage.Bulk) error { return staffAndClasses(b, o, rnd, meta.At, &s) }); err != nil {
		return s, err
	}
	// The school has had the bot since its first day: a start now is no
	// first start, and the week's runs still current go out.
	if err := st.CompleteRun(storage.FirstStartRun, meta.At.UTC().Format(time.RFC3339)); err != nil {
		return s, err
	}
	when := func() time.Time { return meta.At.Add(time.Duration(rnd.Int63n(int64(span)))) }
	g := &year1{o: o, s: &s, rnd: rnd, when: when}
	items := []func(b storage.Bulk, i int) error{}
	add := func(n int, fn func(b storage.Bulk, i int) error) {
		for i := 0; i < n; i++ {
			items = append(items, fn)
		}
	}
	add(o.Sessions, g.session)
	add(o.Contacts, g.contact)
	add(o.Praise, g.praise)
	add(o.Reads, g.read)
	add(o.ScheduledWeeks*len(s.Students), g.delivered)
	add(o.Pending, g.pending)
	// In chunks, so no single transaction grows huge.
	const chunk = 5000
	for done := 0; done < len(items); done += chunk {
		err := st.Bulk(meta, func(b storage.Bulk) error {
			for i := done; i < done+chunk && i < len(items); i++ {
				if err := items[i](b, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return s, err
		}
	}
	return s, nil
}

// staffAndClasses writes the admin, two mentors a class, the classes with
// their students under support, a head teacher and a teacher group each.
func staffAndClasses(b storage.Bulk, o Options, rnd *rand.Rand, since time.Time, s *School) error {
	var err error
	acc := func(name string) []storage.Account {
		return []storage.Account{{Platform: "console", UserID: name, ChatID: "dm:" + name}}
	}
	if s.Admin, err = b.Person(storage.Person{Name: "校长", Admin: true, Accounts: acc("校长")}); err != nil {
		return err
	}
	for i := 0; i < o.Classes*2; i++ {
		name := fmt.Sprintf("%s%d老师", family[i%len(family)], i)
		p, err := b.Person(storage.Person{Name: name, Teacher: true, Accounts: acc(name)})
		if err != nil {
			return err
		}
		s.Mentors = append(s.Mentors, p)
	}
	for c := 0; c < o.Classes; c++ {
		grade, number := 7+c%3, 1+c/3
		head := fmt.Sprintf("班主任%d", c)
		for k := 0; k < o.SupportedPerClass; k++ {
			name := family[rnd.Intn(len(family))] + given[rnd.Intn(len(given))] + fmt.Sprintf("%c", '甲'+rune(k))
			cats := []string{categories[rnd.Intn(len(categories))]}
			stu, err := b.Student(grade, number, storage.Student{Name: name, Categories: cats, Key: k%4 == 0,
				WeeklyTarget: 1 + rnd.Intn(3), MentorID: s.Mentors[(c*2+k%2)%len(s.Mentors)].ID, CreatedAt: since})
			if err != nil {
				return err
			}
			s.Students = append(s.Students, stu)
			if k == 0 {
				s.Classes = append(s.Classes, storage.Class{ID: stu.ClassID, Grade: grade, Number: number})
			}
		}
		p, err := b.Person(storage.Person{Name: head, Teacher: true, HeadOf: []uint64{s.Classes[c].ID}, Accounts: acc(head)})
		if err != nil {
			return err
		}
		s.Heads = append(s.Heads, p)
		if err := b.Group(storage.Group{Platform: "console", ChatID: fmt.Sprintf("group:%s教师群", className(grade, number)),
			Title: className(grade, number) + "教师群", Kind: storage.GroupTeacher, ClassID: s.Classes[c].ID}); err != nil {
			return err
		}
	}
	return nil
}

// year1 writes one item of the year each call, in the order Generate lists.
type year1 struct {
	o    Options
	s    *School
	rnd  *rand.Rand
	when func() time.Time
}

func (g *year1) student() storage.Student { return g.s.Students[g.rnd.Intn(len(g.s.Students))] }

// message marks the chat message behind a record processed, as bangfu does,
// when it is recent enough not to have been pruned.
func (g *year1) message(b storage.Bulk, i int, at time.Time) error {
	if g.o.Until.Sub(at) > processedFor {
		return nil
	}
	return b.MarkProcessed(fmt.Sprintf("console:dm:%d", i), at)
}

func (g *year1) session(b storage.Bulk, i int) error {
	stu, at := g.student(), g.when()
	if err := b.Session(storage.Session{StudentID: stu.ID, AuthorID: stu.MentorID, Subject: subjects[g.rnd.Intn(len(subjects))],
		Minutes: 20 + 10*g.rnd.Intn(5), At: at, Note: "认真完成了练习，错题已订正"}); err != nil {
		return err
	}
	return g.message(b, i, at)
}

func (g *year1) contact(b storage.Bulk, i int) error {
	stu, at := g.student(), g.when()
	if err := b.Contact(storage.Contact{StudentID: stu.ID, AuthorID: stu.MentorID, Method: methods[g.rnd.Intn(len(methods))],
		Whom: "妈妈", Content: "沟通了最近的学习情况，家长表示会配合督促作业", At: at}); err != nil {
		return err
	}
	return g.message(b, i, at)
}

func (g *year1) praise(b storage.Bulk, i int) error {
	stu, at := g.student(), g.when()
	if err := b.Praise(storage.Praise{StudentID: stu.ID, AuthorID: stu.MentorID, Text: "上课主动举手回答问题，作业认真", At: at}); err != nil {
		return err
	}
	return g.message(b, i, at)
}

// read is a head teacher's /status of their class, or an admin's of the school.
func (g *year1) read(b storage.Bulk, i int) error {
	at := g.when()
	e := storage.AuditEntry{At: at, Action: "status.class", Where: "console:dm"}
	if i%50 == 0 {
		e.ActorID, e.Action = g.s.Admin.ID, "status.school"
		for _, st := range g.s.Students {
			e.StudentIDs = append(e.StudentIDs, st.ID)
		}
	} else {
		c := g.rnd.Intn(len(g.s.Classes))
		e.ActorID = g.s.Heads[c].ID
		for _, st := range g.s.Students {
			if st.ClassID == g.s.Classes[c].ID {
				e.StudentIDs = append(e.StudentIDs, st.ID)
			}
		}
	}
	if err := b.Audit(e); err != nil {
		return err
	}
	return g.message(b, i, at)
}

// delivered is one Sunday message to one student's parents, sent long ago.
func (g *year1) delivered(b storage.Bulk, i int) error {
	n := len(g.s.Students)
	week, stu := i/n, g.s.Students[i%n]
	at := g.o.Until.AddDate(0, 0, -7*(week%g.o.ScheduledWeeks+1))
	return b.Delivered(fmt.Sprintf("parent_weekly/%s/person:%d/student:%d", at.Format("2006-01-02"), stu.MentorID, stu.ID), at)
}

// pending is a message still waiting in the outbox (a parent's quiet hours).
func (g *year1) pending(b storage.Bulk, i int) error {
	stu := g.student()
	return b.Enqueue(storage.Queued{Platform: "console", ChatID: fmt.Sprintf("dm:家长%d", stu.ID), Private: true, StudentID: stu.ID,
		Text: stu.Name + "这周进步很大", NotBefore: g.o.Until.Add(time.Hour), Key: fmt.Sprintf("pending/%d", i)})
}
