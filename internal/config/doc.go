// Package config decodes and validates the two TOML files that drive announce:
// the instances file (who, where, how to reach them) and the schedule file (one
// rollout: its campaign id, release and one maintenance window per instance).
//
// Decoding is strict: an unknown key, a wrong type, a bad time zone or a missing
// required field is reported as "file:line: key: message", every problem at
// once, before any network I/O.
package config
