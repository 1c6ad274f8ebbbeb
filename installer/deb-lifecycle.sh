#!/usr/bin/env bash
# `make deb-lifecycle`: the .deb from `make dist` installed, run as its service, upgraded over
# the previous version with queued jobs intact, and purged — in a throw-away root.
#
# The root is this machine's own Debian seen through an overlay (writes go to a temporary
# upper layer; nothing on the machine changes). Where the machine allows it, systemd boots as
# PID 1 of that root in private PID, mount, network, UTS, IPC and cgroup namespaces (a
# container: its services cannot reach the machine's processes or ports), and the checks run
# in it through nsenter: the maintainer scripts start, restart and stop vxacq.service through
# systemd, and systemctl shows its user, umask and clean stop. Where systemd cannot boot there
# (SYSTEMD=no forces this), the root is entered with chroot in private mount and PID
# namespaces and the maintainer scripts take their no-systemd paths; what systemd would do is
# checked instead: the unit file passes `systemd-analyze verify`, the package enables it, and
# its ExecStart runs by hand as its User/Group with its UMask.
#
# The previous version is PREV_DEB when given (an older release's .deb); otherwise the same
# package relabelled one version lower, which exercises the upgrade path of the maintainer
# scripts, conffiles and data dir but not a schema migration (tests/test_db.py does those).
# Needs root, unshare and overlayfs; exits 77 (skipped) saying why when the machine has none.
set -euo pipefail
cd "$(dirname "$0")/.."

skip() { echo "deb-lifecycle SKIPPED: $*" >&2; exit 77; }
debs=(dist/vxacq_*_amd64.deb)
deb="${DEB:-${debs[0]}}"  # DEB=...: another build of the package
[ -f "$deb" ] || { echo "deb-lifecycle: no dist/vxacq_*_amd64.deb: run make dist first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || skip "needs root (dpkg in a chroot)"
command -v unshare >/dev/null || skip "no unshare"

work=$(mktemp -d /tmp/vxacq-deb-lifecycle.XXXXXX)
boot=""
finish() {
    [ -z "$boot" ] || { kill "$boot" 2>/dev/null || true; wait "$boot" 2>/dev/null || true; }
    rm -rf "$work"
}
trap finish EXIT
mkdir -p "$work/payload" "$work/root"

version=$(dpkg-deb -f "$deb" Version)
if [ -n "${PREV_DEB:-}" ]; then
    cp "$PREV_DEB" "$work/payload/prev.deb"
else
    dpkg-deb -R "$deb" "$work/prev"
    sed -i "s/^Version: .*/Version: ${version}~prev1/" "$work/prev/DEBIAN/control"
    dpkg-deb --build --root-owner-group "$work/prev" "$work/payload/prev.deb" >/dev/null
    rm -rf "$work/prev"
fi
prev_version=$(dpkg-deb -f "$work/payload/prev.deb" Version)
cp "$deb" "$work/payload/new.deb"
install -m 755 installer/deb-lifecycle-inside.sh "$work/payload/inside.sh"
# The overlay's upper layer: empty but for the packages and the check, in /root.
fresh_upper() {
    rm -rf "$work/upper" "$work/overlay-work"
    mkdir -p "$work/upper/root" "$work/overlay-work"
    cp -a "$work/payload/." "$work/upper/root/"
}
fresh_upper
echo "== $prev_version, then $version, in an overlay root (this machine's PID 1: $(ps -p 1 -o comm= || echo '?'))"

# The overlay root, mounted by the caller (in its own mount namespace) on $1/root.
mount_root='
    w=$1
    mount -t overlay overlay -o "lowerdir=/,upperdir=$w/upper,workdir=$w/overlay-work" "$w/root" \
        || { echo "deb-lifecycle SKIPPED: overlayfs cannot be mounted here" >&2; exit 77; }
    mount -t proc proc "$w/root/proc"
    mount --rbind /dev "$w/root/dev"
    mount -t tmpfs tmpfs "$w/root/run"
    mount -t tmpfs tmpfs "$w/root/tmp"
'

# systemd as PID 1: a Debian booted to basic.target. A policy-rc.d that forbids starting
# services (build machines and container images have one) is removed in the overlay only.
if [ "${SYSTEMD:-yes}" != no ] && [ -x /lib/systemd/systemd ] && command -v nsenter >/dev/null; then
    unshare --mount --pid --net --uts --ipc --cgroup --fork --kill-child --propagation private \
        bash -c "set -e; $mount_root"'
        mount --rbind /sys "$w/root/sys"
        rm -f "$w/root/usr/sbin/policy-rc.d"
        echo vxacq-deb-lifecycle >"$w/root/etc/hostname"
        exec chroot "$w/root" env container=vxacq-deb-lifecycle /lib/systemd/systemd \
            --unit=basic.target
    ' _ "$work" >"$work/boot.log" 2>&1 &
    boot=$!
    pid1=""
    for _ in $(seq 60); do
        pid1=$(pgrep -P "$boot" -x systemd) && break
        kill -0 "$boot" 2>/dev/null || break
        sleep 0.5
    done
    state=""
    if [ -n "$pid1" ]; then
        state=$(timeout 60 nsenter -t "$pid1" -a -r -w systemctl is-system-running --wait || true)
    fi
    if [ "$state" = running ] || [ "$state" = degraded ]; then
        echo "systemd booted as PID 1 of the overlay root ($state)"
        status=0
        timeout 600 nsenter -t "$pid1" -a -r -w /root/inside.sh "$prev_version" "$version" || status=$?
        timeout 30 nsenter -t "$pid1" -a -r -w systemctl poweroff >/dev/null 2>&1 || true
        exit "$status"
    fi
    echo "systemd did not boot in the overlay root (state '${state:-none}'):" \
        "$(tail -3 "$work/boot.log" | tr '\n' ' ')" >&2
    kill "$boot" 2>/dev/null || true
    wait "$boot" 2>/dev/null || true
    boot=""
    fresh_upper
fi

echo "no systemd as PID 1: the root entered with chroot"
# --kill-child: whatever the check started inside (storescp, vxacq serve) ends with it.
unshare --mount --pid --fork --kill-child --propagation private bash -c "set -e; $mount_root"'
    exec chroot "$w/root" /root/inside.sh "$2" "$3"
' _ "$work" "$prev_version" "$version"
