/* Call-setup delay histogram (see cc_delay.h).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "src/cc_delay.h"

/* Values below 16 have a bucket each; above, each power of two is cut in
 * CC_DELAY_SUB equal parts. */
static unsigned int cc_delay_bucket(uint64_t v)
{
	unsigned int msb;

	if (v < CC_DELAY_SUB)
		return v;
	if (v >= (1ull << CC_DELAY_BITS))
		return CC_DELAY_BUCKETS - 1;
	msb = 63 - __builtin_clzll(v);
	return (msb - 3) * CC_DELAY_SUB + ((v >> (msb - 4)) & (CC_DELAY_SUB - 1));
}

/* The first value of the bucket after idx. */
static uint64_t cc_delay_upper(unsigned int idx)
{
	unsigned int next = idx + 1, msb;

	if (next < CC_DELAY_SUB)
		return next;
	msb = next / CC_DELAY_SUB + 3;
	return (uint64_t)(CC_DELAY_SUB + next % CC_DELAY_SUB) << (msb - 4);
}

void cc_delay_record(struct cc_delay_hist *h, uint64_t us)
{
	if (us > (1ull << CC_DELAY_BITS))
		us = 1ull << CC_DELAY_BITS;
	h->bucket[cc_delay_bucket(us)]++;
	h->count++;
	h->sum_us += us;
	if (us > h->max_us)
		h->max_us = us;
}

uint64_t cc_delay_percentile(const struct cc_delay_hist *h, double p)
{
	uint64_t want, seen = 0;
	unsigned int i;

	if (!h->count)
		return 0;
	want = (uint64_t)(p * (double)h->count);
	if ((double)want < p * (double)h->count)
		want++;
	if (want < 1)
		want = 1;
	for (i = 0; i < CC_DELAY_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen < want)
			continue;
		/* the bucket's last value, but never above what was seen; the
		 * top bucket also holds everything longer */
		if (i == CC_DELAY_BUCKETS - 1 || cc_delay_upper(i) - 1 > h->max_us)
			return h->max_us;
		return cc_delay_upper(i) - 1;
	}
	return h->max_us;
}

void cc_delay_reset(struct cc_delay_hist *h)
{
	memset(h, 0, sizeof(*h));
}
