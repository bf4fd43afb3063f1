package ui

import "time"

// common is the small shared context handed explicitly to every component:
// terminal size, styles, key map and the clock. There are no globals; a
// component that needs one of these receives it from its caller.
type common struct {
	width, height int // the whole terminal
	st            *Styles
	plain         *Styles // the colourless sheet, for cells inside a selected row
	keys          KeyMap
	clock         func() time.Time
	// now is the clock read once at the start of each Update, so that a View
	// is a pure function of the model (and golden files are stable).
	now  time.Time
	mask bool   // MaskIdentifiers: hide all but the last 4 digits of MSISDN/SIM ids
	env  string // demo | sandbox | production
	spin string // the current spinner frame, set in Update on each spinner tick
	hint string // a search the last one suggests ("sim:…"), set in Update
	// dropped tells the process's memory policy of a large answer let go
	// (Options.Dropped); nil: nothing is told.
	dropped func(buckets int)
}

// tick reads the clock into now.
func (c *common) tick() { c.now = c.clock() }
