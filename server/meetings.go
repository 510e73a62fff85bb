package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/juece/juece/engine"
	"github.com/labstack/echo/v4"
)

// Executive meetings (Decree 713 Arts. 29–31). The secretariat creates a
// meeting and puts items that pass the legality gate on its agenda, each
// with a package generated from the item's record (Art. 29); positions are
// recorded as events of the item, the chief executive last (Art. 30¶1); a
// decision is drafted per item, with a reason when it departs from the
// majority (Art. 30¶2); closing the meeting applies every decision as a
// transition of its item and stores the minutes, all at once or not at
// all. The workflow names the events (settings.meeting).

// MeetingBackend is the part of Backend that keeps meetings.
type MeetingBackend interface {
	CreateMeeting(ctx context.Context, m *engine.Meeting) error
	GetMeeting(ctx context.Context, org, id int64) (*engine.Meeting, []engine.AgendaEntry, error)
	ListMeetings(ctx context.Context, org int64) ([]*engine.Meeting, error)
	AddToAgenda(ctx context.Context, org int64, tr *engine.Transition, e engine.AgendaEntry) error
	SetAgendaDecision(ctx context.Context, org, meeting, item int64, decision, reason string) error
	SetAttendance(ctx context.Context, org, meeting int64, present []int64) error
	CloseMeeting(ctx context.Context, org, meeting int64, trs []*engine.Transition, minutes, minutesSHA string, docs []*engine.Document, at time.Time) error
}

// meetingEvents are the workflow's meeting events, from settings.meeting.
type meetingEvents struct {
	agenda, position string
	decisions        map[string]string // decision → event
}

func meetingEventsOf(d *engine.Definition) (*meetingEvents, bool) {
	m, _ := d.Settings["meeting"].(map[string]any)
	if m == nil {
		return nil, false
	}
	me := &meetingEvents{decisions: map[string]string{}}
	me.agenda, _ = m["agenda_event"].(string)
	me.position, _ = m["position_event"].(string)
	ds, _ := m["decision_events"].(map[string]any)
	for k, v := range ds {
		if ev, ok := v.(string); ok {
			me.decisions[k] = ev
		}
	}
	return me, me.agenda != "" && me.position != "" && len(me.decisions) > 0
}

// Decisions are the chief executive's five outcomes (Art. 30).
var Decisions = []string{"agree", "disagree", "revise", "postpone", "rediscuss"}

type createMeetingRequest struct {
	Kind                 string  `json:"kind"`
	Number               string  `json:"number"`
	HeldOn               string  `json:"held_on"`
	MemberUserIDs        []int64 `json:"member_user_ids"`
	ChiefExecutiveUserID int64   `json:"chief_executive_user_id"`
	LegalOfficeUserID    int64   `json:"legal_office_user_id"`
}

func (s *Server) meetings() MeetingBackend { return s.db }

