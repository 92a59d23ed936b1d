/* wsload: a websocket load client fast enough not to be the bottleneck (epoll, one thread,
 * no allocation per frame). Three modes:
 *
 *   fanout: receivers (each optionally saying hello with a token from --tokens) in one or more
 *           groups, one sender per group (--sender-token, or one line per group in --senders)
 *           that sends --message at --rate per second, or as fast as its group keeps up
 *           (--rate 0: at most --window messages ahead of the slowest count). A delivery is one
 *           occurrence of --match in a frame a receiver gets (so a command counts once per
 *           receiver however many frames it causes, and a frame batching several counts each);
 *           latency = receive time - send time of that message.
 *   ingest: clients with tokens, each keeping --window `submit`s in flight (at most
 *           --max-per-client in all: the server bounds items per person and per workshop),
 *           timing the acks (texts from --texts, one JSON-escaped per line); with --rate, each writer sends
 *           that many per second, writers staggered over the period, latency counted from when each was due.
 *           Any `error` answer fails the run. --ready-file is created when the measured
 *           phase starts (everyone connected), so a caller can sample the server then.
 *   storm:  every client connects and says hello at once; time until all have their `welcome`,
 *           then --settle seconds more of reading; counts presence frames and bytes.
 *
 * --batch 1: each hello says "batch": true, so the server may send one frame holding a JSON array
 * of several messages (docs/PROTOCOL.md, Batching); deliveries and acks are counted per message
 * inside such frames.
 *
 * A run in which a connection is closed, a receiver misses deliveries, or nothing arrives for
 * --stall-seconds while deliveries are owed prints "failed": "<reason>" (and exits 0: the
 * caller reports it; it is a result, not a crash). Prints one JSON line.
 * Build: cc -O2 -o wsload wsload.c -lm
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUCKETS 2000000 /* 5 µs buckets up to 10 s */
typedef struct { unsigned *b; long n; } histogram;
static histogram deliveries, acks; /* acks: the sender's own answers, in fan-out */

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void record_in(histogram *h, double seconds) {
	long b = (long)(seconds / 5e-6);
	if (b < 0) b = 0;
	if (b >= BUCKETS) b = BUCKETS - 1;
	h->b[b]++; h->n++;
}
static void record(double seconds) { record_in(&deliveries, seconds); }
static double percentile_of(histogram *h, double p) {
	long target = (long)ceil(p * h->n), acc = 0;
	for (long b = 0; b < BUCKETS; b++) { acc += h->b[b]; if (acc >= target && target > 0) return (b + 0.5) * 5e-6; }
	return 0;
}
static double percentile(double p) { return percentile_of(&deliveries, p); }

typedef struct {
	int fd, state, sender, ready, group;
	char *in; size_t inlen, incap;
	long matched, acks_seen;
	char token[256];
	double welcome_at, last_ack_at; long welcome_bytes;
	long presence_frames, presence_bytes, frames, bytes;
	/* ingest */
	long next_ref, acked, errors; double sent_at[64];
} conn;

typedef struct { int sender; long members, sent, matched; double *send_times; } group_t;

static const char *host = "127.0.0.1", *match = "", *message = "{}", *mode = "fanout";
static int port = 8080, nclients = 100, window_ = 8, batch = 0;
static long max_per_client = 0;
static double rate = 0, duration = 10, stall_seconds = 2, settle = 1.5, ready_timeout = 60;
static conn *conns; static int nconns;
static group_t *groups; static int ngroups = 1; static long send_cap;
static long total_matched, total_frames, total_errors, dropped, frames_after_start;
static double last_progress, longest_gap;
static int efd, started;
/* Connections whose 101 has not arrived yet: the connect loop keeps at most MAX_HANDSHAKING of
 * them, reading answers as it goes, so a burst of 10,000 connects does not overrun the server's
 * accept queue (seen: resets once thousands waited unread). */
#define MAX_HANDSHAKING 256
static int handshaking;
static char first_error[200], first_drop[120];
/* --ack-times FILE: one line per facilitator ack, "group sent_at received_at" (CLOCK_MONOTONIC
 * seconds), to set against a server's own stamps (DETENTE_TRACE_STAGES) on the same clock. */
static FILE *ack_times;

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

static int is_ingest(void) { return !strcmp(mode, "ingest"); }
static int is_fanout(void) { return !strcmp(mode, "fanout"); }

