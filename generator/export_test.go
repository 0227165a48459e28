package generator

// BuildWith is Build over another template tree, for tests in package generator_test that
// must prove a broken template is caught.
var BuildWith = buildWith
