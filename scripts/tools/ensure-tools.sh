#!/usr/bin/env bash
# Ensures pinned CLI tools and prints one `name=PATH` line per tool on stdout
# (progress on stderr). Usage: ensure-tools.sh [helm|kustomize|kubeconform|kube-linter|sops|age|age-keygen|flux-envsubst|registry|jsonnet ...]
#
# Each tool is built once with `go install` into a version-keyed folder
# ${GITOPS_LENS_CACHE:-$HOME/.cache/gitops-lens}/bin/<name>-<version>/<name>, so bumping a
# pin below never reuses a stale binary and a second call is instant.
set -euo pipefail

cache="${GITOPS_LENS_CACHE:-$HOME/.cache/gitops-lens}"

# name -> "module/package@version|extra ldflags". Pins are the newest versions whose
# go.mod accepts Go 1.26 (kustomize v5.8.3 needs Go 1.27).
declare -A PKG=(
  [helm]="helm.sh/helm/v3/cmd/helm@v3.22.0|-X helm.sh/helm/v3/internal/version.version=v3.22.0"
  [kustomize]="sigs.k8s.io/kustomize/kustomize/v5@v5.8.2|"
  [kubeconform]="github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0|-X main.version=v0.8.0"
  # SOPS tests only (encrypt a fixture with a key made in the test): built on first use.
  [sops]="github.com/getsops/sops/v3/cmd/sops@v3.13.3|"
  [age]="filippo.io/age/cmd/age@v1.3.2|"
  [age-keygen]="filippo.io/age/cmd/age-keygen@v1.3.2|"
  # Only for the remote-chart tests (an OCI registry on 127.0.0.1) and jsonnet apps; built
  # when a test first asks for them, not by a plain `ensure-tools.sh`.
  [registry]="github.com/distribution/distribution/v3/cmd/registry@v3.1.2|"
  [jsonnet]="github.com/google/go-jsonnet/cmd/jsonnet@v0.22.0|"
)
ALL=(helm kustomize kubeconform kube-linter)

# kube-linter's module (golang.stackrox.io/kube-linter) is not served by the Go module
# proxy these machines can reach, so it cannot be built here: accept a binary given via
# $GITOPS_LENS_KUBE_LINTER or found on PATH instead.
kube_linter() {
  local p="${GITOPS_LENS_KUBE_LINTER:-$(command -v kube-linter || true)}"
  if [[ -n "$p" && -x "$p" ]]; then echo "kube-linter=$p"; return 0; fi
  echo "kube-linter: not available. Its Go module golang.stackrox.io/kube-linter is not served by" \
       "the module proxy here; put a kube-linter binary on PATH or set GITOPS_LENS_KUBE_LINTER=/path/to/kube-linter." >&2
  return 1
}

ensure() {
  local name="$1" spec="${PKG[$1]}"
  local pkg="${spec%%|*}" ldflags="${spec#*|}"
  local version="${pkg##*@}"
  local dir="$cache/bin/$name-$version"
  if [[ ! -x "$dir/$name" ]]; then
    command -v go >/dev/null 2>&1 || { echo "$name: not cached in $dir and Go is not installed; install Go >= 1.26 (https://go.dev/dl/)" >&2; return 1; }
    mkdir -p "$cache/bin"
    exec 8>"$cache/bin/.$name-$version.lock"; flock 8   # concurrent callers wait for one build
    if [[ ! -x "$dir/$name" ]]; then
      local start=$(date +%s) tmp="$dir.tmp.$$"
      echo "building $name $version (first run only)..." >&2
      # GOBIN per tool keeps versions apart; GOTOOLCHAIN=local never fetches another Go.
      GOBIN="$tmp" CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-trimpath \
        go install -ldflags "-s -w $ldflags" "$pkg" >&2 || { rm -rf "$tmp"; return 1; }
      rm -rf "$dir"; mv "$tmp" "$dir"
      echo "$name $version built in $(( $(date +%s) - start ))s" >&2
    fi
    exec 8>&-
  fi
  echo "$name=$dir/$name"
}

# Test oracles that are our own small Go programs over a Flux library (scripts/tools/<name>/),
# cached under a key of their sources so an edit rebuilds them.
ensure_local() {
  local name="$1" src="$(cd "$(dirname "${BASH_SOURCE[0]}")/$1" && pwd)"
  local key; key=$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -c1-12)
  local dir="$cache/bin/$name-$key"
  if [[ ! -x "$dir/$name" ]]; then
    command -v go >/dev/null 2>&1 || { echo "$name: not cached in $dir and Go is not installed; install Go >= 1.26" >&2; return 1; }
    mkdir -p "$cache/bin"
    exec 8>"$cache/bin/.$name-$key.lock"; flock 8
    if [[ ! -x "$dir/$name" ]]; then
      local start=$(date +%s) tmp="$dir.tmp.$$"
      echo "building $name (first run only)..." >&2
      (cd "$src" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-trimpath -mod=mod" go build -ldflags "-s -w" -o "$tmp/$name" .) >&2 || { rm -rf "$tmp"; return 1; }
      rm -rf "$dir"; mv "$tmp" "$dir"
      echo "$name built in $(( $(date +%s) - start ))s" >&2
    fi
    exec 8>&-
  fi
  echo "$name=$dir/$name"
}

explicit=1
if [[ $# -eq 0 ]]; then set -- "${ALL[@]}"; explicit=0; fi
status=0
for name in "$@"; do
  case "$name" in
    kube-linter) kube_linter || { (( explicit )) && status=1; } ;;  # without args: warn only
    helm|kustomize|kubeconform|sops|age|age-keygen|registry|jsonnet) ensure "$name" || status=1 ;;
    flux-envsubst) ensure_local "$name" || status=1 ;;
    *) echo "unknown tool '$name' (known: ${ALL[*]} sops age age-keygen flux-envsubst registry jsonnet)" >&2; status=2 ;;
  esac
done
exit $status
