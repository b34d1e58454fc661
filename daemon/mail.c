/*
 * The words and the envelope of every message hersteld sends.  mail_text
 * writes a subject and a plain text in Dutch or English from the facts
 * of one message; mail_compose wraps them (and an iCalendar document) in
 * RFC 5322/MIME with CRLF line ends, base64 parts and RFC 2047 header
 * words.  The readers are parents who were let down by a government
 * system: short plain sentences, what/when/where first, then how to
 * cancel, then links.  Nothing a caller passes can add or change a
 * header: one-line texts lose their control characters, addresses that
 * could break out of their header are refused.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "hersteld/clock.h"
#include "hersteld/mail.h"
#include "hersteld/recur.h"
#include "hersteld/when.h"

#define TEXT_MAX	(1024 * 1024)		/* subject or body of mail_text */
#define MSG_MAX		(16 * 1024 * 1024)	/* a composed message */
#define FIELD_MAX	1024			/* one-line facts, in bytes */
#define SUBJECT_MAX	600			/* bytes of a header text */
#define ADDR_MAX	254

/* ---- a growing buffer with a cap ---- */

enum { BUF_OK, BUF_NOMEM, BUF_TOOBIG };

struct buf {
	char	*p;
	size_t	 len, cap, max;
	int	 err;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (n > b->max || b->len > b->max - n) {
		b->err = BUF_TOOBIG;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL) {
			b->err = BUF_NOMEM;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
buf_printf(struct buf *b, const char *fmt, ...)
{
	char small[512], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = BUF_NOMEM;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		buf_add(b, small, (size_t)n);
		return;
	}
	if ((size_t)n > b->max) {
		b->err = BUF_TOOBIG;
		return;
	}
	if ((big = malloc((size_t)n + 1)) == NULL) {
		b->err = BUF_NOMEM;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf_add(b, big, (size_t)n);
	free(big);
}

/* ---- text from outside ---- */

/* Length of the UTF-8 sequence that starts with c (1 for a stray byte). */
static size_t
seqlen(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/*
 * One line of outside text into out: control characters become spaces,
 * runs of spaces one space, no space at either end, cut at a character
 * boundary to fit, invalid UTF-8 shown as '?'.
 */
static void
oneline(char *out, size_t len, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = 0;
	int space = 0;

	while (*p) {
		size_t k;

		if (*p < 0x20 || *p == 0x7f || *p == ' ') {
			space = n > 0;
			p++;
			continue;
		}
		k = seqlen(*p);
		for (size_t i = 1; i < k; i++)
			if (p[i] == '\0') {
				k = i;
				break;
			}
		if (n + (space ? 1 : 0) + k + 1 > len)
			break;
		if (space)
			out[n++] = ' ';
		space = 0;
		memcpy(out + n, p, k);
		n += k;
		p += k;
	}
	out[n] = '\0';
	text_sanitize(out);
}

static int
is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* ---- words for times ---- */

/* Index [en][...]: Dutch names are written in lower case. */
static const char *const wday_name[2][7] = {
	{ "zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag",
	  "zaterdag" },
	{ "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	  "Saturday" },
};
static const char *const wday_abbr[2][7] = {
	{ "zo", "ma", "di", "wo", "do", "vr", "za" },
	{ "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" },
};
static const char *const month_name[2][12] = {
	{ "januari", "februari", "maart", "april", "mei", "juni", "juli",
	  "augustus", "september", "oktober", "november", "december" },
	{ "January", "February", "March", "April", "May", "June", "July",
	  "August", "September", "October", "November", "December" },
};
static const char *const month_abbr[2][12] = {
	{ "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt",
	  "nov", "dec" },
	{ "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	  "Nov", "Dec" },
};

struct ctx {
	const struct mail_facts	*f;
	int			 en;
	icaltimezone		*zone;
	char			 name[FIELD_MAX], title[FIELD_MAX],
				 kind[FIELD_MAX], where[FIELD_MAX],
				 old_where[FIELD_MAX], group[FIELD_MAX],
				 reason[FIELD_MAX], room[FIELD_MAX],
				 manage[FIELD_MAX], unsub[FIELD_MAX];
	struct buf		 b;
};

/* Both languages side by side; the compiler checks both formats. */
#define TR(c, nl, en_)	((c)->en ? (en_) : (nl))

static struct icaltimetype
local(const struct ctx *c, time_t t)
{
	return when_local(t, c->zone);
}

static int
wday(struct icaltimetype t)
{
	int d = icaltime_day_of_week(t) - 1;	/* libical: 1 is Sunday */

	return d >= 0 && d < 7 ? d : 0;
}

static int
mon(struct icaltimetype t)
{
	return t.month >= 1 && t.month <= 12 ? t.month - 1 : 0;
}

/* "dinsdag 3 december 2026" / "Tuesday 3 December 2026" */
static void
day_words(const struct ctx *c, struct icaltimetype t, char *out, size_t len)
{
	snprintf(out, len, "%s %d %s %d",
	    wday_name[c->en][wday(t)], t.day,
	    month_name[c->en][mon(t)], t.year);
}

/* "dinsdag 3 december 2026, 19:00" */
static void
time_words(const struct ctx *c, time_t t, char *out, size_t len)
{
	struct icaltimetype lt = local(c, t);
	char day[96];

	day_words(c, lt, day, sizeof(day));
	snprintf(out, len, "%s, %02d:%02d", day, lt.hour, lt.minute);
}

/*
 * "dinsdag 3 december 2026, 19:00–21:00"; both dates when the session
 * goes on past midnight (ending at midnight itself is the same evening).
 */
static void
span_words(const struct ctx *c, time_t s, time_t e, char *out, size_t len)
{
	struct icaltimetype ls = local(c, s), le;
	char d1[96], d2[96];

	day_words(c, ls, d1, sizeof(d1));
	if (e <= s) {
		snprintf(out, len, "%s, %02d:%02d", d1, ls.hour, ls.minute);
		return;
	}
	le = local(c, e);
	if ((le.year == ls.year && le.month == ls.month && le.day == ls.day) ||
	    (e - s < 86400 && le.hour == 0 && le.minute == 0 &&
	    local(c, e - 1).day == ls.day)) {
		snprintf(out, len, "%s, %02d:%02d\u2013%02d:%02d", d1, ls.hour,
		    ls.minute, le.hour, le.minute);
		return;
	}
	day_words(c, le, d2, sizeof(d2));
	snprintf(out, len, "%s, %02d:%02d \u2013 %s, %02d:%02d", d1, ls.hour,
	    ls.minute, d2, le.hour, le.minute);
}

/* "di 3 dec 19:00" / "Tue 3 Dec 19:00" for subjects; without the time
 * when notime. */
static void
short_words(const struct ctx *c, time_t t, int notime, char *out, size_t len)
{
	struct icaltimetype lt = local(c, t);

	if (notime)
		snprintf(out, len, "%s %d %s",
		    wday_abbr[c->en][wday(lt)], lt.day,
		    month_abbr[c->en][mon(lt)]);
	else
		snprintf(out, len, "%s %d %s %02d:%02d",
		    wday_abbr[c->en][wday(lt)], lt.day,
		    month_abbr[c->en][mon(lt)], lt.hour,
		    lt.minute);
}

/* "morgen", "over 7 dagen", "over 2 uur" / "tomorrow", "in 7 days" */
static void
lead_words(const struct ctx *c, long lead, char *out, size_t len)
{
	long n;

	if (lead >= 23 * 3600) {
		n = (lead + 43200) / 86400;
		if (n <= 1)
			snprintf(out, len, "%s", TR(c, "morgen", "tomorrow"));
		else
			snprintf(out, len, TR(c, "over %ld dagen",
			    "in %ld days"), n);
	} else if (lead >= 3600) {
		n = (lead + 1800) / 3600;
		if (n == 1)
			snprintf(out, len, "%s", TR(c, "over 1 uur",
			    "in 1 hour"));
		else
			snprintf(out, len, TR(c, "over %ld uur",
			    "in %ld hours"), n);
	} else if (lead >= 60) {
		n = (lead + 30) / 60;
		if (n == 1)
			snprintf(out, len, "%s", TR(c, "over 1 minuut",
			    "in 1 minute"));
		else
			snprintf(out, len, TR(c, "over %ld minuten",
			    "in %ld minutes"), n);
	} else
		snprintf(out, len, "%s", TR(c, "zo meteen", "very soon"));
}

static const char *
ordinal(const struct ctx *c, int pos)
{
	static const char *const words[2][5] = {
		{ "eerste", "tweede", "derde", "vierde", "vijfde" },
		{ "first", "second", "third", "fourth", "fifth" },
	};

	if (pos == -1)
		return TR(c, "laatste", "last");
	if (pos >= 1 && pos <= 5)
		return words[c->en ? 1 : 0][pos - 1];
	return NULL;
}

/*
 * How often a series meets, in words: "elke week op dinsdag, tot en met
 * dinsdag 30 juni 2026".  Empty when the rule is not one of the common
 * shapes; the dates in the mail say enough then.
 */
static void
rule_words(const struct ctx *c, char *out, size_t len)
{
	const struct mail_facts *f = c->f;
	struct icalrecurrencetype r;
	char days[256] = "", every[128] = "", until[128] = "";
	int nday = 0, pos = 0, simple = 1, iv;
	time_t last;

	out[0] = '\0';
	if (f->rrule == NULL || *f->rrule == '\0' ||
	    strlen(f->rrule) > RECUR_MAX_LEN)
		return;
	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(f->rrule);
	free(r.rscale);
	r.rscale = NULL;
	if (icalerrno != ICAL_NO_ERROR || r.freq == ICAL_NO_RECURRENCE) {
		icalerror_clear_errno();
		return;
	}
	iv = r.interval > 0 ? r.interval : 1;
	for (int i = 0; i < ICAL_BY_DAY_SIZE &&
	    r.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)
		nday++;
	/* The week days, "dinsdag en donderdag". */
	for (int i = 0; i < nday; i++) {
		int d = (int)icalrecurrencetype_day_day_of_week(r.by_day[i]) - 1;
		int p = icalrecurrencetype_day_position(r.by_day[i]);
		size_t n = strlen(days);

		if (d < 0 || d > 6) {
			simple = 0;
			break;
		}
		if (p != 0) {
			if (nday > 1 || ordinal(c, p) == NULL)
				simple = 0;
			pos = p;
		}
		snprintf(days + n, sizeof(days) - n, "%s%s",
		    i == 0 ? "" : i == nday - 1 ? TR(c, " en ", " and ") : ", ",
		    wday_name[c->en][d]);
	}
	if (!simple)
		days[0] = '\0';
	switch (r.freq) {
	case ICAL_DAILY_RECURRENCE:
		if (iv == 1)
			snprintf(every, sizeof(every), "%s",
			    TR(c, "elke dag", "every day"));
		else
			snprintf(every, sizeof(every), TR(c, "elke %d dagen",
			    "every %d days"), iv);
		break;
	case ICAL_WEEKLY_RECURRENCE:
		if (iv == 1)
			snprintf(every, sizeof(every), "%s",
			    TR(c, "elke week", "every week"));
		else if (iv == 2)
			snprintf(every, sizeof(every), "%s",
			    TR(c, "om de week", "every other week"));
		else
			snprintf(every, sizeof(every), TR(c, "elke %d weken",
			    "every %d weeks"), iv);
		if (days[0] == '\0' && nday == 0)
			snprintf(days, sizeof(days), "%s",
			    wday_name[c->en][wday(local(c, f->start))]);
		if (days[0] != '\0' && pos == 0) {
			size_t n = strlen(every);
			snprintf(every + n, sizeof(every) - n, TR(c, " op %s",
			    " on %s"), days);
		}
		break;
	case ICAL_MONTHLY_RECURRENCE:
		if (iv == 1)
			snprintf(every, sizeof(every), "%s",
			    TR(c, "elke maand", "every month"));
		else
			snprintf(every, sizeof(every), TR(c, "elke %d maanden",
			    "every %d months"), iv);
		if (days[0] != '\0' && pos != 0) {
			size_t n = strlen(every);
			snprintf(every + n, sizeof(every) - n, TR(c,
			    " op de %s %s", " on the %s %s"), ordinal(c, pos),
			    days);
		}
		break;
	case ICAL_YEARLY_RECURRENCE:
		if (iv == 1)
			snprintf(every, sizeof(every), "%s",
			    TR(c, "elk jaar", "every year"));
		else
			snprintf(every, sizeof(every), TR(c, "elke %d jaar",
			    "every %d years"), iv);
		break;
	default:
		return;
	}
	if (f->start != 0 && recur_last(f->rrule, f->start, c->zone,
	    &last) == 1) {
		char d[96];

		day_words(c, local(c, last), d, sizeof(d));
		snprintf(until, sizeof(until), TR(c, ", tot en met %s",
		    ", until %s"), d);
	}
	snprintf(out, len, "%s%s", every, until);
}

/* The event kinds the store knows, for English readers. */
static const char *
kind_words(const struct ctx *c)
{
	static const char *const kinds[][2] = {
		{ "themabijeenkomst", "theme meeting" },
		{ "dialoogsessie", "dialogue session" },
		{ "steungroep", "support group" },
		{ "kennissessie", "knowledge session" },
		{ "netwerksessie", "networking session" },
	};

	if (c->kind[0] == '\0' || strcmp(c->kind, "overig") == 0)
		return NULL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(c->kind, kinds[i][0]) == 0)
			return kinds[i][c->en];
	return c->kind;
}

/* ---- the text ---- */

static void __attribute__((format(printf, 2, 3)))
say(struct ctx *c, const char *fmt, ...)
{
	char small[2048], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		c->b.err = BUF_NOMEM;
		return;
	}
	if ((size_t)n < sizeof(small))
		buf_add(&c->b, small, (size_t)n);
	else if ((big = malloc((size_t)n + 1)) == NULL)
		c->b.err = BUF_NOMEM;
	else {
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		buf_add(&c->b, big, (size_t)n);
		free(big);
	}
	buf_add(&c->b, "\n", 1);
}

static void
blank(struct ctx *c)
{
	buf_add(&c->b, "\n", 1);
}

static int
is_booking(enum mail_kind k)
{
	return k == MAIL_BOOKING_REQUESTED || k == MAIL_BOOKING_CONFIRMED ||
	    k == MAIL_BOOKING_DECLINED;
}

static void
greet(struct ctx *c)
{
	if (c->name[0] != '\0')
		say(c, TR(c, "Beste %s,", "Dear %s,"), c->name);
	else if (is_booking(c->f->kind))
		say(c, "%s", TR(c, "Hallo,", "Hello,"));
	else
		say(c, "%s", TR(c, "Beste deelnemer,", "Hello,"));
	blank(c);
}

/* What, when, where, who: the essentials, one per line. */
static void
facts_block(struct ctx *c, int first_of_series)
{
	const struct mail_facts *f = c->f;
	const char *k = kind_words(c);
	char when[256], how[512];

	if (is_booking(f->kind) && c->room[0] != '\0')
		say(c, TR(c, "Ruimte: %s", "Room: %s"), c->room);
	if (c->title[0] != '\0' && k != NULL)
		say(c, TR(c, "Wat: %s (%s)", "What: %s (%s)"), c->title, k);
	else if (c->title[0] != '\0')
		say(c, TR(c, "Wat: %s", "What: %s"), c->title);
	if (f->start != 0) {
		span_words(c, f->start, f->end, when, sizeof(when));
		if (first_of_series)
			say(c, TR(c, "Eerste keer: %s", "First time: %s"), when);
		else
			say(c, TR(c, "Wanneer: %s", "When: %s"), when);
	}
	if (first_of_series) {
		rule_words(c, how, sizeof(how));
		if (how[0] != '\0')
			say(c, TR(c, "Hoe vaak: %s", "How often: %s"), how);
	}
	if (is_booking(f->kind) && f->occurrences > 1)
		say(c, TR(c, "Aantal keer: %ld", "Number of times: %ld"),
		    f->occurrences);
	if (c->where[0] != '\0' && !is_booking(f->kind))
		say(c, TR(c, "Waar: %s", "Where: %s"), c->where);
	if (c->group[0] != '\0')
		say(c, TR(c, "Organisatie: %s", "Organised by: %s"), c->group);
	blank(c);
}

static void
cancel_line(struct ctx *c)
{
	say(c, "%s", TR(c, "Kun je niet komen? Antwoord op deze e-mail.",
	    "Can't come? Reply to this email."));
	blank(c);
}

/* The personal calendar link, then the one-line way out. */
static void
links(struct ctx *c)
{
	if (c->manage[0] != '\0') {
		say(c, "%s", TR(c, "Al je bijeenkomsten in je eigen agenda:",
		    "All your sessions in your own calendar:"));
		say(c, "%s", c->manage);
		blank(c);
	}
	if (c->unsub[0] != '\0') {
		say(c, "-- ");
		if (c->f->kind == MAIL_ANNOUNCEMENT && c->group[0] != '\0')
			say(c, TR(c, "Je krijgt deze e-mail omdat je %s volgt.",
			    "You get this email because you follow %s."),
			    c->group);
		say(c, TR(c, "Wil je deze e-mails niet meer ontvangen? "
		    "Afmelden: %s", "Don't want these emails any more? "
		    "Unsubscribe: %s"), c->unsub);
	}
}

static void
body_text(struct ctx *c)
{
	const struct mail_facts *f = c->f;
	char when[256], old[256], lead[64];
	int series = f->series != 0;

	greet(c);
	switch (f->kind) {
	case MAIL_CONFIRMATION:
		say(c, "%s", TR(c, "Je bent aangemeld voor deze bijeenkomst.",
		    "You are registered for this session."));
		blank(c);
		facts_block(c, series);
		if (series) {
			say(c, "%s", TR(c, "Dit is een reeks; je bent aangemeld "
			    "voor alle bijeenkomsten.", "This is a series; you "
			    "are registered for all of its sessions."));
			blank(c);
		}
		cancel_line(c);
		break;
	case MAIL_WAITLISTED:
		say(c, "%s", TR(c, "Deze bijeenkomst is vol. Je staat op de "
		    "wachtlijst.", "This session is full. You are on the "
		    "waiting list."));
		say(c, "%s", TR(c, "Komt er een plek vrij? Dan krijg je meteen "
		    "een e-mail.", "If a place becomes free, we will email "
		    "you straight away."));
		blank(c);
		facts_block(c, series);
		if (series) {
			say(c, "%s", TR(c, "Dit is een reeks; je staat op de "
			    "wachtlijst voor alle bijeenkomsten.", "This is a "
			    "series; you are on the waiting list for all of "
			    "its sessions."));
			blank(c);
		}
		say(c, "%s", TR(c, "Wil je niet meer op de wachtlijst staan? "
		    "Antwoord op deze e-mail.", "No longer want to be on the "
		    "waiting list? Reply to this email."));
		blank(c);
		break;
	case MAIL_PROMOTION:
		say(c, "%s", TR(c, "Er is een plek vrijgekomen. Je bent nu "
		    "aangemeld.", "A place has become free. You are now "
		    "registered."));
		blank(c);
		facts_block(c, series);
		if (series) {
			say(c, "%s", TR(c, "Dit is een reeks; je bent aangemeld "
			    "voor alle bijeenkomsten.", "This is a series; you "
			    "are registered for all of its sessions."));
			blank(c);
		}
		cancel_line(c);
		break;
	case MAIL_REMINDER:
		lead_words(c, f->lead, lead, sizeof(lead));
		say(c, TR(c, "Dit is een herinnering: je bijeenkomst is %s.",
		    "This is a reminder: your session is %s."), lead);
		blank(c);
		facts_block(c, 0);
		cancel_line(c);
		break;
	case MAIL_CHANGE:
		say(c, "%s", TR(c, "Er is iets veranderd aan je bijeenkomst.",
		    "Something has changed about your session."));
		blank(c);
		if (f->old_start != 0 && f->old_start != f->start &&
		    f->start != 0) {
			time_words(c, f->old_start, old, sizeof(old));
			span_words(c, f->start, f->end, when, sizeof(when));
			say(c, "%s", TR(c, "De tijd is veranderd.",
			    "The time has changed."));
			say(c, TR(c, "Was: %s", "Was: %s"), old);
			say(c, TR(c, "Nu: %s", "Now: %s"), when);
			blank(c);
		}
		if (c->old_where[0] != '\0' &&
		    strcmp(c->old_where, c->where) != 0) {
			say(c, "%s", TR(c, "De plek is veranderd.",
			    "The place has changed."));
			say(c, TR(c, "Was: %s", "Was: %s"), c->old_where);
			say(c, TR(c, "Nu: %s", "Now: %s"), c->where[0] ? c->where :
			    TR(c, "nog niet bekend", "not known yet"));
			blank(c);
		}
		say(c, "%s", TR(c, "Zo ziet de bijeenkomst er nu uit:",
		    "This is the session as it is now:"));
		facts_block(c, 0);
		if (series) {
			say(c, "%s", TR(c, "Dit geldt voor alle bijeenkomsten "
			    "van de reeks vanaf deze datum.", "This applies to "
			    "every session of the series from this date on."));
			blank(c);
		}
		cancel_line(c);
		break;
	case MAIL_CANCELLATION:
		if (series)
			say(c, "%s", TR(c, "Deze reeks bijeenkomsten gaat niet "
			    "meer door, vanaf de datum hieronder.", "This series "
			    "of sessions will not take place any more, from "
			    "the date below."));
		else
			say(c, "%s", TR(c, "Deze bijeenkomst gaat niet door.",
			    "This session will not take place."));
		blank(c);
		facts_block(c, 0);
		if (c->reason[0] != '\0') {
			say(c, TR(c, "Reden: %s", "Reason: %s"), c->reason);
			blank(c);
		}
		say(c, "%s", TR(c, "Je hoeft niets te doen.",
		    "You do not need to do anything."));
		blank(c);
		break;
	case MAIL_FOLLOWUP:
		say(c, "%s", TR(c, "Hieronder staat de informatie na afloop van "
		    "deze bijeenkomst.", "Below is the information shared after "
		    "this session."));
		blank(c);
		facts_block(c, 0);
		if (f->notes != NULL && *f->notes != '\0') {
			size_t n = strlen(f->notes);

			buf_add(&c->b, f->notes, n);
			if (f->notes[n - 1] != '\n')
				blank(c);
			blank(c);
		}
		say(c, "%s", TR(c, "Vragen? Antwoord op deze e-mail.",
		    "Questions? Reply to this email."));
		blank(c);
		break;
	case MAIL_ANNOUNCEMENT:
		if (c->group[0] != '\0')
			say(c, TR(c, "%s heeft een nieuwe bijeenkomst gepland.",
			    "%s has planned a new session."), c->group);
		else
			say(c, "%s", TR(c, "Er is een nieuwe bijeenkomst "
			    "gepland.", "A new session has been planned."));
		blank(c);
		facts_block(c, series);
		if (series) {
			say(c, "%s", TR(c, "Dit is een reeks bijeenkomsten.",
			    "This is a series of sessions."));
			blank(c);
		}
		say(c, "%s", TR(c, "Wil je komen? Antwoord op deze e-mail.",
		    "Would you like to come? Reply to this email."));
		blank(c);
		break;
	case MAIL_BOOKING_REQUESTED:
		say(c, "%s", TR(c, "Je aanvraag voor een ruimte is ontvangen.",
		    "Your request for a room has been received."));
		say(c, "%s", TR(c, "De beheerder van de locatie moet de "
		    "aanvraag nog goedkeuren. Je krijgt een e-mail als de "
		    "aanvraag is goedgekeurd of afgewezen.", "The location's "
		    "manager still has to approve it. You will get an email "
		    "when it is approved or declined."));
		blank(c);
		facts_block(c, f->occurrences > 1);
		break;
	case MAIL_BOOKING_CONFIRMED:
		say(c, "%s", TR(c, "De ruimte is voor je geboekt.",
		    "The room is booked for you."));
		blank(c);
		facts_block(c, f->occurrences > 1);
		break;
	case MAIL_BOOKING_DECLINED:
		say(c, "%s", TR(c, "Je aanvraag voor een ruimte is afgewezen.",
		    "Your request for a room has been declined."));
		blank(c);
		facts_block(c, f->occurrences > 1);
		if (c->reason[0] != '\0') {
			say(c, TR(c, "Reden: %s", "Reason: %s"), c->reason);
			blank(c);
		}
		say(c, "%s", TR(c, "Wil je een andere tijd of ruimte? Doe dan "
		    "een nieuwe aanvraag.", "Would you like another time or "
		    "room? Please make a new request."));
		blank(c);
		break;
	}
	links(c);
}

static void
subject_text(struct ctx *c, struct buf *s)
{
	const struct mail_facts *f = c->f;
	const char *what = c->title[0] ? c->title :
	    TR(c, "bijeenkomst", "session");
	const char *prefix = "";
	char when[64] = "";
	int notime = 0;

	switch (f->kind) {
	case MAIL_CONFIRMATION:
		prefix = TR(c, "Aangemeld", "Registered");
		break;
	case MAIL_WAITLISTED:
		prefix = TR(c, "Wachtlijst", "Waiting list");
		break;
	case MAIL_PROMOTION:
		prefix = TR(c, "Er is plek", "A place for you");
		break;
	case MAIL_REMINDER:
		prefix = TR(c, "Herinnering", "Reminder");
		break;
	case MAIL_CHANGE:
		prefix = TR(c, "Gewijzigd", "Changed");
		break;
	case MAIL_CANCELLATION:
		prefix = TR(c, "Afgelast", "Cancelled");
		break;
	case MAIL_FOLLOWUP:
		prefix = TR(c, "Na afloop", "After the session");
		notime = 1;
		break;
	case MAIL_ANNOUNCEMENT:
		prefix = TR(c, "Nieuw", "New");
		break;
	case MAIL_BOOKING_REQUESTED:
		prefix = TR(c, "Aanvraag ontvangen", "Request received");
		break;
	case MAIL_BOOKING_CONFIRMED:
		prefix = TR(c, "Geboekt", "Booked");
		break;
	case MAIL_BOOKING_DECLINED:
		prefix = TR(c, "Afgewezen", "Declined");
		break;
	}
	if (is_booking(f->kind) && c->room[0] != '\0')
		what = c->room;
	if (f->start != 0) {
		char t[48];

		short_words(c, f->start, notime, t, sizeof(t));
		if (is_booking(f->kind))	/* rooms have dashes of their own */
			snprintf(when, sizeof(when), ", %s", t);
		else if (f->kind == MAIL_CANCELLATION && f->series)
			snprintf(when, sizeof(when), TR(c, " \u2014 vanaf %s",
			    " \u2014 from %s"), t);
		else
			snprintf(when, sizeof(when), " \u2014 %s", t);
	}
	buf_printf(s, "%s: %s%s", prefix, what, when);
}

int
mail_text(const struct mail_facts *f, char **subject, char **body)
{
	struct ctx *c = NULL;
	struct buf s = { .max = TEXT_MAX };
	int rc = -1;

	*subject = *body = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto done;
	c->f = f;
	c->en = f->lang != NULL && strncmp(f->lang, "en", 2) == 0 &&
	    (f->lang[2] == '\0' || f->lang[2] == '-' || f->lang[2] == '_');
	c->zone = f->zone ? f->zone : icaltimezone_get_utc_timezone();
	c->b.max = TEXT_MAX;
	oneline(c->name, sizeof(c->name), f->name);
	oneline(c->title, sizeof(c->title), f->title);
	oneline(c->kind, sizeof(c->kind), f->kind_name);
	oneline(c->where, sizeof(c->where), f->where);
	oneline(c->old_where, sizeof(c->old_where), f->old_where);
	oneline(c->group, sizeof(c->group), f->group);
	oneline(c->reason, sizeof(c->reason), f->reason);
	oneline(c->room, sizeof(c->room), f->room);
	oneline(c->manage, sizeof(c->manage), f->manage_url);
	oneline(c->unsub, sizeof(c->unsub), f->unsubscribe_url);

	subject_text(c, &s);
	body_text(c);
	if (s.err || c->b.err || s.p == NULL || c->b.p == NULL)
		goto done;
	*subject = s.p;
	*body = c->b.p;
	s.p = c->b.p = NULL;
	rc = 0;
done:
	if (c != NULL)
		free(c->b.p);
	free(s.p);
	free(c);
	return rc;
}

/* ---- the message ---- */

/*
 * An address that can stand in a header and an SMTP command as it is:
 * local@domain in printable ASCII, nothing that ends or splits a header
 * or an address list.
 */
static int
addr_ok(const char *a)
{
	const char *at;
	size_t n;

	if (a == NULL || (n = strlen(a)) == 0 || n > ADDR_MAX)
		return 0;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>,;\"()\\", *p))
			return 0;
	at = strrchr(a, '@');
	return at != NULL && at != a && at[1] != '\0';
}

int
mail_address(const char *from, char *out, size_t len)
{
	const char *s, *e, *lt;
	size_t n;

	if (from == NULL || len == 0)
		return -1;
	if ((lt = strrchr(from, '<')) != NULL) {
		s = lt + 1;
		if ((e = strchr(s, '>')) == NULL)
			return -1;
	} else {
		s = from;
		e = from + strlen(from);
	}
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	n = (size_t)(e - s);
	if (n == 0 || n >= len || n > ADDR_MAX)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	if (!addr_ok(out)) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/* The display name of "Name <addr>" (quotes removed) into out. */
static void
from_name(const char *from, char *out, size_t len)
{
	const char *lt = strrchr(from, '<');
	char raw[FIELD_MAX];
	size_t n = 0;
	int q = 0;

	out[0] = '\0';
	if (lt == NULL)
		return;
	for (const char *p = from; p < lt && n + 1 < sizeof(raw); p++) {
		if (*p == '"') {
			q = !q;
			continue;
		}
		if (q && *p == '\\' && p + 1 < lt)
			p++;
		raw[n++] = *p;
	}
	raw[n] = '\0';
	oneline(out, len, raw);
}

/* RFC 5322 atext, and the space between words. */
static int
phrase_plain(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(" !#$%&'*+-/=?^_`{|}~",
		    *s)))
			return 0;
	return 1;
}

