package cparse

// DebianUpstream exposes debianUpstream to the tests.
var DebianUpstream = debianUpstream
