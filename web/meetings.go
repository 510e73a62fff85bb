package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// The meeting room (Decree 713 Arts. 29–31): the list of meetings and the
// form convening one; the room itself — agenda from the items waiting for
// discussion (the legality gate of Art. 25 decides which may go on it),
// attendance and quorum, the members' positions in speaking order with the
// chief executive last, the live tally and majority, the decision with the
// reason when it departs from the majority (Art. 30) — the closing with its
// confirmation, the package of each agenda item and the minutes, both
// printable. Every handler parses the form, calls the meeting use case of
// package procedure and renders or redirects; the procedure computes the
// order, the tally, the majority and the dissent.

func init() {
	routeSets = append(routeSets, func(w *Web, g *echo.Group) {
		g.GET("/meetings", w.meetingsPage)
		g.POST("/meetings", w.createMeeting)
		g.GET("/meetings/:id", w.meetingPage)
		g.POST("/meetings/:id/agenda", w.addToAgenda)
		g.POST("/meetings/:id/attendance", w.setAttendance)
		g.POST("/meetings/:id/agenda/:item/positions", w.recordPosition)
		g.POST("/meetings/:id/agenda/:item/decision", w.setDecision)
		g.GET("/meetings/:id/agenda/:item/package", w.packagePage)
		g.GET("/meetings/:id/agenda/:item/tally", w.tallyFragment)
		g.GET("/meetings/:id/close", w.closePage)
		g.POST("/meetings/:id/close", w.closeMeeting)
		g.GET("/meetings/:id/minutes", w.minutesPage)
		g.GET("/meetings/:id/minutes.html", w.minutesDocument)
	})
}

// decisionOrder and positionOrder are the order the choices are offered
// in (UI.md's words, the labels from the procedure).
var (
	decisionOrder = []string{"agree", "disagree", "revise", "postpone", "rediscuss"}
	positionOrder = []string{"agree", "disagree", "abstain"}
)

// choice is one radio button of a meeting form.
type choice struct {
	Value string
	Label engine.Text
}

func choices(order []string, labels map[string]engine.Text) []choice {
	out := make([]choice, len(order))
	for i, v := range order {
		out[i] = choice{Value: v, Label: labels[v]}
	}
	return out
}

// asRefusal returns err as a refusal to show beside a form, or nil when it
// is not one (an internal error, which becomes the error page).
func asRefusal(err error) *engine.Error {
	var ee *engine.Error
	if !errors.As(err, &ee) || procedure.StatusOf(ee.Code) >= 500 {
		return nil
	}
	return ee
}

// ── the list ────────────────────────────────────────────────────────────────

type meetingRow struct {
	M        *engine.Meeting
	Kind     engine.Text
	Chief    string
	Upcoming bool
}

type meetingsData struct {
	Open, Closed []meetingRow
	// Convene: the viewer may convene a meeting; the form's choices and,
	// after a refusal, what was typed and why it was refused.
	Convene                 bool
	Kinds                   []choice
	Members, Chiefs, Legals []procedure.UserChoice
	Values                  url.Values
	Chosen                  []int64
	Err                     *engine.Error
}

func (w *Web) meetingsPage(c echo.Context) error {
	return w.showMeetings(c, http.StatusOK, nil, nil)
}

