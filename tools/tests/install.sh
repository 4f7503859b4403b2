#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/tests/install.sh: the packaging, on the host (no module load).
# make install DESTDIR=tmp puts every file where it belongs (ktgt.ko only
# when it has been built), make uninstall removes them; the man page
# renders without a groff warning; the bash completion parses and completes
# verbs and object names from a configfs-like directory; ktgt.service
# passes systemd-analyze verify (when systemd-analyze exists); dkms.conf
# names the module.  TAP.
set -u
cd "$(dirname "$0")/../.." || exit 2
TOP=$(pwd)
D=$(mktemp -d "${TMPDIR:-/tmp}/ktgt-install.XXXXXX")
trap 'rm -rf "$D"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; printf '#   %s\n' "$@"; }
check() { local d=$1; shift; if "$@" > "$D/out" 2>&1; then ok "$d"; else notok "$d" "$(tail -n 5 "$D/out")"; fi; }

KVER=$(make -s --no-print-directory -f - ktgt-print-kver <<'MK'
include Makefile
ktgt-print-kver:
	@echo $(KVER)
MK
)
if [ -f ktgt.ko ]; then
	check "make install DESTDIR" make -s install DESTDIR="$D/root"
	check "ktgt.ko in /lib/modules/$KVER/extra" test -f "$D/root/lib/modules/$KVER/extra/ktgt.ko"
	check "installed ktgt.ko equals the built one" cmp ktgt.ko "$D/root/lib/modules/$KVER/extra/ktgt.ko"
else
	echo "# ktgt.ko is not built: installing the tools and the unit only"
	check "make install-tools DESTDIR" make -s install-tools DESTDIR="$D/root"
fi
R=$D/root
check "ktgtctl in /usr/sbin, executable" test -x "$R/usr/sbin/ktgtctl"
check "installed ktgtctl runs" "$R/usr/sbin/ktgtctl" --version
check "man page in /usr/share/man/man8" test -f "$R/usr/share/man/man8/ktgtctl.8"
check "bash completion installed" test -f "$R/usr/share/bash-completion/completions/ktgtctl"
check "ktgt.service installed" test -f "$R/lib/systemd/system/ktgt.service"
check "the unit runs the installed ktgtctl" grep -q '^ExecStop=/usr/sbin/ktgtctl save /etc/ktgt/saveconfig.json$' "$R/lib/systemd/system/ktgt.service"
check "no @placeholder@ left in the unit" sh -c "! grep -q @ '$R/lib/systemd/system/ktgt.service'"
check "PREFIX moves the tools" make -s -C tools install DESTDIR="$D/p" PREFIX=/opt/ktgt
check "ktgtctl under PREFIX" test -x "$D/p/opt/ktgt/sbin/ktgtctl" -a -f "$D/p/opt/ktgt/share/man/man8/ktgtctl.8"
if [ -f ktgt.ko ]; then
	check "make uninstall DESTDIR" make -s uninstall DESTDIR="$D/root"
	left=$(find "$R" -type f | sed "s|^$R||")
	[ -z "$left" ] && ok "uninstall removed every file" || notok "uninstall removed every file" "$left"
	check "the saved-configuration directory stays" test -d "$R/etc/ktgt"
fi

# man page: no warning at all
w=$(groff -ww -z -man tools/ktgtctl.8 2>&1)
[ -z "$w" ] && ok "groff -ww -man: no warnings" || notok "groff -ww -man: no warnings" "$w"
if command -v man > /dev/null; then
	w=$(MANWIDTH=80 man --warnings -l tools/ktgtctl.8 2>&1 > "$D/man.txt")
	[ -z "$w" ] && ok "man -l renders without warnings" || notok "man -l renders without warnings" "$w"
	check "the man page documents every verb" sh -c 'for v in backstore target tpg lun portal acl discovery-auth show clear save restore sessions stats; do grep -q "^ *$v" "$0" || { echo "$v missing"; exit 1; }; done' "$D/man.txt"
	check "and the exit status" grep -q "EXIT STATUS" "$D/man.txt"
fi

