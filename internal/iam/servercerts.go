package iam

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api"
	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// Server certificates (IAM user guide, "Managing server certificates in
// IAM"): a certificate, its chain and its private key, at most 20 per
// account. The private key is sealed at rest and never returned.
const (
	maxServerCerts   = 20
	prefixServerCert = "ASCA"
)

// serverCert is the record of one certificate, keyed by its name in
// lower case (names are unique regardless of case).
type serverCert struct {
	Name       string      `json:"name"`
	Path       string      `json:"path"`
	ID         string      `json:"id"`
	Body       string      `json:"body"`
	Chain      string      `json:"chain,omitempty"`
	SealedKey  string      `json:"sealedKey"`
	Uploaded   time.Time   `json:"uploaded"`
	Expiration time.Time   `json:"expiration"`
	Tags       []store.Tag `json:"tags,omitempty"`
}

var serverCerts = records.Of[serverCert](records.Account, store.RecordServerCertificate).Max(maxServerCerts, func() error {
	return iamapi.NewLimitExceededException("Cannot exceed quota for ServerCertificatesPerAccount: %d", maxServerCerts)
})

func serverCertKey(name string) string { return strings.ToLower(name) }

func noSuchServerCert(name string) error {
	return iamapi.NewNoSuchEntityException("The Server Certificate with name %s cannot be found.", name)
}

// parsePrivateKey reads a PEM private key (PKCS #1, PKCS #8 or SEC 1).
func parsePrivateKey(body string) (crypto.Signer, error) {
	blk, _ := pem.Decode([]byte(strings.TrimSpace(body)))
	if blk == nil {
		return nil, errMalformedKey()
	}
	var k any
	var err error
	switch blk.Type {
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(blk.Bytes)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(blk.Bytes)
	case "PRIVATE KEY":
		k, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
	default:
		return nil, errMalformedKey()
	}
	signer, ok := k.(crypto.Signer)
	if err != nil || !ok {
		return nil, errMalformedKey()
	}
	return signer, nil
}

func errMalformedKey() error {
	return iamapi.NewMalformedCertificateException("Unable to parse private key. Please ensure the private key is in PEM format.")
}

// checkServerCert validates what UploadServerCertificate receives: one
// certificate, still valid, matching the private key, and a chain each
// of whose certificates signed the one before it. It returns the
// certificate.
func checkServerCert(body, key, chain string, now time.Time) (*x509.Certificate, error) {
	c, err := parseCertificate(body)
	if err != nil {
		return nil, err
	}
	if now.After(c.NotAfter) {
		return nil, iamapi.NewMalformedCertificateException("Certificate has expired.")
	}
	k, err := parsePrivateKey(key)
	if err != nil {
		return nil, err
	}
	if pub, ok := c.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(k.Public()) {
		return nil, iamapi.NewKeyPairMismatchException("Unable to validate certificate: the certificate and private key do not match.")
	}
	if strings.TrimSpace(chain) == "" {
		return c, nil
	}
	links, err := parseCertificates(chain)
	if err != nil {
		return nil, iamapi.NewMalformedCertificateException("Unable to parse certificate chain. Please ensure the chain is in PEM format.")
	}
	prev := c
	for i, l := range links {
		if prev.CheckSignatureFrom(l) != nil {
			return nil, iamapi.NewMalformedCertificateException("Unable to validate certificate chain. The certificate chain must start with the immediate signing certificate, followed by any intermediaries in order. The index within the chain of the invalid certificate is: %d", i)
		}
		prev = l
	}
	return c, nil
}

// sealer is the store's, for private keys.
func (s *Service) sealer() (store.Sealer, error) {
	sl, ok := s.st.(store.Sealer)
	if !ok {
		return nil, errors.New("iam: the store cannot seal secrets")
	}
	return sl, nil
}

