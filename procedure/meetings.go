package procedure

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/juece/juece/engine"
)

// Executive meetings (Decree 713 Arts. 29–31). The secretariat creates a
// meeting and puts items that pass the legality gate on its agenda, each
// with its package from the record (Art. 29); attendance is fixed before
// anyone speaks and must reach the organisation's quorum; the members
// present state their positions, the chief executive last (Art. 30¶1);
// the chief executive's decision is drafted per item, with the reason when
// it departs from the majority computed from the positions (Art. 30¶2);
// closing applies every decision, attributed to the chief executive and
// recorded by the secretariat, with the minutes and the dissent computed
// once (Art. 30¶3), all at once or not at all. Which events play which
// part is the workflow's (procedure.meeting in its YAML).

// MeetingStore keeps meetings.
type MeetingStore interface {
	CreateMeeting(ctx context.Context, m *engine.Meeting) error
	GetMeeting(ctx context.Context, org, id int64) (*engine.Meeting, []engine.AgendaEntry, error)
	ListMeetings(ctx context.Context, org int64) ([]*engine.Meeting, error)
	AddToAgenda(ctx context.Context, org int64, tr *engine.Transition, e engine.AgendaEntry) error
	SetAgendaDecision(ctx context.Context, org, meeting, item int64, decision, reason string) error
	SetAttendance(ctx context.Context, org, meeting int64, present []int64) error
	CloseMeeting(ctx context.Context, org, meeting int64, trs []*engine.Transition, minutes, minutesSHA string, docs []*engine.Document, at time.Time) error
}

// MeetingReaders may read meetings: the organisation-wide roles.
var MeetingReaders = []engine.Role{engine.RoleSecretariat, engine.RoleChiefExecutive, engine.RoleMember, engine.RoleLegalOffice, engine.RoleAuditor}

// RequireRole returns forbidden unless actor holds one of roles.
func RequireRole(actor engine.Actor, roles ...engine.Role) error {
	for _, r := range roles {
		if actor.Has(r) {
			return nil
		}
	}
	zh := make([]string, len(roles))
	en := make([]string, len(roles))
	for i, r := range roles {
		zh[i], en[i] = r.Label().Zh, r.Label().En
	}
	return engine.Errorz(engine.CodeForbidden, "此项工作由"+strings.Join(zh, "、")+"办理", "this is done by the "+strings.Join(en, ", the "))
}

func meetingNotFound() error {
	return engine.Errorz(engine.CodeNotFound, "会议不存在", "no such meeting")
}

// NewMeeting is what the secretariat gives to convene a meeting.
type NewMeeting struct {
	Kind                 string  `json:"kind"`
	Number               string  `json:"number"`
	HeldOn               string  `json:"held_on"`
	MemberUserIDs        []int64 `json:"member_user_ids"`
	ChiefExecutiveUserID int64   `json:"chief_executive_user_id"`
	LegalOfficeUserID    int64   `json:"legal_office_user_id"`
}

// MeetingKinds are the meetings that decide (Art. 30¶1).
var MeetingKinds = map[string]engine.Text{
	"executive": {Zh: "政府常务会议", En: "executive meeting"},
	"plenary":   {Zh: "政府全体会议", En: "plenary meeting"},
}

// CreateMeeting convenes a meeting (secretariat). The members must be
// active users holding the member or chief-executive role, listed once,
// the chief executive among them.
func (s *Service) CreateMeeting(ctx context.Context, actor engine.Actor, in NewMeeting) (*MeetingDetail, error) {
	if err := RequireRole(actor, engine.RoleSecretariat); err != nil {
		return nil, err
	}
	if _, ok := MeetingKinds[in.Kind]; !ok {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "kind", MessageZh: "会议类型应为政府常务会议或全体会议", Message: "kind is executive or plenary"}
	}
	in.Number = strings.TrimSpace(in.Number)
	if in.Number == "" || len([]rune(in.Number)) > 100 {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "number", MessageZh: "请填写会议届次（不超过100字）", Message: "number is required (at most 100 characters)"}
	}
	if _, err := engine.ParseDate(in.HeldOn); err != nil {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "held_on", MessageZh: "会议日期应为 YYYY-MM-DD", Message: "held_on must be YYYY-MM-DD"}
	}
	if len(in.MemberUserIDs) < 2 || len(in.MemberUserIDs) > 200 || !slices.Contains(in.MemberUserIDs, in.ChiefExecutiveUserID) {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "member_user_ids", MessageZh: "会议组成人员应至少两人，并包括行政首长",
			Message: "a meeting has at least two members including the chief executive"}
	}
	seen := map[int64]bool{}
	for _, id := range in.MemberUserIDs {
		if seen[id] {
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "member_user_ids", MessageZh: "会议组成人员重复", Message: "a member is listed twice"}
		}
		seen[id] = true
		u, err := s.store.GetUser(ctx, actor.OrgID, id)
		if err != nil || !u.Active || !u.Actor().Has(engine.RoleMember) && !u.Actor().Has(engine.RoleChiefExecutive) {
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "member_user_ids", MessageZh: fmt.Sprintf("用户%d不是会议组成人员", id),
				Message: fmt.Sprintf("user %d is not a meeting member", id)}
		}
		if id == in.ChiefExecutiveUserID && !u.Actor().Has(engine.RoleChiefExecutive) {
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "chief_executive_user_id", MessageZh: "该用户不是行政首长", Message: "the user is not the chief executive"}
		}
	}
	m := &engine.Meeting{OrgID: actor.OrgID, Kind: in.Kind, Number: in.Number, HeldOn: in.HeldOn,
		MemberUserIDs: in.MemberUserIDs, PresentUserIDs: []int64{}, ChiefExecutiveUserID: in.ChiefExecutiveUserID, LegalOfficeUserID: in.LegalOfficeUserID,
		CreatedBy: actor.Ref(), CreatedAt: s.eng.Now()}
	if err := s.store.CreateMeeting(ctx, m); err != nil {
		return nil, err
	}
	return &MeetingDetail{Meeting: m, Agenda: []AgendaView{}, Names: map[int64]string{}}, nil
}

