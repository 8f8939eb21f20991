package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mailgate/mailgate/internal/store"
)

// defaultPageLimit applies when a Page asks for no limit.
const defaultPageLimit = 100

func pageLimit(p store.Page) int {
	if p.Limit <= 0 {
		return defaultPageLimit
	}
	return p.Limit
}

type scanner interface{ Scan(dest ...any) error }

// nullIfEmpty maps "" to NULL for the nullable unique-key columns.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func count(ctx context.Context, c conn, query string, args ...any) (int, error) {
	var n int
	err := c.QueryRow(ctx, query, args...).Scan(&n)
	return n, err
}

// ---- organizations ----

const orgCols = `id, account_id, region, alias, state, directory_id, directory_type, default_domain, kms_key_arn, interop, client_token, request_hash, delete_token, created_at, completed_at, deleted_at`

func scanOrg(r scanner) (*store.Organization, error) {
	var o store.Organization
	var token sql.NullString
	var created, completed, deleted int64
	if err := r.Scan(&o.ID, &o.AccountID, &o.Region, &o.Alias, &o.State, &o.DirectoryID, &o.DirectoryType,
		&o.DefaultMailDomain, &o.KMSKeyARN, &o.InteroperabilityEnabled, &token, &o.RequestHash, &o.DeleteToken,
		&created, &completed, &deleted); err != nil {
		return nil, notFound(err)
	}
	o.ClientToken = token.String
	o.CreatedAt, o.CompletedAt, o.DeletedAt = fromNanos(created), fromNanos(completed), fromNanos(deleted)
	return &o, nil
}

func getOrg(ctx context.Context, c conn, id string) (*store.Organization, error) {
	return scanOrg(c.QueryRow(ctx, `SELECT `+orgCols+` FROM workmail_organizations WHERE id = ?`, id))
}

// liveOrg loads an organization that writes may change.
func liveOrg(ctx context.Context, c conn, id string) (*store.Organization, error) {
	o, err := getOrg(ctx, c, id)
	if err != nil {
		return nil, fmt.Errorf("organization %s: %w", id, err)
	}
	if o.State == store.OrganizationDeleted {
		return nil, fmt.Errorf("organization %s: %w", id, store.ErrOrganizationDeleted)
	}
	return o, nil
}

