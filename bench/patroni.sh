#!/usr/bin/env bash
# Side-by-side baseline: how fast does Patroni fail over on this machine?
#
# One etcd (v3 API) and two Patroni nodes, pg-a and pg-b, each managing a PostgreSQL 15 instance
# (streaming replication), all on loopback, all as plain background processes (no systemd) under a fresh
# temp dir. Two scenarios, each BENCH_REPEAT times (default 3), each run from a fresh cluster:
#
#   node-kill  the leader's Patroni, its postmaster and every postgres child are SIGKILLed in one kill(1)
#              call (the machine dying). Measured: kill -> the replica answers pg_is_in_recovery() = false
#              ("promoted") and kill -> it accepts a write. Polled every 100 ms over TCP with psql.
#   db-crash   only the leader's postmaster is SIGKILLed; Patroni stays alive. Measured: kill -> a write
#              is accepted again by whichever node is leader, and what Patroni did (restarted PostgreSQL in
#              place, or failed over).
#
# The last lines are machine-readable, one per measurement:
#   patroni node-kill median 20.09 s (runs: 21.34 19.71 20.09)       kill -> replica promoted
#   patroni node-kill-write median ...                                kill -> first write on the new leader
#   patroni db-crash median ...                                       kill -> first write on the leader
#
# Timings (Patroni's dynamic configuration, bootstrap.dcs): ttl=20 loop_wait=1 retry_timeout=3 by default.
# Why these: Debian bookworm ships Patroni 3.0.2, whose own validation (patroni/validator.py, the schema of
# bootstrap.dcs) only checks that ttl, loop_wait and retry_timeout are integers: `patroni --validate-config`
# rejects ttl 1.5 but passes 3, 0 and even -5; 3.0.2 enforces no minimum and no relation between them.
# Upstream Patroni added the floor later (validator.py: IntValidator(min=20) for ttl, min=1 for loop_wait,
# min=3 for retry_timeout; config.py _validate_and_adjust_timeouts raises smaller values to those minimums
# and lowers loop_wait/retry_timeout until loop_wait + 2*retry_timeout <= ttl; the 3.2.2 docs list them as
# "minimum possible value"). So 20/1/3 is the lowest that current Patroni keeps (1 + 2*3 = 7 <= 20), and
# it is the default.
# What the installed 3.0.2 takes below that floor (override with BENCH_TTL, BENCH_LOOP_WAIT,
# BENCH_RETRY_TIMEOUT): ttl=5 loop_wait=1 retry_timeout=2 is the tightest that still fails over and keeps
# loop_wait + 2*retry_timeout <= ttl. retry_timeout=1 never fails over with etcd3: dcs/etcd3.py
# attempt_to_acquire_leader() refreshes the lease and then gives up ("attempt_to_acquire_leader timeout")
# when less than 1 s of retry_timeout is left, so the replica logs "Error communicating with DCS" every
# cycle and is never promoted (seen here with 3/1/1 and 4/1/1). loop_wait=0 was not tried.
# primary_start_timeout stays at Patroni's default (300 s): after a database crash Patroni restarts
# PostgreSQL in place while it holds the leader lock (BENCH_PRIMARY_START_TIMEOUT=0 asks it to fail over
# instead, when a healthy replica exists).
# The script checks that the running cluster reports exactly these values (REST GET /config) and fails
# otherwise.
#
# Environment: BENCH_REPEAT (3), BENCH_TTL (20), BENCH_LOOP_WAIT (1), BENCH_RETRY_TIMEOUT (3),
# BENCH_PRIMARY_START_TIMEOUT (300), BENCH_SCENARIOS ("node-kill db-crash"), BENCH_TIMEOUT (seconds a
# failover may take before the run fails, 180), BENCH_KEEP=1 (keep the temp dir with every log).
# Needs root (apt, running Patroni as the postgres user); installs patroni, etcd-server and postgresql-15
# when missing.
set -euo pipefail
export LC_ALL=C

