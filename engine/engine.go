package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/looplab/fsm"
)

// Engine fires events on items: it checks roles, payloads and rules, moves
// the item with looplab/fsm, merges the payload into the item's record, and
// commits the new state with its audit event in one transaction.
type Engine struct {
	store     Store
	workflows *Registry
	calendars *CalendarSet
	facts     Directory
	now       func() time.Time
	loc       *time.Location
}

// Config configures an Engine. Store, Workflows and Calendars are required.
type Config struct {
	Store     Store
	Workflows *Registry
	Calendars *CalendarSet
	// Directory lets rules read users, other items and meetings (user(),
	// item_facts(), meeting()); without it those functions return nil and
	// rules that need them refuse.
	Directory Directory
	// Now is the clock; time.Now when nil. Tests inject a fixed clock.
	Now func() time.Time
	// Location is the zone in which "today" is reckoned; Asia/Shanghai (UTC+8)
	// when nil.
	Location *time.Location
}

// New returns an Engine for cfg.
func New(cfg Config) (*Engine, error) {
	if cfg.Store == nil || cfg.Workflows == nil || cfg.Calendars == nil {
		return nil, errors.New("engine: Store, Workflows and Calendars are required")
	}
	e := &Engine{store: cfg.Store, workflows: cfg.Workflows, calendars: cfg.Calendars, facts: cfg.Directory, now: cfg.Now, loc: cfg.Location}
	if e.now == nil {
		e.now = time.Now
	}
	if e.loc == nil {
		e.loc = ChinaTime
	}
	return e, nil
}

// ChinaTime is China Standard Time (UTC+8, no daylight saving), the zone in
// which statutory days are counted.
var ChinaTime = time.FixedZone("CST", 8*60*60)

// Workflows returns the engine's definitions.
func (e *Engine) Workflows() *Registry { return e.workflows }

// Store returns the engine's storage.
func (e *Engine) Store() Store { return e.store }

// Calendars returns the engine's calendars.
func (e *Engine) Calendars() *CalendarSet { return e.calendars }

// Now returns the engine clock's current time.
func (e *Engine) Now() time.Time { return e.now() }

// Today returns the current date in the engine's zone.
func (e *Engine) Today() Date { return DateOf(e.now().In(e.loc)) }

// Input is what a caller sends with an event.
type Input struct {
	Payload map[string]any
	// Reason is required by some events (waivers, extensions, withdrawals)
	// and kept in the audit trail for all.
	Reason string
	// Via names the use case firing the event; an event declared with via
	// (ViaMeeting) is refused from any other.
	Via string
	// Documents are documents uploaded together with the event (committed
	// in the same transaction): a document field may name them.
	Documents []*Document
}

// ViaMeeting is the use case of an executive meeting: positions and
// decisions are fired only through it (Decree 713 Art. 30).
const ViaMeeting = "meeting"

// Result is the outcome of a successful event.
type Result struct {
	Item  *Item
	Event *AuditEvent
}

// CreateInput is what a caller sends to create an item.
type CreateInput struct {
	WorkflowID string
	Title      string
	// DepartmentID is the organizer department. An actor acting only as
	// organizer may create items for its own department only; it defaults
	// to the actor's department.
	DepartmentID int64
	Input
}

// TitleMax is the longest item title, in characters.
const TitleMax = 200

