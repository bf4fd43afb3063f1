package cli

import (
	"strings"

	"simdesk/engine"
	"simdesk/model"
	"simdesk/providers"
)

// checkAccount refuses, before anything is sent, a lookup that a provider's
// configuration says cannot succeed without the billing account (CWC
// postpaid on the cvp gateway), and says how to give it.
func checkAccount(eng *engine.Engine, id model.Identifier, only string) error {
	var need []string
	for _, r := range eng.Registered() {
		if only != "" && r.Name() != only || !r.Provider.Accepts(id.Type) {
			continue
		}
		if ar, ok := r.Provider.(providers.AccountRequirer); ok && ar.NeedsAccount(id) {
			need = append(need, r.Name())
		}
	}
	if len(need) == 0 {
		return nil
	}
	return usageErr("%s needs the billing account of a CWC postpaid line: simdesk lookup %s@ACCOUNT (or --account ACCOUNT); nothing was sent",
		strings.Join(need, ", "), id.Value)
}
