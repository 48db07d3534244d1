#ifndef SETTLE_CSQLITE_SHIM_H
#define SETTLE_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it.
static inline sqlite3_destructor_type settle_sqlite_transient(void) { return SQLITE_TRANSIENT; }
// sqlite3_config is variadic: Swift cannot call it. Turning off memory statistics before first use removes a global
// mutex from every allocation.
static inline int settle_sqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
#endif
