package engine

import (
	"slices"
	"time"
)

// Organisation is a government (决策机关), the tenant every row belongs to.
// Region selects its working-day calendar (e.g. "cn", "cn-xj").
type Organisation struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Region    string    `json:"region"`
	CreatedAt time.Time `json:"created_at"`
}

// Department is a unit of an organisation that proposes or executes items.
type Department struct {
	ID    int64  `json:"id" db:"id"`
	OrgID int64  `json:"org_id" db:"org_id"`
	Name  string `json:"name" db:"name"`
}

// User is an account of an organisation. PasswordHash is a bcrypt hash,
// never a password, and never leaves the server. DepartmentID is 0 for
// users outside any department (counsel, experts, meeting members).
type User struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"display_name"`
	PasswordHash string    `json:"-"`
	DepartmentID int64     `json:"department_id,omitempty"`
	Roles        []Role    `json:"roles"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
}

// Actor returns the engine actor the user acts as.
func (u *User) Actor() Actor {
	return Actor{OrgID: u.OrgID, UserID: u.ID, Name: u.DisplayName, Roles: slices.Clone(u.Roles), DepartmentID: u.DepartmentID}
}

// LawFirm is a law firm retained by an organisation.
type LawFirm struct {
	ID    int64  `json:"id"`
	OrgID int64  `json:"org_id"`
	Name  string `json:"name"`
}

// Counsel is a retained lawyer (法律顾问): a user of the organisation who
// works for a law firm under a contract. Dates are "2006-01-02".
type Counsel struct {
	ID           int64  `json:"id"`
	OrgID        int64  `json:"org_id"`
	UserID       int64  `json:"user_id"`
	LawFirmID    int64  `json:"law_firm_id"`
	LicenceNo    string `json:"licence_no"`
	ContractFrom string `json:"contract_from"`
	ContractTo   string `json:"contract_to"`
}
