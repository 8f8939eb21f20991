package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mailgate/mailgate/internal/audit"
	"github.com/mailgate/mailgate/internal/store"
)

// auditFlags configure the audit trail.
type auditFlags struct {
	retention retention
	log       string
}

func (a *auditFlags) register(fs *flag.FlagSet) {
	a.retention = retention(audit.DefaultRetention)
	fs.Var(&a.retention, "audit-retention", "how long audit records are kept (e.g. 90d, 720h); older ones are pruned in the background; 0 keeps them forever")
	fs.StringVar(&a.log, "audit-log", "", "also write each audit record, as one line of JSON (CloudTrail's record), to this file (appended to) or - for standard output")
}

// open starts the trail on st; the returned function closes the log.
func (a *auditFlags) open(st store.Audit, logger *slog.Logger) (*audit.Trail, func(), error) {
	var stream io.Writer
	closeLog := func() {}
	switch a.log {
	case "":
	case "-":
		stream = os.Stdout
	default:
		f, err := os.OpenFile(a.log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("--audit-log: %w", err)
		}
		stream, closeLog = f, func() { f.Close() }
	}
	keep := time.Duration(a.retention)
	if keep == 0 {
		keep = -1 // the trail's "forever"
	}
	return audit.New(audit.Options{Store: st, Stream: stream, Retention: keep, Logger: logger}), closeLog, nil
}

// retention is a duration that also takes days ("90d").
type retention time.Duration

func (r *retention) String() string {
	d := time.Duration(*r)
	if d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

func (r *retention) Set(s string) error {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseUint(days, 10, 32)
		if err != nil {
			return errors.New("want a number of days (90d) or a duration (720h)")
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil || d < 0 {
			return errors.New("want a number of days (90d) or a duration (720h)")
		}
	}
	*r = retention(d)
	return nil
}
