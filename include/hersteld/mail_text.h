/*
 * The words of every message hersteld sends, in Dutch (the default) or
 * English: a subject and a plain text from the facts of one message.
 * Nothing here looks anything up; mail_compose (mail.h) puts the words
 * in a message.
 */
#ifndef HERSTELD_MAIL_TEXT_H
#define HERSTELD_MAIL_TEXT_H

#include <time.h>
#include <libical/ical.h>

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
	MAIL_BOOKING_DECLINED,	/* to a group: the request was declined */
	MAIL_BOOKING_WAITING,	/* to a location: a request waits for you */
	MAIL_BOOKING_CLOSED,	/* to a group: a closure called off what it
				   held there; the rooms free instead */
	MAIL_UNREGISTERED	/* no longer registered (or waiting) */
};
#define MAIL_KIND_LAST	MAIL_UNREGISTERED

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
	int		 days;		/* a day event: dates, no times */
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
	const char	*me_url;	/* the personal page (/me/TOKEN) */
	const char	*unsubscribe_url;
	const char	*room;		/* bookings: "Herstelhuis — Grote zaal" */
	long		 occurrences;	/* bookings: how many were booked */
	long		 told;		/* MAIL_BOOKING_CLOSED: registrants
					   who were sent its cancellation */
	const char	*rooms;		/* MAIL_BOOKING_CLOSED: the rooms free
					   instead, one a line; "" for none */
};

/*
 * The subject and plain text for facts, in facts->lang.  Both new
 * strings (free them); 0, or -1 when out of memory (or over 1 MiB).
 * The body's lines end in LF; mail_compose makes them CRLF.
 */
int	mail_text(const struct mail_facts *, char **subject, char **body);

#endif