// Meetings lists the organisation's meetings, newest first (readers).
func (s *Service) Meetings(ctx context.Context, actor engine.Actor) ([]*engine.Meeting, error) {
	if err := RequireRole(actor, MeetingReaders...); err != nil {
		return nil, err
	}
	ms, err := s.store.ListMeetings(ctx, actor.OrgID)
	if ms == nil {
		ms = []*engine.Meeting{}
	}
	return ms, err
}

// AgendaView is one agenda entry as the meeting room shows it.
type AgendaView struct {
	engine.AgendaEntry
	Title     string         `json:"title"`
	State     string         `json:"state"`
	Package   map[string]any `json:"package"`
	Positions []PositionOf   `json:"positions"`
	// Majority is computed from the positions of those present:
	// agree, disagree, or none (a tie, or nobody took a side).
	Majority string `json:"majority"`
	// Dissent are the members whose position differs from the drafted
	// decision (empty until a decision is drafted).
	Dissent []PositionOf `json:"dissent"`
	// Departs says the drafted decision departs from the majority.
	Departs bool `json:"departs"`
	// ChiefHasSpoken says the chief executive has stated a position.
	ChiefHasSpoken bool `json:"chief_has_spoken"`
	// Next is the member expected to speak next (0 when all present have).
	Next int64 `json:"next_speaker"`
	// PackageView is the package with its labels, for people.
	PackageView *engine.RenderedView `json:"-"`
	// PackageParts is the package as people read it: each value with its
	// field's label and, for choices, the choice's label.
	PackageParts []PackagePart `json:"-"`
	// Speakers are the members present in speaking order: those who
	// have spoken in the order they spoke, then the others, the chief
	// executive last (Art. 30¶1).
	Speakers []Speaker `json:"-"`
	// Tally counts the members' positions, the chief executive aside (as
	// the majority does).
	Tally Tally `json:"-"`
	// DissentText is the dissent as the minutes and the item's record
	// word it ("name：position（remarks）").
	DissentText []string `json:"-"`
	// StateView is the item's state with its label.
	StateView StateView `json:"-"`
	workflow  *engine.Definition
}

// Speaker is a member present at the meeting, in the speaking order of
// one agenda item.
type Speaker struct {
	MemberUserID int64
	// Chief marks the chief executive, who speaks last.
	Chief bool
	// Spoken says the member has stated a position; Position and
	// Remarks are what was recorded.
	Spoken            bool
	Position, Remarks string
	// Next marks the member expected to speak next.
	Next bool
}

// Tally counts the positions on one agenda item of the members present,
// the chief executive aside; Waiting are those who have not spoken yet.
// Chief is the chief executive's position ("" until stated).
type Tally struct {
	Agree, Disagree, Abstain, Waiting int
	Chief                             string
}

// PackagePart is one part of a meeting package for people.
type PackagePart struct {
	Name    string
	Label   engine.Text
	Account string
	Entries []RecordEntry
}

// MeetingCan says what actor may do in a meeting now: manage it (agenda,
// attendance, positions, closing — the secretariat) and draft decisions
// (the secretariat or the chief executive); nothing once it is closed.
type MeetingCan struct {
	Manage, Decide bool
}

// CanConvene reports whether actor may convene meetings (the
// secretariat, as CreateMeeting checks).
func CanConvene(actor engine.Actor) bool { return actor.Has(engine.RoleSecretariat) }

// MeetingActions returns what actor may do in meeting d now. The use
// cases check the same roles; this only tells the pages which forms to
// offer.
func MeetingActions(actor engine.Actor, d *MeetingDetail) MeetingCan {
	if d == nil || d.State != "open" {
		return MeetingCan{}
	}
	return MeetingCan{Manage: actor.Has(engine.RoleSecretariat), Decide: actor.Has(engine.RoleSecretariat) || actor.Has(engine.RoleChiefExecutive)}
}

// MeetingDetail is a meeting with its agenda.
type MeetingDetail struct {
	*engine.Meeting
	Agenda []AgendaView `json:"agenda"`
	// Quorum says whether the attendance recorded reaches the quorum.
	Quorum bool `json:"quorum"`
	// AttendanceFixed says positions have been recorded, so attendance
	// can no longer change.
	AttendanceFixed bool `json:"attendance_fixed"`
	// Names are the display names of the members.
	Names map[int64]string `json:"-"`
	// Absent are the members not attending, once attendance is recorded.
	Absent []int64 `json:"-"`
}

// positionsOf returns the positions recorded on the item for its current
// agenda, in speaking order.
func positionsOf(it *engine.Item) []PositionOf {
	m, _ := it.Record["meeting"].(map[string]any)
	ps, _ := m["positions"].(map[string]any)
	out := []PositionOf{}
	for _, v := range ps {
		e, _ := v.(map[string]any)
		pv := PositionOf{MemberUserID: toInt(e["member_user_id"]), Order: int(toInt(e["seq"]))}
		pv.Position, _ = e["position"].(string)
		pv.Remarks, _ = e["remarks"].(string)
		out = append(out, pv)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}

func toInt(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case int64:
		return n
	case int:
		return int64(n)
	case json.Number:
		i, _ := n.Int64()
		return i
	}
	return 0
}

// Meeting returns a meeting with its agenda (readers).
func (s *Service) Meeting(ctx context.Context, actor engine.Actor, id int64) (*MeetingDetail, error) {
	if err := RequireRole(actor, MeetingReaders...); err != nil {
		return nil, err
	}
	if id <= 0 {
		return nil, meetingNotFound()
	}
	m, agenda, err := s.store.GetMeeting(ctx, actor.OrgID, id)
	if err != nil {
		return nil, err
	}
	d, _, err := s.meetingDetail(ctx, m, agenda)
	return d, err
}

