// Command simdesk is a terminal operations console for the NOC and support
// staff of a SIM / eSIM / top-up distributor. See README.md.
package main

import (
	"os"

	"simdesk/cli"
)

func main() { os.Exit(cli.Main()) }
