package workmail

import (
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/introspection"
	"github.com/mailgate/mailgate/internal/metrics"
)

// tokenCheck counts one token verification when it ends
// (metrics.TokenVerified): the outcome its checks reached, or an error.
// An API error (the caller was denied) is no verdict on the token and
// counts nothing.
type tokenCheck struct {
	kind    metrics.TokenKind
	outcome metrics.TokenOutcome
}

// inactive ends an introspection with {"active":false} for the reason o.
func (c *tokenCheck) inactive(o metrics.TokenOutcome) (*introspection.Result, error) {
	c.outcome = o
	return &introspection.Result{}, nil
}

func (c *tokenCheck) done(err error) {
	if err != nil {
		if _, ok := apierror.As(err); ok {
			return
		}
		c.outcome = metrics.TokenError
	}
	metrics.TokenVerified(c.kind, c.outcome)
}
