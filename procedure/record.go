package procedure

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/juece/juece/engine"
)

// The readable forms of an item for people: its record by stage with the
// workflow's labels instead of keys, where it stands in the procedure, and
// the workflow's states with the path the item took.

// RecordEntry is one value of the record with its label. Text is the
// value as people read it; Digest is set when the value is the SHA-256 of
// a document; Rows holds appended entries (opinions, materials sent…).
type RecordEntry struct {
	Key    string      `json:"key"`
	Label  engine.Text `json:"label"`
	Text   engine.Text `json:"text"`
	Digest string      `json:"digest,omitempty"`
	Rows   []RecordRow `json:"rows,omitempty"`
}

// RecordRow is one appended entry of a record list.
type RecordRow struct {
	Entries []RecordEntry `json:"entries"`
}

// RecordStage is the part of the record one stage keeps.
type RecordStage struct {
	Stage   string        `json:"stage"`
	Label   engine.Text   `json:"label"`
	Entries []RecordEntry `json:"entries"`
}

// recordFields indexes, per record stage, the fields of the events that
// write there (the first declaration of a name wins), the events, and the
// appended lists with the fields of their entries.
type recordFields struct {
	fields map[string]map[string]*engine.Field
	events map[string]*engine.EventDef
	lists  map[string]map[string]*engine.EventDef
	order  []string
}

func indexRecord(d *engine.Definition) *recordFields {
	ix := &recordFields{fields: map[string]map[string]*engine.Field{}, events: map[string]*engine.EventDef{},
		lists: map[string]map[string]*engine.EventDef{}}
	evs := append([]*engine.EventDef{}, d.Events...)
	if d.Create != nil {
		evs = append([]*engine.EventDef{d.Create}, evs...)
	}
	for _, ev := range evs {
		ix.events[ev.Name] = ev
		st := ev.Record.Stage
		if st == "" {
			continue
		}
		if !slices.Contains(ix.order, st) {
			ix.order = append(ix.order, st)
		}
		if ev.Record.Append != "" {
			if ix.lists[st] == nil {
				ix.lists[st] = map[string]*engine.EventDef{}
			}
			if ix.lists[st][ev.Record.Append] == nil {
				ix.lists[st][ev.Record.Append] = ev
			}
			continue
		}
		if ix.fields[st] == nil {
			ix.fields[st] = map[string]*engine.Field{}
		}
		for _, f := range ev.Fields {
			if ix.fields[st][f.Name] == nil {
				ix.fields[st][f.Name] = f
			}
		}
	}
	return ix
}

// recordMeta are the labels of the keys the engine writes besides the
// payload: who fired an event and when, and an appended entry's parts.
var recordMeta = map[string]engine.Text{
	"by": {Zh: "办理人", En: "By"}, "by_name": {Zh: "办理人", En: "By"}, "on": {Zh: "日期", En: "Date"},
	"reason": {Zh: "理由", En: "Reason"},
}

// yesNo labels booleans.
var yesNo = map[bool]engine.Text{true: {Zh: "是", En: "Yes"}, false: {Zh: "否", En: "No"}}

// RecordView returns the record of it by stage, in the order the
// workflow's events first write to each stage, with field labels and
// value labels; empty values, internal bookkeeping (periods, waivers,
// counts) and sequence numbers are left out. names resolves actor
// references ("user:5") to names.
func (s *Service) RecordView(it *engine.Item, names map[string]string) []RecordStage {
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	if d == nil {
		return nil
	}
	ix := indexRecord(d)
	var out []RecordStage
	for _, st := range ix.order {
		m, _ := it.Record[st].(map[string]any)
		if len(m) == 0 {
			continue
		}
		rs := RecordStage{Stage: st, Label: d.StageLabel(st)}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keyOrder(ix, st, keys[i]) < keyOrder(ix, st, keys[j]) })
		for _, k := range keys {
			if e, ok := ix.entry(d, st, k, m[k], names); ok {
				rs.Entries = append(rs.Entries, e)
			}
		}
		if len(rs.Entries) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// keyOrder sorts a stage's keys: declared fields in declaration order,
// then lists, then who and when.
func keyOrder(ix *recordFields, st, k string) string {
	for _, ev := range ix.events {
		if ev.Record.Stage != st || ev.Record.Append != "" {
			continue
		}
		for i, f := range ev.Fields {
			if f.Name == k && ix.fields[st][k] == f {
				return fmt.Sprintf("0%s%03d", ev.Pos, i)
			}
		}
	}
	if _, ok := ix.lists[st][k]; ok {
		return "1" + k
	}
	return "2" + k
}

