#!/usr/bin/env bash
# bench/run.sh — whole-process performance figures of simdesk (issue 5: P1, P2, P6).
#
# Builds simdesk, starts `simdesk sim` on a free loopback port, writes a config
# that points at it, and measures side by side, in one run, on this machine:
#
#   P1  simdesk lookup --format json   vs  curl … | jq .   (seed-sized cvp PR line 9077613)
#   P2  the same for the 10,000-bucket lines: dxp S-10000 (Matrixx, ~23 MB) and
#       cvp 7870010000 (PR dialect, ~5 MB)
#   P6  peak RSS (/usr/bin/time -f %M) of those lookups vs jq . on the same body
#
#   the first frame of the console: process start to the whole first frame on
#       a 100×30 tmux screen, against a stated budget (FRAME_BUDGET_MS)
#
# and prints a markdown table with the ratios (goal: every ratio ≤ 1.0).
# Exit status: 0 when every goal is met, 1 when one is missed, 2 on a setup error.
#
# Tools: go, hyperfine, curl, jq, tmux and GNU time (/usr/bin/time), all from Debian's
# packages. A missing one is reported; when run as root with apt-get available,
# the script installs it with `apt-get install -y` and says so (set
# BENCH_NO_INSTALL=1 to refuse). Nothing else is downloaded, everything runs on
# 127.0.0.1, and all files go to a private mktemp directory removed at exit.
#
# Knobs (environment): RUNS_BIG (hyperfine runs for the 10k lines, default 8),
# RUNS_SMALL (default 30), RSS_RUNS (peak-RSS samples per command, median kept,
# default 3), FRAME_RUNS (default 7), FRAME_BUDGET_MS (default 250). With the
# defaults the whole run takes about a minute on a 2-core machine (bounded by
# the run counts; every wait has a limit).
set -euo pipefail

RUNS_BIG=${RUNS_BIG:-8}
RUNS_SMALL=${RUNS_SMALL:-30}
RSS_RUNS=${RSS_RUNS:-3}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/simdesk-bench.XXXXXX")
sim_pid=""
tmux_sock="simdesk-bench-$$"
tmux_() { tmux -L "$tmux_sock" -f /dev/null "$@"; }
cleanup() {
	tmux_ kill-server 2>/dev/null || true
	if [[ -n $sim_pid ]]; then
		kill "$sim_pid" 2>/dev/null || true
		wait "$sim_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" >&2; }

