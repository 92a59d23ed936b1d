#ifndef DETENTE_CLIBPQ_SHIM_H
#define DETENTE_CLIBPQ_SHIM_H
#include <libpq-fe.h>

/* PG_DIAG_SQLSTATE is a character macro Swift does not import. */
static inline const char *CLibPQ_sqlstate(const PGresult *result) {
    return PQresultErrorField(result, PG_DIAG_SQLSTATE);
}

#endif
