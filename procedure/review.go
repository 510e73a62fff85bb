package procedure

import (
	"context"
	"strings"

	"github.com/juece/juece/engine"
)

// The legality-review package (Decree 713 Art. 26¶1): the draft, its legal
// basis and the account of the statutory procedures performed, derived
// from the record by the workflow's view (procedure.legality_review) rather
// than retyped by the organizer.

// ReviewPackage is the package as it would be submitted now, with the
// review's state and running periods.
type ReviewPackage struct {
	DraftSHA256       string   `json:"draft_sha256"`
	LegalBasis        []string `json:"legal_basis"`
	ProceduresAccount string   `json:"procedures_account"`
	// Procedures maps each part of the package shown to its values.
	Procedures map[string]any `json:"procedures"`
	// Review is the state of the review (the part named "review").
	Review  map[string]any `json:"review"`
	Periods []PeriodView   `json:"periods"`
	// Parts are the package's parts with their labels, for people.
	Parts []engine.RenderedPart `json:"-"`
	// Payload is what the submission sends.
	Payload map[string]any `json:"-"`
}

func reviewSpec(d *engine.Definition) *engine.ReviewSpec {
	if d == nil {
		return nil
	}
	return d.Procedure.LegalityReview
}

// noReview is the error for a workflow without a legality-review package.
func noReview() error {
	return engine.Errorz(engine.CodeNotFound, "该流程没有合法性审查送审材料", "this workflow has no legality-review package")
}

// ReviewPackageOf derives the package of an item actor may see.
func (s *Service) ReviewPackageOf(ctx context.Context, actor engine.Actor, itemID int64) (*ReviewPackage, *engine.Item, error) {
	it, err := s.Load(ctx, actor, itemID)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.reviewPackage(it)
	return p, it, err
}

func (s *Service) reviewPackage(it *engine.Item) (*ReviewPackage, error) {
	spec := reviewSpec(s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion))
	if spec == nil {
		return nil, noReview()
	}
	v, err := s.eng.RenderView(it, spec.Package)
	if err != nil {
		return nil, err
	}
	p := &ReviewPackage{LegalBasis: []string{}, Procedures: map[string]any{}, Review: map[string]any{}, Periods: s.RunningPeriods(it),
		Parts: v.Parts, ProceduresAccount: v.Account(), Payload: map[string]any{}}
	for _, part := range v.Parts {
		if part.Name == "review" {
			p.Review = part.Map()
			continue
		}
		p.Procedures[part.Name] = part.Map()
	}
	if p.ProceduresAccount == "" {
		p.ProceduresAccount = "（记录中没有已履行的程序）"
	}
	for field, from := range spec.Payload {
		if from == "account" {
			p.Payload[field] = p.ProceduresAccount
			continue
		}
		partName, key, _ := strings.Cut(from, ".")
		if part, ok := v.Part(partName); ok {
			if val, ok := part.Map()[key]; ok {
				p.Payload[field] = val
			}
		}
	}
	p.DraftSHA256, _ = p.Payload["draft_sha256"].(string)
	if l, ok := p.Payload["legal_basis"].([]any); ok {
		for _, x := range l {
			if s, ok := x.(string); ok {
				p.LegalBasis = append(p.LegalBasis, s)
			}
		}
	}
	return p, nil
}

// SubmitReview submits the derived package for legality review through
// the workflow's submission event; that event's rules decide whether the
// procedures are complete. expected, when not 0, must be the version.
func (s *Service) SubmitReview(ctx context.Context, actor engine.Actor, itemID int64, expected int) (*Fired, error) {
	p, it, err := s.ReviewPackageOf(ctx, actor, itemID)
	if err != nil {
		return nil, err
	}
	spec := reviewSpec(s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion))
	return s.Fire(ctx, actor, itemID, spec.SubmitEvent, engine.Input{Payload: p.Payload}, expected)
}
