package server

import (
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/juece/juece/engine"
)

// The JSON shapes of the API (see openapi.yaml). Views are built from
// engine types and never expose secrets (password and token hashes).

type userView struct {
	ID           int64         `json:"id"`
	Username     string        `json:"username"`
	DisplayName  string        `json:"display_name"`
	DepartmentID *int64        `json:"department_id"`
	Roles        []engine.Role `json:"roles"`
	Active       bool          `json:"active"`
}

func viewUser(u *engine.User) userView {
	v := userView{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Roles: u.Roles, Active: u.Active}
	if v.Roles == nil {
		v.Roles = []engine.Role{}
	}
	if u.DepartmentID != 0 {
		d := u.DepartmentID
		v.DepartmentID = &d
	}
	return v
}

type stateView struct {
	Name     string      `json:"name"`
	Label    engine.Text `json:"label"`
	Stage    string      `json:"stage"`
	Terminal bool        `json:"terminal"`
}

type itemView struct {
	ID              int64     `json:"id"`
	Workflow        string    `json:"workflow"`
	WorkflowVersion int       `json:"workflow_version"`
	Title           string    `json:"title"`
	DepartmentID    *int64    `json:"department_id"`
	State           stateView `json:"state"`
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

type blockView struct {
	Code      string `json:"code"`
	MessageZh string `json:"message_zh"`
	MessageEn string `json:"message_en"`
	Basis     string `json:"basis,omitempty"`
}

type fieldView struct {
	Name     string      `json:"name"`
	Type     string      `json:"type"`
	Required bool        `json:"required"`
	Label    engine.Text `json:"label"`
	Values   []string    `json:"values,omitempty"`
	Min      int         `json:"min,omitempty"`
	Max      int         `json:"max,omitempty"`
}

type actionView struct {
	Event          string      `json:"event"`
	Label          engine.Text `json:"label"`
	To             string      `json:"to"`
	Allowed        bool        `json:"allowed"`
	Blocked        *blockView  `json:"blocked"`
	NeedsInput     bool        `json:"needs_input"`
	ReasonRequired bool        `json:"reason_required"`
	Fields         []fieldView `json:"fields"`
}

type itemDetail struct {
	itemView
	Actions []actionView `json:"actions"`
}

func viewFields(fs []*engine.Field) []fieldView {
	out := make([]fieldView, len(fs))
	for i, f := range fs {
		out[i] = fieldView{Name: f.Name, Type: string(f.Type), Required: f.Required, Label: f.Label, Values: f.Values, Min: f.Min, Max: f.Max}
	}
	return out
}

func (s *Server) viewItem(it *engine.Item) itemView {
	v := itemView{ID: it.ID, Workflow: it.WorkflowID, WorkflowVersion: it.WorkflowVersion, Title: it.Title, Version: it.Version,
		Record: it.Record, CreatedBy: it.CreatedBy, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt,
		State: stateView{Name: it.State, Stage: it.State}}
	if v.Record == nil {
		v.Record = engine.Record{}
	}
	if it.DepartmentID != 0 {
		d := it.DepartmentID
		v.DepartmentID = &d
	}
	if d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion); d != nil {
		if st := d.State(it.State); st != nil {
			v.State = stateView{Name: st.Name, Label: st.Label, Stage: st.Stage, Terminal: st.Terminal}
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

func viewActions(acts []engine.Action) []actionView {
	out := make([]actionView, len(acts))
	for i, a := range acts {
		av := actionView{Event: a.Event, Label: a.Label, To: a.To, Allowed: a.Allowed, NeedsInput: a.NeedsInput,
			ReasonRequired: a.ReasonRequired, Fields: viewFields(a.Fields)}
		if a.Blocked != nil {
			av.Blocked = &blockView{Code: string(a.Blocked.Code), MessageZh: a.Blocked.MessageZh, MessageEn: a.Blocked.Message, Basis: a.Blocked.Basis}
		}
		out[i] = av
	}
	return out
}

type auditEventView struct {
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

func viewAuditEvent(ev *engine.AuditEvent) auditEventView {
	p := ev.Payload
	if len(p) == 0 {
		p = json.RawMessage("null")
	}
	return auditEventView{Seq: ev.Seq, At: ev.At.UTC(), Actor: ev.Actor, Role: ev.Role, Event: ev.Event, FromState: ev.FromState,
		ToState: ev.ToState, Reason: ev.Reason, Payload: p, PrevHash: hex.EncodeToString(ev.PrevHash), Hash: hex.EncodeToString(ev.Hash)}
}
