package workmail

import (
	"fmt"
	"testing"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
)

func TestTags(t *testing.T) {
	f := newFixture(t)
	org := f.org("corp")
	d, _ := f.s.DescribeOrganization(f.ctx, &workmailapi.DescribeOrganizationRequest{OrganizationId: org})
	arn := *d.ARN

	tag := func(arn string, tags ...workmailapi.Tag) error {
		_, err := f.s.TagResource(f.ctx, &workmailapi.TagResourceRequest{ResourceARN: arn, Tags: tags})
		return err
	}
	list := func() string {
		t.Helper()
		out, err := f.s.ListTagsForResource(f.ctx, &workmailapi.ListTagsForResourceRequest{ResourceARN: arn})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(out.Tags)
	}
	if got := list(); got != "[]" {
		t.Fatalf("no tags: %s", got)
	}
	if err := tag(arn, workmailapi.Tag{Key: "team", Value: "mail"}, workmailapi.Tag{Key: "env", Value: ""}); err != nil {
		t.Fatal(err)
	}
	if err := tag(arn, workmailapi.Tag{Key: "team", Value: "ops"}); err != nil {
		t.Fatal(err)
	}
	if got := list(); got != "[{env } {team ops}]" {
		t.Fatalf("tags: %s", got)
	}
	if _, err := f.s.UntagResource(f.ctx, &workmailapi.UntagResourceRequest{ResourceARN: arn, TagKeys: []string{"env", "missing"}}); err != nil {
		t.Fatal(err)
	}
	if got := list(); got != "[{team ops}]" {
		t.Fatalf("after untag: %s", got)
	}

	wantCode(t, tag(arn, workmailapi.Tag{Key: "aws:owner", Value: "x"}), "InvalidParameterException")
	wantCode(t, tag(arn, workmailapi.Tag{Key: "a", Value: "1"}, workmailapi.Tag{Key: "a", Value: "2"}), "InvalidParameterException")
	var many []workmailapi.Tag
	for i := 0; i < maxTagsPerResource; i++ {
		many = append(many, workmailapi.Tag{Key: fmt.Sprintf("k%02d", i), Value: "v"})
	}
	wantCode(t, tag(arn, many...), "TooManyTagsException") // 50 new + team
	if got := list(); got != "[{team ops}]" {
		t.Fatalf("a refused TagResource changed the tags: %s", got)
	}
	if err := tag(arn, many[:maxTagsPerResource-1]...); err != nil {
		t.Fatal(err)
	}

	// ARNs that name nothing of the caller's.
	for _, bad := range []string{
		"arn:aws:workmail:us-east-1:123456789012:organization/m-00000000000000000000000000000000",
		"arn:aws:workmail:eu-west-1:123456789012:organization/" + org,
		"arn:aws:workmail:us-east-1:210987654321:organization/" + org,
		"arn:aws:workmail:us-east-1:123456789012:group/" + org,
		"arn:aws:workmail:us-east-1:123456789012",
	} {
		wantCode(t, tag(bad, workmailapi.Tag{Key: "k", Value: "v"}), "ResourceNotFoundException")
		_, err := f.s.ListTagsForResource(f.ctx, &workmailapi.ListTagsForResourceRequest{ResourceARN: bad})
		wantCode(t, err, "ResourceNotFoundException")
		_, err = f.s.UntagResource(f.ctx, &workmailapi.UntagResourceRequest{ResourceARN: bad, TagKeys: []string{"k"}})
		wantCode(t, err, "ResourceNotFoundException")
	}
	_, err := f.s.ListTagsForResource(callerCtx("210987654321", "us-east-1"), &workmailapi.ListTagsForResourceRequest{ResourceARN: arn})
	wantCode(t, err, "ResourceNotFoundException")

	// A deleted organization.
	if _, err := f.s.DeleteOrganization(f.ctx, &workmailapi.DeleteOrganizationRequest{OrganizationId: org}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, tag(arn, workmailapi.Tag{Key: "k", Value: "v"}), "OrganizationStateException")
	_, err = f.s.ListTagsForResource(f.ctx, &workmailapi.ListTagsForResourceRequest{ResourceARN: arn})
	wantCode(t, err, "ResourceNotFoundException")
}