static double ingest_start;
/* WSLOAD_ACK_TRACE=<file>: one line per ack, "<sent or due, s from the start> <latency s>" (for
 * looking at when a tail happens; the bench does not set it). */
static FILE *ack_trace;
static char **texts; static long ntexts;

static void read_texts(const char *path) {
	FILE *f = fopen(path, "r"); if (!f) die(path);
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		texts = realloc(texts, (ntexts + 1) * sizeof *texts);
		texts[ntexts++] = strdup(line);
	}
	fclose(f);
}
static void ingest_send(conn *c) {
	/* Nothing before the common start: a frame that reaches a seated writer while others are
	 * still connecting (its presence update) must not set off sends timed against no start. */
	if (!started) return;
	if (max_per_client && c->next_ref >= max_per_client) return;
	/* Paced (open loop): writer i's item k is due at start + (k + i/N)/rate, so the writers'
	 * sends are spread over each period instead of arriving together; its latency counts from
	 * when it was due, not when it left, so a server that falls behind is not forgiven
	 * (no coordinated omission). */
	double due = rate > 0 ? ingest_start + (c->next_ref + (double)(c - conns) / nconns) / rate : 0;
	if (rate > 0 && due > now()) return; /* sent later by ingest_due */
	char msg[4400];
	long ref = c->next_ref++;
	int len;
	if (ntexts) /* texts given JSON-escaped, one per line, cycled across all writers */
		len = snprintf(msg, sizeof msg, "{\"type\":\"submit\",\"kind\":\"outmodel\",\"text\":\"%s\",\"ref\":%ld}",
		               texts[(ref * nconns + (c - conns)) % ntexts], ref);
	else
		len = snprintf(msg, sizeof msg, "{\"type\":\"submit\",\"kind\":\"outmodel\",\"text\":\"They value a quiet pager, point %ld from client %d.\",\"ref\":%ld}",
		               ref, (int)(c - conns), ref);
	c->sent_at[ref % 64] = rate > 0 ? due : now();
	send_frame(c, msg, len);
}

/* Occurrences of the match string in one frame: a batched frame may carry several. */
static long count_matches(const char *p, size_t len) {
	if (!*match) return 1;
	size_t m = strlen(match); long n = 0;
	const char *q = p, *end = p + len;
	while ((q = memmem(q, end - q, match, m))) { n++; q += m; }
	return n;
}

static void close_conn(conn *c, const char *why) {
	if (c->state == 3) return;
	if (dropped++ == 0) snprintf(first_drop, sizeof first_drop, "connection %d %s", (int)(c - conns), why);
	epoll_ctl(efd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd); c->state = 3;
}

/* One frame may batch several messages (--batch 1): every ack and error in it counts. An ack's
 * ref is the first "ref": after its type and before the next message's type. */
static void on_ingest_frame(conn *c, const char *p, size_t len) {
	const char *end = p + len;
	for (const char *e = p; (e = memmem(e, end - e, "\"type\":\"error\"", 14)); e += 14) {
		c->errors++; total_errors++;
		if (!first_error[0]) snprintf(first_error, sizeof first_error, "%.*s", (int)(len < 150 ? len : 150), p);
	}
	for (const char *a = p; (a = memmem(a, end - a, "\"type\":\"ack\"", 12)); a += 12) {
		const char *next = memmem(a + 12, end - a - 12, "\"type\":", 7);
		const char *r = memmem(a, (next ? next : end) - a, "\"ref\":", 6);
		if (!r) continue;
		long ref = strtol(r + 6, NULL, 10);
		record(now() - c->sent_at[ref % 64]);
		if (ack_trace) fprintf(ack_trace, "%.6f %.6f\n", c->sent_at[ref % 64] - ingest_start, now() - c->sent_at[ref % 64]);
		c->acked++; total_matched++;
		last_progress = c->last_ack_at = now();
	}
	/* Refill the window (ingest_send does nothing once the writer is done or not yet due). */
	while (c->state != 3 && c->next_ref - c->acked - c->errors < window_) {
		long before = c->next_ref;
		ingest_send(c);
		if (c->next_ref == before) break;
	}
}

