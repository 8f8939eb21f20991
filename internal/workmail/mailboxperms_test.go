package workmail

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/mailgate/mailgate/internal/store"
)

// groupGraph is a directory that only answers ListGroupsForEntity, from a
// membership graph the store itself would refuse (cycles).
type groupGraph struct {
	store.Store
	parents map[string][]string // entity → groups it is a direct member of
}

func (g groupGraph) ListGroupsForEntity(_ context.Context, _, entityID, _ string, p store.Page) ([]store.Entity, error) {
	ids := append([]string(nil), g.parents[entityID]...)
	sort.Strings(ids)
	var out []store.Entity
	for _, id := range ids {
		if id > p.After && len(out) < p.Limit {
			out = append(out, store.Entity{ID: id, Type: store.EntityGroup})
		}
	}
	return out, nil
}

func TestMailboxPermissionWalkGroups(t *testing.T) {
	walk := func(t *testing.T, parents map[string][]string, from string, stopAt string) []string {
		t.Helper()
		s := &Service{st: groupGraph{parents: parents}}
		var seen []string
		err := s.walkGroups(context.Background(), "m-org", from, func(id string) bool {
			seen = append(seen, id)
			return id == stopAt
		})
		if err != nil {
			t.Fatal(err)
		}
		return seen
	}
	t.Run("method=walkGroups/case=cycle", func(t *testing.T) {
		got := walk(t, map[string][]string{"u": {"a"}, "a": {"b"}, "b": {"c"}, "c": {"a", "u"}}, "u", "")
		if !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
			t.Fatalf("visited %v", got)
		}
	})
	t.Run("method=walkGroups/case=diamond", func(t *testing.T) {
		got := walk(t, map[string][]string{"u": {"a", "b"}, "a": {"top"}, "b": {"top"}}, "u", "")
		if !reflect.DeepEqual(got, []string{"a", "b", "top"}) {
			t.Fatalf("visited %v", got)
		}
	})
	t.Run("method=walkGroups/case=pages", func(t *testing.T) {
		var many []string
		for i := 0; i < 250; i++ {
			many = append(many, fmt.Sprintf("g%03d", i))
		}
		got := walk(t, map[string][]string{"u": many, "g249": {"z"}}, "u", "")
		if len(got) != 251 || got[250] != "z" {
			t.Fatalf("visited %d groups, last %s", len(got), got[len(got)-1])
		}
	})
	t.Run("method=walkGroups/case=stops", func(t *testing.T) {
		got := walk(t, map[string][]string{"u": {"a", "b"}, "a": {"c"}, "b": {"d"}}, "u", "b")
		if !reflect.DeepEqual(got, []string{"a", "b"}) {
			t.Fatalf("visited %v", got)
		}
	})
}
