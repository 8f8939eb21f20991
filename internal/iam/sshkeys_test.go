package iam_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/crypto/ssh"
)

// sshRSAKey makes an RSA key of bits and returns it in ssh-rsa encoding
// with its MD5 fingerprint.
func sshRSAKey(t *testing.T, bits int) (string, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	must(t, err)
	pub, err := ssh.NewPublicKey(&k.PublicKey)
	must(t, err)
	return string(ssh.MarshalAuthorizedKey(pub)), ssh.FingerprintLegacyMD5(pub)
}

func createUser(t *testing.T, c *iam.Client, name string) {
	t.Helper()
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	must(t, err)
}

func TestSSHPublicKeys(t *testing.T) {
	_, c := newEnv(t)
	createUser(t, c, "Git")
	body, fp := sshRSAKey(t, 2048)
	var id string

	t.Run("method=UploadSSHPublicKey/case=ssh-rsa", func(t *testing.T) {
		out, err := c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("git"), SSHPublicKeyBody: aws.String(body + " alice@example")})
		must(t, err)
		k := out.SSHPublicKey
		id = *k.SSHPublicKeyId
		if !regexp.MustCompile(`^APKA[A-Z2-7]{16}$`).MatchString(id) || *k.UserName != "Git" || *k.Fingerprint != fp || k.Status != types.StatusTypeActive || k.UploadDate == nil {
			t.Fatalf("key: %+v", k)
		}
	})
	t.Run("method=UploadSSHPublicKey/case=duplicate", func(t *testing.T) {
		_, err := c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("Git"), SSHPublicKeyBody: aws.String(body)})
		apiErr(t, err, "DuplicateSSHPublicKey", 400)
	})
	t.Run("method=UploadSSHPublicKey/case=refused-keys", func(t *testing.T) {
		short, _ := sshRSAKey(t, 1024)
		ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(t, err)
		ecPub, _ := ssh.NewPublicKey(&ec.PublicKey)
		up := func(b string) func() error {
			return op(c.UploadSSHPublicKey, &iam.UploadSSHPublicKeyInput{UserName: aws.String("Git"), SSHPublicKeyBody: aws.String(b)})
		}
		wantErrors(t, "InvalidPublicKey", 400, call{"rsa-1024", up(short)})
		wantErrors(t, "UnrecognizedPublicKeyEncoding", 400,
			call{"garbage", up("ssh-rsa not-base64")},
			call{"ecdsa", up(string(ssh.MarshalAuthorizedKey(ecPub)))})
		wantErrors(t, "NoSuchEntity", 404, call{"no-user", op(c.UploadSSHPublicKey, &iam.UploadSSHPublicKeyInput{UserName: aws.String("nobody"), SSHPublicKeyBody: aws.String(body)})})
	})
	t.Run("method=GetSSHPublicKey/case=both-encodings", func(t *testing.T) {
		out, err := c.GetSSHPublicKey(ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("Git"), SSHPublicKeyId: &id, Encoding: types.EncodingTypeSsh})
		must(t, err)
		if strings.TrimSpace(*out.SSHPublicKey.SSHPublicKeyBody) != strings.TrimSpace(body) {
			t.Fatalf("SSH body %q, want %q", *out.SSHPublicKey.SSHPublicKeyBody, body)
		}
		out, err = c.GetSSHPublicKey(ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("Git"), SSHPublicKeyId: &id, Encoding: types.EncodingTypePem})
		must(t, err)
		blk, _ := pem.Decode([]byte(*out.SSHPublicKey.SSHPublicKeyBody))
		if blk == nil || blk.Type != "PUBLIC KEY" {
			t.Fatalf("PEM body %q", *out.SSHPublicKey.SSHPublicKeyBody)
		}
		// The PEM encoding uploads as the same key.
		_, err = c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("Git"), SSHPublicKeyBody: out.SSHPublicKey.SSHPublicKeyBody})
		apiErr(t, err, "DuplicateSSHPublicKey", 400)
		_, err = c.GetSSHPublicKey(ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("Git"), SSHPublicKeyId: aws.String("APKAAAAAAAAAAAAAAAAA"), Encoding: types.EncodingTypeSsh})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=UploadSSHPublicKey/case=pem-and-quota", func(t *testing.T) {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		must(t, err)
		der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
		_, err = c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("Git"),
			SSHPublicKeyBody: aws.String(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))})
		must(t, err)
		for i := 0; i < 3; i++ {
			b, _ := sshRSAKey(t, 2048)
			_, err := c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("Git"), SSHPublicKeyBody: aws.String(b)})
			must(t, err)
		}
		b, _ := sshRSAKey(t, 2048)
		_, err = c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("Git"), SSHPublicKeyBody: aws.String(b)})
		apiErr(t, err, "LimitExceeded", 409)
		wantPages(t, "ListSSHPublicKeys", "[[2] [2] [1]]", func(m *string) (*iam.ListSSHPublicKeysOutput, error) {
			return c.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: aws.String("Git"), Marker: m, MaxItems: aws.Int32(2)})
		}, func(o *iam.ListSSHPublicKeysOutput) []string {
			return []string{string(rune('0' + len(o.SSHPublicKeys)))}
		})
		_, err = c.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: aws.String("nobody")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=UpdateSSHPublicKey", func(t *testing.T) {
		_, err := c.UpdateSSHPublicKey(ctx, &iam.UpdateSSHPublicKeyInput{UserName: aws.String("Git"), SSHPublicKeyId: &id, Status: types.StatusTypeInactive})
		must(t, err)
		out, err := c.GetSSHPublicKey(ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("Git"), SSHPublicKeyId: &id, Encoding: types.EncodingTypeSsh})
		must(t, err)
		if out.SSHPublicKey.Status != types.StatusTypeInactive {
			t.Fatalf("status %s", out.SSHPublicKey.Status)
		}
		_, err = c.UpdateSSHPublicKey(ctx, &iam.UpdateSSHPublicKeyInput{UserName: aws.String("Git"), SSHPublicKeyId: &id, Status: types.StatusTypeExpired})
		apiErr(t, err, "InvalidInput", 400)
		_, err = c.UpdateSSHPublicKey(ctx, &iam.UpdateSSHPublicKeyInput{UserName: aws.String("Git"), SSHPublicKeyId: aws.String("APKAAAAAAAAAAAAAAAAA"), Status: types.StatusTypeActive})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=DeleteSSHPublicKey", func(t *testing.T) {
		_, err := c.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: aws.String("Git"), SSHPublicKeyId: &id})
		must(t, err)
		_, err = c.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: aws.String("Git"), SSHPublicKeyId: &id})
		apiErr(t, err, "NoSuchEntity", 404)
	})
}

