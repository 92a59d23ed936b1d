/* Prints where lws keeps the MASK bit of the frame being parsed, for shim.h's
 * CLWS_frame_is_masked. Build against the libwebsockets source tree of the installed version:
 *   tools/autobahn/lws-offsets/run.sh /path/to/libwebsockets-4.1.6
 */
#include "private-lib-core.h"
#include <stdio.h>

static void find_bit(const unsigned char *p, size_t n, size_t *byte, int *bit) {
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 8; b++)
			if (p[i] & (1 << b)) { *byte = i; *bit = b; }
}

int main(void) {
	struct _lws_websocket_related ws;
	size_t byte = 0; int bit = -1;
	memset(&ws, 0, sizeof ws);
	ws.this_frame_masked = 1;
	find_bit((const unsigned char *)&ws, sizeof ws, &byte, &bit);
	printf("offsetof(struct lws, ws) = %zu\n", offsetof(struct lws, ws));
	printf("this_frame_masked: byte %zu bit %d\n", byte, bit);
	memset(&ws, 0, sizeof ws);
	ws.final = 1;
	find_bit((const unsigned char *)&ws, sizeof ws, &byte, &bit);
	printf("final: byte %zu bit %d\n", byte, bit);
	memset(&ws, 0, sizeof ws);
	ws.frame_is_binary = 1;
	find_bit((const unsigned char *)&ws, sizeof ws, &byte, &bit);
	printf("frame_is_binary: byte %zu bit %d\n", byte, bit);
	printf("offsetof(ws, rsv) = %zu\n", offsetof(struct _lws_websocket_related, rsv));
	return 0;
}
