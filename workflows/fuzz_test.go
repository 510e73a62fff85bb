package workflows_test

import (
	"os"
	"testing"

	"github.com/juece/juece/workflows"
)

// The workflow loader never panics and never accepts what it cannot
// compile: any bytes give a compiled definition or an error. Seeded with
// the shipped workflows; `make test` runs it briefly (scripts/test.sh).
func FuzzParse_AnyBytesGiveADefinitionOrAnError(f *testing.F) {
	for _, name := range []string{"major-decision.yaml", "normative-document.yaml", "enforcement-review.yaml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("id: x\nversion: 1\n"))
	f.Add([]byte("\x00\xff: ["))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := workflows.Parse("fuzz.yaml", data)
		if err == nil && d == nil {
			t.Fatal("no definition and no error")
		}
		if err == nil && d.Event("no such event") != nil {
			t.Fatal("a compiled definition answers an unknown event")
		}
	})
}
