package storetest

import (
	"testing"

	"github.com/mailgate/mailgate/internal/store"
)

func testDirectory(t *testing.T, s store.Store) {
	defer s.Close()
}
