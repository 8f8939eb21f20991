package main

import (
	"strings"

	"github.com/mailgate/mailgate/internal/model"
)

// errors writes one type per modeled error, implementing
// apierror.APIError, with its constructor and wire code, and
// ModeledError, which builds one by shape name.
func (g *gen) errors(names []string) {
	var shapes []string
	for _, n := range names {
		sh := g.svc.Shapes[n]
		if !sh.Exception {
			continue
		}
		shapes = append(shapes, n)
		tn := typeName(n)
		sender := sh.Error == nil || sh.Error.SenderFault || sh.ErrorStatus() < 500
		g.p("// %s is the modeled %s error (HTTP %d).", tn, sh.ErrorCode(), sh.ErrorStatus())
		extra := errorMembers(sh)
		if len(extra) == 0 {
			g.p("type %s struct{ Message string }", tn)
			g.p("")
		} else {
			g.errorStruct(sh, extra)
			g.p("// ErrorShape is the model shape of %s: the awsJson codec writes its", tn)
			g.p("// members other than the message next to __type and message.")
			g.p("func (e *%s) ErrorShape() *model.Shape { return Model().Shapes[%q] }", tn, n)
			g.p("")
		}
		g.p("// New%s returns the modeled %s error.", tn, sh.ErrorCode())
		g.p("func New%s(format string, args ...any) *%s {", tn, tn)
		g.p("\treturn &%s{Message: apierror.Message(format, args...)}", tn)
		g.p("}")
		g.p("")
		g.p("func (e *%s) Error() string        { return Code%s + \": \" + e.Message }", tn, tn)
		g.p("func (e *%s) ErrorCode() string    { return Code%s }", tn, tn)
		g.p("func (e *%s) ErrorMessage() string { return e.Message }", tn)
		g.p("func (e *%s) HTTPStatus() int      { return %d }", tn, sh.ErrorStatus())
		g.p("func (e *%s) SenderFault() bool    { return %v }", tn, sender)
		g.p("")
		g.p("// Code%s is the wire code of %s.", tn, n)
		g.p("const Code%s = %q", tn, sh.ErrorCode())
		g.p("")
	}
	g.p("// ModeledError builds the modeled error of the named exception shape;")
	g.p("// nil for a shape that is not one.")
	g.p("func ModeledError(shape, message string) apierror.APIError {")
	g.p("\tswitch shape {")
	for _, n := range shapes {
		g.p("\tcase %q:", n)
		g.p("\t\treturn &%s{Message: message}", typeName(n))
	}
	g.p("\t}")
	g.p("\treturn nil")
	g.p("}")
	g.p("")
}

// errorMembers are the members of an exception shape besides its message.
func errorMembers(sh *model.Shape) []string {
	var out []string
	for _, mn := range sh.Order {
		if !strings.EqualFold(mn, "message") {
			out = append(out, mn)
		}
	}
	return out
}

// errorStruct writes the type of an error whose shape has members besides
// the message: a typed field for each, and a With<Member> method that sets
// it and returns the error, so a handler writes
// New<Error>(msg).With<Member>(v).
func (g *gen) errorStruct(sh *model.Shape, extra []string) {
	tn := typeName(sh.Name)
	g.p("type %s struct {", tn)
	g.p("\tMessage string")
	for _, mn := range extra {
		g.p("\t%s %s", model.GoName(mn), g.fieldType(sh.Members[mn].Shape, sh.Required[mn]))
	}
	g.p("}")
	g.p("")
	for _, mn := range extra {
		fn := model.GoName(mn)
		ft := g.fieldType(sh.Members[mn].Shape, sh.Required[mn])
		g.p("// With%s sets %s and returns the error.", fn, mn)
		if vt, ok := strings.CutPrefix(ft, "*"); ok {
			g.p("func (e *%s) With%s(v %s) *%s { e.%s = &v; return e }", tn, fn, vt, tn, fn)
		} else {
			g.p("func (e *%s) With%s(v %s) *%s { e.%s = v; return e }", tn, fn, ft, tn, fn)
		}
		g.p("")
	}
}

