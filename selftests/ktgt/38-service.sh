#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install and ktgt.service in the guest (whose / is a tmpfs overlay):
# the files land where they belong, modprobe finds the installed module,
# and the unit's commands (run in order as systemd would: ExecStartPre,
# ExecStart at start; ExecStop at stop; systemd is not PID 1 here) start
# with an empty configuration, save it at stop, and restore it exactly at
# the next start after a module reload.
. "$KTGT_SRC/selftests/lib/lib.sh"
U=/lib/systemd/system/ktgt.service
IQN=iqn.2026-11.org.ktgt:svc
INI=iqn.2026-11.org.ktgt:svc-ini
# unit_run KEY...: run the unit's KEY= lines in order, like systemd
unit_run() {
	local k line
	for k; do
		# no /dev/fd in the guest: no process substitution
		grep "^$k=" $U > /tmp/unit.lines
		while IFS= read -r line; do
			sh -c "${line#*=}" || { echo "failed: $line" >&2; return 1; }
		done < /tmp/unit.lines
	done
}
svc_start() { unit_run ExecStartPre ExecStart; }
svc_stop() { unit_run ExecStop; }

t_run "no ktgt loaded at first" test ! -d /sys/module/ktgt
rm -f /etc/ktgt/saveconfig.json
# the tree is read-only here and ktgt.ko, ktgtctl are built: do not rebuild
t_run "make install" make -s -C "$KTGT_SRC" -o module -o tools install
KV=$(uname -r)
t_run "ktgt.ko in /lib/modules/$KV/extra" cmp "$KTGT_SRC/ktgt.ko" /lib/modules/$KV/extra/ktgt.ko
t_run "ktgtctl in /usr/sbin" test -x /usr/sbin/ktgtctl
t_run "man page, completion, unit installed" test -f /usr/share/man/man8/ktgtctl.8 -a \
	-f /usr/share/bash-completion/completions/ktgtctl -a -f $U
t_run "modprobe finds the installed module (depmod ran)" sh -c "modinfo -n ktgt | grep -q /extra/ktgt.ko"

t_run "start without a saved configuration" svc_start
t_run "the module is loaded and configfs mounted" test -d /sys/kernel/config/ktgt/targets
t_eq "and nothing is configured" "" "$(ls /sys/kernel/config/ktgt/targets)"
K=/usr/sbin/ktgtctl
config() {
	$K backstore create ram r0 32M --serial SVC0 && $K backstore create ram r1 16M &&
		$K tpg create $IQN 1 && $K lun create $IQN 1 0 ram/r0 && $K lun create $IQN 1 1 ram/r1 &&
		$K portal create $IQN 1 127.0.0.1:3260 && $K portal create $IQN 1 '[::1]:3260' &&
		$K acl create $IQN 1 $INI && $K acl map-lun $IQN 1 $INI 0 1 &&
		$K acl set $IQN 1 $INI auth userid u1 && $K acl set $IQN 1 $INI auth password secretsecret1 &&
		$K tpg set $IQN 1 attrib authentication 1 && $K tpg enable $IQN 1
}
t_run "configure with ktgtctl (2 LUNs, IPv4+IPv6 portals, ACL with CHAP)" config
before=$($K show --json --secrets)
t_run "stop: save then clear" svc_stop
t_run "saved to /etc/ktgt/saveconfig.json, mode 0600" test "$(stat -c %a /etc/ktgt/saveconfig.json)" = 600
t_eq "the configuration is cleared" "" "$(ls -A /sys/kernel/config/ktgt/targets)$(ls -A /sys/kernel/config/ktgt/backstores/ram)"
t_run "rmmod (as an upgrade would)" rmmod ktgt
t_run "start: modprobe, restore" svc_start
t_eq "the configuration is back, every object and attribute" "$before" "$($K show --json --secrets)"
t_run "the restored target serves a CHAP login" iscsi-inq -i $INI \
	"iscsi://u1%secretsecret1@127.0.0.1:3260/$IQN/0"
svc_restart() { svc_stop && svc_start; }
t_run "a second stop/start cycle" svc_restart
t_eq "still the same configuration" "$before" "$($K show --json --secrets)"
t_run "final stop" svc_stop
t_run "rmmod" rmmod ktgt
t_run "make uninstall" make -s -C "$KTGT_SRC" uninstall
t_run "files removed" test ! -e /usr/sbin/ktgtctl -a ! -e $U -a ! -e /lib/modules/$KV/extra/ktgt.ko
t_done
