#!/usr/bin/env bash
# Builds the Kubernetes 1.36 CRD test tier (see docs/kubernetes-versions.md and hack/README.md):
#   apiextensions-apiserver v1.36 from Debian sid's Go source packages, compiled with the Go 1.26 of
#   trixie-backports, and etcd 3.5 from sid. Nothing is installed into the system: the .debs are
#   downloaded with a private apt configuration and unpacked with `dpkg -x` (installing from sid
#   would replace libc6 and systemd).
#
# The result is cached under $CACHE/crd-tier/<key>, where <key> is a hash of the exact package
# versions used, and described by $CACHE/crd-tier.env. A later run reuses the cached build without
# touching the network; PVE_OPERATOR_CRD_TIER_REFRESH=1 asks sid again and rebuilds only when the
# versions moved.
#
# Outcome, for hack/test.sh and the tier's tests:
#   exit 0  built (or cached): $CACHE/crd-tier.env holds APIEXTENSIONS_APISERVER, ETCD and versions
#   exit 3  cannot be built here: $CACHE/crd-tier.unavailable holds the reason (one line), and the
#           tier's tests report SKIPPED with that reason
#   other   a bug in this script
#
# Environment:
#   PVE_OPERATOR_CACHE              cache dir (default $HOME/.cache/pve-operator)
#   PVE_OPERATOR_CRD_TIER_REFRESH=1 look for newer sid packages even when a build is cached
#   PVE_OPERATOR_DEBIAN_URI         Debian mirror URI (default: the system's apt sources)
#   PVE_OPERATOR_KEEP_BUILD=1       keep the unpacked packages after a successful build
set -Eeuo pipefail

APISERVER_VERSION=v1.36.4 # stamped into the binary; Debian's golang-k8s-apiextensions-apiserver-dev 0.36.x
GO_PACKAGES=(golang-1.26-go/trixie-backports golang-1.26-src/trixie-backports)
ETCD_PACKAGE=etcd-server/sid
# The import closure of k8s.io/apiextensions-apiserver (checked with `go list -deps`).
DEV_PACKAGES=(golang-cel-cel-go-dev golang-cel-expr-dev golang-etcd-server-dev golang-github-antlr4-go-antlr-dev
  golang-github-beorn7-perks-dev golang-github-blang-semver-dev golang-github-cenkalti-backoff-v5-dev
  golang-github-cespare-xxhash-v2-dev golang-github-coreos-go-semver-dev golang-github-coreos-go-systemd-dev
  golang-github-davecgh-go-spew-dev golang-github-docker-spdystream-dev golang-github-emicklei-go-restful-dev
  golang-github-evanphx-json-patch-dev golang-github-felixge-httpsnoop-dev golang-github-fsnotify-fsnotify-dev
  golang-github-fxamacker-cbor-dev golang-github-go-logr-logr-dev golang-github-go-logr-stdr-dev
  golang-github-go-openapi-jsonpointer-dev golang-github-go-openapi-jsonreference-dev golang-github-go-openapi-swag-dev
  golang-github-gogo-protobuf-dev golang-github-golang-protobuf-1-5-dev golang-github-google-gnostic-models-dev
  golang-github-google-uuid-dev golang-github-gorilla-websocket-dev golang-github-grpc-ecosystem-go-grpc-middleware-dev
  golang-github-grpc-ecosystem-grpc-gateway-dev golang-github-json-iterator-go-dev golang-github-kylelemons-godebug-dev
  golang-github-modern-go-concurrent-dev golang-github-modern-go-reflect2-dev golang-github-munnerz-goautoneg-dev
  golang-github-mxk-go-flowrate-dev golang-github-nytimes-gziphandler-dev golang-github-pkg-errors-dev
  golang-github-pmezard-go-difflib-dev golang-github-prometheus-client-golang-dev golang-github-prometheus-client-model-dev
  golang-github-prometheus-common-dev golang-github-prometheus-procfs-dev golang-github-spf13-cobra-dev
  golang-github-spf13-pflag-dev golang-github-x448-float16-dev golang-go.uber-multierr-dev golang-go.uber-zap-dev
  golang-golang-x-crypto-dev golang-golang-x-exp-dev golang-golang-x-net-dev golang-golang-x-oauth2-dev
  golang-golang-x-sync-dev golang-golang-x-sys-dev golang-golang-x-term-dev golang-golang-x-text-dev
  golang-golang-x-time-dev golang-google-genproto-dev golang-google-grpc-dev golang-google-protobuf-dev
  golang-gopkg-inf.v0-dev golang-gopkg-natefinch-lumberjack.v2-dev golang-gopkg-yaml.v2-dev golang-gopkg-yaml.v3-dev
  golang-k8s-api-dev golang-k8s-apiextensions-apiserver-dev golang-k8s-apimachinery-dev golang-k8s-apiserver-dev
  golang-k8s-client-go-dev golang-k8s-component-base-dev golang-k8s-klog-dev golang-k8s-kms-dev
  golang-k8s-kube-openapi-dev golang-k8s-sigs-apiserver-network-proxy-dev golang-k8s-sigs-json-dev
  golang-k8s-sigs-randfill-dev golang-k8s-sigs-structured-merge-diff-v6-dev golang-k8s-sigs-yaml-dev
  golang-k8s-streaming-dev golang-k8s-utils-dev golang-opentelemetry-contrib-dev golang-opentelemetry-otel-dev
  golang-opentelemetry-proto-dev)

