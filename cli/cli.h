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

#endif
