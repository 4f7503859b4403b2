#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# configfs: targets/<IQN>/tpgt_N/ with enable, attrib/, param/, auth/, and
# discovery_auth/: names, defaults, ranges and the errno of each refusal.
. "$KTGT_SRC/selftests/lib/lib.sh"
T=$KTGT_CFS/targets
IQN=iqn.2026-11.org.ktgt:cfs
P=$T/$IQN/tpgt_1

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"

# target names (RFC 7143 4.2.7)
for bad in not-an-iqn iqn.2026-13.org.ktgt:x iqn.2026-00.org.ktgt:x iqn.26-11.org.ktgt \
	"iqn.2026-11.org.ktgt:a_b" eui.0123456789abcde naa.0123456789abcdeg; do
	t_errno "target name '$bad': EINVAL" EINVAL mkdir "$T/$bad"
done
t_errno "target name of 224 bytes: EINVAL" EINVAL mkdir "$T/iqn.2026-11.org.ktgt:$(printf '%0203d' 0)"
t_errno "target name of 223 bytes" OK mkdir "$T/iqn.2026-11.org.ktgt:$(printf '%0202d' 0)"
rmdir "$T/iqn.2026-11.org.ktgt:$(printf '%0202d' 0)"
t_errno "eui. name" OK mkdir $T/eui.0123456789ABCDEF
t_errno "naa. name (32 hex)" OK mkdir $T/naa.0123456789abcdef0123456789abcdef
rmdir $T/eui.0123456789ABCDEF $T/naa.0123456789abcdef0123456789abcdef
t_errno "mkdir target" OK mkdir $T/$IQN
t_errno "same target again: EEXIST" EEXIST mkdir $T/$IQN
t_errno "same target in upper case: EEXIST" EEXIST mkdir "$T/IQN.2026-11.ORG.KTGT:CFS"
t_eq "a target has no attributes of its own" "" "$(ls $T/$IQN)"

# TPGs
t_errno "tpgt_0: ERANGE" ERANGE mkdir $T/$IQN/tpgt_0
t_errno "tpgt_65536: ERANGE" ERANGE mkdir $T/$IQN/tpgt_65536
t_errno "tpgt_01: EINVAL" EINVAL mkdir $T/$IQN/tpgt_01
t_errno "tpgt_: EINVAL" EINVAL mkdir $T/$IQN/tpgt_
t_errno "tpg_1: EINVAL" EINVAL mkdir $T/$IQN/tpg_1
t_errno "tpgt_65535" OK mkdir $T/$IQN/tpgt_65535
t_errno "rmdir tpgt_65535" OK rmdir $T/$IQN/tpgt_65535
t_errno "mkdir tpgt_1" OK mkdir $P
t_eq "TPG contents" "acls attrib auth enable lun np param sessions" "$(ls $P | xargs)"
t_file "enable defaults to 0" $P/enable 0
t_errno "enable 2: EINVAL" EINVAL write $P/enable 2
t_errno "enable x: EINVAL" EINVAL write $P/enable x
t_errno "enable 1 (no portal yet)" OK write $P/enable 1
t_file "enabled" $P/enable 1
t_errno "enable 0" OK write $P/enable 0
t_errno "rmdir of a target with a TPG: ENOTEMPTY" ENOTEMPTY rmdir $T/$IQN
t_errno "rmdir of a default group: EPERM" EPERM rmdir $P/attrib

# attrib/
t_eq "attrib/ attributes" "authentication default_cmdsn_depth demo_mode_write_protect generate_node_acls nopin_interval nopin_response_timeout" "$(ls $P/attrib | xargs)"
t_file "authentication defaults to 0" $P/attrib/authentication 0
t_file "generate_node_acls defaults to 0" $P/attrib/generate_node_acls 0
t_file "demo_mode_write_protect defaults to 1" $P/attrib/demo_mode_write_protect 1
t_file "default_cmdsn_depth defaults to 64" $P/attrib/default_cmdsn_depth 64
for a in authentication generate_node_acls demo_mode_write_protect; do
	t_errno "$a 2: EINVAL" EINVAL write $P/attrib/$a 2
	t_errno "$a 1" OK write $P/attrib/$a 1
	t_file "$a reads back 1" $P/attrib/$a 1
	t_errno "$a 0" OK write $P/attrib/$a 0
	t_file "$a reads back 0" $P/attrib/$a 0
