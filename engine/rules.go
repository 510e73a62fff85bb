package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// The rule language.
//
// Rules are expr-lang expressions (https://expr-lang.org) that must evaluate
// to true. They see these variables:
//
//	payload  the event's payload after validation; every declared field is
//	         present (absent optional fields hold their zero value)
//	record   the item's record before this event, keyed by stage; every
//	         stage some event writes to is present (possibly empty), and
//	         record.periods / record.waivers hold period and waiver state
//	item     {id, title, state, department_id, workflow}
//	actor    {ref, user_id, department_id, roles}
//	reason   the request's reason, "" if none
//	settings the workflow's settings
//
// and these functions (dates are "2006-01-02" strings; working days follow
// the item's calendar region; over a year without holiday data weekends
// alone are counted, as for provisional due dates):
//
//	today()                        the current date in the configured zone
//	days_between(a, b)             calendar days from a to b (b - a)
//	working_days_between(a, b)     working days d with a < d <= b
//	add_days(a, n)                 a + n calendar days
//	add_working_days(a, n)         the n-th working day after a
//	period_due(name)               due date of a running period, "" if never started
//	period_elapsed(name)           a started, unpaused period has reached its due date
//	period_overdue(name)           today is after the due date of a started, unpaused period
//	period_started(name)           the period has been started
//	user(id)                       a user of the organisation: {id, active, roles, department_id,
//	                               affiliation, counsel: {law_firm_id, law_firm, contract_from,
//	                               contract_to} or nil}, nil when there is no such user
//	item_facts(id)                 another item: {id, workflow, state, title, adjusts_item_id}, or nil
//	meeting(id)                    a meeting: {id, kind, number, held_on, state, item_ids}, or nil
//
// Missing nested keys read as nil: use `?.` and `??` for depth beyond the
// stage (record.legality?.review?.x ?? "").

// ruleEnv is the prototype environment rules are compiled against; the
// run-time environment has the same keys and function signatures.
func ruleEnv(fn *ruleFuncs) map[string]any {
	return map[string]any{
		"payload":              map[string]any{},
		"record":               map[string]any{},
		"item":                 map[string]any{},
		"actor":                map[string]any{},
		"reason":               "",
		"settings":             map[string]any{},
		"today":                fn.today,
		"days_between":         fn.daysBetween,
		"working_days_between": fn.workingDaysBetween,
		"add_days":             fn.addDays,
		"add_working_days":     fn.addWorkingDays,
		"period_due":           fn.periodDue,
		"period_elapsed":       fn.periodElapsed,
		"period_overdue":       fn.periodOverdue,
		"period_started":       fn.periodStarted,
		"user":                 fn.user,
		"item_facts":           fn.itemFacts,
		"meeting":              fn.meeting,
	}
}

var prototypeEnv = ruleEnv(&ruleFuncs{})

func (r *Rule) compile() error {
	prog, err := expr.Compile(r.Check, expr.Env(prototypeEnv), expr.AsBool())
	if err != nil {
		return err
	}
	r.program = prog
	node := prog.Node()
	ast.Walk(&node, payloadFinder{&r.readsPayload})
	return nil
}

type payloadFinder struct{ found *bool }

func (p payloadFinder) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok && (id.Value == "payload" || id.Value == "reason") {
		*p.found = true
	}
}

// ReadsPayload reports whether the rule depends on the request (payload or
// reason), so that it cannot be judged before the request is made.
func (r *Rule) ReadsPayload() bool { return r.readsPayload }

// ruleFuncs carries what the rule functions need for one evaluation.
type ruleFuncs struct {
	cal     *Calendar
	todayD  Date
	periods map[string]any
	// facts looks up users, items and meetings of org (nil: none known).
	ctx   context.Context
	org   int64
	facts Directory
	users map[int64]map[string]any
}

func toID64(v any) int64 {
	switch n := v.(type) {
	case int:
		return int64(n)
	case int64:
		return n
	case float64:
		return int64(n)
	}
	return 0
}

func (f *ruleFuncs) user(id any) map[string]any {
	n := toID64(id)
	if f.facts == nil || n <= 0 {
		return nil
	}
	if m, ok := f.users[n]; ok {
		return m
	}
	u, err := f.facts.UserFacts(f.ctx, f.org, n)
	if err != nil {
		f.fail(err)
	}
	if f.users == nil {
		f.users = map[int64]map[string]any{}
	}
	f.users[n] = u.env()
	return f.users[n]
}

