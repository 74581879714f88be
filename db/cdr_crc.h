/* CRC-32C (Castagnoli) for the CDR spool's per-record checksums. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*! Continue a CRC-32C over @len bytes; start with crc = 0. */
uint32_t cdr_crc32c(uint32_t crc, const void *data, size_t len);
