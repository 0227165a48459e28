// Command app is a host application with its own main package, as sigra-install finds one in
// an existing project: the generated routes are mounted on the mux it already serves.
package main

import (
	"fmt"
	"log"
	"net/http"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", home)
	log.Println("listening on :8080")
	log.Fatal(http.ListenAndServe(":8080", mux))
}

func home(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, "home")
}