done
t_errno "default_cmdsn_depth 0: EINVAL" EINVAL write $P/attrib/default_cmdsn_depth 0
t_errno "default_cmdsn_depth 513: EINVAL" EINVAL write $P/attrib/default_cmdsn_depth 513
t_errno "default_cmdsn_depth 512" OK write $P/attrib/default_cmdsn_depth 512
t_file "default_cmdsn_depth reads back" $P/attrib/default_cmdsn_depth 512
t_errno "default_cmdsn_depth 1" OK write $P/attrib/default_cmdsn_depth 1
t_file "nopin_interval defaults to 15" $P/attrib/nopin_interval 15
t_file "nopin_response_timeout defaults to 30" $P/attrib/nopin_response_timeout 30
t_errno "nopin_interval 0 (no pings)" OK write $P/attrib/nopin_interval 0
t_errno "nopin_interval 3601: EINVAL" EINVAL write $P/attrib/nopin_interval 3601
t_errno "nopin_interval 3600" OK write $P/attrib/nopin_interval 3600
t_file "nopin_interval reads back" $P/attrib/nopin_interval 3600
t_errno "nopin_response_timeout 0: EINVAL" EINVAL write $P/attrib/nopin_response_timeout 0
t_errno "nopin_response_timeout 3601: EINVAL" EINVAL write $P/attrib/nopin_response_timeout 3601
t_errno "nopin_response_timeout 1" OK write $P/attrib/nopin_response_timeout 1
t_file "nopin_response_timeout reads back" $P/attrib/nopin_response_timeout 1

# param/: the target's offer, RFC 7143 key names
keys="DataDigest DataPDUInOrder DataSequenceInOrder DefaultTime2Retain DefaultTime2Wait ErrorRecoveryLevel FirstBurstLength HeaderDigest IFMarkInt IFMarker ImmediateData InitialR2T MaxBurstLength MaxConnections MaxOutstandingR2T MaxRecvDataSegmentLength OFMarkInt OFMarker TargetAlias"
t_eq "param/ has the 19 keys" "$keys" "$(ls $P/param | sort | xargs)"
defaults="DataDigest=None DataPDUInOrder=Yes DataSequenceInOrder=Yes DefaultTime2Retain=20 DefaultTime2Wait=2 ErrorRecoveryLevel=0 FirstBurstLength=65536 HeaderDigest=None IFMarkInt=2048 IFMarker=No ImmediateData=Yes InitialR2T=No MaxBurstLength=1048576 MaxConnections=1 MaxOutstandingR2T=1 MaxRecvDataSegmentLength=262144 OFMarkInt=2048 OFMarker=No TargetAlias="
t_eq "param/ defaults" "$defaults" "$(for k in $keys; do printf '%s=%s ' $k "$(cat $P/param/$k)"; done | xargs)"
t_errno "MaxRecvDataSegmentLength 511: EINVAL" EINVAL write $P/param/MaxRecvDataSegmentLength 511
t_errno "MaxRecvDataSegmentLength 16777216: EINVAL" EINVAL write $P/param/MaxRecvDataSegmentLength 16777216
t_errno "MaxRecvDataSegmentLength 512" OK write $P/param/MaxRecvDataSegmentLength 512
t_errno "MaxRecvDataSegmentLength 16777215" OK write $P/param/MaxRecvDataSegmentLength 16777215
t_errno "MaxRecvDataSegmentLength 65536" OK write $P/param/MaxRecvDataSegmentLength 65536
t_file "MaxRecvDataSegmentLength reads back" $P/param/MaxRecvDataSegmentLength 65536
t_errno "MaxRecvDataSegmentLength x: EINVAL" EINVAL write $P/param/MaxRecvDataSegmentLength x
t_errno "HeaderDigest CRC32C,None" OK write $P/param/HeaderDigest CRC32C,None
t_file "HeaderDigest reads back" $P/param/HeaderDigest CRC32C,None
t_errno "HeaderDigest MD5: EINVAL" EINVAL write $P/param/HeaderDigest MD5
t_errno "DataDigest CRC32C" OK write $P/param/DataDigest CRC32C
t_errno "InitialR2T Maybe: EINVAL" EINVAL write $P/param/InitialR2T Maybe
t_errno "InitialR2T Yes" OK write $P/param/InitialR2T Yes
t_errno "ImmediateData No" OK write $P/param/ImmediateData No
t_errno "OFMarker Yes: EINVAL (markers not implemented)" EINVAL write $P/param/OFMarker Yes
t_errno "ErrorRecoveryLevel 3: EINVAL" EINVAL write $P/param/ErrorRecoveryLevel 3
t_errno "MaxConnections 0: EINVAL" EINVAL write $P/param/MaxConnections 0
t_errno "MaxConnections 65536: EINVAL" EINVAL write $P/param/MaxConnections 65536
t_errno "DefaultTime2Wait 3601: EINVAL" EINVAL write $P/param/DefaultTime2Wait 3601
t_errno "DefaultTime2Wait 3600" OK write $P/param/DefaultTime2Wait 3600
t_errno "MaxBurstLength 262144" OK write $P/param/MaxBurstLength 262144
t_errno "TargetAlias 'ktgt test'" OK write $P/param/TargetAlias "ktgt test"
t_file "TargetAlias reads back" $P/param/TargetAlias "ktgt test"
t_errno "TargetAlias of 256 bytes: EINVAL" EINVAL write $P/param/TargetAlias "$(printf '%0256d' 0)"