// handlerInterface writes API, the service's handlers, and Unimplemented.
func (g *gen) handlerInterface() {
	svc := g.svc
	g.p("// API is implemented by the %s service. An operation whose resource", svc.Name)
	g.p("// the model does not name well enough also has a hook the service may")
	g.p("// implement, <Operation>Target (see Operations).")
	g.p("type API interface {")
	for _, on := range svc.OperationNames {
		g.p("\t%s", g.signature(svc.Operations[on]))
	}
	g.p("}")
	g.p("")
	g.p("// Unimplemented answers every operation with NotImplemented; embed it")
	g.p("// in a service so that operations it does not serve yet still compile.")
	g.p("type Unimplemented struct{}")
	g.p("")
	for _, on := range svc.OperationNames {
		op := svc.Operations[on]
		g.p("func (Unimplemented) %s {", g.signature(op))
		if op.Output != nil {
			g.p("\treturn nil, apierror.NotImplemented(%q)", on)
		} else {
			g.p("\treturn apierror.NotImplemented(%q)", on)
		}
		g.p("}")
		g.p("")
	}
}

// targets writes AuthzTarget for every input shape: the Ref of the
// member that identifies the resource and the condition keys the input
// sets (targets.go).
func (g *gen) targets(names []string) {
	inputs := map[string]bool{}
	for _, op := range g.svc.Operations {
		if op.Input != nil {
			inputs[op.Input.Name] = true
		}
	}
	for _, n := range names {
		if !inputs[n] {
			continue
		}
		sh := g.svc.Shapes[n]
		g.p("// AuthzTarget is what a %s acts on and the condition keys it sets.", typeName(n))
		g.p("func (x *%s) AuthzTarget() *api.Target {", typeName(n))
		g.p("\tt := &api.Target{}")
		g.ref(sh)
		g.keys(sh)
		g.p("\treturn t")
		g.p("}")
		g.p("")
	}
}

// ref writes the Ref of the first identifying member sh has.
func (g *gen) ref(sh *model.Shape) {
	for _, id := range identifiers[g.svc.Name] {
		if sh.Members[id.member] == nil {
			continue
		}
		g.p("\tref := api.Ref{Kind: %q}", id.kind)
		g.assignString("ref.Name", sh, id.member, "x")
		if pm := sh.Members[pathMember]; pm != nil && pm.Shape.Type == model.TypeString {
			g.p("\tref.New = true")
			g.assignString("ref.Path", sh, pathMember, "x")
		}
		g.p("\tt.Refs = []api.Ref{ref}")
		return
	}
}

// keys writes the condition keys of sh's members.
func (g *gen) keys(sh *model.Shape) {
	if m := sh.Members["Tags"]; m != nil && m.Shape.Type == model.TypeList && m.Shape.Member.Shape.Type == model.TypeStructure {
		tag := m.Shape.Member.Shape
		g.p("\tif len(x.Tags) > 0 {")
		g.p("\t\tkeys := make([]string, 0, len(x.Tags))")
		g.p("\t\tfor i := range x.Tags {")
		g.p("\t\t\ttag := &x.Tags[i]")
		g.p("\t\t\tvar k, v string")
		g.assignString("k", tag, "Key", "tag")
		g.assignString("v", tag, "Value", "tag")
		g.p("\t\t\tif k != \"\" {")
		g.p("\t\t\t\tt.SetKey(\"aws:RequestTag/\"+k, v)")
		g.p("\t\t\t\tkeys = append(keys, k)")
		g.p("\t\t\t}")
		g.p("\t\t}")
		g.p("\t\tt.SetKey(\"aws:TagKeys\", keys...)")
		g.p("\t}")
	}
	if m := sh.Members["TagKeys"]; m != nil && m.Shape.Type == model.TypeList {
		g.p("\tif x.TagKeys != nil {")
		g.p("\t\tt.SetKey(\"aws:TagKeys\", %s...)", g.stringList(m.Shape, "x.TagKeys"))
		g.p("\t}")
	}
	for _, ck := range conditionKeys[g.svc.Name] {
		m := sh.Members[ck.member]
		if m == nil {
			continue
		}
		field := "x." + model.GoName(ck.member)
		if m.Shape.Type == model.TypeList {
			g.p("\tif %s != nil {", field)
			g.p("\t\tt.SetKey(%q, %s...)", ck.key, g.stringList(m.Shape, field))
			g.p("\t}")
			continue
		}
		if sh.Required[ck.member] {
			g.p("\tt.SetKey(%q, %s)", ck.key, scalarString(m.Shape, field))
			continue
		}
		g.p("\tif %s != nil {", field)
		g.p("\t\tt.SetKey(%q, %s)", ck.key, scalarString(m.Shape, "*"+field))
		g.p("\t}")
	}
}

