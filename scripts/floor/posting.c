/* The posting floor: what SQLite itself allows for settle's ledger, with no Swift in front of it.
 *
 *   cc -O2 -o /tmp/posting scripts/floor/posting.c -lsqlite3
 *   /tmp/posting old|new [ENTRIES] [DATABASE]
 *
 * Inserts ENTRIES (default 200,000) journal entries of 2-4 postings against 20,000 invoices of 500 customers, the
 * rows `settle-bench ledger` posts (same keys, memos, amounts and accounts), into a fresh file ledger: prepared
 * statements, one entry's postings per statement, one transaction, WAL with synchronous=NORMAL as settle uses.
 *   old  schema 6: text keys, row-level foreign keys on, a unique text index on (source_key, revision), postings
 *        indexed per invoice, open amounts updated once per invoice at the end of the transaction.
 *   new  schema 7: integer keys for accounts, customers and invoices; each source key stored once, in its first
 *        entry, behind a unique 64-bit FNV-1a hash (later revisions point to that entry); no foreign keys, no
 *        per-invoice index, no day index (a commit's entries are found through their id range, entry_ranges), an
 *        index over revisions after the first only; open amounts and each account's movement of the day
 *        (account_days) written at the end of the transaction.
 * The invoices are created before the clock starts; the figure is entries per second of the timed transaction.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { INVOICES = 20000, CUSTOMERS = 500 };
static const char *CASH = "1000-2233", *AR = "1200", *UNAPPLIED = "2100", *SUSPENSE = "1999", *DISCOUNTS = "4900";
static const char *DAY = "2026-11-02";

static sqlite3 *db;

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static void exec(const char *sql) { check(sqlite3_exec(db, sql, 0, 0, 0), sql); }

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *s;
    check(sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, 0), sql);
    return s;
}

static void run(sqlite3_stmt *s) {
    check(sqlite3_step(s), sqlite3_sql(s));
    sqlite3_reset(s);
}

/* The rows: as settle-bench ledger makes them (Sources/settle-bench/main.swift, benchLedger). */
typedef struct { const char *account; int customer, invoice; int64_t amount; } Posting;

static int entry(long i, Posting *p, char *key, char *memo) {
    int64_t amount = 100 + (i * 7919) % 100000;
    int invoice = (int)((i * 104729) % INVOICES), customer = invoice % CUSTOMERS;
    sprintf(key, "ach:received:1234567890:%s:%015ld", DAY, 100000000000000L + i);
    sprintf(memo, "bench %ld", i);
    p[0] = (Posting){CASH, -1, -1, amount};
    switch (i % 3) {
    case 0:
        p[1] = (Posting){AR, customer, invoice, -amount};
        return 2;
    case 1: {
        int64_t discount = amount / 50;
        p[1] = (Posting){AR, customer, invoice, -amount - discount};
        p[2] = (Posting){DISCOUNTS, customer, invoice, discount};
        return 3;
    }
    default:
        p[1] = (Posting){AR, customer, invoice, -amount + 100};
        p[2] = (Posting){UNAPPLIED, customer, -1, -50};
        p[3] = (Posting){SUSPENSE, -1, -1, -50};
        return 4;
    }
}

static int64_t fnv(const char *s) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) { h ^= (unsigned char)*s; h *= 0x100000001b3ULL; }
    return (int64_t)h;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static const char *OLD_SCHEMA =
    "PRAGMA foreign_keys = ON;"
    "CREATE TABLE accounts (code TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL) STRICT;"
    "CREATE TABLE runs (run_id INTEGER PRIMARY KEY, started_at TEXT NOT NULL) STRICT;"
    "CREATE TABLE journal_entries (entry_id INTEGER PRIMARY KEY, source_key TEXT NOT NULL, revision INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  run_id INTEGER NOT NULL REFERENCES runs(run_id), day TEXT NOT NULL, effective_day TEXT NOT NULL, memo TEXT NOT NULL, UNIQUE (source_key, revision),"
    "  CHECK (kind IN ('original', 'reversal', 'replacement'))) STRICT;"
    "CREATE INDEX journal_entries_day ON journal_entries(day);"
    "CREATE TABLE invoices (invoice_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, issue_day TEXT NOT NULL, due_day TEXT NOT NULL, currency TEXT NOT NULL,"
    "  amount_minor INTEGER NOT NULL, open_minor INTEGER NOT NULL, terms TEXT NOT NULL, po_number TEXT NOT NULL) STRICT;"
    "CREATE TABLE postings (entry_id INTEGER NOT NULL REFERENCES journal_entries(entry_id), line INTEGER NOT NULL, account_code TEXT NOT NULL REFERENCES accounts(code),"
    "  customer_id TEXT, invoice_id TEXT REFERENCES invoices(invoice_id), amount_minor INTEGER NOT NULL, currency TEXT NOT NULL, PRIMARY KEY (entry_id, line)) STRICT, WITHOUT ROWID;"
    "CREATE INDEX postings_invoice ON postings(invoice_id, account_code, amount_minor) WHERE invoice_id IS NOT NULL;"
    "CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries BEGIN SELECT RAISE(ABORT, 'append-only'); END;"
    "CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries BEGIN SELECT RAISE(ABORT, 'append-only'); END;"
    "CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings BEGIN SELECT RAISE(ABORT, 'append-only'); END;"
    "CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings BEGIN SELECT RAISE(ABORT, 'append-only'); END;";

