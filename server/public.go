package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/juece/juece/engine"
	"github.com/labstack/echo/v4"
)

// The public endpoints need no account. They show only what the law makes
// public: items open for comment and published decisions, never an item
// withheld from disclosure, and only the public parts of their records.

// publicActor is the actor of a comment from the public.
func publicActor(org int64) engine.Actor {
	return engine.Actor{OrgID: org, Name: "社会公众", Roles: []engine.Role{engine.RolePublic}}
}

type publicItem struct {
	ID           int64          `json:"id"`
	Title        string         `json:"title"`
	Workflow     string         `json:"workflow"`
	State        stateView      `json:"state"`
	OpenForInput bool           `json:"open_for_comment"`
	Consultation map[string]any `json:"consultation,omitempty"`
	Publication  map[string]any `json:"publication,omitempty"`
	// Feedback is how the opinions were handled, shown once published.
	Feedback []publicFeedback `json:"feedback,omitempty"`
}

// Record keys the public may read.
var (
	publicConsultationKeys = []string{"methods", "channels", "closes_on", "shortened_reason", "open_comment_period_on", "summary_of_opinions", "handling_summary"}
	publicPublicationKeys  = []string{"published_on", "channels", "interpretation", "disclosure"}
)

func pick(rec engine.Record, stage string, keys []string) map[string]any {
	m, _ := rec[stage].(map[string]any)
	out := map[string]any{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// publicStatus says whether the public may see it: open says it takes
// comments now, published that it is a disclosed decision.
func (s *Server) publicStatus(it *engine.Item) (open, published bool) {
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	if d == nil {
		return false, false
	}
	if evName, _ := d.Settings["public_comment_event"].(string); evName != "" {
		if ev := d.Event(evName); ev != nil && slices.Contains(ev.From, it.State) {
			// Open exactly when the workflow's own rules would take a
			// comment from the public now.
			acts, err := s.eng.ActionsFor(it, publicActor(it.OrgID))
			if err == nil {
				for _, a := range acts {
					open = open || a.Event == evName && a.Allowed
				}
			}
		}
	}
	if states, _ := d.Settings["public_states"].([]any); slices.Contains(states, any(it.State)) {
		pub, _ := it.Record["publication"].(map[string]any)
		disc, _ := pub["disclosure"].(string)
		published = disc == "full" || disc == "partial"
	}
	return open, published
}

func (s *Server) viewPublic(it *engine.Item, open, published bool) publicItem {
	v := publicItem{ID: it.ID, Title: it.Title, Workflow: it.WorkflowID, OpenForInput: open, State: s.viewItem(it).State}
	if open || published {
		v.Consultation = pick(it.Record, "consultation", publicConsultationKeys)
		// The last day comments are taken: the announced closing date,
		// moved to the next working day when it is a rest day.
		d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
		name, _ := d.Settings["public_comment_period"].(string)
		if p, _ := it.Record["periods"].(map[string]any)[name].(map[string]any); p != nil && v.Consultation != nil {
			v.Consultation["comments_until"] = p["due"]
			v.Consultation["comments_until_provisional"] = p["provisional"] == true
		}
	}
	if published {
		v.Publication = pick(it.Record, "publication", publicPublicationKeys)
	}
	return v
}

func (s *Server) publicOrg(c echo.Context) (*engine.Organisation, error) {
	org, err := s.db.GetOrganisationByCode(c.Request().Context(), c.Param("org"))
	if err != nil {
		if engine.ErrorCode(err) == engine.CodeNotFound {
			return nil, engine.Errorz(engine.CodeNotFound, "机关不存在", "no such organisation")
		}
		return nil, err
	}
	return org, nil
}

// publicPage is the number of items in a page of a public list.
const publicPage = 50

// publicList lists, newest first, the items of the organisation that are
// open for comment (kind "consultations") or published ("decisions").
func (s *Server) publicList(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		org, err := s.publicOrg(c)
		if err != nil {
			return err
		}
		var states []string
		for _, d := range s.eng.Workflows().All() {
			if kind == "consultations" {
				if evName, _ := d.Settings["public_comment_event"].(string); evName != "" {
					if ev := d.Event(evName); ev != nil {
						states = append(states, ev.From...)
					}
				}
			} else if ps, _ := d.Settings["public_states"].([]any); ps != nil {
				for _, x := range ps {
					if st, ok := x.(string); ok {
						states = append(states, st)
					}
				}
			}
		}
		out := []publicItem{}
		var next *string
		if len(states) > 0 {
			cursor, err := queryInt(c, "cursor")
			if err != nil {
				return err
			}
			// Scan in pages until a page of public items is found or the
			// list ends; hidden items never show through, and the cursor
			// resumes after the last item looked at.
		scan:
			for {
				items, err := s.db.ListItems(c.Request().Context(), engine.ItemQuery{OrgID: org.ID, States: states, Before: cursor, Limit: 200})
				if err != nil {
					return err
				}
				for _, it := range items {
					open, published := s.publicStatus(it)
					if (kind == "consultations" && open) || (kind == "decisions" && published) {
						out = append(out, s.viewPublic(it, open, published))
					}
					if len(out) == publicPage {
						n := itoa(it.ID)
						next = &n
						break scan
					}
				}
				if len(items) < 200 {
					break
				}
				cursor = items[len(items)-1].ID
			}
		}
		return c.JSON(http.StatusOK, map[string]any{"items": out, "next_cursor": next})
	}
}

func (s *Server) publicGetItem(c echo.Context) error {
	org, err := s.publicOrg(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return itemNotFound()
	}
	it, err := s.eng.Store().GetItem(c.Request().Context(), org.ID, id)
	if err != nil {
		return err
	}
	open, published := s.publicStatus(it)
	if !open && !published {
		return itemNotFound()
	}
	v := s.viewPublic(it, open, published)
	if published {
		if v.Feedback, err = s.feedback(c.Request().Context(), it); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, v)
}

type publicCommentRequest struct {
	Content   string `json:"content"`
	Commenter string `json:"commenter"`
	Contact   string `json:"contact"`
}

type publicCommentReceipt struct {
	ItemID     int64     `json:"item_id"`
	ReceivedAt time.Time `json:"received_at"`
	Receipt    string    `json:"receipt"`
}

// publicComment takes a comment on an item open for comment. It is
// rate-limited per client address; the comment becomes an audit event of
// the item, stamped with the time it was received.
func (s *Server) publicComment(c echo.Context) error {
	if !s.public.Allow("ip:" + c.RealIP()) {
		return rateLimited()
	}
	org, err := s.publicOrg(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return itemNotFound()
	}
	var req publicCommentRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	req.Content = strings.TrimSpace(req.Content)
	if req.Content == "" || utf8.RuneCountInString(req.Content) > 5000 {
		return &engine.Error{Code: engine.CodeInvalid, Field: "content", MessageZh: "意见内容不能为空，且不超过5000字", Message: "the comment must be 1 to 5000 characters"}
	}
	if utf8.RuneCountInString(req.Commenter) > 100 || utf8.RuneCountInString(req.Contact) > 200 {
		return &engine.Error{Code: engine.CodeInvalid, Field: "commenter", MessageZh: "姓名或联系方式过长", Message: "name or contact too long"}
	}
	ctx := c.Request().Context()
	it, err := s.eng.Store().GetItem(ctx, org.ID, id)
	if err != nil {
		return err
	}
	if open, _ := s.publicStatus(it); !open {
		return itemNotFound()
	}
	res, err := s.takeComment(ctx, it, pendingComment{content: req.Content, commenter: strings.TrimSpace(req.Commenter),
		contact: strings.TrimSpace(req.Contact), receivedAt: s.eng.Now()})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, publicCommentReceipt{ItemID: it.ID, ReceivedAt: res.receivedAt.UTC(),
		Receipt: fmt.Sprintf("%d-%d-%d", it.ID, res.seq, res.index+1)})
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

// maxCommentBatch bounds how many comments one event records.
const maxCommentBatch = 500

// takeComment records a public comment and returns once it is committed
// (so an acknowledged comment is stored). Comments on one item arriving
// while another is being recorded are gathered and recorded together, as
// one event of the workflow's batch event listing each with its time
// received ("group commit"); alone, a comment is an event of its own.
// Conflicts with staff or other replicas are retried.
func (s *Server) takeComment(ctx context.Context, it *engine.Item, pc pendingComment) (commentResult, error) {
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	single, _ := d.Settings["public_comment_event"].(string)
	batch, _ := d.Settings["public_comment_batch_event"].(string)
	pc.done = make(chan commentResult, 1)
	s.commentMu.Lock()
	if s.commentQueues == nil {
		s.commentQueues = map[int64]*commentQueue{}
	}
	q := s.commentQueues[it.ID]
	if q == nil {
		q = &commentQueue{}
		s.commentQueues[it.ID] = q
	}
	q.pending = append(q.pending, &pc)
	lead := !q.leader
	q.leader = true
	s.commentMu.Unlock()
	if lead {
		// Record batches until the queue is empty; the work is not tied
		// to this request, so it goes on if its client leaves.
		go s.recordComments(it.ID, it.OrgID, q, single, batch)
	}
	select {
	case r := <-pc.done:
		return r, r.err
	case <-ctx.Done():
		return commentResult{}, ctx.Err()
	}
}

func (s *Server) recordComments(itemID, org int64, q *commentQueue, single, batch string) {
	ctx := context.Background()
	actor := publicActor(org)
	for {
		s.commentMu.Lock()
		n := min(len(q.pending), maxCommentBatch)
		if n == 0 {
			q.leader = false
			delete(s.commentQueues, itemID)
			s.commentMu.Unlock()
			return
		}
		take := q.pending[:n:n]
		q.pending = q.pending[n:]
		s.commentMu.Unlock()

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
