package identitystore

import (
	"context"
	"strings"

	"github.com/mailgate/mailgate/internal/api/identitystoreapi"
	"github.com/mailgate/mailgate/internal/model"
)

// An AttributeValue is a document: any JSON value. The attributes an
// AttributePath names take a JSON string (userName, displayName,
// name.givenName, ...), an object (name) or, for the multi-valued ones
// (emails, addresses, ...), the full list of objects whose members are
// named as in the model ([{"Value": "a@example.com", "Primary": true}]).
// An operation without a value, or with null, removes the attribute.

// attributeString is the string an AttributeValue carries; false when it
// has none or is not a JSON string.
func attributeString(v *identitystoreapi.AttributeValue) (string, bool) {
	if v == nil {
		return "", false
	}
	return v.AsString()
}

// valueless reports whether an operation removes its attribute.
func valueless(v *identitystoreapi.AttributeValue) bool { return v == nil || v.IsNull() }

// idWithExternal is a user or group as GetUserId and GetGroupId search
// them by external ID.
type idWithExternal struct {
	id       string
	external []identitystoreapi.ExternalId
}

// uniqueAttrs are the unique attributes GetUserId or GetGroupId finds a
// user or group by, by lower-cased attribute path: each returns the ID
// that holds a value, "" when none does.
type uniqueAttrs map[string]func(ctx context.Context, value string) (string, error)

// alternate answers GetUserId and GetGroupId: the ID of the user or group
// an external ID or a unique attribute identifies; "" when none does.
func (s *Service) alternate(ctx context.Context, ai *identitystoreapi.AlternateIdentifier, unique uniqueAttrs,
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
		path := ai.UniqueAttribute.AttributePath
		find, ok := unique[strings.ToLower(path)]
		if !ok {
			return "", identitystoreapi.NewValidationException("%s is not a unique attribute.", path)
		}
		v, ok := attributeString(ai.UniqueAttribute.AttributeValue)
		if !ok {
			return "", identitystoreapi.NewValidationException("The value of the unique attribute %s must be a string.", path)
		}
		return find(ctx, v)
	}
	return "", identitystoreapi.NewValidationException("AlternateIdentifier must hold an ExternalId or a UniqueAttribute.")
}

// setter applies one operation to the attribute it names.
type setter func(op identitystoreapi.AttributeOperation) error

// userAttrs are the attributes UpdateUser changes, by lower-cased
// attribute path. u.Name is set, so that name.* has a Name to change.
func userAttrs(u *identitystoreapi.User) map[string]setter {
	if u.Name == nil {
		u.Name = &identitystoreapi.Name{}
	}
	return map[string]setter{
		"username": stringAttr(&u.UserName, false), "displayname": stringAttr(&u.DisplayName, false),
		"nickname": stringAttr(&u.NickName, true), "profileurl": stringAttr(&u.ProfileUrl, true),
		"usertype": stringAttr(&u.UserType, true), "title": stringAttr(&u.Title, true),
		"preferredlanguage": stringAttr(&u.PreferredLanguage, true), "locale": stringAttr(&u.Locale, true),
		"timezone": stringAttr(&u.Timezone, true), "website": stringAttr(&u.Website, true),
		"birthdate":      stringAttr(&u.Birthdate, true),
		"name":           objectAttr(u.Name, "a Name object"),
		"name.formatted": stringAttr(&u.Name.Formatted, true), "name.familyname": stringAttr(&u.Name.FamilyName, true),
		"name.givenname": stringAttr(&u.Name.GivenName, true), "name.middlename": stringAttr(&u.Name.MiddleName, true),
		"name.honorificprefix": stringAttr(&u.Name.HonorificPrefix, true), "name.honorificsuffix": stringAttr(&u.Name.HonorificSuffix, true),
		"emails": listAttr(&u.Emails, "Email"), "addresses": listAttr(&u.Addresses, "Address"),
		"phonenumbers": listAttr(&u.PhoneNumbers, "PhoneNumber"), "photos": listAttr(&u.Photos, "Photo"),
		"roles": listAttr(&u.Roles, "Role"),
	}
}

// multiValued are the user attributes that are lists: AWS replaces them
// whole and refuses a path into one ("emails[0].value").
var multiValued = []string{"emails", "addresses", "phonenumbers", "photos", "roles"}

