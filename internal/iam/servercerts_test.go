package iam_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestServerCertificates(t *testing.T) {
	e, c := newEnv(t)
	ca := newCert(t, "Example CA", inAYear(), nil)
	inter := newCert(t, "Example Intermediate", inAYear(), ca)
	leaf := newCert(t, "www.example.com", inAYear(), inter)
	chain := inter.PEM + ca.PEM
	upload := func(name, path, body, key, chain string) (*iam.UploadServerCertificateOutput, error) {
		in := &iam.UploadServerCertificateInput{ServerCertificateName: aws.String(name), CertificateBody: aws.String(body), PrivateKey: aws.String(key)}
		if path != "" {
			in.Path = aws.String(path)
		}
		if chain != "" {
			in.CertificateChain = aws.String(chain)
		}
		return c.UploadServerCertificate(ctx, in)
	}

	t.Run("method=UploadServerCertificate/case=with-chain-and-tags", func(t *testing.T) {
		in := &iam.UploadServerCertificateInput{ServerCertificateName: aws.String("www"), Path: aws.String("/cloudfront/"),
			CertificateBody: aws.String(leaf.PEM), PrivateKey: aws.String(leaf.Key), CertificateChain: aws.String(chain), Tags: []types.Tag{tag("env", "prod")}}
		out, err := c.UploadServerCertificate(ctx, in)
		must(t, err)
		m := out.ServerCertificateMetadata
		if !regexp.MustCompile(`^ASCA[A-Z2-7]{17}$`).MatchString(*m.ServerCertificateId) || *m.Arn != "arn:aws:iam::"+e.AccountID+":server-certificate/cloudfront/www" ||
			*m.Path != "/cloudfront/" || !m.Expiration.Equal(leaf.cert.NotAfter) || len(out.Tags) != 1 {
			t.Fatalf("metadata: %+v tags %v", m, out.Tags)
		}
	})
	t.Run("method=UploadServerCertificate/case=refused", func(t *testing.T) {
		other := newCert(t, "other", inAYear(), nil)
		expired := newCert(t, "old", time.Now().Add(-time.Minute), nil)
		up := func(name, body, key, chain string) func() error {
			return func() error { _, err := upload(name, "", body, key, chain); return err }
		}
		wantErrors(t, "MalformedCertificate", 400,
			call{"body-not-pem", up("a", "junk", leaf.Key, "")},
			call{"key-not-pem", up("a", leaf.PEM, "junk", "")},
			call{"expired", up("a", expired.PEM, expired.Key, "")},
			call{"chain-out-of-order", up("a", leaf.PEM, leaf.Key, ca.PEM+inter.PEM)})
		wantErrors(t, "KeyPairMismatch", 400, call{"other-key", up("a", leaf.PEM, other.Key, "")})
		wantErrors(t, "EntityAlreadyExists", 409, call{"same-name-other-case", up("WWW", other.PEM, other.Key, "")})
		wantErrors(t, "InvalidInput", 400, call{"aws-tag", op(c.UploadServerCertificate, &iam.UploadServerCertificateInput{ServerCertificateName: aws.String("t"),
			CertificateBody: aws.String(other.PEM), PrivateKey: aws.String(other.Key), Tags: []types.Tag{tag("aws:x", "y")}})})
	})
	t.Run("method=GetServerCertificate/case=no-private-key", func(t *testing.T) {
		out, err := c.GetServerCertificate(ctx, &iam.GetServerCertificateInput{ServerCertificateName: aws.String("www")})
		must(t, err)
		sc := out.ServerCertificate
		if strings.TrimSpace(*sc.CertificateBody) != strings.TrimSpace(leaf.PEM) || strings.TrimSpace(*sc.CertificateChain) != strings.TrimSpace(chain) ||
			len(sc.Tags) != 1 || *sc.ServerCertificateMetadata.ServerCertificateName != "www" {
			t.Fatalf("certificate: %+v", sc)
		}
		if strings.Contains(*sc.CertificateBody+*sc.CertificateChain, "PRIVATE KEY") {
			t.Fatal("private key returned")
		}
		_, err = c.GetServerCertificate(ctx, &iam.GetServerCertificateInput{ServerCertificateName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)
		if message(err) != "The Server Certificate with name nope cannot be found." {
			t.Fatalf("message %q", message(err))
		}
	})
	t.Run("method=ListServerCertificates/case=path-prefix", func(t *testing.T) {
		self := newCert(t, "api", inAYear(), nil)
		_, err := upload("api", "/elb/", self.PEM, self.Key, "")
		must(t, err)
		names := func(o *iam.ListServerCertificatesOutput) []string {
			var out []string
			for _, m := range o.ServerCertificateMetadataList {
				out = append(out, *m.ServerCertificateName)
			}
			return out
		}
		wantPages(t, "all", "[[api] [www]]", func(m *string) (*iam.ListServerCertificatesOutput, error) {
			return c.ListServerCertificates(ctx, &iam.ListServerCertificatesInput{Marker: m, MaxItems: aws.Int32(1)})
		}, names)
		wantPages(t, "prefix", "[[www]]", func(m *string) (*iam.ListServerCertificatesOutput, error) {
			return c.ListServerCertificates(ctx, &iam.ListServerCertificatesInput{PathPrefix: aws.String("/cloud"), Marker: m})
		}, names)
	})
	t.Run("method=GetServerCertificate/case=authorized-with-its-path", func(t *testing.T) {
		createUser(t, c, "Web")
		_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("Web"), PolicyName: aws.String("cf"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetServerCertificate","Resource":"arn:aws:iam::*:server-certificate/cloudfront/*"}}`)})
		must(t, err)
		key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("Web")})
		must(t, err)
		web := iam.NewFromConfig(e.AWSConfigFor(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""))
		_, err = web.GetServerCertificate(ctx, &iam.GetServerCertificateInput{ServerCertificateName: aws.String("www")})
		must(t, err)
		_, err = web.GetServerCertificate(ctx, &iam.GetServerCertificateInput{ServerCertificateName: aws.String("api")})
		apiErr(t, err, "AccessDenied", 403)
	})
	t.Run("method=UpdateServerCertificate/case=rename-and-move", func(t *testing.T) {
		_, err := c.UpdateServerCertificate(ctx, &iam.UpdateServerCertificateInput{ServerCertificateName: aws.String("api"), NewServerCertificateName: aws.String("www")})
		apiErr(t, err, "EntityAlreadyExists", 409)
		_, err = c.UpdateServerCertificate(ctx, &iam.UpdateServerCertificateInput{ServerCertificateName: aws.String("api"), NewServerCertificateName: aws.String("api2"), NewPath: aws.String("/new/")})
		must(t, err)
		out, err := c.GetServerCertificate(ctx, &iam.GetServerCertificateInput{ServerCertificateName: aws.String("api2")})
		must(t, err)
		if *out.ServerCertificate.ServerCertificateMetadata.Arn != "arn:aws:iam::"+e.AccountID+":server-certificate/new/api2" {
			t.Fatalf("arn %s", *out.ServerCertificate.ServerCertificateMetadata.Arn)
		}
		_, err = c.GetServerCertificate(ctx, &iam.GetServerCertificateInput{ServerCertificateName: aws.String("api")})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.UpdateServerCertificate(ctx, &iam.UpdateServerCertificateInput{ServerCertificateName: aws.String("api"), NewPath: aws.String("/x/")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=TagServerCertificate", func(t *testing.T) {
		_, err := c.TagServerCertificate(ctx, &iam.TagServerCertificateInput{ServerCertificateName: aws.String("www"), Tags: []types.Tag{tag("ENV", "dev"), tag("team", "web")}})
		must(t, err)
		out, err := c.ListServerCertificateTags(ctx, &iam.ListServerCertificateTagsInput{ServerCertificateName: aws.String("www")})
		must(t, err)
		if got := strings.Join(tagPairs(out.Tags), ","); got != "ENV=dev,team=web" {
			t.Fatalf("tags %s", got)
		}
		_, err = c.TagServerCertificate(ctx, &iam.TagServerCertificateInput{ServerCertificateName: aws.String("www"), Tags: manyTags(49, "k")})
		apiErr(t, err, "LimitExceeded", 409)
		_, err = c.TagServerCertificate(ctx, &iam.TagServerCertificateInput{ServerCertificateName: aws.String("nope"), Tags: []types.Tag{tag("a", "b")}})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.TagServerCertificate(ctx, &iam.TagServerCertificateInput{ServerCertificateName: aws.String("www"), Tags: []types.Tag{tag("a", "b"), tag("A", "c")}})
		apiErr(t, err, "InvalidInput", 400)
	})
	t.Run("method=UntagServerCertificate", func(t *testing.T) {
		_, err := c.UntagServerCertificate(ctx, &iam.UntagServerCertificateInput{ServerCertificateName: aws.String("www"), TagKeys: []string{"env"}})
		must(t, err)
		wantPages(t, "ListServerCertificateTags", "[[team]]", func(m *string) (*iam.ListServerCertificateTagsOutput, error) {
			return c.ListServerCertificateTags(ctx, &iam.ListServerCertificateTagsInput{ServerCertificateName: aws.String("www"), Marker: m})
		}, func(o *iam.ListServerCertificateTagsOutput) []string { return tagKeys(o.Tags) })
		_, err = c.UntagServerCertificate(ctx, &iam.UntagServerCertificateInput{ServerCertificateName: aws.String("nope"), TagKeys: []string{"env"}})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.ListServerCertificateTags(ctx, &iam.ListServerCertificateTagsInput{ServerCertificateName: aws.String("nope")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=DeleteServerCertificate", func(t *testing.T) {
		_, err := c.DeleteServerCertificate(ctx, &iam.DeleteServerCertificateInput{ServerCertificateName: aws.String("WWW")})
		must(t, err)
		_, err = c.DeleteServerCertificate(ctx, &iam.DeleteServerCertificateInput{ServerCertificateName: aws.String("www")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=UploadServerCertificate/case=quota", func(t *testing.T) {
		self := newCert(t, "many", inAYear(), nil)
		for i := 0; i < 19; i++ { // api2 is the 1st
			_, err := upload("c"+string(rune('a'+i)), "", self.PEM, self.Key, "")
			must(t, err)
		}
		_, err := upload("one-too-many", "", self.PEM, self.Key, "")
		apiErr(t, err, "LimitExceeded", 409)
	})
}
