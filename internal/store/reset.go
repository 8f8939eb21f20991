package store

import "context"

// Wiper is implemented by stores that can delete all of their state at
// once: the test mode's reset. Wipe deletes every row of every table
// (every account, organization, role, key, token and setting), leaving
// only the schema; it joins the transaction in ctx, so a caller can wipe
// and re-create its bootstrap state in one atomic step.
type Wiper interface {
	Wipe(ctx context.Context) error
}
