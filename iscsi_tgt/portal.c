// SPDX-License-Identifier: GPL-2.0
/*
 * Listening sockets.
 *
 * One listener per distinct address, shared by the portals (np/ entries) of
 * every TPG that uses it and counted by nr_portals.  The socket is opened
 * by the first portal and closed when the last one goes; connections it
 * accepted live on.  Connections keep a pointer to their listener, only to
 * compare it (ktgt_tpg_find(), ktgt_sendtargets()), so a listener whose
 * socket is closed stays allocated on ktgt_listeners and is reused if a
 * portal with the same address comes back: a stale pointer can never match
 * a different listener.  The structures are freed at module unload.
 *
 * New connections: ->sk_data_ready of the listening socket queues
 * accept_work on ktgt_wq, which accepts until -EAGAIN and hands every new
 * socket to ktgt_conn_create().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ktgt_iscsi.h"
#include "../configfs/ktgt_cfs.h"

#define KTGT_LISTEN_BACKLOG	256

/*
 * Protects ktgt_listeners, nr_portals and opening/closing the sockets.
 * Held while waiting for accept_work, so ktgt_conn_create() must not call
 * ktgt_listener_get()/put(); never taken under ktgt_cfg_mutex.
 */
static DEFINE_MUTEX(ktgt_listener_mutex);
static LIST_HEAD(ktgt_listeners);

/* ------------------------------------------------------------------ */
/* Addresses                                                           */

static int ktgt_parse_port(const char *s, __be16 *port)
{
	u16 v;

	/* digits only: kstrtou16() would take a '+' or a newline */
	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	if (kstrtou16(s, 10, &v) || !v)
		return -EINVAL;
	*port = htons(v);
	return 0;
}

/**
 * ktgt_parse_portal_addr() - parse "a.b.c.d:port" or "[ipv6]:port"
 * @name: the np/ directory name
 * @ss:   receives a sockaddr_in or sockaddr_in6
 *
 * Return: 0 or -EINVAL (also for port 0 and for IPv6 scope ids, which are
 * not supported).
 */
int ktgt_parse_portal_addr(const char *name, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	const char *colon, *end;

	memset(ss, 0, sizeof(*ss));

	if (name[0] == '[') {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		const char *rb = strchr(name, ']');

		if (!rb || rb[1] != ':' || rb == name + 1)
			return -EINVAL;
		if (in6_pton(name + 1, rb - name - 1, sin6->sin6_addr.s6_addr,
			     -1, &end) != 1 || end != rb)
			return -EINVAL;
		sin6->sin6_family = AF_INET6;
		return ktgt_parse_port(rb + 2, &sin6->sin6_port);
	}

	colon = strrchr(name, ':');
	if (!colon || colon == name)
		return -EINVAL;
	if (in4_pton(name, colon - name, (u8 *)&sin->sin_addr.s_addr, -1,
		     &end) != 1 || end != colon)
		return -EINVAL;
	sin->sin_family = AF_INET;
	return ktgt_parse_port(colon + 1, &sin->sin_port);
}

