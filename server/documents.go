package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

func (s *Server) listDocuments(c echo.Context) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	ds, err := s.svc.Documents(c.Request().Context(), principalOf(c).Actor, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"documents": ds})
}

func serveDocument(c echo.Context, d *engine.Document) error {
	h := c.Response().Header()
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(d.Filename))
	h.Set("X-Content-SHA256", d.SHA256)
	h.Set("ETag", `"`+d.SHA256+`"`)
	return c.Blob(http.StatusOK, d.ContentType, d.Content)
}

func (s *Server) downloadDocument(c echo.Context) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	doc, err := pathID(c, "doc")
	if err != nil {
		return engine.Errorz(engine.CodeNotFound, "文件不存在", "no such document")
	}
	d, err := s.svc.Document(c.Request().Context(), principalOf(c).Actor, id, doc)
	if err != nil {
		return err
	}
	return serveDocument(c, d)
}

// uploadDocument stores a file attached to the item (multipart fields
// "file" and "kind"; optional "public" = "true", "event", "payload" (a JSON
// object) and "reason"). A draft becomes the item's current draft through
// the workflow's draft event; with "event", that event is fired with the
// file in one transaction (procedure.Service.UploadDocument).
func (s *Server) uploadDocument(c echo.Context) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	want, err := ifMatch(c)
	if err != nil {
		return err
	}
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "multipart/form-data" {
		return engine.Errorz(engine.CodeUnsupportedMedia, "上传文件应使用 multipart/form-data", "upload files as multipart/form-data")
	}
	form, err := c.Request().MultipartReader()
	if err != nil {
		return engine.Errorz(engine.CodeMalformed, "无法解析上传内容", "the multipart body could not be read")
	}
	up := procedure.Upload{Expected: want}
	var payloadJSON string
	small := func(r io.Reader, n int64) (string, error) {
		b, err := io.ReadAll(io.LimitReader(r, n))
		return strings.TrimSpace(string(b)), err
	}
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
			up.Kind, err = small(part, 100)
		case "event":
			up.Event, err = small(part, 100)
		case "reason":
			up.Reason, err = small(part, 20000)
		case "public":
			var v string
			v, err = small(part, 10)
			up.Public = v == "true" || v == "on" || v == "1"
		case "payload":
			payloadJSON, err = small(part, 64<<10)
		case "file":
			if up.Content != nil {
				return &engine.Error{Code: engine.CodeInvalid, Field: "file", MessageZh: "一次只能上传一个文件", Message: "upload one file at a time"}
			}
			up.Filename = part.FileName()
			up.ContentType, _, _ = mime.ParseMediaType(part.Header.Get(echo.HeaderContentType))
			b, rerr := io.ReadAll(io.LimitReader(part, s.cfg.DocumentLimit+1))
			if rerr != nil {
				return uploadReadError(rerr)
			}
			if int64(len(b)) > s.cfg.DocumentLimit {
				return tooLarge()
			}
			up.Content = b
		default:
			return &engine.Error{Code: engine.CodeInvalid, Field: part.FormName(), MessageZh: "未知字段：" + part.FormName(), Message: "unknown field: " + part.FormName()}
		}
		if err != nil {
			return uploadReadError(err)
		}
	}
	for field, v := range map[string]string{"kind": up.Kind, "event": up.Event, "reason": up.Reason, "payload": payloadJSON} {
		if err := engine.CheckText(field, v); err != nil {
			return err
		}
	}
	if payloadJSON != "" {
		dec := json.NewDecoder(strings.NewReader(payloadJSON))
		dec.UseNumber()
		if err := dec.Decode(&up.Payload); err != nil || up.Payload == nil {
			return &engine.Error{Code: engine.CodeMalformed, Field: "payload", MessageZh: "payload 应为 JSON 对象", Message: "payload must be a JSON object"}
		}
		if err := engine.CheckStrings("payload", map[string]any(up.Payload)); err != nil {
			return err
		}
	}
	res, err := s.svc.UploadDocument(c.Request().Context(), principalOf(c).Actor, id, up)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/api/v1/items/%d/documents/%d", id, res.Document.ID))
	if res.Fired != nil {
		c.Response().Header().Set("ETag", etag(res.Fired.Version))
	}
	return c.JSON(http.StatusCreated, res.Document)
}

func uploadReadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge()
	}
	return engine.Errorz(engine.CodeMalformed, "无法读取上传内容", "the upload could not be read")
}
