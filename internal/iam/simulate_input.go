package iam

import (
	"strings"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/arn"
	"github.com/mailgate/mailgate/internal/policy"
	"github.com/mailgate/mailgate/internal/store"
)

// simRequest is what both simulator operations share.
type simRequest struct {
	callerArn      string
	account        string // the caller's account when CallerArn is not given
	resourcePolicy *string
	resourceOwner  *string
	actions        []string
	resources      []string
	entries        []iamapi.ContextEntry
	handling       *string
}

// prepare validates the request's members and fills the simulation.
func (sim *simulation) prepare(r simRequest) error {
	sim.callerAccount = r.account
	if r.callerArn != "" {
		// "You can specify only the ARN of an IAM user" (API reference);
		// a role's ARN names a caller as well. Not an assumed-role
		// session, a federated user or a service.
		account, _, _, _, ok := arn.IAMEntity(r.callerArn, store.IAMUser, store.IAMRole)
		if !ok || !isAccountID(account) {
			return iamapi.NewInvalidInputException("Invalid CallerArn %s: it must be the ARN of an IAM user or role.", r.callerArn)
		}
		sim.callerAccount = account
		sim.caller = &policy.Caller{Account: account, ARNs: []string{r.callerArn}}
	}
	sim.owner = sim.callerAccount
	if r.resourceOwner != nil {
		owner, ok := ownerAccount(*r.resourceOwner)
		if !ok {
			return iamapi.NewInvalidInputException("Invalid ResourceOwner %s: it must be an account ARN (arn:aws:iam::123456789012:root).", *r.resourceOwner)
		}
		sim.owner = owner
	}
	if err := sim.setActions(r.actions); err != nil {
		return err
	}
	if err := sim.setResources(r.resources, r.resourcePolicy != nil); err != nil {
		return err
	}
	if err := checkHandling(r.handling, sim.resources); err != nil {
		return err
	}
	if r.resourcePolicy != nil {
		p, err := resourcePolicy(*r.resourcePolicy)
		if err != nil {
			return err
		}
		sim.resourcePolicy = []policy.Entry{{Policy: p, Source: policy.Source{ID: "ResourcePolicy", Type: "resource"}}}
	}
	var err error
	sim.context, err = contextEntries(r.entries)
	return err
}

// resourcePolicy reads a resource-based policy: it names principals; the
// grammar of a trust policy is tried first, then that of any resource.
func resourcePolicy(doc string) (*policy.Policy, error) {
	if p, err := policy.Compile(doc, policy.Trust); err == nil {
		return p, nil
	}
	return compileInput(doc, policy.Resource, "ResourcePolicy")
}

// ownerAccount reads ResourceOwner: an account's ARN
// (arn:aws:iam::112233445566:root) or, as SimulatePrincipalPolicy's
// reference words it, the account ID itself.
func ownerAccount(s string) (string, bool) {
	if isAccountID(s) {
		return s, true
	}
	a, ok := arn.Parse(s)
	if !ok || a.Service != "iam" || a.Region != "" || a.Resource != "root" || !isAccountID(a.Account) {
		return "", false
	}
	return a.Account, true
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// setActions checks each action names its service and has no wildcard:
// "This operation does not support using wildcards (*) in an action
// name" (API reference).
func (sim *simulation) setActions(actions []string) error {
	for _, a := range actions {
		svc, name, ok := strings.Cut(a, ":")
		if strings.ContainsAny(a, "*?") {
			return iamapi.NewInvalidInputException("Invalid action name %s: wildcards are not supported in ActionNames.", a)
		}
		if !ok || svc == "" || name == "" || strings.Contains(name, ":") {
			return iamapi.NewInvalidInputException("Invalid action name %s: it must include the service identifier, such as iam:CreateUser.", a)
		}
	}
	sim.actions = actions
	return nil
}

// setResources checks each resource is an ARN or "*" (the default).
// "Simulation of resource-based policies isn't supported for IAM roles"
// (API reference): a resource policy on a role is refused.
func (sim *simulation) setResources(resources []string, withPolicy bool) error {
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	for _, r := range resources {
		if r == "*" {
			continue
		}
		a, ok := arn.Parse(r)
		if !ok || a.Service == "" || a.Resource == "" {
			return iamapi.NewInvalidInputException("Invalid resource ARN %s.", r)
		}
		if withPolicy && a.Service == "iam" && strings.HasPrefix(a.Resource, "role/") {
			return iamapi.NewInvalidInputException("Simulation of resource-based policies is not supported for IAM roles: %s.", r)
		}
	}
	sim.resources = resources
	return nil
}

// handlingScenarios are the ResourceHandlingOption values and the EC2
// resource types each requires in ResourceArns (API reference).
var handlingScenarios = map[string][]string{
	"EC2-VPC-InstanceStore":        {"instance", "image", "security-group", "network-interface"},
	"EC2-VPC-InstanceStore-Subnet": {"instance", "image", "security-group", "network-interface", "subnet"},
	"EC2-VPC-EBS":                  {"instance", "image", "security-group", "network-interface", "volume"},
	"EC2-VPC-EBS-Subnet":           {"instance", "image", "security-group", "network-interface", "subnet", "volume"},
}

// checkHandling validates ResourceHandlingOption and enforces the
// presence of the resources its scenario requires.
func checkHandling(option *string, resources []string) error {
	if option == nil {
		return nil
	}
	need, ok := handlingScenarios[*option]
	if !ok {
		return iamapi.NewInvalidInputException("Invalid ResourceHandlingOption %s: valid values are EC2-VPC-InstanceStore, EC2-VPC-InstanceStore-Subnet, EC2-VPC-EBS and EC2-VPC-EBS-Subnet.", *option)
	}
	have := map[string]bool{}
	for _, r := range resources {
		if a, ok := arn.Parse(r); ok && a.Service == "ec2" {
			typ, _, _ := strings.Cut(a.Resource, "/")
			have[typ] = true
		}
	}
	var missing []string
	for _, t := range need {
		if !have[t] {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return iamapi.NewInvalidInputException("The ResourceHandlingOption %s requires ResourceArns to include a resource of each type %s; missing: %s.",
			*option, strings.Join(need, ", "), strings.Join(missing, ", "))
	}
	return nil
}