func (s *Service) meetingDetail(ctx context.Context, m *engine.Meeting, agenda []engine.AgendaEntry) (*MeetingDetail, []*engine.Item, error) {
	d := &MeetingDetail{Meeting: m, Agenda: []AgendaView{}, Names: map[int64]string{}}
	for _, id := range m.MemberUserIDs {
		if u, err := s.store.GetUser(ctx, m.OrgID, id); err == nil {
			d.Names[id] = u.DisplayName
		} else {
			d.Names[id] = "用户" + strconv.FormatInt(id, 10)
		}
	}
	var items []*engine.Item
	for _, a := range agenda {
		it, err := s.store.GetItem(ctx, m.OrgID, a.ItemID)
		if err != nil {
			return nil, nil, err
		}
		items = append(items, it)
		var pkg map[string]any
		if err := json.Unmarshal([]byte(a.Package), &pkg); err != nil {
			return nil, nil, engine.Internal(err)
		}
		av := AgendaView{AgendaEntry: a, Title: it.Title, State: it.State, Package: pkg, workflow: s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)}
		if av.workflow != nil && av.workflow.Procedure.Meeting != nil {
			if pv, err := s.eng.RenderView(it, av.workflow.Procedure.Meeting.Package); err == nil {
				av.PackageView = pv
			}
		}
		av.Positions = positionsOf(it)
		if m.State == "closed" {
			// The record moves on after the meeting (discussed again,
			// resubmitted to another meeting): a closed meeting's
			// positions are those its audit trail holds.
			if av.Positions, err = s.positionsAt(ctx, it, m.ID, meetingSpec(av.workflow)); err != nil {
				return nil, nil, err
			}
		}
		av.StateView = s.ViewItem(it).State
		av.Majority = Majority(av.Positions, m.ChiefExecutiveUserID)
		if a.Decision != "" {
			av.Dissent = Dissenters(av.Positions, m.ChiefExecutiveUserID, a.Decision)
			av.Departs = Departs(a.Decision, av.Majority)
		} else {
			av.Dissent = []PositionOf{}
		}
		spoken := map[int64]bool{}
		for _, p := range av.Positions {
			spoken[p.MemberUserID] = true
		}
		av.ChiefHasSpoken = spoken[m.ChiefExecutiveUserID]
		if len(av.Positions) > 0 {
			d.AttendanceFixed = true
		}
		av.Next = nextSpeaker(m, spoken)
		av.Speakers, av.Tally = speakers(m, av.Positions, av.Next)
		av.DissentText = []string{}
		for _, p := range av.Dissent {
			av.DissentText = append(av.DissentText, dissentText(d.Names, p))
		}
		if av.PackageView != nil {
			av.PackageParts = readablePackage(av.workflow, av.PackageView)
		}
		d.Agenda = append(d.Agenda, av)
	}
	if len(m.PresentUserIDs) > 0 {
		for _, id := range m.MemberUserIDs {
			if !slices.Contains(m.PresentUserIDs, id) {
				d.Absent = append(d.Absent, id)
			}
		}
	}
	d.Quorum = hasQuorum(m, s.quorumOf(ctx, m.OrgID))
	return d, items, nil
}

// speakers lists the members present in speaking order with what each
// said, and counts the positions (the chief executive aside).
func speakers(m *engine.Meeting, ps []PositionOf, next int64) ([]Speaker, Tally) {
	out := []Speaker{}
	var t Tally
	spoken := map[int64]bool{}
	for _, p := range ps {
		spoken[p.MemberUserID] = true
		out = append(out, Speaker{MemberUserID: p.MemberUserID, Chief: p.MemberUserID == m.ChiefExecutiveUserID, Spoken: true, Position: p.Position, Remarks: p.Remarks})
		if p.MemberUserID == m.ChiefExecutiveUserID {
			t.Chief = p.Position
			continue
		}
		switch p.Position {
		case "agree":
			t.Agree++
		case "disagree":
			t.Disagree++
		case "abstain":
			t.Abstain++
		}
	}
	for _, id := range m.PresentUserIDs {
		if id != m.ChiefExecutiveUserID && !spoken[id] {
			out = append(out, Speaker{MemberUserID: id, Next: id == next})
			t.Waiting++
		}
	}
	if slices.Contains(m.PresentUserIDs, m.ChiefExecutiveUserID) && !spoken[m.ChiefExecutiveUserID] {
		out = append(out, Speaker{MemberUserID: m.ChiefExecutiveUserID, Chief: true, Next: m.ChiefExecutiveUserID == next})
	}
	return out, t
}

// recordPath matches a view value that is one field of the record
// ("record.legality.outcome"), whose declaration gives the labels.
var recordPath = regexp.MustCompile(`^record\.([a-z0-9_]+)\??\.([a-z0-9_]+)$`)

// readablePackage labels the values of a rendered package: a value read
// straight from a field of the record is shown as that field is (choices
// by their labels, documents by their digest); any other value as text.
func readablePackage(d *engine.Definition, v *engine.RenderedView) []PackagePart {
	out := []PackagePart{}
	var ix *recordFields
	var exprs map[string]string
	if d != nil {
		ix = indexRecord(d)
		exprs = map[string]string{}
		if vd := d.View(v.Name); vd != nil {
			for _, p := range vd.Parts {
				for _, f := range p.Fields {
					exprs[p.Name+"."+f.Name] = strings.TrimSpace(f.Value)
				}
			}
		}
	}
	for _, p := range v.Parts {
		pp := PackagePart{Name: p.Name, Label: p.Label, Account: p.Account, Entries: []RecordEntry{}}
		for _, f := range p.Fields {
			e := RecordEntry{Key: f.Name, Label: f.Label, Text: readableValue(f.Value)}
			if sm := recordPath.FindStringSubmatch(exprs[p.Name+"."+f.Name]); sm != nil && ix != nil {
				if fd := ix.fields[sm[1]][sm[2]]; fd != nil {
					e = fieldEntry(fd, f.Value, nil)
					e.Key, e.Label = f.Name, f.Label
				}
			}
			if str, ok := f.Value.(string); ok && e.Digest == "" && isDigest(str) {
				e.Digest = str
			}
			pp.Entries = append(pp.Entries, e)
		}
		out = append(out, pp)
	}
	return out
}

func isDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// readableValue writes a computed value as text.
func readableValue(v any) engine.Text {
	switch x := v.(type) {
	case bool:
		return yesNo[x]
	case float64:
		return plain(strconv.FormatFloat(x, 'f', -1, 64))
	case []any:
		var zh, en []string
		for _, e := range x {
			t := readableValue(e)
			zh, en = append(zh, t.Zh), append(en, t.En)
		}
		return engine.Text{Zh: strings.Join(zh, "；"), En: strings.Join(en, "; ")}
	case map[string]any:
		ks := make([]string, 0, len(x))
		for k := range x {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		var zh, en []string
		for _, k := range ks {
			t := readableValue(x[k])
			zh, en = append(zh, k+"："+t.Zh), append(en, k+": "+t.En)
		}
		return engine.Text{Zh: strings.Join(zh, "；"), En: strings.Join(en, "; ")}
	}
	return plain(fmt.Sprint(v))
}

// positionsAt returns the positions stated on it at meeting id, in
// speaking order, from its audit trail: the position events after the
// item went on that meeting's agenda and before its decision there.
func (s *Service) positionsAt(ctx context.Context, it *engine.Item, id int64, ms *engine.MeetingSpec) ([]PositionOf, error) {
	out := []PositionOf{}
	if ms == nil {
		return out, nil
	}
	evs, err := s.store.AuditEvents(ctx, it.OrgID, it.ID)
	if err != nil {
		return nil, err
	}
	decisions := map[string]bool{}
	for _, ev := range ms.Decisions {
		decisions[ev] = true
	}
	at := false
	for _, ev := range evs {
		var p map[string]any
		if err := json.Unmarshal(ev.Payload, &p); err != nil {
			return nil, engine.Internal(err)
		}
		switch {
		case ev.Event == ms.AgendaEvent:
			if at = toInt(p["meeting_id"]) == id; at {
				out = []PositionOf{}
			}
		case at && ev.Event == ms.PositionEvent:
			pv := PositionOf{MemberUserID: toInt(p["member_user_id"]), Order: ev.Seq}
			pv.Position, _ = p["position"].(string)
			pv.Remarks, _ = p["remarks"].(string)
			out = append(out, pv)
		case at && decisions[ev.Event] && toInt(p["meeting_id"]) == id:
			return out, nil
		}
	}
	return out, nil
}

// nextSpeaker is the first member present who has not spoken, the chief
// executive last; 0 when all have.
func nextSpeaker(m *engine.Meeting, spoken map[int64]bool) int64 {
	for _, id := range m.PresentUserIDs {
		if id != m.ChiefExecutiveUserID && !spoken[id] {
			return id
		}
	}
	if slices.Contains(m.PresentUserIDs, m.ChiefExecutiveUserID) && !spoken[m.ChiefExecutiveUserID] {
		return m.ChiefExecutiveUserID
	}
	return 0
}

func (s *Service) quorumOf(ctx context.Context, org int64) int {
	if o, err := s.store.GetOrganisation(ctx, org); err == nil {
		return o.MeetingQuorumPercent
	}
	return 50
}

// hasQuorum reports whether more than percent of the members attend.
func hasQuorum(m *engine.Meeting, percent int) bool {
	return len(m.MemberUserIDs) > 0 && len(m.PresentUserIDs)*100 > percent*len(m.MemberUserIDs)
}

func (s *Service) openMeeting(ctx context.Context, actor engine.Actor, id int64, roles ...engine.Role) (*engine.Meeting, []engine.AgendaEntry, error) {
	if err := RequireRole(actor, MeetingReaders...); err != nil {
		return nil, nil, err
	}
	if id <= 0 {
		return nil, nil, meetingNotFound()
	}
	m, agenda, err := s.store.GetMeeting(ctx, actor.OrgID, id)
	if err != nil {
		return nil, nil, err
	}
	if err := RequireRole(actor, roles...); err != nil {
		return nil, nil, err
	}
	if m.State != "open" {
		return nil, nil, engine.Errorz(engine.CodeConflict, "会议已闭会，不能再更改", "the meeting is closed and can no longer change")
	}
	return m, agenda, nil
}

func meetingSpec(d *engine.Definition) *engine.MeetingSpec {
	if d == nil {
		return nil
	}
	return d.Procedure.Meeting
}

// Candidate is an item that could go on a meeting's agenda, with why not
// when it cannot.
type Candidate struct {
	Item     ItemView   `json:"item"`
	Eligible bool       `json:"eligible"`
	Blocked  *BlockView `json:"blocked,omitempty"`
}

// AgendaCandidates lists the items waiting for collective discussion and
// whether each may go on the meeting's agenda now: the workflow's agenda
// event is checked in full (the legality gate, Art. 25) without changing
// anything, so the reasons shown are the refusals the agenda would give.
// Items one step short of waiting (in legality review, postponed) are
// listed too, never eligible, with what the step that would bring them
// here refuses (or that it has not been taken), so that the secretariat
// sees why an expected item is missing.
func (s *Service) AgendaCandidates(ctx context.Context, actor engine.Actor, meetingID int64) ([]Candidate, error) {
	m, agenda, err := s.openMeeting(ctx, actor, meetingID, engine.RoleSecretariat)
	if err != nil {
		return nil, err
	}
	// waiting: per workflow, the states the agenda event leaves from;
	// approach: per workflow and state, the events that lead into them.
	waiting := map[string][]string{}
	approach := map[string]map[string][]*engine.EventDef{}
	var states []string
	for _, d := range s.eng.Workflows().All() {
		ms := meetingSpec(d)
		if ms == nil {
			continue
		}
		ev := d.Event(ms.AgendaEvent)
		if ev == nil {
			continue
		}
		waiting[d.Key()] = ev.From
		states = append(states, ev.From...)
		approach[d.Key()] = map[string][]*engine.EventDef{}
		for _, e := range d.Events {
			if e.Via != "" || e.Stay || !slices.Contains(ev.From, e.To) {
				continue
			}
			for _, f := range e.From {
				if !slices.Contains(ev.From, f) {
					approach[d.Key()][f] = append(approach[d.Key()][f], e)
					states = append(states, f)
				}
			}
		}
	}
	out := []Candidate{}
	if len(states) == 0 {
		return out, nil
	}
	slices.Sort(states)
	items, err := s.store.ListItems(ctx, engine.ItemQuery{OrgID: actor.OrgID, States: slices.Compact(states), Limit: 200})
	if err != nil {
		return nil, err
	}
	var short []Candidate
	for _, it := range items {
		if slices.ContainsFunc(agenda, func(a engine.AgendaEntry) bool { return a.ItemID == it.ID }) {
			continue
		}
		d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
		if d == nil {
			continue
		}
		c := Candidate{Item: s.ViewItem(it), Eligible: true}
		switch {
		case slices.Contains(waiting[d.Key()], it.State):
			if _, _, err := s.prepareAgenda(ctx, actor, m, it); err != nil {
				c.Eligible, c.Blocked = false, ViewBlock(asEngineError(err))
			}
			out = append(out, c)
		case len(approach[d.Key()][it.State]) > 0:
			c.Eligible, c.Blocked = false, s.notYetWaiting(ctx, actor, it, approach[d.Key()][it.State])
			short = append(short, c)
		}
	}
	return append(out, short...), nil
}

// notYetWaiting says why an item is not waiting for discussion: the
// refusal of the step that would bring it there, or, when that step
// would be allowed, that it has not been taken.
func (s *Service) notYetWaiting(ctx context.Context, actor engine.Actor, it *engine.Item, steps []*engine.EventDef) *BlockView {
	names := make([]string, len(steps))
	namesEn := make([]string, len(steps))
	for i, e := range steps {
		names[i], namesEn[i] = "“"+e.Label.Zh+"”", "“"+e.Label.En+"”"
	}
	b := &BlockView{Code: string(engine.CodeConflict),
		MessageZh: "事项尚未提请集体讨论（须先办理" + strings.Join(names, "或") + "）",
		MessageEn: "the item has not been submitted for discussion yet (first " + strings.Join(namesEn, " or ") + ")"}
	for _, e := range steps {
		c := *it
		c.Record = cloneRecord(it.Record)
		_, err := s.eng.PrepareLoaded(ctx, &c, e.Name, actor, engine.Input{}, it.Version)
		if err == nil {
			continue
		}
		ee := asEngineError(err)
		if ee.Code != engine.CodeGuardFailed {
			continue
		}
		for _, f := range ViewBlock(ee).Failures {
			b.Failures = append(b.Failures, f)
		}
		if b.Basis == "" {
			b.Basis = ee.Basis
		}
	}
	if len(b.Failures) > 0 {
		b.Code = string(engine.CodeGuardFailed)
	}
	return b
}

func asEngineError(err error) *engine.Error {
	if e, ok := err.(*engine.Error); ok {
		return e
	}
	return &engine.Error{Code: engine.ErrorCode(err), Message: err.Error(), MessageZh: "无法办理"}
}

// prepareAgenda checks the agenda event for it and builds its package.
func (s *Service) prepareAgenda(ctx context.Context, actor engine.Actor, m *engine.Meeting, it *engine.Item) (*engine.Transition, engine.AgendaEntry, error) {
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	ms := meetingSpec(d)
	if ms == nil {
		return nil, engine.AgendaEntry{}, &engine.Error{Code: engine.CodeInvalid, Field: "item_id", MessageZh: "该类事项不提交会议讨论", Message: "items of this workflow do not go to meetings"}
	}
	pkg := map[string]any{"item": map[string]any{"id": it.ID, "title": it.Title, "workflow": it.WorkflowID, "version": it.Version}}
	if ms.Package != "" {
		v, err := s.eng.RenderView(it, ms.Package)
		if err != nil {
			return nil, engine.AgendaEntry{}, err
		}
		for _, p := range v.Parts {
			pkg[p.Name] = p.Map()
		}
	}
	canon, err := engine.Canonical(pkg)
	if err != nil {
		return nil, engine.AgendaEntry{}, engine.Internal(err)
	}
	sum := sha256.Sum256(canon)
	members := make([]any, len(m.MemberUserIDs))
	for i, id := range m.MemberUserIDs {
		members[i] = id
	}
	c := *it
	c.Record = cloneRecord(it.Record)
	tr, err := s.eng.PrepareLoaded(ctx, &c, ms.AgendaEvent, actor, engine.Input{Via: engine.ViaMeeting, Payload: map[string]any{
		"meeting_id": m.ID, "meeting_type": m.Kind, "meeting_no": m.Number, "meeting_on": m.HeldOn,
		"member_user_ids": members, "chief_executive_user_id": m.ChiefExecutiveUserID, "package_sha256": hex.EncodeToString(sum[:]),
	}}, it.Version)
	if err != nil {
		return nil, engine.AgendaEntry{}, err
	}
	return tr, engine.AgendaEntry{MeetingID: m.ID, ItemID: it.ID, Package: string(canon), PackageSHA256: hex.EncodeToString(sum[:])}, nil
}

// cloneRecord deep-copies a record, so a check that changes it leaves the
// original as it was.
func cloneRecord(r engine.Record) engine.Record {
	b, _ := json.Marshal(r)
	out := engine.Record{}
	_ = json.Unmarshal(b, &out)
	return out
}

// AddToAgenda puts an item on an open meeting's agenda (secretariat): the
// workflow's agenda event re-checks the legality gate (Art. 25) against
// the current draft; the package is stored with the entry and its digest
// in the event.
func (s *Service) AddToAgenda(ctx context.Context, actor engine.Actor, meetingID, itemID int64) (*MeetingDetail, error) {
	m, _, err := s.openMeeting(ctx, actor, meetingID, engine.RoleSecretariat)
	if err != nil {
		return nil, err
	}
	it, err := s.store.GetItem(ctx, actor.OrgID, itemID)
	if err != nil {
		if engine.ErrorCode(err) == engine.CodeNotFound {
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "item_id", MessageZh: "事项不存在", Message: "no such item"}
		}
		return nil, err
	}
	tr, e, err := s.prepareAgenda(ctx, actor, m, it)
	if err != nil {
		return nil, err
	}
	if err := s.store.AddToAgenda(ctx, actor.OrgID, tr, e); err != nil {
		return nil, err
	}
	return s.Meeting(ctx, actor, meetingID)
}

