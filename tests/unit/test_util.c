/*
 * Unit tests for util.c: UTF-8 length and validity, the outside-text
 * check, slugs and tag lists, and the fault record.  Cases are tables of
 * (input, expected) so that a new case is one line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "hersteld/util.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static void
expect_contains(const char *what, const char *hay, const char *needle)
{
	if (hay == NULL || strstr(hay, needle) == NULL)
		fail_msg("%s: \"%s\" does not contain \"%s\"", what,
		    hay ? hay : "(null)", needle);
}

static void
test_utf8_len_counts_characters_and_rejects_bad_sequences(void **state)
{
	static const struct {
		const char	*in;
		long		 want;
		const char	*why;
	} cases[] = {
		{ "", 0, "empty" },
		{ "abc", 3, "ascii" },
		{ "caf\xc3\xa9", 4, "two-byte e-acute" },
		{ "\xe2\x82\xac", 1, "three-byte euro sign" },
		{ "\xf0\x9f\x98\x80", 1, "four-byte emoji" },
		{ "\xef\xbf\xbd", 1, "U+FFFD" },
		{ "\xf4\x8f\xbf\xbf", 1, "U+10FFFF, the last code point" },
		{ "\xed\x9f\xbf", 1, "U+D7FF, just below the surrogates" },
		{ "\xff\xfe", -1, "bytes that never occur in UTF-8" },
		{ "\x80", -1, "lone continuation byte" },
		{ "a\xbf", -1, "continuation byte after ascii" },
		{ "\xc0\x80", -1, "overlong NUL" },
		{ "\xc1\xbf", -1, "overlong two-byte" },
		{ "\xe0\x80\xaf", -1, "overlong three-byte slash" },
		{ "\xf0\x82\x82\xac", -1, "overlong four-byte euro" },
		{ "\xed\xa0\x80", -1, "surrogate U+D800" },
		{ "\xed\xbf\xbf", -1, "surrogate U+DFFF" },
		{ "\xf4\x90\x80\x80", -1, "above U+10FFFF" },
		{ "\xf8\x88\x80\x80\x80", -1, "five-byte form" },
		{ "\xc3", -1, "truncated two-byte at end" },
		{ "\xe2\x82", -1, "truncated three-byte at end" },
		{ "\xf0\x9f\x98", -1, "truncated four-byte at end" },
		{ "\xe2\x82x", -1, "truncated three-byte before ascii" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		long got = utf8_len(cases[i].in);
		if (got != cases[i].want)
			fail_msg("utf8_len case %zu (%s): got %ld, want %ld", i,
			    cases[i].why, got, cases[i].want);
	}
}

static void
test_text_check_enforces_cap_utf8_and_control_characters(void **state)
{
	static const struct {
		const char	*in;
		long		 max;
		int		 required, multiline, ok;
		const char	*msg;	/* part of the message on failure */
	} cases[] = {
		{ "Herstelhuis", 200, 1, 0, 1, NULL },
		{ "", 200, 0, 0, 1, NULL },
		{ NULL, 200, 0, 0, 1, NULL },
		{ "", 200, 1, 0, 0, "--name is required" },
		{ NULL, 200, 1, 0, 0, "--name is required" },
		{ "abcde", 5, 1, 0, 1, NULL },
		{ "abcdef", 5, 1, 0, 0, "too long: 6 characters, at most 5" },
		/* The cap counts characters, not bytes. */
		{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 5, 1, 0, 1, NULL },
		{ "\xff\xfe", 200, 1, 0, 0, "not valid UTF-8" },
		{ "a\nb", 200, 1, 0, 0, "control character (it must be one line)" },
		{ "a\tb", 200, 1, 0, 0, "control character" },
		{ "a\rb", 200, 1, 0, 0, "control character" },
		{ "a\x1b[31mb", 200, 1, 0, 0, "control character" },
		{ "a\x7f", 200, 1, 0, 0, "control character" },
		{ "line one\nline two\r\n\tindented", 200, 1, 1, 1, NULL },
		{ "bell\x07", 200, 1, 1, 0, "control character" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct fault f = { 0 };
		int rc = text_check(&f, "--name", cases[i].in, cases[i].max,
		    cases[i].required, cases[i].multiline);

		if (cases[i].ok) {
			if (rc != 0 || f.kind != FAULT_NONE)
				fail_msg("text_check case %zu refused: %s", i, f.msg);
			continue;
		}
		if (rc != -1 || f.kind != FAULT_INVALID)
			fail_msg("text_check case %zu accepted", i);
		expect_contains("text_check message", f.msg, cases[i].msg);
		expect_contains("text_check names the field", f.msg, "--name");
	}
}

