/*
 * The words of every message hersteld sends: mail_text writes a subject
 * and a plain text in Dutch or English from the facts of one message.
 * The readers are parents who were let down by a government system:
 * short plain sentences, what/when/where first, then how to cancel, then
 * links.  Each kind's message has one shape (shapes[]) and its words in
 * each language (texts[kind][language]); the words for times, places
 * and series are shared.  Outside text is made one line before use.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hersteld/mail_text.h"
#include "hersteld/recur.h"
#include "hersteld/when.h"

#define TEXT_MAX	(1024 * 1024)		/* subject or body of mail_text */
#define FIELD_MAX	1024			/* one-line facts, in bytes */

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
				 manage[FIELD_MAX], unsub[FIELD_MAX],
				 me[FIELD_MAX];
	struct dynbuf		 b;
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

/* "dinsdag 3 december 2026, 19:00"; a day event's date alone. */
static void
time_words(const struct ctx *c, time_t t, char *out, size_t len)
{
	struct icaltimetype lt = local(c, t);
	char day[96];

	day_words(c, lt, day, sizeof(day));
	if (c->f->days > 0)
		snprintf(out, len, "%s", day);
	else
		snprintf(out, len, "%s, %02d:%02d", day, lt.hour, lt.minute);
}

/*
 * A day event: "dinsdag 27 april 2027, de hele dag", or its first and
 * last date.
 */
static void
dates_words(const struct ctx *c, time_t s, time_t e, char *out, size_t len)
{
	char d1[96], d2[96];

	day_words(c, local(c, s), d1, sizeof(d1));
	if (c->f->days <= 1 || e <= s) {
		snprintf(out, len, TR(c, "%s, de hele dag", "%s, all day"), d1);
		return;
	}
	day_words(c, local(c, e - 1), d2, sizeof(d2));
	snprintf(out, len, TR(c, "%s t/m %s", "%s to %s"), d1, d2);
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

	if (c->f->days > 0) {
		dates_words(c, s, e, out, len);
		return;
	}
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

	if (notime || c->f->days > 0)
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
		c->b.err = DYNBUF_NOMEM;
		return;
	}
	if ((size_t)n < sizeof(small))
		dynbuf_add(&c->b, small, (size_t)n);
	else if ((big = malloc((size_t)n + 1)) == NULL)
		c->b.err = DYNBUF_NOMEM;
	else {
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		dynbuf_add(&c->b, big, (size_t)n);
		free(big);
	}
	dynbuf_add(&c->b, "\n", 1);
}

static void
blank(struct ctx *c)
{
	dynbuf_add(&c->b, "\n", 1);
}

