package cli

import "github.com/sigra-go/sigra-install/generator"

// The release this binary installs and upgrades to: its version and its templates. They are
// variables only so that tests can act as an earlier release (an older template set) and
// install a host for upgrade to meet.
var (
	releaseVersion   = Version
	releaseTemplates = generator.Templates()
)
