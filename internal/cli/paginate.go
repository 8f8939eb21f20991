package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/mailgate/mailgate/internal/model"
)

// Pagination follows botocore's PageIterator, which the AWS CLI drives: the
// model's paginator names the input and output tokens, the limit key and
// the result keys; every page is fetched unless --no-paginate (or a manual
// token) says otherwise; result lists are concatenated; --max-items stops
// early and leaves a NextToken that --starting-token resumes from (the same
// base64 JSON token botocore writes, with boto_truncate_amount when a page
// was cut).

type pagingArgs struct {
	startingToken string
	pageSize      int64
	pageSizeSet   bool
	maxItems      int64
	maxItemsSet   bool
	manual        bool
}

// nonAggregateKeys are the paginators' non_aggregate_keys: members kept
// from the first page in the merged result.
var nonAggregateKeys = map[string][]string{"iam.GetGroup": {"Group"}}

// pagedResult is what the formatters receive.
type pagedResult struct {
	paginated bool
	pages     []map[string]any
	single    map[string]any
	resume    string
	nonAgg    map[string]any
	keys      []string // result keys
}

// encodeToken writes the token as botocore's TokenEncoder does: Python's
// json.dumps (", " and ": " separators, ASCII only) of the input tokens in
// paginator order, then boto_truncate_amount, in base64.
func encodeToken(tok map[string]any, order []string) string {
	var b strings.Builder
	b.WriteByte('{')
	n := 0
	for _, k := range append(append([]string{}, order...), "boto_truncate_amount") {
		v, ok := tok[k]
		if !ok {
			continue
		}
		if n > 0 {
			b.WriteString(", ")
		}
		n++
		b.WriteString(pyJSONASCII(k) + ": ")
		switch t := v.(type) {
		case string:
			b.WriteString(pyJSONASCII(t))
		case nil:
			b.WriteString("null")
		default:
			j, _ := json.Marshal(t)
			b.Write(j)
		}
	}
	b.WriteByte('}')
	return base64.StdEncoding.EncodeToString([]byte(b.String()))
}

func pyJSONASCII(s string) string {
	var b bytes.Buffer
	appendJSONString(&b, s)
	var out strings.Builder
	for _, r := range b.String() {
		if r > 0x7e {
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(&out, `\u%04x\u%04x`, r1, r2)
			} else {
				fmt.Fprintf(&out, `\u%04x`, r)
			}
			continue
		}
		out.WriteRune(r)
	}
	return out.String()
}

func decodeToken(s string, inputTokens []string) (map[string]any, int64, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	var m map[string]any
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		// An older, plain token for a single input token.
		if len(inputTokens) == 1 {
			return map[string]any{inputTokens[0]: s}, 0, nil
		}
		return nil, 0, &usageError{plain: true, msg: fmt.Sprintf("Error during pagination: Unable to parse the starting token: %s", s)}
	}
	var trunc int64
	if t, ok := m["boto_truncate_amount"].(float64); ok {
		trunc = int64(t)
	}
	delete(m, "boto_truncate_amount")
	return m, trunc, nil
}

func (inv *invocation) paginates() bool {
	return inv.op.op.Paginator != nil && !inv.cl.globals.flag("no-paginate") && !inv.paging.manual
}

// call sends the request (all pages when the operation pages) and prints
// the result.
func (inv *invocation) call(ctx context.Context) error {
	c, err := newClient(ctx, inv)
	if err != nil {
		return err
	}
	if !inv.paginates() {
		out, err := c.do(ctx, inv.op.op, inv.input)
		if err != nil {
			return err
		}
		return inv.print(&pagedResult{single: out})
	}
	res, err := inv.fetchPages(ctx, c)
	if err != nil {
		return err
	}
	return inv.print(res)
}