func (s *Server) createMeeting(c echo.Context) error {
	p := principalOf(c)
	if err := requireRole(p, engine.RoleSecretariat); err != nil {
		return err
	}
	var req createMeetingRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if req.Kind != "executive" && req.Kind != "plenary" {
		return &engine.Error{Code: engine.CodeInvalid, Field: "kind", MessageZh: "会议类型应为常务会议（executive）或全体会议（plenary）", Message: "kind is executive or plenary"}
	}
	if strings.TrimSpace(req.Number) == "" {
		return &engine.Error{Code: engine.CodeInvalid, Field: "number", MessageZh: "请填写会议届次", Message: "number is required"}
	}
	if _, err := engine.ParseDate(req.HeldOn); err != nil {
		return &engine.Error{Code: engine.CodeInvalid, Field: "held_on", MessageZh: "会议日期应为 YYYY-MM-DD", Message: "held_on must be YYYY-MM-DD"}
	}
	if len(req.MemberUserIDs) < 2 || !slices.Contains(req.MemberUserIDs, req.ChiefExecutiveUserID) {
		return &engine.Error{Code: engine.CodeInvalid, Field: "member_user_ids", MessageZh: "会议组成人员应至少两人，并包括行政首长",
			Message: "a meeting has at least two members including the chief executive"}
	}
	seen := map[int64]bool{}
	for _, id := range req.MemberUserIDs {
		if seen[id] {
			return &engine.Error{Code: engine.CodeInvalid, Field: "member_user_ids", MessageZh: "会议组成人员重复", Message: "a member is listed twice"}
		}
		seen[id] = true
		u, err := s.db.GetUser(ctx, p.User.OrgID, id)
		if err != nil || !u.Active || !u.Actor().Has(engine.RoleMember) && !u.Actor().Has(engine.RoleChiefExecutive) {
			return &engine.Error{Code: engine.CodeInvalid, Field: "member_user_ids", MessageZh: fmt.Sprintf("用户 %d 不是会议组成人员", id),
				Message: fmt.Sprintf("user %d is not a meeting member", id)}
		}
		if id == req.ChiefExecutiveUserID && !u.Actor().Has(engine.RoleChiefExecutive) {
			return &engine.Error{Code: engine.CodeInvalid, Field: "chief_executive_user_id", MessageZh: "该用户不是行政首长", Message: "the user is not the chief executive"}
		}
	}
	m := &engine.Meeting{OrgID: p.User.OrgID, Kind: req.Kind, Number: strings.TrimSpace(req.Number), HeldOn: req.HeldOn,
		MemberUserIDs: req.MemberUserIDs, PresentUserIDs: []int64{}, ChiefExecutiveUserID: req.ChiefExecutiveUserID, LegalOfficeUserID: req.LegalOfficeUserID,
		CreatedBy: p.Actor.Ref(), CreatedAt: s.eng.Now()}
	if err := s.meetings().CreateMeeting(ctx, m); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/meetings/%d", m.ID))
	return c.JSON(http.StatusCreated, meetingDetail{Meeting: m, Agenda: []agendaView{}})
}

// meetingReaders may read meetings: the organisation-wide roles.
func canReadMeetings(p *principal) error {
	return requireRole(p, engine.RoleSecretariat, engine.RoleChiefExecutive, engine.RoleMember, engine.RoleLegalOffice, engine.RoleAuditor)
}

func (s *Server) listMeetings(c echo.Context) error {
	p := principalOf(c)
	if err := canReadMeetings(p); err != nil {
		return err
	}
	ms, err := s.meetings().ListMeetings(c.Request().Context(), p.User.OrgID)
	if err != nil {
		return err
	}
	if ms == nil {
		ms = []*engine.Meeting{}
	}
	return c.JSON(http.StatusOK, map[string]any{"meetings": ms})
}

type positionView struct {
	MemberUserID int64  `json:"member_user_id"`
	Position     string `json:"position"`
	Remarks      string `json:"remarks"`
	Order        int    `json:"order"`
}

type agendaView struct {
	engine.AgendaEntry
	Title     string         `json:"title"`
	State     string         `json:"state"`
	Package   map[string]any `json:"package"`
	Positions []positionView `json:"positions"`
	Majority  string         `json:"majority"`
}

type meetingDetail struct {
	*engine.Meeting
	Agenda []agendaView `json:"agenda"`
}

// positionsOf returns the positions recorded on the item for the meeting,
// in speaking order.
func positionsOf(it *engine.Item) []positionView {
	m, _ := it.Record["meeting"].(map[string]any)
	ps, _ := m["positions"].(map[string]any)
	out := []positionView{}
	for _, v := range ps {
		e, _ := v.(map[string]any)
		pv := positionView{}
		pv.MemberUserID = toID(e["member_user_id"])
		pv.Position, _ = e["position"].(string)
		pv.Remarks, _ = e["remarks"].(string)
		pv.Order = int(toID(e["seq"]))
		out = append(out, pv)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}

func toID(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case int64:
		return n
	case int:
		return int64(n)
	}
	return 0
}

