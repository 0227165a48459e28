// Command app keeps its web layer in a package of its own named http (internal/http), which
// main imports under that name: net/http is not imported here, and the name http is taken, so
// the injected wiring must bring net/http in under another name. It routes with chi.
package main

import (
	"fmt"
	"log"
	"net"
	"os"

	"github.com/go-chi/chi/v5"

	"example.com/app/internal/http"
)

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:4000"
	}
	r := chi.NewRouter()
	http.Routes(r)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on http://" + ln.Addr().String())
	log.Fatal(http.Serve(ln, r))
}
