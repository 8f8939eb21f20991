package awsquery

import (
	"fmt"
	"reflect"
	"time"
)

// pathError names the member a value belongs to, in the path style of
// model.Validate ("roles.member.1.tags"). The path is built while the error
// travels up (see within), so success costs no path strings.
type pathError struct {
	path string
	msg  string
}

func (e *pathError) Error() string { return fmt.Sprintf("'%s': %s", e.path, e.msg) }

// within prefixes the path of a pathError with the segment of its parent.
func within(err error, seg string) error {
	if pe, ok := err.(*pathError); ok {
		pe.path = join(seg, pe.path)
	}
	return err
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	if name == "" {
		return prefix
	}
	return prefix + "." + name
}

// absent reports whether v stands for a missing member: untyped nil or a nil
// pointer. Nil slices and maps are present and empty, so a handler that
// builds a list by appending to nothing still answers an empty list.
func absent(v any) bool {
	if v == nil {
		return true
	}
	switch t := v.(type) {
	case string, int64, bool, float64, []any, map[string]any, time.Time, []byte:
		return false
	case *time.Time:
		return t == nil
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
