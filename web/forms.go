package web

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"github.com/labstack/echo/v4"
)

// Forms for events are generated from the workflow's field declarations
// (procedure.FieldView), so that a new workflow gets its pages without new
// templates. formField is one input as the template draws it; payloadOf
// reads the submitted form back into the event's payload. What a value
// must be is the workflow's to say: the payload goes to the use case as
// typed, and its refusals come back beside the form.

// option is one choice of a select, radio group or checkbox group.
type option struct {
	Value  string
	Label  engine.Text
	Detail string
	// Warn marks a choice the rules will likely refuse (a counsel whose
	// contract does not cover today), with the reason.
	Warn     engine.Text
	Selected bool
}

// formField is one input of a generated form.
type formField struct {
	Name     string // the form name: "f.<field>"
	ID       string
	Label    engine.Text
	Help     *engine.Text
	Required bool
	// Kind is how the template draws it: text, textarea, date, number,
	// select, radios, checks, lines, yesno, document.
	Kind    string
	Value   string
	Max     int
	Options []option
	// Document fields: the item's documents of the field's kinds to pick
	// from, and the kinds a new file may be uploaded as.
	Kinds   []string
	FileKey string
	Invalid bool
}

// actionForm is an event's form.
type actionForm struct {
	Action    procedure.ActionView
	Fields    []formField
	Multipart bool
	// Confirm asks for an explicit confirmation: the action ends the
	// procedure or cannot be undone.
	Confirm bool
	Reason  string
	Error   *engine.Error
	// Open shows the form unfolded (the action asked for in the URL).
	Open bool
}

// formContext is what generated forms draw their choices from.
type formContext struct {
	docs  []*engine.Document
	users map[engine.Role][]procedure.UserChoice
	depts []engine.Department
}

// loadFormContext fetches the choices the fields of acts need: users by
// role, departments, the item's documents.
func (w *Web) loadFormContext(ctx context.Context, actor engine.Actor, acts []procedure.ActionView, docs []*engine.Document) (*formContext, error) {
	fc := &formContext{docs: docs, users: map[engine.Role][]procedure.UserChoice{}}
	needDepts := false
	for _, a := range acts {
		for _, f := range a.Fields {
			if f.Assigns != "" {
				if _, done := fc.users[f.Assigns]; !done {
					us, err := w.svc.UserChoices(ctx, actor, f.Assigns)
					if err != nil {
						return nil, err
					}
					fc.users[f.Assigns] = us
				}
			}
			needDepts = needDepts || f.AssignsDepartment != ""
		}
	}
	if needDepts {
		ds, err := w.svc.Departments(ctx, actor)
		if err != nil {
			return nil, err
		}
		fc.depts = ds
	}
	return fc, nil
}

