package ui

import (
	"time"

	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"simdesk/model"
	"simdesk/present"
)

// bucketDetail shows everything about one bucket: every period (past,
// current, next), every counter and threshold, and the raw attributes. A
// bucket holds few of each, so the content is built whole and scrolled.
type bucketDetail struct {
	line     *model.Line
	b        *model.Bucket
	provider string
	offset   int
	w, h     int
}

func newBucketDetail(line *model.Line, b *model.Bucket, provider string) *bucketDetail {
	return &bucketDetail{line: line, b: b, provider: provider}
}

func (d *bucketDetail) setSize(w, h int) { d.w, d.h = w, h }

// HandleKey scrolls the detail.
func (d *bucketDetail) HandleKey(msg tea.KeyPressMsg, c *common) bool {
	n := len(d.content(c, d.w))
	vh := viewHeight(n, d.h)
	maxOff := max(0, n-vh)
	k := c.keys.Nav
	switch {
	case key.Matches(msg, k.Up):
		d.offset--
	case key.Matches(msg, k.Down):
		d.offset++
	case key.Matches(msg, k.PageUp):
		d.offset -= vh
	case key.Matches(msg, k.PageDown):
		d.offset += vh
	case key.Matches(msg, k.Top):
		d.offset = 0
	case key.Matches(msg, k.Bottom):
		d.offset = maxOff
	default:
		return false
	}
	d.offset = min(max(0, d.offset), maxOff)
	return true
}

// periodLabel says where a period sits: relative to the period the
// provider marks current while that one has not ended, else by the clock
// (a report read after its current period ended must not call it
// CURRENT: it says "past (was current)").
func periodLabel(b *model.Bucket, i int, c *common) string {
	p := b.Periods[i]
	cur := b.CurrentPeriod()
	if cur >= 0 && !periodEnded(b.Periods[cur], c.now) {
		switch {
		case i == cur:
			return "CURRENT"
		case i < cur:
			return "past"
		}
		return "next"
	}
	switch {
	case periodEnded(p, c.now) && i == cur:
		return "past (was current)"
	case periodEnded(p, c.now):
		return "past"
	case !p.Start.IsZero() && p.Start.After(c.now):
		return "next"
	case cur >= 0 && !p.Start.IsZero() && !p.End.IsZero():
		return "CURRENT" // the clock's, as the provider's has ended
	}
	return ""
}

// periodEnded reports a period whose known end has passed.
func periodEnded(p model.Period, now time.Time) bool {
	return !p.End.IsZero() && !p.End.Far() && !p.End.After(now)
}

func span(a, b model.Time) string {
	return present.FormatValidTo(a, false) + " → " + present.FormatValidTo(b, false)
}

func (d *bucketDetail) content(c *common, w int) []string {
	out := d.summary(c, w)
	out = append(out, d.periods(c, w)...)
	out = append(out, d.counters(c, w)...)
	return append(out, d.attributes(c, w)...)
}

// summary is the bucket's name, what remains (with the provider's own
// value beside our reading) and its facts.
func (d *bucketDetail) summary(c *common, w int) []string {
	b, st := d.b, c.st
	name := b.Name
	if name == "" {
		name = b.ID
	}
	head := []string{st.Title.Render(name), string(b.Usage)}
	if b.UsageRaw != "" && !strings.EqualFold(b.UsageRaw, string(b.Usage)) {
		head = append(head, "("+b.UsageRaw+")")
	}
	head = append(head, present.MaskID(c.mask, d.line.Type, d.line.ID), d.provider)
	out := []string{present.Clip(strings.Join(head, " · "), w)}

	rem := "Remaining now " + present.FormatQuantity(b.Remaining)
	switch t := strings.TrimSpace(b.Remaining.Text); {
	case b.Remaining.NoLimit():
		// "unlimited" is our reading: show what the provider actually sent.
		rem += " (provider sent " + present.RawQuantity(b.Remaining) + ")"
	case t != "" && t != present.FormatQuantity(b.Remaining):
		rem += " (provider: " + t + ")"
	}
	if days := present.FormatDaysLeft(b, c.now); days != present.Dash {
		rem += " · days left " + days
	}
	out = append(out, wrap(rem, w)...) // the provider's raw value is never cut off
	var meta []string
	if !b.ValidFrom.IsZero() || !b.ValidTo.IsZero() {
		meta = append(meta, "valid "+span(b.ValidFrom, b.ValidTo))
	}
	if b.Status != "" {
		meta = append(meta, "status "+b.Status)
	}
	if b.Shared {
		meta = append(meta, "shared")
	}
	if b.ID != "" {
		meta = append(meta, "id "+b.ID)
	}
	if b.Plan != "" {
		meta = append(meta, "plan "+b.Plan)
	}
	if b.Description != "" {
		meta = append(meta, b.Description)
	}
	if len(meta) > 0 {
		out = append(out, st.Muted.Render(present.Clip(strings.Join(meta, " · "), w)))
	}
	return out
}

