// Package oldsign signs release files with OpenPGP, through golang.org/x/crypto/openpgp,
// which x/crypto has since removed.
package oldsign

import "golang.org/x/crypto/openpgp"

// Entity is the signer.
type Entity = openpgp.Entity
