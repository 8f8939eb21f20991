package iam

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// IAM quotas (IAM user guide, "IAM and AWS STS quotas"); overruns answer
// LimitExceeded (409).
const (
	maxManagedPolicySize   = 6144
	maxTrustPolicySize     = 2048
	maxRoleInlineSize      = 10240 // all inline policies of a role together
	maxUserInlineSize      = 2048
	maxGroupInlineSize     = 5120
	maxPolicyVersions      = 5
	maxAttachedPolicies    = 10 // managed policies per role, user or group
	maxAccessKeysPerUser   = 2
	maxGroupsPerUser       = 10
	maxTagsPerResource     = 50
	defaultMaxItems        = 100
	defaultMaxSession      = 3600
	serviceRolePathPrefix  = "/aws-service-role/"
	serviceLinkedRolePrefx = "AWSServiceRoleFor"
)

// Options configures the service.
type Options struct {
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// PublicURL is the URL clients reach the server at, asked when an
	// account's outbound federation issuer is made (default
	// http://127.0.0.1:4599).
	PublicURL func() string
}

// Service implements the IAM operations of roles, users, groups, access
// keys and policies. Others answer NotImplemented through Unimplemented.
type Service struct {
	iamapi.Unimplemented

	st   store.Store
	opts Options

	seedMu sync.Mutex
	seeded atomic.Bool
}

var _ iamapi.API = (*Service)(nil)

// New returns the service over st.
func New(st store.Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{st: st, opts: opts}
}

// now is the current time at the millisecond, as IAM reports it, so a
// time written and read back compares equal on every backend.
func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Millisecond) }

// scope is the caller's account and partition.
type scope struct {
	account, partition, region string
	caller                     *reqctx.Caller
}

// scope starts every operation: the caller's scope, once the AWS-managed
// policies are in the store (seeded outside any transaction, so a
// rolled-back operation cannot take them along).
func (s *Service) scope(ctx context.Context) (scope, error) {
	if !s.seeded.Load() {
		if err := s.seed(ctx); err != nil {
			return scope{}, err
		}
	}
	return scopeOf(ctx)
}

func scopeOf(ctx context.Context) (scope, error) {
	r := reqctx.From(ctx)
	if r.Caller == nil || r.Caller.AccountID == "" {
		return scope{}, errors.New("iam: the request carries no authenticated account")
	}
	p := r.ARNPartition()
	return scope{account: r.Caller.AccountID, partition: p, region: r.Region, caller: r.Caller}, nil
}

// arn of an entity: arn:aws:iam::123456789012:role/path/name.
func (sc scope) arn(kind, path, name string) string {
	return "arn:" + sc.partition + ":iam::" + sc.account + ":" + kind + path + name
}

func (sc scope) entityARN(e *store.IAMEntity) string { return sc.arn(e.Kind, e.Path, e.Name) }

func (sc scope) policyARN(p *store.ManagedPolicy) string {
	return "arn:" + sc.partition + ":iam::" + p.AccountID + ":policy" + p.Path + p.Name
}

// callerUserName is the IAM user name of the caller, "" for the root.
func (sc scope) callerUserName() string {
	if sc.caller.Root {
		return ""
	}
	_, res, _ := strings.Cut(sc.caller.Arn, ":user/")
	if i := strings.LastIndexByte(res, '/'); i >= 0 {
		res = res[i+1:]
	}
	return res
}

// nouns per kind, as IAM's messages spell them.
func noun(kind string) string {
	switch kind {
	case store.IAMRole:
		return "role"
	case store.IAMUser:
		return "user"
	}
	return "group"
}

func upperNoun(kind string) string {
	n := noun(kind)
	return strings.ToUpper(n[:1]) + n[1:]
}

func noSuchEntity(kind, name string) error {
	return iamapi.NewNoSuchEntityException("The %s with name %s cannot be found.", noun(kind), name)
}

// entity loads a role, user or group of the caller's account.
func (s *Service) entity(ctx context.Context, sc scope, kind, name string) (*store.IAMEntity, error) {
	e, err := s.st.GetIAMEntity(ctx, sc.account, kind, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity(kind, name)
	}
	return e, err
}

// scopedEntity starts a read of one role, user or group: the caller's
// scope, then the entity (NoSuchEntity when there is none).
func (s *Service) scopedEntity(ctx context.Context, kind, name string) (scope, *store.IAMEntity, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return sc, nil, err
	}
	e, err := s.entity(ctx, sc, kind, name)
	return sc, e, err
}

// inEntityTx runs fn in one transaction on an entity of the caller's
// account (NoSuchEntity when there is none).
func (s *Service) inEntityTx(ctx context.Context, kind, name string, fn func(ctx context.Context, sc scope, e *store.IAMEntity) error) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(ctx context.Context) error {
		e, err := s.entity(ctx, sc, kind, name)
		if err != nil {
			return err
		}
		return fn(ctx, sc, e)
	})
}

// update changes an entity through fn, mapping the store's errors.
func (s *Service) update(ctx context.Context, sc scope, kind, name string, fn func(*store.IAMEntity) error) (*store.IAMEntity, error) {
	e, err := s.st.UpdateIAMEntity(ctx, sc.account, kind, name, fn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, noSuchEntity(kind, name)
	}
	if errors.Is(err, store.ErrAlreadyExists) {
		return nil, iamapi.NewEntityAlreadyExistsException("%s with name %s already exists.", upperNoun(kind), name)
	}
	return e, err
}

