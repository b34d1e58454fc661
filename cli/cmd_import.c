/*
 * herstelctl import FILE.ics [--group G] [--kind K]
 *
 * Reads the file ("-": standard input), refuses what the daemon would
 * refuse anyway before sending 10 MiB (too large, not UTF-8, a content
 * line or an event's text past its cap: ics_caps.h), and sends it
 * as {"ics", "group", "kind"} to POST /api/v1/import.  Prints "N added,
 * M updated, K unchanged" and any warnings (skipped parts of the file) on
 * stderr; --json prints the daemon's answer.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "cli.h"
#include "hersteld/ics_caps.h"
#include "hersteld/proto.h"

#define USAGE "herstelctl import FILE.ics [--group G] [--kind K]\n" \
	"Loads a calendar file (a yearly plan exported from Outlook, Google or " \
	"another\nhersteld) as events: each event keeps its UID, and importing " \
	"the same file\nagain changes nothing.  FILE is at most 10 MiB of UTF-8; " \
	"\"-\" reads standard input.\n--group assigns the events to a group; " \
	"--kind is the kind of events whose\nCATEGORIES name none (default " \
	"overig)."

/* The daemon's limit (IMPORT_MAX_BYTES in include/hersteld/import.h). */
#define IMPORT_FILE_MAX	(10 * 1024 * 1024)

static const struct option opts[] = {
	{ "group", required_argument, NULL, 'g' },
	{ "kind", required_argument, NULL, 'k' },
	{ NULL, 0, NULL, 0 }
};

struct args {
	json_t	*body;
};

static void
on_opt(int ch, const char *val, void *arg)
{
	struct args *a = arg;

	set_str(a->body, ch == 'g' ? "group" : "kind", val, USAGE);
}

/*
 * Read all of fp (at most IMPORT_FILE_MAX bytes) into a new NUL-terminated
 * buffer; *len is its length.  NULL with why[] filled and *code set.
 */
static char *
slurp(FILE *fp, size_t *len, char *why, size_t whylen, int *code)
{
	size_t cap = 64 * 1024, n = 0, got;
	char *buf, *nb;
	struct stat st;

	*code = EX_DATAERR;
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > IMPORT_FILE_MAX) {
		snprintf(why, whylen, "the file is larger than 10 MiB (%lld "
		    "bytes); split the plan into smaller files",
		    (long long)st.st_size);
		return NULL;
	}
	if ((buf = malloc(cap + 1)) == NULL)
		goto oom;
	while ((got = fread(buf + n, 1, cap - n, fp)) > 0) {
		n += got;
		if (n > IMPORT_FILE_MAX) {
			free(buf);
			snprintf(why, whylen, "the file is larger than 10 MiB; "
			    "split the plan into smaller files");
			return NULL;
		}
		if (n == cap) {
			cap *= 2;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				free(buf);
				goto oom;
			}
			buf = nb;
		}
	}
	if (ferror(fp)) {
		free(buf);
		*code = EX_IOERR;
		snprintf(why, whylen, "cannot be read");
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
oom:
	*code = EX_OSERR;
	snprintf(why, whylen, "out of memory");
	return NULL;
}

