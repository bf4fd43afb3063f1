// Package topup holds the rules that keep money from being lost or doubled,
// in one place the rest of simdesk asks:
//
//   - Money: an exact amount in a currency's minor units, parsed from text
//     without floats, formatted and compared exactly (money.go);
//   - Outcome: the one typed set of what became of an attempt, with the rule
//     for "this attempt is settled" written once (outcome.go);
//   - Key: the one constructor of the duplicate guard's key, from a typed
//     line, an offer or an amount (key.go);
//   - Role and Action: the deny-by-default permission table (permit.go).
//
// It imports no other simdesk package, so that model, journal, engine,
// providers, present and the front ends can all depend on it.
package topup
