/*
 * herstelctl internals: the global options, the HTTP client that talks to
 * hersteld, table and JSON output, and one entry point per noun.
 */
#ifndef HERSTELCTL_CLI_H
#define HERSTELCTL_CLI_H

#include <getopt.h>
#include <jansson.h>

struct cli {
	const char	*socket;	/* UNIX socket path, or NULL */
	const char	*url;		/* base URL for HTTP(S), or NULL */
	const char	*token;		/* bearer token for --url */
	int		 json;		/* --json */
};
extern struct cli cli;

/*
 * Call the API: method, path below /api/v1 (already escaped), body (stolen;
 * may be NULL).  On success returns the answer (new reference; json null
 * for an empty body).  On any failure prints one line and exits with a
 * sysexits code: 69 when the daemon cannot be reached, 65 for bad input,
 * 77 for a refused token, 70 for a server fault.
 */
json_t	*client_do(const char *method, const char *path, json_t *body);

/* URL-escape s for a path segment or query value; caller frees. */
char	*client_escape(const char *s);

/* Column kinds for tables. */
/*
 * COL_SPAN shows the object's "start" and "end" together:
 * "2026-12-03 19:00-21:00" (key is ignored).
 */
enum col_kind { COL_TEXT, COL_INT, COL_BOOL, COL_TIME, COL_LIST, COL_DATE,
	COL_SPAN };

struct column {
	const char	*header;
	const char	*key;
	enum col_kind	 kind;
};

/* Print an array of objects as an aligned table (or JSON with --json). */
void	out_table(json_t *rows, const struct column *cols);
/* Print one object as "Header: value" lines (or JSON with --json). */
void	out_object(json_t *obj, const struct column *cols);
/* Print a JSON value, indented. */
void	out_json(json_t *);
/* What `add` prints: the new object's id (or the object with --json). */
void	out_id(json_t *obj);
/* A cell's text for col; returns buf. */
const char *out_cell(json_t *obj, const struct column *col, char *buf,
	    size_t len);

/*
 * What --help says about times, for every noun whose verbs take them.  The
 * daemon reads them (when_parse), in the zone of the place concerned.
 */
#define TIMES_HELP "Times are \"YYYY-MM-DD HH:MM\", ISO 8601 with an " \
	"offset, or a day and a time:\n\"today 19:00\", \"tomorrow 19:00\", " \
	"\"next tuesday 19:00\", \"+14d 10:00\";\nDutch too (\"morgen " \
	"19:00\", \"volgende di 19:00\").  A DATE is YYYY-MM-DD\nor such a " \
	"day (\"next tuesday +2w\").  See TIMES in herstelctl(1)."

/*
 * closure add, and room edit --out-of-service (room_only: the operand
 * must be LOC/ROOM): argv[0] is the verb, the options as closure add
 * takes them; prints what the closure hits.
 */
int	closure_add_argv(int argc, char **argv, const char *usage,
	    int room_only);

/*
 * Usage errors: print "herstelctl: NOUN VERB: message" and the usage line,
 * exit 64.
 */