static void on_frame(conn *c, const char *p, size_t len, int opcode) {
	if (opcode == 0x9) { send_pong(c); return; }
	if (opcode == 0x8) { close_conn(c, "closed by the server (close frame)"); return; }
	if (opcode != 0x1) return;
	total_frames++; c->frames++; c->bytes += len;
	/* A frame's own type comes first ({"type":"presence",…}); a welcome embeds a presence object. */
	if (memmem(p, len < 33 ? len : 33, "\"type\":\"presence\"", 17)) { c->presence_frames++; c->presence_bytes += len; }
	if (!c->ready) {
		if (memmem(p, len, "\"welcome\"", 9)) {
			c->ready = 1; c->welcome_at = now(); c->welcome_bytes = len;
		}
		return;
	}
	if (is_ingest()) { on_ingest_frame(c, p, len); return; }
	if (c->sender && started) {
		group_t *g = &groups[c->group];
		for (const char *q = p, *end = p + len; (q = memmem(q, end - q, "\"type\":\"ack\"", 12)); q += 12) {
			if (c->acks_seen < g->sent) {
				record_in(&acks, now() - g->send_times[c->acks_seen]);
				if (ack_times) fprintf(ack_times, "%d %.6f %.6f\n", c->group, g->send_times[c->acks_seen], now());
			}
			c->acks_seen++;
		}
		return;
	}
	if (c->sender || !is_fanout()) return;
	if (started) frames_after_start++;
	long k = count_matches(p, len);
	group_t *g = &groups[c->group];
	for (long i = 0; i < k; i++) {
		if (c->matched < g->sent) record(now() - g->send_times[c->matched]);
		c->matched++; g->matched++; total_matched++;
	}
	if (k) {
		double t = now();
		if (started && t - last_progress > longest_gap) longest_gap = t - last_progress;
		last_progress = t;
	}
}

