package engine_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
	"github.com/juece/juece/internal/memstore"
	"github.com/juece/juece/workflows"
)

// testWorkflow exercises the engine's generic machinery: scoped roles,
// fields of every type, rules, stay events that append, waivers, periods.
const testWorkflow = `id: test
version: 1
title: {zh: 测试流程, en: Test workflow}
initial: draft
create:
  zh: 创建
  en: Create
  roles: [organizer]
  record: {stage: intake}
  fields:
    note: {type: text, max: 10}
states:
  draft: {zh: 草拟, en: Draft}
  review: {zh: 审查, en: Review}
  done: {zh: 完成, en: Done, terminal: true}
periods:
  review_time: {zh: 审查期限, en: Review time, unit: working_days, kind: minimum, length: 7, basis: 第二十六条}
events:
  submit:
    zh: 提交
    en: Submit
    from: draft
    to: review
    roles: [organizer]
    fields:
      title: {type: text, required: true}
      on: {type: date}
      count: {type: integer, min: 1, max: 9}
      kind: {type: enum, values: [a, b]}
      digest: {type: sha256}
      tags: {type: list}
      people: {type: id_list}
      urgent: {type: boolean}
    rules:
      - check: payload.kind != "b" || payload.urgent
        zh: 乙类须紧急
        en: Kind b must be urgent
        basis: 第一条
    record: {stage: review}
    periods: {start: [review_time]}
  comment:
    zh: 意见
    en: Comment
    from: [draft, review]
    stay: true
    roles: [counsel, organizer]
    fields:
      text: {type: text, required: true}
    record: {stage: review, append: comments}
  skip_check:
    zh: 免于检查
    en: Skip the check
    from: review
    stay: true
    roles: [legal_office]
    waives: check
  pause:
    zh: 中止
    en: Pause
    from: review
    stay: true
    roles: [legal_office]
    periods: {pause: [review_time]}
  resume:
    zh: 恢复
    en: Resume
    from: review
    stay: true
    roles: [organizer]
    periods: {resume: [review_time]}
  extend:
    zh: 延长
    en: Extend
    from: review
    stay: true
    roles: [legal_office]
    fields:
      extend_days: {type: integer, required: true, min: 1, max: 30}
    periods: {extend: [review_time]}
  finish:
    zh: 完成
    en: Finish
    from: review
    to: done
    roles: [legal_office]
    rules:
      - check: period_elapsed("review_time")
        zh: 审查期限未满
        en: The review time has not run
        basis: 第二十六条
      - check: len(record.review.comments ?? []) >= 1
        zh: 须有意见
        en: A comment is required
        basis: 第二十八条
`

var (
	orgA     int64 = 1
	orgB     int64 = 2
	owner          = engine.Actor{OrgID: orgA, UserID: 1, Roles: []engine.Role{engine.RoleOrganizer}, DepartmentID: 7}
	peer           = engine.Actor{OrgID: orgA, UserID: 2, Roles: []engine.Role{engine.RoleOrganizer}, DepartmentID: 8}
	legal          = engine.Actor{OrgID: orgA, UserID: 3, Roles: []engine.Role{engine.RoleLegalOffice}}
	counsel        = engine.Actor{OrgID: orgA, UserID: 4, Roles: []engine.Role{engine.RoleCounsel}}
	outsider       = engine.Actor{OrgID: orgB, UserID: 5, Roles: []engine.Role{engine.RoleOrganizer, engine.RoleLegalOffice}, DepartmentID: 7}
)

type fixture struct {
	eng   *engine.Engine
	store *memstore.Store
	mu    sync.Mutex
	now   time.Time
}

func (f *fixture) clock() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }

