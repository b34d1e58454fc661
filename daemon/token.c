/* Placeholder until tokens land. */
#include "hersteld/token.h"

int
token_authenticate(sqlite3 *db, const char *secret, struct principal *p)
{
	(void)db; (void)secret; (void)p;
	return -1;
}