static const char *NEW_SCHEMA =
    "CREATE TABLE accounts (account_id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, type TEXT NOT NULL) STRICT;"
    "CREATE TABLE runs (run_id INTEGER PRIMARY KEY, started_at TEXT NOT NULL) STRICT;"
    "CREATE TABLE customers (customer_no INTEGER PRIMARY KEY, customer_id TEXT NOT NULL UNIQUE) STRICT;"
    "CREATE TABLE invoices (invoice_no INTEGER PRIMARY KEY, invoice_id TEXT NOT NULL UNIQUE, customer_no INTEGER NOT NULL, issue_day TEXT NOT NULL,"
    "  due_day TEXT NOT NULL, currency TEXT NOT NULL, amount_minor INTEGER NOT NULL, open_minor INTEGER NOT NULL, terms TEXT NOT NULL,"
    "  po_number TEXT NOT NULL, opened_day TEXT) STRICT;"
    "CREATE TABLE journal_entries (entry_id INTEGER PRIMARY KEY, source_no INTEGER NOT NULL, revision INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  run_id INTEGER NOT NULL, day TEXT NOT NULL, effective_day TEXT NOT NULL, memo TEXT NOT NULL, key_hash INTEGER, source_key TEXT) STRICT;"
    "CREATE UNIQUE INDEX journal_entries_key ON journal_entries(key_hash);"
    "CREATE INDEX journal_entries_revisions ON journal_entries(source_no, revision) WHERE revision > 1;"
    "CREATE TABLE entry_ranges (first_entry_id INTEGER PRIMARY KEY, last_entry_id INTEGER NOT NULL, day TEXT NOT NULL, run_id INTEGER NOT NULL) STRICT;"
    "CREATE TABLE postings (entry_id INTEGER NOT NULL, line INTEGER NOT NULL, account_id INTEGER NOT NULL, customer_no INTEGER, invoice_no INTEGER,"
    "  amount_minor INTEGER NOT NULL, currency TEXT NOT NULL, PRIMARY KEY (entry_id, line)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE account_days (account_id INTEGER NOT NULL, day TEXT NOT NULL, currency TEXT NOT NULL, amount_minor INTEGER NOT NULL,"
    "  PRIMARY KEY (account_id, day, currency)) STRICT, WITHOUT ROWID;"
    "CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries BEGIN SELECT RAISE(ABORT, 'append-only'); END;"
    "CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries BEGIN SELECT RAISE(ABORT, 'append-only'); END;"
    "CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings BEGIN SELECT RAISE(ABORT, 'append-only'); END;"
    "CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings BEGIN SELECT RAISE(ABORT, 'append-only'); END;";

static const char *ACCOUNTS[] = {"1000-2233", "1050", "1200", "1999", "2100", "3900", "4900", "6100", "6900"};
enum { ACCOUNT_COUNT = 9 };