# --- tools ------------------------------------------------------------------
need_pkg() { # command package
	if command -v "$1" >/dev/null 2>&1 || [[ -x $1 ]]; then
		return 0
	fi
	if [[ ${BENCH_NO_INSTALL:-} == "" && $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
		say "bench: $1 is missing; installing the Debian package '$2' with apt-get (root, BENCH_NO_INSTALL unset)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >&2 || {
			say "bench: apt-get install $2 failed"
			exit 2
		}
		return 0
	fi
	say "bench: $1 is missing: install the Debian package '$2' (apt-get install $2)"
	exit 2
}
command -v go >/dev/null 2>&1 || { say "bench: go is missing (Go 1.26 is required to build simdesk)"; exit 2; }
need_pkg hyperfine hyperfine
need_pkg curl curl
need_pkg jq jq
need_pkg /usr/bin/time time
need_pkg tmux tmux

# --- build and simulator ----------------------------------------------------
say "bench: building simdesk into $work"
(cd "$repo" && go build -o "$work/simdesk" .)
bin=$work/simdesk

# A private environment: no config, history or journal of the operator's is
# read or written, and SIMDESK_CONFIG always names the simulator's config (an
# unset one would make simdesk run its in-process demo instead).
export HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_STATE_HOME=$work/state
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME"
unset SIMDESK_LOG NO_COLOR
export SIMDESK_SIM_SECRET=demo-secret

"$bin" sim --addr 127.0.0.1:0 >"$work/sim.out" 2>&1 &
sim_pid=$!
base=""
for _ in $(seq 1 100); do # at most 10 s
	base=$(grep -o -m1 'http://127\.0\.0\.1:[0-9]*' "$work/sim.out" 2>/dev/null || true)
	[[ -n $base ]] && grep -q '^# config.toml pointing' "$work/sim.out" && grep -q '^\[\[provider\]\]' "$work/sim.out" && break
	kill -0 "$sim_pid" 2>/dev/null || { say "bench: the simulator exited:"; cat "$work/sim.out" >&2; exit 2; }
	sleep 0.1
done
[[ -n $base ]] || { say "bench: the simulator did not start"; exit 2; }
sleep 0.2 # let it finish printing the config
sed -n '/^# config.toml pointing/,$p' "$work/sim.out" | tail -n +2 | grep -v '^simulator stopped' >"$work/config.toml"
export SIMDESK_CONFIG=$work/config.toml
say "bench: simulator at $base (pid $sim_pid)"

dxp_url="$base/lla/dxp-ux/v1/PR/usageConsumptionReport?product.publicIdentifier=S-10000&product.publicIdentifierType=SubscriptionId"
cvp_url() { echo "$base/lla/cisco-cvp-ux/v1/PR/usageConsumptionReport?product.publicIdentifier=$1&product.publicIdentifierType=MSISDN"; }
dxp_h="-H 'client_id: demo' -H 'client_secret: demo-secret' -H 'channelId: APP' -H 'targetSystem: Matrixx' -H 'X-Correlation-ID: bench-1'"
cvp_h="-H 'Client-id: demo' -H 'Client-secret: demo-secret' -H 'lob: PREPAID' -H 'channelId: ivrB2C' -H 'targetSystem: matrixx' -H 'X-Correlation-ID: bench-1'"

# Each case: name | simdesk arguments | curl command | buckets expected.
cases=(
	"P1 cvp PR 9077613 (seed)|lookup --format json --provider cvp-pr 9077613|curl -sf $cvp_h '$(cvp_url 9077613)'|"
	"P2 dxp S-10000 (10,000 buckets)|lookup --format json --provider dxp-pr S-10000|curl -sf $dxp_h '$dxp_url'|10000"
	"P2 cvp 7870010000 (10,000 buckets)|lookup --format json --provider cvp-pr 7870010000|curl -sf $cvp_h '$(cvp_url 7870010000)'|10000"
)

# --- sanity: both sides answer, and simdesk decodes every bucket -------------
for i in "${!cases[@]}"; do
	IFS='|' read -r name args curlcmd want <<<"${cases[$i]}"
	bash -c "$curlcmd" >"$work/body$i.json" || { say "bench: curl failed for $name"; exit 2; }
	jq -e . "$work/body$i.json" >/dev/null || { say "bench: the simulator's body for $name is not JSON"; exit 2; }
	# shellcheck disable=SC2086
	"$bin" $args >"$work/out$i.json" || { say "bench: simdesk $args failed"; exit 2; }
	got=$(jq '[.results[].lines[].buckets | length] | add' "$work/out$i.json")
	if [[ -n $want && $got != "$want" ]]; then
		say "bench: $name: simdesk printed $got buckets, want $want"
		exit 2
	fi
	say "bench: $name: body $(wc -c <"$work/body$i.json") bytes, simdesk output $(wc -c <"$work/out$i.json") bytes, $got buckets"
done

# --- time: hyperfine, side by side ------------------------------------------
mean_ms() { jq -r ".results[$2].mean * 1000 | . * 10 | round / 10" "$1"; }
sd_ms() { jq -r ".results[$2].stddev * 1000 | . * 10 | round / 10" "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

rows=()
fails=0
for i in "${!cases[@]}"; do
	IFS='|' read -r name args curlcmd want <<<"${cases[$i]}"
	runs=$RUNS_BIG
	[[ -z $want ]] && runs=$RUNS_SMALL
	say "bench: hyperfine $name ($runs runs each)"
	hyperfine --style basic --shell bash --warmup 2 --runs "$runs" --export-json "$work/h$i.json" \
		-n simdesk "$bin $args" \
		-n 'curl | jq .' "set -o pipefail; $curlcmd | jq ." >&2
	s=$(mean_ms "$work/h$i.json" 0)
	c=$(mean_ms "$work/h$i.json" 1)
	r=$(ratio "$s" "$c")
	ok=met
	le "$r" 1.0 || { ok=MISSED; fails=$((fails + 1)); }
	rows+=("| ${name%% *} | ${name#* } | $s ± $(sd_ms "$work/h$i.json" 0) ms | $c ± $(sd_ms "$work/h$i.json" 1) ms | $r | ≤ 1.0 | $ok |")
done

# --- peak RSS: GNU time %M (KiB), median of RSS_RUNS samples ------------------
peak_kb() { # command...
	local xs=()
	for _ in $(seq 1 "$RSS_RUNS"); do
		/usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null
		xs+=("$(tail -n1 "$work/rss")")
	done
	printf '%s\n' "${xs[@]}" | sort -n | sed -n "$(((RSS_RUNS + 1) / 2))p"
}
for i in 1 2; do
	IFS='|' read -r name args curlcmd want <<<"${cases[$i]}"
	say "bench: peak RSS $name"
	# shellcheck disable=SC2086
	s=$(peak_kb "$bin" $args)
	j=$(peak_kb jq . "$work/body$i.json")
	r=$(ratio "$s" "$j")
	ok=met
	le "$r" 1.0 || { ok=MISSED; fails=$((fails + 1)); }
	rows+=("| P6 | peak RSS, ${name#* } | $((s / 1024)) MiB | $((j / 1024)) MiB (jq . on the same body) | $r | ≤ 1.0 | $ok |")
done

# --- first frame: process start to the whole first frame on a tmux screen ----
# A 100×30 tmux pane runs a shell; the console is typed into it and the pane
# is read until the frame's last line (the key hints, "q quit") is on screen.
# The figure includes the shell's fork+exec and the polling (a few ms).
FRAME_RUNS=${FRAME_RUNS:-7}
FRAME_BUDGET_MS=${FRAME_BUDGET_MS:-250}
say "bench: first frame of the console in tmux ($FRAME_RUNS runs)"
tmux_ new-session -d -x 100 -y 30 sh
frames=()
for _ in $(seq 1 "$FRAME_RUNS"); do
	t0=$(date +%s%N)
	tmux_ send-keys "$bin" Enter
	seen=""
	for _ in $(seq 1 1000); do # at most ~5 s
		if tmux_ capture-pane -p | grep -q 'q quit'; then
			seen=1
			break
		fi
		sleep 0.002
	done
	t1=$(date +%s%N)
	[[ -n $seen ]] || { say "bench: the console did not draw its first frame within 5 s:"; tmux_ capture-pane -p >&2; exit 2; }
	frames+=("$(((t1 - t0) / 1000000))")
	tmux_ send-keys q
	for _ in $(seq 1 500); do
		tmux_ capture-pane -p | grep -q 'q quit' || break
		sleep 0.01
	done
done
frame_ms=$(printf '%s\n' "${frames[@]}" | sort -n | sed -n "$(((FRAME_RUNS + 1) / 2))p")
ok=met
((frame_ms <= FRAME_BUDGET_MS)) || { ok=MISSED; fails=$((fails + 1)); }
rows+=("| — | first frame of the console, process start → full 100×30 frame in tmux (median of $FRAME_RUNS; all: ${frames[*]} ms) | $frame_ms ms | budget $FRAME_BUDGET_MS ms | — | ≤ budget | $ok |")

# --- report -----------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
echo "simdesk $(cd "$repo" && git describe --always --dirty 2>/dev/null || echo unknown), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPU ($cpu), $mem, $(go version | cut -d' ' -f3), hyperfine $(hyperfine --version | cut -d' ' -f2), jq $(jq --version)"
echo
echo "| # | measure | simdesk | reference | ratio | goal | |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
if ((fails > 0)); then
	echo "$fails goal(s) missed"
	exit 1
fi
echo "every goal met"
