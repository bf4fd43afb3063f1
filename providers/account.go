package providers

import "simdesk/model"

// AccountRequirer is implemented by providers that, by their configuration,
// cannot look some lines up without a billing account (the cvp gateway
// for CWC postpaid markets). The console asks for the account and the
// headless lookup refuses (exit 2) before anything is sent, instead of
// sending a request the provider is known to refuse.
type AccountRequirer interface {
	NeedsAccount(id model.Identifier) bool
}
