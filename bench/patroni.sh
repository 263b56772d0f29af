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
PG_BIN=/usr/lib/postgresql/15/bin
PY=/usr/bin/python3            # Debian's python3 (the one Patroni runs on), not whatever is first on PATH
SUPERPASS=bench-super
REPLPASS=bench-repl

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

# ---------------------------------------------------------------------------------------------- install
install_deps() {
  local need=() pkg
  for pkg in patroni etcd-server postgresql-15 curl procps util-linux python3; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
  [[ ${#need[@]} -eq 0 ]] && return 0
  log "installing ${need[*]}"
  # Debian's postinst scripts would start their own etcd / postgresql services (on 2379 and 5432). Deny
  # service starts for the duration of the install unless a policy is already in place (containers have one).
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && added_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  local rc=0
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } || rc=$?
  if [[ $added_policy -eq 1 ]]; then rm -f "$policy"; trap - EXIT; fi
  [[ $rc -eq 0 ]] || { echo "patroni.sh: apt-get install ${need[*]} failed" >&2; exit 1; }
}
install_deps
for f in /usr/bin/patroni /usr/bin/etcd "$PG_BIN/postgres" "$PG_BIN/psql" "$PY"; do
  [[ -x $f ]] || { echo "patroni.sh: $f missing after install" >&2; exit 1; }
done
PATRONI_VERSION=$(dpkg-query -W -f='${Version}' patroni)
ETCD_VERSION=$(dpkg-query -W -f='${Version}' etcd-server)
PG_VERSION=$(dpkg-query -W -f='${Version}' postgresql-15)

# ------------------------------------------------------------------------------------ temp dir, cleanup
T=$(mktemp -d /tmp/patroni-bench.XXXXXX)
chmod 755 "$T"                 # postgres must reach its node dirs below
RUN_DIR=""                     # the current run's dir ($T/run-N-scenario)
ETCD_PID=""
declare -A PATRONI_PID=()      # node -> Patroni pid
declare -A PG_PORT=() API_PORT=() NODE_DIR=()
NODES=(pg-a pg-b)

# pid of a node's postmaster, only if it really is the postgres of that data dir (never anyone else's)
postmaster_pid() {
  local data=${NODE_DIR[$1]}/data pid
  [[ -f $data/postmaster.pid ]] || return 1
  pid=$(head -1 "$data/postmaster.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | grep -qF -- "$data" || return 1
  echo "$pid"
}
# SysV shared memory id of a node's postgres (line 7 of postmaster.pid: key and id), to remove after SIGKILL
shm_id() { sed -n 7p "${NODE_DIR[$1]}/data/postmaster.pid" 2>/dev/null | awk '{print $2}'; }

# kill everything of the current run: Patroni, postmasters and their children, etcd; drop leftover shm
stop_run() {
  local n pm kids shm pids=()
  declare -A shms=()
  for n in "${!PATRONI_PID[@]}"; do
    if [[ -n ${PATRONI_PID[$n]} ]] && kill -0 "${PATRONI_PID[$n]}" 2>/dev/null; then pids+=("${PATRONI_PID[$n]}"); fi
  done
  for n in "${!NODE_DIR[@]}"; do
    shm=$(shm_id "$n" || true)
    if [[ -n $shm ]]; then shms[$n]=$shm; fi
    if pm=$(postmaster_pid "$n"); then
      kids=$(pgrep -P "$pm" || true)
      pids+=("$pm" $kids)
    fi
  done
  if [[ -n $ETCD_PID ]] && kill -0 "$ETCD_PID" 2>/dev/null; then pids+=("$ETCD_PID"); fi
  if [[ ${#pids[@]} -gt 0 ]]; then
    kill -KILL "${pids[@]}" 2>/dev/null || true
    local i
    for i in $(seq 50); do
      local alive=0 p
      for p in "${pids[@]}"; do if kill -0 "$p" 2>/dev/null; then alive=1; fi; done
      if [[ $alive -eq 0 ]]; then break; fi
      sleep 0.1
    done
  fi
  for n in "${!shms[@]}"; do
    # only if nobody is attached any more (ipcs: key shmid owner perms bytes nattch)
    if ipcs -m | awk -v id="${shms[$n]}" '$2 == id && $6 == 0 {f=1} END {exit !f}'; then
      ipcrm -m "${shms[$n]}" 2>/dev/null || true
    fi
  done
  PATRONI_PID=(); ETCD_PID=""; NODE_DIR=()   # a finished run is never looked at again
}

dump_logs() {
  local f
  [[ -n $RUN_DIR && -d $RUN_DIR ]] || return 0
  echo "---- logs of $RUN_DIR (last 25 lines each) ----" >&2
  for f in "$RUN_DIR"/etcd.log "$RUN_DIR"/*/patroni.log "$RUN_DIR"/*/data/log/*.log; do
    [[ -f $f ]] || continue
    echo "==== $f" >&2
    tail -n 25 "$f" >&2 || true
  done
}

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
now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }
secs() { awk -v d="$1" 'BEGIN { printf "%.2f", d / 1e6 }'; }   # microseconds -> "12.34"

# n distinct free loopback ports, below the ephemeral range so outgoing connections can't take them meanwhile
free_ports() {
  "$PY" - "$1" <<'EOF'
import random, socket, sys
n, got, socks = int(sys.argv[1]), [], []
for port in random.sample(range(20000, 32000), 2000):
    s = socket.socket()
    try:
        s.bind(('127.0.0.1', port))
    except OSError:
        s.close(); continue
    socks.append(s); got.append(port)
    if len(got) == n: break
print(' '.join(map(str, got)))
EOF
}

# psql over TCP as the superuser; prints the result unaligned, fails if the server does not answer
psql_q() {
  PGPASSWORD=$SUPERPASS PGCONNECT_TIMEOUT=2 "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2" 2>/dev/null
}

api_get() { curl -fsS --max-time 2 "http://127.0.0.1:${API_PORT[$1]}$2" 2>/dev/null; }
# GET /cluster from any node that answers, then a python expression over it (variable c)
cluster_eval() {
  local n out
  for n in "${NODES[@]}"; do
    [[ -n ${PATRONI_PID[$n]:-} ]] || continue
    if out=$(api_get "$n" /cluster); then
      "$PY" -c "import json,sys; c=json.loads(sys.argv[1]); print($1)" "$out" 2>/dev/null && return 0
    fi
  done
  return 1
}
leader_name() { cluster_eval "next((m['name'] for m in c['members'] if m['role'] in ('leader','master','primary') and m.get('state') == 'running'), '')"; }

# wait_for SECONDS "what did not happen (where)" command...
wait_for() {
  local timeout=$1 what=$2; shift 2
  local deadline=$(( $(now_us) + timeout * 1000000 ))
  until "$@"; do
    (( $(now_us) < deadline )) || fail "timed out after ${timeout}s: $what"
    sleep 0.2
  done
}

# -------------------------------------------------------------------------------------------- the cluster
etcd_healthy() { curl -fsS --max-time 1 -o /dev/null "http://127.0.0.1:$1/health" 2>/dev/null; }
start_etcd() {
  local cport=$1 pport=$2
  /usr/bin/etcd --name bench --data-dir "$RUN_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$cport" --advertise-client-urls "http://127.0.0.1:$cport" \
    --listen-peer-urls "http://127.0.0.1:$pport" --initial-advertise-peer-urls "http://127.0.0.1:$pport" \
    --initial-cluster "bench=http://127.0.0.1:$pport" --initial-cluster-state new \
    --initial-cluster-token "patroni-bench-$$" >"$RUN_DIR/etcd.log" 2>&1 &
  ETCD_PID=$!
  disown "$ETCD_PID"           # no "Killed" job notices; stop_run kills it by pid
  ETCD_PORT=$cport
  wait_for 30 "etcd did not become healthy on 127.0.0.1:$cport (log: $RUN_DIR/etcd.log)" \
    etcd_healthy "$cport"
}

write_patroni_config() {
  local n=$1 dir=${NODE_DIR[$1]}
  mkdir -p "$dir"
  cat >"$dir/patroni.yml" <<EOF
scope: bench
namespace: /patroni-bench/
name: $n
restapi:
  listen: 127.0.0.1:${API_PORT[$n]}
  connect_address: 127.0.0.1:${API_PORT[$n]}
# Patroni 3.0.2 talks etcd's v3 API through the etcd3 section (etcd 3.4 has v2 off by default).
etcd3:
  hosts: 127.0.0.1:$ETCD_PORT
bootstrap:
  dcs:
    ttl: $TTL
    loop_wait: $LOOP_WAIT
    retry_timeout: $RETRY_TIMEOUT
    primary_start_timeout: $PRIMARY_START_TIMEOUT
    maximum_lag_on_failover: 1048576
    postgresql:
      use_pg_rewind: false
      use_slots: true
      parameters:
        wal_level: replica
        hot_standby: "on"
        max_wal_senders: 5
        max_replication_slots: 5
        wal_keep_size: 128MB
  initdb:
  - encoding: UTF8
  - locale: C
postgresql:
  listen: 127.0.0.1:${PG_PORT[$n]}
  connect_address: 127.0.0.1:${PG_PORT[$n]}
  data_dir: $dir/data
  bin_dir: $PG_BIN
  pgpass: $dir/pgpass
  authentication:
    superuser:
      username: postgres
      password: $SUPERPASS
    replication:
      username: replicator
      password: $REPLPASS
  pg_hba:
  - local all all trust
  - host replication replicator 127.0.0.1/32 md5
  - host all all 127.0.0.1/32 md5
  parameters:
    unix_socket_directories: '$dir'
    logging_collector: "on"
    log_directory: log
    log_filename: postgresql.log
    shared_buffers: 16MB
    max_connections: 30
EOF
  chown -R postgres:postgres "$dir"
}

start_patroni() {
  local n=$1 dir=${NODE_DIR[$1]}
  # PostgreSQL refuses to run as root: Patroni (and the postgres it starts) run as postgres. setpriv execs
  # in place, so $! is Patroni's own pid.
  (cd "$dir" && exec setpriv --reuid=postgres --regid=postgres --init-groups \
      env HOME="$dir" USER=postgres LOGNAME=postgres /usr/bin/patroni "$dir/patroni.yml") \
      >"$dir/patroni.log" 2>&1 &
  PATRONI_PID[$n]=$!
  disown "${PATRONI_PID[$n]}"
}

node_is_leader() {
  local out
  out=$(api_get "$1" /patroni) || return 1
  "$PY" -c "import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d.get('role') in ('master','primary') and d.get('state')=='running' else 1)" "$out" 2>/dev/null &&
    [[ $(psql_q "${PG_PORT[$1]}" "select pg_is_in_recovery()") == f ]]
}
replica_streaming() {
  local leader=$1 replica=$2 cl
  cl=$(cluster_eval "' '.join(m['name']+':'+m['role']+':'+m.get('state','') for m in c['members'])") || return 1
  [[ " $cl " =~ " $replica:replica:"(streaming|running)" " ]] || return 1
  [[ $(psql_q "${PG_PORT[$replica]}" "select pg_is_in_recovery()") == t ]] || return 1
  [[ $(psql_q "${PG_PORT[$leader]}" "select count(*) from pg_stat_replication where state = 'streaming' and application_name = '$replica'") == 1 ]]
}
patroni_alive() { kill -0 "${PATRONI_PID[$1]}" 2>/dev/null; }
alive_and() { local n=$1; shift; patroni_alive "$n" || fail "Patroni $n (pid ${PATRONI_PID[$n]}) exited (log: ${NODE_DIR[$n]}/patroni.log)"; "$@"; }

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

# fresh etcd + pg-a (bootstraps, becomes leader) + pg-b (clones, streams); sets LEADER and REPLICA
start_cluster() {
  RUN_DIR=$1
  mkdir -p "$RUN_DIR"
  local ports
  read -r -a ports <<<"$(free_ports 6)"
  [[ ${#ports[@]} -eq 6 ]] || fail "could not find 6 free loopback ports"
  NODE_DIR=([pg-a]="$RUN_DIR/pg-a" [pg-b]="$RUN_DIR/pg-b")
  PG_PORT=([pg-a]=${ports[2]} [pg-b]=${ports[3]})
  API_PORT=([pg-a]=${ports[4]} [pg-b]=${ports[5]})
  start_etcd "${ports[0]}" "${ports[1]}"
  write_patroni_config pg-a
  write_patroni_config pg-b
  start_patroni pg-a
  wait_for 300 "pg-a did not bootstrap and become leader (PostgreSQL on 127.0.0.1:${PG_PORT[pg-a]}, log: ${NODE_DIR[pg-a]}/patroni.log)" \
    alive_and pg-a node_is_leader pg-a
  start_patroni pg-b
  wait_for 300 "pg-b did not become a streaming replica of pg-a (log: ${NODE_DIR[pg-b]}/patroni.log)" \
    alive_and pg-b replica_streaming pg-a pg-b
  LEADER=pg-a; REPLICA=pg-b
  psql_q "${PG_PORT[$LEADER]}" "create table if not exists bench_probe (id bigserial primary key, at timestamptz not null default clock_timestamp(), note text)" >/dev/null ||
    fail "could not create the probe table on $LEADER"
}

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
