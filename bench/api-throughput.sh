#!/usr/bin/env bash
# HTTP API throughput, side by side: the mesh's GET /api/v1/cluster and GET /api/v1/failover against Patroni's
# REST API GET /cluster, with wrk, on this machine (bench/api-throughput.md has the method and results).
#
#   mesh     three `health-mesh run` processes (nyc1-a, ams3-a, sfo3-w witness) on loopback, from the configs
#            the demo and the multi-process tests use (LocalMeshConfig, written by `Mesh.Bench mesh-config`);
#            the only targets are the site nodes' own /healthz, DigitalOcean is an unreachable port. Measured
#            on the node that hosts the coordinator singleton (target "mesh") and, with BENCH_REMOTE=1, on a
#            node that does not (target "mesh-remote": every answer asks the coordinator over Akka remoting).
#            GET /healthz on the coordinator's node is measured too (target "mesh-healthz"): the HTTP stack
#            with no actor behind it, the floor the API endpoints are compared against.
#   patroni  etcd + Patroni pg-a (leader) + pg-b (streaming replica), started by bench/lib/patroni-cluster.sh
#            exactly as bench/patroni.sh does; GET /cluster on the leader's REST API.
#
# For each (target, endpoint) two wrk runs, each after a warm-up run of the same kind that is thrown away:
#   max   as fast as it goes: BENCH_THREADS threads, BENCH_CONNECTIONS connections
#   rate  a fixed offered rate of BENCH_RATE requests/s (wrk 4 has no -R: bench/lib/wrk-paced.lua paces it),
#         same threads and connections; the achieved rate is what wrk counted
# BENCH_PIN=1 (default) runs the server side (all mesh nodes; etcd, Patroni and PostgreSQL) on CPU 0 and wrk on
# CPU 1, so the load generator never steals the server's core; BENCH_PIN=0 lets them share both cores.
# The mesh is measured first and stopped, then Patroni is started and measured, so neither idles beside the other.
#
# The last lines are machine-readable, one per (target, endpoint, mode), then the goal verdicts:
#   RESULT target=mesh node=nyc1-a endpoint=/api/v1/cluster mode=max connections=32 offered=- rps=... p50_ms=...
#          p99_ms=... non2xx=0 errors=0 eof_reads=0 valid=yes cpu_us_per_req=... load=... ratio=...
#          (ratio, max mode only: rps / Patroni's best valid max rps)
#   GOAL p99<5ms@5000/s target=mesh endpoint=/api/v1/cluster achieved_rps=... p99_ms=... PASS|FAIL
#   GOAL throughput>=5x-patroni target=mesh endpoint=/api/v1/cluster rps=... patroni_rps=... ratio=... PASS|FAIL
# A run with non-2xx answers or socket errors is not a valid result: it is printed with valid=no.
# Missing the goal is a result, not a failure.
#
# Patroni answers HTTP/1.0 with no Content-Length: the end of the connection ends each body, and wrk counts that
# EOF as a socket read error, one per answer (github.com/wg/wrk/issues/462). For such a target (seen with curl
# before measuring) up to one read error per completed answer is reported as eof_reads, not as an error; any
# read error beyond that, and every connect, write or timeout error, is one.
#
# Environment: BENCH_WARMUP (s, 5), BENCH_DURATION (s, 20), BENCH_THREADS (2), BENCH_CONNECTIONS (32),
# BENCH_RATE (5000), BENCH_PIN (1), BENCH_REMOTE (1), BENCH_TIMEOUT (wrk's request timeout, s, 10),
# BENCH_READY_TIMEOUT (s, 120), BENCH_NODE_ENV (extra NAME=VALUE words for the nodes' environment),
# BENCH_KEEP=1 (keep the temp dir with every log).
# Exit codes: 0 ok (goal met or not), 1 failure: something did not start, a mesh run on the coordinator's node was
# invalid, or no Patroni max run was valid; 2 bad input. An invalid run that no verdict uses (mesh-remote,
# mesh-healthz, Patroni overloaded in rate mode, Patroni's max before the fallback) is flagged valid=no and warned
# about. If Patroni's max run has errors, it is run again with 16, 8, ... connections until one is valid, and
# the ratio uses Patroni's best valid max run (the GOAL line names its connections).
# Needs root (apt; Patroni runs as postgres) and the .NET SDK; installs wrk, patroni, etcd-server and
# postgresql-15 when missing.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SELF=api-throughput.sh