// applyUser applies UpdateUser's operations, then checks the user against
// the model's constraints, which the values of documents escaped.
func applyUser(u *identitystoreapi.User, ops []identitystoreapi.AttributeOperation) error {
	attrs := userAttrs(u)
	for _, op := range ops {
		set, ok := attrs[strings.ToLower(op.AttributePath)]
		if !ok {
			return unknownUserPath(op.AttributePath)
		}
		if err := set(op); err != nil {
			return err
		}
	}
	if *u.Name == (identitystoreapi.Name{}) {
		u.Name = nil
	}
	if n := u.UserName; n != nil && reserved(*n) {
		return identitystoreapi.NewValidationException("%s is a reserved name and can't be used for users or groups.", *n)
	}
	return model.Validate(identitystoreapi.Model().Shapes["User"], model.ToDocument(u))
}

// unknownUserPath is the error for a path UpdateUser does not change; a
// path into a multi-valued attribute is told to replace the list, in
// AWS's words.
func unknownUserPath(path string) error {
	p := strings.ToLower(path)
	for _, mv := range multiValued {
		if rest, ok := strings.CutPrefix(p, mv); ok && (strings.HasPrefix(rest, "[") || strings.HasPrefix(rest, ".")) {
			return identitystoreapi.NewValidationException("Unsupported update operation on multi-value attribute %s, please provide full replacement of Multi-Value attribute types", path[:len(mv)])
		}
	}
	return identitystoreapi.NewValidationException("The attribute path %s cannot be updated.", path)
}

// stringAttr sets a string attribute to the operation's JSON string, or
// removes it (when removable) for an operation without a value.
func stringAttr(p **string, removable bool) setter {
	return func(op identitystoreapi.AttributeOperation) error {
		v, ok := attributeString(op.AttributeValue)
		switch {
		case !valueless(op.AttributeValue) && !ok:
			return identitystoreapi.NewValidationException("The value of the attribute %s must be a string.", op.AttributePath)
		case v != "":
			*p = &v
		case !removable:
			return identitystoreapi.NewValidationException("The attribute %s requires a value.", op.AttributePath)
		default:
			*p = nil
		}
		return nil
	}
}

// objectAttr replaces a structured attribute (name) with the operation's
// JSON object, or clears it.
func objectAttr[T any](p *T, what string) setter {
	return func(op identitystoreapi.AttributeOperation) error {
		var x T
		if !valueless(op.AttributeValue) {
			if op.AttributeValue.Kind() != "object" || op.AttributeValue.Decode(&x) != nil {
				return identitystoreapi.NewValidationException("The value of the attribute %s must be %s.", op.AttributePath, what)
			}
		}
		*p = x
		return nil
	}
}

// listAttr replaces a multi-valued attribute with the operation's JSON
// array of objects, or removes it.
func listAttr[T any](p *[]T, elem string) setter {
	return func(op identitystoreapi.AttributeOperation) error {
		if valueless(op.AttributeValue) {
			*p = nil
			return nil
		}
		var l []T
		if op.AttributeValue.Kind() != "array" || op.AttributeValue.Decode(&l) != nil {
			return identitystoreapi.NewValidationException("The value of the attribute %s must be a list of %s objects.", op.AttributePath, elem)
		}
		*p = l
		return nil
	}
}

// applyGroup applies UpdateGroup's operations (displayName, description).
func applyGroup(g *identitystoreapi.Group, ops []identitystoreapi.AttributeOperation) error {
	attrs := map[string]setter{"displayname": stringAttr(&g.DisplayName, false), "description": stringAttr(&g.Description, true)}
	for _, op := range ops {
		set, ok := attrs[strings.ToLower(op.AttributePath)]
		if !ok {
			return identitystoreapi.NewValidationException("The attribute path %s cannot be updated.", op.AttributePath)
		}
		if err := set(op); err != nil {
			return err
		}
	}
	if n := g.DisplayName; n != nil && reserved(*n) {
		return identitystoreapi.NewValidationException("%s is a reserved name and can't be used for users or groups.", *n)
	}
	return model.Validate(identitystoreapi.Model().Shapes["Group"], model.ToDocument(g))
}
