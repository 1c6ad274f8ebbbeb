#!/bin/sh
# /usr/bin/vxacq: the bundle in /opt/vxacq. Without --config, $VXACQ_CONFIG or a personal
# ~/.config/vxacq/vxacq.toml, the station's /etc/vxacq/vxacq.toml is used: the console then
# shares the data dir and outbox with the vxacq service.
if [ -z "${VXACQ_CONFIG:-}" ] && [ ! -e "${XDG_CONFIG_HOME:-$HOME/.config}/vxacq/vxacq.toml" ]; then
    VXACQ_CONFIG=/etc/vxacq/vxacq.toml
    export VXACQ_CONFIG
fi
# What the console writes in the shared data dir: the service's group can write it, other
# accounts cannot read it (patient data).
umask 007
exec /opt/vxacq/vxacq "$@"
