#!/usr/bin/env bash
# Ensures a kube-apiserver + etcd pair for tests and prints `kube-apiserver=PATH` and
# `etcd=PATH` lines on stdout (progress goes to stderr).
#
# Order of preference:
#   1. $KUBEBUILDER_ASSETS (envtest convention: a folder with prebuilt binaries) - no build.
#   2. The version-keyed cache ${GITOPS_LENS_CACHE:-$HOME/.cache/gitops-lens}/controlplane-<ver>/.
#   3. Build from the Go module in tools/controlplane (many minutes on 2 cores), then cache.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module="$here/../../tools/controlplane"
# The pinned version lives in one place: the build module's go.mod (e.g. v1.34.4).
K8S_VERSION="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v1\./ { print $2; exit }' "$module/go.mod")"
[[ -n "$K8S_VERSION" ]] || { echo "cannot read the k8s.io/kubernetes version from $module/go.mod" >&2; exit 1; }
cache="${GITOPS_LENS_CACHE:-$HOME/.cache/gitops-lens}"
out="$cache/controlplane-$K8S_VERSION"

emit() { echo "kube-apiserver=$1/kube-apiserver"; echo "etcd=$1/etcd"; }

if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
  for b in kube-apiserver etcd; do
    [[ -x "$KUBEBUILDER_ASSETS/$b" ]] || { echo "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS has no executable $b" >&2; exit 1; }
  done
  emit "$KUBEBUILDER_ASSETS"; exit 0
fi

if [[ -x "$out/kube-apiserver" && -x "$out/etcd" ]]; then emit "$out"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
No control-plane binaries found and no Go toolchain to build them.
Either install Go >= 1.24 (https://go.dev/dl/) so this script can build kube-apiserver $K8S_VERSION
and etcd into $out, or set KUBEBUILDER_ASSETS to a folder holding prebuilt
'kube-apiserver' and 'etcd' binaries (e.g. from 'setup-envtest use 1.34.x -p path').
MSG
  exit 1
fi

# Only one build at a time per cache dir (parallel test runs would otherwise race).
mkdir -p "$cache"
exec 9>"$cache/.controlplane-$K8S_VERSION.lock"
flock 9
if [[ -x "$out/kube-apiserver" && -x "$out/etcd" ]]; then emit "$out"; exit 0; fi

tmp="$out.tmp.$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
# Version stamp so `kubectl version` / discovery report the real version instead of v0.0.0.
ver="k8s.io/component-base/version"
ldflags="-s -w -X $ver.gitVersion=$K8S_VERSION -X $ver.gitMajor=1 -X $ver.gitMinor=$(cut -d. -f2 <<<"$K8S_VERSION") -X $ver.gitTreeState=clean"
echo "building kube-apiserver $K8S_VERSION and etcd into $out (takes many minutes on first run)..." >&2
(
  cd "$module"
  export CGO_ENABLED=0 GOFLAGS="-trimpath -mod=readonly -buildvcs=false" GOTOOLCHAIN=local
  go build -ldflags "$ldflags" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  echo "kube-apiserver built after $(( $(date +%s) - start ))s" >&2
  go build -ldflags "-s -w" -o "$tmp/etcd" ./etcd
  echo "etcd built after $(( $(date +%s) - start ))s" >&2
)
rm -rf "$out"
mv "$tmp" "$out"
emit "$out"
