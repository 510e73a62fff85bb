package procedure

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/juece/juece/engine"
)

// What the public sees, with no account (Decree 713 Arts. 15, 16, 32): the
// items open for comment, with how and by when to comment and the
// documents marked public (the draft and its explanation); the hearing
// notice once announced; published decisions with their text and how the
// opinions were adopted. Never an item withheld from disclosure, never the
// contact details of commenters. What is public is the workflow's
// (procedure.public and its views).

// PublicActor is the actor of a comment from the public.
func PublicActor(org int64) engine.Actor {
	return engine.Actor{OrgID: org, Name: "社会公众", Roles: []engine.Role{engine.RolePublic}}
}

// PublicDocument is a document published with an item.
type PublicDocument struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// PublicItem is an item as the public sees it.
type PublicItem struct {
	ID           int64          `json:"id"`
	Title        string         `json:"title"`
	Workflow     string         `json:"workflow"`
	State        StateView      `json:"state"`
	OpenForInput bool           `json:"open_for_comment"`
	Consultation map[string]any `json:"consultation,omitempty"`
	Hearing      map[string]any `json:"hearing,omitempty"`
	Publication  map[string]any `json:"publication,omitempty"`
	// Feedback is how the opinions were handled, shown once published.
	Feedback  []PublicFeedback `json:"feedback,omitempty"`
	Documents []PublicDocument `json:"documents,omitempty"`
	// Views are the public views with their labels, for pages.
	Views []*engine.RenderedView `json:"-"`
}

// PublicFeedback is what the public sees of a group of opinions once the
// decision is published: its sample text and disposition, nothing about
// who wrote it.
type PublicFeedback struct {
	Sample      string           `json:"sample"`
	Count       int              `json:"count"`
	Disposition *DispositionView `json:"disposition"`
}

func publicSpec(d *engine.Definition) *engine.PublicSpec {
	if d == nil {
		return nil
	}
	return d.Procedure.Public
}

// PublicStatus says what the public may see of it: open says it takes
// comments now — exactly when the workflow's own rules would take one from
// the public; published that it is a disclosed decision.
func (s *Service) PublicStatus(it *engine.Item) (open, published bool) {
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	if cs := commentsSpec(d); cs != nil && cs.Event != "" {
		if acts, err := s.eng.ActionsFor(it, PublicActor(it.OrgID)); err == nil {
			for _, a := range acts {
				open = open || a.Event == cs.Event && a.Allowed
			}
		}
	}
	if ok, err := publicSpec(d).IsDisclosed(it); err == nil {
		published = ok
	}
	return open, published
}

func viewMap(v *engine.RenderedView) map[string]any {
	if v == nil || len(v.Parts) == 0 {
		return nil
	}
	out := map[string]any{}
	for _, p := range v.Parts {
		for k, val := range p.Map() {
			out[k] = val
		}
	}
	return out
}

func (s *Service) viewPublic(ctx context.Context, it *engine.Item, open, published bool) (*PublicItem, error) {
	v := &PublicItem{ID: it.ID, Title: it.Title, Workflow: it.WorkflowID, OpenForInput: open, State: s.ViewItem(it).State}
	spec := publicSpec(s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion))
	if spec == nil {
		return v, nil
	}
	render := func(name string) *engine.RenderedView {
		if name == "" {
			return nil
		}
		rv, err := s.eng.RenderView(it, name)
		if err != nil {
			return nil
		}
		if len(rv.Parts) > 0 {
			v.Views = append(v.Views, rv)
		}
		return rv
	}
	if open || published {
		v.Consultation = viewMap(render(spec.Consultation))
	}
	v.Hearing = viewMap(render(spec.Hearing))
	if published {
		v.Publication = viewMap(render(spec.Decision))
		fb, err := s.feedback(ctx, it)
		if err != nil {
			return nil, err
		}
		v.Feedback = fb
	}
	ds, err := s.store.ListDocuments(ctx, it.OrgID, it.ID)
	if err != nil {
		return nil, err
	}
	var withDecision []string
	if published {
		if withDecision, err = spec.PublishedDigests(it); err != nil {
			return nil, engine.Internal(err)
		}
	}
	for _, d := range ds {
		if d.Public || slices.Contains(withDecision, d.SHA256) {
			v.Documents = append(v.Documents, PublicDocument{ID: d.ID, Kind: d.Kind, Filename: d.Filename, ContentType: d.ContentType, Size: d.Size, SHA256: d.SHA256})
		}
	}
	return v, nil
}

