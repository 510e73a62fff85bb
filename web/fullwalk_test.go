package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/browsertest"
	"github.com/juece/juece/internal/scenario"
)

// fillAction fills the generated form of event on the item page at
// itemURL with payload, as a person would: each field by its declared
// type (texts typed, dates and choices set, yes/no and checkboxes clicked,
// lines one per line, a document field by uploading the file whose digest
// the payload names), the reason when asked, the confirmation when asked;
// then submits it and returns the page's main text.
func (s *site) fillAction(t *testing.T, b *browsertest.Browser, itemURL, event string, payload map[string]any, reason string, docs []scenario.Doc) string {
	t.Helper()
	d := s.eng.Workflows().Latest("major-decision")
	ev := d.Event(event)
	if ev == nil {
		t.Fatalf("no event %s", event)
	}
	id := func(f string) chromedp.ID { return chromedp.ID("ev-" + event + "-" + f) }
	acts := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(itemURL + "?act=" + event),
		chromedp.WaitVisible(chromedp.CSS("#act-" + event + " button[type=submit]")),
	}
	for _, f := range ev.Fields {
		v, ok := payload[f.Name]
		if !ok {
			continue
		}
		sel := fmt.Sprintf(`#act-%s [name="f.%s"]`, event, f.Name)
		switch f.Type {
		case engine.FieldText, engine.FieldDate, engine.FieldInteger, engine.FieldEnum:
			acts = append(acts, chromedp.SetValue(id(f.Name), fmt.Sprint(v)))
		case engine.FieldBoolean:
			if v == true {
				acts = append(acts, chromedp.Click(chromedp.ID("ev-"+event+"-"+f.Name+"-yes")))
			} else {
				acts = append(acts, chromedp.Click(chromedp.ID("ev-"+event+"-"+f.Name+"-no")))
			}
		case engine.FieldSHA256:
			if len(f.DocumentKinds) == 0 {
				acts = append(acts, chromedp.SetValue(id(f.Name), fmt.Sprint(v)))
				continue
			}
			found := false
			for _, doc := range docs {
				if scenario.SHA(doc.Content) == v {
					acts = append(acts, chromedp.SetUploadFiles(chromedp.ID("ev-"+event+"-"+f.Name+"-file"), []string{file(t, doc.Kind+".txt", doc.Content)}))
					found = true
				}
			}
			if !found {
				t.Fatalf("%s: no document for %s", event, f.Name)
			}
		case engine.FieldList, engine.FieldIDList, engine.FieldID:
			var vals []string
			switch x := v.(type) {
			case []any:
				for _, e := range x {
					vals = append(vals, fmt.Sprint(e))
				}
			default:
				vals = []string{fmt.Sprint(x)}
			}
			if len(f.Values) > 0 || f.Assigns != "" || f.AssignsDepartment != "" {
				for _, val := range vals {
					acts = append(acts, chromedp.Click(chromedp.CSS(fmt.Sprintf(`%s[value="%s"]`, sel, val))))
				}
			} else if f.Type == engine.FieldList {
				acts = append(acts, chromedp.SetValue(id(f.Name), strings.Join(vals, "\n")))
			} else {
				acts = append(acts, chromedp.SetValue(id(f.Name), strings.Join(vals, ",")))
			}
		}
	}
	if reason != "" {
		acts = append(acts, chromedp.SetValue(id("reason"), reason))
	}
	b.Run(acts...)
	if n := browsertest.Get(b, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll("#ev-%s-confirm").length`, event))); n > 0 {
		b.Run(chromedp.Click(id("confirm")))
	}
	b.Run(submit("#act-" + event + " button[type=submit]"))
	return mainText(b)
}

// stepper signs the right person in for each step, moving the clock to
// the step's date.
type stepper struct {
	s    *site
	b    *browsertest.Browser
	who  string
	item string
}

func (st *stepper) as(t *testing.T, user string) {
	t.Helper()
	if st.who == user {
		return
	}
	if st.who != "" {
		st.s.signOut(st.b)
	}
	st.s.signIn(st.b, user)
	st.who = user
}

// play performs one step of the scenario through the item page's form.
func (st *stepper) play(t *testing.T, step scenario.Step) {
	t.Helper()
	st.s.on(step.On)
	t.Logf("%s: %s by %s", step.On, step.Event, st.s.username(step.Actor))
	st.as(t, st.s.username(step.Actor))
	body := st.s.fillAction(t, st.b, st.item, step.Event, step.Payload, step.Reason, step.Docs)
	if !strings.Contains(body, "已办理") {
		t.Fatalf("step %s on %s by %s was not done:\n%s", step.Event, step.On, st.who, body)
	}
}

// username is the seeded username of a.
func (s *site) username(a engine.Actor) string {
	for k, u := range s.users {
		if u.ID == a.UserID {
			return k
		}
	}
	s.t.Fatalf("no seeded user for %+v", a)
	return ""
}

// meet holds the scenario's meeting on the item through the meeting room:
// the secretariat convenes it with the chief executive and the members,
// puts the item on the agenda, records attendance and every position in
// speaking order, the chief executive records the decision, and the
// secretariat closes the meeting (Arts. 29–30).
func (st *stepper) meet(t *testing.T, step scenario.Step, itemID string) {
	t.Helper()
	s, b, m := st.s, st.b, step.Meeting
	s.on(step.On)
	st.as(t, s.username(m.Secretariat))
	acts := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(s.URL + "/meetings"),
		chromedp.SetValue(chromedp.ID("m-kind"), m.Kind),
		chromedp.SendKeys(chromedp.ID("m-number"), m.Number),
		chromedp.SetValue(chromedp.ID("m-held_on"), m.HeldOn),
		chromedp.SetValue(chromedp.ID("m-chief"), fmt.Sprint(m.ChiefExecutive.UserID)),
	}
	for _, a := range append([]engine.Actor{m.ChiefExecutive}, m.Members...) {
		acts = append(acts, chromedp.Click(chromedp.ID(fmt.Sprintf("m-member-%d", a.UserID))))
	}
	b.Run(append(acts, submit(`#convene button[type="submit"]`))...)
	room := browsertest.Get(b, chromedp.Location())
	room = room[:strings.IndexAny(room+"#", "#?")]
	b.Run(submit(fmt.Sprintf(`#add-%s button[type="submit"]`, itemID)), submit(`#attendance button[type="submit"]`))
	pos := "pos-" + itemID
	for _, p := range m.Positions {
		b.Run(
			chromedp.SetValue(chromedp.ID(pos+"-member"), fmt.Sprint(p.Member.UserID)),
			chromedp.Click(chromedp.ID(pos+"-"+p.Position)),
			chromedp.SendKeys(chromedp.ID(pos+"-remarks"), p.Remarks),
			submit("#"+pos+` button[type="submit"]`),
		)
	}
	st.as(t, s.username(m.ChiefExecutive))
	b.Run(chromedp.Navigate(room), chromedp.Click(chromedp.ID("dec-"+itemID+"-"+m.Decision)), submit("#dec-"+itemID+` button[type="submit"]`))
	wantText(t, b, "决定已记录")
	st.as(t, s.username(m.Secretariat))
	b.Run(chromedp.Navigate(room), submit(`a[href$="/close"]`), submit(`form[action$="/close"] button[type="submit"]`))
	wantText(t, b, "会议已闭会", m.Number)
}

