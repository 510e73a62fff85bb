package procedure

import (
	"context"
	"slices"

	"github.com/juece/juece/engine"
)

// Choices for the fields of a form that name people or departments, so
// that nobody types an id: the users holding a role (for counsel with
// their firm, licence and contract), the departments.

// UserChoice is a user a field may name.
type UserChoice struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	DepartmentID int64  `json:"department_id,omitempty"`
	Department   string `json:"department,omitempty"`
	// Counsel: the firm, licence number and contract period, and whether
	// the contract covers today.
	LawFirm      string `json:"law_firm,omitempty"`
	LicenceNo    string `json:"licence_no,omitempty"`
	ContractFrom string `json:"contract_from,omitempty"`
	ContractTo   string `json:"contract_to,omitempty"`
	Current      bool   `json:"current"`
}

// userLister is what UserChoices needs of the store.
type userLister interface {
	ListUsers(ctx context.Context, org, after int64, limit int) ([]*engine.User, error)
}

// UserChoices lists the active users of actor's organisation holding
// role, by name; counsel with their retainer, Current saying whether the
// contract covers today (a counsel whose contract does not is listed, so
// that the form can say why it may not be chosen). The workflow's rules
// still decide whether a choice is accepted.
func (s *Service) UserChoices(ctx context.Context, actor engine.Actor, role engine.Role) ([]UserChoice, error) {
	ul, ok := s.store.(userLister)
	if !ok {
		return nil, nil
	}
	depts, err := s.store.ListDepartments(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	deptName := map[int64]string{}
	for _, d := range depts {
		deptName[d.ID] = d.Name
	}
	counsel := map[int64]engine.Counsel{}
	firms := map[int64]string{}
	if role == engine.RoleCounsel {
		cs, err := s.store.ListCounsel(ctx, actor.OrgID)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			counsel[c.UserID] = c
		}
		fs, err := s.store.ListLawFirms(ctx, actor.OrgID)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			firms[f.ID] = f.Name
		}
	}
	today := s.eng.Today().String()
	var out []UserChoice
	var after int64
	for {
		us, err := ul.ListUsers(ctx, actor.OrgID, after, 500)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			if !u.Active || !slices.Contains(u.Roles, role) {
				continue
			}
			c := UserChoice{ID: u.ID, Name: u.DisplayName, DepartmentID: u.DepartmentID, Department: deptName[u.DepartmentID], Current: true}
			if role == engine.RoleCounsel {
				cn, ok := counsel[u.ID]
				c.Current = ok && cn.ContractFrom <= today && today <= cn.ContractTo
				if ok {
					c.LawFirm, c.LicenceNo, c.ContractFrom, c.ContractTo = firms[cn.LawFirmID], cn.LicenceNo, cn.ContractFrom, cn.ContractTo
				}
			}
			out = append(out, c)
		}
		if len(us) < 500 {
			break
		}
		after = us[len(us)-1].ID
	}
	return out, nil
}

// Departments lists the departments of actor's organisation.
func (s *Service) Departments(ctx context.Context, actor engine.Actor) ([]engine.Department, error) {
	return s.store.ListDepartments(ctx, actor.OrgID)
}
