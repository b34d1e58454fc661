/*
 * Unit tests for html.c: what html_txt, html_attr and html_url make of
 * markup characters, quotes and bytes that are not UTF-8, and the cap
 * with its own error.  Cases are tables of (input, expected).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hersteld/html.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static char *
render(void (*fn)(struct html *, const char *), const char *in)
{
	struct html h;
	char *out;
	size_t len;

	html_init(&h, 1 << 16);
	fn(&h, in);
	assert_int_equal(html_finish(&h, &out, &len), HTML_OK);
	assert_int_equal(strlen(out), len);
	return out;
}

static void
test_html_txt_and_attr_escape_markup_and_quotes(void **state)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "", "" },
		{ "plain text", "plain text" },
		{ "<script>alert(1)</script>",
		  "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "a & b", "a &amp; b" },
		{ "&amp;", "&amp;amp;" },
		{ "\"double\" 'single'", "&quot;double&quot; &#39;single&#39;" },
		{ "\" onmouseover=\"x", "&quot; onmouseover=&quot;x" },
		{ "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80",
		  "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80" },
		{ "two\nlines\tand tab", "two\nlines\tand tab" },
	};
	char *out;

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		out = render(html_txt, cases[i].in);
		assert_string_equal(out, cases[i].want);
		free(out);
		out = render(html_attr, cases[i].in);
		assert_string_equal(out, cases[i].want);
		free(out);
	}
}

static void
test_html_txt_replaces_invalid_utf8_and_control_characters(void **state)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "a\xff" "b", "a\xef\xbf\xbd" "b" },
		{ "\xc3", "\xef\xbf\xbd" },			/* cut short */
		{ "\xc0\xbc", "\xef\xbf\xbd\xef\xbf\xbd" },	/* overlong < */
		{ "\xe0\x80\xbc", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf4\x90\x80\x80",
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "bell\x07" "del\x7f", "bell\xef\xbf\xbd" "del\xef\xbf\xbd" },
		{ "cr\r", "cr\xef\xbf\xbd" },
	};
	char *out;

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		out = render(html_txt, cases[i].in);
		assert_string_equal(out, cases[i].want);
		free(out);
	}
}

static void
test_html_url_percent_encodes_all_but_unreserved(void **state)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "abc-XYZ_0.9~", "abc-XYZ_0.9~" },
		{ "a b&c=d", "a%20b%26c%3Dd" },
		{ "\"><script>", "%22%3E%3Cscript%3E" },
		{ "x/y?z#", "x%2Fy%3Fz%23" },
		{ "Bijlmerplein 1, Amsterdam", "Bijlmerplein%201%2C%20Amsterdam" },
		{ "\xc3\xa9", "%C3%A9" },
	};
	char *out;

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		out = render(html_url, cases[i].in);
		assert_string_equal(out, cases[i].want);
		free(out);
	}
}

static void
test_html_raw_and_num_write_as_given(void **state)
{
	struct html h;
	char *out;
	size_t len;

	(void)state;
	html_init(&h, 1024);
	html_raw(&h, "<p class=\"n\">");
	html_num(&h, -42);
	html_raw(&h, "</p>");
	html_num(&h, 9007199254740993LL);
	assert_int_equal(html_finish(&h, &out, &len), HTML_OK);
	assert_string_equal(out, "<p class=\"n\">-42</p>9007199254740993");
	free(out);
}

static void
test_html_cap_is_a_distinct_error_and_stops_writing(void **state)
{
	struct html h;
	char *out = (char *)1;
	size_t len = 1;

	(void)state;
	/* Exactly the cap fits. */
	html_init(&h, 10);
	html_raw(&h, "0123456789");
	assert_int_equal(html_finish(&h, &out, &len), HTML_OK);
	assert_int_equal(len, 10);
	free(out);

	/* One byte more is too big, and later writes change nothing. */
	html_init(&h, 10);
	html_raw(&h, "01234");
	html_txt(&h, "<<");		/* 8 bytes escaped: 13 in all */
	assert_int_equal(h.err, HTML_TOOBIG);
	len = h.len;
	html_raw(&h, "x");
	assert_int_equal(h.len, len);
	assert_int_equal(html_finish(&h, &out, &len), HTML_TOOBIG);
	assert_null(out);
	assert_int_equal(len, 0);
	assert_null(h.buf);

	/* A long text grows the buffer past its first size. */
	html_init(&h, 1 << 20);
	for (int i = 0; i < 10000; i++)
		html_txt(&h, "&");
	assert_int_equal(html_finish(&h, &out, &len), HTML_OK);
	assert_int_equal(len, 50000);
	free(out);

	/* An empty page is an empty string, not NULL. */
	html_init(&h, 10);
	assert_int_equal(html_finish(&h, &out, &len), HTML_OK);
	assert_string_equal(out, "");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_txt_and_attr_escape_markup_and_quotes),
		cmocka_unit_test(test_html_txt_replaces_invalid_utf8_and_control_characters),
		cmocka_unit_test(test_html_url_percent_encodes_all_but_unreserved),
		cmocka_unit_test(test_html_raw_and_num_write_as_given),
		cmocka_unit_test(test_html_cap_is_a_distinct_error_and_stops_writing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