// Create starts a new item of the latest version of in.WorkflowID in the
// actor's organisation, in the workflow's initial state, with its genesis
// audit event. Returns not_found for an unknown workflow, forbidden when the
// actor may not create it, invalid for a bad title or payload, guard_failed
// when a creation rule refuses.
func (e *Engine) Create(ctx context.Context, actor Actor, in CreateInput) (*Result, error) {
	d := e.workflows.Latest(in.WorkflowID)
	if d == nil {
		return nil, Errorz(CodeNotFound, fmt.Sprintf("没有名为“%s”的流程", in.WorkflowID),
			fmt.Sprintf("no workflow %q", in.WorkflowID))
	}
	title := strings.TrimSpace(in.Title)
	if err := CheckText("title", title); err != nil {
		return nil, err
	}
	if title == "" {
		return nil, invalidField("title", "事项名称不能为空", "title is required")
	}
	if utf8.RuneCountInString(title) > TitleMax {
		return nil, invalidField("title", fmt.Sprintf("事项名称不能超过%d个字符", TitleMax),
			fmt.Sprintf("title must be at most %d characters", TitleMax))
	}
	dept := in.DepartmentID
	if dept == 0 {
		dept = actor.DepartmentID
	}
	it := &Item{OrgID: actor.OrgID, WorkflowID: d.ID, WorkflowVersion: d.Version, Title: title,
		DepartmentID: dept, State: d.Initial, Version: 1, Record: Record{}, CreatedBy: actor.Ref()}
	role, err := authorize(d.Create, actor, it)
	if err != nil {
		return nil, err
	}
	if err := checkReason(d.Create, in.Reason); err != nil {
		return nil, err
	}
	payload, err := normalizePayload(d.Create, in.Payload)
	if err != nil {
		return nil, err
	}
	now := e.now()
	today := DateOf(now.In(e.loc))
	var res Result
	err = e.store.CreateItem(ctx, it, func(stored *Item) (*AuditEvent, error) {
		cal, err := e.calendars.Region(stored.Region)
		if err != nil {
			return nil, Internal(err)
		}
		seedRecord(d, stored.Record)
		start, err := checkEvent(d, d.Create, e.ruleEnvFor(ctx, d, stored, actor, payload, in.Reason, cal, today))
		if err != nil {
			return nil, err
		}
		if err := applyRecord(d, d.Create, start, stored, actor, payload, in.Reason, cal, today, 1); err != nil {
			return nil, err
		}
		stored.CreatedAt, stored.UpdatedAt = AuditTime(now), AuditTime(now)
		ev, err := newAuditEvent(stored, 1, now, actor, role, "create", "", d.Initial, in.Reason, map[string]any{
			"title": title, "workflow": d.Key(), "department_id": dept, "payload": payload,
		}, GenesisHash)
		if err != nil {
			return nil, err
		}
		res.Event = ev
		return ev, nil
	})
	if err != nil {
		return nil, err
	}
	res.Item = it
	return &res, nil
}

func newAuditEvent(it *Item, seq int, at time.Time, actor Actor, role Role, event, from, to, reason string, payload any, prev []byte) (*AuditEvent, error) {
	canon, err := Canonical(payload)
	if err != nil {
		return nil, Internal(err)
	}
	digest, err := ItemDigest(it)
	if err != nil {
		return nil, Internal(err)
	}
	ev := &AuditEvent{OrgID: it.OrgID, ItemID: it.ID, Seq: seq, At: at, Actor: actor.Ref(), Role: string(role),
		Event: event, FromState: from, ToState: to, Reason: reason, Payload: canon, PrevHash: prev, ItemDigest: digest}
	Seal(ev)
	return ev, nil
}

// Fire fires event on item id of the actor's organisation.
//
// expectedVersion, when > 0, must equal the item's current version
// (conflict otherwise: someone changed the item since the caller read it,
// the same error a lost race at commit gives). The checks, in order: the item exists in
// the actor's organisation (not_found); the event exists in its workflow
// (not_found); the actor holds one of the event's roles and, for
// department-scoped roles, belongs to the item's department (forbidden);
// the event is allowed from the current state (conflict); the reason is
// given when required and the payload matches the declared fields
// (invalid); every rule holds (guard_failed, carrying the rule's message and
// legal basis). Then the new state, record and audit event are committed
// together, or not at all: a concurrent change of the item gives conflict.
func (e *Engine) Fire(ctx context.Context, id int64, event string, actor Actor, in Input, expectedVersion int) (*Result, error) {
	it, err := e.store.GetItem(ctx, actor.OrgID, id)
	if err != nil {
		return nil, err
	}
	return e.FireLoaded(ctx, it, event, actor, in, expectedVersion)
}

