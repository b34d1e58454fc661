/*
 * The content lines of an iCalendar text (RFC 5545 3.1), read with their
 * line numbers: unfolding, the NAME;PARAM=VALUE:VALUE syntax, control
 * characters and BEGIN/END nesting, within the caller's limits.  libical
 * parses the same text but forgets where things were; the import walks
 * libical's tree alongside this one so that every refusal can name the
 * line to look at.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hersteld/ics_caps.h"
#include "hersteld/ics_lines.h"

#define ICS_MAX_DEPTH	8		/* nested components */

/* Components that only a VCALENDAR holds (RFC 5545 3.6, RFC 7953). */
static const char *top_levels[] = { "VEVENT", "VTODO", "VJOURNAL",
    "VFREEBUSY", "VTIMEZONE", "VAVAILABILITY", NULL };

static int
top_level(const char *name)
{
	for (int i = 0; top_levels[i]; i++)
		if (strcmp(name, top_levels[i]) == 0)
			return 1;
	return 0;
}

/* Fill f with "line N: ..." and remember the line; always -1. */
static int __attribute__((format(printf, 5, 6)))
lines_fault(struct ics_lines *s, long line, enum fault_kind kind,
    struct fault *f, const char *fmt, ...)
{
	char msg[sizeof(f->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (f->kind == FAULT_NONE)
		s->errline = line;
	return fault_set(f, kind, "line %ld: %s", line, msg);
}

/* The unfolded text of raw bytes [off, end) into s->buf; NULL: no memory. */
char *
ics_lines_unfold(struct ics_lines *s, size_t off, size_t end)
{
	size_t n = 0;

	if (end - off + 1 > s->bufcap) {
		char *nb = realloc(s->buf, end - off + 1);
		if (nb == NULL)
			return NULL;
		s->buf = nb;
		s->bufcap = end - off + 1;
	}
	for (size_t i = off; i < end; i++) {
		char c = s->text[i];

		/* Every line break inside is a fold: CR? LF then one blank. */
		if (c == '\r' && i + 1 < end && s->text[i + 1] == '\n')
			continue;
		if (c == '\n') {
			i++;		/* the space or tab */
			continue;
		}
		s->buf[n++] = c;
	}
	s->buf[n] = '\0';
	return s->buf;
}

/* A short, printable quote of a line for messages. */
void
ics_lines_quote(const char *line, char *out, size_t len)
{
	snprintf(out, len, "%.60s%s", line, strlen(line) > 60 ? "..." : "");
	text_sanitize(out);
}

static void
upper_name(const char *p, size_t n, char *out)
{
	if (n >= ICS_NAME_LEN)
		n = ICS_NAME_LEN - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)toupper((unsigned char)p[i]);
	out[n] = '\0';
}

static int
name_char(int c)
{
	return isalnum(c) || c == '-';
}

/*
 * Check NAME *(;PARAM=VALUE*(,VALUE)):VALUE (RFC 5545 3.1); set *value to
 * the value.  0 or -1.
 */
static int
line_syntax(const char *u, const char **value, size_t *namelen)
{
	const char *q = u;

	while (name_char((unsigned char)*q))
		q++;
	if (q == u || (*q != ':' && *q != ';'))
		return -1;
	*namelen = (size_t)(q - u);
	while (*q == ';') {
		const char *pn = ++q;

		while (name_char((unsigned char)*q))
			q++;
		if (q == pn || *q != '=')
			return -1;
		do {
			q++;
			if (*q == '"') {
				const char *close = strchr(q + 1, '"');
				if (close == NULL)
					return -1;
				q = close + 1;
			} else
				while (*q && !strchr(";:,\"", *q))
					q++;
		} while (*q == ',');
		if (*q != ';' && *q != ':')
			return -1;
	}
	*value = q + 1;
	return 0;
}

static int
push_block(struct ics_lines *s, const char *name, long line, struct fault *f)
{
	struct ics_block *b;

	if (s->depth == ICS_MAX_DEPTH)
		return lines_fault(s, line, FAULT_INVALID, f, "components are "
		    "nested more than %d deep", ICS_MAX_DEPTH);
	if (s->nblocks == s->max_events * 8)
		return lines_fault(s, line, FAULT_INVALID, f, "more than %d "
		    "components; split the file", s->max_events * 8);
	if (strcmp(name, "VEVENT") == 0 && ++s->nevents > s->max_events)
		return lines_fault(s, line, FAULT_INVALID, f, "more than %d "
		    "events; split the file", s->max_events);
	if (s->nblocks == s->bcap) {
		int ncap = s->bcap ? s->bcap * 2 : 64;
		struct ics_block *nb = realloc(s->blocks, ncap * sizeof(*nb));
		if (nb == NULL)
			return fault_set(f, FAULT_INTERNAL, "out of memory");
		s->blocks = nb;
		s->bcap = ncap;
	}
	b = &s->blocks[s->nblocks];
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", name);
	b->parent = s->open;
	b->begin = line;
	b->first = s->nlines;
	s->open = s->nblocks++;
	s->depth++;
	return 0;
}

/*
 * A SUMMARY, DESCRIPTION or LOCATION of an event past its cap: refused
 * here, before libical spends time on it, with the message the import's
 * own check of the field gives.  rawlen (the line's bytes) is never less
 * than the characters of its value.
 */
static int
text_too_long(struct ics_lines *s, const char *name, const char *value,
    size_t rawlen, long line, struct fault *f)
{
	long cap, n;

	if (s->open < 0 || strcmp(s->blocks[s->open].name, "VEVENT") != 0 ||
	    (cap = ics_cap_of(name)) < 0 || rawlen <= (size_t)cap +
	    ICS_CAP_SLACK || (n = ics_text_chars(value)) <= cap + ICS_CAP_SLACK)
		return 0;
	return lines_fault(s, line, FAULT_INVALID, f, "%s is too long: %ld "
	    "characters, at most %ld", name, n, cap);
}

/* One unfolded content line starting on physical line `line`. */
static int
logical(struct ics_lines *s, size_t off, size_t end, long line,
    struct fault *f)
{
	const char *u, *value = NULL;
	char name[ICS_NAME_LEN], q[80];
	size_t namelen = 0;

