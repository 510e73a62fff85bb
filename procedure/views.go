package procedure

import (
	"encoding/hex"
	"encoding/json"
	"sort"
	"time"

	"github.com/juece/juece/engine"
)

// The views of the use cases: typed, with their JSON form (the API's
// contract, server/openapi.yaml) and with the labels a page needs. Views
// never expose secrets (password and token hashes).

// StateView is an item's state with its label and stage.
type StateView struct {
	Name     string      `json:"name"`
	Label    engine.Text `json:"label"`
	Stage    string      `json:"stage"`
	Terminal bool        `json:"terminal"`
}

// ItemView is an item as its readers see it.
type ItemView struct {
	ID              int64     `json:"id"`
	Workflow        string    `json:"workflow"`
	WorkflowVersion int       `json:"workflow_version"`
	Title           string    `json:"title"`
	DepartmentID    *int64    `json:"department_id"`
	State           StateView `json:"state"`
	Version         int       `json:"version"`
	DueOn           *string   `json:"due_on"`
	// DueProvisional marks a due date counted over a year whose holiday
	// data is not loaded; DueNote says why.
	DueProvisional bool          `json:"due_provisional"`
	DueNote        *engine.Text  `json:"due_note,omitempty"`
	Overdue        bool          `json:"overdue"`
	Record         engine.Record `json:"record"`
	CreatedBy      string        `json:"created_by"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

// BlockView says why an action is not allowed now: the first reason in
// Code and the messages, every failed rule in Failures.
type BlockView struct {
	Code      string        `json:"code"`
	MessageZh string        `json:"message_zh"`
	MessageEn string        `json:"message_en"`
	Basis     string        `json:"basis,omitempty"`
	Failures  []FailureView `json:"failures,omitempty"`
}

// FailureView is one rule that refused, with its legal basis.
type FailureView struct {
	MessageZh string `json:"message_zh"`
	MessageEn string `json:"message_en"`
	Basis     string `json:"basis"`
}

// FieldView is a payload field of an event, as a form shows it.
type FieldView struct {
	Name     string       `json:"name"`
	Type     string       `json:"type"`
	Required bool         `json:"required"`
	Label    engine.Text  `json:"label"`
	Values   []string     `json:"values,omitempty"`
	Min      int          `json:"min,omitempty"`
	Max      int          `json:"max,omitempty"`
	Help     *engine.Text `json:"help,omitempty"`
	Choices  []ChoiceView `json:"choices,omitempty"`
	Document []string     `json:"document,omitempty"`
	Assigns  engine.Role  `json:"assigns,omitempty"`
	// AssignsDepartment: the ids are departments assigned in that role.
	AssignsDepartment engine.Role   `json:"assigns_department,omitempty"`
	field             *engine.Field `json:"-"`
}

// ChoiceView is one value of an enum field with its label.
type ChoiceView struct {
	Value string      `json:"value"`
	Label engine.Text `json:"label"`
}

// ActionView is an event the viewer could fire now, allowed or blocked.
type ActionView struct {
	Event          string      `json:"event"`
	Label          engine.Text `json:"label"`
	To             string      `json:"to"`
	Allowed        bool        `json:"allowed"`
	Blocked        *BlockView  `json:"blocked"`
	NeedsInput     bool        `json:"needs_input"`
	ReasonRequired bool        `json:"reason_required"`
	Fields         []FieldView `json:"fields"`
	// Via names the use case that fires the event ("meeting"); the
	// generic action refuses it.
	Via string `json:"via,omitempty"`
}

// ItemDetail is an item with the actions its viewer may take.
type ItemDetail struct {
	ItemView
	Actions []ActionView `json:"actions"`
}

// AuditEventView is one event of an item's audit trail.
type AuditEventView struct {
	Seq       int             `json:"seq"`
	At        time.Time       `json:"at"`
	Actor     string          `json:"actor"`
	Role      string          `json:"role"`
	Event     string          `json:"event"`
	FromState string          `json:"from_state"`
	ToState   string          `json:"to_state"`
	Reason    string          `json:"reason"`
	Payload   json.RawMessage `json:"payload"`
	PrevHash  string          `json:"prev_hash"`
	Hash      string          `json:"hash"`
}

// ViewAuditEvent renders one audit event.
func ViewAuditEvent(ev *engine.AuditEvent) AuditEventView {
	p := ev.Payload
	if len(p) == 0 {
		p = json.RawMessage("null")
	}
	return AuditEventView{Seq: ev.Seq, At: ev.At.UTC(), Actor: ev.Actor, Role: ev.Role, Event: ev.Event, FromState: ev.FromState,
		ToState: ev.ToState, Reason: ev.Reason, Payload: p, PrevHash: hex.EncodeToString(ev.PrevHash), Hash: hex.EncodeToString(ev.Hash)}
}

// ViewFields renders field declarations for a form or a client.
func ViewFields(fs []*engine.Field) []FieldView {
	out := make([]FieldView, len(fs))
	for i, f := range fs {
		v := FieldView{Name: f.Name, Type: string(f.Type), Required: f.Required, Label: f.Label, Values: f.Values, Min: f.Min, Max: f.Max,
			Document: f.DocumentKinds, Assigns: f.Assigns, AssignsDepartment: f.AssignsDepartment, field: f}
		if f.Help.Zh != "" || f.Help.En != "" {
			h := f.Help
			v.Help = &h
		}
		for _, val := range f.Values {
			l, ok := f.ValueLabels[val]
			if !ok {
				l = engine.Text{Zh: val, En: val}
			}
			v.Choices = append(v.Choices, ChoiceView{Value: val, Label: l})
		}
		out[i] = v
	}
	return out
}

// ViewItem renders an item.
func (s *Service) ViewItem(it *engine.Item) ItemView {
	v := ItemView{ID: it.ID, Workflow: it.WorkflowID, WorkflowVersion: it.WorkflowVersion, Title: it.Title, Version: it.Version,
		Record: it.Record, CreatedBy: it.CreatedBy, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt,
		State: StateView{Name: it.State, Stage: it.State}}
	if v.Record == nil {
		v.Record = engine.Record{}
	}
	if it.DepartmentID != 0 {
		d := it.DepartmentID
		v.DepartmentID = &d
	}
	if d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion); d != nil {
		if st := d.State(it.State); st != nil {
			v.State = StateView{Name: st.Name, Label: st.Label, Stage: st.Stage, Terminal: st.Terminal}
		}
	}
	if due := engine.DueOf(it.Record); due.On != "" {
		v.DueOn = &due.On
		v.Overdue = s.eng.Today().String() > due.On
		if due.Provisional {
			v.DueProvisional, v.DueNote = true, &due.Reason
		}
	}
	return v
}

// ViewBlock renders why an action is refused.
func ViewBlock(e *engine.Error) *BlockView {
	if e == nil {
		return nil
	}
	b := &BlockView{Code: string(e.Code), MessageZh: e.MessageZh, MessageEn: e.Message, Basis: e.Basis}
	for _, f := range e.Failures {
		b.Failures = append(b.Failures, FailureView{MessageZh: f.Message.Zh, MessageEn: f.Message.En, Basis: f.Basis})
	}
	return b
}

// ViewActions renders the actions of an item.
func (s *Service) ViewActions(it *engine.Item, acts []engine.Action) []ActionView {
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	out := make([]ActionView, len(acts))
	for i, a := range acts {
		av := ActionView{Event: a.Event, Label: a.Label, To: a.To, Allowed: a.Allowed, NeedsInput: a.NeedsInput,
			ReasonRequired: a.ReasonRequired, Fields: ViewFields(a.Fields), Blocked: ViewBlock(a.Blocked)}
		if d != nil {
			if ev := d.Event(a.Event); ev != nil {
				av.Via = ev.Via
			}
		}
		out[i] = av
	}
	return out
}

// PeriodView is a running statutory period and its due date.
type PeriodView struct {
	Name   string      `json:"name"`
	Label  engine.Text `json:"label"`
	Kind   string      `json:"kind"`
	Due    string      `json:"due"`
	Paused bool        `json:"paused"`
	Basis  string      `json:"basis"`
	// Provisional marks a due date counted over missing holiday data.
	Provisional       bool         `json:"provisional"`
	ProvisionalReason *engine.Text `json:"provisional_reason,omitempty"`
}

// RunningPeriods lists the item's started, unended periods, nearest due
// date first.
func (s *Service) RunningPeriods(it *engine.Item) []PeriodView {
	out := []PeriodView{}
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	ps, _ := it.Record["periods"].(map[string]any)
	for name, v := range ps {
		p, _ := v.(map[string]any)
		due, _ := p["due"].(string)
		ended, _ := p["ended_on"].(string)
		if due == "" || ended != "" {
			continue
		}
		paused, _ := p["paused_on"].(string)
		pd := PeriodView{Name: name, Due: due, Paused: paused != ""}
		pd.Kind, _ = p["kind"].(string)
		pd.Basis, _ = p["basis"].(string)
		if prov, _ := p["provisional"].(bool); prov {
			r, _ := p["provisional_reason"].(map[string]any)
			zh, _ := r["zh"].(string)
			en, _ := r["en"].(string)
			pd.Provisional, pd.ProvisionalReason = true, &engine.Text{Zh: zh, En: en}
		}
		if d != nil {
			if def := d.Period(name); def != nil {
				pd.Label = def.Label
			}
		}
		out = append(out, pd)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Due < out[j].Due || out[i].Due == out[j].Due && out[i].Name < out[j].Name
	})
	return out
}
