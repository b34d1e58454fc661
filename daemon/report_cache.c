/*
 * The answers of recent reports (report_cache.h): a few slots behind one
 * mutex, the least recently used one given up for a new answer.  A slot
 * holds a private copy of the rows; a reader gets a copy of its own, so
 * nothing is shared once the mutex is let go.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/report.h"
#include "hersteld/report_cache.h"
#include "hersteld/store.h"

struct slot {
	char			 key[96];
	uint64_t		 gen;
	void			*rows;
	size_t			 size, n;
	uint64_t		 used;		/* LRU tick; 0: empty */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[REPORT_CACHE_SLOTS];
static uint64_t tick;

static void
drop(struct slot *sl)
{
	free(sl->rows);
	memset(sl, 0, sizeof(*sl));
}

void *
report_cache_get(const char *key, uint64_t gen, size_t size, size_t *n)
{
	void *copy = NULL;

	*n = 0;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < REPORT_CACHE_SLOTS; i++) {
		struct slot *sl = &slots[i];

		if (sl->used == 0 || strcmp(sl->key, key) != 0 ||
		    sl->size != size)
			continue;
		/* The store has changed since: this answer is no more. */
		if (sl->gen != gen) {
			drop(sl);
			continue;
		}
		if ((copy = malloc(sl->n ? sl->n * size : 1)) != NULL) {
			memcpy(copy, sl->rows, sl->n * size);
			*n = sl->n;
			sl->used = ++tick;
		}
		break;
	}
	pthread_mutex_unlock(&lock);
	return copy;
}

void
report_cache_put(const char *key, uint64_t gen, const void *rows, size_t size,
    size_t n)
{
	struct slot *sl = NULL;
	void *copy;

	if (strlen(key) >= sizeof(sl->key) || n * size > REPORT_CACHE_MAX ||
	    (copy = malloc(n ? n * size : 1)) == NULL)
		return;
	memcpy(copy, rows, n * size);
	pthread_mutex_lock(&lock);
	/* The same key's slot, else an empty or the least recently used. */
	for (int i = 0; i < REPORT_CACHE_SLOTS; i++)
		if (slots[i].used && strcmp(slots[i].key, key) == 0) {
			sl = &slots[i];
			break;
		}
	if (sl == NULL) {
		sl = &slots[0];		/* empty slots have the lowest tick */
		for (int i = 1; i < REPORT_CACHE_SLOTS; i++)
			if (slots[i].used < sl->used)
				sl = &slots[i];
	}
	drop(sl);
	snprintf(sl->key, sizeof(sl->key), "%s", key);
	sl->gen = gen;
	sl->rows = copy;
	sl->size = size;
	sl->n = n;
	sl->used = ++tick;
	pthread_mutex_unlock(&lock);
}

void
report_cache_clear(void)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < REPORT_CACHE_SLOTS; i++)
		drop(&slots[i]);
	pthread_mutex_unlock(&lock);
}

/* ---- the reports through the cache ---- */

/* Rows as a report hands them over, in order. */
struct rows {
	void	*v;
	size_t	 n, cap, size;
	int	 oom;
};

static int
rows_add(struct rows *r, const void *row)
{
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 64;
		void *nv = realloc(r->v, ncap * r->size);

		if (nv == NULL) {
			r->oom = 1;
			return 1;
		}
		r->v = nv;
		r->cap = ncap;
	}
	memcpy((char *)r->v + r->n * r->size, row, r->size);
	r->n++;
	return 0;
}

static int
add_group(const struct report_group *g, void *arg)
{
	return rows_add(arg, g);
}

static int
add_room(const struct report_room *m, void *arg)
{
	return rows_add(arg, m);
}

/* Computes a report's rows into r, for the question q. */
typedef int (*compute_fn)(sqlite3 *, const void *q, struct rows *r,
    struct fault *);

/*
 * Into r the rows of the report asked under key: the cached ones when the
 * store has not changed since they were computed, else computed now and
 * kept.  The generation is read before computing, so rows computed while
 * a change was committed are kept under the older generation and never
 * served after it.  The caller frees r->v.
 */
static int
through_cache(sqlite3 *db, const char *key, size_t size, compute_fn compute,
    const void *q, struct rows *r, struct fault *f)
{
	uint64_t gen = store_generation();

	*r = (struct rows){ .size = size };
	if ((r->v = report_cache_get(key, gen, size, &r->n)) != NULL)
		return 0;
	if (compute(db, q, r, f) || r->oom) {
		free(r->v);
		r->v = NULL;
		r->n = 0;
		return r->oom ? fault_set(f, FAULT_INTERNAL, "out of memory") :
		    -1;
	}
	report_cache_put(key, gen, r->v, size, r->n);
	return 0;
}

struct groups_q {
	time_t	 from, to;
	int64_t	 only_group;
};

static int
compute_groups(sqlite3 *db, const void *q, struct rows *r, struct fault *f)
{
	const struct groups_q *g = q;

	return report_groups(db, g->from, g->to, g->only_group, add_group, r,
	    f);
}

struct rooms_q {
	const struct report_days	*days;
	int64_t				 only_location;
};

static int
compute_rooms(sqlite3 *db, const void *q, struct rows *r, struct fault *f)
{
	const struct rooms_q *m = q;

	return report_rooms(db, m->days, m->only_location, add_room, r, f);
}

int
report_groups_cached(sqlite3 *db, time_t from, time_t to, int64_t only_group,
    int (*cb)(const struct report_group *, void *), void *arg,
    struct fault *f)
{
	struct groups_q q = { from, to, only_group };
	const struct report_group *v;
	struct rows r;
	char key[96];

	snprintf(key, sizeof(key), "groups %lld %lld %lld", (long long)from,
	    (long long)to, (long long)only_group);
	if (through_cache(db, key, sizeof(*v), compute_groups, &q, &r, f))
		return -1;
	v = r.v;
	for (size_t i = 0; i < r.n; i++)
		if (cb(&v[i], arg))
			break;
	free(r.v);
	return 0;
}

int
report_rooms_cached(sqlite3 *db, const struct report_days *days,
    int64_t only_location, int (*cb)(const struct report_room *, void *),
    void *arg, struct fault *f)
{
	struct rooms_q q = { days, only_location };
	const struct report_room *v;
	struct rows r;
	char key[96];

	snprintf(key, sizeof(key), "rooms %04d-%02d-%02d %04d-%02d-%02d %lld",
	    days->fy, days->fm, days->fd, days->ty, days->tm, days->td,
	    (long long)only_location);
	if (through_cache(db, key, sizeof(*v), compute_rooms, &q, &r, f))
		return -1;
	v = r.v;
	for (size_t i = 0; i < r.n; i++)
		if (cb(&v[i], arg))
			break;
	free(r.v);
	return 0;
}