func (s *Service) feedback(ctx context.Context, it *engine.Item) ([]PublicFeedback, error) {
	v, err := s.commentGroups(ctx, it)
	if err != nil {
		return nil, err
	}
	out := make([]PublicFeedback, len(v.Groups))
	for i, g := range v.Groups {
		out[i] = PublicFeedback{Sample: g.Sample, Count: g.Count, Disposition: g.Disposition}
		if out[i].Disposition != nil {
			d := *out[i].Disposition
			d.By = ""
			out[i].Disposition = &d
		}
	}
	return out, nil
}

// PublicStore is the storage the public views need besides Store.
type publicOrgs interface {
	GetOrganisationByCode(ctx context.Context, code string) (*engine.Organisation, error)
}

// PublicOrganisation returns the organisation with code, or not_found.
func (s *Service) PublicOrganisation(ctx context.Context, code string) (*engine.Organisation, error) {
	po, ok := s.store.(publicOrgs)
	if !ok {
		return nil, engine.Internal(fmt.Errorf("procedure: the store cannot look organisations up by code"))
	}
	org, err := po.GetOrganisationByCode(ctx, code)
	if engine.ErrorCode(err) == engine.CodeNotFound {
		return nil, engine.Errorz(engine.CodeNotFound, "机关不存在", "no such organisation")
	}
	return org, err
}

// publicPage is the number of items in a page of a public list.
const publicPage = 50

// PublicPage is a page of a public list.
type PublicPage struct {
	Items      []*PublicItem `json:"items"`
	NextCursor *string       `json:"next_cursor"`
}

// PublicList lists, newest first, the organisation's items open for
// comment (consultations) or published (decisions).
func (s *Service) PublicList(ctx context.Context, org *engine.Organisation, decisions bool, cursor int64) (*PublicPage, error) {
	var states []string
	for _, d := range s.eng.Workflows().All() {
		if !decisions {
			if cs := commentsSpec(d); cs != nil {
				if ev := d.Event(cs.Event); ev != nil {
					states = append(states, ev.From...)
				}
			}
		} else if ps := publicSpec(d); ps != nil {
			states = append(states, ps.States...)
		}
	}
	out := &PublicPage{Items: []*PublicItem{}}
	if len(states) == 0 {
		return out, nil
	}
	// Scan in pages until a page of public items is found or the list
	// ends; hidden items never show through, and the cursor resumes after
	// the last item looked at.
	for {
		items, err := s.store.ListItems(ctx, engine.ItemQuery{OrgID: org.ID, States: states, Before: cursor, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			open, published := s.PublicStatus(it)
			if (!decisions && open) || (decisions && published) {
				v, err := s.viewPublic(ctx, it, open, published)
				if err != nil {
					return nil, err
				}
				v.Feedback = nil
				out.Items = append(out.Items, v)
			}
			if len(out.Items) == publicPage {
				n := fmt.Sprint(it.ID)
				out.NextCursor = &n
				return out, nil
			}
		}
		if len(items) < 200 {
			return out, nil
		}
		cursor = items[len(items)-1].ID
	}
}

// PublicItemOf returns an item of the organisation as the public sees it;
// not_found unless it is open for comment, published, or has an announced
// hearing.
func (s *Service) PublicItemOf(ctx context.Context, org *engine.Organisation, id int64) (*PublicItem, error) {
	if id <= 0 {
		return nil, ItemNotFound()
	}
	it, err := s.store.GetItem(ctx, org.ID, id)
	if err != nil {
		return nil, err
	}
	open, published := s.PublicStatus(it)
	v, err := s.viewPublic(ctx, it, open, published)
	if err != nil {
		return nil, err
	}
	if !open && !published && v.Hearing == nil {
		return nil, ItemNotFound()
	}
	return v, nil
}

// PublicDocumentOf returns a document marked public of a public item.
func (s *Service) PublicDocumentOf(ctx context.Context, org *engine.Organisation, itemID, docID int64) (*engine.Document, error) {
	if _, err := s.PublicItemOf(ctx, org, itemID); err != nil {
		return nil, err
	}
	d, err := s.store.GetDocument(ctx, org.ID, itemID, docID)
	if err != nil {
		return nil, err
	}
	if !d.Public {
		it, err := s.store.GetItem(ctx, org.ID, itemID)
		if err != nil {
			return nil, err
		}
		spec := publicSpec(s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion))
		digests, err := spec.PublishedDigests(it)
		if err != nil {
			return nil, engine.Internal(err)
		}
		if _, published := s.PublicStatus(it); !published || !slices.Contains(digests, d.SHA256) {
			return nil, engine.Errorz(engine.CodeNotFound, "文件不存在", "no such document")
		}
	}
	return d, nil
}

