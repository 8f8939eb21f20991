package iam

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/api/iamapi"
	"github.com/mailgate/mailgate/internal/opt"
	"github.com/mailgate/mailgate/internal/records"
	"github.com/mailgate/mailgate/internal/store"
)

// A virtual MFA device is an account record keyed by its path and name
// ("team/alice-phone" for arn:aws:iam::<account>:mfa/team/alice-phone):
// its serial number is its ARN. The TOTP seed is sealed under the
// server's master key and shown only once, by CreateVirtualMFADevice.
type mfaDevice struct {
	Path      string      `json:"path"`
	Name      string      `json:"name"`
	Seed      string      `json:"seed"` // sealed base32 seed
	CreatedAt time.Time   `json:"created_at"`
	Tags      []store.Tag `json:"tags,omitempty"`
	// UserName is the user the device is enabled for ("": unassigned).
	UserName  string    `json:"user_name,omitempty"`
	UserID    string    `json:"user_id,omitempty"`
	EnabledAt time.Time `json:"enabled_at,omitzero"`
	// LastStep is the last TOTP time step accepted: a code of that step
	// or an earlier one is refused, so no code is accepted twice.
	LastStep int64 `json:"last_step,omitempty"`
}

// MFA quotas (IAM user guide, "IAM and AWS STS quotas").
const maxMFADevicesPerUser = 8

var mfaDevices = records.Of[mfaDevice](records.Account, store.RecordMFADevice)

func (d *mfaDevice) key() string { return strings.TrimPrefix(d.Path, "/") + d.Name }

func (sc scope) mfaSerial(d *mfaDevice) string { return sc.arn("mfa", d.Path, d.Name) }

// mfaKey is the record key of a serial number of the caller's account;
// ok is false for anything else (a hardware device's serial, another
// account's ARN).
func (sc scope) mfaKey(serial string) (string, bool) {
	prefix := "arn:" + sc.partition + ":iam::" + sc.account + ":mfa/"
	k, ok := strings.CutPrefix(serial, prefix)
	return k, ok && k != ""
}

func noSuchMFADevice(serial string) error {
	return iamapi.NewNoSuchEntityException("VirtualMFADevice with serial number %s doesn't exist.", serial)
}

// mfaDevice loads a virtual device by serial number.
func (s *Service) mfaDevice(ctx context.Context, sc scope, serial string) (*mfaDevice, error) {
	k, ok := sc.mfaKey(serial)
	if !ok {
		return nil, noSuchMFADevice(serial)
	}
	d, found, err := mfaDevices.Get(ctx, s.st, sc.account, k)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, noSuchMFADevice(serial)
	}
	return d, nil
}

// updateMFADevice changes a device through fn in one transaction.
func (s *Service) updateMFADevice(ctx context.Context, sc scope, serial string, fn func(d *mfaDevice) error) (*mfaDevice, error) {
	k, ok := sc.mfaKey(serial)
	if !ok {
		return nil, noSuchMFADevice(serial)
	}
	return mfaDevices.Put(ctx, s.st, sc.account, k, func(cur *mfaDevice) (*mfaDevice, error) {
		if cur == nil {
			return nil, noSuchMFADevice(serial)
		}
		next := *cur
		return &next, fn(&next)
	})
}

// CreateVirtualMFADevice makes a device with a fresh seed; the response
// is the only place the seed (and its QR code) ever appears.
func (s *Service) CreateVirtualMFADevice(ctx context.Context, in *iamapi.CreateVirtualMFADeviceRequest) (*iamapi.CreateVirtualMFADeviceResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	tags, err := withTags(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	d := &mfaDevice{Path: pathOr(in.Path), Name: in.VirtualMFADeviceName, CreatedAt: s.now(), Tags: tags}
	serial := sc.mfaSerial(d)
	seed := newTOTPSeed()
	if d.Seed, err = sealSecret(s.st, seed, serial); err != nil {
		return nil, err
	}
	_, err = mfaDevices.Put(ctx, s.st, sc.account, d.key(), func(cur *mfaDevice) (*mfaDevice, error) {
		if cur != nil {
			return nil, iamapi.NewEntityAlreadyExistsException("MFADevice entity at the same path and name already exists.")
		}
		return d, nil
	})
	if err != nil {
		return nil, err
	}
	png, err := qrCode(seed, in.VirtualMFADeviceName, sc.account)
	if err != nil {
		return nil, err
	}
	return &iamapi.CreateVirtualMFADeviceResponse{VirtualMFADevice: &iamapi.VirtualMFADevice{
		SerialNumber: serial, Base32StringSeed: []byte(seed), QRCodePNG: png, Tags: tagsOrNil(d.Tags),
	}}, nil
}

// DeleteVirtualMFADevice deletes a device that no user has enabled.
func (s *Service) DeleteVirtualMFADevice(ctx context.Context, in *iamapi.DeleteVirtualMFADeviceRequest) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(ctx context.Context) error {
		d, err := s.mfaDevice(ctx, sc, in.SerialNumber)
		if err != nil {
			return err
		}
		if d.UserName != "" {
			return iamapi.NewDeleteConflictException("MFA Device is still in use.")
		}
		_, err = mfaDevices.Remove(ctx, s.st, sc.account, d.key())
		return err
	})
}

