package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/sigv4"
	"github.com/mailgate/mailgate/internal/store"
)

// credentialSource answers the SigV4 verifier from the store. It reads
// the store on every request, so a key that is deleted or deactivated
// stops working with the write that changed it.
type credentialSource struct{ st store.Store }

func (cs credentialSource) LookupCredential(ctx context.Context, id string) (*sigv4.Credential, error) {
	if strings.HasPrefix(id, ids.PrefixTempAccessKey) {
		return cs.lookupSession(ctx, id)
	}
	k, err := cs.st.GetAccessKey(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, sigv4.ErrUnknownAccessKey
	}
	if err != nil {
		return nil, err
	}
	if k.Status != "Active" {
		return nil, sigv4.ErrUnknownAccessKey
	}
	return &sigv4.Credential{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey, Principal: k}, nil
}

// authenticate verifies the signature and records the caller. No request
// reaches decoding, let alone a handler, without passing here.
func (s *Server) authenticate(r *http.Request, body []byte, c *call) *apierror.Error {
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
		return apierror.New(s.code(c, "IncompleteSignatureException", "IncompleteSignature"), 400, true,
			"Credential should be scoped to correct service: '%s'.", c.svc.model.SigningName)
	}
	partition := reqctx.PartitionOf(res.Region)
	if sess, ok := res.Credential.Principal.(*store.STSSession); ok {
		caller, aerr := s.sessionCaller(r.Context(), c, sess, partition)
		if aerr != nil {
			return aerr
		}
		c.req.Caller, c.req.Region, c.req.Partition = caller, res.Region, partition
		s.conns.trust(r.Context())
		return nil
	}
	k, _ := res.Credential.Principal.(*store.AccessKey)
	if k == nil {
		return apierror.Internal()
	}
	caller := &reqctx.Caller{AccountID: k.AccountID, AccessKeyID: k.AccessKeyID}
	if k.UserName == "" {
		caller.Root, caller.Type = true, "Account"
		caller.UserID = k.AccountID
		caller.Arn = "arn:" + partition + ":iam::" + k.AccountID + ":root"
	} else {
		// An IAM user's key: the caller is the user, by its path and
		// unique ID. A key whose user is gone authenticates no one.
		u, gen, err := s.cfg.Store.GetIAMPrincipal(r.Context(), k.AccountID, store.IAMUser, k.UserName)
		if errors.Is(err, store.ErrNotFound) {
			return s.authError(c, &sigv4.Error{Kind: sigv4.KindUnknownKey, Message: sigv4.MsgInvalidToken})
		}
		if err != nil {
			return s.asAPIError(c, err)
		}
		caller.UserID, caller.EntityID, caller.UserName, caller.Type = u.ID, u.ID, u.Name, "User"
		caller.AuthzGeneration, caller.HasAuthzGeneration = gen, true
		caller.Arn = "arn:" + partition + ":iam::" + k.AccountID + ":user" + u.Path + u.Name
	}
	s.recordKeyUse(r.Context(), k.AccessKeyID, res.Region, res.Service, s.cfg.Now())
	c.req.Caller, c.req.Region, c.req.Partition = caller, res.Region, partition
	s.conns.trust(r.Context()) // no longer a stranger (conns.go)
	return nil
}

// msgTargetUnsigned is worded as AWS's refusal of an unsigned Host.
const msgTargetUnsigned = "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."

// authError maps a SigV4 failure to the code and status AWS uses for it in
// each protocol.
func (s *Server) authError(c *call, se *sigv4.Error) *apierror.Error {
	type codes struct {
		json, query string
		jsonStatus  int
		queryStatus int
	}
	var k codes
	switch se.Kind {
	case sigv4.KindMissing:
		k = codes{"MissingAuthenticationTokenException", "MissingAuthenticationToken", 400, 403}
	case sigv4.KindIncomplete:
		k = codes{"IncompleteSignatureException", "IncompleteSignature", 400, 400}
	case sigv4.KindUnknownKey:
		k = codes{"UnrecognizedClientException", "InvalidClientTokenId", 400, 403}
	case sigv4.KindInvalidToken:
		k = codes{"UnrecognizedClientException", "InvalidClientTokenId", 400, 403}
	case sigv4.KindExpired:
		k = codes{"InvalidSignatureException", "SignatureDoesNotMatch", 400, 403}
	default:
		k = codes{"InvalidSignatureException", "SignatureDoesNotMatch", 400, 403}
	}
	if c.svc == nil || c.svc.model.Protocol == "json" {
		msg := se.Message
		if se.Kind == sigv4.KindMissing {
			msg = sigv4.MsgMissingJSON
		}
		return apierror.New(k.json, k.jsonStatus, true, "%s", msg)
	}
	return apierror.New(k.query, k.queryStatus, true, "%s", se.Message)
}

// resourceInAccount reports whether an ARN belongs to the account ("*" and
// account-less ARNs do). AWS-managed resources (account "aws", such as
// arn:aws:iam::aws:policy/ReadOnlyAccess) are shared by every account;
// the services refuse to change them.
func resourceInAccount(arn, account string) bool {
	if arn == "*" || arn == "" {
		return true
	}
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && (parts[4] == "" || parts[4] == account || parts[4] == store.AWSManagedAccount)
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

// AccessDenied is the denial in the shape of the request's service, with
// the message AWS gives: principal, action and resource.
func AccessDenied(req *reqctx.Request) error { return AccessDeniedBecause(req, "") }

// AccessDeniedBecause is AccessDenied with the reason AWS appends ("because
// no identity-based policy allows the iam:GetUser action", "with an
// explicit deny in an identity-based policy").
func AccessDeniedBecause(req *reqctx.Request, reason string) error {
	code, status := "AccessDenied", 403
	if req.Service == "workmail" {
		code, status = "AccessDeniedException", 400
	}
	arn := "anonymous"
	if req.Caller != nil && req.Caller.Arn != "" {
		arn = req.Caller.Arn
	}
	msg := "User: " + arn + " is not authorized to perform: " + req.Action
	if req.Resource != "" && req.Resource != "*" {
		msg += " on resource: " + req.Resource
	}
	if reason != "" {
		msg += " " + reason
	}
	return apierror.New(code, status, true, "%s", msg)
}
