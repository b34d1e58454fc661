/*
 * What register, unregister, checkin, attendees and followup share: the
 * EVENT operand and the --occurrence option (and followup's --file, which
 * the others refuse by name rather than as unknown).
 */
#include <string.h>

#include "cli.h"

static const struct option occ_opts[] = {
	{ "occurrence", required_argument, NULL, 'o' },
	{ "file", required_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 }
};

static void
on_occ(int ch, const char *val, void *arg)
{
	struct occ_args *a = arg;

	if (ch == 'o')
		a->occurrence = val;
	else if (ch == 'f') {
		if (!a->files)
			usage_error(a->usage, "--file is for followup");
		a->file = val;
	}
}

int
occ_parse(int argc, char **argv, struct occ_args *a)
{
	return parse_opts(argc, argv, a->usage, occ_opts, on_occ, a);
}

long long
event_arg(int argc, char **argv, int first, const char *usage)
{
	if (first >= argc)
		usage_error(usage, "which event? give its ID");
	return parse_id(usage, "EVENT", argv[first]);
}
