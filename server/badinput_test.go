package server_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
)

// The bad-input sweep: malformed JSON, wrong types, unknown fields,
// oversize and empty bodies, unknown ids, illegal events, stale versions
// and bad paths all get a 4xx problem with the expected code, never a 500,
// and the database is exactly as before (row counts and chain heads).
func TestAPI_BadInputSweep_Always4xxAndNothingChanges(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id := e.createItem(t)
		e.walk(t, id, "record_department_consultation") // drafting, a draft recorded
		item := fmt.Sprintf("/api/v1/items/%d", id)
		ev := item + "/events/"
		big := `{"workflow":"major-decision","title":"` + strings.Repeat("长", 400_000) + `"}`
		cases := []struct {
			name   string
			r      req
			status int
			code   string
		}{
			{"malformed JSON", req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: `{"workflow": "major-decision",`}, 400, "malformed"},
			{"not JSON at all", req{Method: "POST", Path: ev + "record_draft", User: "fgw", Body: `payload=1`}, 400, "malformed"},
			{"two JSON values", req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: `{} {}`}, 400, "malformed"},
			{"empty body", req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: ``}, 400, "malformed"},
			{"JSON array body", req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: `[1,2]`}, 422, "invalid"},
			{"wrong type of title", req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: `{"workflow":"major-decision","title":123}`}, 422, "invalid"},
			{"unknown top-level field", req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: `{"workflow":"major-decision","title":"x","colour":"red"}`}, 422, "invalid"},
			{"unknown workflow", req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: `{"workflow":"no-such","title":"x"}`}, 422, "invalid"},
			{"missing workflow", req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: `{"title":"x"}`}, 422, "invalid"},
			{"oversize body", req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: big}, 413, "too_large"},
			{"wrong content type", req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: `{}`, Header: map[string]string{"Content-Type": "text/plain"}}, 415, "unsupported_media_type"},
			{"payload field of the wrong type", req{Method: "POST", Path: ev + "record_draft", User: "fgw", Body: `{"payload":{"draft_sha256":123,"legal_basis":["x"]}}`}, 422, "invalid"},
			{"payload field not declared", req{Method: "POST", Path: ev + "record_draft", User: "fgw", Body: `{"payload":{"draft_sha256":"` + strings.Repeat("a", 64) + `","legal_basis":["x"],"extra":1}}`}, 422, "invalid"},
			{"payload not an object", req{Method: "POST", Path: ev + "record_draft", User: "fgw", Body: `{"payload":[1]}`}, 422, "invalid"},
			{"reason of the wrong type", req{Method: "POST", Path: ev + "record_draft", User: "fgw", Body: `{"reason":5}`}, 422, "invalid"},
			{"unknown item", req{Method: "GET", Path: "/api/v1/items/999999", User: "fgw"}, 404, "not_found"},
			{"non-numeric item id", req{Method: "GET", Path: "/api/v1/items/abc", User: "fgw"}, 404, "not_found"},
			{"zero item id", req{Method: "GET", Path: "/api/v1/items/0", User: "fgw"}, 404, "not_found"},
			{"negative item id", req{Method: "POST", Path: "/api/v1/items/-3/events/record_draft", User: "fgw", Body: `{}`}, 404, "not_found"},
			{"huge item id", req{Method: "GET", Path: "/api/v1/items/99999999999999999999999", User: "fgw"}, 404, "not_found"},
			{"event not in the workflow", req{Method: "POST", Path: ev + "launch_rocket", User: "fgw", Body: `{}`}, 404, "not_found"},
			{"event not allowed in this state", req{Method: "POST", Path: ev + "archive", User: "zfb", Body: `{}`}, 409, "conflict"},
			{"rule refuses", req{Method: "POST", Path: ev + "open_comment_period", User: "fgw", Body: `{"payload":{"methods":["public_comment"],"channels":["网站"],"closes_on":"2026-01-10"}}`}, 409, "guard_failed"},
			{"stale If-Match", req{Method: "POST", Path: ev + "record_draft", User: "fgw", Body: `{}`, Header: map[string]string{"If-Match": `"1"`}}, 412, "precondition_failed"},
			{"garbage If-Match", req{Method: "POST", Path: ev + "record_draft", User: "fgw", Body: `{}`, Header: map[string]string{"If-Match": `"v-one"`}}, 400, "malformed"},
			{"unknown path", req{Method: "GET", Path: "/api/v1/nothing-here", User: "fgw"}, 404, "not_found"},
			{"wrong method", req{Method: "DELETE", Path: "/api/v1/items", User: "fgw"}, 405, "not_found"},
			{"bad limit", req{Method: "GET", Path: "/api/v1/items?limit=abc", User: "fgw"}, 422, "invalid"},
			{"limit too large", req{Method: "GET", Path: "/api/v1/items?limit=5000", User: "fgw"}, 422, "invalid"},
			{"bad overdue", req{Method: "GET", Path: "/api/v1/items?overdue=maybe", User: "fgw"}, 422, "invalid"},
			{"negative cursor", req{Method: "GET", Path: "/api/v1/items?cursor=-5", User: "fgw"}, 422, "invalid"},
			{"unknown stage", req{Method: "GET", Path: "/api/v1/items?stage=nowhere", User: "fgw"}, 422, "invalid"},
			{"unknown workflow filter", req{Method: "GET", Path: "/api/v1/items?workflow=nowhere", User: "fgw"}, 422, "invalid"},
			{"unknown workflow", req{Method: "GET", Path: "/api/v1/workflows/nowhere", User: "fgw"}, 404, "not_found"},
			{"bad token", req{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"Authorization": "Bearer jt_not-a-real-token"}}, 401, "unauthenticated"},
			{"bad auth scheme", req{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"Authorization": "Basic Zm9vOmJhcg=="}}, 401, "unauthenticated"},
			{"login with missing password", req{Method: "POST", Path: "/api/v1/auth/login", Body: `{"organisation":"demo","username":"fgw"}`}, 422, "invalid"},
			{"login with malformed JSON", req{Method: "POST", Path: "/api/v1/auth/login", Body: `{"organisation":`}, 400, "malformed"},
			{"login to an unknown organisation", req{Method: "POST", Path: "/api/v1/auth/login", Body: `{"organisation":"nowhere","username":"fgw","password":"x"}`}, 401, "unauthenticated"},
			{"user with a short password", req{Method: "POST", Path: "/api/v1/users", User: "admin", Body: `{"username":"u1","password":"short"}`}, 422, "invalid"},
			{"user with an unknown role", req{Method: "POST", Path: "/api/v1/users", User: "admin", Body: `{"username":"u2","password":"long-enough-pw","roles":["king"]}`}, 422, "invalid"},
			{"user in another organisation's department", req{Method: "POST", Path: "/api/v1/users", User: "admin", Body: `{"username":"u3","password":"long-enough-pw","department_id":999}`}, 422, "invalid"},
			{"duplicate department", req{Method: "POST", Path: "/api/v1/departments", User: "admin", Body: `{"name":"发改委"}`}, 409, "conflict"},
			{"empty department name", req{Method: "POST", Path: "/api/v1/departments", User: "admin", Body: `{"name":"  "}`}, 422, "invalid"},
			{"unknown user to update", req{Method: "PATCH", Path: "/api/v1/users/99999", User: "admin", Body: `{"display_name":"x"}`}, 404, "not_found"},
			{"counsel for a user without the role", req{Method: "POST", Path: "/api/v1/counsel", User: "admin", Body: fmt.Sprintf(`{"user_id":%d,"law_firm_id":1,"licence_no":"1","contract_from":"2026-01-01","contract_to":"2026-12-31"}`, e.users["member"].user.ID)}, 422, "invalid"},
			{"revoke an unknown token", req{Method: "DELETE", Path: "/api/v1/tokens/99999", User: "fgw"}, 404, "not_found"},
			{"token that expires in ten thousand days", req{Method: "POST", Path: "/api/v1/tokens", User: "fgw", Body: `{"name":"x","expires_in_days":10000}`}, 422, "invalid"},
			{"unknown document", req{Method: "GET", Path: item + "/documents/424242", User: "fgw"}, 404, "not_found"},
			{"upload that is not multipart", req{Method: "POST", Path: item + "/documents", User: "fgw", Body: `{}`}, 415, "unsupported_media_type"},
			{"public comment to an unknown organisation", req{Method: "POST", Path: fmt.Sprintf("/api/v1/public/nowhere/items/%d/comments", id), Body: `{"content":"x"}`}, 404, "not_found"},
			{"public comment to an item not open", req{Method: "POST", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/comments", id), Body: `{"content":"x"}`}, 404, "not_found"},
			{"public comment without content", req{Method: "POST", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/comments", id), Body: `{"content":""}`}, 422, "invalid"},
			{"public comment too long", req{Method: "POST", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/comments", id), Body: `{"content":"` + strings.Repeat("意", 5001) + `"}`}, 422, "invalid"},
			{"public view of an unpublished item", req{Method: "GET", Path: fmt.Sprintf("/api/v1/public/demo/items/%d", id)}, 404, "not_found"},
			// Issue "hardening": NUL, control characters and bytes that
			// are not UTF-8 are refused at the edge on both databases
			// (PostgreSQL answered 500), naming the field.
			{"NUL in an organisation code, no account", req{Method: "GET", Path: "/api/v1/public/%00/consultations"}, 400, "malformed"},
			{"NUL in a login name", req{Method: "POST", Path: "/api/v1/auth/login", Body: `{"organisation":"demo","username":"zfb\u0000","password":"x"}`}, 422, "invalid"},
			{"invalid UTF-8 in a search", req{Method: "GET", Path: "/api/v1/items?q=%FF", User: "fgw"}, 400, "malformed"},
			{"NUL in a search", req{Method: "GET", Path: "/api/v1/items?q=a%00b", User: "fgw"}, 400, "malformed"},
			{"NUL in a title", req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: `{"workflow":"major-decision","title":"标题\u0000"}`}, 422, "invalid"},
			{"escape character in a reason", req{Method: "POST", Path: ev + "record_department_consultation", User: "fgw", Body: `{"payload":{"departments":["住建局"],"agreed":true},"reason":"理由\u001b[31m"}`}, 422, "invalid"},
			{"NUL in a payload list", req{Method: "POST", Path: ev + "record_department_consultation", User: "fgw", Body: `{"payload":{"departments":["住建局\u0000"],"agreed":true}}`}, 422, "invalid"},
			{"NUL in a display name", req{Method: "POST", Path: "/api/v1/users", User: "admin", Body: `{"username":"u9","display_name":"名\u0000字","password":"long-enough-pw"}`}, 422, "invalid"},
			{"bytes that are not UTF-8 in a body", req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: []byte("{\"workflow\":\"major-decision\",\"title\":\"\xff\xfe\"}")}, 400, "malformed"},
			{"a body declared UTF-16", req{Method: "POST", Path: "/api/v1/items", User: "fgw", Body: `{"workflow":"major-decision","title":"x"}`, Header: map[string]string{"Content-Type": "application/json; charset=utf-16"}}, 415, "unsupported_media_type"},
			{"an id with a sign", req{Method: "GET", Path: fmt.Sprintf("/api/v1/items/+%d", id), User: "fgw"}, 404, "not_found"},
			{"a cursor with a sign", req{Method: "GET", Path: "/api/v1/items?cursor=+5", User: "fgw"}, 422, "invalid"},
			{"NUL in a public comment", req{Method: "POST", Path: fmt.Sprintf("/api/v1/public/demo/items/%d/comments", id), Body: `{"content":"意见\u0000"}`}, 422, "invalid"},
		}
		before := e.snapshot(t)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.do(t, c.r)
				wantProblem(t, r, c.status, c.code)
			})
		}
		// Uploads: an empty file, an unknown kind, a type we do not take,
		// content that lies about its type.
		for name, u := range map[string]struct {
			kind, filename, ctype string
			content               []byte
			status                int
		}{
			"empty file":            {"attachment", "a.pdf", "application/pdf", nil, 422},
			"unknown kind":          {"poster", "a.pdf", "application/pdf", []byte("%PDF-1.4\n"), 422},
			"executable":            {"attachment", "a.exe", "application/x-msdownload", []byte("MZ\x90\x00"), 415},
			"png that is not a png": {"attachment", "a.png", "image/png", []byte("hello"), 415},
		} {
			t.Run("upload/"+name, func(t *testing.T) {
				r := e.upload(t, "fgw", id, u.kind, u.filename, u.ctype, u.content, "")
				want(t, r, u.status)
			})
		}
		if after := e.snapshot(t); after != before {
			t.Fatalf("bad input changed the database:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// upload posts a multipart document.
func (e *env) upload(t testing.TB, user string, id int64, kind, filename, ctype string, content []byte, payload string) *resp {
	t.Helper()
	return e.uploadWith(t, user, id, kind, filename, ctype, content, payload, nil)
}

// uploadWith is upload with extra request headers.
func (e *env) uploadWith(t testing.TB, user string, id int64, kind, filename, ctype string, content []byte, payload string, headers map[string]string) *resp {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("kind", kind)
	if payload != "" {
		w.WriteField("payload", payload)
	}
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name="file"; filename="%s"`, filename)}
	h["Content-Type"] = []string{ctype}
	if content != nil {
		p, _ := w.CreatePart(h)
		p.Write(content)
	}
	w.Close()
	hr := httptest.NewRequest("POST", fmt.Sprintf("/api/v1/items/%d/documents", id), bytes.NewReader(buf.Bytes()))
	hr.Header.Set("Content-Type", w.FormDataContentType())
	hr.Header.Set("Authorization", "Bearer "+e.users[user].token)
	for k, v := range headers {
		hr.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, hr)
	out := &resp{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	checkContract(t, hr, nil, out)
	return out
}
