module example.com/app

go 1.26.8

require example.com/oldsign v0.1.0

require golang.org/x/crypto v0.48.0 // indirect

replace example.com/oldsign => ./oldsign
