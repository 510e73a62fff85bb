package server

import (
	"github.com/juece/juece/engine"
)

// The JSON shapes of the API (see openapi.yaml). Views are built from
// engine types and never expose secrets (password and token hashes).

type userView struct {
	ID           int64         `json:"id"`
	Username     string        `json:"username"`
	DisplayName  string        `json:"display_name"`
	DepartmentID *int64        `json:"department_id"`
	Roles        []engine.Role `json:"roles"`
	Active       bool          `json:"active"`
}

func viewUser(u *engine.User) userView {
	v := userView{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Roles: u.Roles, Active: u.Active}
	if v.Roles == nil {
		v.Roles = []engine.Role{}
	}
	if u.DepartmentID != 0 {
		d := u.DepartmentID
		v.DepartmentID = &d
	}
	return v
}
