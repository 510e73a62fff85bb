package server

import (
	"net/http"
	"sort"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// taskScanLimit bounds how many open items one work-queue request looks
// at (newest first); a government's open decision items are far fewer.
const taskScanLimit = 2000

type taskAction struct {
	Event string      `json:"event"`
	Label engine.Text `json:"label"`
}

type periodDue struct {
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

type taskView struct {
	Item    itemView     `json:"item"`
	Actions []taskAction `json:"actions"`
	// DueOn is the nearest due date of the item's running periods (any
	// kind), what the caller works towards; Overdue is set when a time
	// limit (a maximum period) has passed.
	DueOn *string `json:"due_on"`
	// DueProvisional marks DueOn as counted over missing holiday data.
	DueProvisional bool        `json:"due_provisional"`
	Overdue        bool        `json:"overdue"`
	Periods        []periodDue `json:"periods"`
}

// runningPeriods lists the item's started, unended periods.
func (s *Server) runningPeriods(it *engine.Item) []periodDue {
	out := []periodDue{}
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
		pd := periodDue{Name: name, Due: due, Paused: paused != ""}
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

// myTasks is the caller's work queue: the open items they may see on which
// an expected action of theirs is possible now, with the statutory due
// dates, overdue first, then by nearest due date, then newest.
func (s *Server) myTasks(c echo.Context) error {
	p := principalOf(c)
	var open []string
	for _, d := range s.eng.Workflows().All() {
		for _, st := range d.States {
			if !st.Terminal {
				open = append(open, st.Name)
			}
		}
	}
	out := []taskView{}
	var cursor int64
	for scanned := 0; scanned < taskScanLimit; {
		items, err := s.db.ListItems(c.Request().Context(), engine.ItemQuery{OrgID: p.Actor.OrgID, Scope: scope(p), States: open, Before: cursor, Limit: 200})
		if err != nil {
			return err
		}
		for _, it := range items {
			d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
			if d == nil {
				continue
			}
			acts, err := s.eng.ActionsFor(it, p.Actor)
			if err != nil {
				return err
			}
			var mine []taskAction
			for _, a := range acts {
				if ev := d.Event(a.Event); a.Allowed && ev != nil && ev.Expected() {
					mine = append(mine, taskAction{Event: a.Event, Label: a.Label})
				}
			}
			if len(mine) == 0 {
				continue
			}
			v := s.viewItem(it)
			t := taskView{Item: v, Actions: mine, Overdue: v.Overdue, Periods: s.runningPeriods(it)}
			if len(t.Periods) > 0 {
				due := t.Periods[0].Due
				t.DueOn, t.DueProvisional = &due, t.Periods[0].Provisional
			}
			out = append(out, t)
		}
		scanned += len(items)
		if len(items) < 200 {
			break
		}
		cursor = items[len(items)-1].ID
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Overdue != b.Overdue {
			return a.Overdue
		}
		switch {
		case a.DueOn != nil && b.DueOn != nil && *a.DueOn != *b.DueOn:
			return *a.DueOn < *b.DueOn
		case (a.DueOn == nil) != (b.DueOn == nil):
			return a.DueOn != nil
		}
		return a.Item.ID > b.Item.ID
	})
	// The administrator is also asked to load the next holiday notice
	// before the data of a region in use runs out.
	calTasks := []procedure.CalendarTask{}
	if p.Actor.Has(engine.RoleAdmin) && s.cals != nil {
		ct, err := s.cals.Tasks(c.Request().Context())
		if err != nil {
			return err
		}
		calTasks = ct
	}
	return c.JSON(http.StatusOK, map[string]any{"tasks": out, "calendar_tasks": calTasks})
}