func (f *fixture) on(t *testing.T, date string) {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02", date, engine.ChinaTime)
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.now = d.Add(9 * time.Hour)
	f.mu.Unlock()
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	d, err := workflows.Parse("test.yaml", []byte(testWorkflow))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := engine.NewRegistry(d)
	if err != nil {
		t.Fatal(err)
	}
	cals, err := calendars.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: memstore.New(map[int64]string{orgA: "cn", orgB: "cn"})}
	f.on(t, "2026-02-10")
	f.eng, err = engine.New(engine.Config{Store: f.store, Workflows: reg, Calendars: cals, Now: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) create(t *testing.T) *engine.Item {
	t.Helper()
	res, err := f.eng.Create(context.Background(), owner, engine.CreateInput{WorkflowID: "test", Title: "事项"})
	if err != nil {
		t.Fatal(err)
	}
	return res.Item
}

func (f *fixture) fire(t *testing.T, id int64, ev string, a engine.Actor, p map[string]any, reason string) (*engine.Result, error) {
	t.Helper()
	return f.eng.Fire(context.Background(), id, ev, a, engine.Input{Payload: p, Reason: reason}, 0)
}

func (f *fixture) must(t *testing.T, id int64, ev string, a engine.Actor, p map[string]any, reason string) *engine.Item {
	t.Helper()
	res, err := f.fire(t, id, ev, a, p, reason)
	if err != nil {
		t.Fatalf("%s: %v", ev, err)
	}
	return res.Item
}

func TestFire_RefusalsHaveTypedCodesAndChangeNothing(t *testing.T) {
	f := newFixture(t)
	it := f.create(t)
	ok := map[string]any{"title": "t"}
	cases := []struct {
		name    string
		id      int64
		event   string
		actor   engine.Actor
		payload map[string]any
		reason  string
		version int
		want    engine.Code
	}{
		{"unknown item", 999, "submit", owner, ok, "", 0, engine.CodeNotFound},
		{"item of another organisation", it.ID, "submit", outsider, ok, "", 0, engine.CodeNotFound},
		{"unknown event", it.ID, "fly", owner, ok, "", 0, engine.CodeNotFound},
		{"role not held", it.ID, "submit", counsel, ok, "", 0, engine.CodeForbidden},
		{"organizer of another department", it.ID, "submit", peer, ok, "", 0, engine.CodeForbidden},
		{"event not allowed in this state", it.ID, "finish", legal, nil, "", 0, engine.CodeConflict},
		{"undeclared field", it.ID, "submit", owner, map[string]any{"title": "t", "colour": "red"}, "", 0, engine.CodeInvalid},
		{"missing required field", it.ID, "submit", owner, map[string]any{}, "", 0, engine.CodeInvalid},
		{"blank required text", it.ID, "submit", owner, map[string]any{"title": "   "}, "", 0, engine.CodeInvalid},
		{"text where a date belongs", it.ID, "submit", owner, map[string]any{"title": "t", "on": "Feb 10"}, "", 0, engine.CodeInvalid},
		{"impossible date", it.ID, "submit", owner, map[string]any{"title": "t", "on": "2026-02-30"}, "", 0, engine.CodeInvalid},
		{"string where an integer belongs", it.ID, "submit", owner, map[string]any{"title": "t", "count": "3"}, "", 0, engine.CodeInvalid},
		{"fractional integer", it.ID, "submit", owner, map[string]any{"title": "t", "count": 2.5}, "", 0, engine.CodeInvalid},
		{"integer out of range", it.ID, "submit", owner, map[string]any{"title": "t", "count": 10}, "", 0, engine.CodeInvalid},
		{"value outside the enum", it.ID, "submit", owner, map[string]any{"title": "t", "kind": "c"}, "", 0, engine.CodeInvalid},
		{"malformed digest", it.ID, "submit", owner, map[string]any{"title": "t", "digest": "ABC"}, "", 0, engine.CodeInvalid},
		{"list of numbers where strings belong", it.ID, "submit", owner, map[string]any{"title": "t", "tags": []any{1}}, "", 0, engine.CodeInvalid},
		{"negative id", it.ID, "submit", owner, map[string]any{"title": "t", "people": []any{-1}}, "", 0, engine.CodeInvalid},
		{"string where a boolean belongs", it.ID, "submit", owner, map[string]any{"title": "t", "urgent": "yes"}, "", 0, engine.CodeInvalid},
		{"rule refuses", it.ID, "submit", owner, map[string]any{"title": "t", "kind": "b"}, "", 0, engine.CodeGuardFailed},
		{"stale expected version", it.ID, "submit", owner, ok, "", 7, engine.CodeConflict},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.eng.Fire(context.Background(), c.id, c.event, c.actor, engine.Input{Payload: c.payload, Reason: c.reason}, c.version)
			if got := engine.ErrorCode(err); got != c.want {
				t.Fatalf("code %q, want %q (%v)", got, c.want, err)
			}
			var e *engine.Error
			if !asErr(err, &e) || e.Message == "" || e.MessageZh == "" {
				t.Fatalf("error lacks zh/en messages: %#v", err)
			}
			now, _ := f.store.GetItem(context.Background(), orgA, it.ID)
			if now.Version != 1 || now.State != "draft" {
				t.Fatalf("a refused event changed the item: %+v", now)
			}
		})
	}
}

