/*
 * herstelctl book LOC/ROOM ...   and   herstelctl booking list|show|
 * approve|decline|cancel|restore
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_BOOK "herstelctl book LOC/ROOM --start T (--end T | " \
	"--duration D) [--repeat RRULE] [--title TEXT] [--group G] " \
	"[--private] [--skip-conflicts] [--dry-run]"
#define USAGE_LIST "herstelctl booking list [--room LOC/ROOM] " \
	"[--status requested|confirmed|declined|cancelled]"
#define USAGE_DECLINE "herstelctl booking decline ID [--reason TEXT]"
#define USAGE_CANCEL "herstelctl booking cancel ID [--occurrence DATE]"
#define USAGE_RESTORE "herstelctl booking restore ID --occurrence DATE"
#define USAGE "herstelctl booking VERB ...\n  " USAGE_LIST "\n" \
	"  herstelctl booking show ID\n  herstelctl booking approve ID\n  " \
	USAGE_DECLINE "\n  " USAGE_CANCEL "\n  " USAGE_RESTORE "\n" \
	"Book a room with: " USAGE_BOOK "\n" TIMES_HELP

static const struct column list_cols[] = {
	{ "ID", "id", COL_INT },
	{ "ROOM", "room", COL_TEXT },
	{ "FIRST", "start", COL_SPAN },
	{ "REPEATS", "repeat", COL_TEXT },
	{ "TITLE", "title", COL_TEXT },
	{ "GROUP", "group", COL_TEXT },
	{ "STATUS", "status", COL_TEXT },
	{ "HELD", "held", COL_INT },
	{ "NEXT", "next", COL_TIME },
	{ NULL, NULL, 0 }
};

static const struct column show_cols[] = {
	{ "Id", "id", COL_INT },
	{ "Room", "room", COL_TEXT },
	{ "Title", "title", COL_TEXT },
	{ "Group", "group", COL_TEXT },
	{ "Status", "status", COL_TEXT },
	{ "First", "start", COL_SPAN },
	{ "Repeats", "repeat", COL_TEXT },
	{ "Held", "held", COL_INT },
	{ "Next", "next", COL_TIME },
	{ "Event", "event", COL_INT },
	{ "Private", "private", COL_BOOL },
	{ "Reason", "reason", COL_TEXT },
	{ "Booked by", "booked_by", COL_TEXT },
	{ "Created", "created", COL_TIME },
	{ NULL, NULL, 0 }
};

static const struct column not_held_cols[] = {
	{ "OCCURRENCE", "occurrence", COL_TEXT },
	{ "WHEN", "start", COL_SPAN },
	{ "STATE", "state", COL_TEXT },
	{ "REASON", "reason", COL_TEXT },
	{ NULL, NULL, 0 }
};

enum { O_START = 1, O_END, O_DURATION, O_REPEAT, O_TITLE, O_GROUP,
	O_PRIVATE, O_SKIP, O_DRY, O_ROOM, O_STATUS, O_REASON, O_OCCURRENCE };

static const struct option book_opts[] = {
	{ "start", required_argument, NULL, O_START },
	{ "end", required_argument, NULL, O_END },
	{ "duration", required_argument, NULL, O_DURATION },
	{ "repeat", required_argument, NULL, O_REPEAT },
	{ "title", required_argument, NULL, O_TITLE },
	{ "group", required_argument, NULL, O_GROUP },
	{ "private", no_argument, NULL, O_PRIVATE },
	{ "skip-conflicts", no_argument, NULL, O_SKIP },
	{ "dry-run", no_argument, NULL, O_DRY },
	{ NULL, 0, NULL, 0 }
};

static const struct option list_opts[] = {
	{ "room", required_argument, NULL, O_ROOM },
	{ "status", required_argument, NULL, O_STATUS },
	{ NULL, 0, NULL, 0 }
};

static const struct option act_opts[] = {
	{ "reason", required_argument, NULL, O_REASON },
	{ "occurrence", required_argument, NULL, O_OCCURRENCE },
	{ NULL, 0, NULL, 0 }
};

struct args {
	const char	*usage;
	json_t		*body;
};

static void
on_opt(int ch, const char *val, void *arg)
{
	struct args *a = arg;
	static const char *keys[] = {
		[O_START] = "start", [O_END] = "end", [O_DURATION] = "duration",
		[O_REPEAT] = "repeat", [O_TITLE] = "title", [O_GROUP] = "group",
		[O_PRIVATE] = "private", [O_SKIP] = "skip_conflicts",
		[O_DRY] = "dry_run", [O_ROOM] = "room", [O_STATUS] = "status",
		[O_REASON] = "reason", [O_OCCURRENCE] = "occurrence",
	};

	if (ch == O_PRIVATE || ch == O_SKIP || ch == O_DRY)
		json_object_set_new(a->body, keys[ch], json_true());
	else
		set_str(a->body, keys[ch], val, a->usage);
}

/* The occurrences not booked, on fp (stderr after a booking: stdout is
 * the id alone, for scripts). */
static void
print_skipped(FILE *fp, json_t *r, const char *head)
{
	json_t *sk = json_object_get(r, head), *x;
	size_t i;

	if (json_array_size(sk) == 0)
		return;
	fprintf(fp, "%s %zu occurrence(s), not free:\n",
	    strcmp(head, "skipped") == 0 ? "Skipped" : "Would not get",
	    json_array_size(sk));
	json_array_foreach(sk, i, x)
		fprintf(fp, "  %s\n", json_string_value(json_object_get(x,
		    "text")));
}