// Transition is a checked event not yet committed: the item as it will be
// and the sealed audit event, valid while the stored item is still at
// ExpectedVersion.
type Transition struct {
	Item            *Item
	ExpectedVersion int
	Event           *AuditEvent
}

// Prepare does everything Fire does except the commit: it loads and checks
// the item, runs the state machine and the rules, and returns the new item
// and sealed audit event. Adapters that must commit several transitions
// (and their own rows) atomically, like closing a meeting, prepare each and
// commit them together; the store still checks every ExpectedVersion.
func (e *Engine) Prepare(ctx context.Context, id int64, event string, actor Actor, in Input, expectedVersion int) (*Transition, error) {
	it, err := e.store.GetItem(ctx, actor.OrgID, id)
	if err != nil {
		return nil, err
	}
	return e.PrepareLoaded(ctx, it, event, actor, in, expectedVersion)
}

// FireLoaded is Fire for an item the caller has just read from the store
// (an HTTP handler that loaded it to check the caller's scope), saving a
// second read. The item must not be shared: the engine changes it. The
// commit still checks the stored version, so a stale item only ever
// yields conflict.
func (e *Engine) FireLoaded(ctx context.Context, it *Item, event string, actor Actor, in Input, expectedVersion int) (*Result, error) {
	tr, err := e.PrepareLoaded(ctx, it, event, actor, in, expectedVersion)
	if err != nil {
		return nil, err
	}
	if err := e.store.CommitTransition(ctx, tr.Item, tr.ExpectedVersion, tr.Event); err != nil {
		return nil, err
	}
	return &Result{Item: tr.Item, Event: tr.Event}, nil
}

// PrepareLoaded is Prepare for an item already read from the store (see
// FireLoaded).
func (e *Engine) PrepareLoaded(ctx context.Context, it *Item, event string, actor Actor, in Input, expectedVersion int) (*Transition, error) {
	if it.OrgID != actor.OrgID {
		return nil, Errorz(CodeNotFound, "事项不存在", "no such item")
	}
	if expectedVersion > 0 && it.Version != expectedVersion {
		return nil, &Error{Code: CodeConflict,
			MessageZh: fmt.Sprintf("事项已被他人修改（当前版本%d，请求基于版本%d），请刷新后重试", it.Version, expectedVersion),
			Message:   fmt.Sprintf("the item has changed (version %d, request expected %d); reload and retry", it.Version, expectedVersion)}
	}
	d := e.workflows.Get(it.WorkflowID, it.WorkflowVersion)
	if d == nil {
		return nil, Internal(fmt.Errorf("item %d is pinned to workflow %s@%d, which is not loaded", it.ID, it.WorkflowID, it.WorkflowVersion))
	}
	ev := d.Event(event)
	if ev == nil {
		return nil, Errorz(CodeNotFound, fmt.Sprintf("流程“%s”中没有操作“%s”", d.Title.Zh, event),
			fmt.Sprintf("workflow %s has no event %q", d.Key(), event))
	}
	role, err := authorize(ev, actor, it)
	if err != nil {
		return nil, err
	}
	if ev.Via != in.Via {
		return nil, viaError(ev)
	}
	cal, err := e.calendars.Region(it.Region)
	if err != nil {
		return nil, Internal(err)
	}
	now := e.now()
	today := DateOf(now.In(e.loc))
	from := it.State
	var payload map[string]any
	var start []string

	// The state machine: a fresh FSM at the stored state, checks in before_event.
	m := fsm.NewFSM(from, d.fsmEvents(), fsm.Callbacks{
		"before_event": func(_ context.Context, fe *fsm.Event) {
			if err := checkReason(ev, in.Reason); err != nil {
				fe.Cancel(err)
				return
			}
			p, err := normalizePayload(ev, in.Payload)
			if err != nil {
				fe.Cancel(err)
				return
			}
			payload = p
			seedRecord(d, it.Record)
			start, err = checkEvent(d, ev, e.ruleEnvFor(ctx, d, it, actor, payload, in.Reason, cal, today))
			if err != nil {
				fe.Cancel(err)
			}
		},
	})
	ferr := m.Event(context.WithoutCancel(ctx), event)
	if err := fsmOutcome(ferr, d, ev, from); err != nil {
		return nil, err
	}
	if err := e.checkDocuments(ctx, ev, it, payload, in.Documents); err != nil {
		return nil, err
	}
	to := m.Current()
	if err := applyRecord(d, ev, start, it, actor, payload, in.Reason, cal, today, it.Version+1); err != nil {
		return nil, err
	}
	loaded := it.Version
	it.State = to
	it.Version = loaded + 1
	it.UpdatedAt = AuditTime(now)
	aev, err := newAuditEvent(it, it.Version, now, actor, role, event, from, to, in.Reason, payload, it.Head)
	if err != nil {
		return nil, err
	}
	it.Head = aev.Hash
	return &Transition{Item: it, ExpectedVersion: loaded, Event: aev}, nil
}

