package workflows_test

import (
	"testing"

	. "github.com/juece/juece/internal/enginetest"
	"github.com/juece/juece/internal/scenario"
)

type step = scenario.Step

var (
	draftV1        = scenario.DraftV1
	draftV2        = scenario.DraftV2
	proposal       = scenario.Proposal
	counselOpinion = scenario.CounselOpinion
	conclusion     = scenario.Conclusion
)

// walk is the major-decision script with the harness's cast.
func walk() []step {
	return scenario.MajorDecision(scenario.Cast{Organizer: Organizer, Secretariat: Secretariat, LegalOffice: LegalOffice,
		Counsel: Counsel, Expert: Expert, RiskAssessor: RiskAssessor, ChiefExecutive: ChiefExecutive, Executor: Executor,
		Evaluator: Evaluator, OrganizerDept: DeptDevelopment, ExecutorDept: DeptHousing})
}

// newItem creates a major-decision item proposed by the organizer.
func newItem(h *Harness) int64 {
	h.T.Helper()
	h.On("2026-01-05")
	return h.Create("major-decision", Organizer, "关于老旧小区加装电梯的实施意见", proposal()).ID
}

// advance runs the walk on item id up to (not including) the first step
// whose event is until, and returns that step for the caller to vary.
func advance(h *Harness, id int64, until string) step {
	h.T.Helper()
	for _, s := range walk() {
		if s.Event == until {
			h.On(s.On)
			return s
		}
		h.Step(id, s)
	}
	if until != "" {
		h.T.Fatalf("no step %q in the walk", until)
	}
	return step{}
}

func TestMajorDecision_WalkFromProposalToArchive(t *testing.T) {
	h := New(t, "2026-01-05")
	id := newItem(h)
	advance(h, id, "")
	it := h.Item(id)
	if it.State != "archived" {
		t.Fatalf("state = %q, want archived", it.State)
	}
	want := 1 // creation
	for _, s := range walk() {
		want++
		if s.Meeting != nil { // the agenda, each position, the decision
			want += 1 + len(s.Meeting.Positions)
		}
	}
	if it.Version != want {
		t.Errorf("version = %d, want %d (one per event plus creation)", it.Version, want)
	}
	res := h.Verify()
	if res.Events != it.Version {
		t.Errorf("verified %d events, want %d", res.Events, it.Version)
	}
	// The legality review period started on 2026-02-10 and, counting 7
	// working days across the Spring Festival, ended on 2026-02-26.
	if due := it.Record["periods"].(map[string]any)["legality_review"].(map[string]any)["due"]; due != "2026-02-26" {
		t.Errorf("legality review due %v, want 2026-02-26", due)
	}
}
