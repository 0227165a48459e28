module example.com/app

go 1.26.8

require github.com/gorilla/mux v1.8.1