// fsmOutcome translates what fsm.Event returned.
func fsmOutcome(err error, d *Definition, ev *EventDef, from string) error {
	if err == nil {
		return nil
	}
	var nt fsm.NoTransitionError
	if errors.As(err, &nt) && nt.Err == nil {
		return nil // a successful self-loop
	}
	var ce fsm.CanceledError
	if errors.As(err, &ce) {
		if ce.Err != nil {
			return ce.Err
		}
		return Internal(err)
	}
	var ie fsm.InvalidEventError
	if errors.As(err, &ie) {
		st := d.State(from)
		return Errorz(CodeConflict,
			fmt.Sprintf("事项当前处于“%s”阶段，不能执行“%s”", st.Label.Zh, ev.Label.Zh),
			fmt.Sprintf("%q is not allowed while the item is in state %q", ev.Name, from))
	}
	return Internal(err)
}

// fsmEvents converts the definition's events for looplab/fsm. The slice is
// built once per definition.
func (d *Definition) fsmEvents() []fsm.EventDesc {
	d.fsmOnce.Do(func() {
		for _, ev := range d.Events {
			if ev.Stay {
				for _, f := range ev.From {
					d.fsmDescs = append(d.fsmDescs, fsm.EventDesc{Name: ev.Name, Src: []string{f}, Dst: f})
				}
				continue
			}
			d.fsmDescs = append(d.fsmDescs, fsm.EventDesc{Name: ev.Name, Src: ev.From, Dst: ev.To})
		}
	})
	return d.fsmDescs
}

// scoped roles act only on items of their own department.
func departmentScoped(r Role) bool { return r == RoleOrganizer }

// authorize returns the role under which actor may fire ev on it.
func authorize(ev *EventDef, actor Actor, it *Item) (Role, error) {
	if actor.OrgID != it.OrgID {
		return "", Errorz(CodeNotFound, "事项不存在", "no such item")
	}
	held := false
	for _, r := range ev.Roles {
		if !actor.Has(r) {
			continue
		}
		held = true
		if departmentScoped(r) && !it.RunBy(actor.DepartmentID) {
			continue
		}
		return r, nil
	}
	zh, en := make([]string, len(ev.Roles)), make([]string, len(ev.Roles))
	for i, r := range ev.Roles {
		zh[i], en[i] = r.Label().Zh, r.Label().En
	}
	if held {
		return "", Errorz(CodeForbidden, fmt.Sprintf("“%s”只能由承办本事项的部门办理", ev.Label.Zh),
			fmt.Sprintf("%q may only be done by a department designated to run the item", ev.Label.En))
	}
	return "", Errorz(CodeForbidden, fmt.Sprintf("“%s”须由%s办理", ev.Label.Zh, strings.Join(zh, "或")),
		fmt.Sprintf("%q is done by the %s", ev.Label.En, strings.Join(en, " or the ")))
}

func checkReason(ev *EventDef, reason string) error {
	if err := CheckText("reason", reason); err != nil {
		return err
	}
	if utf8.RuneCountInString(reason) > ReasonMax {
		return invalidField("reason", fmt.Sprintf("理由不能超过%d个字符", ReasonMax),
			fmt.Sprintf("reason must be at most %d characters", ReasonMax))
	}
	if ev.ReasonRequired && strings.TrimSpace(reason) == "" {
		return invalidField("reason", fmt.Sprintf("“%s”必须说明理由", ev.Label.Zh),
			fmt.Sprintf("%q requires a reason", ev.Name))
	}
	return nil
}

