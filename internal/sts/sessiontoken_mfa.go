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

// msgNoMFADevice is AWS's answer to a serial number that names no device
// of the caller.
const msgNoMFADevice = "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."

// checkMFA verifies the SerialNumber and TokenCode of GetSessionToken or
// AssumeRole against the caller's virtual MFA device; ok is false when
// the request carries neither. The messages are AWS's.
func (s *Service) checkMFA(ctx context.Context, r *reqctx.Request, serial, code *string) (bool, error) {
	if serial == nil && code == nil {
		return false, nil
	}
	if opt.Deref(serial) == "" || opt.Deref(code) == "" {
		return false, apierror.AccessDenied.InQuery("%s", msgNoMFADevice)
	}
	// Only IAM users (and their sessions) have virtual devices: the
	// caller's user name is "" for the root and role sessions.
	c := r.Caller
	err := iam.CheckMFACode(ctx, s.st, r.ARNPartition(), c.AccountID, c.UserName, *serial, *code, s.now())
	switch {
	case errors.Is(err, iam.ErrMFADevice):
		return false, apierror.AccessDenied.InQuery("%s", msgNoMFADevice)
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