func (db *DB) CreateOrganization(ctx context.Context, o store.Organization, domains []store.MailDomain, maxLive int) (*store.Organization, bool, error) {
	if o.State == "" {
		o.State = store.OrganizationActive
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = time.Now()
	}
	o.DefaultMailDomain = strings.ToLower(o.DefaultMailDomain)
	var out *store.Organization
	var replayed bool
	err := db.write(ctx, func(c conn) error {
		out, replayed = nil, false
		prev, err := byClientToken(ctx, c, scanOrg, o.ClientToken, `SELECT `+orgCols+` FROM workmail_organizations WHERE account_id = ? AND region = ? AND client_token = ?`,
			o.AccountID, o.Region, o.ClientToken)
		if err != nil || prev != nil {
			out, replayed = prev, prev != nil
			return err
		}
		if err := idFree(ctx, c, "organization "+o.ID, `SELECT COUNT(*) FROM workmail_organizations WHERE id = ?`, o.ID); err != nil {
			return err
		}
		n, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_organizations WHERE account_id = ? AND region = ? AND alias_key = ?`,
			o.AccountID, o.Region, strings.ToLower(o.Alias))
		if err != nil {
			return err
		}
		if n > 0 {
			return &store.ConflictError{Key: store.KeyAlias, Value: o.Alias}
		}
		if o.DirectoryID != "" {
			n, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_organizations WHERE account_id = ? AND region = ? AND directory_key = ?`,
				o.AccountID, o.Region, o.DirectoryID)
			if err != nil {
				return err
			}
			if n > 0 {
				return &store.ConflictError{Key: store.KeyDirectory, Value: o.DirectoryID}
			}
		}
		if maxLive > 0 {
			n, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_organizations WHERE account_id = ? AND region = ? AND state <> ?`,
				o.AccountID, o.Region, store.OrganizationDeleted)
			if err != nil {
				return err
			}
			if n >= maxLive {
				return store.ErrLimitExceeded
			}
		}
		aliasKey := any(strings.ToLower(o.Alias))
		dirKey := nullIfEmpty(o.DirectoryID)
		if o.State == store.OrganizationDeleted {
			aliasKey, dirKey = nil, nil
		}
		_, err = c.Exec(ctx, `INSERT INTO workmail_organizations (`+orgCols+`, alias_key, directory_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.AccountID, o.Region, o.Alias, o.State, o.DirectoryID, o.DirectoryType, o.DefaultMailDomain, o.KMSKeyARN,
			o.InteroperabilityEnabled, nullIfEmpty(o.ClientToken), o.RequestHash, o.DeleteToken,
			toNanos(o.CreatedAt), toNanos(o.CompletedAt), toNanos(o.DeletedAt), aliasKey, dirKey)
		if err != nil {
			return db.raced(err)
		}
		for _, d := range domains {
			d.OrgID = o.ID
			if err := db.insertDomain(ctx, c, o, d); err != nil {
				return err
			}
		}
		cp := o
		out = &cp
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, replayed, nil
}

func (db *DB) GetOrganization(ctx context.Context, id string) (*store.Organization, error) {
	return getOrg(ctx, db.reader(ctx), id)
}

func (db *DB) ListOrganizations(ctx context.Context, accountID, region string, deletedSince time.Time, p store.Page) ([]store.Organization, error) {
	q := `SELECT ` + orgCols + ` FROM workmail_organizations WHERE account_id = ? AND region = ? AND id > ?`
	args := []any{accountID, region, p.After}
	if !deletedSince.IsZero() {
		q += ` AND (state <> ? OR deleted_at >= ?)`
		args = append(args, store.OrganizationDeleted, toNanos(deletedSince))
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, pageLimit(p))
	return queryAll(ctx, db.reader(ctx), scanOrg, q, args...)
}

func (db *DB) UpdateOrganization(ctx context.Context, id string, fn func(*store.Organization) error) (*store.Organization, error) {
	var out *store.Organization
	err := db.write(ctx, func(c conn) error {
		cur, err := liveOrg(ctx, c, id)
		if err != nil {
			return err
		}
		n := *cur
		if err := fn(&n); err != nil {
			return err
		}
		res := *cur
		res.DefaultMailDomain = strings.ToLower(n.DefaultMailDomain)
		res.KMSKeyARN = n.KMSKeyARN
		res.InteroperabilityEnabled = n.InteroperabilityEnabled
		if res.DefaultMailDomain != cur.DefaultMailDomain {
			k, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_mail_domains WHERE org_id = ? AND name = ?`, id, res.DefaultMailDomain)
			if err != nil {
				return err
			}
			if k == 0 {
				return fmt.Errorf("default domain %s: %w", res.DefaultMailDomain, store.ErrNoMailDomain)
			}
		}
		if _, err := c.Exec(ctx, `UPDATE workmail_organizations SET default_domain = ?, kms_key_arn = ?, interop = ? WHERE id = ?`,
			res.DefaultMailDomain, res.KMSKeyARN, res.InteroperabilityEnabled, id); err != nil {
			return err
		}
		out = &res
		return nil
	})
	return out, err
}

func (db *DB) DeleteOrganization(ctx context.Context, id string, at time.Time, fn func(o *store.Organization, enabledUsers int) error) (*store.Organization, error) {
	if at.IsZero() {
		at = time.Now()
	}
	var out *store.Organization
	err := db.write(ctx, func(c conn) error {
		cur, err := getOrg(ctx, c, id)
		if err != nil {
			return err
		}
		enabled, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_entities WHERE org_id = ? AND type = ? AND state = ?`,
			id, store.EntityUser, store.EntityEnabled)
		if err != nil {
			return err
		}
		n := *cur
		if err := fn(&n, enabled); err != nil {
			return err
		}
		if cur.State == store.OrganizationDeleted {
			out = cur // nothing left to delete
			return nil
		}
		for _, q := range []string{
			`DELETE FROM workmail_addresses WHERE org_id = ?`,
			`DELETE FROM workmail_group_members WHERE org_id = ?`,
			`DELETE FROM workmail_tags WHERE org_id = ?`,
			`DELETE FROM workmail_mail_domains WHERE org_id = ?`,
		} {
			if _, err := c.Exec(ctx, q, id); err != nil {
				return err
			}
		}
		if _, err := c.Exec(ctx, `UPDATE workmail_entities SET state = ?, name_key = NULL, email = '', email_lower = '', password_hash = '', deleted_at = ? WHERE org_id = ? AND state <> ?`,
			store.EntityDeleted, toNanos(at), id, store.EntityDeleted); err != nil {
			return err
		}
		if _, err := c.Exec(ctx, `UPDATE workmail_organizations SET state = ?, alias_key = NULL, directory_key = NULL, delete_token = ?, deleted_at = ? WHERE id = ?`,
			store.OrganizationDeleted, n.DeleteToken, toNanos(at), id); err != nil {
			return err
		}
		res := *cur
		res.State, res.DeleteToken, res.DeletedAt = store.OrganizationDeleted, n.DeleteToken, fromNanos(toNanos(at))
		out = &res
		return nil
	})
	return out, err
}

// ---- entities ----

// entityAttrs is the JSON of the attributes column.
type entityAttrs struct {
	FirstName  string `json:"firstName,omitempty"`
	LastName   string `json:"lastName,omitempty"`
	Initials   string `json:"initials,omitempty"`
	Telephone  string `json:"telephone,omitempty"`
	Street     string `json:"street,omitempty"`
	JobTitle   string `json:"jobTitle,omitempty"`
	City       string `json:"city,omitempty"`
	Company    string `json:"company,omitempty"`
	ZipCode    string `json:"zipCode,omitempty"`
	Department string `json:"department,omitempty"`
	Country    string `json:"country,omitempty"`
	Office     string `json:"office,omitempty"`

	ResourceType string `json:"resourceType,omitempty"`
	Description  string `json:"description,omitempty"`
}

func entityCols(prefix string) string {
	cols := []string{"org_id", "id", "type", "name", "state", "email", "display_name", "role", "hidden", "idp_user_id", "idp_store_id",
		"attributes", "password_hash", "created_at", "enabled_at", "disabled_at", "mailbox_provisioned_at", "mailbox_deprovisioned_at", "deleted_at"}
	for i := range cols {
		cols[i] = prefix + cols[i]
	}
	return strings.Join(cols, ", ")
}

var eCols, eColsJoined = entityCols(""), entityCols("e.")

func scanEntity(r scanner) (*store.Entity, error) {
	var e store.Entity
	var attrs string
	var created, enabled, disabled, provisioned, deprovisioned, deleted int64
	if err := r.Scan(&e.OrgID, &e.ID, &e.Type, &e.Name, &e.State, &e.Email, &e.DisplayName, &e.Role, &e.Hidden,
		&e.IdentityProviderUserID, &e.IdentityProviderIdentityStoreID, &attrs, &e.PasswordHash,
		&created, &enabled, &disabled, &provisioned, &deprovisioned, &deleted); err != nil {
		return nil, notFound(err)
	}
	var a entityAttrs
	if attrs != "" {
		if err := json.Unmarshal([]byte(attrs), &a); err != nil {
			return nil, fmt.Errorf("entity %s: attributes: %w", e.ID, err)
		}
	}
	e.FirstName, e.LastName, e.Initials, e.Telephone = a.FirstName, a.LastName, a.Initials, a.Telephone
	e.Street, e.JobTitle, e.City, e.Company = a.Street, a.JobTitle, a.City, a.Company
	e.ZipCode, e.Department, e.Country, e.Office = a.ZipCode, a.Department, a.Country, a.Office
	e.ResourceType, e.Description = a.ResourceType, a.Description
	e.CreatedAt, e.EnabledAt, e.DisabledAt = fromNanos(created), fromNanos(enabled), fromNanos(disabled)
	e.MailboxProvisionedAt, e.MailboxDeprovisionedAt, e.DeletedAt = fromNanos(provisioned), fromNanos(deprovisioned), fromNanos(deleted)
	return &e, nil
}

func entityAttrsJSON(e *store.Entity) string {
	b, _ := json.Marshal(entityAttrs{
		FirstName: e.FirstName, LastName: e.LastName, Initials: e.Initials, Telephone: e.Telephone,
		Street: e.Street, JobTitle: e.JobTitle, City: e.City, Company: e.Company,
		ZipCode: e.ZipCode, Department: e.Department, Country: e.Country, Office: e.Office,
		ResourceType: e.ResourceType, Description: e.Description,
	})
	return string(b)
}

// withAliases fills e.Aliases.
func withAliases(ctx context.Context, c conn, e *store.Entity, err error) (*store.Entity, error) {
	if err != nil {
		return nil, err
	}
	rows, err := c.Query(ctx, `SELECT address FROM workmail_addresses WHERE org_id = ? AND entity_id = ? AND is_primary = ? ORDER BY address_key`,
		e.OrgID, e.ID, false)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	e.Aliases = nil
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		e.Aliases = append(e.Aliases, a)
	}
	// The database orders by its collation; Aliases are in lowercase byte
	// order, which ListAliases pages by.
	sort.Slice(e.Aliases, func(i, j int) bool { return strings.ToLower(e.Aliases[i]) < strings.ToLower(e.Aliases[j]) })
	return e, rows.Err()
}

