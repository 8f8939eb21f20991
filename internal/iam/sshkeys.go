package iam

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/ids"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// SSH public keys of IAM users (for CodeCommit): RSA keys of at least
// 2048 bits in ssh-rsa or PEM encoding, at most 5 per user (IAM API
// reference, UploadSSHPublicKey; IAM quotas).
const (
	maxSSHKeysPerUser = 5
	minSSHKeyBits     = 2048
	prefixSSHKey      = "APKA"
)

// sshKey is the record of one key; Body is its ssh-rsa encoding.
type sshKey struct {
	User        string    `json:"user"`
	ID          string    `json:"id"`
	Body        string    `json:"body"`
	Fingerprint string    `json:"fingerprint"`
	Status      string    `json:"status"`
	Uploaded    time.Time `json:"uploaded"`
}

var sshKeys = userCredentials[sshKey]{
	kind:  records.Of[sshKey](records.Account, store.RecordSSHPublicKey),
	max:   maxSSHKeysPerUser,
	quota: "SSHPublicKeysPerUser",
	notFound: func(id string) error {
		return iamapi.NewNoSuchEntityException("The Public Key with id %s cannot be found.", id)
	},
}

// parseSSHPublicKey reads a key in ssh-rsa (authorized_keys) or PEM
// (PKIX or PKCS #1) encoding.
func parseSSHPublicKey(body string) (*rsa.PublicKey, error) {
	body = strings.TrimSpace(body)
	var pub any
	if blk, _ := pem.Decode([]byte(body)); blk != nil {
		var err error
		switch blk.Type {
		case "PUBLIC KEY":
			pub, err = x509.ParsePKIXPublicKey(blk.Bytes)
		case "RSA PUBLIC KEY":
			pub, err = x509.ParsePKCS1PublicKey(blk.Bytes)
		default:
			err = x509.ErrUnsupportedAlgorithm
		}
		if err != nil {
			return nil, iamapi.NewUnrecognizedPublicKeyEncodingException("Unrecognized public key encoding.")
		}
	} else {
		k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(body))
		if err != nil {
			return nil, iamapi.NewUnrecognizedPublicKeyEncodingException("Unrecognized public key encoding.")
		}
		if ck, ok := k.(ssh.CryptoPublicKey); ok {
			pub = ck.CryptoPublicKey()
		}
	}
	rk, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, iamapi.NewUnrecognizedPublicKeyEncodingException("Unrecognized public key encoding: only RSA keys are supported.")
	}
	if rk.N.BitLen() < minSSHKeyBits {
		return nil, iamapi.NewInvalidPublicKeyException("The public key is invalid: its length is %d bits, the minimum is %d bits.", rk.N.BitLen(), minSSHKeyBits)
	}
	return rk, nil
}

func (s *Service) UploadSSHPublicKey(ctx context.Context, in *iamapi.UploadSSHPublicKeyRequest) (*iamapi.UploadSSHPublicKeyResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	rk, err := parseSSHPublicKey(in.SSHPublicKeyBody)
	if err != nil {
		return nil, err
	}
	sk, err := ssh.NewPublicKey(rk)
	if err != nil {
		return nil, err
	}
	k := &sshKey{ID: ids.AccessKeyID(prefixSSHKey), Body: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sk))),
		Fingerprint: ssh.FingerprintLegacyMD5(sk), Status: string(iamapi.StatusTypeActive), Uploaded: s.now()}
	o, err := s.namedUser(ctx, sc, in.UserName)
	if err != nil {
		return nil, err
	}
	k.User = o.name
	err = sshKeys.add(ctx, s, sc, o, k.ID, k, func(have []sshKey) error {
		for _, h := range have {
			if h.Fingerprint == k.Fingerprint {
				return iamapi.NewDuplicateSSHPublicKeyException("The SSH public key is already associated with the specified IAM user.")
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.UploadSSHPublicKeyResponse{SSHPublicKey: k.api(iamapi.EncodingTypeSsh)}, nil
}

// api is the key as GetSSHPublicKey returns it, in encoding.
func (k *sshKey) api(enc iamapi.EncodingType) *iamapi.SSHPublicKey {
	body := k.Body
	if enc == iamapi.EncodingTypePem {
		body = pemOfSSHKey(k.Body)
	}
	return &iamapi.SSHPublicKey{UserName: k.User, SSHPublicKeyId: k.ID, Fingerprint: k.Fingerprint, SSHPublicKeyBody: body,
		Status: iamapi.StatusType(k.Status), UploadDate: opt.Ptr(k.Uploaded)}
}

// pemOfSSHKey re-encodes a stored ssh-rsa key as a PEM PKIX public key.
func pemOfSSHKey(body string) string {
	k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(body))
	if err != nil {
		return ""
	}
	der, err := x509.MarshalPKIXPublicKey(k.(ssh.CryptoPublicKey).CryptoPublicKey())
	if err != nil {
		return ""
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func (s *Service) GetSSHPublicKey(ctx context.Context, in *iamapi.GetSSHPublicKeyRequest) (*iamapi.GetSSHPublicKeyResponse, error) {
	sc, o, err := sshKeys.owned(ctx, s, &in.UserName, in.SSHPublicKeyId)
	if err != nil {
		return nil, err
	}
	k, err := sshKeys.get(ctx, s, sc, o, in.SSHPublicKeyId)
	if err != nil {
		return nil, err
	}
	k.User = o.name
	return &iamapi.GetSSHPublicKeyResponse{SSHPublicKey: k.api(in.Encoding)}, nil
}

func (s *Service) ListSSHPublicKeys(ctx context.Context, in *iamapi.ListSSHPublicKeysRequest) (*iamapi.ListSSHPublicKeysResponse, error) {
	page, trunc, next, err := list(ctx, s, sshKeys, in.UserName, in.Marker, in.MaxItems, func(user string, k *sshKey) iamapi.SSHPublicKeyMetadata {
		return iamapi.SSHPublicKeyMetadata{UserName: user, SSHPublicKeyId: k.ID, Status: iamapi.StatusType(k.Status), UploadDate: k.Uploaded}
	})
	if err != nil {
		return nil, err
	}
	return &iamapi.ListSSHPublicKeysResponse{SSHPublicKeys: page, IsTruncated: trunc, Marker: next}, nil
}

func (s *Service) UpdateSSHPublicKey(ctx context.Context, in *iamapi.UpdateSSHPublicKeyRequest) error {
	return sshKeys.setStatus(ctx, s, &in.UserName, in.SSHPublicKeyId, in.Status, func(k *sshKey, st string) { k.Status = st })
}

func (s *Service) DeleteSSHPublicKey(ctx context.Context, in *iamapi.DeleteSSHPublicKeyRequest) error {
	return sshKeys.delete(ctx, s, &in.UserName, in.SSHPublicKeyId)
}
