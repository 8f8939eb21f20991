package sqlstore

import (
	"encoding/json"
	"time"
)

// The time a session's caller proved an MFA device rides in the session's
// details document, beside its policies and tags, as "mfa_at" (Unix
// nanoseconds): no column, and so no migration, for a field most sessions
// leave empty.

// withMFA adds the MFA time to a details document (unchanged when zero).
func withMFA(details []byte, at time.Time) ([]byte, error) {
	if at.IsZero() {
		return details, nil
	}
	var d map[string]json.RawMessage
	if err := json.Unmarshal(details, &d); err != nil {
		return nil, err
	}
	v, err := json.Marshal(toNanos(at))
	if err != nil {
		return nil, err
	}
	d["mfa_at"] = v
	return json.Marshal(d)
}

// mfaOf reads the MFA time of a details document (zero when none).
func mfaOf(details string) (time.Time, error) {
	var d struct {
		At int64 `json:"mfa_at"`
	}
	if err := json.Unmarshal([]byte(details), &d); err != nil || d.At == 0 {
		return time.Time{}, err
	}
	return fromNanos(d.At), nil
}