static void on_readable(conn *c) {
	if (c->state == 3) return;
	for (;;) {
		if (c->incap - c->inlen < 65536) { c->incap = c->incap * 2 + 65536; c->in = realloc(c->in, c->incap); }
		ssize_t n = read(c->fd, c->in + c->inlen, c->incap - c->inlen);
		if (n == 0) { close_conn(c, "closed by server"); return; }
		if (n < 0) { if (errno == EAGAIN) break; close_conn(c, strerror(errno)); return; }
		c->inlen += n;
	}
	size_t off = 0;
	if (c->state == 1) {
		char *end = memmem(c->in, c->inlen, "\r\n\r\n", 4);
		if (!end) return;
		if (!memmem(c->in, end - c->in, " 101", 4)) { fprintf(stderr, "handshake refused\n"); exit(1); }
		off = end - c->in + 4;
		c->state = 2;
		handshaking--;
		if (c->token[0]) {
			char hello[400];
			int len = snprintf(hello, sizeof hello, "{\"type\":\"hello\",\"token\":\"%s\"%s}", c->token, batch ? ",\"batch\":true" : "");
			send_frame(c, hello, len);
		} else { c->ready = 1; c->welcome_at = now(); }
	}
	while (c->inlen - off >= 2) {
		unsigned char *b = (unsigned char *)c->in + off;
		int opcode = b[0] & 15;
		size_t len = b[1] & 127, h = 2;
		if (len == 126) { if (c->inlen - off < 4) break; len = (b[2] << 8) | b[3]; h = 4; }
		else if (len == 127) { if (c->inlen - off < 10) break; len = 0; for (int i = 0; i < 8; i++) len = (len << 8) | b[2 + i]; h = 10; }
		if (c->inlen - off < h + len) break;
		on_frame(c, (char *)b + h, len, opcode);
		if (c->state == 3) return;
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
	/* Blocking-ish handshake write once connected. poll, not select: FD_SET on a descriptor
	 * >= FD_SETSIZE (1024) writes past the fd_set, into the caller's stack (it clobbered the
	 * connect loop's counter, so 10,020 clients stopped connecting after exactly 5,195). */
	struct pollfd w = { .fd = c->fd, .events = POLLOUT };
	poll(&w, 1, 5000);
	char req[512];
	int len = snprintf(req, sizeof req, "GET /ws HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: detente.v1\r\n\r\n", host, port);
	for (int tries = 0; write(c->fd, req, len) != len; tries++) {
		if (tries > 2000 || (errno != EAGAIN && errno != ENOTCONN)) die("handshake write");
		usleep(1000);
	}
	c->state = 1;
	handshaking++;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	epoll_ctl(efd, EPOLL_CTL_ADD, c->fd, &ev);
}

static void poll_once(int timeout_ms) {
	static struct epoll_event evs[512];
	int n = epoll_wait(efd, evs, 512, timeout_ms);
	for (int i = 0; i < n; i++) on_readable(evs[i].data.ptr);
}

/* "TOKEN" or "TOKEN GROUP" per line. */
static void read_tokens(const char *path, int first, int count, int is_sender) {
	FILE *f = fopen(path, "r");
	if (!f) die(path);
	char line[400];
	for (int i = 0; i < count && fgets(line, sizeof line, f); i++) {
		conn *c = &conns[first + i];
		line[strcspn(line, "\r\n")] = 0;
		char *sp = strchr(line, ' ');
		if (sp) { *sp = 0; c->group = atoi(sp + 1); }
		if (is_sender) c->group = i;
		snprintf(c->token, sizeof c->token, "%s", line);
	}
	fclose(f);
}

static int count_lines(const char *path) {
	FILE *f = fopen(path, "r"); if (!f) die(path);
	int n = 0, ch; while ((ch = fgetc(f)) != EOF) n += ch == '\n';
	fclose(f); return n;
}

/* Fan-out sending: per group, at the rate or within the window. */
static void send_due(double start) {
	double t = now();
	for (int g = 0; g < ngroups; g++) {
		group_t *G = &groups[g];
		conn *s = &conns[G->sender];
		if (rate > 0) {
			while (G->sent < send_cap && start + G->sent / rate <= t) { G->send_times[G->sent++] = now(); send_frame(s, message, strlen(message)); }
		} else {
			while (G->sent < send_cap && G->matched >= (G->sent - window_) * G->members) { G->send_times[G->sent++] = now(); send_frame(s, message, strlen(message)); }
		}
	}
}

/* Paced ingest: every writer with room in its window and an item due sends it. */
static void ingest_due(void) {
	for (int i = 0; i < nconns; i++) {
		conn *c = &conns[i];
		if (c->state != 3 && c->next_ref - c->acked - c->errors < window_) ingest_send(c);
	}
}

static long owed(void) { long o = 0; for (int g = 0; g < ngroups; g++) o += groups[g].sent * groups[g].members - groups[g].matched; return o; }

static void print_storm(double start) {
	double last = 0; long pf = 0, pb = 0, fr = 0, by = 0, maxpf = 0, maxpb = 0, wb = 0;
	int receivers = 0;
	for (int i = 0; i < nconns; i++) {
		conn *c = &conns[i];
		if (c->welcome_at - start > last) last = c->welcome_at - start;
		record(c->welcome_at - start);
		wb += c->welcome_bytes; pf += c->presence_frames; pb += c->presence_bytes; fr += c->frames; by += c->bytes;
		if (c->presence_frames > maxpf) maxpf = c->presence_frames;
		if (c->presence_bytes > maxpb) maxpb = c->presence_bytes;
		receivers++;
	}
	printf("{\"mode\":\"storm\",\"clients\":%d,\"all_welcome_seconds\":%.3f,\"p50_welcome_ms\":%.1f,\"p99_welcome_ms\":%.1f,"
	       "\"presence_frames\":%ld,\"presence_bytes\":%ld,\"max_presence_frames_per_connection\":%ld,\"max_presence_bytes_per_connection\":%ld,"
	       "\"welcome_bytes\":%ld,\"frames\":%ld,\"bytes\":%ld,\"frames_per_connection\":%.1f,\"dropped\":%ld%s}\n",
	       nconns, last, percentile(0.5) * 1000, percentile(0.99) * 1000, pf, pb, maxpf, maxpb, wb, fr, by, (double)fr / receivers, dropped,
	       dropped ? ",\"failed\":\"connections dropped\"" : "");
}

static const char *tokens_file, *sender_token, *senders_file, *ready_file;

static void parse_args(int argc, char **argv) {
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--mode")) mode = argv[i + 1];
		else if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--clients")) nclients = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--tokens")) tokens_file = argv[i + 1];
		else if (!strcmp(argv[i], "--sender-token")) sender_token = argv[i + 1];
		else if (!strcmp(argv[i], "--senders")) senders_file = argv[i + 1];
		else if (!strcmp(argv[i], "--rate")) rate = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--window")) window_ = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--duration")) duration = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--match")) match = argv[i + 1];
		else if (!strcmp(argv[i], "--message")) message = argv[i + 1];
		else if (!strcmp(argv[i], "--max-per-client")) max_per_client = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--stall-seconds")) stall_seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--settle")) settle = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--ready-file")) ready_file = argv[i + 1];
		else if (!strcmp(argv[i], "--ready-timeout")) ready_timeout = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--batch")) batch = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--texts")) read_texts(argv[i + 1]);
		else if (!strcmp(argv[i], "--ack-times")) { ack_times = fopen(argv[i + 1], "w"); if (!ack_times) die(argv[i + 1]); }
		else { fprintf(stderr, "unknown option %s\n", argv[i]); exit(2); }
	}
	if (window_ > 64) window_ = 64;
}