usage() {
  echo "usage: bench/api-throughput.sh   (settings through BENCH_* variables; see the header of this file)"
}
case $# in
  0) ;;
  *) if [[ $1 == -h || $1 == --help ]]; then usage; exit 0; fi
     usage >&2; exit 2 ;;
esac

WARMUP=${BENCH_WARMUP:-5}
DURATION=${BENCH_DURATION:-20}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
RATE=${BENCH_RATE:-5000}
PIN=${BENCH_PIN:-1}
REMOTE=${BENCH_REMOTE:-1}
READY_TIMEOUT=${BENCH_READY_TIMEOUT:-120}
# wrk's request timeout. Its default, 2 s, counts a slow answer as a "timeout" error and leaves it out of the
# latency histogram; Patroni (listen backlog 5, one thread per connection) makes a few connections wait 1-3 s
# for accept() under 32 connections. 10 s keeps those in p99, where they belong, and errors for real stalls.
TIMEOUT=${BENCH_TIMEOUT:-10}
KEEP=${BENCH_KEEP:-0}
# extra NAME=VALUE words for every node's environment, e.g. MESH_Logging__LogLevel__Microsoft.AspNetCore=Information
# (the per-request log on again, to measure what it costs)
read -r -a NODE_ENV <<<"${BENCH_NODE_ENV:-}"
GOAL_P99_MS=5
GOAL_RATIO=5
# "at 5,000 requests/s" holds when wrk counted at least this share of the offered rate
RATE_TOLERANCE=0.95

bad() { echo "$SELF: $*" >&2; exit 2; }
for v in WARMUP DURATION THREADS CONNECTIONS RATE READY_TIMEOUT TIMEOUT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || bad "BENCH_$v must be a non-negative integer, got '${!v}'"
done
for v in DURATION THREADS CONNECTIONS RATE READY_TIMEOUT TIMEOUT; do
  [[ ${!v} -ge 1 ]] || bad "BENCH_$v must be >= 1"
done
for w in "${NODE_ENV[@]}"; do
  [[ $w =~ ^[A-Za-z_][A-Za-z0-9_.]*= ]] || bad "BENCH_NODE_ENV: '$w' is not NAME=VALUE"
done
for v in PIN REMOTE KEEP; do
  [[ ${!v} == 0 || ${!v} == 1 ]] || bad "BENCH_$v must be 0 or 1, got '${!v}'"
done
# wrk splits connections over threads and refuses fewer connections than threads
[[ $CONNECTIONS -ge $THREADS ]] || bad "BENCH_CONNECTIONS ($CONNECTIONS) must be >= BENCH_THREADS ($THREADS)"
[[ $(id -u) -eq 0 ]] || bad "run as root (installs packages, runs Patroni as postgres)"
if [[ $PIN == 1 && $(nproc) -lt 2 ]]; then bad "BENCH_PIN=1 needs 2 CPUs (server on 0, wrk on 1); this machine has $(nproc)"; fi

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# Patroni's timings as bench/patroni.sh's defaults; failover timing plays no part in serving GET /cluster.
TTL=20 LOOP_WAIT=1 RETRY_TIMEOUT=3 PRIMARY_START_TIMEOUT=300
PATRONI_CLUSTER_SELF=$SELF
# shellcheck source=lib/patroni-cluster.sh
source bench/lib/patroni-cluster.sh
LUA=$PWD/bench/lib/wrk-paced.lua

# --------------------------------------------------------------------------------- install (before the trap)
# install_deps swaps the EXIT trap while apt runs (it puts the caller's back), so it runs before ours exists.
patroni_cluster_install
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; } ||
    { echo "$SELF: apt-get install wrk failed" >&2; exit 1; }
fi
command -v dotnet >/dev/null || { echo "$SELF: dotnet (the .NET SDK, see global.json) is not on PATH" >&2; exit 1; }
WRK_VERSION=$(dpkg-query -W -f='${Version}' wrk 2>/dev/null || echo unknown)

# ------------------------------------------------------------------------------------ temp dir, cleanup
T=$(mktemp -d /tmp/api-throughput.XXXXXX)
chmod 755 "$T"                 # postgres must reach the Patroni node dirs below
declare -A MESH_PID=() MESH_PORT=() MESH_CFG=()
MESH_NODES=()
WRK_PID=""

