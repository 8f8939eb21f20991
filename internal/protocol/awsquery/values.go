package awsquery

import (
	"fmt"

	"github.com/mailgate/mailgate/internal/model"
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
		pe.path = model.JoinPath(seg, pe.path)
	}
	return err
}
