package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/metrics"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/sigv4"
	"github.com/mailgate/mailgate/internal/store"
)

// authenticate verifies the signature and records the caller. No request
// reaches decoding, let alone a handler, without passing here.
func (s *Server) authenticate(r *http.Request, body []byte, c *call) apierror.APIError {
	res, err := s.verifier.Verify(r.Context(), r, body)
	if err != nil {
		var se *sigv4.Error
		if errors.As(err, &se) {
			return s.authError(c, se)
		}
		return s.asAPIError(c, err)
	}
	if r.Header.Get("X-Amz-Target") != "" && !res.Signs("X-Amz-Target") {
		// X-Amz-Target picks the operation of a JSON request as Action
		// does a query request's: a signature that does not cover it
		// would let whoever sees the request replay it as another
		// operation. The SDKs and the CLI always sign it.
		return s.authError(c, &sigv4.Error{Kind: sigv4.KindIncomplete, Message: msgTargetUnsigned})
	}
	if res.Service != c.svc.model.SigningName {
		s.authFailed(c, metrics.AuthIncomplete)
		return apierror.IncompleteSignature.New(s.protocol(c), "Credential should be scoped to correct service: '%s'.", c.svc.model.SigningName)
	}
	partition := reqctx.PartitionOf(res.Region)
	caller, err := authz.Credentials{Store: s.cfg.Store}.Caller(r.Context(), res.Credential.Principal, partition, s.cfg.Now())
	switch {
	case errors.Is(err, authz.ErrExpiredToken):
		s.authFailed(c, metrics.AuthExpiredToken)
		return apierror.ExpiredToken.New(s.protocol(c), "The security token included in the request is expired")
	case errors.Is(err, authz.ErrInvalidToken):
		return s.authError(c, &sigv4.Error{Kind: sigv4.KindInvalidToken, Message: sigv4.MsgInvalidToken})
	case err != nil:
		return s.asAPIError(c, err)
	}
	if k, ok := res.Credential.Principal.(*store.AccessKey); ok {
		s.recordKeyUse(r.Context(), k.AccessKeyID, res.Region, res.Service, s.cfg.Now())
	}
	c.req.Caller, c.req.Region, c.req.Partition = caller, res.Region, partition
	s.conns.trust(r.Context()) // no longer a stranger (conns.go)
	return nil
}

// msgTargetUnsigned is worded as AWS's refusal of an unsigned Host.
const msgTargetUnsigned = "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."

// authError maps a SigV4 failure to the error AWS answers it with in each
// protocol.
func (s *Server) authError(c *call, se *sigv4.Error) apierror.APIError {
	s.authFailed(c, authReason(se.Kind))
	var e apierror.Common
	switch se.Kind {
	case sigv4.KindMissing:
		e = apierror.MissingAuthenticationToken
	case sigv4.KindIncomplete:
		e = apierror.IncompleteSignature
	case sigv4.KindUnknownKey, sigv4.KindInvalidToken:
		e = apierror.InvalidClientTokenID
	default:
		e = apierror.SignatureDoesNotMatch
	}
	if s.protocol(c) == apierror.ProtocolJSON && se.Kind == sigv4.KindMissing {
		return e.InJSON("%s", sigv4.MsgMissingJSON)
	}
	return e.New(s.protocol(c), "%s", se.Message)
}

// keyUseGranularity bounds how often the last use of one access key is
// written: at most once per interval per key, so that recording it costs
// a signed request nothing measurable.
const keyUseGranularity = time.Minute

// recordKeyUse writes the key's last use (time, region, service) for
// GetAccessKeyLastUsed, at most once per keyUseGranularity. A failure
// to record is not the caller's problem and is ignored.
func (s *Server) recordKeyUse(ctx context.Context, id, region, service string, now time.Time) {
	if v, ok := s.keyUse.Load(id); ok && now.Sub(v.(time.Time)) < keyUseGranularity {
		return
	}
	s.keyUse.Store(id, now)
	_ = s.cfg.Store.TouchAccessKey(ctx, id, store.AccessKeyUsage{At: now.UTC(), Region: region, Service: service})
}
