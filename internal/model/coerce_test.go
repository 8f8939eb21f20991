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

	t.Run("method=AsString", func(t *testing.T) {
		checkAs(t, AsString,
			yes("s", "s"), yes(named("n"), "n"), yes("", ""),
			no(int64(1)), no(true), no(nil), no(&str)) // pointers are not strings
	})
	t.Run("method=AsBool", func(t *testing.T) {
		checkAs(t, AsBool,
			yes(true, true), yes(false, false), yes(flag(true), true),
			no("true"), no(int64(1)), no(nil))
	})
	t.Run("method=AsInt", func(t *testing.T) {
		checkAs(t, AsInt,
			yes(int64(-5), int64(-5)), yes(5, int64(5)), yes(int32(-7), int64(-7)), yes(level(3), int64(3)),
			yes(uint8(200), int64(200)), yes(uint64(math.MaxInt64), int64(math.MaxInt64)),
			yes(3.0, int64(3)), yes(-2.0, int64(-2)),
			// Not whole, or out of range: not an integer.
			no(2.5), no(1e19), no(math.Inf(1)), no(math.NaN()), no(uint64(math.MaxInt64+1)),
			no("5"), no(true), no(nil))
	})
	t.Run("method=AsFloat", func(t *testing.T) {
		checkAs(t, AsFloat,
			yes(1.5, 1.5), yes(int64(2), 2.0), yes(float32(0.25), 0.25), yes(3, 3.0), yes(uint16(4), 4.0), yes(level(-1), -1.0),
			no("1.5"), no(true), no(nil))
	})
	t.Run("method=AsTime", func(t *testing.T) {
		checkAs(t, AsTime,
			yes(when, when), yes(&when, when),
			no(nilTime), no("2024-01-02T03:04:05Z"), no(int64(0)), no(nil))
	})
	t.Run("method=AsList", func(t *testing.T) {
		checkAs(t, AsList,
			yes([]any{"a", int64(1)}, []any{"a", int64(1)}),
			yes([]string{"a", "b"}, []any{"a", "b"}),
			yes([]named{"n"}, []any{named("n")}),
			yes([]int32{}, []any{}),
			no([]byte("ab")), // a blob, not a list
			no("ab"), no(map[string]any{}), no(nil))
	})
	t.Run("method=AsMap", func(t *testing.T) {
		checkAs(t, AsMap,
			yes(map[string]any{"a": 1}, map[string]any{"a": 1}),
			yes(map[string]string{"a": "b"}, map[string]any{"a": "b"}),
			yes(map[named]int{"n": 1}, map[string]any{"n": 1}),
			no(map[int]string{1: "a"}), // keys must be strings
			no([]any{}), no(nil))
	})
}

// asCase is an input of an As* coercion and what it must give.
type asCase struct {
	in, want any
	ok       bool
}

func yes(in, want any) asCase { return asCase{in, want, true} }

func no(in any) asCase { return asCase{in: in} }

// checkAs runs the cases through f; a refused input gives T's zero value.
func checkAs[T any](t *testing.T, f func(any) (T, bool), cases ...asCase) {
	t.Helper()
	for _, c := range cases {
		got, ok := f(c.in)
		var want T
		if c.want != nil {
			want = c.want.(T)
		}
		if ok != c.ok || !reflect.DeepEqual(got, want) {
			t.Errorf("(%#v) = %#v, %v; want %#v, %v", c.in, got, ok, want, c.ok)
		}
	}
}
