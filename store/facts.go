package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/juece/juece/engine"
)

var _ engine.Directory = (*DB)(nil)

// UserFacts implements engine.Directory: the user with its roles and, for
// counsel, the law firm and contract period. nil when there is no such
// user in org.
func (db *DB) UserFacts(ctx context.Context, org, id int64) (*engine.UserFacts, error) {
	u, err := db.GetUser(ctx, org, id)
	if engine.ErrorCode(err) == engine.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f := &engine.UserFacts{ID: u.ID, Active: u.Active, Roles: u.Roles, DepartmentID: u.DepartmentID}
	var c struct {
		FirmID int64  `db:"law_firm_id"`
		Firm   string `db:"name"`
		From   string `db:"contract_from"`
		To     string `db:"contract_to"`
	}
	err = db.x.GetContext(ctx, &c, db.x.Rebind(`SELECT c.law_firm_id, f.name, CAST(c.contract_from AS TEXT) AS contract_from,
		CAST(c.contract_to AS TEXT) AS contract_to FROM counsel c JOIN law_firms f ON f.id = c.law_firm_id WHERE c.org_id = ? AND c.user_id = ?`), org, id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, translate(err)
	default:
		f.Counsel = &engine.CounselFacts{LawFirmID: c.FirmID, LawFirm: c.Firm, ContractFrom: c.From, ContractTo: c.To}
		f.Affiliation = c.Firm
	}
	return f, nil
}

// ItemFacts implements engine.Directory. nil when there is no such item
// in org.
func (db *DB) ItemFacts(ctx context.Context, org, id int64) (*engine.ItemFacts, error) {
	it, err := db.GetItem(ctx, org, id)
	if engine.ErrorCode(err) == engine.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return engine.FactsOf(it), nil
}

// MeetingFacts implements engine.Directory. nil when there is no such
// meeting in org.
func (db *DB) MeetingFacts(ctx context.Context, org, id int64) (*engine.MeetingFacts, error) {
	m, agenda, err := db.GetMeeting(ctx, org, id)
	if engine.ErrorCode(err) == engine.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f := &engine.MeetingFacts{ID: m.ID, Kind: m.Kind, Number: m.Number, HeldOn: m.HeldOn, State: m.State}
	for _, a := range agenda {
		f.ItemIDs = append(f.ItemIDs, a.ItemID)
	}
	return f, nil
}
