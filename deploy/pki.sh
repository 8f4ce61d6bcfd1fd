#!/usr/bin/env bash
# A province's PKI for council node links (mutual TLS), with the openssl
# command line.
#
#   deploy/pki.sh init DIR                 make the province CA: DIR/ca.key, DIR/ca.crt
#   deploy/pki.sh issue DIR UNIT [HOST...] make DIR/UNIT/node.key and DIR/UNIT/node.crt
#                                          (TLS), DIR/UNIT/signing.key and
#                                          DIR/UNIT/signing.crt (record signatures)
#
# The CA is an EC P-256 key with a self-signed certificate valid for 10 years.
# A node certificate (EC P-256, signed by the CA, valid for 3 years) has
# CN=UNIT and subjectAltName URI:council:unit:UNIT, DNS:localhost,
# IP:127.0.0.1 and every HOST given (a name becomes DNS:, an address IP:);
# it serves both ends of a link (extendedKeyUsage serverAuth, clientAuth).
# A node's children dial it by one of those HOSTs, so give the names and
# addresses they use. Private keys are mode 0600.
#
# The record signing key is Ed25519; its certificate (signed by the CA, valid
# 3 years, CN=UNIT, keyUsage digitalSignature only) binds it to the unit, so
# every node started with --signing-ca ca.crt takes the unit's key only with
# it (node/core/signing.h).
#
# Both commands are idempotent: an existing CA is kept; an existing node
# certificate is kept if the CA signed it and it names the same hosts, and is
# re-issued (keeping the node's key) otherwise. Copy ca.crt, node.crt and
# node.key to the node and start it with
#   councild --tls-ca ca.crt --tls-cert node.crt --tls-key node.key ...
# Keep ca.key offline: it is needed only to issue certificates.
set -euo pipefail

PROG=$(basename "$0")
CA_DAYS=3650
NODE_DAYS=1095

usage() {
  cat <<EOT
usage: $PROG init DIR
       $PROG issue DIR UNIT [HOST...]

  init DIR                  create the province CA in DIR (ca.key, ca.crt);
                            an existing CA is kept
  issue DIR UNIT [HOST...]  create DIR/UNIT/node.key and DIR/UNIT/node.crt (TLS)
                            and DIR/UNIT/signing.key and DIR/UNIT/signing.crt
                            (record signatures) for the council with unit id UNIT
                            (e.g. 21550), signed by the CA in DIR; HOST: a DNS name
                            or IP address its children dial (localhost and
                            127.0.0.1 are always included)
EOT
}

die() {
  echo "$PROG: $*" >&2
  exit 1
}

usage_error() {
  echo "$PROG: $*" >&2
  usage >&2
  exit 2
}

command -v openssl >/dev/null 2>&1 || die "openssl not found (apt-get install openssl)"

# Runs openssl quietly; on failure shows its output and stops.
ossl() {
  local out
  if ! out=$(openssl "$@" 2>&1); then
    echo "$out" >&2
    die "openssl $1 failed"
  fi
}

new_key() {  # new_key FILE [ALGORITHM]: an EC P-256 (default) or ED25519 private key, mode 0600
  local file=$1 algorithm=${2:-EC} tmp
  local opts=()
  [[ $algorithm == EC ]] && opts=(-pkeyopt ec_paramgen_curve:P-256)
  tmp=$(mktemp "$file.XXXXXX")
  chmod 600 "$tmp"
  ossl genpkey -algorithm "$algorithm" "${opts[@]}" -out "$tmp"
  mv -f "$tmp" "$file"
}

# The certificate binding UNIT's record signing key to it: DIR/UNIT/signing.crt.
issue_signing() {
  local dir=$1 unit=$2 out=$1/$2
  if [[ -f $out/signing.crt && -f $out/signing.key ]] &&
     openssl verify -CAfile "$dir/ca.crt" "$out/signing.crt" >/dev/null 2>&1 &&
     [[ $(openssl x509 -in "$out/signing.crt" -noout -pubkey) == "$(openssl pkey -in "$out/signing.key" -pubout)" ]]; then
    chmod 600 "$out/signing.key"
    return 0
  fi
  [[ -f $out/signing.key ]] || new_key "$out/signing.key" ED25519
  chmod 600 "$out/signing.key"
  local work
  work=$(mktemp -d)
  ossl req -new -key "$out/signing.key" -out "$work/signing.csr" -subj "/O=Council sync/CN=$unit"
  cat >"$work/ext.cnf" <<EOT
[signing]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOT
  ossl x509 -req -in "$work/signing.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days "$NODE_DAYS" \
    -extfile "$work/ext.cnf" -extensions signing -out "$work/signing.crt"
  chmod 644 "$work/signing.crt"
  mv -f "$work/signing.crt" "$out/signing.crt"
  rm -rf "$work"
  echo "$PROG: issued $out/signing.crt for the record signing key of unit $unit"
}

