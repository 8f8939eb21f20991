package workmail

import (
	"testing"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/apierror"
)

// Every operation of the WorkMail model is served: called with an empty
// request, none answers NotImplemented.
func TestEveryOperationServed(t *testing.T) {
	f := newFixture(t)
	ops := workmailapi.Operations(f.s)
	if want := len(workmailapi.Model().Operations); len(ops) != want {
		t.Fatalf("%d operations dispatched, the model has %d", len(ops), want)
	}
	for name, op := range ops {
		in, err := op.Bind(map[string]any{})
		if err != nil {
			t.Fatalf("%s: bind: %v", name, err)
		}
		_, err = op.Call(f.ctx, in)
		if e, ok := apierror.As(err); ok && e.ErrorCode() == apierror.NotImplementedError.JSONCode {
			t.Errorf("%s answers %s", name, e.ErrorCode())
		}
	}
}
