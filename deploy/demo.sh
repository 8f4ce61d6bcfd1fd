#!/usr/bin/env bash
# The main job: a local council tree on loopback doing real sync.
#   deploy/demo.sh          install what is missing, build, start the tree,
#                           load sample records, show offline work and catch-up
#   deploy/demo.sh stop     stop the demo's nodes
# Data and logs: $COUNCIL_DEMO_DIR (default /tmp/council-demo); the demo's
# province CA and node certificates: $COUNCIL_DEMO_DIR/pki (deploy/pki.sh).
# Node links use mutual TLS; councilctl presents each node's admin token
# ($COUNCIL_DEMO_DIR/<unit>/admin.token).
# Ports: $COUNCIL_DEMO_PORT (default 7400) and up, on 127.0.0.1 only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${COUNCIL_DEMO_DIR:-/tmp/council-demo}
BASE=${COUNCIL_DEMO_PORT:-7400}
BUILD=${COUNCIL_BUILD_DIR:-$ROOT/build}
SAMPLE=$ROOT/deploy/sample

# unit  level     parent  name
TREE=(
  "51    province  -       HĐND tỉnh Quảng Ngãi"
  "522   district  51      HĐND thị xã Đức Phổ"
  "527   district  51      HĐND huyện Mộ Đức"
  "21550 commune   522     HĐND phường Phổ Vinh"
  "21553 commune   522     HĐND xã Phổ Châu"
  "21580 commune   527     HĐND xã Đức Phong"
  "21583 commune   527     HĐND xã Đức Lân"
)

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
index_of() { local i=0; for row in "${TREE[@]}"; do [[ ${row%% *} == "$1" ]] && { echo $i; return; }; i=$((i+1)); done; return 1; }
listen_port() { echo $((BASE + 2 * $(index_of "$1"))); }
admin_port() { echo $((BASE + 2 * $(index_of "$1") + 1)); }
PKI=$DIR/pki
ctl() {
  local unit=$1; shift
  "$BUILD/client/councilctl" --node "127.0.0.1:$(admin_port "$unit")" \
    --token-file "$DIR/$unit/admin.token" "$@"
}

stop_unit() {
  local pidfile=$DIR/$1/councild.pid
  [[ -f $pidfile ]] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pidfile"
}

stop_all() {
  for row in "${TREE[@]}"; do stop_unit "${row%% *}"; done
}

start_unit() {
  local unit=$1 level parent name
  read -r _ level parent name <<<"$(printf '%s\n' "${TREE[@]}" | awk -v u="$unit" '$1==u')"
  local args=(--data-dir "$DIR/$unit" --unit "$unit" --level "$level" --name "$name"
              --listen "127.0.0.1:$(listen_port "$unit")" --admin-listen "127.0.0.1:$(admin_port "$unit")"
              --tls-ca "$PKI/ca.crt" --tls-cert "$PKI/$unit/node.crt" --tls-key "$PKI/$unit/node.key"
              --signing-ca "$PKI/ca.crt" --signing-key "$PKI/$unit/signing.key"
              --signing-cert "$PKI/$unit/signing.crt")
  if [[ $parent != - ]]; then
    args+=(--parent-unit "$parent" --parent "127.0.0.1:$(listen_port "$parent")")
  fi
  mkdir -p "$DIR/$unit"
  setsid "$BUILD/node/councild" "${args[@]}" </dev/null >>"$DIR/$unit/councild.log" 2>&1 &
  echo $! >"$DIR/$unit/councild.pid"
  for _ in $(seq 1 100); do [[ -f $DIR/$unit/admin.addr ]] && return 0; sleep 0.1; done
  echo "demo: $unit did not start; see $DIR/$unit/councild.log" >&2
  tail -5 "$DIR/$unit/councild.log" >&2
  exit 1
}

sync_all() {  # leaves first, so everything climbs to the province
  for unit in 21550 21553 21580 21583 522 527; do ctl "$unit" sync wait --timeout 30; done
}

if [[ ${1:-start} == stop ]]; then
  stop_all
  echo "demo stopped; data and logs remain in $DIR"
  exit 0
fi

say "Installing what is missing and building"
bash "$ROOT/deploy/install-deps.sh"
[[ -f $BUILD/CMakeCache.txt ]] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target councild councilctl >/dev/null

stop_all
rm -rf "$DIR"
say "A province CA and a certificate per council in $PKI (deploy/pki.sh)"
bash "$ROOT/deploy/pki.sh" init "$PKI"
for row in "${TREE[@]}"; do bash "$ROOT/deploy/pki.sh" issue "$PKI" "${row%% *}" >/dev/null; done
echo "CA $PKI/ca.crt; per council $PKI/<unit>/node.crt and node.key (mode 0600)"