// fetchPages sends the requests of a paging operation as botocore's
// paginator does, honouring --starting-token, --page-size and --max-items.
func (inv *invocation) fetchPages(ctx context.Context, c *client) (*pagedResult, error) {
	op := inv.op.op
	p := op.Paginator
	res := &pagedResult{paginated: true, keys: p.ResultKeys}
	kwargs, startTrunc, err := inv.firstRequest(p)
	if err != nil {
		return nil, err
	}
	primary := p.ResultKeys[0]
	var total int64
	var prev string
	for first := true; ; first = false {
		page, err := c.do(ctx, op, kwargs)
		if err != nil {
			return nil, err
		}
		if first {
			inv.firstPage(page, res, startTrunc)
		} else {
			startTrunc = 0
		}
		cur, _ := page[primary].([]any)
		n := int64(len(cur))
		next := nextPageInput(p, page)
		if inv.paging.maxItemsSet && total+n > inv.paging.maxItems {
			keep := inv.paging.maxItems - total
			page[primary] = cur[:keep]
			res.resume = truncatedToken(p, kwargs, keep+startTrunc)
			res.pages = append(res.pages, page)
			return res, nil
		}
		res.pages = append(res.pages, page)
		total += n
		if len(next) == 0 {
			return res, nil
		}
		if inv.paging.maxItemsSet && total == inv.paging.maxItems {
			res.resume = encodeToken(next, p.InputToken)
			return res, nil
		}
		enc := encodeToken(next, p.InputToken)
		if enc == prev {
			return nil, fmt.Errorf("Error during pagination: The same next token was received twice: %v", next)
		}
		prev = enc
		for k, v := range next {
			kwargs[k] = v
		}
	}
}

// firstRequest is the input of the first page: the command's, resumed at
// --starting-token and limited by --page-size. trunc is how many items of
// the first page the token says were printed already.
func (inv *invocation) firstRequest(p *model.Paginator) (kwargs map[string]any, trunc int64, err error) {
	kwargs = map[string]any{}
	for k, v := range inv.input {
		kwargs[k] = v
	}
	if inv.paging.startingToken != "" {
		tok, t, err := decodeToken(inv.paging.startingToken, p.InputToken)
		if err != nil {
			return nil, 0, err
		}
		for k, v := range tok {
			kwargs[k] = v
		}
		trunc = t
	}
	if inv.paging.pageSizeSet && p.LimitKey != "" {
		kwargs[p.LimitKey] = inv.paging.pageSize
	}
	return kwargs, trunc, nil
}

// firstPage drops the items the starting token had printed and keeps the
// first page's non-aggregate keys.
func (inv *invocation) firstPage(page map[string]any, res *pagedResult, startTrunc int64) {
	op := inv.op.op
	primary := op.Paginator.ResultKeys[0]
	if startTrunc > 0 {
		if l, ok := page[primary].([]any); ok && int64(len(l)) >= startTrunc {
			page[primary] = l[startTrunc:]
		}
	}
	res.nonAgg = map[string]any{}
	for _, k := range nonAggregateKeys[inv.svc.Name+"."+op.Name] {
		if v, ok := page[k]; ok {
			res.nonAgg[k] = v
		}
	}
}

// nextPageInput is the input tokens of the page after page (none when it
// was the last).
func nextPageInput(p *model.Paginator, page map[string]any) map[string]any {
	next := map[string]any{}
	for i, t := range p.OutputToken {
		if v, ok := page[t]; ok && v != nil && v != "" {
			next[p.InputToken[i]] = v
		}
	}
	if p.MoreResults != "" {
		if more, ok := page[p.MoreResults].(bool); ok && !more {
			return map[string]any{}
		}
	}
	return next
}

// truncatedToken resumes inside the page requested with kwargs, keep items
// in.
func truncatedToken(p *model.Paginator, kwargs map[string]any, keep int64) string {
	tok := map[string]any{}
	for _, t := range p.InputToken {
		tok[t] = kwargs[t]
	}
	tok["boto_truncate_amount"] = keep
	return encodeToken(tok, p.InputToken)
}

// full is botocore's build_full_result: result keys merged across pages,
// the non-aggregate keys of the first page, and the resume token.
func (r *pagedResult) full() map[string]any {
	if !r.paginated {
		return r.single
	}
	out := map[string]any{}
	for _, page := range r.pages {
		for _, k := range r.keys {
			v, ok := page[k]
			if !ok || v == nil {
				continue
			}
			ex, had := out[k]
			if !had {
				if l, isList := v.([]any); isList {
					v = append([]any{}, l...)
				}
				out[k] = v
				continue
			}
			switch t := v.(type) {
			case []any:
				if el, ok := ex.([]any); ok {
					out[k] = append(el, t...)
				}
			case int64:
				if e, ok := ex.(int64); ok {
					out[k] = e + t
				}
			case string:
				if e, ok := ex.(string); ok {
					out[k] = e + t
				}
			}
		}
	}
	for k, v := range r.nonAgg {
		out[k] = v
	}
	if r.resume != "" {
		out["NextToken"] = r.resume
	}
	return out
}