/*
 * s as RFC 2047 "B" encoded-words in UTF-8 after a header at column col:
 * each word whole characters, at most 75 long, no line over 76; the
 * words after the first go on folded lines.  Returns the column after.
 */
static size_t
put_words(struct buf *b, const char *s, size_t col)
{
	const unsigned char *p = (const unsigned char *)s;
	int first = 1;

	while (*p) {
		unsigned char enc[80];
		size_t room, max, n = 0, w;

		if (!first || col >= 76 - 16) {
			buf_add(b, "\r\n ", 3);
			col = 1;
		}
		first = 0;
		room = 76 - col;
		if (room > 75)
			room = 75;
		/* 12 characters of "=?utf-8?B?" and "?=", 4 per 3 bytes. */
		max = (room - 12) / 4 * 3;
		while (p[n]) {
			size_t k = seqlen(p[n]);

			for (size_t i = 1; i < k; i++)
				if (p[n + i] == '\0') {
					k = i;
					break;
				}
			if (n + k > max)
				break;
			n += k;
		}
		if (n == 0)	/* cannot happen: max is at least 33 */
			n = 1;
		w = (size_t)EVP_EncodeBlock(enc, p, (int)n);
		buf_puts(b, "=?utf-8?B?");
		buf_add(b, (const char *)enc, w);
		buf_puts(b, "?=");
		col += 12 + w;
		p += n;
	}
	return col;
}

