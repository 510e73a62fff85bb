package engine

import "context"

// Directory is the port through which rules read facts outside the item:
// the people named in a payload, another item, a meeting. The store
// implements it; every method is scoped to one organisation and returns
// nil (no error) for an id that does not exist there.
type Directory interface {
	UserFacts(ctx context.Context, org, id int64) (*UserFacts, error)
	ItemFacts(ctx context.Context, org, id int64) (*ItemFacts, error)
	MeetingFacts(ctx context.Context, org, id int64) (*MeetingFacts, error)
}

// UserFacts is what rules may know of a user (rule function user(id)).
type UserFacts struct {
	ID           int64
	Active       bool
	Roles        []Role
	DepartmentID int64
	// Affiliation is the unit an outside person belongs to (a law firm, a
	// university, an assessment centre), "" if none.
	Affiliation string
	// Counsel is the retainer of a counsel user, nil for others.
	Counsel *CounselFacts
}

// CounselFacts is a counsel's law firm and contract period.
type CounselFacts struct {
	LawFirmID    int64
	LawFirm      string
	ContractFrom string
	ContractTo   string
}

// ItemFacts is what rules may know of another item (item(id)).
type ItemFacts struct {
	ID         int64
	WorkflowID string
	State      string
	Title      string
	// AdjustsItemID is the item this one adjusts (record.initiation.adjusts_item_id), 0 if none.
	AdjustsItemID int64
}

// MeetingFacts is what rules may know of a meeting (meeting(id)).
type MeetingFacts struct {
	ID     int64
	Kind   string
	Number string
	HeldOn string
	State  string
	// ItemIDs are the items on its agenda.
	ItemIDs []int64
}

func (u *UserFacts) env() map[string]any {
	if u == nil {
		return nil
	}
	roles := make([]any, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	m := map[string]any{"id": int(u.ID), "active": u.Active, "roles": roles, "department_id": int(u.DepartmentID),
		"affiliation": u.Affiliation, "counsel": nil}
	if c := u.Counsel; c != nil {
		m["counsel"] = map[string]any{"law_firm_id": int(c.LawFirmID), "law_firm": c.LawFirm, "contract_from": c.ContractFrom, "contract_to": c.ContractTo}
	}
	return m
}

func (it *ItemFacts) env() map[string]any {
	if it == nil {
		return nil
	}
	return map[string]any{"id": int(it.ID), "workflow": it.WorkflowID, "state": it.State, "title": it.Title, "adjusts_item_id": int(it.AdjustsItemID)}
}

func (m *MeetingFacts) env() map[string]any {
	if m == nil {
		return nil
	}
	ids := make([]any, len(m.ItemIDs))
	for i, id := range m.ItemIDs {
		ids[i] = int(id)
	}
	return map[string]any{"id": int(m.ID), "kind": m.Kind, "number": m.Number, "held_on": m.HeldOn, "state": m.State, "item_ids": ids}
}

// FactsOf returns what rules may know of it.
func FactsOf(it *Item) *ItemFacts {
	f := &ItemFacts{ID: it.ID, WorkflowID: it.WorkflowID, State: it.State, Title: it.Title}
	if p, _ := it.Record["proposal"].(map[string]any); p != nil {
		f.AdjustsItemID = toInt64(p["adjusts_item_id"])
	}
	return f
}
