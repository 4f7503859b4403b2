// SPDX-License-Identifier: GPL-2.0
/*
 * ktgtctl sessions / ktgtctl stats: read the module's read-only session
 * listing (targets/<iqn>/tpgt_N/sessions) and LUN counters
 * (targets/<iqn>/tpgt_N/lun/lun_L/statistics/), print a table or JSON.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ktgtctl.h"

enum { ST_OK = 0, ST_FAIL = 1, ST_USAGE = 2 };

static const char sessions_usage[] =
"Usage: ktgtctl sessions [--json] [IQN [TPGT]]\n"
"List the iSCSI sessions of every TPG (or of target IQN, or of its TPG\n"
"TPGT): initiator, ISID, TSIH, connections (local and peer address),\n"
"CmdSN window and mapped LUNs; --json adds the negotiated parameters and\n"
"the session counters.\n"
"Exit status: 0 done, 1 the configuration cannot be read, 2 bad usage.\n";

static const char stats_usage[] =
"Usage: ktgtctl stats [--json] [IQN [TPGT]]\n"
"Print the counters of every LUN (commands, bytes read and written,\n"
"errors, aborts, mean and maximum latency) and of every session (commands,\n"
"bytes, errors, aborts), for all targets or target IQN (TPG TPGT).\n"
"Exit status: 0 done, 1 the configuration cannot be read, 2 bad usage.\n";

static void __attribute__((format(printf, 1, 2))) err(const char *fmt, ...)
{
	va_list ap;

	fputs("ktgtctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* "ktgtctl: VERB: what is wrong", then the verb's usage */
static int usage(const char *text, const char *fmt, const char *arg)
{
	const char *verb = text + strlen("Usage: ktgtctl ");

	fprintf(stderr, "ktgtctl: %.*s: ", (int)strcspn(verb, " \n"), verb);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	fputs(text, stderr);
	return ST_USAGE;
}

/* Whole file into a NUL-terminated buffer; NULL with errno set. */
static char *slurp(const char *path, size_t *len)
{
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (!buf || fd < 0)
		goto fail;
	for (;;) {
		if (n == cap) {
			char *nb = realloc(buf, 2 * cap + 1);

			if (!nb)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = 0;
	*len = n;
	return buf;
fail:
	if (fd >= 0) {
		int e = errno;

		close(fd);
		errno = e;
	}
	free(buf);
	return NULL;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of @dir starting with @prefix; NULL-terminated. */
static char **entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = calloc(1, sizeof(*v));
	size_t n = 0;

	if (!v)
		abort();
	if (!d)
		return v;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		v = realloc(v, (n + 2) * sizeof(*v));
		if (!v || !(v[n] = strdup(e->d_name)))
			abort();
		v[++n] = NULL;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_name);
	return v;
}

static void free_entries(char **v)
{
	for (char **e = v; *e; e++)
		free(*e);
	free(v);
}

/* The TPG directories selected by @iqn/@tpgt (NULL: all). */
struct tpg_ref {
	char *iqn;
	char *dir;
	unsigned long tpgt;
};

static int find_tpgs(const char *root, const char *iqn, const char *tpgt,
		     struct tpg_ref **out, size_t *nr)
{
	char *tdir, **tv;
	size_t n = 0;
	struct tpg_ref *v = NULL;

	if (asprintf(&tdir, "%s/targets", root) < 0)
		abort();
	if (access(tdir, F_OK)) {
		err("%s does not exist: load the module (modprobe ktgt) and mount configfs", tdir);
		free(tdir);
		return -1;
	}
	if (iqn) {
		char *p;

		if (asprintf(&p, "%s/%s", tdir, iqn) < 0)
			abort();
		if (access(p, F_OK)) {
			err("target %s: no such target (%s)", iqn, p);
			free(p);
			free(tdir);
			return -1;
		}
		free(p);
		if (tpgt) {
			if (asprintf(&p, "%s/%s/tpgt_%s", tdir, iqn, tpgt) < 0)
				abort();
			if (access(p, F_OK)) {
				err("TPG %s/%s: no such TPG (%s)", iqn, tpgt, p);
				free(p);
				free(tdir);
				return -1;
			}
			free(p);
		}
	}
	tv = entries(tdir, "");
	for (char **t = tv; *t; t++) {
		char *d, **gv;

		if (iqn && strcmp(*t, iqn))
			continue;
		if (asprintf(&d, "%s/%s", tdir, *t) < 0)
			abort();
		gv = entries(d, "tpgt_");
		for (char **g = gv; *g; g++) {
			if (tpgt && strcmp(*g + 5, tpgt))
				continue;
			v = realloc(v, (n + 1) * sizeof(*v));
			if (!v)
				abort();
			v[n].iqn = strdup(*t);
			if (asprintf(&v[n].dir, "%s/%s", d, *g) < 0 || !v[n].iqn)
				abort();
			v[n].tpgt = strtoul(*g + 5, NULL, 10);
			n++;
		}
		free_entries(gv);
		free(d);
	}
	free_entries(tv);
	free(tdir);
	*out = v;
	*nr = n;
	return 0;
}

static void free_tpgs(struct tpg_ref *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].iqn);
		free(v[i].dir);
	}
	free(v);
}

