/* Placeholder until the token noun lands. */
#include "hersteld/api.h"

void
api_tokens(const struct api_req *r, struct api_resp *resp)
{
	(void)r;
	api_error(resp, 501, "not_implemented", "not implemented yet");
}
