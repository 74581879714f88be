/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78).
 *
 * Castagnoli rather than the zlib polynomial because it detects more error
 * patterns in short records, and it keeps libcdr free of a zlib dependency.
 */
#include <stdbool.h>

#include "db/cdr_crc.h"

static uint32_t crc_table[256];
static bool crc_table_ready;

static void crc_table_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
	crc_table_ready = true;
}

uint32_t cdr_crc32c(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (!crc_table_ready)
		crc_table_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