// majorityOf is the members' majority view, the chief executive aside:
// "agree" when more than half of those who took a side agreed, otherwise
// "disagree"; "" when nobody took a side.
func majorityOf(ps []positionView, chief int64) string {
	agree, sides := 0, 0
	for _, p := range ps {
		if p.MemberUserID == chief || p.Position == "abstain" {
			continue
		}
		sides++
		if p.Position == "agree" {
			agree++
		}
	}
	switch {
	case sides == 0:
		return ""
	case agree*2 > sides:
		return "agree"
	}
	return "disagree"
}

func (s *Server) loadMeeting(c echo.Context) (*principal, *engine.Meeting, []engine.AgendaEntry, error) {
	p := principalOf(c)
	if err := canReadMeetings(p); err != nil {
		return nil, nil, nil, err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return nil, nil, nil, engine.Errorz(engine.CodeNotFound, "会议不存在", "no such meeting")
	}
	m, agenda, err := s.meetings().GetMeeting(c.Request().Context(), p.User.OrgID, id)
	return p, m, agenda, err
}

// loadMeetingAs is loadMeeting for a change only the given roles may make.
func (s *Server) loadMeetingAs(c echo.Context, roles ...engine.Role) (*principal, *engine.Meeting, []engine.AgendaEntry, error) {
	p, m, agenda, err := s.loadMeeting(c)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := requireRole(p, roles...); err != nil {
		return nil, nil, nil, err
	}
	return p, m, agenda, nil
}

func (s *Server) meetingDetail(ctx context.Context, m *engine.Meeting, agenda []engine.AgendaEntry) (*meetingDetail, []*engine.Item, error) {
	d := &meetingDetail{Meeting: m, Agenda: []agendaView{}}
	var items []*engine.Item
	for _, a := range agenda {
		it, err := s.eng.Store().GetItem(ctx, m.OrgID, a.ItemID)
		if err != nil {
			return nil, nil, err
		}
		items = append(items, it)
		var pkg map[string]any
		if err := json.Unmarshal([]byte(a.Package), &pkg); err != nil {
			return nil, nil, engine.Internal(err)
		}
		ps := positionsOf(it)
		d.Agenda = append(d.Agenda, agendaView{AgendaEntry: a, Title: it.Title, State: it.State, Package: pkg, Positions: ps,
			Majority: majorityOf(ps, m.ChiefExecutiveUserID)})
	}
	return d, items, nil
}

