package iam

import (
	"context"
	"strings"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/policy"
)

// GetContextKeysForCustomPolicy lists the condition keys the documents
// read, in their conditions and policy variables.
func (s *Service) GetContextKeysForCustomPolicy(ctx context.Context, in *iamapi.GetContextKeysForCustomPolicyRequest) (*iamapi.GetContextKeysForPolicyResponse, error) {
	if _, err := s.scope(ctx); err != nil {
		return nil, err
	}
	entries, err := inputPolicies(in.PolicyInputList, "PolicyInputList")
	if err != nil {
		return nil, err
	}
	return &iamapi.GetContextKeysForPolicyResponse{ContextKeyNames: contextKeys(entries)}, nil
}

// GetContextKeysForPrincipalPolicy lists the condition keys the
// principal's policies (its groups' for a user) and those given read.
func (s *Service) GetContextKeysForPrincipalPolicy(ctx context.Context, in *iamapi.GetContextKeysForPrincipalPolicyRequest) (*iamapi.GetContextKeysForPolicyResponse, error) {
	pp, extra, err := s.principalPolicies(ctx, in.PolicySourceArn, in.PolicyInputList)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetContextKeysForPolicyResponse{ContextKeyNames: contextKeys(append(pp.Identity, extra...))}, nil
}

// contextKeys lists each key once (keys are case-insensitive), spelled
// as first written and in the order the documents use them: AWS answers
// ["aws:username", "aws:CurrentTime"], neither lower-cased nor sorted
// (AWS CLI reference, get-context-keys-for-principal-policy example).
func contextKeys(entries []policy.Entry) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, e := range entries {
		for _, k := range policy.ContextKeys(e.Policy) {
			if !seen[strings.ToLower(k)] {
				seen[strings.ToLower(k)] = true
				out = append(out, k)
			}
		}
	}
	return out
}
