package calendars_test

import (
	"os"
	"strings"
	"testing"

	"github.com/juece/juece/calendars"
	"github.com/juece/juece/engine"
)

func TestShipped_LoadsTheNationalAndXinjiangNotices(t *testing.T) {
	ns, err := calendars.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	rs, ys := calendars.Merge(ns...)
	if len(rs) != 2 || rs[0].Code != "cn" || rs[1].Code != "cn-xj" || rs[1].Parent != "cn" || rs[1].Name.Zh != "新疆维吾尔自治区" {
		t.Fatalf("regions %+v", rs)
	}
	for _, y := range ys {
		if y.Status != engine.YearComplete || y.Basis == "" {
			t.Errorf("%s %d: status %q basis %q", y.Region, y.Year, y.Status, y.Basis)
		}
	}
	if len(ys) != 3 || ys[0].Year != 2025 || ys[1].Year != 2026 || ys[2].Region != "cn-xj" {
		t.Fatalf("years %+v, want cn 2025, cn 2026, cn-xj 2025", ys)
	}
}

func TestParse_FixtureFor2027IsAcceptedAndMarkedAsAFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/cn-2027-FIXTURE.yaml")
	if err != nil {
		t.Fatal(err)
	}
	n, err := calendars.Parse("cn-2027-FIXTURE.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if n.Region.Code != "cn" || n.HasName || len(n.Years) != 1 || n.Years[0].Year != 2027 || len(n.Years[0].Holidays) != 2 ||
		!strings.Contains(n.Years[0].Basis, "TEST FIXTURE") {
		t.Fatalf("notice %+v", n)
	}
}

func TestParse_JSONWithTheSameKeysIsAccepted(t *testing.T) {
	n, err := calendars.Parse("x.json", []byte(`{"region":"cn","years":{"2027":{"status":"partial","basis":"b",
		"holidays":[{"zh":"元旦","en":"New Year","from":"2027-01-01","to":"2027-01-01"}],"workdays":[]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if n.Years[0].Status != engine.YearPartial {
		t.Fatalf("status %q", n.Years[0].Status)
	}
}

// The administrator's file is checked strictly and every problem names its
// line, in Chinese and in English (issue: calendar import rejects a
// malformed file naming the line).
func TestParse_RejectsMalformedFilesNamingTheLine(t *testing.T) {
	head := "region: cn\nyears:\n  2027:\n    status: complete\n    basis: 测试\n"
	for _, tc := range []struct {
		name string
		file string
		line int
		want string
	}{
		{"unknown key", "region: cn\nyeers: {}\n", 2, "unknown key"},
		{"bad date", head + "    holidays:\n      - {zh: 元旦, en: x, from: 2027-02-30, to: 2027-03-01}\n", 7, "not a valid date"},
		{"holiday outside the year", head + "    holidays:\n      - {zh: 元旦, en: x, from: 2026-12-31, to: 2027-01-01}\n", 7, "not within 2027"},
		{"date twice", head + "    holidays:\n      - {zh: 元旦, en: x, from: 2027-01-01, to: 2027-01-02}\n      - {zh: 又一个, en: y, from: 2027-01-02, to: 2027-01-02}\n", 8, "already listed"},
		{"make-up day on a weekday", head + "    workdays:\n      - 2027-01-05\n", 7, "not a Saturday or Sunday"},
		{"status missing", "region: cn\nyears:\n  2027:\n    basis: 测试\n", 3, "status"},
		{"status unknown", "region: cn\nyears:\n  2027:\n    status: final\n    basis: 测试\n", 4, "status"},
		{"basis missing", "region: cn\nyears:\n  2027:\n    status: complete\n", 3, "basis"},
		{"bad year", "region: cn\nyears:\n  '27':\n    status: complete\n    basis: x\n", 3, "year"},
		{"bad region", "region: China\nyears:\n  2027: {status: complete, basis: x}\n", 1, "region code"},
		{"not YAML", "region: [cn\n", 1, "well-formed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := calendars.Parse("notice.yaml", []byte(tc.file))
			pe, ok := err.(*calendars.ParseError)
			if !ok || len(pe.Problems) == 0 {
				t.Fatalf("want a ParseError, got %v", err)
			}
			p := pe.Problems[0]
			if p.Line != tc.line || !strings.Contains(p.Message.En, tc.want) || p.Message.Zh == "" {
				t.Fatalf("problem %+v, want line %d mentioning %q", p, tc.line, tc.want)
			}
			if !strings.Contains(err.Error(), "notice.yaml:") || !strings.Contains(pe.Zh(), "第") {
				t.Fatalf("messages %q / %q do not name the file and line", err.Error(), pe.Zh())
			}
		})
	}
}
