/*
 * CSV output (RFC 4180): a header row, then one row per object; fields
 * with a comma, quote, CR or LF, or a space at either end are quoted,
 * quotes doubled; lines end in CRLF; UTF-8 as it came.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void
field(const char *s, int first)
{
	size_t n = strlen(s);
	int quote = strpbrk(s, ",\"\r\n") != NULL ||
	    (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));

	if (!first)
		putchar(',');
	if (!quote) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

void
out_csv(json_t *rows, const struct column *cols)
{
	static char buf[65536];
	size_t i;

	for (const struct column *c = cols; c->header; c++)
		field(c->header, c == cols);
	fputs("\r\n", stdout);
	for (i = 0; i < json_array_size(rows); i++) {
		json_t *o = json_array_get(rows, i);

		for (const struct column *c = cols; c->header; c++) {
			json_t *v = json_object_get(o, c->key);
			const char *s;

			if (c->kind != COL_SPAN && (v == NULL || json_is_null(v)))
				s = "";
			else
				s = out_cell(o, c, buf, sizeof(buf));
			field(s, c == cols);
		}
		fputs("\r\n", stdout);
	}
}

void
query_add(char *q, size_t len, const char *key, const char *val)
{
	char *e = client_escape(val);
	size_t n = strlen(q);

	snprintf(q + n, len - n, "%s%s=%s", n ? "&" : "?", key, e);
	free(e);
}
