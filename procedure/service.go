// Package procedure holds the use cases people perform in Juece — items
// and their actions, work queues, documents, opinions and dispositions,
// the legality-review package, executive meetings, public views, holiday
// calendars, sign-in — over the engine and storage ports. It knows no HTTP
// and no SQL: the JSON API (server) and the web pages (web) are two thin
// adapters over the same calls. A rule of law lives in a workflow's YAML,
// or here when it concerns several items or records at once (a meeting);
// never in an adapter.
//
// Every method takes the acting engine.Actor and applies the same scope:
// an item outside what the actor may see is not_found, exactly as an item
// that does not exist.
package procedure

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/juece/juece/engine"
)

// Store is the storage the use cases need besides the engine's. The
// store package implements it for PostgreSQL and SQLite; errors are
// *engine.Error with the documented codes.
type Store interface {
	engine.Store
	ListItems(ctx context.Context, q engine.ItemQuery) ([]*engine.Item, error)

	GetOrganisation(ctx context.Context, id int64) (*engine.Organisation, error)
	GetUser(ctx context.Context, org, id int64) (*engine.User, error)
	ListDepartments(ctx context.Context, org int64) ([]engine.Department, error)
	ListCounsel(ctx context.Context, org int64) ([]engine.Counsel, error)
	ListLawFirms(ctx context.Context, org int64) ([]engine.LawFirm, error)

	CreateDocument(ctx context.Context, d *engine.Document) error
	ListDocuments(ctx context.Context, org, item int64) ([]*engine.Document, error)
	GetDocument(ctx context.Context, org, item, id int64) (*engine.Document, error)
	// CommitWithDocument stores d and commits tr (when not nil) in one
	// transaction: the file and the event that names it exist together
	// or not at all.
	CommitWithDocument(ctx context.Context, tr *engine.Transition, d *engine.Document) error

	MeetingStore
}

// Service is the procedure's use cases over one engine and store. It is
// safe for concurrent use.
type Service struct {
	eng      *engine.Engine
	store    Store
	log      *slog.Logger
	comments commentQueues
}

// Config wires a Service. Engine and Store are required.
type Config struct {
	Engine *engine.Engine
	Store  Store
	Logger *slog.Logger
}

// New returns the use cases for cfg.
func New(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Service{eng: cfg.Engine, store: cfg.Store, log: cfg.Logger}
}

// Engine returns the engine the use cases fire events on.
func (s *Service) Engine() *engine.Engine { return s.eng }

// Now is the engine's clock.
func (s *Service) Now() time.Time { return s.eng.Now() }

// orgWideRoles see every item of their organisation; other roles see the
// items of their department, those designated to it, or those they are
// assigned to.
var orgWideRoles = []engine.Role{engine.RoleSecretariat, engine.RoleLegalOffice, engine.RoleAuditor,
	engine.RoleChiefExecutive, engine.RoleMember}

// Scope returns the part of its organisation's items actor may see; nil
// means all of them. An organizer sees the items its department proposed
// and those its department was designated to run (Art. 11); an executor
// those its department executes; counsel, experts, assessors and
// evaluators those they are assigned to.
func Scope(actor engine.Actor) *engine.ItemScope {
	for _, r := range orgWideRoles {
		if actor.Has(r) {
			return nil
		}
	}
	sc := &engine.ItemScope{}
	if actor.Has(engine.RoleOrganizer) {
		sc.DepartmentID, sc.AssignedDepartmentID = actor.DepartmentID, actor.DepartmentID
	}
	if actor.Has(engine.RoleExecutor) {
		sc.AssignedDepartmentID = actor.DepartmentID
	}
	for _, r := range []engine.Role{engine.RoleCounsel, engine.RoleExpert, engine.RoleRiskAssessor, engine.RoleEvaluator} {
		if actor.Has(r) {
			sc.AssignedUser = actor.UserID
		}
	}
	return sc
}

// CanSee applies Scope to one item.
func CanSee(actor engine.Actor, it *engine.Item) bool {
	if it.OrgID != actor.OrgID {
		return false
	}
	sc := Scope(actor)
	if sc == nil {
		return true
	}
	return (sc.DepartmentID != 0 && it.DepartmentID == sc.DepartmentID) ||
		(sc.AssignedUser != 0 && slices.Contains(it.Assignees(), sc.AssignedUser)) ||
		(sc.AssignedDepartmentID != 0 && slices.Contains(it.AssignedDepartments(), sc.AssignedDepartmentID))
}

// ItemNotFound is the error for an item that does not exist or lies
// outside the caller's scope.
func ItemNotFound() error {
	return engine.Errorz(engine.CodeNotFound, "事项不存在", "no such item")
}

// Load reads an item actor may see; anything else is not_found, so that
// the existence of other departments' items does not leak.
func (s *Service) Load(ctx context.Context, actor engine.Actor, id int64) (*engine.Item, error) {
	if id <= 0 {
		return nil, ItemNotFound()
	}
	it, err := s.store.GetItem(ctx, actor.OrgID, id)
	if err != nil {
		return nil, err
	}
	if !CanSee(actor, it) {
		return nil, ItemNotFound()
	}
	return it, nil
}

// Organisation returns the organisation with id.
func (s *Service) Organisation(ctx context.Context, id int64) (*engine.Organisation, error) {
	return s.store.GetOrganisation(ctx, id)
}