stop_mesh() {
  local n pids=() p i alive
  for n in "${!MESH_PID[@]}"; do
    if kill -0 "${MESH_PID[$n]}" 2>/dev/null; then pids+=("${MESH_PID[$n]}"); fi
  done
  if [[ ${#pids[@]} -gt 0 ]]; then
    # SIGTERM first (a node leaves the cluster and exits); the last node may wait on its peers, so not for long
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for i in $(seq 50); do
      alive=0
      for p in "${pids[@]}"; do if kill -0 "$p" 2>/dev/null; then alive=1; fi; done
      if [[ $alive -eq 0 ]]; then break; fi
      sleep 0.1
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  MESH_PID=()
}

CLEANED=0
cleanup() {
  local rc=$?
  [[ $CLEANED -eq 1 ]] && return; CLEANED=1
  trap - INT TERM
  if [[ -n $WRK_PID ]]; then kill -KILL "$WRK_PID" 2>/dev/null || true; fi
  stop_mesh || true
  stop_run || true             # Patroni, PostgreSQL, etcd (bench/lib/patroni-cluster.sh)
  if [[ $KEEP == 1 ]]; then
    echo "$SELF: kept $T (BENCH_KEEP=1)" >&2
  else
    rm -rf "$T"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "$SELF: interrupted" >&2; exit 130' INT TERM

dump_mesh_logs() {
  local n
  for n in "${MESH_NODES[@]}"; do
    [[ -f $T/mesh/$n.log ]] || continue
    echo "==== $T/mesh/$n.log (last 25 lines)" >&2
    tail -n 25 "$T/mesh/$n.log" >&2 || true
  done
}
fail() {
  echo "$SELF: FAILED: $*" >&2
  echo "$SELF: logs are under $T (removed on exit unless BENCH_KEEP=1)" >&2
  dump_mesh_logs
  dump_logs                    # Patroni's, when it runs
  exit 1
}

# ----------------------------------------------------------------------------------------------- helpers
SERVER_PIN=() CLIENT_PIN=()
if [[ $PIN == 1 ]]; then SERVER_PIN=(taskset -c 0); CLIENT_PIN=(taskset -c 1); fi
CLK_TCK=$(getconf CLK_TCK)
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# CPU ticks (user + system, all threads) used so far by the given pids; fields after the ")" of the command name
cpu_ticks() {
  local p sum=0 rest f
  for p in "$@"; do
    rest=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null) || continue
    read -r -a f <<<"$rest"
    sum=$(( sum + f[11] + f[12] ))   # utime, stime (fields 14 and 15 of stat)
  done
  echo "$sum"
}
# busy and total jiffies of the whole machine
machine_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true; }

# ------------------------------------------------------------------------------------------------ build
build() {
  log "building: dotnet publish src/Mesh.Node -c Release, dotnet build bench/Mesh.Bench -c Release"
  # no build servers left behind (MSBuild nodes, the compiler server): this script ends every process it started
  local flags=(-c Release -nologo -v:q --disable-build-servers)
  dotnet publish src/Mesh.Node/Mesh.Node.csproj "${flags[@]}" -o "$T/node" >"$T/build.log" 2>&1 ||
    { tail -n 30 "$T/build.log" >&2; fail "dotnet publish src/Mesh.Node failed"; }
  dotnet build bench/Mesh.Bench/Mesh.Bench.csproj "${flags[@]}" >>"$T/build.log" 2>&1 ||
    { tail -n 30 "$T/build.log" >&2; fail "dotnet build bench/Mesh.Bench failed"; }
  [[ -x $T/node/health-mesh ]] || fail "no health-mesh executable in $T/node after publish"
}

# ------------------------------------------------------------------------------------------------- mesh
start_mesh() {
  local out name _region port cfg
  out=$(bench/Mesh.Bench/bin/Release/net10.0/Mesh.Bench mesh-config "$T/mesh") || fail "Mesh.Bench mesh-config failed"
  while read -r name _region port cfg; do
    MESH_NODES+=("$name"); MESH_PORT[$name]=$port; MESH_CFG[$name]=$cfg
  done <<<"$out"
  [[ ${#MESH_NODES[@]} -eq 3 ]] || fail "expected three node configs from Mesh.Bench mesh-config, got: $out"
  for name in "${MESH_NODES[@]}"; do
    env "${NODE_ENV[@]}" "${SERVER_PIN[@]}" "$T/node/health-mesh" run --config "${MESH_CFG[$name]}" >"$T/mesh/$name.log" 2>&1 &
    MESH_PID[$name]=$!
    disown "${MESH_PID[$name]}"   # no job notices; stop_mesh kills it by pid
  done
  log "mesh: ${MESH_NODES[*]} started (pids ${MESH_PID[*]}), HTTP on 127.0.0.1 ports ${MESH_PORT[*]}"
}

# every node: /api/v1/cluster 200 with three Up members and a coordinator, /api/v1/failover 200; sets COORD
mesh_ready() {
  local n body coord seen=""
  for n in "${MESH_NODES[@]}"; do
    kill -0 "${MESH_PID[$n]}" 2>/dev/null || fail "node $n (pid ${MESH_PID[$n]}) exited (log: $T/mesh/$n.log)"
    body=$(curl -fsS --max-time 2 "http://127.0.0.1:${MESH_PORT[$n]}/api/v1/cluster" 2>/dev/null) || return 1
    coord=$("$PY" -c "import json,sys; c=json.loads(sys.argv[1]); ok=c.get('coordinatorNode') and sum(m['status']=='Up' for m in c['members'])==3; print(c['coordinatorNode'] if ok else '')" "$body" 2>/dev/null) || return 1
    [[ -n $coord ]] || return 1
    [[ -z $seen || $seen == "$coord" ]] || return 1   # all nodes name the same coordinator
    seen=$coord
    [[ $(http_code "http://127.0.0.1:${MESH_PORT[$n]}/api/v1/failover") == 200 ]] || return 1
  done
  COORD=$seen
}

# idle_cpu LABEL PIDS...: how much CPU the system uses with no requests (gossip, probes, Patroni's loop), 5 s;
# right after start-up that includes the JIT's background compiles, so the mesh is also measured after its runs
idle_cpu() {
  local label=$1; shift
  local c0 c1
  c0=$(cpu_ticks "$@"); sleep 5; c1=$(cpu_ticks "$@")
  log "$label idle: $(awk -v t=$((c1 - c0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.3f", t / hz / 5 }') cores (included in the server CPU figures)"
}

# ---------------------------------------------------------------------------------------------- measure
RESULTS=$T/results
: >"$RESULTS"
CONNS=$CONNECTIONS             # wrk's connections for the next run (fewer only for Patroni's fallback, below)

# CHILD_CPU: CPU seconds (user + system) of this shell's reaped children so far; around a wait for wrk, wrk's own.
# `times` runs in this shell (a $(...) subshell would report its own, empty, children)
children_cpu() {
  times >"$T/times"            # line 2: "XmY.YYYs XmY.YYYs", the children's user and system time
  CHILD_CPU=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] } printf "%.3f", s }' "$T/times")
}

# run_wrk OUT RATE SECONDS URL: one wrk run (RATE 0 = as fast as it goes); wrk is waited for in the background
# so that the trap can kill it
run_wrk() {
  local out=$1 rate=$2 secs=$3 url=$4
  WRK_RATE=$rate WRK_THREADS=$THREADS "${CLIENT_PIN[@]}" wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" \
    --timeout "${TIMEOUT}s" --latency -s "$LUA" "$url" >"$out" 2>&1 &
  WRK_PID=$!
  if ! wait "$WRK_PID"; then WRK_PID=""; cat "$out" >&2; fail "wrk failed against $url"; fi
  WRK_PID=""
  grep -q '^WRK ' "$out" || { cat "$out" >&2; fail "wrk printed no WRK line against $url (bench/lib/wrk-paced.lua's done())"; }
}

field() { sed -n 's/.* '"$1"'=\([^ ]*\).*/\1/p' <<<" $2"; }

# whether the answer at URL is delimited by the end of the connection (no Content-Length, not chunked, not kept
# alive): then wrk counts one EOF "read error" per answer
close_delimited() {
  local headers
  headers=$(curl -s --max-time 2 -D - -o /dev/null "$1" | tr -d '\r') || return 1
  ! grep -qiE '^(content-length|transfer-encoding):' <<<"$headers" && ! grep -qiE '^connection: *keep-alive' <<<"$headers"
}

# measure TARGET NODE URL ENDPOINT MODE SERVER_PIDS...
measure() {
  local target=$1 node=$2 url=$3 endpoint=$4 mode=$5; shift 5
  local rate=0 offered=- load c0 c1 m0 m1 mt0 mt1 w0 w1 line n eof_delimited=0
  if close_delimited "$url"; then eof_delimited=1; fi
  if [[ $mode == rate ]]; then rate=$RATE; offered=$RATE; fi
  n=$(wc -l <"$RESULTS")
  run_wrk "$T/wrk-$n-warmup.out" "$rate" "$WARMUP" "$url"
  local wline; wline=$(grep '^WRK ' "$T/wrk-$n-warmup.out")
  if [[ $(field non2xx "$wline") != 0 || $(( $(field connect "$wline") + $(field write "$wline") + $(field timeout "$wline") )) != 0 ]] ||
     (( $(field read "$wline") > eof_delimited * $(field requests "$wline") )); then
    log "note: the warm-up against $url had errors: $wline"
  fi
  load=$(loadavg)
  c0=$(cpu_ticks "$@"); read -r m0 mt0 < <(machine_ticks); children_cpu; w0=$CHILD_CPU
  run_wrk "$T/wrk-$n.out" "$rate" "$DURATION" "$url"
  c1=$(cpu_ticks "$@"); read -r m1 mt1 < <(machine_ticks); children_cpu; w1=$CHILD_CPU
  line=$(grep '^WRK ' "$T/wrk-$n.out")
  local req rps p50 p99 non2xx errors valid cpu_req server_cores busy reads eof_reads=0
  req=$(field requests "$line"); rps=$(field rps "$line"); non2xx=$(field non2xx "$line"); reads=$(field read "$line")
  if [[ $eof_delimited == 1 ]]; then eof_reads=$(( reads < req ? reads : req )); fi
  p50=$(awk -v u="$(field p50_us "$line")" 'BEGIN { printf "%.2f", u / 1000 }')
  p99=$(awk -v u="$(field p99_us "$line")" 'BEGIN { printf "%.2f", u / 1000 }')
  errors=$(( $(field connect "$line") + reads - eof_reads + $(field write "$line") + $(field timeout "$line") ))
  valid=yes
  if [[ $non2xx -ne 0 || $errors -ne 0 || $req -eq 0 ]]; then valid=no; fi
  # the server side's CPU per answered request, and how busy the whole machine was (wrk and anyone else included)
  cpu_req=$(awk -v t=$((c1 - c0)) -v hz="$CLK_TCK" -v r="$req" 'BEGIN { printf "%.0f", (r ? t / hz * 1e6 / r : 0) }')
  server_cores=$(awk -v t=$((c1 - c0)) -v hz="$CLK_TCK" -v d="$DURATION" 'BEGIN { printf "%.2f", t / hz / d }')
  busy=$(awk -v b=$((m1 - m0)) -v t=$((mt1 - mt0)) 'BEGIN { printf "%.0f", (t ? 100 * b / t : 0) }')
  # what else ran meanwhile: the machine's busy cores minus the server side's and wrk's (another engineer's build)
  local wrk_cores other_cores
  wrk_cores=$(awk -v a="$w0" -v b="$w1" -v d="$DURATION" 'BEGIN { printf "%.2f", (b - a) / d }')
  other_cores=$(awk -v b=$((m1 - m0)) -v t=$((mt1 - mt0)) -v n="$(nproc)" -v s="$server_cores" -v w="$wrk_cores" \
    'BEGIN { o = (t ? n * b / t : 0) - s - w; printf "%.2f", (o < 0 ? 0 : o) }')
  local what=$mode
  if [[ $mode == rate ]]; then what="rate (offered $RATE/s)"; fi
  if [[ $CONNS != "$CONNECTIONS" ]]; then what="$what, $CONNS connections"; fi
  log "$target ($node) GET $endpoint $what: $rps req/s, p50 $p50 ms, p99 $p99 ms, non-2xx $non2xx, socket errors $errors$( [[ $eof_delimited == 1 ]] && echo " (+$eof_reads EOFs that end answers)"); server CPU $server_cores cores ($cpu_req µs/request), wrk $wrk_cores, anything else $other_cores cores; machine ${busy}% busy; load before $load"
  echo "target=$target node=$node endpoint=$endpoint mode=$mode connections=$CONNS offered=$offered rps=$rps p50_ms=$p50 p99_ms=$p99 non2xx=$non2xx errors=$errors eof_reads=$eof_reads valid=$valid cpu_us_per_req=$cpu_req server_cores=$server_cores wrk_cores=$wrk_cores other_cores=$other_cores machine_busy_pct=$busy load=${load// /,}" >>"$RESULTS"
}

# ------------------------------------------------------------------------------------------------- main
log "$(nproc) cores, load average $(loadavg) (other work on this machine shares the CPU); wrk $WRK_VERSION, Patroni $PATRONI_VERSION, etcd $ETCD_VERSION"
log "wrk: $THREADS threads, $CONNECTIONS connections, ${WARMUP} s warm-up + ${DURATION} s measured per run; rate mode offers $RATE/s; $( [[ $PIN == 1 ]] && echo "server side pinned to CPU 0, wrk to CPU 1" || echo "not pinned: wrk shares both cores with the server side")"
build

start_mesh
deadline=$(( SECONDS + READY_TIMEOUT ))
until mesh_ready; do
  (( SECONDS < deadline )) || fail "the mesh did not form (three Up members, a coordinator, /api/v1/failover 200 on every node) within ${READY_TIMEOUT}s"
  sleep 0.5
done
REMOTE_NODE=""
for n in "${MESH_NODES[@]}"; do if [[ $n != "$COORD" ]]; then REMOTE_NODE=$n; break; fi; done
log "mesh ready: coordinator on $COORD; measuring GET on $COORD${REMOTE_NODE:+ and, through Akka remoting, on $REMOTE_NODE}"
mesh_pids=("${MESH_PID[@]}")
idle_cpu "mesh (three nodes), just formed," "${mesh_pids[@]}"
for mode in max rate; do
  for ep in /api/v1/cluster /api/v1/failover; do
    measure mesh "$COORD" "http://127.0.0.1:${MESH_PORT[$COORD]}$ep" "$ep" "$mode" "${mesh_pids[@]}"
  done
  measure mesh-healthz "$COORD" "http://127.0.0.1:${MESH_PORT[$COORD]}/healthz" /healthz "$mode" "${mesh_pids[@]}"
  if [[ $REMOTE == 1 ]]; then
    for ep in /api/v1/cluster /api/v1/failover; do
      measure mesh-remote "$REMOTE_NODE" "http://127.0.0.1:${MESH_PORT[$REMOTE_NODE]}$ep" "$ep" "$mode" "${mesh_pids[@]}"
    done
  fi
done
idle_cpu "mesh (three nodes), after the runs," "${mesh_pids[@]}"
stop_mesh

log "Patroni: starting etcd, pg-a (leader) and pg-b (replica)"
start_cluster "$T/patroni"
[[ $(http_code "http://127.0.0.1:${API_PORT[$LEADER]}/cluster") == 200 ]] || fail "Patroni's GET /cluster on $LEADER does not answer 200"
patroni_pids=("${PATRONI_PID[@]}" "$ETCD_PID")
for n in "${NODES[@]}"; do
  if pm=$(postmaster_pid "$n"); then patroni_pids+=("$pm" $(pgrep -P "$pm" || true)); fi
done
if [[ $PIN == 1 ]]; then
  # started by the shared cluster code, so pinned afterwards: every thread of every process (-a); postgres
  # backends forked later inherit the postmaster's affinity, Patroni's request threads their parent's
  for p in "${patroni_pids[@]}"; do taskset -a -c -p 0 "$p" >/dev/null 2>&1 || true; done
fi
log "Patroni ready: leader $LEADER, REST API on 127.0.0.1:${API_PORT[$LEADER]}"
idle_cpu "Patroni (etcd, two Patroni, two PostgreSQL)" "${patroni_pids[@]}"
PATRONI_URL="http://127.0.0.1:${API_PORT[$LEADER]}/cluster"
for mode in max rate; do
  measure patroni "$LEADER" "$PATRONI_URL" /cluster "$mode" "${patroni_pids[@]}"
done
# The throughput ratio must rest on a valid Patroni run: should the same-settings max run have errors, Patroni is
# measured again with fewer connections (its REST server has one Python thread per connection and a listen
# backlog of 5), down to the first valid run.
if [[ $(field valid "$(grep -E '^target=patroni .* mode=max ' "$RESULTS")") == no ]]; then
  for c in 16 8 4 2 1; do
    (( c < CONNECTIONS && c >= THREADS )) || continue
    CONNS=$c
    log "Patroni's max run with $CONNECTIONS connections had errors: again with $c"
    measure patroni "$LEADER" "$PATRONI_URL" /cluster max "${patroni_pids[@]}"
    if [[ $(field valid "$(tail -n 1 "$RESULTS")") == yes ]]; then break; fi
  done
  CONNS=$CONNECTIONS
fi
stop_run

# ------------------------------------------------------------------------------------------------ summary
echo
log "load average at the end: $(loadavg)"
# Patroni's throughput: the best valid max run (same settings, or the fallback with fewer connections)
best=$( { grep -E '^target=patroni .* mode=max .* valid=yes ' "$RESULTS" || true; } | sed 's/.* rps=\([^ ]*\).*/\1 &/' | sort -g | tail -n 1 | cut -d' ' -f2-)
prps=$(field rps "$best"); pconns=$(field connections "$best")
while read -r line; do
  ratio=-
  if [[ $(field mode "$line") == max && -n $prps ]]; then
    ratio=$(awk -v a="$(field rps "$line")" -v b="$prps" 'BEGIN { printf "%.1f", a / b }')
  fi
  echo "RESULT $line ratio=$ratio"
done <"$RESULTS"

# the goal: p99 under 5 ms at 5,000 requests/s, and at least 5x Patroni's throughput. Judged for the coordinator's
# node (mesh) and, when measured, for a node that asks it over remoting (mesh-remote).
for target in mesh mesh-remote; do
  for ep in /api/v1/cluster /api/v1/failover; do
    line=$(grep -E "^target=$target .* endpoint=$ep mode=rate " "$RESULTS" || true)
    [[ -n $line ]] || continue
    verdict=$(awk -v r="$(field rps "$line")" -v p="$(field p99_ms "$line")" -v off="$RATE" -v tol="$RATE_TOLERANCE" -v g="$GOAL_P99_MS" \
      'BEGIN { print (r >= off * tol && p < g) ? "PASS" : "FAIL" }')
    echo "GOAL p99<${GOAL_P99_MS}ms@${RATE}/s target=$target endpoint=$ep achieved_rps=$(field rps "$line") p99_ms=$(field p99_ms "$line") $verdict"
    line=$(grep -E "^target=$target .* endpoint=$ep mode=max " "$RESULTS")
    verdict=$(awk -v a="$(field rps "$line")" -v b="${prps:-0}" -v g="$GOAL_RATIO" 'BEGIN { print (b > 0 && a >= g * b) ? "PASS" : "FAIL" }')
    echo "GOAL throughput>=${GOAL_RATIO}x-patroni target=$target endpoint=$ep rps=$(field rps "$line") patroni_rps=${prps:--} patroni_connections=${pconns:--} ratio=$(awk -v a="$(field rps "$line")" -v b="${prps:-0}" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }') $verdict"
  done
done
# the runs the verdicts rest on must be valid (mesh on the coordinator's node; at least one Patroni max run);
# the others are information
INVALID=0
while read -r line; do
  [[ $(field valid "$line") == no ]] || continue
  target=$(field target "$line"); mode=$(field mode "$line")
  if [[ $target == mesh ]]; then
    echo "$SELF: INVALID: mesh $(field endpoint "$line") $mode had non-2xx answers or socket errors, and a goal verdict rests on it: not a valid result" >&2
    INVALID=1
  else
    echo "$SELF: warning: $target $(field endpoint "$line") $mode ($(field connections "$line") connections) had errors ($(field errors "$line") socket, $(field non2xx "$line") non-2xx): not a valid result, no verdict uses it" >&2
  fi
done <"$RESULTS"
if [[ -z $prps ]]; then
  echo "$SELF: INVALID: no Patroni max run without errors, so no throughput ratio" >&2
  INVALID=1
fi
if [[ $INVALID -eq 1 ]]; then exit 1; fi
