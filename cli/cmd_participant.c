/*
 * herstelctl participant add|list|show|edit|forget|follow|unfollow,
 * register, unregister, checkin, attendees, followup, and outbox
 * list|show|retry.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define NOTES_MAX	(256 * 1024)	/* bytes read from --file */

#define USAGE_ADD "herstelctl participant add --email ADDR [--name NAME] " \
	"[--lang nl|en] [--remind 7d,1d,2h|none] [--quiet 21:00-08:00|none]"
#define USAGE_EDIT "herstelctl participant edit ID|EMAIL [--email ADDR] " \
	"[--name NAME] [--lang nl|en] [--remind 7d,1d|none] " \
	"[--quiet 21:00-08:00|none] [--resubscribe]"
#define USAGE "herstelctl participant add|list|show|edit|forget|follow|" \
	"unfollow ...\n  " USAGE_ADD "\n  herstelctl participant list\n" \
	"  herstelctl participant show ID|EMAIL\n  " USAGE_EDIT "\n" \
	"  herstelctl participant forget ID|EMAIL\n" \
	"  herstelctl participant follow ID|EMAIL GROUP\n" \
	"  herstelctl participant unfollow ID|EMAIL GROUP"

static const struct column list_cols[] = {
	{ "ID", "id", COL_INT },
	{ "EMAIL", "email", COL_TEXT },
	{ "NAME", "name", COL_TEXT },
	{ "LANG", "lang", COL_TEXT },
	{ "REMIND", "remind", COL_TEXT },
	{ "QUIET", "quiet", COL_TEXT },
	{ "UNSUBSCRIBED", "unsubscribed", COL_TIME },
	{ NULL, NULL, 0 }
};

static const struct column show_cols[] = {
	{ "Id", "id", COL_INT },
	{ "Email", "email", COL_TEXT },
	{ "Name", "name", COL_TEXT },
	{ "Language", "lang", COL_TEXT },
	{ "Reminders", "remind", COL_TEXT },
	{ "Quiet hours", "quiet", COL_TEXT },
	{ "Personal feed", "feed", COL_TEXT },
	{ "Follows", "follows", COL_LIST },
	{ "Unsubscribed", "unsubscribed", COL_TIME },
	{ "Created", "created", COL_TIME },
	{ NULL, NULL, 0 }
};

static const struct option opts[] = {
	{ "email", required_argument, NULL, 'e' },
	{ "name", required_argument, NULL, 'n' },
	{ "lang", required_argument, NULL, 'l' },
	{ "remind", required_argument, NULL, 'r' },
	{ "quiet", required_argument, NULL, 'q' },
	{ "resubscribe", no_argument, NULL, 'R' },
	{ NULL, 0, NULL, 0 }
};

struct args {
	const char	*usage;
	json_t		*body;
	int		 edit;
};

static void
on_opt(int ch, const char *val, void *arg)
{
	struct args *a = arg;

	switch (ch) {
	case 'e': set_str(a->body, "email", val, a->usage); break;
	case 'n': set_str(a->body, "name", val, a->usage); break;
	case 'l': set_str(a->body, "lang", val, a->usage); break;
	case 'r': set_str(a->body, "remind", val, a->usage); break;
	case 'q': set_str(a->body, "quiet", val, a->usage); break;
	case 'R':
		if (!a->edit)
			usage_error(a->usage, "--resubscribe is for edit");
		json_object_set_new(a->body, "resubscribe", json_true());
		break;
	}
}