// A user's credentials follow it through a rename and keep it from
// deletion.
func TestUserCredentialsFollowTheUser(t *testing.T) {
	_, c := newEnv(t)
	createUser(t, c, "Before")
	body, _ := sshRSAKey(t, 2048)
	key, err := c.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("Before"), SSHPublicKeyBody: aws.String(body)})
	must(t, err)
	cert, err := c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("Before"), CertificateBody: aws.String(newCert(t, "u", inAYear(), nil).PEM)})
	must(t, err)
	cred, err := c.CreateServiceSpecificCredential(ctx, &iam.CreateServiceSpecificCredentialInput{UserName: aws.String("Before"), ServiceName: aws.String("codecommit.amazonaws.com")})
	must(t, err)
	_, err = c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("Before"), NewUserName: aws.String("After")})
	must(t, err)
	got, err := c.GetSSHPublicKey(ctx, &iam.GetSSHPublicKeyInput{UserName: aws.String("After"), SSHPublicKeyId: key.SSHPublicKey.SSHPublicKeyId, Encoding: types.EncodingTypeSsh})
	must(t, err)
	if *got.SSHPublicKey.UserName != "After" {
		t.Fatalf("user %s", *got.SSHPublicKey.UserName)
	}
	all, err := c.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true)})
	must(t, err)
	if len(all.ServiceSpecificCredentials) != 1 || *all.ServiceSpecificCredentials[0].UserName != "After" {
		t.Fatalf("credentials %+v", all.ServiceSpecificCredentials)
	}
	del := func() error {
		_, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("After")})
		return err
	}
	wantDeleteConflicts(t, del,
		conflict{"signing certificates", func() error {
			_, err := c.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: aws.String("After"), CertificateId: cert.Certificate.CertificateId})
			return err
		}},
		conflict{"SSH public keys", func() error {
			_, err := c.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: aws.String("After"), SSHPublicKeyId: key.SSHPublicKey.SSHPublicKeyId})
			return err
		}},
		conflict{"service specific credentials", func() error {
			_, err := c.DeleteServiceSpecificCredential(ctx, &iam.DeleteServiceSpecificCredentialInput{UserName: aws.String("After"), ServiceSpecificCredentialId: cred.ServiceSpecificCredential.ServiceSpecificCredentialId})
			return err
		}})
	must(t, del())
}
