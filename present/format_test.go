package present

import (
	"strings"
	"testing"
	"time"

	"charm.land/lipgloss/v2"

	"simdesk/model"
)

func f(v float64) *float64 { return &v }

func TestFormatQuantity(t *testing.T) {
	tests := []struct {
		name string
		q    model.Quantity
		want string
	}{
		{"unlimited", model.Quantity{Unit: "MB", Unlimited: true}, "unlimited"},
		{"no amount no text", model.Quantity{Unit: "MB"}, "—"},
		{"no amount with text", model.Quantity{Unit: "MB", Text: " 5 GB left "}, "5 GB left"},
		{"zero MB", model.Quantity{Amount: f(0), Unit: "MB"}, "0 MB"},
		{"whole MB", model.Quantity{Amount: f(512), Unit: "MB"}, "512 MB"},
		{"fraction MB", model.Quantity{Amount: f(13.25), Unit: "MB"}, "13.2 MB"},
		{"KB", model.Quantity{Amount: f(0.5), Unit: "MB"}, "512 KB"},
		{"exactly 1 GB", model.Quantity{Amount: f(1024), Unit: "MB"}, "1.0 GB"},
		{"GB", model.Quantity{Amount: f(4096), Unit: "MB"}, "4.0 GB"},
		{"GB fraction", model.Quantity{Amount: f(1536), Unit: "MB"}, "1.5 GB"},
		{"TB", model.Quantity{Amount: f(2 * 1024 * 1024), Unit: "MB"}, "2.0 TB"},
		{"negative data", model.Quantity{Amount: f(-2048), Unit: "MB"}, "-2.0 GB"},
		{"seconds under a minute", model.Quantity{Amount: f(45), Unit: "s"}, "45 s"},
		{"empty voice", model.Quantity{Amount: f(0), Unit: "s"}, "0 min"},
		{"under a minute", model.Quantity{Amount: f(45), Unit: "s"}, "45 s"},
		{"one minute", model.Quantity{Amount: f(60), Unit: "s"}, "1 min"},
		{"half hour", model.Quantity{Amount: f(1800), Unit: "s"}, "30 min"},
		{"seconds above a minute are dropped", model.Quantity{Amount: f(119), Unit: "s"}, "1 min"},
		{"an hour and five", model.Quantity{Amount: f(3900), Unit: "s"}, "1 h 05 min"},
		{"large voice", model.Quantity{Amount: f(60000000), Unit: "s"}, "16 666 h 40 min"},
		{"voice sentinel in seconds", model.Quantity{Amount: f(999999), Unit: "s"}, "unlimited"},
		{"voice sentinel in minutes", model.Quantity{Amount: f(59999940), Unit: "s"}, "unlimited"},
		{"sms sentinel", model.Quantity{Amount: f(999999), Unit: "sms"}, "unlimited"},
		{"long sentinel", model.Quantity{Amount: f(999999999999), Unit: "sms"}, "unlimited"},
		{"data sentinel in KB", model.Quantity{Amount: f(999999.0 / 1024), Unit: "MB"}, "unlimited"},
		{"nines that are money", model.Quantity{Amount: f(999999), Unit: "USD"}, "USD 999 999.00"},
		{"five nines are a number", model.Quantity{Amount: f(99999), Unit: "sms"}, "99 999 SMS"},
		{"sms", model.Quantity{Amount: f(123456), Unit: "sms"}, "123 456 SMS"},
		{"sms zero", model.Quantity{Amount: f(0), Unit: "sms"}, "0 SMS"},
		{"money", model.Quantity{Amount: f(40), Unit: "USD"}, "USD 40.00"},
		{"money rounding", model.Quantity{Amount: f(9.899), Unit: "EUR"}, "EUR 9.90"},
		{"money thousands", model.Quantity{Amount: f(1234567.5), Unit: "JMD"}, "JMD 1 234 567.50"},
		{"negative money", model.Quantity{Amount: f(-12.3), Unit: "BSD"}, "BSD -12.30"},
		{"other unit", model.Quantity{Amount: f(3), Unit: "units"}, "3 units"},
		{"other unit fraction", model.Quantity{Amount: f(2.5), Unit: "pts"}, "2.5 pts"},
		{"no unit", model.Quantity{Amount: f(7), Unit: ""}, "7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatQuantity(tt.q); got != tt.want {
				t.Errorf("FormatQuantity(%+v) = %q, want %q", tt.q, got, tt.want)
			}
		})
	}
}

func TestFormatValidToAndDaysLeft(t *testing.T) {
	now := time.Date(2023, 1, 17, 0, 30, 0, 0, time.UTC)
	three := 3
	tests := []struct {
		name        string
		b           model.Bucket
		valid, days string
	}{
		{"none", model.Bucket{}, "—", "—"},
		{"far", model.Bucket{ValidTo: model.ParseTime("9999-12-31T00:00:00Z")}, "never", "never"},
		{"computed", model.Bucket{ValidTo: model.ParseTime("2023-02-06T07:47:32Z")}, "2023-02-06 07:47", "21"},
		{"given days_left wins", model.Bucket{ValidTo: model.ParseTime("2023-02-06T07:47:32Z"), DaysLeft: &three}, "2023-02-06 07:47", "3"},
		{"past", model.Bucket{ValidTo: model.ParseTime("2023-01-01T00:00:00Z")}, "2023-01-01 00:00", "exp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatValidTo(tt.b.ValidTo, false); got != tt.valid {
				t.Errorf("valid to = %q, want %q", got, tt.valid)
			}
			if got := FormatDaysLeft(&tt.b, now); got != tt.days {
				t.Errorf("days left = %q, want %q", got, tt.days)
			}
		})
	}
	if got := FormatValidTo(model.ParseTime("2023-02-06T07:47:32Z"), true); got != "2023-02-06" {
		t.Errorf("short = %q", got)
	}
}

