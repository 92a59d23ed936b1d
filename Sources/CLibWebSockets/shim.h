#ifndef DETENTE_CLIBWEBSOCKETS_SHIM_H
#define DETENTE_CLIBWEBSOCKETS_SHIM_H

#include <libwebsockets.h>

/// LWS_PRE is a macro: the headroom lws needs before every payload passed to lws_write.
static inline size_t CLWS_pre(void) { return LWS_PRE; }

/// lws_callback_on_writable is fine from Swift; lws_close_reason takes a plain int here so
/// Swift need not build the enum.
static inline void CLWS_close_reason(struct lws *wsi, int status, const unsigned char *buf, size_t len) {
    lws_close_reason(wsi, (enum lws_close_status)status, (unsigned char *)buf, len);
}

/// lws_set_log_level takes a variadic-free function pointer; Swift passes NULL for the default.
static inline void CLWS_set_log_level(int level) { lws_set_log_level(level, NULL); }

/// Mount origin protocols are enum constants Swift imports awkwardly; expose them as ints.
static inline unsigned char CLWS_mount_callback(void) { return LWSMPRO_CALLBACK; }
static inline unsigned char CLWS_mount_file(void) { return LWSMPRO_FILE; }

/// lws 4.1.6 neither checks nor exposes the MASK bit of a received frame, yet RFC 6455 §5.1
/// says a server MUST close on an unmasked client frame. This reads the bit from lws's private
/// per-connection websocket state, at offsets computed from the v4.1.6 sources with Debian's
/// lws_config.h (tools/autobahn/lws-offsets): `wsi->ws` at 200; in it, byte 181 holds `final`
/// (bit 0), `frame_is_binary` (bit 1) and `this_frame_masked` (bit 3), byte 211 `rsv`.
/// Returns 1 masked, 0 unmasked, -1 unknown (another lws version, or the bits disagree with
/// what the public accessors report, so the layout is not the expected one).
static inline int CLWS_frame_is_masked(struct lws *wsi) {
#if LWS_LIBRARY_VERSION_MAJOR == 4 && LWS_LIBRARY_VERSION_MINOR == 1 && LWS_LIBRARY_VERSION_PATCH == 6 && \
    defined(LWS_ROLE_H2) && !defined(LWS_WITHOUT_EXTENSIONS) && !defined(LWS_WITH_HTTP_PROXY)
    const unsigned char *ws = *(const unsigned char * const *)((const unsigned char *)wsi + 200);
    if (!ws) return -1;
    const unsigned char bits = ws[181];
    if (((bits >> 1) & 1) != (lws_frame_is_binary(wsi) ? 1 : 0)) return -1;
    if (lws_is_final_fragment(wsi) && !(bits & 1)) return -1;
    if (ws[211] != (unsigned char)lws_get_reserved_bits(wsi)) return -1;
    return (bits >> 3) & 1;
#else
    (void)wsi;
    return -1;
#endif
}

#endif
