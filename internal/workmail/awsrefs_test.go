package workmail

import (
	"strings"
	"testing"
)

func TestAWSReferences(t *testing.T) {
	checks := map[string]func(member, v string) error{
		"role": checkRoleARN, "kms": checkKMSKeyARN, "logs": checkLogGroupARN, "bucket": checkS3Bucket, "url": checkEndpointURL,
	}
	cases := []struct {
		check, value string
		ok           bool
	}{
		{"role", "arn:aws:iam::123456789012:role/Export", true},
		{"role", "arn:aws:iam::123456789012:role/service-role/a/b/Export", true},
		{"role", "arn:aws:iam::123456789012:role/" + strings.Repeat("r", 64), true},
		{"role", "arn:aws:iam::123456789012:role/" + strings.Repeat("r", 65), false},
		{"role", "arn:aws:iam::123456789012:role/", false},
		{"role", "arn:aws:iam::123456789012:user/bob", false},
		{"role", "arn:aws:iam::12345678901:role/r", false},
		{"role", "arn:aws:iam:us-east-1:123456789012:role/r", false},
		{"role", "arn:aws:sts::123456789012:role/r", false},
		{"kms", "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd", true},
		{"kms", "arn:aws:kms:eu-west-1:123456789012:alias/mail", false},
		{"kms", "arn:aws:kms:eu-west-1:123456789012:key/", false},
		{"kms", "arn:aws:kms:eu-west-1:123456789012:key/a/b", false},
		{"kms", "arn:aws:kms::123456789012:key/k", false},
		{"kms", "arn:aws:kms:eu-west-1:abc:key/k", false},
		{"logs", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/workmail/emailevents/corp:*", true},
		{"logs", "arn:aws:logs::123456789012:log-group:/aws/workmail:*", false},
		{"bucket", "mail-archive.example", true},
		{"bucket", "Legacy.Bucket", true},
		{"bucket", "abc", true},
		{"bucket", strings.Repeat("b", 63), true},
		{"bucket", strings.Repeat("b", 64), false},
		{"bucket", "ab", false},
		{"bucket", "-mail", false},
		{"bucket", "mail.", false},
		{"bucket", "mail..archive", false},
		{"bucket", "10.0.0.1", false},
		{"bucket", "xn--mail", false},
		{"bucket", "sthree-mail", false},
		{"bucket", "mail-s3alias", false},
		{"bucket", "mail--ol-s3", false},
		{"url", "https://ews.example.com/EWS/Exchange.asmx", true},
		{"url", "http://ews.example.com:8443/", true},
		{"url", "https://ews.example.com:65536/", false},
		{"url", "https://ews.example.com:0/", false},
	}
	for _, c := range cases {
		err := checks[c.check]("Member", c.value)
		if (err == nil) != c.ok {
			t.Errorf("%s %q: got %v, want ok=%v", c.check, c.value, err, c.ok)
		}
		if err != nil && (!strings.Contains(err.Error(), "Member") || !strings.Contains(err.Error(), c.value)) {
			t.Errorf("%s %q: the message does not name the member and the value: %v", c.check, c.value, err)
		}
	}
}
