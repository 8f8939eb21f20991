package iam_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/pquerna/otp/totp"
)

// totpCode is the device's code at t, as an authenticator app shows it.
func totpCode(t *testing.T, seed []byte, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(string(seed), at)
	must(t, err)
	return c
}

func TestVirtualMFADevices(t *testing.T) {
	e, c := newEnv(t)
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
	must(t, err)
	out, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice-phone"),
		Path: aws.String("/team/"), Tags: []types.Tag{tag("k", "v")}})
	must(t, err)
	d := out.VirtualMFADevice
	serial := "arn:aws:iam::" + e.AccountID + ":mfa/team/alice-phone"
	if *d.SerialNumber != serial || len(d.Base32StringSeed) != 64 || !bytes.HasPrefix(d.QRCodePNG, []byte("\x89PNG")) {
		t.Fatalf("%s seed %d bytes png %q", *d.SerialNumber, len(d.Base32StringSeed), d.QRCodePNG[:4])
	}
	seed := d.Base32StringSeed
	_, err = c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice-phone"), Path: aws.String("/team/")})
	apiErr(t, err, "EntityAlreadyExists", 409)

	listed := func(status types.AssignmentStatusType) []types.VirtualMFADevice {
		l, err := c.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: status})
		must(t, err)
		for _, v := range l.VirtualMFADevices {
			if len(v.Base32StringSeed) > 0 || len(v.QRCodePNG) > 0 {
				t.Fatal("a listing shows the seed")
			}
		}
		return l.VirtualMFADevices
	}
	if n := len(listed(types.AssignmentStatusTypeUnassigned)); n != 1 {
		t.Fatalf("unassigned: %d", n)
	}
	if n := len(listed(types.AssignmentStatusTypeAssigned)); n != 0 {
		t.Fatalf("assigned: %d", n)
	}

	now := time.Now()
	enable := func(user, c1, c2 string) error {
		_, err := c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: &user, SerialNumber: &serial, AuthenticationCode1: &c1, AuthenticationCode2: &c2})
		return err
	}
	prev, cur := totpCode(t, seed, now.Add(-30*time.Second)), totpCode(t, seed, now)
	apiErr(t, enable("alice", cur, prev), "InvalidAuthenticationCode", 403) // not consecutive
	apiErr(t, enable("alice", "000000", "111111"), "InvalidAuthenticationCode", 403)
	apiErr(t, enable("bob", prev, cur), "NoSuchEntity", 404)
	must(t, enable("alice", prev, cur))
	apiErr(t, enable("alice", prev, cur), "EntityAlreadyExists", 409)

	devs, err := c.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("alice")})
	must(t, err)
	if len(devs.MFADevices) != 1 || *devs.MFADevices[0].SerialNumber != serial || *devs.MFADevices[0].UserName != "alice" {
		t.Fatalf("%+v", devs.MFADevices)
	}
	got, err := c.GetMFADevice(ctx, &iam.GetMFADeviceInput{SerialNumber: &serial, UserName: aws.String("alice")})
	must(t, err)
	if *got.UserName != "alice" || got.EnableDate == nil {
		t.Fatalf("%+v", got)
	}
	if a := listed(types.AssignmentStatusTypeAssigned); len(a) != 1 || *a[0].User.UserName != "alice" || a[0].EnableDate == nil {
		t.Fatalf("%+v", a)
	}
	_, err = c.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: &serial})
	apiErr(t, err, "DeleteConflict", 409)

	// Resync with two later codes; the same codes again are a replay.
	resync := func() error {
		n1, n2 := totpCode(t, seed, now.Add(30*time.Second)), totpCode(t, seed, now.Add(60*time.Second))
		_, err := c.ResyncMFADevice(ctx, &iam.ResyncMFADeviceInput{UserName: aws.String("alice"), SerialNumber: &serial, AuthenticationCode1: &n1, AuthenticationCode2: &n2})
		return err
	}
	must(t, resync())
	apiErr(t, resync(), "InvalidAuthenticationCode", 403)

	// Tags.
	_, err = c.TagMFADevice(ctx, &iam.TagMFADeviceInput{SerialNumber: &serial, Tags: []types.Tag{tag("K", "w"), tag("x", "y")}})
	must(t, err)
	_, err = c.UntagMFADevice(ctx, &iam.UntagMFADeviceInput{SerialNumber: &serial, TagKeys: []string{"x"}})
	must(t, err)
	tags, err := c.ListMFADeviceTags(ctx, &iam.ListMFADeviceTagsInput{SerialNumber: &serial})
	must(t, err)
	if p := tagPairs(tags.Tags); len(p) != 1 || p[0] != "K=w" {
		t.Fatal(p)
	}
	_, err = c.TagMFADevice(ctx, &iam.TagMFADeviceInput{SerialNumber: &serial, Tags: manyTags(50, "t")})
	apiErr(t, err, "LimitExceeded", 409)

	_, err = c.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("alice"), SerialNumber: &serial})
	must(t, err)
	_, err = c.GetMFADevice(ctx, &iam.GetMFADeviceInput{SerialNumber: &serial, UserName: aws.String("alice")})
	apiErr(t, err, "NoSuchEntity", 404)
	_, err = c.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("alice"), SerialNumber: &serial})
	apiErr(t, err, "NoSuchEntity", 404)
	_, err = c.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: &serial})
	must(t, err)
	_, err = c.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: &serial})
	apiErr(t, err, "NoSuchEntity", 404)
	_, err = c.ListMFADeviceTags(ctx, &iam.ListMFADeviceTagsInput{SerialNumber: &serial})
	apiErr(t, err, "NoSuchEntity", 404)
}

