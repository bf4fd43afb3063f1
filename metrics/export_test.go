package metrics

// Family is a reference family as the external tests read it.
type Family struct {
	Name, Help, Type string
	Labels           []string
}

// ReferenceFamilies are simdesk's families as they were declared to
// client_golang (reference_test.go).
func ReferenceFamilies() []Family {
	out := make([]Family, len(reference))
	for i, f := range reference {
		out[i] = Family{Name: f.name, Help: f.help, Type: f.typ, Labels: f.labels}
	}
	return out
}

// ParseText reads an exposition with Prometheus's own text parser.
var ParseText = parseText