func (s *Server) getMeeting(c echo.Context) error {
	_, m, agenda, err := s.loadMeeting(c)
	if err != nil {
		return err
	}
	d, _, err := s.meetingDetail(c.Request().Context(), m, agenda)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// meetingPackage is what Art. 29 requires before the meeting, taken from
// the record rather than retyped: the draft and its basis, the
// fair-competition review when required, how public opinions were
// handled, the expert and risk results, and the legality opinion.
func meetingPackage(it *engine.Item) map[string]any {
	stage := func(name string, keys ...string) map[string]any {
		m, _ := it.Record[name].(map[string]any)
		out := map[string]any{}
		for _, k := range keys {
			if v, ok := m[k]; ok && v != nil && v != "" {
				out[k] = v
			}
		}
		return out
	}
	waivers, _ := it.Record["waivers"].(map[string]any)
	cons := stage("consultation", "methods", "closes_on", "opinions_received", "opinion_handling_summary")
	if m, _ := it.Record["consultation"].(map[string]any); m != nil {
		if ds, _ := m["dispositions"].(map[string]any); ds != nil {
			cons["groups_disposed"] = len(ds)
		}
	}
	return map[string]any{
		"item":             map[string]any{"id": it.ID, "title": it.Title, "workflow": it.WorkflowID, "version": it.Version},
		"draft":            stage("draft", "draft_sha256", "legal_basis", "version_note", "cost_benefit"),
		"fair_competition": stage("meeting", "affects_market_actors", "fair_competition_review_sha256"),
		"consultation":     cons,
		"hearing":          stage("hearing", "hearing_on", "held_on", "transcript_sha256"),
		"expert":           stage("expert", "experts", "method", "handling_summary"),
		"risk":             stage("risk", "assessor", "conclusion", "report_sha256", "linked_assessment"),
		"legality":         stage("legality", "outcome", "draft_sha256", "opinion", "legal_risk", "conclude_legality_review_on"),
		"waivers":          waivers,
	}
}

type agendaRequest struct {
	ItemID int64 `json:"item_id"`
}

// addToAgenda puts an item on an open meeting's agenda: the workflow's
// agenda event re-checks the legality gate (Art. 25) against the current
// draft and records the meeting on the item; the package is stored with
// the agenda entry and its digest in the event.
func (s *Server) addToAgenda(c echo.Context) error {
	p, m, _, err := s.loadMeetingAs(c, engine.RoleSecretariat)
	if err != nil {
		return err
	}
	var req agendaRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	it, err := s.eng.Store().GetItem(ctx, p.User.OrgID, req.ItemID)
	if err != nil {
		if engine.ErrorCode(err) == engine.CodeNotFound {
			return &engine.Error{Code: engine.CodeInvalid, Field: "item_id", MessageZh: "事项不存在", Message: "no such item"}
		}
		return err
	}
	me, ok := meetingEventsOf(s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion))
	if !ok {
		return &engine.Error{Code: engine.CodeInvalid, Field: "item_id", MessageZh: "该流程的事项不上会", Message: "items of this workflow do not go to meetings"}
	}
	pkg := meetingPackage(it)
	canon, err := engine.Canonical(pkg)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(canon)
	members := make([]any, len(m.MemberUserIDs))
	for i, id := range m.MemberUserIDs {
		members[i] = id
	}
	tr, err := s.eng.Prepare(ctx, it.ID, me.agenda, p.Actor, engine.Input{Payload: map[string]any{
		"meeting_id": m.ID, "meeting_type": m.Kind, "meeting_no": m.Number, "meeting_on": m.HeldOn,
		"member_user_ids": members, "chief_executive_user_id": m.ChiefExecutiveUserID, "package_sha256": hex.EncodeToString(sum[:]),
	}}, it.Version)
	if err != nil {
		return err
	}
	e := engine.AgendaEntry{MeetingID: m.ID, ItemID: it.ID, Package: string(canon), PackageSHA256: hex.EncodeToString(sum[:])}
	if err := s.meetings().AddToAgenda(ctx, p.User.OrgID, tr, e); err != nil {
		return err
	}
	m2, agenda, err := s.meetings().GetMeeting(ctx, p.User.OrgID, m.ID)
	if err != nil {
		return err
	}
	d, _, err := s.meetingDetail(ctx, m2, agenda)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

// agendaItem finds the agenda entry of the path's item.
func agendaItem(c echo.Context, agenda []engine.AgendaEntry) (*engine.AgendaEntry, error) {
	id, err := pathID(c, "item")
	if err == nil {
		for i := range agenda {
			if agenda[i].ItemID == id {
				return &agenda[i], nil
			}
		}
	}
	return nil, engine.Errorz(engine.CodeNotFound, "该事项不在会议议程上", "the item is not on this meeting's agenda")
}

type attendanceRequest struct {
	PresentUserIDs []int64 `json:"present_user_ids"`
}

// setAttendance records which members attend; only they may then state
// positions, and the chief executive must be among them to decide.
func (s *Server) setAttendance(c echo.Context) error {
	p, m, _, err := s.loadMeetingAs(c, engine.RoleSecretariat)
	if err != nil {
		return err
	}
	var req attendanceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, id := range req.PresentUserIDs {
		if !slices.Contains(m.MemberUserIDs, id) || seen[id] {
			return &engine.Error{Code: engine.CodeInvalid, Field: "present_user_ids", MessageZh: fmt.Sprintf("用户 %d 不是本次会议的组成人员或重复", id),
				Message: fmt.Sprintf("user %d is not a member of this meeting, or is listed twice", id)}
		}
		seen[id] = true
	}
	if !seen[m.ChiefExecutiveUserID] {
		return &engine.Error{Code: engine.CodeInvalid, Field: "present_user_ids", MessageZh: "行政首长应当出席并主持会议",
			Message: "the chief executive must attend and chair the meeting"}
	}
	if err := s.meetings().SetAttendance(c.Request().Context(), p.User.OrgID, m.ID, req.PresentUserIDs); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"meeting_id": m.ID, "present_user_ids": req.PresentUserIDs})
}