func (f *ruleFuncs) itemFacts(id any) map[string]any {
	n := toID64(id)
	if f.facts == nil || n <= 0 {
		return nil
	}
	it, err := f.facts.ItemFacts(f.ctx, f.org, n)
	if err != nil {
		f.fail(err)
	}
	return it.env()
}

func (f *ruleFuncs) meeting(id any) map[string]any {
	n := toID64(id)
	if f.facts == nil || n <= 0 {
		return nil
	}
	m, err := f.facts.MeetingFacts(f.ctx, f.org, n)
	if err != nil {
		f.fail(err)
	}
	return m.env()
}

// funcError marks a rule function failure (a malformed date) that should
// reach the caller as is.
type funcError struct{ err *Error }

func (c funcError) Error() string { return c.err.Error() }

func (f *ruleFuncs) fail(err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Code: CodeInvalid, Message: "a date could not be computed", MessageZh: "日期计算失败", Err: err}
	}
	panic(funcError{e})
}

func (f *ruleFuncs) date(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		f.fail(&Error{Code: CodeInvalid, Message: fmt.Sprintf("not a date: %q", s), MessageZh: fmt.Sprintf("日期格式错误：%q", s)})
	}
	return d
}

func (f *ruleFuncs) today() string { return f.todayD.String() }

func (f *ruleFuncs) daysBetween(a, b string) int { return DaysBetween(f.date(a), f.date(b)) }

func (f *ruleFuncs) workingDaysBetween(a, b string) int {
	return f.cal.WorkingDaysBetween(f.date(a), f.date(b))
}

func (f *ruleFuncs) addDays(a string, n int) string { return f.date(a).AddDays(n).String() }

func (f *ruleFuncs) addWorkingDays(a string, n int) string {
	d, err := f.cal.AddWorkingDays(f.date(a), n)
	if err != nil {
		f.fail(&Error{Code: CodeInvalid, Message: fmt.Sprintf("cannot count %d working days", n),
			MessageZh: fmt.Sprintf("无法计算%d个工作日", n), Err: err})
	}
	return d.String()
}

func (f *ruleFuncs) period(name string) map[string]any {
	p, _ := f.periods[name].(map[string]any)
	return p
}

func (f *ruleFuncs) periodDue(name string) string {
	p := f.period(name)
	if p == nil {
		return ""
	}
	s, _ := p["due"].(string)
	return s
}

func (f *ruleFuncs) periodStarted(name string) bool { return f.period(name) != nil }

func (f *ruleFuncs) periodElapsed(name string) bool {
	p := f.period(name)
	if p == nil || p["paused_on"] != nil && p["paused_on"] != "" {
		return false
	}
	due := f.periodDue(name)
	return due != "" && !f.todayD.Before(f.date(due))
}

func (f *ruleFuncs) periodOverdue(name string) bool {
	p := f.period(name)
	if p == nil || p["paused_on"] != nil && p["paused_on"] != "" {
		return false
	}
	due := f.periodDue(name)
	return due != "" && f.todayD.After(f.date(due))
}

// evalBool runs a compiled boolean expression. A failure of a rule
// function (a malformed date) is returned as its *Error; any other run-time
// failure is returned as is.
func evalBool(prog *vm.Program, env map[string]any) (ok bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			if fe, isFunc := p.(funcError); isFunc {
				ok, err = false, fe.err
				return
			}
			panic(p)
		}
	}()
	out, err := expr.Run(prog, env)
	if err != nil {
		var fe funcError
		if errors.As(err, &fe) {
			return false, fe.err
		}
		return false, err
	}
	b, _ := out.(bool)
	return b, nil
}

// eval runs one rule. A false result returns a guard_failed *Error carrying
// the rule's message and basis; a failure of a date function returns its
// error; any other run-time failure is a fault of the definition (internal).
func (r *Rule) eval(env map[string]any) error {
	ok, err := evalBool(r.program, env)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return e
		}
		return &Error{Code: CodeInternal, Message: "rule failed to evaluate", MessageZh: "规则执行失败",
			Err: fmt.Errorf("%s: rule %q: %w", r.Pos, r.Check, err)}
	}
	if ok {
		return nil
	}
	return &Error{Code: CodeGuardFailed, Message: r.Message.En, MessageZh: r.Message.Zh, Basis: r.Basis, Rule: r.Check}
}
