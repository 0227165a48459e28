// Command worker calls an HTTP API as a client: it imports net/http but starts no server, so
// the wiring must not go here either.
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	res, err := http.Get(os.Getenv("PING_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	res.Body.Close()
	fmt.Println(res.Status)
}
