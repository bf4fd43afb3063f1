#!/usr/bin/env bash
# bench/compare.sh OLD NEW — two builds of simdesk side by side (issue 18 item 9).
#
# OLD and NEW are simdesk binaries (build the old one from a checkout or
# `git archive REV | tar -x` with `go build`). One simulator (NEW's) serves
# both; the console runs alternate the two builds run by run (hyperfine runs
# each command's runs in a row), so on a loaded machine trust the
# instruction counts first. Prints a markdown table:
#
#   instructions (valgrind cachegrind, GOMAXPROCS=1, async preemption off;
#                 medians): `version` and the small headless lookup
#   time (hyperfine, medians): the small headless lookup against curl alone
#   console (tmux): Enter → the complete S-10000 answer in the table, RSS
#                 holding it and 5 s after a new search dropped it
#   binary size
#
# Instructions are the figure to compare on a shared machine (the times move
# with the load; the load average is printed). valgrind 3.19 kills a Go
# process whose runtime spins on a lock with RDTSCP: such runs are retried
# and only runs that exited 0 count. NEW_ENV (e.g. NEW_ENV="GOGC=200") is
# set for the NEW console only, to try a setting.
#
# Tools: curl, jq, tmux, hyperfine, valgrind (Debian packages). Knobs:
# RUNS (hyperfine, default 30), IR_RUNS (default 5), CONSOLE_RUNS (default 5),
# CONSOLE_ONLY=1 (the console rows and the size only).
set -euo pipefail

