package iam_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// testCert is a certificate made for a test, with its key in PEM.
type testCert struct {
	cert *x509.Certificate
	key  crypto.Signer
	PEM  string
	Key  string
}

// newCert makes a certificate for cn valid until notAfter, signed by
// parent (self-signed when parent is nil).
func newCert(t *testing.T, cn string, notAfter time.Time, parent *testCert) *testCert {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	signer, issuer := crypto.Signer(k), tmpl
	if parent != nil {
		signer, issuer = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, &k.PublicKey, signer)
	must(t, err)
	c, err := x509.ParseCertificate(der)
	must(t, err)
	return &testCert{cert: c, key: k,
		PEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		Key: string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))}
}

func inAYear() time.Time { return time.Now().AddDate(1, 0, 0) }

func TestSigningCertificates(t *testing.T) {
	_, c := newEnv(t)
	createUser(t, c, "Signer")
	createUser(t, c, "Other")
	cert := newCert(t, "signer", inAYear(), nil)
	var id string

	t.Run("method=UploadSigningCertificate/case=for-a-user", func(t *testing.T) {
		out, err := c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("signer"), CertificateBody: aws.String(cert.PEM)})
		must(t, err)
		sc := out.Certificate
		id = *sc.CertificateId
		if *sc.UserName != "Signer" || len(id) < 24 || sc.Status != types.StatusTypeActive || strings.TrimSpace(*sc.CertificateBody) != strings.TrimSpace(cert.PEM) {
			t.Fatalf("certificate: %+v", sc)
		}
	})
	t.Run("method=UploadSigningCertificate/case=refused", func(t *testing.T) {
		up := func(user, body string) func() error {
			return op(c.UploadSigningCertificate, &iam.UploadSigningCertificateInput{UserName: aws.String(user), CertificateBody: aws.String(body)})
		}
		wantErrors(t, "DuplicateCertificate", 409, call{"same-user", up("Signer", cert.PEM)}, call{"other-user", up("Other", cert.PEM)})
		wantErrors(t, "MalformedCertificate", 400, call{"not-pem", up("Signer", "hello")},
			call{"key-not-cert", up("Signer", cert.Key)})
		wantErrors(t, "InvalidCertificate", 400, call{"expired", up("Signer", newCert(t, "old", time.Now().Add(-time.Minute), nil).PEM)})
		wantErrors(t, "NoSuchEntity", 404, call{"no-user", up("nobody", newCert(t, "x", inAYear(), nil).PEM)})
		must(t, up("Signer", newCert(t, "second", inAYear(), nil).PEM)())
		wantErrors(t, "LimitExceeded", 409, call{"quota", up("Signer", newCert(t, "third", inAYear(), nil).PEM)})
	})
	t.Run("method=UploadSigningCertificate/case=root-when-user-omitted", func(t *testing.T) {
		_, err := c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{CertificateBody: aws.String(newCert(t, "root", inAYear(), nil).PEM)})
		must(t, err)
		out, err := c.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{})
		must(t, err)
		if len(out.Certificates) != 1 || aws.ToString(out.Certificates[0].UserName) != "" {
			t.Fatalf("root's certificates: %+v", out.Certificates)
		}
	})
	t.Run("method=ListSigningCertificates", func(t *testing.T) {
		wantPages(t, "ListSigningCertificates", "[[Signer] [Signer]]", func(m *string) (*iam.ListSigningCertificatesOutput, error) {
			return c.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: aws.String("Signer"), Marker: m, MaxItems: aws.Int32(1)})
		}, func(o *iam.ListSigningCertificatesOutput) []string { return []string{*o.Certificates[0].UserName} })
		_, err := c.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: aws.String("nobody")})
		apiErr(t, err, "NoSuchEntity", 404)
	})
	t.Run("method=UpdateSigningCertificate", func(t *testing.T) {
		_, err := c.UpdateSigningCertificate(ctx, &iam.UpdateSigningCertificateInput{UserName: aws.String("Signer"), CertificateId: &id, Status: types.StatusTypeInactive})
		must(t, err)
		out, err := c.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: aws.String("Signer")})
		must(t, err)
		for _, sc := range out.Certificates {
			if *sc.CertificateId == id && sc.Status != types.StatusTypeInactive {
				t.Fatalf("status %s", sc.Status)
			}
		}
		_, err = c.UpdateSigningCertificate(ctx, &iam.UpdateSigningCertificateInput{UserName: aws.String("Other"), CertificateId: &id, Status: types.StatusTypeActive})
		apiErr(t, err, "NoSuchEntity", 404)
		_, err = c.UpdateSigningCertificate(ctx, &iam.UpdateSigningCertificateInput{UserName: aws.String("Signer"), CertificateId: &id, Status: types.StatusTypeExpired})
		apiErr(t, err, "InvalidInput", 400)
	})
	t.Run("method=DeleteSigningCertificate", func(t *testing.T) {
		_, err := c.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: aws.String("Signer"), CertificateId: &id})
		must(t, err)
		_, err = c.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: aws.String("Signer"), CertificateId: &id})
		apiErr(t, err, "NoSuchEntity", 404)
		// Deleted, the certificate may be uploaded again, for another user.
		_, err = c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{UserName: aws.String("Other"), CertificateBody: aws.String(cert.PEM)})
		must(t, err)
	})
}
