#!/bin/bash
# The command interpreter of every lab fleet host. sshd runs it for every session (ForceCommand);
# the host is the one whose address the connection came in on. Each host keeps its state under
# state/<fqdn>/. Output formats follow what operators see on the real hosts.
set -u
# Builtins only up to the dispatch: every fork costs milliseconds, and most commands need none.
FLEET="${BASH_SOURCE[0]%/*}"
. "$FLEET/fleet.env"
read -r _ _ server_address _ <<< "${SSH_CONNECTION:-}"
FQDN="" DC="" CLUSTER=""
while read -r inv_fqdn inv_address inv_dc inv_cluster _; do
  if [ "$inv_address" = "$server_address" ]; then
    FQDN=$inv_fqdn DC=$inv_dc CLUSTER=$inv_cluster
    break
  fi
done < "$FLEET/inventory"
if [ -z "${FQDN:-}" ]; then
  echo "lab fleet: no host has address '$server_address'" >&2
  exit 255
fi
STATE="$FLEET/state/$FQDN"
# a host that is rebooting is down: a session reaching it over a connection opened before the
# reboot ends with the connection, as on a real host
if [ -f "$STATE/rebooting" ]; then kill -9 "$PPID" 2>/dev/null; exit 255; fi
FAULTS="$STATE/faults"
cmd="${SSH_ORIGINAL_COMMAND:-}"
# COMMAND_SLOW faults: files command-slow.N holding "SECONDS PREFIX"
for slow in "$FAULTS"/command-slow.*; do
  [ -f "$slow" ] || continue
  read -r slow_seconds slow_prefix < "$slow"
  [[ "$cmd" == "$slow_prefix"* ]] && sleep "$slow_seconds"
done

