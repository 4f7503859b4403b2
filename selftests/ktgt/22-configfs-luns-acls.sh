#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# configfs: LUNs (lun/lun_L -> backstore symlinks) and ACLs (acls/<IQN>/
# with lun_M -> ../../lun/lun_L mappings and auth/): what is accepted, what
# is refused with which errno, and the removal order configfs enforces.
. "$KTGT_SRC/selftests/lib/lib.sh"
C=$KTGT_CFS
IQN=iqn.2026-11.org.ktgt:luns
P=$C/targets/$IQN/tpgt_1
P2=$C/targets/$IQN/tpgt_2
INI=iqn.2026-11.org.ktgt:initiator1

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
t_run "target with TPGs 1 and 2" mkdir -p $P $P2
t_run "ram backstore r0, enabled" ktgt_backstore ram r0 $((8 << 20))
mkdir $C/backstores/ram/off && echo 1048576 > $C/backstores/ram/off/size_bytes

# LUNs
t_errno "lun_256: ERANGE" ERANGE mkdir $P/lun/lun_256
t_errno "lun_01: EINVAL" EINVAL mkdir $P/lun/lun_01
t_errno "lun0: EINVAL" EINVAL mkdir $P/lun/lun0
t_errno "lun_255" OK mkdir $P/lun/lun_255
t_errno "lun_0" OK mkdir $P/lun/lun_0
t_eq "a LUN holds alua_tg_pt_gp and statistics/" "alua_tg_pt_gp statistics" "$(ls $P/lun/lun_0 | xargs)"
t_errno "link a LUN to a target directory: EINVAL" EINVAL symlink $C/targets/$IQN $P/lun/lun_0/x
t_errno "link a LUN to a disabled backstore: ENODEV" ENODEV symlink $C/backstores/ram/off $P/lun/lun_0/off
t_errno "link a LUN to backstore r0" OK symlink $C/backstores/ram/r0 $P/lun/lun_0/r0
t_eq "the link resolves to the backstore" "$C/backstores/ram/r0" "$(readlink -f $P/lun/lun_0/r0)"
t_errno "a second backstore on the same LUN: EEXIST" EEXIST symlink $C/backstores/ram/off $P/lun/lun_0/r1
t_errno "the same backstore on a second LUN" OK symlink $C/backstores/ram/r0 $P/lun/lun_255/r0
t_errno "rmdir of a mapped backstore: EBUSY" EBUSY rmdir $C/backstores/ram/r0
t_errno "disable of a mapped backstore: EBUSY" EBUSY write $C/backstores/ram/r0/enable 0
t_file "backstore still enabled" $C/backstores/ram/r0/enable 1
t_errno "rmdir of a LUN holding its link: ENOTEMPTY" ENOTEMPTY rmdir $P/lun/lun_255
t_errno "unlink lun_255's backstore" OK unlink $P/lun/lun_255/r0
t_errno "rmdir lun_255" OK rmdir $P/lun/lun_255
t_errno "mkdir lun_1 in TPG 2, linked to r0" OK mkdir $P2/lun/lun_1
ln -s $C/backstores/ram/r0 $P2/lun/lun_1/r0

# ACLs
for bad in initiator1 iqn.2026-11 "eui.12"; do
	t_errno "ACL name '$bad': EINVAL" EINVAL mkdir "$P/acls/$bad"
done
t_errno "mkdir ACL" OK mkdir $P/acls/$INI
t_errno "same ACL in upper case: EEXIST" EEXIST mkdir "$P/acls/${INI^^}"
t_errno "the same initiator in another TPG" OK mkdir $P2/acls/$INI
t_eq "ACL contents" "auth" "$(ls $P/acls/$INI | xargs)"
t_eq "ACL auth attributes" "mutual_password mutual_userid password userid" "$(ls $P/acls/$INI/auth | xargs)"
t_errno "ACL auth userid" OK write $P/acls/$INI/auth/userid ini1
t_file "ACL auth userid reads back" $P/acls/$INI/auth/userid ini1
t_errno "ACL auth password of 256 bytes: EINVAL" EINVAL write $P/acls/$INI/auth/password "$(printf '%0256d' 0)"
t_errno "mapped lun_256: ERANGE" ERANGE mkdir $P/acls/$INI/lun_256
t_errno "mapped lun_x: EINVAL" EINVAL mkdir $P/acls/$INI/lun_x
t_errno "mapped lun_5" OK mkdir $P/acls/$INI/lun_5
t_errno "map to a backstore instead of a LUN: EINVAL" EINVAL symlink $C/backstores/ram/r0 $P/acls/$INI/lun_5/x
t_errno "map to a LUN of another TPG: EINVAL" EINVAL symlink $P2/lun/lun_1 $P/acls/$INI/lun_5/x
t_errno "map mapped LUN 5 to LUN 0" OK symlink $P/lun/lun_0 $P/acls/$INI/lun_5/lun_0
t_eq "the mapping resolves to the LUN" "$P/lun/lun_0" "$(readlink -f $P/acls/$INI/lun_5/lun_0)"
t_errno "a second link in the same mapping: EEXIST" EEXIST symlink $P/lun/lun_0 $P/acls/$INI/lun_5/again
t_run "mapped lun_6 to the same LUN 0" sh -c "mkdir $P/acls/$INI/lun_6 && ln -s $P/lun/lun_0 $P/acls/$INI/lun_6/lun_0"
t_errno "rmdir of a LUN an ACL maps: EBUSY" EBUSY rmdir $P/lun/lun_0
t_errno "rmdir of an ACL with mapped LUNs: ENOTEMPTY" ENOTEMPTY rmdir $P/acls/$INI
t_errno "rmdir of a TPG with LUNs and ACLs: ENOTEMPTY" ENOTEMPTY rmdir $P
t_errno "rmdir of a mapping holding its link: ENOTEMPTY" ENOTEMPTY rmdir $P/acls/$INI/lun_6
t_errno "unmap lun_6" OK unlink $P/acls/$INI/lun_6/lun_0
t_errno "rmdir lun_6" OK rmdir $P/acls/$INI/lun_6
t_errno "unmap lun_5" OK unlink $P/acls/$INI/lun_5/lun_0
t_errno "rmdir lun_5" OK rmdir $P/acls/$INI/lun_5
t_errno "rmdir ACL" OK rmdir $P/acls/$INI
t_errno "rmdir the other TPG's ACL" OK rmdir $P2/acls/$INI
t_errno "unlink LUN 0's backstore" OK unlink $P/lun/lun_0/r0
t_errno "rmdir lun_0" OK rmdir $P/lun/lun_0
t_errno "backstore still mapped by TPG 2: EBUSY" EBUSY rmdir $C/backstores/ram/r0
unlink $P2/lun/lun_1/r0 && rmdir $P2/lun/lun_1
t_errno "backstore unmapped: disable" OK write $C/backstores/ram/r0/enable 0
t_errno "rmdir backstore" OK rmdir $C/backstores/ram/r0
rmdir $C/backstores/ram/off
t_errno "rmdir TPG 1" OK rmdir $P
t_errno "rmdir TPG 2" OK rmdir $P2
t_errno "rmdir target" OK rmdir $C/targets/$IQN
t_run "rmmod" rmmod ktgt
t_done
