/* The posting floor on PostgreSQL: what libpq and the server allow for settle's ledger, with no Swift in front.
 *
 *   cc -O2 -o /tmp/posting-pg scripts/floor/posting-pg.c -I/usr/include/postgresql -lpq
 *   /tmp/posting-pg URL [ENTRIES] [PER_COMMIT]
 *
 * URL names a ledger settle has made (run `settle-bench ledger --backend postgresql --url URL --entries 0` first:
 * the tables are settle's own). Into an entity of its own (`floor-<pid>`) it writes the rows `settle-bench ledger
 * --backend postgresql` writes: 20,000 invoices of 500 customers and their openings before the clock, then ENTRIES
 * (default 200,000) journal entries of 2-4 postings (same keys, memos, amounts and accounts), in days of PER_COMMIT
 * (default 50,000), each day one transaction:
 *   COPY the day's entries and postings into temporary staging tables (text format), then
 *   INSERT ... SELECT ... ON CONFLICT DO NOTHING of the customers, the entries and the postings, and
 *   the kept totals settle keeps (open amounts, account movements, unapplied cash), noted as the postings are made,
 *   COPY'd into a staging table and applied by key.
 * FLOOR_DIRECT=1 COPYs the entries and postings straight into the journal instead, as settle's writer does since
 * 2026-12-06 (its entries are new by construction: nothing for ON CONFLICT to settle).
 * What settle does besides, and this does not: read the keys a batch names (a rerun's), check what each posting names,
 * decide each entry in memory. fsync stays as the server has it (on). The figure is entries per second of the days.
 */
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { INVOICES = 20000, CUSTOMERS = 500 };
static PGconn *db;
static char entity[64];

static void check(PGresult *r, const char *what) {
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_COPY_IN) {
        fprintf(stderr, "%s: %s\n", what, PQerrorMessage(db));
        exit(1);
    }
    PQclear(r);
}

/* FLOOR_TIMES=1 prints each statement's time. */
static void exec1(const char *sql) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    check(PQexec(db, sql), sql);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (getenv("FLOOR_TIMES")) fprintf(stderr, "%8.3f s  %.70s\n", (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9, sql);
}

/* A growing text buffer for COPY data. */
typedef struct { char *bytes; size_t count, capacity; } Buffer;
static void put(Buffer *b, const char *text, size_t n) {
    if (b->count + n > b->capacity) {
        b->capacity = (b->count + n) * 2;
        b->bytes = realloc(b->bytes, b->capacity);
    }
    memcpy(b->bytes + b->count, text, n);
    b->count += n;
}
static void puts_(Buffer *b, const char *text) { put(b, text, strlen(text)); }

static void copy(const char *table, Buffer *b) {
    char sql[128];
    snprintf(sql, sizeof sql, "COPY %s FROM STDIN", table);
    check(PQexec(db, sql), sql);
    for (size_t off = 0; off < b->count; off += 1 << 20) {
        size_t n = b->count - off < (1 << 20) ? b->count - off : (1 << 20);
        if (PQputCopyData(db, b->bytes + off, (int)n) != 1) { fprintf(stderr, "COPY: %s\n", PQerrorMessage(db)); exit(1); }
    }
    if (PQputCopyEnd(db, NULL) != 1) { fprintf(stderr, "COPY end: %s\n", PQerrorMessage(db)); exit(1); }
    PGresult *r;
    while ((r = PQgetResult(db))) check(r, table);
    b->count = 0;
}

static long long next_entry = 1;
static int noting = 0;
static void note(const char *account, const char *customer, const char *invoice, long long amount);

/* One journal entry and its postings, as COPY rows. */
static void entry(Buffer *e, Buffer *p, const char *key, const char *day, const char *memo, int npostings, const char **accounts,
                  const char **customers, const char **invoices, const long long *amounts) {
    char line[512];
    long long id = next_entry++;
    snprintf(line, sizeof line, "%s\t%lld\t%s\t1\toriginal\t1\t%s\t2026-11-02\t%s\n", entity, id, key, day, memo);
    puts_(e, line);
    for (int i = 0; i < npostings; i++) {
        snprintf(line, sizeof line, "%s\t%lld\t%d\t%s\t%s\t%s\t%lld\tUSD\n", entity, id, i + 1, accounts[i], customers[i] ? customers[i] : "\\N",
                 invoices[i] ? invoices[i] : "\\N", amounts[i]);
        puts_(p, line);
        if (noting) note(accounts[i], customers[i], invoices[i], amounts[i]);
    }
}

static const char *DAY_SQL[] = {
    "INSERT INTO customers(entity, customer_id) SELECT DISTINCT entity, customer_id FROM stage_postings WHERE customer_id IS NOT NULL "
    "ON CONFLICT DO NOTHING",
    "INSERT INTO journal_entries SELECT * FROM stage_entries ON CONFLICT (entity, source_key, revision) DO NOTHING",
    "INSERT INTO postings SELECT * FROM stage_postings ON CONFLICT DO NOTHING",
    0,
};

