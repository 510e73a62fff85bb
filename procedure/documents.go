package procedure

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/juece/juece/engine"
)

// documentTypes are the accepted content types, with the type sniffing
// must agree with where it can tell (PDF and images).
var documentTypes = map[string]string{
	"application/pdf":    "application/pdf",
	"application/msword": "",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "",
	"application/vnd.oasis.opendocument.text":                                 "",
	"application/ofd": "",
	"text/plain":      "text/plain",
	"text/html":       "text/html",
	"image/png":       "image/png",
	"image/jpeg":      "image/jpeg",
}

// Upload is a file attached to an item, optionally with the event that
// records it.
type Upload struct {
	Kind        string
	Filename    string
	ContentType string
	Content     []byte
	// Public marks the document for publication with the item (the draft
	// and its explanation during a consultation, the decision's text).
	Public bool
	// Event, when set, is fired together with the upload, in the same
	// transaction; the file's digest fills the event's document field for
	// this kind unless Payload gives it. A draft (Kind "draft") is always
	// recorded through the workflow's draft event.
	Event   string
	Payload map[string]any
	Reason  string
	// Expected, when not 0, must be the item's version.
	Expected int
}

// Uploaded is a stored document and, when an event was fired with it, the
// event's outcome.
type Uploaded struct {
	Document *engine.Document `json:"document"`
	Fired    *Fired           `json:"fired,omitempty"`
}

// cleanFilename returns the base name of name when it is a file name a
// person could have meant, "" otherwise: no path, no "." or "..", no
// control or bidirectional-override characters, at most 255 bytes.
func cleanFilename(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "" || name == "." || name == ".." || name == "/" || !utf8.ValidString(name) || len(name) > 255 {
		return ""
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
			return ""
		}
	}
	return name
}