static void
test_text_check_refuses_direction_overrides_in_one_line_text(void **state)
{
	static const char *const bidi[] = {
		"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac",
		"\xe2\x80\xad", "\xe2\x80\xae", "\xe2\x81\xa6",
		"\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9",
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++) {
		struct fault f = { 0 };

		snprintf(buf, sizeof(buf), "Avond%sexe.pdf", bidi[i]);
		assert_int_equal(text_check(&f, "--title", buf, 200, 1, 0), -1);
		expect_contains("bidi message", f.msg, "--title");
		expect_contains("bidi message", f.msg, "direction of writing");
	}
	{
		struct fault f = { 0 };

		assert_int_equal(text_check(&f, "--title", "\xe2\x80\xae",
		    200, 1, 0), -1);
		expect_contains("bidi code point", f.msg, "U+202E");
	}
	{
		struct fault f = { 0 };

		assert_int_equal(text_check(&f, "--title", "x\xe2\x81\xa9",
		    200, 1, 0), -1);
		expect_contains("bidi code point", f.msg, "U+2069");
	}
	/* Neighbours and right-to-left letters themselves are fine. */
	for (size_t i = 0; i < 4; i++) {
		static const char *const ok[] = {
			"\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\xa5",
			"\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85",
		};
		struct fault f = { 0 };

		assert_int_equal(text_check(&f, "--title", ok[i], 200, 1, 0), 0);
	}
}

static void
test_text_check_allows_exactly_the_cap(void **state)
{
	char buf[202];
	struct fault f = { 0 };

	(void)state;
	memset(buf, 'x', 200);
	buf[200] = '\0';
	assert_int_equal(text_check(&f, "--name", buf, 200, 1, 0), 0);
	buf[200] = 'x';
	buf[201] = '\0';
	assert_int_equal(text_check(&f, "--name", buf, 200, 1, 0), -1);
	expect_contains("message", f.msg, "201 characters, at most 200");
}

static void
test_text_sanitize_replaces_bad_bytes_and_control_characters(void **state)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "", "" },
		{ "Herstelhuis", "Herstelhuis" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
		{ "a\nb\tc\rd\x1b[0m\x7f", "a?b?c?d?[0m?" },
		{ "\xff\xfe", "??" },
		{ "name \xe2\x82", "name ??" },		/* cut inside a character */
		{ "\xc3", "?" },
		{ "\xc0\xaf", "??" },			/* overlong */
		{ "\xed\xa0\x80", "???" },		/* surrogate */
		{ "\x80" "abc", "?abc" },
		{ "\xf8\x88\x80\x80\x80", "?????" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char buf[64];

		snprintf(buf, sizeof(buf), "%s", cases[i].in);
		text_sanitize(buf);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("text_sanitize case %zu: got \"%s\", want \"%s\"",
			    i, buf, cases[i].want);
		/* What comes out is always valid UTF-8. */
		assert_true(utf8_len(buf) >= 0);
	}
}

