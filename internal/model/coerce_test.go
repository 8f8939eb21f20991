package model

import (
	"math"
	"reflect"
	"testing"
	"time"
)

func TestCoercions(t *testing.T) {
	type named string
	type flag bool
	type level int8
	when := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	var nilTime *time.Time
	str, n32 := "s", int32(7)

	t.Run("method=Deref", func(t *testing.T) {
		for _, tc := range []struct {
			name     string
			in, want any
		}{
			{"canonical-string", "s", "s"},
			{"canonical-list", []any{"a"}, []any{"a"}},
			{"pointer", &str, "s"},
			{"pointer-to-pointer", func() any { p := &str; return &p }(), "s"},
			{"int32-pointer", &n32, int32(7)},
			{"time-pointer-kept", &when, &when},
			{"nil-pointer-kept", nilTime, nilTime},
			{"nil", nil, nil},
			{"named", named("x"), named("x")},
		} {
			t.Run("case="+tc.name, func(t *testing.T) {
				if got := Deref(tc.in); !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("Deref(%#v) = %#v, want %#v", tc.in, got, tc.want)
				}
			})
		}
	})

	type result struct {
		v  any
		ok bool
	}
	check := func(t *testing.T, what string, in any, got, want result) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s(%#v) = %v, %v; want %v, %v", what, in, got.v, got.ok, want.v, want.ok)
		}
	}

	t.Run("method=AsString", func(t *testing.T) {
		for in, want := range map[any]result{
			"s": {"s", true}, named("n"): {"n", true}, "": {"", true},
			int64(1): {"", false}, true: {"", false}, nil: {"", false},
		} {
			v, ok := AsString(in)
			check(t, "AsString", in, result{v, ok}, want)
		}
		if v, ok := AsString(&str); ok || v != "" {
			t.Errorf("AsString(*string) = %q, %v: pointers are not strings", v, ok)
		}
	})
	t.Run("method=AsBool", func(t *testing.T) {
		for in, want := range map[any]result{
			true: {true, true}, false: {false, true}, flag(true): {true, true},
			"true": {false, false}, int64(1): {false, false}, nil: {false, false},
		} {
			v, ok := AsBool(in)
			check(t, "AsBool", in, result{v, ok}, want)
		}
	})
	t.Run("method=AsInt", func(t *testing.T) {
		for in, want := range map[any]result{
			int64(-5): {int64(-5), true}, 5: {int64(5), true}, int32(-7): {int64(-7), true}, level(3): {int64(3), true},
			uint8(200): {int64(200), true}, uint64(math.MaxInt64): {int64(math.MaxInt64), true},
			3.0: {int64(3), true}, -2.0: {int64(-2), true},
			// Not whole, or out of range: not an integer.
			2.5:                       {int64(0), false},
			1e19:                      {int64(0), false},
			math.Inf(1):               {int64(0), false},
			uint64(math.MaxInt64 + 1): {int64(0), false},
			"5":                       {int64(0), false}, true: {int64(0), false}, nil: {int64(0), false},
		} {
			v, ok := AsInt(in)
			check(t, "AsInt", in, result{v, ok}, want)
		}
		if v, ok := AsInt(math.NaN()); ok {
			t.Errorf("AsInt(NaN) = %d, true", v)
		}
	})
	t.Run("method=AsFloat", func(t *testing.T) {
		for in, want := range map[any]result{
			1.5: {1.5, true}, int64(2): {2.0, true}, float32(0.25): {0.25, true}, 3: {3.0, true}, uint16(4): {4.0, true}, level(-1): {-1.0, true},
			"1.5": {0.0, false}, true: {0.0, false}, nil: {0.0, false},
		} {
			v, ok := AsFloat(in)
			check(t, "AsFloat", in, result{v, ok}, want)
		}
	})
	t.Run("method=AsTime", func(t *testing.T) {
		for _, tc := range []struct {
			in   any
			want result
		}{
			{when, result{when, true}},
			{&when, result{when, true}},
			{nilTime, result{time.Time{}, false}},
			{"2024-01-02T03:04:05Z", result{time.Time{}, false}},
			{int64(0), result{time.Time{}, false}},
			{nil, result{time.Time{}, false}},
		} {
			v, ok := AsTime(tc.in)
			check(t, "AsTime", tc.in, result{v, ok}, tc.want)
		}
	})
	t.Run("method=AsList", func(t *testing.T) {
		for _, tc := range []struct {
			in   any
			want result
		}{
			{[]any{"a", int64(1)}, result{[]any{"a", int64(1)}, true}},
			{[]string{"a", "b"}, result{[]any{"a", "b"}, true}},
			{[]named{"n"}, result{[]any{named("n")}, true}},
			{[]int32{}, result{[]any{}, true}},
			{[]byte("ab"), result{[]any(nil), false}}, // a blob, not a list
			{"ab", result{[]any(nil), false}},
			{map[string]any{}, result{[]any(nil), false}},
			{nil, result{[]any(nil), false}},
		} {
			v, ok := AsList(tc.in)
			check(t, "AsList", tc.in, result{v, ok}, tc.want)
		}
	})
	t.Run("method=AsMap", func(t *testing.T) {
		for _, tc := range []struct {
			in   any
			want result
		}{
			{map[string]any{"a": 1}, result{map[string]any{"a": 1}, true}},
			{map[string]string{"a": "b"}, result{map[string]any{"a": "b"}, true}},
			{map[named]int{"n": 1}, result{map[string]any{"n": 1}, true}},
			{map[int]string{1: "a"}, result{map[string]any(nil), false}}, // keys must be strings
			{[]any{}, result{map[string]any(nil), false}},
			{nil, result{map[string]any(nil), false}},
		} {
			v, ok := AsMap(tc.in)
			check(t, "AsMap", tc.in, result{v, ok}, tc.want)
		}
	})
}