int main(int argc, char **argv) {
    if (argc < 2 || (strcmp(argv[1], "old") && strcmp(argv[1], "new"))) {
        fprintf(stderr, "usage: %s old|new [ENTRIES] [DATABASE]\n", argv[0]);
        return 2;
    }
    int isNew = !strcmp(argv[1], "new");
    long n = argc > 2 ? atol(argv[2]) : 200000;
    char path[512];
    snprintf(path, sizeof path, "%s", argc > 3 ? argv[3] : "/tmp/settle-posting-floor.sqlite");
    char side[600];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path); unlink(side);
    snprintf(side, sizeof side, "%s-shm", path); unlink(side);
    /* As settle opens its ledger: no memory statistics, no connection mutex (one thread owns the connection). */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    check(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, 0), "open");
    exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;");
    exec(isNew ? NEW_SCHEMA : OLD_SCHEMA);
    exec("INSERT INTO runs(run_id, started_at) VALUES (1, 'floor')");

    /* Accounts, customers and invoices, before the clock. */
    int64_t accountID[ACCOUNT_COUNT], customerNo[CUSTOMERS], *invoiceNo = malloc(sizeof(int64_t) * INVOICES);
    exec("BEGIN");
    sqlite3_stmt *a = prepare("INSERT INTO accounts(code, name, type) VALUES (?, ?, 'asset')");
    for (int i = 0; i < ACCOUNT_COUNT; i++) {
        sqlite3_bind_text(a, 1, ACCOUNTS[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(a, 2, ACCOUNTS[i], -1, SQLITE_STATIC);
        run(a);
        accountID[i] = sqlite3_last_insert_rowid(db);
    }
    char text[64];
    if (isNew) {
        sqlite3_stmt *c = prepare("INSERT INTO customers(customer_id) VALUES (?)");
        for (int i = 0; i < CUSTOMERS; i++) {
            sprintf(text, "C%d", i);
            sqlite3_bind_text(c, 1, text, -1, SQLITE_TRANSIENT);
            run(c);
            customerNo[i] = sqlite3_last_insert_rowid(db);
        }
    }
    sqlite3_stmt *inv = prepare(isNew
        ? "INSERT INTO invoices(invoice_id, customer_no, issue_day, due_day, currency, amount_minor, open_minor, terms, po_number, opened_day) VALUES (?, ?, ?, '2026-12-02', 'USD', 1000000000, 1000000000, 'NET30', '', ?)"
        : "INSERT INTO invoices(invoice_id, customer_id, issue_day, due_day, currency, amount_minor, open_minor, terms, po_number) VALUES (?, ?, ?, '2026-12-02', 'USD', 1000000000, 1000000000, 'NET30', '')");
    for (int i = 0; i < INVOICES; i++) {
        char customer[32];
        sprintf(text, "INV-%d", i);
        sprintf(customer, "C%d", i % CUSTOMERS);
        sqlite3_bind_text(inv, 1, text, -1, SQLITE_TRANSIENT);
        if (isNew) sqlite3_bind_int64(inv, 2, customerNo[i % CUSTOMERS]); else sqlite3_bind_text(inv, 2, customer, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(inv, 3, DAY, -1, SQLITE_STATIC);
        if (isNew) sqlite3_bind_text(inv, 4, DAY, -1, SQLITE_STATIC);
        run(inv);
        invoiceNo[i] = sqlite3_last_insert_rowid(db);
    }
    exec("COMMIT");

    /* The timed transaction. */
    sqlite3_stmt *head = prepare(isNew
        ? "INSERT INTO journal_entries(entry_id, source_no, revision, kind, run_id, day, effective_day, memo, key_hash, source_key) VALUES (?1, ?1, 1, 'original', 1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(key_hash) DO NOTHING"
        : "INSERT INTO journal_entries(source_key, revision, kind, run_id, day, effective_day, memo) VALUES (?, 1, 'original', 1, ?, ?, ?) ON CONFLICT(source_key, revision) DO NOTHING");
    sqlite3_stmt *lines[5];
    for (int k = 1; k <= 4; k++) {
        char sql[1024];
        int at = sprintf(sql, isNew ? "INSERT INTO postings(entry_id, line, account_id, customer_no, invoice_no, amount_minor, currency) VALUES "
                                    : "INSERT INTO postings(entry_id, line, account_code, customer_id, invoice_id, amount_minor, currency) VALUES ");
        for (int j = 0; j < k; j++) at += sprintf(sql + at, "%s(?, ?, ?, ?, ?, ?, ?)", j ? ", " : "");
        lines[k] = prepare(sql);
    }
    int64_t *openChange = calloc(INVOICES, sizeof(int64_t));
    int64_t movement[ACCOUNT_COUNT] = {0};
    double start = now();
    exec("BEGIN IMMEDIATE");
    int64_t firstEntry = 1, nextEntry = 1;
    if (isNew) {
        sqlite3_stmt *m = prepare("SELECT COALESCE(MAX(entry_id), 0) + 1 FROM journal_entries");
        sqlite3_step(m);
        firstEntry = nextEntry = sqlite3_column_int64(m, 0);
        sqlite3_finalize(m);
    }
    char key[128], memo[64], customerText[32], invoiceText[32];
    Posting p[4];
    for (long i = 0; i < n; i++) {
        int count = entry(i, p, key, memo);
        if (isNew) {
            /* A new key: its first entry holds it (and its hash); the key's number is that entry's id. */
            sqlite3_bind_int64(head, 5, fnv(key));
            sqlite3_bind_text(head, 6, key, -1, SQLITE_STATIC);
            sqlite3_bind_int64(head, 1, nextEntry++);
        } else {
            sqlite3_bind_text(head, 1, key, -1, SQLITE_STATIC);
        }
        sqlite3_bind_text(head, 2, DAY, -1, SQLITE_STATIC);
        sqlite3_bind_text(head, 3, DAY, -1, SQLITE_STATIC);
        sqlite3_bind_text(head, 4, memo, -1, SQLITE_STATIC);
        run(head);
        if (sqlite3_changes(db) != 1) { fprintf(stderr, "key %s posted twice\n", key); return 1; }
        int64_t entryID = sqlite3_last_insert_rowid(db);
        sqlite3_stmt *s = lines[count];
        for (int j = 0; j < count; j++) {
            int b = j * 7;
            int account = 0;
            while (strcmp(ACCOUNTS[account], p[j].account)) account++;
            sqlite3_bind_int64(s, b + 1, entryID);
            sqlite3_bind_int64(s, b + 2, j + 1);
            if (isNew) {
                sqlite3_bind_int64(s, b + 3, accountID[account]);
                if (p[j].customer >= 0) sqlite3_bind_int64(s, b + 4, customerNo[p[j].customer]); else sqlite3_bind_null(s, b + 4);
                if (p[j].invoice >= 0) sqlite3_bind_int64(s, b + 5, invoiceNo[p[j].invoice]); else sqlite3_bind_null(s, b + 5);
                movement[account] += p[j].amount;
            } else {
                sqlite3_bind_text(s, b + 3, p[j].account, -1, SQLITE_STATIC);
                sprintf(customerText, "C%d", p[j].customer);
                sprintf(invoiceText, "INV-%d", p[j].invoice);
                if (p[j].customer >= 0) sqlite3_bind_text(s, b + 4, customerText, -1, SQLITE_TRANSIENT); else sqlite3_bind_null(s, b + 4);
                if (p[j].invoice >= 0) sqlite3_bind_text(s, b + 5, invoiceText, -1, SQLITE_TRANSIENT); else sqlite3_bind_null(s, b + 5);
            }
            sqlite3_bind_int64(s, b + 6, p[j].amount);
            sqlite3_bind_text(s, b + 7, "USD", 3, SQLITE_STATIC);
            if (p[j].account == AR) openChange[p[j].invoice] += p[j].amount;
        }
        run(s);
    }
    sqlite3_stmt *open = prepare(isNew ? "UPDATE invoices SET open_minor = open_minor + ? WHERE invoice_no = ?"
                                       : "UPDATE invoices SET open_minor = open_minor + ? WHERE invoice_id = ?");
    for (int i = 0; i < INVOICES; i++) {
        if (!openChange[i]) continue;
        sqlite3_bind_int64(open, 1, openChange[i]);
        if (isNew) sqlite3_bind_int64(open, 2, invoiceNo[i]);
        else { sprintf(invoiceText, "INV-%d", i); sqlite3_bind_text(open, 2, invoiceText, -1, SQLITE_TRANSIENT); }
        run(open);
    }
    if (isNew) {
        sqlite3_stmt *m = prepare("INSERT INTO account_days(account_id, day, currency, amount_minor) VALUES (?, ?, 'USD', ?) "
                                  "ON CONFLICT(account_id, day, currency) DO UPDATE SET amount_minor = amount_minor + excluded.amount_minor");
        for (int i = 0; i < ACCOUNT_COUNT; i++) {
            if (!movement[i]) continue;
            sqlite3_bind_int64(m, 1, accountID[i]);
            sqlite3_bind_text(m, 2, DAY, -1, SQLITE_STATIC);
            sqlite3_bind_int64(m, 3, movement[i]);
            run(m);
        }
        sqlite3_stmt *r = prepare("INSERT INTO entry_ranges(first_entry_id, last_entry_id, day, run_id) VALUES (?, ?, ?, 1)");
        sqlite3_bind_int64(r, 1, firstEntry);
        sqlite3_bind_int64(r, 2, nextEntry - 1);
        sqlite3_bind_text(r, 3, DAY, -1, SQLITE_STATIC);
        run(r);
    }
    exec("COMMIT");
    double seconds = now() - start;
    printf("C floor, schema %s: %ld entries in %.3f s: %.0f entries/s\n", isNew ? "7 (new)" : "6 (old)", n, seconds, n / seconds);
    sqlite3_close(db);
    return 0;
}
