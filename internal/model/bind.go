package model

import (
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/mailgate/mailgate/internal/model/document"
)

// The generated structs name each field after its model member (the tag
// `aws:"Member"` where the Go name differs). Optional scalars are pointers,
// required ones values; structures are pointers in fields and values in
// lists and maps. Bind and ToDocument move between those structs and
// documents, so no per-operation code touches the wire.

type fieldInfo struct {
	member string
	index  int
}

var fieldCache sync.Map // reflect.Type -> []fieldInfo

func fieldsOf(t reflect.Type) []fieldInfo {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]fieldInfo)
	}
	var fs []fieldInfo
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Tag.Get("aws")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fs = append(fs, fieldInfo{member: name, index: i})
	}
	fieldCache.Store(t, fs)
	return fs
}

var (
	timeType     = reflect.TypeOf(time.Time{})
	documentType = reflect.TypeOf(document.Value{})
)

// Bind fills the struct pointed to by out from a validated document.
func Bind(doc map[string]any, out any) error {
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("model.Bind: want pointer to struct, got %T", out)
	}
	return bindStruct(doc, v.Elem())
}

func bindStruct(doc map[string]any, v reflect.Value) error {
	for _, f := range fieldsOf(v.Type()) {
		x, ok := doc[f.member]
		if !ok || x == nil {
			continue
		}
		if err := bindValue(x, v.Field(f.index)); err != nil {
			return fmt.Errorf("%s: %w", f.member, err)
		}
	}
	return nil
}

func bindValue(x any, v reflect.Value) error {
	if v.Kind() == reflect.Pointer {
		p := reflect.New(v.Type().Elem())
		if err := bindValue(x, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
		return nil
	}
	if v.Type() == documentType {
		d, err := documentOf(x)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(d))
		return nil
	}
	if v.Type() == timeType {
		t, ok := x.(time.Time)
		if !ok {
			return fmt.Errorf("want timestamp, got %T", x)
		}
		v.Set(reflect.ValueOf(t))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		s, ok := x.(string)
		if !ok {
			return fmt.Errorf("want string, got %T", x)
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := x.(bool)
		if !ok {
			return fmt.Errorf("want boolean, got %T", x)
		}
		v.SetBool(b)
	case reflect.Int32, reflect.Int64, reflect.Int, reflect.Float64, reflect.Float32:
		return bindNumber(x, v)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b, ok := x.([]byte)
			if !ok {
				return fmt.Errorf("want blob, got %T", x)
			}
			v.SetBytes(b)
			return nil
		}
		l, ok := x.([]any)
		if !ok {
			return fmt.Errorf("want list, got %T", x)
		}
		s := reflect.MakeSlice(v.Type(), len(l), len(l))
		for i, e := range l {
			if e == nil {
				continue
			}
			if err := bindValue(e, s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Map:
		m, ok := x.(map[string]any)
		if !ok {
			return fmt.Errorf("want map, got %T", x)
		}
		out := reflect.MakeMapWithSize(v.Type(), len(m))
		for k, e := range m {
			ev := reflect.New(v.Type().Elem()).Elem()
			if e != nil {
				if err := bindValue(e, ev); err != nil {
					return err
				}
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), ev)
		}
		v.Set(out)
	case reflect.Struct:
		m, ok := x.(map[string]any)
		if !ok {
			return fmt.Errorf("want structure, got %T", x)
		}
		return bindStruct(m, v)
	default:
		return fmt.Errorf("unsupported field kind %s", v.Kind())
	}
	return nil
}

// documentOf is the document.Value a document member holds: the codecs
// decode one; a hand-built document may hold any JSON-marshalable value.
func documentOf(x any) (document.Value, error) {
	if d, ok := x.(document.Value); ok {
		return d, nil
	}
	d, err := document.Of(x)
	if err != nil {
		return d, fmt.Errorf("want document, got %T: %w", x, err)
	}
	return d, nil
}

// bindNumber sets an integer or floating-point field from a document
// number, int64 or float64 (truncated for an integer field).
func bindNumber(x any, v reflect.Value) error {
	var i int64
	var f float64
	switch n := x.(type) {
	case int64:
		i, f = n, float64(n)
	case float64:
		i, f = int64(n), n
	default:
		if v.CanInt() {
			return fmt.Errorf("want integer, got %T", x)
		}
		return fmt.Errorf("want number, got %T", x)
	}
	if v.CanInt() {
		v.SetInt(i)
	} else {
		v.SetFloat(f)
	}
	return nil
}

// ToDocument turns a generated struct (or pointer to one) into a document.
// Nil pointers, slices and maps are absent members; values are present.
func ToDocument(in any) map[string]any {
	v := reflect.ValueOf(in)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return map[string]any{}
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return map[string]any{}
	}
	return structDoc(v)
}

func structDoc(v reflect.Value) map[string]any {
	fs := fieldsOf(v.Type())
	doc := make(map[string]any, len(fs))
	for _, f := range fs {
		if x, ok := valueDoc(v.Field(f.index)); ok {
			doc[f.member] = x
		}
	}
	return doc
}

func valueDoc(v reflect.Value) (any, bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, false
		}
		return valueDoc(v.Elem())
	case reflect.String:
		return v.String(), true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Int, reflect.Int32, reflect.Int64:
		return v.Int(), true
	case reflect.Float32, reflect.Float64:
		return v.Float(), true
	case reflect.Slice:
		if v.IsNil() {
			return nil, false
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return v.Bytes(), true
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i], _ = valueDoc(v.Index(i))
		}
		return out, true
	case reflect.Map:
		if v.IsNil() {
			return nil, false
		}
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			out[it.Key().String()], _ = valueDoc(it.Value())
		}
		return out, true
	case reflect.Struct:
		if v.Type() == documentType {
			return v.Interface(), true
		}
		if v.Type() == timeType {
			t := v.Interface().(time.Time)
			if t.IsZero() {
				return nil, false
			}
			return t, true
		}
		return structDoc(v), true
	}
	return nil, false
}
