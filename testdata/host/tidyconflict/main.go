// Command app depends on example.com/oldsign, a module of its own (replaced by ./oldsign) that
// imports golang.org/x/crypto/openpgp, which x/crypto removed before the v0.59.0 the generated
// code needs: the install's go mod tidy fails, and the output must name that module and what
// to do, and a re-run must resume with tidy instead of saying there is nothing to do.
package main

import (
	"log"
	"net/http"

	"example.com/oldsign"
)

// signer signs the release files the app serves.
var signer *oldsign.Entity

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("hello from the host\n"))
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:4000", mux))
}
