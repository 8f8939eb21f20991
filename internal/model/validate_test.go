package model

import (
	"errors"
	"strings"
	"testing"
)

// valid is a PutThing input that breaks no constraint; cases change one
// member of a copy.
func valid() map[string]any {
	return map[string]any{
		"Name": "abc", "Kind": "ALPHA", "Count": int64(5), "Ratio": 1.0, "Secret": "pw",
		"Tags": []any{"ab"}, "Labels": map[string]any{"ab": "BETA"},
		"Rules": []any{map[string]any{"Effect": "ALPHA", "Name": "xy"}}, "Data": []byte("1234"), "Enabled": true,
	}
}

func with(k string, v any) map[string]any {
	d := valid()
	if v == nil {
		delete(d, k)
	} else {
		d[k] = v
	}
	return d
}

func TestValidate(t *testing.T) {
	in := input(t)
	for _, tc := range []struct {
		name string
		doc  map[string]any
		want string // the error's message; "" for none
	}{
		{"ok", valid(), ""},
		{"ok-only-required", map[string]any{"Name": "ab", "Kind": "BETA"}, ""},
		{"ok-null-optional-member", with("Count", nil), ""},
		{"ok-explicit-nil-optional", map[string]any{"Name": "ab", "Kind": "BETA", "Count": nil}, ""},

		// Required.
		{"required-missing", with("Name", nil),
			"1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"},
		{"required-nil", map[string]any{"Name": nil, "Kind": "ALPHA"},
			"1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"},
		{"required-all-missing-in-model-order", map[string]any{},
			"2 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'kind' failed to satisfy constraint: Member must not be null"},

		// String length, in characters (not bytes), and pattern.
		{"length-too-short", with("Name", "a"),
			"1 validation error detected: Value 'a' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"length-too-long", with("Name", "abcdef"),
			"1 validation error detected: Value 'abcdef' at 'name' failed to satisfy constraint: Member must have length less than or equal to 5"},
		{"length-counts-characters", with("Name", "ééééé"), ""},
		{"pattern", with("Name", "AB"),
			"1 validation error detected: Value 'AB' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zé]+"},
		{"pattern-is-anchored", with("Name", "ab1"),
			"1 validation error detected: Value 'ab1' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zé]+"},
		{"length-and-pattern", with("Name", "ABCDEF"),
			"2 validation errors detected: Value 'ABCDEF' at 'name' failed to satisfy constraint: Member must have length less than or equal to 5; " +
				"Value 'ABCDEF' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zé]+"},

		// Enum.
		{"enum", with("Kind", "alpha"),
			"1 validation error detected: Value 'alpha' at 'kind' failed to satisfy constraint: Member must satisfy enum value set: [ALPHA, BETA]"},

		// Numeric ranges, integers and doubles.
		{"range-below-min", with("Count", int64(0)),
			"1 validation error detected: Value '0' at 'count' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"range-above-max", with("Count", int64(11)),
			"1 validation error detected: Value '11' at 'count' failed to satisfy constraint: Member must have value less than or equal to 10"},
		{"range-float-for-integer", with("Count", 10.5),
			"1 validation error detected: Value '10.5' at 'count' failed to satisfy constraint: Member must have value less than or equal to 10"},
		{"range-bounds-included", with("Count", int64(10)), ""},
		{"range-fractional-min", with("Ratio", 0.25),
			"1 validation error detected: Value '0.25' at 'ratio' failed to satisfy constraint: Member must have value greater than or equal to 0.5"},
		{"range-fractional-max", with("Ratio", int64(2)),
			"1 validation error detected: Value '2' at 'ratio' failed to satisfy constraint: Member must have value less than or equal to 1.5"},

		// Sensitive values are never shown.
		{"sensitive", with("Secret", "hunter2"),
			"1 validation error detected: Value at 'secret' failed to satisfy constraint: Member must have length less than or equal to 3"},

		// List size, then each element under <list>.<n>.member.
		{"list-too-short", with("Tags", []any{}),
			"1 validation error detected: Value '[]' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"list-too-long", with("Tags", []any{"ab", "cd", "ef"}),
			"1 validation error detected: Value '[ab, cd, ef]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 2"},
		{"list-element", with("Tags", []any{"ab", "X"}),
			"2 validation errors detected: Value 'X' at 'tags.2.member' failed to satisfy constraint: Member must have length greater than or equal to 2; " +
				"Value 'X' at 'tags.2.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zé]+"},
		{"list-nil-element-skipped", with("Tags", []any{nil}), ""},
		{"list-of-structures", with("Rules", []any{map[string]any{"Effect": "ALPHA"}, map[string]any{"Name": "xy"}, map[string]any{"Effect": "GAMMA"}}),
			"2 validation errors detected: Value null at 'rules.2.member.effect' failed to satisfy constraint: Member must not be null; " +
				"Value 'GAMMA' at 'rules.3.member.effect' failed to satisfy constraint: Member must satisfy enum value set: [ALPHA, BETA]"},

		// Map size, then keys (<map>.key) and values (<map>.<key>.value), by key.
		{"map-too-long", with("Labels", map[string]any{"ab": "ALPHA", "cd": "ALPHA", "ef": "BETA"}),
			"1 validation error detected: Value 'map of 3 entries' at 'labels' failed to satisfy constraint: Member must have length less than or equal to 2"},
		{"map-keys-and-values", with("Labels", map[string]any{"zz": "nope", "A": "ALPHA"}),
			"3 validation errors detected: Value 'A' at 'labels.key' failed to satisfy constraint: Member must have length greater than or equal to 2; " +
				"Value 'A' at 'labels.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zé]+; " +
				"Value 'nope' at 'labels.zz.value' failed to satisfy constraint: Member must satisfy enum value set: [ALPHA, BETA]"},
		{"map-nil-value-skipped", with("Labels", map[string]any{"ab": nil}), ""},

		// Blob length in bytes.
		{"blob-too-long", with("Data", []byte("12345")),
			"1 validation error detected: Value '[49 50 51 52 53]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 4"},

		// Several members: in model order.
		{"several-in-model-order", map[string]any{"Tags": []any{}, "Kind": "x", "Count": int64(0)},
			"4 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; " +
				"Value 'x' at 'kind' failed to satisfy constraint: Member must satisfy enum value set: [ALPHA, BETA]; " +
				"Value '0' at 'count' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
				"Value '[]' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1"},
	} {
		t.Run("case="+tc.name, func(t *testing.T) {
			err := Validate(in, tc.doc)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("want no error, got %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want a *ValidationError, got %T %v", err, err)
			}
			if err.Error() != tc.want {
				t.Fatalf("message:\n got %s\nwant %s", err, tc.want)
			}
			if n := strings.Count(tc.want, "failed to satisfy constraint"); len(ve.Violations) != n {
				t.Fatalf("%d violations, want %d", len(ve.Violations), n)
			}
		})
	}
}

