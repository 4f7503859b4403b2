/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CHAP authentication of the initiator, and optionally of the target
 * (mutual CHAP), during the login security stage (RFC 1994, RFC 7143
 * 12.1.3).  Pure protocol logic: the hash and the random bytes come from a
 * small ops table, so the kernel plugs in crypto_shash and
 * get_random_bytes() while the unit tests plug in their own.
 *
 * Exchange, target side:
 *
 *	I->T  AuthMethod=CHAP,...	(ktgt_nego_login() selects CHAP)
 *	I->T  CHAP_A=<A1,A2,...>
 *	T->I  CHAP_A=<A> CHAP_I=<I> CHAP_C=<C>
 *	I->T  CHAP_N=<N> CHAP_R=<R> [CHAP_I=<I2> CHAP_C=<C2>]
 *	T->I  [CHAP_N=<N2> CHAP_R=<R2>]
 *
 * with R = H(I || secret || C) as one octet I followed by the bytes of the
 * secret and of the challenge C.
 *
 * Login code usage, per connection:
 *
 *	ktgt_chap_init(c, &ops, priv, user, secret, mutual_user, mutual_secret);
 *	for each complete security-stage Login Request, once
 *	ktgt_nego_login() returned 0 with n->auth_method == "CHAP":
 *		st = ktgt_chap_process(c, text, len, &out);
 *		if (st) -> Login Response with that status;
 *	when the initiator sets T=1 to leave the security stage:
 *		st = ktgt_nego_leave_security(n, ktgt_chap_done(c));
 *	ktgt_chap_wipe(c) when the login ends (the state holds secrets).
 */
#ifndef KTGT_CHAP_H
#define KTGT_CHAP_H

#include "ktgt_compat.h"
#include "ktgt_params.h"

/* CHAP_A values: 5 is RFC 1994 MD5; 6-8 as open-iscsi and LIO use them */
#define KTGT_CHAP_ALG_MD5	5
#define KTGT_CHAP_ALG_SHA1	6
#define KTGT_CHAP_ALG_SHA256	7
#define KTGT_CHAP_ALG_SHA3_256	8
#define KTGT_CHAP_ALG_BIT(a)	(1U << (a))
#define KTGT_CHAP_ALGS_ALL	(KTGT_CHAP_ALG_BIT(KTGT_CHAP_ALG_MD5) |	\
				 KTGT_CHAP_ALG_BIT(KTGT_CHAP_ALG_SHA1) |	\
				 KTGT_CHAP_ALG_BIT(KTGT_CHAP_ALG_SHA256) |	\
				 KTGT_CHAP_ALG_BIT(KTGT_CHAP_ALG_SHA3_256))

#define KTGT_CHAP_DIGEST_MAX	32	/* SHA-256, SHA3-256 */
#define KTGT_CHAP_CHALLENGE_MIN	16	/* our challenge: max(16, digest) */
#define KTGT_CHAP_PEER_CHALLENGE_MAX 1024 /* initiator's CHAP_C, as LIO */
#define KTGT_CHAP_NAME_MAX	256	/* user names and secrets + NUL */
#define KTGT_CHAP_VALUE_MAX	4096	/* longest CHAP_C/CHAP_R text */

/**
 * struct ktgt_chap_buf - one part of a message to hash
 * @p: bytes
 * @len: number of bytes
 */
struct ktgt_chap_buf {
	const u8 *p;
	u32 len;
};

/**
 * struct ktgt_chap_ops - hash and randomness supplied by the caller
 * @has_alg: true if @alg (KTGT_CHAP_ALG_*) can be computed.
 * @digest: store in @out the digest of the concatenation of the @n parts
 *	with algorithm @alg (16 bytes for MD5, 20 for SHA1, 32 for SHA-256
 *	and SHA3-256).  Returns 0 or a negative errno.
 * @random: fill @buf with @len cryptographically strong random bytes.
 *
 * Every callback gets the @priv pointer given to ktgt_chap_init().  They
 * are called from ktgt_chap_process() only, in the caller's context.
 */
struct ktgt_chap_ops {
	bool (*has_alg)(void *priv, u8 alg);
	int (*digest)(void *priv, u8 alg, const struct ktgt_chap_buf *parts,
		      unsigned int n, u8 *out);
	void (*random)(void *priv, u8 *buf, u32 len);
};

enum ktgt_chap_state {
	KTGT_CHAP_WAIT_A,	/* expecting CHAP_A */
	KTGT_CHAP_WAIT_R,	/* challenge sent, expecting CHAP_N/CHAP_R */
	KTGT_CHAP_DONE,		/* initiator authenticated */
	KTGT_CHAP_FAILED,
};

