package present

import (
	"strings"
	"testing"

	"simdesk/model"
)

func TestDistinctKeepsWhatDiffers(t *testing.T) {
	vals := []string{"Recharge Holiday Voix 30 min", "Recharge Holiday Voix 120 min", "Carte Holiday Data 5 GB", "Carte Holiday Data 20 GB"}
	for _, w := range []int{12, 16, 20, 24} {
		got := Distinct(vals, w)
		seen := map[string]bool{}
		for i, g := range got {
			if Width(g) != w {
				t.Errorf("w=%d: %q is %d cells", w, g, Width(g))
			}
			k := strings.TrimRight(g, " ")
			if seen[k] {
				t.Errorf("w=%d: two rows read %q: %q", w, k, got)
			}
			seen[k] = true
			// The distinguishing tail survives.
			tail := strings.Fields(vals[i])
			want := tail[len(tail)-2]
			if !strings.Contains(g, want) {
				t.Errorf("w=%d: %q lost %q", w, g, want)
			}
		}
	}
	if got := Distinct([]string{"short", "Recharge Holiday Voix 30 min"}, 40); strings.TrimRight(got[1], " ") != "Recharge Holiday Voix 30 min" {
		t.Errorf("a value that fits is cut: %q", got[1])
	}
}

func TestDistinctCutsTheMiddleWhenNothingIsShared(t *testing.T) {
	got := DistinctOne([]string{"Included Data - Prepaid 4096"}, 0, 15)
	if Width(got) != 15 || !strings.HasPrefix(got, "Include") || !strings.HasSuffix(got, "4096") {
		t.Errorf("cut = %q", got)
	}
}

func FuzzDistinct(f *testing.F) {
	f.Add("Recharge Holiday Voix 30 min", "Recharge Holiday Voix 120 min", 10)
	f.Add("日本語 テキスト", "日本語 テスト", 5)
	f.Add("", "a", 0)
	f.Fuzz(func(t *testing.T, a, b string, w int) {
		if w < 0 || w > 200 {
			return
		}
		for _, g := range Distinct([]string{a, b}, w) {
			if Width(g) > max(w, 0) {
				t.Fatalf("Distinct(%q,%q,%d) = %q, %d cells", a, b, w, g, Width(g))
			}
		}
	})
}

func TestAccountHint(t *testing.T) {
	e := &model.Error{Kind: model.ErrBadRequest, Status: 400, Message: "The billing account (relatedParty.id) must be given for CWC (Liberate) postpaid lines"}
	id := model.Identifier{Type: model.MSISDN, Value: "4933562"}
	if got := AccountHint(e, id); !strings.Contains(got, "4933562@ACCOUNT") || !strings.Contains(got, "--account") {
		t.Fatalf("hint %q", got)
	}
	id.Account = "150015680000"
	if AccountHint(e, id) != "" {
		t.Fatal("hint although the account was given")
	}
	if AccountHint(&model.Error{Kind: model.ErrNotFound, Message: "no such line"}, model.Identifier{Value: "1"}) != "" {
		t.Fatal("hint for another error")
	}
}