// seedRecord makes every stage the definition writes to present, so rules
// can read record.<stage>.<field> without nil checks.
func seedRecord(d *Definition, rec Record) {
	for _, s := range d.Stages() {
		if _, ok := rec[s].(map[string]any); !ok {
			rec[s] = map[string]any{}
		}
	}
	for _, s := range []string{"periods", "waivers"} {
		if _, ok := rec[s].(map[string]any); !ok {
			rec[s] = map[string]any{}
		}
	}
}

func actorEnv(a Actor) map[string]any {
	roles := make([]any, len(a.Roles))
	for i, r := range a.Roles {
		roles[i] = string(r)
	}
	return map[string]any{"ref": a.Ref(), "user_id": int(a.UserID), "department_id": int(a.DepartmentID), "name": a.Name, "roles": roles}
}

func itemEnv(it *Item) map[string]any {
	return map[string]any{"id": int(it.ID), "title": it.Title, "state": it.State,
		"department_id": int(it.DepartmentID), "workflow": it.WorkflowID}
}

// evalAll evaluates rules (skipping those that read the payload when
// skipPayload) and returns nil when all hold; otherwise the first refusal
// as a guard_failed *Error listing every rule that refused. A rule that
// cannot be evaluated (a malformed date, a fault of the definition) is
// returned at once.
func evalAll(rules []*Rule, env map[string]any, skipPayload bool) error {
	var first *Error
	for _, r := range rules {
		if skipPayload && r.readsPayload {
			continue
		}
		err := r.eval(env)
		if err == nil {
			continue
		}
		e := asError(err)
		if e.Code != CodeGuardFailed {
			return e
		}
		if first == nil {
			c := *e
			first = &c
		}
		first.Failures = append(first.Failures, RuleFailure{Message: Text{Zh: e.MessageZh, En: e.Message}, Basis: e.Basis})
	}
	if first == nil {
		return nil
	}
	return first
}

// ruleEnvFor is the environment rules and period conditions of one event
// are evaluated in.
func (e *Engine) ruleEnvFor(ctx context.Context, d *Definition, it *Item, actor Actor, payload map[string]any, reason string, cal *Calendar, today Date) map[string]any {
	periods, _ := it.Record["periods"].(map[string]any)
	env := ruleEnv(&ruleFuncs{cal: cal, todayD: today, periods: periods, ctx: ctx, org: it.OrgID, facts: e.facts})
	env["payload"] = payload
	env["record"] = map[string]any(it.Record)
	env["item"] = itemEnv(it)
	env["actor"] = actorEnv(actor)
	env["reason"] = reason
	env["settings"] = d.settings()
	return env
}

// checkEvent evaluates the event's rules and decides which of its periods
// start (those whose condition holds), before anything is changed.
func checkEvent(d *Definition, ev *EventDef, env map[string]any) ([]string, error) {
	if err := evalAll(ev.Rules, env, false); err != nil {
		return nil, err
	}
	var start []string
	for _, name := range ev.Periods.Start {
		pd := d.Period(name)
		if pd.when != nil {
			ok, err := evalBool(pd.when, env)
			if err != nil {
				return nil, &Error{Code: CodeInternal, Message: "period condition failed to evaluate", MessageZh: "期限条件执行失败",
					Err: fmt.Errorf("%s: period %s when %q: %w", pd.Pos, name, pd.When, err)}
			}
			if !ok {
				continue
			}
		}
		start = append(start, name)
	}
	return start, nil
}

