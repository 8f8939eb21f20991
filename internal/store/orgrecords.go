package store

import (
	"context"
	"time"
)

// Kinds of organization records.
const (
	RecordAccessControlRule      = "access-control-rule"
	RecordMobileDeviceAccessRule = "mobile-device-access-rule"
	RecordMobileDeviceOverride   = "mobile-device-access-override"
	RecordMailboxPermission      = "mailbox-permission"
	RecordResourceDelegate       = "resource-delegate"
	RecordRetentionPolicy        = "retention-policy"
	RecordAvailabilityConfig     = "availability-configuration"
	RecordEmailMonitoring        = "email-monitoring-configuration"
	RecordInboundDmarc           = "inbound-dmarc-settings"
	RecordMailboxExportJob       = "mailbox-export-job"
	RecordMailboxQuota           = "mailbox-quota"
	RecordResourceBookingOptions = "resource-booking-options"
	RecordRulesGeneration        = "rules-generation"
)

// Record is one configuration record of a WorkMail organization: an
// access control rule, a mobile device access rule or override, a mailbox
// permission grant, a resource delegate, a retention policy, ... The
// service keeps the record's fields as a JSON document (Doc); the store
// knows only its kind and its key within the kind, which is all it needs
// to keep keys unique, page in key order, enforce a per-kind quota and
// find every record under a key prefix (the grants on one mailbox:
// "<mailbox ID>/").
//
// One table serves every kind rather than a table each: each kind is
// small (a quota of tens or hundreds per organization), read whole or by
// key, and never queried inside its document, so a table each would only
// repeat the same code a dozen times.
type Record struct {
	// Scope is the organization ID of an organization record, the
	// account ID of an account record.
	Scope     string
	Kind      string
	Key       string
	Doc       []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// OrgRecords holds the organization records.
type OrgRecords interface {
	// PutOrgRecord writes the record of (org, kind, key) in one
	// transaction: fn sees the current record (nil when there is none)
	// and returns the document to write, or nil to write nothing. A new
	// record beyond maxPerKind records of its kind in the organization
	// (0: no limit) fails with ErrLimitExceeded. Errors: ErrNotFound or
	// ErrOrganizationDeleted for the organization, and fn's own.
	PutOrgRecord(ctx context.Context, orgID, kind, key string, maxPerKind int, fn func(cur *Record) ([]byte, error)) (*Record, error)
	// GetOrgRecord returns one record; ErrNotFound when there is none.
	GetOrgRecord(ctx context.Context, orgID, kind, key string) (*Record, error)
	// ListOrgRecords pages through the records of a kind whose key starts
	// with prefix, in key order.
	ListOrgRecords(ctx context.Context, orgID, kind, prefix string, p Page) ([]Record, error)
	// DeleteOrgRecord deletes one record; ErrNotFound when there is none.
	DeleteOrgRecord(ctx context.Context, orgID, kind, key string) error
	// DeleteOrgRecords deletes every record of a kind under a key prefix
	// and returns how many it deleted.
	DeleteOrgRecords(ctx context.Context, orgID, kind, prefix string) (int, error)
}

// Kinds of account records.
const (
	RecordInstanceProfile       = "iam-instance-profile"
	RecordOpenIDConnectProvider = "iam-oidc-provider"
	RecordSAMLProvider          = "iam-saml-provider"
	RecordMFADevice             = "iam-mfa-device"
	RecordLoginProfile          = "iam-login-profile"
	RecordPasswordPolicy        = "iam-password-policy"
	RecordAccountAlias          = "iam-account-alias"
	RecordSSHPublicKey          = "iam-ssh-public-key"
	RecordSigningCertificate    = "iam-signing-certificate"
	RecordServerCertificate     = "iam-server-certificate"
	RecordServiceCredential     = "iam-service-specific-credential"
	RecordOutboundFederation    = "iam-outbound-web-identity-federation"

	// IAM Identity Center: instances, and the users, groups and group
	// memberships of their identity stores, with the indexes that keep
	// user names and group display names unique and find memberships by
	// group and by member.
	RecordSSOInstance             = "sso-instance"
	RecordIdentityStoreUser       = "identitystore-user"
	RecordIdentityStoreUserName   = "identitystore-user-name"
	RecordIdentityStoreGroup      = "identitystore-group"
	RecordIdentityStoreGroupName  = "identitystore-group-name"
	RecordIdentityStoreMembership = "identitystore-membership"
	RecordIdentityStoreByGroup    = "identitystore-membership-by-group"
	RecordIdentityStoreByMember   = "identitystore-membership-by-member"
	RecordAccountSettings         = "iam-account-settings"
	RecordCredentialReport        = "iam-credential-report"
)

// AccountRecords holds an account's records: the IAM and Identity Center
// resources that are few per account, read whole or by key and never
// queried inside (instance profiles, OIDC and SAML providers, MFA devices,
// login profiles, certificates, ...). Its methods behave as OrgRecords',
// with the account in place of the organization; an account needs no
// prior creation.
type AccountRecords interface {
	PutAccountRecord(ctx context.Context, accountID, kind, key string, maxPerKind int, fn func(cur *Record) ([]byte, error)) (*Record, error)
	GetAccountRecord(ctx context.Context, accountID, kind, key string) (*Record, error)
	ListAccountRecords(ctx context.Context, accountID, kind, prefix string, p Page) ([]Record, error)
	DeleteAccountRecord(ctx context.Context, accountID, kind, key string) error
	DeleteAccountRecords(ctx context.Context, accountID, kind, prefix string) (int, error)
}
