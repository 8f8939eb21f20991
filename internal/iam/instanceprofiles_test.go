package iam_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func instanceProfileNames(ps []types.InstanceProfile) []string {
	var out []string
	for _, p := range ps {
		out = append(out, *p.InstanceProfileName)
	}
	return out
}

func TestInstanceProfiles(t *testing.T) {
	_, c := newEnv(t)
	name := func(s string) *string { return aws.String(s) }

	t.Run("method=CreateInstanceProfile/case=ok", func(t *testing.T) {
		out, err := c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: name("Web"), Path: name("/app/"),
			Tags: []types.Tag{tag("env", "prod")}})
		must(t, err)
		p := out.InstanceProfile
		if !regexp.MustCompile(`^arn:aws:iam::\d{12}:instance-profile/app/Web$`).MatchString(*p.Arn) || !strings.HasPrefix(*p.InstanceProfileId, "AIPA") ||
			len(*p.InstanceProfileId) != 21 || *p.Path != "/app/" || len(p.Roles) != 0 || len(p.Tags) != 1 || p.CreateDate == nil {
			t.Fatalf("profile: %+v", p)
		}
		_, err = c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: name("WEB")})
		apiErr(t, err, "EntityAlreadyExists", 409)
		if msg := message(err); msg != "Instance Profile Web already exists." {
			t.Fatalf("message %q", msg)
		}
		_, err = c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: name("Bad"), Tags: []types.Tag{tag("aws:x", "y")}})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: name("Bad")})
		apiErr(t, err, "NoSuchEntity", 404) // the refused create left nothing
	})
	t.Run("method=GetInstanceProfile/case=missing", func(t *testing.T) {
		_, err := c.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: name("Nope")})
		apiErr(t, err, "NoSuchEntity", 404)
		if msg := message(err); msg != "Instance Profile Nope cannot be found." {
			t.Fatalf("message %q", msg)
		}
	})
	t.Run("method=AddRoleToInstanceProfile/case=one-role", func(t *testing.T) {
		createRole(t, c, "WebRole")
		createRole(t, c, "Other")
		_, err := c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: name("web"), RoleName: name("WebRole")})
		must(t, err)
		_, err = c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: name("Web"), RoleName: name("Other")})
		apiErr(t, err, "LimitExceeded", 409)
		_, err = c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: name("Web"), RoleName: name("Ghost")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: name("Ghost"), RoleName: name("Other")})
		apiErr(t, err, "NoSuchEntity", 404)
		out, err := c.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: name("Web")})
		must(t, err)
		if len(out.InstanceProfile.Roles) != 1 || *out.InstanceProfile.Roles[0].RoleName != "WebRole" || out.InstanceProfile.Roles[0].AssumeRolePolicyDocument == nil {
			t.Fatalf("roles: %+v", out.InstanceProfile.Roles)
		}
		forRole, err := c.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: name("WebRole")})
		must(t, err)
		if got := instanceProfileNames(forRole.InstanceProfiles); len(got) != 1 || got[0] != "Web" || forRole.InstanceProfiles[0].Tags != nil {
			t.Fatalf("for role: %+v", forRole.InstanceProfiles)
		}
		none, err := c.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: name("Other")})
		must(t, err)
		if len(none.InstanceProfiles) != 0 {
			t.Fatalf("other role: %+v", none.InstanceProfiles)
		}
		_, err = c.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: name("Ghost")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=DeleteRole/case=in-instance-profile", func(t *testing.T) {
		_, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: name("WebRole")})
		apiErr(t, err, "DeleteConflict", 409)
		if msg := message(err); msg != "Cannot delete entity, must remove roles from instance profile first." {
			t.Fatalf("message %q", msg)
		}
		_, err = c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: name("Web")})
		apiErr(t, err, "DeleteConflict", 409)
	})
	t.Run("method=RemoveRoleFromInstanceProfile/case=ok", func(t *testing.T) {
		_, err := c.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: name("Web"), RoleName: name("Other")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: name("Web"), RoleName: name("WebRole")})
		must(t, err)
		_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: name("WebRole")})
		must(t, err)
	})
	t.Run("method=ListInstanceProfiles/case=prefix-pages", func(t *testing.T) {
		for _, n := range []string{"b", "a", "c"} {
			_, err := c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: name(n), Path: name("/x/")})
			must(t, err)
		}
		list := func(m *string) (*iam.ListInstanceProfilesOutput, error) {
			return c.ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{PathPrefix: name("/x/"), MaxItems: aws.Int32(2), Marker: m})
		}
		wantPages(t, "prefix", "[[a b] [c]]", list, func(o *iam.ListInstanceProfilesOutput) []string { return instanceProfileNames(o.InstanceProfiles) })
		all, err := c.ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{})
		must(t, err)
		if got := strings.Join(instanceProfileNames(all.InstanceProfiles), " "); got != "a b c Web" {
			t.Fatalf("all: %s", got)
		}
	})
	t.Run("method=TagInstanceProfile/case=ok", func(t *testing.T) {
		_, err := c.TagInstanceProfile(ctx, &iam.TagInstanceProfileInput{InstanceProfileName: name("Web"), Tags: []types.Tag{tag("team", "a")}})
		must(t, err)
		_, err = c.UntagInstanceProfile(ctx, &iam.UntagInstanceProfileInput{InstanceProfileName: name("Web"), TagKeys: []string{"ENV"}})
		must(t, err)
		tags, err := c.ListInstanceProfileTags(ctx, &iam.ListInstanceProfileTagsInput{InstanceProfileName: name("Web")})
		must(t, err)
		if got := strings.Join(tagPairs(tags.Tags), ","); got != "team=a" {
			t.Fatalf("tags: %s", got)
		}
		_, err = c.TagInstanceProfile(ctx, &iam.TagInstanceProfileInput{InstanceProfileName: name("Web"), Tags: manyTags(50, "k")})
		apiErr(t, err, "LimitExceeded", 409)
		_, err = c.TagInstanceProfile(ctx, &iam.TagInstanceProfileInput{InstanceProfileName: name("Ghost"), Tags: []types.Tag{tag("a", "b")}})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.UntagInstanceProfile(ctx, &iam.UntagInstanceProfileInput{InstanceProfileName: name("Ghost"), TagKeys: []string{"a"}})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.ListInstanceProfileTags(ctx, &iam.ListInstanceProfileTagsInput{InstanceProfileName: name("Ghost")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=DeleteInstanceProfile/case=ok", func(t *testing.T) {
		_, err := c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: name("Web")})
		must(t, err)
		_, err = c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: name("Web")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: name("Web")})
		must(t, err)
		tags, err := c.ListInstanceProfileTags(ctx, &iam.ListInstanceProfileTagsInput{InstanceProfileName: name("Web")})
		must(t, err)
		if len(tags.Tags) != 0 {
			t.Fatalf("a new profile of the same name has tags: %+v", tags.Tags)
		}
	})
}

// Instance-profile operations are authorized on the profile's ARN with
// its path, AddRoleToInstanceProfile included (IAM's authorization
// reference names the instance profile, not the role).
func TestInstanceProfileAuthorization(t *testing.T) {
	e, c := newEnv(t)
	for _, p := range []struct{ name, path string }{{"Web", "/app/"}, {"Db", "/data/"}} {
		_, err := c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String(p.name), Path: aws.String(p.path)})
		must(t, err)
	}
	createRole(t, c, "R")
	uc := userClient(t, e, c, "ops", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["iam:GetInstanceProfile","iam:AddRoleToInstanceProfile"],
		"Resource":"arn:aws:iam::`+e.AccountID+`:instance-profile/app/*"}}`)
	_, err := uc.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("Web")})
	must(t, err)
	_, err = uc.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("Db")})
	apiErr(t, err, "AccessDenied", 403)
	_, err = uc.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("Web"), RoleName: aws.String("R")})
	must(t, err)
	_, err = uc.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("Db"), RoleName: aws.String("R")})
	apiErr(t, err, "AccessDenied", 403)
	_, err = uc.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("New"), Path: aws.String("/data/")})
	apiErr(t, err, "AccessDenied", 403)
}