/**
 * struct ktgt_chap - CHAP state of one login
 * @ops: callbacks
 * @priv: passed to the callbacks
 * @algs: KTGT_CHAP_ALG_BIT() mask of algorithms the target accepts;
 *	ktgt_chap_init() sets every algorithm @ops can compute, the caller
 *	may narrow it (e.g. no MD5) before the first ktgt_chap_process().
 * @state: where the exchange is
 * @alg: chosen CHAP_A
 * @digest_len: digest size of @alg
 * @id: our CHAP_I
 * @challenge_len: length of @challenge
 * @challenge: our CHAP_C
 * @user: CHAP_N the initiator must present
 * @secret: the initiator's secret
 * @mutual_user: CHAP_N the target presents in mutual CHAP ("" = none)
 * @mutual_secret: the target's secret in mutual CHAP
 * @secret_len: length of @secret
 * @mutual_secret_len: length of @mutual_secret
 * @peer_challenge: scratch for the initiator's CHAP_C
 * @mutual: the initiator asked for mutual CHAP and was answered
 *
 * About 2.4 KiB: keep it with the login state, not on the stack.
 */
struct ktgt_chap {
	const struct ktgt_chap_ops *ops;
	void *priv;
	u32 algs;
	enum ktgt_chap_state state;
	u8 alg;
	u8 digest_len;
	u8 id;
	u32 challenge_len;
	u8 challenge[KTGT_CHAP_DIGEST_MAX];
	char user[KTGT_CHAP_NAME_MAX];
	u8 secret[KTGT_CHAP_NAME_MAX];
	char mutual_user[KTGT_CHAP_NAME_MAX];
	u8 mutual_secret[KTGT_CHAP_NAME_MAX];
	u32 secret_len;
	u32 mutual_secret_len;
	u8 peer_challenge[KTGT_CHAP_PEER_CHALLENGE_MAX];
	bool mutual;
};

/**
 * ktgt_chap_init() - start a CHAP exchange
 * @c: state to initialise
 * @ops: hash and random callbacks, must outlive @c
 * @priv: passed to @ops
 * @user: user name the initiator must send as CHAP_N
 * @secret: the initiator's CHAP secret
 * @mutual_user: the target's CHAP_N for mutual CHAP, NULL or "" if none
 * @mutual_secret: the target's secret for mutual CHAP, NULL or "" if none
 *
 * The strings are copied (at most KTGT_CHAP_NAME_MAX - 1 bytes each).  An
 * empty @user or @secret makes every response fail: a target requiring
 * CHAP without credentials authenticates nobody.
 *
 * Return: 0, or -EINVAL if a string is too long (the state then fails
 * every exchange).
 */
int ktgt_chap_init(struct ktgt_chap *c, const struct ktgt_chap_ops *ops,
		   void *priv, const char *user, const char *secret,
		   const char *mutual_user, const char *mutual_secret);

/**
 * ktgt_chap_process() - handle the CHAP keys of one Login Request
 * @c: state
 * @text: the complete request text ("key=value\0" records)
 * @len: its length
 * @out: the response text, CHAP keys are appended
 *
 * Only CHAP_A, CHAP_I, CHAP_C, CHAP_N and CHAP_R are looked at; every other
 * key is ktgt_nego_login()'s.  A request without CHAP keys changes nothing.
 * Binary values are accepted in hex (0x) and base64 (0b); the target sends
 * hex.  The response is compared in constant time.  A mutual challenge
 * equal to ours (reflection), or the same secret in both directions, is
 * refused.
 *
 * Return: 0; 0x0201 (authentication failure) for a wrong, missing,
 * malformed or out of sequence key, after which every call fails;
 * 0x0300 if the digest callback fails; 0x0302 if @out is full.
 */
int ktgt_chap_process(struct ktgt_chap *c, const char *text, u32 len,
		      struct ktgt_textbuf *out);

/**
 * ktgt_chap_done() - has the initiator been authenticated?
 * @c: state
 *
 * Return: true once a correct CHAP_N/CHAP_R was received (and the mutual
 * answer, if asked for, was produced).
 */
bool ktgt_chap_done(const struct ktgt_chap *c);

/**
 * ktgt_chap_wipe() - forget the secrets and the exchange
 * @c: state
 */
void ktgt_chap_wipe(struct ktgt_chap *c);

/**
 * ktgt_chap_decode_binary() - decode a binary-value (RFC 7143 6.1)
 * @s: text, "0x"/"0X" hex or "0b"/"0B" base64
 * @len: length of @s
 * @out: decoded bytes
 * @cap: room in @out
 *
 * Hex with an odd number of digits has an implied leading zero.
 *
 * Return: the number of bytes (at least 1), or -EINVAL if malformed,
 * empty or longer than @cap.
 */
int ktgt_chap_decode_binary(const char *s, u32 len, u8 *out, u32 cap);

#endif /* KTGT_CHAP_H */
