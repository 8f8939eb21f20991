package model

import "unicode/utf8"

// Member paths, as AWS names a value in error messages
// ("roles.member.1.tags"), and member names on the wire; shared by
// Validate and both codecs.

// JoinPath appends a segment to a member path; either may be empty.
func JoinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	if name == "" {
		return prefix
	}
	return prefix + "." + name
}

// LowerFirst spells a member name as paths do: "RoleName" is "roleName".
func LowerFirst(s string) string {
	if s == "" {
		return s
	}
	if c := s[0]; c >= 'A' && c <= 'Z' {
		return string(c+'a'-'A') + s[1:]
	}
	return s
}

// Truncate keeps hostile keys and values from bloating error messages: at
// most max bytes, cut at a rune boundary, "..." marking the cut.
func Truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// WireName is a member's name on the wire: its locationName when the
// model sets one (botocore and the SDKs honour it), else the member name.
func (m *Member) WireName() string {
	if m.LocationName != "" {
		return m.LocationName
	}
	return m.Name
}