func asErr(err error, target **engine.Error) bool {
	e, ok := err.(*engine.Error)
	if ok {
		*target = e
	}
	return ok
}

func TestFire_GuardFailureCarriesMessageAndBasis(t *testing.T) {
	f := newFixture(t)
	it := f.create(t)
	_, err := f.fire(t, it.ID, "submit", owner, map[string]any{"title": "t", "kind": "b"}, "")
	e := err.(*engine.Error)
	if e.Basis != "第一条" || e.MessageZh != "乙类须紧急" || e.Message != "Kind b must be urgent" {
		t.Fatalf("guard error %+v", e)
	}
}

func TestFire_TransitionMergesPayloadAndAppendsAuditEvent(t *testing.T) {
	f := newFixture(t)
	it := f.create(t)
	got := f.must(t, it.ID, "submit", owner, map[string]any{"title": "标题", "count": json.Number("3"), "people": []any{float64(4)}}, "")
	if got.State != "review" || got.Version != 2 {
		t.Fatalf("state %s version %d", got.State, got.Version)
	}
	rev := got.Record["review"].(map[string]any)
	if rev["title"] != "标题" || rev["submit_on"] != "2026-02-10" || rev["kind"] != "" || rev["urgent"] != false {
		t.Fatalf("record.review = %v (absent optional fields hold their zero value)", rev)
	}
	evs, _ := f.store.AuditEvents(context.Background(), orgA, it.ID)
	if len(evs) != 2 || evs[1].Event != "submit" || evs[1].FromState != "draft" || evs[1].ToState != "review" || evs[1].Role != "organizer" || evs[1].Actor != "user:1" {
		t.Fatalf("audit events %+v", evs[1])
	}
	var p map[string]any
	if err := json.Unmarshal(evs[1].Payload, &p); err != nil || p["count"] != float64(3) {
		t.Fatalf("audit payload %s", evs[1].Payload)
	}
}

func TestFire_StayEventsAppendInEitherState(t *testing.T) {
	f := newFixture(t)
	it := f.create(t)
	f.must(t, it.ID, "comment", counsel, map[string]any{"text": "一"}, "")
	f.must(t, it.ID, "submit", owner, map[string]any{"title": "t"}, "")
	got := f.must(t, it.ID, "comment", counsel, map[string]any{"text": "二"}, "")
	if got.State != "review" || got.Version != 4 {
		t.Fatalf("state %s version %d", got.State, got.Version)
	}
	list := got.Record["review"].(map[string]any)["comments"].([]any)
	if len(list) != 2 || list[1].(map[string]any)["text"] != "二" || list[1].(map[string]any)["by"] != "user:4" {
		t.Fatalf("comments %v", list)
	}
}

func TestFire_WaiverRequiresAndKeepsItsReason(t *testing.T) {
	f := newFixture(t)
	it := f.create(t)
	f.must(t, it.ID, "submit", owner, map[string]any{"title": "t"}, "")
	_, err := f.fire(t, it.ID, "skip_check", legal, nil, " ")
	if engine.ErrorCode(err) != engine.CodeInvalid {
		t.Fatalf("want invalid without a reason, got %v", err)
	}
	got := f.must(t, it.ID, "skip_check", legal, nil, "不涉及")
	w := got.Record["waivers"].(map[string]any)["check"].(map[string]any)
	if w["reason"] != "不涉及" || w["by"] != "user:3" {
		t.Fatalf("waiver %v", w)
	}
}

