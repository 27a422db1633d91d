# Shared set-up for scripts/demo, scripts/test and scripts/bench: installs what is missing.
# Source it; it defines functions and changes nothing by itself.

# Debian packages the lab runs (real servers started as child processes) and the browser tests use.
LAB_PACKAGES=(etcd-server etcd-client openssh-server openssh-client bind9 bind9-dnsutils mariadb-server mariadb-client percona-toolkit util-linux)
# fonts-liberation: Arial's metrics, the font bpmn-js (Modeler, Cockpit) draws a diagram's text in,
# so that the diagram pictures and their legibility checks measure text as a designer sees it.
BROWSER_PACKAGES=(chromium chromium-driver fonts-liberation)
# PostgreSQL for the engine tests on PostgreSQL (a throwaway cluster, lab/LabPostgres; no service).
POSTGRES_PACKAGES=(postgresql)

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

# The app as the lab profile starts it (scripts/demo, scripts/bench startup): from the jar
# extracted into target/app (classes load faster than from the nested jar), with a class data
# sharing archive of its start (prepare_app), the C1 compiler only and the serial collector. On a
# small machine, where the app starts side by side with the lab's servers, each of these takes
# seconds off the start; a switchover's steps wait on SSH, etcd and MariaDB, not on compiled code
# or the collector. A production node keeps the JVM's defaults, and may use the archive as well.
APP_JAR="target/app/switchman.jar"
APP_CDS="target/app/switchman.jsa"
# the same JVM for the training run and the starts: an archive serves only the JVM that recorded it
LAB_JVM=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off)
LAB_JAVA_OPTS=("${LAB_JVM[@]}" "-XX:SharedArchiveFile=$APP_CDS")

# build_jar: target/switchman.jar, rebuilt when a source is newer than it.
build_jar() {
  local jar="$ROOT/target/switchman.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$ROOT/pom.xml" "$ROOT/src/main" "$ROOT/processes" "$ROOT/forms" -newer "$jar" -type f -print -quit)" ]; then
    log "building target/switchman.jar"
    (cd "$ROOT" && mvn -B -q package -DskipTests)
  fi
}

# prepare_app: target/switchman.jar extracted into target/app, and the class data sharing archive
# of a start (Spring Boot's training run: the context starts, without the lab's servers, on a
# throwaway data directory, and the JVM exits), both redone when the jar is newer. Without an
# archive (the training run failed) the app starts all the same, only slower.
prepare_app() {
  build_jar
  if [ -f "$ROOT/$APP_CDS" ] && [ ! "$ROOT/target/switchman.jar" -nt "$ROOT/$APP_CDS" ]; then
    return 0
  fi
  log "extracting the jar into target/app and recording its class data sharing archive"
  rm -rf "$ROOT/target/app"
  java -Djarmode=tools -jar "$ROOT/target/switchman.jar" extract --destination "$ROOT/target/app" >/dev/null
  local training
  training=$(mktemp -d)
  if ! (cd "$ROOT" && java "${LAB_JVM[@]}" "-XX:ArchiveClassesAtExit=$APP_CDS" \
      -Dspring.context.exit=onRefresh -jar "$APP_JAR" \
      --spring.profiles.active=lab --switchman.lab.servers=false --server.port=0 \
      --switchman.data-dir="$training/data" >"$ROOT/target/app/training.log" 2>&1); then
    log "the training run failed (target/app/training.log); starting without the archive"
    rm -f "$ROOT/$APP_CDS"
  fi
  rm -rf "$training"
}