unit_name() { local u="${1%.service}"; echo "$u"; }
unit_state() { cat "$STATE/units/$1" 2>/dev/null; }
# when a unit last became active, in SINCE: its last start, or the host's boot for units started at
# boot; of this host, or of the host whose state directory is the second argument
active_since() {
  local dir="${2:-$STATE}" boot=0 state=""
  SINCE=0
  [ -f "$dir/boot-time" ] && read -r boot < "$dir/boot-time"
  [ -f "$dir/active-since/$1" ] && read -r SINCE < "$dir/active-since/$1"
  [ -f "$dir/units/$1" ] && read -r state < "$dir/units/$1"
  if [ "$boot" -gt "$SINCE" ] && { [ "$SINCE" -gt 0 ] || [ "$state" = active ]; }; then SINCE=$boot; fi
}
unit_active_since() { active_since "$@"; echo "$SINCE"; }
mark_active() { mkdir -p "$STATE/active-since"; date +%s > "$STATE/active-since/$1"; }
peers() { awk -v d="$DC" -v c="$1" '$3==d && $4==c {print $1, $2}' "$FLEET/inventory"; }
peer_unit() { cat "$FLEET/state/$1/units/$2" 2>/dev/null; }
host_id() { echo -n "$1" | md5sum | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/\1-\2-\3-\4-\5/'; }
etcd() { ETCDCTL_API=3 "$ETCDCTL" --endpoints="$ETCD_ENDPOINTS" --command-timeout=3s "$@"; }

systemctl_cmd() {
  local action="$1" unit property="" unix=no
  if [ "$action" = show ]; then
    # systemctl show [--timestamp=unix] -p PROPERTY UNIT (or --property=PROPERTY): only
    # ActiveEnterTimestamp
    shift
    while [ $# -gt 1 ]; do
      case "$1" in
        -p) property="$2"; shift 2 ;;
        --property=*) property="${1#--property=}"; shift ;;
        --timestamp=unix) unix=yes; shift ;;
        *) shift ;;
      esac
    done
    set -- show "${1:-}"
  fi
  unit=$(unit_name "${2:-}")
  if [ -z "$unit" ]; then echo "Too few arguments." >&2; return 1; fi
  if [ ! -f "$STATE/units/$unit" ]; then
    case "$action" in
      is-active) echo "inactive"; return 3 ;;
      status) echo "Unit $unit.service could not be found." >&2; return 4 ;;
      *) echo "Failed to $action $unit.service: Unit $unit.service not found." >&2; return 5 ;;
    esac
  fi
  case "$action" in
    show)
      if [ "$property" != ActiveEnterTimestamp ]; then
        echo "lab: only 'systemctl show -p ActiveEnterTimestamp UNIT' is supported" >&2; return 1
      fi
      local since; since=$(unit_active_since "$unit")
      if [ "$since" -gt 0 ] && [ "$unix" = yes ]; then
        echo "ActiveEnterTimestamp=@$since"
      elif [ "$since" -gt 0 ]; then
        echo "ActiveEnterTimestamp=$(date -u -d "@$since" '+%a %Y-%m-%d %H:%M:%S UTC')"
      else
        echo "ActiveEnterTimestamp="
      fi
      return 0 ;;
    is-active)
      local s; s=$(unit_state "$unit"); echo "$s"; [ "$s" = active ] && return 0 || return 3 ;;
    status)
      local s; s=$(unit_state "$unit")
      echo "● $unit.service"
      case "$s" in
        active) echo "     Active: active (running)"; return 0 ;;
        failed) echo "     Active: failed (Result: exit-code)"; return 3 ;;
        *) echo "     Active: inactive (dead)"; return 3 ;;
      esac ;;
    stop)
      echo inactive > "$STATE/units/$unit"
      [ "$unit" = cassandra ] && echo NORMAL > "$STATE/cassandra-mode"
      return 0 ;;
    start|restart)
      if [ "$action" = start ] && [ "$(unit_state "$unit")" = active ]; then return 0; fi
      if [ -f "$FAULTS/restart.$unit" ]; then
        read -r kind arg < "$FAULTS/restart.$unit"
        case "$kind" in
          slow) sleep "$arg" ;;
          fail)
            echo failed > "$STATE/units/$unit"
            echo "Job for $unit.service failed because the control process exited with error code."
            echo "See \"systemctl status $unit.service\" and \"journalctl -xeu $unit.service\" for details."
            return 1 ;;
          attempts)
            local n; n=$(( $(cat "$FAULTS/restart.$unit.count" 2>/dev/null || echo 0) + 1 ))
            if [ "$n" -lt "$arg" ]; then
              echo "$n" > "$FAULTS/restart.$unit.count"
              echo failed > "$STATE/units/$unit"
              echo "Job for $unit.service failed because the control process exited with error code."
              echo "See \"systemctl status $unit.service\" and \"journalctl -xeu $unit.service\" for details."
              return 1
            fi
            rm -f "$FAULTS/restart.$unit.count" ;;
        esac
      fi
      echo active > "$STATE/units/$unit"
      mark_active "$unit"
      [ "$unit" = cassandra ] && echo NORMAL > "$STATE/cassandra-mode"
      if [ -f "$FAULTS/registration.$unit" ]; then
        echo lost > "$STATE/registration/$unit"
      else
        rm -f "$STATE/registration/$unit"
      fi
      return 0 ;;
    *) echo "Unknown command verb $action." >&2; return 1 ;;
  esac
}

