# shellcheck shell=bash
# A Patroni cluster on loopback for the benchmarks: one etcd (v3 API) and two Patroni nodes, pg-a and pg-b,
# each managing a PostgreSQL 15 instance with streaming replication, as plain background processes under a
# run dir. Sourced (at top level, so the arrays below are global) by bench/patroni.sh (failover time) and
# bench/api-throughput.sh (REST API throughput), so both start the cluster the same way. It was patroni.sh's own
# code, moved as it was; only the script name in messages is the caller's, and install_deps puts back an EXIT trap
# the caller had set before it.
#
# The caller sets, before sourcing:
#   PATRONI_CLUSTER_SELF  the script's name, for messages ("patroni.sh")
#   TTL LOOP_WAIT RETRY_TIMEOUT PRIMARY_START_TIMEOUT   Patroni's bootstrap.dcs timings (write_patroni_config)
# and defines:
#   log MESSAGE...        progress line
#   fail MESSAGE...       print why (and dump_logs), exit 1
# Entry points: patroni_cluster_install (apt + checks), start_cluster RUN_DIR (sets LEADER, REPLICA; the REST
# ports are in API_PORT[pg-a|pg-b]), stop_run (kills exactly what start_cluster started), dump_logs.

PG_BIN=/usr/lib/postgresql/15/bin
PY=/usr/bin/python3            # Debian's python3 (the one Patroni runs on), not whatever is first on PATH
SUPERPASS=bench-super
REPLPASS=bench-repl
: "${PATRONI_CLUSTER_SELF:=patroni-cluster.sh}"

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
  local policy=/usr/sbin/policy-rc.d added_policy=0 prev_exit_trap=""
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && added_policy=1
    prev_exit_trap=$(trap -p EXIT)   # the caller's cleanup, if it set one already: put back afterwards
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  local rc=0
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } || rc=$?
  if [[ $added_policy -eq 1 ]]; then
    rm -f "$policy"
    if [[ -n $prev_exit_trap ]]; then eval "$prev_exit_trap"; else trap - EXIT; fi
  fi
  [[ $rc -eq 0 ]] || { echo "$PATRONI_CLUSTER_SELF: apt-get install ${need[*]} failed" >&2; exit 1; }
}

# install_deps, then make sure every binary is where the cluster expects it; sets the *_VERSION variables
patroni_cluster_install() {
  install_deps
  local f
  for f in /usr/bin/patroni /usr/bin/etcd "$PG_BIN/postgres" "$PG_BIN/psql" "$PY"; do
    [[ -x $f ]] || { echo "$PATRONI_CLUSTER_SELF: $f missing after install" >&2; exit 1; }
  done
  PATRONI_VERSION=$(dpkg-query -W -f='${Version}' patroni)
  ETCD_VERSION=$(dpkg-query -W -f='${Version}' etcd-server)
  PG_VERSION=$(dpkg-query -W -f='${Version}' postgresql-15)
}

# ------------------------------------------------------------------------------------------ state, stop
RUN_DIR=""                     # the current run's dir ($T/run-N-scenario)
ETCD_PID=""
declare -gA PATRONI_PID=()     # node -> Patroni pid
declare -gA PG_PORT=() API_PORT=() NODE_DIR=()
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

# ----------------------------------------------------------------------------------------------- helpers
now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }


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
