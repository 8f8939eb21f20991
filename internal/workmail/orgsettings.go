package workmail

import (
	"context"

	"github.com/mailgate/mailgate/internal/records"

	"github.com/mailgate/mailgate/internal/store"
)

// orgSettingKey is the key of the record kinds an organization has one
// of: its retention policy, email monitoring configuration and inbound
// DMARC settings.
const orgSettingKey = "organization"

// orgSetting returns the setting of an active organization; ok is false
// when it has none.
func orgSetting[T any](ctx context.Context, s *Service, r records.Kind[T], orgID string) (o *store.Organization, v *T, ok bool, err error) {
	if o, err = s.activeOrg(ctx, orgID); err != nil {
		return nil, nil, false, err
	}
	v, ok, err = r.Get(ctx, s.st, o.ID, orgSettingKey)
	return o, v, ok, err
}

// setOrgSetting replaces the setting of an active organization.
func setOrgSetting[T any](ctx context.Context, s *Service, r records.Kind[T], orgID string, v *T) error {
	o, err := s.activeOrg(ctx, orgID)
	if err != nil {
		return err
	}
	_, err = r.Put(ctx, s.st, o.ID, orgSettingKey, func(*T) (*T, error) { return v, nil })
	return writeErr(err, o.ID)
}