/* What the day's postings move of the kept totals, noted as they are made (as settle does), then COPY'd and applied by key. */
static long long open_change[INVOICES], unapplied_change[CUSTOMERS];
static const char *ACCOUNTS[] = {"1000-2233", "1200", "2100", "1999", "4900", "3900"};
static long long account_change[6];

static void note(const char *account, const char *customer, const char *invoice, long long amount) {
    for (int a = 0; a < 6; a++) if (strcmp(ACCOUNTS[a], account) == 0) account_change[a] += amount;
    if (invoice && strcmp(account, "1200") == 0) open_change[atoi(invoice + 4)] += amount;
    if (customer && strcmp(account, "2100") == 0) unapplied_change[atoi(customer + 1)] += amount;
}

static void kept_totals(const char *day) {
    Buffer b = {0};
    char line[160];
    for (int i = 0; i < INVOICES; i++) if (open_change[i]) { snprintf(line, sizeof line, "open\tINV-%d\t\t\t%lld\n", i, open_change[i]); puts_(&b, line); }
    for (int a = 0; a < 6; a++) if (account_change[a]) { snprintf(line, sizeof line, "account\t%s\tUSD\t\t%lld\n", ACCOUNTS[a], account_change[a]); puts_(&b, line); }
    for (int c = 0; c < CUSTOMERS; c++) if (unapplied_change[c]) {
        snprintf(line, sizeof line, "unapplied_day\tC%d\tUSD\t2026-11-02\t%lld\nunapplied\tC%d\tUSD\t\t%lld\n", c, unapplied_change[c], c, unapplied_change[c]);
        puts_(&b, line);
    }
    memset(open_change, 0, sizeof open_change);
    memset(unapplied_change, 0, sizeof unapplied_change);
    memset(account_change, 0, sizeof account_change);
    copy("stage_totals", &b);
    free(b.bytes);
    exec1("ANALYZE stage_totals");
    char sql[1024];
    snprintf(sql, sizeof sql, "UPDATE invoices i SET open_minor = i.open_minor + s.amount FROM stage_totals s "
             "WHERE s.kind = 'open' AND i.entity = '%s' AND i.invoice_id = s.a", entity);
    exec1(sql);
    snprintf(sql, sizeof sql, "INSERT INTO account_days(entity, account_code, day, currency, amount_minor) SELECT '%s', a, '%s', b, amount "
             "FROM stage_totals WHERE kind = 'account' ON CONFLICT (entity, account_code, day, currency) DO UPDATE SET amount_minor = "
             "account_days.amount_minor + excluded.amount_minor", entity, day);
    exec1(sql);
    snprintf(sql, sizeof sql, "INSERT INTO customer_unapplied_days(entity, customer_id, currency, effective_day, amount_minor) SELECT '%s', a, b, c, "
             "amount FROM stage_totals WHERE kind = 'unapplied_day' ON CONFLICT (entity, customer_id, currency, effective_day) DO UPDATE SET "
             "amount_minor = customer_unapplied_days.amount_minor + excluded.amount_minor", entity);
    exec1(sql);
    snprintf(sql, sizeof sql, "INSERT INTO customer_unapplied(entity, customer_id, currency, amount_minor) SELECT '%s', a, b, amount FROM stage_totals "
             "WHERE kind = 'unapplied' ON CONFLICT (entity, customer_id, currency) DO UPDATE SET amount_minor = customer_unapplied.amount_minor + "
             "excluded.amount_minor", entity);
    exec1(sql);
    exec1("DELETE FROM stage_totals");
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: posting-pg URL [ENTRIES] [PER_COMMIT]\n"); return 2; }
    long entries = argc > 2 ? atol(argv[2]) : 200000, per_commit = argc > 3 ? atol(argv[3]) : 50000;
    db = PQconnectdb(argv[1]);
    if (PQstatus(db) != CONNECTION_OK) { fprintf(stderr, "%s", PQerrorMessage(db)); return 1; }
    snprintf(entity, sizeof entity, "floor-%d", (int)getpid());
    char sql[1024];
    exec1("SET client_min_messages = warning");
    exec1("CREATE TEMPORARY TABLE stage_entries (LIKE journal_entries) ON COMMIT DELETE ROWS");
    exec1("CREATE TEMPORARY TABLE stage_postings (LIKE postings) ON COMMIT DELETE ROWS");
    exec1("CREATE TEMPORARY TABLE stage_totals (kind text, a text COLLATE \"C\", b text COLLATE \"C\", c text COLLATE \"C\", amount bigint) "
          "ON COMMIT DELETE ROWS");
    /* The entity, its chart, a run, the customers, the invoices and their openings: before the clock. */
    exec1("BEGIN");
    snprintf(sql, sizeof sql, "INSERT INTO entities VALUES ('%s', 'floor')", entity);
    exec1(sql);
    snprintf(sql, sizeof sql, "INSERT INTO accounts VALUES ('%s', '1000-2233', 'Cash', 'asset'), ('%s', '1200', 'AR', 'asset'), "
             "('%s', '2100', 'Unapplied', 'liability'), ('%s', '1999', 'Suspense', 'asset'), ('%s', '4900', 'Discounts', 'expense'), "
             "('%s', '3900', 'Opening', 'equity')", entity, entity, entity, entity, entity, entity);
    exec1(sql);
    snprintf(sql, sizeof sql, "INSERT INTO runs VALUES ('%s', 1, 'floor', 'floor', '2026-11-02', '2026-11-02', 'running')", entity);
    exec1(sql);
    Buffer e = {0}, p = {0}, other = {0};
    char line[256];
    for (int c = 0; c < CUSTOMERS; c++) { snprintf(line, sizeof line, "%s\tC%d\n", entity, c); puts_(&other, line); }
    copy("customers", &other);
    for (int i = 0; i < INVOICES; i++) {
        snprintf(line, sizeof line, "%s\tINV-%d\tC%d\t2026-11-02\t2026-12-02\tUSD\t1000000000\t1000000000\tNET30\t\t2026-11-02\t0\n", entity, i,
                 i % CUSTOMERS);
        puts_(&other, line);
    }
    copy("invoices", &other);
    for (int i = 0; i < INVOICES; i++) {
        char key[64], customer[16], invoice[16];
        snprintf(key, sizeof key, "invoice-opening:INV-%d", i);
        snprintf(customer, sizeof customer, "C%d", i % CUSTOMERS);
        snprintf(invoice, sizeof invoice, "INV-%d", i);
        const char *accounts[] = {"1200", "3900"}, *customers[] = {customer, customer}, *invoices[] = {invoice, invoice};
        long long amounts[] = {1000000000, -1000000000};
        entry(&e, &p, key, "2026-11-02", "opening", 2, accounts, customers, invoices, amounts);
    }
    copy("journal_entries", &e);
    copy("postings", &p);
    exec1("COMMIT");

    noting = 1;
    const int direct = getenv("FLOOR_DIRECT") != 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long posted = 0;
    for (long start = 0; start < entries; start += per_commit) {
        long count = entries - start < per_commit ? entries - start : per_commit;
        char day[32];
        /* The day after the invoices', one per commit (2026-11-03 on). */
        int dayNumber = 3 + (int)(start / per_commit);
        snprintf(day, sizeof day, "2026-11-%02d", dayNumber);
        exec1("BEGIN");
        for (long i = start; i < start + count; i++) {
            long long amount = 100 + (i * 7919) % 100000;
            int inv = (int)((i * 104729) % INVOICES);
            char key[80], memo[32], customer[16], invoice[16];
            snprintf(key, sizeof key, "ach:received:1234567890:2026-11-02:%015lld", 100000000000000LL + i);
            snprintf(memo, sizeof memo, "bench %ld", i);
            snprintf(customer, sizeof customer, "C%d", inv % CUSTOMERS);
            snprintf(invoice, sizeof invoice, "INV-%d", inv);
            if (i % 3 == 0) {
                const char *a[] = {"1000-2233", "1200"}, *c[] = {0, customer}, *v[] = {0, invoice};
                long long m[] = {amount, -amount};
                entry(&e, &p, key, day, memo, 2, a, c, v, m);
            } else if (i % 3 == 1) {
                long long discount = amount / 50;
                const char *a[] = {"1000-2233", "1200", "4900"}, *c[] = {0, customer, customer}, *v[] = {0, invoice, invoice};
                long long m[] = {amount, -amount - discount, discount};
                entry(&e, &p, key, day, memo, 3, a, c, v, m);
            } else {
                const char *a[] = {"1000-2233", "1200", "2100", "1999"}, *c[] = {0, customer, customer, 0}, *v[] = {0, invoice, 0, 0};
                long long m[] = {amount, -amount + 100, -50, -50};
                entry(&e, &p, key, day, memo, 4, a, c, v, m);
            }
        }
        if (direct) {
            /* Straight into the journal, as settle writes it: every entry new, so nothing for ON CONFLICT to settle (the
               customers are all in before the clock). */
            copy("journal_entries", &e);
            copy("postings", &p);
        } else {
            copy("stage_entries", &e);
            copy("stage_postings", &p);
            for (int s = 0; DAY_SQL[s]; s++) exec1(DAY_SQL[s]);
        }
        kept_totals(day);
        exec1("COMMIT");
        posted += count;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("floor post (postgresql): %ld journal entries (2-4 postings each) in %.3f s: %.0f entries/s (days of %ld)\n", posted, s, posted / s,
           per_commit);
    PQfinish(db);
    return 0;
}