void	usage_error(const char *usage, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/*
 * Parse options for a verb with getopt_long.  Handles --help (prints usage,
 * exits 0) and unknown options (exit 64).  Calls cb for each other option;
 * returns the index of the first operand.
 */
int	parse_opts(int argc, char **argv, const char *usage,
	    const struct option *opts, void (*cb)(int, const char *, void *),
	    void *arg);

/*
 * The one operand argv[first], a slug naming a `what` (location, group),
 * URL-escaped for a path; a usage error when missing, empty, with a '/',
 * or followed by more operands.  Caller frees.
 */
char	*slug_arg(int argc, char **argv, int first, const char *usage,
	    const char *what);

/* A positive whole number, or a usage error naming the option. */
long	parse_count(const char *usage, const char *opt, const char *s);

/* An object id (1 .. 2^53), or a usage error naming what it is. */
long long parse_id(const char *usage, const char *what, const char *s);

/* Add a string member when s is not NULL; a usage error for bad UTF-8. */
void	set_str(json_t *o, const char *key, const char *s, const char *usage);

/* Print rows as CSV with a header row of the column headers (csv.c). */
void	out_csv(json_t *rows, const struct column *cols);

/* Append "?key=val" or "&key=val" (val URL-escaped) to q (len bytes). */
void	query_add(char *q, size_t len, const char *key, const char *val);

/*
 * Nouns whose verbs are data (noun.c).  A noun that adds, lists, shows,
 * edits and removes objects through one API collection is described by a
 * struct noun_spec; noun_run() maps argv to the one API call and prints the
 * answer.  Verbs that need their own code are functions in the table.
 */

/* How an object of a noun is named on the command line. */
enum noun_key {
	KEY_SLUG,		/* SLUG, sent as is (location, group) */
	KEY_ROOM,		/* LOC/ROOM */
	KEY_WHO,		/* ID|EMAIL of a participant */
	KEY_ID			/* a numeric id */
};

/* What an option puts into the request body. */
enum opt_type {
	OPT_STRING,		/* the value, as a string (a list is "a,b") */
	OPT_INT,		/* a positive whole number */
	OPT_TRUE,		/* a flag: the field becomes true */
	OPT_FALSE		/* a flag: the field becomes false */
};

/* Option flags. */
#define OPT_REQUIRED	0x1	/* add refuses to go without it */
#define OPT_EDIT_ONLY	0x2	/* only edit takes it */

struct noun_opt {
	const char	*name;		/* long option, without "--" */
	const char	*field;		/* JSON member it sets */
	enum opt_type	 type;
	int		 flags;		/* OPT_REQUIRED, OPT_EDIT_ONLY */
};

enum verb_kind {
	VERB_ADD,	/* POST path (key in key_field), print the new id */
	VERB_LIST,	/* GET path, print a table */
	VERB_SHOW,	/* method (GET) path/KEY suffix, print the object */
	VERB_EDIT,	/* PATCH path/KEY with the options, print the object */
	VERB_REMOVE,	/* DELETE path/KEY, print done (or nothing) */
	VERB_CALL	/* its own code: fn(argc, argv) as for cmd_* */
};

struct verb_spec {
	const char	*name;
	enum verb_kind	 kind;
	const char	*usage;		/* "herstelctl NOUN VERB ..." */
	int		(*fn)(int, char **);	/* VERB_CALL */
	const char	*method;	/* VERB_SHOW: NULL for GET */
	const char	*suffix;	/* VERB_SHOW: after path/KEY, or NULL */
	const char	*done;		/* VERB_REMOVE: printf format of one
					   integer, or NULL to print nothing */
	const char	*done_field;	/* VERB_REMOVE: that integer's member */
};

struct noun_spec {
	const char		*name;		/* "group" */
	const char		*synopsis;	/* first usage line; NULL:
						   "herstelctl NOUN a|b|c ..." */
	const char		*help_tail;	/* after the verbs, or NULL */
	const char		*path;		/* API collection: "groups" */
	enum noun_key		 key;
	const char		*what;		/* the object, in errors */
	const char		*key_field;	/* add sends the key in it;
						   NULL: add takes no operand */
	const char		*list_filter;	/* list [OPERAND] is sent as
						   ?list_filter=OPERAND */
	const struct noun_opt	*opts;		/* of add and edit */
	const struct column	*list_cols;
	const struct column	*show_cols;
	const struct verb_spec	*verbs;		/* ends with a NULL name */
};

/* Run argv (argv[0] the noun, argv[1] the verb); returns the exit code. */
int	noun_run(const struct noun_spec *, int argc, char **argv);

/*
 * The operand argv[first] naming a room, LOC/ROOM, escaped for a path as
 * "LOC/ROOM"; a usage error when missing, malformed or followed by more
 * operands.  Caller frees.
 */
char	*room_arg(int argc, char **argv, int first, const char *usage);

/*
 * The operand argv[first] naming a participant, ID|EMAIL, escaped for a
 * path; want is how many operands the verb takes from first on (more are
 * a usage error).  Caller frees.
 */
char	*who_arg(int argc, char **argv, int first, int want, const char *usage);

/*
 * EVENT [--occurrence DATE] [--file F] of register, unregister, checkin,
 * attendees and followup (occurrence.c).  Only followup sets files; the
 * others refuse --file.
 */
struct occ_args {
	const char	*usage;
	const char	*occurrence;
	const char	*file;
	int		 files;		/* --file allowed */
};

/* Parse the options into a; returns the index of the first operand. */
int	occ_parse(int argc, char **argv, struct occ_args *a);
/* The EVENT operand argv[first], or a usage error. */
long long event_arg(int argc, char **argv, int first, const char *usage);

int	cmd_location(int argc, char **argv);
int	cmd_room(int argc, char **argv);
int	cmd_closure(int argc, char **argv);
int	cmd_group(int argc, char **argv);
int	cmd_event(int argc, char **argv);
int	cmd_token(int argc, char **argv);
int	cmd_book(int argc, char **argv);
int	cmd_booking(int argc, char **argv);
int	cmd_feed(int argc, char **argv);
int	cmd_import(int argc, char **argv);
int	cmd_participant(int argc, char **argv);
int	cmd_register(int argc, char **argv);	/* also unregister */
int	cmd_attendees(int argc, char **argv);
int	cmd_followup(int argc, char **argv);
int	cmd_outbox(int argc, char **argv);
int	cmd_cohost(int argc, char **argv);
int	cmd_topic(int argc, char **argv);
int	cmd_signal(int argc, char **argv);
int	cmd_attendance(int argc, char **argv);
int	cmd_report(int argc, char **argv);
int	cmd_audit(int argc, char **argv);
int	cmd_backup(int argc, char **argv);

#endif