// Periods: started on submission; the clock stops while paused (tolling)
// and the due date moves by the paused working days; extensions add days
// with a reason.
func TestFire_PeriodsStartPauseResumeExtend(t *testing.T) {
	f := newFixture(t)
	it := f.create(t)
	f.must(t, it.ID, "submit", owner, map[string]any{"title": "t"}, "") // 2026-02-10
	due := func() string {
		i, _ := f.store.GetItem(context.Background(), orgA, it.ID)
		return i.Record["periods"].(map[string]any)["review_time"].(map[string]any)["due"].(string)
	}
	if d := due(); d != "2026-02-26" {
		t.Fatalf("due %s, want 2026-02-26", d)
	}
	f.must(t, it.ID, "comment", counsel, map[string]any{"text": "x"}, "")
	f.on(t, "2026-02-12")
	f.must(t, it.ID, "pause", legal, nil, "")
	if _, err := f.fire(t, it.ID, "pause", legal, nil, ""); engine.ErrorCode(err) != engine.CodeConflict {
		t.Fatalf("pausing twice: %v", err)
	}
	f.on(t, "2026-02-24") // paused over 02-13, 02-14 (make-up), 02-24: 3 working days
	f.must(t, it.ID, "resume", owner, nil, "")
	// 7 + 3 working days after 02-10: 11, 12, 13, 14, 24, 25, 26, 27, 28 (make-up), 03-02.
	if d := due(); d != "2026-03-02" {
		t.Fatalf("due after resume %s, want 2026-03-02", d)
	}
	if _, err := f.fire(t, it.ID, "extend", legal, map[string]any{"extend_days": 2}, ""); engine.ErrorCode(err) != engine.CodeInvalid {
		t.Fatalf("extension without reason: %v", err)
	}
	f.must(t, it.ID, "extend", legal, map[string]any{"extend_days": 2}, "案情复杂")
	if d := due(); d != "2026-03-04" {
		t.Fatalf("due after extension %s, want 2026-03-04", d)
	}
	f.on(t, "2026-03-03")
	if _, err := f.fire(t, it.ID, "finish", legal, nil, ""); engine.ErrorCode(err) != engine.CodeGuardFailed {
		t.Fatalf("finishing before the period ran: %v", err)
	}
	f.on(t, "2026-03-04")
	f.must(t, it.ID, "finish", legal, nil, "")
}