// SetAttendance records which members attend (secretariat). Only members,
// each once; the chief executive chairs and must attend; more than the
// organisation's quorum share must attend; once anyone has spoken the
// attendance is fixed.
func (s *Service) SetAttendance(ctx context.Context, actor engine.Actor, meetingID int64, present []int64) (*MeetingDetail, error) {
	m, agenda, err := s.openMeeting(ctx, actor, meetingID, engine.RoleSecretariat)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, id := range present {
		if !slices.Contains(m.MemberUserIDs, id) || seen[id] {
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "present_user_ids", MessageZh: fmt.Sprintf("用户%d不是本次会议的组成人员或重复", id),
				Message: fmt.Sprintf("user %d is not a member of this meeting, or is listed twice", id)}
		}
		seen[id] = true
	}
	if !seen[m.ChiefExecutiveUserID] {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "present_user_ids", MessageZh: "行政首长应当出席并主持会议",
			Message: "the chief executive must attend and chair the meeting"}
	}
	d, _, err := s.meetingDetail(ctx, m, agenda)
	if err != nil {
		return nil, err
	}
	if d.AttendanceFixed {
		return nil, engine.Errorz(engine.CodeConflict, "已有组成人员发表意见，出席情况不能再更改", "positions have been recorded; attendance can no longer change")
	}
	quorum := s.quorumOf(ctx, m.OrgID)
	if !hasQuorum(&engine.Meeting{MemberUserIDs: m.MemberUserIDs, PresentUserIDs: present}, quorum) {
		return nil, &engine.Error{Code: engine.CodeGuardFailed, Field: "present_user_ids", Basis: "《重大行政决策程序暂行条例》第三十条；本机关会议规则",
			MessageZh: fmt.Sprintf("出席人数未超过组成人员的%d%%，会议不能讨论决定", quorum),
			Message:   fmt.Sprintf("no more than %d%% of the members attend; the meeting cannot decide", quorum)}
	}
	if err := s.store.SetAttendance(ctx, actor.OrgID, m.ID, present); err != nil {
		return nil, err
	}
	return s.Meeting(ctx, actor, meetingID)
}