// buildForm lays out the form of a, filled with the values submitted
// (nil for a fresh form) and marked where err names a field.
func (fc *formContext) buildForm(a procedure.ActionView, values url.Values, err *engine.Error) actionForm {
	af := actionForm{Action: a, Error: err, Confirm: a.ReasonRequired}
	if values != nil {
		af.Reason = values.Get("reason")
	}
	for _, f := range a.Fields {
		ff := formField{Name: "f." + f.Name, ID: "ev-" + a.Event + "-" + f.Name, Label: f.Label, Help: f.Help, Required: f.Required, Max: f.Max}
		if values != nil {
			ff.Value = values.Get(ff.Name)
		}
		if err != nil && err.Field == f.Name {
			ff.Invalid = true
		}
		chosen := func(v string) bool {
			if values == nil {
				return false
			}
			return slices.Contains(values[ff.Name], v)
		}
		switch engine.FieldType(f.Type) {
		case engine.FieldText:
			ff.Kind = "textarea"
			if f.Max > 0 && f.Max <= 200 {
				ff.Kind = "text"
			}
		case engine.FieldDate:
			ff.Kind = "date"
		case engine.FieldInteger:
			ff.Kind = "number"
		case engine.FieldBoolean:
			ff.Kind = "yesno"
		case engine.FieldEnum:
			ff.Kind = "select"
			for _, ch := range f.Choices {
				ff.Options = append(ff.Options, option{Value: ch.Value, Label: ch.Label, Selected: ff.Value == ch.Value})
			}
		case engine.FieldSHA256:
			ff.Kind = "text"
			if len(f.Document) > 0 {
				ff.Kind, ff.Kinds, ff.FileKey = "document", f.Document, "file."+f.Name
				af.Multipart = true
				for _, d := range fc.docs {
					if slices.Contains(f.Document, d.Kind) {
						ff.Options = append(ff.Options, option{Value: d.SHA256, Label: engine.Text{Zh: d.Filename, En: d.Filename},
							Detail: d.SHA256[:12] + " · " + chinaTime(d.CreatedAt), Selected: ff.Value == d.SHA256})
					}
				}
			}
		case engine.FieldList:
			ff.Kind = "lines"
			if len(f.Choices) > 0 {
				ff.Kind = "checks"
				for _, ch := range f.Choices {
					ff.Options = append(ff.Options, option{Value: ch.Value, Label: ch.Label, Selected: chosen(ch.Value)})
				}
			}
		case engine.FieldID, engine.FieldIDList:
			multi := engine.FieldType(f.Type) == engine.FieldIDList
			switch {
			case f.Assigns != "":
				for _, u := range fc.users[f.Assigns] {
					o := option{Value: strconv.FormatInt(u.ID, 10), Label: engine.Text{Zh: u.Name, En: u.Name}, Selected: chosen(strconv.FormatInt(u.ID, 10))}
					if u.Department != "" {
						o.Detail = u.Department
					}
					if u.LawFirm != "" {
						o.Detail = u.LawFirm + " · " + u.LicenceNo + " · " + u.ContractFrom + "—" + u.ContractTo
					}
					if !u.Current {
						o.Warn = engine.Text{Zh: "聘用合同不在有效期内", En: "the contract does not cover today"}
					}
					ff.Options = append(ff.Options, o)
				}
			case f.AssignsDepartment != "":
				for _, d := range fc.depts {
					v := strconv.FormatInt(d.ID, 10)
					ff.Options = append(ff.Options, option{Value: v, Label: engine.Text{Zh: d.Name, En: d.Name}, Selected: chosen(v)})
				}
			}
			switch {
			case len(ff.Options) > 0 && multi:
				ff.Kind = "checks"
			case len(ff.Options) > 0:
				ff.Kind = "radios"
			case multi:
				ff.Kind = "text"
				ff.Help = &engine.Text{Zh: "编号，多个用逗号分隔", En: "Numbers, separated by commas"}
			default:
				ff.Kind = "number"
			}
		default:
			ff.Kind = "text"
		}
		af.Fields = append(af.Fields, ff)
	}
	return af
}