int
cmd_participant(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	struct args a = { .body = json_object() };
	char path[600], *who;
	json_t *r;
	int first;

	if (strcmp(verb, "add") == 0) {
		a.usage = USAGE_ADD;
		first = parse_opts(argc - 1, argv + 1, a.usage, opts, on_opt,
		    &a) + 1;
		if (first < argc)
			usage_error(a.usage, "unexpected argument \"%s\"",
			    argv[first]);
		if (json_object_get(a.body, "email") == NULL)
			usage_error(a.usage, "--email is required");
		r = client_do("POST", "participants", a.body);
		out_id(r);
	} else if (strcmp(verb, "list") == 0) {
		json_decref(a.body);
		first = parse_opts(argc - 1, argv + 1,
		    "herstelctl participant list", NULL, NULL, NULL) + 1;
		if (first < argc)
			usage_error("herstelctl participant list", "unexpected "
			    "argument \"%s\"", argv[first]);
		r = client_do("GET", "participants", NULL);
		out_table(r, list_cols);
	} else if (strcmp(verb, "show") == 0 || strcmp(verb, "forget") == 0) {
		int show = verb[0] == 's';
		const char *u = show ? "herstelctl participant show ID|EMAIL" :
		    "herstelctl participant forget ID|EMAIL";

		json_decref(a.body);
		first = parse_opts(argc - 1, argv + 1, u, NULL, NULL, NULL) + 1;
		who = who_arg(argc, argv, first, 1, u);
		snprintf(path, sizeof(path), "participants/%s", who);
		free(who);
		r = client_do(show ? "GET" : "DELETE", path, NULL);
		if (show)
			out_object(r, show_cols);
		else if (cli.json)
			out_json(r);
		else
			printf("participant %lld forgotten\n", (long long)
			    json_integer_value(json_object_get(r, "forgotten")));
	} else if (strcmp(verb, "edit") == 0) {
		a.usage = USAGE_EDIT;
		a.edit = 1;
		first = parse_opts(argc - 1, argv + 1, a.usage, opts, on_opt,
		    &a) + 1;
		who = who_arg(argc, argv, first, 1, a.usage);
		if (json_object_size(a.body) == 0)
			usage_error(a.usage, "nothing to change");
		snprintf(path, sizeof(path), "participants/%s", who);
		free(who);
		r = client_do("PATCH", path, a.body);
		out_object(r, show_cols);
	} else if (strcmp(verb, "follow") == 0 ||
	    strcmp(verb, "unfollow") == 0) {
		int on = verb[0] == 'f';
		const char *u = on ? "herstelctl participant follow ID|EMAIL "
		    "GROUP" : "herstelctl participant unfollow ID|EMAIL GROUP";

		first = parse_opts(argc - 1, argv + 1, u, NULL, NULL, NULL) + 1;
		who = who_arg(argc, argv, first, 2, u);
		if (first + 1 >= argc)
			usage_error(u, "which group? give its SLUG");
		set_str(a.body, "group", argv[first + 1], u);
		snprintf(path, sizeof(path), "participants/%s/follow", who);
		free(who);
		r = client_do(on ? "POST" : "DELETE", path, a.body);
		out_object(r, show_cols);
	} else if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		json_decref(a.body);
		printf("usage: %s\n", USAGE);
		return EX_OK;
	} else {
		json_decref(a.body);
		fprintf(stderr, "herstelctl: participant: unknown verb \"%s\"\n"
		    "usage: %s\n", verb, USAGE);
		return EX_USAGE;
	}
	json_decref(r);
	return EX_OK;
}

/* ---- register, unregister, attendees, followup ---- */

static const struct option occ_opts[] = {
	{ "occurrence", required_argument, NULL, 'o' },
	{ "file", required_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 }
};

