#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# configfs: np/<addr>:<port> portals, IPv4 and IPv6: mkdir opens a listening
# socket, rmdir closes it; malformed, duplicate and unassignable addresses
# are refused with their errno.
. "$KTGT_SRC/selftests/lib/lib.sh"
C=$KTGT_CFS
IQN=iqn.2026-11.org.ktgt:np
IQN2=iqn.2026-11.org.ktgt:np2
P=$C/targets/$IQN/tpgt_1
listening() { ss -Hltn "sport = :$2" | awk '{print $4}' | grep -c -x -F "$1:$2"; }

t_run "insmod" ktgt_load || t_bail "cannot load $KTGT_KO"
mkdir -p $P $C/targets/$IQN/tpgt_2 $C/targets/$IQN2/tpgt_1
t_errno "IPv4 portal 127.0.0.1:3260" OK mkdir $P/np/127.0.0.1:3260
t_eq "listening on 127.0.0.1:3260" 1 "$(listening 127.0.0.1 3260)"
t_eq "a portal has no attributes" "" "$(ls $P/np/127.0.0.1:3260)"
t_errno "IPv6 portal [::1]:3260" OK mkdir "$P/np/[::1]:3260"
t_eq "listening on [::1]:3260" 1 "$(listening '[::1]' 3260)"
for bad in 127.0.0.1 127.0.0.1: 127.0.0.1:0 127.0.0.1:65536 127.0.0.256:3260 localhost:3260 \
	::1:3260 "[::1]" "[::1]3260" "[::g]:3260" 127.0.0.1:32a0; do
	t_errno "portal '$bad': EINVAL" EINVAL mkdir "$P/np/$bad"
done
t_errno "same portal in the same TPG: EEXIST" EEXIST mkdir $P/np/127.0.0.1:3260
t_errno "same portal in another TPG of the same target: EEXIST" EEXIST mkdir $C/targets/$IQN/tpgt_2/np/127.0.0.1:3260
t_errno "same address spelt differently: EEXIST" EEXIST mkdir "$P/np/[0:0:0:0:0:0:0:1]:3260"
t_errno "same portal in another target (shared listener)" OK mkdir $C/targets/$IQN2/tpgt_1/np/127.0.0.1:3260
t_eq "still one listening socket on 127.0.0.1:3260" 1 "$(listening 127.0.0.1 3260)"
t_errno "an address no interface has: EADDRNOTAVAIL" EADDRNOTAVAIL mkdir $P/np/192.0.2.1:3260
# another socket listening on 127.0.0.1:3270
perl -MSocket -e 'socket(S, PF_INET, SOCK_STREAM, 0) or die "socket: $!";
	bind(S, pack_sockaddr_in(3270, inet_aton("127.0.0.1"))) or die "bind: $!";
	listen(S, 5) or die "listen: $!"; sleep 120' &
holder=$!
wait_for 10 test "$(listening 127.0.0.1 3270)" = 1
t_errno "a port another socket listens on: EADDRINUSE" EADDRINUSE mkdir $P/np/127.0.0.1:3270
kill $holder
wait $holder 2> /dev/null
t_errno "wildcard 0.0.0.0:3262" OK mkdir $P/np/0.0.0.0:3262
t_eq "listening on 0.0.0.0:3262" 1 "$(listening 0.0.0.0 3262)"
t_errno "rmdir 0.0.0.0:3262" OK rmdir $P/np/0.0.0.0:3262
t_eq "0.0.0.0:3262 closed" 0 "$(listening 0.0.0.0 3262)"
t_errno "rmdir the first target's 127.0.0.1:3260" OK rmdir $P/np/127.0.0.1:3260
t_eq "the other target keeps 127.0.0.1:3260 open" 1 "$(listening 127.0.0.1 3260)"
t_errno "rmdir the other target's 127.0.0.1:3260" OK rmdir $C/targets/$IQN2/tpgt_1/np/127.0.0.1:3260
t_eq "127.0.0.1:3260 closed" 0 "$(listening 127.0.0.1 3260)"
t_errno "rmdir [::1]:3260" OK rmdir "$P/np/[::1]:3260"
t_eq "[::1]:3260 closed" 0 "$(listening '[::1]' 3260)"
t_errno "re-open 127.0.0.1:3260 right after closing it" OK mkdir $P/np/127.0.0.1:3260
t_errno "rmdir it again" OK rmdir $P/np/127.0.0.1:3260
t_run "teardown" ktgt_teardown
t_run "rmmod" rmmod ktgt
t_done