static int
is_booking(enum mail_kind k)
{
	return k == MAIL_BOOKING_REQUESTED || k == MAIL_BOOKING_CONFIRMED ||
	    k == MAIL_BOOKING_DECLINED || k == MAIL_BOOKING_WAITING ||
	    k == MAIL_BOOKING_CLOSED;
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

/* The personal page, the personal calendar link, then the way out. */
static void
links(struct ctx *c)
{
	if (c->me[0] != '\0') {
		say(c, "%s", TR(c, "Je eigen pagina: je bijeenkomsten, afmelden, "
		    "herinneringen, of je gegevens laten wissen:", "Your own "
		    "page: your sessions, cancelling, reminders, or having your "
		    "data erased:"));
		say(c, "%s", c->me);
		blank(c);
	}
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

/* ---- the texts of each kind ---- */

/* Which facts the message gives: a series, or one occurrence. */
enum facts_of {
	FACTS_SERIES,		/* the series when the registration covers it */
	FACTS_ONE,		/* the one occurrence */
	FACTS_BOOKED		/* the series when more than one was booked */
};

/* What a kind's first line is filled in with. */
enum intro_arg {
	ARG_NONE,
	ARG_LEAD,		/* "morgen", "over 7 dagen" */
	ARG_GROUP		/* the group's name; intro_alt without one */
};

/* The shape of each kind's message, the same in every language. */
static const struct shape {
	enum facts_of	facts;
	enum intro_arg	arg;
	int		changes;	/* what was and what is now */
	int		reason;		/* "Reden: ..." after the facts */
	int		notes;		/* the follow-up notes */
	int		notime;		/* the subject has a date, no time */
} shapes[] = {
	[MAIL_CONFIRMATION]	 = { FACTS_SERIES, ARG_NONE, 0, 0, 0, 0 },
	[MAIL_WAITLISTED]	 = { FACTS_SERIES, ARG_NONE, 0, 0, 0, 0 },
	[MAIL_PROMOTION]	 = { FACTS_SERIES, ARG_NONE, 0, 0, 0, 0 },
	[MAIL_REMINDER]		 = { FACTS_ONE, ARG_LEAD, 0, 0, 0, 0 },
	[MAIL_CHANGE]		 = { FACTS_ONE, ARG_NONE, 1, 0, 0, 0 },
	[MAIL_CANCELLATION]	 = { FACTS_ONE, ARG_NONE, 0, 1, 0, 0 },
	[MAIL_FOLLOWUP]		 = { FACTS_ONE, ARG_NONE, 0, 0, 1, 1 },
	[MAIL_ANNOUNCEMENT]	 = { FACTS_SERIES, ARG_GROUP, 0, 0, 0, 0 },
	[MAIL_BOOKING_REQUESTED] = { FACTS_BOOKED, ARG_NONE, 0, 0, 0, 0 },
	[MAIL_BOOKING_CONFIRMED] = { FACTS_BOOKED, ARG_NONE, 0, 0, 0, 0 },
	[MAIL_BOOKING_DECLINED]	 = { FACTS_BOOKED, ARG_NONE, 0, 1, 0, 0 },
	[MAIL_BOOKING_WAITING]	 = { FACTS_BOOKED, ARG_NONE, 0, 0, 1, 0 },
	[MAIL_BOOKING_CLOSED]	 = { FACTS_ONE, ARG_NONE, 0, 1, 0, 0 },
	[MAIL_UNREGISTERED]	 = { FACTS_SERIES, ARG_NONE, 0, 0, 0, 0 },
};

/*
 * The words of one kind in one language; NULL where the kind has none.
 * A message reads: greeting; intro (each line its own); blank; for a
 * change, what changed and `now`; the facts; for a series, `series` and a
 * blank; the reason; the notes; `outro` and a blank; the links.
 */
struct words {
	const char	*subject;	/* "Aangemeld: <title> — <when>" */
	const char	*intro[2];	/* with ARG_LEAD/ARG_GROUP: a format */
	const char	*intro_alt;	/* without a group; for a cancelled series */
	const char	*now;		/* MAIL_CHANGE: before the facts */
	const char	*series;
	const char	*outro;
};

#define NL	0
#define EN	1

#define CANT_COME_NL	"Kun je niet komen? Antwoord op deze e-mail."
#define CANT_COME_EN	"Can't come? Reply to this email."

/* Index [kind][language]. */
static const struct words texts[][2] = {
	[MAIL_CONFIRMATION] = {
		[NL] = { "Aangemeld",
		    { "Je bent aangemeld voor deze bijeenkomst." }, NULL, NULL,
		    "Dit is een reeks; je bent aangemeld voor alle "
		    "bijeenkomsten.", CANT_COME_NL },
		[EN] = { "Registered",
		    { "You are registered for this session." }, NULL, NULL,
		    "This is a series; you are registered for all of its "
		    "sessions.", CANT_COME_EN },
	},
	[MAIL_WAITLISTED] = {
		[NL] = { "Wachtlijst",
		    { "Deze bijeenkomst is vol. Je staat op de wachtlijst.",
		    "Komt er een plek vrij? Dan krijg je meteen een e-mail." },
		    NULL, NULL,
		    "Dit is een reeks; je staat op de wachtlijst voor alle "
		    "bijeenkomsten.",
		    "Wil je niet meer op de wachtlijst staan? Antwoord op deze "
		    "e-mail." },
		[EN] = { "Waiting list",
		    { "This session is full. You are on the waiting list.",
		    "If a place becomes free, we will email you straight "
		    "away." }, NULL, NULL,
		    "This is a series; you are on the waiting list for all of "
		    "its sessions.",
		    "No longer want to be on the waiting list? Reply to this "
		    "email." },
	},
	[MAIL_PROMOTION] = {
		[NL] = { "Er is plek",
		    { "Er is een plek vrijgekomen. Je bent nu aangemeld." },
		    NULL, NULL,
		    "Dit is een reeks; je bent aangemeld voor alle "
		    "bijeenkomsten.", CANT_COME_NL },
		[EN] = { "A place for you",
		    { "A place has become free. You are now registered." },
		    NULL, NULL,
		    "This is a series; you are registered for all of its "
		    "sessions.", CANT_COME_EN },
	},
	[MAIL_REMINDER] = {
		[NL] = { "Herinnering",
		    { "Dit is een herinnering: je bijeenkomst is %s." }, NULL,
		    NULL, NULL, CANT_COME_NL },
		[EN] = { "Reminder",
		    { "This is a reminder: your session is %s." }, NULL, NULL,
		    NULL, CANT_COME_EN },
	},
	[MAIL_CHANGE] = {
		[NL] = { "Gewijzigd",
		    { "Er is iets veranderd aan je bijeenkomst." }, NULL,
		    "Zo ziet de bijeenkomst er nu uit:",
		    "Dit geldt voor alle bijeenkomsten van de reeks vanaf deze "
		    "datum.", CANT_COME_NL },
		[EN] = { "Changed",
		    { "Something has changed about your session." }, NULL,
		    "This is the session as it is now:",
		    "This applies to every session of the series from this "
		    "date on.", CANT_COME_EN },
	},
	[MAIL_CANCELLATION] = {
		[NL] = { "Afgelast",
		    { "Deze bijeenkomst gaat niet door." },
		    "Deze reeks bijeenkomsten gaat niet meer door, vanaf de "
		    "datum hieronder.", NULL, NULL,
		    "Je hoeft niets te doen." },
		[EN] = { "Cancelled",
		    { "This session will not take place." },
		    "This series of sessions will not take place any more, "
		    "from the date below.", NULL, NULL,
		    "You do not need to do anything." },
	},
	[MAIL_FOLLOWUP] = {
		[NL] = { "Na afloop",
		    { "Hieronder staat de informatie na afloop van deze "
		    "bijeenkomst." }, NULL, NULL, NULL,
		    "Vragen? Antwoord op deze e-mail." },
		[EN] = { "After the session",
		    { "Below is the information shared after this session." },
		    NULL, NULL, NULL, "Questions? Reply to this email." },
	},
	[MAIL_ANNOUNCEMENT] = {
		[NL] = { "Nieuw",
		    { "%s heeft een nieuwe bijeenkomst gepland." },
		    "Er is een nieuwe bijeenkomst gepland.", NULL,
		    "Dit is een reeks bijeenkomsten.",
		    "Wil je komen? Antwoord op deze e-mail." },
		[EN] = { "New",
		    { "%s has planned a new session." },
		    "A new session has been planned.", NULL,
		    "This is a series of sessions.",
		    "Would you like to come? Reply to this email." },
	},
	[MAIL_BOOKING_REQUESTED] = {
		[NL] = { "Aanvraag ontvangen",
		    { "Je aanvraag voor een ruimte is ontvangen.",
		    "De beheerder van de locatie moet de aanvraag nog "
		    "goedkeuren. Je krijgt een e-mail als de aanvraag is "
		    "goedgekeurd of afgewezen." }, NULL, NULL, NULL, NULL },
		[EN] = { "Request received",
		    { "Your request for a room has been received.",
		    "The location's manager still has to approve it. You will "
		    "get an email when it is approved or declined." }, NULL,
		    NULL, NULL, NULL },
	},
	[MAIL_BOOKING_CONFIRMED] = {
		[NL] = { "Geboekt",
		    { "De ruimte is voor je geboekt." }, NULL, NULL, NULL,
		    NULL },
		[EN] = { "Booked",
		    { "The room is booked for you." }, NULL, NULL, NULL, NULL },
	},
	[MAIL_BOOKING_DECLINED] = {
		[NL] = { "Afgewezen",
		    { "Je aanvraag voor een ruimte is afgewezen." }, NULL, NULL,
		    NULL,
		    "Wil je een andere tijd of ruimte? Doe dan een nieuwe "
		    "aanvraag." },
		[EN] = { "Declined",
		    { "Your request for a room has been declined." }, NULL,
		    NULL, NULL,
		    "Would you like another time or room? Please make a new "
		    "request." },
	},
	[MAIL_BOOKING_WAITING] = {
		[NL] = { "Aanvraag wacht op je",
		    { "Er is een ruimte aangevraagd bij jouw locatie.",
		    "Keur de aanvraag goed of wijs hem af. De groep krijgt "
		    "daarover een e-mail." }, NULL, NULL, NULL, NULL },
		[EN] = { "A request waits for you",
		    { "A room at your location has been requested.",
		    "Please approve or decline the request. The group gets an "
		    "email about it." }, NULL, NULL, NULL, NULL },
	},
	[MAIL_BOOKING_CLOSED] = {
		[NL] = { "Afgelast",
		    { "De plek is op dat moment niet beschikbaar. Daarom gaat "
		    "dit niet door." }, NULL, NULL, NULL,
		    "Wil je een van deze ruimtes? Doe dan een nieuwe aanvraag." },
		[EN] = { "Cancelled",
		    { "The place is not available at that time. So this will "
		    "not take place." }, NULL, NULL, NULL,
		    "Would you like one of these rooms? Please make a new "
		    "request." },
	},
	[MAIL_UNREGISTERED] = {
		[NL] = { "Afgemeld",
		    { "Je bent afgemeld voor deze bijeenkomst.",
		    "Je krijgt er geen herinneringen meer voor." }, NULL, NULL,
		    "Dit is een reeks; je bent afgemeld voor alle "
		    "bijeenkomsten.",
		    "Wil je toch komen? Meld je opnieuw aan, of antwoord op "
		    "deze e-mail." },
		[EN] = { "Registration cancelled",
		    { "You are no longer registered for this session.",
		    "You will get no more reminders for it." }, NULL, NULL,
		    "This is a series; you are no longer registered for any of "
		    "its sessions.",
		    "Would you like to come after all? Register again, or reply "
		    "to this email." },
	},
};

static int
known_kind(enum mail_kind k)
{
	return (unsigned)k < sizeof(texts) / sizeof(texts[0]);
}

/* What changed (time, place) in a MAIL_CHANGE, each with was and now. */
static void
changes(struct ctx *c)
{
	const struct mail_facts *f = c->f;
	char when[256], old[256];

	if (f->old_start != 0 && f->old_start != f->start && f->start != 0) {
		time_words(c, f->old_start, old, sizeof(old));
		span_words(c, f->start, f->end, when, sizeof(when));
		say(c, "%s", TR(c, "De tijd is veranderd.",
		    "The time has changed."));
		say(c, TR(c, "Was: %s", "Was: %s"), old);
		say(c, TR(c, "Nu: %s", "Now: %s"), when);
		blank(c);
	}
	if (c->old_where[0] != '\0' && strcmp(c->old_where, c->where) != 0) {
		say(c, "%s", TR(c, "De plek is veranderd.",
		    "The place has changed."));
		say(c, TR(c, "Was: %s", "Was: %s"), c->old_where);
		say(c, TR(c, "Nu: %s", "Now: %s"), c->where[0] ? c->where :
		    TR(c, "nog niet bekend", "not known yet"));
		blank(c);
	}
}

/* The opening lines: the kind's intro, filled in where it takes a word. */
static void
intro(struct ctx *c, const struct shape *sh, const struct words *w)
{
	char lead[64];

	if (sh->arg == ARG_LEAD) {
		lead_words(c, c->f->lead, lead, sizeof(lead));
		say(c, w->intro[0], lead);
	} else if (sh->arg == ARG_GROUP && c->group[0] != '\0')
		say(c, w->intro[0], c->group);
	else if (w->intro_alt != NULL && (sh->arg == ARG_GROUP || c->f->series))
		say(c, "%s", w->intro_alt);
	else
		for (int i = 0; i < 2 && w->intro[i] != NULL; i++)
			say(c, "%s", w->intro[i]);
}

/* MAIL_BOOKING_CLOSED: who was told, and the rooms free instead. */
static void
closed_block(struct ctx *c)
{
	const struct mail_facts *f = c->f;
	const char *p = f->rooms ? f->rooms : "";

	if (f->told > 0) {
		say(c, TR(c, "Iedereen die zich had aangemeld (%ld), heeft een "
		    "e-mail gekregen.", "Everyone who had registered (%ld) has "
		    "been emailed."), f->told);
		blank(c);
	}
	if (*p == '\0') {
		say(c, "%s", TR(c, "Er is op hetzelfde moment geen andere "
		    "ruimte vrij.", "No other room is free at the same time."));
		blank(c);
		return;
	}
	say(c, "%s", TR(c, "Deze ruimtes zijn op hetzelfde moment vrij:",
	    "These rooms are free at the same time:"));
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");
		char line[FIELD_MAX], one[FIELD_MAX];

		snprintf(one, sizeof(one), "%.*s", (int)(n < sizeof(one) ? n :
		    sizeof(one) - 1), p);
		text_oneline(line, sizeof(line), one);
		if (line[0] != '\0')
			say(c, "- %s", line);
		p += n;
		if (*p == '\n')
			p++;
	}
	blank(c);
}

static void
body_text(struct ctx *c)
{
	const struct mail_facts *f = c->f;
	const struct shape *sh;
	const struct words *w;
	int series = f->series != 0;

	greet(c);
	if (!known_kind(f->kind)) {
		links(c);
		return;
	}
	sh = &shapes[f->kind];
	w = &texts[f->kind][c->en];
	intro(c, sh, w);
	blank(c);
	if (sh->changes) {
		changes(c);
		say(c, "%s", w->now);
	}
	facts_block(c, sh->facts == FACTS_SERIES ? series :
	    sh->facts == FACTS_BOOKED ? f->occurrences > 1 : 0);
	if (series && w->series != NULL) {
		say(c, "%s", w->series);
		blank(c);
	}
	if (sh->reason && c->reason[0] != '\0') {
		say(c, TR(c, "Reden: %s", "Reason: %s"), c->reason);
		blank(c);
	}
	if (f->kind == MAIL_BOOKING_CLOSED)
		closed_block(c);
	if (sh->notes && f->notes != NULL && *f->notes != '\0') {
		size_t n = strlen(f->notes);

		dynbuf_add(&c->b, f->notes, n);
		if (f->notes[n - 1] != '\n')
			blank(c);
		blank(c);
	}
	if (w->outro != NULL) {
		say(c, "%s", w->outro);
		blank(c);
	}
	links(c);
}

static void
subject_text(struct ctx *c, struct dynbuf *s)
{
	const struct mail_facts *f = c->f;
	const char *what = c->title[0] ? c->title :
	    TR(c, "bijeenkomst", "session");
	char when[64] = "";

	if (is_booking(f->kind) && c->room[0] != '\0')
		what = c->room;
	/* What was called off, then where: "Titel (Huis \u2014 Zaal)". */
	if (f->kind == MAIL_BOOKING_CLOSED && c->title[0] != '\0' &&
	    c->room[0] != '\0') {
		dynbuf_printf(s, "%s: %s (%s)", texts[f->kind][c->en].subject,
		    c->title, c->room);
		what = "";
	}
	if (f->start != 0) {
		char t[48];

		short_words(c, f->start, known_kind(f->kind) &&
		    shapes[f->kind].notime, t, sizeof(t));
		if (is_booking(f->kind))	/* rooms have dashes of their own */
			snprintf(when, sizeof(when), ", %s", t);
		else if (f->kind == MAIL_CANCELLATION && f->series)
			snprintf(when, sizeof(when), TR(c, " \u2014 vanaf %s",
			    " \u2014 from %s"), t);
		else
			snprintf(when, sizeof(when), " \u2014 %s", t);
	}
	if (*what == '\0')
		dynbuf_printf(s, "%s", when);
	else
		dynbuf_printf(s, "%s: %s%s", known_kind(f->kind) ?
		    texts[f->kind][c->en].subject : "", what, when);
}

int
mail_text(const struct mail_facts *f, char **subject, char **body)
{
	struct ctx *c = NULL;
	struct dynbuf s = { .max = TEXT_MAX };
	int rc = -1;

	*subject = *body = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto done;
	c->f = f;
	c->en = f->lang != NULL && strncmp(f->lang, "en", 2) == 0 &&
	    (f->lang[2] == '\0' || f->lang[2] == '-' || f->lang[2] == '_');
	c->zone = f->zone ? f->zone : icaltimezone_get_utc_timezone();
	c->b.max = TEXT_MAX;
	text_oneline(c->name, sizeof(c->name), f->name);
	text_oneline(c->title, sizeof(c->title), f->title);
	text_oneline(c->kind, sizeof(c->kind), f->kind_name);
	text_oneline(c->where, sizeof(c->where), f->where);
	text_oneline(c->old_where, sizeof(c->old_where), f->old_where);
	text_oneline(c->group, sizeof(c->group), f->group);
	text_oneline(c->reason, sizeof(c->reason), f->reason);
	text_oneline(c->room, sizeof(c->room), f->room);
	text_oneline(c->manage, sizeof(c->manage), f->manage_url);
	text_oneline(c->unsub, sizeof(c->unsub), f->unsubscribe_url);
	text_oneline(c->me, sizeof(c->me), f->me_url);

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
