// Command app routes with echo (labstack/echo v4): the generated routes go in as one more
// middleware after the host's, through echo.WrapMiddleware. Its /hello page greets the
// logged-in user, as a host page does once the accounts are installed (userauth is generated
// by sigra-install).
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"example.com/app/internal/userauth"
)

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:4000"
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Use(middleware.Recover())
	e.GET("/hello", hello)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	e.Listener = ln
	fmt.Println("listening on http://" + ln.Addr().String())
	log.Fatal(e.Start(""))
}

func hello(c echo.Context) error {
	if u, ok := userauth.CurrentUser(c.Request().Context()); ok {
		return c.String(http.StatusOK, "hello from the host, "+u.Email+"\n")
	}
	return c.String(http.StatusOK, "hello from the host\n")
}
