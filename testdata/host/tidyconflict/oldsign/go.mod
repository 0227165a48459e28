module example.com/oldsign

go 1.21

require golang.org/x/crypto v0.48.0
