package iam

import (
	"context"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// Quotas GetAccountSummary reports besides those enforced elsewhere
// (IAM user guide, "IAM and AWS STS quotas").
const (
	usersQuota                 = 5000
	groupsQuota                = 300
	rolesQuota                 = 1000
	customerPoliciesQuota      = 1500
	policyVersionsInUseQuota   = 10000
	serverCertificatesQuota    = 20
	signingCertificatesPerUser = 2
)

// GetAccountSummary reports the account's IAM usage and quotas under
// AWS's keys. Resources other parts of the service keep as account
// records (MFA devices, providers, certificates) are counted from those
// records, read loosely: only the few fields the summary needs.
func (s *Service) GetAccountSummary(ctx context.Context) (*iamapi.GetAccountSummaryResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	m := map[string]int32{
		"UsersQuota": usersQuota, "GroupsQuota": groupsQuota, "RolesQuota": rolesQuota,
		"PoliciesQuota": customerPoliciesQuota, "PolicyVersionsInUseQuota": policyVersionsInUseQuota,
		"InstanceProfilesQuota": maxInstanceProfiles, "ServerCertificatesQuota": serverCertificatesQuota,
		"UserPolicySizeQuota": maxUserInlineSize, "GroupPolicySizeQuota": maxGroupInlineSize, "RolePolicySizeQuota": maxRoleInlineSize,
		"PolicySizeQuota": maxManagedPolicySize, "AssumeRolePolicySizeQuota": maxTrustPolicySize,
		"GroupsPerUserQuota": maxGroupsPerUser, "AccessKeysPerUserQuota": maxAccessKeysPerUser,
		"SigningCertificatesPerUserQuota": signingCertificatesPerUser, "VersionsPerPolicyQuota": maxPolicyVersions,
		"AttachedPoliciesPerUserQuota": maxAttachedPolicies, "AttachedPoliciesPerGroupQuota": maxAttachedPolicies,
		"AttachedPoliciesPerRoleQuota": maxAttachedPolicies,
	}
	for key, kind := range map[string]string{"Users": store.IAMUser, "Groups": store.IAMGroup, "Roles": store.IAMRole} {
		es, err := s.allEntities(ctx, sc.account, kind)
		if err != nil {
			return nil, err
		}
		m[key] = int32(len(es))
	}
	if err := s.summarizePolicies(ctx, sc, m); err != nil {
		return nil, err
	}
	if err := s.summarizeRecords(ctx, sc, m); err != nil {
		return nil, err
	}
	rootKeys, err := s.st.ListUserAccessKeys(ctx, sc.account, "")
	if err != nil {
		return nil, err
	}
	m["AccountAccessKeysPresent"] = boolCount(len(rootKeys) > 0)
	if m["GlobalEndpointTokenVersion"], err = s.globalEndpointTokenVersion(ctx, sc.account); err != nil {
		return nil, err
	}
	return &iamapi.GetAccountSummaryResponse{SummaryMap: m}, nil
}

func boolCount(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// allEntities reads every role, user or group of an account.
func (s *Service) allEntities(ctx context.Context, account, kind string) ([]store.IAMEntity, error) {
	var out []store.IAMEntity
	p := store.Page{Limit: 1000}
	for {
		es, err := s.st.ListIAMEntities(ctx, account, kind, "", p)
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
		if len(es) < p.Limit {
			return out, nil
		}
		p.After = store.IAMEntityCursor(es[len(es)-1])
	}
}

// allPolicies reads every managed policy of the accounts in f.
func (s *Service) allPolicies(ctx context.Context, account string, f store.PolicyFilter) ([]store.ManagedPolicy, error) {
	var out []store.ManagedPolicy
	p := store.Page{Limit: 1000}
	for {
		ps, err := s.st.ListManagedPolicies(ctx, account, f, p)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
		if len(ps) < p.Limit {
			return out, nil
		}
		p.After = store.PolicyCursor(ps[len(ps)-1])
	}
}

// summarizePolicies counts the customer-managed policies and the policy
// versions in use: every version of those, and the default version of
// each AWS-managed policy the account uses.
func (s *Service) summarizePolicies(ctx context.Context, sc scope, m map[string]int32) error {
	own, err := s.allPolicies(ctx, sc.account, store.PolicyFilter{Accounts: []string{sc.account}})
	if err != nil {
		return err
	}
	used, err := s.allPolicies(ctx, sc.account, store.PolicyFilter{Accounts: []string{store.AWSManagedAccount}, Attached: true})
	if err != nil {
		return err
	}
	versions := len(used)
	for _, p := range own {
		vs, err := s.st.ListPolicyVersions(ctx, p.ID)
		if err != nil {
			return err
		}
		versions += len(vs)
	}
	m["Policies"], m["PolicyVersionsInUse"] = int32(len(own)), int32(versions)
	return nil
}

// looseRecord is an account record read for the few fields the summary
// and the credential report need, whatever else the kind holds.
type looseRecord struct {
	UserName  string `json:"user_name"`
	User      string `json:"user"`
	EnabledAt string `json:"enabled_at"`
	Status    string `json:"status"`
	Uploaded  string `json:"uploaded"`
}

func (s *Service) looseRecords(ctx context.Context, account, kind string) ([]looseRecord, error) {
	return records.Of[looseRecord](records.Account, kind).All(ctx, s.st, account, "")
}

// enabled says whether an MFA device is assigned to someone.
func (r looseRecord) enabled() bool {
	return r.EnabledAt != "" && r.EnabledAt != "0001-01-01T00:00:00Z"
}

func (s *Service) summarizeRecords(ctx context.Context, sc scope, m map[string]int32) error {
	profiles, err := instanceProfiles.All(ctx, s.st, sc.account, "")
	if err != nil {
		return err
	}
	m["InstanceProfiles"] = int32(len(profiles))
	counts := map[string]int{}
	for _, kind := range []string{store.RecordOpenIDConnectProvider, store.RecordSAMLProvider, store.RecordServerCertificate} {
		// Counted only: read as empty objects, whatever their fields.
		rs, err := records.Of[struct{}](records.Account, kind).All(ctx, s.st, sc.account, "")
		if err != nil {
			return err
		}
		counts[kind] = len(rs)
	}
	m["Providers"] = int32(counts[store.RecordOpenIDConnectProvider] + counts[store.RecordSAMLProvider])
	m["ServerCertificates"] = int32(counts[store.RecordServerCertificate])
	mfa, err := s.looseRecords(ctx, sc.account, store.RecordMFADevice)
	if err != nil {
		return err
	}
	var inUse, root int32
	for _, d := range mfa {
		if d.enabled() {
			inUse++
			if d.UserName == "" {
				root = 1
			}
		}
	}
	m["MFADevices"], m["MFADevicesInUse"], m["AccountMFAEnabled"] = int32(len(mfa)), inUse, root
	certs, err := s.looseRecords(ctx, sc.account, store.RecordSigningCertificate)
	if err != nil {
		return err
	}
	var rootCerts bool
	for _, c := range certs {
		rootCerts = rootCerts || c.User == ""
	}
	m["AccountSigningCertificatesPresent"] = boolCount(rootCerts)
	return nil
}