func getEntity(ctx context.Context, c conn, orgID, id string) (*store.Entity, error) {
	e, err := scanEntity(c.QueryRow(ctx, `SELECT `+eCols+` FROM workmail_entities WHERE org_id = ? AND id = ?`, orgID, id))
	return withAliases(ctx, c, e, err)
}

func (db *DB) GetEntity(ctx context.Context, orgID, id string) (*store.Entity, error) {
	return getEntity(ctx, db.reader(ctx), orgID, id)
}

func (db *DB) GetEntityByName(ctx context.Context, orgID, name string) (*store.Entity, error) {
	c := db.reader(ctx)
	e, err := scanEntity(c.QueryRow(ctx, `SELECT `+eCols+` FROM workmail_entities WHERE org_id = ? AND name_key = ?`, orgID, strings.ToLower(name)))
	return withAliases(ctx, c, e, err)
}

func (db *DB) GetEntityByEmail(ctx context.Context, orgID, address string) (*store.Entity, error) {
	c := db.reader(ctx)
	e, err := scanEntity(c.QueryRow(ctx, `SELECT `+eColsJoined+` FROM workmail_addresses a JOIN workmail_entities e ON e.org_id = a.org_id AND e.id = a.entity_id WHERE a.org_id = ? AND a.address_key = ?`,
		orgID, strings.ToLower(address)))
	return withAliases(ctx, c, e, err)
}

