package workmail

import (
	"reflect"
	"testing"
	"time"

	"github.com/mailgate/mailgate/internal/api/workmailapi"
	"github.com/mailgate/mailgate/internal/model"
	"github.com/mailgate/mailgate/internal/store"
)

// TestEntityMembers checks the one mapping from entities to answers by
// name: from an entity with every field set, each shape the handlers
// describe gets every member, and every member entityMembers names lands
// in some shape (a misspelt one would be dropped silently).
func TestEntityMembers(t *testing.T) {
	var e store.Entity
	v := reflect.ValueOf(&e).Elem()
	for i := 0; i < v.NumField(); i++ {
		switch f := v.Field(i); f.Interface().(type) {
		case string:
			f.SetString("x")
		case time.Time:
			f.Set(reflect.ValueOf(time.Unix(1700000000, 0).UTC()))
		}
	}
	e.Type, e.State, e.Role, e.Hidden = store.EntityUser, store.EntityEnabled, "USER", true

	landed := map[string]bool{}
	for _, d := range []struct {
		shape any
		doc   map[string]any
	}{
		{workmailapi.DescribeUserResponse{}, model.ToDocument(describe[workmailapi.DescribeUserResponse](&e, "UserId"))},
		{workmailapi.User{}, model.ToDocument(describe[workmailapi.User](&e, "Id"))},
		{workmailapi.DescribeGroupResponse{}, model.ToDocument(describe[workmailapi.DescribeGroupResponse](&e, "GroupId"))},
		{workmailapi.Group{}, model.ToDocument(describe[workmailapi.Group](&e, "Id"))},
		{workmailapi.Member{}, model.ToDocument(describe[workmailapi.Member](&e, "Id"))},
	} {
		typ := reflect.TypeOf(d.shape)
		for i := 0; i < typ.NumField(); i++ {
			if name := typ.Field(i).Name; d.doc[name] == nil {
				t.Errorf("%s.%s is not filled", typ.Name(), name)
			}
		}
		for k := range d.doc {
			landed[k] = true
		}
	}
	for k := range entityMembers(&e, "Id") {
		if !landed[k] {
			t.Errorf("entityMembers names %s, which no shape has", k)
		}
	}
}
