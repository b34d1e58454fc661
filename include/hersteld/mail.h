/*
 * Composing mail: the texts (Dutch by default, English on request) of
 * every message hersteld sends, and the RFC 5322/MIME message around
 * them.  Nothing here sends, stores or looks anything up: callers pass
 * facts in and get a complete message out.
 *
 * A message is multipart/alternative: a text/plain UTF-8 part and, when
 * an iCalendar document is given, a text/calendar part with its METHOD
 * (iMIP, RFC 6047).  Parts are base64, lines end in CRLF, header values
 * from outside are RFC 2047-encoded and can never add or alter a header.
 * The Date header is not part of the composed message: mail_date()
 * makes it when the message goes out.
 */
#ifndef HERSTELD_MAIL_H
#define HERSTELD_MAIL_H

#include <stddef.h>
#include <time.h>
#include <libical/ical.h>

#include "hersteld/util.h"

enum mail_kind {
	MAIL_CONFIRMATION,	/* registered: going */
	MAIL_WAITLISTED,	/* registered: on the waiting list */
	MAIL_PROMOTION,		/* moved up from the waiting list: going */
	MAIL_REMINDER,		/* lead before an occurrence */
	MAIL_CHANGE,		/* time or place changed */
	MAIL_CANCELLATION,	/* event or occurrence cancelled */
	MAIL_FOLLOWUP,		/* the notes of a session */
	MAIL_ANNOUNCEMENT,	/* a followed group published a session */
	MAIL_BOOKING_REQUESTED,	/* to a group: a room was asked for */
	MAIL_BOOKING_CONFIRMED,	/* to a group: booked (approved or at once) */
	MAIL_BOOKING_DECLINED	/* to a group: the request was declined */
};

/*
 * What a message says.  All strings borrowed; NULL or "" when absent.
 * series: for MAIL_CHANGE and MAIL_CANCELLATION it means the change or
 * cancellation covers the series from start on (otherwise only the
 * occurrence at start); for the other kinds, that the registration covers
 * the series that starts at start.  zone NULL shows times in UTC.
 */
struct mail_facts {
	enum mail_kind	 kind;
	const char	*lang;		/* "nl" (default) or "en" */
	const char	*name;		/* recipient's display name */
	const char	*title;		/* event or booking title */
	const char	*kind_name;	/* event kind: "themabijeenkomst", ... */
	time_t		 start, end;	/* the occurrence (or first one) */
	icaltimezone	*zone;		/* the place's zone; times shown in it */
	int		 series;	/* the registration covers a series */
	const char	*rrule;		/* the series' rule, for the text */
	const char	*where;		/* room and address, or outside place */
	const char	*group;		/* organising group's name */
	const char	*reason;	/* cancellation or decline reason */
	long		 lead;		/* MAIL_REMINDER: seconds before start */
	time_t		 old_start;	/* MAIL_CHANGE: the time before, or 0 */
	const char	*old_where;	/* MAIL_CHANGE: the place before */
	const char	*notes;		/* MAIL_FOLLOWUP: the notes (multi-line) */
	const char	*manage_url;	/* personal feed link */
	const char	*unsubscribe_url;
	const char	*room;		/* bookings: "Herstelhuis — Grote zaal" */
	long		 occurrences;	/* bookings: how many were booked */
};

/* Headers and parts of one message.  All strings borrowed. */
struct mail_envelope {
	const char	*from;		/* smtp.from: "Name <addr>" or "addr" */
	const char	*to;		/* address */
	const char	*to_name;	/* display name, or NULL */
	const char	*reply_to;	/* group's contact address, or NULL */
	const char	*message_id;	/* "<...@host>" */
	const char	*unsubscribe_url;	/* List-Unsubscribe (https/http) */
	const char	*ics;		/* iCalendar document, or NULL */
	const char	*ics_method;	/* "REQUEST", "CANCEL", "PUBLISH" */
};

/*
 * The subject and plain text for facts, in facts->lang.  Both new
 * strings (free them); 0, or -1 when out of memory (or over 1 MiB).
 * The body's lines end in LF; mail_compose makes them CRLF.
 */
int	mail_text(const struct mail_facts *, char **subject, char **body);

/*
 * The whole message, without Date: headers (From, To, Reply-To,
 * Subject, Message-ID, MIME-Version, Content-Type, List-Unsubscribe,
 * List-Unsubscribe-Post, Auto-Submitted) and body, CRLF throughout.
 * *out is a new NUL-terminated string of *outlen bytes.  0, or -1 with f
 * filled (an address that cannot be put in a header, or out of memory).
 * FAULT_INVALID: an address, the unsubscribe URL, the Message-ID or the
 * calendar method cannot stand in a header, or the message would exceed
 * 16 MiB; FAULT_INTERNAL: out of memory or no randomness.  Without a
 * message_id one is made with the domain of the From address.
 */
int	mail_compose(const struct mail_envelope *, const char *subject,
	    const char *body, char **out, size_t *outlen, struct fault *f);

/* "Date: Tue, 03 Dec 2026 19:00:00 +0100\r\n" for t (local zone of the
 * host, RFC 5322 numeric offset) into out[64]. */
void	mail_date(time_t t, char *out);

/*
 * The bare address of "Name <addr>" or "addr" into out (len bytes);
 * 0, or -1 when there is none or it does not fit.
 */
int	mail_address(const char *from, char *out, size_t len);

/* A new unique Message-ID "<random.time@host>" into out[128]. */
int	mail_message_id(const char *host, char *out);

#endif
