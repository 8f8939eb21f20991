package iam

import (
	"context"
	"errors"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/arn"
	"github.com/mailgate/mailgate/internal/authz"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/reqctx"
	"github.com/mailgate/mailgate/internal/store"
)

// Service last accessed reports (IAM user guide, "Refining permissions
// in AWS using last accessed information"), built from the calls the
// policy engine allowed (authz.ServiceAccess). A report lists the
// services the subject's permissions policies name, with the most recent
// access by the entities that could use them: the user or role itself,
// a group's members, a policy's users and roles (and its groups'
// members). A job completes once every replica has flushed what it noted
// before the job began.

// accessJob is a report job, an account record keyed by its ID.
type accessJob struct {
	ID          string    `json:"id"`
	ARN         string    `json:"arn"`
	Granularity string    `json:"granularity"`
	Caller      string    `json:"caller"`
	Created     time.Time `json:"created"`
	// EntityPath is set instead of ARN for an organizations access
	// report job.
	EntityPath string `json:"entityPath,omitempty"`
}

var accessJobs = records.Of[accessJob](records.Account, store.RecordLastAccessedJob)

// servedNamespaces are the services of this server: a wildcard in a
// policy's actions names those of them it matches.
var servedNamespaces = []string{"cloudtrail", "iam", "identitystore", "sso", "sts", "workmail"}

// serviceNames are the names the reports give services, as AWS's do.
var serviceNames = map[string]string{
	"cloudtrail":    "AWS CloudTrail",
	"iam":           "AWS Identity and Access Management",
	"identitystore": "AWS Identity Store",
	"sso":           "AWS IAM Identity Center",
	"sts":           "AWS Security Token Service",
	"workmail":      "Amazon WorkMail",
	"s3":            "Amazon S3",
	"ec2":           "Amazon EC2",
	"lambda":        "AWS Lambda",
	"codecommit":    "AWS CodeCommit",
	"bedrock":       "Amazon Bedrock",
}

func serviceName(ns string) string {
	if n, ok := serviceNames[ns]; ok {
		return n
	}
	return ns
}

// subject is what a report is about: an entity or a managed policy.
type subject struct {
	entity *store.IAMEntity
	policy *store.ManagedPolicy
}

// grant is one permissions policy with what names it in a listing.
type grant struct {
	name, arn  string // arn: managed policies only
	ownerKind  string // inline policies: the entity they are on
	ownerName  string
	statements []policy.Statement
}

func errInvalidARN(a string) error {
	return iamapi.NewInvalidInputException("ARN %s is not valid.", a)
}

// resolveSubject finds the user, group, role or managed policy a report
// names, in the caller's account (or, for a policy, AWS's).
func (s *Service) resolveSubject(ctx context.Context, sc scope, a string, policies bool) (*subject, error) {
	if owner, _, name, ok := arn.Policy(a); ok {
		if !policies {
			return nil, errInvalidARN(a)
		}
		if owner != sc.account && owner != store.AWSManagedAccount {
			return nil, iamapi.NewNoSuchEntityException("Policy %s does not exist or is not attachable.", a)
		}
		p, err := s.st.GetManagedPolicy(ctx, owner, name, sc.account)
		if errors.Is(err, store.ErrNotFound) || (err == nil && sc.policyARN(p) != a) {
			return nil, iamapi.NewNoSuchEntityException("Policy %s does not exist or is not attachable.", a)
		}
		return &subject{policy: p}, err
	}
	account, kind, _, name, ok := arn.IAMEntity(a, store.IAMUser, store.IAMGroup, store.IAMRole)
	if !ok {
		return nil, errInvalidARN(a)
	}
	e, found, err := authz.EntityByARN(ctx, s.st, a)
	if err != nil {
		return nil, err
	}
	if !found || account != sc.account {
		return nil, noSuchEntity(kind, name)
	}
	return &subject{entity: e}, nil
}