func agendaEntry(agenda []engine.AgendaEntry, item int64) (*engine.AgendaEntry, error) {
	for i := range agenda {
		if agenda[i].ItemID == item {
			return &agenda[i], nil
		}
	}
	return nil, engine.Errorz(engine.CodeNotFound, "该事项不在会议议程上", "the item is not on this meeting's agenda")
}

// Position is a member's position as the secretariat records it.
type Position struct {
	MemberUserID int64  `json:"member_user_id"`
	Position     string `json:"position"`
	Remarks      string `json:"remarks"`
}

// RecordPosition records a member's position on an agenda item, as an
// event of the item (secretariat). Attendance must be recorded first;
// only members present speak, each once, the chief executive last — the
// workflow's position event enforces the order with the attendance the
// meeting passes it.
func (s *Service) RecordPosition(ctx context.Context, actor engine.Actor, meetingID, itemID int64, p Position) (*AgendaView, error) {
	m, agenda, err := s.openMeeting(ctx, actor, meetingID, engine.RoleSecretariat)
	if err != nil {
		return nil, err
	}
	a, err := agendaEntry(agenda, itemID)
	if err != nil {
		return nil, err
	}
	if len(m.PresentUserIDs) == 0 {
		return nil, &engine.Error{Code: engine.CodeGuardFailed, Basis: "《重大行政决策程序暂行条例》第三十条第一款",
			MessageZh: "请先记录出席情况，再记录发言", Message: "record attendance before positions"}
	}
	it, err := s.store.GetItem(ctx, actor.OrgID, a.ItemID)
	if err != nil {
		return nil, err
	}
	ms := meetingSpec(s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion))
	present := make([]any, len(m.PresentUserIDs))
	for i, id := range m.PresentUserIDs {
		present[i] = id
	}
	payload := map[string]any{"member_user_id": p.MemberUserID, "position": p.Position, "present_user_ids": present}
	if strings.TrimSpace(p.Remarks) != "" {
		payload["remarks"] = strings.TrimSpace(p.Remarks)
	}
	if _, err := s.eng.FireLoaded(ctx, it, ms.PositionEvent, actor, engine.Input{Payload: payload, Via: engine.ViaMeeting}, it.Version); err != nil {
		return nil, err
	}
	d, err := s.Meeting(ctx, actor, meetingID)
	if err != nil {
		return nil, err
	}
	for i := range d.Agenda {
		if d.Agenda[i].ItemID == itemID {
			return &d.Agenda[i], nil
		}
	}
	return nil, engine.Internal(fmt.Errorf("item %d left the agenda", itemID))
}