CACHE="${PVE_OPERATOR_CACHE:-${HOME:?HOME is not set; set PVE_OPERATOR_CACHE}/.cache/pve-operator}"
START_TS=$(date +%s)

log() { printf '[install-crd-tier] %s\n' "$*"; }
# shellcheck disable=SC2154
trap 'rc=$?; printf "[install-crd-tier] ERROR: command failed (exit %s) at line %s: %s\n" "$rc" "$LINENO" "$BASH_COMMAND" >&2; exit "$rc"' ERR

mkdir -p "$CACHE/logs"
CACHE=$(cd "$CACHE" && pwd)
LOGS="$CACHE/logs"
TIER_ROOT="$CACHE/crd-tier"
ENV_FILE="$CACHE/crd-tier.env"
UNAVAILABLE_FILE="$CACHE/crd-tier.unavailable"

# A build already cached, when this run only refreshes: a failed refresh keeps it rather than losing the tier.
CACHED_DIR=""

# unavailable REASON: the tier cannot be built here; record why (the tests print it) and exit 3.
unavailable() {
  if [[ -n $CACHED_DIR ]]; then
    printf '[install-crd-tier] WARNING: refresh failed (%s); keeping the cached build %s\n' "$*" "$CACHED_DIR" >&2
    finish "$CACHED_DIR"
  fi
  printf '%s\n' "$*" >"$UNAVAILABLE_FILE.tmp" && mv -f "$UNAVAILABLE_FILE.tmp" "$UNAVAILABLE_FILE"
  rm -f "$ENV_FILE"
  printf '[install-crd-tier] UNAVAILABLE: %s\n' "$*" >&2
  printf '[install-crd-tier] the Kubernetes 1.36 CRD tests will be reported as skipped\n' >&2
  exit 3
}

# run_logged LOGFILE REASON CMD...: run quietly; on failure show the log's tail and give up with REASON.
run_logged() {
  local logfile=$1 reason=$2; shift 2
  if ! "$@" >"$logfile" 2>&1; then
    tail -n 30 "$logfile" >&2 || true
    unavailable "$reason (log: $logfile)"
  fi
}

[[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]] || unavailable "only linux/amd64 is supported; this is $(uname -s)/$(uname -m)"
for tool in apt-get dpkg sha256sum openssl; do
  command -v "$tool" >/dev/null || unavailable "$tool is not available (a Debian-like system is needed)"