cassandra_up() { [ "$(unit_state cassandra)" = active ]; }
nodetool_cmd() {
  if [ ! -f "$STATE/units/cassandra" ]; then echo "bash: line 1: nodetool: command not found" >&2; return 127; fi
  if ! cassandra_up; then
    echo "nodetool: Failed to connect to '127.0.0.1:7199' - ConnectException: 'Connection refused (Connection refused)'." >&2
    return 1
  fi
  local sub="${1:-}"; shift || true
  case "$sub" in
    status)
      local resolve=no; [ "${1:-}" = -r ] && resolve=yes
      echo "Datacenter: $DC"
      echo "==============="
      echo "Status=Up/Down"
      echo "|/ State=Normal/Leaving/Joining/Moving"
      printf -- "--  %-24s %-11s %-7s %-17s %-37s %s\n" Address Load Tokens "Owns (effective)" "Host ID" Rack
      local n=0 total; total=$(peers "$CLUSTER" | wc -l)
      while read -r peer addr; do
        n=$((n + 1))
        local st="UN"
        if [ "$(peer_unit "$peer" cassandra)" != active ] || [ "$(cat "$FLEET/state/$peer/cassandra-mode" 2>/dev/null)" = DRAINED ]; then
          st="DN"
        elif [ -f "$FLEET/state/$peer/faults/cassandra-joining" ]; then
          st="UJ"
        fi
        local name="$addr"; [ "$resolve" = yes ] && name="$peer"
        printf "%s  %-24s %-11s %-7s %-17s %-37s %s\n" "$st" "$name" "$((200 + n * 7)).65 GiB" 256 \
          "$(awk -v t="$total" 'BEGIN {printf "%.1f%%", 300 / t > 100 ? 100 : 300 / t}')" "$(host_id "$peer")" "rack$n"
      done < <(peers "$CLUSTER")
      ;;
    compactionstats)
      local pending=0; [ -f "$FAULTS/compactions" ] && pending=$(cat "$FAULTS/compactions")
      echo "pending tasks: $pending"
      if [ "$pending" -gt 0 ]; then
        echo "                                     id   compaction type                                           keyspace   table      completed          total    unit   progress"
        echo "   cc5bf510-5f80-11e6-a76a-794b8f4f573c        Compaction   local_group_default_T_pageviews_per_article_flat    data   241794291874   366374730011   bytes     66.00%"
        echo "Active compaction remaining time :   0h07m44s"
      fi ;;
    netstats)
      local mode; mode=$(cat "$STATE/cassandra-mode" 2>/dev/null || echo NORMAL)
      [ -f "$FAULTS/cassandra-joining" ] && mode=JOINING
      echo "Mode: $mode"
      echo "Not sending any streams."
      echo "Read Repair Statistics:"
      echo "Attempted: 0"
      echo "Mismatch (Blocking): 0"
      echo "Mismatch (Background): 0" ;;
    drain) echo DRAINED > "$STATE/cassandra-mode" ;;
    *) echo "nodetool: Found unexpected parameters: [$sub]" >&2; return 1 ;;
  esac
}

elasticsearch_health() {
  if [ "$(unit_state elasticsearch)" != active ]; then
    echo "curl: (7) Failed to connect to localhost port 9200 after 0 ms: Couldn't connect to server" >&2
    return 7
  fi
  local total=0 up=0 yellow=no
  while read -r peer addr; do
    total=$((total + 1))
    [ "$(peer_unit "$peer" elasticsearch)" = active ] && up=$((up + 1))
    [ -f "$FLEET/state/$peer/faults/elasticsearch-yellow" ] && yellow=yes
  done < <(peers "$CLUSTER")
  local status=green unassigned=0
  if [ "$up" -lt "$total" ] || [ "$yellow" = yes ]; then status=yellow; unassigned=$(( (total - up + 1) * 137 )); fi
  cat <<JSON
{
  "cluster_name" : "production-search-$DC",
  "status" : "$status",
  "timed_out" : false,
  "number_of_nodes" : $up,
  "number_of_data_nodes" : $up,
  "active_primary_shards" : 3021,
  "active_shards" : $(( 9063 - unassigned )),
  "relocating_shards" : 0,
  "initializing_shards" : 0,
  "unassigned_shards" : $unassigned,
  "delayed_unassigned_shards" : 0,
  "number_of_pending_tasks" : 0,
  "number_of_in_flight_fetch" : 0,
  "task_max_waiting_in_queue_millis" : 0,
  "active_shards_percent_as_number" : $(awk -v u="$unassigned" 'BEGIN {printf "%.1f", 100 * (9063 - u) / 9063}')
}
JSON
}

zookeeper_cmd() {
  local word="$1"
  if [ "$(unit_state zookeeper)" != active ]; then
    echo "nc: connect to localhost port 2181 (tcp) failed: Connection refused" >&2
    return 1
  fi
  case "$word" in
    ruok) echo -n imok ;;
    srvr)
      local leader=""
      while read -r peer addr; do
        if [ "$(peer_unit "$peer" zookeeper)" = active ]; then leader="$peer"; fi
      done < <(peers "$CLUSTER")
      local mode=follower; [ "$leader" = "$FQDN" ] && mode=leader
      echo "Zookeeper version: 3.8.0-5a02a05eddb59aee6ac762f7ea82e92a68eb9c0f, built on 2022-02-25 08:49 UTC"
      echo "Latency min/avg/max: 0/0.4/18"
      echo "Received: 118337"
      echo "Sent: 118336"
      echo "Connections: 12"
      echo "Outstanding: 0"
      echo "Zxid: 0x1a00000c3f"
      echo "Mode: $mode"
      echo "Node count: 1783" ;;
    *) return 0 ;;
  esac
}

