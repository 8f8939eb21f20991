package sts

import (
	"context"
	"errors"
	"time"

	"github.com/mailgate/mailgate/internal/api/stsapi"
	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// What AssumeRole, AssumeRoleWithWebIdentity and GetFederationToken
// share: the session policies a request passes, the packed size they
// take, and the issue of an assumed-role session.

// sessionPolicies are the documents of the inline Policy and of
// PolicyArns (managed policies of account or AWS's), and the bytes they
// count towards the packed size.
func sessionPolicies(ctx context.Context, st store.Store, account string, doc *string, arns []stsapi.PolicyDescriptorType) ([]string, int, error) {
	var policies []string
	packed := 0
	if doc != nil {
		if _, err := policy.Parse(*doc, policy.Identity); err != nil {
			var pe *policy.Error
			if errors.As(err, &pe) {
				return nil, 0, stsapi.NewMalformedPolicyDocumentException("%s", pe.Message)
			}
			return nil, 0, err
		}
		packed += policy.Size(*doc)
		policies = append(policies, *doc)
	}
	for _, pa := range arns {
		arn := opt.Deref(pa.Arn)
		d, ok, err := authz.ManagedPolicyDocument(ctx, st, account, arn)
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			return nil, 0, stsapi.NewMalformedPolicyDocumentException("The policy %s does not exist or is not attachable.", arn)
		}
		packed += len(arn)
		policies = append(policies, d)
	}
	return policies, packed, nil
}

// packedSession is sessionPolicies with the session tags counted too,
// and the share of the packed space they take (packedPercent).
func packedSession(ctx context.Context, st store.Store, account string, doc *string, arns []stsapi.PolicyDescriptorType, tags []store.Tag) (policies []string, packed, pct int, err error) {
	if policies, packed, err = sessionPolicies(ctx, st, account, doc, arns); err != nil {
		return nil, 0, 0, err
	}
	for _, t := range tags {
		packed += len(t.Key) + len(t.Value)
	}
	pct, err = packedPercent(packed)
	return policies, packed, pct, err
}

// packedPercent is the share of the packed-policy space the session
// policies and tags take; beyond 100% the request fails.
func packedPercent(packed int) (int, error) {
	pct := (packed*100 + maxSessionPolicySize - 1) / maxSessionPolicySize
	if pct > 100 {
		return 0, stsapi.NewPackedPolicyTooLargeException("Packed policy consumes %d%% of allotted space, please use smaller policy for your session.", pct)
	}
	return pct, nil
}

// packedSize is PackedPolicySize of a response: present when the request
// passed policies or tags.
func packedSize(packed, pct int) *int32 {
	if packed == 0 {
		return nil
	}
	p := int32(pct)
	return &p
}

// roleSession is what a new assumed-role session holds besides its
// credentials.
type roleSession struct {
	role              *store.IAMEntity
	name              string
	duration          int
	policies          []string
	tags              []store.Tag
	transitive        []string
	sourceIdentity    string
	contextKeys       map[string][]string
	chained           bool
	partition, region string
}

// issueRoleSession stores a new session of the role and notes the role's
// last use.
func (s *Service) issueRoleSession(ctx context.Context, rs roleSession) (*stsapi.Credentials, *stsapi.AssumedRoleUser, error) {
	role := rs.role
	now := s.now().UTC().Truncate(time.Millisecond)
	creds, sess := newCredentials(role.AccountID, now, rs.duration)
	sess.Kind, sess.RoleID, sess.RoleName, sess.RolePath, sess.SessionName = store.SessionAssumedRole, role.ID, role.Name, role.Path, rs.name
	sess.SessionPolicies, sess.Tags, sess.TransitiveTagKeys, sess.SourceIdentity, sess.Chained = rs.policies, rs.tags, rs.transitive, rs.sourceIdentity, rs.chained
	sess.ContextKeys = rs.contextKeys
	sess.MFAAuthenticatedAt = sessionMFA(ctx)
	if err := s.st.PutSTSSession(ctx, *sess); err != nil {
		return nil, nil, err
	}
	_, _ = s.st.UpdateIAMEntity(ctx, role.AccountID, store.IAMRole, role.Name, func(e *store.IAMEntity) error {
		e.LastUsedAt, e.LastUsedRegion = now, rs.region
		return nil
	})
	s.sweep(ctx, now)
	return creds, &stsapi.AssumedRoleUser{
		AssumedRoleId: role.ID + ":" + rs.name,
		Arn:           "arn:" + rs.partition + ":sts::" + role.AccountID + ":assumed-role/" + role.Name + "/" + rs.name,
	}, nil
}

// requestPlace is the partition and region of the request.
func requestPlace(ctx context.Context) (string, string) {
	r := reqctx.From(ctx)
	return r.ARNPartition(), r.Region
}