old=$(realpath "${1:?usage: bench/compare.sh OLD NEW}")
new=$(realpath "${2:?usage: bench/compare.sh OLD NEW}")
RUNS=${RUNS:-30}
IR_RUNS=${IR_RUNS:-5}
CONSOLE_RUNS=${CONSOLE_RUNS:-5}
for t in curl jq tmux hyperfine valgrind; do
	command -v "$t" >/dev/null || { echo "compare: $t is missing (apt-get install $t)" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/simdesk-compare.XXXXXX")
sim_pid=""
tmux_sock="simdesk-compare-$$"
tmux_() { tmux -L "$tmux_sock" -f /dev/null "$@"; }
cleanup() {
	tmux_ kill-server 2>/dev/null || true
	[[ -n $sim_pid ]] && { kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; }
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/state SIMDESK_SIM_SECRET=demo-secret
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME"
unset SIMDESK_LOG NO_COLOR GOGC GOMEMLIMIT

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_sim "$new"
cvp_h="-H 'Client-id: demo' -H 'Client-secret: demo-secret' -H 'lob: PREPAID' -H 'channelId: ivrB2C' -H 'targetSystem: matrixx' -H 'X-Correlation-ID: bench-1'"
cvp_url="$base/lla/cisco-cvp-ux/v1/PR/usageConsumptionReport?product.publicIdentifier=9077613&product.publicIdentifierType=MSISDN"
small=(lookup --format json --provider cvp-pr 9077613)
cmp <("$old" "${small[@]}" | jq -S 'del(.results[].elapsed_ms)') <("$new" "${small[@]}" | jq -S 'del(.results[].elapsed_ms)') >/dev/null ||
	echo "compare: note: the two builds' small lookups differ (beyond elapsed_ms)" >&2
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
med() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

# --- instructions -------------------------------------------------------------
ir() { # binary args... → median instructions of IR_RUNS clean runs
	local xs=() tries=0
	while ((${#xs[@]} < IR_RUNS && tries < IR_RUNS * 6)); do
		tries=$((tries + 1))
		GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
			"$@" >/dev/null 2>"$work/ir.err" || continue
		xs+=("$(awk '/I +refs/ { gsub(",", "", $4); print $4 }' "$work/ir.err")")
	done
	((${#xs[@]} > 0)) || { echo "compare: no clean valgrind run of $*" >&2; exit 2; }
	med "${xs[@]}"
}
for c in "version" "${small[*]}"; do
	[[ -n ${CONSOLE_ONLY:-} ]] && break
	# shellcheck disable=SC2086
	a=$(ir "$old" $c) b=$(ir "$new" $c)
	rows+=("| instructions, \`simdesk $c\` | $a | $b | **$(ratio "$b" "$a")** |")
done

# --- time: hyperfine ------------------------------------------------------------
[[ -z ${CONSOLE_ONLY:-} ]] && hyperfine --style basic --shell bash --warmup 3 --runs "$RUNS" --export-json "$work/h.json" \
	-n old "$old ${small[*]} >/dev/null" -n new "$new ${small[*]} >/dev/null" \
	-n curl "curl -sf -o /dev/null $cvp_h '$cvp_url'" >&2
ms() { jq -r ".results[$1].median * 1000 | . * 10 | round / 10" "$work/h.json"; }
[[ -z ${CONSOLE_ONLY:-} ]] && o=$(ms 0) n=$(ms 1) c=$(ms 2) && rows+=("| time, small headless lookup (\`${small[*]}\`), median of $RUNS; curl alone $c ms | $o ms ($(ratio "$o" "$c") × curl) | $n ms ($(ratio "$n" "$c") × curl) | **$(ratio "$n" "$o")** |")

# --- console: Enter → the complete S-10000 answer -------------------------------
tmux_ new-session -d -x 100 -y 30 sh
console_pid() { pgrep -n -P "$(tmux_ display -p '#{pane_pid}')" || true; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
wait_for() { for _ in $(seq 1 "$2"); do tmux_ capture-pane -p | grep -q "$1" && return 0; sleep 0.005; done; return 1; }
wait_gone() { for _ in $(seq 1 "$2"); do tmux_ capture-pane -p | grep -q "$1" || return 0; sleep 0.005; done; return 1; }
console() { # binary env → "full_ms held_kb after_kb" (RSS minus the idle console's)
	tmux_ send-keys "env $2 $1" Enter
	wait_for 'q quit' 1000 || { echo "compare: no console frame" >&2; exit 2; }
	sleep 1
	local pid idle t0 full held after
	pid=$(console_pid)
	idle=$(rss_kb "$pid")
	tmux_ send-keys / && sleep 0.2 && tmux_ send-keys S-10000 && sleep 0.2
	t0=$(date +%s%N)
	tmux_ send-keys Enter
	wait_for 'Pass 0000' 2000 || { echo "compare: no table" >&2; exit 2; }
	wait_gone 'receiving:' 2000 || { echo "compare: the answer did not complete" >&2; exit 2; }
	full=$((($(date +%s%N) - t0) / 1000000))
	sleep 0.5
	held=$(($(rss_kb "$pid") - idle))
	tmux_ send-keys / && sleep 0.2 && tmux_ send-keys 9077613 && sleep 0.2 && tmux_ send-keys Enter
	sleep 5
	after=$(($(rss_kb "$pid") - idle))
	tmux_ send-keys q
	for _ in $(seq 1 500); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
	echo "$full $held $after"
}
ofull=() nfull=() oheld=() nheld=() oafter=() nafter=()
for _ in $(seq 1 "$CONSOLE_RUNS"); do
	read -r f h a < <(console "$old" "")
	ofull+=("$f") oheld+=("$h") oafter+=("$a")
	read -r f h a < <(console "$new" "${NEW_ENV:-}")
	nfull+=("$f") nheld+=("$h") nafter+=("$a")
done
o=$(med "${ofull[@]}") n=$(med "${nfull[@]}")
curl_big=$(hyperfine --style none --runs 10 --export-json "$work/c.json" --shell bash \
	"curl -sf -o /dev/null -H 'client_id: demo' -H 'client_secret: demo-secret' -H 'channelId: APP' -H 'targetSystem: Matrixx' -H 'X-Correlation-ID: bench-1' '$base/lla/dxp-ux/v1/PR/usageConsumptionReport?product.publicIdentifier=S-10000&product.publicIdentifierType=SubscriptionId'" >/dev/null 2>&1 &&
	jq -r '.results[0].median * 1000 | . * 10 | round / 10' "$work/c.json")
rows+=("| console: Enter → the complete S-10000 answer (medians of $CONSOLE_RUNS: old ${ofull[*]}, new ${nfull[*]} ms); curl's transfer $curl_big ms | $o ms ($(ratio "$o" "$curl_big") × curl) | $n ms ($(ratio "$n" "$curl_big") × curl) | **$(ratio "$n" "$o")** |")
rows+=("| console RSS holding S-10000 over idle / 5 s after a new search${NEW_ENV:+ (new with $NEW_ENV)} | $(($(med "${oheld[@]}") / 1024)) / $(($(med "${oafter[@]}") / 1024)) MiB | $(($(med "${nheld[@]}") / 1024)) / $(($(med "${nafter[@]}") / 1024)) MiB | |")
rows+=("| binary size | $(stat -c %s "$old") B | $(stat -c %s "$new") B | $(ratio "$(stat -c %s "$new")" "$(stat -c %s "$old")") |")

echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPU, $(go version | cut -d' ' -f3); load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo
echo "| measure | old | new | new / old |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