// UploadDocument stores a file on an item actor may see, and fires the
// event that records it when there is one, atomically: if the event is
// refused, the file is not kept. Returns invalid for a bad kind, file name
// or empty file, unsupported_media_type when the declared type is not
// accepted or the content does not match it, forbidden for roles that
// only read.
func (s *Service) UploadDocument(ctx context.Context, actor engine.Actor, itemID int64, up Upload) (*Uploaded, error) {
	it, err := s.Load(ctx, actor, itemID)
	if err != nil {
		return nil, err
	}
	if err := CheckVersion(it, up.Expected); err != nil {
		return nil, err
	}
	if onlyReads(actor) {
		return nil, engine.Errorz(engine.CodeForbidden, "您的角色只能查阅，不能上传文件", "your roles may read but not upload")
	}
	if !slices.Contains(engine.DocumentKinds, up.Kind) {
		names := make([]string, len(engine.DocumentKinds))
		for i, k := range engine.DocumentKinds {
			names[i] = engine.DocumentKindLabel(k).Zh
		}
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "kind", MessageZh: "文件类别应为：" + strings.Join(names, "、"),
			Message: "kind must be one of " + strings.Join(engine.DocumentKinds, ", ")}
	}
	if len(up.Content) == 0 {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "file", MessageZh: "请上传非空文件", Message: "a non-empty file is required"}
	}
	name := cleanFilename(up.Filename)
	if name == "" {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "file", MessageZh: "文件名无效", Message: "invalid file name"}
	}
	sniff, ok := documentTypes[up.ContentType]
	if !ok {
		return nil, engine.Errorz(engine.CodeUnsupportedMedia, "不支持的文件类型（PDF、Word、OFD、文本、PNG、JPEG）",
			"unsupported file type (PDF, Word, ODT, OFD, text, PNG, JPEG)")
	}
	if sniff != "" && !strings.HasPrefix(http.DetectContentType(up.Content), sniff) {
		return nil, engine.Errorz(engine.CodeUnsupportedMedia, "文件内容与声明的类型不符", "the file content does not match its declared type")
	}
	sum := sha256.Sum256(up.Content)
	doc := &engine.Document{OrgID: actor.OrgID, ItemID: it.ID, Kind: up.Kind, Filename: name, ContentType: up.ContentType,
		Content: up.Content, Size: int64(len(up.Content)), SHA256: hex.EncodeToString(sum[:]), UploadedBy: actor.Ref(),
		CreatedAt: s.eng.Now(), Public: up.Public}
	d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
	event, payload := up.Event, up.Payload
	if up.Kind == "draft" {
		if d == nil || d.Procedure.Draft == nil {
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "kind", MessageZh: "该流程不通过上传登记草案", Message: "this workflow does not take drafts by upload"}
		}
		if event != "" && event != d.Procedure.Draft.Event {
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "event", MessageZh: "草案通过登记草案办理", Message: "a draft is recorded by the draft event"}
		}
		event = d.Procedure.Draft.Event
		if payload == nil {
			payload = map[string]any{}
		}
		payload[d.Procedure.Draft.Field] = doc.SHA256
	} else if event != "" {
		ev := d.Event(event)
		if ev == nil {
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "event", MessageZh: "该流程没有此操作", Message: "no such event"}
		}
		if payload == nil {
			payload = map[string]any{}
		}
		filled := false
		for _, f := range ev.Fields {
			if slices.Contains(f.DocumentKinds, up.Kind) {
				if _, given := payload[f.Name]; !given && !filled {
					payload[f.Name] = doc.SHA256
					filled = true
				}
			}
		}
		if !filled && !slices.Contains(mapValuesAny(payload), any(doc.SHA256)) {
			return nil, &engine.Error{Code: engine.CodeInvalid, Field: "kind", MessageZh: "该操作不记录此类别的文件",
				Message: "this event records no document of this kind"}
		}
	} else if up.Payload != nil {
		return nil, &engine.Error{Code: engine.CodeInvalid, Field: "payload", MessageZh: "只有随操作上传的文件可附带内容", Message: "a payload goes only with an event"}
	}
	if event == "" {
		if err := s.store.CommitWithDocument(ctx, nil, doc); err != nil {
			return nil, err
		}
		return &Uploaded{Document: doc}, nil
	}
	expected := up.Expected
	if expected == 0 {
		expected = it.Version
	}
	tr, err := s.eng.PrepareLoaded(ctx, it, event, actor, engine.Input{Payload: payload, Reason: up.Reason, Documents: []*engine.Document{doc}}, expected)
	if err != nil {
		return nil, err
	}
	if err := s.store.CommitWithDocument(ctx, tr, doc); err != nil {
		return nil, err
	}
	f, err := s.fired(&engine.Result{Item: tr.Item, Event: tr.Event}, actor)
	if err != nil {
		return nil, err
	}
	return &Uploaded{Document: doc, Fired: f}, nil
}

func mapValuesAny(m map[string]any) []any {
	out := make([]any, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// onlyReads reports whether actor's roles only read (the auditor, the
// administrator).
func onlyReads(actor engine.Actor) bool {
	for _, r := range actor.Roles {
		if r != engine.RoleAuditor && r != engine.RoleAdmin {
			return false
		}
	}
	return true
}

// Documents lists the documents of an item actor may see (without their
// content), oldest first.
func (s *Service) Documents(ctx context.Context, actor engine.Actor, itemID int64) ([]*engine.Document, error) {
	it, err := s.Load(ctx, actor, itemID)
	if err != nil {
		return nil, err
	}
	ds, err := s.store.ListDocuments(ctx, actor.OrgID, it.ID)
	if ds == nil {
		ds = []*engine.Document{}
	}
	return ds, err
}

// Document returns one document of an item actor may see, with its
// content.
func (s *Service) Document(ctx context.Context, actor engine.Actor, itemID, docID int64) (*engine.Document, error) {
	it, err := s.Load(ctx, actor, itemID)
	if err != nil {
		return nil, err
	}
	if docID <= 0 {
		return nil, engine.Errorz(engine.CodeNotFound, "文件不存在", "no such document")
	}
	return s.store.GetDocument(ctx, actor.OrgID, it.ID, docID)
}