// A user has at most eight MFA devices; listings page.
func TestMFADeviceQuotaAndPages(t *testing.T) {
	_, c := newEnv(t)
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
	must(t, err)
	now := time.Now()
	var serials []string
	for i := 0; i < 9; i++ {
		out, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(fmt.Sprintf("d%d", i))})
		must(t, err)
		d := out.VirtualMFADevice
		serials = append(serials, *d.SerialNumber)
		_, err = c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("alice"), SerialNumber: d.SerialNumber,
			AuthenticationCode1: aws.String(totpCode(t, d.Base32StringSeed, now.Add(-30*time.Second))), AuthenticationCode2: aws.String(totpCode(t, d.Base32StringSeed, now))})
		if i < 8 {
			must(t, err)
		} else {
			apiErr(t, err, "LimitExceeded", 409)
		}
	}
	wantPages(t, "virtual devices", chunks(serials, 4), func(m *string) (*iam.ListVirtualMFADevicesOutput, error) {
		return c.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{Marker: m, MaxItems: aws.Int32(4)})
	}, func(o *iam.ListVirtualMFADevicesOutput) []string {
		var out []string
		for _, d := range o.VirtualMFADevices {
			out = append(out, *d.SerialNumber)
		}
		return out
	})
	wantPages(t, "user devices", chunks(serials[:8], 3), func(m *string) (*iam.ListMFADevicesOutput, error) {
		return c.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("alice"), Marker: m, MaxItems: aws.Int32(3)})
	}, func(o *iam.ListMFADevicesOutput) []string {
		var out []string
		for _, d := range o.MFADevices {
			out = append(out, *d.SerialNumber)
		}
		return out
	})
}

// chunks is how pages prints a listing of items in pages of n.
func chunks(items []string, n int) string {
	var out [][]string
	for len(items) > n {
		out, items = append(out, items[:n]), items[n:]
	}
	return fmt.Sprint(append(out, items))
}

// A user made again under a deleted user's name does not inherit its
// devices; the device can still be freed.
func TestMFADeviceOfADeletedUser(t *testing.T) {
	_, c := newEnv(t)
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
	must(t, err)
	out, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("phone")})
	must(t, err)
	d, now := out.VirtualMFADevice, time.Now()
	_, err = c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("alice"), SerialNumber: d.SerialNumber,
		AuthenticationCode1: aws.String(totpCode(t, d.Base32StringSeed, now.Add(-30*time.Second))), AuthenticationCode2: aws.String(totpCode(t, d.Base32StringSeed, now))})
	must(t, err)
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice")})
	apiErr(t, err, "DeleteConflict", 409) // its MFA device must go first
	_, err = c.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("alice"), SerialNumber: d.SerialNumber})
	must(t, err)
	_, err = c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice")})
	must(t, err)
	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
	must(t, err)
	l, err := c.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("alice")})
	must(t, err)
	if len(l.MFADevices) != 0 {
		t.Fatalf("inherited: %+v", l.MFADevices)
	}
	_, err = c.GetMFADevice(ctx, &iam.GetMFADeviceInput{UserName: aws.String("alice"), SerialNumber: d.SerialNumber})
	apiErr(t, err, "NoSuchEntity", 404)
	_, err = c.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: d.SerialNumber})
	must(t, err)
}