func (w *Web) showMeetings(c echo.Context, status int, values url.Values, failed *engine.Error) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	ms, err := w.svc.Meetings(ctx, v.Actor)
	if err != nil {
		return err
	}
	var refs []string
	for _, m := range ms {
		refs = append(refs, fmt.Sprintf("user:%d", m.ChiefExecutiveUserID))
	}
	names := w.svc.ActorNames(ctx, v.Actor.OrgID, refs)
	today := w.svc.Engine().Today().String()
	data := meetingsData{Convene: procedure.CanConvene(v.Actor), Values: values, Err: failed}
	for _, m := range ms {
		row := meetingRow{M: m, Kind: procedure.MeetingKinds[m.Kind], Chief: procedureName(names, fmt.Sprintf("user:%d", m.ChiefExecutiveUserID)),
			Upcoming: m.State == "open" && m.HeldOn >= today}
		if m.State == "open" {
			data.Open = append(data.Open, row)
		} else {
			data.Closed = append(data.Closed, row)
		}
	}
	// Open meetings soonest first; closed ones latest first.
	sort.SliceStable(data.Open, func(i, j int) bool { return data.Open[i].M.HeldOn < data.Open[j].M.HeldOn })
	sort.SliceStable(data.Closed, func(i, j int) bool { return data.Closed[i].M.HeldOn > data.Closed[j].M.HeldOn })
	if data.Convene {
		kinds := make([]string, 0, len(procedure.MeetingKinds))
		for k := range procedure.MeetingKinds {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds) // executive, plenary
		data.Kinds = choices(kinds, procedure.MeetingKinds)
		if data.Chiefs, err = w.svc.UserChoices(ctx, v.Actor, engine.RoleChiefExecutive); err != nil {
			return err
		}
		members, err := w.svc.UserChoices(ctx, v.Actor, engine.RoleMember)
		if err != nil {
			return err
		}
		// The chief executive is a member of the meeting too.
		for _, ch := range data.Chiefs {
			if !slices.ContainsFunc(members, func(u procedure.UserChoice) bool { return u.ID == ch.ID }) {
				members = append(members, ch)
			}
		}
		data.Members = members
		if data.Legals, err = w.svc.UserChoices(ctx, v.Actor, engine.RoleLegalOffice); err != nil {
			return err
		}
		if values != nil {
			data.Chosen, _ = formIDs(values["member"])
		}
	}
	return w.render(c, status, "meetings", &page{Title: "meeting.list_title", Nav: "meetings", Data: data})
}

// formIDs reads a list of ids from a form; an id that is not a number is
// refused.
func formIDs(vals []string) ([]int64, error) {
	out := []int64{}
	for _, s := range vals {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n <= 0 {
			return out, engine.Errorz(engine.CodeInvalid, "人员选择无效", "an invalid person was chosen")
		}
		out = append(out, n)
	}
	return out, nil
}

// formID reads one optional id ("" is 0).
func formID(s string) (int64, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0, engine.Errorz(engine.CodeInvalid, "选择无效", "an invalid choice")
	}
	return n, nil
}

func (w *Web) createMeeting(c echo.Context) error {
	form, err := formValues(c)
	if err != nil {
		return err
	}
	refuse := func(err error) error {
		ee := asRefusal(err)
		if ee == nil {
			return err
		}
		return w.showMeetings(c, procedure.StatusOf(ee.Code), form, ee)
	}
	in := procedure.NewMeeting{Kind: form.Get("kind"), Number: form.Get("number"), HeldOn: form.Get("held_on")}
	if in.MemberUserIDs, err = formIDs(form["member"]); err != nil {
		return refuse(err)
	}
	if in.ChiefExecutiveUserID, err = formID(form.Get("chief")); err != nil {
		return refuse(err)
	}
	if in.LegalOfficeUserID, err = formID(form.Get("legal")); err != nil {
		return refuse(err)
	}
	d, err := w.svc.CreateMeeting(c.Request().Context(), viewerOf(c).Actor, in)
	if err != nil {
		return refuse(err)
	}
	w.setFlash(c, translate(langOf(c), "meeting.created", d.Number))
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/meetings/%d", d.ID))
}

// ── the meeting room ────────────────────────────────────────────────────────

// meetingFailure is a refused form of the meeting room: which form (agenda,
// attendance, position, decision), for which agenda item, what was typed.
type meetingFailure struct {
	Form   string
	Item   int64
	Values url.Values
	Err    *engine.Error
}

type memberRow struct {
	ID      int64
	Name    string
	Chief   bool
	Checked bool
}

type agendaRow struct {
	A procedure.AgendaView
	N int
	// Poll refreshes the tally while the meeting is open.
	Poll bool
	// ShowPosition, ShowDecision: the forms offered on this item.
	ShowPosition, ShowDecision bool
	// Speakers who may still be recorded, the next one first chosen.
	Waiting []procedure.Speaker
	// PosErr, DecErr and their values: a refused form shown again.
	PosErr, DecErr       *engine.Error
	PosValues, DecValues url.Values
}

type meetingData struct {
	D       *procedure.MeetingDetail
	Can     procedure.MeetingCan
	Kind    engine.Text
	Large   bool
	Members []memberRow
	Agenda  []agendaRow
	// Candidates: the items waiting for discussion (secretariat, open).
	Candidates   []procedure.Candidate
	ShowAgenda   bool
	ShowAttend   bool
	ShowClose    bool
	AgendaErr    *engine.Error
	AttendErr    *engine.Error
	TopErr       *engine.Error
	Positions    []choice
	Decisions    []choice
	PosLabels    map[string]engine.Text
	DecLabels    map[string]engine.Text
	CandidateErr *engine.Error
}

