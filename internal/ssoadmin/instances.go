package ssoadmin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api/ssoadminapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// Instance is an IAM Identity Center instance, kept as an account record
// under its ID.
type Instance struct {
	ARN             string
	ID              string // ssoins-<16 hex>
	IdentityStoreID string // d-<10 hex>
	OwnerAccountID  string
	Region          string
	Name            string `json:",omitempty"`
	Status          string
	CreatedDate     time.Time
	Tags            []ssoadminapi.Tag `json:",omitempty"`
	// ClientToken and RequestHash make CreateInstance idempotent.
	ClientToken string `json:",omitempty"`
	RequestHash string `json:",omitempty"`
}

// "You can create only one instance per account and across all AWS
// Regions." (sso-admin API reference, CreateInstance)
const maxInstancesPerAccount = 1

var (
	instances = records.Of[Instance](records.Account, store.RecordSSOInstance).Max(maxInstancesPerAccount, func() error {
		return ssoadminapi.NewServiceQuotaExceededException("An instance of IAM Identity Center already exists in this account. You can create only one instance per account and across all AWS Regions.")
	})
	// firstUseInstances are the test mode's: any instance ARN, no quota.
	firstUseInstances = records.Of[Instance](records.Account, store.RecordSSOInstance)
)

// instanceARN matches the model's InstanceArn and captures the ID.
var instanceARN = regexp.MustCompile(`^arn:aws(?:-[a-z]{1,5}){0,3}:sso:::instance/((?:sso)?ins-[a-zA-Z0-9-.]{16})$`)

func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)[:n]
}

func requestHash(in ssoadminapi.CreateInstanceRequest) string {
	in.ClientToken = nil
	b, _ := json.Marshal(in)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func (s *Service) CreateInstance(ctx context.Context, in *ssoadminapi.CreateInstanceRequest) (*ssoadminapi.CreateInstanceResponse, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	hash := requestHash(*in)
	if tok := opt.Deref(in.ClientToken); tok != "" {
		all, err := instances.All(ctx, s.st, sc.account, "")
		if err != nil {
			return nil, err
		}
		for _, i := range all {
			if i.ClientToken == tok && i.RequestHash == hash {
				return &ssoadminapi.CreateInstanceResponse{InstanceArn: &i.ARN}, nil
			}
			if i.ClientToken == tok {
				return nil, ssoadminapi.NewConflictException("The client token %s was already used with different parameters.", tok)
			}
		}
	}
	id := "ssoins-" + randomHex(16)
	i := Instance{ARN: "arn:" + sc.partition + ":sso:::instance/" + id, ID: id, IdentityStoreID: "d-" + randomHex(10),
		OwnerAccountID: sc.account, Region: sc.region, Name: opt.Deref(in.Name), Status: string(ssoadminapi.InstanceStatusActive),
		CreatedDate: s.now(), Tags: in.Tags, ClientToken: opt.Deref(in.ClientToken), RequestHash: hash}
	if _, err := instances.Put(ctx, s.st, sc.account, id, func(*Instance) (*Instance, error) { return &i, nil }); err != nil {
		return nil, err
	}
	return &ssoadminapi.CreateInstanceResponse{InstanceArn: &i.ARN}, nil
}

// notFound is the answer for an instance the account does not have in
// the Region. DescribeInstance and DeleteInstance model no not-found
// error; AWS answers them with the service's ResourceNotFoundException.
func notFound(arn string) error {
	return ssoadminapi.NewResourceNotFoundException("Instance %s does not exist.", arn)
}

// Instance returns the account's instance named by arn in the Region,
// nil when there is none. With CreateOnFirstUse and create, a well-formed
// ARN the account does not have yet is created.
func (s *Service) Instance(ctx context.Context, account, region, arn string, create bool) (*Instance, error) {
	m := instanceARN.FindStringSubmatch(arn)
	if m == nil {
		return nil, nil
	}
	i, ok, err := instances.Get(ctx, s.st, account, m[1])
	switch {
	case err != nil:
		return nil, err
	case ok && i.Region == region && i.ARN == arn:
		return i, nil
	case ok || !s.opts.CreateOnFirstUse || !create:
		return nil, nil
	}
	n := Instance{ARN: arn, ID: m[1], IdentityStoreID: "d-" + randomHex(10), OwnerAccountID: account, Region: region,
		Status: string(ssoadminapi.InstanceStatusActive), CreatedDate: s.now()}
	return firstUseInstances.Put(ctx, s.st, account, n.ID, func(cur *Instance) (*Instance, error) {
		if cur != nil {
			return nil, nil // created meanwhile
		}
		return &n, nil
	})
}

// InstanceOfStore returns the account's instance in the Region whose
// identity store is storeID, nil when there is none.
func (s *Service) InstanceOfStore(ctx context.Context, account, region, storeID string) (*Instance, error) {
	all, err := firstUseInstances.All(ctx, s.st, account, "")
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].IdentityStoreID == storeID && all[i].Region == region {
			return &all[i], nil
		}
	}
	return nil, nil
}