// PublicComment is a comment from the public.
type PublicComment struct {
	Content, Commenter, Contact string
}

// Receipt acknowledges a stored public comment.
type Receipt struct {
	ItemID     int64     `json:"item_id"`
	ReceivedAt time.Time `json:"received_at"`
	Receipt    string    `json:"receipt"`
}

// SubmitComment takes a comment on an item open for comment and returns
// once it is committed as (part of) an audit event of the item, stamped
// with the time it was received. Returns invalid for an empty or overlong
// comment, not_found for an item not open for comment.
func (s *Service) SubmitComment(ctx context.Context, org *engine.Organisation, itemID int64, c PublicComment) (*Receipt, error) {
	c.Content, c.Commenter, c.Contact = strings.TrimSpace(c.Content), strings.TrimSpace(c.Commenter), strings.TrimSpace(c.Contact)
	// Checked here, alone: a comment refused never joins (and never fails)
	// the batch of comments recorded with it.
	for field, v := range map[string]string{"content": c.Content, "commenter": c.Commenter, "contact": c.Contact} {
		if err := engine.CheckText(field, v); err != nil {
			return nil, err
		}
	}
	if c.Content == "" || utf8.RuneCountInString(c.Content) > 5000 {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "content", MessageZh: "意见内容不能为空，且不超过5000字", Message: "the comment must be 1 to 5000 characters"}
	}
	if utf8.RuneCountInString(c.Commenter) > 100 || utf8.RuneCountInString(c.Contact) > 200 {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "commenter", MessageZh: "姓名或联系方式过长", Message: "name or contact too long"}
	}
	if itemID <= 0 {
		return nil, ItemNotFound()
	}
	it, err := s.store.GetItem(ctx, org.ID, itemID)
	if err != nil {
		return nil, err
	}
	if open, _ := s.PublicStatus(it); !open {
		return nil, ItemNotFound()
	}
	res, err := s.takeComment(ctx, it, pendingComment{content: c.Content, commenter: c.Commenter, contact: c.Contact, receivedAt: s.eng.Now()})
	if err != nil {
		return nil, err
	}
	return &Receipt{ItemID: it.ID, ReceivedAt: res.receivedAt.UTC(), Receipt: fmt.Sprintf("%d-%d-%d", it.ID, res.seq, res.index+1)}, nil
}

// pendingComment is a comment waiting to be recorded.
type pendingComment struct {
	content, commenter, contact string
	receivedAt                  time.Time
	done                        chan commentResult
}