# bash completion
check "bash -n on the completion" bash -n tools/ktgtctl.bash-completion
C=$D/cfs
mkdir -p "$C/targets/iqn.2026-11.org.ktgt:t1/tpgt_1/lun/lun_0" "$C/targets/iqn.2026-11.org.ktgt:t1/tpgt_7" \
	"$C/targets/iqn.2026-11.org.ktgt:t1/tpgt_1/acls/iqn.2026-11.org.ktgt:ini" "$C/backstores/ram/r0" "$C/backstores/file/f0"
complete_words() { # WORDS...: the completions of the last word
	KTGT_CONFIGFS=$C bash -c '
		. tools/ktgtctl.bash-completion
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_ktgtctl; printf "%s\n" "${COMPREPLY[@]}" | sort | xargs' _ "$@"
}
got=$(complete_words ktgtctl se)
[ "$got" = "sessions" ] && ok "completes verbs" || notok "completes verbs" "got '$got'"
got=$(complete_words ktgtctl tpg enable "")
[ "$got" = "iqn.2026-11.org.ktgt:t1" ] && ok "completes target names from configfs" || notok "completes target names from configfs" "got '$got'"
got=$(complete_words ktgtctl tpg enable iqn.2026-11.org.ktgt:t1 "")
[ "$got" = "1 7" ] && ok "completes TPGTs" || notok "completes TPGTs" "got '$got'"
got=$(complete_words ktgtctl lun create iqn.2026-11.org.ktgt:t1 1 0 "")
[ "$got" = "file/f0 ram/r0" ] && ok "completes backstores for lun create" || notok "completes backstores for lun create" "got '$got'"
got=$(complete_words ktgtctl acl map-lun iqn.2026-11.org.ktgt:t1 1 "")
[ "$got" = "iqn.2026-11.org.ktgt:ini" ] && ok "completes initiators" || notok "completes initiators" "got '$got'"
got=$(complete_words ktgtctl stats --j)
[ "$got" = "--json" ] && ok "completes options" || notok "completes options" "got '$got'"

# systemd unit
if command -v systemd-analyze > /dev/null; then
	# verify wants the executables to exist: point it at the copies in $D
	mkdir -p "$D/unit"
	sed "s|@SBINDIR@|$TOP/tools|g" ktgt.service.in > "$D/unit/ktgt.service"
	if [ -x tools/ktgtctl ]; then
		w=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$D/unit/ktgt.service" 2>&1 |
			grep -v -e 'Failed to \(connect\|open\|create\)' -e 'bus' -e 'not running' -e 'Cannot' -e '^$')
		[ -z "$w" ] && ok "systemd-analyze verify ktgt.service" || notok "systemd-analyze verify ktgt.service" "$w"
	fi
fi
check "unit: Type=oneshot, RemainAfterExit=yes" sh -c "grep -q '^Type=oneshot$' ktgt.service.in && grep -q '^RemainAfterExit=yes$' ktgt.service.in"
check "dkms.conf names the module and the version" sh -c "grep -q '^BUILT_MODULE_NAME\[0\]=\"ktgt\"$' dkms.conf && grep -q '^PACKAGE_VERSION=\"0.1\"$' dkms.conf"
check "dkms.conf passes bash -n (dkms sources it)" bash -n dkms.conf

# dkms: what `make dkms-src` copies builds with dkms.conf (private source
# and dkms trees: nothing is registered on this machine)
kdir=$(ls -d /lib/modules/*/build 2> /dev/null | sort -V | tail -n 1)
if command -v dkms > /dev/null && [ -n "$kdir" ]; then
	kver=$(basename "$(dirname "$kdir")")
	mkdir -p "$D/dkms-tree"
	check "make dkms-src" make -s dkms-src DESTDIR="$D/dkms-root"
	check "dkms build ktgt/0.1 for $kver" dkms build -m ktgt -v 0.1 -k "$kver" \
		--sourcetree "$D/dkms-root/usr/src" --dkmstree "$D/dkms-tree"
	check "dkms built ktgt.ko" test -f "$D/dkms-tree/ktgt/0.1/$kver/$(uname -m)/module/ktgt.ko"
fi

echo "1..$n"
[ $failed = 0 ]