// grants loads the subject's permissions policies: for a user, its own
// and its groups'.
func (s *Service) grants(ctx context.Context, sc scope, sub *subject) ([]grant, error) {
	if sub.policy != nil {
		g, err := s.managedGrant(ctx, sc, *sub.policy)
		return []grant{g}, err
	}
	owners := []store.IAMEntity{*sub.entity}
	if sub.entity.Kind == store.IAMUser {
		groups, err := s.st.ListIAMUserGroups(ctx, sub.entity.ID)
		if err != nil {
			return nil, err
		}
		owners = append(owners, groups...)
	}
	var out []grant
	for _, o := range owners {
		gs, err := s.ownGrants(ctx, sc, o)
		if err != nil {
			return nil, err
		}
		out = append(out, gs...)
	}
	return out, nil
}

// ownGrants are the inline and attached policies of one entity.
func (s *Service) ownGrants(ctx context.Context, sc scope, e store.IAMEntity) ([]grant, error) {
	inline, err := s.st.ListInlinePolicies(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	var out []grant
	for _, p := range inline {
		out = append(out, grant{name: p.Name, ownerKind: e.Kind, ownerName: e.Name, statements: statementsOf(p.Document)})
	}
	attached, err := s.st.ListAttachedPolicies(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range attached {
		g, err := s.managedGrant(ctx, sc, p)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

func (s *Service) managedGrant(ctx context.Context, sc scope, p store.ManagedPolicy) (grant, error) {
	v, err := s.st.GetPolicyVersion(ctx, p.ID, p.DefaultVersion)
	if err != nil {
		return grant{}, err
	}
	return grant{name: p.Name, arn: sc.policyARN(&p), statements: statementsOf(v.Document)}, nil
}

func statementsOf(doc string) []policy.Statement {
	d, err := policy.Parse(doc, policy.Identity)
	if err != nil {
		return nil
	}
	return d.Statements
}

// grantsService reports whether the policy allows some action of the
// service namespace ns (a permissions-policy reading: conditions and
// resources aside).
func (g grant) grantsService(ns string) bool {
	for _, st := range g.statements {
		if st.Effect != policy.Allow {
			continue
		}
		named := slices.ContainsFunc(st.Action, func(a string) bool { return actionInService(a, ns) })
		if named != st.NotAction {
			return true
		}
		if st.NotAction && !slices.ContainsFunc(st.Action, func(a string) bool { return strings.EqualFold(a, ns+":*") || a == "*" }) {
			return true
		}
	}
	return false
}

// actionInService reports whether an action pattern ("iam:Get*", "*",
// "s*:List*") can name an action of ns.
func actionInService(pattern, ns string) bool {
	if pattern == "*" {
		return true
	}
	svc, _, _ := strings.Cut(strings.ToLower(pattern), ":")
	ok, _ := path.Match(svc, ns)
	return ok
}

// services are the namespaces the policies grant, among the served ones
// and those accessed; actions are the actions they name literally, per
// namespace.
func grantedServices(gs []grant, accessed map[string]bool) ([]string, map[string][]string) {
	candidates := map[string]bool{}
	actions := map[string][]string{}
	for _, ns := range servedNamespaces {
		candidates[ns] = true
	}
	for ns := range accessed {
		candidates[ns] = true
	}
	for _, g := range gs {
		for _, st := range g.statements {
			for _, a := range st.Action {
				svc, act, ok := strings.Cut(a, ":")
				if !ok || strings.ContainsAny(svc, "*?") {
					continue
				}
				svc = strings.ToLower(svc)
				candidates[svc] = true
				if st.Effect == policy.Allow && !st.NotAction && !strings.ContainsAny(act, "*?") && !slices.Contains(actions[svc], act) {
					actions[svc] = append(actions[svc], act)
				}
			}
		}
	}
	var out []string
	for ns := range candidates {
		if slices.ContainsFunc(gs, func(g grant) bool { return g.grantsService(ns) }) {
			out = append(out, ns)
		}
	}
	slices.Sort(out)
	return out, actions
}

// accessors are the users and roles whose calls a report counts.
func (s *Service) accessors(ctx context.Context, sc scope, sub *subject) ([]store.IAMEntity, error) {
	if sub.entity != nil && sub.entity.Kind != store.IAMGroup {
		return []store.IAMEntity{*sub.entity}, nil
	}
	var direct []store.IAMEntity
	var err error
	if sub.entity != nil {
		direct = []store.IAMEntity{*sub.entity}
	} else if direct, err = s.st.ListPolicyEntities(ctx, sc.account, sub.policy.ID, false); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []store.IAMEntity
	add := func(e store.IAMEntity) {
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, e)
		}
	}
	for _, e := range direct {
		if e.Kind != store.IAMGroup {
			add(e)
			continue
		}
		members, err := s.st.ListIAMGroupMembers(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			add(m)
		}
	}
	return out, nil
}

// accessesOf loads the recorded accesses of the accessors, per service.
func (s *Service) accessesOf(ctx context.Context, sc scope, who []store.IAMEntity) (map[string][]authz.ServiceAccess, error) {
	out := map[string][]authz.ServiceAccess{}
	for _, e := range who {
		recs, err := authz.ServiceAccesses.All(ctx, s.st, sc.account, e.ID+"/")
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			out[r.Service] = append(out[r.Service], r)
		}
	}
	return out, nil
}

func (s *Service) GenerateServiceLastAccessedDetails(ctx context.Context, in *iamapi.GenerateServiceLastAccessedDetailsRequest) (*iamapi.GenerateServiceLastAccessedDetailsResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.resolveSubject(ctx, sc, in.Arn, true); err != nil {
		return nil, err
	}
	job := &accessJob{ID: uuid.NewString(), ARN: in.Arn, Caller: sc.caller.Arn, Created: s.now(),
		Granularity: string(opt.Deref(in.Granularity))}
	if job.Granularity == "" {
		job.Granularity = string(iamapi.AccessAdvisorUsageGranularityTypeServiceLevel)
	}
	if _, err := accessJobs.Put(ctx, s.st, sc.account, job.ID, func(*accessJob) (*accessJob, error) { return job, nil }); err != nil {
		return nil, err
	}
	return &iamapi.GenerateServiceLastAccessedDetailsResponse{JobId: &job.ID}, nil
}

// scopedJob starts a read of a report job.
func (s *Service) scopedJob(ctx context.Context, id string) (scope, *accessJob, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return sc, nil, err
	}
	j, err := s.job(ctx, sc, id)
	return sc, j, err
}