// DESIGN.md "Time": a period counted into a year without holiday data is
// computed on weekends alone and marked provisional, never refused; once
// the data is loaded a recomputation moves it, as one system event that
// names the old and new due dates and keeps the chain whole.
func TestFire_PeriodIntoAYearWithoutDataIsProvisionalAndRecomputedWhenDataArrives(t *testing.T) {
	f := newFixture(t)
	it := f.create(t)
	f.on(t, "2026-12-28")
	res, err := f.fire(t, it.ID, "submit", owner, map[string]any{"title": "t"}, "")
	if err != nil {
		t.Fatalf("a period reaching into 2027 must not be refused: %v", err)
	}
	p := res.Item.Record["periods"].(map[string]any)["review_time"].(map[string]any)
	reason, _ := p["provisional_reason"].(map[string]any)
	if p["due"] != "2027-01-06" || p["provisional"] != true || !contains(fmt.Sprint(reason["zh"]), "2027年") {
		t.Fatalf("period state %v: want a provisional due date of 2027-01-06 with its reason", p)
	}
	// Loading 2027 data (a test fixture, not the real notice) moves the date.
	fixture := engine.CalendarYear{Region: "cn", Year: 2027, Status: engine.YearComplete, Basis: "测试用数据（非真实通知）",
		Holidays: []engine.Holiday{{Name: engine.Text{Zh: "测试假日", En: "Test holiday"}, From: mustDate(t, "2027-01-01"), To: mustDate(t, "2027-01-03")}}}
	cals := f.eng.Calendars()
	if err := cals.Replace(cals.Regions(), append(cals.Years(""), fixture), 7); err != nil {
		t.Fatal(err)
	}
	item, _ := f.store.GetItem(t.Context(), orgA, it.ID)
	change := engine.CalendarChange{Seq: 7, Region: "cn", Year: 2027, Status: engine.YearComplete, Basis: fixture.Basis}
	res, err = f.eng.RecomputePeriods(t.Context(), item, []engine.CalendarChange{change, {Seq: 6, Region: "cn", Year: 2025}})
	if err != nil || res == nil {
		t.Fatalf("recompute: %v %v", res, err)
	}
	var pl engine.RecomputePayload
	if err := json.Unmarshal(res.Event.Payload, &pl); err != nil {
		t.Fatal(err)
	}
	if res.Event.Event != engine.RecomputeEvent || res.Event.Actor != "system" || len(pl.Periods) != 1 ||
		pl.Periods[0].OldDue != "2027-01-06" || pl.Periods[0].NewDue != "2027-01-07" || pl.Periods[0].Provisional ||
		len(pl.Changes) != 1 || pl.Changes[0].Year != 2027 {
		t.Fatalf("recompute event %s %s: want old 2027-01-06, new 2027-01-07, final, caused by the 2027 data only", res.Event.Event, res.Event.Payload)
	}
	// A second recomputation finds nothing to change and writes nothing.
	item, _ = f.store.GetItem(t.Context(), orgA, it.ID)
	if again, err := f.eng.RecomputePeriods(t.Context(), item, nil); err != nil || again != nil {
		t.Fatalf("second recompute: %v %v", again, err)
	}
	if r, err := engine.Verify(t.Context(), f.store, 0, 0); err != nil || r.Break != nil {
		t.Fatalf("verify: %v %v", r.Break, err)
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

func contains(s, sub string) bool { return len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0) }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestActions_ListsEventsOfTheStateSortedWithReasons(t *testing.T) {
	f := newFixture(t)
	it := f.create(t)
	f.must(t, it.ID, "submit", owner, map[string]any{"title": "t"}, "")
	_, acts, err := f.eng.Actions(context.Background(), legal, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	byName := map[string]engine.Action{}
	for _, a := range acts {
		names = append(names, a.Event)
		byName[a.Event] = a
	}
	want := []string{"comment", "extend", "finish", "pause", "resume", "skip_check"}
	if len(names) != len(want) {
		t.Fatalf("actions %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("actions %v, want %v", names, want)
		}
	}
	if a := byName["comment"]; a.Allowed || a.Blocked.Code != engine.CodeForbidden {
		t.Errorf("comment should be forbidden to the legal office: %+v", a)
	}
	if a := byName["finish"]; a.Allowed || a.Blocked.Code != engine.CodeGuardFailed || a.Blocked.Basis != "第二十六条" {
		t.Errorf("finish should be blocked by the review period: %+v", a)
	}
	if a := byName["pause"]; !a.Allowed {
		t.Errorf("pause should be allowed: %+v", a.Blocked)
	}
	if a := byName["extend"]; !a.Allowed || !a.ReasonRequired {
		t.Errorf("extend should be allowed with a reason: %+v", a)
	}
}

func TestFire_ConcurrentSameEventOneWinsOthersConflict(t *testing.T) {
	f := newFixture(t)
	it := f.create(t)
	const n = 50
	var wg sync.WaitGroup
	codes := make([]engine.Code, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.fire(t, it.ID, "submit", owner, map[string]any{"title": "t"}, "")
			codes[i] = engine.ErrorCode(err)
		}()
	}
	wg.Wait()
	wins := 0
	for _, c := range codes {
		switch c {
		case "":
			wins++
		case engine.CodeConflict:
		default:
			t.Fatalf("unexpected code %q", c)
		}
	}
	if wins != 1 {
		t.Fatalf("%d successes, want exactly 1", wins)
	}
	res, err := engine.Verify(context.Background(), f.store, 0, 0)
	if err != nil || res.Break != nil || res.Events != 2 {
		t.Fatalf("verify: %+v %v", res, err)
	}
}

// The canonical encoding is documented on engine.CanonicalEncoding; this
// test recomputes a hash from that documentation alone, as an outside
// verifier would.
func TestAudit_HashFollowsTheDocumentedEncoding(t *testing.T) {
	ev := &engine.AuditEvent{OrgID: 1, ItemID: 42, Seq: 3, At: time.Date(2026, 2, 10, 2, 0, 0, 123456789, time.UTC),
		Actor: "user:7", Role: "legal_office", Event: "conclude", FromState: "review", ToState: "review",
		Reason: "", Payload: json.RawMessage(`{"outcome":"lawful"}`), PrevHash: make([]byte, 32)}
	engine.Seal(ev)
	var buf []byte
	for _, f := range []string{"juece.audit.v1", "1", "42", "3", "2026-02-10T02:00:00.123456Z", "user:7", "legal_office",
		"conclude", "review", "review", "", `{"outcome":"lawful"}`, hex.EncodeToString(make([]byte, 32))} {
		buf = binary.BigEndian.AppendUint64(buf, uint64(len(f)))
		buf = append(buf, f...)
	}
	sum := sha256.Sum256(buf)
	if hex.EncodeToString(ev.Hash) != hex.EncodeToString(sum[:]) {
		t.Fatalf("hash %x does not follow the documented encoding (%x)", ev.Hash, sum)
	}
	if !ev.At.Equal(time.Date(2026, 2, 10, 2, 0, 0, 123456000, time.UTC)) {
		t.Fatalf("time not truncated to microseconds: %v", ev.At)
	}
}

func TestAudit_VerifyNamesTheFirstTamperedEvent(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(*engine.AuditEvent)
		seq    int
	}{
		{"payload changed", func(e *engine.AuditEvent) { e.Payload = json.RawMessage(`{"title":"改过的"}`) }, 2},
		{"actor changed", func(e *engine.AuditEvent) { e.Actor = "user:99" }, 2},
		{"time changed", func(e *engine.AuditEvent) { e.At = e.At.Add(time.Hour) }, 3},
		{"hash recomputed but link broken", func(e *engine.AuditEvent) { e.Reason = "x"; engine.Seal(e) }, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			it := f.create(t)
			f.must(t, it.ID, "submit", owner, map[string]any{"title": "t"}, "")
			f.must(t, it.ID, "comment", counsel, map[string]any{"text": "x"}, "")
			f.must(t, it.ID, "comment", counsel, map[string]any{"text": "y"}, "")
			if res, _ := engine.Verify(context.Background(), f.store, 0, 0); res.Break != nil {
				t.Fatalf("untampered chain does not verify: %v", res.Break)
			}
			f.store.Tamper(it.ID, c.seq, c.tamper)
			res, err := engine.Verify(context.Background(), f.store, 0, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := c.seq
			if c.name == "hash recomputed but link broken" {
				want = c.seq + 1 // the event itself is consistent; its successor no longer links to it
			}
			if res.Break == nil || res.Break.Seq != want || res.Break.ItemID != it.ID {
				t.Fatalf("break %+v, want item %d event %d", res.Break, it.ID, want)
			}
		})
	}
}

