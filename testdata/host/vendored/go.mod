module example.com/app

go 1.26.8

require github.com/google/uuid v1.5.0
