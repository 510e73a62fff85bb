package workflows_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/juece/juece/engine"
	. "github.com/juece/juece/internal/enginetest"
	"github.com/juece/juece/internal/scenario"
)

// period returns the state of period name on item id.
func period(h *Harness, id int64, name string) map[string]any {
	h.T.Helper()
	p, _ := h.Item(id).Record["periods"].(map[string]any)[name].(map[string]any)
	if p == nil {
		h.T.Fatalf("period %s has not started", name)
	}
	return p
}

// openConsultation walks a new item to drafting with a draft and opens
// participation on date with the given payload.
func openConsultation(t *testing.T, h *Harness, on string, payload map[string]any, reason string) int64 {
	t.Helper()
	id := newItem(h)
	s := advance(h, id, "open_comment_period")
	h.On(on)
	if payload == nil {
		payload = s.Payload
	}
	h.Fire(id, s.Event, s.Actor, payload, reason)
	return id
}

var public = engine.Actor{OrgID: Org, Name: "社会公众", Roles: []engine.Role{engine.RolePublic}}

// Decree 713 Art. 15 with Civil Code Arts. 201 and 203: a comment period
// whose announced last day is a holiday ends on the next working day; the
// public may comment until 24:00 of that day, and participation cannot be
// closed before that day has ended — not on the holiday, not on the moved
// last day itself.
func TestCivilCodeArts201And203_Art15_ClosingDateOnAHolidayMovesToTheNextWorkingDay(t *testing.T) {
	h := New(t, "2026-01-05")
	id := openConsultation(t, h, "2026-09-04", map[string]any{"methods": []any{"public_comment"}, "channels": []any{"区政府网站"},
		"closes_on": "2026-10-05"}, "") // 10-05 is inside the National Day holiday (10-01 … 10-07)
	p := period(h, id, "comment_period")
	if p["due"] != "2026-10-08" || p["last_day"] != "2026-10-05" || p["provisional"] != false {
		t.Fatalf("comment period %v: want due 2026-10-08 (the first working day after the holiday)", p)
	}
	closing := map[string]any{"opinion_handling_summary": "已研究"}
	h.On("2026-10-06")
	_, err := h.Try(id, "close_comment_period", Organizer, closing, "")
	wantGuard(t, err, "第十五条")
	h.On("2026-10-08")
	h.Fire(id, "submit_public_comment", public, map[string]any{"content": "顺延后的最后一天提出的意见"}, "")
	_, err = h.Try(id, "close_comment_period", Organizer, closing, "")
	wantGuard(t, err, "第二百零三条")
	h.On("2026-10-09")
	_, err = h.Try(id, "submit_public_comment", public, map[string]any{"content": "超过期限"}, "")
	wantGuard(t, err, "第十五条")
	for g := range h.Item(id).Record["consultation"].(map[string]any)["comment_groups"].(map[string]any) {
		h.Fire(id, "dispose_comment_group", Organizer, map[string]any{"group": g, "disposition": "adopted", "reason": "采纳"}, "")
	}
	if it := h.Fire(id, "close_comment_period", Organizer, closing, ""); it.State != "expert_risk" {
		t.Fatalf("state %s after closing", it.State)
	}
}

// Art. 15: the 30-day floor concerns public comment only; a period
// shortened with a stated reason runs to its own closing date, and a
// symposium alone starts no comment period at all.
func TestArt15_CommentPeriodFollowsTheAnnouncedClosingDateAndOnlyForPublicComment(t *testing.T) {
	t.Run("shortened with a reason", func(t *testing.T) {
		h := New(t, "2026-01-05")
		id := openConsultation(t, h, "2026-11-02", map[string]any{"methods": []any{"public_comment"}, "channels": []any{"区政府网站"},
			"closes_on": "2026-11-13", "shortened_reason": "上级督办，情况紧急"}, "")
		if p := period(h, id, "comment_period"); p["due"] != "2026-11-13" {
			t.Fatalf("due %v, want the announced 2026-11-13", p["due"])
		}
		h.On("2026-11-14")
		h.Fire(id, "close_comment_period", Organizer, map[string]any{"opinion_handling_summary": "未收到意见"}, "")
	})
	t.Run("a symposium alone", func(t *testing.T) {
		h := New(t, "2026-01-05")
		id := openConsultation(t, h, "2026-11-02", map[string]any{"methods": []any{"symposium"}, "closes_on": "2026-11-05"}, "")
		if ps := h.Item(id).Record["periods"].(map[string]any); ps["comment_period"] != nil {
			t.Fatalf("a symposium started a comment period: %v", ps)
		}
		_, err := h.Try(id, "submit_public_comment", public, map[string]any{"content": "意见"}, "")
		wantGuard(t, err, "第十四条")
		h.Fire(id, "close_comment_period", Organizer, map[string]any{"opinion_handling_summary": "座谈会意见已研究"}, "")
	})
}

