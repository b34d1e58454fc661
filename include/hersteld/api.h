/*
 * What the handlers of the JSON API share: the error shape {"error":
 * {"code", "message", "details"}}, strict reading of request bodies, ids,
 * times and periods, and the questions several nouns ask (which events
 * and bookings a caller sees, the event it may act on).  api_* files turn
 * JSON into calls on the domain modules and their results back into JSON;
 * they never see HTTP.  The router and the request shape are in
 * api_route.h.
 */
#ifndef HERSTELD_API_H
#define HERSTELD_API_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <libical/ical.h>

#include "hersteld/api_route.h"
#include "hersteld/token.h"
#include "hersteld/util.h"

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
/*
 * An "email" member (v, NULL when absent) as a string or null (no
 * address: *out = ""); 0, or -1 with a 422 in resp.
 */
int	api_email_arg(json_t *v, const char **out, struct api_resp *resp);

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

/* t moved on by one local day in zone z (a day of 23 or 25 hours). */
time_t	api_next_day(time_t t, icaltimezone *z);

struct event_scope;
struct booking_viewer;

/* The events who sees; caller frees s->cohosted (co-hosted events). */
void	api_event_scope(const struct principal *who, struct event_scope *s);

/* The bookings who sees and acts on (beyond its own rights). */
void	api_booking_viewer(const struct principal *who,
	    struct booking_viewer *v);

/*
 * The group whose people the caller may name (participant_known); 0:
 * anyone (the admin); -1: nobody (a token without a group).
 */
int64_t	api_people_group(const struct api_req *);

#endif
