/*
 * The daemon's clock: the system's wall clock.  See clock.h for why every
 * module asks this function; the unit tests link tests/unit/testclock.c
 * instead of this file.
 */
#include "hersteld/clock.h"

time_t
clock_now(void)
{
	return time(NULL);
}
