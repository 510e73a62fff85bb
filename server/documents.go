package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/juece/juece/engine"
	"github.com/labstack/echo/v4"
)

// DocumentKinds are the kinds of documents an item may carry.
var DocumentKinds = []string{"draft", "attachment", "opinion", "report", "transcript", "minutes", "other"}

// documentTypes are the accepted content types, with the type sniffing
// must agree with where it can tell (PDF and images).
var documentTypes = map[string]string{
	"application/pdf":    "application/pdf",
	"application/msword": "",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "",
	"application/vnd.oasis.opendocument.text":                                 "",
	"application/ofd": "",
	"text/plain":      "text/plain",
	"image/png":       "image/png",
	"image/jpeg":      "image/jpeg",
}

func (s *Server) listDocuments(c echo.Context) error {
	p, it, err := s.loadItem(c)
	if err != nil {
		return err
	}
	ds, err := s.db.ListDocuments(c.Request().Context(), p.Actor.OrgID, it.ID)
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []*engine.Document{}
	}
	return c.JSON(http.StatusOK, map[string]any{"documents": ds})
}

func (s *Server) downloadDocument(c echo.Context) error {
	p, it, err := s.loadItem(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "doc")
	if err != nil {
		return engine.Errorz(engine.CodeNotFound, "文件不存在", "no such document")
	}
	d, err := s.db.GetDocument(c.Request().Context(), p.Actor.OrgID, it.ID, id)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(d.Filename))
	h.Set("X-Content-SHA256", d.SHA256)
	h.Set("ETag", `"`+d.SHA256+`"`)
	return c.Blob(http.StatusOK, d.ContentType, d.Content)
}

