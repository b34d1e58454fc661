/*
 * What hersteld and herstelctl share: the version, the API prefix and the
 * limits both sides enforce on requests.
 */
#ifndef HERSTELD_PROTO_H
#define HERSTELD_PROTO_H

#define HERSTELD_VERSION	"0.1.0"
#define API_PREFIX		"/api/v1"
#define API_MAX_BODY		(1024 * 1024)	/* larger bodies get 413 */
#define API_IMPORT_PATH		API_PREFIX "/import"
/* A file of up to 10 MiB, sent as a JSON string: escaping may double it. */
#define API_MAX_IMPORT		(2 * 10 * 1024 * 1024 + 64 * 1024)
#define DEFAULT_SOCKET		"var/hersteld.sock"
#define INSTALLED_SOCKET	"/run/hersteld/hersteld.sock"

#endif
