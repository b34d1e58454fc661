/*
 * Output for people (aligned tables, "Field: value" lines) and for scripts
 * (--json, the API's own JSON, indented).  Times arrive as ISO 8601 with
 * the offset of where they happen; tables show them as local wall clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

void
out_json(json_t *j)
{
	char *t = json_dumps(j, JSON_INDENT(2) | JSON_ENCODE_ANY);

	if (t) {
		printf("%s\n", t);
		free(t);
	}
}

const char *
out_cell(json_t *obj, const struct column *col, char *buf, size_t len)
{
	json_t *v = json_object_get(obj, col->key);
	const char *s;
	size_t i, off;

	buf[0] = '\0';
	if (col->kind == COL_SPAN) {
		const char *a = json_string_value(json_object_get(obj, "start"));
		const char *b = json_string_value(json_object_get(obj, "end"));

		const char *last = json_string_value(json_object_get(obj,
		    "last_day"));

		if (a == NULL || b == NULL || strlen(a) < 16 || strlen(b) < 16)
			return "-";
		/* A day event: its dates, without times. */
		if (last != NULL && strlen(last) >= 10) {
			if (strncmp(a, last, 10) == 0)
				snprintf(buf, len, "%.10s", a);
			else
				snprintf(buf, len, "%.10s - %.10s", a, last);
			return buf;
		}
		if (strncmp(a, b, 10) == 0)
			snprintf(buf, len, "%.10s %.5s-%.5s", a, a + 11, b + 11);
		else
			snprintf(buf, len, "%.10s %.5s - %.10s %.5s", a, a + 11,
			    b, b + 11);
		return buf;
	}
	if (v == NULL || json_is_null(v))
		return "-";
	switch (col->kind) {
	case COL_INT:
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		break;
	case COL_BOOL:
		snprintf(buf, len, "%s", json_is_true(v) ? "yes" : "no");
		break;
	case COL_TIME:
	case COL_DATE:
		/* 2026-12-03T19:00:00+01:00 -> 2026-12-03 19:00 */
		s = json_string_value(v);
		if (s == NULL)
			break;
		snprintf(buf, len, "%.*s", col->kind == COL_DATE ? 10 : 16, s);
		if (strlen(buf) > 10)
			buf[10] = ' ';
		break;
	case COL_LIST:
		off = 0;
		for (i = 0; i < json_array_size(v) && off < len; i++)
			off += snprintf(buf + off, len - off, "%s%s",
			    i ? "," : "",
			    json_string_value(json_array_get(v, i)) ?
			    json_string_value(json_array_get(v, i)) : "");
		break;
	case COL_TEXT:
	default:
		if (json_is_string(v))
			snprintf(buf, len, "%s", json_string_value(v));
		else if (json_is_integer(v))
			snprintf(buf, len, "%lld",
			    (long long)json_integer_value(v));
		else if (json_is_boolean(v))
			snprintf(buf, len, "%s", json_is_true(v) ? "yes" : "no");
		break;
	}
	return buf;
}

/* Display width of UTF-8 text: one column per character. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

void
out_table(json_t *rows, const struct column *cols)
{
	size_t ncol = 0, w[32], i, c;
	char buf[2048];

	if (cli.json) {
		out_json(rows);
		return;
	}
	while (cols[ncol].header && ncol < 32)
		ncol++;
	for (c = 0; c < ncol; c++)
		w[c] = width(cols[c].header);
	for (i = 0; i < json_array_size(rows); i++)
		for (c = 0; c < ncol; c++) {
			size_t cw = width(out_cell(json_array_get(rows, i),
			    &cols[c], buf, sizeof(buf)));
			if (cw > w[c])
				w[c] = cw > 60 ? 60 : cw;
		}
	for (c = 0; c < ncol; c++)
		printf("%s%-*s", c ? "  " : "", c + 1 < ncol ? (int)w[c] : 0,
		    cols[c].header);
	printf("\n");
	for (i = 0; i < json_array_size(rows); i++) {
		for (c = 0; c < ncol; c++) {
			const char *s = out_cell(json_array_get(rows, i),
			    &cols[c], buf, sizeof(buf));
			size_t sw = width(s);
			printf("%s%s", c ? "  " : "", s);
			if (c + 1 < ncol)
				for (; sw < w[c]; sw++)
					putchar(' ');
		}
		printf("\n");
	}
}

void
out_object(json_t *obj, const struct column *cols)
{
	char buf[16384], head[128];
	size_t w = 0;

	if (cli.json) {
		out_json(obj);
		return;
	}
	for (const struct column *c = cols; c->header; c++)
		if (width(c->header) > w)
			w = width(c->header);
	for (const struct column *c = cols; c->header; c++)
	{
		snprintf(head, sizeof(head), "%s:", c->header);
		printf("%-*s  %s\n", (int)w + 1, head,
		    out_cell(obj, c, buf, sizeof(buf)));
	}
}

void
out_id(json_t *obj)
{
	if (cli.json)
		out_json(obj);
	else if (json_object_get(obj, "id") == NULL &&
	    json_is_string(json_object_get(obj, "email")))
		/* An organizer's participant add: the address, not an id. */
		printf("%s\n", json_string_value(json_object_get(obj,
		    "email")));
	else
		printf("%lld\n", (long long)json_integer_value(
		    json_object_get(obj, "id")));
}

