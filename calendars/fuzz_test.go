package calendars_test

import (
	"os"
	"testing"

	"github.com/juece/juece/calendars"
)

// The holiday-notice parser never panics: any bytes give a notice whose
// years validate, or an error. Seeded with the shipped notices.
func FuzzParse_AnyBytesGiveAValidNoticeOrAnError(f *testing.F) {
	for _, name := range []string{"cn.yaml", "cn-xj.yaml", "testdata/cn-2027-FIXTURE.yaml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("region: cn\nyears:\n  2027:\n    status: complete\n    basis: x\n    workdays: [2027-01-05]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := calendars.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		if n == nil {
			t.Fatal("no notice and no error")
		}
		for _, y := range n.Years {
			if probs := y.Validate(); len(probs) > 0 {
				t.Fatalf("a parsed year does not validate: %v", probs)
			}
		}
	})
}