// job loads a report job of the caller: a job belongs to the user or
// role session that generated it.
func (s *Service) job(ctx context.Context, sc scope, id string) (*accessJob, error) {
	j, ok, err := accessJobs.Get(ctx, s.st, sc.account, id)
	if err != nil {
		return nil, err
	}
	if !ok || j.ARN == "" || j.Caller != sc.caller.Arn {
		return nil, iamapi.NewNoSuchEntityException("No such job %s.", id)
	}
	return j, nil
}

// done is when a job completes; zero while it runs.
func (s *Service) done(j *accessJob) time.Time {
	at := j.Created.Add(authz.AccessReportDelay)
	if s.now().Before(at) {
		return time.Time{}
	}
	return at
}

func jobStatus(done time.Time) iamapi.JobStatusType {
	if done.IsZero() {
		return iamapi.JobStatusTypeInProgress
	}
	return iamapi.JobStatusTypeCompleted
}

func (s *Service) GetServiceLastAccessedDetails(ctx context.Context, in *iamapi.GetServiceLastAccessedDetailsRequest) (*iamapi.GetServiceLastAccessedDetailsResponse, error) {
	sc, j, err := s.scopedJob(ctx, in.JobId)
	if err != nil {
		return nil, err
	}
	out := &iamapi.GetServiceLastAccessedDetailsResponse{JobType: opt.Ptr(iamapi.AccessAdvisorUsageGranularityType(j.Granularity)),
		JobCreationDate: j.Created, ServicesLastAccessed: []iamapi.ServiceLastAccessed{}, IsTruncated: opt.Ptr(false)}
	out.JobCompletionDate = s.done(j)
	out.JobStatus = jobStatus(out.JobCompletionDate)
	if out.JobCompletionDate.IsZero() {
		return out, nil
	}
	services, err := s.report(ctx, sc, j)
	if errors.As(err, new(*iamapi.NoSuchEntityException)) {
		out.JobStatus, out.Error = iamapi.JobStatusTypeFailed, &iamapi.ErrorDetails{Code: "NoSuchEntity", Message: err.Error()}
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	out.ServicesLastAccessed, out.IsTruncated, out.Marker, err = paginate(services, in.Marker, in.MaxItems)
	return out, err
}

// report lists the services the job's subject is granted, with their
// last accesses.
func (s *Service) report(ctx context.Context, sc scope, j *accessJob) ([]iamapi.ServiceLastAccessed, error) {
	sub, err := s.resolveSubject(ctx, sc, j.ARN, true)
	if err != nil {
		return nil, err
	}
	gs, err := s.grants(ctx, sc, sub)
	if err != nil {
		return nil, err
	}
	who, err := s.accessors(ctx, sc, sub)
	if err != nil {
		return nil, err
	}
	acc, err := s.accessesOf(ctx, sc, who)
	if err != nil {
		return nil, err
	}
	accessed := map[string]bool{}
	for ns := range acc {
		accessed[ns] = true
	}
	namespaces, named := grantedServices(gs, accessed)
	out := make([]iamapi.ServiceLastAccessed, 0, len(namespaces))
	for _, ns := range namespaces {
		out = append(out, serviceReport(ns, acc[ns], named[ns], j.Granularity == string(iamapi.AccessAdvisorUsageGranularityTypeActionLevel)))
	}
	return out, nil
}

// serviceReport is one service's line: the latest of the accesses, how
// many entities made them, and with actions, each action's latest.
func serviceReport(ns string, accesses []authz.ServiceAccess, named []string, actions bool) iamapi.ServiceLastAccessed {
	out := iamapi.ServiceLastAccessed{ServiceName: serviceName(ns), ServiceNamespace: ns, TotalAuthenticatedEntities: opt.Ptr(int32(len(accesses)))}
	var last *authz.ServiceAccess
	for i := range accesses {
		if last == nil || accesses[i].At.After(last.At) {
			last = &accesses[i]
		}
	}
	if last != nil {
		out.LastAuthenticated, out.LastAuthenticatedEntity, out.LastAuthenticatedRegion = opt.Ptr(last.At), opt.Ptr(last.EntityARN), opt.Ptr(last.Region)
	}
	if !actions {
		return out
	}
	names := slices.Clone(named)
	for _, a := range accesses {
		for name := range a.Actions {
			if !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, name) }) {
				names = append(names, name)
			}
		}
	}
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	out.TrackedActionsLastAccessed = []iamapi.TrackedActionLastAccessed{}
	for _, name := range names {
		out.TrackedActionsLastAccessed = append(out.TrackedActionsLastAccessed, actionReport(name, accesses))
	}
	return out
}

