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

/* Contents of an attribute without the trailing newline; NULL if unreadable. */
static char *read_attr(const char *p)
{
	char buf[4096];
	ssize_t n;
	int fd;

	fd = open(p, O_RDONLY);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = 0;
	return strdup(buf);
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
"  backstore delete TYPE NAME\n"
"  backstore set TYPE NAME ATTRIBUTE VALUE\n"
"Targets and TPGs (IQN is the target's iSCSI name, TPGT 1-65535):\n"
"  target create IQN             target delete IQN   (deletes all it holds)\n"
"  tpg create IQN TPGT           tpg delete IQN TPGT\n"
"  tpg enable IQN TPGT           tpg disable IQN TPGT\n"
"  tpg set IQN TPGT attrib|param|auth KEY VALUE\n"
"LUNs, portals, ACLs:\n"
"  lun create IQN TPGT LUN TYPE/NAME      lun delete IQN TPGT LUN\n"
"  portal create IQN TPGT ADDR:PORT       portal delete IQN TPGT ADDR:PORT\n"
"      ADDR:PORT is e.g. 127.0.0.1:3260, 0.0.0.0:3260 or [::1]:3260\n"
"  acl create IQN TPGT INITIATOR          acl delete IQN TPGT INITIATOR\n"
"  acl map-lun IQN TPGT INITIATOR MAPPED_LUN LUN\n"
"  acl unmap-lun IQN TPGT INITIATOR MAPPED_LUN\n"
"  acl set IQN TPGT INITIATOR auth KEY VALUE\n"
"  discovery-auth set KEY VALUE\n"
"Whole configuration:\n"
"  show [--json] [--secrets]     print the tree (passwords hidden unless --secrets)\n"
"  clear                         delete every object\n"
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
		ret = do_rmdir(what, dir);
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
	} else {
		return usage_err("lun: unknown verb '%s' (create, delete)", argv[0]);
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

static int cmd_clear(int argc, char **argv)
{
	char *dir;
	int ret;

	(void)argv;
	if ((ret = want_args(argc, 0, 0, "clear")))
		return ret;
	if (need_root())
		return EXIT_FAIL;
	dir = path_of("targets");
	ret = rm_children("clear", dir, "", rm_target);
	free(dir);
	for (int i = 0; ktgtctl_bs_types[i]; i++) {
		dir = path_of("backstores/%s", ktgtctl_bs_types[i]);
		ret |= rm_children("clear", dir, "", do_rmdir);
		free(dir);
	}
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
		if (lstat(p, &st) || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		val = shown_value(*e, p);
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
		if (!lstat(p, &st) && S_ISDIR(st.st_mode))
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
		if (lstat(p, &st)) {
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
	{ "show", cmd_show, false },
	{ "clear", cmd_clear, false },
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