func (s *Service) instance(ctx context.Context, arn string) (*Instance, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	i, err := s.Instance(ctx, sc.account, sc.region, arn, true)
	if err == nil && i == nil {
		return nil, notFound(arn)
	}
	return i, err
}

func (s *Service) DescribeInstance(ctx context.Context, in *ssoadminapi.DescribeInstanceRequest) (*ssoadminapi.DescribeInstanceResponse, error) {
	i, err := s.instance(ctx, in.InstanceArn)
	if err != nil {
		return nil, err
	}
	m := i.metadata()
	return &ssoadminapi.DescribeInstanceResponse{InstanceArn: m.InstanceArn, IdentityStoreId: m.IdentityStoreId, OwnerAccountId: m.OwnerAccountId,
		Name: m.Name, CreatedDate: m.CreatedDate, Status: m.Status}, nil
}

func (i *Instance) metadata() ssoadminapi.InstanceMetadata {
	st := ssoadminapi.InstanceStatus(i.Status)
	return ssoadminapi.InstanceMetadata{InstanceArn: &i.ARN, IdentityStoreId: &i.IdentityStoreID, OwnerAccountId: &i.OwnerAccountID,
		Name: opt.NonEmpty(i.Name), CreatedDate: &i.CreatedDate, Status: &st}
}

const defaultMaxResults = 100

func (s *Service) ListInstances(ctx context.Context, in *ssoadminapi.ListInstancesRequest) (*ssoadminapi.ListInstancesResponse, error) {
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	after, err := decodeToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	all, err := firstUseInstances.All(ctx, s.st, sc.account, "")
	if err != nil {
		return nil, err
	}
	sort.Slice(all, func(a, b int) bool { return all[a].ID < all[b].ID })
	limit := int(opt.Deref(in.MaxResults))
	if limit <= 0 {
		limit = defaultMaxResults
	}
	out := &ssoadminapi.ListInstancesResponse{Instances: []ssoadminapi.InstanceMetadata{}}
	for k := range all {
		i := &all[k]
		if i.Region != sc.region || i.ID <= after {
			continue
		}
		if len(out.Instances) == limit {
			out.NextToken = encodeToken(out.Instances[limit-1].InstanceArn)
			break
		}
		out.Instances = append(out.Instances, i.metadata())
	}
	return out, nil
}

// Tokens carry the last instance ID of the previous page.
func encodeToken(arn *string) *string {
	id := (*arn)[strings.LastIndexByte(*arn, '/')+1:]
	return opt.Ptr(base64.RawURLEncoding.EncodeToString([]byte(id)))
}

func decodeToken(tok *string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(opt.Deref(tok))
	if err != nil {
		return "", ssoadminapi.NewValidationException("The NextToken is not valid.")
	}
	return string(b), nil
}

func (s *Service) UpdateInstance(ctx context.Context, in *ssoadminapi.UpdateInstanceRequest) (*ssoadminapi.UpdateInstanceResponse, error) {
	i, err := s.instance(ctx, in.InstanceArn)
	if err != nil {
		return nil, err
	}
	if in.Name == nil && in.EncryptionConfiguration == nil {
		return nil, ssoadminapi.NewValidationException("Name or EncryptionConfiguration must be specified.")
	}
	if in.Name == nil {
		// The instance's data is encrypted by the store; a key
		// configuration changes nothing here.
		return &ssoadminapi.UpdateInstanceResponse{}, nil
	}
	_, err = firstUseInstances.Put(ctx, s.st, i.OwnerAccountID, i.ID, func(cur *Instance) (*Instance, error) {
		if cur == nil {
			return nil, notFound(in.InstanceArn)
		}
		cur.Name = *in.Name
		return cur, nil
	})
	if err != nil {
		return nil, err
	}
	return &ssoadminapi.UpdateInstanceResponse{}, nil
}

// identityStoreKinds are the records of an instance's identity store,
// each keyed under "<identity store ID>/".
var identityStoreKinds = []string{store.RecordIdentityStoreUser, store.RecordIdentityStoreUserName, store.RecordIdentityStoreGroup,
	store.RecordIdentityStoreGroupName, store.RecordIdentityStoreMembership, store.RecordIdentityStoreByGroup, store.RecordIdentityStoreByMember}

// DeleteInstance deletes the instance and its identity store.
func (s *Service) DeleteInstance(ctx context.Context, in *ssoadminapi.DeleteInstanceRequest) (*ssoadminapi.DeleteInstanceResponse, error) {
	i, err := s.instance(ctx, in.InstanceArn)
	if err != nil {
		return nil, err
	}
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		for _, kind := range identityStoreKinds {
			if err := records.Of[json.RawMessage](records.Account, kind).RemoveAll(ctx, s.st, i.OwnerAccountID, i.IdentityStoreID+"/"); err != nil {
				return err
			}
		}
		ok, err := firstUseInstances.Remove(ctx, s.st, i.OwnerAccountID, i.ID)
		if err == nil && !ok {
			err = notFound(in.InstanceArn)
		}
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound(in.InstanceArn)
	}
	if err != nil {
		return nil, err
	}
	return &ssoadminapi.DeleteInstanceResponse{}, nil
}
