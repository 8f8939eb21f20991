package awsquery

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mailgate/mailgate/internal/apierror"
	"github.com/mailgate/mailgate/internal/model"
)

// maxXMLDepth bounds element nesting in a response the model descends into.
const maxXMLDepth = 64

// DecodeResponse parses an awsQuery response body for op into a document of
// its output shape: the members of the <{ResultWrapper}> element under the
// root, matched by the model. Elements the model does not know are skipped.
// An operation without output, or an empty body, is an empty document.
func DecodeResponse(op *model.Operation, body []byte) (map[string]any, error) {
	if op.Output == nil {
		return map[string]any{}, nil
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	_, err := rootElement(d)
	if err == io.EOF {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("awsquery: decode %s response: %w", op.Name, err)
	}
	r := &xmlReader{d: d}
	var doc map[string]any
	if op.ResultWrapper == "" {
		doc, err = r.structure(op.Output, 1)
	} else {
		doc, err = r.findResult(op)
	}
	if err != nil {
		return nil, fmt.Errorf("awsquery: decode %s response: %w", op.Name, err)
	}
	return doc, nil
}

// rootElement skips the prolog (declaration, comments, whitespace).
func rootElement(d *xml.Decoder) (xml.StartElement, error) {
	for {
		t, err := d.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		if se, ok := t.(xml.StartElement); ok {
			return se, nil
		}
	}
}

type xmlReader struct {
	d *xml.Decoder
}

func (r *xmlReader) findResult(op *model.Operation) (map[string]any, error) {
	// No result element (the Go SDK would fail here): an empty output is
	// the useful reading for the CLI.
	out := map[string]any{}
	err := r.children(func(t xml.StartElement) error {
		if t.Name.Local != op.ResultWrapper {
			return r.d.Skip()
		}
		var err error
		if out, err = r.structure(op.Output, 2); err != nil {
			return err
		}
		return errDone
	})
	if err != nil && err != errDone {
		return nil, err
	}
	return out, nil
}

// errDone stops children early, leaving the rest unread.
var errDone = errors.New("done")

// children calls child on each element opened directly inside the
// current one, until its end; child reads or skips the element.
func (r *xmlReader) children(child func(t xml.StartElement) error) error {
	for {
		t, err := r.d.Token()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if err := child(t); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// structure reads the children of the element just opened, up to its end.
func (r *xmlReader) structure(sh *model.Shape, depth int) (map[string]any, error) {
	out := map[string]any{}
	err := r.children(func(t xml.StartElement) error {
		mem := memberByWire(sh, t.Name.Local)
		if mem == nil {
			return r.d.Skip()
		}
		v, err := r.value(mem.Shape, depth+1)
		if err != nil {
			return within(err, model.LowerFirst(mem.Name))
		}
		out[mem.Name] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func memberByWire(sh *model.Shape, name string) *model.Member {
	if m := sh.Members[name]; m != nil && m.LocationName == "" {
		return m
	}
	for _, n := range sh.Order {
		if m := sh.Members[n]; m.WireName() == name {
			return m
		}
	}
	return nil
}

// value reads the element just opened as a value of sh.
func (r *xmlReader) value(sh *model.Shape, depth int) (any, error) {
	if depth > maxXMLDepth {
		return nil, &pathError{msg: fmt.Sprintf("nested deeper than %d elements", maxXMLDepth)}
	}
	switch sh.Type {
	case model.TypeStructure:
		return r.structure(sh, depth)
	case model.TypeList:
		// Any child element is an item; the SDKs do not check its name.
		out := []any{}
		err := r.children(func(xml.StartElement) error {
			v, err := r.value(sh.Member.Shape, depth+1)
			if err != nil {
				return within(err, "member."+strconv.Itoa(len(out)+1))
			}
			out = append(out, v)
			return nil
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	case model.TypeMap:
		out := map[string]any{}
		keyName, valueName := elemName(sh.Key, "key"), elemName(sh.Value, "value")
		err := r.children(func(xml.StartElement) error {
			k, v, err := r.entry(sh, keyName, valueName, depth+1)
			if v != nil {
				out[k] = v
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	}
	text, err := r.text()
	if err != nil {
		return nil, err
	}
	if sh.Type == model.TypeString {
		return text, nil
	}
	s := strings.TrimSpace(text)
	v, constraint := parseScalar(sh, s)
	if constraint != "" {
		return nil, &pathError{msg: fmt.Sprintf("%q: %s", truncate(s), constraint)}
	}
	return v, nil
}

// entry reads one <entry><key>k</key><value>v</value></entry>.
func (r *xmlReader) entry(sh *model.Shape, keyName, valueName string, depth int) (key string, val any, err error) {
	err = r.children(func(t xml.StartElement) error {
		var err error
		switch t.Name.Local {
		case keyName:
			key, err = r.text()
		case valueName:
			if val, err = r.value(sh.Value.Shape, depth+1); err != nil {
				err = within(err, "entry.value")
			}
		default:
			err = r.d.Skip()
		}
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return key, val, nil
}

// text reads the character data of a leaf element up to its end.
func (r *xmlReader) text() (string, error) {
	var sb strings.Builder
	for {
		t, err := r.d.Token()
		if err != nil {
			return "", err
		}
		switch t := t.(type) {
		case xml.CharData:
			sb.Write(t)
		case xml.StartElement:
			return "", &pathError{msg: "unexpected element <" + t.Name.Local + "> in a scalar value"}
		case xml.EndElement:
			return sb.String(), nil
		}
	}
}

// DecodeError reads an awsQuery error body, <ErrorResponse><Error>...
// (also a bare <Error> root). Type Sender/Receiver sets the fault; without
// it a 4xx status means sender. An unreadable body still yields the status.
func DecodeError(status int, body []byte) *apierror.Error {
	var r struct {
		Error struct {
			Type    string
			Code    string
			Message string
		}
		Type    string
		Code    string
		Message string
	}
	if err := xml.Unmarshal(body, &r); err == nil && r.Error.Code == "" && r.Code != "" {
		r.Error.Type, r.Error.Code, r.Error.Message = r.Type, r.Code, r.Message
	}
	e := &apierror.Error{Code: r.Error.Code, Message: r.Error.Message, Status: status}
	switch r.Error.Type {
	case "Sender":
		e.Sender = true
	case "Receiver":
	default:
		e.Sender = status >= 400 && status < 500
	}
	if e.Code == "" {
		e.Code = "UnknownError"
	}
	return e
}