func (w *Web) meetingPage(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	return w.showMeeting(c, id, http.StatusOK, nil)
}

// largeType reports whether the projector's large type is asked for.
func largeType(c echo.Context) bool {
	return c.QueryParam("large") == "1" || c.FormValue("large") == "1"
}

// roomURL is the meeting room's address, keeping the large type.
func roomURL(c echo.Context, id int64, anchor string) string {
	u := fmt.Sprintf("/meetings/%d", id)
	if largeType(c) {
		u += "?large=1"
	}
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

// meetingData gathers the room; withCandidates adds the items that could
// go on the agenda (each checked against the legality gate).
func (w *Web) meetingData(c echo.Context, id int64, failed *meetingFailure, withCandidates bool) (*meetingData, error) {
	ctx := c.Request().Context()
	v := viewerOf(c)
	d, err := w.svc.Meeting(ctx, v.Actor, id)
	if err != nil {
		return nil, err
	}
	data := &meetingData{D: d, Can: procedure.MeetingActions(v.Actor, d), Kind: procedure.MeetingKinds[d.Kind], Large: largeType(c),
		Positions: choices(positionOrder, procedure.PositionLabels), Decisions: choices(decisionOrder, procedure.DecisionLabels),
		PosLabels: procedure.PositionLabels, DecLabels: procedure.DecisionLabels}
	data.ShowAgenda = data.Can.Manage
	data.ShowAttend = data.Can.Manage && !d.AttendanceFixed
	data.ShowClose = data.Can.Manage && len(d.Agenda) > 0
	var chosen []int64
	if failed != nil && failed.Form == "attendance" {
		chosen, _ = formIDs(failed.Values["present"])
	}
	for _, m := range d.MemberUserIDs {
		row := memberRow{ID: m, Name: d.Names[m], Chief: m == d.ChiefExecutiveUserID}
		switch {
		case failed != nil && failed.Form == "attendance":
			row.Checked = slices.Contains(chosen, m)
		case len(d.PresentUserIDs) > 0:
			row.Checked = slices.Contains(d.PresentUserIDs, m)
		default:
			row.Checked = true // nobody recorded yet: everyone, to untick the absent
		}
		data.Members = append(data.Members, row)
	}
	shown := false
	for i, a := range d.Agenda {
		row := agendaRow{A: a, N: i + 1, Poll: d.State == "open"}
		for _, sp := range a.Speakers {
			if !sp.Spoken {
				row.Waiting = append(row.Waiting, sp)
			}
		}
		row.ShowPosition = data.Can.Manage && len(row.Waiting) > 0
		row.ShowDecision = data.Can.Decide
		if failed != nil && failed.Item == a.ItemID {
			switch failed.Form {
			case "position":
				row.PosErr, row.PosValues, shown = failed.Err, failed.Values, row.ShowPosition
			case "decision":
				row.DecErr, row.DecValues, shown = failed.Err, failed.Values, row.ShowDecision
			}
		}
		data.Agenda = append(data.Agenda, row)
	}
	if failed != nil {
		switch failed.Form {
		case "agenda":
			data.AgendaErr, shown = failed.Err, data.ShowAgenda
		case "attendance":
			data.AttendErr, shown = failed.Err, data.ShowAttend
		}
		if !shown {
			data.TopErr = failed.Err
		}
	}
	if data.ShowAgenda && withCandidates {
		cs, err := w.svc.AgendaCandidates(ctx, v.Actor, id)
		if err != nil {
			if data.CandidateErr = asRefusal(err); data.CandidateErr == nil {
				return nil, err
			}
		}
		data.Candidates = cs
	}
	return data, nil
}

// showMeeting renders the meeting room; failed, when not nil, is a refused
// form shown again beside its refusal.
func (w *Web) showMeeting(c echo.Context, id int64, status int, failed *meetingFailure) error {
	data, err := w.meetingData(c, id, failed, true)
	if err != nil {
		return err
	}
	return w.render(c, status, "meeting", &page{TitleText: data.D.Number, Nav: "meetings", Data: data})
}

// meetingRefused shows the room again with the refused form, or the error
// page when err is not a refusal.
func (w *Web) meetingRefused(c echo.Context, id int64, f *meetingFailure, err error) error {
	ee := asRefusal(err)
	if ee == nil {
		return err
	}
	f.Err = ee
	return w.showMeeting(c, id, procedure.StatusOf(ee.Code), f)
}

func (w *Web) addToAgenda(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	form, err := formValues(c)
	if err != nil {
		return err
	}
	f := &meetingFailure{Form: "agenda", Values: form}
	item, err := strconv.ParseInt(form.Get("item_id"), 10, 64)
	if err != nil || item <= 0 {
		return w.meetingRefused(c, id, f, &engine.Error{Code: engine.CodeInvalid, Field: "item_id", MessageZh: "请选择要列入议程的事项", Message: "choose the item to put on the agenda"})
	}
	d, err := w.svc.AddToAgenda(c.Request().Context(), viewerOf(c).Actor, id, item)
	if err != nil {
		return w.meetingRefused(c, id, f, err)
	}
	title := ""
	for _, a := range d.Agenda {
		if a.ItemID == item {
			title = a.Title
		}
	}
	w.setFlash(c, translate(langOf(c), "meeting.added", title))
	return c.Redirect(http.StatusSeeOther, roomURL(c, id, "agenda-h"))
}

func (w *Web) setAttendance(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	form, err := formValues(c)
	if err != nil {
		return err
	}
	f := &meetingFailure{Form: "attendance", Values: form}
	present, err := formIDs(form["present"])
	if err != nil {
		return w.meetingRefused(c, id, f, err)
	}
	if _, err := w.svc.SetAttendance(c.Request().Context(), viewerOf(c).Actor, id, present); err != nil {
		return w.meetingRefused(c, id, f, err)
	}
	w.setFlash(c, translate(langOf(c), "meeting.attendance_saved"))
	return c.Redirect(http.StatusSeeOther, roomURL(c, id, "attendance-h"))
}

func (w *Web) recordPosition(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	item, err := pathInt(c, "item")
	if err != nil {
		return err
	}
	form, err := formValues(c)
	if err != nil {
		return err
	}
	f := &meetingFailure{Form: "position", Item: item, Values: form}
	member, err := formID(form.Get("member"))
	if err != nil {
		return w.meetingRefused(c, id, f, err)
	}
	a, err := w.svc.RecordPosition(c.Request().Context(), viewerOf(c).Actor, id, item, procedure.Position{MemberUserID: member,
		Position: form.Get("position"), Remarks: form.Get("remarks")})
	if err != nil {
		return w.meetingRefused(c, id, f, err)
	}
	name := ""
	if d, err := w.svc.Meeting(c.Request().Context(), viewerOf(c).Actor, id); err == nil {
		name = d.Names[member]
	}
	w.setFlash(c, translate(langOf(c), "meeting.position_saved", name))
	return c.Redirect(http.StatusSeeOther, roomURL(c, id, fmt.Sprintf("item-%d", a.ItemID)))
}

func (w *Web) setDecision(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	item, err := pathInt(c, "item")
	if err != nil {
		return err
	}
	form, err := formValues(c)
	if err != nil {
		return err
	}
	f := &meetingFailure{Form: "decision", Item: item, Values: form}
	a, err := w.svc.SetDecision(c.Request().Context(), viewerOf(c).Actor, id, item, procedure.Decision{Decision: form.Get("decision"),
		DepartureReason: form.Get("departure_reason")})
	if err != nil {
		return w.meetingRefused(c, id, f, err)
	}
	w.setFlash(c, translate(langOf(c), "meeting.decision_saved", pickText(langOf(c), procedure.DecisionLabels[a.Decision])))
	return c.Redirect(http.StatusSeeOther, roomURL(c, id, fmt.Sprintf("item-%d", a.ItemID)))
}

// tallyFragment is the speaking order and tally of one agenda item alone,
// which the room refreshes (htmx) for those watching on a projector.
func (w *Web) tallyFragment(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	item, err := pathInt(c, "item")
	if err != nil {
		return err
	}
	data, err := w.meetingData(c, id, nil, false)
	if err != nil {
		return err
	}
	for _, row := range data.Agenda {
		if row.A.ItemID != item {
			continue
		}
		t := w.pages.pages[langOf(c)]["meeting"]
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, "meeting_tally", map[string]any{"Row": row, "Data": data}); err != nil {
			return engine.Internal(err)
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.HTMLBlob(http.StatusOK, b.Bytes())
	}
	return engine.Errorz(engine.CodeNotFound, "该事项不在会议议程上", "the item is not on this meeting's agenda")
}

// ── closing ─────────────────────────────────────────────────────────────────

type closeData struct {
	D         *procedure.MeetingDetail
	Can       procedure.MeetingCan
	Kind      engine.Text
	DecLabels map[string]engine.Text
	Err       *engine.Error
}

func (w *Web) closePage(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	return w.showClose(c, id, http.StatusOK, nil)
}

func (w *Web) showClose(c echo.Context, id int64, status int, failed *engine.Error) error {
	v := viewerOf(c)
	d, err := w.svc.Meeting(c.Request().Context(), v.Actor, id)
	if err != nil {
		return err
	}
	if d.State != "open" && failed == nil {
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/meetings/%d/minutes", id))
	}
	return w.render(c, status, "meeting_close", &page{Title: "meeting.close_title", Nav: "meetings",
		Data: closeData{D: d, Can: procedure.MeetingActions(v.Actor, d), Kind: procedure.MeetingKinds[d.Kind], DecLabels: procedure.DecisionLabels, Err: failed}})
}

func (w *Web) closeMeeting(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	if _, err := formValues(c); err != nil {
		return err
	}
	if _, err := w.svc.CloseMeeting(c.Request().Context(), viewerOf(c).Actor, id); err != nil {
		ee := asRefusal(err)
		if ee == nil {
			return err
		}
		return w.showClose(c, id, procedure.StatusOf(ee.Code), ee)
	}
	w.setFlash(c, translate(langOf(c), "meeting.closed_flash"))
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/meetings/%d/minutes", id))
}

// ── the package and the minutes ─────────────────────────────────────────────

type packageData struct {
	D         *procedure.MeetingDetail
	A         procedure.AgendaView
	N         int
	Kind      engine.Text
	Org       string
	DocByHash map[string]int64
}

// packagePage is one agenda item's meeting package (Art. 29) as one
// printable page.
func (w *Web) packagePage(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	item, err := pathInt(c, "item")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v := viewerOf(c)
	d, err := w.svc.Meeting(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	for i, a := range d.Agenda {
		if a.ItemID != item {
			continue
		}
		data := packageData{D: d, A: a, N: i + 1, Kind: procedure.MeetingKinds[d.Kind], Org: v.Org.Name, DocByHash: map[string]int64{}}
		if docs, err := w.svc.Documents(ctx, v.Actor, item); err == nil {
			for _, doc := range docs {
				data.DocByHash[doc.SHA256] = doc.ID
			}
		}
		return w.render(c, http.StatusOK, "meeting_package", &page{TitleText: translate(langOf(c), "meeting.package_title", a.Title), Nav: "meetings", Data: data})
	}
	return engine.Errorz(engine.CodeNotFound, "该事项不在会议议程上", "the item is not on this meeting's agenda")
}

type minutesData struct {
	D         *procedure.MeetingDetail
	Kind      engine.Text
	Org       string
	SHA256    string
	PosLabels map[string]engine.Text
	DecLabels map[string]engine.Text
}

// minutesPage is the minutes (纪要) of a closed meeting, printable; the
// stored document is served by minutesDocument.
func (w *Web) minutesPage(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v := viewerOf(c)
	_, sha, err := w.svc.Minutes(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	d, err := w.svc.Meeting(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	return w.render(c, http.StatusOK, "minutes", &page{TitleText: translate(langOf(c), "meeting.minutes_heading", d.Number), Nav: "meetings",
		Data: minutesData{D: d, Kind: procedure.MeetingKinds[d.Kind], Org: v.Org.Name, SHA256: sha, PosLabels: procedure.PositionLabels, DecLabels: procedure.DecisionLabels}})
}

// minutesDocument serves the stored minutes as an attachment, with their
// SHA-256, sandboxed so that the document never runs in the workspace.
func (w *Web) minutesDocument(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v := viewerOf(c)
	doc, sha, err := w.svc.Minutes(ctx, v.Actor, id)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("minutes-%d.html", id)
	if d, err := w.svc.Meeting(ctx, v.Actor, id); err == nil {
		name = "会议纪要-" + d.Number + ".html"
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; frame-ancestors 'none'")
	h.Set("X-Content-SHA256", sha)
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "text/html; charset=utf-8", doc)
}

func init() {
	addMessages(map[string][2]string{
		// the list
		"meeting.list_title":     {"会议", "Meetings"},
		"meeting.lead":           {"政府常务会议和全体会议集体讨论决定重大行政决策事项。", "Executive and plenary meetings discuss and decide major decision items collectively."},
		"meeting.open_caption":   {"未闭会的会议（%d 个），会议日期最近的在前", "Open meetings (%d), soonest first"},
		"meeting.closed_caption": {"已闭会的会议（%d 个），最近的在前", "Closed meetings (%d), latest first"},
		"meeting.open_h":         {"未闭会的会议", "Open meetings"},
		"meeting.closed_h":       {"已闭会的会议", "Closed meetings"},
		"meeting.none_open":      {"暂无未闭会的会议。", "No meeting is open."},
		"meeting.none_open_sec":  {"暂无未闭会的会议。需要集体讨论事项时，请在下方召集会议。", "No meeting is open. To discuss items, convene a meeting below."},
		"meeting.none_closed":    {"暂无已闭会的会议。", "No meeting has closed yet."},
		"meeting.col_number":     {"会议届次", "Meeting"},
		"meeting.col_kind":       {"会议类型", "Kind"},
		"meeting.col_date":       {"会议日期", "Date"},
		"meeting.col_chief":      {"行政首长", "Chief executive"},
		"meeting.col_state":      {"状态", "State"},
		"meeting.state_open":     {"未闭会", "open"},
		"meeting.state_closed":   {"已闭会", "closed"},
		"meeting.upcoming":       {"即将召开", "upcoming"},
		"meeting.create":         {"召集会议", "Convene a meeting"},
		"meeting.create_lead":    {"选择会议类型、届次、日期和组成人员；行政首长主持会议，须为组成人员。", "Choose the kind, number, date and members; the chief executive chairs and must be one of the members."},
		"meeting.kind":           {"会议类型", "Kind of meeting"},
		"meeting.number":         {"会议届次", "Meeting number"},
		"meeting.number_help":    {"例如“2026年第3次常务会议”。", "For example “2026年第3次常务会议”."},
		"meeting.held_on":        {"会议日期", "Date of the meeting"},
		"meeting.members":        {"会议组成人员（含行政首长）", "Members (including the chief executive)"},
		"meeting.no_members":     {"暂无持有“会议组成人员”角色的用户，请联系系统管理员。", "No user holds the member role; ask the administrator."},
		"meeting.chief":          {"行政首长（主持会议）", "Chief executive (chairs)"},
		"meeting.legal":          {"列席会议的司法局人员（可选）", "Legal office attendee (optional)"},
		"meeting.created":        {"会议已召集：%s。", "Meeting convened: %s."},

		// the room
		"meeting.chair":          {"行政首长：%s", "Chief executive: %s"},
		"meeting.large_on":       {"大字模式（投影）", "Large type (projector)"},
		"meeting.large_off":      {"标准字号", "Normal type"},
		"meeting.room_links":     {"会议室视图", "Room views"},
		"meeting.agenda":         {"议程", "Agenda"},
		"meeting.agenda_caption": {"议程（%d 项）", "Agenda items: %d"},
		"meeting.agenda_empty":   {"议程为空。请从下列待集体讨论的事项中列入。", "The agenda is empty. Add items from those waiting below."},
		"meeting.agenda_none":    {"议程尚未确定。", "The agenda is not set yet."},
		"meeting.item_n":         {"议题%d：%s", "Item %d: %s"},
		"meeting.package":        {"会议材料", "Meeting package"},
		"meeting.package_sha":    {"会议材料摘要（SHA-256）", "Package digest (SHA-256)"},
		"meeting.item_page":      {"事项页面", "Item page"},
		"meeting.candidates":     {"待集体讨论的事项", "Items waiting for discussion"},
		"meeting.cand_caption":   {"可以列入议程的事项可直接列入；不能列入的，列明原因和依据", "Eligible items can be added; the others say why, with the article"},
		"meeting.cand_empty":     {"暂无待集体讨论的事项。", "No item is waiting for discussion."},
		"meeting.col_item":       {"事项", "Item"},
		"meeting.col_stage":      {"当前阶段", "Stage"},
		"meeting.col_eligible":   {"能否列入议程", "Can it go on the agenda"},
		"meeting.eligible":       {"可以列入", "eligible"},
		"meeting.ineligible":     {"不能列入", "not eligible"},
		"meeting.add":            {"列入议程", "Add to the agenda"},
		"meeting.added":          {"已列入议程：%s。", "Added to the agenda: %s."},

		"meeting.attendance":       {"出席情况", "Attendance"},
		"meeting.quorum_ok":        {"已达到法定人数", "quorum reached"},
		"meeting.quorum_no":        {"未达到法定人数", "no quorum"},
		"meeting.not_recorded":     {"出席情况尚未记录。", "Attendance has not been recorded yet."},
		"meeting.present_count":    {"组成人员%d人，出席%d人。", "%d members, %d present."},
		"meeting.fixed":            {"出席情况已确定（已有组成人员发表意见）", "attendance fixed (positions recorded)"},
		"meeting.present":          {"出席", "Present"},
		"meeting.absent":           {"缺席", "Absent"},
		"meeting.present_legend":   {"出席会议的组成人员", "Members attending"},
		"meeting.chief_mark":       {"行政首长", "chief executive"},
		"meeting.record_attend":    {"记录出席情况", "Record attendance"},
		"meeting.attendance_saved": {"出席情况已记录。", "Attendance recorded."},
		"meeting.attendance_first": {"记录出席情况后，在此按发言顺序记录组成人员的意见。", "Once attendance is recorded, the members' positions are recorded here in speaking order."},

		"meeting.speaking":          {"发言与计票", "Positions and tally"},
		"meeting.order_caption":     {"发言顺序：组成人员依次发表意见，行政首长最后发表意见", "Speaking order: the members state their positions, the chief executive last"},
		"meeting.col_seq":           {"序号", "No."},
		"meeting.col_member":        {"组成人员", "Member"},
		"meeting.col_position":      {"意见", "Position"},
		"meeting.col_remarks":       {"发言要点", "Remarks"},
		"meeting.next":              {"下一位发言", "speaks next"},
		"meeting.waiting":           {"尚未发言", "not yet spoken"},
		"meeting.no_speakers":       {"出席情况记录后列出发言顺序。", "The speaking order is listed once attendance is recorded."},
		"meeting.tally":             {"同意%d人，不同意%d人，弃权%d人，尚未发言%d人（不含行政首长）", "Agree %d, disagree %d, abstain %d, not yet spoken %d (the chief executive aside)"},
		"meeting.majority":          {"多数意见", "Majority view"},
		"meeting.majority_agree":    {"同意", "agree"},
		"meeting.majority_disagree": {"不同意", "disagree"},
		"meeting.majority_none":     {"未形成多数意见", "no majority"},
		"meeting.chief_position":    {"行政首长意见", "Chief executive's position"},
		"meeting.chief_not_yet":     {"尚未发表意见", "not stated yet"},
		"meeting.record_position":   {"记录发言", "Record a position"},
		"meeting.speaker":           {"发言人", "Member speaking"},
		"meeting.position":          {"意见", "Position"},
		"meeting.remarks":           {"发言要点", "Remarks"},
		"meeting.position_saved":    {"已记录%s的意见。", "Position of %s recorded."},

		"meeting.decision":         {"决定", "Decision"},
		"meeting.drafted":          {"拟作决定", "Decision drafted"},
		"meeting.applied":          {"决定（已生效）", "Decision (applied)"},
		"meeting.no_decision":      {"尚未作出决定。", "No decision yet."},
		"meeting.departs":          {"与多数意见不一致", "departs from the majority"},
		"meeting.departure_reason": {"与多数意见不一致的理由", "Why the decision departs from the majority"},
		"meeting.reason_help":      {"行政首长拟作出的决定与会议组成人员多数人的意见不一致的，应当在会上说明理由（第三十条第二款）。", "When the decision differs from the majority of the members, the reasons are stated at the meeting (Art. 30¶2)."},
		"meeting.dissent":          {"不同意见", "Dissent"},
		"meeting.dissent_none":     {"无", "none"},
		"meeting.chief_first":      {"会议组成人员充分发表意见、行政首长最后发表意见后作出决定。", "The decision follows the members' positions and the chief executive's, stated last."},
		"meeting.record_decision":  {"记录决定", "Record the decision"},
		"meeting.decision_saved":   {"决定已记录：%s。闭会时全部决定一并生效。", "Decision recorded: %s. All decisions take effect when the meeting closes."},

		"meeting.close":          {"闭会", "Closing"},
		"meeting.close_lead":     {"闭会时将一次性执行全部决定、生成会议纪要并锁定会议。", "Closing applies every decision at once, writes the minutes and locks the meeting."},
		"meeting.close_go":       {"核对决定并闭会", "Review the decisions and close"},
		"meeting.close_title":    {"闭会确认", "Close the meeting"},
		"meeting.close_heading":  {"闭会确认：%s", "Close the meeting: %s"},
		"meeting.close_what":     {"确认闭会后：", "When you close the meeting:"},
		"meeting.close_what1":    {"以下各议题的决定同时生效，各事项进入决定所对应的阶段；任一事项的决定不能生效的，全部不生效，会议保持未闭会；", "every decision below takes effect at once and each item moves on accordingly; if any cannot take effect, none does and the meeting stays open;"},
		"meeting.close_what2":    {"生成会议纪要，载明出席、发言、多数意见、决定和不同意见，其摘要（SHA-256）记入各事项的决定和审计记录；", "the minutes are written — attendance, positions, majority, decision and dissent — and their digest (SHA-256) goes into each item's decision and audit trail;"},
		"meeting.close_what3":    {"会议锁定，出席情况、发言和决定不能再更改。此操作不可撤销。", "the meeting is locked: attendance, positions and decisions can no longer change. This cannot be undone."},
		"meeting.close_caption":  {"各议题的决定", "The decisions"},
		"meeting.col_decision":   {"决定", "Decision"},
		"meeting.col_majority":   {"多数意见", "Majority"},
		"meeting.col_reason":     {"理由", "Reason"},
		"meeting.col_dissent":    {"不同意见", "Dissent"},
		"meeting.close_confirm":  {"确认闭会", "Close the meeting now"},
		"meeting.close_readonly": {"闭会由政府办办理。", "The government office closes the meeting."},
		"meeting.back":           {"返回会议室", "Back to the meeting room"},
		"meeting.closed_flash":   {"会议已闭会：全部决定已生效，会议纪要已生成。", "The meeting is closed: every decision has taken effect and the minutes are written."},
		"meeting.closed_note":    {"会议已于%s闭会，不能再更改。", "The meeting closed at %s and can no longer change."},

		// the package and the minutes
		"meeting.package_title":    {"会议材料：%s", "Meeting package: %s"},
		"meeting.package_of":       {"%s 议题%d", "%s, item %d"},
		"meeting.package_empty":    {"会议材料中没有内容。", "The package is empty."},
		"meeting.package_note":     {"会议材料由事项的办理记录生成；列入议程时的材料摘要（SHA-256）为 %s。", "The package is derived from the item's record; its digest (SHA-256) when put on the agenda was %s."},
		"meeting.print_hint":       {"可使用浏览器的打印功能按A4纸打印。", "Print it from the browser (A4)."},
		"meeting.minutes":          {"会议纪要", "Minutes"},
		"meeting.minutes_heading":  {"%s会议纪要", "Minutes of %s"},
		"meeting.minutes_download": {"下载会议纪要原件（HTML）", "Download the minutes document (HTML)"},
		"meeting.minutes_sha":      {"纪要原件摘要（SHA-256）", "Digest of the minutes document (SHA-256)"},
		"meeting.m_kind":           {"会议类型", "Kind"},
		"meeting.m_date":           {"会议日期", "Date"},
		"meeting.m_chair":          {"主持", "Chaired by"},
		"meeting.m_members":        {"组成人员", "Members"},
		"meeting.m_present":        {"出席", "Present"},
		"meeting.m_absent":         {"缺席", "Absent"},
		"meeting.m_positions":      {"发言情况", "Positions"},
		"meeting.m_decision":       {"行政首长决定", "Decision of the chief executive"},
		"meeting.m_item_state":     {"事项现状", "Item now"},
		"meeting.none":             {"无", "none"},
	})
}
