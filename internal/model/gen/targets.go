package main

// What the generator derives for authorization from a model's member
// names: the members that identify the resource an operation acts on, and
// the members that are condition keys. The model names the members; these
// tables say what AWS's service authorization reference makes of them.

// identifier is an input member that names a resource, and the Ref kind
// the service's Resolver turns into an ARN.
type identifier struct{ member, kind string }

// identifiers lists, per service and in order of precedence, the members
// that identify what an operation acts on: the first one an input shape
// has becomes its Ref (IAM's AttachRolePolicy acts on the role, with the
// policy as the iam:PolicyARN condition key; AddUserToGroup on the group).
var identifiers = map[string][]identifier{
	"workmail": {{"ResourceARN", "arn"}, {"OrganizationId", "organization"}},
	"iam": {
		{"RoleName", "role"}, {"GroupName", "group"}, {"UserName", "user"},
		{"InstanceProfileName", "instance-profile"},
		{"PolicyArn", "policy-arn"}, {"PolicySourceArn", "arn"}, {"PolicyName", "policy"},
		{"AccessKeyId", "access-key"},
		{"OpenIDConnectProviderArn", "arn"}, {"SAMLProviderArn", "arn"},
		{"SerialNumber", "mfa"}, {"VirtualMFADeviceName", "mfa"},
		{"ServerCertificateName", "server-certificate"},
	},
	"sts":           {{"RoleArn", "arn"}},
	"sso-admin":     {{"InstanceArn", "arn"}},
	"identitystore": {{"IdentityStoreId", "identitystore"}},
}

// pathMember, when an input shape also has it, is the path of the
// resource the operation creates (CreateRole, CreateUser, CreatePolicy).
const pathMember = "Path"

// conditionKey is an input member whose value is a condition key.
type conditionKey struct{ member, key string }

// conditionKeys lists, per service, the members that set condition keys.
// Tags and TagKeys set aws:RequestTag/* and aws:TagKeys in every service.
var conditionKeys = map[string][]conditionKey{
	"iam": {
		{"PolicyArn", "iam:PolicyARN"}, {"PermissionsBoundary", "iam:PermissionsBoundary"},
		{"AWSServiceName", "iam:AWSServiceName"},
	},
	"sts": {
		{"ExternalId", "sts:ExternalId"}, {"RoleSessionName", "sts:RoleSessionName"},
		{"SourceIdentity", "sts:SourceIdentity"}, {"DurationSeconds", "sts:DurationSeconds"},
		{"TransitiveTagKeys", "sts:TransitiveTagKeys"},
	},
}
