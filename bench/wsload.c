/* wsload: a websocket load client fast enough not to be the bottleneck (epoll, one thread,
 * no allocation per frame). Two modes:
 *
 *   fanout: N receivers (optionally each saying hello with a token from --tokens) and one
 *           sender (--sender-token) that sends --message at --rate per second, or as fast as
 *           the receivers keep up (--rate 0, with a window of --window messages). Counts frames
 *           containing --match at every receiver; latency = receive time - send time.
 *   ingest: N clients, each with a token, each sending `submit` messages (window --window)
 *           and timing the acks.
 *
 * Prints one JSON line of results. Build: cc -O2 -o wsload wsload.c -lm
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUCKETS 2000000 /* 5 µs buckets up to 10 s */
static unsigned *hist;
static long hist_n;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void record(double seconds) {
	long b = (long)(seconds / 5e-6);
	if (b < 0) b = 0;
	if (b >= BUCKETS) b = BUCKETS - 1;
	hist[b]++; hist_n++;
}
static double percentile(double p) {
	long target = (long)ceil(p * hist_n), acc = 0;
	for (long b = 0; b < BUCKETS; b++) { acc += hist[b]; if (acc >= target && target > 0) return (b + 0.5) * 5e-6; }
	return 0;
}

typedef struct {
	int fd, state, sender, ready;
	char *in; size_t inlen, incap;
	long matched;
	char token[256];
	/* ingest */
	long next_ref, acked; double sent_at[64];
} conn;

static const char *host = "127.0.0.1", *match = "", *message = "{}", *mode = "fanout";
static int port = 8080, nclients = 100, window_ = 8, count_all = 0;
static long all_frames_after_start; static int started;
static double rate = 0, duration = 10;
static conn *conns; static int nconns;
static double *send_times; static long sent, send_cap;
static long total_matched, total_frames;
static int efd;

static void die(const char *m) { perror(m); exit(1); }

static void send_frame(conn *c, const char *text, size_t len) {
	unsigned char hdr[14]; size_t h = 0;
	hdr[h++] = 0x81;
	if (len < 126) hdr[h++] = 0x80 | len;
	else if (len < 65536) { hdr[h++] = 0x80 | 126; hdr[h++] = len >> 8; hdr[h++] = len & 255; }
	else { hdr[h++] = 0x80 | 127; for (int i = 7; i >= 0; i--) hdr[h++] = (len >> (8 * i)) & 255; }
	unsigned char mask[4] = { 0x12, 0x34, 0x56, 0x78 };
	memcpy(hdr + h, mask, 4); h += 4;
	char *buf = malloc(h + len);
	memcpy(buf, hdr, h);
	for (size_t i = 0; i < len; i++) buf[h + i] = text[i] ^ mask[i & 3];
	size_t off = 0;
	while (off < h + len) {
		ssize_t n = write(c->fd, buf + off, h + len - off);
		if (n < 0) { if (errno == EAGAIN) { usleep(50); continue; } break; }
		off += n;
	}
	free(buf);
}

static void send_pong(conn *c) { unsigned char f[6] = { 0x8A, 0x80, 0, 0, 0, 0 }; (void)!write(c->fd, f, 6); }

static void ingest_send(conn *c) {
	char msg[256];
	long ref = c->next_ref++;
	int len = snprintf(msg, sizeof msg, "{\"type\":\"submit\",\"kind\":\"outmodel\",\"text\":\"They value a quiet pager, point %ld from client %d.\",\"ref\":%ld}",
	                   ref, (int)(c - conns), ref);
	c->sent_at[ref % 64] = now();
	send_frame(c, msg, len);
}

static void on_frame(conn *c, const char *p, size_t len, int opcode) {
	if (opcode == 0x9) { send_pong(c); return; }
	if (opcode != 0x1) return;
	total_frames++;
	if (!c->ready) {
		if (memmem(p, len, "\"welcome\"", 9)) {
			c->ready = 1;
			if (!strcmp(mode, "ingest")) for (int i = 0; i < window_; i++) ingest_send(c);
		}
		return;
	}
	if (!strcmp(mode, "ingest")) {
		const char *a = memmem(p, len, "\"type\":\"ack\"", 12);
		if (!a) return;
		const char *r = memmem(p, len, "\"ref\":", 6);
		if (!r) return;
		long ref = strtol(r + 6, NULL, 10);
		record(now() - c->sent_at[ref % 64]);
		c->acked++; total_matched++;
		ingest_send(c);
		return;
	}
	if (c->sender) return;
	if (started) all_frames_after_start++;
	if (*match && !memmem(p, len, match, strlen(match))) return;
	if (c->matched < sent) record(now() - send_times[c->matched]);
	c->matched++; total_matched++;
}