func (ix *recordFields) entry(d *engine.Definition, st, k string, v any, names map[string]string) (RecordEntry, bool) {
	if isEmpty(v) || st == "periods" || st == "waivers" {
		return RecordEntry{}, false
	}
	if ev, ok := ix.lists[st][k]; ok {
		e := RecordEntry{Key: k, Label: ev.Label}
		var items []any
		switch x := v.(type) {
		case []any:
			items = x
		case map[string]any:
			ks := make([]string, 0, len(x))
			for kk := range x {
				ks = append(ks, kk)
			}
			sort.Strings(ks)
			for _, kk := range ks {
				items = append(items, x[kk])
			}
		}
		for _, item := range items {
			em, _ := item.(map[string]any)
			var row RecordRow
			for _, f := range ev.Fields {
				if val, ok := em[f.Name]; ok && !isEmpty(val) {
					row.Entries = append(row.Entries, fieldEntry(f, val, names))
				}
			}
			for _, meta := range []string{"by_name", "on", "reason"} {
				if val, ok := em[meta]; ok && !isEmpty(val) {
					row.Entries = append(row.Entries, RecordEntry{Key: meta, Label: recordMeta[meta], Text: plain(fmt.Sprint(val))})
				}
			}
			e.Rows = append(e.Rows, row)
		}
		return e, len(e.Rows) > 0
	}
	if f := ix.fields[st][k]; f != nil {
		if (f.Type == engine.FieldID || f.Type == engine.FieldInteger && !f.Required) && fmt.Sprint(v) == "0" {
			return RecordEntry{}, false // an optional id or count not given
		}
		return fieldEntry(f, v, names), true
	}
	for _, suffix := range []string{"_on", "_by"} {
		if name, ok := strings.CutSuffix(k, suffix); ok {
			if ev := ix.events[name]; ev != nil {
				text := fmt.Sprint(v)
				if suffix == "_by" {
					text = nameOf(names, text)
					return RecordEntry{Key: k, Label: engine.Text{Zh: ev.Label.Zh + "：办理人", En: ev.Label.En + ": by"}, Text: plain(text)}, true
				}
				return RecordEntry{Key: k, Label: engine.Text{Zh: ev.Label.Zh + "：日期", En: ev.Label.En + ": date"}, Text: plain(text)}, true
			}
		}
	}
	// Values an event set (decision, positions…) or a count kept by the
	// engine: shown under their key only when they are plain values.
	switch v.(type) {
	case map[string]any, []any:
		return RecordEntry{}, false
	}
	return RecordEntry{Key: k, Label: plain(k), Text: plain(fmt.Sprint(v))}, true
}

func fieldEntry(f *engine.Field, v any, names map[string]string) RecordEntry {
	e := RecordEntry{Key: f.Name, Label: f.Label}
	switch f.Type {
	case engine.FieldBoolean:
		b, _ := v.(bool)
		e.Text = yesNo[b]
	case engine.FieldEnum:
		e.Text = valueLabel(f, fmt.Sprint(v))
	case engine.FieldSHA256:
		e.Text = plain(fmt.Sprint(v))
		if len(f.DocumentKinds) > 0 {
			e.Digest = fmt.Sprint(v)
		}
	case engine.FieldList, engine.FieldIDList:
		list, _ := v.([]any)
		var zh, en []string
		for _, x := range list {
			t := valueLabel(f, fmt.Sprint(x))
			if f.Type == engine.FieldIDList && f.Assigns != "" {
				t = plain(nameOf(names, "user:"+fmt.Sprint(x)))
			}
			if f.Type == engine.FieldIDList && f.AssignsDepartment != "" {
				t = plain(nameOf(names, "dept:"+fmt.Sprint(x)))
			}
			zh, en = append(zh, t.Zh), append(en, t.En)
		}
		e.Text = engine.Text{Zh: strings.Join(zh, "；"), En: strings.Join(en, "; ")}
	case engine.FieldID:
		e.Text = plain(fmt.Sprint(v))
		if f.Assigns != "" {
			e.Text = plain(nameOf(names, "user:"+fmt.Sprint(v)))
		}
		if f.AssignsDepartment != "" {
			e.Text = plain(nameOf(names, "dept:"+fmt.Sprint(v)))
		}
	default:
		e.Text = plain(fmt.Sprint(v))
	}
	return e
}

func valueLabel(f *engine.Field, v string) engine.Text {
	if l, ok := f.ValueLabels[v]; ok {
		return l
	}
	return plain(v)
}

func plain(s string) engine.Text { return engine.Text{Zh: s, En: s} }

func nameOf(names map[string]string, ref string) string {
	if n, ok := names[ref]; ok && n != "" {
		return n
	}
	return ref
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	case float64:
		return false
	}
	return false
}

// ActorNames resolves actor references of an organisation ("user:5",
// "public", "system") to the names people know them by, and names the
// organisation's departments ("dept:3"); unknown users keep their
// reference.
func (s *Service) ActorNames(ctx context.Context, org int64, refs []string) map[string]string {
	out := map[string]string{"public": "社会公众", "system": "系统"}
	if ds, err := s.store.ListDepartments(ctx, org); err == nil {
		for _, d := range ds {
			out["dept:"+strconv.FormatInt(d.ID, 10)] = d.Name
		}
	}
	for _, r := range refs {
		if _, done := out[r]; done {
			continue
		}
		id, ok := strings.CutPrefix(r, "user:")
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			continue
		}
		if u, err := s.store.GetUser(ctx, org, n); err == nil {
			out[r] = u.DisplayName
		}
	}
	return out
}

