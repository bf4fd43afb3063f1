package ui

// The demo's panes come from the registry of provider kinds: registering
// them is what the cli does, and what these tests need too.
import _ "simdesk/providers/all"