int
cmd_book(int argc, char **argv)
{
	struct args a = { USAGE_BOOK, json_object() };
	json_t *r;
	int first;
	char *slash;

	first = parse_opts(argc, argv, a.usage, book_opts, on_opt, &a);
	if (first >= argc)
		usage_error(a.usage, "which room? give LOC/ROOM");
	if (first + 1 < argc)
		usage_error(a.usage, "unexpected argument \"%s\"", argv[first + 1]);
	if ((slash = strchr(argv[first], '/')) == NULL ||
	    slash == argv[first] || slash[1] == '\0')
		usage_error(a.usage, "room \"%s\" must be named LOC/ROOM",
		    argv[first]);
	if (!json_object_get(a.body, "start"))
		usage_error(a.usage, "--start is required");
	if (!json_object_get(a.body, "end") && !json_object_get(a.body, "duration"))
		usage_error(a.usage, "give --end or --duration");
	set_str(a.body, "room", argv[first], a.usage);
	r = client_do("POST", "bookings", a.body);
	if (cli.json)
		out_json(r);
	else if (json_object_get(r, "free") != NULL) {
		/* --dry-run */
		printf("%s: %lld occurrence(s) free, would be %s\n",
		    json_is_true(json_object_get(r, "free")) ? "free" : "not free",
		    (long long)json_integer_value(json_object_get(r, "booked")),
		    json_string_value(json_object_get(r, "status")));
		print_skipped(stdout, r, "conflicts");
	} else {
		printf("%lld\n", (long long)json_integer_value(
		    json_object_get(r, "id")));
		fprintf(stderr, "booking %lld: %s, %lld occurrence(s) held\n",
		    (long long)json_integer_value(json_object_get(r, "id")),
		    json_string_value(json_object_get(r, "status")),
		    (long long)json_integer_value(json_object_get(r, "held")));
		print_skipped(stderr, r, "skipped");
	}
	json_decref(r);
	return EX_OK;
}

int
cmd_booking(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	struct args a = { NULL, json_object() };
	char path[2300], u[96];
	json_t *r;
	int first;
	long long id;

	if (strcmp(verb, "list") == 0) {
		const char *room, *status;
		char *e1 = NULL, *e2 = NULL;

		a.usage = USAGE_LIST;
		first = parse_opts(argc - 1, argv + 1, a.usage, list_opts,
		    on_opt, &a) + 1;
		if (first < argc)
			usage_error(a.usage, "unexpected argument \"%s\"",
			    argv[first]);
		room = json_string_value(json_object_get(a.body, "room"));
		status = json_string_value(json_object_get(a.body, "status"));
		if (room)
			e1 = client_escape(room);
		if (status)
			e2 = client_escape(status);
		snprintf(path, sizeof(path), "bookings%s%s%s%s%s",
		    room || status ? "?" : "", room ? "room=" : "",
		    room ? e1 : "", room && status ? "&" : "",
		    status ? "status=" : "");
		if (status)
			strncat(path, e2, sizeof(path) - strlen(path) - 1);
		free(e1);
		free(e2);
		json_decref(a.body);
		r = client_do("GET", path, NULL);
		out_table(r, list_cols);
		json_decref(r);
		return EX_OK;
	}
	if (strcmp(verb, "show") == 0 || strcmp(verb, "approve") == 0 ||
	    strcmp(verb, "decline") == 0 || strcmp(verb, "cancel") == 0 ||
	    strcmp(verb, "restore") == 0) {
		a.usage = verb[0] == 'd' ? USAGE_DECLINE : verb[0] == 'c' ?
		    USAGE_CANCEL : verb[0] == 'r' ? USAGE_RESTORE :
		    (snprintf(u, sizeof(u), "herstelctl booking %s ID", verb), u);
		first = parse_opts(argc - 1, argv + 1, a.usage,
		    verb[0] == 's' || verb[0] == 'a' ? NULL : act_opts, on_opt,
		    &a) + 1;
		if (first >= argc)
			usage_error(a.usage, "which booking? give its ID");
		if (first + 1 < argc)
			usage_error(a.usage, "unexpected argument \"%s\"",
			    argv[first + 1]);
		id = parse_id(a.usage, "booking ID", argv[first]);
		if (json_object_get(a.body, "reason") && verb[0] != 'd')
			usage_error(a.usage, "--reason is for decline");
		if (verb[0] == 'r' && !json_object_get(a.body, "occurrence"))
			usage_error(a.usage, "--occurrence is required");
		if (verb[0] == 's') {
			json_decref(a.body);
			snprintf(path, sizeof(path), "bookings/%lld", id);
			r = client_do("GET", path, NULL);
		} else {
			snprintf(path, sizeof(path), "bookings/%lld/%s", id, verb);
			r = client_do("POST", path, a.body);
		}
		out_object(r, show_cols);
		if (!cli.json && json_array_size(json_object_get(r,
		    "not_held")) > 0) {
			printf("\nNot held (restore with: herstelctl booking "
			    "restore %lld --occurrence DATE):\n", id);
			out_table(json_object_get(r, "not_held"), not_held_cols);
		}
		json_decref(r);
		return EX_OK;
	}
	json_decref(a.body);
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		printf("usage: %s\n", USAGE);
		return EX_OK;
	}
	fprintf(stderr, "herstelctl: booking: unknown verb \"%s\"\nusage: %s\n",
	    verb, USAGE);
	return EX_USAGE;
}
