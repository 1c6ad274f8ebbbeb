#!/usr/bin/env bash
# `make deb-lifecycle`: the .deb from `make dist` installed, run as its service, upgraded over
# the previous version with queued jobs intact, and purged — in a throw-away root.
#
# The root is this machine's own Debian seen through an overlay (writes go to a temporary
# upper layer; nothing on the machine changes), in private mount and PID namespaces, entered
# with chroot. Inside it there is no systemd as PID 1 (as in most containers and build
# machines), so the maintainer scripts take their no-systemd paths; what systemd would do is
# checked instead: the unit file passes `systemd-analyze verify`, the package enables it, and
# its ExecStart runs by hand as its User/Group with its UMask. Where systemd runs as PID 1
# (a VM), installation.md's "Checking an installation" does the same with systemctl.
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
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/upper/root" "$work/overlay-work" "$work/root"

version=$(dpkg-deb -f "$deb" Version)
if [ -n "${PREV_DEB:-}" ]; then
    cp "$PREV_DEB" "$work/upper/root/prev.deb"
else
    dpkg-deb -R "$deb" "$work/prev"
    sed -i "s/^Version: .*/Version: ${version}~prev1/" "$work/prev/DEBIAN/control"
    dpkg-deb --build --root-owner-group "$work/prev" "$work/upper/root/prev.deb" >/dev/null
    rm -rf "$work/prev"
fi
prev_version=$(dpkg-deb -f "$work/upper/root/prev.deb" Version)
cp "$deb" "$work/upper/root/new.deb"
install -m 755 installer/deb-lifecycle-inside.sh "$work/upper/root/inside.sh"
echo "== $prev_version, then $version, in an overlay root (systemd as PID 1 here: $(ps -p 1 -o comm= || echo '?'))"

# --kill-child: whatever the check started inside (storescp, vxacq serve) ends with it.
unshare --mount --pid --fork --kill-child --propagation private bash -c '
    set -e
    w=$1
    mount -t overlay overlay -o "lowerdir=/,upperdir=$w/upper,workdir=$w/overlay-work" "$w/root" \
        || { echo "deb-lifecycle SKIPPED: overlayfs cannot be mounted here" >&2; exit 77; }
    mount -t proc proc "$w/root/proc"
    mount --rbind /dev "$w/root/dev"
    mount -t tmpfs tmpfs "$w/root/run"
    mount -t tmpfs tmpfs "$w/root/tmp"
    exec chroot "$w/root" /root/inside.sh "$2" "$3"
' _ "$work" "$prev_version" "$version"