/* An ASCII text folded at spaces so that lines stay within 78. */
static void
put_folded(struct buf *b, const char *s, size_t col)
{
	while (*s) {
		const char *q = s;
		size_t n;

		while (*q == ' ')
			q++;
		while (*q && *q != ' ')
			q++;
		n = (size_t)(q - s);
		if (*s == ' ' && col + n > 78 && col > 1) {
			buf_add(b, "\r\n", 2);
			col = 0;
		}
		buf_add(b, s, n);
		col += n;
		s = q;
	}
}

/* "Subject: ..." from outside text. */
static void
put_text_header(struct buf *b, const char *name, const char *text)
{
	char s[SUBJECT_MAX];
	size_t col = strlen(name) + 2;

	oneline(s, sizeof(s), text);
	buf_puts(b, name);
	buf_puts(b, ": ");
	if (is_ascii(s) && strstr(s, "=?") == NULL)
		put_folded(b, s, col);
	else
		put_words(b, s, col);
	buf_add(b, "\r\n", 2);
}

/* "To: Name <addr>" or "To: addr"; the address is checked already. */
static void
put_addr_header(struct buf *b, const char *hdr, const char *name,
    const char *addr)
{
	char s[SUBJECT_MAX];
	size_t col = strlen(hdr) + 2;

	oneline(s, sizeof(s), name);
	buf_puts(b, hdr);
	buf_puts(b, ": ");
	if (s[0] == '\0') {
		buf_puts(b, addr);
		buf_add(b, "\r\n", 2);
		return;
	}
	if (!is_ascii(s) || strstr(s, "=?") != NULL)
		col = put_words(b, s, col);
	else if (phrase_plain(s)) {
		buf_puts(b, s);
		col += strlen(s);
	} else {
		buf_add(b, "\"", 1);
		for (const char *p = s; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_add(b, "\\", 1);
			buf_add(b, p, 1);
		}
		buf_add(b, "\"", 1);
		col += strlen(s) + 2;
	}
	if (col + 3 + strlen(addr) > 78)
		buf_add(b, "\r\n", 2);
	buf_printf(b, " <%s>\r\n", addr);
}