# auth/ (TPG) and discovery_auth/
for g in $P/auth $KTGT_CFS/discovery_auth; do
	n=${g#"$KTGT_CFS"/}
	for a in userid password mutual_userid mutual_password; do
		t_file "$n/$a defaults to empty" $g/$a ""
	done
	t_errno "$n/userid" OK write $g/userid user1
	t_file "$n/userid reads back" $g/userid user1
	t_errno "$n/password of 255 bytes" OK write $g/password "$(printf 'p%0254d' 0)"
	t_file "$n/password reads back" $g/password "$(printf 'p%0254d' 0)"
	t_errno "$n/password of 256 bytes: EINVAL" EINVAL write $g/password "$(printf 'p%0255d' 0)"
	t_errno "$n/mutual_password with a control character: EINVAL" EINVAL write $g/mutual_password "$(printf 'a\tb')"
	t_errno "$n/mutual_userid" OK write $g/mutual_userid tgt1
	t_errno "$n/userid cleared by writing an empty line" OK write $g/userid $'\n'
	t_file "$n/userid is empty" $g/userid ""
done
t_eq "discovery_auth attributes" "enforce mutual_password mutual_userid password userid" "$(ls $KTGT_CFS/discovery_auth | xargs)"
t_file "discovery_auth/enforce defaults to 0" $KTGT_CFS/discovery_auth/enforce 0
t_errno "discovery_auth/enforce 2: EINVAL" EINVAL write $KTGT_CFS/discovery_auth/enforce 2
t_errno "discovery_auth/enforce 1" OK write $KTGT_CFS/discovery_auth/enforce 1
t_file "discovery_auth/enforce reads back" $KTGT_CFS/discovery_auth/enforce 1
t_errno "discovery_auth/enforce 0" OK write $KTGT_CFS/discovery_auth/enforce 0
for a in userid password mutual_userid mutual_password; do
	echo > $KTGT_CFS/discovery_auth/$a
done

t_errno "rmdir tpgt_1" OK rmdir $P
t_errno "rmdir target" OK rmdir $T/$IQN
t_eq "no targets left" "" "$(ls $T)"
t_run "rmmod" rmmod ktgt
t_done
