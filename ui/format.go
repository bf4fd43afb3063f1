package ui

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"simdesk/model"
)

// Dash is what an absent value renders as.
const Dash = "—"

// FormatQuantity renders a canonical quantity in human units: data in
// KB/MB/GB/TB (1024 steps), seconds as h:mm, SMS counts, money with its
// currency code and two decimals, ∞ for unlimited. A quantity without an
// amount falls back to the provider's own text, then to a dash.
func FormatQuantity(q model.Quantity) string {
	if q.Unlimited {
		return "∞"
	}
	if q.Amount == nil {
		if t := strings.TrimSpace(q.Text); t != "" {
			return t
		}
		return Dash
	}
	return FormatAmount(*q.Amount, q.Unit)
}

// FormatAmount renders an amount in a canonical unit (see FormatQuantity).
func FormatAmount(v float64, unit string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Dash
	}
	switch {
	case unit == model.UnitMB:
		return FormatData(v)
	case unit == model.UnitSec:
		return FormatSeconds(v)
	case unit == model.UnitSMS:
		return groupInt(int64(math.Round(v))) + " SMS"
	case model.CurrencyCode(unit) != "":
		return FormatMoney(v, model.CurrencyCode(unit))
	case unit == "":
		return trimFloat(v)
	}
	return trimFloat(v) + " " + unit
}

// FormatData renders megabytes with 1024 steps: "512 MB", "4.0 GB", "300 KB".
func FormatData(mb float64) string {
	sign := ""
	if mb < 0 {
		sign, mb = "-", -mb
	}
	switch {
	case mb >= 1024*1024:
		return sign + strconv.FormatFloat(mb/(1024*1024), 'f', 1, 64) + " TB"
	case mb >= 1024:
		return sign + strconv.FormatFloat(mb/1024, 'f', 1, 64) + " GB"
	case mb >= 1 || mb == 0:
		if mb == math.Trunc(mb) {
			return sign + groupInt(int64(mb)) + " MB"
		}
		return sign + strconv.FormatFloat(mb, 'f', 1, 64) + " MB"
	}
	return sign + trimFloat(math.Round(mb*1024*10)/10) + " KB"
}

// FormatSeconds renders a duration in seconds as hours and minutes ("16666:39 h",
// "0:30 h"); under a minute it stays in seconds ("45 s").
func FormatSeconds(s float64) string {
	sign := ""
	if s < 0 {
		sign, s = "-", -s
	}
	if s < 60 {
		return sign + trimFloat(math.Round(s)) + " s"
	}
	total := int64(s) / 60
	return fmt.Sprintf("%s%d:%02d h", sign, total/60, total%60)
}

// FormatMoney renders "USD 40.00", with thousands grouped by spaces.
func FormatMoney(v float64, currency string) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	cents := int64(math.Round(v * 100))
	s := fmt.Sprintf("%s%s.%02d", sign, groupInt(cents/100), cents%100)
	if currency == "" {
		return s
	}
	return currency + " " + s
}

// FormatPrice renders an offer's price.
func FormatPrice(m model.Money) string { return FormatMoney(m.Amount, m.Currency) }