// Decision is the chief executive's decision on an agenda item.
type Decision struct {
	Decision        string `json:"decision"`
	DepartureReason string `json:"departure_reason"`
}

// DecisionLabels name the decisions (UI.md's words).
var DecisionLabels = map[string]engine.Text{
	"agree": {Zh: "同意", En: "agree"}, "disagree": {Zh: "不同意", En: "disagree"}, "revise": {Zh: "修改", En: "revise"},
	"postpone": {Zh: "暂缓", En: "postpone"}, "rediscuss": {Zh: "再次讨论", En: "discuss again"},
}

// SetDecision drafts the chief executive's decision on an agenda item
// (secretariat or chief executive); it is applied when the meeting
// closes. The chief executive must have spoken (Art. 30¶1); a decision
// departing from the majority computed from the positions needs the
// reason stated (Art. 30¶2).
func (s *Service) SetDecision(ctx context.Context, actor engine.Actor, meetingID, itemID int64, dec Decision) (*AgendaView, error) {
	m, agenda, err := s.openMeeting(ctx, actor, meetingID, engine.RoleSecretariat, engine.RoleChiefExecutive)
	if err != nil {
		return nil, err
	}
	a, err := agendaEntry(agenda, itemID)
	if err != nil {
		return nil, err
	}
	if _, ok := DecisionLabels[dec.Decision]; !ok {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "decision", MessageZh: "决定应为同意、不同意、修改、暂缓或再次讨论",
			Message: "decision is one of agree, disagree, revise, postpone, rediscuss"}
	}
	dec.DepartureReason = strings.TrimSpace(dec.DepartureReason)
	if len([]rune(dec.DepartureReason)) > 5000 {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "departure_reason", MessageZh: "理由不能超过5000字", Message: "the reason is at most 5000 characters"}
	}
	it, err := s.store.GetItem(ctx, actor.OrgID, a.ItemID)
	if err != nil {
		return nil, err
	}
	ps := positionsOf(it)
	if !slices.ContainsFunc(ps, func(p PositionOf) bool { return p.MemberUserID == m.ChiefExecutiveUserID }) {
		return nil, &engine.Error{Code: engine.CodeGuardFailed, MessageZh: "会议组成人员充分发表意见、行政首长最后发表意见后，方可作出决定",
			Message: "the decision follows the members' positions and the chief executive's, who speaks last", Basis: "《重大行政决策程序暂行条例》第三十条第一款"}
	}
	if Departs(dec.Decision, Majority(ps, m.ChiefExecutiveUserID)) && dec.DepartureReason == "" {
		return nil, &engine.Error{Code: engine.CodeGuardFailed, Field: "departure_reason",
			MessageZh: "行政首长拟作出的决定与会议组成人员多数人的意见不一致的，应当在会上说明理由",
			Message:   "when the chief executive's decision differs from the majority, the reasons must be stated at the meeting",
			Basis:     "《重大行政决策程序暂行条例》第三十条第二款"}
	}
	if err := s.store.SetAgendaDecision(ctx, actor.OrgID, m.ID, a.ItemID, dec.Decision, dec.DepartureReason); err != nil {
		return nil, err
	}
	d, err := s.Meeting(ctx, actor, meetingID)
	if err != nil {
		return nil, err
	}
	for i := range d.Agenda {
		if d.Agenda[i].ItemID == itemID {
			return &d.Agenda[i], nil
		}
	}
	return nil, engine.Internal(fmt.Errorf("item %d left the agenda", itemID))
}

// CloseMeeting applies every agenda decision as a transition of its item,
// fired as the chief executive and recorded by the secretariat, with the
// majority and the dissent computed from the positions; writes the
// minutes (HTML, their digest in each decision event, a copy attached to
// each item); and locks the meeting — in one database transaction: if any
// item's transition is refused, nothing changes.
func (s *Service) CloseMeeting(ctx context.Context, actor engine.Actor, meetingID int64) (*MeetingDetail, error) {
	m, agenda, err := s.openMeeting(ctx, actor, meetingID, engine.RoleSecretariat)
	if err != nil {
		return nil, err
	}
	if len(agenda) == 0 {
		return nil, engine.Errorz(engine.CodeConflict, "会议议程为空，不能闭会", "the agenda is empty")
	}
	if !hasQuorum(m, s.quorumOf(ctx, m.OrgID)) {
		return nil, &engine.Error{Code: engine.CodeGuardFailed, Basis: "《重大行政决策程序暂行条例》第三十条；本机关会议规则",
			MessageZh: "出席情况未记录或未达到法定人数，会议不能作出决定", Message: "attendance is not recorded or below the quorum; the meeting cannot decide"}
	}
	d, items, err := s.meetingDetail(ctx, m, agenda)
	if err != nil {
		return nil, err
	}
	for _, a := range d.Agenda {
		if a.Decision == "" {
			return nil, &engine.Error{Code: engine.CodeConflict, MessageZh: fmt.Sprintf("事项“%s”尚未作出决定", a.Title),
				Message: fmt.Sprintf("item %d has no decision yet", a.ItemID)}
		}
	}
	chief, err := s.store.GetUser(ctx, m.OrgID, m.ChiefExecutiveUserID)
	if err != nil {
		return nil, err
	}
	minutes, err := renderMinutes(m, d)
	if err != nil {
		return nil, engine.Internal(err)
	}
	sum := sha256.Sum256(minutes)
	minutesSHA := hex.EncodeToString(sum[:])
	now := s.eng.Now()
	var trs []*engine.Transition
	var docs []*engine.Document
	for i, a := range d.Agenda {
		it := items[i]
		ms := meetingSpec(s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion))
		dissent := []any{}
		for _, p := range a.Dissent {
			dissent = append(dissent, dissentText(d.Names, p))
		}
		doc := &engine.Document{OrgID: m.OrgID, ItemID: it.ID, Kind: "minutes", Filename: fmt.Sprintf("会议纪要-%s.html", m.Number),
			ContentType: "text/html; charset=utf-8", Content: minutes, Size: int64(len(minutes)), SHA256: minutesSHA, UploadedBy: actor.Ref(), CreatedAt: now}
		payload := map[string]any{"meeting_id": m.ID, "meeting_type": m.Kind, "meeting_no": m.Number, "meeting_on": m.HeldOn,
			"majority_view": a.Majority, "dissent": dissent, "minutes_sha256": minutesSHA, "recorded_by": actor.Ref()}
		if a.DepartureReason != "" {
			payload["departure_reason"] = a.DepartureReason
		}
		tr, err := s.eng.PrepareLoaded(ctx, it, ms.Decisions[a.Decision], chief.Actor(), engine.Input{Payload: payload, Via: engine.ViaMeeting,
			Documents: []*engine.Document{doc}}, it.Version)
		if err != nil {
			e := *asEngineError(err)
			e.MessageZh = fmt.Sprintf("事项“%s”：%s；会议未闭会，任何事项均未变更", a.Title, e.MessageZh)
			e.Message = fmt.Sprintf("item %d: %s; the meeting stays open and nothing changed", a.ItemID, e.Message)
			return nil, &e
		}
		trs = append(trs, tr)
		docs = append(docs, doc)
	}
	if err := s.store.CloseMeeting(ctx, actor.OrgID, m.ID, trs, string(minutes), minutesSHA, docs, now); err != nil {
		return nil, err
	}
	return s.Meeting(ctx, actor, meetingID)
}