/* Connections: receivers first, then one sender per group (fan-out). */
static void setup_connections(void) {
	int fanout = is_fanout();
	if (fanout && senders_file) ngroups = count_lines(senders_file);
	nconns = nclients + (fanout ? ngroups : 0);
	conns = calloc(nconns, sizeof *conns);
	groups = calloc(ngroups, sizeof *groups);
	if (tokens_file) read_tokens(tokens_file, 0, nclients, 0);
	if (!fanout) return;
	if (senders_file) read_tokens(senders_file, nclients, ngroups, 1);
	else if (sender_token) snprintf(conns[nclients].token, 256, "%s", sender_token);
	send_cap = (1 << 22) / ngroups;
	for (int g = 0; g < ngroups; g++) { groups[g].sender = nclients + g; groups[g].send_times = malloc(send_cap * sizeof(double)); }
	for (int i = nclients; i < nconns; i++) conns[i].sender = 1;
	for (int i = 0; i < nclients; i++) {
		if (conns[i].group < 0 || conns[i].group >= ngroups) { fprintf(stderr, "client %d: group %d out of range\n", i, conns[i].group); exit(2); }
		groups[conns[i].group].members++;
	}
}

/* Until every connection has its welcome (or handshake): 0, or prints the failure and returns 1. */
static int wait_all_ready(void) {
	double deadline = now() + ready_timeout;
	for (;;) {
		int ready = 0;
		for (int i = 0; i < nconns; i++) ready += conns[i].ready;
		if (ready == nconns) return 0;
		if (now() > deadline || dropped) {
			printf("{\"mode\":\"%s\",\"clients\":%d,\"ready\":%d,\"dropped\":%ld,\"failed\":\"only %d of %d connections got their welcome%s%s\"}\n",
			       mode, nclients, ready, dropped, ready, nconns, dropped ? "; " : " in time", first_drop);
			return 1;
		}
		poll_once(100);
	}
}

/* Ingest: whether anything is owed; sets *done once every writer sent and heard all. */
static int ingest_owing(int *done) {
	long outstanding = 0; int all_sent = max_per_client > 0;
	for (int i = 0; i < nconns; i++) {
		outstanding += conns[i].next_ref - conns[i].acked - conns[i].errors;
		if (conns[i].next_ref < max_per_client) all_sent = 0;
	}
	*done = !outstanding && all_sent;
	return outstanding > 0;
}

/* The measured phase; returns its length in seconds. */
static double measure(double start) {
	double end = start + duration;
	last_progress = start; started = 1;
	/* Writers start together, once everyone is in, so no ack before the start is counted. */
	ingest_start = start;
	if (is_ingest()) for (int i = 0; i < nconns; i++) for (int k = 0; k < window_; k++) ingest_send(&conns[i]);
	if (ready_file) { FILE *rf = fopen(ready_file, "w"); if (rf) fclose(rf); }
	while (now() < end && !dropped) {
		if (is_fanout()) send_due(start);
		else if (rate > 0) ingest_due();
		poll_once(1);
		double t = now();
		int done = 0, owing = is_ingest() ? ingest_owing(&done) : owed() > 0;
		if (done) break;
		if (!owing) last_progress = t; /* a gap counts only while something is owed */
		if (owing && t - last_progress > longest_gap) longest_gap = t - last_progress;
		if (owing && t - last_progress > stall_seconds) break;
	}
	return now() - start;
}