static void
test_slug_valid_accepts_lower_case_digits_and_dashes_only(void **state)
{
	static const struct {
		const char	*in;
		int		 ok;
	} cases[] = {
		{ "herstelhuis", 1 },
		{ "zaal-1", 1 },
		{ "1e-verdieping", 1 },
		{ "a", 1 },
		{ "a-", 1 },
		{ "", 0 },
		{ "-a", 0 },
		{ "Herstelhuis", 0 },
		{ "zaal 1", 0 },
		{ "zaal_1", 0 },
		{ "zaal/1", 0 },
		{ "caf\xc3\xa9", 0 },
		{ "a.b", 0 },
		{ "123456789012345678901234567890123456789012345678901234567890123", 1 },
		{ "1234567890123456789012345678901234567890123456789012345678901234", 0 },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		if (slug_valid(cases[i].in) != cases[i].ok)
			fail_msg("slug_valid(\"%s\") should be %d", cases[i].in,
			    cases[i].ok);
}

static void
test_slug_check_names_what_is_wrong(void **state)
{
	struct fault f = { 0 };

	(void)state;
	assert_int_equal(slug_check(&f, "location", "herstelhuis"), 0);
	assert_int_equal(f.kind, FAULT_NONE);
	assert_int_equal(slug_check(&f, "location", "Het Huis"), -1);
	assert_int_equal(f.kind, FAULT_INVALID);
	expect_contains("slug message", f.msg, "location \"Het Huis\" is not valid");
	expect_contains("slug message", f.msg, "no spaces");
	memset(&f, 0, sizeof(f));
	assert_int_equal(slug_check(&f, "room", ""), -1);
	expect_contains("empty slug message", f.msg, "room is required");
	memset(&f, 0, sizeof(f));
	assert_int_equal(slug_check(&f, "room", NULL), -1);
	expect_contains("NULL slug message", f.msg, "room is required");
}

static void
test_tags_check_accepts_slug_lists_and_refuses_empty_items(void **state)
{
	static const struct {
		const char	*in;
		int		 ok;
		const char	*msg;
	} cases[] = {
		{ NULL, 1, NULL },
		{ "", 1, NULL },
		{ "beamer", 1, NULL },
		{ "beamer,wifi,rolstoel-toilet", 1, NULL },
		{ "beamer,Wifi", 0, "\"Wifi\" is not valid" },
		{ "beamer, wifi", 0, "\" wifi\" is not valid" },
		{ "beamer,,wifi", 0, "empty item" },
		{ ",beamer", 0, "empty item" },
		{ "beamer,", 0, "empty item" },
		{ ",", 0, "empty item" },
		{ "a b", 0, "is not valid" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct fault f = { 0 };
		int rc = tags_check(&f, "--features", cases[i].in);

		if (cases[i].ok) {
			if (rc != 0)
				fail_msg("tags_check(\"%s\") refused: %s",
				    cases[i].in, f.msg);
			continue;
		}
		if (rc != -1 || f.kind != FAULT_INVALID)
			fail_msg("tags_check(\"%s\") accepted", cases[i].in);
		expect_contains("tags message", f.msg, cases[i].msg);
		expect_contains("tags message names the field", f.msg, "--features");
	}
}

static void
test_tags_check_refuses_an_overlong_list(void **state)
{
	char buf[2048];
	struct fault f = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(buf) - 1; i += 2) {
		buf[i] = 'a';
		buf[i + 1] = ',';
	}
	buf[sizeof(buf) - 2] = 'a';
	buf[sizeof(buf) - 1] = '\0';
	assert_int_equal(tags_check(&f, "--features", buf), -1);
	expect_contains("long list", f.msg, "too long");
}

static void
test_fault_set_keeps_the_first_failure(void **state)
{
	struct fault f = { 0 };

	(void)state;
	assert_int_equal(fault_set(&f, FAULT_NOTFOUND, "unknown %s", "x"), -1);
	assert_int_equal(fault_set(&f, FAULT_INTERNAL, "later"), -1);
	assert_int_equal(f.kind, FAULT_NOTFOUND);
	assert_string_equal(f.msg, "unknown x");
	/* A NULL fault is allowed and still fails. */
	assert_int_equal(fault_set(NULL, FAULT_INVALID, "ignored"), -1);
}

static void
test_hex_encode_and_random_bytes(void **state)
{
	static const unsigned char in[] = { 0x00, 0x0f, 0xa5, 0xff };
	unsigned char a[32], b[32];
	char hex[9];

	(void)state;
	hex_encode(in, sizeof(in), hex);
	assert_string_equal(hex, "000fa5ff");
	assert_int_equal(random_bytes(a, sizeof(a)), 0);
	assert_int_equal(random_bytes(b, sizeof(b)), 0);
	assert_true(memcmp(a, b, sizeof(a)) != 0);
}

static void
test_path_dir_check_names_a_missing_or_wrong_directory(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(path_dir_check("database", "plain.db", err,
	    sizeof(err)), 0);
	assert_int_equal(path_dir_check("database", "/tmp/x.db", err,
	    sizeof(err)), 0);
	assert_int_equal(path_dir_check("database", "/x.db", err,
	    sizeof(err)), 0);
	assert_int_equal(path_dir_check("database", "/nonexistent-dir/x.db",
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "database /nonexistent-dir/x.db: "
	    "directory /nonexistent-dir: "));
	/* A file where the directory should be. */
	assert_int_equal(path_dir_check("listen.socket", "/dev/null/s.sock",
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "listen.socket /dev/null/s.sock: "));
}

static void
test_text_scrub_addresses_leaves_no_address(void **state)
{
	char a[128] = "550 5.1.1 <ouder@example.org>: Recipient address "
	    "rejected";
	char b[64] = "no address here @ all";
	char c[32] = "to x.y+tag@sub.example.nl, z@q";
	char tight[24] = "a@b.c and d@e.f";

	(void)state;
	text_scrub_addresses(a, sizeof(a));
	assert_string_equal(a, "550 5.1.1 <<address>>: Recipient address "
	    "rejected");
	text_scrub_addresses(b, sizeof(b));
	assert_string_equal(b, "no address here @ all");
	text_scrub_addresses(c, sizeof(c));
	assert_string_equal(c, "to <address>, <address>");
	/* Without room for the mark, the address is blanked out instead. */
	text_scrub_addresses(tight, sizeof(tight));
	assert_null(strchr(tight, '@'));
	assert_true(strlen(tight) < sizeof(tight));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_len_counts_characters_and_rejects_bad_sequences),
		cmocka_unit_test(test_text_check_enforces_cap_utf8_and_control_characters),
		cmocka_unit_test(test_text_check_allows_exactly_the_cap),
		cmocka_unit_test(test_text_check_refuses_direction_overrides_in_one_line_text),
		cmocka_unit_test(test_text_sanitize_replaces_bad_bytes_and_control_characters),
		cmocka_unit_test(test_slug_valid_accepts_lower_case_digits_and_dashes_only),
		cmocka_unit_test(test_slug_check_names_what_is_wrong),
		cmocka_unit_test(test_tags_check_accepts_slug_lists_and_refuses_empty_items),
		cmocka_unit_test(test_tags_check_refuses_an_overlong_list),
		cmocka_unit_test(test_fault_set_keeps_the_first_failure),
		cmocka_unit_test(test_hex_encode_and_random_bytes),
		cmocka_unit_test(test_path_dir_check_names_a_missing_or_wrong_directory),
		cmocka_unit_test(test_text_scrub_addresses_leaves_no_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