// uploadDocument stores a file attached to the item (multipart fields
// "file" and "kind"). A draft (kind=draft) also becomes the item's current
// draft: the workflow's draft event (settings.draft_event, with the digest
// in settings.draft_field) is fired with the file's SHA-256 and the JSON
// object in the optional "payload" field; if that event is refused the
// file is not kept.
func (s *Server) uploadDocument(c echo.Context) error {
	p, it, err := s.loadItem(c)
	if err != nil {
		return err
	}
	if _, err := checkIfMatch(c, it); err != nil {
		return err
	}
	if p.Actor.Has(engine.RoleAuditor) && len(p.Actor.Roles) == 1 || p.Actor.Has(engine.RoleAdmin) && len(p.Actor.Roles) == 1 {
		return engine.Errorz(engine.CodeForbidden, "您的角色无权上传文件", "your roles may not upload documents")
	}
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "multipart/form-data" {
		return engine.Errorz(engine.CodeUnsupportedMedia, "上传文件应使用 multipart/form-data", "upload files as multipart/form-data")
	}
	form, err := c.Request().MultipartReader()
	if err != nil {
		return engine.Errorz(engine.CodeMalformed, "无法解析上传内容", "the multipart body could not be read")
	}
	var (
		kind, payloadJSON, filename, partType string
		content                               []byte
	)
	for {
		part, err := form.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return uploadReadError(err)
		}
		switch part.FormName() {
		case "kind":
			b, err := io.ReadAll(io.LimitReader(part, 100))
			if err != nil {
				return uploadReadError(err)
			}
			kind = strings.TrimSpace(string(b))
		case "payload":
			b, err := io.ReadAll(io.LimitReader(part, 64<<10))
			if err != nil {
				return uploadReadError(err)
			}
			payloadJSON = string(b)
		case "file":
			if content != nil {
				return &engine.Error{Code: engine.CodeInvalid, Field: "file", MessageZh: "一次只能上传一个文件", Message: "upload one file at a time"}
			}
			filename = filepath.Base(part.FileName())
			partType = part.Header.Get(echo.HeaderContentType)
			b, err := io.ReadAll(io.LimitReader(part, s.cfg.DocumentLimit+1))
			if err != nil {
				return uploadReadError(err)
			}
			if int64(len(b)) > s.cfg.DocumentLimit {
				return tooLarge()
			}
			content = b
		default:
			return &engine.Error{Code: engine.CodeInvalid, Field: part.FormName(), MessageZh: "未知字段：" + part.FormName(), Message: "unknown field: " + part.FormName()}
		}
	}
	if !slices.Contains(DocumentKinds, kind) {
		return &engine.Error{Code: engine.CodeInvalid, Field: "kind", MessageZh: "文件类别应为 " + strings.Join(DocumentKinds, "、"),
			Message: "kind must be one of " + strings.Join(DocumentKinds, ", ")}
	}
	if len(content) == 0 {
		return &engine.Error{Code: engine.CodeInvalid, Field: "file", MessageZh: "请上传非空文件", Message: "a non-empty file is required"}
	}
	if filename == "" || filename == "." || !utf8.ValidString(filename) || len(filename) > 255 {
		return &engine.Error{Code: engine.CodeInvalid, Field: "file", MessageZh: "文件名无效", Message: "invalid file name"}
	}
	mt, _, _ := mime.ParseMediaType(partType)
	sniff, ok := documentTypes[mt]
	if !ok {
		return engine.Errorz(engine.CodeUnsupportedMedia, "不支持的文件类型（PDF、Word、OFD、文本、PNG、JPEG）",
			"unsupported file type (PDF, Word, ODT, OFD, text, PNG, JPEG)")
	}
	if sniff != "" && !strings.HasPrefix(http.DetectContentType(content), sniff) {
		return engine.Errorz(engine.CodeUnsupportedMedia, "文件内容与声明的类型不符", "the file content does not match its declared type")
	}
	var extra map[string]any
	if payloadJSON != "" {
		dec := json.NewDecoder(strings.NewReader(payloadJSON))
		dec.UseNumber()
		if err := dec.Decode(&extra); err != nil || extra == nil {
			return &engine.Error{Code: engine.CodeMalformed, Field: "payload", MessageZh: "payload 应为 JSON 对象", Message: "payload must be a JSON object"}
		}
	}
	var draftEvent, draftField string
	if kind == "draft" {
		d := s.eng.Workflows().Get(it.WorkflowID, it.WorkflowVersion)
		draftEvent, _ = d.Settings["draft_event"].(string)
		draftField, _ = d.Settings["draft_field"].(string)
		if draftEvent == "" || draftField == "" {
			return &engine.Error{Code: engine.CodeInvalid, Field: "kind", MessageZh: "该流程不通过上传登记草案", Message: "this workflow does not take drafts by upload"}
		}
	} else if payloadJSON != "" {
		return &engine.Error{Code: engine.CodeInvalid, Field: "payload", MessageZh: "只有草案上传可附带 payload", Message: "payload goes only with a draft"}
	}
	ctx := c.Request().Context()
	doc := &engine.Document{OrgID: p.Actor.OrgID, ItemID: it.ID, Kind: kind, Filename: filename, ContentType: mt,
		Content: content, UploadedBy: p.Actor.Ref(), CreatedAt: s.eng.Now()}
	if draftEvent != "" {
		sum := sha256.Sum256(content)
		if extra == nil {
			extra = map[string]any{}
		}
		extra[draftField] = hex.EncodeToString(sum[:])
		// The event is checked and fired first: a refused draft leaves
		// nothing behind. The file is then stored; were that to fail, the
		// recorded digest still names exactly the bytes the caller holds.
		if _, err := s.eng.Fire(ctx, it.ID, draftEvent, p.Actor, engine.Input{Payload: extra}, it.Version); err != nil {
			return err
		}
	}
	if err := s.db.CreateDocument(ctx, doc); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/items/%d/documents/%d", it.ID, doc.ID))
	return c.JSON(http.StatusCreated, doc)
}

func uploadReadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge()
	}
	return engine.Errorz(engine.CodeMalformed, "无法读取上传内容", "the upload could not be read")
}
