/*
 * The HTTP side (libmicrohttpd): the UNIX socket, where every caller is the
 * admin, and listen.http, where every API call needs a bearer token.
 * Requests are answered from a small thread pool, each thread with its own
 * SQLite connection.
 */
#ifndef HERSTELD_HTTP_H
#define HERSTELD_HTTP_H

#include "hersteld/conf.h"

/* Open the listeners of c; 0, or -1 with a message in err. */
int	http_start(const struct conf *c, char *err, size_t errlen);
/* Stop accepting, let requests in flight finish, and close. */
void	http_stop(void);

#endif
