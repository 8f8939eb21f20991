package workmail

import (
	"context"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/reqctx"
)

// Resolve names what an operation acts on, for authorization: the
// organization for every organization-scoped operation (the tagged
// resource, for the tagging operations, is an ARN already).
func (s *Service) Resolve(_ context.Context, req *reqctx.Request, refs []api.Ref) ([]string, error) {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		if r.Kind != "organization" || req.Caller == nil || req.Caller.AccountID == "" {
			out = append(out, "*")
			continue
		}
		sc := scope{account: req.Caller.AccountID, region: req.Region, partition: req.ARNPartition()}
		out = append(out, sc.orgARN(r.Name))
	}
	return out, nil
}
