/* Call-setup delay statistics: how long a call waits from its INVITE to
 * its IAM, as a histogram the operator (and bench/bench_chain.py) reads
 * percentiles from.  No I/O here, so it unit-tests on its own.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdint.h>

/*! Sub-buckets per power of two: percentiles are good to 1/16 (6 %). */
#define CC_DELAY_SUB	16
/*! Delays are kept up to 2^32 us (71 minutes); longer ones count as that. */
#define CC_DELAY_BITS	32
#define CC_DELAY_BUCKETS ((CC_DELAY_BITS - 3) * CC_DELAY_SUB)

/*! A log-linear histogram of delays in microseconds. */
struct cc_delay_hist {
	uint64_t count;
	uint64_t max_us;
	uint64_t sum_us;
	uint32_t bucket[CC_DELAY_BUCKETS];
};

/*! Count one delay. */
void cc_delay_record(struct cc_delay_hist *h, uint64_t us);

/*! The delay below which a fraction p (0..1] of the samples lie, as the
 *  upper edge of its bucket (never under-reports); 0 when empty. */
uint64_t cc_delay_percentile(const struct cc_delay_hist *h, double p);

/*! Forget every sample. */
void cc_delay_reset(struct cc_delay_hist *h);