struct occ_args {
	const char	*usage;
	const char	*occurrence;
	const char	*file;
	int		 files;		/* --file allowed */
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

static long long
event_arg(int argc, char **argv, int first, const char *usage)
{
	if (first >= argc)
		usage_error(usage, "which event? give its ID");
	return parse_id(usage, "EVENT", argv[first]);
}

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

static const struct column att_cols[] = {
	{ "PARTICIPANT", "participant", COL_INT },
	{ "NAME", "name", COL_TEXT },
	{ "EMAIL", "email", COL_TEXT },
	{ "STATUS", "status", COL_TEXT },
	{ "OCCURRENCE", "occurrence", COL_TEXT },
	{ NULL, NULL, 0 }
};

int
cmd_register(int argc, char **argv)
{
	int reg = strcmp(argv[0], "register") == 0;
	int in = strcmp(argv[0], "checkin") == 0;
	const char *usage = reg ? "herstelctl register EVENT PARTICIPANT "
	    "[--occurrence DATE]" : in ? "herstelctl checkin EVENT PARTICIPANT "
	    "[--occurrence DATE]" : "herstelctl unregister EVENT PARTICIPANT "
	    "[--occurrence DATE]";
	struct occ_args a = { .usage = usage };
	json_t *body = json_object(), *r;
	char path[64];
	long long id;
	int first;

	first = parse_opts(argc, argv, usage, occ_opts, on_occ, &a);
	id = event_arg(argc, argv, first, usage);
	if (first + 1 >= argc)
		usage_error(usage, "which participant? give an ID or address");
	if (first + 2 < argc)
		usage_error(usage, "unexpected argument \"%s\"", argv[first + 2]);
	set_str(body, "participant", argv[first + 1], usage);
	set_str(body, "occurrence", a.occurrence, usage);
	snprintf(path, sizeof(path), "events/%lld/%s", id, reg ? "register" :
	    in ? "checkin" : "unregister");
	r = client_do("POST", path, body);
	if (cli.json)
		out_json(r);
	else if (in)
		printf("checked in (%lld came)\n", (long long)
		    json_integer_value(json_object_get(r, "count")));
	else if (reg)
		printf("%s\n", strcmp(json_string_value(json_object_get(r,
		    "status")), "going") == 0 ? "registered" :
		    "full: on the waiting list");
	json_decref(r);
	return EX_OK;
}

int
cmd_attendees(int argc, char **argv)
{
	const char *usage = "herstelctl attendees EVENT [--occurrence DATE]";
	struct occ_args a = { .usage = usage };
	char path[600], *occ = NULL;
	json_t *r, *list;
	long long id;
	int first;

	first = parse_opts(argc, argv, usage, occ_opts, on_occ, &a);
	id = event_arg(argc, argv, first, usage);
	if (first + 1 < argc)
		usage_error(usage, "unexpected argument \"%s\"", argv[first + 1]);
	if (a.occurrence)
		occ = client_escape(a.occurrence);
	snprintf(path, sizeof(path), "events/%lld/attendees%s%s", id,
	    occ ? "?occurrence=" : "", occ ? occ : "");
	free(occ);
	r = client_do("GET", path, NULL);
	if (cli.json) {
		out_json(r);
		json_decref(r);
		return EX_OK;
	}
	list = json_object_get(r, "attendees");
	if (json_is_array(list) && json_array_size(list) > 0)
		out_table(list, att_cols);
	if (json_is_true(json_object_get(r, "anonymous")))
		printf("(anonymous group: counts only)\n");
	printf("going: %lld", (long long)json_integer_value(json_object_get(r,
	    "going")));
	if (json_is_integer(json_object_get(r, "capacity")))
		printf(" of %lld", (long long)json_integer_value(
		    json_object_get(r, "capacity")));
	printf(", waiting list: %lld\n", (long long)json_integer_value(
	    json_object_get(r, "waitlist")));
	json_decref(r);
	return EX_OK;
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

	first = parse_opts(argc, argv, usage, occ_opts, on_occ, &a);
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

/* ---- outbox ---- */

#define USAGE_OUTBOX "herstelctl outbox list|show|retry ...\n" \
	"  herstelctl outbox list [--status pending|sending|sent|failed] " \
	"[--limit N]\n  herstelctl outbox show ID\n  herstelctl outbox retry ID"

static const struct column box_cols[] = {
	{ "ID", "id", COL_INT },
	{ "KIND", "kind", COL_TEXT },
	{ "STATUS", "status", COL_TEXT },
	{ "TO", "recipient", COL_TEXT },
	{ "DUE", "due", COL_TIME },
	{ "TRIES", "attempts", COL_INT },
	{ "SUBJECT", "subject", COL_TEXT },
	{ "ERROR", "last_error", COL_TEXT },
	{ NULL, NULL, 0 }
};

static const struct column box_show[] = {
	{ "Id", "id", COL_INT },
	{ "Kind", "kind", COL_TEXT },
	{ "Status", "status", COL_TEXT },
	{ "To", "recipient", COL_TEXT },
	{ "Subject", "subject", COL_TEXT },
	{ "Due", "due", COL_TIME },
	{ "Next attempt", "next_attempt", COL_TIME },
	{ "Attempts", "attempts", COL_INT },
	{ "Sent", "sent", COL_TIME },
	{ "Last error", "last_error", COL_TEXT },
	{ "Event", "event", COL_INT },
	{ "Participant", "participant", COL_INT },
	{ NULL, NULL, 0 }
};

static const struct option box_opts[] = {
	{ "status", required_argument, NULL, 's' },
	{ "limit", required_argument, NULL, 'l' },
	{ NULL, 0, NULL, 0 }
};

struct box_args {
	const char	*status;
	long		 limit;
};

static void
on_box(int ch, const char *val, void *arg)
{
	struct box_args *a = arg;

	if (ch == 's')
		a->status = val;
	else
		a->limit = parse_count("herstelctl outbox list", "--limit", val);
}

int
cmd_outbox(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	struct box_args a = { 0 };
	char path[300], *st = NULL;
	json_t *r;
	int first;

	if (strcmp(verb, "list") == 0) {
		const char *u = "herstelctl outbox list [--status "
		    "pending|sending|sent|failed] [--limit N]";

		first = parse_opts(argc - 1, argv + 1, u, box_opts, on_box,
		    &a) + 1;
		if (first < argc)
			usage_error(u, "unexpected argument \"%s\"", argv[first]);
		if (a.status)
			st = client_escape(a.status);
		snprintf(path, sizeof(path), "outbox?limit=%ld%s%s",
		    a.limit ? a.limit : 1000, st ? "&status=" : "",
		    st ? st : "");
		free(st);
		r = client_do("GET", path, NULL);
		out_table(r, box_cols);
	} else if (strcmp(verb, "show") == 0 || strcmp(verb, "retry") == 0) {
		int show = verb[0] == 's';
		const char *u = show ? "herstelctl outbox show ID" :
		    "herstelctl outbox retry ID";
		long long id;

		first = parse_opts(argc - 1, argv + 1, u, NULL, NULL, NULL) + 1;
		if (first >= argc)
			usage_error(u, "which message? give its ID");
		if (first + 1 < argc)
			usage_error(u, "unexpected argument \"%s\"",
			    argv[first + 1]);
		id = parse_id(u, "ID", argv[first]);
		snprintf(path, sizeof(path), show ? "outbox/%lld" :
		    "outbox/%lld/retry", id);
		r = client_do(show ? "GET" : "POST", path, NULL);
		out_object(r, box_show);
	} else if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		printf("usage: %s\n", USAGE_OUTBOX);
		return EX_OK;
	} else {
		fprintf(stderr, "herstelctl: outbox: unknown verb \"%s\"\n"
		    "usage: %s\n", verb, USAGE_OUTBOX);
		return EX_USAGE;
	}
	json_decref(r);
	return EX_OK;
}