type commentResult struct {
	seq        int // the audit event that records it
	index      int // its place in that event
	receivedAt time.Time
	err        error
}

// commentQueue holds one item's comments not yet recorded.
type commentQueue struct {
	pending []*pendingComment
	leader  bool
}

// commentQueues gathers public comments per item (see takeComment).
type commentQueues struct {
	mu     sync.Mutex
	queues map[int64]*commentQueue
}

// maxCommentBatch bounds how many comments one event records.
const maxCommentBatch = 500

// takeComment records a public comment and returns once it is committed
// (so an acknowledged comment is stored). Comments on one item arriving
// while another is being recorded are gathered and recorded together, as
// one event of the workflow's batch event listing each with its time
// received ("group commit"); alone, a comment is an event of its own.
// Conflicts with staff or other replicas are retried.
func (s *Service) takeComment(ctx context.Context, it *engine.Item, pc pendingComment) (commentResult, error) {
	spec := commentsSpec(s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion))
	pc.done = make(chan commentResult, 1)
	cq := &s.comments
	cq.mu.Lock()
	if cq.queues == nil {
		cq.queues = map[int64]*commentQueue{}
	}
	q := cq.queues[it.ID]
	if q == nil {
		q = &commentQueue{}
		cq.queues[it.ID] = q
	}
	q.pending = append(q.pending, &pc)
	lead := !q.leader
	q.leader = true
	cq.mu.Unlock()
	if lead {
		// Record batches until the queue is empty; the work is not tied
		// to this request, so it goes on if its client leaves.
		go s.recordComments(it.ID, it.OrgID, q, spec.Event, spec.BatchEvent)
	}
	select {
	case r := <-pc.done:
		return r, r.err
	case <-ctx.Done():
		return commentResult{}, ctx.Err()
	}
}

func (s *Service) recordComments(itemID, org int64, q *commentQueue, single, batch string) {
	ctx := context.Background()
	actor := PublicActor(org)
	cq := &s.comments
	for {
		cq.mu.Lock()
		n := min(len(q.pending), maxCommentBatch)
		if n == 0 {
			q.leader = false
			delete(cq.queues, itemID)
			cq.mu.Unlock()
			return
		}
		take := q.pending[:n:n]
		q.pending = q.pending[n:]
		cq.mu.Unlock()

		event, payload := single, map[string]any{"content": take[0].content, "channel": "website"}
		if len(take) > 1 && batch != "" || single == "" {
			comments, names, contacts, times := make([]any, len(take)), make([]any, len(take)), make([]any, len(take)), make([]any, len(take))
			anyName := false
			for i, pc := range take {
				comments[i], times[i] = pc.content, pc.receivedAt.UTC().Format(time.RFC3339Nano)
				names[i], contacts[i] = "匿名", "未留"
				if pc.commenter != "" {
					names[i], anyName = pc.commenter, true
				}
				if pc.contact != "" {
					contacts[i] = pc.contact
				}
			}
			event, payload = batch, map[string]any{"comments": comments, "received_at": times}
			if anyName {
				payload["commenters"] = names
			}
			payload["contacts"] = contacts
		} else {
			if take[0].commenter != "" {
				payload["commenter"] = take[0].commenter
			}
			if take[0].contact != "" {
				payload["contact"] = take[0].contact
			}
		}
		var res *engine.Result
		var err error
		for attempt := 0; ; attempt++ {
			res, err = s.eng.Fire(ctx, itemID, event, actor, engine.Input{Payload: payload}, 0)
			if err == nil || engine.ErrorCode(err) != engine.CodeConflict || attempt == 20 {
				break
			}
		}
		for i, pc := range take {
			r := commentResult{err: err, index: i, receivedAt: pc.receivedAt}
			if err == nil {
				r.seq = res.Event.Seq
			}
			pc.done <- r
		}
	}
}
