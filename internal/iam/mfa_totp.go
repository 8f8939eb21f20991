package iam

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"image/png"
	"net/url"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/store"
)

// Virtual MFA devices speak TOTP (RFC 6238) as AWS's do: SHA-1, six
// digits, 30-second steps, a 64-character base32 seed.
var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// How far from the server's clock the first of two consecutive codes may
// be, in steps: a few minutes to type them in for EnableMFADevice, a
// quarter of an hour of drift for ResyncMFADevice.
const (
	enableWindow = 10
	resyncWindow = 30
	// signInWindow accepts a single code of the previous, current or
	// next step (GetSessionToken, AssumeRole).
	signInWindow = 1
)

const seedBytes = 40 // 64 base32 characters

func newTOTPSeed() string {
	b := make([]byte, seedBytes)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

var errNoSealer = errors.New("iam: the store cannot seal secrets")

// sealSecret seals a secret kept in a record (an MFA seed, a SAML
// provider's private key) bound to what it belongs to (aad): a sealed
// secret copied to another record does not open.
func sealSecret(st store.Store, secret, aad string) (string, error) {
	sl, ok := st.(store.Sealer)
	if !ok {
		return "", errNoSealer
	}
	return sl.SealSecret(secret, aad), nil
}

func openSecret(st store.Store, sealed, aad string) (string, error) {
	sl, ok := st.(store.Sealer)
	if !ok {
		return "", errNoSealer
	}
	return sl.OpenSecret(sealed, aad)
}

// qrCode is the PNG of the otpauth URI authenticator apps scan, labelled
// as AWS labels it.
func qrCode(seed, device, account string) ([]byte, error) {
	label := url.PathEscape("Amazon Web Services:" + device + "@" + account)
	k, err := otp.NewKeyFromURL("otpauth://totp/" + label + "?secret=" + seed + "&issuer=" + url.QueryEscape("Amazon Web Services"))
	if err != nil {
		return nil, err
	}
	img, err := k.Image(200, 200)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// codeAt tells whether code is the device's code of time step n.
func codeAt(seed string, n int64, code string) bool {
	want, err := totp.GenerateCodeCustom(seed, time.Unix(n*int64(totpOpts.Period), 0), totpOpts)
	return err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1
}

func step(t time.Time) int64 { return t.Unix() / int64(totpOpts.Period) }

// consecutiveCodes finds code1 and code2 as the codes of two consecutive
// steps within window steps of now, later than any code accepted before,
// and returns the second step.
func (s *Service) consecutiveCodes(d *mfaDevice, serial, code1, code2 string, window int64) (int64, error) {
	bad := iamapi.NewInvalidAuthenticationCodeException("Authentication code for device is not valid.")
	seed, err := openSecret(s.st, d.Seed, serial)
	if err != nil {
		return 0, err
	}
	cur := step(s.opts.Now())
	for n := cur - window; n <= cur+window; n++ {
		if n > d.LastStep && codeAt(seed, n, code1) && codeAt(seed, n+1, code2) {
			return n + 1, nil
		}
	}
	return 0, bad
}

// ErrMFACode: the code is not the device's current one, or was used
// already.
var ErrMFACode = errors.New("iam: invalid MFA code")

// ErrMFADevice: the serial number names no virtual device enabled for
// the user.
var ErrMFADevice = errors.New("iam: no such MFA device for the user")

// CheckMFACode verifies a one-time code of the virtual MFA device serial
// enabled for user in account (GetSessionToken, AssumeRole's
// SerialNumber and TokenCode). A code is accepted once: the step it
// belongs to, and any earlier one, is refused afterwards.
func CheckMFACode(ctx context.Context, st store.Store, partition, account, user, serial, code string, now time.Time) error {
	sc := scope{account: account, partition: partition}
	k, ok := sc.mfaKey(serial)
	if !ok || user == "" {
		return ErrMFADevice
	}
	// The device must be the user's by ID too: a user deleted and made
	// again under the same name does not inherit the old one's device.
	u, err := st.GetIAMEntity(ctx, account, store.IAMUser, user)
	if errors.Is(err, store.ErrNotFound) {
		return ErrMFADevice
	}
	if err != nil {
		return err
	}
	_, err = mfaDevices.Put(ctx, st, account, k, func(d *mfaDevice) (*mfaDevice, error) {
		if d == nil || !(mfaOwner{user, u.ID}).owns(d) {
			return nil, ErrMFADevice
		}
		seed, err := openSecret(st, d.Seed, serial)
		if err != nil {
			return nil, err
		}
		cur := step(now)
		for n := cur - signInWindow; n <= cur+signInWindow; n++ {
			if n > d.LastStep && codeAt(seed, n, code) {
				next := *d
				next.LastStep = n
				return &next, nil
			}
		}
		return nil, ErrMFACode
	})
	return err
}
