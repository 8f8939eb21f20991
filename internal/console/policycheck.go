package console

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/mailgate/mailgate/internal/policy"
)

// The policy check behind the editors' checking as you type: the grammar
// IAM applies to the document before it writes it, and the message IAM
// answers MalformedPolicyDocument with. Nothing is written; the
// operation that saves the document checks it again, as the API does.

func (h *Handler) routePolicyCheck() {
	h.mux.HandleFunc("POST "+Prefix+"policy/check", h.signedIn(h.checkPolicy))
}

// policyKinds are the documents the editors hold.
var policyKinds = map[string]policy.Kind{"identity": policy.Identity, "trust": policy.Trust}

func (h *Handler) checkPolicy(w http.ResponseWriter, r *http.Request, c *ctx) {
	kind, ok := policyKinds[r.PostFormValue("kind")]
	if !ok {
		http.Error(w, "kind must be identity or trust", http.StatusBadRequest)
		return
	}
	answer := map[string]string{"message": ""}
	if _, err := policy.Parse(r.PostFormValue("document"), kind); err != nil {
		var pe *policy.Error
		if !errors.As(err, &pe) {
			h.log.Error("console: checking a policy", "error", err)
			http.Error(w, "The document could not be checked.", http.StatusInternalServerError)
			return
		}
		answer["message"] = pe.Message
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(answer)
}