etcd_cluster_health() {
  if [ ! -f "$STATE/units/etcd" ]; then echo "bash: line 1: nrpe_etcd_cluster_health: command not found" >&2; return 127; fi
  local total=0 down=()
  while read -r peer addr; do
    [ -f "$FLEET/state/$peer/units/etcd" ] || continue
    total=$((total + 1))
    [ "$(peer_unit "$peer" etcd)" = active ] || down+=("$peer")
  done < <(peers "$CLUSTER")
  if [ ${#down[@]} -eq 0 ]; then echo "OK - all $total members are healthy"; return 0; fi
  echo "CRITICAL - ${#down[@]} of $total members unhealthy: ${down[*]}"; return 2
}

kafka_urp() {
  if [ ! -f "$STATE/units/kafka" ]; then echo "bash: line 1: kafka: command not found" >&2; return 127; fi
  local ids=() down=()
  while read -r peer addr; do
    local id; id=$(echo "$peer" | sed -E 's/^[a-z]+([0-9]+)\..*/\1/')
    ids+=("$id")
    [ "$(peer_unit "$peer" kafka)" != active ] && down+=("$id")
  done < <(peers "$CLUSTER")
  [ ${#down[@]} -eq 0 ] && return 0
  local replicas; replicas=$(IFS=,; echo "${ids[*]}")
  local isr=(); for id in "${ids[@]}"; do [[ " ${down[*]} " == *" $id "* ]] || isr+=("$id"); done
  local isrs; isrs=$(IFS=,; echo "${isr[*]}")
  for topic in "$DC.mediawiki.job.refreshLinks" "$DC.resource_change" "$DC.mediawiki.revision-create"; do
    for p in 0 1 2; do
      printf "\tTopic: %s\tPartition: %d\tLeader: %s\tReplicas: %s\tIsr: %s\n" "$topic" "$p" "${isr[0]:-none}" "$replicas" "$isrs"
    done
  done
}

# nrpe-style: the work on the host that must not be killed (a LONG_JOB_RUNNING fault), if any
long_running_jobs() {
  local started ends job
  if [ -f "$FAULTS/long-job" ]; then
    read -r started ends job < "$FAULTS/long-job"
    if [ "$ends" = 0 ] || [ "$(date +%s)" -lt "$ends" ]; then
      local until="until it finishes"
      [ "$ends" != 0 ] && until="expected to end at $(date -u -d "@$ends" '+%Y-%m-%dT%H:%M:%SZ')"
      echo "CRITICAL - 1 job that must not be killed is running: $job since $(date -u -d "@$started" '+%Y-%m-%dT%H:%M:%SZ'), $until"
      return 2
    fi
  fi
  echo "OK - no long-running job"; return 0
}

# when the file server of a host (its state directory) became available, in FS_AT: the end of the
# salvage after an unclean boot (SALVAGE_UNTIL, 0 if none) or the start of openafs-fileserver,
# whichever is later
fs_available() {
  SALVAGE_UNTIL=0
  [ -f "$1/salvage-until" ] && read -r SALVAGE_UNTIL < "$1/salvage-until"
  active_since openafs-fileserver "$1"
  FS_AT=$SINCE; [ "$SALVAGE_UNTIL" -gt "$FS_AT" ] && FS_AT=$SALVAGE_UNTIL
}

# bos status SERVER [-long] (OpenAFS): the file server instance of SERVER, by name or FQDN. After an
# unclean boot it salvages and is shut down meanwhile (reference 002). bos reports and does not
# judge: exit 0 whatever the state.
bos_cmd() {
  if [ ! -f "$STATE/units/openafs-fileserver" ]; then echo "bash: line 1: bos: command not found" >&2; return 127; fi
  local op="${1:-}" server="" long=no now f _a _d _c dir=""
  [ $# -gt 0 ] && shift
  if [ "$op" != status ]; then echo "bos: Unrecognized operation '$op'; type 'bos help' for list" >&2; return 1; fi
  while [ $# -gt 0 ]; do
    case "$1" in
      -long) long=yes ;;
      -server) server="${2:-}"; shift ;;
      -localauth|-noauth) ;;
      *) server="$1" ;;
    esac
    shift
  done
  if [ -z "$server" ]; then echo "bos: Missing required parameter '-server'" >&2; return 1; fi
  while read -r f _a _d _c; do
    if [ "$f" = "$server" ] || [ "${f%%.*}" = "$server" ]; then dir="$FLEET/state/$f"; break; fi
  done < "$FLEET/inventory"
  if [ -z "$dir" ]; then echo "bos: can't find address for host '$server'" >&2; return 1; fi
  if [ ! -f "$dir/units/openafs-fileserver" ]; then
    echo "bos: failed to contact host's bosserver (communications failure (-1))." >&2; return 1
  fi
  printf -v now '%(%s)T' -1
  fs_available "$dir"
  if [ "$now" -lt "$SALVAGE_UNTIL" ]; then
    echo "Instance fs, (type is fs) temporarily disabled, currently shutdown."
    echo "    Auxiliary status is: salvaging file system."
    return 0
  fi
  read -r f < "$dir/units/openafs-fileserver"
  if [ "$f" != active ]; then echo "Instance fs, (type is fs) disabled, currently shutdown."; return 0; fi
  echo "Instance fs, (type is fs) currently running normally."
  echo "    Auxiliary status is: file server running."
  [ "$long" = yes ] && echo "    Process last started at $(date -u -d "@$FS_AT" '+%a %b %e %H:%M:%S %Y') (1 proc starts)"
  return 0
}

# domtool-test-config: the smoke test after a reboot of the file server (reference 002), a test
# configuration of a domain applied by domtool-server and every domtool-slave of the DC. One line per
# problem and exit 1 while the file server salvages, while a unit of this host is down or runs since
# before the file server was available, or while a slave is down or runs since before domtool-server.
domtool_test_config() {
  if [ ! -f "$STATE/units/domtool-server" ]; then echo "bash: line 1: domtool-test-config: command not found" >&2; return 127; fi
  local now file unit state server_since peer _a dc _c slaves=0 problems=()
  printf -v now '%(%s)T' -1
  fs_available "$STATE"
  [ "$now" -lt "$SALVAGE_UNTIL" ] && problems+=("the file server is salvaging")
  for file in "$STATE"/units/*; do
    unit="${file##*/}" state=""
    read -r state < "$file"
    if [ "$state" != active ]; then
      problems+=("$unit is not active")
    elif [ "$unit" != openafs-fileserver ]; then
      active_since "$unit"
      [ "$SINCE" -lt "$FS_AT" ] && problems+=("$unit started before the file server was available (started wrongly)")
    fi
  done
  active_since domtool-server; server_since=$SINCE
  while read -r peer _a dc _c; do
    [ "$dc" = "$DC" ] && [ -f "$FLEET/state/$peer/units/domtool-slave" ] || continue
    slaves=$((slaves + 1)) state=""
    read -r state < "$FLEET/state/$peer/units/domtool-slave"
    if [ "$state" != active ]; then
      problems+=("domtool-slave on $peer is not active")
    else
      active_since domtool-slave "$FLEET/state/$peer"
      [ "$SINCE" -lt "$server_since" ] && problems+=("domtool-slave on $peer started before domtool-server: restart it")
    fi
  done < "$FLEET/inventory"
  if [ ${#problems[@]} -gt 0 ]; then printf 'domtool: %s\n' "${problems[@]}"; return 1; fi
  echo "domtool: test configuration of smoke-test.example applied by $FQDN and $slaves slaves"
}

# scap on the deployment server. Production's "scap lock --all MESSAGE" holds the global lock
# file in a process that runs until Enter or --time; here the file holds the message and the end
# of the lock, and "scap unlock --all MESSAGE" stands for ending that process. A deployment is
# refused while the lock is held, as scap refuses it.
SCAP_LOCK=/var/lock/scap-global-lock
scap_lock_held() {
  [ -f "$STATE/scap-global-lock" ] || return 1
  read -r lock_until < "$STATE/scap-global-lock"
  [ "$lock_until" -gt "$(date +%s)" ] || { rm -f "$STATE/scap-global-lock"; return 1; }
  lock_message=$(sed -n 2p "$STATE/scap-global-lock")
}
scap_cmd() {
  [ "$CLUSTER" = deployment ] || { echo "scap: $FQDN is not a deployment server" >&2; return 1; }
  local sub="${1:-}"; shift || true
  case "$sub" in
    lock|unlock)
      local seconds=3600 all=""
      while [ $# -gt 0 ]; do
        case "$1" in
          --all) all=yes; shift ;;
          --time) seconds="${2:-}"; shift 2 ;;
          *) break ;;
        esac
      done
      local message="$*"
      [ -n "$all" ] && [ -n "$message" ] || { echo "usage: scap $sub --all [--time SECONDS] MESSAGE" >&2; return 2; }
      [[ "$seconds" =~ ^[0-9]+$ ]] || { echo "scap lock: --time must be a number of seconds" >&2; return 2; }
      if scap_lock_held && [ "$lock_message" != "$message" ]; then
        echo "Failed to acquire lock \"$SCAP_LOCK\"; owner is \"$lock_message\"" >&2; return 1
      fi
      if [ "$sub" = lock ]; then
        printf '%s\n%s\n' "$(( $(date +%s) + seconds ))" "$message" > "$STATE/scap-global-lock"
        echo "Locked ALL deployments for $seconds s: $message"
      else
        rm -f "$STATE/scap-global-lock"; echo "Unlocked ALL deployments"
      fi ;;
    sync-world|sync-file|backport)
      if scap_lock_held; then
        echo "Failed to acquire lock \"$SCAP_LOCK\"; owner is \"$lock_message\"" >&2; return 1
      fi
      echo "$sub: nothing to deploy in the lab" ;;
    *) echo "scap: unknown command '$sub'" >&2; return 2 ;;
  esac
}

