package commands

import (
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"bangfu/storage"
)

// A plan can also be written as a short exchange in a private chat: the
// bot asks for the reasons, the goals and the measures one at a time, and
// each plain answer is saved as it comes. Commands sent meanwhile are
// answered as usual; the exchange waits for the next plain line.

// planAskTimeout is how long the bot waits for the next answer.
const planAskTimeout = 30 * time.Minute

// planSteps are the parts asked for, in order.
var planSteps = []string{"reasons", "short", "semester", "measures", "review"}

// planAsk is one exchange in progress.
type planAsk struct {
	StudentID uint64
	Step      int
	At        time.Time
}

// planAsks are the exchanges in progress, by platform and sender, kept with
// the platform values in the database: after a restart, or on the other
// process of a pair, the teacher's next answer still finds its question.
type planAsks struct {
	store storage.PlatformStateService
	log   *slog.Logger
}

// planAskState is the platform-values namespace of the exchanges.
const planAskState = "plan_ask"

func (p planAsks) get(key string, now time.Time) (planAsk, bool) {
	v, err := p.store.PlatformValue(planAskState, key)
	if err != nil {
		p.log.Error("reading a plan exchange failed", "err", err)
		return planAsk{}, false
	}
	var a planAsk
	if len(v) == 0 || json.Unmarshal(v, &a) != nil || now.Sub(a.At) > planAskTimeout {
		return planAsk{}, false
	}
	return a, true
}

func (p planAsks) set(key string, a planAsk) {
	v, _ := json.Marshal(a)
	if err := p.store.SetPlatformValue(planAskState, key, v); err != nil {
		p.log.Error("keeping a plan exchange failed", "err", err)
	}
}

func (p planAsks) end(key string) {
	if err := p.store.SetPlatformValue(planAskState, key, []byte{}); err != nil {
		p.log.Error("ending a plan exchange failed", "err", err)
	}
}

func askKey(r *req) string { return r.msg.Platform + ":" + r.msg.Sender.ID }

func planAnswerSpec() *spec {
	return &spec{name: "plan", who: rStaff, whoText: planAnswerWho(), where: inPrivate, example: planExample, run: (*Handler).planAnswer}
}

// startPlanAsk begins the exchange for a student with no plan running.
func (h *Handler) startPlanAsk(r *req, f found) string {
	h.asks.set(askKey(r), planAsk{StudentID: f.st.ID, At: r.now})
	return planAskFirst(f.label(), f.st.Name)
}

// planAnswer saves a plain answer as the part asked for and asks the next.
func (h *Handler) planAnswer(r *req) (string, error) {
	key := askKey(r)
	ask, ok := h.asks.get(key, r.now)
	if !ok {
		return "", nil
	}
	text := strings.Trim(strings.TrimSpace(Normalize(r.msg.Text)), "，,；;。")
	st, err := h.Store.Student(ask.StudentID)
	if err != nil {
		h.asks.end(key)
		return "", err
	}
	switch text {
	case "算了", "取消", "不写了", "结束":
		h.asks.end(key)
		return planAskStopped(st.Name), nil
	}
	c, err := h.Store.Class(st.ClassID)
	if err != nil {
		return "", err
	}
	f := found{st, c}
	if !privileged(r.me, st) && st.Responsible() != r.me.ID || st.Closed {
		h.asks.end(key)
		return "", refuse(planNotYours(f.label()))
	}
	field := planSteps[ask.Step]
	var review time.Time
	if field == "review" && text != "跳过" && text != "不知道" {
		r.example = planAskReviewExample()
		if review, err = h.reviewDay(r, text); err != nil {
			return "", err // asked again: the step stays
		}
	}
	if text != "跳过" && text != "不知道" {
		if runeLen(text) > planPartMax {
			return "", refuse(planPartTooLong(planStepLabel(field), planPartMax))
		}
		saved, err := h.Store.UpdateStudent(r.meta, st.ID, "plan.set", func(s *storage.Student) error {
			if !s.Plan.Active() {
				s.Plan = &storage.Plan{Start: h.Cal.Day(r.now)}
			}
			switch field {
			case "reasons":
				s.Plan.Reasons = text
			case "short":
				s.Plan.GoalShort = text
			case "semester":
				s.Plan.GoalSemester = text
			case "measures":
				s.Plan.Measures = text
			case "review":
				s.Plan.Review = review
			}
			s.Plan.UpdatedAt = r.now
			return nil
		})
		if err != nil {
			return "", err
		}
		r.wrote()
		f.st = saved
	}
	if ask.Step+1 < len(planSteps) {
		h.asks.set(key, planAsk{StudentID: st.ID, Step: ask.Step + 1, At: r.now})
		return planAskNext(planSteps[ask.Step+1], text == "跳过" || text == "不知道"), nil
	}
	h.asks.end(key)
	if !f.st.Plan.Active() {
		return planAskStopped(st.Name), nil
	}
	return planAskDone(f.label()) + "\n" + h.renderPlan(r, f), nil
}
