// This module fences off the golden trees: their Go files are expected output, not part of
// sigra-install's build. Each combination directory that holds a go.mod is its own module.
module sigra.test/golden

go 1.26.8