// payloadOf reads the submitted form of an event into its payload, typed
// by the field declarations. Empty optional inputs are left out (the
// engine gives them their zero value); a number that is not one is
// refused naming the field.
func payloadOf(a procedure.ActionView, form url.Values) (map[string]any, error) {
	p := map[string]any{}
	for _, f := range a.Fields {
		name := "f." + f.Name
		vals := form[name]
		one := strings.TrimSpace(form.Get(name))
		switch engine.FieldType(f.Type) {
		case engine.FieldText:
			if v := strings.TrimSpace(strings.ReplaceAll(form.Get(name), "\r\n", "\n")); v != "" {
				p[f.Name] = v
			}
		case engine.FieldDate, engine.FieldEnum, engine.FieldSHA256:
			if one != "" {
				p[f.Name] = one
			}
		case engine.FieldBoolean:
			switch one {
			case "true":
				p[f.Name] = true
			case "false":
				p[f.Name] = false
			}
		case engine.FieldInteger, engine.FieldID:
			if one == "" {
				continue
			}
			n, err := strconv.ParseInt(one, 10, 64)
			if err != nil {
				return nil, &engine.Error{Code: engine.CodeInvalid, Field: f.Name, MessageZh: "“" + f.Label.Zh + "”应为整数",
					Message: `"` + f.Label.En + `" must be a whole number`}
			}
			p[f.Name] = n
		case engine.FieldList:
			var list []any
			if len(f.Choices) > 0 {
				for _, v := range vals {
					list = append(list, v)
				}
			} else {
				for _, line := range strings.Split(strings.ReplaceAll(form.Get(name), "\r\n", "\n"), "\n") {
					if line = strings.TrimSpace(line); line != "" {
						list = append(list, line)
					}
				}
			}
			if len(list) > 0 {
				p[f.Name] = list
			}
		case engine.FieldIDList:
			var list []any
			var raw []string
			for _, v := range vals {
				raw = append(raw, strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' })...)
			}
			for _, v := range raw {
				n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				if err != nil {
					return nil, &engine.Error{Code: engine.CodeInvalid, Field: f.Name, MessageZh: "“" + f.Label.Zh + "”应为编号",
						Message: `"` + f.Label.En + `" must be ids`}
				}
				list = append(list, n)
			}
			if len(list) > 0 {
				p[f.Name] = list
			}
		}
	}
	return p, nil
}

// uploadedFile is a file submitted with a form.
type uploadedFile struct {
	Field, Kind, Filename, ContentType string
	Content                            []byte
}

// formFile reads the file of a document field from a multipart form, if
// one was chosen; kind is the field's kind (the first one declared, or the
// one chosen when several are allowed).
func formFile(c echo.Context, a procedure.ActionView, limit int64) (*uploadedFile, error) {
	for _, f := range a.Fields {
		if len(f.Document) == 0 {
			continue
		}
		fh, err := c.FormFile("file." + f.Name)
		if err != nil || fh.Size == 0 {
			continue
		}
		kind := f.Document[0]
		if k := c.FormValue("kind." + f.Name); slices.Contains(f.Document, k) {
			kind = k
		}
		content, err := readFile(fh, limit)
		if err != nil {
			return nil, err
		}
		return &uploadedFile{Field: f.Name, Kind: kind, Filename: fh.Filename, ContentType: contentTypeOf(fh), Content: content}, nil
	}
	return nil, nil
}

func readFile(fh *multipart.FileHeader, limit int64) ([]byte, error) {
	if fh.Size > limit {
		return nil, engine.Errorz(engine.CodeTooLarge, "文件超过大小限制", "the file is too large")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, engine.Errorz(engine.CodeMalformed, "无法读取上传的文件", "the uploaded file could not be read")
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit+1))
}

// contentTypeOf is the declared type of an uploaded file; a browser that
// declares none (application/octet-stream) is taken at the file name's
// extension.
func contentTypeOf(fh *multipart.FileHeader) string {
	ct, _, _ := mime.ParseMediaType(fh.Header.Get("Content-Type"))
	if ct == "" || ct == "application/octet-stream" {
		if byExt, _, err := mime.ParseMediaType(mime.TypeByExtension(strings.ToLower(filepath.Ext(fh.Filename)))); err == nil {
			ct = byExt
		}
	}
	if ct == "" || ct == "application/octet-stream" {
		if known, ok := extensionTypes[strings.ToLower(filepath.Ext(fh.Filename))]; ok {
			ct = known
		}
	}
	return ct
}

// extensionTypes are the accepted types by file extension, for machines
// without a mime.types file.
var extensionTypes = map[string]string{
	".pdf": "application/pdf", ".doc": "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".odt":  "application/vnd.oasis.opendocument.text", ".ofd": "application/ofd", ".txt": "text/plain",
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
}
