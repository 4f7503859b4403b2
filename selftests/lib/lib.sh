# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the VM tests (sourced; they run as root inside the guest
# that selftests/vm/run boots).  Three groups:
#   t_*      TAP output and assertions (kselftest style: "ok N - desc")
#   ktgt_*   ktgt's configfs tree and module
#   iscsi_*  the open-iscsi initiator (iscsid, discovery, login, the disk)
#   lio_*    Linux's own target (LIO), for the harness's own tests
# Every assertion prints exactly one TAP line; t_done prints the plan and
# exits non-zero if any assertion failed.

KTGT_SRC=${KTGT_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
KTGT_KO=${KTGT_KO:-$KTGT_SRC/ktgt.ko}
KTGTCTL=${KTGTCTL:-$KTGT_SRC/tools/ktgtctl}
KTGT_CFS=${KTGT_CFS:-/sys/kernel/config/ktgt}
# The initiator names libiscsi's iscsi-test-cu logs in with.
LIBISCSI_INI1=iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test
LIBISCSI_INI2=iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test-2

# These tests load modules, write configfs and run iscsid: only in the VM.
if [ ! -e /ktgt-results/vm.conf ]; then
	echo "Bail out! VM tests run only inside the VM: selftests/vm/run ${0#"$KTGT_SRC"/}"
	exit 2
fi

# ---------------------------------------------------------------- TAP --

_t_n=0
_t_failed=0
echo "TAP version 13"

t_diag() { local l; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done; }
# Diagnostics from a file, indented, last N lines.
t_diag_file() { [ -s "$1" ] && tail -n "${2:-15}" "$1" | sed 's/^/#   /'; }
t_ok() { _t_n=$((_t_n + 1)); echo "ok $_t_n - $1"; }
t_notok() {
	_t_n=$((_t_n + 1))
	_t_failed=$((_t_failed + 1))
	echo "not ok $_t_n - $1"
	shift
	t_diag "$@"
}
# t_check DESC CONDITION-EXIT-STATUS: ok when 0.
t_result() { if [ "$2" = 0 ]; then t_ok "$1"; else t_notok "$1" "${@:3}"; fi; }

# t_run DESC CMD...: ok when CMD exits 0; its output is kept for diagnostics.
t_run() {
	local desc=$1 rc out
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		t_ok "$desc"
	else
		t_notok "$desc" "command: $*" "exit status $rc"
		printf '%s\n' "$out" | tail -n 15 | sed 's/^/#   /'
	fi
	return $rc
}

# t_rc DESC EXPECTED_STATUS CMD...: ok when CMD exits with exactly that status.
t_rc() {
	local desc=$1 want=$2 rc out
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ]; then
		t_ok "$desc"
	else
		t_notok "$desc" "command: $*" "exit status $rc, expected $want"
		printf '%s\n' "$out" | tail -n 15 | sed 's/^/#   /'
	fi
	[ "$rc" = "$want" ]
}

# t_eq DESC EXPECTED ACTUAL
t_eq() {
	if [ "$2" = "$3" ]; then
		t_ok "$1"
	else
		t_notok "$1" "expected: '$2'" "got:      '$3'"
	fi
	[ "$2" = "$3" ]
}

# t_match DESC ERE ACTUAL
t_match() {
	if printf '%s' "$3" | grep -q -E -- "$2"; then
		t_ok "$1"
	else
		t_notok "$1" "expected to match: $2" "got: '$3'"
		false
	fi
}

