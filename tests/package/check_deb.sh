#!/usr/bin/env bash
# Builds the .deb with CPack from an existing build directory, unpacks it into
# a scratch root with dpkg -x, and checks that the unpacked binaries run: a
# province node starts from the packaged example config (with certificates
# made by deploy/pki.sh) and answers the packaged councilctl.
# Usage: tests/package/check_deb.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=$(cd "${1:-build}" && pwd)
SCRATCH=$(mktemp -d)
trap 'kill "${NODE_PID:-}" 2>/dev/null || true; rm -rf "$SCRATCH"' EXIT
(cd "$BUILD" && cpack -G DEB >/dev/null)
DEB=$(ls -t "$BUILD"/council_*.deb | head -1)
dpkg -x "$DEB" "$SCRATCH/root"
ROOT=$SCRATCH/root
for f in usr/bin/councild usr/bin/councilctl usr/lib/systemd/system/councild.service \
         usr/share/council/examples/province.textproto; do
  [[ -e $ROOT/$f ]] || { echo "check_deb: $f missing from $DEB" >&2; exit 1; }
done
bash deploy/pki.sh init "$SCRATCH/pki" >/dev/null
bash deploy/pki.sh issue "$SCRATCH/pki" 51 >/dev/null
"$ROOT/usr/bin/councild" --config "$ROOT/usr/share/council/examples/province.textproto" \
  --data-dir "$SCRATCH/data" --admin-listen 127.0.0.1:0 --listen 127.0.0.1:0 \
  --tls-ca "$SCRATCH/pki/ca.crt" --tls-cert "$SCRATCH/pki/51/node.crt" \
  --tls-key "$SCRATCH/pki/51/node.key" >"$SCRATCH/node.log" 2>&1 &
NODE_PID=$!
for _ in $(seq 1 100); do [[ -f $SCRATCH/data/admin.addr ]] && break; sleep 0.1; done
[[ -f $SCRATCH/data/admin.addr ]] || { cat "$SCRATCH/node.log" >&2; exit 1; }
export COUNCIL_TOKEN_FILE=$SCRATCH/data/admin.token
"$ROOT/usr/bin/councilctl" --node "$(cat "$SCRATCH/data/admin.addr")" status | grep -q "unit: *51"
echo "check_deb: $(basename "$DEB") unpacks and runs"
