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

#endif
