/*
 * The router of the JSON API under /api/v1: the shape of a call and its
 * answer, the route tables the api_* files declare, and api_handle, which
 * finds a call's route, checks the caller's role against it and hands the
 * call to the route's handler.
 */
#ifndef HERSTELD_API_ROUTE_H
#define HERSTELD_API_ROUTE_H

#include <stddef.h>

#include <jansson.h>

#include "hersteld/token.h"

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

/* The roles a route admits, as a bit set of enum role. */
#define API_ADMIN	(1u << ROLE_ADMIN)
#define API_ORGANIZER	(1u << ROLE_ORGANIZER)
#define API_MANAGER	(1u << ROLE_LOCATION_MANAGER)
#define API_ANYONE	(API_ADMIN | API_ORGANIZER | API_MANAGER)

typedef void api_handler(const struct api_req *, struct api_resp *);

/*
 * One API call: method, a path pattern below /api/v1 whose segments are
 * literal or ":name" (any one segment: "events/:id/register"), the roles
 * that may call it at all, and its handler.  denied is the 403's message
 * for the other roles (NULL: "only an admin may do this").  Checks that
 * depend on the object (an organizer's own group, a manager's own
 * location, co-hosts) are the handler's.  A table ends with a route
 * whose method is NULL; within it the first match wins.
 */
struct api_route {
	const char	*method;
	const char	*pattern;
	unsigned int	 roles;
	api_handler	*fn;
	const char	*denied;
};

/* The tables, one per api_* file (each may serve several nouns). */
extern const struct api_route api_backup_routes[];
extern const struct api_route api_booking_routes[];
extern const struct api_route api_cocreate_routes[];
extern const struct api_route api_event_routes[];
extern const struct api_route api_feed_routes[];
extern const struct api_route api_group_routes[];
extern const struct api_route api_import_routes[];
extern const struct api_route api_location_routes[];
extern const struct api_route api_outbox_routes[];
extern const struct api_route api_participant_routes[];
extern const struct api_route api_report_routes[];
extern const struct api_route api_signal_routes[];
extern const struct api_route api_token_routes[];

/* Every table the router consults, ending with NULL. */
extern const struct api_route *const api_route_tables[];

/* Whether pattern names the path seg[0..nseg-1]. */
int	api_route_match(const char *pattern, char *const *seg, int nseg);

/*
 * Handle one API call.  path is below the prefix ("locations/herstelhuis");
 * body may be NULL.  Always fills resp (errors included): 404 for a path
 * no route has, 405 for a method the path does not take, 403 for a role
 * the route does not admit.
 */
void	api_handle(const char *method, const char *path, const char *body,
	    size_t bodylen, const struct principal *who,
	    const char *(*query)(void *, const char *), void *query_arg,
	    struct api_resp *resp);

#endif
