/*
 * herstelctl: the administration CLI of hersteld.  It parses the command
 * line, calls the daemon's JSON API and prints the answer; every rule is
 * the daemon's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cli.h"
#include "hersteld/proto.h"

struct cli cli;

static const struct {
	const char	*noun;
	int		(*fn)(int, char **);
	const char	*what;
} nouns[] = {
	{ "location",	cmd_location,	"locations and their opening hours" },
	{ "room",	cmd_room,	"rooms of a location" },
	{ "closure",	cmd_closure,	"closures of a location or room" },
	{ "group",	cmd_group,	"support groups, partners, the municipality" },
	{ "event",	cmd_event,	"sessions: single or recurring" },
	{ "book",	cmd_book,	"book a room, once or as a series" },
	{ "booking",	cmd_booking,	"room bookings: list, approve, decline, cancel" },
	{ "feed",	cmd_feed,	"calendar feeds to subscribe to" },
	{ "import",	cmd_import,	"load a yearly plan from an .ics file" },
	{ "participant", cmd_participant, "participants: add, list, show, edit, forget, follow" },
	{ "register",	cmd_register,	"register a participant for an event" },
	{ "unregister",	cmd_register,	"undo a registration" },
	{ "checkin",	cmd_register,	"count a participant in at a session" },
	{ "attendees",	cmd_attendees,	"who goes to an event (counts for anonymous groups)" },
	{ "followup",	cmd_followup,	"mail a session's notes to everyone who came" },
	{ "outbox",	cmd_outbox,	"mail waiting, sent and failed; retry" },
	{ "cohost",	cmd_cohost,	"groups that co-host an event" },
	{ "topic",	cmd_topic,	"topics of a session: suggest, vote, accept" },
	{ "signal",	cmd_signal,	"signals parents raised: record, export, close" },
	{ "attendance",	cmd_attendance,	"how many came to a session" },
	{ "report",	cmd_report,	"accountability: groups and rooms" },
	{ "audit",	cmd_audit,	"who changed what, when (admin)" },
	{ "backup",	cmd_backup,	"a consistent copy of the database (admin)" },
	{ "token",	cmd_token,	"API tokens for remote use" },
};

static void
usage(FILE *fp, int code)
{
	fprintf(fp, "usage: herstelctl [--socket PATH | --url URL [--token T]] "
	    "[--json] NOUN VERB ...\n\nnouns:\n");
	for (size_t i = 0; i < sizeof(nouns) / sizeof(nouns[0]); i++)
		fprintf(fp, "  %-12s %s\n", nouns[i].noun, nouns[i].what);
	fprintf(fp, "\nThe daemon is found at --socket, --url, $HERSTEL_URL, "
	    "$HERSTEL_SOCKET,\n./%s (when it exists), or %s, in that order.\n"
	    "'herstelctl NOUN --help' lists a noun's verbs.\n", DEFAULT_SOCKET,
	    INSTALLED_SOCKET);
	exit(code);
}

int
main(int argc, char *argv[])
{
	const char *sock = NULL, *url = NULL, *token = NULL;
	int i, rc;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		const char **slot = NULL;

		if (strcmp(a, "--json") == 0) {
			cli.json = 1;
			continue;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			usage(stdout, EX_OK);
		else if (strcmp(a, "--version") == 0) {
			printf("herstelctl %s\n", HERSTELD_VERSION);
			return EX_OK;
		} else if (strcmp(a, "--socket") == 0)
			slot = &sock;
		else if (strcmp(a, "--url") == 0)
			slot = &url;
		else if (strcmp(a, "--token") == 0)
			slot = &token;
		else if (strncmp(a, "--socket=", 9) == 0) {
			sock = a + 9;
			continue;
		} else if (strncmp(a, "--url=", 6) == 0) {
			url = a + 6;
			continue;
		} else if (strncmp(a, "--token=", 8) == 0) {
			token = a + 8;
			continue;
		} else {
			fprintf(stderr, "herstelctl: unknown option %s\n", a);
			usage(stderr, EX_USAGE);
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "herstelctl: %s needs a value\n", a);
			return EX_USAGE;
		}
		*slot = argv[++i];
	}
	if (i >= argc)
		usage(stderr, EX_USAGE);
	if (sock != NULL && url != NULL) {
		fprintf(stderr, "herstelctl: give --socket or --url, not both\n");
		return EX_USAGE;
	}

	if (url == NULL && sock == NULL) {
		url = getenv("HERSTEL_URL");
		if (url != NULL && *url == '\0')
			url = NULL;
		if (url == NULL && (sock = getenv("HERSTEL_SOCKET")) != NULL &&
		    *sock == '\0')
			sock = NULL;
	}
	if (url == NULL && sock == NULL)
		sock = access(DEFAULT_SOCKET, F_OK) == 0 ? DEFAULT_SOCKET :
		    INSTALLED_SOCKET;
	if (token == NULL && (token = getenv("HERSTEL_TOKEN")) != NULL &&
	    *token == '\0')
		token = NULL;
	if (url != NULL && strncmp(url, "http://", 7) &&
	    strncmp(url, "https://", 8)) {
		fprintf(stderr, "herstelctl: --url must start with http:// or "
		    "https://\n");
		return EX_USAGE;
	}
	cli.socket = sock;
	cli.url = url;
	cli.token = token;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (size_t n = 0; n < sizeof(nouns) / sizeof(nouns[0]); n++)
		if (strcmp(argv[i], nouns[n].noun) == 0) {
			rc = nouns[n].fn(argc - i, argv + i);
			curl_global_cleanup();
			return rc;
		}
	fprintf(stderr, "herstelctl: unknown command \"%s\"\n", argv[i]);
	usage(stderr, EX_USAGE);
}