/* Text with every line end (LF, CR or CRLF) made CRLF. */
static void
put_crlf(struct buf *b, const char *s, size_t len)
{
	size_t i = 0, from = 0;

	while (i < len) {
		if (s[i] == '\r' || s[i] == '\n') {
			buf_add(b, s + from, i - from);
			buf_add(b, "\r\n", 2);
			if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			from = ++i;
		} else
			i++;
	}
	buf_add(b, s + from, len - from);
}

/* Base64 of data in lines of 76, each ending in CRLF. */
static void
put_base64(struct buf *b, const char *data, size_t len)
{
	unsigned char out[80];

	for (size_t i = 0; i < len; i += 57) {
		size_t n = len - i < 57 ? len - i : 57;
		int w = EVP_EncodeBlock(out, (const unsigned char *)data + i,
		    (int)n);

		buf_add(b, (const char *)out, (size_t)w);
		buf_add(b, "\r\n", 2);
	}
}

/* One base64 part of text (line ends made CRLF first). */
static void
put_part(struct buf *b, const char *text, struct buf *tmp)
{
	tmp->len = 0;
	if (tmp->p != NULL)
		tmp->p[0] = '\0';
	put_crlf(tmp, text, strlen(text));
	if (tmp->err) {
		b->err = tmp->err;
		return;
	}
	put_base64(b, tmp->p ? tmp->p : "", tmp->len);
}

