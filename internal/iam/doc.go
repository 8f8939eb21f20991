// Package iam serves the IAM operations on roles, users, groups, access
// keys and managed and inline policies, over the store. Handlers take the
// typed requests of iamapi (validated against the model before they are
// called: name patterns, lengths, MaxSessionDuration 3600–43200,
// MaxItems 1–1000) and answer the errors the model lists, with AWS's
// codes, statuses and, where known, messages.
//
// Names of roles, users, groups, managed and inline policies are unique
// per account ignoring case, and found ignoring case. IDs are AWS-shaped
// (AROA…, AIDA…, AGPA…, ANPA…, AKIA…); ARNs carry the entity's path and
// the request's partition.
//
// Policy documents are parsed and validated on every write by package
// policy, for their use: identity policies (inline, managed, boundaries)
// and trust policies. Sizes count characters without the white space
// outside strings, as IAM does; quotas answer LimitExceeded (409): managed
// policy 6,144, trust policy 2,048, inline policies together per role
// 10,240 / user 2,048 / group 5,120, 5 versions per managed policy, 10
// managed policies per role, user or group, 10 groups per user, 2 access
// keys per user, 50 tags per resource. Documents are stored as written
// and returned URL-encoded (%XX, spaces as %20) wherever IAM returns them
// so: trust policies in Role, Get{Role,User,Group}Policy and
// GetPolicyVersion.
//
// Responses carry the members AWS returns for each operation: ListRoles
// leaves out tags, boundary and RoleLastUsed; ListUsers tags and
// boundary; ListPolicies description and tags; CreatePolicy the
// description; ListPolicyVersions the documents.
//
// Listings: ListRoles, ListUsers, ListGroups and ListPolicies page by
// keyset over (path, lowercase name) in the store, so a page costs the
// same however many entities an account holds; the short per-entity
// listings (tags, inline and attached policies, versions, keys, groups,
// members, entities of a policy) are read whole and paged in memory.
// Markers are opaque; one that is not a marker answers ValidationError.
//
// Service-linked roles (CreateServiceLinkedRole) take AWS's name for
// their service (servicelinked.go; others AWSServiceRoleFor<Service>),
// [_suffix], under /aws-service-role/<service>/
// and trust the service; changing their trust policy, permissions or
// boundary, or deleting them with DeleteRole, answers
// UnmodifiableEntity. DeleteServiceLinkedRole deletes at once and its
// task reports SUCCEEDED.
//
// AWS-managed policies: the whole catalogue AWS publishes (package
// managed, generated from a maintained source and embedded), shared by
// all accounts and read-only (InvalidInput on writes). The store holds a
// row only for a policy some account attached or set as a boundary
// (awsmanaged.go); its attachment and boundary counts are each account's
// own.
//
// Access keys created here are sealed by the store and authenticate
// SigV4 at once; the server reads the key on every request, so an
// inactive or deleted key stops at once. The server records each key's
// last use (at most once a minute per key) for GetAccessKeyLastUsed.
// Keys without a user name belong to the account root.
//
// Deleting a role, user or group that still has inline or attached
// policies, access keys, group members or memberships answers
// DeleteConflict, as do deleting an attached policy, a boundary in use,
// a policy with more than its default version, or a default version.
//
// AssumeRole records RoleLastUsed. Principals in trust policies are kept
// as written (IAM turns them into unique IDs).
//
// Account resources kept as account records (package records): instance
// profiles (one role each; DeleteRole answers DeleteConflict while a
// profile holds the role), login profiles (argon2id hashes only, the
// account password policy or IAM's default one enforced with IAM's
// PasswordPolicyViolation messages; DeleteUser answers DeleteConflict
// while one exists), the password policy, the account alias (one per
// account, unique among the server's accounts), STS preferences and the
// credential report (AWS's CSV, good for four hours).
// GetAccountSummary and GetAccountAuthorizationDetails read them with
// the entities and policies.
//
// Policy documents that arrive URL-encoded are decoded before they are
// checked and stored, as IAM accepts them.
//
// The policy simulator (simulate.go) and the server's authorizer share
// LoadPrincipalPolicies (principals.go): one store read of a principal's
// inline, attached and group policies and boundary, compiled by package
// policy. SimulatePrincipalPolicy and GetContextKeysForPrincipalPolicy
// are authorized on the ARN of the principal simulated.
package iam