type positionRequest struct {
	MemberUserID int64  `json:"member_user_id"`
	Position     string `json:"position"`
	Remarks      string `json:"remarks"`
}

// recordPosition records a member's position on an agenda item, as an
// event of the item (the workflow enforces that the chief executive speaks
// last).
func (s *Server) recordPosition(c echo.Context) error {
	p, m, agenda, err := s.loadMeetingAs(c, engine.RoleSecretariat)
	if err != nil {
		return err
	}
	if m.State != "open" {
		return engine.Errorz(engine.CodeConflict, "会议已闭会，不能再更改", "the meeting is closed and can no longer change")
	}
	a, err := agendaItem(c, agenda)
	if err != nil {
		return err
	}
	var req positionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if len(m.PresentUserIDs) > 0 && !slices.Contains(m.PresentUserIDs, req.MemberUserID) {
		return &engine.Error{Code: engine.CodeGuardFailed, Field: "member_user_id", MessageZh: "该组成人员未出席本次会议",
			Message: "the member is not recorded as attending", Basis: "《重大行政决策程序暂行条例》第三十条第一款"}
	}
	ctx := c.Request().Context()
	it, err := s.eng.Store().GetItem(ctx, p.User.OrgID, a.ItemID)
	if err != nil {
		return err
	}
	me, _ := meetingEventsOf(s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion))
	payload := map[string]any{"member_user_id": req.MemberUserID, "position": req.Position}
	if req.Remarks != "" {
		payload["remarks"] = req.Remarks
	}
	res, err := s.eng.Fire(ctx, it.ID, me.position, p.Actor, engine.Input{Payload: payload}, it.Version)
	if err != nil {
		return err
	}
	ps := positionsOf(res.Item)
	return c.JSON(http.StatusOK, map[string]any{"item_id": it.ID, "positions": ps, "majority": majorityOf(ps, m.ChiefExecutiveUserID)})
}

type decisionRequest struct {
	Decision        string `json:"decision"`
	DepartureReason string `json:"departure_reason"`
}

// setDecision drafts the chief executive's decision on an agenda item. It
// is applied when the meeting closes. A decision that departs from the
// members' majority needs the reason stated (Art. 30¶2); the chief
// executive must have spoken (Art. 30¶1).
func (s *Server) setDecision(c echo.Context) error {
	p, m, agenda, err := s.loadMeetingAs(c, engine.RoleSecretariat, engine.RoleChiefExecutive)
	if err != nil {
		return err
	}
	a, err := agendaItem(c, agenda)
	if err != nil {
		return err
	}
	var req decisionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if !slices.Contains(Decisions, req.Decision) {
		return &engine.Error{Code: engine.CodeInvalid, Field: "decision", MessageZh: "决定应为同意、不同意、修改、暂缓或再次讨论",
			Message: "decision is one of agree, disagree, revise, postpone, rediscuss"}
	}
	ctx := c.Request().Context()
	it, err := s.eng.Store().GetItem(ctx, p.User.OrgID, a.ItemID)
	if err != nil {
		return err
	}
	ps := positionsOf(it)
	if !slices.ContainsFunc(ps, func(pv positionView) bool { return pv.MemberUserID == m.ChiefExecutiveUserID }) {
		return &engine.Error{Code: engine.CodeGuardFailed, MessageZh: "会议组成人员充分发表意见、行政首长最后发表意见后，方可作出决定",
			Message: "the decision follows the members' positions and the chief executive's, who speaks last", Basis: "《重大行政决策程序暂行条例》第三十条第一款"}
	}
	if maj := majorityOf(ps, m.ChiefExecutiveUserID); req.Decision != maj && strings.TrimSpace(req.DepartureReason) == "" {
		return &engine.Error{Code: engine.CodeGuardFailed, Field: "departure_reason",
			MessageZh: "行政首长拟作出的决定与会议组成人员多数人的意见不一致的，应当在会上说明理由",
			Message:   "when the chief executive's decision differs from the majority, the reasons must be stated at the meeting",
			Basis:     "《重大行政决策程序暂行条例》第三十条第二款"}
	}
	if err := s.meetings().SetAgendaDecision(ctx, p.User.OrgID, m.ID, a.ItemID, req.Decision, strings.TrimSpace(req.DepartureReason)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"item_id": a.ItemID, "decision": req.Decision, "departure_reason": strings.TrimSpace(req.DepartureReason)})
}

