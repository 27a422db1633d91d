# Sourced by scripts/demo --nodes N: N Switchman nodes on one throwaway PostgreSQL and one lab.
#
# The lab and PostgreSQL run in a process of their own (org.switchman.lab.LabLauncher --postgres),
# so that killing a node leaves the lab and the database to the others. Every node runs the
# profiles lab (demo users), lab-attach (the adapters drive that lab) and postgres, under its own
# name (node-1, node-2, ...), port and data directory (data/node-N: its ops log file), with the
# journal key they share. Ctrl-C stops the nodes, then the lab and PostgreSQL, which removes the
# database.

# await_line FILE TEXT PID WHAT: waits until FILE has a line starting with TEXT, while PID lives.
await_line() {
  local deadline=$((SECONDS + START_TIMEOUT))
  until grep -q "^$2" "$1" 2>/dev/null; do
    kill -0 "$3" 2>/dev/null || { echo "$4 exited during startup; the end of $1:" >&2; tail -n 40 "$1" >&2; exit 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "$4 was not ready within $START_TIMEOUT s; the end of $1:" >&2; tail -n 40 "$1" >&2; exit 1; }
    sleep 0.5
  done
}

run_cluster() {
  local nodes=$1
  shift
  local lab pids=() ports=() i
  stop_cluster() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ -n "${lab:-}" ] && kill "$lab" 2>/dev/null; then wait "$lab" 2>/dev/null || true; fi
  }
  trap stop_cluster EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  log "starting the lab and PostgreSQL; log: data/lab-launcher.log"
  # a process group of its own, so that a signal to this script's group (Ctrl-C, kill -- -PGID)
  # reaches the nodes first: they stop while the database still answers, and the EXIT trap stops
  # the lab after them; it gets TERM if this script dies without its trap
  setsid setpriv --pdeathsig TERM -- java "${LAB_JVM[@]}" -cp "$APP_JAR" \
    org.switchman.lab.LabLauncher --data-dir data --postgres >data/lab-launcher.log 2>&1 &
  lab=$!
  await_line data/lab-launcher.log "LAB READY" "$lab" "the lab"
  set -a
  source data/cluster/postgres.env
  set +a
  # the journal's HMAC key, one for all nodes (removed with the database)
  (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >data/cluster/journal.key)

  for i in $(seq 1 "$nodes"); do
    ports+=($((PORT + i - 1)))
    mkdir -p -m 700 "data/node-$i"
    log "starting node-$i (profiles lab, lab-attach, postgres) on port ${ports[-1]}; log: data/node-$i/switchman.log"
    java "${LAB_JAVA_OPTS[@]}" -jar "$APP_JAR" --spring.profiles.active=lab,lab-attach,postgres \
      --switchman.lab.servers=false --switchman.lab.env-file=data/lab/lab.env \
      --switchman.node-name="node-$i" --server.port="${ports[-1]}" \
      --switchman.data-dir="data/node-$i" --switchman.journal.key-file=data/cluster/journal.key \
      "$@" >"data/node-$i/switchman.log" 2>&1 &
    pids+=($!)
  done
  for i in $(seq 1 "$nodes"); do
    local deadline=$((SECONDS + START_TIMEOUT)) port=${ports[$((i - 1))]} log="data/node-$i/switchman.log"
    until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/actuator/health")" = 200 ]; do
      kill -0 "${pids[$((i - 1))]}" 2>/dev/null || { echo "node-$i exited during startup; the end of $log:" >&2; tail -n 40 "$log" >&2; exit 1; }
      [ "$SECONDS" -lt "$deadline" ] || { echo "node-$i did not answer on port $port within $START_TIMEOUT s; the end of $log:" >&2; tail -n 40 "$log" >&2; exit 1; }
      sleep 0.5
    done
  done

  echo
  echo "Switchman is ready: $nodes nodes on one PostgreSQL (lab profile)."
  echo
  for i in $(seq 1 "$nodes"); do
    printf '  node-%s  pid %-7s Tasklist http://localhost:%s/camunda/app/tasklist/   Runs http://localhost:%s/switchman/runs\n' \
      "$i" "${pids[$((i - 1))]}" "${ports[$((i - 1))]}" "${ports[$((i - 1))]}"
  done
  cat <<INFO

Every node runs every run's steps. Start a switchover on one node (as alice, password "demo"),
then kill that node (kill -9 PID): within about 36 s another node takes over its steps
(journaled as FAILOVER in the run's report) and finishes the run. Sessions live in one node:
log in again on another.

Demo users (password "demo"): alice (operators, approvers), bob and dave (approvers),
carol (auditors), admin (camunda-admin).
Lab state for etcdctl, dig, mysql and ssh: data/lab/lab.env; PostgreSQL: data/cluster/postgres.env
Press Ctrl-C to stop.
INFO
  wait "$lab"
}