// ListVirtualMFADevices lists the account's virtual devices, in serial
// order, filtered by assignment.
func (s *Service) ListVirtualMFADevices(ctx context.Context, in *iamapi.ListVirtualMFADevicesRequest) (*iamapi.ListVirtualMFADevicesResponse, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	all, err := mfaDevices.All(ctx, s.st, sc.account, "")
	if err != nil {
		return nil, err
	}
	status := iamapi.AssignmentStatusTypeAny
	if in.AssignmentStatus != nil {
		status = *in.AssignmentStatus
	}
	var out []iamapi.VirtualMFADevice
	for i := range all {
		d := &all[i]
		assigned := d.UserName != ""
		if (status == iamapi.AssignmentStatusTypeAssigned && !assigned) || (status == iamapi.AssignmentStatusTypeUnassigned && assigned) {
			continue
		}
		v, err := s.virtualMFADevice(ctx, sc, d)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SerialNumber < out[j].SerialNumber })
	page, trunc, next, err := paginate(out, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListVirtualMFADevicesResponse{VirtualMFADevices: page, IsTruncated: trunc, Marker: next}, nil
}

// virtualMFADevice describes a device as the listing does: with the user
// it is enabled for, never with its seed.
func (s *Service) virtualMFADevice(ctx context.Context, sc scope, d *mfaDevice) (*iamapi.VirtualMFADevice, error) {
	v := &iamapi.VirtualMFADevice{SerialNumber: sc.mfaSerial(d), Tags: tagsOrNil(d.Tags)}
	if d.UserName == "" {
		return v, nil
	}
	v.EnableDate = opt.Ptr(d.EnabledAt)
	u, err := s.st.GetIAMEntity(ctx, sc.account, store.IAMUser, d.UserName)
	switch {
	case err == nil:
		v.User, err = s.user(ctx, sc, u, false)
		return v, err
	case errors.Is(err, store.ErrNotFound):
		return v, nil
	}
	return nil, err
}

// EnableMFADevice assigns a device to a user, once two consecutive codes
// from it prove the user holds the seed.
func (s *Service) EnableMFADevice(ctx context.Context, in *iamapi.EnableMFADeviceRequest) error {
	return s.inEntityTx(ctx, store.IAMUser, in.UserName, func(ctx context.Context, sc scope, u *store.IAMEntity) error {
		mine, err := s.userMFADevices(ctx, sc, mfaOwner{u.Name, u.ID})
		if err != nil {
			return err
		}
		if len(mine) >= maxMFADevicesPerUser {
			return iamapi.NewLimitExceededException("Cannot exceed quota for MFADevicesPerUser: %d", maxMFADevicesPerUser)
		}
		_, err = s.updateMFADevice(ctx, sc, in.SerialNumber, func(d *mfaDevice) error {
			if d.UserName != "" {
				return iamapi.NewEntityAlreadyExistsException("MFA Device is already in use.")
			}
			step, err := s.consecutiveCodes(d, in.SerialNumber, in.AuthenticationCode1, in.AuthenticationCode2, enableWindow)
			if err != nil {
				return err
			}
			d.UserName, d.UserID, d.EnabledAt, d.LastStep = u.Name, u.ID, s.now(), step
			return nil
		})
		return err
	})
}

// ResyncMFADevice realigns the server with a device whose clock drifted:
// two consecutive codes, searched for over a wider window.
func (s *Service) ResyncMFADevice(ctx context.Context, in *iamapi.ResyncMFADeviceRequest) error {
	return s.inEntityTx(ctx, store.IAMUser, in.UserName, func(ctx context.Context, sc scope, u *store.IAMEntity) error {
		_, err := s.updateMFADevice(ctx, sc, in.SerialNumber, func(d *mfaDevice) error {
			if !(mfaOwner{u.Name, u.ID}).owns(d) {
				return noSuchMFADevice(in.SerialNumber)
			}
			step, err := s.consecutiveCodes(d, in.SerialNumber, in.AuthenticationCode1, in.AuthenticationCode2, resyncWindow)
			if err != nil {
				return err
			}
			d.LastStep = step
			return nil
		})
		return err
	})
}

// DeactivateMFADevice unassigns a device from its user; the device stays.
func (s *Service) DeactivateMFADevice(ctx context.Context, in *iamapi.DeactivateMFADeviceRequest) error {
	return s.st.InTx(ctx, func(ctx context.Context) error {
		sc, owner, err := s.mfaUser(ctx, in.UserName)
		if err != nil {
			return err
		}
		_, err = s.updateMFADevice(ctx, sc, in.SerialNumber, func(d *mfaDevice) error {
			// By name alone, so that the device of a deleted namesake
			// can be freed.
			if d.UserName == "" || d.UserName != owner.name {
				return iamapi.NewNoSuchEntityException("MFA Device with serial number %s does not exist.", in.SerialNumber)
			}
			d.UserName, d.UserID, d.EnabledAt, d.LastStep = "", "", time.Time{}, 0
			return nil
		})
		return err
	})
}