// ---- policy documents ----

// checkDocument validates a document for kind and a size quota, with
// the quota's name as IAM reports it. A document that arrives
// URL-encoded (as IAM returns them, "%7B%22Version..."), IAM accepts:
// it is decoded in place first.
func checkDocument(doc *string, kind policy.Kind, limit int, quota string) error {
	*doc = decodeDocument(*doc)
	if _, err := policy.Parse(*doc, kind); err != nil {
		var pe *policy.Error
		if errors.As(err, &pe) {
			return iamapi.NewMalformedPolicyDocumentException("%s", pe.Message)
		}
		return err
	}
	if limit > 0 && policy.Size(*doc) > limit {
		return iamapi.NewLimitExceededException("Cannot exceed quota for %s: %d", quota, limit)
	}
	return nil
}

// decodeDocument undoes the URL encoding of a document that is not JSON
// as it stands but is once decoded; others are kept as they are.
func decodeDocument(doc string) string {
	t := strings.TrimSpace(doc)
	if strings.HasPrefix(t, "{") || !strings.Contains(t, "%") {
		return doc
	}
	// As IAM returns them (%20 for spaces), or form-encoded (+).
	for _, unescape := range []func(string) (string, error){url.PathUnescape, url.QueryUnescape} {
		if d, err := unescape(t); err == nil && json.Valid([]byte(d)) {
			return d
		}
	}
	return doc
}

// encodeDocument URL-encodes a policy document as IAM returns them:
// percent-encoding of everything but unreserved characters, spaces
// included (%20). botocore decodes it for the CLI; SDK users call
// url.QueryUnescape.
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// ---- pagination ----

// Markers are opaque: base64url of the listing's keyset cursor, or of
// an offset ("#n") for the short listings kept in memory.

func maxItems(p *int32) int {
	if p == nil {
		return defaultMaxItems
	}
	return int(*p)
}

func encodeMarker(cursor string) *string {
	m := base64.RawURLEncoding.EncodeToString([]byte(cursor))
	return &m
}

func decodeMarker(m *string) (string, error) {
	if m == nil {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*m)
	if err != nil || len(b) == 0 {
		return "", apiValidation("Invalid Marker.")
	}
	return string(b), nil
}

// apiValidation is the protocol's ValidationError (400).
func apiValidation(msg string) error {
	return apierror.ValidationError.InQuery("%s", msg)
}

// paginate cuts one page out of a listing held in memory.
func paginate[T any](items []T, marker *string, max *int32) ([]T, *bool, *string, error) {
	start := 0
	if marker != nil {
		c, err := decodeMarker(marker)
		if err != nil {
			return nil, nil, nil, err
		}
		n, err := strconv.Atoi(strings.TrimPrefix(c, "#"))
		if !strings.HasPrefix(c, "#") || err != nil || n < 0 || n > len(items) {
			return nil, nil, nil, apiValidation("Invalid Marker.")
		}
		start = n
	}
	end := start + maxItems(max)
	if end >= len(items) {
		return nonNil(items[start:]), opt.Ptr(false), nil, nil
	}
	return items[start:end], opt.Ptr(true), encodeMarker("#" + strconv.Itoa(end)), nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ---- tags ----

func toStoreTags(in []iamapi.Tag) ([]store.Tag, error) {
	seen := map[string]bool{}
	out := make([]store.Tag, 0, len(in))
	for _, t := range in {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return nil, iamapi.NewInvalidInputException("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
		if strings.HasPrefix(k, "aws:") {
			return nil, iamapi.NewInvalidInputException("User-defined tag keys cannot start with the prefix aws:.")
		}
		out = append(out, store.Tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}

func toAPITags(in []store.Tag) []iamapi.Tag {
	out := make([]iamapi.Tag, 0, len(in))
	for _, t := range in {
		out = append(out, iamapi.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

// tagsOrNil returns the tags for a response that carries them only when
// there are some.
func tagsOrNil(in []store.Tag) []iamapi.Tag {
	if len(in) == 0 {
		return nil
	}
	return toAPITags(in)
}

func (s *Service) putTags(ctx context.Context, ownerID string, tags []iamapi.Tag) error {
	st, err := toStoreTags(tags)
	if err != nil {
		return err
	}
	err = s.st.PutIAMTags(ctx, ownerID, st, maxTagsPerResource)
	if errors.Is(err, store.ErrLimitExceeded) {
		return iamapi.NewLimitExceededException("The number of tags has reached the maximum limit of %d.", maxTagsPerResource)
	}
	return err
}

// listTags pages through the tags of an owner.
func (s *Service) listTags(ctx context.Context, ownerID string, marker *string, max *int32) ([]iamapi.Tag, *bool, *string, error) {
	tags, err := s.st.ListIAMTags(ctx, ownerID)
	if err != nil {
		return nil, nil, nil, err
	}
	return paginate(toAPITags(tags), marker, max)
}

// ---- small helpers ----

func pathOr(p *string) string {
	if p == nil || *p == "" {
		return "/"
	}
	return *p
}