// RecordRefs lists the actor references an item's record and audit trail
// name, for ActorNames.
func RecordRefs(it *engine.Item, evs []AuditEventView) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] && (strings.HasPrefix(s, "user:") || s == "public" || s == "system") {
			seen[s] = true
			out = append(out, s)
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			add(x)
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(map[string]any(it.Record))
	for _, a := range it.Assignees() {
		add("user:" + strconv.FormatInt(a, 10))
	}
	for _, e := range evs {
		add(e.Actor)
	}
	return out
}

// StageStep is one stage of the procedure strip: Status is "done",
// "current" or "todo"; Waivers name statutory steps skipped there, with
// the reason.
type StageStep struct {
	Stage   string        `json:"stage"`
	Label   engine.Text   `json:"label"`
	Status  string        `json:"status"`
	Waivers []engine.Text `json:"waivers,omitempty"`
}

// Progress is where it stands in its procedure: the stages of the
// workflow's states from start to end, those its audit trail passed
// through done, its current stage current, and the steps waived.
// Stages of the terminal states the item is not in (withdrawn, declined…)
// are left out.
func (s *Service) Progress(it *engine.Item, evs []AuditEventView) []StageStep {
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	if d == nil {
		return nil
	}
	visited := map[string]bool{}
	for _, e := range evs {
		for _, st := range []string{e.FromState, e.ToState} {
			if x := d.State(st); x != nil {
				visited[x.Stage] = true
			}
		}
	}
	cur := d.State(it.State)
	waivers, _ := it.Record["waivers"].(map[string]any)
	var out []StageStep
	for _, st := range d.StateStages() {
		// A stage whose states are all terminal (withdrawn, declined,
		// rejected) shows only when the item is there — except the stage
		// of the last state declared, where the procedure ends (archive).
		last := d.States[len(d.States)-1]
		shown := st == last.Stage || (cur != nil && cur.Stage == st)
		for _, x := range d.States {
			shown = shown || (x.Stage == st && !x.Terminal)
		}
		if !shown {
			continue
		}
		step := StageStep{Stage: st, Label: d.StageLabel(st), Status: "todo"}
		if visited[st] {
			step.Status = "done"
		}
		if cur != nil && cur.Stage == st {
			step.Status = "current"
		}
		for _, w := range waivers {
			wm, _ := w.(map[string]any)
			ev := d.Event(fmt.Sprint(wm["event"]))
			if ev == nil || len(ev.From) == 0 || d.State(ev.From[0]) == nil || d.State(ev.From[0]).Stage != st {
				continue
			}
			step.Waivers = append(step.Waivers, engine.Text{Zh: ev.Label.Zh + "：" + fmt.Sprint(wm["reason"]),
				En: ev.Label.En + ": " + fmt.Sprint(wm["reason"])})
		}
		out = append(out, step)
	}
	return out
}

// StateNode is one state of a workflow as a diagram shows it: whether the
// item is or was there, and the events leading on.
type StateNode struct {
	Name     string      `json:"name"`
	Label    engine.Text `json:"label"`
	Stage    string      `json:"stage"`
	Terminal bool        `json:"terminal"`
	Current  bool        `json:"current"`
	Visited  bool        `json:"visited"`
	Next     []StateEdge `json:"next"`
}

// StateEdge is an event from one state to another (self-loops left out).
type StateEdge struct {
	Event   string      `json:"event"`
	Label   engine.Text `json:"label"`
	To      string      `json:"to"`
	ToLabel engine.Text `json:"to_label"`
	Taken   bool        `json:"taken"`
}

// Diagram is the workflow of it as states and transitions, in declaration
// order, with the states and transitions its audit trail went through.
func (s *Service) Diagram(it *engine.Item, evs []AuditEventView) []StateNode {
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	if d == nil {
		return nil
	}
	visited, taken := map[string]bool{d.Initial: true}, map[string]bool{}
	for _, e := range evs {
		visited[e.FromState], visited[e.ToState] = true, true
		taken[e.FromState+"|"+e.Event] = true
	}
	out := make([]StateNode, 0, len(d.States))
	for _, st := range d.States {
		n := StateNode{Name: st.Name, Label: st.Label, Stage: st.Stage, Terminal: st.Terminal, Current: st.Name == it.State, Visited: visited[st.Name]}
		for _, ev := range d.Events {
			if ev.Stay || !slices.Contains(ev.From, st.Name) || ev.To == st.Name {
				continue
			}
			to := d.State(ev.To)
			n.Next = append(n.Next, StateEdge{Event: ev.Name, Label: ev.Label, To: ev.To, ToLabel: to.Label, Taken: taken[st.Name+"|"+ev.Name]})
		}
		out = append(out, n)
	}
	return out
}