// assignString writes dst = the string value of a scalar member of recv,
// leaving dst as it is when an optional member is absent.
func (g *gen) assignString(dst string, sh *model.Shape, member, recv string) {
	field := recv + "." + model.GoName(member)
	if sh.Required[member] {
		g.p("\t%s = %s", dst, scalarString(sh.Members[member].Shape, field))
		return
	}
	g.p("\tif %s != nil {", field)
	g.p("\t\t%s = %s", dst, scalarString(sh.Members[member].Shape, "*"+field))
	g.p("\t}")
}

// scalarString converts a scalar field expression to a string.
func scalarString(sh *model.Shape, expr string) string {
	switch sh.Type {
	case model.TypeInteger:
		return "strconv.Itoa(int(" + expr + "))"
	case model.TypeLong:
		return "strconv.FormatInt(" + expr + ", 10)"
	case model.TypeBoolean:
		return "strconv.FormatBool(" + expr + ")"
	}
	if len(sh.Enum) > 0 {
		return "string(" + expr + ")"
	}
	return expr
}

// stringList is a list of strings from a list-of-string field.
func (g *gen) stringList(list *model.Shape, expr string) string {
	if len(list.Member.Shape.Enum) > 0 {
		panic("condition key from a list of enums: " + list.Name)
	}
	return expr
}

// operations writes Operations: the frame the server runs each call in.
func (g *gen) operations() {
	svc := g.svc
	g.p("// Operations binds the service's handlers into the frame the server")
	g.p("// runs: for each operation, bind the validated document to the typed")
	g.p("// input once, name its target for authorization (the service's")
	g.p("// <Operation>Target hook where it has one, else the input's")
	g.p("// AuthzTarget), and call the handler with the same input.")
	g.p("func Operations(svc API) map[string]*api.Operation {")
	g.p("\treturn map[string]*api.Operation{")
	for _, on := range svc.OperationNames {
		g.operation(svc.Operations[on])
	}
	g.p("\t}")
	g.p("}")
	g.p("")
}

func (g *gen) operation(op *model.Operation) {
	on := op.Name
	g.p("\t\t%q: {", on)
	g.p("\t\t\tName: %q,", on)
	in, arg := "", "ctx"
	if op.Input != nil {
		in = typeName(op.Input.Name)
		g.p("\t\t\tBind: func(doc map[string]any) (any, error) {")
		g.p("\t\t\t\tx := new(%s)", in)
		g.p("\t\t\t\tif err := model.Bind(doc, x); err != nil {")
		g.p("\t\t\t\t\treturn nil, err")
		g.p("\t\t\t\t}")
		g.p("\t\t\t\treturn x, nil")
		g.p("\t\t\t},")
		arg = "ctx, in.(*" + in + ")"
	} else {
		g.p("\t\t\tBind: func(map[string]any) (any, error) { return nil, nil },")
	}
	hookParams := "context.Context, *reqctx.Request"
	hookArgs := "ctx, req"
	if in != "" {
		hookParams += ", *" + in
		hookArgs += ", in.(*" + in + ")"
	}
	g.p("\t\t\tTarget: func(ctx context.Context, req *reqctx.Request, in any) (*api.Target, error) {")
	g.p("\t\t\t\tif h, ok := svc.(interface {")
	g.p("\t\t\t\t\t%sTarget(%s) (*api.Target, error)", on, hookParams)
	g.p("\t\t\t\t}); ok {")
	g.p("\t\t\t\t\treturn h.%sTarget(%s)", on, hookArgs)
	g.p("\t\t\t\t}")
	if in != "" {
		g.p("\t\t\t\treturn in.(*%s).AuthzTarget(), nil", in)
	} else {
		g.p("\t\t\t\treturn &api.Target{}, nil")
	}
	g.p("\t\t\t},")
	g.p("\t\t\tCall: func(ctx context.Context, in any) (any, error) {")
	if op.Output != nil {
		g.p("\t\t\t\tout, err := svc.%s(%s)", on, arg)
		g.p("\t\t\t\tif err != nil {")
		g.p("\t\t\t\t\treturn nil, err")
		g.p("\t\t\t\t}")
		g.p("\t\t\t\treturn out, nil")
	} else {
		g.p("\t\t\t\treturn nil, svc.%s(%s)", on, arg)
	}
	g.p("\t\t\t},")
	g.p("\t\t},")
}
