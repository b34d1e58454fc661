/*
 * POST /api/v1/backup {path}: a consistent copy of the database while
 * the daemon keeps serving (store_copy: SQLite's backup API, checked with
 * integrity_check, written beside path and renamed over it).  The admin
 * only; path is on the daemon's machine and absolute.
 */
#include <limits.h>
#include <string.h>

#include "hersteld/api.h"
#include "hersteld/conf.h"
#include "hersteld/store.h"

static void
backup(const struct api_req *r, struct api_resp *resp)
{
	const char *path = NULL;
	char err[512];
	long long bytes;

	if (api_unpack(r, resp, "{s:s}", "path", &path))
		return;
	if (path[0] != '/' || strlen(path) >= PATH_MAX - 32) {
		api_error(resp, 422, "invalid", "the backup's path must be "
		    "absolute (and shorter than %d bytes)", PATH_MAX - 32);
		return;
	}
	if (strcmp(path, conf_current()->database) == 0) {
		api_error(resp, 422, "invalid", "the backup cannot replace the "
		    "database itself");
		return;
	}
	if (store_copy(store_db(), path, &bytes, err, sizeof(err))) {
		api_error(resp, 422, "invalid", "no backup made: %s", err);
		return;
	}
	resp->status = 200;
	resp->json = json_pack("{s:s, s:I, s:i}", "path", path, "bytes",
	    (json_int_t)bytes, "schema", STORE_VERSION);
}

const struct api_route api_backup_routes[] = {
	{ "POST",	"backup",	API_ADMIN,	backup,
	    "only the admin makes backups" },
	{ NULL, NULL, 0, NULL, NULL }
};
