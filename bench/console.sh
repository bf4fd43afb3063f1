#!/usr/bin/env bash
# bench/console.sh — the console's complete answer of S-10000, build against
# build (issue 18 item 9).
#
#   bench/console.sh before=/tmp/c-before after=/tmp/c-after
#   bench/console.sh gogc100='env GOGC=100 /tmp/c-after' gogc200=/tmp/c-after
#
# Each argument is LABEL=COMMAND: a built simdesk binary, or a command that
# runs one (env VAR=… simdesk). One simulator (`simdesk sim`, from the first
# command's binary) serves every console. For each round, each command in
# turn (the builds alternate, so a change of the machine's load hits both):
# a fresh console in its own tmux session (100×30), `/`, S-10000, Enter, until
# its complete answer is on screen ("receiving:" gone), then q. Measured per
# Enter, from the console's /proc/PID:
#
#   minflt   minor page faults (fresh pages touched) from Enter to the
#            complete answer: on a VM a first touch costs ~11 µs
#   ms       Enter → the complete answer on screen (as bench/run.sh)
#   held     RSS holding the answer, minus the idle console, in MiB
#
# and prints every value and the medians as a markdown table, with curl's
# transfer of the same body (`curl -o /dev/null`, the process as bench/run.sh
# times it, median of 5) for scale.
#
# Knobs (environment): RUNS (rounds, default 5). Tools: tmux and curl. Every
# wait is bounded, everything runs on 127.0.0.1, and all files go to a
# private mktemp directory removed at exit.
set -euo pipefail

RUNS=${RUNS:-5}
(($# >= 1)) || { echo "usage: bench/console.sh LABEL=COMMAND…  (e.g. before=/tmp/c-before after=/tmp/c-after)" >&2; exit 2; }
for t in tmux curl; do
	command -v "$t" >/dev/null 2>&1 || { echo "bench: $t is missing (apt-get install $t)" >&2; exit 2; }
done

labels=() cmds=()
for a in "$@"; do
	[[ $a == *=* && -n ${a%%=*} && -n ${a#*=} ]] || { echo "bench: $a is not LABEL=COMMAND" >&2; exit 2; }
	labels+=("${a%%=*}") cmds+=("${a#*=}")
done
sim_bin=${cmds[0]##* } # the binary of the first command (its last word)
[[ -x $sim_bin ]] || { echo "bench: $sim_bin is not an executable simdesk" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/simdesk-console.XXXXXX")
sim_pid=""
tmux_sock="simdesk-console-$$"
sess=0 # each console its own tmux server: q ends the console, its pane and its server
tmux_() { tmux -L "$tmux_sock-$sess" -f /dev/null "$@"; }
cleanup() {
	while ((sess > 0)); do
		tmux_ kill-server 2>/dev/null || true
		sess=$((sess - 1))
	done
	if [[ -n $sim_pid ]]; then
		kill "$sim_pid" 2>/dev/null || true
		wait "$sim_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { printf '%s\n' "$*" >&2; }

# A private environment: no config, history or journal of the operator's,
# and the tmux servers' sockets in the private directory too.
export HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/state TMUX_TMPDIR=$work/tmux
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME" "$TMUX_TMPDIR"
unset SIMDESK_LOG NO_COLOR
export SIMDESK_SIM_SECRET=demo-secret

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_sim "$sim_bin"

# curl's transfer of the body, for scale (the first request builds it).
dxp_url="$base/lla/dxp-ux/v1/PR/usageConsumptionReport?product.publicIdentifier=S-10000&product.publicIdentifierType=SubscriptionId"
curl_() { curl -sf -o /dev/null -H 'client_id: demo' -H 'client_secret: demo-secret' \
	-H 'channelId: APP' -H 'targetSystem: Matrixx' "$dxp_url"; }
curl_ || { say "bench: curl failed against the simulator"; exit 2; }
med() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
curls=() # the whole curl process, as bench/run.sh's hyperfine times it
for _ in 1 2 3 4 5; do
	c0=$(date +%s%N) && curl_ && curls+=("$((($(date +%s%N) - c0) / 1000000))")
done
curl_ms=$(med "${curls[@]}")

minflt() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $8 }'; } # field 10 of stat

# one_enter CMD: a fresh console, one Enter on S-10000; prints "minflt ms held".
one_enter() {
	tmux_ new-session -d -x 100 -y 30 sh
	tmux_ send-keys "exec $1" Enter
	wait_for 'q quit' 1000 || { say "bench: no console frame:"; tmux_ capture-pane -p >&2; exit 2; }
	sleep 1 # the stock poll settles
	local pid idle f0 f1 t0 t1
	pid=$(tmux_ display -p '#{pane_pid}') # exec: the pane's process is the console
	idle=$(rss_kb "$pid")
	tmux_ send-keys / && sleep 0.2 && tmux_ send-keys S-10000 && sleep 0.3
	f0=$(minflt "$pid")
	t0=$(date +%s%N)
	tmux_ send-keys Enter
	wait_for 'Pass 0000' 2000 || { say "bench: the table did not show within 10 s:"; tmux_ capture-pane -p >&2; exit 2; }
	wait_gone 'receiving:' 2000 || { say "bench: the answer was not complete within 10 s:"; tmux_ capture-pane -p >&2; exit 2; }
	t1=$(date +%s%N)
	f1=$(minflt "$pid")
	sleep 0.5
	echo "$((f1 - f0)) $(((t1 - t0) / 1000000)) $(awk -v h="$(rss_kb "$pid")" -v i="$idle" 'BEGIN { printf "%.1f", (h - i) / 1024 }')"
	tmux_ send-keys q
	for _ in $(seq 1 500); do # 5 s
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
}

declare -A faults times helds
for r in $(seq 1 "$RUNS"); do
	for i in "${!labels[@]}"; do
		sess=$((sess + 1))
		read -r f ms held < <(one_enter "${cmds[$i]}") || true
		[[ -n ${held:-} ]] || { say "bench: round $r ${labels[$i]}: no measure"; exit 2; }
		say "bench: round $r ${labels[$i]}: $f minor faults, $ms ms, holding $held MiB"
		faults[$i]+="$f " times[$i]+="$ms " helds[$i]+="$held "
	done
done

echo
echo "S-10000 in a fresh console, Enter → the complete answer ($RUNS rounds, alternating; curl's transfer $curl_ms ms, median of 5: ${curls[*]})"
echo
echo "| build | minor faults per Enter (median; all) | Enter → complete answer (median; all) | × curl | RSS held over idle (median; all) |"
echo "|---|---|---|---|---|"
for i in "${!labels[@]}"; do
	# shellcheck disable=SC2086
	fm=$(med ${faults[$i]}) tm=$(med ${times[$i]}) hm=$(med ${helds[$i]})
	x=$(awk -v a="$tm" -v b="$curl_ms" 'BEGIN { printf "%.2f", a / b }')
	echo "| ${labels[$i]} | $fm (${faults[$i]% }) | $tm ms (${times[$i]% }) | $x | $hm MiB (${helds[$i]% }) |"
done