/* Same family, address and port. */
bool ktgt_sockaddr_equal(const struct sockaddr_storage *a,
			 const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;

		return x->sin6_port == y->sin6_port &&
		       ipv6_addr_equal(&x->sin6_addr, &y->sin6_addr) &&
		       x->sin6_scope_id == y->sin6_scope_id;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Accepting                                                           */

static void ktgt_listener_data_ready(struct sock *sk)
{
	struct ktgt_listener *l;

	read_lock_bh(&sk->sk_callback_lock);
	/* accepted children inherit this callback until conn.c replaces it */
	l = __locked_read_sk_user_data_with_flags(sk, SK_USER_DATA_NOCOPY);
	if (l && sk->sk_state == TCP_LISTEN)
		queue_work(ktgt_wq, &l->accept_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void ktgt_listener_accept_work(struct work_struct *work)
{
	struct ktgt_listener *l = container_of(work, struct ktgt_listener,
					       accept_work);
	struct socket *newsock;
	int ret;

	for (;;) {
		ret = kernel_accept(l->sock, &newsock, O_NONBLOCK);
		if (ret == -EAGAIN)
			break;
		if (ret == -ECONNABORTED)
			continue;
		if (ret) {
			pr_warn_ratelimited("accept on %pISpc failed: %d\n",
					    &l->addr, ret);
			break;
		}
		ktgt_conn_create(l, newsock);
		cond_resched();
	}
}

/* ------------------------------------------------------------------ */
/* Opening and closing                                                 */

static void ktgt_listener_unhook(struct ktgt_listener *l, struct sock *sk)
{
	write_lock_bh(&sk->sk_callback_lock);
	rcu_assign_sk_user_data(sk, NULL);
	sk->sk_data_ready = l->saved_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	/* the callback can no longer queue it */
	cancel_work_sync(&l->accept_work);
}

static int ktgt_listener_open(struct ktgt_listener *l)
{
	int addrlen = l->addr.ss_family == AF_INET6 ?
		      sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	struct socket *sock;
	struct sock *sk;
	int ret;

	lockdep_assert_held(&ktgt_listener_mutex);

	ret = sock_create_kern(&init_net, l->addr.ss_family, SOCK_STREAM,
			       IPPROTO_TCP, &sock);
	if (ret)
		return ret;
	sk = sock->sk;
	sock_set_reuseaddr(sk);
	/* accepted sockets inherit it */
	tcp_sock_set_nodelay(sk);
	if (l->addr.ss_family == AF_INET6) {
		/* let [::]:3260 coexist with 0.0.0.0:3260 */
		ret = ip6_sock_set_v6only(sk);
		if (ret)
			goto err_release;
	}

	ret = kernel_bind(sock, (struct sockaddr *)&l->addr, addrlen);
	if (ret)
		goto err_release;

	l->sock = sock;
	write_lock_bh(&sk->sk_callback_lock);
	__rcu_assign_sk_user_data_with_flags(sk, l, SK_USER_DATA_NOCOPY);
	l->saved_data_ready = sk->sk_data_ready;
	sk->sk_data_ready = ktgt_listener_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);

	ret = kernel_listen(sock, KTGT_LISTEN_BACKLOG);
	if (ret)
		goto err_unhook;

	pr_info("listening on %pISpc\n", &l->addr);
	return 0;

err_unhook:
	ktgt_listener_unhook(l, sk);
	l->sock = NULL;
err_release:
	sock_release(sock);
	return ret;
}

static void ktgt_listener_close(struct ktgt_listener *l)
{
	lockdep_assert_held(&ktgt_listener_mutex);

	ktgt_listener_unhook(l, l->sock->sk);
	/* not yet accepted connections are reset */
	sock_release(l->sock);
	l->sock = NULL;
	pr_info("stopped listening on %pISpc\n", &l->addr);
}

/**
 * ktgt_listener_get() - the listener for @addr, opened if needed
 * @addr: a parsed portal address
 * @out:  receives the listener; one portal reference is held
 *
 * Returns 0 or the error of socket creation, bind (e.g. -EADDRINUSE,
 * -EADDRNOTAVAIL) or listen.  Must not be called under ktgt_cfg_mutex.
 */
int ktgt_listener_get(const struct sockaddr_storage *addr,
		      struct ktgt_listener **out)
{
	struct ktgt_listener *l;
	bool fresh = false;
	int ret = 0;

	mutex_lock(&ktgt_listener_mutex);
	list_for_each_entry(l, &ktgt_listeners, node)
		if (ktgt_sockaddr_equal(&l->addr, addr))
			goto found;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	memcpy(&l->addr, addr, sizeof(l->addr));
	INIT_WORK(&l->accept_work, ktgt_listener_accept_work);
	fresh = true;

found:
	if (!l->nr_portals) {
		ret = ktgt_listener_open(l);
		if (ret)
			goto err_free;
	}
	if (fresh)
		list_add_tail(&l->node, &ktgt_listeners);
	l->nr_portals++;
	*out = l;
	goto out_unlock;

err_free:
	/* no connection can refer to a listener that never listened */
	if (fresh)
		kfree(l);
out_unlock:
	mutex_unlock(&ktgt_listener_mutex);
	return ret;
}

/**
 * ktgt_listener_put() - drop a portal reference; the last closes the socket
 * @l: from ktgt_listener_get()
 *
 * Waits for a running accept_work.  Must not be called under
 * ktgt_cfg_mutex.
 */
void ktgt_listener_put(struct ktgt_listener *l)
{
	mutex_lock(&ktgt_listener_mutex);
	if (!WARN_ON_ONCE(l->nr_portals <= 0) && !--l->nr_portals)
		ktgt_listener_close(l);
	mutex_unlock(&ktgt_listener_mutex);
}

/*
 * Module unload: free every listener.  No portal is left (each np/ entry
 * pins the module), and no connection may remain.
 */
void ktgt_listener_cleanup(void)
{
	struct ktgt_listener *l, *tmp;

	mutex_lock(&ktgt_listener_mutex);
	list_for_each_entry_safe(l, tmp, &ktgt_listeners, node) {
		if (WARN_ON_ONCE(l->nr_portals))
			ktgt_listener_close(l);
		list_del(&l->node);
		kfree(l);
	}
	mutex_unlock(&ktgt_listener_mutex);
}