say "Starting a province, 2 districts and 4 communes on 127.0.0.1:$BASE-$((BASE + 13))"
echo "every node link is mutual TLS, bound to the unit its certificate names"
for row in "${TREE[@]}"; do start_unit "${row%% *}"; done
ctl 51 units

say "Loading sample records"
D1=$(ctl 51 directive issue --title "Tăng cường giám sát việc giải quyết kiến nghị cử tri" \
  --due "$(date -u -d '+30 days' +%F)" --to-level commune --number "45/TB-HĐND" --issued-on 2023-09-18 \
  --issuing-body "Thường trực HĐND tỉnh" --signer "Nguyễn Hoài Anh" --signer-capacity "TM. THƯỜNG TRỰC HĐND")
C1=$(ctl 522 conclusion create --title "Kết luận Hội nghị trực báo giữa năm 2023" \
  --meeting-date 2023-08-25 --meeting-kind "trực báo" --place "Hội trường UBND thị xã Đức Phổ" \
  --chair "Nguyễn Kiên" --body-file "$SAMPLE/ket-luan-truc-bao.txt" --number "112/TB-HĐND")
ctl 522 directive issue --title "Gửi báo cáo kết quả hoạt động năm 2023" --due 2023-12-15 \
  --to-level commune --conclusion "$C1" >/dev/null
i=0
for unit in 21550 21553 21580 21583; do
  i=$((i + 1))
  ctl "$unit" report create --period 2023-YTD08 --period-label "8 tháng đầu năm 2023" \
    --title "Báo cáo kết quả hoạt động 8 tháng đầu năm 2023" --body-file "$SAMPLE/bao-cao-8-thang.txt" \
    --metric sessions_held=2 --metric thematic_sessions=1 --metric resolutions_passed=$((7 + i)) \
    --metric voter_meetings=$((10 + i)) --metric petitions_received=$((30 + i)) \
    --metric petitions_resolved=$((25 + i)) >/dev/null
done
P1=$(ctl 21550 petition create --title "Kiến nghị về bồi thường dự án đường ven biển" --field compensation \
  --competent-level province --due 2023-11-30 --petitioner "Cử tri thôn An Thạch" \
  --body-file "$SAMPLE/kien-nghi-dat-dai.txt")
ctl 21580 petition create --title "Kiến nghị sửa chữa cầu tràn thôn Vĩnh Thạnh" --field infrastructure \
  --competent-level district --due "$(date -u -d '-10 days' +%F)" --petitioner "Cử tri thôn Vĩnh Thạnh" >/dev/null
sync_all
ctl 21553 directive update "$D1" --status done --note "Đã tổ chức giám sát tại 3 thôn" >/dev/null
ctl 51 petition answer "$P1" --body-file "$SAMPLE/tra-loi-kien-nghi.txt" --title "Trả lời kiến nghị cử tri" >/dev/null
sync_all
echo "directive $D1 issued at the province; petition $P1 recorded at 21550 and answered by the province"

say "District 522 goes down; commune 21550 keeps working offline"
stop_unit 522
R2=$(ctl 21550 report create --period 2023 --title "Báo cáo kết quả hoạt động năm 2023" \
  --metric sessions_held=4 --metric resolutions_passed=17 --metric voter_meetings=22)
echo "21550 recorded report $R2 while its district was down"
if ctl 21550 sync wait --timeout 2 2>&1; then echo "unexpected: in sync without a district"; fi
ctl 21550 status

say "District 522 comes back; the report climbs to the province"
start_unit 522
sync_all
ctl 51 show "$R2" | head -12

say "The province's view"
ctl 51 units
ctl 51 status

say "The province's consolidated table for the first eight months of 2023"
ctl 51 consolidate --period 2023-YTD08
say "Who has not reported for 2023 (the year report)"
ctl 51 missing --period 2023 --level commune
say "Follow-up of directive $D1 and of voter petitions"
ctl 51 directive track "$D1"
ctl 51 petitions
say "Search without diacritics: \"ket luan truc bao\""
ctl 51 search ket luan truc bao

say "Done"
cat <<EOT
The tree is still running. Try:
  $BUILD/client/councilctl --node 127.0.0.1:$(admin_port 51) --token-file $DIR/51/admin.token list --kind directive_update
  COUNCIL_TOKEN_FILE=$DIR/21550/admin.token $BUILD/client/councilctl --node 127.0.0.1:$(admin_port 21550) show $P1
Data and logs: $DIR/<unit>/ (councild.log, admin.token, RocksDB files); certificates: $PKI
Stop it with:  deploy/demo.sh stop
EOT