// periods lists the bucket's periods, the current one marked.
func (d *bucketDetail) periods(c *common, w int) []string {
	b, st := d.b, c.st
	var out []string
	out = append(out, "", st.ColumnHeader.Render("PERIODS"))
	if len(b.Periods) == 0 {
		out = append(out, st.Muted.Render("  none reported"))
	}
	for i, p := range b.Periods {
		label := periodLabel(b, i, c)
		marker := "  "
		if label == "CURRENT" {
			marker = "▸ "
		}
		extra := ""
		if p.DaysLeft != nil {
			extra = "  " + itoa(*p.DaysLeft) + " days left"
		}
		row := marker + present.Fit(span(p.Start, p.End), 37) + " " + present.FitRight(present.FormatQuantity(p.Remaining), 14) + "   " + label + extra
		if label == "CURRENT" {
			row = st.Accent.Render(row)
		}
		out = append(out, present.Clip(row, w))
	}
	return out
}

// counters lists its counters and thresholds.
func (d *bucketDetail) counters(c *common, w int) []string {
	b, st := d.b, c.st
	var out []string
	out = append(out, st.ColumnHeader.Render("COUNTERS / THRESHOLDS"))
	if len(b.Counters) == 0 {
		out = append(out, st.Muted.Render("  none reported"))
	}
	for _, ct := range b.Counters {
		var tail []string
		for _, s := range []string{ct.Name, ct.Level, ct.Text} {
			if s != "" && !slices.Contains(tail, s) { // the text is often the name again
				tail = append(tail, s)
			}
		}
		if !ct.Start.IsZero() || !ct.End.IsZero() {
			tail = append(tail, span(ct.Start, ct.End))
		}
		row := "  " + present.Fit(ct.Type, 28) + " " + present.FitRight(present.FormatQuantity(ct.Quantity()), 14) + "   " + strings.Join(tail, " · ")
		out = append(out, present.Clip(row, w))
	}
	return out
}

// attributes lists the provider's attributes, names aligned.
func (d *bucketDetail) attributes(c *common, w int) []string {
	b, st := d.b, c.st
	var out []string
	out = append(out, st.ColumnHeader.Render("ATTRIBUTES"))
	if len(b.Attributes) == 0 {
		out = append(out, st.Muted.Render("  none"))
	}
	kw := 0
	for _, a := range b.Attributes {
		kw = max(kw, len(a.Name))
	}
	kw = min(kw, 32)
	for _, a := range b.Attributes { // sorted by name in the model
		out = append(out, present.Clip("  "+st.Muted.Render(present.Fit(a.Name, kw))+"  "+a.Value, w))
	}
	return out
}

// View renders the visible window of the detail.
func (d *bucketDetail) View(c *common, w, h int) string {
	lines := d.content(c, w)
	vh := viewHeight(len(lines), h)
	off := min(d.offset, max(0, len(lines)-vh))
	end := min(len(lines), off+vh)
	vis := append([]string(nil), lines[off:end]...)
	if vh < len(lines) {
		vis = append(vis, c.st.Muted.Render(present.FitRight(present.Int64(int64(off+1))+"–"+present.Int64(int64(end))+" of "+present.Int64(int64(len(lines))), w)))
	}
	return strings.Join(vis, "\n")
}

func itoa(n int) string { return present.Int64(int64(n)) }

// viewHeight is how many content lines fit in h when n must scroll: one line
// goes to the scroll indicator.
func viewHeight(n, h int) int {
	if n > h && h > 1 {
		return h - 1
	}
	return max(1, h)
}
