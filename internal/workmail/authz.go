package workmail

import (
	"github.com/mailgate/mailgate/internal/reqctx"
)

// ResourceARN names what an operation acts on, for authorization: the
// organization for every organization-scoped operation, the tagged
// resource for the tagging operations, and "*" for account-wide ones
// (CreateOrganization, ListOrganizations).
func (s *Service) ResourceARN(req *reqctx.Request, in map[string]any) string {
	if arn, ok := in["ResourceARN"].(string); ok {
		return arn
	}
	id, ok := in["OrganizationId"].(string)
	if !ok || req.Caller == nil {
		return "*"
	}
	p := req.ARNPartition()
	return scope{account: req.Caller.AccountID, region: req.Region, partition: p}.orgARN(id)
}
