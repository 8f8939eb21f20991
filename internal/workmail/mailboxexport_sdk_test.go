package workmail_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workmail"
	"github.com/aws/aws-sdk-go-v2/service/workmail/types"
)

// refused asserts an InvalidParameterException whose message says each
// of the words.
func refused(t *testing.T, err error, words ...string) {
	t.Helper()
	expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	for _, w := range words {
		if !strings.Contains(message(err), w) {
			t.Fatalf("the message %q does not say %q", message(err), w)
		}
	}
}

func TestMailboxExport(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	org, alias := f.org(t)
	alice := f.user(t, org, "alice")
	f.register(t, org, alice, "alice@"+alias+".awsapps.com")
	const (
		role   = "arn:aws:iam::123456789012:role/export/WorkMailExport"
		key    = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		bucket = "mail-archive.example"
	)
	start := func(change func(in *workmail.StartMailboxExportJobInput)) error {
		in := &workmail.StartMailboxExportJobInput{ClientToken: aws.String("tok-" + rnd()), OrganizationId: &org, EntityId: aws.String("alice"),
			Description: aws.String("archive"), RoleArn: aws.String(role), KmsKeyArn: aws.String(key), S3BucketName: aws.String(bucket), S3Prefix: aws.String("exports/alice")}
		if change != nil {
			change(in)
		}
		out, err := f.wm.StartMailboxExportJob(f.ctx, in)
		if err == nil {
			t.Fatalf("StartMailboxExportJob started job %v on a server that does not reach S3", aws.ToString(out.JobId))
		}
		return err
	}
	list := func(token *string) (*workmail.ListMailboxExportJobsOutput, error) {
		return f.wm.ListMailboxExportJobs(f.ctx, &workmail.ListMailboxExportJobsInput{OrganizationId: &org, NextToken: token})
	}

	t.Run("method=StartMailboxExportJob/case=refused: no S3", func(t *testing.T) {
		refused(t, start(nil), "does not reach Amazon S3", "no job was started")
		out, err := list(nil)
		must(t, err)
		if len(out.Jobs) != 0 || out.NextToken != nil {
			t.Fatalf("a refused export left jobs: %+v", out)
		}
	})

	t.Run("method=StartMailboxExportJob/case=no mailbox", func(t *testing.T) {
		idle := f.user(t, org, "idle")
		staff := f.group(t, org, "staff")
		for _, entity := range []string{"nobody", idle, staff} {
			err := start(func(in *workmail.StartMailboxExportJobInput) { in.EntityId = aws.String(entity) })
			expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
		}
	})

	t.Run("method=StartMailboxExportJob/case=invalid references", func(t *testing.T) {
		for _, c := range []struct{ name, member, value string }{
			{"role ARN names a user", "RoleArn", "arn:aws:iam::123456789012:user/bob"},
			{"role ARN with a Region", "RoleArn", "arn:aws:iam:us-east-1:123456789012:role/r"},
			{"role ARN without account", "RoleArn", "arn:aws:iam::aws:role/r"},
			{"role pattern (model)", "RoleArn", "arn:aws-cn:iam::123456789012:role/r"},
			{"KMS alias, not a key", "KmsKeyArn", "arn:aws:kms:us-east-1:123456789012:alias/mail"},
			{"KMS key without Region", "KmsKeyArn", "arn:aws:kms::123456789012:key/k1"},
			{"bucket with '..'", "S3BucketName", "mail..archive"},
			{"bucket as an IP address", "S3BucketName", "192.168.5.4"},
			{"bucket of two characters", "S3BucketName", "ab"},
			{"bucket pattern (model)", "S3BucketName", "mail_archive"},
			{"prefix pattern (model)", "S3Prefix", "a prefix"},
		} {
			t.Run(c.name, func(t *testing.T) {
				err := start(func(in *workmail.StartMailboxExportJobInput) {
					v := aws.String(c.value)
					switch c.member {
					case "RoleArn":
						in.RoleArn = v
					case "KmsKeyArn":
						in.KmsKeyArn = v
					case "S3BucketName":
						in.S3BucketName = v
					case "S3Prefix":
						in.S3Prefix = v
					}
				})
				refused(t, err)
				// mailgate's checks name the member as the API does, the
				// model's in lower camel case.
				if !strings.Contains(strings.ToLower(message(err)), strings.ToLower(c.member)) {
					t.Fatalf("the message %q does not name %s", message(err), c.member)
				}
				if strings.Contains(message(err), "does not reach") {
					t.Fatalf("an invalid request was refused for want of S3, not for its %s: %s", c.member, message(err))
				}
			})
		}
	})

	t.Run("method=DescribeMailboxExportJob/case=no such job", func(t *testing.T) {
		_, err := f.wm.DescribeMailboxExportJob(f.ctx, &workmail.DescribeMailboxExportJobInput{OrganizationId: &org, JobId: aws.String("job-1")})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})

	t.Run("method=CancelMailboxExportJob/case=no such job", func(t *testing.T) {
		_, err := f.wm.CancelMailboxExportJob(f.ctx, &workmail.CancelMailboxExportJobInput{OrganizationId: &org, JobId: aws.String("job-1"), ClientToken: aws.String("c")})
		expect[*types.EntityNotFoundException](t, err, "EntityNotFoundException")
	})

	t.Run("method=ListMailboxExportJobs/case=empty, no token", func(t *testing.T) {
		out, err := f.wm.ListMailboxExportJobs(f.ctx, &workmail.ListMailboxExportJobsInput{OrganizationId: &org, MaxResults: aws.Int32(5)})
		must(t, err)
		if out.Jobs == nil || len(out.Jobs) != 0 || out.NextToken != nil {
			t.Fatalf("ListMailboxExportJobs: %+v", out)
		}
		_, err = list(aws.String("forged"))
		expect[*types.InvalidParameterException](t, err, "InvalidParameterException")
	})
}
