package identitystore

import (
	"context"
	"strings"

	"github.com/mailgate/mailgate/internal/api/identitystoreapi"
	"github.com/mailgate/mailgate/internal/records"
)

// attributeString is the string an AttributeValue carries. The model
// makes AttributeValue a document (any JSON value); the generated shape
// has no member to hold one, so the value of a request does not reach
// the service and this answers false: an operation that needs a value
// refuses it, one that may go without removes the attribute.
func attributeString(v *identitystoreapi.AttributeValue) (string, bool) {
	return "", false
}

// idWithExternal is a user or group as GetUserId and GetGroupId search
// them by external ID.
type idWithExternal struct {
	id       string
	external []identitystoreapi.ExternalId
}

// alternate answers GetUserId and GetGroupId: the ID of the user or group
// an external ID or a unique attribute (the name the index holds, at
// namePath) identifies; "" when none does.
func (s *Service) alternate(ctx context.Context, d dir, ai *identitystoreapi.AlternateIdentifier, index records.Kind[ref], namePath string,
	all func(context.Context) ([]idWithExternal, error)) (string, error) {
	switch {
	case ai != nil && ai.ExternalId != nil:
		list, err := all(ctx)
		for _, x := range list {
			for _, e := range x.external {
				if e.Issuer == ai.ExternalId.Issuer && e.Id == ai.ExternalId.Id {
					return x.id, err
				}
			}
		}
		return "", err
	case ai != nil && ai.UniqueAttribute != nil:
		v, ok := attributeString(ai.UniqueAttribute.AttributeValue)
		if !strings.EqualFold(ai.UniqueAttribute.AttributePath, namePath) || !ok {
			return "", identitystoreapi.NewValidationException("The unique attribute must be %s, with a string value.", namePath)
		}
		return s.lookup(ctx, index, d, v)
	}
	return "", identitystoreapi.NewValidationException("AlternateIdentifier must hold an ExternalId or a UniqueAttribute.")
}

// stringAttrs are a user's string attributes by attribute path (lower
// case), with whether UpdateUser may remove them.
func stringAttrs(u *identitystoreapi.User) map[string]struct {
	p         **string
	removable bool
} {
	if u.Name == nil {
		u.Name = &identitystoreapi.Name{}
	}
	type attr = struct {
		p         **string
		removable bool
	}
	return map[string]attr{
		"username": {&u.UserName, false}, "displayname": {&u.DisplayName, false},
		"nickname": {&u.NickName, true}, "profileurl": {&u.ProfileUrl, true}, "usertype": {&u.UserType, true},
		"title": {&u.Title, true}, "preferredlanguage": {&u.PreferredLanguage, true}, "locale": {&u.Locale, true},
		"timezone": {&u.Timezone, true}, "website": {&u.Website, true}, "birthdate": {&u.Birthdate, true},
		"name.formatted": {&u.Name.Formatted, true}, "name.familyname": {&u.Name.FamilyName, true},
		"name.givenname": {&u.Name.GivenName, true}, "name.middlename": {&u.Name.MiddleName, true},
		"name.honorificprefix": {&u.Name.HonorificPrefix, true}, "name.honorificsuffix": {&u.Name.HonorificSuffix, true},
	}
}

// applyUser applies UpdateUser's operations: each sets the attribute at
// its path to its value, or removes it when it has none.
func applyUser(u *identitystoreapi.User, ops []identitystoreapi.AttributeOperation) error {
	attrs := stringAttrs(u)
	for _, op := range ops {
		a, ok := attrs[strings.ToLower(op.AttributePath)]
		if !ok {
			return identitystoreapi.NewValidationException("The attribute path %s cannot be updated.", op.AttributePath)
		}
		if err := apply(a.p, a.removable, op); err != nil {
			return err
		}
	}
	if *u.Name == (identitystoreapi.Name{}) {
		u.Name = nil
	}
	if n := u.UserName; n != nil && reserved(*n) {
		return identitystoreapi.NewValidationException("%s is a reserved name and can't be used for users or groups.", *n)
	}
	return nil
}

// apply runs one operation on a string attribute.
func apply(p **string, removable bool, op identitystoreapi.AttributeOperation) error {
	v, ok := attributeString(op.AttributeValue)
	switch {
	case ok && v != "":
		*p = &v
	case !removable:
		return identitystoreapi.NewValidationException("The attribute %s requires a value.", op.AttributePath)
	default:
		*p = nil
	}
	return nil
}

// applyGroup applies UpdateGroup's operations (displayName, description).
func applyGroup(g *identitystoreapi.Group, ops []identitystoreapi.AttributeOperation) error {
	for _, op := range ops {
		var err error
		switch strings.ToLower(op.AttributePath) {
		case "displayname":
			err = apply(&g.DisplayName, false, op)
		case "description":
			err = apply(&g.Description, true, op)
		default:
			err = identitystoreapi.NewValidationException("The attribute path %s cannot be updated.", op.AttributePath)
		}
		if err != nil {
			return err
		}
	}
	if n := g.DisplayName; n != nil && reserved(*n) {
		return identitystoreapi.NewValidationException("%s is a reserved name and can't be used for users or groups.", *n)
	}
	return nil
}