	/* libical's parser takes time quadratic in the length of a line. */
	if (end - off > s->max_line)
		return lines_fault(s, line, FAULT_INVALID, f, "a content line "
		    "longer than 1 MiB (an attachment?): leave it out of the "
		    "file");
	if ((u = ics_lines_unfold(s, off, end)) == NULL)
		return fault_set(f, FAULT_INTERNAL, "out of memory");
	ics_lines_quote(u, q, sizeof(q));
	if (s->nblocks == 0 && strcasecmp(u, "BEGIN:VCALENDAR") != 0)
		return lines_fault(s, line, FAULT_INVALID, f, "not an iCalendar "
		    "file: it must begin with BEGIN:VCALENDAR, not \"%s\"", q);
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return lines_fault(s, line, FAULT_INVALID, f, "a control "
			    "character in \"%s\"", q);
	if (line_syntax(u, &value, &namelen))
		return lines_fault(s, line, FAULT_INVALID, f, "\"%s\" is not an "
		    "iCalendar content line (NAME:VALUE)", q);
	upper_name(u, namelen, name);
	if (strcmp(name, "BEGIN") == 0 || strcmp(name, "END") == 0) {
		char comp[ICS_NAME_LEN];
		size_t n = strlen(value);

		for (size_t i = 0; i < n; i++)
			if (!name_char((unsigned char)value[i]))
				n = 0;
		if (n == 0)
			return lines_fault(s, line, FAULT_INVALID, f, "\"%s\" "
			    "does not name a component", q);
		upper_name(value, n, comp);
		if (name[0] == 'B') {
			if (s->open < 0 && s->nblocks > 0)
				return lines_fault(s, line, FAULT_INVALID, f,
				    "BEGIN:%s after END:VCALENDAR (line %ld); "
				    "give one calendar per file", comp,
				    s->blocks[0].end);
			if (s->open >= 0 && strcmp(comp, "VCALENDAR") == 0)
				return lines_fault(s, line, FAULT_INVALID, f,
				    "BEGIN:VCALENDAR inside %s (line %ld)",
				    s->blocks[s->open].name,
				    s->blocks[s->open].begin);
			/* These live in the calendar itself, nowhere deeper:
			 * the open one lacks its END. */
			if (s->open > 0 && top_level(comp))
				return lines_fault(s, line, FAULT_INVALID, f,
				    "BEGIN:%s inside %s (BEGIN on line %ld): "
				    "END:%s is missing before it", comp,
				    s->blocks[s->open].name,
				    s->blocks[s->open].begin,
				    s->blocks[s->open].name);
			return push_block(s, comp, line, f);
		}
		if (s->open < 0)
			return lines_fault(s, line, FAULT_INVALID, f, "END:%s "
			    "without BEGIN:%s", comp, comp);
		if (strcmp(comp, s->blocks[s->open].name) != 0)
			return lines_fault(s, line, FAULT_INVALID, f, "END:%s, "
			    "but %s (BEGIN on line %ld) is still open: "
			    "END:%s is missing", comp, s->blocks[s->open].name,
			    s->blocks[s->open].begin, s->blocks[s->open].name);
		s->blocks[s->open].end = line;
		s->blocks[s->open].last = s->nlines;
		s->open = s->blocks[s->open].parent;
		s->depth--;
		return 0;
	}
	if (s->open < 0)
		return lines_fault(s, line, FAULT_INVALID, f, "%s after "
		    "END:VCALENDAR (line %ld)", name, s->blocks[0].end);
	if (s->text_caps && text_too_long(s, name, value, end - off, line, f))
		return -1;
	if (strcmp(name, "SEQUENCE") == 0) {
		size_t n = strlen(value);
		if (n == 0 || n > 9 || strspn(value, "0123456789") != n)
			return lines_fault(s, line, FAULT_INVALID, f, "SEQUENCE "
			    "\"%.20s\" is not a whole number", value);
	}
	if (s->nlines == s->lcap) {
		size_t ncap = s->lcap ? s->lcap * 2 : 256;
		struct ics_line *nl = realloc(s->lines, ncap * sizeof(*nl));
		if (nl == NULL)
			return fault_set(f, FAULT_INTERNAL, "out of memory");
		s->lines = nl;
		s->lcap = ncap;
	}
	s->lines[s->nlines].lineno = line;
	s->lines[s->nlines].off = off;
	s->lines[s->nlines].end = end;
	s->lines[s->nlines].block = s->open;
	snprintf(s->lines[s->nlines].name, ICS_NAME_LEN, "%s", name);
	s->nlines++;
	return 0;
}

int
ics_lines_scan(struct ics_lines *s, struct fault *f)
{
	const char *t = s->text, *end = t + s->len, *p = t;
	size_t cur_off = 0, cur_end = 0;
	long lineno = 0, cur_line = 0;
	int have = 0;

	s->open = -1;
	if (s->len >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0)
		p += 3;			/* a byte order mark */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *ce = nl ? nl : end;

		if (ce > p && ce[-1] == '\r')
			ce--;
		lineno++;
		if (ce > p && (*p == ' ' || *p == '\t')) {
			if (!have)
				return lines_fault(s, lineno, FAULT_INVALID, f,
				    "a folded line (it starts with a space) "
				    "with no line before it");
			cur_end = (size_t)(ce - t);
		} else {
			if (have && logical(s, cur_off, cur_end, cur_line, f))
				return -1;
			/* Blank lines are not content; they are let be. */
			have = ce > p;
			cur_off = (size_t)(p - t);
			cur_end = (size_t)(ce - t);
			cur_line = lineno;
		}
		p = nl ? nl + 1 : end;
	}
	if (have && logical(s, cur_off, cur_end, cur_line, f))
		return -1;
	s->last = lineno;
	if (s->nblocks == 0)
		return lines_fault(s, lineno ? lineno : 1, FAULT_INVALID, f,
		    "not an iCalendar file: it is empty");
	if (s->open >= 0)
		return lines_fault(s, lineno, FAULT_INVALID, f, "the file ends "
		    "inside %s (BEGIN on line %ld): END:%s is missing",
		    s->blocks[s->open].name, s->blocks[s->open].begin,
		    s->blocks[s->open].name);
	return 0;
}

/*
 * The line of the first property `name` of block b, preferring one whose
 * text has needle; the block's BEGIN line when it has no such property.
 */
long
ics_lines_line_of(const struct ics_lines *s, int b, const char *name,
    const char *needle)
{
	const struct ics_block *bl = &s->blocks[b];
	long first = 0;

	for (size_t i = bl->first; i < bl->last; i++) {
		const struct ics_line *l = &s->lines[i];
		if (l->block != b || strcmp(l->name, name) != 0)
			continue;
		if (first == 0)
			first = l->lineno;
		if (needle == NULL || memmem(s->text + l->off, l->end - l->off,
		    needle, strlen(needle)) != NULL)
			return l->lineno;
	}
	return first ? first : bl->begin;
}

/* The children of block b, in order: the next one after `after`. */
int
ics_lines_next_child(const struct ics_lines *s, int b, int after)
{
	for (int i = after + 1; i < s->nblocks; i++)
		if (s->blocks[i].parent == b)
			return i;
	return -1;
}

void
ics_lines_free(struct ics_lines *s)
{
	free(s->lines);
	free(s->blocks);
	free(s->buf);
}
