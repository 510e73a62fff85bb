package engine

import (
	"fmt"

	"github.com/looplab/fsm"
)

// Graph draws the definition's state diagram with looplab/fsm's
// visualizer, from the initial state: format "mermaid" (a Mermaid
// stateDiagram-v2) or "dot" (Graphviz). The output is sorted and so stable
// for a given definition.
func Graph(d *Definition, format string) (string, error) {
	m := fsm.NewFSM(d.Initial, d.fsmEvents(), nil)
	switch format {
	case "mermaid", "":
		return fsm.VisualizeWithType(m, fsm.MERMAID)
	case "dot", "graphviz":
		return fsm.VisualizeWithType(m, fsm.GRAPHVIZ)
	}
	return "", fmt.Errorf("unknown graph format %q: use mermaid or dot", format)
}