static void on_readable(conn *c) {
	for (;;) {
		if (c->incap - c->inlen < 65536) { c->incap = c->incap * 2 + 65536; c->in = realloc(c->in, c->incap); }
		ssize_t n = read(c->fd, c->in + c->inlen, c->incap - c->inlen);
		if (n == 0) { fprintf(stderr, "connection %d closed by server\n", (int)(c - conns)); close(c->fd); c->state = 3; return; }
		if (n < 0) { if (errno == EAGAIN) break; c->state = 3; return; }
		c->inlen += n;
	}
	size_t off = 0;
	if (c->state == 1) {
		char *end = memmem(c->in, c->inlen, "\r\n\r\n", 4);
		if (!end) return;
		if (!memmem(c->in, end - c->in, " 101", 4)) { fprintf(stderr, "handshake refused\n"); exit(1); }
		off = end - c->in + 4;
		c->state = 2;
		if (c->token[0]) {
			char hello[400];
			int len = snprintf(hello, sizeof hello, "{\"type\":\"hello\",\"token\":\"%s\"}", c->token);
			send_frame(c, hello, len);
		} else c->ready = 1;
	}
	while (c->inlen - off >= 2) {
		unsigned char *b = (unsigned char *)c->in + off;
		int opcode = b[0] & 15;
		size_t len = b[1] & 127, h = 2;
		if (len == 126) { if (c->inlen - off < 4) break; len = (b[2] << 8) | b[3]; h = 4; }
		else if (len == 127) { if (c->inlen - off < 10) break; len = 0; for (int i = 0; i < 8; i++) len = (len << 8) | b[2 + i]; h = 10; }
		if (c->inlen - off < h + len) break;
		on_frame(c, (char *)b + h, len, opcode);
		off += h + len;
	}
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
}

static void connect_one(conn *c) {
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd < 0) die("socket");
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, host, &a.sin_addr);
	if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) die("connect");
	/* Blocking-ish handshake write once connected. */
	fd_set w; FD_ZERO(&w); FD_SET(c->fd, &w);
	struct timeval tv = { 5, 0 };
	select(c->fd + 1, NULL, &w, NULL, &tv);
	char req[512];
	int len = snprintf(req, sizeof req, "GET /ws HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: detente.v1\r\n\r\n", host, port);
	if (write(c->fd, req, len) != len) die("handshake write");
	c->state = 1;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	epoll_ctl(efd, EPOLL_CTL_ADD, c->fd, &ev);
}

int main(int argc, char **argv) {
	const char *tokens_file = NULL, *sender_token = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--mode")) mode = argv[i + 1];
		else if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--clients")) nclients = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--tokens")) tokens_file = argv[i + 1];
		else if (!strcmp(argv[i], "--sender-token")) sender_token = argv[i + 1];
		else if (!strcmp(argv[i], "--rate")) rate = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--window")) window_ = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--duration")) duration = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--match")) match = argv[i + 1];
		else if (!strcmp(argv[i], "--message")) message = argv[i + 1];
		else if (!strcmp(argv[i], "--count-all")) count_all = atoi(argv[i + 1]);
	}
	struct rlimit rl = { 65536, 65536 }; setrlimit(RLIMIT_NOFILE, &rl);
	hist = calloc(BUCKETS, sizeof *hist);
	efd = epoll_create1(0);
	int fanout = !strcmp(mode, "fanout");
	nconns = nclients + (fanout ? 1 : 0);
	conns = calloc(nconns, sizeof *conns);
	FILE *tf = tokens_file ? fopen(tokens_file, "r") : NULL;
	for (int i = 0; i < nclients; i++) {
		if (tf && fgets(conns[i].token, sizeof conns[i].token, tf)) conns[i].token[strcspn(conns[i].token, "\r\n")] = 0;
		if (window_ > 64) window_ = 64;
	}
	if (fanout) { conns[nclients].sender = 1; if (sender_token) snprintf(conns[nclients].token, 256, "%s", sender_token); }
	for (int i = 0; i < nconns; i++) connect_one(&conns[i]);
	struct epoll_event evs[512];
	/* Wait until everyone is in. */
	double deadline = now() + 60;
	for (;;) {
		int ready = 0;
		for (int i = 0; i < nconns; i++) ready += conns[i].ready;
		if (ready == nconns) break;
		if (now() > deadline) { fprintf(stderr, "only %d of %d ready\n", ready, nconns); return 1; }
		int n = epoll_wait(efd, evs, 512, 100);
		for (int i = 0; i < n; i++) on_readable(evs[i].data.ptr);
	}
	if (!strcmp(mode, "ingest")) { hist_n = 0; memset(hist, 0, BUCKETS * sizeof *hist); total_matched = 0; }
	send_cap = 1 << 22; send_times = malloc(send_cap * sizeof *send_times);
	double start = now(), end = start + duration;
	started = 1;
	size_t msglen = strlen(message);
	while (now() < end) {
		if (fanout) {
			double t = now();
			if (rate > 0) {
				while (sent < send_cap && start + sent / rate <= t) { send_times[sent++] = now(); send_frame(&conns[nclients], message, msglen); }
			} else {
				while (sent < send_cap && total_matched >= (sent - window_) * (long)nclients) { send_times[sent++] = now(); send_frame(&conns[nclients], message, msglen); }
			}
		}
		int n = epoll_wait(efd, evs, 512, 1);
		for (int i = 0; i < n; i++) on_readable(evs[i].data.ptr);
	}
	/* Let in-flight deliveries land (not counted in the rate). */
	double elapsed = now() - start;
	/* Deliveries: matching frames, or every frame a receiver got when one message causes several. */
	long counted = count_all ? all_frames_after_start : total_matched;
	double drain_end = now() + 2;
	while (now() < drain_end && fanout && total_matched < sent * (long)nclients) {
		int n = epoll_wait(efd, evs, 512, 10);
		for (int i = 0; i < n; i++) on_readable(evs[i].data.ptr);
	}
	printf("{\"mode\":\"%s\",\"clients\":%d,\"sent\":%ld,\"counted\":%ld,\"delivered\":%ld,\"expected\":%ld,\"seconds\":%.3f,"
	       "\"per_second\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"frames\":%ld}\n",
	       mode, nclients, sent, counted, total_matched, fanout ? sent * (long)nclients : total_matched, elapsed, counted / elapsed,
	       percentile(0.5) * 1000, percentile(0.99) * 1000, total_frames);
	return 0;
}