// mfaOwner is a user that devices are enabled for, by name and ID: a
// user deleted and made again under the same name does not inherit the
// old one's devices.
type mfaOwner struct{ name, id string }

func (o mfaOwner) owns(d *mfaDevice) bool {
	return o.name != "" && d.UserName == o.name && d.UserID == o.id
}

// userMFADevices are the devices enabled for a user.
func (s *Service) userMFADevices(ctx context.Context, sc scope, o mfaOwner) ([]mfaDevice, error) {
	all, err := mfaDevices.All(ctx, s.st, sc.account, "")
	if err != nil {
		return nil, err
	}
	var out []mfaDevice
	for i := range all {
		if o.owns(&all[i]) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// mfaUser starts an operation on a user's MFA devices: the caller's
// scope and the user, the named one or the caller (NoSuchEntity when
// there is none; "" for the root, which enables no virtual device
// through the API).
func (s *Service) mfaUser(ctx context.Context, name *string) (scope, mfaOwner, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return sc, mfaOwner{}, err
	}
	n := opt.Deref(name)
	if n == "" {
		n = sc.callerUserName()
	}
	if n == "" {
		return sc, mfaOwner{}, nil
	}
	u, err := s.entity(ctx, sc, store.IAMUser, n)
	if err != nil {
		return sc, mfaOwner{}, err
	}
	return sc, mfaOwner{u.Name, u.ID}, nil
}

// ListMFADevices lists the devices enabled for a user (the caller when
// no user is named).
func (s *Service) ListMFADevices(ctx context.Context, in *iamapi.ListMFADevicesRequest) (*iamapi.ListMFADevicesResponse, error) {
	sc, owner, err := s.mfaUser(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	mine, err := s.userMFADevices(ctx, sc, owner)
	if err != nil {
		return nil, err
	}
	var out []iamapi.MFADevice
	for i := range mine {
		out = append(out, iamapi.MFADevice{UserName: owner.name, SerialNumber: sc.mfaSerial(&mine[i]), EnableDate: mine[i].EnabledAt})
	}
	page, trunc, next, err := paginate(out, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListMFADevicesResponse{MFADevices: page, IsTruncated: trunc, Marker: next}, nil
}

// GetMFADevice describes a device enabled for a user.
func (s *Service) GetMFADevice(ctx context.Context, in *iamapi.GetMFADeviceRequest) (*iamapi.GetMFADeviceResponse, error) {
	sc, owner, err := s.mfaUser(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	d, err := s.mfaDevice(ctx, sc, in.SerialNumber)
	if err != nil {
		return nil, err
	}
	if !owner.owns(d) {
		return nil, iamapi.NewNoSuchEntityException("MFA Device with serial number %s does not exist.", in.SerialNumber)
	}
	return &iamapi.GetMFADeviceResponse{UserName: opt.Ptr(d.UserName), SerialNumber: in.SerialNumber, EnableDate: opt.Ptr(d.EnabledAt)}, nil
}

// mfaTags are the tag operations of virtual MFA devices.
func (s *Service) mfaTags() recordTags {
	return recordTags{
		update: func(ctx context.Context, serial string, fn func(*[]store.Tag) error) error {
			sc, err := s.scope(ctx)
			if err == nil {
				_, err = s.updateMFADevice(ctx, sc, serial, func(d *mfaDevice) error { return fn(&d.Tags) })
			}
			return err
		},
		get: func(ctx context.Context, serial string) ([]store.Tag, error) {
			sc, err := s.scope(ctx)
			if err != nil {
				return nil, err
			}
			d, err := s.mfaDevice(ctx, sc, serial)
			if err != nil {
				return nil, err
			}
			return d.Tags, nil
		},
	}
}

func (s *Service) TagMFADevice(ctx context.Context, in *iamapi.TagMFADeviceRequest) error {
	return s.mfaTags().tag(ctx, in.SerialNumber, in.Tags)
}

func (s *Service) UntagMFADevice(ctx context.Context, in *iamapi.UntagMFADeviceRequest) error {
	return s.mfaTags().untag(ctx, in.SerialNumber, in.TagKeys)
}

func (s *Service) ListMFADeviceTags(ctx context.Context, in *iamapi.ListMFADeviceTagsRequest) (*iamapi.ListMFADeviceTagsResponse, error) {
	tags, trunc, next, err := s.mfaTags().list(ctx, in.SerialNumber, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iamapi.ListMFADeviceTagsResponse{Tags: tags, IsTruncated: trunc, Marker: next}, nil
}
