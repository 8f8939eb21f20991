package store

// Kinds of account records of IAM's service last accessed data (in a
// block of their own, beside those of orgrecords.go).
const (
	// RecordServiceLastAccessed is an entity's last access to a service,
	// keyed "<entity ID>/<service namespace>".
	RecordServiceLastAccessed = "iam-service-last-accessed"
	// RecordLastAccessedJob is a report job, keyed by its ID.
	RecordLastAccessedJob = "iam-service-last-accessed-job"
)
