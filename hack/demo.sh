#!/usr/bin/env bash
# The operator's main job on an embedded default: a local control plane (real kube-apiserver + etcd), the PVE
# simulator with a 3-node cluster, the operator, and the samples (three adopted containers, one created from the
# Debian 12 template the simulator offers on storage local, one linked clone of template CT 9000); ends with
# `kubectl get pvp,lxc -o wide`.
#
#   bash hack/demo.sh        bring everything up (stops an earlier demo first)
#   bash hack/demo.sh down   stop everything the demo started
#
# Everything lives in .run/demo; the operator's log is .run/demo/operator.log.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
state="$root/.run/demo"

say() { printf '\n==> %s\n' "$*"; }

down() {
  for name in operator simulator; do
    if [[ -f $state/$name.pid ]]; then
      kill "$(cat "$state/$name.pid")" 2>/dev/null || true
      rm -f "$state/$name.pid"
    fi
  done
  if [[ -d $state/control-plane ]]; then
    bash hack/control-plane.sh stop "$state/control-plane" >/dev/null 2>&1 || true
  fi
}

if [[ ${1:-up} == down ]]; then
  down
  echo "demo stopped"
  exit 0
fi

down
rm -rf "$state"
mkdir -p "$state"

say "Installing tools (cached after the first run)"
bash hack/install-tools.sh

say "Starting a local control plane (etcd + kube-apiserver)"
bash hack/control-plane.sh start "$state/control-plane"
export KUBECONFIG="$state/control-plane/kubeconfig"

say "Building the operator and the PVE simulator"
dotnet build PveOperator.sln -c Release --nologo -v quiet

# The simulator's default storages: local (with local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst) and local-lvm.
say "Starting the PVE simulator (3 nodes, containers 101-103, template CT 9000, a Debian 12 template volume)"
dotnet tests/PveSimulator/bin/Release/net10.0/PveSimulator.dll \
  --scenario hack/demo-scenario.json --task-duration-ms 1500 --refresh-ms 2000 --dhcp-delay-ms 1000 \
  --dhcp-network 192.168.60.0/24 \
  --info-file "$state/simulator.json" >"$state/simulator.log" 2>&1 &
echo $! >"$state/simulator.pid"
for _ in $(seq 1 100); do [[ -s $state/simulator.json ]] && break; sleep 0.2; done
[[ -s $state/simulator.json ]] || { cat "$state/simulator.log"; echo "simulator did not start" >&2; exit 1; }
json() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$state/simulator.json" "$1"; }
sim_url="$(json url)"
sim_token="$(json tokenId)"
sim_fingerprint="$(json fingerprint)"
echo "simulator at $sim_url, token $sim_token, certificate $sim_fingerprint"

say "Installing the CRDs"
# The local control plane is Kubernetes 1.20, which cannot take the shipped CRDs' CEL rules (docs/kubernetes-versions.md).
kubectl apply -f config/crds-without-cel
kubectl wait --for=condition=Established crd --all --timeout=60s

say "Creating the token Secret and the ProxmoxProvider (certificate pinned by fingerprint)"
kubectl apply -f config/samples/namespace.yaml
kubectl -n pve-system create secret generic pve-token --from-file=secret=<(json tokenSecret | tr -d '\n') \
  --dry-run=client -o yaml | kubectl apply -f -
# Providers may only use Secrets labelled as PVE credentials.
kubectl -n pve-system label secret pve-token pve-operator.io/credentials=true --overwrite
sed -e "s|https://pve.example.com:8006|$sim_url|" -e "s|operator@pve!k8s|$sim_token|" \
    -e "s|  # tls:|  tls:|" -e "s|  #   fingerprint: \"AB:CD:...\"|    fingerprint: \"$sim_fingerprint\"|" \
    config/samples/provider.yaml | kubectl apply -f -

say "Starting the operator"
dotnet src/PveOperator/bin/Release/net10.0/PveOperator.dll --kubeconfig "$KUBECONFIG" \
  --metrics-bind-address 127.0.0.1:0 --health-probe-bind-address 127.0.0.1:0 >"$state/operator.log" 2>&1 &
echo $! >"$state/operator.pid"

say "Applying the containers (three adopted, one created from a template, one cloned from template CT 9000)"
kubectl apply -f config/samples/lxc-running.yaml -f config/samples/lxc-stopped.yaml -f config/samples/lxc-static-ip.yaml \
  -f config/samples/lxc-from-template.yaml -f config/samples/lxc-clone.yaml
kubectl wait --for=condition=Ready pvp/homelab --timeout=60s
kubectl wait --for=condition=Ready lxc --all -n default --timeout=120s

# DHCP hands out addresses a moment after a start; give the operator a few seconds to write them.
for _ in $(seq 1 20); do
  [[ -n $(kubectl get lxc web -o jsonpath='{.status.ipAddresses[0]}') ]] && break
  sleep 1
done

say "kubectl get pvp,lxc -o wide"
kubectl get pvp,lxc -o wide
echo
echo "The demo keeps running. Try: export KUBECONFIG=$KUBECONFIG; kubectl patch lxc batch --type merge -p '{\"spec\":{\"powerState\":\"Running\"}}'"
echo "or kubectl delete lxc app (deletionPolicy Delete: the container created from the template is destroyed in the simulator)"
echo "Operator log: $state/operator.log. Stop it all with: bash hack/demo.sh down"
