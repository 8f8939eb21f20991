package iam

import (
	"context"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base32"
	"encoding/pem"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// X.509 signing certificates of IAM users (and of the account root): at
// most 2 per user (IAM quotas); a certificate belongs to one user of the
// account at most.
const maxSigningCertsPerUser = 2

type signingCert struct {
	User     string    `json:"user"`
	ID       string    `json:"id"`
	Body     string    `json:"body"`
	Status   string    `json:"status"`
	Uploaded time.Time `json:"uploaded"`
}

var signingCerts = userCredentials[signingCert]{
	kind:  records.Of[signingCert](records.Account, store.RecordSigningCertificate),
	max:   maxSigningCertsPerUser,
	quota: "SigningCertificatesPerUser",
	notFound: func(id string) error {
		return iamapi.NewNoSuchEntityException("The Certificate with id %s cannot be found.", id)
	},
}

// errMalformedCert is IAM's answer to a body that is not one PEM
// certificate.
func errMalformedCert() error {
	return iamapi.NewMalformedCertificateException("Unable to parse certificate. Please ensure the certificate is in PEM format.")
}

// parseCertificates reads PEM certificates; at least one must be there.
func parseCertificates(body string) ([]*x509.Certificate, error) {
	rest := []byte(strings.TrimSpace(body))
	var out []*x509.Certificate
	for len(rest) > 0 {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil || blk.Type != "CERTIFICATE" {
			return nil, errMalformedCert()
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, errMalformedCert()
		}
		out = append(out, c)
		rest = []byte(strings.TrimSpace(string(rest)))
	}
	if len(out) == 0 {
		return nil, errMalformedCert()
	}
	return out, nil
}

// parseCertificate reads exactly one PEM certificate.
func parseCertificate(body string) (*x509.Certificate, error) {
	cs, err := parseCertificates(body)
	if err != nil {
		return nil, err
	}
	if len(cs) != 1 {
		return nil, errMalformedCert()
	}
	return cs[0], nil
}

// signingCertID is derived from the certificate, so the same certificate
// has the same ID wherever it is uploaded: 24 characters of [A-Z2-7].
func signingCertID(c *x509.Certificate) string {
	sum := sha1.Sum(c.Raw)
	return base32.StdEncoding.EncodeToString(sum[:])[:24]
}

func (s *Service) UploadSigningCertificate(ctx context.Context, in *iamapi.UploadSigningCertificateRequest) (*iamapi.UploadSigningCertificateResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	c, err := parseCertificate(in.CertificateBody)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if now.After(c.NotAfter) {
		return nil, iamapi.NewInvalidCertificateException("The certificate expired on %s.", c.NotAfter.UTC().Format(time.RFC3339))
	}
	sig := &signingCert{ID: signingCertID(c), Body: strings.TrimSpace(in.CertificateBody) + "\n", Status: string(iamapi.StatusTypeActive), Uploaded: now}
	o, err := s.credentialOwner(ctx, sc, in.UserName)
	if err != nil {
		return nil, err
	}
	sig.User = o.name
	err = s.st.InTx(ctx, func(ctx context.Context) error {
		// The same certificate may belong to one user of the account only.
		all, err := signingCerts.kind.All(ctx, s.st, sc.account, "")
		if err != nil {
			return err
		}
		for _, o := range all {
			if o.ID == sig.ID {
				return iamapi.NewDuplicateCertificateException("The Certificate with id %s already exists.", sig.ID)
			}
		}
		return signingCerts.add(ctx, s, sc, o, sig.ID, sig, nil)
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.UploadSigningCertificateResponse{Certificate: sig.api()}, nil
}

func (c *signingCert) api() *iamapi.SigningCertificate {
	return &iamapi.SigningCertificate{UserName: c.User, CertificateId: c.ID, CertificateBody: c.Body,
		Status: iamapi.StatusType(c.Status), UploadDate: opt.Ptr(c.Uploaded)}
}

func (s *Service) ListSigningCertificates(ctx context.Context, in *iamapi.ListSigningCertificatesRequest) (*iamapi.ListSigningCertificatesResponse, error) {
	page, trunc, next, err := list(ctx, s, signingCerts, in.UserName, in.Marker, in.MaxItems, func(user string, c *signingCert) iamapi.SigningCertificate {
		c.User = user
		return *c.api()
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.ListSigningCertificatesResponse{Certificates: page, IsTruncated: trunc, Marker: next}, nil
}

func (s *Service) UpdateSigningCertificate(ctx context.Context, in *iamapi.UpdateSigningCertificateRequest) error {
	return signingCerts.setStatus(ctx, s, in.UserName, in.CertificateId, in.Status, func(c *signingCert, st string) { c.Status = st })
}

func (s *Service) DeleteSigningCertificate(ctx context.Context, in *iamapi.DeleteSigningCertificateRequest) error {
	return signingCerts.delete(ctx, s, in.UserName, in.CertificateId)
}
