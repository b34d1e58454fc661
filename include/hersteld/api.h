/*
 * The JSON API under /api/v1: routing, request validation, roles, and the
 * error shape {"error": {"code", "message", "details"}}.  api_* files turn
 * JSON into calls on the domain modules and their results back into JSON;
 * they never see HTTP.
 */
#ifndef HERSTELD_API_H
#define HERSTELD_API_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <libical/ical.h>

#include "hersteld/token.h"
#include "hersteld/util.h"

struct api_req {
	const char		*method;
	char			*seg[8];	/* path below /api/v1, split on '/' */
	int			 nseg;
	json_t			*body;		/* NULL for GET/DELETE */
	const struct principal	*who;
	/* Query parameter by name, or NULL.  Borrowed. */
	const char		*(*query)(void *arg, const char *name);
	void			*query_arg;
};

struct api_resp {
	unsigned int	 status;
	json_t		*json;		/* owned; NULL for an empty body */
};

/*
 * Handle one API call.  path is below the prefix ("locations/herstelhuis");
 * body may be NULL.  Always fills resp (errors included).
 */
void	api_handle(const char *method, const char *path, const char *body,
	    size_t bodylen, const struct principal *who,
	    const char *(*query)(void *, const char *), void *query_arg,
	    struct api_resp *resp);

/* Fill resp with the error shape for status/code/message. */
void	api_error(struct api_resp *, unsigned int status, const char *code,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Fill resp from a domain fault. */
void	api_fault(struct api_resp *, const struct fault *);

/*
 * Unpack the request body strictly (unknown fields refused) with a
 * json_unpack format; 0, or -1 with a 422 in resp.
 */
int	api_unpack(const struct api_req *, struct api_resp *, const char *fmt, ...);

/* 403 unless the caller is the admin; returns 0 when allowed. */
int	api_need_admin(const struct api_req *, struct api_resp *);

/* The actor name for the audit trail. */
const char *api_actor(const struct api_req *);

/* t as ISO 8601 with the offset of zone tz (an IANA id); new reference. */
json_t	*api_time(time_t t, const char *tz);

/* The same with a zone already resolved (never NULL). */
json_t	*api_time_z(time_t t, icaltimezone *zone);

/* "a,b" as a JSON array of strings; new reference. */
json_t	*api_tags(const char *list);

/* Parse a decimal id from a path segment; 0 or -1 with a 404 in resp. */
int	api_id(const char *seg, const char *what, int64_t *out,
	    struct api_resp *resp);

struct conflicts;

/*
 * Fill resp from a fault that may come with refused occurrences: a 409
 * whose details list each one as {"start", "end", "kind", "text"} in the
 * zone tz.
 */
void	api_refused(struct api_resp *, const struct fault *,
	    const struct conflicts *, const char *tz);

/* Handlers, one file per noun; each answers for its path prefix. */
void	api_locations(const struct api_req *, struct api_resp *);
void	api_rooms(const struct api_req *, struct api_resp *);
void	api_closures(const struct api_req *, struct api_resp *);
void	api_groups(const struct api_req *, struct api_resp *);
void	api_events(const struct api_req *, struct api_resp *);
void	api_tokens(const struct api_req *, struct api_resp *);
void	api_bookings(const struct api_req *, struct api_resp *);
void	api_feeds(const struct api_req *, struct api_resp *);
void	api_import(const struct api_req *, struct api_resp *);
void	api_participants(const struct api_req *, struct api_resp *);
void	api_outbox(const struct api_req *, struct api_resp *);
struct event;
/* events/ID/register, unregister, attendees, checkin, followup (caller checked
 * that the asker may act for the event). */
void	api_event_people(const struct api_req *, struct api_resp *,
	    const struct event *);
void	api_cohosts(const struct api_req *, struct api_resp *);
void	api_topics(const struct api_req *, struct api_resp *);
void	api_signals(const struct api_req *, struct api_resp *);
void	api_attendance(const struct api_req *, struct api_resp *);
void	api_reports(const struct api_req *, struct api_resp *);
void	api_audit(const struct api_req *, struct api_resp *);

struct event;

/*
 * Event id loaded for a caller whose standing (enum standing in
 * cohost.h) is at least need; need 0: any caller who may see it.  NULL
 * with a 404 (unknown or unseen) or a 403 naming doing in resp.  Caller
 * frees with event_free.
 */
struct event *api_event_for(const struct api_req *, struct api_resp *,
	    int64_t id, int need, const char *doing);

/*
 * The period of query parameters from and to (dates or times in the
 * configured zone; a date as --to takes in that whole day).  Without
 * required either may be left out (the beginning, the end of time).
 * 0, or -1 with a 422 in resp.
 */
int	api_period(const struct api_req *, struct api_resp *, int required,
	    time_t *from, time_t *to);

/* The booking questions asked of a room and of a location. */
void	api_room_availability(const struct api_req *, struct api_resp *,
	    const char *ref);
void	api_free_rooms(const struct api_req *, struct api_resp *,
	    const char *loc);


#endif