// applyRecord writes the event's payload, waiver and period operations into
// the item's record.
func applyRecord(d *Definition, ev *EventDef, start []string, it *Item, actor Actor, payload map[string]any, reason string, cal *Calendar, today Date, seq int) error {
	rec := it.Record
	if ev.Record.Stage != "" {
		stage, _ := rec[ev.Record.Stage].(map[string]any)
		if stage == nil {
			stage = map[string]any{}
			rec[ev.Record.Stage] = stage
		}
		if ev.Record.Append != "" {
			entry := make(map[string]any, len(payload)+4)
			for k, v := range payload {
				entry[k] = v
			}
			entry["by"] = actor.Ref()
			if actor.Name != "" {
				entry["by_name"] = actor.Name
			}
			entry["on"] = today.String()
			entry["seq"] = seq
			if reason != "" {
				entry["reason"] = reason
			}
			if k := ev.Record.KeyBy; k != "" {
				m, _ := stage[ev.Record.Append].(map[string]any)
				if m == nil {
					m = map[string]any{}
					stage[ev.Record.Append] = m
				}
				m[fmt.Sprint(payload[k])] = entry
			} else {
				list, _ := stage[ev.Record.Append].([]any)
				stage[ev.Record.Append] = append(list, entry)
			}
		} else {
			for k, v := range payload {
				stage[k] = v
			}
			stage[ev.Name+"_on"] = today.String()
			stage[ev.Name+"_by"] = actor.Ref()
		}
		for k, v := range ev.Record.Set {
			stage[k] = copyValue(v) // the definition's value is shared
		}
		if c := ev.Record.CountBy; c != "" {
			counts, _ := stage[ev.Record.CountIn].(map[string]any)
			if counts == nil {
				counts = map[string]any{}
				stage[ev.Record.CountIn] = counts
			}
			var texts []string
			switch v := payload[c].(type) {
			case string:
				texts = []string{v}
			case []any:
				for _, x := range v {
					if s, ok := x.(string); ok {
						texts = append(texts, s)
					}
				}
			}
			for _, t := range texts {
				if strings.TrimSpace(t) == "" {
					continue
				}
				k := GroupKey(t)
				counts[k] = numInt(counts[k]) + 1
			}
		}
	}
	if ev.Waives != "" {
		w, _ := rec["waivers"].(map[string]any)
		if w == nil {
			w = map[string]any{}
			rec["waivers"] = w
		}
		w[ev.Waives] = map[string]any{"reason": reason, "by": actor.Ref(), "on": today.String(), "event": ev.Name}
	}
	applyAssignments(ev, rec, payload)
	if err := applyPeriods(d, ev, start, rec, cal, today, payload); err != nil {
		return err
	}
	it.DueOn = DueOn(rec)
	return nil
}

// Action is one event an actor could fire on an item in its current state.
type Action struct {
	Event string
	Label Text
	To    string
	// Allowed is false when a role, scope or rule stands in the way; Blocked
	// then says why (forbidden or guard_failed with the rule's message and
	// basis).
	Allowed bool
	Blocked *Error
	// NeedsInput is true when some rules read the payload and so can only be
	// judged when the request is made.
	NeedsInput bool
	Fields     []*Field
	// ReasonRequired tells the caller a reason must accompany the request.
	ReasonRequired bool
}

// Actions lists the events leaving the item's current state, sorted by
// name, each marked allowed or blocked for actor with the reason. Rules that
// read the payload are not judged here (NeedsInput).
func (e *Engine) Actions(ctx context.Context, actor Actor, id int64) (*Item, []Action, error) {
	it, err := e.store.GetItem(ctx, actor.OrgID, id)
	if err != nil {
		return nil, nil, err
	}
	acts, err := e.ActionsFor(it, actor)
	return it, acts, err
}

