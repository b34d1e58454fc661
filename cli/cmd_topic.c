/*
 * herstelctl topic suggest|vote|list|accept|reject|allow|ideas
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define USAGE_SUGGEST "herstelctl topic suggest EVENT TEXT [--participant P]"
#define USAGE_VOTE "herstelctl topic vote TOPIC [--participant P]"
#define USAGE_LIST "herstelctl topic list EVENT"
#define USAGE_ACCEPT "herstelctl topic accept TOPIC"
#define USAGE_REJECT "herstelctl topic reject TOPIC"
#define USAGE_ALLOW "herstelctl topic allow TOPIC"
#define USAGE_IDEAS "herstelctl topic ideas EVENT on|off"
#define USAGE "herstelctl topic suggest|vote|list|accept|reject|allow|ideas " \
	"...\n  " USAGE_SUGGEST "\n  " USAGE_VOTE "\n  " USAGE_LIST "\n  " \
	USAGE_ACCEPT "\n  " USAGE_REJECT "\n  " USAGE_ALLOW "\n  " \
	USAGE_IDEAS "\n" \
	"P is a participant's id or email address: suggest or vote on their " \
	"behalf.\nWithout it the vote is yours (one per token, the socket " \
	"counts as the admin).\nOne vote per voter per topic.  When the event " \
	"is published, its accepted\ntopics are added to its description " \
	"(\"Onderwerpen: ...\").\n" \
	"topic ideas EVENT on opens a proposal on the web: its page shows the " \
	"topics\nand their votes, and people with a personal link vote and " \
	"suggest there.\nA suggestion from the web is shown only once you " \
	"allow or accept it."

static const struct column cols[] = {
	{ "ID", "id", COL_INT },
	{ "VOTES", "votes", COL_INT },
	{ "STATUS", "status", COL_TEXT },
	{ "SHOWN", "shown", COL_BOOL },
	{ "FROM", "from", COL_TEXT },
	{ "TOPIC", "text", COL_TEXT },
	{ NULL, NULL, 0 }
};

static const struct option p_opts[] = {
	{ "participant", required_argument, NULL, 'p' },
	{ NULL, 0, NULL, 0 }
};

static void
on_p(int ch, const char *val, void *arg)
{
	(void)ch;
	*(const char **)arg = val;
}

int
cmd_topic(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "", *participant = NULL;
	char path[256];
	long long id;
	json_t *r, *body;
	int first;

	if (strcmp(verb, "suggest") == 0) {
		first = parse_opts(argc - 1, argv + 1, USAGE_SUGGEST, p_opts,
		    on_p, &participant) + 1;
		if (first + 2 > argc)
			usage_error(USAGE_SUGGEST, "give the EVENT and the topic's "
			    "TEXT");
		if (first + 2 < argc)
			usage_error(USAGE_SUGGEST, "unexpected argument \"%s\" "
			    "(quote the topic's text)", argv[first + 2]);
		id = parse_id(USAGE_SUGGEST, "event ID", argv[first]);
		body = json_pack("{s:I}", "event", (json_int_t)id);
		set_str(body, "text", argv[first + 1], USAGE_SUGGEST);
		set_str(body, "participant", participant, USAGE_SUGGEST);
		r = client_do("POST", "topics", body);
		out_id(r);
	} else if (strcmp(verb, "ideas") == 0) {
		first = parse_opts(argc - 1, argv + 1, USAGE_IDEAS, NULL, NULL,
		    NULL) + 1;
		if (first + 2 > argc)
			usage_error(USAGE_IDEAS, "give the EVENT and on or off");
		if (first + 2 < argc)
			usage_error(USAGE_IDEAS, "unexpected argument \"%s\"",
			    argv[first + 2]);
		id = parse_id(USAGE_IDEAS, "event ID", argv[first]);
		if (strcmp(argv[first + 1], "on") && strcmp(argv[first + 1],
		    "off"))
			usage_error(USAGE_IDEAS, "say on or off, not \"%s\"",
			    argv[first + 1]);
		snprintf(path, sizeof(path), "ideas/%lld", id);
		r = client_do(argv[first + 1][1] == 'n' ? "POST" : "DELETE",
		    path, NULL);
		if (cli.json)
			out_json(r);
		else
			printf("event %lld: %s for ideas on the web\n", id,
			    argv[first + 1][1] == 'n' ? "open" : "closed");
	} else if (strcmp(verb, "vote") == 0 || strcmp(verb, "accept") == 0 ||
	    strcmp(verb, "reject") == 0 || strcmp(verb, "allow") == 0) {
		const char *usage = verb[0] == 'v' ? USAGE_VOTE :
		    strcmp(verb, "accept") == 0 ? USAGE_ACCEPT :
		    verb[0] == 'r' ? USAGE_REJECT : USAGE_ALLOW;

		first = parse_opts(argc - 1, argv + 1, usage, verb[0] == 'v' ?
		    p_opts : NULL, on_p, &participant) + 1;
		if (first >= argc)
			usage_error(usage, "which topic? give its ID (see "
			    "herstelctl topic list EVENT)");
		if (first + 1 < argc)
			usage_error(usage, "unexpected argument \"%s\"",
			    argv[first + 1]);
		id = parse_id(usage, "topic ID", argv[first]);
		body = NULL;
		if (participant) {
			body = json_object();
			set_str(body, "participant", participant, usage);
		}
		snprintf(path, sizeof(path), "topics/%lld/%s", id, verb);
		r = client_do("POST", path, body);
		if (cli.json)
			out_json(r);
		else
			printf("topic %lld: %s, %lld vote%s\n", id,
			    json_string_value(json_object_get(r, "status")),
			    (long long)json_integer_value(json_object_get(r,
			    "votes")), json_integer_value(json_object_get(r,
			    "votes")) == 1 ? "" : "s");
	} else if (strcmp(verb, "list") == 0) {
		first = parse_opts(argc - 1, argv + 1, USAGE_LIST, NULL, NULL,
		    NULL) + 1;
		if (first >= argc)
			usage_error(USAGE_LIST, "which event? give its ID");
		if (first + 1 < argc)
			usage_error(USAGE_LIST, "unexpected argument \"%s\"",
			    argv[first + 1]);
		id = parse_id(USAGE_LIST, "event ID", argv[first]);
		snprintf(path, sizeof(path), "topics?event=%lld", id);
		r = client_do("GET", path, NULL);
		out_table(r, cols);
	} else if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
		printf("usage: %s\n", USAGE);
		return EX_OK;
	} else {
		fprintf(stderr, "herstelctl: topic: unknown verb \"%s\"\n"
		    "usage: %s\n", verb, USAGE);
		return EX_USAGE;
	}
	json_decref(r);
	return EX_OK;
}
