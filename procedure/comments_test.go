package procedure_test

import (
	"strings"
	"testing"

	"github.com/juece/juece/engine"
	"github.com/juece/juece/procedure"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func gb18030(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Decree 713 Art. 18 (opinions are sorted and studied): an import keeps
// every opinion as written, with its commenter and date when the file has
// those columns, whatever Excel saved it as — UTF-8, UTF-8 with a BOM, or
// GB18030 (Excel on Chinese Windows).
func TestParseImport_DetectsTheEncodingAndKeepsCommenterAndDate(t *testing.T) {
	const sheet = "姓名,意见,来信日期\r\n王某,补贴标准过高。,2026-01-12\r\n\"李某, 居民\",\"希望尽快实施，\"\"越快越好\"\"\",2026-01-13\r\n,,\r\n"
	for _, c := range []struct {
		name string
		data []byte
		enc  string
	}{
		{"UTF-8", []byte(sheet), "UTF-8"},
		{"UTF-8 with BOM", append([]byte("\xef\xbb\xbf"), sheet...), "UTF-8"},
		{"GB18030", gb18030(t, sheet), "GB18030"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := procedure.ParseImport(c.data)
			if err != nil {
				t.Fatal(err)
			}
			if p.Encoding != c.enc {
				t.Fatalf("encoding %s, want %s", p.Encoding, c.enc)
			}
			want := []procedure.ImportedRow{
				{Line: 2, Content: "补贴标准过高。", Commenter: "王某", Received: "2026-01-12"},
				{Line: 3, Content: "希望尽快实施，\"越快越好\"", Commenter: "李某, 居民", Received: "2026-01-13"},
			}
			if len(p.Rows) != len(want) {
				t.Fatalf("rows %+v", p.Rows)
			}
			for i := range want {
				if p.Rows[i] != want[i] {
					t.Errorf("row %d: %+v, want %+v", i, p.Rows[i], want[i])
				}
			}
		})
	}
}

// A file without a header row takes its first column as the opinions.
func TestParseImport_WithoutHeaderTakesTheFirstColumn(t *testing.T) {
	p, err := procedure.ParseImport([]byte("建议增加绿地\n补贴标准过高\n"))
	if err != nil || len(p.Rows) != 2 || p.Rows[0].Content != "建议增加绿地" || p.Rows[1].Line != 2 {
		t.Fatalf("%+v %v", p, err)
	}
}

// What cannot be read faithfully is refused with a message saying what
// to do, never stored with replacement characters: binary data, text in
// neither encoding, text already damaged by an earlier conversion (U+FFFD),
// a file with no opinion, and malformed CSV (naming the line).
func TestParseImport_RefusesWhatCannotBeReadFaithfully(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		msg  string
	}{
		{"binary", []byte("PK\x03\x04\x00\x00意见"), "UTF-8 或 GB18030"},
		{"invalid in both encodings", []byte("意见\n\x81\x30\xff\xfe\n"), "UTF-8 或 GB18030"},
		{"replacement characters", []byte("意见\n补贴\uFFFD\uFFFD过高\n"), "UTF-8 或 GB18030"},
		{"no opinions", []byte("姓名,意见\n王某,\n"), "没有可导入的意见"},
		{"malformed CSV", []byte("意见\n\"未闭合的引号\n补贴\"过\"高\"x\n"), "行"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := procedure.ParseImport(c.data)
			e, ok := err.(*engine.Error)
			if !ok || e.Code != engine.CodeInvalid || !strings.Contains(e.MessageZh, c.msg) || e.Message == "" {
				t.Fatalf("got %v, want invalid mentioning %q", err, c.msg)
			}
		})
	}
}
