#!/bin/bash
# Run by deb-lifecycle.sh as root inside its throw-away root: install, service, upgrade with
# queued jobs, purge. Arguments: the previous and the new package version. With systemd as
# PID 1 there, the maintainer scripts start and stop the service through it and the checks use
# systemctl; without, the unit's ExecStart is run by hand as its User/Group with its UMask.
set -euo pipefail
prev_version=$1 version=$2
unit=/lib/systemd/system/vxacq.service
config=/etc/vxacq/vxacq.toml
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
systemd=""
[ -d /run/systemd/system ] && systemd=yes
fail() { echo "deb-lifecycle FAILED: $*" >&2; exit 1; }
step() { echo "== $*"; }
as_vxacq() { runuser -u vxacq -- env -i HOME=/var/lib/vxacq PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
queued_ids() {
    as_vxacq vxacq --config "$config" queue --state queued --state running --json \
        | python3 -c 'import json, sys; print(" ".join(str(j["id"]) for j in json.load(sys.stdin)))'
}

step "install $prev_version"
dpkg -i /root/prev.deb
[ "$(dpkg-query -W -f '${Version}' vxacq)" = "$prev_version" ] || fail "not installed"
getent passwd vxacq >/dev/null || fail "no vxacq system user"
[ "$(stat -c '%a %U %G' /var/lib/vxacq)" = "2770 vxacq vxacq" ] \
    || fail "data dir is $(stat -c '%a %U %G' /var/lib/vxacq), not 2770 vxacq vxacq"
[ -L /etc/systemd/system/multi-user.target.wants/vxacq.service ] \
    || fail "the package did not enable vxacq.service"
echo "user vxacq, /var/lib/vxacq 2770, vxacq.service enabled (multi-user.target.wants)"

step "systemd-analyze verify $unit"
systemd-analyze verify "$unit"
echo "unit file verified"

if [ -n "$systemd" ]; then
    step "the package started vxacq.service under systemd (the shipped configuration), stopped for setup"
    # (no node configured yet: its outbox runs and its listener stays closed, as it says)
    for _ in $(seq 60); do
        journalctl -u vxacq --no-pager | grep -q "vxacq serve: outbox running" && break
        sleep 0.5
    done
    systemctl is-active --quiet vxacq || { journalctl -u vxacq --no-pager | tail; fail "not active"; }
    journalctl -u vxacq --no-pager | grep "vxacq serve: outbox running" \
        || { journalctl -u vxacq --no-pager | tail; fail "vxacq serve did not say it runs"; }
    systemctl stop vxacq
    [ "$(systemctl show -p Result --value vxacq)" = success ] || fail "the service did not stop cleanly"
    echo "active and running, stopped (Result=success)"
fi

step "the station configured (a PACS node that is down) and an image acquired"
port=$(free_port)
cat >"$config" <<TOML
[station]
ae_title = "VXACQ"
listen_port = $(free_port)
station_name = "DX-ROOM-1"
data_dir = "/var/lib/vxacq"

[[node]]
name = "pacs"
ae_title = "PACS"
host = "127.0.0.1"
port = $port
services = ["store"]
retries = 20
retry_delay = 1.0
TOML
as_vxacq vxacq --config "$config" config check
as_vxacq vxacq --config "$config" calibrate >/dev/null
as_vxacq vxacq --config "$config" acquire --protocol HAND_PA --laterality L >/dev/null
image=$(ls /var/lib/vxacq/images/*.dcm | head -1)
as_vxacq vxacq --config "$config" store pacs "$image" || true  # the PACS is down: stays queued
before=$(queued_ids)
[ -n "$before" ] || fail "no job queued while the PACS is down"
echo "queued before the upgrade: job(s) $before"

step "upgrade to $version (unpacked, then configured: under systemd that restarts the service)"
dpkg --unpack /root/new.deb
after=$(queued_ids)
[ "$after" = "$before" ] || fail "queued jobs changed over the upgrade: '$before' → '$after'"
dpkg --configure vxacq
[ "$(dpkg-query -W -f '${Version}' vxacq)" = "$version" ] || fail "not upgraded"
grep -q "port = $port" "$config" || fail "the upgrade replaced the station's configuration"
echo "configuration kept; still queued after unpacking: job(s) $after"

mkdir -p /tmp/received
touch /tmp/serve-started
storescp -aet PACS -od /tmp/received -fe .dcm "$port" >/tmp/storescp.log 2>&1 &
pids+=($!)

if [ -n "$systemd" ]; then
    step "vxacq.service, restarted by the upgrade, sends the queued job(s) (systemd as PID 1)"
    systemctl is-active --quiet vxacq || fail "the upgrade did not start vxacq.service"
    main_pid=$(systemctl show -p MainPID --value vxacq)
    [ "$(ps -o user= -p "$main_pid")" = vxacq ] || fail "the service runs as $(ps -o user= -p "$main_pid")"
    grep -q '^Umask:.*0007$' "/proc/$main_pid/status" || fail "the service's umask is not 0007"
    grep -q '^NoNewPrivs:.*1$' "/proc/$main_pid/status" || fail "NoNewPrivileges not applied"
    for _ in $(seq 120); do
        [ -z "$(queued_ids)" ] && break
        systemctl is-active --quiet vxacq || break
        sleep 1
    done
    [ -z "$(queued_ids)" ] || { journalctl -u vxacq --no-pager | tail -20
                                fail "vxacq.service did not send job(s) $before within 120 s"; }
else
    step "the unit's ExecStart, run as its User/Group with its UMask (no systemd as PID 1 here)"
    exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
    user=$(sed -n 's/^User=//p' "$unit") group=$(sed -n 's/^Group=//p' "$unit")
    umask_value=$(sed -n 's/^UMask=//p' "$unit")
    [ "$user" = vxacq ] && [ "$group" = vxacq ] || fail "unit runs as $user:$group"
    # shellcheck disable=SC2086 (ExecStart is a command line)
    runuser -u "$user" -g "$group" -- env -i HOME=/var/lib/vxacq PATH=/usr/bin:/bin LANG=C.UTF-8 \
        sh -c "umask $umask_value; exec $exec_start" >/tmp/serve.log 2>&1 &
    serve=$!
    pids+=($serve)
    for _ in $(seq 120); do
        [ -z "$(queued_ids)" ] && break
        kill -0 "$serve" 2>/dev/null || { cat /tmp/serve.log; fail "vxacq serve exited"; }
        sleep 1
    done
    [ -z "$(queued_ids)" ] || { cat /tmp/serve.log; fail "vxacq serve did not send job(s) $before within 120 s"; }
fi
ls /tmp/received/*.dcm >/dev/null 2>&1 || fail "storescp received nothing"
states=$(as_vxacq vxacq --config "$config" queue --json \
    | python3 -c 'import json, sys; print(" ".join(sorted({j["state"] for j in json.load(sys.stdin)})))')
[ "$states" = done ] || fail "jobs ended $states, not done"
echo "vxacq serve sent job(s) $before to storescp: $(ls /tmp/received | wc -l) file(s)"
if [ -n "$systemd" ]; then
    systemctl stop vxacq
    result=$(systemctl show -p Result --value vxacq) code=$(systemctl show -p ExecMainStatus --value vxacq)
    [ "$result" = success ] && [ "$code" = 0 ] || fail "systemctl stop: Result=$result, status $code"
    echo "systemctl stop: the service ended cleanly (Result=success, exit 0)"
else
    # SIGTERM to the service itself, as systemd stops it (runuser, its parent here, would
    # report a signal it was sent as its own exit status)
    main_pid=$(pgrep -P "$serve") || fail "no vxacq serve process under runuser"
    kill -TERM "$main_pid"
    for _ in $(seq 30); do kill -0 "$serve" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$serve" 2>/dev/null && fail "vxacq serve did not stop on SIGTERM within 15 s"
    status=0; wait "$serve" || status=$?
    [ "$status" = 0 ] || { tail -5 /tmp/serve.log; fail "vxacq serve exited $status on SIGTERM"; }
    echo "vxacq serve stopped on SIGTERM (exit 0)"
fi
new_files=$(find /var/lib/vxacq -newer /tmp/serve-started -perm /o=rwx | head -3)
[ -z "$new_files" ] || fail "the service wrote files other accounts can read: $new_files"

step "purge"
dpkg --purge vxacq
status=$(dpkg-query -W -f '${db:Status-Status}' vxacq 2>/dev/null || true)
[ -z "$status" ] || [ "$status" = not-installed ] || fail "vxacq is still $status after purge"
for gone in /opt/vxacq /usr/bin/vxacq "$unit" /etc/vxacq \
        /etc/systemd/system/multi-user.target.wants/vxacq.service; do
    [ ! -e "$gone" ] || fail "$gone is still there after purge"
done
[ -f /var/lib/vxacq/vxacq.sqlite ] || fail "purge removed the exam database (patient records stay)"
if [ -n "$systemd" ]; then
    [ -z "$(systemctl list-unit-files --no-legend vxacq.service)" ] || fail "systemd still knows vxacq.service"
fi
echo "purged: program, configuration and unit gone; the exam database stays (patient records)"
echo "deb-lifecycle: all passed"