/* The line of the first byte that is not UTF-8 (or a NUL), or 0. */
static long
bad_utf8_line(const unsigned char *s, size_t n, int *nul)
{
	long line = 1;

	*nul = 0;
	for (size_t i = 0; i < n; ) {
		unsigned c = s[i];
		int extra;
		unsigned cp, min;

		if (c == '\n')
			line++;
		if (c == 0) {
			*nul = 1;
			return line;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			extra = 1; min = 0x80; cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			extra = 2; min = 0x800; cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			extra = 3; min = 0x10000; cp = c & 0x07;
		} else
			return line;
		if (i + (size_t)extra >= n)
			return line;
		for (int k = 1; k <= extra; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return line;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return line;
		i += extra + 1;
	}
	return 0;
}

/*
 * CRLF to LF in place (line numbers stay; libical reads both): a line
 * break then costs two bytes of JSON instead of four.
 */
static size_t
lf_only(char *s, size_t n)
{
	size_t w = 0;

	for (size_t r = 0; r < n; r++)
		if (!(s[r] == '\r' && r + 1 < n && s[r + 1] == '\n'))
			s[w++] = s[r];
	s[w] = '\0';
	return w;
}

/* Up to ICS_DEPTH nested components are followed; deeper ones are the
 * daemon's to refuse. */
#define ICS_DEPTH	8

/* The innermost component open, as the lines say: "" when unknown. */
struct nest {
	char	name[ICS_DEPTH][32];
	int	depth;			/* may pass ICS_DEPTH */
};

static void
nest_line(struct nest *n, const char *u)
{
	size_t len;

	if (strncasecmp(u, "BEGIN:", 6) == 0) {
		if (n->depth < ICS_DEPTH) {
			len = strcspn(u + 6, ";:\t ");
			snprintf(n->name[n->depth], sizeof(n->name[0]), "%.*s",
			    (int)len, u + 6);
			for (char *p = n->name[n->depth]; *p; p++)
				*p = (char)toupper((unsigned char)*p);
		}
		n->depth++;
	} else if (strncasecmp(u, "END:", 4) == 0 && n->depth > 0)
		n->depth--;
}

static const char *
nest_top(const struct nest *n)
{
	return n->depth > 0 && n->depth <= ICS_DEPTH ?
	    n->name[n->depth - 1] : "";
}

/* The value of an unfolded content line: after the first ':' that is not
 * inside a quoted parameter value; NULL when there is none. */
static const char *
value_of(const char *u)
{
	int quoted = 0;

	for (; *u; u++)
		if (*u == '"')
			quoted = !quoted;
		else if (*u == ':' && !quoted)
			return u + 1;
	return NULL;
}

/*
 * One logical line [off, end) of t, starting on line `line`: past a cap?
 * buf (ICS_CAP_LINE + 1 bytes) takes it unfolded.  0, or -1 with msg.
 */
static int
line_capped(const char *t, size_t off, size_t end, long line, char *buf,
    struct nest *n, char *msg, size_t msglen)
{
	size_t k = 0;
	char name[32];
	const char *v;
	long cap, chars;

	if (end - off > ICS_CAP_LINE) {
		snprintf(msg, msglen, "line %ld: a content line longer than 1 "
		    "MiB (an attachment?): leave it out of the file", line);
		return -1;
	}
	for (size_t i = off; i < end; i++) {
		if (t[i] == '\r' && i + 1 < end && t[i + 1] == '\n')
			continue;
		if (t[i] == '\n') {
			i++;		/* the fold's space or tab */
			continue;
		}
		buf[k++] = t[i];
	}
	buf[k] = '\0';
	nest_line(n, buf);
	k = strspn(buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-");
	if (k == 0 || k >= sizeof(name) || strcmp(nest_top(n), "VEVENT") != 0)
		return 0;
	for (size_t i = 0; i < k; i++)
		name[i] = (char)toupper((unsigned char)buf[i]);
	name[k] = '\0';
	if ((cap = ics_cap_of(name)) < 0 || (v = value_of(buf + k)) == NULL ||
	    (chars = ics_text_chars(v)) <= cap + ICS_CAP_SLACK)
		return 0;
	snprintf(msg, msglen, "line %ld: %s is too long: %ld characters, at "
	    "most %ld", line, name, chars, cap);
	return -1;
}

/*
 * The first content line past a cap of ics_caps.h, read as the daemon
 * reads them (ics_lines.c): it refuses the same line with the same words,
 * but only after the whole file has been sent and parsed.  Lines of other
 * faults are left to the daemon.  0, or an exit code with msg.
 */
static int
first_capped(const char *t, size_t len, char *msg, size_t msglen)
{
	const char *p = t, *end = t + len;
	size_t cur_off = 0, cur_end = 0;
	long lineno = 0, cur_line = 0;
	struct nest n = { .depth = 0 };
	char *buf;
	int have = 0, rc = 0;

	if ((buf = malloc(ICS_CAP_LINE + 1)) == NULL) {
		snprintf(msg, msglen, "out of memory");
		return EX_OSERR;
	}
	if (len >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *ce = nl ? nl : end;

		if (ce > p && ce[-1] == '\r')
			ce--;
		lineno++;
		if (ce > p && (*p == ' ' || *p == '\t') && have) {
			cur_end = (size_t)(ce - t);
			/* Past the cap before the line is whole. */
			if (cur_end - cur_off > ICS_CAP_LINE)
				rc = line_capped(t, cur_off, cur_end, cur_line,
				    buf, &n, msg, msglen);
		} else {
			if (have)
				rc = line_capped(t, cur_off, cur_end, cur_line,
				    buf, &n, msg, msglen);
			have = ce > p;
			cur_off = (size_t)(p - t);
			cur_end = (size_t)(ce - t);
			cur_line = lineno;
		}
		p = nl ? nl + 1 : end;
	}
	if (rc == 0 && have)
		rc = line_capped(t, cur_off, cur_end, cur_line, buf, &n, msg,
		    msglen);
	free(buf);
	return rc ? EX_DATAERR : 0;
}

/* What s takes as a JSON string, as jansson writes it. */
static size_t
json_size(const char *s, size_t n)
{
	size_t out = 2;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		out += c == '"' || c == '\\' || c == '\n' || c == '\r' ||
		    c == '\t' || c == '\b' || c == '\f' ? 2 : c < 0x20 ? 6 : 1;
	}
	return out;
}

int
cmd_import(int argc, char **argv)
{
	struct args a = { json_object() };
	const char *path;
	FILE *fp;
	char *text, msg[160];
	size_t len;
	long line;
	int first, nul, code;
	json_t *r, *w;
	size_t i;

	first = parse_opts(argc, argv, USAGE, opts, on_opt, &a);
	if (first >= argc)
		usage_error(USAGE, "which file? give the .ics file to import");
	if (first + 1 < argc)
		usage_error(USAGE, "unexpected argument \"%s\"", argv[first + 1]);
	path = argv[first];
	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "herstelctl: import: cannot open %s: %s\n", path,
		    strerror(errno));
		json_decref(a.body);
		return EX_NOINPUT;
	}
	text = slurp(fp, &len, msg, sizeof(msg), &code);
	if (fp != stdin)
		fclose(fp);
	if (text != NULL &&
	    (line = bad_utf8_line((const unsigned char *)text, len, &nul)) > 0) {
		snprintf(msg, sizeof(msg), nul ? "line %ld: a NUL byte: this is "
		    "not an iCalendar text file" : "line %ld is not UTF-8: save "
		    "the file as UTF-8 and try again", line);
		code = EX_DATAERR;
		free(text);
		text = NULL;
	}
	if (text != NULL) {
		len = lf_only(text, len);
		if ((code = first_capped(text, len, msg, sizeof(msg))) != 0) {
			free(text);
			text = NULL;
		} else if (json_size(text, len) + 1024 > API_MAX_IMPORT) {
			snprintf(msg, sizeof(msg), "too large to send once encoded "
			    "(more than 10 MiB); split the plan into smaller "
			    "files");
			code = EX_DATAERR;
			free(text);
			text = NULL;
		}
	}
	if (text == NULL) {
		fprintf(stderr, "herstelctl: import: %s: %s\n", path, msg);
		json_decref(a.body);
		return code;
	}
	json_object_set_new(a.body, "ics", json_stringn(text, len));
	free(text);
	r = client_do("POST", "import", a.body);	/* body is gone now */
	if (cli.json)
		out_json(r);
	else {
		printf("%lld added, %lld updated, %lld unchanged\n",
		    (long long)json_integer_value(json_object_get(r, "added")),
		    (long long)json_integer_value(json_object_get(r, "updated")),
		    (long long)json_integer_value(json_object_get(r,
		    "unchanged")));
		json_array_foreach(json_object_get(r, "warnings"), i, w)
			fprintf(stderr, "herstelctl: warning: %s\n",
			    json_string_value(w));
	}
	json_decref(r);
	return EX_OK;
}
