package iam_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/mailgate/mailgate/internal/store"
	"github.com/mailgate/mailgate/internal/testenv"
)

// Each InvalidInput of SimulateCustomPolicy, with the words that say why.
func TestSimulateCustomPolicyInvalidInput(t *testing.T) {
	e, c := newEnv(t)
	alice := "arn:aws:iam::" + e.AccountID + ":user/alice"
	ec2 := func(typ string) string { return "arn:aws:ec2:us-east-1:" + e.AccountID + ":" + typ + "/x" }
	base := func() *iam.SimulateCustomPolicyInput {
		return &iam.SimulateCustomPolicyInput{PolicyInputList: []string{allowDoc("s3:GetObject")}, ActionNames: []string{"s3:GetObject"}}
	}
	cases := []struct {
		name, words string
		edit        func(*iam.SimulateCustomPolicyInput)
	}{
		{"malformed policy", "PolicyInputList.1 is malformed", func(in *iam.SimulateCustomPolicyInput) { in.PolicyInputList = []string{`{"Statement":[]}`} }},
		{"two boundaries", "Only one permissions boundary", func(in *iam.SimulateCustomPolicyInput) {
			in.PermissionsBoundaryPolicyInputList = []string{allowDoc("*"), allowDoc("*")}
		}},
		{"malformed boundary", "PermissionsBoundaryPolicyInputList.1 is malformed", func(in *iam.SimulateCustomPolicyInput) {
			in.PermissionsBoundaryPolicyInputList = []string{`{"Version":"2012-10-17"}`}
		}},
		{"malformed resource policy", "ResourcePolicy is malformed", func(in *iam.SimulateCustomPolicyInput) {
			in.ResourcePolicy, in.CallerArn = aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Maybe"}}`), aws.String(alice)
		}},
		{"resource policy without CallerArn", "CallerArn is required", func(in *iam.SimulateCustomPolicyInput) {
			in.ResourcePolicy = aws.String(resourceDoc("Allow", "*", "s3:GetObject"))
		}},
		{"CallerArn of an assumed role", "Invalid CallerArn", func(in *iam.SimulateCustomPolicyInput) {
			in.CallerArn = aws.String("arn:aws:sts::" + e.AccountID + ":assumed-role/r/s")
		}},
		{"CallerArn of a group", "Invalid CallerArn", func(in *iam.SimulateCustomPolicyInput) {
			in.CallerArn = aws.String("arn:aws:iam::" + e.AccountID + ":group/g")
		}},
		{"CallerArn of a service", "Invalid CallerArn", func(in *iam.SimulateCustomPolicyInput) { in.CallerArn = aws.String("ec2.amazonaws.com") }},
		{"ResourceOwner not an account", "Invalid ResourceOwner", func(in *iam.SimulateCustomPolicyInput) { in.ResourceOwner = aws.String(alice) }},
		{"wildcard action", "wildcards are not supported", func(in *iam.SimulateCustomPolicyInput) { in.ActionNames = []string{"s3:Get*"} }},
		{"action without service", "service identifier", func(in *iam.SimulateCustomPolicyInput) { in.ActionNames = []string{"GetObject"} }},
		{"resource not an ARN", "Invalid resource ARN", func(in *iam.SimulateCustomPolicyInput) { in.ResourceArns = []string{"bucket/key"} }},
		{"resource policy on a role", "not supported for IAM roles", func(in *iam.SimulateCustomPolicyInput) {
			in.ResourceArns = []string{"arn:aws:iam::" + e.AccountID + ":role/r"}
			in.ResourcePolicy, in.CallerArn = aws.String(resourceDoc("Allow", "*", "s3:GetObject")), aws.String(alice)
		}},
		{"unknown ResourceHandlingOption", "Invalid ResourceHandlingOption", func(in *iam.SimulateCustomPolicyInput) {
			in.ResourceHandlingOption = aws.String("EC2-Classic-EBS")
		}},
		{"scenario without its resources", "missing: network-interface, volume", func(in *iam.SimulateCustomPolicyInput) {
			in.ResourceHandlingOption = aws.String("EC2-VPC-EBS")
			in.ResourceArns = []string{ec2("instance"), "arn:aws:ec2:us-east-1::image/ami-1", ec2("security-group")}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := base()
			tc.edit(in)
			_, err := c.SimulateCustomPolicy(ctx, in)
			apiErr(t, err, "InvalidInput", 400)
			if msg := testenv.ErrorMessage(err); !strings.Contains(msg, tc.words) {
				t.Fatalf("message %q lacks %q", msg, tc.words)
			}
		})
	}
}

