/* Reference: a minimal broadcast server on the same libwebsockets, for the fan-out benchmark.
 * Every text message received on /ws (subprotocol detente.v1) is sent to every connection.
 * Same design as Detente's transport (one service thread, per-connection queue of shared
 * messages written on WRITEABLE until the pipe chokes), minus everything else.
 * Build: cc -O2 -o lws_broadcast lws_broadcast.c $(pkg-config --cflags --libs libwebsockets) */
#include <libwebsockets.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct msg { unsigned char *buf; size_t len; };
static struct msg *msgs; static size_t nmsgs, capmsgs;
struct pss { size_t next; unsigned char *rx; size_t rxlen; };
static volatile int interrupted;

static int cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
	struct pss *p = user;
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED: p->next = nmsgs; p->rx = NULL; p->rxlen = 0; break;
	case LWS_CALLBACK_RECEIVE: {
		p->rx = realloc(p->rx, p->rxlen + len); memcpy(p->rx + p->rxlen, in, len); p->rxlen += len;
		if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi)) break;
		if (nmsgs == capmsgs) { capmsgs = capmsgs ? capmsgs * 2 : 1024; msgs = realloc(msgs, capmsgs * sizeof *msgs); }
		unsigned char *b = malloc(LWS_PRE + p->rxlen); memcpy(b + LWS_PRE, p->rx, p->rxlen);
		msgs[nmsgs].buf = b; msgs[nmsgs].len = p->rxlen; nmsgs++;
		p->rxlen = 0;
		lws_callback_on_writable_all_protocol(lws_get_context(wsi), lws_get_protocol(wsi));
		break;
	}
	case LWS_CALLBACK_SERVER_WRITEABLE:
		while (p->next < nmsgs) {
			struct msg *m = &msgs[p->next];
			if (lws_write(wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT) < (int)m->len) return -1;
			p->next++;
			if (lws_send_pipe_choked(wsi)) { lws_callback_on_writable(wsi); break; }
		}
		break;
	case LWS_CALLBACK_CLOSED: free(p->rx); break;
	default: break;
	}
	return 0;
}

static struct lws_protocols protocols[] = {
	{ "http", lws_callback_http_dummy, 0, 0, 0, NULL, 0 },
	{ "detente.v1", cb, sizeof(struct pss), 16384, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void stop(int s) { (void)s; interrupted = 1; }

int main(int argc, char **argv) {
	struct lws_context_creation_info info; memset(&info, 0, sizeof info);
	info.port = argc > 1 ? atoi(argv[1]) : 9001;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
	lws_set_log_level(LLL_ERR, NULL);
	signal(SIGINT, stop); signal(SIGTERM, stop);
	struct lws_context *ctx = lws_create_context(&info);
	if (!ctx) return 1;
	while (!interrupted && lws_service(ctx, 0) >= 0) ;
	lws_context_destroy(ctx);
	return 0;
}
