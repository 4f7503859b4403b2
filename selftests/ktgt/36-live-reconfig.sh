#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Live reconfiguration: while fio --verify=crc32c --verify_fatal=1 runs
# over open-iscsi on session A (target 1, TPG 1, LUN 0, through an ACL),
# add and remove an ACL, a mapped LUN of A's own ACL, portals (IPv4 and
# IPv6), a LUN of another target, and disable then re-enable another
# target's TPG.  Session A keeps its TSIH and connection (it never
# reconnects) and every fio pass verifies; the disabled TPG ends its
# session and refuses logins, and works again once re-enabled, without a
# module reload.
. "$KTGT_SRC/selftests/lib/lib.sh"
T1=iqn.2026-11.org.ktgt:live1
T2=iqn.2026-11.org.ktgt:live2
INI=iqn.2026-11.org.ktgt:live-ini
OTHER=iqn.2026-11.org.ktgt:live-other
P1=127.0.0.1:3260
P2=127.0.0.1:3264
C1=$KTGT_CFS/targets/$T1/tpgt_1
C21=$KTGT_CFS/targets/$T2/tpgt_1
C22=$KTGT_CFS/targets/$T2/tpgt_2
sess() { awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$1/sessions"; }
nsess() { grep -c '^session ' "$1/sessions"; }

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
setup() {
	ktgt_backstore ram a $((256 << 20)) && ktgt_backstore ram x $((16 << 20)) &&
		ktgt_backstore ram y $((16 << 20)) &&
		ktgt_target $T1 1 $P1 && ktgt_lun $T1 1 0 ram/a && ktgt_lun $T1 1 1 ram/x &&
		ktgt_acl $T1 1 $INI 0 0 && echo 1 > $C1/enable &&
		ktgt_target $T2 1 "" && ktgt_lun $T2 1 0 ram/x && echo 1 > $C21/enable &&
		ktgt_target $T2 2 $P2 && ktgt_lun $T2 2 0 ram/y &&
		echo 1 > $C22/attrib/generate_node_acls && echo 1 > $C22/enable
}
t_run "target 1 (ACL for $INI: LUN 0 = 256 MiB), target 2 with TPGs 1 and 2" setup
t_run "iscsid as $INI" iscsi_start $INI
t_run "session A: login to target 1" iscsi_login $T1 $P1
DEV=$(iscsi_disk $T1 0)
t_run "session A's LUN 0 is a disk" test -b "$DEV"
t_run "session B: login to target 2 TPG 2 (demo mode)" iscsi_login $T2 $P2
t_eq "TPG 2 of target 2 has session B" 1 "$(nsess $C22)"
TSIH=$(sess $C1 tsih) CONN=$(sess $C1 conn)

# fio passes, back to back, until the reconfiguration is done
rm -f /tmp/live.stop /tmp/live.rc
(
	i=0
	while [ ! -e /tmp/live.stop ] || [ $i = 0 ]; do
		i=$((i + 1))
		fio --name=live --filename="$DEV" --direct=1 --ioengine=libaio --iodepth=16 \
			--rw=randwrite --bs=4k --size=32M --verify=crc32c --verify_fatal=1 \
			--do_verify=1 --randrepeat=0 --output=/tmp/live.fio.$i > /dev/null 2>&1
		echo "$i $?" >> /tmp/live.rc
	done
) &
FIO=$!
t_run "fio is running on session A" wait_for 60 pgrep -x fio

t_run "add an ACL ($OTHER) with a mapped LUN to target 1" ktgt_acl $T1 1 $OTHER 0 1
t_run "remove it" sh -c "rm $C1/acls/$OTHER/lun_0/lun_1 && rmdir $C1/acls/$OTHER/lun_0 $C1/acls/$OTHER"
t_run "map LUN 1 into session A's own ACL as LUN 3" sh -c \
	"mkdir $C1/acls/$INI/lun_3 && ln -s $C1/lun/lun_1 $C1/acls/$INI/lun_3/lun_1"
t_eq "session A now sees LUNs 0 and 3" "0 3" "$(sess $C1 luns)"
t_run "unmap it" sh -c "rm $C1/acls/$INI/lun_3/lun_1 && rmdir $C1/acls/$INI/lun_3"
t_eq "session A sees LUN 0 again" "0" "$(sess $C1 luns)"
t_run "add IPv4 and IPv6 portals to target 1" sh -c "mkdir $C1/np/127.0.0.1:3261 && mkdir '$C1/np/[::1]:3262'"
t_run "the new portal serves a login (libiscsi)" iscsi-inq -i $INI iscsi://127.0.0.1:3261/$T1/0
t_run "remove the portals" sh -c "rmdir $C1/np/127.0.0.1:3261 '$C1/np/[::1]:3262'"
t_run "add a LUN to target 2 TPG 1, then remove it" sh -c \
	"mkdir $C21/lun/lun_7 && ln -s $KTGT_CFS/backstores/ram/y $C21/lun/lun_7/y && rm $C21/lun/lun_7/y && rmdir $C21/lun/lun_7"
t_run "disable target 2 TPG 2" sh -c "echo 0 > $C22/enable"
t_eq "its session B has ended" 0 "$(nsess $C22)"
t_rc "a login to it is refused" 1 sh -c "iscsi-inq -i $OTHER iscsi://$P2/$T2/0 > /dev/null 2>&1 && exit 0; exit 1"
t_run "stop open-iscsi's retries of session B" iscsi_logout $T2 $P2
t_run "re-enable target 2 TPG 2" sh -c "echo 1 > $C22/enable"
t_run "a login to it works again (libiscsi)" iscsi-inq -i $OTHER iscsi://$P2/$T2/0
t_run "and with open-iscsi" iscsi_login $T2 $P2
t_eq "target 2 TPG 2 has a session again" 1 "$(nsess $C22)"
t_run "log out of it" iscsi_logout $T2 $P2

t_run "fio still runs: the changes overlapped it" pgrep -x fio
touch /tmp/live.stop
wait $FIO
t_run "every fio pass verified (crc32c, verify_fatal)" sh -c '! grep -v " 0$" /tmp/live.rc'
t_diag "fio passes: $(wc -l < /tmp/live.rc)"
t_eq "session A kept its TSIH (no reconnect)" "$TSIH" "$(sess $C1 tsih)"
t_eq "and its connection" "$CONN" "$(sess $C1 conn)"
t_run "logout A" iscsi_logout $T1 $P1
t_run "stop iscsid" iscsi_stop
t_run "teardown" ktgt_teardown
t_run "rmmod" ktgt_unload
t_done
