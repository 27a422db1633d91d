# Shared set-up for scripts/demo, scripts/test and scripts/bench: installs what is missing.
# Source it; it defines functions and changes nothing by itself.

# Debian packages the lab runs (real servers started as child processes) and the browser tests use.
LAB_PACKAGES=(etcd-server etcd-client openssh-server openssh-client bind9 bind9-dnsutils mariadb-server mariadb-client percona-toolkit util-linux)
BROWSER_PACKAGES=(chromium chromium-driver)

log() { printf '==> %s\n' "$*" >&2; }

# ensure_packages PKG...: apt-get install the packages that are not installed yet.
# Package scripts must not start system services (the lab starts its own), so a policy-rc.d
# denies that for the duration of the install; it is removed again however the install ends
# (failure, Ctrl-C). apt-get waits up to 5 minutes for another install on the machine to finish.
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  local policy=/usr/sbin/policy-rc.d
  (
    if [ ! -e "$policy" ]; then
      trap '$sudo rm -f "$policy"' EXIT
      trap 'exit 130' INT
      trap 'exit 143' TERM
      printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null || exit
      $sudo chmod +x "$policy" || exit
    fi
    $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq || exit
    DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
      --no-install-recommends "${missing[@]}" >/dev/null
  )
}

# The demo lab's MariaDB ports, 33000 + 10*i + d (README, "The lab"), lie inside the kernel's
# ephemeral port range (usually 32768-60999): an outgoing connection could take one just before the
# lab binds it. reserve_lab_ports adds them to net.ipv4.ip_local_reserved_ports (never removes any:
# other labs may rely on them); the lab reserves the ports of its actual configuration itself when
# it runs as root. Without root it only says what to run.
DEMO_LAB_RESERVED_PORTS=33001-33102
reserve_lab_ports() {
  local sudo="" current
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  current=$(cat /proc/sys/net/ipv4/ip_local_reserved_ports 2>/dev/null) || return 0
  if ! $sudo sysctl -q -w "net.ipv4.ip_local_reserved_ports=${current:+$current,}$DEMO_LAB_RESERVED_PORTS" 2>/dev/null; then
    log "could not reserve the lab ports $DEMO_LAB_RESERVED_PORTS; as root: sysctl -w net.ipv4.ip_local_reserved_ports=${current:+$current,}$DEMO_LAB_RESERVED_PORTS"
  fi
  return 0
}

# ensure_build_tools: a JDK 17, Maven, and Node.js with npm. Checked by command, so that tools
# installed outside Debian's packages are used as they are.
ensure_build_tools() {
  command -v javac >/dev/null 2>&1 || ensure_packages openjdk-17-jdk-headless
  command -v mvn >/dev/null 2>&1 || ensure_packages maven
  command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm
}

# ensure_bpmnlint: bpmnlint and the Camunda compatibility plugin, installed locally from the
# pinned versions in scripts/bpmnlint/package.json.
ensure_bpmnlint() {
  local dir="$ROOT/scripts/bpmnlint"
  if [ ! -x "$dir/node_modules/.bin/bpmnlint" ] \
     || [ "$dir/package.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "installing bpmnlint into scripts/bpmnlint/node_modules"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

# build_jar: target/switchman.jar, rebuilt when a source is newer than it.
build_jar() {
  local jar="$ROOT/target/switchman.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$ROOT/pom.xml" "$ROOT/src/main" "$ROOT/processes" "$ROOT/forms" -newer "$jar" -type f -print -quit)" ]; then
    log "building target/switchman.jar"
    (cd "$ROOT" && mvn -B -q package -DskipTests)
  fi
}
