/*
 * Co-hosts: other groups (a partner such as the Buurtteams, another
 * steungroep) that shape an event together with the group that owns it.
 * Their organizers see the event while it is a proposal, edit it and its
 * topics; publishing, cancelling and removing stay with the owner.
 */
#ifndef HERSTELD_COHOST_H
#define HERSTELD_COHOST_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "hersteld/event.h"
#include "hersteld/token.h"
#include "hersteld/util.h"

/* How a caller stands to an event, weakest first. */
enum standing {
	STANDING_NONE = 0,	/* may at most see it when it is public */
	STANDING_COHOST,	/* organizer of a co-hosting group */
	STANDING_OWNER,		/* organizer of the owning group */
	STANDING_ADMIN
};

/* The standing of who towards ev; STANDING_NONE also on a database error. */
enum standing cohost_standing(sqlite3 *, const struct event *,
	    const struct principal *who);

/*
 * Whether who may edit ev as a co-host: an organizer of a co-hosting
 * group that does not try to move the event to another group
 * (new_group NULL).  1 or 0.
 */
int	cohost_may_edit(sqlite3 *, const struct event *,
	    const struct principal *who, const char *new_group);

/*
 * The ids of the events group_id co-hosts, sorted, into *ids (new array,
 * caller frees; NULL when there are none) and *n.  0 or -1.
 */
int	cohost_events(sqlite3 *, int64_t group_id, int64_t **ids, size_t *n);

struct cohost {
	char	group[64];		/* slug */
	char	name[801];
	char	kind[16];
	time_t	since;
};

/*
 * Add group (slug) as a co-host of event id, or remove it; one
 * transaction with its audit row.  Refused: an unknown group, the owning
 * group itself, a co-host twice, removing a group that is not one.
 */
int	cohost_add(sqlite3 *, int64_t event_id, const char *group,
	    const char *actor, struct fault *);
int	cohost_remove(sqlite3 *, int64_t event_id, const char *group,
	    const char *actor, struct fault *);
/* The co-hosts of event id by slug; cb returns nonzero to stop. */
int	cohost_list(sqlite3 *, int64_t event_id,
	    int (*cb)(const struct cohost *, void *), void *, struct fault *);

#endif
