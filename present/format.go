// Package present is the one way simdesk says things, shared by the console
// (ui) and the headless commands (cli): quantities in the units an operator
// reads without arithmetic, money, dates and ages, the confirmation facts and
// outcome sentences of a top-up, and fitting text to a width so that what is
// cut still tells rows apart. It is a leaf: it imports only model and the
// width functions of lipgloss, so both front ends can import it.
package present

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"simdesk/model"
)

// Dash is what an absent value renders as.
const Dash = "—"

// Unlimited is how a quantity without limit reads, whether the provider
// said "infinity" or sent a sentinel such as 999999.
const Unlimited = "unlimited"

// FormatQuantity renders a canonical quantity in human units: data in
// KB/MB/GB/TB (1024 steps), voice in minutes ("30 min", "1 h 05 min"), SMS
// counts, money with its currency code and two decimals, "unlimited" for
// "infinity" and for the all-nines sentinels providers send for it. A
// quantity without an amount falls back to the provider's own text, then to
// a dash.
func FormatQuantity(q model.Quantity) string {
	if q.Invalid != "" {
		return Invalid(q.Invalid)
	}
	if q.NoLimit() {
		return Unlimited
	}
	if q.Amount == nil {
		if t := strings.TrimSpace(q.Text); t != "" {
			return t
		}
		return Dash
	}
	return FormatAmount(*q.Amount, q.Unit)
}

// EmptyCategory reports a bucket the provider sends at zero for a category
// the offer does not have (Orange's "0 MB" beside a voice offer, cvp's
// "MOBILE DATA 7GB" at "0 MINS"): nothing left and nothing ever used. Both
// front ends fold these. Money is never folded: a zero balance is news.
func EmptyCategory(b *model.Bucket) bool {
	if b.Usage == model.UsageMoney || !b.Remaining.Known() || b.Remaining.Value() != 0 || b.Remaining.Unlimited {
		return false
	}
	for _, k := range []string{"used", "allocated"} {
		if ct, ok := b.CounterOf(k); ok && ct.Amount != nil && *ct.Amount != 0 {
			return false
		}
	}
	return true
}

// IsSentinel reports whether a quantity's amount is one of the "no limit"
// values providers send instead of "infinity" (model.Quantity.NoLimit has
// the rule, per unit).
func IsSentinel(q model.Quantity) bool { return !q.Unlimited && q.NoLimit() }

// RawQuantity is the provider's value behind a quantity, for the bucket
// detail: the amount in its canonical unit and the provider's own text, so
// that "unlimited" can be checked against what was actually sent.
func RawQuantity(q model.Quantity) string {
	var parts []string
	switch {
	case q.Unlimited && q.Amount == nil:
		parts = append(parts, "infinity")
	case q.Amount != nil:
		raw := strings.TrimSpace(strconv.FormatFloat(*q.Amount, 'f', -1, 64) + " " + q.Unit)
		if q.Unit == model.UnitSec {
			// Voice is sent in minutes more often than not.
			raw += " = " + strconv.FormatFloat(math.Round(*q.Amount/60*100)/100, 'f', -1, 64) + " min"
		}
		parts = append(parts, raw)
	}
	if t := strings.TrimSpace(q.Text); t != "" {
		parts = append(parts, "text "+strconvQuote(t))
	}
	return strings.Join(parts, ", ")
}

func strconvQuote(s string) string { return strconv.Quote(s) }

// FormatAmount renders an amount in a canonical unit (see FormatQuantity).
func FormatAmount(v float64, unit string) string {
	if why := model.CheckAmount(v); why != "" {
		return Invalid(why)
	}
	switch {
	case unit == model.UnitMB:
		return FormatData(v)
	case unit == model.UnitSec:
		return FormatSeconds(v)
	case unit == model.UnitSMS:
		return Int64(int64(math.Round(v))) + " SMS"
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
			return sign + Int64(int64(mb)) + " MB"
		}
		return sign + strconv.FormatFloat(mb, 'f', 1, 64) + " MB"
	}
	return sign + trimFloat(math.Round(mb*1024*10)/10) + " KB"
}

// FormatSeconds renders voice and other durations in minutes, the unit an
// operator reads without arithmetic: "30 min", "1 h 05 min" past an hour,
// "16 666 h 39 min" for large allowances; seconds ("45 s") only below a
// minute. A remainder of seconds above a minute is dropped, never rounded
// up, so the figure never promises more than there is.
func FormatSeconds(s float64) string {
	sign := ""
	if s < 0 {
		sign, s = "-", -s
	}
	if s == 0 {
		return "0 min" // empty voice, in the unit voice is sold in
	}
	if s < 60 {
		return sign + trimFloat(math.Round(s)) + " s"
	}
	total := int64(s) / 60
	if total < 60 {
		return sign + strconv.FormatInt(total, 10) + " min"
	}
	return fmt.Sprintf("%s%s h %02d min", sign, Int64(total/60), total%60)
}

