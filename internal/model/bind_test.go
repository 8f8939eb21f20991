package model

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// The structs below are shaped like the generated ones: optional scalars
// are pointers, required ones values, enums named string types, members
// renamed with the aws tag.

type kind string

type rule struct {
	Effect kind
	Name   *string
}

type thing struct {
	Name     string
	Kind     kind
	Nick     *string
	Count    int32
	Big      *int64
	Plain    int
	Ratio    float64
	Small    *float32
	Enabled  bool
	Flag     *bool
	When     time.Time
	Seen     *time.Time
	Data     []byte
	Tags     []string
	Kinds    []kind
	Rules    []rule
	RulePtrs []*rule
	Labels   map[string]string
	ByKind   map[kind]kind
	RuleMap  map[string]rule
	Nested   *rule
	Inline   rule
	Renamed  *string `aws:"isRenamed"`
	Skipped  string  `aws:"-"`
	private  string
}

func TestBind(t *testing.T) {
	when := time.Date(2024, 2, 29, 12, 30, 0, 123456789, time.UTC)
	doc := map[string]any{
		"Name": "n", "Kind": "ALPHA", "Nick": "nick",
		"Count": int64(7), "Big": int64(1) << 40, "Plain": 3.0, // a float64 that is whole binds to an integer
		"Ratio": int64(2), "Small": 0.5, // an int64 binds to a float
		"Enabled": true, "Flag": false,
		"When": when, "Seen": when,
		"Data": []byte{0, 1, 2},
		"Tags": []any{"a", "b"}, "Kinds": []any{"ALPHA", "BETA"},
		"Rules":     []any{map[string]any{"Effect": "ALPHA"}, map[string]any{"Effect": "BETA", "Name": "r2"}},
		"RulePtrs":  []any{map[string]any{"Effect": "ALPHA"}, nil},
		"Labels":    map[string]any{"k": "v", "empty": nil},
		"ByKind":    map[string]any{"ALPHA": "BETA"},
		"RuleMap":   map[string]any{"x": map[string]any{"Effect": "BETA"}},
		"Nested":    map[string]any{"Effect": "ALPHA", "Name": "nested"},
		"Inline":    map[string]any{"Effect": "BETA"},
		"isRenamed": "renamed", "Renamed": "not this one",
		"Skipped": "no", "private": "no",
		"Unknown": "members the struct lacks are ignored",
	}
	var got thing
	if err := Bind(doc, &got); err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	i64 := int64(1) << 40
	f32 := float32(0.5)
	f := false
	want := thing{
		Name: "n", Kind: "ALPHA", Nick: str("nick"),
		Count: 7, Big: &i64, Plain: 3,
		Ratio: 2, Small: &f32,
		Enabled: true, Flag: &f,
		When: when, Seen: &when,
		Data: []byte{0, 1, 2},
		Tags: []string{"a", "b"}, Kinds: []kind{"ALPHA", "BETA"},
		Rules:    []rule{{Effect: "ALPHA"}, {Effect: "BETA", Name: str("r2")}},
		RulePtrs: []*rule{{Effect: "ALPHA"}, nil},
		Labels:   map[string]string{"k": "v", "empty": ""},
		ByKind:   map[kind]kind{"ALPHA": "BETA"},
		RuleMap:  map[string]rule{"x": {Effect: "BETA"}},
		Nested:   &rule{Effect: "ALPHA", Name: str("nested")},
		Inline:   rule{Effect: "BETA"},
		Renamed:  str("renamed"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("bound:\n got %+v\nwant %+v", got, want)
	}

	t.Run("case=absent-and-null-members-stay-zero", func(t *testing.T) {
		var got thing
		if err := Bind(map[string]any{"Name": nil, "Nick": nil, "Tags": nil}, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, thing{}) {
			t.Fatalf("bound %+v", got)
		}
	})
	t.Run("case=into-a-filled-struct", func(t *testing.T) {
		got := thing{Name: "old", Count: 1, Tags: []string{"old"}}
		if err := Bind(map[string]any{"Tags": []any{"new"}}, &got); err != nil {
			t.Fatal(err)
		}
		if got.Name != "old" || got.Count != 1 || !reflect.DeepEqual(got.Tags, []string{"new"}) {
			t.Fatalf("bound %+v", got)
		}
	})
}

func TestBindErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  map[string]any
		want string
	}{
		{"string", map[string]any{"Name": int64(1)}, "Name: want string, got int64"},
		{"bool", map[string]any{"Flag": "true"}, "Flag: want boolean, got string"},
		{"integer", map[string]any{"Count": "7"}, "Count: want integer, got string"},
		{"float", map[string]any{"Ratio": true}, "Ratio: want number, got bool"},
		{"timestamp", map[string]any{"When": "2024-01-01T00:00:00Z"}, "When: want timestamp, got string"},
		{"timestamp-pointer", map[string]any{"Seen": int64(0)}, "Seen: want timestamp, got int64"},
		{"blob", map[string]any{"Data": "AAEC"}, "Data: want blob, got string"},
		{"list", map[string]any{"Tags": "a"}, "Tags: want list, got string"},
		{"list-element", map[string]any{"Tags": []any{"a", int64(2)}}, "Tags: want string, got int64"},
		{"map", map[string]any{"Labels": []any{}}, "Labels: want map, got []interface {}"},
		{"map-value", map[string]any{"Labels": map[string]any{"k": true}}, "Labels: want string, got bool"},
		{"structure", map[string]any{"Nested": "x"}, "Nested: want structure, got string"},
		{"nested-member", map[string]any{"Rules": []any{map[string]any{"Effect": int64(1)}}}, "Rules: Effect: want string, got int64"},
		{"renamed-member", map[string]any{"isRenamed": int64(1)}, "isRenamed: want string, got int64"},
	} {
		t.Run("case="+tc.name, func(t *testing.T) {
			var got thing
			err := Bind(tc.doc, &got)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("case=not-a-pointer-to-a-struct", func(t *testing.T) {
		var s string
		for _, out := range []any{thing{}, &s, nil} {
			if err := Bind(map[string]any{}, out); err == nil || !strings.HasPrefix(err.Error(), "model.Bind: want pointer to struct, got ") {
				t.Errorf("Bind into %T: %v", out, err)
			}
		}
	})
	t.Run("case=unsupported-field-kind", func(t *testing.T) {
		var out struct{ C chan int }
		if err := Bind(map[string]any{"C": "x"}, &out); err == nil || err.Error() != "C: unsupported field kind chan" {
			t.Fatalf("error %v", err)
		}
	})
}

func TestToDocument(t *testing.T) {
	when := time.Date(2024, 2, 29, 12, 30, 0, 0, time.UTC)
	str := func(s string) *string { return &s }
	in := thing{
		Name: "n", Kind: "ALPHA", Count: 7, Enabled: true, When: when, Seen: &when, Data: []byte{1},
		Tags: []string{"a"}, Rules: []rule{{Effect: "BETA"}}, RulePtrs: []*rule{nil},
		Labels: map[string]string{"k": "v"}, ByKind: map[kind]kind{"ALPHA": "BETA"},
		Nested: &rule{Effect: "ALPHA", Name: str("x")}, Renamed: str("r"), Skipped: "s", private: "p",
	}
	want := map[string]any{
		// Values are present even when zero; nil pointers, slices and
		// maps are absent; a zero time is absent.
		"Name": "n", "Kind": "ALPHA", "Count": int64(7), "Plain": int64(0), "Ratio": 0.0, "Enabled": true,
		"When": when, "Seen": when, "Data": []byte{1},
		"Tags": []any{"a"}, "Rules": []any{map[string]any{"Effect": "BETA"}}, "RulePtrs": []any{nil},
		"Labels": map[string]any{"k": "v"}, "ByKind": map[string]any{"ALPHA": "BETA"},
		"Nested":    map[string]any{"Effect": "ALPHA", "Name": "x"},
		"Inline":    map[string]any{"Effect": ""},
		"isRenamed": "r",
	}
	for name, got := range map[string]map[string]any{"value": ToDocument(in), "pointer": ToDocument(&in)} {
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n got %#v\nwant %#v", name, got, want)
		}
	}

	t.Run("case=nil-and-non-structs-are-empty", func(t *testing.T) {
		var nilThing *thing
		for _, in := range []any{nil, nilThing, "string", 3, []thing{}} {
			if got := ToDocument(in); got == nil || len(got) != 0 {
				t.Errorf("ToDocument(%#v) = %#v", in, got)
			}
		}
	})
	t.Run("case=zero-time-is-absent", func(t *testing.T) {
		var zero time.Time
		got := ToDocument(thing{Seen: &zero})
		if _, ok := got["When"]; ok {
			t.Errorf("a zero time value is present: %v", got["When"])
		}
		if _, ok := got["Seen"]; ok {
			t.Errorf("a pointer to a zero time is present: %v", got["Seen"])
		}
	})
	t.Run("case=bind-roundtrip", func(t *testing.T) {
		var back thing
		if err := Bind(ToDocument(in), &back); err != nil {
			t.Fatal(err)
		}
		want := in
		want.Skipped, want.private = "", ""
		if !reflect.DeepEqual(back, want) {
			t.Fatalf("roundtrip:\n got %+v\nwant %+v", back, want)
		}
	})
}