// The acceptance: a decision item taken from proposal to archive
// using only the web pages, each step by the account the law gives it to —
// public participation, expert review, risk assessment, legality review,
// the executive meeting, the Party committee report, publication,
// execution, post-evaluation and archiving (Arts. 10–38).
func TestJourney_ProposalToArchiveThroughThePagesAlone(t *testing.T) {
	s := newSite(t)
	b := browsertest.New(t)
	st := &stepper{s: s, b: b}
	st.as(t, "fgw")
	p := scenario.Proposal()
	b.Run(
		chromedp.Navigate(s.URL+"/items/new?workflow=major-decision"),
		chromedp.SendKeys(chromedp.ID("title"), "关于老旧小区加装电梯的实施意见"),
		chromedp.SetValue(chromedp.ID("ev-create-source"), "department"),
		chromedp.SetValue(chromedp.ID("ev-create-problem"), p["problem"].(string)),
		chromedp.SetValue(chromedp.ID("ev-create-reasons_and_basis"), p["reasons_and_basis"].(string)),
		chromedp.SetValue(chromedp.ID("ev-create-preliminary_solution"), p["preliminary_solution"].(string)),
		chromedp.SetValue(chromedp.ID("ev-create-necessity_feasibility"), p["necessity_feasibility"].(string)),
		submit(`form[action="/items"] button[type="submit"]`),
	)
	st.item = browsertest.Get(b, chromedp.Location())
	itemID := st.item[strings.LastIndex(st.item, "/")+1:]
	for _, step := range scenario.MajorDecision(s.cast()) {
		if step.Event == scenario.MeetingStep {
			b.Run(chromedp.Navigate(st.item))
			wantText(t, b, "待集体讨论")
			st.meet(t, step, itemID)
			continue
		}
		st.play(t, step)
	}
	b.Run(chromedp.Navigate(st.item))
	wantText(t, b, "已归档")
	b.Run(chromedp.Navigate(st.item + "?tab=audit"))
	wantText(t, b, "哈希链校验通过", "归档", "公布决策", "决定：同意")
}