func (db *DB) ResolveEntity(ctx context.Context, orgID, identifier string) (*store.Entity, error) {
	e, err := db.GetEntity(ctx, orgID, identifier)
	if lower := strings.ToLower(identifier); errors.Is(err, store.ErrNotFound) && lower != identifier {
		// Entity IDs are lowercase; identifiers are matched ignoring case.
		e, err = db.GetEntity(ctx, orgID, lower)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return e, err
	}
	if strings.Contains(identifier, "@") {
		e, err := db.GetEntityByEmail(ctx, orgID, identifier)
		if !errors.Is(err, store.ErrNotFound) {
			return e, err
		}
	}
	// Names may look like addresses ("jane@corp.example"), so fall back to them.
	return db.GetEntityByName(ctx, orgID, identifier)
}

// normalizeEntity applies the invariants documented on store.Entity.
func normalizeEntity(e *store.Entity, at time.Time) {
	if e.State != store.EntityEnabled {
		e.Email, e.Aliases = "", nil
	}
	if e.State == store.EntityDeleted {
		e.PasswordHash = ""
		if e.DeletedAt.IsZero() {
			e.DeletedAt = at
		}
	}
	sort.Slice(e.Aliases, func(i, j int) bool { return strings.ToLower(e.Aliases[i]) < strings.ToLower(e.Aliases[j]) })
}

func nameKey(e *store.Entity) any {
	if e.State == store.EntityDeleted {
		return nil
	}
	return strings.ToLower(e.Name)
}