done

exec 9>"$CACHE/.crd-tier.lock"
if ! flock -n 9; then
  log "another install-crd-tier.sh is running on $CACHE; waiting for it"
  flock 9
fi

# binaries_ok DIR: the cached build in DIR runs and reports the expected versions.
binaries_ok() {
  local dir=$1
  [[ -x $dir/bin/apiextensions-apiserver && -x $dir/bin/etcd && -f $dir/versions.txt ]] || return 1
  # The server has no --version flag: it must start its flag parsing, and carry the stamped version (its /version).
  "$dir/bin/apiextensions-apiserver" --help >/dev/null 2>&1 || return 1
  grep -qaF "$APISERVER_VERSION" "$dir/bin/apiextensions-apiserver" || return 1
  "$dir/bin/etcd" --version 2>/dev/null | grep -q '^etcd Version: 3\.5\.' || return 1
}

write_env() {
  local dir=$1 tmp="$ENV_FILE.tmp"
  {
    printf 'APIEXTENSIONS_APISERVER=%s\n' "$dir/bin/apiextensions-apiserver"
    printf 'ETCD=%s\n' "$dir/bin/etcd"
    printf 'APISERVER_VERSION=%s\n' "$APISERVER_VERSION"
    printf 'ETCD_VERSION=%s\n' "$("$dir/bin/etcd" --version | sed -n 's/^etcd Version: //p')"
    printf 'PACKAGE_KEY=%s\n' "$(basename "$dir")"
  } >"$tmp"
  mv -f "$tmp" "$ENV_FILE"
  rm -f "$UNAVAILABLE_FILE"
  ln -sfn "$dir" "$TIER_ROOT/current"
}

finish() {
  write_env "$1"
  log "done in $(($(date +%s) - START_TS))s; $ENV_FILE:"
  cat "$ENV_FILE"
  exit 0
}

if [[ -L $TIER_ROOT/current ]] && binaries_ok "$(readlink -f "$TIER_ROOT/current")"; then
  if [[ ${PVE_OPERATOR_CRD_TIER_REFRESH:-0} != 1 ]]; then
    log "cached: $(readlink -f "$TIER_ROOT/current") (PVE_OPERATOR_CRD_TIER_REFRESH=1 looks for newer sid packages)"
    finish "$(readlink -f "$TIER_ROOT/current")"
  fi
  CACHED_DIR=$(readlink -f "$TIER_ROOT/current")
fi

# ---------------------------------------------------------------- private apt configuration
mirror=${PVE_OPERATOR_DEBIAN_URI:-}
if [[ -z $mirror ]]; then
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    mirror=$(awk 'tolower($1) == "uris:" && $2 !~ /security/ { print $2; exit }' "$f")
    [[ -z $mirror ]] || break
  done
fi
if [[ -z $mirror ]]; then
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    sed -E 's/\[[^]]*\]//' | awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }')
fi
[[ -n $mirror ]] || unavailable "no Debian apt source found; set PVE_OPERATOR_DEBIAN_URI to a Debian mirror URI"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -f $keyring ]] || unavailable "$keyring is missing (package debian-archive-keyring)"

APT="$CACHE/apt-sid"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$TIER_ROOT"
cat >"$APT/sources.list" <<EOF
deb [signed-by=$keyring] $mirror sid main
deb [signed-by=$keyring] $mirror trixie-backports main
EOF
cat >"$APT/apt.conf" <<EOF
Dir::Etc::SourceList "$APT/sources.list";
Dir::Etc::SourceParts "/nonexistent";
Dir::State::Lists "$APT/lists";
Dir::Cache "$APT/cache";
Dir::Cache::archives "$APT/cache/archives";
Acquire::Languages "none";
EOF
[[ $(id -u) -ne 0 ]] || printf 'APT::Sandbox::User "root";\n' >>"$APT/apt.conf"
export APT_CONFIG="$APT/apt.conf"

