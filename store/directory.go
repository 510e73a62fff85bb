package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/juece/juece/engine"
)

// The directory types are the engine's (engine.Organisation, engine.User…);
// these aliases keep store's signatures short.
type (
	// Organisation is engine.Organisation.
	Organisation = engine.Organisation
	// Department is engine.Department.
	Department = engine.Department
	// User is engine.User.
	User = engine.User
	// LawFirm is engine.LawFirm.
	LawFirm = engine.LawFirm
	// Counsel is engine.Counsel.
	Counsel = engine.Counsel
)

func invalid(zh, en, field string) error {
	return &engine.Error{Code: engine.CodeInvalid, MessageZh: zh, Message: en, Field: field}
}

func insertID(ctx context.Context, q sqlx.QueryerContext, query string, args ...any) (int64, error) {
	var id int64
	if err := q.QueryRowxContext(ctx, query, args...).Scan(&id); err != nil {
		return 0, translate(err)
	}
	return id, nil
}

// CreateOrganisation creates an organisation and returns its id. region ""
// means engine.DefaultRegion. Returns conflict if code is taken, invalid if
// code or name is empty.
func (db *DB) CreateOrganisation(ctx context.Context, code, name, region string) (int64, error) {
	code, name = strings.TrimSpace(code), strings.TrimSpace(name)
	if code == "" || name == "" {
		return 0, invalid("机关代码和名称不能为空", "organisation code and name are required", "code")
	}
	if region == "" {
		region = engine.DefaultRegion
	}
	return insertID(ctx, db.x, db.x.Rebind(`INSERT INTO organisations (code, name, region) VALUES (?, ?, ?) RETURNING id`), code, name, region)
}

func (db *DB) getOrganisation(ctx context.Context, where string, arg any) (*Organisation, error) {
	var r struct {
		ID        int64  `db:"id"`
		Code      string `db:"code"`
		Name      string `db:"name"`
		Region    string `db:"region"`
		Quorum    int    `db:"meeting_quorum_percent"`
		CreatedAt dbTime `db:"created_at"`
	}
	err := db.x.GetContext(ctx, &r, db.x.Rebind(`SELECT id, code, name, region, meeting_quorum_percent, created_at FROM organisations WHERE `+where), arg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, engine.Errorz(engine.CodeNotFound, "机关不存在", "no such organisation")
	}
	if err != nil {
		return nil, translate(err)
	}
	return &Organisation{ID: r.ID, Code: r.Code, Name: r.Name, Region: r.Region, MeetingQuorumPercent: r.Quorum, CreatedAt: r.CreatedAt.Time}, nil
}

// GetOrganisation returns organisation id, or not_found.
func (db *DB) GetOrganisation(ctx context.Context, id int64) (*Organisation, error) {
	return db.getOrganisation(ctx, "id = ?", id)
}

// GetOrganisationByCode returns the organisation with code, or not_found.
func (db *DB) GetOrganisationByCode(ctx context.Context, code string) (*Organisation, error) {
	return db.getOrganisation(ctx, "code = ?", code)
}

// SetMeetingQuorum sets the share of a meeting's members (percent, 0–99)
// that must be exceeded by those attending. Returns invalid outside that
// range, not_found for an unknown organisation.
func (db *DB) SetMeetingQuorum(ctx context.Context, org int64, percent int) error {
	if percent < 0 || percent > 99 {
		return invalid("法定出席比例应在0到99之间（出席人数须超过该百分比）", "the quorum is a percentage from 0 to 99 that attendance must exceed", "meeting_quorum_percent")
	}
	res, err := db.x.ExecContext(ctx, db.x.Rebind(`UPDATE organisations SET meeting_quorum_percent = ? WHERE id = ?`), percent, org)
	if err != nil {
		return translate(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return engine.Errorz(engine.CodeNotFound, "机关不存在", "no such organisation")
	}
	return nil
}

// CreateDepartment creates a department of org. Returns conflict if org
// already has a department of that name, invalid if org does not exist or
// the name is empty.
func (db *DB) CreateDepartment(ctx context.Context, org int64, name string) (int64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, invalid("部门名称不能为空", "department name is required", "name")
	}
	return insertID(ctx, db.x, db.x.Rebind(`INSERT INTO departments (org_id, name) VALUES (?, ?) RETURNING id`), org, name)
}

// ListDepartments returns the departments of org ordered by id.
func (db *DB) ListDepartments(ctx context.Context, org int64) ([]Department, error) {
	var out []Department
	err := db.x.SelectContext(ctx, &out, db.x.Rebind(`SELECT id, org_id, name FROM departments WHERE org_id = ? ORDER BY id`), org)
	return out, translate(err)
}

// CreateUser creates u with its roles in one transaction and returns its
// id (also set in u.ID). Returns invalid for an empty username or password
// hash, an unknown role, or a department of another organisation; conflict
// if the username is taken in the organisation.
func (db *DB) CreateUser(ctx context.Context, u *User) (int64, error) {
	u.Username = strings.TrimSpace(u.Username)
	if u.Username == "" || u.PasswordHash == "" {
		return 0, invalid("用户名和密码不能为空", "username and password are required", "username")
	}
	for _, r := range u.Roles {
		if !slices.Contains(engine.KnownRoles, r) {
			return 0, invalid("未知角色："+string(r), "unknown role: "+string(r), "roles")
		}
	}
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		id, err := insertID(ctx, tx, tx.Rebind(`INSERT INTO users (org_id, username, display_name, password_hash, department_id, active)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), u.OrgID, u.Username, u.DisplayName, u.PasswordHash, nullID(u.DepartmentID), true)
		if err != nil {
			return err
		}
		for _, r := range u.Roles {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO user_roles (org_id, user_id, role) VALUES (?, ?, ?)`), u.OrgID, id, string(r)); err != nil {
				return translate(err)
			}
		}
		u.ID, u.Active = id, true
		return nil
	})
	return u.ID, err
}