// checkName refuses a live name that another entity of the organization holds.
func checkName(ctx context.Context, c conn, e *store.Entity) error {
	if e.State == store.EntityDeleted {
		return nil
	}
	n, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_entities WHERE org_id = ? AND name_key = ? AND id <> ?`,
		e.OrgID, strings.ToLower(e.Name), e.ID)
	if err != nil {
		return err
	}
	if n > 0 {
		return &store.ConflictError{Key: store.KeyName, Value: e.Name}
	}
	return nil
}

type wantAddr struct {
	address string
	primary bool
}

// syncAddresses makes the address rows of an entity match e.Email and
// e.Aliases.
func (db *DB) syncAddresses(ctx context.Context, c conn, e *store.Entity, at time.Time) error {
	want := map[string]wantAddr{}
	var order []string
	add := func(a string, primary bool) error {
		k := strings.ToLower(a)
		if _, dup := want[k]; dup {
			return &store.ConflictError{Key: store.KeyEmail, Value: a}
		}
		want[k] = wantAddr{a, primary}
		order = append(order, k)
		return nil
	}
	if e.Email != "" {
		if err := add(e.Email, true); err != nil {
			return err
		}
	}
	for _, a := range e.Aliases {
		if err := add(a, false); err != nil {
			return err
		}
	}
	rows, err := c.Query(ctx, `SELECT address_key FROM workmail_addresses WHERE org_id = ? AND entity_id = ?`, e.OrgID, e.ID)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return err
		}
		have[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for k := range have {
		if _, keep := want[k]; !keep {
			if _, err := c.Exec(ctx, `DELETE FROM workmail_addresses WHERE org_id = ? AND address_key = ?`, e.OrgID, k); err != nil {
				return err
			}
		}
	}
	for _, k := range order {
		w := want[k]
		if have[k] {
			if _, err := c.Exec(ctx, `UPDATE workmail_addresses SET address = ?, is_primary = ? WHERE org_id = ? AND address_key = ?`,
				w.address, w.primary, e.OrgID, k); err != nil {
				return err
			}
			continue
		}
		i := strings.LastIndexByte(k, '@')
		if i < 0 {
			return fmt.Errorf("address %s: %w", w.address, store.ErrNoMailDomain)
		}
		domain := k[i+1:]
		n, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_mail_domains WHERE org_id = ? AND name = ?`, e.OrgID, domain)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("address %s: %w", w.address, store.ErrNoMailDomain)
		}
		if n, err = count(ctx, c, `SELECT COUNT(*) FROM workmail_addresses WHERE org_id = ? AND address_key = ?`, e.OrgID, k); err != nil {
			return err
		}
		if n > 0 {
			return &store.ConflictError{Key: store.KeyEmail, Value: w.address}
		}
		if _, err := c.Exec(ctx, `INSERT INTO workmail_addresses (org_id, address_key, address, domain, entity_id, is_primary, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			e.OrgID, k, w.address, domain, e.ID, w.primary, toNanos(at)); err != nil {
			return db.raced(err)
		}
	}
	return nil
}

func (db *DB) CreateEntity(ctx context.Context, e store.Entity) error {
	now := time.Now()
	if e.CreatedAt.IsZero() {
		e.CreatedAt = now
	}
	normalizeEntity(&e, now)
	return db.write(ctx, func(c conn) error {
		if _, err := liveOrg(ctx, c, e.OrgID); err != nil {
			return err
		}
		if err := idFree(ctx, c, "entity "+e.ID, `SELECT COUNT(*) FROM workmail_entities WHERE org_id = ? AND id = ?`, e.OrgID, e.ID); err != nil {
			return err
		}
		if err := checkName(ctx, c, &e); err != nil {
			return err
		}
		_, err := c.Exec(ctx, `INSERT INTO workmail_entities (`+eCols+`, name_lower, name_key, email_lower, display_lower) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.OrgID, e.ID, e.Type, e.Name, e.State, e.Email, e.DisplayName, e.Role, e.Hidden, e.IdentityProviderUserID,
			e.IdentityProviderIdentityStoreID, entityAttrsJSON(&e), e.PasswordHash, toNanos(e.CreatedAt), toNanos(e.EnabledAt),
			toNanos(e.DisabledAt), toNanos(e.MailboxProvisionedAt), toNanos(e.MailboxDeprovisionedAt), toNanos(e.DeletedAt),
			strings.ToLower(e.Name), nameKey(&e), strings.ToLower(e.Email), strings.ToLower(e.DisplayName))
		if err != nil {
			return db.raced(err)
		}
		return db.syncAddresses(ctx, c, &e, now)
	})
}

