package model

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Human renders a quantity for people: data in MB/GB/TB (1024 steps), time as
// h:mm (or m:ss under an hour), SMS counts, money with its currency and two
// decimals, ∞ for unlimited and — when nothing is known.
func (q Quantity) Human() string {
	if q.Unlimited {
		return "∞"
	}
	if q.Amount == nil {
		if q.Text != "" {
			return q.Text
		}
		return "—"
	}
	return HumanAmount(*q.Amount, q.Unit)
}

// HumanAmount renders an amount in a canonical unit.
func HumanAmount(v float64, unit string) string {
	switch {
	case unit == UnitMB:
		return HumanMB(v)
	case unit == UnitSec:
		return HumanSeconds(v)
	case unit == UnitSMS:
		return Grouped(v, 0) + " SMS"
	case len(unit) == 3 && CurrencyCode(unit) == unit:
		return unit + " " + Grouped(v, 2)
	case unit == "":
		return Grouped(v, decimalsFor(v))
	}
	return Grouped(v, decimalsFor(v)) + " " + unit
}

func decimalsFor(v float64) int {
	if v == math.Trunc(v) {
		return 0
	}
	return 2
}

// HumanMB renders megabytes with 1024 steps.
func HumanMB(mb float64) string {
	abs := math.Abs(mb)
	switch {
	case abs >= 1024*1024:
		return trimZero(strconv.FormatFloat(mb/(1024*1024), 'f', 1, 64)) + " TB"
	case abs >= 1024:
		return trimZero(strconv.FormatFloat(mb/1024, 'f', 1, 64)) + " GB"
	case abs >= 1 || abs == 0:
		return trimZero(strconv.FormatFloat(mb, 'f', 1, 64)) + " MB"
	}
	return trimZero(strconv.FormatFloat(mb*1024, 'f', 0, 64)) + " KB"
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }

// HumanSeconds renders a duration as h:mm h, or m:ss min under an hour.
func HumanSeconds(s float64) string {
	neg := s < 0
	s = math.Abs(s)
	total := int64(math.Round(s))
	var out string
	if total >= 3600 {
		out = fmt.Sprintf("%s:%02d h", Grouped(float64(total/3600), 0), (total%3600)/60)
	} else {
		out = fmt.Sprintf("%d:%02d min", total/60, total%60)
	}
	if neg {
		return "-" + out
	}
	return out
}

// Grouped formats a number with thin groups of three digits (999 999).
func Grouped(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	b.WriteString(frac)
	return b.String()
}

// Mask hides all but the last four digits of an identifier (privacy option).
func Mask(s string) string {
	if len(s) <= 4 {
		return s
	}
	return strings.Repeat("•", len(s)-4) + s[len(s)-4:]
}