REPEAT=${BENCH_REPEAT:-3}
TTL=${BENCH_TTL:-20}
LOOP_WAIT=${BENCH_LOOP_WAIT:-1}
RETRY_TIMEOUT=${BENCH_RETRY_TIMEOUT:-3}
PRIMARY_START_TIMEOUT=${BENCH_PRIMARY_START_TIMEOUT:-300}
SCENARIOS=${BENCH_SCENARIOS:-node-kill db-crash}
FAILOVER_TIMEOUT=${BENCH_TIMEOUT:-180}
KEEP=${BENCH_KEEP:-0}
# The cluster itself (etcd, Patroni, PostgreSQL: start, health checks, stop) is bench/lib/patroni-cluster.sh,
# shared with bench/api-throughput.sh.
PATRONI_CLUSTER_SELF=patroni.sh
# shellcheck source=lib/patroni-cluster.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/patroni-cluster.sh"

for v in REPEAT TTL LOOP_WAIT RETRY_TIMEOUT PRIMARY_START_TIMEOUT FAILOVER_TIMEOUT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "patroni.sh: $v must be a non-negative integer, got '${!v}'" >&2; exit 2; }
done
[[ $REPEAT -ge 1 ]] || { echo "patroni.sh: BENCH_REPEAT must be >= 1" >&2; exit 2; }
if [[ $RETRY_TIMEOUT -lt 2 ]]; then
  echo "patroni.sh: warning: retry_timeout=$RETRY_TIMEOUT < 2: Patroni 3.0.2 with etcd3 cannot take the leader lock (attempt_to_acquire_leader needs >= 1 s of retry_timeout left); node-kill will time out" >&2
fi
if [[ $((LOOP_WAIT + 2 * RETRY_TIMEOUT)) -gt $TTL ]]; then
  echo "patroni.sh: warning: loop_wait + 2*retry_timeout = $((LOOP_WAIT + 2 * RETRY_TIMEOUT)) > ttl = $TTL, which Patroni's documentation forbids (newer releases lower loop_wait/retry_timeout to fit)" >&2
fi
if [[ $TTL -lt 20 || $LOOP_WAIT -lt 1 || $RETRY_TIMEOUT -lt 3 ]]; then
  echo "patroni.sh: note: below upstream Patroni's floor (ttl >= 20, loop_wait >= 1, retry_timeout >= 3); the installed 3.0.2 takes it, newer releases would raise it" >&2
fi
[[ $(id -u) -eq 0 ]] || { echo "patroni.sh: run as root (installs packages, runs Patroni as postgres)" >&2; exit 2; }

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

patroni_cluster_install

# ------------------------------------------------------------------------------------ temp dir, cleanup
T=$(mktemp -d /tmp/patroni-bench.XXXXXX)
chmod 755 "$T"                 # postgres must reach its node dirs below

