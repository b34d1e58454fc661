/*
 * herstelctl followup EVENT [--occurrence DATE] --file NOTES.txt: mail a
 * session's notes to everyone who came.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define NOTES_MAX	(256 * 1024)	/* bytes read from --file */

/* The whole file (at most NOTES_MAX bytes), NUL-terminated; exits on error. */
static char *
read_notes(const char *usage, const char *file)
{
	FILE *fp = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
	char *buf;
	size_t n;

	if (fp == NULL) {
		fprintf(stderr, "herstelctl: %s: %s\n", file, strerror(errno));
		exit(EX_NOINPUT);
	}
	if ((buf = malloc(NOTES_MAX + 2)) == NULL) {
		fprintf(stderr, "herstelctl: out of memory\n");
		exit(EX_OSERR);
	}
	n = fread(buf, 1, NOTES_MAX + 1, fp);
	if (ferror(fp)) {
		fprintf(stderr, "herstelctl: %s: %s\n", file, strerror(errno));
		exit(EX_IOERR);
	}
	if (fp != stdin)
		fclose(fp);
	if (n > NOTES_MAX)
		usage_error(usage, "%s is larger than %d KiB", file,
		    NOTES_MAX / 1024);
	buf[n] = '\0';
	if (strlen(buf) != n)
		usage_error(usage, "%s is not text (it holds NUL bytes)", file);
	return buf;
}

int
cmd_followup(int argc, char **argv)
{
	const char *usage = "herstelctl followup EVENT [--occurrence DATE] "
	    "--file NOTES.txt";
	struct occ_args a = { .usage = usage, .files = 1 };
	json_t *body = json_object(), *r, *v;
	char path[64], *notes;
	long long id;
	int first;

	first = occ_parse(argc, argv, &a);
	id = event_arg(argc, argv, first, usage);
	if (first + 1 < argc)
		usage_error(usage, "unexpected argument \"%s\"", argv[first + 1]);
	if (a.file == NULL)
		usage_error(usage, "--file is required (the notes to send)");
	notes = read_notes(usage, a.file);
	if ((v = json_string(notes)) == NULL)
		usage_error(usage, "%s is not valid UTF-8", a.file);
	free(notes);
	json_object_set_new(body, "notes", v);
	set_str(body, "occurrence", a.occurrence, usage);
	snprintf(path, sizeof(path), "events/%lld/followup", id);
	r = client_do("POST", path, body);
	if (cli.json)
		out_json(r);
	else
		printf("%lld message(s) queued\n", (long long)
		    json_integer_value(json_object_get(r, "queued")));
	json_decref(r);
	return EX_OK;
}