// FormatMoney renders "USD 40.00", with thousands grouped by spaces.
func FormatMoney(v float64, currency string) string {
	if why := model.CheckAmount(v); why != "" {
		return Invalid(why) // 1e17 would wrap to a negative number of cents
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	cents := int64(math.Round(v * 100))
	s := fmt.Sprintf("%s%s.%02d", sign, Int64(cents/100), cents%100)
	if currency == "" {
		return s
	}
	return currency + " " + s
}

// FormatPrice renders an offer's price exactly, with its currency's
// decimals and thousands grouped by spaces ("USD 1 234.50", "JPY 500").
func FormatPrice(m model.Money) string {
	if m.Invalid != "" {
		return Invalid(m.Invalid)
	}
	return GroupedMoney(m)
}

// GroupedMoney is m as FormatMoney writes a float, from m's digits:
// currency first, thousands grouped by spaces, the currency's decimals.
func GroupedMoney(m model.Money) string {
	d := m.Decimal()
	sign := ""
	if strings.HasPrefix(d, "-") {
		sign, d = "-", d[1:]
	}
	whole, frac, dot := strings.Cut(d, ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	s := sign + Int64(n)
	if dot {
		s += "." + frac
	}
	if m.Currency == "" {
		return s
	}
	return m.Currency + " " + s
}

// Invalid renders an amount the provider sent but that cannot be shown
// ("invalid: provider sent NaN"): never a zero, an empty stock or a
// wrapped-around negative figure.
func Invalid(why string) string { return "invalid: " + why }

// Int64 writes an integer with a space every three digits ("999 999").
func Int64(n int64) string {
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
		return Int64(int64(v))
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
	if ended(b.ValidTo, now) {
		// The provider's days_left was true when it answered; a report
		// read after the end (a cached or old answer) must not say 20.
		return 0, false, true
	}
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

// ended reports a known, not far, validity end at or before now.
func ended(t model.Time, now time.Time) bool {
	return !t.IsZero() && !t.Far() && !t.After(now)
}

// FormatDaysLeft renders DaysLeft: a number, "never" for a far date, "exp" when the
// validity end has passed (a zero would read as "ends today"), or a dash.
func FormatDaysLeft(b *model.Bucket, now time.Time) string {
	d, never, ok := DaysLeft(b, now)
	switch {
	case !ok:
		return Dash
	case never:
		return "never"
	case ended(b.ValidTo, now):
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

// FormatMillis renders a latency: whole milliseconds below a second
// ("184 ms"), then seconds with one decimal ("1.2 s", "15.0 s"), so that a
// slow answer reads at a glance instead of as "15016 ms".
func FormatMillis(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	}
	if d < 100*time.Second {
		return strconv.FormatFloat(float64(d.Milliseconds())/1000, 'f', 1, 64) + " s"
	}
	return FormatSpan(d)
}

// FormatTime renders a timestamp as "2006-01-02 15:04 UTC", or a dash.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return Dash
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// BarCells splits width cells of a progress bar for a fraction in [0,1]:
// how many are filled and how many are not. The console styles the two runs.
func BarCells(frac float64, width int) (fill, off int) {
	if width <= 0 || math.IsNaN(frac) {
		return 0, max(0, width)
	}
	frac = math.Max(0, math.Min(1, frac))
	n := int(math.Round(frac * float64(width)))
	return n, width - n
}

// Bar renders a plain progress bar of width cells ("███░░░░░░░").
func Bar(frac float64, width int) string {
	fill, off := BarCells(frac, width)
	return strings.Repeat("█", fill) + strings.Repeat("░", off)
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

// Int writes an int with a space every three digits ("10 000").
func Int(n int) string { return Int64(int64(n)) }

// Rate renders a per-hour rate with at most one decimal ("2.5/h").
func Rate(perHour float64) string { return trimFloat(roundTo(perHour, 1)) + "/h" }

// roundTo rounds v to d decimals.
func roundTo(v float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(v*p) / p
}

// Hours converts fractional hours to a duration, capped at ten years so
// that a trickle of sales never overflows.
func Hours(h float64) time.Duration {
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