CLEANED=0
cleanup() {
  local rc=$?
  [[ $CLEANED -eq 1 ]] && return; CLEANED=1
  trap - INT TERM
  stop_run || true
  if [[ $KEEP == 1 ]]; then
    echo "patroni.sh: kept $T (BENCH_KEEP=1)" >&2
  else
    rm -rf "$T"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "patroni.sh: interrupted" >&2; exit 130' INT TERM

fail() {
  echo "patroni.sh: FAILED: $*" >&2
  echo "patroni.sh: logs are under ${RUN_DIR:-$T} (removed on exit unless BENCH_KEEP=1)" >&2
  dump_logs
  exit 1
}

# ----------------------------------------------------------------------------------------------- helpers
secs() { awk -v d="$1" 'BEGIN { printf "%.2f", d / 1e6 }'; }   # microseconds -> "12.34"

# the cluster's dynamic config must be what we asked for; sets TIMINGS_SEEN
check_timings() {
  local out
  out=$(api_get "$1" /config) || fail "GET /config on $1 did not answer"
  TIMINGS_SEEN=$("$PY" -c "import json,sys; d=json.loads(sys.argv[1]); print(d.get('ttl'), d.get('loop_wait'), d.get('retry_timeout'), d.get('primary_start_timeout'))" "$out")
  [[ $TIMINGS_SEEN == "$TTL $LOOP_WAIT $RETRY_TIMEOUT $PRIMARY_START_TIMEOUT" ]] ||
    fail "Patroni runs with ttl/loop_wait/retry_timeout/primary_start_timeout = $TIMINGS_SEEN, expected $TTL $LOOP_WAIT $RETRY_TIMEOUT $PRIMARY_START_TIMEOUT"
  if [[ $TIMINGS_SHOWN -eq 0 ]]; then
    log "the cluster runs with them: GET /config on $1 says ttl/loop_wait/retry_timeout/primary_start_timeout = $TIMINGS_SEEN"
    TIMINGS_SHOWN=1
  fi
}
TIMINGS_SHOWN=0

# a marker row on the leader, replayed on the replica before anything is killed (checked after the failover)
write_marker() {
  MARKER="before-kill-$1-$RANDOM"
  psql_q "${PG_PORT[$LEADER]}" "insert into bench_probe (note) values ('$MARKER')" >/dev/null || fail "could not write the marker on $LEADER"
  wait_for 30 "the marker row did not reach the replica $REPLICA" \
    test "$(psql_q "${PG_PORT[$REPLICA]}" "select count(*) from bench_probe where note = '$MARKER'")" == 1
}

# when Patroni logged the first line matching $2 in log file $1, in microseconds since the epoch (or nothing)
log_time_us() {
  local line ts
  line=$(grep -m1 -E "$2" "$1" 2>/dev/null) || return 0
  ts=$(awk '{print $1" "$2}' <<<"$line"); ts=${ts/,/.}
  date -d "$ts" +%s%6N 2>/dev/null || true
}

# ------------------------------------------------------------------------------------------- scenarios
# results: one line per run in $T/results-<scenario>
run_node_kill() {
  local i=$1 pm kids t0 now promoted="" wrote="" deadline r lock_us lock=""
  start_cluster "$T/run-$i-node-kill"
  check_timings "$LEADER"
  write_marker "$i"
  pm=$(postmaster_pid "$LEADER") || fail "no postmaster found for the leader $LEADER"
  kids=$(pgrep -P "$pm" || true)
  local old_tail; old_tail=$(wc -l <"${NODE_DIR[$REPLICA]}/patroni.log")
  # the machine dies: Patroni, the postmaster and all its children in one kill
  t0=$(now_us)
  kill -KILL "${PATRONI_PID[$LEADER]}" "$pm" $kids
  deadline=$(( t0 + FAILOVER_TIMEOUT * 1000000 ))
  while :; do
    now=$(now_us)
    (( now < deadline )) || fail "node-kill run $i: $REPLICA was not promoted within ${FAILOVER_TIMEOUT}s of killing $LEADER (promoted: ${promoted:-no}; log: ${NODE_DIR[$REPLICA]}/patroni.log)"
    patroni_alive "$REPLICA" || fail "Patroni $REPLICA exited during the failover (log: ${NODE_DIR[$REPLICA]}/patroni.log)"
    if [[ -z $promoted ]]; then
      r=$(psql_q "${PG_PORT[$REPLICA]}" "select pg_is_in_recovery()" || true)
      if [[ $r == f ]]; then promoted=$(now_us); fi
    fi
    if [[ -n $promoted ]] && psql_q "${PG_PORT[$REPLICA]}" "insert into bench_probe (note) values ('after-node-kill-$i')" >/dev/null; then
      wrote=$(now_us); break
    fi
    sleep 0.1
  done
  PATRONI_PID[$LEADER]=""       # dead; nothing left to clean up there
  [[ $(psql_q "${PG_PORT[$REPLICA]}" "select count(*) from bench_probe where note = '$MARKER'") == 1 ]] ||
    fail "node-kill run $i: the marker written before the kill is missing on the promoted $REPLICA"
  # when did the replica's Patroni take the leader lock (its log), for the breakdown
  tail -n +"$((old_tail + 1))" "${NODE_DIR[$REPLICA]}/patroni.log" >"$RUN_DIR/replica-after-kill.log" || true
  lock_us=$(log_time_us "$RUN_DIR/replica-after-kill.log" "promoted self to leader|acquired session lock as a leader")
  if [[ -n $lock_us ]]; then lock=$(secs $((lock_us - t0))); fi
  local p w; p=$(secs $((promoted - t0))); w=$(secs $((wrote - t0)))
  log "node-kill run $i: killed $LEADER (patroni + postmaster + $(wc -w <<<"$kids") children); $REPLICA took the leader lock at +${lock:-?} s (its log), promoted +$p s, first write +$w s"
  echo "$p $w" >>"$T/results-node-kill"
  stop_run
}

run_db_crash() {
  local i=$1 pm t0 now deadline n wrote="" where="" p after_pm action leader_after
  start_cluster "$T/run-$i-db-crash"
  check_timings "$LEADER"
  write_marker "$i"
  pm=$(postmaster_pid "$LEADER") || fail "no postmaster found for the leader $LEADER"
  local old_tail; old_tail=$(wc -l <"${NODE_DIR[$LEADER]}/patroni.log")
  t0=$(now_us)
  kill -KILL "$pm"          # the database crashes; its children notice the postmaster's death and exit
  deadline=$(( t0 + FAILOVER_TIMEOUT * 1000000 ))
  while :; do
    now=$(now_us)
    (( now < deadline )) || fail "db-crash run $i: no node accepted a write within ${FAILOVER_TIMEOUT}s of killing $LEADER's postmaster (logs: ${NODE_DIR[$LEADER]}/patroni.log, ${NODE_DIR[$LEADER]}/data/log/postgresql.log)"
    for n in "$LEADER" "$REPLICA"; do
      if psql_q "${PG_PORT[$n]}" "insert into bench_probe (note) values ('after-db-crash-$i')" >/dev/null; then
        wrote=$(now_us); where=$n; break 2
      fi
    done
    sleep 0.1
  done
  p=$(secs $((wrote - t0)))
  leader_after=$(leader_name || true)
  after_pm=$(postmaster_pid "$where" || true)
  if [[ $where == "$LEADER" ]]; then
    action="restarted in place (new postmaster pid ${after_pm:-?}, was $pm)"
  else
    action="failed over to $where"
  fi
  [[ -z $leader_after || $leader_after == "$where" ]] || action="$action; Patroni's /cluster names $leader_after as leader"
  [[ $(psql_q "${PG_PORT[$where]}" "select count(*) from bench_probe where note = '$MARKER'") == 1 ]] ||
    fail "db-crash run $i: the marker written before the crash is missing on $where"
  # what Patroni on the crashed leader logged, for the breakdown
  local after="$RUN_DIR/leader-after-crash.log" seen=() us what
  tail -n +"$((old_tail + 1))" "${NODE_DIR[$LEADER]}/patroni.log" >"$after" || true
  for what in "Postgresql is not running=noticed" "starting as readonly|Primary crashed|stopped PostgreSQL to fail over=restart" \
              "promoted self to leader because I had the session lock=promoted"; do
    us=$(log_time_us "$after" "${what%=*}")
    if [[ -n $us ]]; then seen+=("${what##*=} +$(secs $((us - t0))) s"); fi
  done
  log "db-crash run $i: killed $LEADER's postmaster; $action; first write accepted by $where at +$p s (Patroni on $LEADER: ${seen[*]:-no log lines matched})"
  echo "$p $where" >>"$T/results-db-crash"
  stop_run
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END { if (NR % 2) m=a[(NR+1)/2]; else m=(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m }'; }
summary_line() {  # name, runs (space separated)
  echo "patroni $1 median $(median <<<"$2") s (runs: $2)"
}

# ------------------------------------------------------------------------------------------------ main
log "Patroni $PATRONI_VERSION, etcd $ETCD_VERSION, PostgreSQL $PG_VERSION; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
log "timings: ttl=$TTL loop_wait=$LOOP_WAIT retry_timeout=$RETRY_TIMEOUT primary_start_timeout=$PRIMARY_START_TIMEOUT; $REPEAT run(s) per scenario; temp dir $T"
for scenario in $SCENARIOS; do
  case $scenario in
    node-kill|db-crash) ;;
    *) fail "unknown scenario '$scenario' (BENCH_SCENARIOS: node-kill, db-crash)";;
  esac
  for i in $(seq "$REPEAT"); do
    if [[ $scenario == node-kill ]]; then run_node_kill "$i"; else run_db_crash "$i"; fi
  done
done
RUN_DIR=""

echo
log "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this machine shares the CPU)"
for scenario in $SCENARIOS; do
  f=$T/results-$scenario
  if [[ $scenario == node-kill ]]; then
    summary_line node-kill "$(awk '{print $1}' "$f" | paste -sd' ')"
    summary_line node-kill-write "$(awk '{print $2}' "$f" | paste -sd' ')"
  else
    summary_line db-crash "$(awk '{print $1}' "$f" | paste -sd' ')"
    echo "patroni db-crash writes accepted by: $(awk '{print $2}' "$f" | paste -sd' ') (the crashed leader was pg-a each run)"
  fi
done
