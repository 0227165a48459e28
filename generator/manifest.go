package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"strings"
)

// ManifestPath is where the install manifest lives, relative to the host root. The host commits
// it with the generated code.
const ManifestPath = "sigra-install.json"

// manifestGenerator is the "generator" value that marks a manifest as ours.
const manifestGenerator = "sigra-install"

// Manifest is the install record sigra-install keeps in the host: the version that last wrote
// it, the options and features of that run, and the SHA-256 of every generated file as it was
// written. With it a re-run tells a pristine file (safe to update) from one the owner edited (a
// conflict) or deleted (left alone). go.mod and injected host files are not recorded: the host
// owns them and sigra-install only merges into them.
type Manifest struct {
	Generator string                  `json:"generator"`
	Version   string                  `json:"version"`
	Options   ManifestOptions         `json:"options"`
	Features  []string                `json:"features"` // enabled features, in build order
	Files     map[string]ManifestFile `json:"files"`    // host path -> what was written there
}

// ManifestOptions are the arguments and feature flags of the run that wrote a manifest.
type ManifestOptions struct {
	Context  string `json:"context"`
	Schema   string `json:"schema"`
	Table    string `json:"table"`
	BinaryID bool   `json:"binary_id"`
	Orgs     bool   `json:"orgs"`
	Admin    bool   `json:"admin"`
	Passkeys bool   `json:"passkeys"`
	API      bool   `json:"api"`
	JWT      bool   `json:"jwt"`
	// OAuth is the sign-in provider list, comma-separated in offering order ("google,github");
	// gen oauth adds to it. A string keeps the options comparable.
	OAuth string `json:"oauth,omitempty"`
}

// ManifestFile is one recorded file: the hash of the bytes sigra-install wrote and the feature
// that contributed it.
type ManifestFile struct {
	SHA256  string `json:"sha256"`
	Feature string `json:"feature"`
}

// NewManifest records plan as written by version: every planned file with the hash of its
// planned bytes.
func NewManifest(p *Plan, version string) *Manifest {
	o := p.Model.Options
	m := &Manifest{
		Generator: manifestGenerator,
		Version:   version,
		Options: ManifestOptions{
			Context: o.Context, Schema: o.Schema, Table: o.Table,
			BinaryID: o.BinaryID, Orgs: o.Orgs, Admin: o.Admin, Passkeys: o.Passkeys, API: o.API, JWT: o.JWT,
			OAuth: strings.Join(o.OAuth, ","),
		},
		Features: append([]string{}, p.Features...),
		Files:    make(map[string]ManifestFile, len(p.Files)),
	}
	for _, f := range p.Files {
		m.Files[f.Path] = ManifestFile{SHA256: fileHash(f.Data), Feature: f.Feature}
	}
	return m
}

// ParseManifest reads a manifest and checks that it is one sigra-install wrote: the generator
// name, and a well-formed hash for every file.
func ParseManifest(data []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if m.Generator != manifestGenerator {
		return nil, fmt.Errorf("its \"generator\" is %q, not %q", m.Generator, manifestGenerator)
	}
	for p, f := range m.Files {
		if b, err := hex.DecodeString(f.SHA256); err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("the sha256 of %s is not 64 hex digits", p)
		}
	}
	if m.Files == nil {
		m.Files = map[string]ManifestFile{}
	}
	return &m, nil
}

// Marshal encodes the manifest for the host: keys in a fixed order (struct fields as declared,
// file paths sorted), two-space indent and a trailing newline, so that it diffs well in git.
func (m *Manifest) Marshal() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	out := *m
	if out.Features == nil {
		out.Features = []string{}
	}
	if out.Files == nil {
		out.Files = map[string]ManifestFile{}
	}
	if err := enc.Encode(out); err != nil {
		panic("sigra-install: encode manifest: " + err.Error()) // strings, bools and maps of them always encode
	}
	return buf.Bytes()
}

// File returns the record of path; a nil manifest records nothing.
func (m *Manifest) File(path string) (ManifestFile, bool) {
	if m == nil {
		return ManifestFile{}, false
	}
	f, ok := m.Files[path]
	return f, ok
}

// migrations maps "dialect/name.sql" (without the version prefix) to the recorded path of each
// migration in the manifest, so that a migration the owner deleted keeps its version.
func (m *Manifest) migrations() map[string]string {
	out := map[string]string{}
	if m == nil {
		return out
	}
	for p := range m.Files {
		dir, file := path.Split(p)
		dialect := path.Base(dir)
		if path.Dir(path.Clean(dir)) != "migrations" || path.Ext(file) != ".sql" {
			continue
		}
		if _, name, ok := strings.Cut(file, "_"); ok {
			out[dialect+"/"+name] = p
		}
	}
	return out
}

// fileHash is the hex SHA-256 the manifest records for a file's bytes.
func fileHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