/* Options shared by both verbs: [--json] [IQN [TPGT]]. */
static int parse_args(const char *text, int argc, char **argv, bool *json,
		      const char **iqn, const char **tpgt)
{
	int pos = 0;

	*json = false;
	*iqn = *tpgt = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			*json = true;
		} else if (argv[i][0] == '-') {
			return usage(text, "unknown option '%s'", argv[i]);
		} else if (pos == 0) {
			if (ktgtctl_check_name(argv[i]))
				return usage(text, "bad target name '%s'", argv[i]);
			*iqn = argv[i];
			pos++;
		} else if (pos == 1) {
			unsigned long t;

			if (ktgtctl_parse_uint(argv[i], 1, 65535, &t))
				return usage(text, "bad TPGT '%s' (1-65535)", argv[i]);
			*tpgt = argv[i];
			pos++;
		} else {
			return usage(text, "too many arguments ('%s')", argv[i]);
		}
	}
	return 0;
}

/* Sessions of one TPG; -1 (message printed) if the file is unusable. */
static int read_sessions(const struct tpg_ref *t, struct ktgtctl_session **s,
			 size_t *n)
{
	char *p, *text;
	size_t len;
	unsigned line;

	if (asprintf(&p, "%s/sessions", t->dir) < 0)
		abort();
	text = slurp(p, &len);
	if (!text) {
		err("TPG %s/%lu: cannot read %s: %s", t->iqn, t->tpgt, p, strerror(errno));
		free(p);
		return -1;
	}
	if (ktgtctl_parse_sessions(text, len, s, n, &line)) {
		err("TPG %s/%lu: %s line %u: not in the expected format", t->iqn,
		    t->tpgt, p, line);
		free(text);
		free(p);
		return -1;
	}
	free(text);
	free(p);
	return 0;
}

static json_object *jstr(const char *s)
{
	return json_object_new_string(s);
}

