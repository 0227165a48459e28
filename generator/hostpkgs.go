package generator

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// checkHostPackages refuses names whose generated packages would land in a directory that
// already holds a package of the host's own (`Models` gives internal/models): the generated
// files would join it, or clash with it, and the owner's code would be mixed with ours. A
// directory is ours when each of its Go files carries the provenance comment or is recorded in
// the manifest.
func checkHostPackages(m *Model, h *Host) error {
	dirs := map[string]generatedPackage{}
	for _, gp := range m.generatedPackages() {
		switch gp.name {
		case "migrations":
			continue // migrations/ is matched file by file (reused, or a conflict)
		case m.Pkg + "test":
			dirs["internal/"+m.Pkg+"/"+gp.name] = gp
		default:
			dirs["internal/"+gp.name] = gp
		}
	}
	for dir, gp := range dirs {
		names, err := readDir(h, dir)
		if err != nil {
			continue // no such directory
		}
		for _, name := range names {
			if !strings.HasSuffix(name, ".go") {
				continue
			}
			p := path.Join(dir, name)
			src, _ := h.ReadFile(p)
			if _, recorded := h.Manifest.File(p); recorded || bytes.HasPrefix(src, []byte(Provenance)) || bytes.HasPrefix(src, []byte(RegistryProvenance)) {
				continue
			}
			value := m.Context
			if gp.arg == "schema" {
				value = m.Schema
			}
			return &ArgError{Arg: gp.arg, Value: value,
				Reason:  fmt.Sprintf("gives the %s %s, which is already a package of yours (%s); choose another name", gp.role, dir, p),
				Example: map[string]string{"context": "Accounts", "schema": "User"}[gp.arg]}
		}
	}
	return nil
}
