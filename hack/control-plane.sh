#!/usr/bin/env bash
# A real local Kubernetes control plane: etcd + kube-apiserver on free loopback ports.
#
#   hack/control-plane.sh start|stop|status|env|clean [DIR]
#
# DIR (default .run/control-plane in the repository) holds everything of one control plane:
# kubeconfig, tokens.csv, sa.key/sa.pub, ca/serving certs, etcd data, logs, pid files, cluster.env.
# Several control planes can run at once in different DIRs. Tools come from hack/install-tools.sh
# (its $PVE_OPERATOR_CACHE/tools.env); KUBE_APISERVER and ETCD in the environment override them.
#
# Environment: CP_READY_TIMEOUT (seconds, default 60), PVE_OPERATOR_CACHE.
set -Eeuo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
CACHE="${PVE_OPERATOR_CACHE:-${HOME:?HOME is not set; set PVE_OPERATOR_CACHE}/.cache/pve-operator}"
READY_TIMEOUT=${CP_READY_TIMEOUT:-60}

log() { printf '[control-plane] %s\n' "$*" >&2; }
die() { printf '[control-plane] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck disable=SC2154
trap 'rc=$?; printf "[control-plane] ERROR: command failed (exit %s) at line %s: %s\n" "$rc" "$LINENO" "$BASH_COMMAND" >&2; exit "$rc"' ERR

usage() {
  cat >&2 <<EOF
usage: $0 start|stop|status|env|clean [DIR]
  start   start etcd + kube-apiserver, wait for /readyz, write DIR/kubeconfig
  stop    stop both (by their pids) and wait for them to exit; data is kept
  status  show pids, URLs and /readyz (exit 0 ready, 3 stopped, 1 unhealthy)
  env     print 'export KUBECONFIG=DIR/kubeconfig'
  clean   stop, then delete the generated files and etcd data in DIR
DIR defaults to $REPO_ROOT/.run/control-plane
EOF
  exit 2
}

CMD=${1:-}
[[ -n $CMD ]] || usage
DIR=${2:-$REPO_ROOT/.run/control-plane}
DIR=$(realpath -m -- "$DIR")

# ---------------------------------------------------------------- helpers
pid_of() { if [[ -f $DIR/$1.pid ]]; then cat "$DIR/$1.pid"; fi; }

# alive NAME: the pid in DIR/NAME.pid is a live (not zombie) process started for this DIR.
alive() {
  local pid state
  pid=$(pid_of "$1")
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
  [[ $state != Z && -n $state ]] || return 1
  { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$DIR/" || return 1
}

# port_used PORT: something on this machine has a TCP socket on local port PORT.
port_used() {
  local hex
  hex=$(printf ':%04X' "$1")
  awk -v p="$hex" 'FNR > 1 && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# port_listening PORT
port_listening() {
  local hex
  hex=$(printf ':%04X' "$1")
  awk -v p="$hex" 'FNR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# free_port [EXCLUDED...]: a random unused port below the usual ephemeral range.
free_port() {
  local p i x ok
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
    ok=1
    for x in "$@"; do [[ $x == "$p" ]] && ok=0; done
    ((ok)) && ! port_used "$p" && { echo "$p"; return; }
  done
  die "no free loopback port found"
}

load_tools() {
  if [[ -f $CACHE/tools.env ]]; then
    local k v
    while IFS='=' read -r k v; do
      case $k in KUBE_APISERVER | ETCD) [[ -n ${!k:-} ]] || printf -v "$k" '%s' "$v" ;; esac
    done <"$CACHE/tools.env"
  fi
  KUBE_APISERVER=${KUBE_APISERVER:-$(command -v kube-apiserver || true)}
  ETCD=${ETCD:-$(command -v etcd || true)}
  [[ -n $KUBE_APISERVER && -x $KUBE_APISERVER ]] || die "kube-apiserver not found; run hack/install-tools.sh first (or set KUBE_APISERVER)"
  [[ -n $ETCD && -x $ETCD ]] || die "etcd not found; run hack/install-tools.sh first (or set ETCD)"
}

# stop_one NAME: TERM, wait up to 20 s, then KILL.
stop_one() {
  local name=$1 pid i
  pid=$(pid_of "$name")
  if alive "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do alive "$name" || break; sleep 0.1; done
    if alive "$name"; then
      log "$name (pid $pid) did not exit after TERM; sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do alive "$name" || break; sleep 0.1; done
      alive "$name" && die "$name (pid $pid) still running"
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$DIR/$name.pid"
}

# spawn NAME CMD...: run CMD in the background, detached from the caller: output to DIR/NAME.log,
# stdin from /dev/null, every other inherited fd closed (our lock fds, a caller's pipes), so that
# neither locks nor a caller waiting for EOF are held by the long-running process. Pid in DIR/NAME.pid.
spawn() {
  local name=$1
  shift
  (
    trap - ERR
    for fd in "/proc/$BASHPID/fd"/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec nohup "$@" >"$DIR/$name.log" 2>&1 </dev/null
  ) &
  local pid=$! i
  echo "$pid" >"$DIR/$name.pid"
  # Until the exec, the child's command line is ours: wait for it so `alive` sees the real process.
  for ((i = 0; i < 100; i++)); do
    alive "$name" && return 0
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
}

read_cluster_env() {
  APISERVER_PORT="" ETCD_PORT="" ETCD_PEER_PORT=""
  if [[ -f $DIR/cluster.env ]]; then
    local k v
    while IFS='=' read -r k v; do
      case $k in APISERVER_PORT | ETCD_PORT | ETCD_PEER_PORT) printf -v "$k" '%s' "$v" ;; esac
    done <"$DIR/cluster.env"
  fi
}

# lock_dir: one control-plane.sh at a time per DIR (fd 8; never inherited by etcd/kube-apiserver).
lock_dir() {
  mkdir -p "$DIR"
  exec 8>"$DIR/.lock"
  flock -w 120 8 || die "$DIR is locked by another control-plane.sh (waited 120s)"
}

show_tail() {
  local f=$1
  [[ -f $f ]] || return 0
  printf '[control-plane] ---- last lines of %s ----\n' "$f" >&2
  tail -n 30 "$f" >&2 || true
  printf '[control-plane] ----\n' >&2
}

# fail_start MESSAGE: stop what was started, show the logs, exit 1.
fail_start() {
  local msg=$1
  if alive etcd && [[ -s $DIR/kube-apiserver.log ]]; then
    show_tail "$DIR/kube-apiserver.log"
  else
    show_tail "$DIR/etcd.log"
    show_tail "$DIR/kube-apiserver.log"
  fi
  stop_one kube-apiserver
  stop_one etcd
  die "$msg"
}

gen_certs() {
  # Private CA + serving cert for 127.0.0.1/localhost, made once per DIR.
  local d=$DIR/pki
  [[ -f $d/ca.crt && -f $d/apiserver.crt && -f $d/apiserver.key && -f $d/sa.key && -f $d/sa.pub ]] && return 0
  mkdir -p "$d"
  chmod 700 "$d"
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout ca.key -out ca.crt \
      -subj "/CN=pve-operator-local-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -newkey rsa:2048 -nodes -sha256 -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver"
    printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" \
      "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc" >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days 3650 \
      -extfile apiserver.ext -out apiserver.crt
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
    rm -f apiserver.csr apiserver.ext ca.srl
  ) >"$DIR/openssl.log" 2>&1 || { show_tail "$DIR/openssl.log"; die "generating certificates and keys with openssl failed"; }
  chmod 600 "$d"/*.key
}

write_kubeconfig() {
  local token=$1 port=$2 ca
  ca=$(base64 -w0 <"$DIR/pki/ca.crt")
  umask 077
  cat >"$DIR/kubeconfig.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: pve-operator-local
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority-data: $ca
users:
- name: admin
  user:
    token: $token
contexts:
- name: pve-operator-local
  context:
    cluster: pve-operator-local
    user: admin
    namespace: default
current-context: pve-operator-local
EOF
  mv -f "$DIR/kubeconfig.tmp" "$DIR/kubeconfig"
}

readyz() {
  local port=$1 token=$2
  curl -sS --max-time 5 --cacert "$DIR/pki/ca.crt" -H "Authorization: Bearer $token" \
    "https://127.0.0.1:$port/readyz" 2>/dev/null || true
}

# ---------------------------------------------------------------- commands
cmd_start() {
  command -v openssl >/dev/null || die "openssl not found; run hack/install-tools.sh"
  command -v curl >/dev/null || die "curl not found; run hack/install-tools.sh"
  load_tools
  lock_dir
  local t0=$SECONDS
  if alive etcd && alive kube-apiserver; then
    log "already running in $DIR"
    echo "export KUBECONFIG=$DIR/kubeconfig"
    return 0
  fi
  stop_one kube-apiserver
  stop_one etcd

  gen_certs
  local token
  # A restart keeps the admin token, so clients holding the kubeconfig keep working across it.
  if [[ -s $DIR/tokens.csv ]]; then
    token=$(cut -d, -f1 "$DIR/tokens.csv" | head -1)
  else
    token=$(openssl rand -hex 32)
    (umask 077 && printf '%s,admin,admin-uid,"system:masters"\n' "$token" >"$DIR/tokens.csv")
  fi

  # Ports: reuse the previous ones when free (etcd keeps its peer URL in its data), else pick new.
  # A machine-wide lock keeps parallel starts from choosing the same ports.
  read_cluster_env
  exec 7>"${TMPDIR:-/tmp}/pve-operator-control-plane-ports.lock"
  flock -w 120 7 || die "could not take the port-selection lock ${TMPDIR:-/tmp}/pve-operator-control-plane-ports.lock"
  local attempt ep pp ap i
  for attempt in 1 2 3; do
    ep=$ETCD_PORT pp=$ETCD_PEER_PORT ap=$APISERVER_PORT
    # Only a listener blocks reuse: connections the old processes left in TIME_WAIT do not stop a Go server's bind,
    # and keeping the ports keeps every client's kubeconfig valid across a restart.
    if [[ $attempt -gt 1 || -z $ep || -z $pp || -z $ap ]] || port_listening "$ep" || port_listening "$pp" || port_listening "$ap"; then
      ep=$(free_port)
      pp=$(free_port "$ep")
      ap=$(free_port "$ep" "$pp")
    fi
    mkdir -p "$DIR/etcd"
    chmod 700 "$DIR/etcd"
    spawn etcd "$ETCD" --name=cp --data-dir="$DIR/etcd" \
      --listen-client-urls="http://127.0.0.1:$ep" --advertise-client-urls="http://127.0.0.1:$ep" \
      --listen-peer-urls="http://127.0.0.1:$pp" --initial-advertise-peer-urls="http://127.0.0.1:$pp" \
      --initial-cluster="cp=http://127.0.0.1:$pp"
    for ((i = 0; i < 300; i++)); do
      alive etcd || break
      [[ $(curl -s --max-time 2 "http://127.0.0.1:$ep/health" 2>/dev/null || true) == *'"health":"true"'* ]] && break
      sleep 0.1
    done
    if alive etcd && port_listening "$ep"; then break; fi
    if ! alive etcd && grep -q 'address already in use' "$DIR/etcd.log" 2>/dev/null && ((attempt < 3)); then
      log "port collision for etcd; retrying with other ports"
      continue
    fi
    flock -u 7
    fail_start "etcd did not become healthy on 127.0.0.1:$ep"
  done
  log "etcd up on 127.0.0.1:$ep (pid $(pid_of etcd))"

  spawn kube-apiserver "$KUBE_APISERVER" \
    --etcd-servers="http://127.0.0.1:$ep" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$ap" --insecure-port=0 \
    --cert-dir="$DIR/pki" --tls-cert-file="$DIR/pki/apiserver.crt" --tls-private-key-file="$DIR/pki/apiserver.key" \
    --token-auth-file="$DIR/tokens.csv" \
    --authorization-mode=RBAC \
    --service-account-issuer=https://kubernetes.default.svc \
    --service-account-key-file="$DIR/pki/sa.pub" --service-account-signing-key-file="$DIR/pki/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 --allow-privileged=true \
    --disable-admission-plugins=ServiceAccount \
    --endpoint-reconciler-type=none

  cat >"$DIR/cluster.env" <<EOF
CP_DIR=$DIR
KUBECONFIG=$DIR/kubeconfig
APISERVER_URL=https://127.0.0.1:$ap
APISERVER_PORT=$ap
ETCD_URL=http://127.0.0.1:$ep
ETCD_PORT=$ep
ETCD_PEER_PORT=$pp
EOF
  write_kubeconfig "$token" "$ap"

  local deadline=$((SECONDS + READY_TIMEOUT)) released=0 r=""
  while :; do
    if ((!released)) && port_listening "$ap"; then flock -u 7; released=1; fi
    alive kube-apiserver || { flock -u 7; fail_start "kube-apiserver exited during startup (log: $DIR/kube-apiserver.log)"; }
    alive etcd || { flock -u 7; fail_start "etcd exited during startup (log: $DIR/etcd.log)"; }
    r=$(readyz "$ap" "$token")
    [[ $r == ok ]] && break
    if ((SECONDS >= deadline)); then
      flock -u 7
      [[ -z $r ]] || printf '[control-plane] last /readyz answer:\n%s\n' "$r" >&2
      show_tail "$DIR/kube-apiserver.log"
      stop_one kube-apiserver
      stop_one etcd
      die "kube-apiserver not ready after ${READY_TIMEOUT}s"
    fi
    sleep 0.25
  done
  ((released)) || flock -u 7
  log "kube-apiserver ready on https://127.0.0.1:$ap (pid $(pid_of kube-apiserver)) in $((SECONDS - t0))s"
  log "kubeconfig: $DIR/kubeconfig"
  echo "export KUBECONFIG=$DIR/kubeconfig"
}

cmd_stop() {
  [[ -d $DIR ]] || { log "nothing in $DIR"; return 0; }
  lock_dir
  stop_one kube-apiserver
  stop_one etcd
}

cmd_status() {
  local rc=0 a=0 e=0
  alive kube-apiserver && a=1
  alive etcd && e=1
  read_cluster_env
  if ((e)); then echo "etcd: running (pid $(pid_of etcd)) http://127.0.0.1:$ETCD_PORT"; else echo "etcd: stopped"; fi
  if ((a)); then
    echo "kube-apiserver: running (pid $(pid_of kube-apiserver)) https://127.0.0.1:$APISERVER_PORT"
    local token r
    token=$(cut -d, -f1 "$DIR/tokens.csv" 2>/dev/null || true)
    r=$(readyz "$APISERVER_PORT" "$token")
    echo "readyz: ${r:-no answer}"
    [[ $r == ok ]] || rc=1
  else
    echo "kube-apiserver: stopped"
  fi
  echo "kubeconfig: $DIR/kubeconfig"
  if ((!a && !e)); then return 3; fi
  ((a && e)) || rc=1
  return "$rc"
}

cmd_clean() {
  cmd_stop
  [[ -d $DIR ]] || return 0
  rm -rf "$DIR/etcd" "$DIR/pki"
  rm -f "$DIR"/{kubeconfig,kubeconfig.tmp,tokens.csv,cluster.env,etcd.log,kube-apiserver.log,openssl.log,.lock}
  rmdir "$DIR" 2>/dev/null || true
  log "cleaned $DIR"
}

case $CMD in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status)
    rc=0
    cmd_status || rc=$?
    exit "$rc"
    ;;
  env) echo "export KUBECONFIG=$DIR/kubeconfig" ;;
  clean) cmd_clean ;;
  *) usage ;;
esac
