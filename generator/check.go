package generator

import (
	"bytes"
	"fmt"
	"strings"
)

// ActionKind is what happens to one path.
type ActionKind string

// The action kinds, as printed in the report.
const (
	ActCreate          ActionKind = "creating"
	ActIdentical       ActionKind = "identical"
	ActConflict        ActionKind = "conflict"
	ActOverwrite       ActionKind = "overwriting"
	ActUpdate          ActionKind = "updating"
	ActInject          ActionKind = "injecting"
	ActAlreadyInjected ActionKind = "already injected"
	ActManual          ActionKind = "manual"
)

// Action is one step of applying a plan.
type Action struct {
	Kind ActionKind
	Path string
	Data []byte // bytes to write, for the kinds that write
	Text string // the help text of a manual step
}

// Writes reports whether the action changes a file.
func (a Action) Writes() bool {
	switch a.Kind {
	case ActCreate, ActOverwrite, ActUpdate, ActInject:
		return true
	}
	return false
}

// ConflictError lists every file that differs from what the plan would write.
type ConflictError struct{ Paths []string }

func (e *ConflictError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d file(s) already exist with different content:\n", len(e.Paths))
	for _, p := range e.Paths {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	fmt.Fprintf(&b, "nothing was written; re-run with --force to overwrite these %d file(s)", len(e.Paths))
	return b.String()
}

// Check compares the plan with the host and returns the actions in a stable order: files by
// path, then go.mod, then injections. Unless force is set, any differing file makes it return a
// *ConflictError alongside the actions (which then hold ActConflict entries).
func Check(p *Plan, h *Host, force bool) ([]Action, error) {
	var actions []Action
	var conflicts []string
	for _, f := range p.Files {
		have, exists := h.ReadFile(f.Path)
		switch {
		case !exists:
			actions = append(actions, Action{Kind: ActCreate, Path: f.Path, Data: f.Data})
		case bytes.Equal(have, f.Data):
			actions = append(actions, Action{Kind: ActIdentical, Path: f.Path})
		case force:
			actions = append(actions, Action{Kind: ActOverwrite, Path: f.Path, Data: f.Data})
		default:
			actions = append(actions, Action{Kind: ActConflict, Path: f.Path})
			conflicts = append(conflicts, f.Path)
		}
	}
	if bytes.Equal(p.GoMod, h.GoMod) {
		actions = append(actions, Action{Kind: ActIdentical, Path: "go.mod"})
	} else {
		actions = append(actions, Action{Kind: ActUpdate, Path: "go.mod", Data: p.GoMod})
	}
	for _, inj := range p.Injections {
		switch {
		case inj.Already:
			actions = append(actions, Action{Kind: ActAlreadyInjected, Path: inj.Path})
		case inj.Manual != "":
			actions = append(actions, Action{Kind: ActManual, Path: inj.Path, Text: inj.Manual})
		default:
			actions = append(actions, Action{Kind: ActInject, Path: inj.Path, Data: inj.Data})
		}
	}
	if len(conflicts) > 0 {
		return actions, &ConflictError{Paths: conflicts}
	}
	return actions, nil
}

// Changes reports whether any action writes.
func Changes(actions []Action) bool {
	for _, a := range actions {
		if a.Writes() {
			return true
		}
	}
	return false
}

// FormatAction renders one report line: "* creating internal/accounts/user.go" or
// "! manual: ...".
func FormatAction(a Action) string {
	switch a.Kind {
	case ActManual:
		return "! manual: " + a.Text
	case ActConflict:
		return "! conflict " + a.Path
	}
	return fmt.Sprintf("* %s %s", a.Kind, a.Path)
}
