// Package workmail serves the directory part of the Amazon WorkMail API:
// organizations, users, groups, their addresses and memberships, mail
// domains and tags. The handlers take the typed requests of workmailapi
// (validated against the model before they are called) and answer only
// the errors each operation's model lists.
//
// Choices where mailgate cannot or does not copy AWS literally:
//
// Organizations belong to the caller's account and Region; any other
// caller gets OrganizationNotFoundException. Their alias is unique per
// account and Region (NameAvailabilityException). They are created and
// deleted synchronously: CreateOrganization returns an Active
// organization whose default mail domain is the verified test domain
// {alias}.awsapps.com, with the requested Domains registered beside it.
// A DirectoryId is recorded (DirectoryType VpcDirectory, and unique per
// account and Region: DirectoryInUseException) but mailgate keeps its own
// directory all the same. A ClientToken replayed with the same input
// returns the same organization.
//
// Deleted organizations: DeleteOrganization returns State Deleted at
// once, frees the alias and the domains, removes addresses, memberships,
// tags and passwords and turns every user and group into a tombstone.
// Without ForceDelete it refuses while users are enabled
// (OrganizationStateException). For the retention period
// (Options.DeletedRetention, 30 days by default) the organization still
// shows in ListOrganizations and DescribeOrganization with State Deleted,
// as AWS shows deleted organizations for a while, and every other
// operation on it answers OrganizationStateException (tagging
// operations, whose model lacks it, ResourceNotFoundException); after
// that it is OrganizationNotFoundException. Deleting it again answers
// OrganizationStateException unless it is a retry with the same
// ClientToken.
//
// Mail domains: mailgate has no DNS to check, so a registered domain is
// VERIFIED (ownership and DKIM) at once; GetMailDomain still recommends
// the records that route the domain to this server (Options.MailHost).
// Domain names are unique per account and Region; names under
// awsapps.com are reserved for test domains. The test domain cannot be
// deregistered (InvalidParameterException), nor the default domain or a
// domain addresses use (MailDomainInUseException). Registering a domain
// the organization has, or deregistering one it does not have, succeeds.
//
// Users and groups get lowercase UUIDs. They start DISABLED and are
// enabled by RegisterToWorkMail with a primary address in a verified
// domain of the organization; addresses (primary and aliases) are unique
// in the organization ignoring case. DeregisterFromWorkMail disables an
// entity and frees its addresses. Names are unique per organization
// across users and groups, ignoring case, and the built-in names of the
// directory (administrator, guest, krbtgt, domain admins...) are
// reserved. Everywhere an entity identifier is taken, the entity ID, an
// address (primary or alias) or the name is accepted, ignoring case
// (ResolveEntity). Users and groups are written on one frame
// (entitykind.go), which resources (rooms and equipment) are to join.
//
// Tombstones: DeleteUser (only for a DISABLED user) and DeleteGroup (in
// any state) keep the entity with State DELETED: its ID stays
// resolvable, so DescribeUser and DescribeGroup report it, while its
// name and addresses are freed and its memberships and password dropped.
// Deleted entities are listed (filterable by State) for the retention
// period. Deleting an unknown or deleted entity succeeds: the operations
// are idempotent and model no not-found error.
//
// Passwords must have at least 8 characters of three of four kinds
// (upper case, lower case, digits, others) and must not contain the user
// name (InvalidPasswordException). They are kept only as argon2id hashes;
// VerifyPassword checks one for mailbox sign-in.
//
// Group membership: members are users or groups; a group cannot contain
// itself, directly or through other groups (InvalidParameterException).
//
// Listing: results come in a stable order (IDs; names for domains;
// lowercase addresses for aliases), MaxResults defaults to 100, and
// NextToken is opaque and bound by a MAC to its listing; anything else
// answers InvalidParameterException "Invalid NextToken.".
//
// Limits (LimitExceededException / TooManyTagsException): 25 live
// organizations per account and Region, 100 mail domains per
// organization, 100 aliases per entity, 50 tags per organization, 10
// access control rules per organization.
//
// Identity provider configuration, mailbox sign-in and personal access
// tokens: an "Identity Center instance" is an OpenID Connect provider the
// operator configures (Options.IdentityProviders; mailgate serve
// --oidc-issuer, --oidc-client-id, --oidc-audience, --oidc-instance-arn),
// whose ID tokens are verified against its published keys (package
// mailauth). The configuration decides mailbox sign-in: see idp.go for
// the operations, signin.go for which credentials work in which mode and
// how failures are throttled, and pat.go for personal access tokens.
// VerifyPassword, too, is false in IDENTITY_PROVIDER_ONLY mode.
//
// Access control rules and mailbox permissions: see accesscontrol.go and
// mailboxperms.go for the operations, and AccessControlEffect,
// MailboxPermitted and FullAccessMailboxes for what the mail front end asks.
//
// Mailboxes and organization configuration: quotas (mailboxes.go),
// the retention policy, availability configurations, email monitoring and
// inbound DMARC are kept and returned as the model shapes them. What must
// act on another AWS service that mailgate does not reach (mailbox export
// to S3, testing an EWS or Lambda availability provider) is checked, then
// refused with InvalidParameterException saying so: never a fake job or
// test result (mailboxexport.go, availability.go).
//
// Every write is one store transaction, so a refused or failed call
// changes nothing.
package workmail
