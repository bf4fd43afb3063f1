# bench/lib.sh — what bench/run.sh, bench/console.sh and bench/compare.sh
# share; sourced, not run on its own.
#
# start_sim BIN starts `BIN sim` on a free loopback port, waits (at most
# 10 s) until it has printed its base URL and the config pointing at it,
# writes that config to $work/config.toml and exports SIMDESK_CONFIG. It
# needs $work (the caller's private directory) and sets sim_pid (the
# caller's cleanup trap stops it) and base (the simulator's URL). A
# simulator that exits or does not start ends the script with status 2.
start_sim() {
	"$1" sim --addr 127.0.0.1:0 >"$work/sim.out" 2>&1 &
	sim_pid=$!
	base=""
	for _ in $(seq 1 100); do
		base=$(grep -o -m1 'http://127\.0\.0\.1:[0-9]*' "$work/sim.out" 2>/dev/null || true)
		[[ -n $base ]] && grep -q '^# config.toml pointing' "$work/sim.out" && grep -q '^\[\[provider\]\]' "$work/sim.out" && break
		kill -0 "$sim_pid" 2>/dev/null || { echo "bench: the simulator exited:" >&2; cat "$work/sim.out" >&2; exit 2; }
		sleep 0.1
	done
	[[ -n $base ]] || { echo "bench: the simulator did not start" >&2; exit 2; }
	sleep 0.2 # let it finish printing the config
	sed -n '/^# config.toml pointing/,$p' "$work/sim.out" | tail -n +2 | grep -v '^simulator stopped' >"$work/config.toml"
	export SIMDESK_CONFIG=$work/config.toml
}

# The console measures read a tmux pane: tmux_ is the caller's tmux command
# (its own server socket).
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
wait_for() { # text, max polls of 5 ms → 0 when seen
	for _ in $(seq 1 "$2"); do
		tmux_ capture-pane -p | grep -q "$1" && return 0
		sleep 0.005
	done
	return 1
}
wait_gone() { # text, max polls of 5 ms → 0 once it is off the screen
	for _ in $(seq 1 "$2"); do
		tmux_ capture-pane -p | grep -q "$1" || return 0
		sleep 0.005
	done
	return 1
}
