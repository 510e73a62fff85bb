package engine

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/looplab/fsm"
)

// Definition is one version of a workflow (a statutory procedure): its
// states, the events that move an item between them, and the rules and
// periods that govern the events. Definitions are data (YAML files read by
// the workflows package); the engine holds no procedure-specific code.
//
// A Definition must be compiled with Compile before use; after that it is
// immutable and safe for concurrent use.
type Definition struct {
	ID      string
	Version int
	Title   Text
	Basis   string
	Initial string
	// Create declares who may create items of this workflow, the payload
	// of creation, its rules and where that payload is recorded. Its From is
	// empty and its To is the initial state.
	Create  *EventDef
	States  []*State
	Events  []*EventDef
	Periods []*PeriodDef
	// Settings are per-workflow switches and numbers rules read as
	// settings.<name>, e.g. party_report_before_meeting; a government
	// overrides them by overriding the definition.
	Settings map[string]any
	// Procedure names the events, periods and views the procedure's use
	// cases (meetings, review packages, opinions, public views) work with.
	Procedure ProcedureSpec
	// Views are named views of the record (see ViewDef).
	Views []*ViewDef
	// StageLabels names, in Chinese and English, the stages states belong
	// to (State.Stage) and the stages the record is kept by
	// (RecordSpec.Stage); see StageLabel.
	StageLabels map[string]Text
	// Source names the file the definition came from, for messages.
	Source string

	states   map[string]*State
	events   map[string]*EventDef
	periods  map[string]*PeriodDef
	stages   []string
	compiled bool
	fsmOnce  sync.Once
	fsmDescs []fsm.EventDesc
}

// ProcedureSpec is what a workflow tells the procedure's use cases: which
// of its events, periods and views play which part. Every part is
// optional; a workflow without a meeting part never goes to a meeting.
type ProcedureSpec struct {
	// Draft: uploading a document of kind "draft" fires Event with the
	// file's digest in Field, so the draft reviewed is the file stored.
	Draft *DraftSpec
	// Comments: the public comments and imported opinions, grouped and
	// disposed of (Arts. 15, 18).
	Comments *CommentsSpec
	// LegalityReview: the package derived from the record and submitted
	// through SubmitEvent (Art. 26).
	LegalityReview *ReviewSpec
	// Meeting: the events only the meeting fires (Arts. 29–30).
	Meeting *MeetingSpec
	// Public: what the public sees (Arts. 15, 16, 32).
	Public *PublicSpec
}

// DraftSpec names the event that records an uploaded draft.
type DraftSpec struct{ Event, Field string }

// CommentsSpec names the events of opinions: one public comment, a batch
// of them, an import of letters, the disposition of a group; Period is the
// comment period whose due date is the last day comments are taken.
type CommentsSpec struct {
	Event, BatchEvent, ImportEvent, DispositionEvent, Period string
}

// ReviewSpec names the review package's view and how its submission
// payload is made: each payload field from a view field ("part.field") or
// from the package's account of the procedures performed ("account").
type ReviewSpec struct {
	SubmitEvent string
	Package     string
	Payload     map[string]string
}

// MeetingSpec names the events the meeting fires and the package's view.
// Decisions maps each of MeetingDecisions to the workflow's event.
type MeetingSpec struct {
	AgendaEvent, PositionEvent string
	Decisions                  map[string]string
	Package                    string
}

// MeetingDecisions are the chief executive's outcomes (Art. 30):
// 同意、不同意、修改、暂缓、再次讨论.
var MeetingDecisions = []string{"agree", "disagree", "revise", "postpone", "rediscuss"}

// The payload fields the meeting fills, which its events must declare.
var (
	agendaFields   = []string{"meeting_id", "meeting_type", "meeting_no", "meeting_on", "member_user_ids", "chief_executive_user_id", "package_sha256"}
	positionFields = []string{"member_user_id", "position", "remarks", "present_user_ids"}
	decisionFields = []string{"meeting_id", "meeting_type", "meeting_no", "meeting_on", "majority_view", "departure_reason", "dissent", "minutes_sha256", "recorded_by"}
)