type userRow struct {
	ID           int64         `db:"id"`
	OrgID        int64         `db:"org_id"`
	Username     string        `db:"username"`
	DisplayName  string        `db:"display_name"`
	PasswordHash string        `db:"password_hash"`
	DepartmentID sql.NullInt64 `db:"department_id"`
	Active       bool          `db:"active"`
	CreatedAt    dbTime        `db:"created_at"`
	Roles        string        `db:"roles"`
}

func (db *DB) getUser(ctx context.Context, org int64, where string, arg any) (*User, error) {
	var r userRow
	st, err := db.prepared(ctx, db.x.Rebind(`SELECT id, org_id, username, display_name, password_hash, department_id, active, created_at,
		`+db.rolesOf("users.id")+` AS roles FROM users WHERE org_id = ? AND `+where))
	if err != nil {
		return nil, err
	}
	err = st.GetContext(ctx, &r, org, arg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, engine.Errorz(engine.CodeNotFound, "用户不存在", "no such user")
	}
	if err != nil {
		return nil, translate(err)
	}
	return r.user(), nil
}

// rolesOf is a subquery giving the comma-separated roles of the user whose
// id is the column userID, sorted; the one place the dialects differ in
// aggregating text.
func (db *DB) rolesOf(userID string) string {
	if db.dialect == Postgres {
		return `COALESCE((SELECT string_agg(role, ',' ORDER BY role) FROM user_roles WHERE user_id = ` + userID + `), '')`
	}
	return `COALESCE((SELECT group_concat(role, ',') FROM (SELECT role FROM user_roles WHERE user_id = ` + userID + ` ORDER BY role)), '')`
}

// GetUser returns user id of org with its roles, or not_found.
func (db *DB) GetUser(ctx context.Context, org, id int64) (*User, error) {
	return db.getUser(ctx, org, "id = ?", id)
}

// GetUserByUsername returns the user of org named username, or not_found.
func (db *DB) GetUserByUsername(ctx context.Context, org int64, username string) (*User, error) {
	return db.getUser(ctx, org, "username = ?", username)
}

// CreateLawFirm records a law firm retained by org. Returns conflict if org
// already has one of that name.
func (db *DB) CreateLawFirm(ctx context.Context, org int64, name string) (int64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, invalid("律师事务所名称不能为空", "law firm name is required", "name")
	}
	return insertID(ctx, db.x, db.x.Rebind(`INSERT INTO law_firms (org_id, name) VALUES (?, ?) RETURNING id`), org, name)
}

// CreateCounsel records that user c.UserID is retained counsel from law
// firm c.LawFirmID under a contract from ContractFrom to ContractTo.
// Returns invalid for malformed or reversed dates, an empty licence number,
// or a user or firm of another organisation; conflict if the user is
// already counsel.
func (db *DB) CreateCounsel(ctx context.Context, c Counsel) (int64, error) {
	from, err1 := engine.ParseDate(c.ContractFrom)
	to, err2 := engine.ParseDate(c.ContractTo)
	if err1 != nil || err2 != nil || to.Before(from) {
		return 0, invalid("聘用合同起止日期无效", "contract dates are invalid (YYYY-MM-DD, from <= to)", "contract_from")
	}
	if strings.TrimSpace(c.LicenceNo) == "" {
		return 0, invalid("律师执业证号不能为空", "licence number is required", "licence_no")
	}
	return insertID(ctx, db.x, db.x.Rebind(`INSERT INTO counsel (org_id, user_id, law_firm_id, licence_no, contract_from, contract_to)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), c.OrgID, c.UserID, c.LawFirmID, c.LicenceNo, from.String(), to.String())
}

// ListCounsel returns the counsel of org ordered by id.
func (db *DB) ListCounsel(ctx context.Context, org int64) ([]Counsel, error) {
	var rows []struct {
		ID        int64  `db:"id"`
		OrgID     int64  `db:"org_id"`
		UserID    int64  `db:"user_id"`
		LawFirmID int64  `db:"law_firm_id"`
		LicenceNo string `db:"licence_no"`
		From      string `db:"contract_from"`
		To        string `db:"contract_to"`
	}
	err := db.x.SelectContext(ctx, &rows, db.x.Rebind(`SELECT id, org_id, user_id, law_firm_id, licence_no,
		CAST(contract_from AS TEXT) AS contract_from, CAST(contract_to AS TEXT) AS contract_to FROM counsel WHERE org_id = ? ORDER BY id`), org)
	if err != nil {
		return nil, translate(err)
	}
	out := make([]Counsel, len(rows))
	for i, r := range rows {
		out[i] = Counsel{ID: r.ID, OrgID: r.OrgID, UserID: r.UserID, LawFirmID: r.LawFirmID, LicenceNo: r.LicenceNo, ContractFrom: r.From, ContractTo: r.To}
	}
	return out, nil
}