func (db *DB) UpdateEntity(ctx context.Context, orgID, id string, fn func(*store.Entity) error) (*store.Entity, error) {
	var out *store.Entity
	err := db.write(ctx, func(c conn) error {
		if _, err := liveOrg(ctx, c, orgID); err != nil {
			return err
		}
		cur, err := getEntity(ctx, c, orgID, id)
		if err != nil {
			return err
		}
		n := *cur
		n.Aliases = append([]string(nil), cur.Aliases...)
		if err := fn(&n); err != nil {
			return err
		}
		now := time.Now()
		n.OrgID, n.ID, n.Type, n.CreatedAt = cur.OrgID, cur.ID, cur.Type, cur.CreatedAt
		normalizeEntity(&n, now)
		if err := checkName(ctx, c, &n); err != nil {
			return err
		}
		if n.State == store.EntityDeleted && cur.State != store.EntityDeleted {
			if _, err := c.Exec(ctx, `DELETE FROM workmail_group_members WHERE org_id = ? AND (group_id = ? OR member_id = ?)`, orgID, id, id); err != nil {
				return err
			}
		}
		// Addresses first: removing old ones frees keys the new set may reuse.
		if err := db.syncAddresses(ctx, c, &n, now); err != nil {
			return err
		}
		if _, err := c.Exec(ctx, `UPDATE workmail_entities SET name = ?, name_lower = ?, name_key = ?, state = ?, email = ?, email_lower = ?, display_name = ?, display_lower = ?, role = ?, hidden = ?, idp_user_id = ?, idp_store_id = ?, attributes = ?, password_hash = ?, enabled_at = ?, disabled_at = ?, mailbox_provisioned_at = ?, mailbox_deprovisioned_at = ?, deleted_at = ? WHERE org_id = ? AND id = ?`,
			n.Name, strings.ToLower(n.Name), nameKey(&n), n.State, n.Email, strings.ToLower(n.Email), n.DisplayName, strings.ToLower(n.DisplayName),
			n.Role, n.Hidden, n.IdentityProviderUserID, n.IdentityProviderIdentityStoreID, entityAttrsJSON(&n), n.PasswordHash,
			toNanos(n.EnabledAt), toNanos(n.DisabledAt), toNanos(n.MailboxProvisionedAt), toNanos(n.MailboxDeprovisionedAt), toNanos(n.DeletedAt),
			orgID, id); err != nil {
			return db.raced(err)
		}
		out = &n
		return nil
	})
	return out, err
}

// prefixCond appends "AND substr(col, 1, len) = prefix" for a non-empty
// prefix, compared on the lowercase column.
func prefixCond(q *string, args *[]any, col, prefix string) {
	if prefix == "" {
		return
	}
	p := strings.ToLower(prefix)
	*q += ` AND substr(` + col + `, 1, ?) = ?`
	*args = append(*args, utf8.RuneCountInString(p), p)
}

func (db *DB) ListEntities(ctx context.Context, orgID string, f store.EntityFilter, p store.Page) ([]store.Entity, error) {
	q := `SELECT ` + eCols + ` FROM workmail_entities WHERE org_id = ? AND id > ?`
	args := []any{orgID, p.After}
	if f.Type != "" {
		q += ` AND type = ?`
		args = append(args, f.Type)
	}
	if f.State != "" {
		q += ` AND state = ?`
		args = append(args, f.State)
	}
	prefixCond(&q, &args, "name_lower", f.NamePrefix)
	prefixCond(&q, &args, "display_lower", f.DisplayNamePrefix)
	prefixCond(&q, &args, "email_lower", f.EmailPrefix)
	prefixCond(&q, &args, "lower(idp_user_id)", f.IdentityProviderUserIDPrefix)
	if !f.DeletedSince.IsZero() {
		q += ` AND (state <> ? OR deleted_at >= ?)`
		args = append(args, store.EntityDeleted, toNanos(f.DeletedSince))
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, pageLimit(p))
	return queryAll(ctx, db.reader(ctx), scanEntity, q, args...)
}

// ---- group membership ----