/* The first reason this run failed, or "" (quotes replaced so it fits in JSON). */
static void failure(char *failed, size_t size) {
	long incomplete = 0;
	if (is_fanout()) for (int i = 0; i < nclients; i++) if (conns[i].state != 3 && conns[i].matched < groups[conns[i].group].sent) incomplete++;
	failed[0] = 0;
	if (dropped) snprintf(failed, size, "%ld connections closed by the server (first: %s)", dropped, first_drop);
	else if (longest_gap > stall_seconds) snprintf(failed, size, "stalled: nothing arrived for %.1f s while deliveries were owed", longest_gap);
	else if (incomplete) snprintf(failed, size, "%ld receivers still missing deliveries 3 s after the run", incomplete);
	else if (total_errors) snprintf(failed, size, "%ld error answers, first: %s", total_errors, first_error);
	for (char *q = failed; *q; q++) if (*q == '"' || *q == '\\') *q = '\'';
}

static void print_result(double start, double elapsed, long counted) {
	char failed[300];
	failure(failed, sizeof failed);
	/* Fairness: when the first and the last writer got their last ack. */
	double first_done = is_ingest() ? 1e9 : 0, last_done = 0;
	for (int i = 0; i < nconns && is_ingest(); i++) {
		double t = conns[i].last_ack_at - start;
		if (t < first_done) first_done = t;
		if (t > last_done) last_done = t;
	}
	long sent = 0, expected = is_fanout() ? 0 : total_matched;
	for (int g = 0; g < ngroups && is_fanout(); g++) { sent += groups[g].sent; expected += groups[g].sent * groups[g].members; }
	printf("{\"mode\":\"%s\",\"clients\":%d,\"groups\":%d,\"sent\":%ld,\"counted\":%ld,\"delivered\":%ld,\"expected\":%ld,\"seconds\":%.3f,"
	       "\"per_second\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"frames\":%ld,\"frames_after_start\":%ld,\"errors\":%ld,\"dropped\":%ld,"
	       "\"longest_gap_s\":%.3f,\"acks\":%ld,\"ack_p50_ms\":%.3f,\"ack_p99_ms\":%.3f,\"first_writer_done_s\":%.3f,\"last_writer_done_s\":%.3f%s%s%s}\n",
	       mode, nclients, ngroups, sent, counted, total_matched, expected, elapsed, counted / elapsed,
	       percentile(0.5) * 1000, percentile(0.99) * 1000, total_frames, frames_after_start, total_errors, dropped, longest_gap,
	       acks.n, percentile_of(&acks, 0.5) * 1000, percentile_of(&acks, 0.99) * 1000, first_done, last_done,
	       failed[0] ? ",\"failed\":\"" : "", failed, failed[0] ? "\"" : "");
}

int main(int argc, char **argv) {
	parse_args(argc, argv);
	if (getenv("WSLOAD_ACK_TRACE")) ack_trace = fopen(getenv("WSLOAD_ACK_TRACE"), "w");
	struct rlimit rl; getrlimit(RLIMIT_NOFILE, &rl); rl.rlim_cur = rl.rlim_max; setrlimit(RLIMIT_NOFILE, &rl);
	deliveries.b = calloc(BUCKETS, sizeof(unsigned)); acks.b = calloc(BUCKETS, sizeof(unsigned));
	efd = epoll_create1(0);
	setup_connections();
	double connect_start = now();
	for (int i = 0; i < nconns; i++) {
		double paced_until = now() + ready_timeout;
		while (handshaking >= MAX_HANDSHAKING && !dropped && now() < paced_until) poll_once(10);
		connect_one(&conns[i]);
	}
	if (wait_all_ready()) return 0;
	if (!strcmp(mode, "storm")) {
		double end = now() + settle;
		while (now() < end) poll_once(10);
		print_storm(connect_start);
		return 0;
	}
	deliveries.n = 0; memset(deliveries.b, 0, BUCKETS * sizeof(unsigned)); total_matched = 0;
	double start = now();
	double elapsed = measure(start);
	long counted = total_matched;
	/* Let in-flight deliveries land (not counted in the rate). */
	double drain_end = now() + 3;
	while (now() < drain_end && is_fanout() && owed() > 0 && !dropped) poll_once(10);
	print_result(start, elapsed, counted);
	if (ack_times) fclose(ack_times);
	return 0;
}
