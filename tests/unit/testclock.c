/*
 * clock_now() for the unit tests: a pinned clock (see testclock.h).
 */
#include "hersteld/clock.h"
#include "testclock.h"

static time_t pinned = TESTCLOCK_START;

time_t
clock_now(void)
{
	return pinned;
}

void
testclock_set(time_t t)
{
	pinned = t;
}

void
testclock_advance(time_t secs)
{
	pinned += secs;
}