// DESIGN.md "Time" (issue: the calendar never stops the procedure): at the
// year's end, without the next year's State Council notice, no step is
// refused for lack of holiday data; due dates reaching into the year are
// counted on weekends alone and marked provisional with the reason.
func TestYearEnd_StepsGoOnWithProvisionalDueDatesWithoutNextYearsNotice(t *testing.T) {
	wantProvisional := func(t *testing.T, p map[string]any, due string) {
		t.Helper()
		r, _ := p["provisional_reason"].(map[string]any)
		if p["due"] != due || p["provisional"] != true || !strings.Contains(fmt.Sprint(r["zh"]), "2027年") || !strings.Contains(fmt.Sprint(r["en"]), "2027") {
			t.Fatalf("period %v: want a provisional due date %s naming 2027", p, due)
		}
	}
	t.Run("a 30-day comment period closing 2027-01-08, opened 2026-12-02", func(t *testing.T) {
		h := New(t, "2026-01-05")
		id := openConsultation(t, h, "2026-12-02", map[string]any{"methods": []any{"public_comment", "hearing"},
			"channels": []any{"区政府网站"}, "closes_on": "2027-01-08"}, "")
		wantProvisional(t, period(h, id, "comment_period"), "2027-01-08")
	})
	// The whole walk, moved so that the legality review is submitted on
	// 2026-12-24 and the meeting agrees on 2027-01-19.
	days := engine.DaysBetween(mustDate(t, "2026-02-10"), mustDate(t, "2026-12-24"))
	steps := scenario.Shift(walk(), days)
	h := New(t, "2026-01-05")
	h.On(steps[0].On)
	id := h.Create("major-decision", Organizer, "年末提交审查的事项", proposal()).ID
	fire := func(until string) {
		for _, s := range steps {
			if s.Event == until {
				return
			}
			h.Step(id, s)
			steps = steps[1:]
		}
	}
	fire("assign_counsel")
	if h.Now().Format("2006-01-02") != "2026-12-24" {
		t.Fatalf("review submitted on %s", h.Now().Format("2006-01-02"))
	}
	// 7 working days after 12-24 on weekends alone: 12-25, 12-28, 12-29, 12-30, 12-31, 01-01, 01-04.
	wantProvisional(t, period(h, id, "legality_review"), "2027-01-04")
	fire("record_party_report")
	if it := h.Item(id); it.State != "decided" {
		t.Fatalf("state %s after the meeting's decision, want decided", it.State)
	}
	p := period(h, id, "publication")
	if d := engine.DueOf(h.Item(id).Record); !d.Provisional || d.On != p["due"] || !strings.Contains(d.Reason.Zh, "2027年") {
		t.Fatalf("item due %+v, period %v: the item's due date must carry the provisional mark", d, p)
	}
}

// REGULATION.md §5–6: a Xinjiang government counts 2026 on the national
// calendar while Xinjiang's 2026 notice is not loaded, marked provisional
// for the regional part.
func TestXinjiang2026_CountedOnTheNationalCalendarAndMarkedProvisional(t *testing.T) {
	h := New(t, "2026-09-04")
	xjOrganizer := Stranger // organisation 2 is in region cn-xj
	it := h.Create("major-decision", xjOrganizer, "高昌区事项", proposal())
	h.Fire(it.ID, "start_decision", xjOrganizer, map[string]any{"study_summary": "启动", "organizer_department_ids": []any{DeptDevelopment}}, "")
	h.Upload(it.ID, scenario.DraftV1Doc)
	h.Fire(it.ID, "record_draft", xjOrganizer, map[string]any{"draft_sha256": draftV1, "legal_basis": []any{"x"}}, "")
	res, err := h.Engine.Fire(t.Context(), it.ID, "open_comment_period", xjOrganizer, engine.Input{Payload: map[string]any{
		"methods": []any{"public_comment"}, "channels": []any{"网站"}, "closes_on": "2026-10-05"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Item.Record["periods"].(map[string]any)["comment_period"].(map[string]any)
	r, _ := p["provisional_reason"].(map[string]any)
	if p["due"] != "2026-10-08" || p["provisional"] != true || !strings.Contains(fmt.Sprint(r["zh"]), "新疆维吾尔自治区2026年") ||
		!strings.Contains(fmt.Sprint(r["zh"]), "全国节假日安排") {
		t.Fatalf("cn-xj period %v: want the national date 2026-10-08, provisional for Xinjiang's 2026 notice", p)
	}
}

func mustDate(t *testing.T, s string) engine.Date {
	t.Helper()
	d, err := engine.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
