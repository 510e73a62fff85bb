package browsertest_test

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/juece/juece/internal/browsertest"
)

const formPage = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>收文登记</title></head>
<body>
<main>
<h1>收文登记</h1>
<form method="post" action="/submit">
  <label for="name">来文单位</label>
  <input id="name" name="name" type="text" autocomplete="organization">
  <button id="submit" type="submit">提交</button>
</form>
</main>
</body>
</html>`

var resultPage = template.Must(template.New("result").Parse(`<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>已登记</title></head>
<body><main><h1>已登记</h1><p id="result">已收到：{{.}}</p></main></body>
</html>`))

// badPage breaks two critical axe-core rules: image-alt and label.
const badPage = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>坏页面</title></head>
<body><main><h1>坏页面</h1>
<img src="/pixel.png">
<input id="q" type="text">
</main></body>
</html>`

const scriptPage = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>脚本</title></head>
<body><main><h1>脚本</h1><p id="status">未运行脚本</p>
<script src="/app.js"></script>
</main></body>
</html>`

// server serves the pages of the self-test with a CSP that allows no inline
// script, as the real pages will have.
func server(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	mux.HandleFunc("GET /form", page(formPage))
	mux.HandleFunc("GET /bad", page(badPage))
	mux.HandleFunc("GET /script", page(scriptPage))
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := resultPage.Execute(w, r.PostFormValue("name")); err != nil {
			t.Error(err)
		}
	})
	mux.HandleFunc("GET /app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `document.getElementById("status").textContent = "脚本已运行";`)
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "user", Value: "clerk1", Path: "/"})
		page(`<!doctype html><html lang="zh-CN"><head><title>登录</title></head><body><main><h1>已登录</h1></main></body></html>`)(w, r)
	})
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		user := "(无)"
		if c, err := r.Cookie("user"); err == nil {
			user = c.Value
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="zh-CN"><head><title>用户</title></head><body><main><h1 id="user">%s</h1></main></body></html>`, template.HTMLEscapeString(user))
	})
	mux.HandleFunc("GET /pixel.png", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		mux.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestBrowser(t *testing.T) {
	srv := server(t)
	b := browsertest.New(t)

	t.Run("window_is_1366x768", func(t *testing.T) {
		b.Run(chromedp.Navigate(srv.URL + "/form"))
		size := browsertest.Get(b, chromedp.Evaluate[[]int](`[window.innerWidth, window.innerHeight]`))
		if !slices.Equal(size, []int{browsertest.WindowWidth, browsertest.WindowHeight}) {
			t.Errorf("viewport = %v, want [%d %d]", size, browsertest.WindowWidth, browsertest.WindowHeight)
		}
	})

	t.Run("form_filled_and_submitted_by_keyboard", func(t *testing.T) {
		b.Run(
			chromedp.Navigate(srv.URL+"/form"),
			chromedp.SendKeys(chromedp.ID("name"), "市场监督管理局"),
			chromedp.KeyEvent(kb.Tab),
		)
		if focused := browsertest.Get(b, chromedp.Evaluate[string](`document.activeElement.id`)); focused != "submit" {
			t.Fatalf("after Tab from the field the focus is on %q, want the submit button", focused)
		}
		b.Axe(t)
		b.Run(
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(chromedp.ID("result")),
		)
		if got, want := browsertest.Get(b, chromedp.Text(chromedp.ID("result"))), "已收到：市场监督管理局"; got != want {
			t.Errorf("result = %q, want %q", got, want)
		}
		b.Axe(t)
	})

	t.Run("axe_finds_missing_alt_and_label", func(t *testing.T) {
		b.Run(chromedp.Navigate(srv.URL + "/bad"))
		vs, err := b.AxeViolations()
		if err != nil {
			t.Fatal(err)
		}
		for _, rule := range []string{"image-alt", "label"} {
			i := slices.IndexFunc(vs, func(v browsertest.AxeViolation) bool { return v.ID == rule })
			if i < 0 {
				t.Errorf("no %s violation in %v", rule, vs)
				continue
			}
			if !vs[i].Blocking() || len(vs[i].Targets) == 0 {
				t.Errorf("%s: want a blocking violation with targets, got %+v", rule, vs[i])
			}
		}

		// Axe itself must fail a test on this page.
		t.Setenv(browsertest.ArtifactsEnv, t.TempDir())
		rec := &recorder{TB: t}
		b.Axe(rec)
		if !strings.Contains(rec.errors, "image-alt (critical)") || !strings.Contains(rec.errors, "label (critical)") {
			t.Errorf("Axe reported %q, want image-alt and label as critical", rec.errors)
		}
	})

	t.Run("screenshot_is_a_png", func(t *testing.T) {
		b.Run(chromedp.Navigate(srv.URL + "/form"))
		path := filepath.Join(t.TempDir(), "shots", "form.png")
		b.Screenshot(path)
		png, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 1000 {
			t.Errorf("%s is not a plausible PNG (%d bytes)", path, len(png))
		}
	})

	t.Run("scripts_run_by_default", func(t *testing.T) {
		b.Run(chromedp.Navigate(srv.URL + "/script"))
		if got := browsertest.Get(b, chromedp.Text(chromedp.ID("status"))); got != "脚本已运行" {
			t.Errorf("status = %q, want the script to have run", got)
		}
	})

	t.Run("second_context_has_its_own_cookies", func(t *testing.T) {
		b.Run(chromedp.Navigate(srv.URL + "/login"))
		other := b.NewContext(t)
		other.Run(chromedp.Navigate(srv.URL + "/whoami"))
		size := browsertest.Get(other, chromedp.Evaluate[[]int](`[window.innerWidth, window.innerHeight]`))
		if !slices.Equal(size, []int{browsertest.WindowWidth, browsertest.WindowHeight}) {
			t.Errorf("viewport of the second context = %v, want [%d %d]", size, browsertest.WindowWidth, browsertest.WindowHeight)
		}
		if got := browsertest.Get(other, chromedp.Text(chromedp.ID("user"))); got != "(无)" {
			t.Errorf("second context sees user %q, want none", got)
		}
		b.Run(chromedp.Navigate(srv.URL + "/whoami"))
		if got := browsertest.Get(b, chromedp.Text(chromedp.ID("user"))); got != "clerk1" {
			t.Errorf("first context sees user %q, want clerk1", got)
		}
	})
}

func TestNoJavaScript(t *testing.T) {
	srv := server(t)
	b := browsertest.New(t, browsertest.NoJavaScript())
	if !b.JavaScriptDisabled() {
		t.Fatal("JavaScriptDisabled() = false")
	}

	t.Run("script_does_not_run", func(t *testing.T) {
		b.Run(chromedp.Navigate(srv.URL + "/script"))
		if got := browsertest.Get(b, chromedp.Text(chromedp.ID("status"))); got != "未运行脚本" {
			t.Errorf("status = %q, want the page's own text: the script ran", got)
		}
	})

	t.Run("form_works_and_axe_runs", func(t *testing.T) {
		b.Run(
			chromedp.Navigate(srv.URL+"/form"),
			chromedp.SendKeys(chromedp.ID("name"), "税务局"),
		)
		b.Axe(t)
		b.Run(
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.ID("result")),
		)
		if got, want := browsertest.Get(b, chromedp.Text(chromedp.ID("result"))), "已收到：税务局"; got != want {
			t.Errorf("result = %q, want %q", got, want)
		}
		// Still disabled after the navigation.
		b.Run(chromedp.Navigate(srv.URL + "/script"))
		if got := browsertest.Get(b, chromedp.Text(chromedp.ID("status"))); got != "未运行脚本" {
			t.Errorf("after a navigation the script ran: status = %q", got)
		}
	})
}

// recorder is a testing.TB that records Errorf instead of failing.
type recorder struct {
	testing.TB
	errors string
}

func (r *recorder) Errorf(format string, args ...any) { r.errors += fmt.Sprintf(format, args...) }
func (r *recorder) Logf(format string, args ...any)   {}