// ActionsFor is Actions for an item already loaded.
func (e *Engine) ActionsFor(it *Item, actor Actor) ([]Action, error) {
	d := e.workflows.Get(it.WorkflowID, it.WorkflowVersion)
	if d == nil {
		return nil, Internal(fmt.Errorf("workflow %s@%d is not loaded", it.WorkflowID, it.WorkflowVersion))
	}
	cal, err := e.calendars.Region(it.Region)
	if err != nil {
		return nil, Internal(err)
	}
	seedRecord(d, it.Record)
	env := e.ruleEnvFor(context.Background(), d, it, actor, map[string]any{}, "", cal, e.Today())
	var out []Action
	for _, ev := range d.Events {
		if !contains(ev.From, it.State) {
			continue
		}
		to := ev.To
		if ev.Stay {
			to = it.State
		}
		a := Action{Event: ev.Name, Label: ev.Label, To: to, Allowed: true, Fields: ev.Fields, ReasonRequired: ev.ReasonRequired}
		if ev.Via != "" {
			// Listed, but done through its own use case (the meeting).
			a.Allowed, a.Blocked = false, viaError(ev)
			if _, err := authorize(ev, actor, it); err != nil {
				a.Blocked = asError(err)
			}
			out = append(out, a)
			continue
		}
		for _, r := range ev.Rules {
			a.NeedsInput = a.NeedsInput || r.readsPayload
		}
		if _, err := authorize(ev, actor, it); err != nil {
			a.Allowed, a.Blocked = false, asError(err)
		} else if err := evalAll(ev.Rules, env, true); err != nil {
			a.Allowed, a.Blocked = false, asError(err)
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Event < out[j].Event })
	return out, nil
}

func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeInternal, Message: "internal error", Err: err}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// viaError refuses an event outside the use case it is declared for.
func viaError(ev *EventDef) *Error {
	if ev.Via == "" {
		return Errorz(CodeGuardFailed, fmt.Sprintf("“%s”不能通过会议办理", ev.Label.Zh),
			fmt.Sprintf("%q is not done through a meeting", ev.Label.En))
	}
	return &Error{Code: CodeGuardFailed, Basis: "《重大行政决策程序暂行条例》第三十条",
		MessageZh: fmt.Sprintf("“%s”只能在会议中办理：会议组成人员的意见和行政首长的决定由会议记录", ev.Label.Zh),
		Message:   fmt.Sprintf("%q is done only through the meeting, which records the members' positions and the chief executive's decision", ev.Label.En),
		Failures: []RuleFailure{{Message: Text{Zh: fmt.Sprintf("“%s”只能在会议中办理", ev.Label.Zh), En: fmt.Sprintf("%q is done only through the meeting", ev.Label.En)},
			Basis: "《重大行政决策程序暂行条例》第三十条"}}}
}

// checkDocuments refuses a document field whose digest names no document
// of its kinds on the item (stored, or uploaded with the event).
func (e *Engine) checkDocuments(ctx context.Context, ev *EventDef, it *Item, payload map[string]any, pending []*Document) error {
	for _, f := range ev.Fields {
		sha, _ := payload[f.Name].(string)
		if len(f.DocumentKinds) == 0 || sha == "" {
			continue
		}
		found := false
		for _, d := range pending {
			if d.SHA256 == sha && slices.Contains(f.DocumentKinds, d.Kind) {
				found = true
			}
		}
		if !found {
			d, err := e.store.FindDocument(ctx, it.OrgID, it.ID, sha)
			switch {
			case err == nil && slices.Contains(f.DocumentKinds, d.Kind):
				found = true
			case err != nil && ErrorCode(err) != CodeNotFound:
				return err
			}
		}
		if !found {
			kinds := make([]string, len(f.DocumentKinds))
			for i, k := range f.DocumentKinds {
				kinds[i] = DocumentKindLabel(k).Zh
			}
			e := &Error{Code: CodeInvalid, Field: f.Name,
				MessageZh: fmt.Sprintf("“%s”应为本事项已上传的%s的摘要；请先上传文件", f.label(), strings.Join(kinds, "或")),
				Message:   fmt.Sprintf("%q must be the digest of a %s uploaded to this item; upload the file first", f.Label.En, strings.Join(f.DocumentKinds, " or "))}
			if f.Basis != "" {
				e.Code, e.Basis = CodeGuardFailed, f.Basis
				e.Failures = []RuleFailure{{Message: Text{Zh: e.MessageZh, En: e.Message}, Basis: f.Basis}}
			}
			return e
		}
	}
	return nil
}

// copyValue is a deep copy of a JSON-like value (maps, lists, scalars).
func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = copyValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}