static json_object *ju64(uint64_t v)
{
	return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

static json_object *session_json(const struct tpg_ref *t,
				 const struct ktgtctl_session *s, bool counters_only)
{
	json_object *o = json_object_new_object(), *a, *c;

	json_object_object_add(o, "target", jstr(t->iqn));
	json_object_object_add(o, "tpgt", ju64(t->tpgt));
	json_object_object_add(o, "tsih", ju64(s->tsih));
	json_object_object_add(o, "initiator", jstr(s->initiator));
	json_object_object_add(o, "isid", jstr(s->isid));
	if (!counters_only) {
		json_object_object_add(o, "acl", strcmp(s->acl, "-") ? jstr(s->acl) : NULL);
		a = json_object_new_array();
		for (uint32_t i = 0; i < s->nr_conns; i++) {
			c = json_object_new_object();
			json_object_object_add(c, "cid", ju64(s->conns[i].cid));
			json_object_object_add(c, "local", jstr(s->conns[i].local));
			json_object_object_add(c, "peer", jstr(s->conns[i].peer));
			json_object_array_add(a, c);
		}
		json_object_object_add(o, "connections", a);
		json_object_object_add(o, "exp_cmdsn", ju64(s->exp_cmdsn));
		json_object_object_add(o, "max_cmdsn", ju64(s->max_cmdsn));
		json_object_object_add(o, "cmdsn_depth", ju64(s->cmdsn_depth));
		json_object_object_add(o, "outstanding", ju64(s->outstanding));
		a = json_object_new_array();
		for (uint32_t i = 0; i < s->nr_luns; i++)
			json_object_array_add(a, ju64(s->luns[i]));
		json_object_object_add(o, "luns", a);
		c = json_object_new_object();
		for (uint32_t i = 0; i < s->nr_params; i++)
			json_object_object_add(c, s->params[i].key, jstr(s->params[i].val));
		json_object_object_add(o, "params", c);
	}
	json_object_object_add(o, "cmds", ju64(s->cmds));
	json_object_object_add(o, "read_bytes", ju64(s->read_bytes));
	json_object_object_add(o, "write_bytes", ju64(s->write_bytes));
	json_object_object_add(o, "errors", ju64(s->errors));
	json_object_object_add(o, "aborts", ju64(s->aborts));
	return o;
}

static int print_json(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return fflush(stdout) ? ST_FAIL : ST_OK;
}

int ktgtctl_cmd_sessions(const char *root, int argc, char **argv)
{
	const char *iqn, *tpgt;
	struct tpg_ref *tv;
	size_t nt;
	bool json;
	int ret = ST_OK, rc;
	json_object *arr = NULL;
	bool header = false;

	rc = parse_args(sessions_usage, argc, argv, &json, &iqn, &tpgt);
	if (rc)
		return rc;
	if (find_tpgs(root, iqn, tpgt, &tv, &nt))
		return ST_FAIL;
	if (json)
		arr = json_object_new_array();
	for (size_t i = 0; i < nt; i++) {
		struct ktgtctl_session *s;
		size_t ns;

		if (read_sessions(&tv[i], &s, &ns)) {
			ret = ST_FAIL;
			continue;
		}
		for (size_t j = 0; j < ns; j++) {
			if (json) {
				json_object_array_add(arr, session_json(&tv[i], &s[j], false));
				continue;
			}
			if (!header) {
				printf("%-32s %5s %5s %-12s %-32s %10s %10s %s\n", "TARGET",
				       "TPGT", "TSIH", "ISID", "INITIATOR", "EXPCMDSN",
				       "MAXCMDSN", "LUNS");
				header = true;
			}
			printf("%-32s %5lu %5" PRIu32 " %-12s %-32s %10" PRIu32 " %10" PRIu32 " ",
			       tv[i].iqn, tv[i].tpgt, s[j].tsih, s[j].isid,
			       s[j].initiator, s[j].exp_cmdsn, s[j].max_cmdsn);
			for (uint32_t l = 0; l < s[j].nr_luns; l++)
				printf("%s%" PRIu32, l ? "," : "", s[j].luns[l]);
			printf("%s\n", s[j].nr_luns ? "" : "-");
			for (uint32_t c = 0; c < s[j].nr_conns; c++)
				printf("  conn %" PRIu32 ": %s <- %s\n", s[j].conns[c].cid,
				       s[j].conns[c].local, s[j].conns[c].peer);
		}
		free(s);
	}
	free_tpgs(tv, nt);
	if (json) {
		rc = print_json(arr);
		return ret ? ret : rc;
	}
	if (!header)
		puts("no sessions");
	return fflush(stdout) ? ST_FAIL : ret;
}

static const char *const lun_counters[] = {
	"cmds", "read_bytes", "write_bytes", "errors", "aborts",
	"latency_total_us", "latency_max_us", NULL,
};

/* The LUN counters of lun_L/statistics/; -1 (named) if unreadable. */
static int read_lun_stats(const struct tpg_ref *t, const char *lun, uint64_t *vals)
{
	for (int i = 0; lun_counters[i]; i++) {
		char *p, *text;
		size_t len;
		uint64_t v;
		char *end;

		if (asprintf(&p, "%s/lun/%s/statistics/%s", t->dir, lun, lun_counters[i]) < 0)
			abort();
		text = slurp(p, &len);
		if (!text) {
			err("LUN %s/%lu/%s: cannot read %s: %s", t->iqn, t->tpgt,
			    lun + 4, p, strerror(errno));
			free(p);
			return -1;
		}
		errno = 0;
		v = strtoull(text, &end, 10);
		if (errno || end == text || (*end && strcmp(end, "\n"))) {
			err("LUN %s/%lu/%s: %s: not a number", t->iqn, t->tpgt, lun + 4, p);
			free(text);
			free(p);
			return -1;
		}
		vals[i] = v;
		free(text);
		free(p);
	}
	return 0;
}

/* The backstore a LUN exports, "type/name", or "-" */
static char *lun_backstore(const struct tpg_ref *t, const char *lun)
{
	char *d, **v, *res = NULL;

	if (asprintf(&d, "%s/lun/%s", t->dir, lun) < 0)
		abort();
	v = entries(d, "");
	for (char **e = v; *e && !res; e++) {
		char *p, buf[4096], *s;
		ssize_t n;

		if (asprintf(&p, "%s/%s", d, *e) < 0)
			abort();
		n = readlink(p, buf, sizeof(buf) - 1);
		free(p);
		if (n <= 0)
			continue;
		buf[n] = 0;
		s = strstr(buf, "backstores/");
		res = strdup(s ? s + 11 : buf);
	}
	free_entries(v);
	free(d);
	return res ? res : strdup("-");
}

int ktgtctl_cmd_stats(const char *root, int argc, char **argv)
{
	const char *iqn, *tpgt;
	struct tpg_ref *tv;
	size_t nt;
	bool json, header = false;
	int ret = ST_OK, rc;
	json_object *jl = NULL, *js = NULL;

	rc = parse_args(stats_usage, argc, argv, &json, &iqn, &tpgt);
	if (rc)
		return rc;
	if (find_tpgs(root, iqn, tpgt, &tv, &nt))
		return ST_FAIL;
	if (json) {
		jl = json_object_new_array();
		js = json_object_new_array();
	}
	for (size_t i = 0; i < nt; i++) {
		char *d, **lv;

		if (asprintf(&d, "%s/lun", tv[i].dir) < 0)
			abort();
		lv = entries(d, "lun_");
		for (char **l = lv; *l; l++) {
			uint64_t c[7];
			char *bs;
			char rb[16], wb[16];

			if (read_lun_stats(&tv[i], *l, c)) {
				ret = ST_FAIL;
				continue;
			}
			bs = lun_backstore(&tv[i], *l);
			if (json) {
				json_object *o = json_object_new_object();

				json_object_object_add(o, "target", jstr(tv[i].iqn));
				json_object_object_add(o, "tpgt", ju64(tv[i].tpgt));
				json_object_object_add(o, "lun", ju64(strtoull(*l + 4, NULL, 10)));
				json_object_object_add(o, "backstore", jstr(bs));
				for (int k = 0; lun_counters[k]; k++)
					json_object_object_add(o, lun_counters[k], ju64(c[k]));
				json_object_array_add(jl, o);
			} else {
				if (!header) {
					printf("%-32s %5s %4s %-16s %10s %9s %9s %7s %7s %8s %8s\n",
					       "TARGET", "TPGT", "LUN", "BACKSTORE", "CMDS",
					       "READ", "WRITTEN", "ERRORS", "ABORTS",
					       "AVG_US", "MAX_US");
					header = true;
				}
				ktgtctl_fmt_bytes(c[1], rb, sizeof(rb));
				ktgtctl_fmt_bytes(c[2], wb, sizeof(wb));
				printf("%-32s %5lu %4s %-16s %10" PRIu64 " %9s %9s %7" PRIu64
				       " %7" PRIu64 " %8" PRIu64 " %8" PRIu64 "\n",
				       tv[i].iqn, tv[i].tpgt, *l + 4, bs, c[0], rb, wb,
				       c[3], c[4], ktgtctl_avg_us(c[5], c[0]), c[6]);
			}
			free(bs);
		}
		free_entries(lv);
		free(d);
	}
	if (!json && !header)
		puts("no LUNs");
	header = false;
	for (size_t i = 0; i < nt; i++) {
		struct ktgtctl_session *s;
		size_t ns;

		if (read_sessions(&tv[i], &s, &ns)) {
			ret = ST_FAIL;
			continue;
		}
		for (size_t j = 0; j < ns; j++) {
			char rb[16], wb[16];

			if (json) {
				json_object_array_add(js, session_json(&tv[i], &s[j], true));
				continue;
			}
			if (!header) {
				printf("\n%-32s %5s %5s %-32s %10s %9s %9s %7s %7s\n",
				       "TARGET", "TPGT", "TSIH", "INITIATOR", "CMDS",
				       "READ", "WRITTEN", "ERRORS", "ABORTS");
				header = true;
			}
			ktgtctl_fmt_bytes(s[j].read_bytes, rb, sizeof(rb));
			ktgtctl_fmt_bytes(s[j].write_bytes, wb, sizeof(wb));
			printf("%-32s %5lu %5" PRIu32 " %-32s %10" PRIu64 " %9s %9s %7"
			       PRIu64 " %7" PRIu64 "\n", tv[i].iqn, tv[i].tpgt,
			       s[j].tsih, s[j].initiator, s[j].cmds, rb, wb,
			       s[j].errors, s[j].aborts);
		}
		free(s);
	}
	free_tpgs(tv, nt);
	if (json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "luns", jl);
		json_object_object_add(o, "sessions", js);
		rc = print_json(o);
		return ret ? ret : rc;
	}
	return fflush(stdout) ? ST_FAIL : ret;
}
