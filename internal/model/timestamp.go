package model

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Timestamps are kept between the years 0001 and 9999, the range ISO 8601
// can spell and every SDK can parse.
// Both codecs read timestamps with these.
const (
	MinEpoch = -62135596800
	MaxEpoch = 253402300799
)

// ParseEpochSeconds reads epoch seconds exactly from their decimal text, so that
// fractional seconds survive without float rounding.
func ParseEpochSeconds(s string) (time.Time, bool) {
	if strings.ContainsAny(s, "eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || f < MinEpoch || f >= MaxEpoch+1 {
			return time.Time{}, false
		}
		sec := math.Floor(f)
		ns := math.Round((f - sec) * 1e9)
		return time.Unix(int64(sec), int64(ns)).UTC(), true
	}
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	ip, fp, _ := strings.Cut(s, ".")
	if ip == "" || len(ip) > 12 || !allDigits(ip) || !allDigits(fp) {
		return time.Time{}, false
	}
	sec, _ := strconv.ParseInt(ip, 10, 64)
	var ns int64
	for i := 0; i < 9; i++ {
		ns *= 10
		if i < len(fp) {
			ns += int64(fp[i] - '0')
		}
	}
	if neg {
		sec = -sec
		if ns > 0 {
			sec--
			ns = 1e9 - ns
		}
	}
	if sec < MinEpoch || sec > MaxEpoch {
		return time.Time{}, false
	}
	return time.Unix(sec, ns).UTC(), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseTimestamp accepts ISO 8601 date-times (RFC 3339, with or
// without fractional seconds; a missing zone means UTC) and, leniently,
// epoch seconds written as a string.
func ParseTimestamp(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			if u := t.Unix(); u < MinEpoch || u > MaxEpoch {
				return time.Time{}, false
			}
			return t.UTC(), true
		}
	}
	if s != "" && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) {
		return ParseEpochSeconds(s)
	}
	return time.Time{}, false
}
