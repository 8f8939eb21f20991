package model

import (
	"testing"
	"time"
)

// timestampCase is a text and the instant it reads as, or refused.
type timestampCase struct {
	in      string
	want    time.Time
	refused bool
}

func at(in string, want time.Time) timestampCase { return timestampCase{in: in, want: want} }

func refused(in string) timestampCase { return timestampCase{in: in, refused: true} }

func runTimestampCases(t *testing.T, parse func(string) (time.Time, bool), cases []timestampCase) {
	t.Helper()
	for _, tc := range cases {
		got, ok := parse(tc.in)
		if tc.refused {
			if ok {
				t.Errorf("%q: read as %v, want it refused", tc.in, got)
			}
			continue
		}
		if !ok || !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("%q: %v %v, want %v in UTC", tc.in, got, ok, tc.want)
		}
	}
}

func unix(sec, nsec int64) time.Time { return time.Unix(sec, nsec).UTC() }

func TestParseEpochSeconds(t *testing.T) {
	t.Run("case=whole-and-fractional", func(t *testing.T) {
		runTimestampCases(t, ParseEpochSeconds, []timestampCase{
			at("0", unix(0, 0)),
			at("1700000000", unix(1700000000, 0)),
			at("1700000000.5", unix(1700000000, 500000000)),
			at("1700000000.123456789", unix(1700000000, 123456789)),
			// Exact from the text: no float rounding, and digits past the
			// nanosecond are dropped.
			at("1700000000.000000001", unix(1700000000, 1)),
			at("1700000000.9999999999", unix(1700000000, 999999999)),
			at("1.", unix(1, 0)),
			at("007", unix(7, 0)),
		})
	})
	t.Run("case=negative", func(t *testing.T) {
		runTimestampCases(t, ParseEpochSeconds, []timestampCase{
			at("-1", unix(-1, 0)),
			at("-1.5", unix(-2, 500000000)),
			at("-0.000000001", unix(-1, 999999999)),
		})
	})
	t.Run("case=exponent", func(t *testing.T) {
		runTimestampCases(t, ParseEpochSeconds, []timestampCase{
			at("1e3", unix(1000, 0)),
			at("1.5E2", unix(150, 0)),
			at("1.7e9", unix(1700000000, 0)),
			at("2.5e-1", unix(0, 250000000)),
			at("-1.5e0", unix(-2, 500000000)),
			at("2.534023007995e11", time.Date(9999, 12, 31, 23, 59, 59, 500000000, time.UTC)),
			refused("2.534023008e11"), // 253402300800: the first second of the year 10000
			at("-6.21355968e10", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)),
			refused("-6.2135596801e10"),
			refused("1e20"),
			refused("-1e20"),
			refused("1e"),
			refused("NaNe"),
		})
	})
	t.Run("case=range", func(t *testing.T) {
		runTimestampCases(t, ParseEpochSeconds, []timestampCase{
			at("-62135596800", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)),
			at("253402300799", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)),
			at("253402300799.999999999", time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)),
			refused("-62135596801"),
			refused("253402300800"),
			refused("1234567890123"), // more than 12 digits
		})
	})
	t.Run("case=not-a-number", func(t *testing.T) {
		runTimestampCases(t, ParseEpochSeconds, []timestampCase{
			refused(""),
			refused("-"),
			refused(".5"),
			refused("+1"),
			refused("1.2.3"),
			refused("1a"),
			refused("1.a"),
			refused(" 1"),
			refused("--1"),
		})
	})
}

func TestParseTimestamp(t *testing.T) {
	d := func(y int, mo time.Month, day, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, day, h, mi, s, ns, time.UTC)
	}
	t.Run("case=iso-8601", func(t *testing.T) {
		runTimestampCases(t, ParseTimestamp, []timestampCase{
			at("2024-02-29T12:30:00Z", d(2024, 2, 29, 12, 30, 0, 0)),
			at("2024-02-29T12:30:00.5Z", d(2024, 2, 29, 12, 30, 0, 500000000)),
			at("2024-02-29T12:30:00.123456789Z", d(2024, 2, 29, 12, 30, 0, 123456789)),
			at("2024-02-29T14:30:00+02:00", d(2024, 2, 29, 12, 30, 0, 0)),
			at("2024-02-29T10:30:00.25-02:00", d(2024, 2, 29, 12, 30, 0, 250000000)),
			// No zone: UTC.
			at("2024-02-29T12:30:00", d(2024, 2, 29, 12, 30, 0, 0)),
			at("2024-02-29T12:30:00.75", d(2024, 2, 29, 12, 30, 0, 750000000)),
			// A zone without a colon.
			at("2024-02-29T14:30:00+0200", d(2024, 2, 29, 12, 30, 0, 0)),
			at("0001-01-01T00:00:00Z", d(1, 1, 1, 0, 0, 0, 0)),
			at("9999-12-31T23:59:59Z", d(9999, 12, 31, 23, 59, 59, 0)),
		})
	})
	t.Run("case=out-of-range", func(t *testing.T) {
		runTimestampCases(t, ParseTimestamp, []timestampCase{
			refused("0000-12-31T23:59:59Z"),
			refused("9999-12-31T23:59:59-01:00"), // year 10000 in UTC
			refused("0001-01-01T00:00:00+01:00"), // year 0 in UTC
		})
	})
	t.Run("case=epoch-seconds-as-text", func(t *testing.T) {
		runTimestampCases(t, ParseTimestamp, []timestampCase{
			at("1700000000", unix(1700000000, 0)),
			at("1700000000.25", unix(1700000000, 250000000)),
			at("-1.5", unix(-2, 500000000)),
			at("1e3", unix(1000, 0)),
		})
	})
	t.Run("case=refused", func(t *testing.T) {
		runTimestampCases(t, ParseTimestamp, []timestampCase{
			refused(""),
			refused("2024-02-30T00:00:00Z"),
			refused("2024-02-29"),
			refused("2024-02-29 12:30:00Z"),
			refused("Thu, 29 Feb 2024 12:30:00 GMT"),
			refused("tomorrow"),
			refused("12:30"),
		})
	})
}