func (db *DB) AddGroupMember(ctx context.Context, orgID, groupID, memberID string, at time.Time) error {
	if at.IsZero() {
		at = time.Now()
	}
	return db.write(ctx, func(c conn) error {
		if _, err := liveOrg(ctx, c, orgID); err != nil {
			return err
		}
		g, err := getEntity(ctx, c, orgID, groupID)
		if err != nil {
			return fmt.Errorf("group %s: %w", groupID, err)
		}
		if g.Type != store.EntityGroup || g.State == store.EntityDeleted {
			return fmt.Errorf("group %s: %w", groupID, store.ErrNotFound)
		}
		m, err := getEntity(ctx, c, orgID, memberID)
		if err != nil {
			return fmt.Errorf("member %s: %w", memberID, err)
		}
		if m.State == store.EntityDeleted {
			return fmt.Errorf("member %s: %w", memberID, store.ErrNotFound)
		}
		if groupID == memberID {
			return store.ErrMembershipCycle
		}
		n, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_group_members WHERE org_id = ? AND group_id = ? AND member_id = ?`, orgID, groupID, memberID)
		if err != nil || n > 0 {
			return err
		}
		if m.Type == store.EntityGroup {
			// A cycle appears when the group is already among the member's
			// (transitive) members.
			seen := map[string]bool{memberID: true}
			frontier := []string{memberID}
			for len(frontier) > 0 {
				next := frontier[0]
				frontier = frontier[1:]
				rows, err := c.Query(ctx, `SELECT m.member_id FROM workmail_group_members m JOIN workmail_entities e ON e.org_id = m.org_id AND e.id = m.member_id WHERE m.org_id = ? AND m.group_id = ? AND e.type = ?`,
					orgID, next, store.EntityGroup)
				if err != nil {
					return err
				}
				var subs []string
				for rows.Next() {
					var s string
					if err := rows.Scan(&s); err != nil {
						rows.Close()
						return err
					}
					subs = append(subs, s)
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return err
				}
				for _, s := range subs {
					if s == groupID {
						return store.ErrMembershipCycle
					}
					if !seen[s] {
						seen[s] = true
						frontier = append(frontier, s)
					}
				}
			}
		}
		_, err = c.Exec(ctx, `INSERT INTO workmail_group_members (org_id, group_id, member_id, created_at) VALUES (?, ?, ?, ?)`,
			orgID, groupID, memberID, toNanos(at))
		return db.raced(err)
	})
}

func (db *DB) RemoveGroupMember(ctx context.Context, orgID, groupID, memberID string) error {
	return db.write(ctx, func(c conn) error {
		res, err := c.Exec(ctx, `DELETE FROM workmail_group_members WHERE org_id = ? AND group_id = ? AND member_id = ?`, orgID, groupID, memberID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("membership of %s in %s: %w", memberID, groupID, store.ErrNotFound)
		}
		return nil
	})
}

func (db *DB) ListGroupMembers(ctx context.Context, orgID, groupID string, p store.Page) ([]store.Entity, error) {
	return queryAll(ctx, db.reader(ctx), scanEntity, `SELECT `+eColsJoined+` FROM workmail_group_members m JOIN workmail_entities e ON e.org_id = m.org_id AND e.id = m.member_id WHERE m.org_id = ? AND m.group_id = ? AND m.member_id > ? ORDER BY m.member_id LIMIT ?`,
		orgID, groupID, p.After, pageLimit(p))
}

func (db *DB) ListGroupsForEntity(ctx context.Context, orgID, entityID, namePrefix string, p store.Page) ([]store.Entity, error) {
	q := `SELECT ` + eColsJoined + ` FROM workmail_group_members m JOIN workmail_entities e ON e.org_id = m.org_id AND e.id = m.group_id WHERE m.org_id = ? AND m.member_id = ? AND m.group_id > ?`
	args := []any{orgID, entityID, p.After}
	prefixCond(&q, &args, "e.name_lower", namePrefix)
	q += ` ORDER BY m.group_id LIMIT ?`
	args = append(args, pageLimit(p))
	return queryAll(ctx, db.reader(ctx), scanEntity, q, args...)
}

// ---- mail domains ----

const domainCols = `org_id, name, account_id, region, is_test, hosted_zone_id, ownership_status, dkim_status, verification_token, client_token, created_at`

func scanDomain(r scanner) (*store.MailDomain, error) {
	var d store.MailDomain
	var created int64
	if err := r.Scan(&d.OrgID, &d.Name, &d.AccountID, &d.Region, &d.IsTest, &d.HostedZoneID, &d.OwnershipStatus,
		&d.DkimStatus, &d.VerificationToken, &d.ClientToken, &created); err != nil {
		return nil, notFound(err)
	}
	d.CreatedAt = fromNanos(created)
	return &d, nil
}

// insertDomain adds d under o after checking the account-wide uniqueness.
func (db *DB) insertDomain(ctx context.Context, c conn, o store.Organization, d store.MailDomain) error {
	d.Name = strings.ToLower(d.Name)
	if d.CreatedAt.IsZero() {
		d.CreatedAt = time.Now()
	}
	n, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_mail_domains WHERE account_id = ? AND region = ? AND name = ?`, o.AccountID, o.Region, d.Name)
	if err != nil {
		return err
	}
	if n > 0 {
		return &store.ConflictError{Key: store.KeyDomain, Value: d.Name}
	}
	_, err = c.Exec(ctx, `INSERT INTO workmail_mail_domains (`+domainCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, d.Name, o.AccountID, o.Region, d.IsTest, d.HostedZoneID, d.OwnershipStatus, d.DkimStatus, d.VerificationToken,
		d.ClientToken, toNanos(d.CreatedAt))
	return db.raced(err)
}

func (db *DB) AddMailDomain(ctx context.Context, d store.MailDomain, maxPerOrg int) error {
	return db.write(ctx, func(c conn) error {
		o, err := liveOrg(ctx, c, d.OrgID)
		if err != nil {
			return err
		}
		if maxPerOrg > 0 {
			n, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_mail_domains WHERE org_id = ?`, o.ID)
			if err != nil {
				return err
			}
			if n >= maxPerOrg {
				return store.ErrLimitExceeded
			}
		}
		return db.insertDomain(ctx, c, *o, d)
	})
}

func (db *DB) GetMailDomain(ctx context.Context, orgID, name string) (*store.MailDomain, error) {
	return scanDomain(db.reader(ctx).QueryRow(ctx, `SELECT `+domainCols+` FROM workmail_mail_domains WHERE org_id = ? AND name = ?`, orgID, strings.ToLower(name)))
}

func (db *DB) ListMailDomains(ctx context.Context, orgID string, p store.Page) ([]store.MailDomain, error) {
	return queryAll(ctx, db.reader(ctx), scanDomain, `SELECT `+domainCols+` FROM workmail_mail_domains WHERE org_id = ? AND name > ? ORDER BY name LIMIT ?`,
		orgID, p.After, pageLimit(p))
}

func (db *DB) DeleteMailDomain(ctx context.Context, orgID, name string) error {
	name = strings.ToLower(name)
	return db.write(ctx, func(c conn) error {
		o, err := liveOrg(ctx, c, orgID)
		if err != nil {
			return err
		}
		n, err := count(ctx, c, `SELECT COUNT(*) FROM workmail_mail_domains WHERE org_id = ? AND name = ?`, orgID, name)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("mail domain %s: %w", name, store.ErrNotFound)
		}
		if o.DefaultMailDomain == name {
			return fmt.Errorf("mail domain %s is the default domain: %w", name, store.ErrInUse)
		}
		if n, err = count(ctx, c, `SELECT COUNT(*) FROM workmail_addresses WHERE org_id = ? AND domain = ?`, orgID, name); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("mail domain %s has %d addresses: %w", name, n, store.ErrInUse)
		}
		_, err = c.Exec(ctx, `DELETE FROM workmail_mail_domains WHERE org_id = ? AND name = ?`, orgID, name)
		return err
	})
}

// ---- tags ----

func listTags(ctx context.Context, c conn, orgID string) ([]store.Tag, error) {
	return scanTags(c.Query(ctx, `SELECT tag_key, value FROM workmail_tags WHERE org_id = ? ORDER BY tag_key`, orgID))
}

// scanTags reads (key, value) rows.
func scanTags(rows *sql.Rows, err error) ([]store.Tag, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Tag
	for rows.Next() {
		var t store.Tag
		if err := rows.Scan(&t.Key, &t.Value); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func (db *DB) ListTags(ctx context.Context, orgID string) ([]store.Tag, error) {
	c := db.reader(ctx)
	if _, err := getOrg(ctx, c, orgID); err != nil {
		return nil, err
	}
	tags, err := listTags(ctx, c, orgID)
	// The database orders by its collation; callers get byte order.
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	return tags, err
}

func (db *DB) UpdateTags(ctx context.Context, orgID string, fn func(tags map[string]string) error) error {
	return db.write(ctx, func(c conn) error {
		if _, err := liveOrg(ctx, c, orgID); err != nil {
			return err
		}
		cur, err := listTags(ctx, c, orgID)
		if err != nil {
			return err
		}
		old := make(map[string]string, len(cur))
		m := make(map[string]string, len(cur))
		for _, t := range cur {
			old[t.Key], m[t.Key] = t.Value, t.Value
		}
		if err := fn(m); err != nil {
			return err
		}
		for k := range old {
			if _, keep := m[k]; !keep {
				if _, err := c.Exec(ctx, `DELETE FROM workmail_tags WHERE org_id = ? AND tag_key = ?`, orgID, k); err != nil {
					return err
				}
			}
		}
		for k, v := range m {
			if ov, ok := old[k]; ok && ov == v {
				continue
			}
			if _, err := c.Exec(ctx, `INSERT INTO workmail_tags (org_id, tag_key, value) VALUES (?, ?, ?) ON CONFLICT (org_id, tag_key) DO UPDATE SET value = excluded.value`,
				orgID, k, v); err != nil {
				return err
			}
		}
		return nil
	})
}
