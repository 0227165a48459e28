package cli

import (
	"io"
	"io/fs"
)

// MainAs runs Main as release version with the given templates, for the upgrade tests' older
// install.
func MainAs(version string, templates fs.FS, args []string, stdout, stderr io.Writer) int {
	oldVersion, oldTemplates := releaseVersion, releaseTemplates
	releaseVersion, releaseTemplates = version, templates
	defer func() { releaseVersion, releaseTemplates = oldVersion, oldTemplates }()
	return Main(args, stdout, stderr)
}