func actionReport(name string, accesses []authz.ServiceAccess) iamapi.TrackedActionLastAccessed {
	out := iamapi.TrackedActionLastAccessed{ActionName: opt.Ptr(name)}
	for _, a := range accesses {
		for n, at := range a.Actions {
			if strings.EqualFold(n, name) && (out.LastAccessedTime == nil || at.At.After(*out.LastAccessedTime)) {
				out.LastAccessedTime, out.LastAccessedEntity, out.LastAccessedRegion = opt.Ptr(at.At), opt.Ptr(a.EntityARN), opt.Ptr(at.Region)
			}
		}
	}
	return out
}

func (s *Service) GetServiceLastAccessedDetailsWithEntities(ctx context.Context, in *iamapi.GetServiceLastAccessedDetailsWithEntitiesRequest) (*iamapi.GetServiceLastAccessedDetailsWithEntitiesResponse, error) {
	sc, j, err := s.scopedJob(ctx, in.JobId)
	if err != nil {
		return nil, err
	}
	out := &iamapi.GetServiceLastAccessedDetailsWithEntitiesResponse{JobCreationDate: j.Created, JobCompletionDate: s.done(j),
		EntityDetailsList: []iamapi.EntityDetails{}, IsTruncated: opt.Ptr(false)}
	out.JobStatus = jobStatus(out.JobCompletionDate)
	if out.JobCompletionDate.IsZero() {
		return out, nil
	}
	sub, err := s.resolveSubject(ctx, sc, j.ARN, true)
	if err != nil {
		return nil, err
	}
	who, err := s.accessors(ctx, sc, sub)
	if err != nil {
		return nil, err
	}
	ns := strings.ToLower(in.ServiceNamespace)
	details := make([]iamapi.EntityDetails, 0, len(who))
	for _, e := range who {
		a, ok, err := authz.ServiceAccesses.Get(ctx, s.st, sc.account, authz.ServiceAccessKey(e.ID, ns))
		if err != nil {
			return nil, err
		}
		d := iamapi.EntityDetails{EntityInfo: &iamapi.EntityInfo{Arn: sc.entityARN(&e), Name: e.Name, Type: iamapi.PolicyOwnerEntityType(strings.ToUpper(e.Kind)), Id: e.ID, Path: opt.Ptr(e.Path)}}
		if ok {
			d.LastAuthenticated = opt.Ptr(a.At)
		}
		details = append(details, d)
	}
	// The most recent access first, entities without one last.
	slices.SortStableFunc(details, func(a, b iamapi.EntityDetails) int {
		return -opt.Deref(a.LastAuthenticated).Compare(opt.Deref(b.LastAuthenticated))
	})
	out.EntityDetailsList, out.IsTruncated, out.Marker, err = paginate(details, in.Marker, in.MaxItems)
	return out, err
}