func TestFormatSpanAndAge(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		d    time.Duration
		want string
	}{
		{12 * time.Second, "12 s"},
		{3 * time.Minute, "3 min"},
		{2 * time.Hour, "2 h"},
		{2*time.Hour + 5*time.Minute, "2 h 5 min"},
		{51 * time.Hour, "2 d 3 h"},
		{48 * time.Hour, "2 d"},
	}
	for _, tt := range tests {
		if got := FormatSpan(tt.d); got != tt.want {
			t.Errorf("FormatSpan(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
	if got := FormatAge(now.Add(-12*time.Second), now); got != "12 s ago" {
		t.Errorf("age = %q", got)
	}
	if got := FormatAge(time.Time{}, now); got != "—" {
		t.Errorf("zero age = %q", got)
	}
	if got := FormatAge(now.Add(time.Minute), now); got != "just now" {
		t.Errorf("future age = %q", got)
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		mask bool
		t    model.IDType
		in   string
		want string
	}{
		{true, model.MSISDN, "9077613", "***7613"},
		{true, model.SIM, "8944500102198304826", "***************4826"},
		{true, model.Subscription, "S-1001", "S-1001"},
		{true, model.MSISDN, "123", "123"},
		{false, model.MSISDN, "9077613", "9077613"},
	}
	for _, tt := range tests {
		if got := MaskID(tt.mask, tt.t, tt.in); got != tt.want {
			t.Errorf("MaskID(%v, %s, %q) = %q, want %q", tt.mask, tt.t, tt.in, got, tt.want)
		}
	}
}

func TestSparkline(t *testing.T) {
	tests := []struct {
		in   []int
		want string
	}{
		{nil, ""},
		{[]int{0, 0}, "▁▁"},
		{[]int{5, 5, 5}, "▅▅▅"},
		{[]int{0, 7}, "▁█"},
		{[]int{124, 100, 50, 0}, "█▆▃▁"},
	}
	for _, tt := range tests {
		if got := Sparkline(tt.in); got != tt.want {
			t.Errorf("Sparkline(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFitIsANSIAware(t *testing.T) {
	s := "\x1b[1;31mEMPTY stock\x1b[m"
	got := Fit(s, 8)
	if w := lipgloss.Width(got); w != 8 {
		t.Fatalf("width %d, want 8: %q", w, got)
	}
	if !strings.Contains(got, "\x1b[") {
		t.Fatalf("styling lost: %q", got)
	}
	if got := Fit("ab", 5); got != "ab   " {
		t.Errorf("pad = %q", got)
	}
	if got := FitRight("ab", 5); got != "   ab" {
		t.Errorf("right = %q", got)
	}
	if got := Fit("∞ wide", 3); lipgloss.Width(got) != 3 {
		t.Errorf("unicode width %q", got)
	}
	if got := SpreadLine("left", "right", 12); got != "left   right" {
		t.Errorf("spread = %q", got)
	}
}

func TestBar(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "░░░░░░░░░░"}, {0.31, "███░░░░░░░"}, {1, "██████████"}, {2, "██████████"}, {-1, "░░░░░░░░░░"},
	}
	for _, tt := range tests {
		if got := Bar(tt.f, 10); got != tt.want {
			t.Errorf("Bar(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestFormatETA(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Second, "<1 min"}, {42 * time.Minute, "~42 min"}, {23*time.Hour + 15*time.Minute, "~23 h"},
		{51*time.Hour + 20*time.Minute, "~2 d 3 h"}, {Hours(1e12), "~3650 d"},
	}
	for _, tt := range tests {
		if got := FormatETA(tt.d); got != tt.want {
			t.Errorf("FormatETA(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestFormatMillis(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{184 * time.Millisecond, "184 ms"}, {1234 * time.Millisecond, "1.2 s"}, {15016 * time.Millisecond, "15.0 s"}, {3 * time.Minute, "3 min"},
	}
	for _, tt := range tests {
		if got := FormatMillis(tt.d); got != tt.want {
			t.Errorf("FormatMillis(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestRawQuantityKeepsTheProviderValue(t *testing.T) {
	q := model.Quantity{Amount: f(999999), Unit: "s", Text: "999999"}
	if got := RawQuantity(q); got != `999999 s = 16666.65 min, text "999999"` {
		t.Errorf("RawQuantity = %q", got)
	}
	if got := RawQuantity(model.Quantity{Unlimited: true, Unit: "MB"}); got != "infinity" {
		t.Errorf("RawQuantity(infinity) = %q", got)
	}
}

// TestDaysLeftOfAnEndedBucket: the provider's days_left (20 when cvp-pr
// answered in 2023) gives way to "exp" once the validity end has passed.
func TestDaysLeftOfAnEndedBucket(t *testing.T) {
	twenty := 20
	b := &model.Bucket{DaysLeft: &twenty, ValidTo: model.ParseTime("2023-02-06T07:47:32Z")}
	if got := FormatDaysLeft(b, time.Date(2023, 1, 17, 0, 0, 0, 0, time.UTC)); got != "20" {
		t.Errorf("before the end: %q", got)
	}
	if got := FormatDaysLeft(b, time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)); got != "exp" {
		t.Errorf("after the end: %q, want exp", got)
	}
}
