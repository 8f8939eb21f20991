package store

import (
	"context"
	"errors"
	"time"
)

// Organization states. mailgate creates and deletes synchronously, so the
// transitional states AWS reports (Requested, Creating, Deleting) never
// appear.
const (
	OrganizationActive  = "Active"
	OrganizationDeleted = "Deleted"
)

// Entity types and states, spelled as the WorkMail model spells them.
const (
	EntityUser     = "USER"
	EntityGroup    = "GROUP"
	EntityResource = "RESOURCE"

	EntityEnabled  = "ENABLED"
	EntityDisabled = "DISABLED"
	EntityDeleted  = "DELETED"
)

// Directory errors beyond the package sentinels.
var (
	// ErrLimitExceeded: a create would pass the limit the caller passed.
	ErrLimitExceeded = errors.New("store: limit exceeded")
	// ErrNoMailDomain: an address (or a default domain) names a domain
	// that is not registered in the organization.
	ErrNoMailDomain = errors.New("store: mail domain not registered in the organization")
	// ErrInUse: a mail domain is still the default domain or carries
	// addresses.
	ErrInUse = errors.New("store: in use")
	// ErrMembershipCycle: the membership would make a group a member of
	// itself, directly or through other groups.
	ErrMembershipCycle = errors.New("store: group membership cycle")
	// ErrOrganizationDeleted: a write under an organization that is deleted.
	ErrOrganizationDeleted = errors.New("store: organization deleted")
)

// Conflict keys: which unique value a ConflictError is about.
const (
	KeyAlias     = "alias"     // organization alias, per account and region
	KeyDirectory = "directory" // directory ID, per account and region
	KeyDomain    = "domain"    // mail domain, per account and region
	KeyName      = "name"      // entity name, per organization, ignoring case
	KeyEmail     = "email"     // primary address or alias, per organization, ignoring case
)

// ConflictError is a clash on a secondary unique key. errors.Is(err,
// ErrConflict) holds for it.
type ConflictError struct {
	Key   string // one of the Key* constants
	Value string // the value that is taken
}