func (s *Service) ListPoliciesGrantingServiceAccess(ctx context.Context, in *iamapi.ListPoliciesGrantingServiceAccessRequest) (*iamapi.ListPoliciesGrantingServiceAccessResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	sub, err := s.resolveSubject(ctx, sc, in.Arn, false)
	if err != nil {
		return nil, err
	}
	gs, err := s.grants(ctx, sc, sub)
	if err != nil {
		return nil, err
	}
	entries := make([]iamapi.ListPoliciesGrantingServiceAccessEntry, 0, len(in.ServiceNamespaces))
	for _, ns := range in.ServiceNamespaces {
		e := iamapi.ListPoliciesGrantingServiceAccessEntry{ServiceNamespace: opt.Ptr(ns), Policies: []iamapi.PolicyGrantingServiceAccess{}}
		for _, g := range gs {
			if g.grantsService(strings.ToLower(ns)) {
				e.Policies = append(e.Policies, g.api())
			}
		}
		entries = append(entries, e)
	}
	out := &iamapi.ListPoliciesGrantingServiceAccessResponse{}
	out.PoliciesGrantingServiceAccess, out.IsTruncated, out.Marker, err = paginate(entries, in.Marker, nil)
	return out, err
}

func (g grant) api() iamapi.PolicyGrantingServiceAccess {
	if g.arn != "" {
		return iamapi.PolicyGrantingServiceAccess{PolicyName: g.name, PolicyType: iamapi.PolicyTypeManaged, PolicyArn: opt.Ptr(g.arn)}
	}
	return iamapi.PolicyGrantingServiceAccess{PolicyName: g.name, PolicyType: iamapi.PolicyTypeInline,
		EntityType: opt.Ptr(iamapi.PolicyOwnerEntityType(strings.ToUpper(g.ownerKind))), EntityName: opt.Ptr(g.ownerName)}
}

// GenerateServiceLastAccessedDetailsTarget is the entity or policy the
// report is about (the model names no member for it).
func (s *Service) GenerateServiceLastAccessedDetailsTarget(_ context.Context, _ *reqctx.Request, in *iamapi.GenerateServiceLastAccessedDetailsRequest) (*api.Target, error) {
	t := in.AuthzTarget()
	t.Refs = append(t.Refs, api.Ref{Kind: api.KindARN, Name: in.Arn})
	return t, nil
}

// ListPoliciesGrantingServiceAccessTarget is the identity whose policies
// are listed.
func (s *Service) ListPoliciesGrantingServiceAccessTarget(_ context.Context, _ *reqctx.Request, in *iamapi.ListPoliciesGrantingServiceAccessRequest) (*api.Target, error) {
	t := in.AuthzTarget()
	t.Refs = append(t.Refs, api.Ref{Kind: api.KindARN, Name: in.Arn})
	return t, nil
}
