package commands

import (
	"testing"

	"bangfu/storage"
)

func TestDirectoryParentsAreLinkedByClassAndName(t *testing.T) {
	w := school(t)
	m := storage.Meta{ActorID: 1, Where: "test", At: w.now}
	rows := []DirectoryStudent{
		{Class: "七年级(3)班", Name: "张三", Parents: []DirectoryParent{{UserID: "pm", ChatID: "parent:pm", Relation: "妈妈", Reachable: true}, {UserID: "pg", ChatID: "parent:pg", Relation: "奶奶"}}},
		{Class: "初一3班", Name: "赵六", Parents: []DirectoryParent{{UserID: "pz", ChatID: "parent:pz", Relation: "爸爸", Reachable: true}}},
		{Class: "初二1班", Name: "张三", Parents: []DirectoryParent{{UserID: "px", ChatID: "parent:px", Relation: "妈妈", Reachable: true}}},
	}
	rep, err := w.h.LinkDirectoryParents(m, "wecom", rows)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Students != 1 || rep.Linked != 2 || len(rep.NotFound) != 2 || len(rep.NotFollowing) != 1 || rep.NotFollowing[0] != "张三奶奶" {
		t.Fatalf("report: %+v", rep)
	}
	gran, ok, _ := w.st.PersonByAccount("wecom", "parent:pg")
	if !ok || gran.Name != "张三奶奶" || !gran.IsParentOf(mustStudent(t, w, "张三").ID) {
		t.Fatalf("the grandmother: %+v", gran)
	}
	// She follows the notices later: a run makes her reachable again.
	w.st.UpdatePerson(m, gran.ID, "test", func(p *storage.Person) error { p.Unreachable = true; return nil })
	rows[0].Parents[1].Reachable = true
	if rep, _ = w.h.LinkDirectoryParents(m, "wecom", rows); rep.Linked != 0 || rep.Already != 2 {
		t.Fatalf("a second run: %+v", rep)
	}
	if gran, _, _ = w.st.PersonByAccount("wecom", "parent:pg"); gran.Unreachable {
		t.Fatal("a parent who now follows stays unreachable")
	}
}