func TestValidateViolations(t *testing.T) {
	err := Validate(input(t), map[string]any{"Name": "A", "Secret": "hunter2"})
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Violations) != 4 {
		t.Fatalf("%v", err)
	}
	// The violations carry what the message is made of.
	want := []Violation{
		{Path: "name", Value: "A", Constraint: "Member must have length greater than or equal to 2"},
		{Path: "name", Value: "A", Constraint: "Member must satisfy regular expression pattern: [a-zé]+"},
		{Path: "kind", Constraint: "Member must not be null"},
		{Path: "secret", Value: "hunter2", Sensitive: true, Constraint: "Member must have length less than or equal to 3"},
	}
	for i, w := range want {
		if ve.Violations[i] != w {
			t.Errorf("violation %d: %+v, want %+v", i, ve.Violations[i], w)
		}
	}
}

func TestValidateNilShape(t *testing.T) {
	if err := Validate(nil, map[string]any{"anything": 1}); err != nil {
		t.Fatalf("an operation without input: %v", err)
	}
}

// TestValidateEmbedded: the same messages from a real model (IAM
// CreateRole), as AWS words them.
func TestValidateEmbedded(t *testing.T) {
	in := Get("iam").Operations["CreateRole"].Input
	for _, tc := range []struct {
		name string
		doc  map[string]any
		want string
	}{
		{"required", map[string]any{},
			"2 validation errors detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null"},
		{"pattern-and-range", map[string]any{"RoleName": "bad name", "AssumeRolePolicyDocument": "{}", "MaxSessionDuration": int64(43201)},
			"2 validation errors detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; " +
				"Value '43201' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200"},
		{"nested-list-of-structures", map[string]any{"RoleName": "r", "AssumeRolePolicyDocument": "{}", "Tags": []any{map[string]any{"Key": "k"}}},
			"1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null"},
		{"ok", map[string]any{"RoleName": "r", "AssumeRolePolicyDocument": "{}", "Path": "/a/", "Tags": []any{map[string]any{"Key": "k", "Value": ""}}}, ""},
	} {
		t.Run("case="+tc.name, func(t *testing.T) {
			err := Validate(in, tc.doc)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Fatalf("message:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}