static int
msgid_ok(const char *m)
{
	size_t n = strlen(m);

	if (n < 5 || n > 250 || m[0] != '<' || m[n - 1] != '>' ||
	    strchr(m, '@') == NULL)
		return 0;
	for (size_t i = 1; i + 1 < n; i++)
		if ((unsigned char)m[i] <= 0x20 || (unsigned char)m[i] >= 0x7f ||
		    strchr("<>\"\\", m[i]))
			return 0;
	return 1;
}

static int
url_ok(const char *u)
{
	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return 0;
	if (strlen(u) > 900)
		return 0;
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '<' || *p == '>')
			return 0;
	return 1;
}

static int
method_ok(const char *m)
{
	size_t n = m ? strlen(m) : 0;

	if (n == 0 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((m[i] >= 'A' && m[i] <= 'Z') || m[i] == '-'))
			return 0;
	return 1;
}

int
mail_compose(const struct mail_envelope *e, const char *subject,
    const char *body, char **out, size_t *outlen, struct fault *f)
{
	struct buf b = { .max = MSG_MAX }, tmp = { .max = MSG_MAX };
	char from[ADDR_MAX + 1], name[FIELD_MAX], mid[256], bnd[64];
	unsigned char rnd[16];
	char hex[33];
	const char *at;
	int rc = -1;

	*out = NULL;
	*outlen = 0;
	if (e->from == NULL || mail_address(e->from, from, sizeof(from)) < 0) {
		fault_set(f, FAULT_INVALID, "smtp.from \"%.100s\" has no usable "
		    "address: write \"Name <noreply@example.org>\" or "
		    "\"noreply@example.org\"", e->from ? e->from : "");
		goto done;
	}
	if (!addr_ok(e->to)) {
		fault_set(f, FAULT_INVALID, "recipient address \"%.100s\" cannot "
		    "be used: it needs one local@domain in plain ASCII without "
		    "spaces, <, > or commas", e->to ? e->to : "");
		goto done;
	}
	if (e->reply_to != NULL && *e->reply_to != '\0' &&
	    !addr_ok(e->reply_to)) {
		fault_set(f, FAULT_INVALID, "reply address \"%.100s\" cannot be "
		    "used: it needs one local@domain in plain ASCII without "
		    "spaces, <, > or commas", e->reply_to);
		goto done;
	}
	if (e->unsubscribe_url != NULL && *e->unsubscribe_url != '\0' &&
	    !url_ok(e->unsubscribe_url)) {
		fault_set(f, FAULT_INVALID, "unsubscribe link \"%.100s\" cannot "
		    "be used: it must be an http(s) URL without spaces",
		    e->unsubscribe_url);
		goto done;
	}
	if (e->ics != NULL && *e->ics != '\0' && !method_ok(e->ics_method)) {
		fault_set(f, FAULT_INVALID, "calendar method \"%.40s\" is not "
		    "an iTIP method such as REQUEST, CANCEL or PUBLISH",
		    e->ics_method ? e->ics_method : "");
		goto done;
	}
	if (e->message_id != NULL && *e->message_id != '\0') {
		if (!msgid_ok(e->message_id)) {
			fault_set(f, FAULT_INVALID, "Message-ID \"%.100s\" is "
			    "not of the form <id@host>", e->message_id);
			goto done;
		}
		snprintf(mid, sizeof(mid), "%s", e->message_id);
	} else {
		at = strrchr(from, '@');
		if (mail_message_id(at + 1, mid) < 0) {
			fault_set(f, FAULT_INTERNAL, "no randomness for a "
			    "Message-ID");
			goto done;
		}
	}
	/* "=_" never occurs in base64, so the parts cannot contain it. */
	if (random_bytes(rnd, sizeof(rnd)) < 0) {
		fault_set(f, FAULT_INTERNAL, "no randomness for a MIME boundary");
		goto done;
	}
	hex_encode(rnd, sizeof(rnd), hex);
	snprintf(bnd, sizeof(bnd), "=_hersteld_%s", hex);

	from_name(e->from, name, sizeof(name));
	put_addr_header(&b, "From", name, from);
	put_addr_header(&b, "To", e->to_name, e->to);
	if (e->reply_to != NULL && *e->reply_to != '\0')
		buf_printf(&b, "Reply-To: %s\r\n", e->reply_to);
	put_text_header(&b, "Subject", subject ? subject : "");
	buf_printf(&b, "Message-ID: %s\r\n", mid);
	buf_puts(&b, "MIME-Version: 1.0\r\n");
	if (e->unsubscribe_url != NULL && *e->unsubscribe_url != '\0') {
		buf_printf(&b, "List-Unsubscribe: <%s>\r\n", e->unsubscribe_url);
		buf_puts(&b, "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
		    "\r\n");
	}
	buf_puts(&b, "Auto-Submitted: auto-generated\r\n");
	if (e->ics != NULL && *e->ics != '\0') {
		buf_printf(&b, "Content-Type: multipart/alternative;\r\n"
		    " boundary=\"%s\"\r\n\r\n", bnd);
		buf_printf(&b, "--%s\r\n", bnd);
		buf_puts(&b, "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n");
		put_part(&b, body ? body : "", &tmp);
		buf_printf(&b, "--%s\r\n", bnd);
		buf_printf(&b, "Content-Type: text/calendar; charset=utf-8; "
		    "method=%s\r\nContent-Transfer-Encoding: base64\r\n\r\n",
		    e->ics_method);
		put_part(&b, e->ics, &tmp);
		buf_printf(&b, "--%s--\r\n", bnd);
	} else {
		buf_puts(&b, "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n");
		put_part(&b, body ? body : "", &tmp);
	}
	if (b.err == BUF_TOOBIG) {
		fault_set(f, FAULT_INVALID, "message too large: over %d MiB",
		    MSG_MAX / (1024 * 1024));
		goto done;
	}
	if (b.err || b.p == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory composing a message");
		goto done;
	}
	*out = b.p;
	*outlen = b.len;
	b.p = NULL;
	rc = 0;
done:
	free(tmp.p);
	free(b.p);
	return rc;
}

