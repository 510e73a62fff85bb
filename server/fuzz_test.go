package server_test

import (
	"bytes"
	"net/http/httptest"
	"strconv"
	"testing"
)

// Issue "hardening": no request body makes the API answer 500, and a
// refused body changes nothing. The body of POST /api/v1/items and of the
// generic event endpoint is fuzzed through the real router (SQLite);
// `make test` runs it briefly (scripts/test.sh).
func FuzzAPI_RequestBodiesNeverGive500(f *testing.F) {
	for _, s := range []string{`{"workflow":"major-decision","title":"x"}`, `{"payload":{"departments":["住建局"],"agreed":true}}`,
		`{"title":"\u0000"}`, "\xff\xfe", `[`, `{"workflow":"major-decision","title":"t","payload":{"source":"leader"}}`, `{"reason":5}`} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	e := newEnv(f, "sqlite")
	id := e.createItem(f)
	e.walk(f, id, "record_department_consultation")
	event := "/api/v1/items/" + strconv.FormatInt(id, 10) + "/events/record_department_consultation"
	f.Fuzz(func(t *testing.T, body []byte, fire bool) {
		path := "/api/v1/items"
		if fire {
			path = event
		}
		hr := httptest.NewRequest("POST", path, bytes.NewReader(body))
		hr.Header.Set("Content-Type", "application/json")
		hr.Header.Set("Authorization", "Bearer "+e.users["fgw"].token)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, hr)
		if rec.Code >= 500 {
			t.Fatalf("POST %s %q: %d %s", path, body, rec.Code, rec.Body)
		}
	})
}