# glibc's strerror() text -> errno name, for the errnos these tests meet.
declare -A _ERRNO_NAME=(
	["Operation not permitted"]=EPERM ["No such file or directory"]=ENOENT
	["Input/output error"]=EIO ["No such device or address"]=ENXIO
	["Argument list too long"]=E2BIG ["Bad address"]=EFAULT
	["Cannot allocate memory"]=ENOMEM ["Permission denied"]=EACCES
	["Device or resource busy"]=EBUSY ["File exists"]=EEXIST
	["Invalid cross-device link"]=EXDEV ["No such device"]=ENODEV
	["Not a directory"]=ENOTDIR ["Is a directory"]=EISDIR
	["Invalid argument"]=EINVAL ["No space left on device"]=ENOSPC
	["Read-only file system"]=EROFS ["Too many links"]=EMLINK
	["Numerical result out of range"]=ERANGE ["File name too long"]=ENAMETOOLONG
	["Function not implemented"]=ENOSYS ["Directory not empty"]=ENOTEMPTY
	["Too many levels of symbolic links"]=ELOOP ["Operation not supported"]=EOPNOTSUPP
	["Address family not supported by protocol"]=EAFNOSUPPORT
	["Address already in use"]=EADDRINUSE ["Cannot assign requested address"]=EADDRNOTAVAIL
	["Connection refused"]=ECONNREFUSED ["Connection timed out"]=ETIMEDOUT
	["Resource temporarily unavailable"]=EAGAIN ["Protocol error"]=EPROTO
	["Interrupted system call"]=EINTR ["Inappropriate ioctl for device"]=ENOTTY
)

# errno_of OP ARGS...: do exactly one operation, print OK or its errno name.
#   write FILE VALUE (one write(2) of VALUE; use $'\n' to write an empty
#   line), read FILE, mkdir DIR, rmdir DIR, unlink PATH, symlink TARGET LINK
errno_of() {
	local op=$1 err msg
	shift
	case $op in
	write) err=$( { printf '%s' "$2" > "$1"; } 2>&1) ;;
	read) err=$(cat -- "$1" 2>&1 > /dev/null) ;;
	mkdir) err=$(mkdir -- "$1" 2>&1) ;;
	rmdir) err=$(rmdir -- "$1" 2>&1) ;;
	unlink) err=$(unlink -- "$1" 2>&1) ;;
	symlink) err=$(ln -s -T -- "$1" "$2" 2>&1) ;;
	*) echo "errno_of: unknown operation $op"; return 2 ;;
	esac
	if [ -z "$err" ]; then
		echo OK
		return 0
	fi
	msg=${err%%$'\n'*}
	msg=${msg##*: }
	echo "${_ERRNO_NAME[$msg]:-$msg}"
	return 1
}

# t_errno DESC EXPECTED OP ARGS...: errno_of OP ARGS must print EXPECTED
# (OK, or an errno name such as EINVAL).
t_errno() {
	local desc=$1 want=$2
	shift 2
	t_eq "$desc" "$want" "$(errno_of "$@")"
}

# t_file DESC PATH EXPECTED: the attribute reads back exactly EXPECTED.
t_file() {
	local got
	got=$(cat "$2" 2>&1)
	t_eq "$1" "$3" "$got"
}

t_bail() { echo "Bail out! $*"; t_done_quiet; exit 2; }
t_done_quiet() { echo "1..$_t_n"; }
t_done() {
	echo "1..$_t_n"
	[ "$_t_failed" = 0 ] && exit 0
	exit 1
}

# wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	while ! "$@" > /dev/null 2>&1; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.2
	done
}

# -------------------------------------------------------------- ktgt ---

# ktgt_load: insmod the work tree's ktgt.ko, after modprobe of the modules
# it depends on (its modinfo "depends", e.g. configfs, libcrc32c).
ktgt_load() {
	local deps
	[ -d /sys/module/ktgt ] && return 0
	[ -f "$KTGT_KO" ] || { echo "no $KTGT_KO (build it with make)" >&2; return 1; }
	deps=$(modinfo -F depends "$KTGT_KO" | tr ',' ' ')
	modprobe -a configfs $deps || return 1
	insmod "$KTGT_KO"
}

ktgt_unload() {
	[ -d /sys/module/ktgt ] || return 0
	rmmod ktgt
}

