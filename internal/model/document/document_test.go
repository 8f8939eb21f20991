package document

import (
	"encoding/json"
	"testing"
)

func TestValue(t *testing.T) {
	for _, c := range []struct{ in, json, kind string }{
		{` "a<b" `, `"a<b"`, "string"},
		{`12.000000000000000000001`, `12.000000000000000000001`, "number"},
		{`[ 1, {"x" : null} ]`, `[1,{"x":null}]`, "array"},
		{`{"b":1,"a":2}`, `{"b":1,"a":2}`, "object"},
		{`false`, `false`, "boolean"},
		{`null`, `null`, "null"},
	} {
		v, err := Raw([]byte(c.in))
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if string(v.JSON()) != c.json || v.Kind() != c.kind {
			t.Errorf("%s: got %s (%s)", c.in, v.JSON(), v.Kind())
		}
	}
	if _, err := Raw([]byte(`{"a":`)); err == nil {
		t.Error("broken JSON accepted")
	}
}

func TestValueInRecords(t *testing.T) {
	type rec struct {
		Ext map[string]Value
		P   *Value
	}
	in := rec{Ext: map[string]Value{"k": String("v")}}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `{"Ext":{"k":"v"},"P":null}` {
		t.Fatalf("got %s, %v", b, err)
	}
	var out rec
	if err := json.Unmarshal([]byte(`{"Ext":{"k":{"n":[1]}}}`), &out); err != nil {
		t.Fatal(err)
	}
	var x struct{ N []int }
	if err := out.Ext["k"].Decode(&x); err != nil || len(x.N) != 1 || x.N[0] != 1 {
		t.Fatalf("got %+v, %v", x, err)
	}
	if s, ok := String("é").AsString(); !ok || s != "é" {
		t.Fatalf("got %q", s)
	}
	if _, ok := (Value{}).AsString(); ok {
		t.Fatal("null is a string")
	}
}