func (s *Service) UploadServerCertificate(ctx context.Context, in *iamapi.UploadServerCertificateRequest) (*iamapi.UploadServerCertificateResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	c, err := checkServerCert(in.CertificateBody, in.PrivateKey, opt.Deref(in.CertificateChain), now)
	if err != nil {
		return nil, err
	}
	tags, err := newTags(in.Tags)
	if err != nil {
		return nil, err
	}
	sl, err := s.sealer()
	if err != nil {
		return nil, err
	}
	id := ids.Unique(prefixServerCert)
	rec := &serverCert{Name: in.ServerCertificateName, Path: pathOr(in.Path), ID: id, Body: strings.TrimSpace(in.CertificateBody),
		Chain: strings.TrimSpace(opt.Deref(in.CertificateChain)), SealedKey: sl.SealSecret(in.PrivateKey, id),
		Uploaded: now, Expiration: c.NotAfter.UTC(), Tags: tags}
	_, err = serverCerts.Put(ctx, s.st, sc.account, serverCertKey(rec.Name), func(cur *serverCert) (*serverCert, error) {
		if cur != nil {
			return nil, iamapi.NewEntityAlreadyExistsException("The Server Certificate with name %s already exists.", in.ServerCertificateName)
		}
		return rec, nil
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.UploadServerCertificateResponse{ServerCertificateMetadata: rec.metadata(sc), Tags: tagsOrNil(rec.Tags)}, nil
}

func (c *serverCert) metadata(sc scope) *iamapi.ServerCertificateMetadata {
	return &iamapi.ServerCertificateMetadata{Path: c.Path, ServerCertificateName: c.Name, ServerCertificateId: c.ID,
		Arn: sc.arn("server-certificate", c.Path, c.Name), UploadDate: opt.Ptr(c.Uploaded), Expiration: opt.Ptr(c.Expiration)}
}

// scopedServerCert starts a read of one certificate.
func (s *Service) scopedServerCert(ctx context.Context, name string) (scope, *serverCert, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return sc, nil, err
	}
	c, err := s.serverCert(ctx, sc, name)
	return sc, c, err
}

// serverCert loads a certificate by name.
func (s *Service) serverCert(ctx context.Context, sc scope, name string) (*serverCert, error) {
	c, ok, err := serverCerts.Get(ctx, s.st, sc.account, serverCertKey(name))
	if err == nil && !ok {
		return nil, noSuchServerCert(name)
	}
	return c, err
}

func (s *Service) GetServerCertificate(ctx context.Context, in *iamapi.GetServerCertificateRequest) (*iamapi.GetServerCertificateResponse, error) {
	sc, c, err := s.scopedServerCert(ctx, in.ServerCertificateName)
	if err != nil {
		return nil, err
	}
	return &iamapi.GetServerCertificateResponse{ServerCertificate: &iamapi.ServerCertificate{
		ServerCertificateMetadata: c.metadata(sc), CertificateBody: c.Body, CertificateChain: opt.NonEmpty(c.Chain), Tags: toAPITags(c.Tags),
	}}, nil
}

func (s *Service) ListServerCertificates(ctx context.Context, in *iamapi.ListServerCertificatesRequest) (*iamapi.ListServerCertificatesResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	certs, err := serverCerts.All(ctx, s.st, sc.account, "")
	if err != nil {
		return nil, err
	}
	prefix := pathOr(in.PathPrefix)
	all := []iamapi.ServerCertificateMetadata{}
	for i := range certs {
		if strings.HasPrefix(certs[i].Path, prefix) {
			all = append(all, *certs[i].metadata(sc))
		}
	}
	page, trunc, next, err := paginate(all, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListServerCertificatesResponse{ServerCertificateMetadataList: page, IsTruncated: trunc, Marker: next}, nil
}

// UpdateServerCertificate renames a certificate or moves it to another
// path; the new name must be free.
func (s *Service) UpdateServerCertificate(ctx context.Context, in *iamapi.UpdateServerCertificateRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(ctx context.Context) error {
		c, err := s.serverCert(ctx, sc, in.ServerCertificateName)
		if err != nil {
			return err
		}
		if in.NewPath != nil {
			c.Path = pathOr(in.NewPath)
		}
		oldKey := serverCertKey(c.Name)
		if in.NewServerCertificateName != nil {
			c.Name = *in.NewServerCertificateName
		}
		if serverCertKey(c.Name) == oldKey {
			return s.putServerCert(ctx, sc, c)
		}
		if _, err := serverCerts.Remove(ctx, s.st, sc.account, oldKey); err != nil {
			return err
		}
		_, err = serverCerts.Put(ctx, s.st, sc.account, serverCertKey(c.Name), func(cur *serverCert) (*serverCert, error) {
			if cur != nil {
				return nil, iamapi.NewEntityAlreadyExistsException("The Server Certificate with name %s already exists.", c.Name)
			}
			return c, nil
		})
		return err
	})
}

// putServerCert rewrites an existing certificate.
func (s *Service) putServerCert(ctx context.Context, sc scope, c *serverCert) error {
	_, err := serverCerts.Put(ctx, s.st, sc.account, serverCertKey(c.Name), func(*serverCert) (*serverCert, error) { return c, nil })
	return err
}

func (s *Service) DeleteServerCertificate(ctx context.Context, in *iamapi.DeleteServerCertificateRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	ok, err := serverCerts.Remove(ctx, s.st, sc.account, serverCertKey(in.ServerCertificateName))
	if err == nil && !ok {
		return noSuchServerCert(in.ServerCertificateName)
	}
	return err
}

// changeServerCert rewrites a certificate through fn in one transaction.
func (s *Service) changeServerCert(ctx context.Context, name string, fn func(*serverCert) error) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	_, err = serverCerts.Put(ctx, s.st, sc.account, serverCertKey(name), func(cur *serverCert) (*serverCert, error) {
		if cur == nil {
			return nil, noSuchServerCert(name)
		}
		return cur, fn(cur)
	})
	return err
}

