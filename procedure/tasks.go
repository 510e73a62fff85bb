package procedure

import (
	"context"
	"sort"

	"github.com/juece/juece/engine"
)

// taskScanLimit bounds how many open items one work-queue request looks
// at (newest first).
const taskScanLimit = 2000

// TaskAction is an action expected of the viewer.
type TaskAction struct {
	Event string      `json:"event"`
	Label engine.Text `json:"label"`
}

// Task is one entry of a work queue: an item on which an action is
// expected of the viewer now, with its statutory due dates.
type Task struct {
	Item    ItemView     `json:"item"`
	Actions []TaskAction `json:"actions"`
	// DueOn is the nearest due date of the item's running periods (any
	// kind), what the viewer works towards; Overdue is set when a time
	// limit (a maximum period) has passed.
	DueOn *string `json:"due_on"`
	// DueProvisional marks DueOn as counted over missing holiday data.
	DueProvisional bool         `json:"due_provisional"`
	Overdue        bool         `json:"overdue"`
	Periods        []PeriodView `json:"periods"`
}

// WorkQueue is what waits on the viewer.
type WorkQueue struct {
	Tasks []Task `json:"tasks"`
	// CalendarTasks ask an administrator to load the next holiday notice.
	CalendarTasks []CalendarTask `json:"calendar_tasks"`
}

// Tasks is actor's work queue: the open items actor may see on which an
// expected action of actor's is possible now (optional acts, waivers and
// acts needing a reason are not work), overdue first, then by nearest due
// date, then newest. An administrator is also asked to load the next
// holiday notice before a region's data runs out (cals may be nil).
func (s *Service) Tasks(ctx context.Context, actor engine.Actor, cals *Calendars) (*WorkQueue, error) {
	var open []string
	for _, d := range s.eng.Workflows().All() {
		for _, st := range d.States {
			if !st.Terminal {
				open = append(open, st.Name)
			}
		}
	}
	out := []Task{}
	var cursor int64
	for scanned := 0; scanned < taskScanLimit; {
		items, err := s.store.ListItems(ctx, engine.ItemQuery{OrgID: actor.OrgID, Scope: Scope(actor), States: open, Before: cursor, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
			if d == nil {
				continue
			}
			acts, err := s.eng.ActionsFor(it, actor)
			if err != nil {
				return nil, err
			}
			var mine []TaskAction
			for _, a := range acts {
				if ev := d.Event(a.Event); a.Allowed && ev != nil && ev.Expected() {
					mine = append(mine, TaskAction{Event: a.Event, Label: a.Label})
				}
			}
			if len(mine) == 0 {
				continue
			}
			v := s.ViewItem(it)
			t := Task{Item: v, Actions: mine, Overdue: v.Overdue, Periods: s.RunningPeriods(it)}
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
	q := &WorkQueue{Tasks: out, CalendarTasks: []CalendarTask{}}
	if actor.Has(engine.RoleAdmin) && cals != nil {
		ct, err := cals.Tasks(ctx)
		if err != nil {
			return nil, err
		}
		q.CalendarTasks = ct
	}
	return q, nil
}