void
mail_date(time_t t, char *out)
{
	static const char *const wd[7] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const mo[12] = { "Jan", "Feb", "Mar", "Apr",
		"May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	long off;

	if (localtime_r(&t, &tm) == NULL) {
		gmtime_r(&t, &tm);
		tm.tm_gmtoff = 0;
	}
	off = tm.tm_gmtoff;
	snprintf(out, 64, "Date: %s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld\r\n",
	    wd[tm.tm_wday % 7], tm.tm_mday, mo[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', (off < 0 ? -off : off) / 3600,
	    (off < 0 ? -off : off) % 3600 / 60);
}

int
mail_message_id(const char *host, char *out)
{
	unsigned char rnd[16];
	char hex[33], h[65];
	size_t n = 0;

	/* A host name as a dot-atom; anything else is left out. */
	for (const char *p = host ? host : ""; *p && n + 1 < sizeof(h); p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' ||
		    (*p == '.' && n > 0 && h[n - 1] != '.'))
			h[n++] = *p;
	while (n > 0 && h[n - 1] == '.')
		n--;
	h[n] = '\0';
	if (random_bytes(rnd, sizeof(rnd)) < 0)
		return -1;
	hex_encode(rnd, sizeof(rnd), hex);
	snprintf(out, 128, "<%s.%lld@%s>", hex, (long long)clock_now(),
	    n ? h : "localhost");
	return 0;
}