// serverCertTags are the tag operations of server certificates.
func (s *Service) serverCertTags() recordTags {
	return recordTags{
		update: func(ctx context.Context, name string, fn func(*[]store.Tag) error) error {
			return s.changeServerCert(ctx, name, func(c *serverCert) error { return fn(&c.Tags) })
		},
		get: func(ctx context.Context, name string) ([]store.Tag, error) {
			_, c, err := s.scopedServerCert(ctx, name)
			if err != nil {
				return nil, err
			}
			return c.Tags, nil
		},
	}
}

func (s *Service) TagServerCertificate(ctx context.Context, in *iamapi.TagServerCertificateRequest) error {
	return s.serverCertTags().tag(ctx, in.ServerCertificateName, in.Tags)
}

func (s *Service) UntagServerCertificate(ctx context.Context, in *iamapi.UntagServerCertificateRequest) error {
	return s.serverCertTags().untag(ctx, in.ServerCertificateName, in.TagKeys)
}

func (s *Service) ListServerCertificateTags(ctx context.Context, in *iamapi.ListServerCertificateTagsRequest) (*iamapi.ListServerCertificateTagsResponse, error) {
	page, trunc, next, err := s.serverCertTags().list(ctx, in.ServerCertificateName, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListServerCertificateTagsResponse{Tags: page, IsTruncated: trunc, Marker: next}, nil
}

// serverCertARN is the ARN of a certificate for the authorization step:
// with its stored path when it exists.
func (s *Service) serverCertARN(ctx context.Context, sc scope, r api.Ref) (string, error) {
	if !r.New {
		c, ok, err := serverCerts.Get(ctx, s.st, sc.account, serverCertKey(r.Name))
		if err != nil && store.IsUnavailable(err) {
			return "", err
		}
		if ok {
			return sc.arn("server-certificate", c.Path, c.Name), nil
		}
	}
	return sc.arn("server-certificate", pathOr(&r.Path), r.Name), nil
}