// closeMeeting applies every agenda decision as a transition of its item,
// writes the minutes (HTML, hash recorded in each decision event and on
// the meeting) and locks the meeting — all in one database transaction:
// if any item's transition is refused, nothing changes.
func (s *Server) closeMeeting(c echo.Context) error {
	p, m, agenda, err := s.loadMeetingAs(c, engine.RoleSecretariat)
	if err != nil {
		return err
	}
	if m.State != "open" {
		return engine.Errorz(engine.CodeConflict, "会议已闭会", "the meeting is already closed")
	}
	if len(agenda) == 0 {
		return engine.Errorz(engine.CodeConflict, "会议议程为空，不能闭会", "the agenda is empty")
	}
	ctx := c.Request().Context()
	d, items, err := s.meetingDetail(ctx, m, agenda)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, id := range m.MemberUserIDs {
		if u, err := s.db.GetUser(ctx, p.User.OrgID, id); err == nil {
			names[id] = u.DisplayName
		} else {
			names[id] = "用户" + strconv.FormatInt(id, 10)
		}
	}
	for _, a := range d.Agenda {
		if a.Decision == "" {
			return &engine.Error{Code: engine.CodeConflict, MessageZh: fmt.Sprintf("事项“%s”尚未作出决定", a.Title),
				Message: fmt.Sprintf("item %d has no decision yet", a.ItemID)}
		}
	}
	minutes, err := renderMinutes(m, d.Agenda, names)
	if err != nil {
		return engine.Internal(err)
	}
	sum := sha256.Sum256(minutes)
	minutesSHA := hex.EncodeToString(sum[:])
	var trs []*engine.Transition
	var docs []*engine.Document
	for i, a := range d.Agenda {
		it := items[i]
		me, _ := meetingEventsOf(s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion))
		majority := a.Majority
		if majority == "" {
			majority = a.Decision
		}
		dissent := []any{}
		for _, pv := range a.Positions {
			if pv.MemberUserID != m.ChiefExecutiveUserID && pv.Position != a.Decision && pv.Position != "abstain" && (a.Decision == "agree" || a.Decision == "disagree") {
				dissent = append(dissent, names[pv.MemberUserID]+"："+positionZh(pv.Position)+remarksSuffix(pv.Remarks))
			}
		}
		payload := map[string]any{"meeting_type": m.Kind, "meeting_no": m.Number, "meeting_on": m.HeldOn, "majority_view": majority,
			"dissent": dissent, "minutes_sha256": minutesSHA}
		if a.DepartureReason != "" {
			payload["departure_reason"] = a.DepartureReason
		}
		tr, err := s.eng.Prepare(ctx, it.ID, me.decisions[a.Decision], p.Actor, engine.Input{Payload: payload}, it.Version)
		if err != nil {
			if ee, ok := err.(*engine.Error); ok {
				e2 := *ee
				e2.MessageZh = fmt.Sprintf("事项“%s”：%s；会议未闭会，任何事项均未变更", a.Title, ee.MessageZh)
				e2.Message = fmt.Sprintf("item %d: %s; the meeting stays open and nothing changed", a.ItemID, ee.Message)
				return &e2
			}
			return err
		}
		trs = append(trs, tr)
		docs = append(docs, &engine.Document{OrgID: p.User.OrgID, ItemID: it.ID, Kind: "minutes",
			Filename: fmt.Sprintf("会议纪要-%s.html", m.Number), ContentType: "text/html; charset=utf-8", Content: minutes,
			Size: int64(len(minutes)), SHA256: minutesSHA, UploadedBy: p.Actor.Ref()})
	}
	if err := s.meetings().CloseMeeting(ctx, p.User.OrgID, m.ID, trs, string(minutes), minutesSHA, docs, s.eng.Now()); err != nil {
		return err
	}
	m2, agenda2, err := s.meetings().GetMeeting(ctx, p.User.OrgID, m.ID)
	if err != nil {
		return err
	}
	out, _, err := s.meetingDetail(ctx, m2, agenda2)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// getMinutes returns the minutes of a closed meeting as HTML.