func TestCreate_ChecksWorkflowRoleTitleAndPayload(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name string
		a    engine.Actor
		in   engine.CreateInput
		want engine.Code
	}{
		{"unknown workflow", owner, engine.CreateInput{WorkflowID: "nope", Title: "x"}, engine.CodeNotFound},
		{"role may not create", counsel, engine.CreateInput{WorkflowID: "test", Title: "x"}, engine.CodeForbidden},
		{"organizer for another department", owner, engine.CreateInput{WorkflowID: "test", Title: "x", DepartmentID: 8}, engine.CodeForbidden},
		{"empty title", owner, engine.CreateInput{WorkflowID: "test", Title: "  "}, engine.CodeInvalid},
		{"overlong title", owner, engine.CreateInput{WorkflowID: "test", Title: string(make([]rune, 201))}, engine.CodeInvalid},
		{"overlong field", owner, engine.CreateInput{WorkflowID: "test", Title: "x", Input: engine.Input{Payload: map[string]any{"note": "一二三四五六七八九十十"}}}, engine.CodeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.eng.Create(context.Background(), c.a, c.in)
			if got := engine.ErrorCode(err); got != c.want {
				t.Fatalf("code %q, want %q (%v)", got, c.want, err)
			}
		})
	}
	res, err := f.eng.Create(context.Background(), owner, engine.CreateInput{WorkflowID: "test", Title: " 事项 ", Input: engine.Input{Payload: map[string]any{"note": "备注"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Item.Title != "事项" || res.Item.DepartmentID != 7 || res.Event.Seq != 1 || res.Event.Event != "create" {
		t.Fatalf("created %+v / %+v", res.Item, res.Event)
	}
	if res.Item.Record["intake"].(map[string]any)["note"] != "备注" {
		t.Fatalf("creation payload not recorded: %v", res.Item.Record)
	}
}
