#ifndef SETTLE_CPOSTGRESQL_SHIM_H
#define SETTLE_CPOSTGRESQL_SHIM_H
#include <libpq-fe.h>
#endif