is_ip() {
  [[ $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ || $1 == *:* ]]
}

cmd_init() {
  [[ $# -eq 1 ]] || usage_error "init takes exactly one DIR"
  local dir=$1
  if [[ -f $dir/ca.key && -f $dir/ca.crt ]]; then
    openssl x509 -in "$dir/ca.crt" -noout 2>/dev/null || die "$dir/ca.crt is not a PEM certificate"
    chmod 600 "$dir/ca.key"
    echo "$PROG: CA already in $dir (kept): $(openssl x509 -in "$dir/ca.crt" -noout -subject)"
    return 0
  fi
  [[ -e $dir/ca.key || -e $dir/ca.crt ]] &&
    die "$dir holds only one of ca.key and ca.crt; remove it or restore the other"
  mkdir -p "$dir" || die "cannot create $dir"
  new_key "$dir/ca.key"
  local tmp
  tmp=$(mktemp "$dir/ca.crt.XXXXXX")
  ossl req -new -x509 -key "$dir/ca.key" -out "$tmp" -days "$CA_DAYS" -sha256 \
    -subj "/O=Council sync/CN=Council province CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash"
  chmod 644 "$tmp"
  mv -f "$tmp" "$dir/ca.crt"
  echo "$PROG: created CA $dir/ca.crt (key $dir/ca.key, valid $CA_DAYS days)"
}

# The subjectAltName a node certificate for UNIT and HOSTs carries.
san_for() {
  local unit=$1
  shift
  local san="URI:council:unit:$unit,DNS:localhost,IP:127.0.0.1" h
  for h in "$@"; do
    [[ $h == localhost || $h == 127.0.0.1 ]] && continue
    if is_ip "$h"; then san+=",IP:$h"; else san+=",DNS:$h"; fi
  done
  echo "$san"
}

# The SAN of an existing certificate as openssl prints it, normalised to
# the form san_for() writes (IP Address:1.2.3.4 -> IP:1.2.3.4), one per line, sorted.
san_of_cert() {
  openssl x509 -in "$1" -noout -ext subjectAltName 2>/dev/null | tail -n +2 |
    tr ',' '\n' | sed -e 's/^ *//' -e 's/^IP Address:/IP:/' | sort
}

cmd_issue() {
  [[ $# -ge 2 ]] || usage_error "issue needs DIR and UNIT"
  local dir=$1 unit=$2
  shift 2
  [[ $unit =~ ^[A-Za-z0-9_-]{1,32}$ ]] ||
    die "invalid UNIT '$unit': a unit id is 1-32 letters A-Z, digits, '_' or '-' (e.g. 21550)"
  local h
  for h in "$@"; do
    [[ $h =~ ^[A-Za-z0-9.:-]+$ ]] || die "invalid HOST '$h': expected a DNS name or an IP address"
  done
  [[ -f $dir/ca.key && -f $dir/ca.crt ]] ||
    die "no CA in $dir (expected $dir/ca.key and $dir/ca.crt); run: $PROG init $dir"
  local out=$dir/$unit san
  san=$(san_for "$unit" "$@")
  mkdir -p "$out" || die "cannot create $out"
  if [[ -f $out/node.crt && -f $out/node.key ]] &&
     openssl verify -CAfile "$dir/ca.crt" "$out/node.crt" >/dev/null 2>&1 &&
     [[ $(san_of_cert "$out/node.crt") == "$(tr ',' '\n' <<<"$san" | sort)" ]]; then
    chmod 600 "$out/node.key"
    echo "$PROG: certificate for unit $unit already in $out (kept)"
    issue_signing "$dir" "$unit"
    return 0
  fi
  [[ -f $out/node.key ]] || new_key "$out/node.key"
  chmod 600 "$out/node.key"
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  local work=$WORK
  ossl req -new -key "$out/node.key" -out "$work/node.csr" -subj "/O=Council sync/CN=$unit"
  cat >"$work/ext.cnf" <<EOT
[node]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyAgreement
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = $san
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOT
  ossl x509 -req -in "$work/node.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days "$NODE_DAYS" -sha256 \
    -extfile "$work/ext.cnf" -extensions node -out "$work/node.crt"
  chmod 644 "$work/node.crt"
  mv -f "$work/node.crt" "$out/node.crt"
  echo "$PROG: issued $out/node.crt for unit $unit ($san; valid $NODE_DAYS days)"
  issue_signing "$dir" "$unit"
}

case ${1:-} in
  init) shift; cmd_init "$@" ;;
  issue) shift; cmd_issue "$@" ;;
  -h|--help|help) usage ;;
  "") usage_error "missing command" ;;
  *) usage_error "unknown command '$1'" ;;
esac
