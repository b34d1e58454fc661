/*
 * herstelctl backup FILE: a consistent copy of the database, made by the
 * daemon while it keeps serving (the admin only).  FILE is on the
 * daemon's machine; a relative name is taken from the current directory.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"

#define USAGE "herstelctl backup FILE\n" \
	"A consistent copy of the database while the daemon keeps serving, " \
	"checked\n(integrity_check) and written atomically; restore it with " \
	"hersteld --restore FILE\nwhile the daemon is stopped.  FILE is on the " \
	"daemon's machine."

int
cmd_backup(int argc, char **argv)
{
	char path[PATH_MAX], dir[PATH_MAX], base[PATH_MAX], real[PATH_MAX];
	json_t *r, *body;
	int first;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0)) {
		printf("usage: %s\n", USAGE);
		return EX_OK;
	}
	first = parse_opts(argc, argv, USAGE, NULL, NULL, NULL);
	if (first >= argc)
		usage_error(USAGE, "where to? give the backup's FILE");
	if (first + 1 < argc)
		usage_error(USAGE, "unexpected argument \"%s\"", argv[first + 1]);
	if (strlen(argv[first]) >= sizeof(dir) || argv[first][0] == '\0')
		usage_error(USAGE, "the FILE's name is empty or too long");
	/* The daemon has a directory of its own: name the file absolutely. */
	snprintf(dir, sizeof(dir), "%s", argv[first]);
	snprintf(base, sizeof(base), "%s", argv[first]);
	if (realpath(dirname(dir), real) == NULL) {
		fprintf(stderr, "herstelctl: backup: %s: no such directory\n",
		    argv[first]);
		return EX_CANTCREAT;
	}
	if (snprintf(path, sizeof(path), "%s/%s", real, basename(base)) >=
	    (int)sizeof(path))
		usage_error(USAGE, "the FILE's name is too long");
	body = json_object();
	set_str(body, "path", path, USAGE);
	r = client_do("POST", "backup", body);
	if (cli.json)
		out_json(r);
	else
		printf("backup written to %s (%lld bytes)\n", path, (long long)
		    json_integer_value(json_object_get(r, "bytes")));
	json_decref(r);
	return EX_OK;
}