// The EC2 scenarios accept their resources and evaluate each.
func TestSimulateResourceHandlingOption(t *testing.T) {
	e, c := newEnv(t)
	ec2 := func(typ string) string { return "arn:aws:ec2:us-east-1:" + e.AccountID + ":" + typ + "/x" }
	resources := []string{ec2("instance"), "arn:aws:ec2:us-east-1::image/ami-1", ec2("security-group"), ec2("network-interface"), ec2("subnet"), ec2("volume")}
	for _, option := range []string{"EC2-VPC-InstanceStore", "EC2-VPC-InstanceStore-Subnet", "EC2-VPC-EBS", "EC2-VPC-EBS-Subnet"} {
		out, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{allowDoc("ec2:RunInstances")},
			ActionNames: []string{"ec2:RunInstances"}, ResourceArns: resources, ResourceHandlingOption: aws.String(option)})
		must(t, err)
		if len(out.EvaluationResults) != len(resources) || out.EvaluationResults[0].EvalDecision != "allowed" {
			t.Fatalf("%s: %+v", option, out.EvaluationResults)
		}
	}
	_, err := c.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{allowDoc("ec2:RunInstances")},
		ActionNames: []string{"ec2:RunInstances"}, ResourceArns: resources[:4], ResourceHandlingOption: aws.String("EC2-VPC-InstanceStore-Subnet")})
	apiErr(t, err, "InvalidInput", 400)
}

// SimulatePrincipalPolicy's own errors: the source must be a user, group
// or role of the account; a group or role needs CallerArn for a
// resource policy; a stored policy that cannot be read is
// PolicyEvaluation.
func TestSimulatePrincipalPolicyErrors(t *testing.T) {
	e, c := newEnv(t)
	_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")})
	must(t, err)
	createRole(t, c, "app")
	arnOf := func(kind, name string) *string {
		return aws.String("arn:aws:iam::" + e.AccountID + ":" + kind + "/" + name)
	}
	sim := func(source *string, edit func(*iam.SimulatePrincipalPolicyInput)) error {
		in := &iam.SimulatePrincipalPolicyInput{PolicySourceArn: source, ActionNames: []string{"s3:GetObject"}}
		if edit != nil {
			edit(in)
		}
		_, err := c.SimulatePrincipalPolicy(ctx, in)
		return err
	}
	for kind, name := range map[string]string{"user": "nobody", "role": "nobody", "group": "nobody"} {
		err := sim(arnOf(kind, name), nil)
		apiErr(t, err, "NoSuchEntity", 404)
		if msg := testenv.ErrorMessage(err); msg != "The "+kind+" with name nobody cannot be found." {
			t.Fatalf("message %q", msg)
		}
	}
	// Another account's entity is not the caller's to simulate.
	apiErr(t, sim(aws.String("arn:aws:iam::"+foreignAccount+":role/app"), nil), "AccessDenied", 403)
	apiErr(t, sim(aws.String("arn:aws:sts::"+e.AccountID+":assumed-role/app/s"), nil), "InvalidInput", 400)
	withPolicy := func(in *iam.SimulatePrincipalPolicyInput) {
		in.ResourcePolicy = aws.String(resourceDoc("Allow", "*", "s3:GetObject"))
	}
	for _, source := range []*string{arnOf("group", "devs"), arnOf("role", "app")} {
		err := sim(source, withPolicy)
		apiErr(t, err, "InvalidInput", 400)
		if !strings.Contains(testenv.ErrorMessage(err), "CallerArn is required") {
			t.Fatal(testenv.ErrorMessage(err))
		}
		must(t, sim(source, func(in *iam.SimulatePrincipalPolicyInput) {
			withPolicy(in)
			in.CallerArn = arnOf("user", "someone")
		}))
	}
	apiErr(t, sim(arnOf("role", "app"), func(in *iam.SimulatePrincipalPolicyInput) {
		in.PermissionsBoundaryPolicyInputList = []string{allowDoc("*"), allowDoc("*")}
	}), "InvalidInput", 400)

	// A stored document IAM would never have accepted.
	role, err := e.Store.GetIAMEntity(ctx, e.AccountID, store.IAMRole, "app")
	must(t, err)
	must(t, e.Store.PutInlinePolicy(ctx, store.InlinePolicy{OwnerID: role.ID, Name: "broken", Document: `{"Statement":`}))
	err = sim(arnOf("role", "app"), nil)
	apiErr(t, err, "PolicyEvaluation", 500)
	if msg := testenv.ErrorMessage(err); msg != "The policy role_app_broken could not be evaluated." {
		t.Fatalf("message %q", msg)
	}
}
