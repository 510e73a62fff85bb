package server

import (
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
			cons, _ := it.Record["consultation"].(map[string]any)
			methods, _ := cons["methods"].([]any)
			closes, _ := cons["closes_on"].(string)
			open = slices.Contains(methods, any("public_comment")) && closes != "" && s.eng.Today().String() <= closes
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
	if !s.public.allow("ip:" + c.RealIP()) {
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
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	evName, _ := d.Settings["public_comment_event"].(string)
	payload := map[string]any{"content": req.Content, "channel": "website"}
	if req.Commenter != "" {
		payload["commenter"] = strings.TrimSpace(req.Commenter)
	}
	if req.Contact != "" {
		payload["contact"] = strings.TrimSpace(req.Contact)
	}
	// Comments to one item are taken one at a time in this replica (they
	// all move the item's version); staff and other replicas can still
	// race, so a conflict is retried: an acknowledged comment is stored.
	unlock := s.itemLocks.lock(it.ID)
	defer unlock()
	var res *engine.Result
	for attempt := 0; ; attempt++ {
		res, err = s.eng.Fire(ctx, it.ID, evName, publicActor(org.ID), engine.Input{Payload: payload}, 0)
		if err == nil || engine.ErrorCode(err) != engine.CodeConflict || attempt == 20 {
			break
		}
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, publicCommentReceipt{ItemID: it.ID, ReceivedAt: res.Event.At.UTC(), Receipt: itoa(it.ID) + "-" + itoa(int64(res.Event.Seq))})
}
