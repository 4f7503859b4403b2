// SPDX-License-Identifier: GPL-2.0
/*
 * ktgtctl: configure the ktgt iSCSI target through its configfs tree
 * (/sys/kernel/config/ktgt, see Documentation/configfs-abi.rst).
 *
 * Every verb is a short sequence of mkdir/rmdir/symlink/unlink and attribute
 * writes; a failed step names the object, the file it touched and the
 * reason, and undoes what the verb already created.  Exit status: 0 done,
 * 1 the operation failed, 2 bad usage.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ktgtctl.h"

#define KTGT_DEFAULT_ROOT "/sys/kernel/config/ktgt"

static const char *root = KTGT_DEFAULT_ROOT;
static bool show_secrets;

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* ------------------------------------------------------------------ */
/* Messages                                                            */

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	fputs("ktgtctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* What an errno means for a configfs operation on ktgt, where it helps. */
static const char *errno_hint(int err, const char *op)
{
	switch (err) {
	case EEXIST:
		return "it already exists";
	case EBUSY:
		return strcmp(op, "write") ? "it is in use (mapped by a LUN or ACL, or being served)"
					   : "it cannot change now (enabled or in use)";
	case ENOTEMPTY:
		return "it still has children; delete them first";
	case ENODEV:
		return "the backstore is not enabled";
	case EADDRINUSE:
		return "another listener has that address";
	case EADDRNOTAVAIL:
		return "no local interface has that address";
	case EROFS:
		return "read-only attribute";
	default:
		return NULL;
	}
}

static void report(const char *what, const char *op, const char *path,
		   const char *val, int err)
{
	const char *hint = errno_hint(err, op);

	if (val)
		fprintf(stderr, "ktgtctl: %s: cannot write \"%s\" to %s: %s%s%s\n",
			what, val, path, strerror(err), hint ? ": " : "",
			hint ? hint : "");
	else
		fprintf(stderr, "ktgtctl: %s: cannot %s %s: %s%s%s\n", what, op,
			path, strerror(err), hint ? ": " : "", hint ? hint : "");
}

/* ------------------------------------------------------------------ */
/* Paths and filesystem steps                                          */

static char *__attribute__((format(printf, 1, 2))) path_of(const char *fmt, ...)
{
	char *rel, *p;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&rel, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (asprintf(&p, "%s/%s", root, rel) < 0)
		abort();
	free(rel);
	return p;
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int do_mkdir(const char *what, const char *p)
{
	if (mkdir(p, 0755) == 0)
		return 0;
	report(what, "create", p, NULL, errno);
	return -1;
}

static int do_rmdir(const char *what, const char *p)
{
	if (rmdir(p) == 0)
		return 0;
	report(what, "remove", p, NULL, errno);
	return -1;
}

static int do_symlink(const char *what, const char *target, const char *link)
{
	if (symlink(target, link) == 0)
		return 0;
	report(what, "link", link, NULL, errno);
	return -1;
}

static int do_unlink(const char *what, const char *p)
{
	if (unlink(p) == 0)
		return 0;
	report(what, "unlink", p, NULL, errno);
	return -1;
}

/* One write(2) of @val, as configfs wants it: the store sees it whole. */
static int write_attr(const char *what, const char *dir, const char *attr,
		      const char *val)
{
	char *p;
	int fd, err = 0;
	size_t len = strlen(val);
	ssize_t n;

	if (asprintf(&p, "%s/%s", dir, attr) < 0)
		abort();
	fd = open(p, O_WRONLY | O_TRUNC | O_CREAT, 0644);
	if (fd < 0) {
		err = errno;
	} else {
		n = write(fd, val, len);
		if (n < 0)
			err = errno;
		else if ((size_t)n != len)
			err = EIO;
		if (close(fd) && !err)
			err = errno;
	}
	if (err)
		report(what, "write", p, val, err);
	free(p);
	return err ? -1 : 0;
}

/*
 * Contents of an attribute without the trailing newline; NULL (errno set)
 * if unreadable.  All of it: binary attributes such as pr_state are longer
 * than a page.
 */
static char *read_attr(const char *p)
{
	size_t len = 0, cap = 4096;
	char *buf = NULL;
	ssize_t n;
	int fd, err;

	fd = open(p, O_RDONLY);
	if (fd < 0)
		return NULL;
	for (;;) {
		if (!buf || cap - len < 2) {
			cap = buf ? cap * 2 : cap;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	err = errno;
	close(fd);
	if (n < 0) {
		free(buf);
		errno = err;
		return NULL;
	}
	buf[len] = 0;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = 0;
	return buf;
}

/* An attribute of @dir, without the trailing newline; NULL if unreadable. */
static char *attr_at(const char *dir, const char *name)
{
	char *p, *v;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	v = read_attr(p);
	free(p);
	return v;
}

static int cmp_str(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of @dir's entries (no . and ..); NULL-terminated, or NULL. */
static char **list_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0;

	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		v = realloc(v, (n + 2) * sizeof(*v));
		if (!v)
			abort();
		v[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (!v) {
		v = calloc(1, sizeof(*v));
		if (!v)
			abort();
		return v;
	}
	v[n] = NULL;
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

static void free_list(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

static int need_dir(const char *p, const char *what, const char *how)
{
	if (is_dir(p))
		return 0;
	fail("%s does not exist (%s)%s%s", what, p, how ? "; " : "",
	     how ? how : "");
	return -1;
}

/* The tree must be there at all: the module is loaded, configfs mounted. */
static int need_root(void)
{
	if (is_dir(root))
		return 0;
	fail("%s does not exist: load the module (modprobe ktgt) and mount configfs "
	     "(mount -t configfs none /sys/kernel/config), or pass --root",
	     root);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Usage                                                               */

static const char usage_text[] =
"Usage: ktgtctl [--root DIR] COMMAND ...\n"
"Configure the ktgt iSCSI target through configfs (default root\n"
KTGT_DEFAULT_ROOT ", or $KTGT_CONFIGFS, or --root DIR).\n"
"\n"
"Backstores (TYPE is ram, null, block or file; SIZE is bytes or takes K/M/G/T):\n"
"  backstore create ram|null NAME SIZE [OPTIONS]\n"
"  backstore create block NAME DEVICE [OPTIONS]\n"
"  backstore create file NAME PATH [SIZE] [OPTIONS]\n"
"      OPTIONS: --block-size 512|4096  --serial SERIAL  --readonly\n"
"  backstore delete TYPE NAME             (and its ALUA groups)\n"
"  backstore set TYPE NAME ATTRIBUTE VALUE\n"
"Targets and TPGs (IQN is the target's iSCSI name, TPGT 1-65535):\n"
"  target create IQN             target delete IQN   (deletes all it holds)\n"
"  tpg create IQN TPGT           tpg delete IQN TPGT\n"
"  tpg enable IQN TPGT           tpg disable IQN TPGT\n"
"  tpg set IQN TPGT attrib|param|auth KEY VALUE\n"
"LUNs, portals, ACLs:\n"
"  lun create IQN TPGT LUN TYPE/NAME      lun delete IQN TPGT LUN\n"
"  lun set IQN TPGT LUN alua_tg_pt_gp GROUP   (the LUN's ALUA port group)\n"
"  portal create IQN TPGT ADDR:PORT       portal delete IQN TPGT ADDR:PORT\n"
"      ADDR:PORT is e.g. 127.0.0.1:3260, 0.0.0.0:3260 or [::1]:3260\n"
"  acl create IQN TPGT INITIATOR          acl delete IQN TPGT INITIATOR\n"
"  acl map-lun IQN TPGT INITIATOR MAPPED_LUN LUN\n"
"  acl unmap-lun IQN TPGT INITIATOR MAPPED_LUN\n"
"  acl set IQN TPGT INITIATOR auth KEY VALUE\n"
"  discovery-auth set KEY VALUE\n"
"ALUA target port groups of a backstore (TYPE/NAME, e.g. ram/disk0):\n"
"  alua create TYPE/NAME GROUP [ID]       alua delete TYPE/NAME GROUP\n"
"  alua set TYPE/NAME GROUP KEY VALUE     e.g. alua_access_state standby,\n"
"      tg_pt_gp_id 10, preferred 1, alua_access_type 1|2|3, alua_support_*\n"
"Whole configuration:\n"
"  show [--json] [--secrets]     print the tree (passwords hidden unless --secrets)\n"
"  clear                         delete every object, reset discovery-auth\n"
"  save [FILE]                   write the whole configuration, secrets\n"
"                                included, as JSON (mode 0600; default\n"
"                                " KTGTCTL_SAVE_DEFAULT "; - is stdout)\n"
"  restore [--merge] [FILE]      rebuild a saved configuration; refuses to\n"
"                                touch objects that exist unless --merge\n"
"Sessions and counters (read-only):\n"
"  sessions [--json] [IQN [TPGT]]  who is logged in: initiator, ISID, TSIH,\n"
"                                connections, CmdSN window, LUNs\n"
"  stats [--json] [IQN [TPGT]]   per-LUN and per-session counters\n"
"\n"
"Options: --root DIR   -h, --help   --version\n"
"Exit status: 0 done, 1 the operation failed, 2 bad usage.\n";

static int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("ktgtctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'ktgtctl --help'.\n", stderr);
	return EXIT_USAGE;
}

static int want_args(int argc, int min, int max, const char *verb)
{
	if (argc < min || argc > max)
		return usage_err("%s: %s arguments", verb,
				 argc < min ? "missing" : "too many");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Deleting, children first                                            */

/* Remove every symlink in @dir, then @dir. */
static int rm_links_and_dir(const char *what, const char *dir)
{
	char **v = list_dir(dir);
	int ret = 0;

	for (char **e = v; e && *e; e++) {
		char *p;
		struct stat st;

		if (asprintf(&p, "%s/%s", dir, *e) < 0)
			abort();
		if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode) && do_unlink(what, p))
			ret = -1;
		free(p);
	}
	free_list(v);
	return ret ? ret : do_rmdir(what, dir);
}

/* Remove the subdirectories of @dir whose names start with @prefix. */
static int rm_children(const char *what, const char *dir, const char *prefix,
		       int (*rm)(const char *what, const char *p))
{
	char **v = list_dir(dir);
	int ret = 0;

	for (char **e = v; e && *e; e++) {
		char *p;

		if (strncmp(*e, prefix, strlen(prefix)))
			continue;
		if (asprintf(&p, "%s/%s", dir, *e) < 0)
			abort();
		if (is_dir(p) && rm(what, p))
			ret = -1;
		free(p);
	}
	free_list(v);
	return ret;
}

static int rm_acl(const char *what, const char *acl)
{
	if (rm_children(what, acl, "lun_", rm_links_and_dir))
		return -1;
	return do_rmdir(what, acl);
}

static int rm_tpg(const char *what, const char *tpg)
{
	char *p;
	int ret = 0;

	/* stop serving first: sessions end before their objects go */
	if (asprintf(&p, "%s/enable", tpg) < 0)
		abort();
	if (access(p, F_OK) == 0)
		write_attr(what, tpg, "enable", "0");
	free(p);

	if (asprintf(&p, "%s/acls", tpg) < 0)
		abort();
	ret |= rm_children(what, p, "", rm_acl);
	free(p);
	if (asprintf(&p, "%s/lun", tpg) < 0)
		abort();
	ret |= rm_children(what, p, "lun_", rm_links_and_dir);
	free(p);
	if (asprintf(&p, "%s/np", tpg) < 0)
		abort();
	ret |= rm_children(what, p, "", do_rmdir);
	free(p);
	return ret ? ret : do_rmdir(what, tpg);
}

static int rm_target(const char *what, const char *tgt)
{
	if (rm_children(what, tgt, "tpgt_", rm_tpg))
		return -1;
	return do_rmdir(what, tgt);
}

/* ------------------------------------------------------------------ */
/* Verbs                                                               */

/* A backstore: its ALUA groups (not the fixed default one), then itself. */
static int rm_backstore(const char *what, const char *bs)
{
	char *alua, **v;
	int ret = 0;

	if (asprintf(&alua, "%s/alua", bs) < 0)
		abort();
	v = list_dir(alua);
	for (char **e = v; e && *e; e++) {
		char *p;

		if (!strcmp(*e, "default_tg_pt_gp"))
			continue;
		if (asprintf(&p, "%s/%s", alua, *e) < 0)
			abort();
		if (is_dir(p) && do_rmdir(what, p))
			ret = -1;
		free(p);
	}
	free_list(v);
	free(alua);
	return ret ? ret : do_rmdir(what, bs);
}

static int cmd_backstore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "block-size", required_argument, NULL, 'b' },
		{ "serial", required_argument, NULL, 's' },
		{ "readonly", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *bsz = NULL, *serial = NULL, *size = NULL, *path = NULL;
	bool ro = false;
	char what[512], sizebuf[32];
	char *dir;
	int c, type, ret;
	unsigned long ul;
	uint64_t bytes;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': bsz = optarg; break;
		case 's': serial = optarg; break;
		case 'r': ro = true; break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		default: return usage_err("backstore: bad option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return usage_err("backstore: missing verb (create, delete, set)");

	if (argc < 3)
		return usage_err("backstore %s: missing TYPE or NAME", argv[0]);
	type = ktgtctl_bs_type(argv[1]);
	if (type < 0)
		return usage_err("backstore: unknown type '%s' (ram, null, block, file)", argv[1]);
	if (ktgtctl_check_name(argv[2]))
		return usage_err("backstore: bad name '%s'", argv[2]);
	snprintf(what, sizeof(what), "backstore %s/%s", argv[1], argv[2]);

	if (!strcmp(argv[0], "delete")) {
		if ((ret = want_args(argc, 3, 3, "backstore delete")))
			return ret;
		if (need_root())
			return EXIT_FAIL;
		dir = path_of("backstores/%s/%s", argv[1], argv[2]);
		if (need_dir(dir, what, NULL)) {
			free(dir);
			return EXIT_FAIL;
		}
		ret = rm_backstore(what, dir);
		free(dir);
		return ret ? EXIT_FAIL : EXIT_OK;
	}
	if (!strcmp(argv[0], "set")) {
		if ((ret = want_args(argc, 5, 5, "backstore set")))
			return ret;
		if (need_root())
			return EXIT_FAIL;
		dir = path_of("backstores/%s/%s", argv[1], argv[2]);
		ret = need_dir(dir, what, NULL) ? -1 : write_attr(what, dir, argv[3], argv[4]);
		free(dir);
		return ret ? EXIT_FAIL : EXIT_OK;
	}
	if (strcmp(argv[0], "create"))
		return usage_err("backstore: unknown verb '%s' (create, delete, set)", argv[0]);

	switch (type) {
	case 0: /* ram */
	case 1: /* null */
		if ((ret = want_args(argc, 4, 4, "backstore create")))
			return ret;
		size = argv[3];
		break;
	case 2: /* block */
		if ((ret = want_args(argc, 4, 4, "backstore create block")))
			return ret;
		path = argv[3];
		break;
	default: /* file */
		if ((ret = want_args(argc, 4, 5, "backstore create file")))
			return ret;
		path = argv[3];
		size = argc > 4 ? argv[4] : NULL;
	}
	if (size) {
		if (ktgtctl_parse_size(size, &bytes) || !bytes)
			return usage_err("%s: bad size '%s' (bytes, or a number with K, M, G or T)",
					 what, size);
		snprintf(sizebuf, sizeof(sizebuf), "%llu", (unsigned long long)bytes);
		size = sizebuf;
	}
	if (path && path[0] != '/')
		return usage_err("%s: the path must be absolute: '%s'", what, path);
	if (bsz && (ktgtctl_parse_uint(bsz, 512, 4096, &ul) || (ul != 512 && ul != 4096)))
		return usage_err("%s: block size must be 512 or 4096, not '%s'", what, bsz);

	if (need_root())
		return EXIT_FAIL;
	dir = path_of("backstores/%s/%s", argv[1], argv[2]);
	if (do_mkdir(what, dir)) {
		free(dir);
		return EXIT_FAIL;
	}
	ret = 0;
	if (bsz)
		ret = write_attr(what, dir, "block_size", bsz);
	if (!ret && path)
		ret = write_attr(what, dir, type == 2 ? "dev" : "path", path);
	if (!ret && size)
		ret = write_attr(what, dir, "size_bytes", size);
	if (!ret && serial)
		ret = write_attr(what, dir, "unit_serial", serial);
	if (!ret && ro)
		ret = write_attr(what, dir, "readonly", "1");
	if (!ret)
		ret = write_attr(what, dir, "enable", "1");
	if (ret && rmdir(dir))
		fail("%s: could not undo the creation of %s: %s", what, dir, strerror(errno));
	free(dir);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int cmd_target(int argc, char **argv)
{
	char what[512];
	char *dir;
	int ret;

	if ((ret = want_args(argc, 2, 2, "target")))
		return ret;
	if (ktgtctl_check_name(argv[1]))
		return usage_err("target: bad name '%s'", argv[1]);
	snprintf(what, sizeof(what), "target %s", argv[1]);
	if (need_root())
		return EXIT_FAIL;
	dir = path_of("targets/%s", argv[1]);
	if (!strcmp(argv[0], "create"))
		ret = do_mkdir(what, dir);
	else if (!strcmp(argv[0], "delete"))
		ret = need_dir(dir, what, NULL) ? -1 : rm_target(what, dir);
	else
		ret = usage_err("target: unknown verb '%s' (create, delete)", argv[0]);
	free(dir);
	return ret == EXIT_USAGE ? ret : ret ? EXIT_FAIL : EXIT_OK;
}

/* Checks IQN and TPGT and returns the TPG's path (must exist unless @create). */
static int tpg_path(const char *iqn, const char *tpgt, bool must_exist,
		    char *what, size_t wlen, char **out)
{
	unsigned long t;

	if (ktgtctl_check_name(iqn))
		return usage_err("bad target name '%s'", iqn);
	if (ktgtctl_parse_uint(tpgt, 1, 65535, &t))
		return usage_err("bad TPGT '%s' (1-65535)", tpgt);
	snprintf(what, wlen, "tpg %s/%lu", iqn, t);
	if (need_root())
		return EXIT_FAIL;
	*out = path_of("targets/%s/tpgt_%lu", iqn, t);
	if (must_exist && !is_dir(*out)) {
		char how[600];

		snprintf(how, sizeof(how), "create it with: ktgtctl tpg create %s %lu", iqn, t);
		need_dir(*out, what, how);
		free(*out);
		return EXIT_FAIL;
	}
	return 0;
}

static int cmd_tpg(int argc, char **argv)
{
	char what[600];
	char *dir, *tdir;
	int ret;

	if (argc < 1)
		return usage_err("tpg: missing verb");
	if (!strcmp(argv[0], "create") || !strcmp(argv[0], "delete") ||
	    !strcmp(argv[0], "enable") || !strcmp(argv[0], "disable")) {
		if ((ret = want_args(argc, 3, 3, "tpg")))
			return ret;
	} else if (!strcmp(argv[0], "set")) {
		if ((ret = want_args(argc, 6, 6, "tpg set")))
			return ret;
		if (strcmp(argv[3], "attrib") && strcmp(argv[3], "param") &&
		    strcmp(argv[3], "auth"))
			return usage_err("tpg set: group must be attrib, param or auth, not '%s'",
					 argv[3]);
		if (ktgtctl_check_name(argv[4]))
			return usage_err("tpg set: bad key '%s'", argv[4]);
	} else {
		return usage_err("tpg: unknown verb '%s' (create, delete, enable, disable, set)",
				 argv[0]);
	}

	ret = tpg_path(argv[1], argv[2], strcmp(argv[0], "create"), what,
		       sizeof(what), &dir);
	if (ret)
		return ret;
	if (!strcmp(argv[0], "create")) {
		tdir = path_of("targets/%s", argv[1]);
		/* the target is implied: create it when missing */
		ret = !is_dir(tdir) && do_mkdir(what, tdir);
		if (!ret && do_mkdir(what, dir)) {
			ret = -1;
		}
		free(tdir);
	} else if (!strcmp(argv[0], "delete")) {
		ret = rm_tpg(what, dir);
	} else if (!strcmp(argv[0], "enable")) {
		ret = write_attr(what, dir, "enable", "1");
	} else if (!strcmp(argv[0], "disable")) {
		ret = write_attr(what, dir, "enable", "0");
	} else {
		char *g;

		if (asprintf(&g, "%s/%s", dir, argv[3]) < 0)
			abort();
		ret = write_attr(what, g, argv[4], argv[5]);
		free(g);
	}
	free(dir);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int cmd_lun(int argc, char **argv)
{
	char what[700], lwhat[600];
	char *tpg, *dir, *target, *link, *bsname;
	unsigned long lun;
	int ret;

	if (argc < 1)
		return usage_err("lun: missing verb");
	if (!strcmp(argv[0], "create")) {
		if ((ret = want_args(argc, 5, 5, "lun create")))
			return ret;
	} else if (!strcmp(argv[0], "delete")) {
		if ((ret = want_args(argc, 4, 4, "lun delete")))
			return ret;
	} else if (!strcmp(argv[0], "set")) {
		if ((ret = want_args(argc, 6, 6, "lun set")))
			return ret;
	} else {
		return usage_err("lun: unknown verb '%s' (create, delete, set)", argv[0]);
	}
	if (ktgtctl_parse_uint(argv[3], 0, 65535, &lun))
		return usage_err("lun: bad LUN '%s'", argv[3]);
	if (!strcmp(argv[0], "create")) {
		char *slash = strchr(argv[4], '/');

		if (!slash || ktgtctl_bs_type(strndupa(argv[4], slash - argv[4])) < 0 ||
		    ktgtctl_check_name(slash + 1))
			return usage_err("lun create: the backstore must be TYPE/NAME (e.g. ram/disk0), not '%s'",
					 argv[4]);
	}
	ret = tpg_path(argv[1], argv[2], true, lwhat, sizeof(lwhat), &tpg);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "lun %s/%s/%lu", argv[1], argv[2], lun);
	if (asprintf(&dir, "%s/lun/lun_%lu", tpg, lun) < 0)
		abort();

	if (!strcmp(argv[0], "delete")) {
		ret = need_dir(dir, what, NULL) ? -1 : rm_links_and_dir(what, dir);
		goto out;
	}
	if (!strcmp(argv[0], "set")) {
		ret = need_dir(dir, what, "create it first (ktgtctl lun create ...)") ? -1 :
			write_attr(what, dir, argv[4], argv[5]);
		goto out;
	}
	target = path_of("backstores/%s", argv[4]);
	if (!is_dir(target)) {
		char bwhat[300];

		snprintf(bwhat, sizeof(bwhat), "backstore %s", argv[4]);
		need_dir(target, bwhat, "create it first (ktgtctl backstore create ...)");
		free(target);
		ret = -1;
		goto out;
	}
	bsname = strdup(argv[4]);
	*strchr(bsname, '/') = '_';
	if (asprintf(&link, "%s/%s", dir, bsname) < 0)
		abort();
	ret = do_mkdir(what, dir);
	if (!ret) {
		ret = do_symlink(what, target, link);
		if (ret)
			rmdir(dir);
	}
	free(link);
	free(bsname);
	free(target);
out:
	free(dir);
	free(tpg);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int cmd_portal(int argc, char **argv)
{
	char what[700], twhat[600];
	char *tpg, *dir;
	int ret;

	if ((ret = want_args(argc, 4, 4, "portal")))
		return ret;
	if (strcmp(argv[0], "create") && strcmp(argv[0], "delete"))
		return usage_err("portal: unknown verb '%s' (create, delete)", argv[0]);
	if (ktgtctl_check_portal(argv[3]))
		return usage_err("portal: bad address '%s' (IPv4:PORT or [IPv6]:PORT)", argv[3]);
	ret = tpg_path(argv[1], argv[2], true, twhat, sizeof(twhat), &tpg);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "portal %s on %s", argv[3], twhat);
	if (asprintf(&dir, "%s/np/%s", tpg, argv[3]) < 0)
		abort();
	if (!strcmp(argv[0], "create"))
		ret = do_mkdir(what, dir);
	else
		ret = need_dir(dir, what, NULL) ? -1 : do_rmdir(what, dir);
	free(dir);
	free(tpg);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int cmd_acl(int argc, char **argv)
{
	char what[900], twhat[600];
	char *tpg = NULL, *acl = NULL, *p = NULL, *q = NULL;
	unsigned long m, l;
	int ret, min, max;
	const char *verb = argc ? argv[0] : "";

	if (!strcmp(verb, "create") || !strcmp(verb, "delete"))
		min = max = 4;
	else if (!strcmp(verb, "map-lun"))
		min = max = 6;
	else if (!strcmp(verb, "unmap-lun"))
		min = max = 5;
	else if (!strcmp(verb, "set"))
		min = max = 7;
	else
		return usage_err("acl: unknown verb '%s' (create, delete, map-lun, unmap-lun, set)",
				 verb);
	if ((ret = want_args(argc, min, max, "acl")))
		return ret;
	if (ktgtctl_check_name(argv[3]))
		return usage_err("acl: bad initiator name '%s'", argv[3]);
	if (argc > 4 && strcmp(verb, "set") &&
	    ktgtctl_parse_uint(argv[4], 0, 65535, &m))
		return usage_err("acl: bad mapped LUN '%s'", argv[4]);
	if (argc > 5 && strcmp(verb, "set") &&
	    ktgtctl_parse_uint(argv[5], 0, 65535, &l))
		return usage_err("acl: bad LUN '%s'", argv[5]);
	if (!strcmp(verb, "set") && (strcmp(argv[4], "auth") || ktgtctl_check_name(argv[5])))
		return usage_err("acl set: only 'auth KEY VALUE' can be set");

	ret = tpg_path(argv[1], argv[2], true, twhat, sizeof(twhat), &tpg);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "acl %s on %s", argv[3], twhat);
	if (asprintf(&acl, "%s/acls/%s", tpg, argv[3]) < 0)
		abort();

	if (!strcmp(verb, "create")) {
		ret = do_mkdir(what, acl);
		goto out;
	}
	if (need_dir(acl, what, NULL)) {
		ret = -1;
		goto out;
	}
	if (!strcmp(verb, "delete")) {
		ret = rm_acl(what, acl);
	} else if (!strcmp(verb, "set")) {
		if (asprintf(&p, "%s/auth", acl) < 0)
			abort();
		ret = write_attr(what, p, argv[5], argv[6]);
	} else if (!strcmp(verb, "unmap-lun")) {
		if (asprintf(&p, "%s/lun_%lu", acl, m) < 0)
			abort();
		ret = need_dir(p, what, NULL) ? -1 : rm_links_and_dir(what, p);
	} else { /* map-lun */
		char *link;

		if (asprintf(&q, "%s/lun/lun_%lu", tpg, l) < 0)
			abort();
		snprintf(what, sizeof(what), "lun %s/%s/%lu", argv[1], argv[2], l);
		if (need_dir(q, what, "create it first (ktgtctl lun create ...)")) {
			ret = -1;
			goto out;
		}
		if (asprintf(&p, "%s/lun_%lu", acl, m) < 0 ||
		    asprintf(&link, "%s/lun_%lu", p, l) < 0)
			abort();
		ret = do_mkdir(what, p);
		if (!ret) {
			ret = do_symlink(what, q, link);
			if (ret)
				rmdir(p);
		}
		free(link);
	}
out:
	free(p);
	free(q);
	free(acl);
	free(tpg);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int cmd_discovery_auth(int argc, char **argv)
{
	char *dir;
	int ret;

	if ((ret = want_args(argc, 3, 3, "discovery-auth")))
		return ret;
	if (strcmp(argv[0], "set"))
		return usage_err("discovery-auth: unknown verb '%s' (set)", argv[0]);
	if (ktgtctl_check_name(argv[1]))
		return usage_err("discovery-auth: bad key '%s'", argv[1]);
	if (need_root())
		return EXIT_FAIL;
	dir = path_of("discovery_auth");
	ret = write_attr("discovery-auth", dir, argv[1], argv[2]);
	free(dir);
	return ret ? EXIT_FAIL : EXIT_OK;
}

/* Every TPG first stops serving, then each target goes children first,
 * then the backstores, and discovery_auth returns to its defaults. */
static int cmd_clear(int argc, char **argv)
{
	char *dir;
	char **tv;
	int ret;

	(void)argv;
	if ((ret = want_args(argc, 0, 0, "clear")))
		return ret;
	if (need_root())
		return EXIT_FAIL;
	dir = path_of("targets");
	tv = list_dir(dir);
	for (char **t = tv; t && *t; t++) {
		char *tdir, **gv;

		if (asprintf(&tdir, "%s/%s", dir, *t) < 0)
			abort();
		gv = list_dir(tdir);
		for (char **g = gv; g && *g; g++) {
			char *gdir, *v;

			if (strncmp(*g, "tpgt_", 5) || asprintf(&gdir, "%s/%s", tdir, *g) < 0)
				continue;
			v = attr_at(gdir, "enable");
			if (v && strcmp(v, "0") && write_attr("clear", gdir, "enable", "0"))
				ret = -1;
			free(v);
			free(gdir);
		}
		free_list(gv);
		free(tdir);
	}
	free_list(tv);
	ret |= rm_children("clear", dir, "", rm_target);
	free(dir);
	for (int i = 0; ktgtctl_bs_types[i]; i++) {
		dir = path_of("backstores/%s", ktgtctl_bs_types[i]);
		ret |= rm_children("clear", dir, "", rm_backstore);
		free(dir);
	}
	dir = path_of("discovery_auth");
	for (int i = 0; is_dir(dir) && ktgtctl_discovery_keys[i]; i++) {
		const char *k = ktgtctl_discovery_keys[i];
		const char *want = strcmp(k, "enforce") ? "" : "0";
		char *v = attr_at(dir, k);

		if (v && strcmp(v, want) &&
		    write_attr("clear: discovery_auth", dir, k, *want ? want : "\n"))
			ret = -1;
		free(v);
	}
	free(dir);
	return ret ? EXIT_FAIL : EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* ALUA target port groups: backstores/<type>/<name>/alua/<group>      */

static int cmd_alua(int argc, char **argv)
{
	const char *slash;
	char what[600];
	char *bs, *dir;
	unsigned long id;
	int ret;

	if (argc < 1)
		return usage_err("alua: missing verb (create, delete, set)");
	if (!strcmp(argv[0], "create")) {
		if ((ret = want_args(argc, 3, 4, "alua create")))
			return ret;
		if (argc == 4 && ktgtctl_parse_uint(argv[3], 1, 65535, &id))
			return usage_err("alua create: bad id '%s' (1-65535)", argv[3]);
	} else if (!strcmp(argv[0], "delete")) {
		if ((ret = want_args(argc, 3, 3, "alua delete")))
			return ret;
	} else if (!strcmp(argv[0], "set")) {
		if ((ret = want_args(argc, 5, 5, "alua set")))
			return ret;
	} else {
		return usage_err("alua: unknown verb '%s' (create, delete, set)", argv[0]);
	}
	slash = strchr(argv[1], '/');
	if (!slash || ktgtctl_bs_type(strndupa(argv[1], slash - argv[1])) < 0 ||
	    ktgtctl_check_name(slash + 1))
		return usage_err("alua: the backstore must be TYPE/NAME (e.g. ram/disk0), not '%s'",
				 argv[1]);
	if (ktgtctl_check_name(argv[2]))
		return usage_err("alua: bad group name '%s'", argv[2]);
	if (need_root())
		return EXIT_FAIL;

	snprintf(what, sizeof(what), "backstore %s", argv[1]);
	bs = path_of("backstores/%s", argv[1]);
	if (need_dir(bs, what, "create it first (ktgtctl backstore create ...)")) {
		free(bs);
		return EXIT_FAIL;
	}
	snprintf(what, sizeof(what), "alua group %s/%s", argv[1], argv[2]);
	if (asprintf(&dir, "%s/alua/%s", bs, argv[2]) < 0)
		abort();
	if (!strcmp(argv[0], "create")) {
		ret = do_mkdir(what, dir);
		if (!ret && argc == 4) {
			ret = write_attr(what, dir, "tg_pt_gp_id", argv[3]);
			if (ret && rmdir(dir))
				fail("%s: could not undo the creation of %s: %s", what, dir,
				     strerror(errno));
		}
	} else if (!strcmp(argv[0], "delete")) {
		ret = need_dir(dir, what, NULL) ? -1 : do_rmdir(what, dir);
	} else {
		ret = need_dir(dir, what, "create it first (ktgtctl alua create ...)") ? -1 :
			write_attr(what, dir, argv[3], argv[4]);
	}
	free(dir);
	free(bs);
	return ret ? EXIT_FAIL : EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* show                                                                */

static bool is_secret(const char *name)
{
	return strstr(name, "password") != NULL;
}

/* Attribute value as shown: secrets hidden unless --secrets. */
static char *shown_value(const char *name, const char *path)
{
	char *v = read_attr(path);

	if (!v)
		return strdup("(unreadable)");
	if (is_secret(name) && !show_secrets && *v) {
		free(v);
		return strdup("(set)");
	}
	return v;
}

/* A symlink's target, relative to the root when it lies inside it. */
static char *link_target(const char *p)
{
	char buf[PATH_MAX], rroot[PATH_MAX];
	ssize_t n;
	size_t rl;

	if (realpath(p, buf) && realpath(root, rroot)) {
		rl = strlen(rroot);
		if (!strncmp(buf, rroot, rl) && buf[rl] == '/')
			return strdup(buf + rl + 1);
		return strdup(buf);
	}
	/* dangling: show it as it is */
	n = readlink(p, buf, sizeof(buf) - 1);
	if (n < 0)
		return strdup("?");
	buf[n] = 0;
	return strdup(buf);
}

/* Run-time state, not configuration: ktgtctl sessions / stats show it. */
static bool is_runtime(const char *name)
{
	return !strcmp(name, "statistics") || !strcmp(name, "sessions");
}

static void show_dir(const char *dir, const char *name, int depth)
{
	char **v = list_dir(dir);
	int col;

	printf("%*s%s\n", depth * 2, "", name);
	/* attributes first, wrapped, then links, then subdirectories */
	col = 0;
	for (char **e = v; e && *e; e++) {
		char *p, *val;
		struct stat st;
		int w;

		if (asprintf(&p, "%s/%s", dir, *e) < 0)
			abort();
		if (is_runtime(*e) || lstat(p, &st) || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		val = shown_value(*e, p);
		for (char *c = val; *c; c++)	/* a list, one a line: members */
			if (*c == '\n')
				*c = ',';
		w = (int)(strlen(*e) + strlen(val) + 2);
		if (col && col + w > 78) {
			putchar('\n');
			col = 0;
		}
		if (!col)
			col = printf("%*s", depth * 2 + 2, "");
		col += printf("%s=%s ", *e, val);
		free(val);
		free(p);
	}
	if (col)
		putchar('\n');
	for (char **e = v; e && *e; e++) {
		char *p, *t;
		struct stat st;

		if (asprintf(&p, "%s/%s", dir, *e) < 0)
			abort();
		if (!lstat(p, &st) && S_ISLNK(st.st_mode)) {
			t = link_target(p);
			printf("%*s%s -> %s\n", depth * 2 + 2, "", *e, t);
			free(t);
		}
		free(p);
	}
	for (char **e = v; e && *e; e++) {
		char *p;
		struct stat st;

		if (asprintf(&p, "%s/%s", dir, *e) < 0)
			abort();
		if (!is_runtime(*e) && !lstat(p, &st) && S_ISDIR(st.st_mode))
			show_dir(p, *e, depth + 1);
		free(p);
	}
	free_list(v);
}

static json_object *json_dir(const char *dir)
{
	json_object *o = json_object_new_object();
	char **v = list_dir(dir);

	for (char **e = v; e && *e; e++) {
		char *p;
		struct stat st;

		if (asprintf(&p, "%s/%s", dir, *e) < 0)
			abort();
		if (is_runtime(*e) || lstat(p, &st)) {
			free(p);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			json_object_object_add(o, *e, json_dir(p));
		} else if (S_ISLNK(st.st_mode)) {
			json_object *l = json_object_new_object();
			char *t = link_target(p);

			json_object_object_add(l, "link", json_object_new_string(t));
			json_object_object_add(o, *e, l);
			free(t);
		} else if (S_ISREG(st.st_mode)) {
			char *val = shown_value(*e, p);

			json_object_object_add(o, *e, json_object_new_string(val));
			free(val);
		}
		free(p);
	}
	free_list(v);
	return o;
}

static int cmd_show(int argc, char **argv)
{
	bool json = false;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--secrets"))
			show_secrets = true;
		else
			return usage_err("show: unknown argument '%s'", argv[i]);
	}
	if (need_root())
		return EXIT_FAIL;
	if (json) {
		json_object *o = json_dir(root);

		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		show_dir(root, root, 0);
	}
	return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* save / restore                                                      */

static bool is_digits(const char *v)
{
	if (!v || !*v)
		return false;
	for (; *v; v++)
		if (!isdigit((unsigned char)*v))
			return false;
	return true;
}

static void save_num(json_object *o, const char *key, const char *dir)
{
	char *v = attr_at(dir, key);

	if (is_digits(v))
		json_object_object_add(o, key, json_object_new_int64(strtoll(v, NULL, 10)));
	else if (v)
		fail("warning: %s/%s: \"%s\" is not a number; not saved", dir, key, v);
	free(v);
}

static void save_bool(json_object *o, const char *key, const char *dir,
		      const char *attr)
{
	char *v = attr_at(dir, attr);

	if (v && (!strcmp(v, "0") || !strcmp(v, "1")))
		json_object_object_add(o, key, json_object_new_boolean(*v == '1'));
	else if (v)
		fail("warning: %s/%s: \"%s\" is not 0 or 1; not saved", dir, attr, v);
	free(v);
}

static void save_str(json_object *o, const char *key, const char *dir)
{
	char *v = attr_at(dir, key);

	if (v)
		json_object_object_add(o, key, json_object_new_string(v));
	free(v);
}

/*
 * Persistent reservations outlive a power loss only with APTPL (SPC-4
 * 5.13.5): then, and only then, the backstore's pr_state is saved.
 */
static void save_pr_state(json_object *o, const char *dir)
{
	char *p, *v;

	if (asprintf(&p, "%s/pr_state", dir) < 0)
		abort();
	v = read_attr(p);
	if (!v && errno != ENOENT)
		fail("warning: %s: %s; persistent reservations not saved", p,
		     strerror(errno));
	else if (v && !strncmp(v, "aptpl 1\n", 8))
		json_object_object_add(o, "pr_state", json_object_new_string(v));
	free(v);
	free(p);
}

/* Every regular file of @dir as "name": "value" (secrets included). */
static json_object *save_map(const char *dir)
{
	json_object *o = json_object_new_object();
	char **v = list_dir(dir);

	for (char **e = v; e && *e; e++) {
		char *p, *val;
		struct stat st;

		if (asprintf(&p, "%s/%s", dir, *e) < 0)
			abort();
		if (!lstat(p, &st) && S_ISREG(st.st_mode) && (val = read_attr(p))) {
			json_object_object_add(o, *e, json_object_new_string(val));
			free(val);
		}
		free(p);
	}
	free_list(v);
	return o;
}

/* A backstore's ALUA groups (when it has alua/): "alua": [ { "name": ... } ] */
static void save_alua(json_object *b, const char *bsdir)
{
	json_object *a;
	char *d;
	char **v;

	if (asprintf(&d, "%s/alua", bsdir) < 0)
		abort();
	if (!is_dir(d)) {
		free(d);
		return;
	}
	a = json_object_new_array();
	v = list_dir(d);
	for (char **e = v; e && *e; e++) {
		json_object *g;
		char *p;

		if (asprintf(&p, "%s/%s", d, *e) < 0)
			abort();
		if (!is_dir(p)) {
			free(p);
			continue;
		}
		g = json_object_new_object();
		json_object_object_add(g, "name", json_object_new_string(*e));
		for (int i = 0; ktgtctl_alua_keys[i]; i++)
			if (strcmp(*e, "default_tg_pt_gp") ||
			    strcmp(ktgtctl_alua_keys[i], "tg_pt_gp_id"))	/* fixed */
				save_str(g, ktgtctl_alua_keys[i], p);
		json_object_array_add(a, g);
		free(p);
	}
	free_list(v);
	free(d);
	json_object_object_add(b, "alua", a);
}

/* The target of the one symlink in @dir (relative to the root), or NULL. */
static char *dir_link(const char *dir, char **name)
{
	char **v = list_dir(dir);
	char *t = NULL;

	for (char **e = v; e && *e && !t; e++) {
		char *p;
		struct stat st;

		if (asprintf(&p, "%s/%s", dir, *e) < 0)
			abort();
		if (!lstat(p, &st) && S_ISLNK(st.st_mode)) {
			t = link_target(p);
			if (name)
				*name = strdup(*e);
		}
		free(p);
	}
	free_list(v);
	return t;
}

/* "lun_<N>" -> N, or -1 */
static long prefixed_num(const char *s, const char *prefix, unsigned long max)
{
	unsigned long v;

	if (strncmp(s, prefix, strlen(prefix)) ||
	    ktgtctl_parse_uint(s + strlen(prefix), 0, max, &v))
		return -1;
	return (long)v;
}

static json_object *save_tpg(const char *tpg, long tpgt)
{
	json_object *o = json_object_new_object();
	json_object *luns = json_object_new_array();
	json_object *portals = json_object_new_array();
	json_object *acls = json_object_new_array();
	char *d;
	char **v;

	json_object_object_add(o, "tpgt", json_object_new_int64(tpgt));
	save_bool(o, "enable", tpg, "enable");
	static const char *const groups[] = { "attrib", "param", "auth", NULL };
	for (int i = 0; groups[i]; i++) {
		if (asprintf(&d, "%s/%s", tpg, groups[i]) < 0)
			abort();
		json_object_object_add(o, groups[i], save_map(d));
		free(d);
	}

	if (asprintf(&d, "%s/lun", tpg) < 0)
		abort();
	v = list_dir(d);
	for (char **e = v; e && *e; e++) {
		long n = prefixed_num(*e, "lun_", 65535);
		char *p, *q, *t, *lname = NULL;
		json_object *l;

		if (n < 0)
			continue;
		if (asprintf(&p, "%s/%s", d, *e) < 0)
			abort();
		l = json_object_new_object();
		json_object_object_add(l, "lun", json_object_new_int64(n));
		t = dir_link(p, &lname);
		if (t && !strncmp(t, "backstores/", 11)) {
			json_object_object_add(l, "backstore", json_object_new_string(t + 11));
			json_object_object_add(l, "link", json_object_new_string(lname));
			q = attr_at(p, "alua_tg_pt_gp");
			if (q && *q)
				json_object_object_add(l, "alua_tg_pt_gp", json_object_new_string(q));
			free(q);
		} else if (t) {
			fail("warning: %s links outside the backstores (%s); not saved", p, t);
		}
		json_object_array_add(luns, l);
		free(t);
		free(lname);
		free(p);
	}
	free_list(v);
	free(d);
	json_object_object_add(o, "luns", luns);

	if (asprintf(&d, "%s/acls", tpg) < 0)
		abort();
	v = list_dir(d);
	for (char **e = v; e && *e; e++) {
		char *p, *q;
		char **m;
		json_object *a, *maps;

		if (asprintf(&p, "%s/%s", d, *e) < 0)
			abort();
		if (!is_dir(p)) {
			free(p);
			continue;
		}
		a = json_object_new_object();
		maps = json_object_new_array();
		json_object_object_add(a, "name", json_object_new_string(*e));
		if (asprintf(&q, "%s/auth", p) < 0)
			abort();
		json_object_object_add(a, "auth", save_map(q));
		free(q);
		m = list_dir(p);
		for (char **f = m; f && *f; f++) {
			long mn = prefixed_num(*f, "lun_", 65535), ln = -1;
			char *t, *slash;
			json_object *ml;

			if (mn < 0)
				continue;
			if (asprintf(&q, "%s/%s", p, *f) < 0)
				abort();
			t = dir_link(q, NULL);
			slash = t ? strrchr(t, '/') : NULL;
			if (slash)
				ln = prefixed_num(slash + 1, "lun_", 65535);
			if (ln < 0) {
				fail("warning: %s maps no LUN; not saved", q);
			} else {
				ml = json_object_new_object();
				json_object_object_add(ml, "mapped_lun", json_object_new_int64(mn));
				json_object_object_add(ml, "lun", json_object_new_int64(ln));
				json_object_array_add(maps, ml);
			}
			free(t);
			free(q);
		}
		free_list(m);
		json_object_object_add(a, "mapped_luns", maps);
		json_object_array_add(acls, a);
		free(p);
	}
	free_list(v);
	free(d);
	json_object_object_add(o, "acls", acls);

	if (asprintf(&d, "%s/np", tpg) < 0)
		abort();
	v = list_dir(d);
	for (char **e = v; e && *e; e++)
		json_object_array_add(portals, json_object_new_string(*e));
	free_list(v);
	free(d);
	json_object_object_add(o, "portals", portals);
	return o;
}

static json_object *save_config(void)
{
	json_object *top = json_object_new_object();
	json_object *bss = json_object_new_array();
	json_object *tgts = json_object_new_array();
	char *d;
	char **v;

	json_object_object_add(top, "version", json_object_new_int(1));
	for (int i = 0; ktgtctl_bs_types[i]; i++) {
		d = path_of("backstores/%s", ktgtctl_bs_types[i]);
		v = list_dir(d);
		for (char **e = v; e && *e; e++) {
			char *p;
			json_object *b;

			if (asprintf(&p, "%s/%s", d, *e) < 0)
				abort();
			if (!is_dir(p)) {
				free(p);
				continue;
			}
			b = json_object_new_object();
			json_object_object_add(b, "type", json_object_new_string(ktgtctl_bs_types[i]));
			json_object_object_add(b, "name", json_object_new_string(*e));
			save_num(b, "size_bytes", p);
			save_num(b, "block_size", p);
			save_str(b, "unit_serial", p);
			save_bool(b, "readonly", p, "readonly");
			save_bool(b, "removable", p, "removable");
			if (!strcmp(ktgtctl_bs_types[i], "block"))
				save_str(b, "dev", p);
			if (!strcmp(ktgtctl_bs_types[i], "file"))
				save_str(b, "path", p);
			save_bool(b, "enabled", p, "enable");
			save_pr_state(b, p);
			save_alua(b, p);
			json_object_array_add(bss, b);
			free(p);
		}
		free_list(v);
		free(d);
	}
	json_object_object_add(top, "backstores", bss);

	d = path_of("targets");
	v = list_dir(d);
	for (char **e = v; e && *e; e++) {
		char *p;
		char **w;
		json_object *t, *tpgs;

		if (asprintf(&p, "%s/%s", d, *e) < 0)
			abort();
		if (!is_dir(p)) {
			free(p);
			continue;
		}
		t = json_object_new_object();
		tpgs = json_object_new_array();
		json_object_object_add(t, "name", json_object_new_string(*e));
		w = list_dir(p);
		for (char **f = w; f && *f; f++) {
			long n = prefixed_num(*f, "tpgt_", 65535);
			char *q;

			if (n < 1)
				continue;
			if (asprintf(&q, "%s/%s", p, *f) < 0)
				abort();
			if (is_dir(q))
				json_object_array_add(tpgs, save_tpg(q, n));
			free(q);
		}
		free_list(w);
		json_object_object_add(t, "tpgs", tpgs);
		json_object_array_add(tgts, t);
		free(p);
	}
	free_list(v);
	free(d);
	json_object_object_add(top, "targets", tgts);

	d = path_of("discovery_auth");
	if (is_dir(d))
		json_object_object_add(top, "discovery_auth", save_map(d));
	free(d);
	return top;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

static int cmd_save(int argc, char **argv)
{
	const char *file = KTGTCTL_SAVE_DEFAULT;
	json_object *o;
	const char *text;
	char *tmp = NULL, *dir, *slash;
	int ret, fd = -1, err = 0;

	if ((ret = want_args(argc, 0, 1, "save")))
		return ret;
	if (argc == 1)
		file = argv[0];
	if (!*file)
		return usage_err("save: empty FILE");
	if (file[0] == '-' && file[1])
		return usage_err("save: unknown option '%s'", file);
	if (need_root())
		return EXIT_FAIL;
	o = save_config();
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!strcmp(file, "-")) {
		ret = puts(text) < 0 || fflush(stdout) ? EXIT_FAIL : EXIT_OK;
		json_object_put(o);
		return ret;
	}
	/* the default directory is ours to make */
	dir = strdup(file);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (!strcmp(file, KTGTCTL_SAVE_DEFAULT) && !is_dir(dir) && mkdir(dir, 0755) &&
		    errno != EEXIST) {
			report("save", "create", dir, NULL, errno);
			err = 1;
		}
	} else {
		free(dir);
		dir = strdup(slash ? "/" : ".");
	}
	if (asprintf(&tmp, "%s.tmp", file) < 0)
		abort();
	if (!err) {
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 || fchmod(fd, 0600) || write_all(fd, text, strlen(text)) ||
		    write_all(fd, "\n", 1) || fsync(fd)) {
			report("save", "write", tmp, NULL, errno);
			err = 1;
		}
		if (fd >= 0 && close(fd) && !err) {
			report("save", "write", tmp, NULL, errno);
			err = 1;
		}
		if (!err && rename(tmp, file)) {
			report("save", "rename to", file, NULL, errno);
			err = 1;
		}
		if (err && fd >= 0)
			unlink(tmp);
		if (!err) {
			/* the rename itself must reach the disk */
			int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (dfd >= 0) {
				fsync(dfd);
				close(dfd);
			}
		}
	}
	free(tmp);
	free(dir);
	json_object_put(o);
	return err ? EXIT_FAIL : EXIT_OK;
}

/* restore: one walk of the file that first only checks (apply = false:
 * types, keys, names, references, conflicts) and then does it. */
struct rs {
	bool apply;
	bool merge;
	json_object *top;
};

static json_object *member(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static bool has_member(json_object *o, const char *key)
{
	return json_object_object_get_ex(o, key, NULL);
}

static int need_type(json_object *v, json_type t, const char *ctx, const char *key)
{
	if (v && json_object_is_type(v, t))
		return 0;
	fail("%s: \"%s\" must be %s", ctx, key,
	     t == json_type_object ? "an object" : t == json_type_array ? "an array" :
	     t == json_type_string ? "a string" : t == json_type_int ? "an integer" :
	     t == json_type_boolean ? "true or false" : "something else");
	return -1;
}

static int check_keys(json_object *o, const char *ctx, const char *const *allowed)
{
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (!ktgtctl_key_in(allowed, key)) {
			fail("%s: unknown key \"%s\"", ctx, key);
			return -1;
		}
	}
	return 0;
}

static int get_str(json_object *o, const char *key, const char *ctx, bool req,
		   const char **out)
{
	*out = NULL;
	if (!has_member(o, key)) {
		if (!req)
			return 0;
		fail("%s: \"%s\" is missing", ctx, key);
		return -1;
	}
	if (need_type(member(o, key), json_type_string, ctx, key))
		return -1;
	*out = json_object_get_string(member(o, key));
	return 0;
}

static int get_int(json_object *o, const char *key, const char *ctx, bool req,
		   int64_t min, int64_t max, int64_t *out, bool *present)
{
	*present = has_member(o, key);
	if (!*present) {
		if (!req)
			return 0;
		fail("%s: \"%s\" is missing", ctx, key);
		return -1;
	}
	if (need_type(member(o, key), json_type_int, ctx, key))
		return -1;
	*out = json_object_get_int64(member(o, key));
	if (*out < min || *out > max) {
		fail("%s: \"%s\" is %lld, outside %lld-%lld", ctx, key, (long long)*out,
		     (long long)min, (long long)max);
		return -1;
	}
	return 0;
}

static int get_bool(json_object *o, const char *key, const char *ctx, bool *out,
		    bool *present)
{
	*present = has_member(o, key);
	if (!*present)
		return 0;
	if (need_type(member(o, key), json_type_boolean, ctx, key))
		return -1;
	*out = json_object_get_boolean(member(o, key));
	return 0;
}

static int get_arr(json_object *o, const char *key, const char *ctx, json_object **out)
{
	*out = NULL;
	if (!has_member(o, key))
		return 0;
	if (need_type(member(o, key), json_type_array, ctx, key))
		return -1;
	*out = member(o, key);
	return 0;
}

/* Write @val unless the attribute already reads back as it. */
static int set_attr(struct rs *rs, const char *what, const char *dir,
		    const char *key, const char *val)
{
	char *cur;
	int ret;

	if (!rs->apply)
		return 0;
	cur = attr_at(dir, key);
	if (cur && !strcmp(cur, val)) {
		free(cur);
		return 0;
	}
	free(cur);
	/* configfs stores nothing for an empty write: an empty line clears */
	ret = write_attr(what, dir, key, *val ? val : "\n");
	return ret;
}

/*
 * pr_state is a configfs binary attribute: the kernel takes the text only
 * when the file is closed, and cannot fail the write then (it logs why it
 * refuses a state).  Read it back to know whether it took it.
 */
static int set_pr_state(struct rs *rs, const char *what, const char *dir,
			const char *val)
{
	size_t n = strlen(val);
	char *cur;
	int ret;

	if (!rs->apply)
		return 0;
	if (set_attr(rs, what, dir, "pr_state", val))
		return -1;
	while (n > 0 && (val[n - 1] == '\n' || val[n - 1] == '\r'))
		n--;
	cur = attr_at(dir, "pr_state");
	ret = cur && strlen(cur) == n && !memcmp(cur, val, n) ? 0 : -1;
	if (ret)
		fail("%s: pr_state not restored: %s/pr_state does not read back as written: "
		     "the kernel refused it (its log, dmesg, says why: malformed, or registrations exist) "
		     "or it is not in the exact form pr_state prints", what, dir);
	free(cur);
	return ret;
}

/* mkdir unless it exists (configfs makes the fixed groups itself). */
static int ensure_dir(struct rs *rs, const char *what, const char *p)
{
	if (!rs->apply || is_dir(p))
		return 0;
	return do_mkdir(what, p);
}

/* A { "key": "string" } group, keys from @allowed, written into @dir. */
static int rs_map(struct rs *rs, json_object *o, const char *key, const char *ctx,
		  const char *const *allowed, const char *what, const char *dir)
{
	json_object *m = member(o, key);
	char c[700];

	if (!has_member(o, key))
		return 0;
	snprintf(c, sizeof(c), "%s: %s", ctx, key);
	if (need_type(m, json_type_object, ctx, key) || check_keys(m, c, allowed))
		return -1;
	json_object_object_foreach(m, k, v) {
		if (need_type(v, json_type_string, c, k))
			return -1;
	}
	if (ensure_dir(rs, what, dir))
		return -1;
	json_object_object_foreach(m, k2, v2) {
		if (set_attr(rs, what, dir, k2, json_object_get_string(v2)))
			return -1;
	}
	return 0;
}

/*
 * "alua": the backstore's target port groups.  Support bits that are set
 * go before the state, cleared ones after it, so that neither write is
 * refused for the state the group is in.
 */
static int rs_alua(struct rs *rs, json_object *b, const char *what, const char *bsdir)
{
	json_object *a;
	char gwhat[700];

	if (get_arr(b, "alua", what, &a))
		return -1;
	if (a && rs->apply) {	/* configfs makes alua/ itself */
		char *d;
		int ret;

		if (asprintf(&d, "%s/alua", bsdir) < 0)
			abort();
		ret = ensure_dir(rs, what, d);
		free(d);
		if (ret)
			return -1;
	}
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *g = json_object_array_get_idx(a, i);
		const char *name, *val;
		bool is_default;
		char *gdir;
		int ret = 0;

		snprintf(gwhat, sizeof(gwhat), "%s alua[%zu]", what, i);
		if (need_type(g, json_type_object, what, "alua[]") ||
		    get_str(g, "name", gwhat, true, &name))
			return -1;
		json_object_object_foreach(g, k, v) {
			if (strcmp(k, "name") && !ktgtctl_key_in(ktgtctl_alua_keys, k)) {
				fail("%s: unknown key \"%s\"", gwhat, k);
				return -1;
			}
			if (need_type(v, json_type_string, gwhat, k))
				return -1;
		}
		if (ktgtctl_check_name(name)) {
			fail("%s: bad group name \"%s\"", gwhat, name);
			return -1;
		}
		if (!rs->apply)
			continue;
		is_default = !strcmp(name, "default_tg_pt_gp");
		snprintf(gwhat, sizeof(gwhat), "%s alua group %s", what, name);
		if (asprintf(&gdir, "%s/alua/%s", bsdir, name) < 0)
			abort();
		ret = ensure_dir(rs, gwhat, gdir);
		for (int pass = 0; pass < 3 && !ret; pass++) {
			for (int k = 0; ktgtctl_alua_keys[k] && !ret; k++) {
				const char *key = ktgtctl_alua_keys[k];
				bool sup = !strncmp(key, "alua_support_", 13);

				if (get_str(g, key, gwhat, false, &val) || !val)
					continue;
				if (is_default && !strcmp(key, "tg_pt_gp_id"))
					continue;
				/* pass 0: all but the state and cleared support
				 * bits; 1: the state; 2: cleared support bits */
				if ((pass == 0 && (!strcmp(key, "alua_access_state") ||
						   (sup && !strcmp(val, "0")))) ||
				    (pass == 1 && strcmp(key, "alua_access_state")) ||
				    (pass == 2 && !(sup && !strcmp(val, "0"))))
					continue;
				ret = set_attr(rs, gwhat, gdir, key, val);
			}
		}
		free(gdir);
		if (ret)
			return -1;
	}
	return 0;
}

static int rs_backstore(struct rs *rs, json_object *b, size_t idx)
{
	static const char *const keys[] = { "type", "name", "enabled", "size_bytes",
		"block_size", "unit_serial", "readonly", "removable", "dev", "path",
		"pr_state", "alua", NULL };
	char ctx[64], what[400], num[32];
	const char *type, *name, *serial, *devpath, *prs;
	int64_t size, bsz;
	bool sp, bp, ro, rop, rm, rmp, en, enp, exists;
	char *dir;
	int ret = -1;

	snprintf(ctx, sizeof(ctx), "backstores[%zu]", idx);
	if (need_type(b, json_type_object, "backstores", ctx) || check_keys(b, ctx, keys) ||
	    get_str(b, "type", ctx, true, &type) || get_str(b, "name", ctx, true, &name))
		return -1;
	if (ktgtctl_bs_type(type) < 0) {
		fail("%s: unknown backstore type \"%s\" (ram, null, block, file)", ctx, type);
		return -1;
	}
	if (ktgtctl_check_name(name)) {
		fail("%s: bad backstore name \"%s\"", ctx, name);
		return -1;
	}
	snprintf(what, sizeof(what), "backstore %s/%s", type, name);
	if (get_int(b, "size_bytes", what, false, 0, INT64_MAX, &size, &sp) ||
	    get_int(b, "block_size", what, false, 512, 4096, &bsz, &bp) ||
	    get_str(b, "unit_serial", what, false, &serial) ||
	    get_bool(b, "readonly", what, &ro, &rop) ||
	    get_bool(b, "removable", what, &rm, &rmp) ||
	    get_bool(b, "enabled", what, &en, &enp) ||
	    get_str(b, "pr_state", what, false, &prs))
		return -1;
	devpath = NULL;
	if (has_member(b, "dev") && strcmp(type, "block")) {
		fail("%s: \"dev\" is only for block backstores", what);
		return -1;
	}
	if (has_member(b, "path") && strcmp(type, "file")) {
		fail("%s: \"path\" is only for file backstores", what);
		return -1;
	}
	if (get_str(b, !strcmp(type, "block") ? "dev" : "path", what, false, &devpath))
		return -1;

	dir = path_of("backstores/%s/%s", type, name);
	exists = is_dir(dir);
	if (!rs->apply && rs_alua(rs, b, what, dir))	/* checks only */
		goto out;
	if (!rs->apply) {
		if (exists && !rs->merge) {
			fail("%s already exists (%s): clear the configuration first, or restore --merge",
			     what, dir);
			goto out;
		}
		ret = 0;
		goto out;
	}
	if (!exists && do_mkdir(what, dir))
		goto out;
	if (devpath && set_attr(rs, what, dir, !strcmp(type, "block") ? "dev" : "path", devpath))
		goto out;
	snprintf(num, sizeof(num), "%lld", (long long)size);
	if (sp && set_attr(rs, what, dir, "size_bytes", num))
		goto out;
	snprintf(num, sizeof(num), "%lld", (long long)bsz);
	if (bp && set_attr(rs, what, dir, "block_size", num))
		goto out;
	if (serial && set_attr(rs, what, dir, "unit_serial", serial))
		goto out;
	if (rop && set_attr(rs, what, dir, "readonly", ro ? "1" : "0"))
		goto out;
	if (rmp && set_attr(rs, what, dir, "removable", rm ? "1" : "0"))
		goto out;
	/* the kernel takes it only while nobody is registered */
	if (prs && set_pr_state(rs, what, dir, prs))
		goto out;
	if (enp && set_attr(rs, what, dir, "enable", en ? "1" : "0"))
		goto out;
	if (rs_alua(rs, b, what, dir))
		goto out;
	ret = 0;
out:
	free(dir);
	return ret;
}

/* Is TYPE/NAME a backstore of the file or of the running configuration? */
static bool bs_known(struct rs *rs, const char *tn)
{
	json_object *a = member(rs->top, "backstores");
	char *p;
	bool found;

	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *b = json_object_array_get_idx(a, i);
		const char *t = json_object_get_string(member(b, "type"));
		const char *n = json_object_get_string(member(b, "name"));
		size_t tl = strlen(t);

		if (!strncmp(tn, t, tl) && tn[tl] == '/' && !strcmp(tn + tl + 1, n))
			return true;
	}
	p = path_of("backstores/%s", tn);
	found = is_dir(p);
	free(p);
	return found;
}

enum rs_phase { PH_OBJECTS, PH_ENABLE };

static int rs_tpg(struct rs *rs, json_object *t, const char *iqn, const char *tctx,
		  size_t idx, enum rs_phase ph)
{
	static const char *const keys[] = { "tpgt", "enable", "attrib", "param", "auth",
		"luns", "portals", "acls", NULL };
	char ctx[600], what[600], lwhat[700], sub[700];
	int64_t tpgt;
	bool tp, en, enp;
	json_object *luns, *portals, *acls;
	char *dir = NULL, *p;
	int ret = -1;

	snprintf(ctx, sizeof(ctx), "%s tpgs[%zu]", tctx, idx);
	if (need_type(t, json_type_object, tctx, "tpgs[]") || check_keys(t, ctx, keys) ||
	    get_int(t, "tpgt", ctx, true, 1, 65535, &tpgt, &tp))
		return -1;
	snprintf(what, sizeof(what), "tpg %s/%lld", iqn, (long long)tpgt);
	if (get_bool(t, "enable", what, &en, &enp) || get_arr(t, "luns", what, &luns) ||
	    get_arr(t, "portals", what, &portals) || get_arr(t, "acls", what, &acls))
		return -1;
	dir = path_of("targets/%s/tpgt_%lld", iqn, (long long)tpgt);
	if (ph == PH_ENABLE) {
		ret = enp ? set_attr(rs, what, dir, "enable", en ? "1" : "0") : 0;
		goto out;
	}
	if (ensure_dir(rs, what, dir))
		goto out;
	snprintf(sub, sizeof(sub), "%s/attrib", dir);
	if (rs_map(rs, t, "attrib", what, ktgtctl_attrib_keys, what, sub))
		goto out;
	snprintf(sub, sizeof(sub), "%s/param", dir);
	if (rs_map(rs, t, "param", what, ktgtctl_param_keys, what, sub))
		goto out;
	snprintf(sub, sizeof(sub), "%s/auth", dir);
	if (rs_map(rs, t, "auth", what, ktgtctl_auth_keys, what, sub))
		goto out;

	/* LUNs */
	snprintf(sub, sizeof(sub), "%s/lun", dir);
	if (luns && ensure_dir(rs, what, sub))
		goto out;
	for (size_t i = 0; luns && i < json_object_array_length(luns); i++) {
		static const char *const lkeys[] = { "lun", "backstore", "link",
			"alua_tg_pt_gp", NULL };
		json_object *l = json_object_array_get_idx(luns, i);
		const char *bs, *link, *gp;
		int64_t n;
		bool np;
		char *ldir, *cur;

		snprintf(lwhat, sizeof(lwhat), "%s luns[%zu]", what, i);
		if (need_type(l, json_type_object, what, "luns[]") || check_keys(l, lwhat, lkeys) ||
		    get_int(l, "lun", lwhat, true, 0, 255, &n, &np) ||
		    get_str(l, "backstore", lwhat, false, &bs) ||
		    get_str(l, "link", lwhat, false, &link) ||
		    get_str(l, "alua_tg_pt_gp", lwhat, false, &gp))
			goto out;
		snprintf(lwhat, sizeof(lwhat), "lun %s/%lld/%lld", iqn, (long long)tpgt, (long long)n);
		if (bs) {
			const char *slash = strchr(bs, '/');

			if (!slash || ktgtctl_bs_type(strndupa(bs, slash - bs)) < 0 ||
			    ktgtctl_check_name(slash + 1)) {
				fail("%s: \"backstore\" must be TYPE/NAME, not \"%s\"", lwhat, bs);
				goto out;
			}
			if (!bs_known(rs, bs)) {
				fail("%s: backstore %s is neither in the file nor configured", lwhat, bs);
				goto out;
			}
		}
		if (link && ktgtctl_check_name(link)) {
			fail("%s: bad link name \"%s\"", lwhat, link);
			goto out;
		}
		if (asprintf(&ldir, "%s/lun_%lld", sub, (long long)n) < 0)
			abort();
		cur = is_dir(ldir) ? dir_link(ldir, NULL) : NULL;
		if (cur && bs && (strncmp(cur, "backstores/", 11) || strcmp(cur + 11, bs))) {
			fail("%s already exports %s, not backstores/%s", lwhat, cur, bs);
			free(cur);
			free(ldir);
			goto out;
		}
		if (rs->apply && ensure_dir(rs, lwhat, ldir)) {
			free(cur);
			free(ldir);
			goto out;
		}
		if (rs->apply && bs && !cur) {
			char *target = path_of("backstores/%s", bs), *lk, *bsname = strdup(bs);

			*strchr(bsname, '/') = '_';
			if (asprintf(&lk, "%s/%s", ldir, link ? link : bsname) < 0)
				abort();
			ret = do_symlink(lwhat, target, lk);
			free(lk);
			free(bsname);
			free(target);
			if (ret) {
				free(ldir);
				goto out;
			}
			ret = -1;
		}
		if (rs->apply && gp && set_attr(rs, lwhat, ldir, "alua_tg_pt_gp", gp)) {
			free(cur);
			free(ldir);
			goto out;
		}
		free(cur);
		free(ldir);
	}

	/* ACLs and their mapped LUNs */
	snprintf(sub, sizeof(sub), "%s/acls", dir);
	if (acls && ensure_dir(rs, what, sub))
		goto out;
	for (size_t i = 0; acls && i < json_object_array_length(acls); i++) {
		static const char *const akeys[] = { "name", "auth", "mapped_luns", NULL };
		json_object *a = json_object_array_get_idx(acls, i), *maps;
		const char *ini;
		char awhat[900], *adir, *auth;

		snprintf(awhat, sizeof(awhat), "%s acls[%zu]", what, i);
		if (need_type(a, json_type_object, what, "acls[]") || check_keys(a, awhat, akeys) ||
		    get_str(a, "name", awhat, true, &ini) ||
		    get_arr(a, "mapped_luns", awhat, &maps))
			goto out;
		if (ktgtctl_check_name(ini)) {
			fail("%s: bad initiator name \"%s\"", awhat, ini);
			goto out;
		}
		snprintf(awhat, sizeof(awhat), "acl %s on %s", ini, what);
		if (asprintf(&adir, "%s/%s", sub, ini) < 0 || asprintf(&auth, "%s/auth", adir) < 0)
			abort();
		if (ensure_dir(rs, awhat, adir) ||
		    rs_map(rs, a, "auth", awhat, ktgtctl_auth_keys, awhat, auth)) {
			free(adir);
			free(auth);
			goto out;
		}
		free(auth);
		for (size_t j = 0; maps && j < json_object_array_length(maps); j++) {
			static const char *const mkeys[] = { "mapped_lun", "lun", NULL };
			json_object *m = json_object_array_get_idx(maps, j);
			char mwhat[1000], *mdir, *ltarget, *cur;
			int64_t mn, ln;
			bool p1, found = false;

			snprintf(mwhat, sizeof(mwhat), "%s mapped_luns[%zu]", awhat, j);
			if (need_type(m, json_type_object, awhat, "mapped_luns[]") ||
			    check_keys(m, mwhat, mkeys) ||
			    get_int(m, "mapped_lun", mwhat, true, 0, 255, &mn, &p1) ||
			    get_int(m, "lun", mwhat, true, 0, 255, &ln, &p1)) {
				free(adir);
				goto out;
			}
			snprintf(mwhat, sizeof(mwhat), "mapped LUN %lld of %s", (long long)mn, awhat);
			for (size_t k = 0; luns && k < json_object_array_length(luns); k++)
				if (json_object_get_int64(member(json_object_array_get_idx(luns, k),
								 "lun")) == ln)
					found = true;
			if (asprintf(&ltarget, "%s/lun/lun_%lld", dir, (long long)ln) < 0 ||
			    asprintf(&mdir, "%s/lun_%lld", adir, (long long)mn) < 0)
				abort();
			if (!found && !is_dir(ltarget)) {
				fail("%s: LUN %lld is neither in the file nor configured", mwhat,
				     (long long)ln);
				free(ltarget);
				free(mdir);
				free(adir);
				goto out;
			}
			cur = is_dir(mdir) ? dir_link(mdir, NULL) : NULL;
			if (cur) {
				const char *s = strrchr(cur, '/');

				if (prefixed_num(s ? s + 1 : cur, "lun_", 65535) != ln) {
					fail("%s already maps %s, not LUN %lld", mwhat, cur, (long long)ln);
					free(cur);
					free(ltarget);
					free(mdir);
					free(adir);
					goto out;
				}
			}
			if (rs->apply && !cur) {
				char *lk;

				if (asprintf(&lk, "%s/lun_%lld", mdir, (long long)ln) < 0)
					abort();
				if (ensure_dir(rs, mwhat, mdir) || do_symlink(mwhat, ltarget, lk)) {
					free(lk);
					free(ltarget);
					free(mdir);
					free(adir);
					goto out;
				}
				free(lk);
			}
			free(cur);
			free(ltarget);
			free(mdir);
		}
		free(adir);
	}

	/* portals */
	snprintf(sub, sizeof(sub), "%s/np", dir);
	if (portals && ensure_dir(rs, what, sub))
		goto out;
	for (size_t i = 0; portals && i < json_object_array_length(portals); i++) {
		json_object *a = json_object_array_get_idx(portals, i);
		char pwhat[800];

		if (need_type(a, json_type_string, what, "portals[]"))
			goto out;
		if (ktgtctl_check_portal(json_object_get_string(a))) {
			fail("%s: bad portal \"%s\" (IPv4:PORT or [IPv6]:PORT)", what,
			     json_object_get_string(a));
			goto out;
		}
		snprintf(pwhat, sizeof(pwhat), "portal %s on %s", json_object_get_string(a), what);
		if (asprintf(&p, "%s/%s", sub, json_object_get_string(a)) < 0)
			abort();
		if (ensure_dir(rs, pwhat, p)) {
			free(p);
			goto out;
		}
		free(p);
	}
	ret = 0;
out:
	free(dir);
	return ret;
}

static int rs_targets(struct rs *rs, enum rs_phase ph)
{
	static const char *const keys[] = { "name", "tpgs", NULL };
	json_object *a = member(rs->top, "targets");

	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *t = json_object_array_get_idx(a, i), *tpgs;
		const char *iqn;
		char ctx[300], *dir;

		snprintf(ctx, sizeof(ctx), "targets[%zu]", i);
		if (need_type(t, json_type_object, "targets", ctx) || check_keys(t, ctx, keys) ||
		    get_str(t, "name", ctx, true, &iqn) || get_arr(t, "tpgs", ctx, &tpgs))
			return -1;
		if (ktgtctl_check_name(iqn)) {
			fail("%s: bad target name \"%s\"", ctx, iqn);
			return -1;
		}
		snprintf(ctx, sizeof(ctx), "target %s", iqn);
		dir = path_of("targets/%s", iqn);
		if (!rs->apply && !rs->merge && is_dir(dir)) {
			fail("%s already exists (%s): clear the configuration first, or restore --merge",
			     ctx, dir);
			free(dir);
			return -1;
		}
		if (ph == PH_OBJECTS && ensure_dir(rs, ctx, dir)) {
			free(dir);
			return -1;
		}
		free(dir);
		for (size_t j = 0; tpgs && j < json_object_array_length(tpgs); j++)
			if (rs_tpg(rs, json_object_array_get_idx(tpgs, j), iqn, ctx, j, ph))
				return -1;
	}
	return 0;
}

static int rs_walk(struct rs *rs)
{
	static const char *const keys[] = { "version", "backstores", "targets",
		"discovery_auth", NULL };
	json_object *a;
	int64_t ver;
	bool vp;
	char *dir;
	int ret;

	if (need_type(rs->top, json_type_object, "the file", "(top level)") ||
	    check_keys(rs->top, "the file", keys) ||
	    get_int(rs->top, "version", "the file", false, 1, 1, &ver, &vp) ||
	    get_arr(rs->top, "backstores", "the file", &a))
		return -1;
	for (size_t i = 0; a && i < json_object_array_length(a); i++)
		if (rs_backstore(rs, json_object_array_get_idx(a, i), i))
			return -1;
	if (get_arr(rs->top, "targets", "the file", &a) || rs_targets(rs, PH_OBJECTS) ||
	    rs_targets(rs, PH_ENABLE))
		return -1;
	dir = path_of("discovery_auth");
	ret = rs_map(rs, rs->top, "discovery_auth", "the file", ktgtctl_discovery_keys,
		     "discovery-auth", dir);
	free(dir);
	return ret;
}

static char *read_file(const char *file, size_t *len)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "re") : stdin;
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap + 1);
			if (!buf)
				abort();
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	if (ferror(f)) {
		int e = errno;

		free(buf);
		if (f != stdin)
			fclose(f);
		errno = e;
		return NULL;
	}
	if (f != stdin)
		fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

static int cmd_restore(int argc, char **argv)
{
	const char *file = NULL;
	struct rs rs = { 0 };
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	size_t len, end;
	unsigned line, col;
	char *buf;
	int ret;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--merge"))
			rs.merge = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return usage_err("restore: unknown option '%s'", argv[i]);
		else if (file)
			return usage_err("restore: too many arguments");
		else
			file = argv[i];
	}
	if (!file)
		file = KTGTCTL_SAVE_DEFAULT;
	buf = read_file(file, &len);
	if (!buf) {
		fail("restore: cannot read %s: %s", file, strerror(errno));
		return EXIT_FAIL;
	}
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	rs.top = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue || (!rs.top && jerr == json_tokener_success)) {
		ktgtctl_line_of(buf, len, len, &line, &col);
		fail("restore: %s:%u: unexpected end of file (the JSON is incomplete); nothing was changed",
		     file, line);
		ret = EXIT_FAIL;
		goto out;
	}
	if (jerr != json_tokener_success) {
		ktgtctl_line_of(buf, len, end, &line, &col);
		fail("restore: %s:%u:%u: %s; nothing was changed", file, line, col,
		     json_tokener_error_desc(jerr));
		ret = EXIT_FAIL;
		goto out;
	}
	while (end < len && isspace((unsigned char)buf[end]))
		end++;
	if (end < len) {
		ktgtctl_line_of(buf, len, end, &line, &col);
		fail("restore: %s:%u:%u: unexpected text after the configuration; nothing was changed",
		     file, line, col);
		ret = EXIT_FAIL;
		goto out;
	}
	if (need_root()) {
		ret = EXIT_FAIL;
		goto out;
	}
	/* check everything first: nothing changes unless all of it can */
	rs.apply = false;
	if (rs_walk(&rs)) {
		fail("restore: %s was not applied; nothing was changed", file);
		ret = EXIT_FAIL;
		goto out;
	}
	rs.apply = true;
	ret = rs_walk(&rs) ? EXIT_FAIL : EXIT_OK;
	if (ret)
		fail("restore: %s was applied only in part (see above); ktgtctl clear undoes it",
		     file);
out:
	json_object_put(rs.top);
	json_tokener_free(tok);
	free(buf);
	return ret;
}

/* ------------------------------------------------------------------ */
/* sessions, stats: tools/stats.c                                      */

static int cmd_sessions(int argc, char **argv)
{
	return ktgtctl_cmd_sessions(root, argc, argv);
}

static int cmd_stats(int argc, char **argv)
{
	return ktgtctl_cmd_stats(root, argc, argv);
}

/* ------------------------------------------------------------------ */

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	bool raw;	/* parses its own options */
} commands[] = {
	{ "backstore", cmd_backstore, true },
	{ "target", cmd_target, false },
	{ "tpg", cmd_tpg, false },
	{ "lun", cmd_lun, false },
	{ "portal", cmd_portal, false },
	{ "acl", cmd_acl, false },
	{ "discovery-auth", cmd_discovery_auth, false },
	{ "alua", cmd_alua, false },
	{ "show", cmd_show, false },
	{ "clear", cmd_clear, false },
	{ "save", cmd_save, false },
	{ "restore", cmd_restore, false },
	{ "sessions", cmd_sessions, false },
	{ "stats", cmd_stats, false },
};

int main(int argc, char **argv)
{
	const char *env = getenv("KTGT_CONFIGFS");
	int i = 1;

	if (env && *env)
		root = env;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--version")) {
			puts("ktgtctl " KTGTCTL_VERSION);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--root") && i + 1 < argc) {
			root = argv[++i];
		} else if (!strncmp(argv[i], "--root=", 7)) {
			root = argv[i] + 7;
		} else {
			return usage_err("unknown option '%s'", argv[i]);
		}
	}
	if (i >= argc)
		return usage_err("missing command");
	if (!*root)
		return usage_err("empty --root");

	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (strcmp(argv[i], commands[c].name))
			continue;
		/* "ktgtctl VERB ... --help" anywhere prints the usage */
		for (int j = i + 1; j < argc; j++)
			if (!strcmp(argv[j], "--help") || !strcmp(argv[j], "-h")) {
				fputs(usage_text, stdout);
				return EXIT_OK;
			}
		if (!commands[c].raw)
			return commands[c].fn(argc - i - 1, argv + i + 1);
		/* getopt wants argv[0] */
		return commands[c].fn(argc - i, argv + i);
	}
	return usage_err("unknown command '%s'", argv[i]);
}