# MediaWiki's siteinfo on an application server, from the host's own copy of MediaWiki's etcd
# configuration (ReadOnly of its datacenter, WMFMasterDatacenter), read again once it is older
# than SITEINFO_CACHE_MS, as MediaWiki's EtcdConfig caches it; a SITEINFO_STALE fault keeps the
# old copy until cleared.
siteinfo() {
  case "$CLUSTER" in appserver|api_appserver) ;; *) echo "curl: (7) Failed to connect" >&2; return 7 ;; esac
  local cache="$STATE/mediawiki-config" now=${EPOCHREALTIME/./} read_at=0 ro master
  now=$(( now / 1000 ))
  [ -f "$cache" ] && read -r read_at < "$cache"
  if [ ! -f "$cache" ] || { [ ! -f "$FAULTS/siteinfo-stale" ] && (( now - read_at >= SITEINFO_CACHE_MS )); }; then
    ro=$(etcd get "/conftool/v1/mediawiki-config/$DC/ReadOnly" --print-value-only) \
      && master=$(etcd get /conftool/v1/mediawiki-config/common/WMFMasterDatacenter --print-value-only) \
      || { echo '{"error":{"code":"internal_api_error","info":"etcd is unreachable"}}'; return 0; }
    printf '%s\n%s\n%s\n' "$now" "$ro" "$master" > "$cache.new" && mv "$cache.new" "$cache"
  fi
  { read -r _; read -r ro; read -r master; } < "$cache"
  local readonly=false reason=""
  if [[ "$ro" =~ \"val\":[[:space:]]*(\"([^\"\\]|\\.)*\") ]]; then
    readonly=true reason=",\"readonlyreason\":${BASH_REMATCH[1]}"
  fi
  [[ "$master" =~ \"val\":[[:space:]]*\"([a-z0-9]+)\" ]] && master="${BASH_REMATCH[1]}"
  printf '{"batchcomplete":true,"query":{"general":{"sitename":"Wikipedia","readonly":%s%s,"wmf-config":{"wmfMasterDatacenter":"%s"}}}}\n' \
    "$readonly" "$reason" "$master"
}

conftool_set_pooled() {
  local value="$1" key current updated found=no rc=0
  while read -r key; do
    [ -z "$key" ] && continue
    found=yes
    if ! current=$(etcd get "$key" --print-value-only 2>&1); then
      echo "ERROR: cannot read $key from etcd: $current" >&2; rc=1; continue
    fi
    local before; before=$(echo "$current" | sed -E 's/.*"pooled":"([a-z]+)".*/\1/')
    updated=$(echo "$current" | sed -E "s/\"pooled\":\"[a-z]+\"/\"pooled\":\"$value\"/")
    if ! out=$(etcd put "$key" "$updated" 2>&1); then
      echo "ERROR: cannot write $key to etcd: $out" >&2; rc=1; continue
    fi
    local tags="${key#/conftool/v1/pools/}"
    echo "${tags%/*}/$FQDN: pooled changed $before => $value"
  done < "$STATE/conftool"
  if [ "$found" = no ]; then echo "$FQDN is not in any conftool pool" >&2; return 1; fi
  return $rc
}

puppet() {
  case "$1" in
    disable)
      echo "$2" > "$STATE/puppet-disabled" ;;
    enable)
      if [ ! -f "$STATE/puppet-disabled" ]; then return 0; fi
      if [ "$(cat "$STATE/puppet-disabled")" != "$2" ]; then
        echo "Puppet was disabled with a different reason: '$(cat "$STATE/puppet-disabled")'; not enabling." >&2
        return 1
      fi
      rm -f "$STATE/puppet-disabled" ;;
    run)
      if [ -f "$STATE/puppet-disabled" ]; then
        echo "Notice: Skipping run of Puppet configuration client; administratively disabled (Reason: '$(cat "$STATE/puppet-disabled")');"
        echo "Use 'puppet agent --enable' to re-enable."
        return 1
      fi
      local n; n=$(( $(cat "$STATE/puppet-runs" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$STATE/puppet-runs"
      date +%s > "$STATE/puppet-last-run"
      echo "Info: Using environment 'production'"
      echo "Info: Applying configuration version '$(date +%s)'"
      echo "Notice: Applied catalog in 4.$((RANDOM % 90 + 10)) seconds" ;;
    summary)
      # the part of puppet's last_run_summary.yaml that says when it last ran
      if [ ! -f "$STATE/puppet-last-run" ]; then
        echo "cat: /var/lib/puppet/state/last_run_summary.yaml: No such file or directory" >&2; return 1
      fi
      echo "---"
      echo "version:"
      echo "  puppet: 7.23.0"
      echo "time:"
      echo "  last_run: $(cat "$STATE/puppet-last-run")"
      echo "events:"
      echo "  failure: 0" ;;
  esac
}

# split like a shell would (quotes respected), without evaluating anything; plain words need no fork
case "$cmd" in
  *[\"\'\\]*) mapfile -t words < <(printf '%s' "$cmd" | xargs printf '%s\n' 2>/dev/null) ;;
  *) read -r -a words <<< "$cmd" ;;
esac
set -- "${words[@]}"
prog="${1:-}"; [ $# -gt 0 ] && shift
case "$prog" in
  "") echo "$FQDN: interactive logins are not supported in the lab" >&2; exit 1 ;;
  hostname) [ "${1:-}" = -f ] && echo "$FQDN" || echo "${FQDN%%.*}" ;;
  systemctl|/bin/systemctl|/usr/bin/systemctl) systemctl_cmd "$@"; exit $? ;;
  service) systemctl_cmd "${2:-}" "${1:-}"; exit $? ;;
  disable-puppet|/usr/local/bin/disable-puppet) puppet disable "${1:-}"; exit $? ;;
  enable-puppet|/usr/local/bin/enable-puppet) puppet enable "${1:-}"; exit $? ;;
  run-puppet-agent|/usr/local/sbin/run-puppet-agent) puppet run; exit $? ;;
  puppet-enabled) [ -f "$STATE/puppet-disabled" ] && { echo no; exit 1; } || { echo yes; exit 0; } ;;
  cat)
    if [ "${1:-}" = /var/lib/puppet/state/last_run_summary.yaml ]; then puppet summary; exit $?; fi
    if [ "${1:-}" = /proc/sys/kernel/random/boot_id ]; then cat "$STATE/boot-id"; exit $?; fi
    if [ "${1:-}" = "$SCAP_LOCK" ]; then
      scap_lock_held || { echo "cat: $SCAP_LOCK: No such file or directory" >&2; exit 1; }
      echo "$lock_message"; exit 0
    fi
    echo "lab: only 'cat /var/lib/puppet/state/last_run_summary.yaml', 'cat /proc/sys/kernel/random/boot_id' and 'cat $SCAP_LOCK' are supported" >&2; exit 1 ;;
  # the hosts' clock is UTC
  date)
    case "${1:-}" in
      +%z) echo "+0000" ;;
      +%s) date +%s ;;
      *) echo "lab: only 'date +%z' and 'date +%s' are supported" >&2; exit 1 ;;
    esac ;;
  # reboot -f as well: whether the boot is clean is the BOOT_UNCLEAN fault's to say
  reboot|/sbin/reboot|/usr/sbin/reboot) touch "$FLEET/requests/reboot.$FQDN"; exit 0 ;;
  uptime)
    boot=$(cat "$STATE/boot-time")
    if [ "${1:-}" = -s ]; then date -u -d "@$boot" '+%Y-%m-%d %H:%M:%S'; else echo "up $(( $(date +%s) - boot )) seconds"; fi ;;
  nodetool|/usr/bin/nodetool) nodetool_cmd "$@"; exit $? ;;
  scap|/usr/bin/scap) scap_cmd "$@"; exit $? ;;
  curl)
    if [[ "$*" == *_cluster/health* ]]; then elasticsearch_health; exit $?; fi
    if [[ "$*" == *meta=siteinfo* ]]; then siteinfo; exit $?; fi
    echo "curl: (7) Failed to connect" >&2; exit 7 ;;
  echo)
    if [[ "$cmd" =~ \|[[:space:]]*(nc|netcat) ]]; then zookeeper_cmd "${1:-}"; exit $?; fi
    echo "$*" ;;
  kafka|kafka-topics|kafka-topics.sh)
    if [[ "$*" == *under-replicated-partitions* ]]; then kafka_urp; exit $?; fi
    echo "lab: only 'kafka topics --describe --under-replicated-partitions' is supported" >&2; exit 1 ;;
  depool|/usr/local/sbin/depool|/usr/local/bin/depool) conftool_set_pooled no; exit $? ;;
  pool|/usr/local/sbin/pool|/usr/local/bin/pool) conftool_set_pooled yes; exit $? ;;
  bos|/usr/bin/bos) bos_cmd "$@"; exit $? ;;
  domtool-test-config|/usr/local/bin/domtool-test-config) domtool_test_config; exit $? ;;
  nrpe_etcd_cluster_health|/usr/local/bin/nrpe_etcd_cluster_health) etcd_cluster_health; exit $? ;;
  nrpe_long_running_jobs|/usr/local/bin/nrpe_long_running_jobs) long_running_jobs; exit $? ;;
  check-service-registration|/usr/local/bin/check-service-registration)
    unit=$(unit_name "${1:-}")
    if [ ! -f "$STATE/units/$unit" ]; then echo "$unit: unknown service" >&2; exit 2; fi
    if [ "$(unit_state "$unit")" != active ]; then echo "$unit: not running, not registered with the proxy"; exit 1; fi
    if [ -f "$STATE/registration/$unit" ]; then echo "$unit: NOT registered with the proxy"; exit 1; fi
    echo "$unit: registered with the proxy"; exit 0 ;;
  downtime-service|/usr/local/bin/downtime-service)
    # downtime-service NAME SECONDS REASON: the host's Icinga service NAME does not page
    [ $# -eq 3 ] || { echo "usage: downtime-service NAME SECONDS REASON" >&2; exit 2; }
    mkdir -p "$STATE/downtimes"; printf '%s %s\n' "$(( $(date +%s) + $2 ))" "$3" > "$STATE/downtimes/${1// /_}"
    echo "Downtimed '$1' on $FQDN for $2 s: $3" ;;
  remove-downtime|/usr/local/bin/remove-downtime)
    rm -f "$STATE/downtimes/${1// /_}"; echo "Removed the downtime of '$1' on $FQDN" ;;
  downtimes) ls "$STATE/downtimes" 2>/dev/null | tr _ ' ' ;;
  /var/lib/mediawiki-cache-warmup/warmup.py)
    # each round of the same warm-up is faster than the one before until the caches are warm
    mkdir -p "$STATE/warmup"; round_file="$STATE/warmup/${*//[^a-zA-Z0-9]/_}"; round=0
    [ -f "$round_file" ] && read -r round < "$round_file"
    round=$((round + 1)); echo "$round" > "$round_file"
    times=(2.40 1.10 0.52 0.50); [ "$round" -gt 4 ] && round=4
    echo "warmup $1 mode $2 against $3: 6 iterations, last ${times[$((round - 1))]} s" ;;
  true) exit 0 ;;
  *) echo "bash: line 1: $prog: command not found" >&2; exit 127 ;;
esac
