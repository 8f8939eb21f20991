package iam

import (
	"context"
	"errors"
	"time"

	"github.com/mailgate/mailgate/internal/store"
)

// awsManaged are the AWS-managed policies every account sees
// (arn:aws:iam::aws:policy/<name>): the common ones, and WorkMail's. Their
// documents are AWS's, condensed where AWS's list every read action.
var awsManaged = []struct {
	id, name, path, description, document string
}{
	{"ANPAIWMBCKSKIEE64ZLYK", "AdministratorAccess", "/", "Provides full access to AWS services and resources.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
	{"ANPAILL3HVNFSB6DCOWYQ", "ReadOnlyAccess", "/", "Provides read-only access to AWS services and resources.",
		`{"Version":"2012-10-17","Statement":[{"Sid":"ReadOnly","Effect":"Allow","Action":["iam:Get*","iam:List*","sts:GetCallerIdentity","workmail:Describe*","workmail:Get*","workmail:List*"],"Resource":"*"}]}`},
	{"ANPAI7XKCFMBPM3QQRRVQ", "IAMFullAccess", "/", "Provides full access to IAM via the AWS Management Console.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}`},
	{"ANPAJQVKNMT7SVATQ4AUY", "AmazonWorkMailFullAccess", "/", "Provides full access to WorkMail, Directory Service, SES, EC2 and read access to KMS metadata.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["workmail:*","ses:*","ds:AuthorizeApplication","ds:CheckAlias","ds:CreateAlias","ds:CreateDirectory","ds:CreateIdentityPoolDirectory","ds:DeleteDirectory","ds:DescribeDirectories","ds:UnauthorizeApplication","kms:DescribeKey","kms:ListAliases"],"Resource":"*"},{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*","Condition":{"StringEquals":{"iam:AWSServiceName":"events.workmail.amazonaws.com"}}}]}`},
	{"ANPAJHF7J65E2QFKCWAJM", "AmazonWorkMailReadOnlyAccess", "/", "Provides read only access to WorkMail and SES.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ses:Describe*","ses:Get*","workmail:Describe*","workmail:Get*","workmail:List*","workmail:Search*"],"Resource":"*"}]}`},
}

// awsManagedDate is when the seeded policies say they were created.
var awsManagedDate = time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC)

// seed creates the AWS-managed policies once per store. Several servers
// on one database may race: the loser finds them there.
func (s *Service) seed(ctx context.Context) error {
	s.seedMu.Lock()
	defer s.seedMu.Unlock()
	if s.seeded.Load() {
		return nil
	}
	for _, m := range awsManaged {
		_, err := s.st.GetManagedPolicy(ctx, store.AWSManagedAccount, m.name, "")
		if err == nil {
			continue
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		p := store.ManagedPolicy{AccountID: store.AWSManagedAccount, ID: m.id, Name: m.name, Path: m.path, Description: m.description,
			DefaultVersion: "v1", NextVersion: 2, CreatedAt: awsManagedDate, UpdatedAt: awsManagedDate}
		err = s.st.CreateManagedPolicy(ctx, p, store.PolicyVersion{VersionID: "v1", Document: m.document, CreatedAt: awsManagedDate}, nil)
		if err != nil && !errors.Is(err, store.ErrAlreadyExists) {
			return err
		}
	}
	s.seeded.Store(true)
	return nil
}