log "reading the sid and trixie-backports package lists ($mirror) with a private apt configuration ($APT)"
# --error-on=any: a mirror that cannot be reached is a failure here, not a warning with stale or no lists.
run_logged "$LOGS/crd-tier-apt-update.log" "apt-get update against sid/trixie-backports ($mirror) failed" apt-get update --error-on=any

# The exact versions decide the cache key: sid moves, and a different set is a different build.
all_packages=("${DEV_PACKAGES[@]}" "${GO_PACKAGES[@]}" "$ETCD_PACKAGE")
if ! uris=$(apt-get download --print-uris "${all_packages[@]}" 2>"$LOGS/crd-tier-apt-resolve.log"); then
  grep -m 5 '^E:' "$LOGS/crd-tier-apt-resolve.log" >&2 || true
  unavailable "some packages of the recipe are not in sid/trixie-backports any more (log: $LOGS/crd-tier-apt-resolve.log)"
fi
versions=$(awk '{ gsub(/\x27/, "", $2); print $2 }' <<<"$uris" | sort)
key=$(printf '%s\n' "$versions" "$APISERVER_VERSION" | sha256sum | cut -c1-16)
dir="$TIER_ROOT/$key"
if binaries_ok "$dir"; then
  log "cached for these package versions: $dir"
  finish "$dir"
fi

# ---------------------------------------------------------------- download, unpack, build
work="$TIER_ROOT/build-$key"
mkdir -p "$work/debs" "$work/root"
log "downloading $(wc -l <<<"$versions") packages into $work/debs"
run_logged "$LOGS/crd-tier-apt-download.log" "downloading the packages failed" \
  env -C "$work/debs" apt-get download "${all_packages[@]}"
log "unpacking with dpkg -x (nothing is installed)"
for deb in "$work"/debs/*.deb; do
  run_logged "$LOGS/crd-tier-unpack.log" "dpkg -x $(basename "$deb") failed" dpkg -x "$deb" "$work/root"
done

GOROOT_DIR="$work/root/usr/lib/go-1.26"
[[ -x $GOROOT_DIR/bin/go ]] || unavailable "the trixie-backports Go toolchain is not at $GOROOT_DIR/bin/go (did golang-1.26 move?)"
[[ -x $work/root/usr/bin/etcd ]] || unavailable "etcd-server from sid has no usr/bin/etcd"

log "building apiextensions-apiserver $APISERVER_VERSION (first time only: about 10-20 minutes on 2 cores; log: $LOGS/build-apiextensions-apiserver.log)"
t0=$SECONDS
mkdir -p "$work/home" "$work/gocache" "$work/bin"
run_logged "$LOGS/build-apiextensions-apiserver.log" "go build of k8s.io/apiextensions-apiserver failed" \
  env -u GOFLAGS -u GOBIN -u GOEXPERIMENT HOME="$work/home" GOCACHE="$work/gocache" \
  GOROOT="$GOROOT_DIR" GOPATH="$work/root/usr/share/gocode" GO111MODULE=off GOTOOLCHAIN=local CGO_ENABLED=0 \
  "$GOROOT_DIR/bin/go" build -trimpath -ldflags "-X k8s.io/component-base/version.gitVersion=$APISERVER_VERSION" \
  -o "$work/bin/apiextensions-apiserver" k8s.io/apiextensions-apiserver
log "built apiextensions-apiserver in $((SECONDS - t0))s"

mkdir -p "$dir.tmp/bin"
cp "$work/bin/apiextensions-apiserver" "$dir.tmp/bin/"
cp -L "$work/root/usr/bin/etcd" "$dir.tmp/bin/"
printf '%s\n' "$versions" >"$dir.tmp/versions.txt"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
binaries_ok "$dir" || unavailable "the built binaries in $dir do not run or report unexpected versions"
if [[ ${PVE_OPERATOR_KEEP_BUILD:-0} != 1 ]]; then
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
fi
finish "$dir"