// PublicSpec says what the public sees: items in States are published
// decisions when Disclosed (a boolean expression) holds; Consultation,
// Hearing and Decision name the views shown; Documents (an expression
// giving a list of SHA-256 digests) names the stored documents published
// with the decision, such as its text (Art. 32), besides those uploaded
// marked public.
type PublicSpec struct {
	States                          []string
	Disclosed                       string
	Consultation, Hearing, Decision string
	Documents                       string

	disclosed, documents *vm.Program
}

// PublishedDigests returns the digests Documents gives for it (none when
// Documents is not set); callers apply it to disclosed decisions only.
func (p *PublicSpec) PublishedDigests(it *Item) ([]string, error) {
	if p == nil || p.documents == nil {
		return nil, nil
	}
	env := ruleEnv(&ruleFuncs{})
	env["record"] = map[string]any(it.Record)
	env["item"] = itemEnv(it)
	v, err := expr.Run(p.documents, env)
	if err != nil {
		return nil, err
	}
	var out []string
	if list, ok := v.([]any); ok {
		for _, x := range list {
			if s, ok := x.(string); ok && s != "" {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// IsDisclosed reports whether it, in one of States, is a disclosed
// decision.
func (p *PublicSpec) IsDisclosed(it *Item) (bool, error) {
	if p == nil || !slices.Contains(p.States, it.State) {
		return false, nil
	}
	if p.disclosed == nil {
		return true, nil
	}
	env := ruleEnv(&ruleFuncs{})
	env["record"] = map[string]any(it.Record)
	env["item"] = itemEnv(it)
	return evalBool(p.disclosed, env)
}

// State is one state of a workflow.
type State struct {
	Name  string
	Label Text
	// Terminal states have no outgoing events.
	Terminal bool
	// Stage groups states for listing and filtering; defaults to Name.
	Stage string
	Pos   string
}

// FieldType is the type of a declared payload field.
type FieldType string

// The payload field types.
const (
	FieldText    FieldType = "text"    // a string; Max bounds its length in characters
	FieldDate    FieldType = "date"    // "2006-01-02"
	FieldInteger FieldType = "integer" // a whole number; Min/Max bound it
	FieldBoolean FieldType = "boolean" // true or false
	FieldEnum    FieldType = "enum"    // one of Values
	FieldSHA256  FieldType = "sha256"  // 64 lower-case hex digits
	FieldList    FieldType = "list"    // a list of strings
	FieldID      FieldType = "id"      // a positive integer identifier (user, department, item)
	FieldIDList  FieldType = "id_list" // a list of positive integer identifiers
)

// FieldTypes lists the valid field types.
var FieldTypes = []FieldType{FieldText, FieldDate, FieldInteger, FieldBoolean, FieldEnum, FieldSHA256, FieldList, FieldID, FieldIDList}

// Field is a declared payload field of an event. Undeclared payload keys are
// rejected; absent optional fields are given their type's zero value ("" for
// text, date, enum and sha256; 0; false; an empty list) so rules can compare
// them without nil checks.
type Field struct {
	Name     string
	Type     FieldType
	Required bool
	Label    Text
	// Values are the allowed values of an enum field, or of each entry of
	// a list field (empty: any text).
	Values []string
	// ValueLabels names Values for people, in Chinese and English.
	ValueLabels map[string]Text
	// Help explains the field to the person filling it in.
	Help Text
	// DocumentKinds, on a sha256 field, makes the field stand for a signed
	// or sealed document: the digest must be that of a document of one of
	// these kinds stored on the item (or uploaded with the event).
	DocumentKinds []string
	// Basis is the legal provision a refusal of this field cites (e.g. why
	// the opinion must be a signed document).
	Basis string
	// Min and Max bound integers, and Max bounds text length (0 = default
	// limit of 20000 characters) and list length.
	Min, Max int
	// ItemMax bounds the length of each entry of a list field, in
	// characters (0 = 2000).
	ItemMax int
	// Assigns, on an id or id_list field, makes the ids users assigned to
	// the item in that role (e.g. counsel to a legality review); they are
	// kept in record.assignments[role] and decide what those users see.
	Assigns Role
	// AssignsDepartment is Assigns for department ids (e.g. the executing
	// unit), kept in record.department_assignments[role].
	AssignsDepartment Role
	Pos               string
}

// Rule is a guard of an event: an expr-lang expression that must be true for
// the event to go ahead, with the message shown when it is false and the
// legal provision it enforces.
type Rule struct {
	Check   string
	Message Text
	Basis   string
	Pos     string

	program      *vm.Program
	readsPayload bool
}

// RecordSpec says where an event's payload goes in the item's record: merged
// into record[Stage], or, when Append is set, appended as one entry to the
// list record[Stage][Append].
type RecordSpec struct {
	Stage  string
	Append string
	// KeyBy, with Append, keeps record[Stage][Append] as a map keyed by the
	// payload field KeyBy: a later entry for the same key replaces the
	// earlier one (e.g. one disposition per group of comments).
	KeyBy string
	// CountBy names a text or list payload field whose values are counted
	// in record[Stage][CountIn] by GroupKey, so identical and nearly
	// identical texts fall in one group (comments, letters).
	CountBy, CountIn string
	// Set writes fixed values into record[Stage] (after the payload), e.g. to
	// clear a flag when an item is sent back.
	Set map[string]any
}

// PeriodOps are the statutory-period operations an event performs.
type PeriodOps struct {
	Start  []string // (re)start the named periods today
	Pause  []string // stop their clocks (tolling), e.g. supplements requested
	Resume []string // restart their clocks; the due date moves by the paused days
	// Extend adds payload.extend_days (calendar or working, as the period
	// counts) to the named periods; a reason is then required.
	Extend []string
	// Stop ends the named periods (record ended_on): a maximum period that
	// has ended can no longer be overdue.
	Stop []string
}

// EventDef is one event of a workflow.
type EventDef struct {
	Name  string
	Label Text
	From  []string
	// To is the state the event leads to; "" when Stay is set.
	To string
	// Stay makes the event leave the item in whichever of From it is in:
	// recording an opinion, a document, a comment.
	Stay  bool
	Roles []Role
	// Fields declares the payload.
	Fields []*Field
	Rules  []*Rule
	Record RecordSpec
	// ReasonRequired makes the request's reason mandatory.
	ReasonRequired bool
	// Waives names a statutory step this event skips; a reason is required
	// and is kept in record.waivers[Waives].
	Waives  string
	Periods PeriodOps
	Pos     string
	// RolesPos is where the roles are declared, for messages ("" = Pos).
	RolesPos string
	// Optional events are never expected of anyone: work queues skip them.
	Optional bool
	// Via names the use case that alone may fire the event (e.g. "meeting":
	// positions and decisions are recorded only through the meeting); the
	// engine refuses it from any other (Input.Via).
	Via string

	fields map[string]*Field
}

// Expected reports whether firing the event is work expected of whoever
// may fire it, for work queues: not optional, not a waiver, and not an
// exceptional act that needs a reason (withdrawal, suspension, stopping).
func (ev *EventDef) Expected() bool { return !ev.Optional && ev.Waives == "" && !ev.ReasonRequired }

// SelfLoop reports whether the event stays in its state (recording an
// opinion, a document, a comment).
func (ev *EventDef) SelfLoop() bool {
	return ev.Stay || len(ev.From) == 1 && ev.From[0] == ev.To
}

// Field returns the declared field name, or nil.
func (ev *EventDef) Field(name string) *Field { return ev.fields[name] }

// PeriodUnit says how a period is counted.
type PeriodUnit string

// The period units (REGULATION.md §6).
const (
	CalendarDays PeriodUnit = "calendar_days" // 日: every day counts
	WorkingDays  PeriodUnit = "working_days"  // 工作日: per the region's calendar
)

// PeriodKind says whether a period is a floor or a limit.
type PeriodKind string

// The period kinds.
const (
	// Minimum: the period must be allowed to run in full (e.g. the ≥7 working
	// days guaranteed for legality review) unless cut short with a reason.
	Minimum PeriodKind = "minimum"
	// Maximum: the action is due by the end of the period (e.g. ≤15 working
	// days for normative-document review).
	Maximum PeriodKind = "maximum"
)

// PeriodDef declares a statutory period of a workflow.
type PeriodDef struct {
	Name   string
	Label  Text
	Unit   PeriodUnit
	Kind   PeriodKind
	Length int
	Basis  string
	// EndsWith names a date field of the starting event whose value is the
	// period's last day as announced (a comment period's closing date);
	// the due date is that day, moved to the next working day when it is a
	// rest day (Civil Code Art. 203). Empty: the period ends Length units
	// after it starts.
	EndsWith string
	// StartsWith names a date field of the starting event whose value is
	// the day the period starts from (a decision's date when it is entered
	// later); empty: the day of the event. The date may not lie in the
	// future.
	StartsWith string
	// When is a rule expression (same environment as event rules) that
	// must hold for a starting event to start the period, e.g. only when
	// the public is consulted by public comment. Empty: always.
	When string
	Pos  string

	when *vm.Program
}

// State returns the named state or nil.
func (d *Definition) State(name string) *State { return d.states[name] }

// Event returns the named event or nil.
func (d *Definition) Event(name string) *EventDef { return d.events[name] }

// Period returns the named period or nil.
func (d *Definition) Period(name string) *PeriodDef { return d.periods[name] }

// Stages lists the record stages events write to, sorted.
func (d *Definition) Stages() []string { return d.stages }

// StageLabel is the label of a state or record stage; a stage without a
// label is named by the label of its first state, else by its name.
func (d *Definition) StageLabel(stage string) Text {
	if l, ok := d.StageLabels[stage]; ok {
		return l
	}
	for _, s := range d.States {
		if s.Stage == stage {
			return s.Label
		}
	}
	return Text{Zh: stage, En: stage}
}

// StateStages lists the stages of the states in the order their first
// state is declared: the procedure from start to end.
func (d *Definition) StateStages() []string {
	var out []string
	for _, s := range d.States {
		if !slices.Contains(out, s.Stage) {
			out = append(out, s.Stage)
		}
	}
	return out
}

// Key is "id@version".
func (d *Definition) Key() string { return fmt.Sprintf("%s@%d", d.ID, d.Version) }

// ValidationError lists every problem found in a definition, each prefixed
// with its position ("file:line").
type ValidationError struct {
	Problems []string
}

// Error joins the problems one per line.
func (e *ValidationError) Error() string { return strings.Join(e.Problems, "\n") }

func at(pos, def string) string {
	if pos != "" {
		return pos
	}
	return def
}

// Compile validates the definition and compiles its rules. It checks that
// the initial state exists; every from/to is a declared state; every state is
// reachable from the initial state; terminal states have no outgoing events
// and non-terminal states have at least one; every role is known; field
// types are valid; every period an event uses is declared; and every rule
// compiles to a boolean. It returns a *ValidationError naming each problem
// with its position.
func (d *Definition) Compile() error {
	var probs []string
	add := func(pos, format string, args ...any) {
		probs = append(probs, at(pos, d.Source)+": "+fmt.Sprintf(format, args...))
	}
	if d.ID == "" {
		add("", "workflow id is required")
	}
	if d.Version < 1 {
		add("", "workflow version must be a positive integer")
	}
	d.states = map[string]*State{}
	for _, s := range d.States {
		if _, dup := d.states[s.Name]; dup {
			add(s.Pos, "state %q declared twice", s.Name)
		}
		if s.Stage == "" {
			s.Stage = s.Name
		}
		d.states[s.Name] = s
	}
	if d.states[d.Initial] == nil {
		add("", "initial state %q is not declared", d.Initial)
	}
	d.periods = map[string]*PeriodDef{}
	for _, p := range d.Periods {
		if p.Unit != CalendarDays && p.Unit != WorkingDays {
			add(p.Pos, "period %q: unit must be calendar_days or working_days", p.Name)
		}
		if p.Kind != Minimum && p.Kind != Maximum {
			add(p.Pos, "period %q: kind must be minimum or maximum", p.Name)
		}
		if p.Length < 1 {
			add(p.Pos, "period %q: length must be at least 1", p.Name)
		}
		if p.When != "" {
			prog, err := expr.Compile(p.When, expr.Env(prototypeEnv), expr.AsBool())
			if err != nil {
				add(p.Pos, "period %q: when %q does not compile to a boolean: %v", p.Name, p.When, err)
			}
			p.when = prog
		}
		d.periods[p.Name] = p
	}
	d.events = map[string]*EventDef{}
	exits := map[string]int{}
	stages := map[string]bool{}
	checkEvent := func(ev *EventDef) {
		if len(ev.Roles) == 0 {
			add(ev.Pos, "event %q has no roles", ev.Name)
		}
		for _, r := range ev.Roles {
			if !IsKnownRole(r) {
				pos := ev.RolesPos
				if pos == "" {
					pos = ev.Pos
				}
				add(pos, "event %q: unknown role %q", ev.Name, r)
			}
		}
		ev.fields = map[string]*Field{}
		for _, f := range ev.Fields {
			if _, dup := ev.fields[f.Name]; dup {
				add(f.Pos, "event %q: field %q declared twice", ev.Name, f.Name)
			}
			ev.fields[f.Name] = f
			if !validFieldType(f.Type) {
				add(f.Pos, "event %q: field %q has unknown type %q", ev.Name, f.Name, f.Type)
			}
			for _, r := range []Role{f.Assigns, f.AssignsDepartment} {
				if r != "" && (!slices.Contains(KnownRoles, r) || (f.Type != FieldID && f.Type != FieldIDList)) {
					add(f.Pos, "event %q: field %q assigns role %q: the role must be known and the field of type id or id_list", ev.Name, f.Name, r)
				}
			}
			if f.Assigns != "" && f.AssignsDepartment != "" {
				add(f.Pos, "event %q: field %q: assigns and assigns_department exclude each other", ev.Name, f.Name)
			}
			if f.Type == FieldEnum && len(f.Values) == 0 {
				add(f.Pos, "event %q: enum field %q has no values", ev.Name, f.Name)
			}
			if len(f.Values) > 0 && f.Type != FieldEnum && f.Type != FieldList {
				add(f.Pos, "event %q: field %q: values are for enum and list fields", ev.Name, f.Name)
			}
			for v, l := range f.ValueLabels {
				if !slices.Contains(f.Values, v) {
					add(f.Pos, "event %q: field %q labels %q, which is not one of its values", ev.Name, f.Name, v)
				}
				if l.Zh == "" || l.En == "" {
					add(f.Pos, "event %q: field %q: the label of %q needs zh and en", ev.Name, f.Name, v)
				}
			}
			if len(f.DocumentKinds) > 0 && f.Type != FieldSHA256 {
				add(f.Pos, "event %q: field %q names a document, so it must be of type sha256", ev.Name, f.Name)
			}
		}
		if ev.Record.Stage == "" && (ev.Record.Append != "" || len(ev.Record.Set) > 0 || ev.Record.CountBy != "") {
			add(ev.Pos, "event %q: record needs a stage", ev.Name)
		}
		if k := ev.Record.KeyBy; k != "" {
			if ev.Record.Append == "" {
				add(ev.Pos, "event %q: record key_by needs append", ev.Name)
			} else if f := ev.fields[k]; f == nil || !f.Required || (f.Type != FieldText && f.Type != FieldEnum && f.Type != FieldID) {
				add(ev.Pos, "event %q: record key_by %q must be a required text, enum or id field", ev.Name, k)
			}
		}
		if c := ev.Record.CountBy; c != "" {
			if f := ev.fields[c]; f == nil || (f.Type != FieldText && f.Type != FieldList) {
				add(ev.Pos, "event %q: record count_by %q must be a text or list field", ev.Name, c)
			}
			if ev.Record.CountIn == "" {
				add(ev.Pos, "event %q: record count_by needs count_in", ev.Name)
			}
		}
		if ev.Record.Stage != "" {
			stages[ev.Record.Stage] = true
		}
		for _, list := range [][]string{ev.Periods.Start, ev.Periods.Pause, ev.Periods.Resume, ev.Periods.Extend, ev.Periods.Stop} {
			for _, p := range list {
				if d.periods[p] == nil {
					add(ev.Pos, "event %q: period %q is not declared", ev.Name, p)
				}
			}
		}
		for _, p := range ev.Periods.Start {
			pd := d.periods[p]
			if pd == nil {
				continue
			}
			for _, name := range []string{pd.EndsWith, pd.StartsWith} {
				if f := ev.fields[name]; name != "" && (f == nil || f.Type != FieldDate || !f.Required) {
					add(ev.Pos, "event %q starts period %q, which uses field %q: the event must declare it as a required date", ev.Name, p, name)
				}
			}
		}
		if len(ev.Periods.Extend) > 0 {
			if f := ev.fields["extend_days"]; f == nil || f.Type != FieldInteger || !f.Required {
				add(ev.Pos, "event %q extends a period and must declare a required integer field extend_days", ev.Name)
			}
			ev.ReasonRequired = true
		}
		if ev.Waives != "" {
			ev.ReasonRequired = true
		}
		for _, r := range ev.Rules {
			if err := r.compile(); err != nil {
				add(r.Pos, "event %q: rule %q does not compile to a boolean: %v", ev.Name, r.Check, err)
			}
			if r.Message.Zh == "" || r.Message.En == "" {
				add(r.Pos, "event %q: rule %q needs a zh and an en message", ev.Name, r.Check)
			}
			if r.Basis == "" {
				add(r.Pos, "event %q: rule %q needs its legal basis", ev.Name, r.Check)
			}
		}
	}
	if d.Create == nil {
		add("", "the create section is required")
	} else {
		d.Create.Name = "create"
		d.Create.From = nil
		d.Create.To = d.Initial
		checkEvent(d.Create)
	}
	for _, ev := range d.Events {
		if ev.Via != "" && ev.Via != ViaMeeting {
			add(ev.Pos, "event %q: via must be %q", ev.Name, ViaMeeting)
		}
		if _, dup := d.events[ev.Name]; dup {
			add(ev.Pos, "event %q declared twice", ev.Name)
		}
		if ev.Name == "create" || ev.Name == RecomputeEvent {
			add(ev.Pos, "event name %q is reserved", ev.Name)
		}
		d.events[ev.Name] = ev
		if len(ev.From) == 0 {
			add(ev.Pos, "event %q has no from states", ev.Name)
		}
		for _, f := range ev.From {
			if d.states[f] == nil {
				add(ev.Pos, "event %q: from state %q is not declared", ev.Name, f)
			}
			exits[f]++
		}
		switch {
		case ev.Stay && ev.To != "":
			add(ev.Pos, "event %q: give either to or stay, not both", ev.Name)
		case ev.Stay:
		case ev.To == "":
			add(ev.Pos, "event %q has no to state (or stay: true)", ev.Name)
		case d.states[ev.To] == nil:
			add(ev.Pos, "event %q: to state %q is not declared", ev.Name, ev.To)
		}
		checkEvent(ev)
	}
	for _, s := range d.States {
		if s.Terminal && exits[s.Name] > 0 {
			add(s.Pos, "terminal state %q has outgoing events", s.Name)
		}
		if !s.Terminal && exits[s.Name] == 0 {
			add(s.Pos, "state %q has no outgoing events and is not terminal", s.Name)
		}
	}
	// Reachability from the initial state.
	if d.states[d.Initial] != nil {
		seen := map[string]bool{d.Initial: true}
		queue := []string{d.Initial}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			for _, ev := range d.Events {
				for _, f := range ev.From {
					if f == cur && !ev.Stay && !seen[ev.To] && d.states[ev.To] != nil {
						seen[ev.To] = true
						queue = append(queue, ev.To)
					}
				}
			}
		}
		for _, s := range d.States {
			if !seen[s.Name] {
				add(s.Pos, "state %q is not reachable from the initial state %q", s.Name, d.Initial)
			}
		}
	}
	for _, v := range d.Views {
		probs = append(probs, v.compile()...)
	}
	probs = append(probs, d.compileProcedure()...)
	d.stages = d.stages[:0]
	for s := range stages {
		d.stages = append(d.stages, s)
	}
	sort.Strings(d.stages)
	for k := range d.StageLabels {
		if !stages[k] && !slices.Contains(d.StateStages(), k) {
			probs = append(probs, fmt.Sprintf("%s: stage label %q names no stage of a state or of the record", d.Source, k))
		}
	}
	if len(probs) > 0 {
		return &ValidationError{Problems: probs}
	}
	d.compiled = true
	return nil
}

func validFieldType(t FieldType) bool {
	for _, x := range FieldTypes {
		if x == t {
			return true
		}
	}
	return false
}

func (d *Definition) settings() map[string]any {
	if d.Settings == nil {
		return map[string]any{}
	}
	return d.Settings
}

// compileProcedure checks that the procedure parts name declared events,
// periods, states and views, and that the meeting's events declare the
// fields the meeting fills.
func (d *Definition) compileProcedure() []string {
	var probs []string
	add := func(format string, args ...any) {
		probs = append(probs, d.Source+": procedure: "+fmt.Sprintf(format, args...))
	}
	event := func(part, name string, fields ...string) {
		if name == "" {
			return
		}
		ev := d.events[name]
		if ev == nil {
			add("%s names event %q, which is not declared", part, name)
			return
		}
		for _, f := range fields {
			if ev.fields[f] == nil {
				add("%s event %q must declare the field %q", part, name, f)
			}
		}
	}
	view := func(part, name string) {
		if name != "" && d.View(name) == nil {
			add("%s names view %q, which is not declared", part, name)
		}
	}
	p := d.Procedure
	if p.Draft != nil {
		event("draft", p.Draft.Event, p.Draft.Field)
	}
	if c := p.Comments; c != nil {
		event("comments", c.Event)
		event("comments", c.BatchEvent)
		event("comments", c.ImportEvent)
		event("comments", c.DispositionEvent)
		if c.Period != "" && d.periods[c.Period] == nil {
			add("comments names period %q, which is not declared", c.Period)
		}
	}
	if r := p.LegalityReview; r != nil {
		event("legality_review", r.SubmitEvent)
		view("legality_review", r.Package)
		if ev := d.events[r.SubmitEvent]; ev != nil {
			for f := range r.Payload {
				if ev.fields[f] == nil {
					add("legality_review payload field %q is not a field of %q", f, r.SubmitEvent)
				}
			}
		}
	}
	if m := p.Meeting; m != nil {
		event("meeting", m.AgendaEvent, agendaFields...)
		event("meeting", m.PositionEvent, positionFields...)
		view("meeting", m.Package)
		for _, dec := range MeetingDecisions {
			if m.Decisions[dec] == "" {
				add("meeting decisions need an event for %q", dec)
			}
		}
		for dec, name := range m.Decisions {
			if !slices.Contains(MeetingDecisions, dec) {
				add("meeting decision %q is not one of %s", dec, strings.Join(MeetingDecisions, ", "))
			}
			event("meeting decision "+dec, name, decisionFields...)
		}
		for _, name := range append([]string{m.AgendaEvent, m.PositionEvent}, mapValues(m.Decisions)...) {
			if ev := d.events[name]; ev != nil && ev.Via != ViaMeeting {
				add("meeting event %q must be declared via: meeting", name)
			}
		}
	}
	if pub := p.Public; pub != nil {
		for _, st := range pub.States {
			if d.states[st] == nil {
				add("public state %q is not declared", st)
			}
		}
		view("public", pub.Consultation)
		view("public", pub.Hearing)
		view("public", pub.Decision)
		if pub.Disclosed != "" {
			prog, err := expr.Compile(pub.Disclosed, expr.Env(prototypeEnv), expr.AsBool())
			if err != nil {
				add("public disclosed does not compile to a boolean: %v", err)
			}
			pub.disclosed = prog
		}
		if pub.Documents != "" {
			prog, err := expr.Compile(pub.Documents, expr.Env(prototypeEnv))
			if err != nil {
				add("public documents does not compile: %v", err)
			}
			pub.documents = prog
		}
	}
	return probs
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}
