/*
 * A memo of RRULE expansions (recur.h, recur_expand_memo): a hash table
 * from (rule, start, zone, window, max) to the starts recur_expand
 * passed, behind one mutex.  An expansion depends on nothing else, so an
 * entry is never stale; when the memo holds more than RECUR_MEMO_MAX
 * bytes it is emptied and fills again with what is asked for.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/recur.h"

#define RECUR_MEMO_BUCKETS	4096
#define RECUR_MEMO_MAX		(4 * 1024 * 1024)	/* bytes */

struct memo {
	struct memo	*next;
	uint64_t	 hash;
	char		*rrule;
	time_t		 dtstart, from, to;
	icaltimezone	*zone;
	long		 max;
	long		 n;
	time_t		 starts[];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct memo *buckets[RECUR_MEMO_BUCKETS];
static size_t held;			/* bytes */

/* FNV-1a over the key. */
static uint64_t
hash_of(const char *rrule, time_t dtstart, icaltimezone *zone, time_t from,
    time_t to, long max)
{
	uint64_t h = 14695981039346656037ULL;
	const unsigned char *p;
	int64_t nums[5] = { dtstart, from, to, max, (int64_t)(intptr_t)zone };

	for (p = (const unsigned char *)rrule; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	p = (const unsigned char *)nums;
	for (size_t i = 0; i < sizeof(nums); i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static struct memo *
find(uint64_t h, const char *rrule, time_t dtstart, icaltimezone *zone,
    time_t from, time_t to, long max)
{
	for (struct memo *m = buckets[h % RECUR_MEMO_BUCKETS]; m; m = m->next)
		if (m->hash == h && m->dtstart == dtstart && m->zone == zone &&
		    m->from == from && m->to == to && m->max == max &&
		    strcmp(m->rrule, rrule) == 0)
			return m;
	return NULL;
}

static void
clear_locked(void)
{
	for (int i = 0; i < RECUR_MEMO_BUCKETS; i++)
		while (buckets[i]) {
			struct memo *m = buckets[i];

			buckets[i] = m->next;
			free(m->rrule);
			free(m);
		}
	held = 0;
}

/* The starts of one expansion, gathered. */
struct gather {
	time_t	*v;
	long	 n, cap;
	int	 oom;
};

static int
gather(time_t t, void *arg)
{
	struct gather *g = arg;

	if (g->n == g->cap) {
		long ncap = g->cap ? g->cap * 2 : 64;
		time_t *nv = realloc(g->v, (size_t)ncap * sizeof(*nv));

		if (nv == NULL) {
			g->oom = 1;
			return 1;
		}
		g->v = nv;
		g->cap = ncap;
	}
	g->v[g->n++] = t;
	return 0;
}

/* Hand the starts to cb as recur_expand would: the count passed. */
static long
replay(const time_t *v, long n, int (*cb)(time_t, void *), void *arg)
{
	long passed = 0;

	for (long i = 0; i < n; i++) {
		passed++;
		if (cb(v[i], arg))
			break;
	}
	return passed;
}

long
recur_expand_memo(const char *rrule, time_t dtstart, icaltimezone *zone,
    time_t from, time_t to, long max, int (*cb)(time_t, void *), void *arg)
{
	uint64_t h = hash_of(rrule, dtstart, zone, from, to, max);
	struct gather g = { 0 };
	struct memo *m;
	size_t size;
	long n;

	pthread_mutex_lock(&lock);
	if ((m = find(h, rrule, dtstart, zone, from, to, max)) != NULL) {
		/* Entries are only freed under the lock: copy them out. */
		size = (size_t)m->n * sizeof(time_t);
		g.v = malloc(size ? size : 1);
		if (g.v != NULL) {
			memcpy(g.v, m->starts, size);
			g.n = m->n;
		}
		pthread_mutex_unlock(&lock);
		if (g.v == NULL)
			return recur_expand(rrule, dtstart, zone, from, to, max,
			    cb, arg);
		n = replay(g.v, g.n, cb, arg);
		free(g.v);
		return n;
	}
	pthread_mutex_unlock(&lock);

	if ((n = recur_expand(rrule, dtstart, zone, from, to, max, gather,
	    &g)) < 0 || g.oom) {
		free(g.v);
		/* A refused rule, or no memory: as without the memo. */
		return n < 0 ? n : recur_expand(rrule, dtstart, zone, from, to,
		    max, cb, arg);
	}
	size = sizeof(*m) + (size_t)g.n * sizeof(time_t);
	pthread_mutex_lock(&lock);
	if (find(h, rrule, dtstart, zone, from, to, max) == NULL &&
	    (m = malloc(size)) != NULL) {
		if ((m->rrule = strdup(rrule)) == NULL)
			free(m);
		else {
			if (held + size + strlen(rrule) > RECUR_MEMO_MAX)
				clear_locked();
			m->hash = h;
			m->dtstart = dtstart;
			m->zone = zone;
			m->from = from;
			m->to = to;
			m->max = max;
			m->n = g.n;
			memcpy(m->starts, g.v, (size_t)g.n * sizeof(time_t));
			m->next = buckets[h % RECUR_MEMO_BUCKETS];
			buckets[h % RECUR_MEMO_BUCKETS] = m;
			held += size + strlen(rrule);
		}
	}
	pthread_mutex_unlock(&lock);
	n = replay(g.v, g.n, cb, arg);
	free(g.v);
	return n;
}

void
recur_memo_clear(void)
{
	pthread_mutex_lock(&lock);
	clear_locked();
	pthread_mutex_unlock(&lock);
}
