// Package opt handles the optional members of the generated request and
// response structs (internal/api), which are pointers: nil is absent.
package opt

// Ptr returns a pointer to a copy of v: a present member.
func Ptr[T any](v T) *T { return &v }

// Deref returns what p points to, or the zero value when p is nil (an
// absent member).
func Deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// NonEmpty returns a pointer to s, or nil when s is empty: an empty
// string is answered as an absent member.
func NonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