func (s *Server) getMinutes(c echo.Context) error {
	_, m, _, err := s.loadMeeting(c)
	if err != nil {
		return err
	}
	if m.State != "closed" {
		return engine.Errorz(engine.CodeNotFound, "会议尚未闭会，没有纪要", "the meeting has no minutes until it closes")
	}
	c.Response().Header().Set("X-Content-SHA256", m.MinutesSHA256)
	return c.Blob(http.StatusOK, "text/html; charset=utf-8", []byte(m.Minutes))
}

func positionZh(p string) string {
	switch p {
	case "agree":
		return "同意"
	case "disagree":
		return "不同意"
	}
	return "弃权"
}

func decisionZh(d string) string {
	return map[string]string{"agree": "同意", "disagree": "不同意", "revise": "修改", "postpone": "暂缓", "rediscuss": "再次讨论"}[d]
}

func remarksSuffix(r string) string {
	if r == "" {
		return ""
	}
	return "（" + r + "）"
}

var minutesTmpl = template.Must(template.New("minutes").Funcs(template.FuncMap{
	"pos": positionZh, "dec": decisionZh, "name": func(names map[int64]string, id int64) string { return names[id] },
	"inc": func(i int) int { return i + 1 },
}).Parse(`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{.M.Number}} 会议纪要</title></head>
<body>
<h1>{{.M.Number}}会议纪要</h1>
<p>会议类型：{{if eq .M.Kind "executive"}}常务会议{{else}}全体会议{{end}}；日期：{{.M.HeldOn}}</p>
<p>组成人员：{{range $i, $id := .M.MemberUserIDs}}{{if $i}}、{{end}}{{name $.Names $id}}{{end}}</p>
{{if .M.PresentUserIDs}}<p>出席：{{range $i, $id := .M.PresentUserIDs}}{{if $i}}、{{end}}{{name $.Names $id}}{{end}}</p>{{end}}
{{range $n, $a := .Agenda}}
<section>
<h2>议题{{inc $n}}：{{$a.Title}}</h2>
<p>会议材料摘要（SHA-256）：{{$a.PackageSHA256}}</p>
<ol>{{range $a.Positions}}<li>{{name $.Names .MemberUserID}}：{{pos .Position}}{{if .Remarks}}（{{.Remarks}}）{{end}}</li>{{end}}</ol>
<p>多数意见：{{if eq $a.Majority "agree"}}同意{{else if eq $a.Majority "disagree"}}不同意{{else}}无{{end}}</p>
<p>行政首长决定：{{dec $a.Decision}}</p>
{{if $a.DepartureReason}}<p>与多数意见不一致的理由：{{$a.DepartureReason}}</p>{{end}}
<p>不同意见：{{range $i, $p := $a.Positions}}{{if and (ne $p.MemberUserID $.M.ChiefExecutiveUserID) (eq $p.Position "disagree")}}{{name $.Names $p.MemberUserID}}{{if $p.Remarks}}（{{$p.Remarks}}）{{end}}；{{end}}{{end}}</p>
</section>
{{end}}
</body></html>
`))

func renderMinutes(m *engine.Meeting, agenda []agendaView, names map[int64]string) ([]byte, error) {
	var b bytes.Buffer
	err := minutesTmpl.Execute(&b, map[string]any{"M": m, "Agenda": agenda, "Names": names})
	return b.Bytes(), err
}
