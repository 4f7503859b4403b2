#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module load and unload: the configfs tree appears and goes with the
# module; configured objects pin the module (rmmod refused) and a listening
# portal is closed by removing it; repeated load/unload cycles are clean.
. "$KTGT_SRC/selftests/lib/lib.sh"
C=$KTGT_CFS
IQN=iqn.2026-11.org.ktgt:modtest

listening() { ss -Hltn "sport = :$1" | grep -c LISTEN; }

t_run "insmod ktgt.ko" ktgt_load || t_bail "cannot load $KTGT_KO"
t_eq "module is live" live "$(cat /sys/module/ktgt/initstate)"
t_run "configfs root $C exists" test -d $C
t_eq "top-level groups" "backstores discovery_auth targets" "$(ls $C | xargs)"
t_eq "backstore types" "block file null ram" "$(ls $C/backstores | xargs)"
t_eq "no targets" "" "$(ls $C/targets)"
t_eq "refcount is 0 with no objects" 0 "$(cat /sys/module/ktgt/refcnt)"
t_run "rmmod with no objects" rmmod ktgt
t_run "configfs root gone after rmmod" test ! -e $C
t_run "module gone" test ! -e /sys/module/ktgt

t_run "insmod again" ktgt_load
t_run "configure: ram backstore" ktgt_backstore ram r0 $((64 << 20))
t_run "configure: target, TPG, portal 127.0.0.1:3261" ktgt_target $IQN 1 127.0.0.1:3261
t_run "configure: LUN 0" ktgt_lun $IQN 1 0 ram/r0
t_run "configure: ACL with a mapped LUN" ktgt_acl $IQN 1 iqn.2026-11.org.ktgt:ini 0 0
t_run "configure: enable" sh -c "echo 1 > $C/targets/$IQN/tpgt_1/enable"
t_eq "portal is listening" 1 "$(listening 3261)"
t_rc "rmmod refused while objects exist" 1 rmmod ktgt
t_run "module still loaded" test -d /sys/module/ktgt
t_eq "tree intact after refused rmmod" "$C/targets/$IQN/tpgt_1/lun/lun_0/ram_r0" \
	"$(ls -d $C/targets/$IQN/tpgt_1/lun/lun_0/ram_* 2>&1)"
t_run "remove every object" ktgt_teardown
t_eq "portal closed" 0 "$(listening 3261)"
t_run "rmmod after teardown" rmmod ktgt

ok=0
for i in 1 2 3 4 5; do
	ktgt_load && ktgt_backstore null n$i $((1 << 30)) && ktgt_target $IQN 1 127.0.0.1:3261 &&
		ktgt_teardown && rmmod ktgt && ok=$((ok + 1))
done
t_eq "5 load/configure/teardown/unload cycles" 5 $ok
t_eq "no listener left" 0 "$(listening 3261)"
t_done
