package present

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Fit truncates s to w cells (ANSI-aware, with an ellipsis) and pads it with
// spaces to exactly w cells.
func Fit(s string, w int) string { return fit(s, w, false) }

// FitRight is Fit with the text aligned to the right edge.
func FitRight(s string, w int) string { return fit(s, w, true) }

func fit(s string, w int, right bool) string {
	if w <= 0 {
		return ""
	}
	sw := cellWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = cellWidth(s)
	}
	if pad := w - sw; pad > 0 {
		if right {
			return strings.Repeat(" ", pad) + s
		}
		return s + strings.Repeat(" ", pad)
	}
	return s
}

// Clip truncates s to w cells without padding.
func Clip(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if cellWidth(s) > w {
		return ansi.Truncate(s, w, "…")
	}
	return s
}

// SpreadLine puts left and right on one line of width w, right-aligned,
// dropping what does not fit from the right part first.
func SpreadLine(left, right string, w int) string {
	lw := lipgloss.Width(left)
	if lw >= w {
		return Clip(left, w)
	}
	room := w - lw - 1
	if room <= 0 {
		return left
	}
	right = Clip(right, room)
	return left + strings.Repeat(" ", w-lw-lipgloss.Width(right)) + right
}

// Distinct fits each of vals (plain text, one table column) into w cells
// so that rows that differ still differ on screen. A value that fits stays
// whole. A value that must be cut keeps the part that tells it from the
// other values — the tail after the prefix it shares with its closest
// neighbour ("Recharge Holiday Voix 30 min" and "… Voix 120 min" become
// "Recharge Holi…30 min" and "Recharge Hol…120 min"), giving up the middle
// or the shared prefix instead; only when even that tail is too long is its
// end cut. The results are padded to w cells.
func Distinct(vals []string, w int) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		// Invalid UTF-8 (found by FuzzDistinct) measures differently once
		// padded; a replacement character measures the same everywhere.
		out[i] = Fit(strings.ToValidUTF8(cutDistinct(v, vals, w), "\uFFFD"), w)
	}
	return out
}

// DistinctOne is Distinct for the value at index i only, without padding:
// tables that render only their visible rows cut one row at a time against
// the values on screen.
func DistinctOne(vals []string, i, w int) string { return cutDistinct(vals[i], vals, w) }

func cutDistinct(v string, vals []string, w int) string {
	if w <= 0 {
		return ""
	}
	if Width(v) <= w {
		return v
	}
	r := []rune(v)
	// The longest prefix v shares with another, different value.
	shared := 0
	for _, o := range vals {
		if o == v {
			continue
		}
		or := []rune(o)
		n := 0
		for n < len(r) && n < len(or) && r[n] == or[n] {
			n++
		}
		shared = max(shared, n)
	}
	// Back to the start of the word in which they part, so the tail reads
	// "30 min" rather than "0 min".
	start := shared
	for start > 0 && r[start-1] != ' ' && r[start-1] != '·' && r[start-1] != '-' && r[start-1] != '_' {
		start--
	}
	if shared == 0 || start == 0 {
		// Nothing shared on screen: the end of the text is as likely to
		// matter as its start (sizes, durations), so cut the middle.
		return cutMiddle(r, w)
	}
	tail := string(r[start:])
	tw := Width(tail)
	// When the differing tail would leave almost nothing of the start but
	// the rows part early, cutting the end keeps the difference and reads
	// better ("Offer 1 · Welcome Trav…" rather than "O…1 · Welcome Travelers").
	if w-1-tw < 4 && shared < len(r) && Width(string(r[:shared+1]))+1 <= w-1 {
		return ansi.Truncate(v, w, "…")
	}
	if tw+1 > w {
		// The differing part alone does not fit: show its start.
		return ansi.Truncate("…"+tail, w, "…")
	}
	head := ansi.Truncate(string(r[:start]), w-1-tw, "")
	return strings.TrimRight(head, " ") + "…" + tail
}

// cutMiddle keeps the start and the end of r in w cells with "…" between.
func cutMiddle(r []rune, w int) string {
	if w <= 1 {
		return ansi.Truncate(string(r), w, "")
	}
	room := w - 1
	tailW := room / 2
	headW := room - tailW
	head := ansi.Truncate(string(r), headW, "")
	tail := ansi.TruncateLeft(string(r), Width(string(r))-tailW, "")
	return strings.TrimRight(head, " ") + "…" + strings.TrimLeft(tail, " ")
}

// Width is the number of cells s takes on screen (ANSI-aware).
func Width(s string) int { return cellWidth(s) }
