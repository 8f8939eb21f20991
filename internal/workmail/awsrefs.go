package workmail

// References to resources of other AWS services that WorkMail
// configurations name: IAM roles, KMS keys, S3 buckets, CloudWatch Logs
// log groups, EWS endpoints. The model's patterns (checked before the
// handler runs) fix their alphabet and length but accept strings that
// name no such resource ("arn:aws:iam::123456789012:user/bob" passes the
// RoleArn pattern); these checks add what the resource's own naming rules
// say. mailgate does not reach those services, so it cannot check that the
// resource exists: only that the reference is well formed. Each refusal is
// an InvalidParameterException naming the member and the constraint.

import (
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/arn"
)

func invalidRef(member, value, constraint string) error {
	return workmailapi.NewInvalidParameterException("Invalid %s %q: %s.", member, value, constraint)
}

// isAccountID reports whether s is a 12-digit AWS account ID.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// checkRoleARN checks the ARN of an IAM role:
// arn:aws:iam::<account>:role/<path><name>, the name at most 64
// characters.
func checkRoleARN(member, v string) error {
	acct, _, _, name, ok := arn.IAMEntity(v, "role")
	if !ok || !isAccountID(acct) || name == "" || len(name) > 64 {
		return invalidRef(member, v, "it must be the ARN of an IAM role, arn:aws:iam::<12-digit account ID>:role/<role name of 1 to 64 characters>")
	}
	return nil
}

// checkKMSKeyARN checks the ARN of a KMS key:
// arn:aws:kms:<region>:<account>:key/<key ID>.
func checkKMSKeyARN(member, v string) error {
	a, ok := arn.Parse(v)
	id, isKey := strings.CutPrefix(a.Resource, "key/")
	if !ok || a.Service != "kms" || a.Region == "" || !isAccountID(a.Account) || !isKey || id == "" || strings.Contains(id, "/") {
		return invalidRef(member, v, "it must be the ARN of a KMS key, arn:aws:kms:<Region>:<12-digit account ID>:key/<key ID>")
	}
	return nil
}

// checkLogGroupARN checks what the LogGroupArn pattern leaves open: the
// Region, which a log group always has.
func checkLogGroupARN(member, v string) error {
	if a, ok := arn.Parse(v); !ok || a.Service != "logs" || a.Region == "" {
		return invalidRef(member, v, "it must be the ARN of a CloudWatch Logs log group, arn:aws:logs:<Region>:<12-digit account ID>:log-group:<name>:*")
	}
	return nil
}

// checkS3Bucket checks a bucket name against the S3 naming rules
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)
// beyond the model's alphabet of letters, digits, dots and hyphens.
// Upper case, which buckets made before March 2018 in us-east-1 may
// still have, is accepted as the model accepts it.
func checkS3Bucket(member, v string) error {
	lower := strings.ToLower(v)
	var broken string
	switch {
	case len(v) < 3 || len(v) > 63:
		broken = "a bucket name is 3 to 63 characters long"
	case !isAlnum(v[0]) || !isAlnum(v[len(v)-1]):
		broken = "a bucket name begins and ends with a letter or a digit"
	case strings.Contains(v, ".."):
		broken = "a bucket name has no two adjacent periods"
	case net.ParseIP(v) != nil:
		broken = "a bucket name is not formatted as an IP address"
	case strings.HasPrefix(lower, "xn--") || strings.HasPrefix(lower, "sthree-") ||
		strings.HasSuffix(lower, "-s3alias") || strings.HasSuffix(lower, "--ol-s3"):
		broken = "the prefixes xn-- and sthree- and the suffixes -s3alias and --ol-s3 are reserved"
	default:
		return nil
	}
	return invalidRef(member, v, broken)
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// checkEndpointURL checks what the Url pattern leaves open: a port that
// exists.
func checkEndpointURL(member, v string) error {
	u, err := url.Parse(v)
	if err == nil && u.Host != "" {
		if p := u.Port(); p == "" {
			return nil
		} else if n, err := strconv.Atoi(p); err == nil && n >= 1 && n <= 65535 {
			return nil
		}
	}
	return invalidRef(member, v, "it must be an http or https URL with a host name and, if it has one, a port from 1 to 65535")
}
