package sts

import (
	"context"
	"errors"
	"time"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/iam"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/reqctx"
)

// checkMFA verifies the SerialNumber and TokenCode of GetSessionToken or
// AssumeRole against the caller's virtual MFA device; ok is false when
// the request carries neither. The messages are AWS's.
func (s *Service) checkMFA(ctx context.Context, r *reqctx.Request, serial, code *string) (bool, error) {
	if serial == nil && code == nil {
		return false, nil
	}
	c := r.Caller
	if opt.Deref(serial) == "" || opt.Deref(code) == "" {
		return false, apierror.AccessDenied.InQuery("MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.")
	}
	user := ""
	if c.Session == nil || c.Session.Kind != "assumed-role" {
		user = c.UserName
	}
	err := iam.CheckMFACode(ctx, s.st, r.ARNPartition(), c.AccountID, user, *serial, *code, s.now())
	switch {
	case errors.Is(err, iam.ErrMFADevice):
		return false, apierror.AccessDenied.InQuery("MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.")
	case errors.Is(err, iam.ErrMFACode):
		return false, apierror.AccessDenied.InQuery("MultiFactorAuthentication failed with invalid MFA one time pass code.")
	}
	return err == nil, err
}

// sessionMFA is the MFA time a new role session carries: the request's
// own proof (AssumeRole's SerialNumber and TokenCode), else the calling
// session's (an MFA-authenticated session passes it on).
func sessionMFA(ctx context.Context) time.Time {
	r := reqctx.From(ctx)
	switch {
	case !r.MFAAt.IsZero():
		return r.MFAAt
	case r.Caller != nil && r.Caller.Session != nil:
		return r.Caller.Session.MFAAt
	}
	return time.Time{}
}