func (e *ConflictError) Error() string {
	return "store: conflict: " + e.Key + " " + e.Value + " is taken"
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Organization is a WorkMail organization. It belongs to one account and
// region; its ID is globally unique.
type Organization struct {
	ID        string // "m-" + 32 lowercase hex
	AccountID string
	Region    string
	Alias     string // unique, ignoring case, among the live organizations of the account and region
	State     string // OrganizationActive or OrganizationDeleted

	DirectoryID   string // "" for a WorkMail directory; unique among live organizations of the account and region
	DirectoryType string
	// DefaultMailDomain must name a mail domain of the organization.
	DefaultMailDomain       string
	KMSKeyARN               string
	InteroperabilityEnabled bool

	// ClientToken and RequestHash make creation idempotent; DeleteToken
	// is the client token the deletion was made with.
	ClientToken string
	RequestHash string
	DeleteToken string

	CreatedAt   time.Time
	CompletedAt time.Time
	DeletedAt   time.Time
}

// Entity is a user, group or resource of an organization.
//
// Its addresses (Email, the primary one, and Aliases) are unique within
// the organization ignoring case, and their domains must be registered
// in it. Only an ENABLED entity holds addresses: the store drops them
// when an update leaves the entity in another state. A DELETED entity
// is a tombstone: it keeps its ID and Name (for display) but frees the
// name, holds no address, no membership and no password.
type Entity struct {
	OrgID string
	ID    string
	Type  string // EntityUser, EntityGroup, EntityResource
	Name  string // unique within the organization, ignoring case, until deleted
	State string // EntityEnabled, EntityDisabled, EntityDeleted

	Email   string
	Aliases []string // sorted by lowercase address; filled by Get*, Resolve and Update only

	DisplayName string
	Role        string // users: USER, REMOTE_USER, ...
	Hidden      bool   // hidden from the global address list

	FirstName  string
	LastName   string
	Initials   string
	Telephone  string
	Street     string
	JobTitle   string
	City       string
	Company    string
	ZipCode    string
	Department string
	Country    string
	Office     string

	IdentityProviderUserID          string
	IdentityProviderIdentityStoreID string

	// Resources: ROOM or EQUIPMENT, and a description.
	ResourceType string
	Description  string

	// PasswordHash is a PHC-format slow hash; "" when no password is set.
	PasswordHash string

	CreatedAt              time.Time
	EnabledAt              time.Time
	DisabledAt             time.Time
	MailboxProvisionedAt   time.Time
	MailboxDeprovisionedAt time.Time
	DeletedAt              time.Time
}

// EntityFilter narrows ListEntities. Empty fields do not filter; prefixes
// compare ignoring case.
type EntityFilter struct {
	Type                         string
	State                        string
	NamePrefix                   string
	DisplayNamePrefix            string
	EmailPrefix                  string // of the primary address
	IdentityProviderUserIDPrefix string
	// DeletedSince, when set, leaves out DELETED entities deleted before it.
	DeletedSince time.Time
}

// MailDomain is a domain registered in an organization. A domain name is
// unique among the organizations of an account and region.
type MailDomain struct {
	OrgID     string
	Name      string // lowercase
	AccountID string // copied from the organization by the store
	Region    string // copied from the organization by the store

	IsTest            bool // the organization's {alias}.awsapps.com domain
	HostedZoneID      string
	OwnershipStatus   string // PENDING, VERIFIED, FAILED
	DkimStatus        string // PENDING, VERIFIED, FAILED
	VerificationToken string
	ClientToken       string // the token it was registered with
	CreatedAt         time.Time
}

// Tag is a resource tag.
type Tag struct {
	Key   string
	Value string
}

// Directory holds the WorkMail directory: organizations, users, groups,
// their addresses and memberships, mail domains and tags.
//
// Updater closures (fn) run inside the write transaction on the current
// record; returning an error aborts the write and is passed through. A
// backend may run fn more than once (transaction retries), so fn must
// not have effects beyond the record it is given.
type Directory interface {
	// CreateOrganization inserts o with its mail domains (which should
	// include the test domain named by o.DefaultMailDomain). When
	// o.ClientToken is set and the account and region already hold an
	// organization created with it, nothing is written and that
	// organization is returned with replayed true (the caller compares
	// RequestHash). Errors: ConflictError (KeyAlias, KeyDirectory,
	// KeyDomain), ErrLimitExceeded when the account and region already
	// hold maxLive live organizations (0: no limit), ErrAlreadyExists for
	// a taken ID.
	CreateOrganization(ctx context.Context, o Organization, domains []MailDomain, maxLive int) (org *Organization, replayed bool, err error)
	GetOrganization(ctx context.Context, id string) (*Organization, error)
	// ListOrganizations pages through the organizations of an account
	// and region by ID. Deleted ones are listed when deleted at or after
	// deletedSince (zero: all).
	ListOrganizations(ctx context.Context, accountID, region string, deletedSince time.Time, p Page) ([]Organization, error)
	// UpdateOrganization writes DefaultMailDomain, KMSKeyARN and
	// InteroperabilityEnabled as fn leaves them (ErrNoMailDomain when the
	// default is not a domain of the organization). Deleted
	// organizations: ErrOrganizationDeleted.
	UpdateOrganization(ctx context.Context, id string, fn func(*Organization) error) (*Organization, error)
	// DeleteOrganization calls fn with the organization and its number of
	// ENABLED users, then marks it Deleted at the given time (keeping
	// what fn set in DeleteToken), frees its alias, directory and
	// domains, drops its addresses, memberships and tags and turns every
	// entity into a tombstone.
	DeleteOrganization(ctx context.Context, id string, at time.Time, fn func(o *Organization, enabledUsers int) error) (*Organization, error)

	// CreateEntity inserts e (with its addresses, if any). Errors:
	// ConflictError (KeyName, KeyEmail), ErrNoMailDomain, ErrNotFound or
	// ErrOrganizationDeleted for the organization, ErrAlreadyExists for a
	// taken ID.
	CreateEntity(ctx context.Context, e Entity) error
	GetEntity(ctx context.Context, orgID, id string) (*Entity, error)
	// GetEntityByName finds a live entity by name, ignoring case.
	GetEntityByName(ctx context.Context, orgID, name string) (*Entity, error)
	// GetEntityByEmail finds the entity holding an address (primary or
	// alias), ignoring case.
	GetEntityByEmail(ctx context.Context, orgID, address string) (*Entity, error)
	// ResolveEntity accepts what WorkMail accepts as an entity
	// identifier: the entity ID, else an address it holds, else its name.
	ResolveEntity(ctx context.Context, orgID, identifier string) (*Entity, error)
	// UpdateEntity applies fn to the entity and writes every field except
	// OrgID, ID, Type and CreatedAt, reconciling names and addresses as
	// described on Entity. Errors as CreateEntity, plus ErrNotFound.
	UpdateEntity(ctx context.Context, orgID, id string, fn func(*Entity) error) (*Entity, error)
	// ListEntities pages through the entities of an organization by ID.
	ListEntities(ctx context.Context, orgID string, f EntityFilter, p Page) ([]Entity, error)

	// AddGroupMember makes memberID a member of groupID; adding a member
	// twice is a no-op. Errors: ErrNotFound (either entity missing or
	// deleted, or groupID not a group), ErrMembershipCycle.
	AddGroupMember(ctx context.Context, orgID, groupID, memberID string, at time.Time) error
	// RemoveGroupMember: ErrNotFound when memberID is not a member.
	RemoveGroupMember(ctx context.Context, orgID, groupID, memberID string) error
	// ListGroupMembers pages through the direct members of a group by ID.
	ListGroupMembers(ctx context.Context, orgID, groupID string, p Page) ([]Entity, error)
	// ListGroupsForEntity pages through the groups entityID is a direct
	// member of, by ID, optionally only those whose name starts with
	// namePrefix (ignoring case).
	ListGroupsForEntity(ctx context.Context, orgID, entityID, namePrefix string, p Page) ([]Entity, error)

	// AddMailDomain registers d in its organization. Errors:
	// ConflictError (KeyDomain) when the account and region already hold
	// it, ErrLimitExceeded when the organization holds maxPerOrg domains
	// (0: no limit), ErrNotFound or ErrOrganizationDeleted.
	AddMailDomain(ctx context.Context, d MailDomain, maxPerOrg int) error
	GetMailDomain(ctx context.Context, orgID, name string) (*MailDomain, error)
	// ListMailDomains pages through the domains of an organization by name.
	ListMailDomains(ctx context.Context, orgID string, p Page) ([]MailDomain, error)
	// DeleteMailDomain: ErrNotFound, or ErrInUse while the domain is the
	// default domain or an address uses it.
	DeleteMailDomain(ctx context.Context, orgID, name string) error

	// ListTags returns the tags of an organization sorted by key.
	ListTags(ctx context.Context, orgID string) ([]Tag, error)
	// UpdateTags applies fn to the tags of an organization (key to value)
	// and writes the result. ErrNotFound, ErrOrganizationDeleted.
	UpdateTags(ctx context.Context, orgID string, fn func(tags map[string]string) error) error
}
