module example.com/app

go 1.26.8

require github.com/go-chi/chi/v5 v5.2.3
