package awsquery

import (
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/model"
)

// The golden bodies follow the responses documented in the IAM and STS API
// references: two-space indentation, members in model order, ISO 8601 UTC
// timestamps, lists as <member> elements, empty structures self-closed.

var created = time.Date(2012, 5, 8, 23, 34, 1, 0, time.UTC)

func exampleRole() map[string]any {
	return map[string]any{
		"Path":                     "/application_abc/component_xyz/",
		"RoleName":                 "S3Access",
		"RoleId":                   "AROADBQP57FF2AEXAMPLE",
		"Arn":                      "arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access",
		"CreateDate":               created,
		"AssumeRolePolicyDocument": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}`,
		"MaxSessionDuration":       int64(3600),
	}
}

const examplePolicyXML = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}`

func golden(t *testing.T, svc, opName string, doc map[string]any, want string) {
	t.Helper()
	op := model.Get(svc).Operations[opName]
	got, err := EncodeResponse(op, doc, "4a93ceee-9966-11e1-b624-b1aEXAMPLE7c")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	back, err := DecodeResponse(op, got)
	if err != nil {
		t.Fatal(err)
	}
	if doc == nil {
		doc = map[string]any{}
	}
	assertDoc(t, back, doc)
}

func TestGoldenCreateRole(t *testing.T) {
	role := exampleRole()
	role["Tags"] = []any{map[string]any{"Key": "team", "Value": "storage & backup"}}
	golden(t, "iam", "CreateRole", map[string]any{"Role": role}, `<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <CreateRoleResult>
    <Role>
      <Path>/application_abc/component_xyz/</Path>
      <RoleName>S3Access</RoleName>
      <RoleId>AROADBQP57FF2AEXAMPLE</RoleId>
      <Arn>arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access</Arn>
      <CreateDate>2012-05-08T23:34:01Z</CreateDate>
      <AssumeRolePolicyDocument>`+examplePolicyXML+`</AssumeRolePolicyDocument>
      <MaxSessionDuration>3600</MaxSessionDuration>
      <Tags>
        <member>
          <Key>team</Key>
          <Value>storage &amp; backup</Value>
        </member>
      </Tags>
    </Role>
  </CreateRoleResult>
  <ResponseMetadata>
    <RequestId>4a93ceee-9966-11e1-b624-b1aEXAMPLE7c</RequestId>
  </ResponseMetadata>
</CreateRoleResponse>
`)
}

func TestGoldenGetRole(t *testing.T) {
	role := exampleRole()
	role["Description"] = "Allows EC2 to read S3"
	role["PermissionsBoundary"] = map[string]any{
		"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
		"PermissionsBoundaryArn":  "arn:aws:iam::123456789012:policy/boundary",
	}
	role["RoleLastUsed"] = map[string]any{
		"LastUsedDate": time.Date(2019, 11, 20, 17, 9, 20, 123000000, time.UTC),
		"Region":       "us-east-1",
	}
	golden(t, "iam", "GetRole", map[string]any{"Role": role}, `<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetRoleResult>
    <Role>
      <Path>/application_abc/component_xyz/</Path>
      <RoleName>S3Access</RoleName>
      <RoleId>AROADBQP57FF2AEXAMPLE</RoleId>
      <Arn>arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access</Arn>
      <CreateDate>2012-05-08T23:34:01Z</CreateDate>
      <AssumeRolePolicyDocument>`+examplePolicyXML+`</AssumeRolePolicyDocument>
      <Description>Allows EC2 to read S3</Description>
      <MaxSessionDuration>3600</MaxSessionDuration>
      <PermissionsBoundary>
        <PermissionsBoundaryType>PermissionsBoundaryPolicy</PermissionsBoundaryType>
        <PermissionsBoundaryArn>arn:aws:iam::123456789012:policy/boundary</PermissionsBoundaryArn>
      </PermissionsBoundary>
      <RoleLastUsed>
        <LastUsedDate>2019-11-20T17:09:20.123Z</LastUsedDate>
        <Region>us-east-1</Region>
      </RoleLastUsed>
    </Role>
  </GetRoleResult>
  <ResponseMetadata>
    <RequestId>4a93ceee-9966-11e1-b624-b1aEXAMPLE7c</RequestId>
  </ResponseMetadata>
</GetRoleResponse>
`)
}

func TestGoldenListRolesWithTags(t *testing.T) {
	r1 := exampleRole()
	r1["Tags"] = []any{
		map[string]any{"Key": "Dept", "Value": "Accounting"},
		map[string]any{"Key": "CostCenter", "Value": "12345"},
	}
	r1["RoleLastUsed"] = map[string]any{}
	r2 := map[string]any{
		"Path":       "/",
		"RoleName":   "admin",
		"RoleId":     "AROA0000000000EXAMPLE",
		"Arn":        "arn:aws:iam::123456789012:role/admin",
		"CreateDate": time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC),
		"Tags":       []any{},
	}
	golden(t, "iam", "ListRoles", map[string]any{"Roles": []any{r1, r2}, "IsTruncated": true, "Marker": "AAEC+next/page=="}, `<ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <ListRolesResult>
    <Roles>
      <member>
        <Path>/application_abc/component_xyz/</Path>
        <RoleName>S3Access</RoleName>
        <RoleId>AROADBQP57FF2AEXAMPLE</RoleId>
        <Arn>arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access</Arn>
        <CreateDate>2012-05-08T23:34:01Z</CreateDate>
        <AssumeRolePolicyDocument>`+examplePolicyXML+`</AssumeRolePolicyDocument>
        <MaxSessionDuration>3600</MaxSessionDuration>
        <Tags>
          <member>
            <Key>Dept</Key>
            <Value>Accounting</Value>
          </member>
          <member>
            <Key>CostCenter</Key>
            <Value>12345</Value>
          </member>
        </Tags>
        <RoleLastUsed/>
      </member>
      <member>
        <Path>/</Path>
        <RoleName>admin</RoleName>
        <RoleId>AROA0000000000EXAMPLE</RoleId>
        <Arn>arn:aws:iam::123456789012:role/admin</Arn>
        <CreateDate>2024-02-29T12:00:00Z</CreateDate>
        <Tags/>
      </member>
    </Roles>
    <IsTruncated>true</IsTruncated>
    <Marker>AAEC+next/page==</Marker>
  </ListRolesResult>
  <ResponseMetadata>
    <RequestId>4a93ceee-9966-11e1-b624-b1aEXAMPLE7c</RequestId>
  </ResponseMetadata>
</ListRolesResponse>
`)
}

func TestGoldenGetCallerIdentity(t *testing.T) {
	golden(t, "sts", "GetCallerIdentity", map[string]any{
		"UserId":  "AIDACKCEVSQ6C2EXAMPLE",
		"Account": "123456789012",
		"Arn":     "arn:aws:iam::123456789012:user/Alice",
	}, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
    <Account>123456789012</Account>
    <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>4a93ceee-9966-11e1-b624-b1aEXAMPLE7c</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`)
}

func TestGoldenNoOutputAndEmptyResult(t *testing.T) {
	golden(t, "iam", "DeleteRole", nil, `<DeleteRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <ResponseMetadata>
    <RequestId>4a93ceee-9966-11e1-b624-b1aEXAMPLE7c</RequestId>
  </ResponseMetadata>
</DeleteRoleResponse>
`)
	golden(t, "iam", "UpdateRole", map[string]any{}, `<UpdateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <UpdateRoleResult/>
  <ResponseMetadata>
    <RequestId>4a93ceee-9966-11e1-b624-b1aEXAMPLE7c</RequestId>
  </ResponseMetadata>
</UpdateRoleResponse>
`)
}