// groupInt writes an integer with a space every three digits ("999 999").
func groupInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// trimFloat writes a float without trailing zeros, at most 2 decimals.
func trimFloat(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return groupInt(int64(v))
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// FormatValidTo renders a validity end: a dash for none, "never" for the
// far-future sentinels (9999-12-31), else the UTC date and time.
func FormatValidTo(t model.Time, short bool) string {
	switch {
	case t.IsZero():
		return Dash
	case t.Far():
		return "never"
	case short:
		return t.UTC().Format("2006-01-02")
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// DaysLeft returns the bucket's days_left, or the whole days from now to its
// validity end; ok is false when neither is known. Far dates are infinite.
func DaysLeft(b *model.Bucket, now time.Time) (days int, never, ok bool) {
	if b.DaysLeft != nil {
		return *b.DaysLeft, false, true
	}
	if b.ValidTo.IsZero() {
		return 0, false, false
	}
	if b.ValidTo.Far() {
		return 0, true, true
	}
	d := b.ValidTo.Sub(now)
	if d <= 0 {
		return 0, false, true
	}
	return int(math.Ceil(d.Hours() / 24)), false, true
}

// FormatDaysLeft renders DaysLeft: a number, "∞" for never, "exp" when the
// validity end has passed (a zero would read as "ends today"), or a dash.
func FormatDaysLeft(b *model.Bucket, now time.Time) string {
	d, never, ok := DaysLeft(b, now)
	switch {
	case !ok:
		return Dash
	case never:
		return "∞"
	case b.DaysLeft == nil && !b.ValidTo.After(now):
		return "exp"
	}
	return strconv.Itoa(d)
}

// FormatAge renders how long ago something happened: "12 s ago", "3 min ago".
func FormatAge(then, now time.Time) string {
	if then.IsZero() {
		return Dash
	}
	d := now.Sub(then)
	if d < 0 {
		return "just now"
	}
	return FormatSpan(d) + " ago"
}

// FormatSpan renders a duration coarsely: "12 s", "3 min", "2 h 5 min", "4 d 3 h".
func FormatSpan(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 24*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	}
	days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	if h == 0 {
		return fmt.Sprintf("%d d", days)
	}
	return fmt.Sprintf("%d d %d h", days, h)
}

// FormatMillis renders a latency as whole milliseconds.
func FormatMillis(d time.Duration) string {
	return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
}

// FormatTime renders a timestamp as "2006-01-02 15:04 UTC", or a dash.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return Dash
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// Bar renders a progress bar of width cells for a fraction in [0,1].
func Bar(st *Styles, frac float64, width int) string {
	if width <= 0 {
		return ""
	}
	frac = math.Max(0, math.Min(1, frac))
	n := int(math.Round(frac * float64(width)))
	return st.BarFill.Render(strings.Repeat("█", n)) + st.BarOff.Render(strings.Repeat("░", width-n))
}

var sparkRunes = []rune("▁▂▃▄▅▆▇█")

// Sparkline renders values as block characters scaled between their min and
// max (a flat series sits in the middle; a flat zero at the bottom).
func Sparkline(vals []int) string {
	if len(vals) == 0 {
		return ""
	}
	lo, hi := vals[0], vals[0]
	for _, v := range vals {
		lo, hi = min(lo, v), max(hi, v)
	}
	out := make([]rune, len(vals))
	for i, v := range vals {
		switch {
		case hi == lo && hi <= 0:
			out[i] = sparkRunes[0]
		case hi == lo:
			out[i] = sparkRunes[4]
		default:
			out[i] = sparkRunes[(v-lo)*(len(sparkRunes)-1)/(hi-lo)]
		}
	}
	return string(out)
}

// Mask hides all but the last four characters of an identifier, so that an
// operator can still match it against what a caller reads out.
func Mask(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return s
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}

// MaskID masks MSISDN and SIM values when masking is on; other identifier
// types (subscriptions, transactions) carry no personal number.
func MaskID(mask bool, t model.IDType, v string) string {
	if mask && (t == model.MSISDN || t == model.SIM) {
		return Mask(v)
	}
	return v
}

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

// roundTo rounds v to d decimals.
func roundTo(v float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(v*p) / p
}

// hours converts fractional hours to a duration, capped at ten years so
// that a trickle of sales never overflows.
func hours(h float64) time.Duration {
	const maxH = 10 * 365 * 24
	if math.IsNaN(h) || h > maxH {
		h = maxH
	}
	return time.Duration(h * float64(time.Hour))
}

// FormatETA renders an estimate coarsely, as "~42 min", "~23 h", "~2 d 3 h".
func FormatETA(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "<1 min"
	case d < time.Hour:
		return fmt.Sprintf("~%d min", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("~%d h", int(d/time.Hour))
	}
	return "~" + FormatSpan(d.Truncate(time.Hour))
}