# rm_link_dirs DIR...: remove each directory's symlinks, then the directory
# (configfs: a LUN or mapped LUN; globs that matched nothing are skipped).
rm_link_dirs() {
	local d l
	for d; do
		[ -d "$d" ] || continue
		for l in "$d"/*; do [ -L "$l" ] && rm -f "$l"; done
		rmdir "$d"
	done
}

# ktgt_teardown: remove every object under $KTGT_CFS, children first.
ktgt_teardown() {
	local c=$KTGT_CFS tpg acl d
	[ -d "$c" ] || return 0
	for tpg in "$c"/targets/*/tpgt_*; do
		[ -d "$tpg" ] || continue
		echo 0 > "$tpg/enable" 2> /dev/null
		for acl in "$tpg"/acls/*; do
			[ -d "$acl" ] || continue
			rm_link_dirs "$acl"/lun_*
			rmdir "$acl"
		done
		rm_link_dirs "$tpg"/lun/lun_*
		for d in "$tpg"/np/*; do [ -d "$d" ] && rmdir "$d"; done
		rmdir "$tpg"
	done
	for d in "$c"/targets/*; do [ -d "$d" ] && rmdir "$d"; done
	for d in "$c"/backstores/*/*/alua/*; do
		[ -d "$d" ] && [ "${d##*/}" != default_tg_pt_gp ] && rmdir "$d"
	done
	for d in "$c"/backstores/*/*; do [ -d "$d" ] && rmdir "$d"; done
	# Anything left is a failure to tear down.
	[ -z "$(ls -A "$c"/targets 2> /dev/null)" ] &&
		[ -z "$(find "$c"/backstores -mindepth 2 -maxdepth 2 -type d 2> /dev/null)" ]
}

# ktgt_backstore TYPE NAME SIZE_BYTES [PATH]: create and enable a backstore.
ktgt_backstore() {
	local d=$KTGT_CFS/backstores/$1/$2
	mkdir "$d" || return 1
	case $1 in
	block) echo "$4" > "$d/dev" || return 1 ;;
	file) echo "$4" > "$d/path" || return 1 ;;
	esac
	[ -n "$3" ] && [ "$3" != 0 ] && { echo "$3" > "$d/size_bytes" || return 1; }
	echo 1 > "$d/enable"
}

# ktgt_target IQN TPGT PORTAL: a target with one TPG listening on PORTAL
# (e.g. 127.0.0.1:3260), not yet enabled.
ktgt_target() {
	local t=$KTGT_CFS/targets/$1/tpgt_$2
	mkdir -p "$t" || return 1
	[ -n "$3" ] && { mkdir "$t/np/$3" || return 1; }
	return 0
}

# ktgt_lun IQN TPGT LUN TYPE/NAME
ktgt_lun() {
	local l=$KTGT_CFS/targets/$1/tpgt_$2/lun/lun_$3
	mkdir "$l" && ln -s "$KTGT_CFS/backstores/$4" "$l/${4//\//_}"
}

# ktgt_acl IQN TPGT INITIATOR [MAPPED_LUN LUN]...
ktgt_acl() {
	local a=$KTGT_CFS/targets/$1/tpgt_$2/acls/$3 tpg=$KTGT_CFS/targets/$1/tpgt_$2
	mkdir "$a" || return 1
	shift 3
	while [ $# -ge 2 ]; do
		mkdir "$a/lun_$1" && ln -s "$tpg/lun/lun_$2" "$a/lun_$1/lun_$2" || return 1
		shift 2
	done
}

# ktgt_demo_target IQN BACKSTORE_TYPE SIZE [PORTAL]: the usual one-LUN target
# in demo mode, writable, enabled.
ktgt_demo_target() {
	local iqn=$1 type=$2 size=$3 portal=${4:-127.0.0.1:3260}
	local t=$KTGT_CFS/targets/$iqn/tpgt_1 bs=${type}_demo
	ktgt_backstore "$type" "$bs" "$size" &&
		ktgt_target "$iqn" 1 "$portal" &&
		ktgt_lun "$iqn" 1 0 "$type/$bs" &&
		echo 1 > "$t/attrib/generate_node_acls" &&
		echo 0 > "$t/attrib/demo_mode_write_protect" &&
		echo 1 > "$t/enable"
}

# -------------------------------------------------------------- LIO ----

LIO_CFS=/sys/kernel/config/target

lio_load() { modprobe target_core_mod && modprobe iscsi_target_mod; }

# lio_rd NAME SIZE_MIB: a ramdisk (rd_mcp) backstore.
lio_rd() {
	local d=$LIO_CFS/core/rd_mcp_0/$1
	mkdir -p "$d" &&
		echo "rd_pages=$(($2 * 256))" > "$d/control" &&
		echo 1 > "$d/enable"
}

# lio_target IQN PORTAL: TPG 1 with one portal, LUN 0 of every rd given after.
lio_target() {
	local t=$LIO_CFS/iscsi/$1/tpgt_1 l=0 rd
	mkdir -p "$t" && mkdir "$t/np/$2" || return 1
	shift 2
	for rd in "$@"; do
		mkdir "$t/lun/lun_$l" &&
			ln -s "$LIO_CFS/core/rd_mcp_0/$rd" "$t/lun/lun_$l/$rd" || return 1
		l=$((l + 1))
	done
	echo 0 > "$t/attrib/authentication"
}

lio_demo_mode() {
	local t=$LIO_CFS/iscsi/$1/tpgt_1
	echo 1 > "$t/attrib/generate_node_acls" &&
		echo 0 > "$t/attrib/demo_mode_write_protect" &&
		echo 1 > "$t/attrib/cache_dynamic_acls"
}

# lio_acl IQN INITIATOR: the initiator sees LUN 0 as its LUN 0.
lio_acl() {
	local t=$LIO_CFS/iscsi/$1/tpgt_1
	mkdir -p "$t/acls/$2/lun_0" &&
		ln -s "$t/lun/lun_0" "$t/acls/$2/lun_0/lun0"
}

lio_enable() { echo 1 > "$LIO_CFS/iscsi/$1/tpgt_1/enable"; }

lio_teardown() {
	local t d
	[ -d $LIO_CFS ] || return 0
	for t in $LIO_CFS/iscsi/iqn.*/tpgt_*; do
		[ -d "$t" ] || continue
		echo 0 > "$t/enable" 2> /dev/null
		rm_link_dirs "$t"/acls/*/lun_*
		for d in "$t"/acls/*; do [ -d "$d" ] && rmdir "$d"; done
		rm_link_dirs "$t"/lun/lun_*
		for d in "$t"/np/*; do [ -d "$d" ] && rmdir "$d"; done
		rmdir "$t" "$(dirname "$t")"
	done
	for d in $LIO_CFS/core/*_*/*; do [ -d "$d" ] && rmdir "$d"; done
	for d in $LIO_CFS/core/*_*; do [ -d "$d" ] && rmdir "$d"; done
	[ -d $LIO_CFS/iscsi ] && rmdir $LIO_CFS/iscsi
	modprobe -r iscsi_target_mod target_core_file target_core_iblock target_core_pscsi 2> /dev/null
	modprobe -r target_core_mod 2> /dev/null
	return 0
}

# ------------------------------------------------------- open-iscsi ----

# iscsi_start [INITIATOR_NAME]: (re)start iscsid with that initiator name.
iscsi_start() {
	local name=${1:-iqn.2026-11.org.ktgt:vm-initiator}
	iscsi_stop
	mkdir -p /etc/iscsi /var/lib/iscsi/nodes /var/lib/iscsi/send_targets /run/lock /var/lock
	echo "InitiatorName=$name" > /etc/iscsi/initiatorname.iscsi
	# Short timeouts: a failed login or a dead target must fail a test
	# within its time budget, not hang in open-iscsi's retries.
	cat > /etc/iscsi/iscsid.conf << 'EOF'
iscsid.startup = /bin/false
node.startup = manual
node.session.timeo.replacement_timeout = 15
node.conn[0].timeo.login_timeout = 15
node.conn[0].timeo.logout_timeout = 15
node.conn[0].timeo.noop_out_interval = 10
node.conn[0].timeo.noop_out_timeout = 15
node.session.err_timeo.abort_timeout = 15
node.session.err_timeo.lu_reset_timeout = 30
node.session.err_timeo.tgt_reset_timeout = 30
node.session.initial_login_retry_max = 2
node.session.cmds_max = 128
node.session.queue_depth = 32
node.session.iscsi.InitialR2T = No
node.session.iscsi.ImmediateData = Yes
node.session.iscsi.FirstBurstLength = 262144
node.session.iscsi.MaxBurstLength = 16776192
node.conn[0].iscsi.MaxRecvDataSegmentLength = 262144
node.conn[0].iscsi.MaxXmitDataSegmentLength = 0
discovery.sendtargets.iscsi.MaxRecvDataSegmentLength = 32768
node.session.scan = auto
EOF
	# No udev in the guest: load the disk drivers a new LUN needs ourselves.
	modprobe iscsi_tcp && modprobe sd_mod && modprobe sg || return 1
	# Its own session: on SIGTERM iscsid signals its whole process group.
	setsid iscsid -f > /tmp/iscsid.log 2>&1 &
	echo $! > /run/ktgt-iscsid.pid
	# 21 (no sessions) means iscsiadm reached iscsid.
	local end=$((SECONDS + 20))
	until iscsiadm -m session > /dev/null 2>&1 || [ $? = 21 ]; do
		[ $SECONDS -ge $end ] && { echo "iscsid did not start" >&2; cat /tmp/iscsid.log >&2; return 1; }
		sleep 0.2
	done
}

iscsi_stop() {
	iscsiadm -m node -u > /dev/null 2>&1
	iscsiadm -m node -o delete > /dev/null 2>&1
	iscsiadm -m discoverydb -o delete > /dev/null 2>&1
	if [ -f /run/ktgt-iscsid.pid ]; then
		kill "$(cat /run/ktgt-iscsid.pid)" 2> /dev/null
		wait_for 10 bash -c '! kill -0 $(cat /run/ktgt-iscsid.pid)'
		rm -f /run/ktgt-iscsid.pid
	fi
	pkill -x iscsid 2> /dev/null
	rm -rf /var/lib/iscsi/nodes/* /var/lib/iscsi/send_targets/* 2> /dev/null
	# ifaces a test made (iscsiadm -m iface -o new), with initiator names of
	# their own: SendTargets and logins would go through them in later tests
	rm -rf /etc/iscsi/ifaces/* /var/lib/iscsi/ifaces/* 2> /dev/null
	return 0
}

# iscsi_discover PORTAL: SendTargets; prints "portal,tpgt iqn" lines.
iscsi_discover() { iscsiadm -m discovery -t sendtargets -p "$1" 2>&1; }

# iscsi_login IQN PORTAL: create the node record for exactly this portal
# (whatever SendTargets reported) and log in.  iscsiadm's exit status.
iscsi_login() {
	iscsiadm -m node -T "$1" -p "$2" > /dev/null 2>&1 ||
		iscsiadm -m node -T "$1" -p "$2" -o new > /dev/null 2>&1
	iscsiadm -m node -T "$1" -p "$2" -l 2>&1
}

iscsi_logout() { iscsiadm -m node -T "$1" -p "$2" -u 2>&1; }

# iscsi_disk IQN [LUN]: print /dev/sdX of that LUN of the logged-in
# session, waiting up to 30 s for the SCSI scan.
iscsi_disk() {
	local iqn=$1 lun=${2:-0} end=$((SECONDS + 30)) s d
	while [ $SECONDS -lt $end ]; do
		for s in /sys/class/iscsi_session/session*; do
			[ "$(cat "$s/targetname" 2> /dev/null)" = "$iqn" ] || continue
			for d in "$s"/device/target*/*:*:*:"$lun"/block/*; do
				[ -e "$d" ] || continue
				d=/dev/$(basename "$d")
				[ -b "$d" ] && { echo "$d"; return 0; }
			done
		done
		sleep 0.3
	done
	return 1
}

# iscsi_sessions: number of open sessions.
iscsi_sessions() { ls -d /sys/class/iscsi_session/session* 2> /dev/null | wc -l; }

# ------------------------------------------------ I/O over a session ----

# t_fs_roundtrip IQN PORTAL: LUN 0 of the logged-in session to IQN gets an
# ext4 with files of 4 KiB to 64 MiB; after umount, logout and a new login
# the filesystem is clean and every file has the same sha256.  Leaves the
# session logged in; sets DEV to its disk.
t_fs_roundtrip() {
	local iqn=$1 portal=$2 mnt=/mnt/roundtrip f
	DEV=$(iscsi_disk "$iqn" 0)
	mkdir -p $mnt /tmp/rt
	t_run "mkfs.ext4 on LUN 0 ($DEV)" mkfs.ext4 -q -F -E nodiscard "$DEV" || return 1
	t_run "mount it" mount "$DEV" $mnt || return 1
	for f in 4K 100K 1M 8M 64M; do
		head -c $f /dev/urandom > /tmp/rt/f.$f
	done
	(cd /tmp/rt && sha256sum f.*) > /tmp/rt.sums
	t_run "write files of 4 KiB, 100 KiB, 1 MiB, 8 MiB and 64 MiB" cp /tmp/rt/f.4K /tmp/rt/f.100K \
		/tmp/rt/f.1M /tmp/rt/f.8M /tmp/rt/f.64M $mnt/
	t_run "sync" sync
	t_run "umount" umount $mnt
	t_run "logout" iscsi_logout "$iqn" "$portal"
	t_eq "no session left" 0 "$(iscsi_sessions)"
	t_run "login again" iscsi_login "$iqn" "$portal" || return 1
	DEV=$(iscsi_disk "$iqn" 0)
	t_match "LUN 0 is back" '^/dev/sd[a-z]+$' "$DEV" || return 1
	t_run "fsck.ext4 -n finds the filesystem clean" fsck.ext4 -n -f "$DEV"
	t_run "mount again" mount -o ro "$DEV" $mnt || return 1
	t_run "every file reads back with the same sha256" sh -c "cd $mnt && sha256sum -c --quiet /tmp/rt.sums"
	t_run "umount" umount $mnt
	rm -rf /tmp/rt
}

# t_raw_io DEV MIB: raw dd with O_DIRECT (written data read back equal) and
# fio with crc32c verification, random 4 KiB and sequential 256 KiB.
t_raw_io() {
	local dev=$1 mib=$2
	head -c ${mib}M /dev/urandom > /tmp/raw.bin
	t_run "dd: write $mib MiB to $dev with O_DIRECT" dd if=/tmp/raw.bin of="$dev" bs=1M oflag=direct status=none
	t_eq "dd: read back with O_DIRECT, same sha256" "$(sha256sum < /tmp/raw.bin)" \
		"$(dd if="$dev" bs=1M count="$mib" iflag=direct status=none | sha256sum)"
	rm -f /tmp/raw.bin
	t_run "fio: 4 KiB random writes, QD16, verify=crc32c" fio --name=rand --filename="$dev" \
		--rw=randwrite --bs=4k --size=${mib}M --direct=1 --ioengine=libaio --iodepth=16 \
		--verify=crc32c --verify_fatal=1 --do_verify=1 --output=/tmp/fio.rand
	t_run "fio: 256 KiB sequential writes, QD4, verify=crc32c" fio --name=seq --filename="$dev" \
		--rw=write --bs=256k --size=${mib}M --direct=1 --ioengine=libaio --iodepth=4 \
		--verify=crc32c --verify_fatal=1 --do_verify=1 --output=/tmp/fio.seq
}

# t_iscsi_test_cu URL TESTS: libiscsi's conformance tests pass, and ran.
t_iscsi_test_cu() {
	local url=$1 tests=$2 out rc run failed
	out=$(iscsi-test-cu --test="$tests" --dataloss "$url" 2>&1)
	rc=$?
	printf '%s\n' "$out" > /tmp/iscsi-test-cu.log
	# CUnit's summary:  "tests   <total> <ran> <passed> <failed> <inactive>"
	run=$(printf '%s\n' "$out" | awk '$1 == "tests" && NF >= 5 {print $3; exit}')
	failed=$(printf '%s\n' "$out" | awk '$1 == "tests" && NF >= 5 {print $5; exit}')
	t_eq "iscsi-test-cu $tests: exit status 0" 0 "$rc" || printf '%s\n' "$out" | tail -n 30 | sed 's/^/#   /'
	t_match "iscsi-test-cu $tests: ran at least one test" '^[1-9][0-9]*$' "$run"
	t_eq "iscsi-test-cu $tests: no test failed" 0 "$failed"
}

# ------------------------------------------------------------- misc ----

# brd_disk SIZE_MIB: a RAM block device, /dev/ram0.
brd_disk() {
	modprobe -r brd 2> /dev/null
	modprobe brd rd_nr=1 rd_size=$(($1 * 1024)) max_part=0 && wait_for 10 test -b /dev/ram0
}
