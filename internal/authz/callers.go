package authz

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/sigv4"
	"github.com/mailgate/mailgate/internal/store"
)

// Errors of Caller; the server answers them in its protocol's words.
var (
	// ErrExpiredToken: the temporary credentials have expired.
	ErrExpiredToken = errors.New("authz: the security token included in the request is expired")
	// ErrInvalidToken: the credentials' user or role no longer exists.
	ErrInvalidToken = errors.New("authz: the security token included in the request is invalid")
)

// Credentials answers the SigV4 verifier from the store. It reads the
// store on every request, so a key that is deleted or deactivated stops
// working with the write that changed it.
type Credentials struct{ Store store.Store }

// LookupCredential implements sigv4.CredentialSource: long-term keys
// (AKIA…) and temporary credentials (ASIA…).
func (cs Credentials) LookupCredential(ctx context.Context, id string) (*sigv4.Credential, error) {
	if strings.HasPrefix(id, ids.PrefixTempAccessKey) {
		return cs.lookupSession(ctx, id)
	}
	k, err := cs.Store.GetAccessKey(ctx, id)
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

// lookupSession answers for temporary credentials: the sealed secret and
// the hash of the session token, which the verifier compares with the
// hash of the X-Amz-Security-Token presented. An expired session is still
// returned, so that a correctly signed request with it is told
// ExpiredToken rather than that the key is unknown.
func (cs Credentials) lookupSession(ctx context.Context, id string) (*sigv4.Credential, error) {
	sess, err := cs.Store.GetSTSSession(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, sigv4.ErrUnknownAccessKey
	}
	if err != nil {
		return nil, err
	}
	return &sigv4.Credential{AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionTokenSHA256: sess.TokenSHA256, Principal: sess}, nil
}

// Caller builds the principal of a verified credential (the Principal a
// LookupCredential answer carried): the account root or an IAM user for
// an access key, the assumed-role session or the GetSessionToken caller
// for temporary credentials. The user or role is read again on every
// request, with its account's authorization generation: a deleted user
// or role authenticates no one from the next request on.
func (cs Credentials) Caller(ctx context.Context, principal any, partition string, now time.Time) (*reqctx.Caller, error) {
	switch p := principal.(type) {
	case *store.AccessKey:
		return cs.keyCaller(ctx, p, partition)
	case *store.STSSession:
		return cs.sessionCaller(ctx, p, partition, now)
	}
	return nil, errors.New("authz: unknown kind of credential")
}

func (cs Credentials) keyCaller(ctx context.Context, k *store.AccessKey, partition string) (*reqctx.Caller, error) {
	caller := &reqctx.Caller{AccountID: k.AccountID, AccessKeyID: k.AccessKeyID}
	if k.UserName == "" {
		caller.Root, caller.Type = true, "Account"
		caller.UserID = k.AccountID
		caller.Arn = "arn:" + partition + ":iam::" + k.AccountID + ":root"
		return caller, nil
	}
	if err := cs.setUser(ctx, caller, k.AccountID, k.UserName, partition); err != nil {
		return nil, err
	}
	return caller, nil
}

// setUser makes the caller the IAM user, by its path and unique ID.
func (cs Credentials) setUser(ctx context.Context, caller *reqctx.Caller, account, name, partition string) error {
	u, gen, err := cs.Store.GetIAMPrincipal(ctx, account, store.IAMUser, name)
	if errors.Is(err, store.ErrNotFound) {
		return ErrInvalidToken
	}
	if err != nil {
		return err
	}
	caller.Type, caller.UserID, caller.EntityID, caller.UserName = "User", u.ID, u.ID, u.Name
	caller.AuthzGeneration, caller.HasAuthzGeneration = gen, true
	caller.Arn = "arn:" + partition + ":iam::" + account + ":user" + u.Path + u.Name
	return nil
}

// sessionCaller builds the caller of temporary credentials: the
// assumed-role session (arn:aws:sts::<account>:assumed-role/<role>/<session>,
// user ID <role ID>:<session>) or, for GetSessionToken, the user or root
// that asked for them.
func (cs Credentials) sessionCaller(ctx context.Context, sess *store.STSSession, partition string, now time.Time) (*reqctx.Caller, error) {
	if !now.Before(sess.ExpiresAt) {
		return nil, ErrExpiredToken
	}
	tags := map[string]string{}
	for _, t := range sess.Tags {
		tags[t.Key] = t.Value
	}
	caller := &reqctx.Caller{AccountID: sess.AccountID, AccessKeyID: sess.AccessKeyID, Session: &reqctx.Session{
		IssuedAt: sess.IssuedAt, ExpiresAt: sess.ExpiresAt, Policies: sess.SessionPolicies, Tags: tags,
		TransitiveTagKeys: sess.TransitiveTagKeys, SourceIdentity: sess.SourceIdentity, Kind: sess.Kind, ContextKeys: sess.ContextKeys,
	}}
	caller.Session.MFAAt = sess.MFAAuthenticatedAt
	switch {
	case sess.Kind == store.SessionAssumedRole:
		role, gen, err := cs.Store.GetIAMPrincipalByID(ctx, sess.RoleID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && role.AccountID != sess.AccountID) {
			return nil, ErrInvalidToken
		}
		if err != nil {
			return nil, err
		}
		caller.Type, caller.EntityID = "AssumedRole", role.ID
		caller.AuthzGeneration, caller.HasAuthzGeneration = gen, true
		caller.RoleName, caller.SessionName = role.Name, sess.SessionName
		caller.RoleArn = "arn:" + partition + ":iam::" + sess.AccountID + ":role" + role.Path + role.Name
		caller.Arn = "arn:" + partition + ":sts::" + sess.AccountID + ":assumed-role/" + role.Name + "/" + sess.SessionName
		caller.UserID = role.ID + ":" + sess.SessionName
	case sess.Kind == store.SessionFederated:
		if err := cs.setFederatedUser(ctx, caller, sess, partition); err != nil {
			return nil, err
		}
	case sess.Kind == store.SessionToken && sess.UserName == "":
		caller.Root, caller.Type, caller.UserID = true, "Account", sess.AccountID
		caller.Arn = "arn:" + partition + ":iam::" + sess.AccountID + ":root"
	case sess.Kind == store.SessionToken:
		if err := cs.setUser(ctx, caller, sess.AccountID, sess.UserName, partition); err != nil {
			return nil, err
		}
	default:
		return nil, ErrInvalidToken
	}
	return caller, nil
}

// setFederatedUser makes the caller the federated user of a
// GetFederationToken session (arn:aws:sts::<account>:federated-user/<name>,
// user ID <account>:<name>), with the policies of the IAM user that asked
// for it (none for the root, whose permissions are everything).
func (cs Credentials) setFederatedUser(ctx context.Context, caller *reqctx.Caller, sess *store.STSSession, partition string) error {
	caller.Type, caller.SessionName = "FederatedUser", sess.SessionName
	caller.UserID = sess.AccountID + ":" + sess.SessionName
	caller.Arn = "arn:" + partition + ":sts::" + sess.AccountID + ":federated-user/" + sess.SessionName
	if sess.UserName == "" {
		return nil
	}
	u, gen, err := cs.Store.GetIAMPrincipal(ctx, sess.AccountID, store.IAMUser, sess.UserName)
	if errors.Is(err, store.ErrNotFound) {
		return ErrInvalidToken
	}
	if err != nil {
		return err
	}
	caller.EntityID, caller.AuthzGeneration, caller.HasAuthzGeneration = u.ID, gen, true
	return nil
}