// Minutes returns the minutes of a closed meeting (HTML) and their
// SHA-256 (readers). Returns not_found while the meeting is open.
func (s *Service) Minutes(ctx context.Context, actor engine.Actor, meetingID int64) ([]byte, string, error) {
	if err := RequireRole(actor, MeetingReaders...); err != nil {
		return nil, "", err
	}
	m, _, err := s.store.GetMeeting(ctx, actor.OrgID, meetingID)
	if err != nil {
		return nil, "", err
	}
	if m.State != "closed" {
		return nil, "", engine.Errorz(engine.CodeNotFound, "会议尚未闭会，没有纪要", "the meeting has no minutes until it closes")
	}
	return []byte(m.Minutes), m.MinutesSHA256, nil
}

// PositionLabels name the positions (UI.md's words).
var PositionLabels = map[string]engine.Text{
	"agree": {Zh: "同意", En: "agree"}, "disagree": {Zh: "不同意", En: "disagree"}, "abstain": {Zh: "弃权", En: "abstain"},
}

func dissentText(names map[int64]string, p PositionOf) string {
	t := names[p.MemberUserID] + "：" + PositionLabels[p.Position].Zh
	if p.Remarks != "" {
		t += "（" + p.Remarks + "）"
	}
	return t
}

var minutesTmpl = template.Must(template.New("minutes").Funcs(template.FuncMap{
	"pos":  func(p string) string { return PositionLabels[p].Zh },
	"dec":  func(d string) string { return DecisionLabels[d].Zh },
	"name": func(names map[int64]string, id int64) string { return names[id] },
	"inc":  func(i int) int { return i + 1 },
	"kind": func(k string) string { return MeetingKinds[k].Zh },
	"absent": func(m *engine.Meeting) []int64 {
		var out []int64
		for _, id := range m.MemberUserIDs {
			if !slices.Contains(m.PresentUserIDs, id) {
				out = append(out, id)
			}
		}
		return out
	},
}).Parse(`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{.M.Number}} 会议纪要</title></head>
<body>
<h1>{{.M.Number}}会议纪要</h1>
<p>会议类型：{{kind .M.Kind}}；日期：{{.M.HeldOn}}</p>
<p>组成人员：{{range $i, $id := .M.MemberUserIDs}}{{if $i}}、{{end}}{{name $.Names $id}}{{end}}</p>
<p>出席：{{range $i, $id := .M.PresentUserIDs}}{{if $i}}、{{end}}{{name $.Names $id}}{{end}}</p>
{{with absent .M}}<p>缺席：{{range $i, $id := .}}{{if $i}}、{{end}}{{name $.Names $id}}{{end}}</p>{{end}}
{{range $n, $a := .Agenda}}
<section>
<h2>议题{{inc $n}}：{{$a.Title}}</h2>
<p>会议材料摘要（SHA-256）：{{$a.PackageSHA256}}</p>
<ol>{{range $a.Positions}}<li>{{name $.Names .MemberUserID}}：{{pos .Position}}{{if .Remarks}}（{{.Remarks}}）{{end}}</li>{{end}}</ol>
<p>多数意见：{{if eq $a.Majority "agree"}}同意{{else if eq $a.Majority "disagree"}}不同意{{else}}未形成多数意见{{end}}</p>
<p>行政首长决定：{{dec $a.Decision}}</p>
{{if $a.DepartureReason}}<p>与多数意见不一致的理由：{{$a.DepartureReason}}</p>{{end}}
<p>不同意见：{{range $i, $p := $a.Dissent}}{{if $i}}；{{end}}{{name $.Names $p.MemberUserID}}：{{pos $p.Position}}{{if $p.Remarks}}（{{$p.Remarks}}）{{end}}{{else}}无{{end}}</p>
</section>
{{end}}
</body></html>
`))

func renderMinutes(m *engine.Meeting, d *MeetingDetail) ([]byte, error) {
	var b bytes.Buffer
	err := minutesTmpl.Execute(&b, map[string]any{"M": m, "Agenda": d.Agenda, "Names": d.Names})
	return b.Bytes(), err
}
