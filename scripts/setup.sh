# Shared set-up for scripts/demo, scripts/test and scripts/bench: installs what is missing.
# Source it; it defines functions and changes nothing by itself.

# Debian packages the lab runs (real servers started as child processes) and the browser tests use.
LAB_PACKAGES=(etcd-server etcd-client openssh-server openssh-client bind9 bind9-dnsutils mariadb-server mariadb-client percona-toolkit util-linux)
BROWSER_PACKAGES=(chromium chromium-driver)

log() { printf '==> %s\n' "$*" >&2; }

# ensure_packages PKG...: apt-get install the packages that are not installed yet.
# Package scripts must not start system services (the lab starts its own), so a policy-rc.d
# denies that for the duration of the install.
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
  local policy=/usr/sbin/policy-rc.d created_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
    created_policy=1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -n "$created_policy" ] && $sudo rm -f "$policy"
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
