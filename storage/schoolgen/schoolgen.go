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
	Until                      time.Time // records cover the year before this moment
	Seed                       int64
}

// Big is the school of the benchmarks: 60 classes, 600 students under
// support, a year of records.
func Big(until time.Time) Options {
	return Options{Classes: 60, SupportedPerClass: 10, Sessions: 40000, Contacts: 6000, Praise: 3000, Until: until, Seed: 1}
}

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
	meta := storage.Meta{Where: "schoolgen", At: o.Until.AddDate(-1, 0, 0)}
	year := o.Until.Sub(meta.At)
	err := st.Bulk(meta, func(b storage.Bulk) error {
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
				cats := []string{storage.Categories[rnd.Intn(len(storage.Categories))]}
				stu, err := b.Student(grade, number, storage.Student{Name: name, Categories: cats, Key: k%4 == 0,
					WeeklyTarget: 1 + rnd.Intn(3), MentorID: s.Mentors[(c*2+k%2)%len(s.Mentors)].ID, CreatedAt: meta.At})
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
			if err := b.Group(storage.Group{Platform: "console", ChatID: fmt.Sprintf("group:%s教师群", s.Classes[c].Name()),
				Title: s.Classes[c].Name() + "教师群", Kind: storage.GroupTeacher, ClassID: s.Classes[c].ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return s, err
	}
	when := func() time.Time { return meta.At.Add(time.Duration(rnd.Int63n(int64(year)))) }
	// Records go in in chunks so no single transaction grows huge.
	const chunk = 5000
	for done := 0; done < o.Sessions+o.Contacts+o.Praise; done += chunk {
		err := st.Bulk(meta, func(b storage.Bulk) error {
			for i := done; i < done+chunk && i < o.Sessions+o.Contacts+o.Praise; i++ {
				stu := s.Students[rnd.Intn(len(s.Students))]
				switch {
				case i < o.Sessions:
					if err := b.Session(storage.Session{StudentID: stu.ID, AuthorID: stu.MentorID, Subject: subjects[rnd.Intn(len(subjects))],
						Minutes: 20 + 10*rnd.Intn(5), At: when(), Note: "认真完成了练习，错题已订正"}); err != nil {
						return err
					}
				case i < o.Sessions+o.Contacts:
					if err := b.Contact(storage.Contact{StudentID: stu.ID, AuthorID: stu.MentorID, Method: methods[rnd.Intn(len(methods))],
						Whom: "妈妈", Content: "沟通了最近的学习情况，家长表示会配合督促作业", At: when()}); err != nil {
						return err
					}
				default:
					if err := b.Praise(storage.Praise{StudentID: stu.ID, AuthorID: stu.MentorID, Text: "上课主动举手回答问题，作业认真", At: when()}); err != nil {
						return err
					}
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
