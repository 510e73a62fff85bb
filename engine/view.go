package engine

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// ViewDef is a named view of an item's record that a workflow declares
// (YAML views:): the legality-review package of Art. 26, the meeting
// package of Art. 29, what the public sees. Which record keys make each
// view is procedure knowledge, so it lives with the procedure, not in the
// adapters. Each part has a label, an optional condition, fields computed
// by expressions over the record (the rule language, without payload),
// and an optional account: a sentence for the "account of the statutory
// procedures performed".
type ViewDef struct {
	Name  string
	Parts []*ViewPart
	Pos   string
}

// ViewPart is one part of a view.
type ViewPart struct {
	Name  string
	Label Text
	// When, if set, is a boolean expression: the part is shown only when
	// it holds (e.g. only once participation has closed).
	When string
	// Account, if set, is a text expression summarising the part.
	Account string
	Fields  []*ViewField
	Pos     string

	when, account *vm.Program
}

// ViewField is one value of a view part.
type ViewField struct {
	Name  string
	Label Text
	Value string
	Pos   string

	value *vm.Program
}

func (v *ViewDef) compile() []string {
	var probs []string
	add := func(pos, format string, args ...any) { probs = append(probs, pos+": "+fmt.Sprintf(format, args...)) }
	for _, p := range v.Parts {
		if p.Label.Zh == "" || p.Label.En == "" {
			add(p.Pos, "view %s: part %q needs zh and en labels", v.Name, p.Name)
		}
		if p.When != "" {
			prog, err := expr.Compile(p.When, expr.Env(prototypeEnv), expr.AsBool())
			if err != nil {
				add(p.Pos, "view %s: part %q: when does not compile to a boolean: %v", v.Name, p.Name, err)
			}
			p.when = prog
		}
		if p.Account != "" {
			prog, err := expr.Compile(p.Account, expr.Env(prototypeEnv), expr.AsKind(reflect.String))
			if err != nil {
				add(p.Pos, "view %s: part %q: account does not compile to text: %v", v.Name, p.Name, err)
			}
			p.account = prog
		}
		for _, f := range p.Fields {
			if f.Label.Zh == "" || f.Label.En == "" {
				add(f.Pos, "view %s: field %s.%s needs zh and en labels", v.Name, p.Name, f.Name)
			}
			prog, err := expr.Compile(f.Value, expr.Env(prototypeEnv))
			if err != nil {
				add(f.Pos, "view %s: field %s.%s does not compile: %v", v.Name, p.Name, f.Name, err)
			}
			f.value = prog
		}
	}
	return probs
}

// View returns the named view, nil when the workflow declares none.
func (d *Definition) View(name string) *ViewDef {
	for _, v := range d.Views {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// RenderedView is a view computed for one item.
type RenderedView struct {
	Name  string
	Parts []RenderedPart
}

// RenderedPart is one shown part of a rendered view.
type RenderedPart struct {
	Name    string
	Label   Text
	Account string
	Fields  []RenderedField
}

// RenderedField is one value; fields whose value is nil or empty are left
// out.
type RenderedField struct {
	Name  string
	Label Text
	Value any
}

// Map returns the part's fields as a map of name to value.
func (p RenderedPart) Map() map[string]any {
	m := make(map[string]any, len(p.Fields))
	for _, f := range p.Fields {
		m[f.Name] = f.Value
	}
	return m
}

// Part returns the rendered part name, and false when it is not shown.
func (v *RenderedView) Part(name string) (RenderedPart, bool) {
	for _, p := range v.Parts {
		if p.Name == name {
			return p, true
		}
	}
	return RenderedPart{}, false
}

// Account joins the accounts of the shown parts ("；").
func (v *RenderedView) Account() string {
	var out []string
	for _, p := range v.Parts {
		if p.Account != "" {
			out = append(out, p.Account)
		}
	}
	return strings.Join(out, "；")
}

// RenderView computes the named view of it. Returns not_found when the
// item's workflow declares no such view.
func (e *Engine) RenderView(it *Item, name string) (*RenderedView, error) {
	d := e.workflows.Get(it.WorkflowID, it.WorkflowVersion)
	if d == nil {
		return nil, Internal(fmt.Errorf("workflow %s@%d is not loaded", it.WorkflowID, it.WorkflowVersion))
	}
	vd := d.View(name)
	if vd == nil {
		return nil, Errorz(CodeNotFound, "该流程没有此项材料", fmt.Sprintf("workflow %s has no view %q", d.Key(), name))
	}
	cal, err := e.calendars.Region(it.Region)
	if err != nil {
		return nil, Internal(err)
	}
	seedRecord(d, it.Record)
	env := e.ruleEnvFor(context.Background(), d, it, Actor{OrgID: it.OrgID}, map[string]any{}, "", cal, e.Today())
	out := &RenderedView{Name: name}
	for _, p := range vd.Parts {
		if p.when != nil {
			ok, err := evalBool(p.when, env)
			if err != nil {
				return nil, viewErr(vd, p.Name, err)
			}
			if !ok {
				continue
			}
		}
		rp := RenderedPart{Name: p.Name, Label: p.Label}
		if p.account != nil {
			v, err := runExpr(p.account, env)
			if err != nil {
				return nil, viewErr(vd, p.Name, err)
			}
			rp.Account, _ = v.(string)
		}
		for _, f := range p.Fields {
			v, err := runExpr(f.value, env)
			if err != nil {
				return nil, viewErr(vd, p.Name+"."+f.Name, err)
			}
			if empty(v) {
				continue
			}
			rp.Fields = append(rp.Fields, RenderedField{Name: f.Name, Label: f.Label, Value: v})
		}
		out.Parts = append(out.Parts, rp)
	}
	return out, nil
}

func viewErr(v *ViewDef, where string, err error) error {
	return &Error{Code: CodeInternal, Message: "view failed to evaluate", MessageZh: "材料生成失败",
		Err: fmt.Errorf("%s: view %s, %s: %w", v.Pos, v.Name, where, err)}
}

// runExpr runs a compiled expression, turning a rule function's failure
// into its error.
func runExpr(prog *vm.Program, env map[string]any) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			if fe, ok := p.(funcError); ok {
				out, err = nil, fe.err
				return
			}
			panic(p)
		}
	}()
	return expr.Run(prog, env)
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}
