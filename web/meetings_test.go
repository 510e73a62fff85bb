package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/juece/juece/internal/browsertest"
	"github.com/juece/juece/procedure"
)

// meetingUID is the id of a seeded user as a form value.
func (s *site) meetingUID(name string) string { return fmt.Sprint(s.users[name].ID) }

// meetingWaitText waits (up to limit) until the element at css contains want, for
// parts of a page that refresh themselves.
func meetingWaitText(t *testing.T, b *browsertest.Browser, css, want string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		got := text(b, css)
		if strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not come to show %q within %v:\n%s", css, want, limit, got)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// Decree 713 Arts. 25, 29 and 30 through the pages alone. The government
// office convenes an executive meeting (refused first without the chief
// executive among the members); builds the agenda from the items waiting
// for discussion — the one that passed legality review is eligible, the one
// still in review is listed as not eligible with Art. 25; a member reads
// the upcoming meeting and the package the evening before; attendance is
// recorded with a member absent; the positions are recorded in speaking
// order — putting the chief executive first is refused with Art. 30 — one
// member disagreeing, the chief executive last; the tally and the majority
// are the procedure's; the decision 同意 is recorded; closing asks for
// confirmation, listing every decision; the minutes name the dissenting and
// the absent member and offer the stored document; the item is decided.
func TestMeetingRoom_AgendaAttendancePositionsChiefLastDecisionAndMinutes_Arts25To30(t *testing.T) {
	s := newSite(t)
	late := s.newItem("关于建设智慧停车系统的决定")
	s.walk(late, "conclude_legality_review") // still in legality review
	ready := s.newItem("关于老旧小区加装电梯的实施意见")
	s.walk(ready, "meeting") // awaiting the meeting; the clock on 2026-03-03
	b := browsertest.New(t)

	// Convening: the chief executive must be a member (Art. 30¶1).
	s.signIn(b, "zfb")
	b.Run(chromedp.Navigate(s.URL + "/meetings"))
	wantText(t, b, "会议", "召集会议", "暂无未闭会的会议")
	b.Axe(t)
	b.Run(
		chromedp.SetValue(chromedp.ID("m-kind"), "executive"),
		chromedp.SendKeys(chromedp.ID("m-number"), "2026年第3次常务会议"),
		chromedp.SetValue(chromedp.ID("m-held_on"), "2026-03-03"),
		chromedp.SetValue(chromedp.ID("m-chief"), s.meetingUID("quzhang")),
		chromedp.Click(chromedp.ID("m-member-"+s.meetingUID("member1"))),
		chromedp.Click(chromedp.ID("m-member-"+s.meetingUID("member2"))),
		chromedp.Click(chromedp.ID("m-member-"+s.meetingUID("member3"))),
		submit(`#convene button[type="submit"]`),
	)
	wantText(t, b, "未能办理", "包括行政首长")
	if got := browsertest.Get(b, chromedp.Value(chromedp.ID("m-number"))); got != "2026年第3次常务会议" {
		t.Fatalf("the refused form lost the number: %q", got)
	}
	b.Axe(t)
	b.Run(
		chromedp.Click(chromedp.ID("m-member-"+s.meetingUID("quzhang"))),
		submit(`#convene button[type="submit"]`),
	)
	wantText(t, b, "会议已召集：2026年第3次常务会议", "行政首长：吴区长", "待集体讨论的事项")
	room := browsertest.Get(b, chromedp.Location())
	room = room[:strings.IndexAny(room+"#", "#?")]

	// The agenda: only the item past its legality review may go on it
	// (Art. 25); the other is listed with why.
	wantText(t, b, "关于老旧小区加装电梯的实施意见", "可以列入", "关于建设智慧停车系统的决定", "不能列入", "第二十五条")
	if row := browsertest.Get(b, chromedp.OuterHTML(chromedp.CSS("table.candidates tr.ineligible"))); strings.Contains(row, "<button") ||
		!strings.Contains(row, "关于建设智慧停车系统的决定") {
		t.Fatalf("the item in legality review can be chosen, or is not the one listed as ineligible:\n%s", row)
	}
	b.Axe(t)
	b.Run(submit(fmt.Sprintf(`#add-%d button[type="submit"]`, ready)))
	wantText(t, b, "已列入议程：关于老旧小区加装电梯的实施意见", "议题1：关于老旧小区加装电梯的实施意见", "出席情况尚未记录")

	// A member sees the upcoming meeting and reads the package before it.
	s.signOut(b)
	s.signIn(b, "member1")
	b.Run(chromedp.Navigate(s.URL + "/meetings"))
	wantText(t, b, "2026年第3次常务会议", "即将召开", "吴区长")
	b.Axe(t)
	b.Run(submit(`table.meetings a[href^="/meetings/"]`))
	wantText(t, b, "议题1：关于老旧小区加装电梯的实施意见", "会议材料")
	if strings.Contains(mainText(b), "记录出席情况") || strings.Contains(mainText(b), "列入议程") {
		t.Fatal("a member is offered the secretariat's forms")
	}
	b.Axe(t)
	b.Run(submit(fmt.Sprintf(`a[href="/meetings/%s/agenda/%d/package"]`, room[strings.LastIndex(room, "/")+1:], ready)))
	wantText(t, b, "会议材料：关于老旧小区加装电梯的实施意见", "示范区人民政府", "合法性审查意见", "合法", "《中华人民共和国城乡规划法》", "风险评估报告")
	b.Axe(t)
	s.signOut(b)

	// Attendance first: member3 is absent; three of four reach the quorum.
	s.signIn(b, "zfb")
	b.Run(
		chromedp.Navigate(room),
		chromedp.Click(chromedp.ID("present-"+s.meetingUID("member3"))),
		submit(`#attendance button[type="submit"]`),
	)
	wantText(t, b, "出席情况已记录", "组成人员4人，出席3人", "已达到法定人数", "缺席", "冯副区长")

	// The chief executive may not speak first (Art. 30¶1).
	pos := fmt.Sprintf("pos-%d", ready)
	speak := func(member, position, remarks string) {
		b.Run(
			chromedp.SetValue(chromedp.ID(pos+"-member"), s.meetingUID(member)),
			chromedp.Click(chromedp.ID(pos+"-"+position)),
			chromedp.SendKeys(chromedp.ID(pos+"-remarks"), remarks),
			submit("#"+pos+` button[type="submit"]`),
		)
	}
	speak("quzhang", "agree", "同意实施")
	if alert := text(b, fmt.Sprintf("#item-%d .alert", ready)); !strings.Contains(alert, "行政首长最后发表意见") || !strings.Contains(alert, "第三十条") {
		t.Fatalf("the chief executive speaking first: %q", alert)
	}
	if got := browsertest.Get(b, chromedp.Value(chromedp.ID(pos+"-remarks"))); got != "同意实施" {
		t.Fatalf("the refused position lost its remarks: %q", got)
	}
	b.Axe(t)
	b.Run(chromedp.Clear(chromedp.ID(pos + "-remarks")))

	speak("member1", "agree", "同意，建议加快实施")
	wantText(t, b, "已记录孙副区长的意见")
	if next := text(b, fmt.Sprintf("#tally-%d tr.next", ready)); !strings.Contains(next, "钱副区长") || !strings.Contains(next, "下一位发言") {
		t.Fatalf("the next speaker is not 钱副区长: %q", next)
	}
	speak("member2", "disagree", "资金来源尚不明确")
	if next := text(b, fmt.Sprintf("#tally-%d tr.next", ready)); !strings.Contains(next, "吴区长") {
		t.Fatalf("the chief executive does not speak last: %q", next)
	}
	speak("quzhang", "agree", "同意实施")
	tally := text(b, fmt.Sprintf("#tally-%d", ready))
	for _, want := range []string{"同意1人，不同意1人，弃权0人，尚未发言0人", "未形成多数意见", "孙副区长", "钱副区长", "资金来源尚不明确"} {
		if !strings.Contains(tally, want) {
			t.Fatalf("the tally does not show %q:\n%s", want, tally)
		}
	}
	if strings.Index(tally, "孙副区长") > strings.Index(tally, "钱副区长") || strings.Index(tally, "钱副区长") > strings.Index(tally, "吴区长") {
		t.Fatalf("the speaking order is not the order spoken, chief executive last:\n%s", tally)
	}
	if strings.Contains(tally, "冯副区长") {
		t.Fatal("the absent member is listed among the speakers")
	}
	b.Axe(t)
	shot(t, b, "meeting-room")

	// The decision; with no majority it departs from none.
	dec := fmt.Sprintf("dec-%d", ready)
	b.Run(
		chromedp.Click(chromedp.ID(dec+"-agree")),
		submit("#"+dec+` button[type="submit"]`),
	)
	wantText(t, b, "决定已记录：同意", "拟作决定", "钱副区长：不同意（资金来源尚不明确）")

	// Closing: a confirmation that lists every decision and says what
	// closing does.
	b.Run(submit(`a[href$="/close"]`))
	wantText(t, b, "闭会确认", "同时生效", "生成会议纪要", "不可撤销", "关于老旧小区加装电梯的实施意见", "同意", "钱副区长：不同意（资金来源尚不明确）")
	b.Axe(t)
	b.Run(submit(`form[action$="/close"] button[type="submit"]`))

	// The minutes name the dissent as the record does, and the absent member.
	wantText(t, b, "会议已闭会", "示范区人民政府", "2026年第3次常务会议会议纪要", "缺席", "冯副区长", "钱副区长：不同意（资金来源尚不明确）",
		"孙副区长：同意（同意，建议加快实施）", "吴区长：同意（同意实施）", "未形成多数意见", "下载会议纪要原件")
	if absent := text(b, "dd.absent"); absent != "冯副区长" {
		t.Fatalf("absent: %q", absent)
	}
	b.Axe(t)
	shot(t, b, "minutes")
	it, err := s.db.GetItem(context.Background(), s.org, ready)
	if err != nil {
		t.Fatal(err)
	}
	rec := it.Record["meeting"].(map[string]any)
	if d := fmt.Sprint(rec["dissent"]); !strings.Contains(text(b, "dd.dissent"), strings.Trim(d, "[]")) {
		t.Fatalf("the minutes page's dissent %q is not the record's %s", text(b, "dd.dissent"), d)
	}
	sha := text(b, ".minutes-tools code.digest")
	if sha != rec["minutes_sha256"] {
		t.Fatalf("the minutes page shows digest %q, the decision recorded %v", sha, rec["minutes_sha256"])
	}

	// The stored minutes document, as an attachment with its digest.
	doc := browsertest.Get(b, chromedp.Evaluate[string](`fetch(document.querySelector('a[href$="/minutes.html"]').href).then(r => r.text().then(body =>
		r.headers.get("Content-Disposition") + "|" + r.headers.get("X-Content-SHA256") + "|" + body))`, chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(doc, "attachment;") || !strings.Contains(doc, "|"+sha+"|") || !strings.Contains(doc, "钱副区长：不同意（资金来源尚不明确）") {
		t.Fatalf("the minutes document: %q", doc)
	}

	// The room is locked; the item is decided.
	b.Run(chromedp.Navigate(room))
	wantText(t, b, "已闭会", "决定（已生效）", "会议纪要")
	if strings.Contains(mainText(b), "记录决定") || strings.Contains(mainText(b), "记录发言") {
		t.Fatal("a closed meeting still offers its forms")
	}
	b.Axe(t)
	b.Run(chromedp.Navigate(fmt.Sprintf("%s/items/%d", s.URL, ready)))
	wantText(t, b, "已作出决定")
}

// Decree 713 Art. 30¶2, with JavaScript off for the chief executive: most
// members disagree, the chief executive agrees; a decision departing from
// that majority without its reason is refused with the article, keeping the
// choice; with the reason it is drafted, marked as departing, and names
// both dissenters. A member watching on a projector (large type) sees the
// tally refresh by itself when the chief executive's position is recorded.
func TestMeetingRoom_DecisionDepartingFromTheMajorityNeedsItsReason_Art30_2(t *testing.T) {
	s := newSite(t)
	item := s.newItem("关于调整公交线路的决定")
	s.walk(item, "meeting")
	ctx := context.Background()
	zfb := s.actor("zfb")
	ids := func(names ...string) []int64 {
		var out []int64
		for _, n := range names {
			out = append(out, s.users[n].ID)
		}
		return out
	}
	all := ids("quzhang", "member1", "member2", "member3")
	m, err := s.svc.CreateMeeting(ctx, zfb, procedure.NewMeeting{Kind: "executive", Number: "2026年第4次常务会议", HeldOn: "2026-03-03",
		MemberUserIDs: all, ChiefExecutiveUserID: s.users["quzhang"].ID})
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.svc.AddToAgenda(ctx, zfb, m.ID, item))
	must(s.svc.SetAttendance(ctx, zfb, m.ID, all))
	for _, p := range []procedure.Position{
		{MemberUserID: s.users["member1"].ID, Position: "disagree", Remarks: "线路调整影响学生出行"},
		{MemberUserID: s.users["member2"].ID, Position: "disagree", Remarks: "应先听证"},
		{MemberUserID: s.users["member3"].ID, Position: "agree"},
	} {
		must(s.svc.RecordPosition(ctx, zfb, m.ID, item, p))
	}
	room := fmt.Sprintf("%s/meetings/%d", s.URL, m.ID)

	// The projector: large type; the tally refreshes itself.
	b := browsertest.New(t, browsertest.NoJavaScript())
	watch := b.NewContext(t)
	s.signIn(watch, "member1")
	watch.Run(chromedp.Navigate(room + "?large=1"))
	wantText(t, watch, "同意1人，不同意2人，弃权0人，尚未发言0人", "尚未发表意见")
	if class := browsertest.Get(watch, chromedp.AttributeValue(chromedp.CSS("div.meeting-room"), "class")); !strings.Contains(class.Value, "large") {
		t.Fatalf("large type not applied: %q", class.Value)
	}
	watch.Axe(t)
	must(s.svc.RecordPosition(ctx, zfb, m.ID, item, procedure.Position{MemberUserID: s.users["quzhang"].ID, Position: "agree", Remarks: "民生急需"}))
	meetingWaitText(t, watch, fmt.Sprintf("#tally-%d", item), "民生急需", 12*time.Second)

	// The chief executive decides, with JavaScript off.
	s.signIn(b, "quzhang")
	dec := fmt.Sprintf("dec-%d", item)
	b.Run(
		chromedp.Navigate(room),
		chromedp.Click(chromedp.ID(dec+"-agree")),
		submit("#"+dec+` button[type="submit"]`),
	)
	if alert := text(b, fmt.Sprintf("#item-%d .alert", item)); !strings.Contains(alert, "说明理由") || !strings.Contains(alert, "第三十条第二款") {
		t.Fatalf("a departing decision without its reason: %q", alert)
	}
	if checked := browsertest.Get(b, chromedp.JavascriptAttribute[bool](chromedp.ID(dec+"-agree"), "checked")); !checked {
		t.Fatal("the refused decision lost the choice")
	}
	b.Axe(t)
	b.Run(
		chromedp.SendKeys(chromedp.ID(dec+"-reason"), "民生急需，风险可控，资金已落实"),
		submit("#"+dec+` button[type="submit"]`),
	)
	wantText(t, b, "决定已记录：同意", "与多数意见不一致", "民生急需，风险可控，资金已落实",
		"孙副区长：不同意（线路调整影响学生出行）；钱副区长：不同意（应先听证）")
	if strings.Contains(mainText(b), "记录出席情况") || strings.Contains(mainText(b), "核对决定并闭会") {
		t.Fatal("the chief executive is offered the secretariat's forms")
	}
	b.Axe(t)
}

// The meeting pages keep the procedure's boundaries (Art. 30 and the
// readers of procedure.MeetingReaders): an organizer's clerk is refused
// every meeting page; another government's office sees no meeting; the
// minutes do not exist before closing; a form without its CSRF token is
// refused and changes nothing; a member may read but not convene, record
// attendance or close.
func TestMeetingPages_RefuseNonReadersOutsidersAndForgedForms(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	m, err := s.svc.CreateMeeting(ctx, s.actor("zfb"), procedure.NewMeeting{Kind: "plenary", Number: "2026年第1次全体会议", HeldOn: "2026-03-10",
		MemberUserIDs: []int64{s.users["quzhang"].ID, s.users["member1"].ID}, ChiefExecutiveUserID: s.users["quzhang"].ID})
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/meetings/%d", m.ID)
	get := func(c *http.Client, path string) (int, string) {
		t.Helper()
		resp, err := c.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, readAll(t, resp)
	}

	fgw := s.meetingClient(t, "demo", "fgw")
	for _, p := range []string{"/meetings", base, base + "/close", base + "/minutes", base + "/minutes.html"} {
		if code, body := get(fgw, p); code != http.StatusForbidden || strings.Contains(body, "2026年第1次全体会议") {
			t.Errorf("an organizer's clerk on %s: %d", p, code)
		}
	}
	other := s.meetingClient(t, "other", "zfb")
	if code, body := get(other, base); code != http.StatusNotFound || strings.Contains(body, "2026年第1次全体会议") {
		t.Errorf("another government's office on the meeting: %d", code)
	}
	if _, body := get(other, "/meetings"); strings.Contains(body, "2026年第1次全体会议") {
		t.Error("another government's list shows the meeting")
	}

	zfb := s.meetingClient(t, "demo", "zfb")
	if code, body := get(zfb, base+"/minutes"); code != http.StatusNotFound || !strings.Contains(body, "尚未闭会") {
		t.Errorf("minutes of an open meeting: %d", code)
	}
	resp, err := zfb.PostForm(s.URL+base+"/attendance", url.Values{"present": {s.meetingUID("quzhang"), s.meetingUID("member1")}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "安全令牌") {
		t.Fatalf("a forged attendance form: %d", resp.StatusCode)
	}
	if d, _ := s.svc.Meeting(ctx, s.actor("zfb"), m.ID); len(d.PresentUserIDs) != 0 {
		t.Fatal("a forged form recorded attendance")
	}

	member := s.meetingClient(t, "demo", "member1")
	code, body := get(member, base)
	if code != http.StatusOK || !strings.Contains(body, "2026年第1次全体会议") {
		t.Fatalf("a member reading the meeting: %d", code)
	}
	tok := between(body, `name="_csrf" value="`, `"`)
	resp, err = member.PostForm(s.URL+base+"/attendance", url.Values{"_csrf": {tok}, "present": {s.meetingUID("quzhang"), s.meetingUID("member1")}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "政府办") {
		t.Fatalf("a member recording attendance: %d\n%.600s", resp.StatusCode, body)
	}
	if d, _ := s.svc.Meeting(ctx, s.actor("zfb"), m.ID); len(d.PresentUserIDs) != 0 {
		t.Fatal("a member recorded attendance")
	}
	resp, err = member.PostForm(s.URL+"/meetings", url.Values{"_csrf": {tok}, "kind": {"executive"}, "number": {"第9次常务会议"}, "held_on": {"2026-03-20"},
		"chief": {s.meetingUID("quzhang")}, "member": {s.meetingUID("quzhang"), s.meetingUID("member1")}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "政府办公室") {
		t.Fatalf("a member convening a meeting: %d\n%.600s", resp.StatusCode, body)
	}
	if ms, _ := s.svc.Meetings(ctx, s.actor("zfb")); len(ms) != 1 {
		t.Fatalf("a member convened a meeting: %d meetings", len(ms))
	}
	resp, err = member.PostForm(s.URL+base+"/close", url.Values{"_csrf": {tok}})
	if err != nil {
		t.Fatal(err)
	}
	if readAll(t, resp); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a member closing the meeting: %d", resp.StatusCode)
	}
	if d, _ := s.svc.Meeting(ctx, s.actor("zfb"), m.ID); d.State != "open" {
		t.Fatal("a member closed the meeting")
	}
}

// meetingClient returns an HTTP client signed in as user of org.
func (s *site) meetingClient(t *testing.T, org, user string) *http.Client {
	t.Helper()
	c := s.client()
	resp, err := c.Get(s.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	tok := between(readAll(t, resp), `name="_csrf" value="`, `"`)
	resp, err = c.PostForm(s.URL+"/login", url.Values{"_csrf": {tok}, "organisation": {org}, "username": {user}, "password": {Password}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in of %s/%s: %d", org, user, resp.StatusCode)
	}
	return c
}

// Decree 713 Art. 30¶3: the minutes page names the dissent exactly as the
// stored minutes and the decision do, even when the decision sends the
// item to be discussed again (which clears its positions for the next
// meeting): a closed meeting's positions come from the audit trail.
func TestMinutesPage_NamesTheDissentAsRecordedWhenTheItemIsDiscussedAgain_Art30_3(t *testing.T) {
	s := newSite(t)
	item := s.newItem("关于调整停车收费标准的决定")
	s.walk(item, "meeting")
	ctx := context.Background()
	zfb := s.actor("zfb")
	all := []int64{s.users["quzhang"].ID, s.users["member1"].ID, s.users["member2"].ID, s.users["member3"].ID}
	m, err := s.svc.CreateMeeting(ctx, zfb, procedure.NewMeeting{Kind: "executive", Number: "2026年第5次常务会议", HeldOn: "2026-03-03",
		MemberUserIDs: all, ChiefExecutiveUserID: all[0]})
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.svc.AddToAgenda(ctx, zfb, m.ID, item))
	must(s.svc.SetAttendance(ctx, zfb, m.ID, all))
	for i, p := range []string{"agree", "agree", "disagree", "agree"} {
		must(s.svc.RecordPosition(ctx, zfb, m.ID, item, procedure.Position{MemberUserID: all[(i+1)%4], Position: p, Remarks: fmt.Sprintf("发言%d", i+1)}))
	}
	must(s.svc.SetDecision(ctx, zfb, m.ID, item, procedure.Decision{Decision: "rediscuss", DepartureReason: "需补充交通影响评价"}))
	must(s.svc.CloseMeeting(ctx, zfb, m.ID))
	stored, _, err := s.svc.Minutes(ctx, zfb, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, dissent, _ := strings.Cut(string(stored), "不同意见：")
	dissent, _, _ = strings.Cut(dissent, "</p>")
	if !strings.Contains(dissent, "孙副区长：同意（发言1）") || !strings.Contains(dissent, "冯副区长：不同意（发言3）") {
		t.Fatalf("stored minutes' dissent: %q", dissent)
	}

	c := s.meetingClient(t, "demo", "audit")
	resp, err := c.Get(fmt.Sprintf("%s/meetings/%d/minutes", s.URL, m.ID))
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	shown := between(between(body, `class="dissent"`, "</dd>"), ">", "\x00")
	if resp.StatusCode != http.StatusOK || shown != dissent {
		t.Fatalf("the minutes page names %q, the stored minutes %q (%d)", shown, dissent, resp.StatusCode)
	}
	for _, want := range []string{"孙副区长：同意（发言1）", "吴区长：同意（发言4）", "再次讨论", "需补充交通影响评价", "同意"} {
		if !strings.Contains(body, want) {
			t.Errorf("the minutes page lacks %q", want)
		}
	}
}