void
usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	/* One line: the problem, and where to read the grammar. */
	fprintf(stderr, "herstelctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	{
		/* "herstelctl NOUN" and, when the next word is a verb, it. */
		size_t noun = 11 + strcspn(usage + 11, " "), verb = noun;

		if (usage[noun] == ' ' && usage[noun + 1] >= 'a' &&
		    usage[noun + 1] <= 'z') {
			size_t w = strcspn(usage + noun + 1, " ");
			if (strspn(usage + noun + 1, "abcdefghijklmnopqrstuvwxyz")
			    == w)
				verb = noun + 1 + w;
		}
		fprintf(stderr, " (usage: %.*s --help)\n", (int)verb, usage);
	}
	exit(EX_USAGE);
}

int
parse_opts(int argc, char **argv, const char *usage, const struct option *opts,
    void (*cb)(int, const char *, void *), void *arg)
{
	struct option all[41];	/* 38 options, help, json, the end */
	int n = 0, ch;

	for (; opts && opts[n].name && n < 38; n++)
		all[n] = opts[n];
	all[n++] = (struct option){ "help", no_argument, NULL, 'H' };
	all[n++] = (struct option){ "json", no_argument, NULL, 'J' };
	all[n] = (struct option){ 0 };
	optind = 1;
	opterr = 0;
	/* "+" would stop at the first operand; we allow options after it. */
	while ((ch = getopt_long(argc, argv, ":", all, NULL)) != -1) {
		if (ch == 'H') {
			printf("usage: %s\n", usage);
			exit(EX_OK);
		} else if (ch == 'J')
			cli.json = 1;
		else if (ch == '?')
			usage_error(usage, "unknown option %s", argv[optind - 1]);
		else if (ch == ':')
			usage_error(usage, "%s needs a value", argv[optind - 1]);
		else
			cb(ch, optarg, arg);
	}
	return optind;
}

char *
slug_arg(int argc, char **argv, int first, const char *usage, const char *what)
{
	if (first >= argc)
		usage_error(usage, "which %s? give its SLUG", what);
	if (first + 1 < argc)
		usage_error(usage, "unexpected argument \"%s\"", argv[first + 1]);
	if (argv[first][0] == '\0' || strchr(argv[first], '/'))
		usage_error(usage, "%s \"%s\" is not a slug", what, argv[first]);
	return client_escape(argv[first]);
}

long
parse_count(const char *usage, const char *opt, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > 1000000)
		usage_error(usage, "%s must be a positive whole number, not "
		    "\"%s\"", opt, s);
	return v;
}

long long
parse_id(const char *usage, const char *what, const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > (1LL << 53))
		usage_error(usage, "%s must be a positive whole number, not "
		    "\"%.40s\"", what, s);
	return v;
}

void
set_str(json_t *o, const char *key, const char *s, const char *usage)
{
	json_t *v;

	if (s == NULL)
		return;
	if ((v = json_string(s)) == NULL)
		usage_error(usage, "--%s is not valid UTF-8", key);
	json_object_set_new(o, key, v);
}
