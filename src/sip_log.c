/* Sofia-SIP's own log output, folded into the DSIP log category.
 *
 * Sofia writes fragments (a message dump arrives in several calls), so we
 * collect until a newline and log whole lines only.
 */
#include <stdio.h>
#include <string.h>

#include <sofia-sip/su_log.h>

#include "src/sip_agent.h"
#include "src/tandem_log.h"

static char sip_log_buf[1024];
static size_t sip_log_len;

static void sip_log_flush(void)
{
	if (sip_log_len == 0)
		return;
	LOGP(DSIP, LOGL_DEBUG, "sofia: %.*s\n", (int)sip_log_len, sip_log_buf);
	sip_log_len = 0;
}

static void sip_log_cb(void *stream, char const *fmt, va_list ap)
{
	char tmp[1024];
	const char *p, *nl;
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	for (p = tmp; p < tmp + n; p = nl + 1) {
		size_t chunk;

		nl = memchr(p, '\n', tmp + n - p);
		chunk = (nl ? nl : tmp + n) - p;
		if (chunk > sizeof(sip_log_buf) - sip_log_len)
			chunk = sizeof(sip_log_buf) - sip_log_len;
		memcpy(sip_log_buf + sip_log_len, p, chunk);
		sip_log_len += chunk;
		if (!nl)
			break;
		sip_log_flush();
	}
}

void sip_log_init(void)
{
	su_log_redirect(su_log_default, sip_log_cb, NULL);
	su_log_redirect(su_log_global, sip_log_cb, NULL);
}
