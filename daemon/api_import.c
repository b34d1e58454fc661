/*
 * /api/v1/import: load an iCalendar file (a yearly plan) as events.
 * Placeholder until the import lands.
 */
#include "hersteld/api.h"

void
api_import(const struct api_req *r, struct api_resp *resp)
{
	(void)r;
	api_error(resp, 501, "not_implemented", "import is not available yet");
}
