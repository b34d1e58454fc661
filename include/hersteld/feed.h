/*
 * iCalendar feeds: the public feed, one per kind, group, location and
 * room, one event ("add to my calendar"), and free/busy per room.  A
 * rendered document is kept in memory against the store's generation and
 * the day (the window moves daily), so an unchanged feed costs no query;
 * a change made through the API shows at the next request.
 *
 * Paths (below the root of listen.http):
 *   /feeds/public.ics              published public events
 *   /feeds/kind/KIND.ics           the same, one kind
 *   /feeds/group/SLUG.ics          one group's public events
 *   /feeds/group/SLUG/KEY.ics      ... and its group-only ones (secret link)
 *   /feeds/location/SLUG.ics       every occupied period there; details of
 *                                  what is not public show as "Bezet"
 *   /feeds/location/SLUG/KEY.ics   ... with every detail (managers' link)
 *   /feeds/room/LOC/ROOM.ics       the same for one room
 *   /feeds/room/LOC/ROOM/KEY.ics
 *   /events/UID.ics                one public event
 *   /feeds/personal/TOKEN.ics      what one participant registered for,
 *                                  with a VALARM per lead time
 *   /freebusy/room/LOC/ROOM.ifb    VFREEBUSY for the feed window
 */
#ifndef HERSTELD_FEED_H
#define HERSTELD_FEED_H

#include <stddef.h>
#include <time.h>
#include <sqlite3.h>

#include "hersteld/util.h"

/* A rendered document; shared and reference-counted. */
struct feed_doc {
	char		*body;
	size_t		 len;
	char		*gz;		/* gzip form, or NULL */
	size_t		 gzlen;
	char		 etag[40];	/* strong: "\"<hash>\"" */
	char		 etag_gz[44];	/* the gzip form's own: "\"<hash>-gz\"" */
	time_t		 last_modified;
	int		 private_;	/* a secret link: Cache-Control private */
	/* The HTTP layer's answers for it, made once; freed with it. */
	_Atomic(void *)	 http;
};

/* How the HTTP layer's answers of a document are freed (at start-up). */
void		 feed_set_http_free(void (*)(void *));

/*
 * The document at path, rendered or from the cache; NULL with f
 * (FAULT_NOTFOUND for an unknown feed).  Release with feed_release().
 */
struct feed_doc	*feed_get(const char *path, struct fault *f);
/* feed_get's message for a secret link whose key was replaced. */
#define FEED_REPLACED	"replaced"
void		 feed_release(struct feed_doc *);
/* Drop every cached document (documents in use live until released). */
void		 feed_shutdown(void);

/* Render path now, without the cache (tests, benchmarks). */
struct feed_doc	*feed_render_path(sqlite3 *, const char *path, time_t now,
		    struct fault *);

struct event;

/* What the calendar of the person a message goes to has of an event. */
struct feed_person {
	const char	*cal_uid;	/* one occurrence alone: its UID, or
					 * NULL for feed_occurrence_uid's */
	const time_t	*skip;		/* a series: the occurrences they */
	int		 nskip;		/* sit out, left out as EXDATE */
	int		 uninvited;	/* a CANCEL of their entry alone: the
					 * event goes on, so no STATUS */
};

/*
 * The iCalendar part of an iMIP message (RFC 6047) about ev, with METHOD
 * method ("REQUEST", "CANCEL" or "PUBLISH"): the whole event when
 * occurrence is 0; else that occurrence (original start), as an instance
 * of the series (RECURRENCE-ID), or alone under the UID
 * feed_occurrence_uid() gives it.  attendee: the recipient, the only
 * ATTENDEE; who (or NULL) what their calendar holds.  A new string (free
 * it), or NULL with f.
 */
char	*feed_imip(sqlite3 *, const struct event *ev, time_t occurrence,
	    int alone, const char *method, const char *attendee,
	    const struct feed_person *who, struct fault *f);

/* "20261203T180000Z-<uid>": the UID of one occurrence on its own. */
void	 feed_occurrence_uid(const struct event *ev, time_t rid, char *out,
	    size_t len);

/* One subscribable link, for herstelctl feed list. */
struct feed_link {
	char	name[1800];
	char	path[600];		/* below the root: /feeds/... */
};

/*
 * Every public feed; with group (slug) also that group's secret link, with
 * location (slug) its locations and rooms' secret links.  cb per link.
 */
int	feed_links(sqlite3 *, const char *group, const char *location,
	    int (*cb)(const struct feed_link *, void *), void *, struct fault *);

#endif
