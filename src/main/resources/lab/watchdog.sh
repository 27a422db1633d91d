# Lab watchdog: started under setpriv --pdeathsig TERM, so it gets TERM when the JVM that owns the
# lab dies, even by kill -9. It then waits for the lab's children (which got the same signal) to
# exit, kills the stragglers, and removes the lab's runtime directory, env file and socket directory.
run="$1"
envfile="$2"
sockets="$3"
cleanup() {
  [ -n "${sleeper:-}" ] && kill "$sleeper" 2>/dev/null
  alive=""
  for _ in $(seq 1 100); do
    alive=""
    if [ -f "$run/pids" ]; then
      while read -r p; do
        [ -z "$p" ] || [ "$p" = "$$" ] && continue
        if [ -r "/proc/$p/cmdline" ] && tr '\0' ' ' < "/proc/$p/cmdline" | grep -qF -- "$run"; then
          alive="$alive $p"
        fi
      done < "$run/pids"
    fi
    [ -z "$alive" ] && break
    sleep 0.1
  done
  for p in $alive; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$run" "$envfile" "$sockets"
  exit 0
}
trap cleanup TERM INT HUP
while :; do
  setpriv --pdeathsig KILL sleep 3600 &
  sleeper=$!
  wait "$sleeper"
done
