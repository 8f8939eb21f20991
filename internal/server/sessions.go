package server

import (
	"context"
	"errors"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/sigv4"
	"github.com/mailgate/mailgate/internal/store"
)

// lookupSession answers the verifier for temporary credentials (ASIA…):
// the sealed secret and the hash of the session token, which the verifier
// compares with the hash of the X-Amz-Security-Token presented. An
// expired session is still returned, so that a correctly signed request
// with it is told ExpiredToken rather than that the key is unknown.
func (cs credentialSource) lookupSession(ctx context.Context, id string) (*sigv4.Credential, error) {
	sess, err := cs.st.GetSTSSession(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, sigv4.ErrUnknownAccessKey
	}
	if err != nil {
		return nil, err
	}
	return &sigv4.Credential{AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionTokenSHA256: sess.TokenSHA256, Principal: sess}, nil
}

// expiredToken is AWS's answer to expired temporary credentials in each
// protocol.
func (s *Server) expiredToken(c *call) *apierror.Error {
	const msg = "The security token included in the request is expired"
	if c.svc == nil || c.svc.model.Protocol == "json" {
		return apierror.New("ExpiredTokenException", 400, true, msg)
	}
	return apierror.New("ExpiredToken", 403, true, msg)
}

// sessionCaller builds the caller of a request signed with temporary
// credentials: the assumed-role session (arn:aws:sts::<account>:assumed-role/<role>/<session>,
// user ID <role ID>:<session>) or, for GetSessionToken, the user or root
// that asked for them. The role or user is read again on every request,
// with its account's authorization generation: a deleted role or user
// ends its sessions at once.
func (s *Server) sessionCaller(ctx context.Context, c *call, sess *store.STSSession, partition string) (*reqctx.Caller, *apierror.Error) {
	if !s.cfg.Now().Before(sess.ExpiresAt) {
		return nil, s.expiredToken(c)
	}
	invalid := func() *apierror.Error {
		return s.authError(c, &sigv4.Error{Kind: sigv4.KindInvalidToken, Message: sigv4.MsgInvalidToken})
	}
	tags := map[string]string{}
	for _, t := range sess.Tags {
		tags[t.Key] = t.Value
	}
	caller := &reqctx.Caller{AccountID: sess.AccountID, AccessKeyID: sess.AccessKeyID, Session: &reqctx.Session{
		IssuedAt: sess.IssuedAt, ExpiresAt: sess.ExpiresAt, Policies: sess.SessionPolicies, Tags: tags,
		TransitiveTagKeys: sess.TransitiveTagKeys, SourceIdentity: sess.SourceIdentity, Kind: sess.Kind,
	}}
	switch sess.Kind {
	case store.SessionAssumedRole:
		role, gen, err := s.cfg.Store.GetIAMPrincipalByID(ctx, sess.RoleID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && role.AccountID != sess.AccountID) {
			return nil, invalid()
		}
		if err != nil {
			return nil, s.asAPIError(c, err)
		}
		caller.Type, caller.EntityID = "AssumedRole", role.ID
		caller.AuthzGeneration, caller.HasAuthzGeneration = gen, true
		caller.RoleName, caller.SessionName = role.Name, sess.SessionName
		caller.RoleArn = "arn:" + partition + ":iam::" + sess.AccountID + ":role" + role.Path + role.Name
		caller.Arn = "arn:" + partition + ":sts::" + sess.AccountID + ":assumed-role/" + role.Name + "/" + sess.SessionName
		caller.UserID = role.ID + ":" + sess.SessionName
	case store.SessionToken:
		if sess.UserName == "" {
			caller.Root, caller.Type, caller.UserID = true, "Account", sess.AccountID
			caller.Arn = "arn:" + partition + ":iam::" + sess.AccountID + ":root"
			break
		}
		u, gen, err := s.cfg.Store.GetIAMPrincipal(ctx, sess.AccountID, store.IAMUser, sess.UserName)
		if errors.Is(err, store.ErrNotFound) {
			return nil, invalid()
		}
		if err != nil {
			return nil, s.asAPIError(c, err)
		}
		caller.Type, caller.UserID, caller.EntityID, caller.UserName = "User", u.ID, u.ID, u.Name
		caller.AuthzGeneration, caller.HasAuthzGeneration = gen, true
		caller.Arn = "arn:" + partition + ":iam::" + sess.AccountID + ":user" + u.Path + u.Name
	default:
		return nil, invalid()
	}
	return caller, nil
}
