/// The ledger's schema, as numbered migrations. A newer program migrates an older ledger; an older program
/// refuses a newer one (PRAGMA user_version holds the number applied).
enum Schema {
    static let migrations: [String] = [
        // 1: the first schema.
        """
        CREATE TABLE accounts (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL
        ) STRICT;
        CREATE TABLE runs (
            run_id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            manifest TEXT NOT NULL,
            first_day TEXT NOT NULL,
            last_day TEXT NOT NULL,
            status TEXT NOT NULL
        ) STRICT;
        CREATE TABLE journal_entries (
            entry_id INTEGER PRIMARY KEY,
            source_key TEXT NOT NULL,
            revision INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('original', 'reversal', 'replacement')),
            run_id INTEGER NOT NULL REFERENCES runs(run_id),
            day TEXT NOT NULL,
            effective_day TEXT NOT NULL,
            memo TEXT NOT NULL,
            UNIQUE (source_key, revision)
        ) STRICT;
        CREATE INDEX journal_entries_day ON journal_entries(day);
        CREATE TABLE invoices (
            invoice_id TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL,
            issue_day TEXT NOT NULL,
            due_day TEXT NOT NULL,
            currency TEXT NOT NULL,
            amount_minor INTEGER NOT NULL,
            open_minor INTEGER NOT NULL,
            terms TEXT NOT NULL,
            po_number TEXT NOT NULL
        ) STRICT;
        CREATE TABLE postings (
            posting_id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL REFERENCES journal_entries(entry_id),
            account_code TEXT NOT NULL REFERENCES accounts(code),
            customer_id TEXT,
            invoice_id TEXT REFERENCES invoices(invoice_id),
            amount_minor INTEGER NOT NULL,
            currency TEXT NOT NULL
        ) STRICT;
        CREATE INDEX postings_entry ON postings(entry_id);
        CREATE INDEX postings_invoice ON postings(invoice_id) WHERE invoice_id IS NOT NULL;
        CREATE TABLE applications (
            application_id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(run_id),
            day TEXT NOT NULL,
            receipt_id TEXT NOT NULL,
            source_key TEXT NOT NULL,
            invoice_id TEXT,
            customer_id TEXT,
            applied_minor INTEGER NOT NULL,
            discount_minor INTEGER NOT NULL,
            writeoff_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            rule TEXT NOT NULL,
            confidence INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX applications_day ON applications(day);
        CREATE TABLE exceptions (
            exception_id TEXT PRIMARY KEY,
            first_run_id INTEGER NOT NULL REFERENCES runs(run_id),
            last_run_id INTEGER NOT NULL REFERENCES runs(run_id),
            day TEXT NOT NULL,
            type TEXT NOT NULL,
            severity TEXT NOT NULL,
            receipt_id TEXT NOT NULL,
            source TEXT NOT NULL,
            source_ref TEXT NOT NULL,
            location TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            amount_minor INTEGER,
            currency TEXT,
            invoice_ids TEXT NOT NULL,
            message TEXT NOT NULL,
            suggestions TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
            resolution TEXT NOT NULL DEFAULT '',
            resolution_note TEXT NOT NULL DEFAULT '',
            resolved_at TEXT
        ) STRICT;
        CREATE TABLE ingested_files (
            sha256 TEXT PRIMARY KEY,
            size_bytes INTEGER NOT NULL,
            name TEXT NOT NULL,
            run_id INTEGER NOT NULL REFERENCES runs(run_id),
            day TEXT NOT NULL,
            archive_path TEXT NOT NULL
        ) STRICT;
        \(appendOnly("journal_entries", journalIsAppendOnly))
        \(appendOnly("postings", journalIsAppendOnly))
        """,
        // 2: covering indexes, so verification sums postings per entry and per invoice from the indexes alone.
        """
        DROP INDEX postings_invoice;
        CREATE INDEX postings_invoice ON postings(invoice_id, account_code, amount_minor) WHERE invoice_id IS NOT NULL;
        """,
        // 3: postings clustered by their entry (WITHOUT ROWID, keyed by entry and line): an entry's postings are
        // written to one place of one b-tree, and read together, with no separate entry index to keep up.
        """
        CREATE TABLE postings_by_entry (
            entry_id INTEGER NOT NULL REFERENCES journal_entries(entry_id),
            line INTEGER NOT NULL,
            account_code TEXT NOT NULL REFERENCES accounts(code),
            customer_id TEXT,
            invoice_id TEXT REFERENCES invoices(invoice_id),
            amount_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            PRIMARY KEY (entry_id, line)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO postings_by_entry
            SELECT entry_id, ROW_NUMBER() OVER (PARTITION BY entry_id ORDER BY posting_id), account_code, customer_id, invoice_id, amount_minor, currency
            FROM postings;
        DROP TRIGGER postings_no_update;
        DROP TRIGGER postings_no_delete;
        DROP TABLE postings;
        ALTER TABLE postings_by_entry RENAME TO postings;
        CREATE INDEX postings_invoice ON postings(invoice_id, account_code, amount_minor) WHERE invoice_id IS NOT NULL;
        \(appendOnly("postings", journalIsAppendOnly))
        """,
        // 4: what each decision rests on (how the payer was found, which field matched what, the candidates set
        // aside and why), kept beside its applications and exceptions for `settle exceptions show`.
        """
        ALTER TABLE applications ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
        ALTER TABLE exceptions ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
        """,
        // 5: what settle remembers of ACH entries (to know a re-sent entry, and to find the original of a return),
        // the history of customers' corrected bank details (NOCs), and ACH batches waiting for the statement.
        """
        CREATE TABLE ach_entries (
            entry_key TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            kind TEXT NOT NULL,
            company_id TEXT NOT NULL,
            trace TEXT NOT NULL,
            rdfi TEXT NOT NULL,
            amount_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            effective_day TEXT NOT NULL,
            settlement_day TEXT NOT NULL,
            source_key TEXT NOT NULL,
            customer_id TEXT,
            receiver_name TEXT NOT NULL,
            identification TEXT NOT NULL,
            file_name TEXT NOT NULL,
            day TEXT NOT NULL,
            run_id INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX ach_entries_trace ON ach_entries(trace, rdfi);
        CREATE INDEX ach_entries_effective ON ach_entries(effective_day);
        CREATE INDEX ach_entries_day ON ach_entries(day);
        CREATE TABLE customer_ach_changes (
            change_id INTEGER PRIMARY KEY,
            notice_key TEXT NOT NULL UNIQUE,
            customer_id TEXT,
            change_code TEXT NOT NULL,
            corrected_data TEXT NOT NULL,
            original_trace TEXT NOT NULL,
            day TEXT NOT NULL,
            run_id INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE settlement_items (
            batch_key TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            company_name TEXT NOT NULL,
            file_name TEXT NOT NULL,
            net_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            settlement_day TEXT NOT NULL,
            window_end TEXT NOT NULL,
            first_day TEXT NOT NULL,
            settled_day TEXT,
            settled_by TEXT,
            unsettled_day TEXT,
            location TEXT NOT NULL,
            entry_amounts TEXT NOT NULL DEFAULT ''
        ) STRICT;
        CREATE INDEX settlement_items_first_day ON settlement_items(first_day);
        """,
        // 6: each account's statement balances per day, so statements chain (an opening that is not the previous
        // closing, or a business day without a statement, is a gap) and the books can be tied to the bank.
        """
        \(statementBalancesTable("statement_balances", primaryKey: "account, day"))
        """,
        // 7: a schema built for posting speed (measured side by side with schema 6 by scripts/floor/posting.c).
        // Integer surrogate keys for accounts, customers and invoices. Each source key is stored once, in the first
        // entry posted under it, behind a 64-bit hash made unique by open addressing (`SourceKeyHash`); the key's
        // number (`source_no`) is that entry's id, and later revisions point to it (only they are indexed). No
        // row-level foreign keys: the store checks what a posting names before the write, `ledger verify` after.
        // No per-invoice posting index and no day index: each invoice's open amount and each account's movement per
        // day (`account_days`) are kept in the same transaction as the postings, and a commit's entries are found
        // through their id range (`entry_ranges`, one row per commit); `verify` recomputes all three. No CHECK
        // constraints on entries either (a CHECK on `kind` alone cost 30% of the posting rate): `verify` checks kinds
        // and that exactly the first entry of each key holds the key.
        // `opened_day` is the run day an invoice's opening was posted (NULL: never). `ledger_facts` says whether the
        // ledger holds ACH keys of the form before schema 5 (`ach:<file sha-256>:...`). The view `journal` shows the
        // postings with their texts, for people reading the ledger with sqlite3. Hashes, the unique index and the
        // append-only triggers are made by `finish(migration: 7)`.
        """
        CREATE TABLE accounts_v7 (
            account_id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            type TEXT NOT NULL
        ) STRICT;
        INSERT INTO accounts_v7(code, name, type) SELECT code, name, type FROM accounts ORDER BY code;
        INSERT OR IGNORE INTO accounts_v7(code, name, type) SELECT DISTINCT account_code, account_code, 'asset' FROM postings;
        CREATE TABLE customers (
            customer_no INTEGER PRIMARY KEY,
            customer_id TEXT NOT NULL UNIQUE
        ) STRICT;
        INSERT INTO customers(customer_id)
            SELECT customer_id FROM invoices UNION SELECT customer_id FROM postings WHERE customer_id IS NOT NULL ORDER BY 1;
        CREATE TABLE invoices_v7 (
            invoice_no INTEGER PRIMARY KEY,
            invoice_id TEXT NOT NULL UNIQUE,
            customer_no INTEGER NOT NULL,
            issue_day TEXT NOT NULL,
            due_day TEXT NOT NULL,
            currency TEXT NOT NULL,
            amount_minor INTEGER NOT NULL,
            open_minor INTEGER NOT NULL,
            terms TEXT NOT NULL,
            po_number TEXT NOT NULL,
            opened_day TEXT
        ) STRICT;
        INSERT INTO invoices_v7(invoice_id, customer_no, issue_day, due_day, currency, amount_minor, open_minor, terms, po_number)
            SELECT i.invoice_id, c.customer_no, i.issue_day, i.due_day, i.currency, i.amount_minor, i.open_minor, i.terms, i.po_number
            FROM invoices i JOIN customers c ON c.customer_id = i.customer_id ORDER BY i.invoice_id;
        CREATE TABLE journal_entries_v7 (
            entry_id INTEGER PRIMARY KEY,
            source_no INTEGER NOT NULL,
            revision INTEGER NOT NULL,
            kind TEXT NOT NULL,
            run_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            effective_day TEXT NOT NULL,
            memo TEXT NOT NULL,
            key_hash INTEGER,
            source_key TEXT
        ) STRICT;
        INSERT INTO journal_entries_v7(entry_id, source_no, revision, kind, run_id, day, effective_day, memo, key_hash, source_key)
            SELECT j.entry_id, f.first_entry, j.revision, j.kind, j.run_id, j.day, j.effective_day, j.memo,
                   CASE WHEN j.entry_id = f.first_entry THEN -j.entry_id END, CASE WHEN j.entry_id = f.first_entry THEN j.source_key END
            FROM journal_entries j JOIN (SELECT source_key, MIN(entry_id) AS first_entry FROM journal_entries GROUP BY source_key) f
                ON f.source_key = j.source_key
            ORDER BY j.entry_id;
        CREATE TABLE postings_v7 (
            entry_id INTEGER NOT NULL,
            line INTEGER NOT NULL,
            account_id INTEGER NOT NULL,
            customer_no INTEGER,
            invoice_no INTEGER,
            amount_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            PRIMARY KEY (entry_id, line)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO postings_v7(entry_id, line, account_id, customer_no, invoice_no, amount_minor, currency)
            SELECT p.entry_id, p.line, a.account_id, c.customer_no, i.invoice_no, p.amount_minor, p.currency
            FROM postings p JOIN accounts_v7 a ON a.code = p.account_code
            LEFT JOIN customers c ON c.customer_id = p.customer_id LEFT JOIN invoices_v7 i ON i.invoice_id = p.invoice_id
            ORDER BY p.entry_id, p.line;
        UPDATE invoices_v7 SET opened_day = o.day
            FROM (SELECT p.invoice_no AS invoice_no, MIN(j.day) AS day FROM postings_v7 p JOIN journal_entries_v7 j ON j.entry_id = p.entry_id
                  WHERE p.invoice_no IS NOT NULL GROUP BY p.invoice_no) o
            WHERE o.invoice_no = invoices_v7.invoice_no;
        CREATE TABLE account_days (
            account_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            currency TEXT NOT NULL,
            amount_minor INTEGER NOT NULL,
            PRIMARY KEY (account_id, day, currency)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO account_days(account_id, day, currency, amount_minor)
            SELECT p.account_id, j.day, p.currency, SUM(p.amount_minor) FROM postings_v7 p JOIN journal_entries_v7 j ON j.entry_id = p.entry_id
            GROUP BY 1, 2, 3;
        CREATE TABLE entry_ranges (
            first_entry_id INTEGER PRIMARY KEY,
            last_entry_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            run_id INTEGER NOT NULL
        ) STRICT;
        INSERT INTO entry_ranges(first_entry_id, last_entry_id, day, run_id)
            SELECT MIN(entry_id), MAX(entry_id), day, MIN(run_id) FROM (
                SELECT entry_id, day, run_id, entry_id - ROW_NUMBER() OVER (PARTITION BY day, run_id ORDER BY entry_id) AS island FROM journal_entries_v7)
            GROUP BY day, run_id, island;
        CREATE TABLE ledger_facts (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
        INSERT INTO ledger_facts(name, value)
            SELECT 'legacy_ach_keys', COUNT(*) FROM journal_entries_v7
            WHERE source_key LIKE 'ach:%' AND substr(source_key, 69, 1) = ':' AND substr(source_key, 5, 64) NOT GLOB '*[^0-9a-f]*';
        DROP TABLE postings;
        DROP TABLE journal_entries;
        DROP TABLE invoices;
        DROP TABLE accounts;
        ALTER TABLE accounts_v7 RENAME TO accounts;
        ALTER TABLE invoices_v7 RENAME TO invoices;
        ALTER TABLE journal_entries_v7 RENAME TO journal_entries;
        ALTER TABLE postings_v7 RENAME TO postings;
        CREATE INDEX journal_entries_revisions ON journal_entries(source_no, revision) WHERE revision > 1;
        CREATE VIEW journal AS
            SELECT j.entry_id, f.source_key, j.revision, j.kind, j.run_id, j.day, j.effective_day, j.memo, p.line, a.code AS account_code,
                   c.customer_id, i.invoice_id, p.amount_minor, p.currency
            FROM journal_entries j JOIN journal_entries f ON f.entry_id = j.source_no JOIN postings p ON p.entry_id = j.entry_id
            JOIN accounts a ON a.account_id = p.account_id LEFT JOIN customers c ON c.customer_no = p.customer_no
            LEFT JOIN invoices i ON i.invoice_no = p.invoice_no;
        """,
        // 8: reviewers' decisions. An exception carries its current decision (what, on which invoices, by whom, approved
        // by whom) and two counters: `decision_seq` (each decision or reopen adds one) and `booked_seq` (the decision
        // the ledger reflects, booked by the run of `booked_day` under the key `review:<exception id>`). Every decision,
        // reopen, approval and resolution settle makes itself is a row of `exception_history`, never changed. A decision
        // of an older settle (which booked nothing) stays in the history and is not booked. Applications keep the X12
        // adjustment reason a payer gave for a deduction (remittance advice); `customer_unapplied` keeps each customer's
        // unapplied cash (account 2100), in the day's transaction like `account_days`, for aging and credit exposure.
        // `period_changes` is the history of closing and reopening periods (the last row says what is closed).
        """
        ALTER TABLE exceptions ADD COLUMN decision TEXT NOT NULL DEFAULT '';
        ALTER TABLE exceptions ADD COLUMN decision_applications TEXT NOT NULL DEFAULT '';
        ALTER TABLE exceptions ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE exceptions ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE exceptions ADD COLUMN decision_seq INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE exceptions ADD COLUMN booked_seq INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE exceptions ADD COLUMN booked_day TEXT;
        CREATE INDEX exceptions_day ON exceptions(day);
        CREATE TABLE exception_history (
            history_id INTEGER PRIMARY KEY,
            exception_id TEXT NOT NULL,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            decision TEXT NOT NULL,
            applications TEXT NOT NULL,
            note TEXT NOT NULL,
            by TEXT NOT NULL,
            approved_by TEXT NOT NULL,
            run_id INTEGER
        ) STRICT;
        CREATE INDEX exception_history_exception ON exception_history(exception_id);
        INSERT INTO exception_history(exception_id, at, action, decision, applications, note, by, approved_by)
            SELECT exception_id, COALESCE(resolved_at, ''), 'resolve', resolution, '', resolution_note, '', '' FROM exceptions WHERE status = 'resolved';
        ALTER TABLE applications ADD COLUMN reason_code TEXT NOT NULL DEFAULT '';
        ALTER TABLE ingested_files ADD COLUMN source TEXT NOT NULL DEFAULT '';
        CREATE TABLE customer_unapplied (
            customer_no INTEGER NOT NULL,
            currency TEXT NOT NULL,
            amount_minor INTEGER NOT NULL,
            PRIMARY KEY (customer_no, currency)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO customer_unapplied(customer_no, currency, amount_minor)
            SELECT p.customer_no, p.currency, SUM(p.amount_minor) FROM postings p JOIN accounts a ON a.account_id = p.account_id
            WHERE a.code = '2100' AND p.customer_no IS NOT NULL GROUP BY 1, 2;
        CREATE TABLE period_changes (
            change_id INTEGER PRIMARY KEY,
            action TEXT NOT NULL,
            closed_through TEXT,
            note TEXT NOT NULL,
            by TEXT NOT NULL,
            at TEXT NOT NULL
        ) STRICT;
        \(appendOnly("period_changes", "the period history is append-only"))
        \(appendOnly("exception_history", "the decision history is append-only"))
        """,
        // 9: the customer of an ACH entry, found by cash application after the entry's row was written (the rows go to
        // the writer while the day is still matched; setting the column afterwards cost 2 s a million, an append here a
        // fraction of it). Keyed by the entry's rowid; an older row keeps its `customer_id` column.
        """
        CREATE TABLE ach_entry_customers (
            entry_rowid INTEGER PRIMARY KEY,
            customer_id TEXT NOT NULL
        ) STRICT;
        """,
        // 10: every bank account its own ledger account. An account is its bank (routing number or BIC, '' where no
        // file names it), its normalized number and its currency; `code` is its cash account, kept for good once given
        // (`BankAccountRow`). Accounts an older ledger posted under the last four digits of their numbers are
        // registered from its history, the first seen keeping the code; one whose code changed names the old code in
        // `reclass_from` until a run moves its balance there (`bankreclass:<number>:<currency>`). A multi-currency
        // account has a statement per currency: statement balances are kept per account, currency and day.
        """
        CREATE TABLE bank_accounts (
            number TEXT NOT NULL,
            bank TEXT NOT NULL,
            currency TEXT NOT NULL,
            code TEXT NOT NULL UNIQUE,
            first_day TEXT NOT NULL,
            reclass_from TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (number, bank, currency)
        ) STRICT;
        \(statementBalancesTable("statement_balances_v10", primaryKey: "account, currency, day"))
        INSERT INTO statement_balances_v10 SELECT account, day, currency, opening_minor, closing_minor, location, run_id FROM statement_balances;
        DROP TABLE statement_balances;
        ALTER TABLE statement_balances_v10 RENAME TO statement_balances;
        """,
        // 11: unapplied cash tried again. A receipt that leaves cash unapplied with its customer is kept with what it
        // said (`held_receipts`: its remittance, texts and payer, the day it was held), and each later application of
        // that cash (`reapplications`, under the entry `reapply:<receipt id>:<day>`) is recorded by day, so what is still
        // held before any day is known again on a rerun. Exceptions are found by the receipt they were raised on.
        """
        CREATE TABLE held_receipts (
            source_key TEXT PRIMARY KEY,
            receipt_id TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            currency TEXT NOT NULL,
            amount_minor INTEGER NOT NULL,
            day TEXT NOT NULL,
            value_day TEXT NOT NULL,
            source TEXT NOT NULL,
            source_ref TEXT NOT NULL,
            payer_name TEXT NOT NULL,
            free_text TEXT NOT NULL,
            remittance TEXT NOT NULL,
            location TEXT NOT NULL,
            run_id INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX held_receipts_customer ON held_receipts(customer_id, day);
        CREATE TABLE reapplications (
            source_key TEXT NOT NULL,
            day TEXT NOT NULL,
            invoice_id TEXT NOT NULL,
            amount_minor INTEGER NOT NULL,
            run_id INTEGER NOT NULL,
            PRIMARY KEY (source_key, day, invoice_id)
        ) STRICT;
        CREATE INDEX reapplications_day ON reapplications(day);
        CREATE INDEX exceptions_receipt ON exceptions(receipt_id) WHERE receipt_id != '';
        """,
        // 12: each settlement item keeps the key (SHA-256) of the file that announced it, so that a batch waiting from
        // an earlier day is added up as a file's total only with batches of its own file. An item kept before is given
        // the key of the one file of its name taken on its first day; where two were (same-named files of two
        // sources), or none, it stays '' and is never added up with others as one file.
        """
        ALTER TABLE settlement_items ADD COLUMN file_key TEXT NOT NULL DEFAULT '';
        UPDATE settlement_items SET file_key = (
            SELECT CASE WHEN COUNT(*) = 1 THEN MIN(f.sha256) ELSE '' END FROM ingested_files f
            WHERE f.day = settlement_items.first_day AND f.name = settlement_items.file_name);
        """,
        // 13: each application keeps what a remittance advice shows of its receipt (where it came from, its reference
        // there, its value day), so that `settle advice` makes the rows the run made. Rows kept before are given what
        // the ledger knows (`finish`): the value day of the receipt's entry, the source from the key's prefix, the
        // key's last part as the reference.
        """
        ALTER TABLE applications ADD COLUMN source TEXT NOT NULL DEFAULT '';
        ALTER TABLE applications ADD COLUMN source_ref TEXT NOT NULL DEFAULT '';
        ALTER TABLE applications ADD COLUMN value_day TEXT;
        """,
        // 14: each customer's unapplied cash by the day its entries are effective, so that a report of an earlier day
        // (a rerun after later days) shows it as of that day: what `customer_unapplied` holds, less what is effective
        // after the day.
        """
        CREATE TABLE customer_unapplied_days (
            customer_no INTEGER NOT NULL,
            currency TEXT NOT NULL,
            effective_day TEXT NOT NULL,
            amount_minor INTEGER NOT NULL,
            PRIMARY KEY (customer_no, currency, effective_day)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX customer_unapplied_days_effective ON customer_unapplied_days(effective_day);
        INSERT INTO customer_unapplied_days(customer_no, currency, effective_day, amount_minor)
            SELECT p.customer_no, p.currency, j.effective_day, SUM(p.amount_minor) FROM postings p JOIN accounts a ON a.account_id = p.account_id
            JOIN journal_entries j ON j.entry_id = p.entry_id
            WHERE a.code = '2100' AND p.customer_no IS NOT NULL GROUP BY 1, 2, 3 HAVING SUM(p.amount_minor) != 0;
        """,
        // 15: the day an exception was closed, for the worklist of any day (open at its end: raised on or before it,
        // not closed by then). A reviewer's decision closes it on the day of the run that books it; settle's own
        // resolutions on the day of the run that made them; a reopen (or a raise again) clears it. Exceptions closed
        // before are given what the ledger knows: the booking day of a booked decision, else the day of the last run
        // that resolved it in the history, else the exception's own day; a decision not booked yet leaves it open.
        // The second index holds only exceptions no longer simply open (none of a day's new ones): a run finds those
        // of its own day without reading the others.
        """
        ALTER TABLE exceptions ADD COLUMN closed_day TEXT;
        UPDATE exceptions SET closed_day = CASE
            WHEN decision != '' THEN CASE WHEN booked_seq = decision_seq THEN booked_day END
            ELSE COALESCE((SELECT r.last_day FROM exception_history h JOIN runs r ON r.run_id = h.run_id
                           WHERE h.exception_id = exceptions.exception_id ORDER BY h.history_id DESC LIMIT 1), day) END
        WHERE status = 'resolved';
        CREATE INDEX exceptions_closed ON exceptions(closed_day, day);
        CREATE INDEX exceptions_decided ON exceptions(day) WHERE status != 'open' OR closed_day IS NOT NULL;
        """,
        // 16: what is written off of each invoice (its payment differences, 6900: shortfalls written off within the
        // tolerance or by a reviewer, less recoveries and returns), kept beside its open amount in the same transaction as
        // the postings, so that the open items before a day say how much of a closed invoice a payment recovers. Filled
        // from the postings; `verify` recomputes it.
        """
        ALTER TABLE invoices ADD COLUMN written_off_minor INTEGER NOT NULL DEFAULT 0;
        UPDATE invoices SET written_off_minor = w.total
            FROM (SELECT p.invoice_no AS invoice_no, SUM(p.amount_minor) AS total FROM postings p JOIN accounts a ON a.account_id = p.account_id
                  WHERE a.code = '6900' AND p.invoice_no IS NOT NULL GROUP BY p.invoice_no) w
            WHERE w.invoice_no = invoices.invoice_no;
        """,
        // 17: ACH debit origination: the mandates (account numbers sealed with the origination key, their last four
        // characters for display), the files settle wrote (their bytes sealed, to write one again exactly), each file's
        // entries by trace number (a retry names the entry it presents again), and every return by its original trace.
        """
        CREATE TABLE origination_mandates (
            mandate_id TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL,
            sec TEXT NOT NULL,
            routing TEXT NOT NULL,
            account_sealed TEXT NOT NULL,
            account_last4 TEXT NOT NULL,
            account_type TEXT NOT NULL,
            authorized_on TEXT NOT NULL,
            revoked_on TEXT,
            max_minor INTEGER,
            pull TEXT NOT NULL,
            key_fingerprint TEXT NOT NULL,
            status TEXT NOT NULL,
            status_note TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE origination_files (
            file_name TEXT PRIMARY KEY,
            day TEXT NOT NULL,
            modifier TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL,
            entry_count INTEGER NOT NULL,
            debit_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            sealed_text TEXT NOT NULL,
            voided_at TEXT,
            void_note TEXT NOT NULL,
            company_id TEXT NOT NULL
        ) STRICT;
        CREATE INDEX origination_files_day ON origination_files(day);
        CREATE TABLE origination_entries (
            trace TEXT PRIMARY KEY,
            file_name TEXT NOT NULL REFERENCES origination_files(file_name),
            kind TEXT NOT NULL,
            mandate_id TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            invoice_id TEXT NOT NULL,
            amount_minor INTEGER NOT NULL,
            discount_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            effective_day TEXT NOT NULL,
            sec TEXT NOT NULL,
            batch_number INTEGER NOT NULL,
            account_last4 TEXT NOT NULL,
            retry_of TEXT NOT NULL
        ) STRICT;
        CREATE INDEX origination_entries_file ON origination_entries(file_name);
        CREATE INDEX origination_entries_invoice ON origination_entries(invoice_id);
        CREATE INDEX origination_entries_retry ON origination_entries(retry_of) WHERE retry_of != '';
        CREATE TABLE ach_returns (
            notice_key TEXT PRIMARY KEY,
            original_trace TEXT NOT NULL,
            reason_code TEXT NOT NULL,
            dishonored INTEGER NOT NULL,
            amount_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            day TEXT NOT NULL,
            run_id INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX ach_returns_trace ON ach_returns(original_trace);
        """,
    ]

    static var version: Int { migrations.count }

    static let journalIsAppendOnly = "the journal is append-only: post a reversal instead"

    /// The two triggers that keep `table` append-only, refusing an UPDATE or DELETE with `message`. Every migration
    /// makes them through this, in the text the first schemas wrote out (SQLite keeps it in `sqlite_master`).
    static func appendOnly(_ table: String, _ message: String) -> String {
        """
        CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
            BEGIN SELECT RAISE(ABORT, '\(message)'); END;
        CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
            BEGIN SELECT RAISE(ABORT, '\(message)'); END;
        """
    }

    /// `statement_balances` as migration 6 made it, and as migration 10 made it again (as `statement_balances_v10`)
    /// keyed by currency too. Frozen like the migrations that write it out: a later change is a new migration.
    static func statementBalancesTable(_ table: String, primaryKey: String) -> String {
        """
        CREATE TABLE \(table) (
            account TEXT NOT NULL,
            day TEXT NOT NULL,
            currency TEXT NOT NULL,
            opening_minor INTEGER,
            closing_minor INTEGER,
            location TEXT NOT NULL,
            run_id INTEGER NOT NULL,
            PRIMARY KEY (\(primaryKey))
        ) STRICT;
        """
    }

    /// Work a migration needs from Swift after its SQL, in the same transaction: version 7 hashes the source keys
    /// (placeholders until then), then makes the hash unique and the journal append-only again.
    static func finish(migration version: Int, _ db: Database) throws {
        if version == 10 { return try BankAccountRegistry.registerHistory(db) }
        if version == 13 { return try fillApplicationReceipts(db) }
        guard version == 7 else { return }
        let rows = try db.prepare("SELECT entry_id, source_key FROM journal_entries WHERE revision = 1 ORDER BY entry_id").rows { ($0.int(0), $0.text(1)) }
        var taken = Set<Int64>()
        taken.reserveCapacity(rows.count)
        let update = try db.prepare("UPDATE journal_entries SET key_hash = ? WHERE entry_id = ?")
        for (entry, key) in rows {
            // Each key takes the first value from its hash on that no earlier key took (the walk ends at one).
            guard let hash = SourceKeyHash.probe(key, { taken.insert($0).inserted ? .found($0) : .otherKey }) else {
                preconditionFailure("a walk for a free source-key hash ended without one")
            }
            try update.bind(.integer(hash), .integer(entry)).run()
        }
        try db.execute("""
            CREATE UNIQUE INDEX journal_entries_key ON journal_entries(key_hash);
            \(appendOnly("journal_entries", journalIsAppendOnly))
            \(appendOnly("postings", journalIsAppendOnly))
            """)
    }
}

extension Schema {
    /// Version 13: what an older ledger knows of each application's receipt. The value day is the effective day of the
    /// first entry under the receipt's key (found through its hash), else the application's day; the source is the
    /// key's prefix (`ach:` a NACHA entry; `stmt:` a statement line, whose format the ledger did not keep); the
    /// reference is the key's last part.
    static func fillApplicationReceipts(_ db: Database) throws {
        try db.execute("CREATE TEMP TABLE application_receipts (source_key TEXT PRIMARY KEY, source TEXT NOT NULL, source_ref TEXT NOT NULL, value_day TEXT)")
        let find = try db.prepare("SELECT source_key, effective_day FROM journal_entries WHERE key_hash = ?")
        let insert = try db.prepare("INSERT INTO application_receipts(source_key, source, source_ref, value_day) VALUES (?, ?, ?, ?)")
        for key in try db.prepare("SELECT DISTINCT source_key FROM applications").rows({ $0.text(0) }) {
            let valueDay = try SourceKeyHash.probe(key) { hash in try find.sourceKeySlot(hash, key: key, keyColumn: 0) { $0.text(1) } }
            let source = key.hasPrefix("ach:") ? "nacha" : (key.hasPrefix("stmt:") ? "statement" : String(key.prefix { $0 != ":" }))
            let reference = String(key.split(separator: ":").last ?? "")
            try insert.bind(.text(key), .text(source), .text(reference), .optional(valueDay)).run()
        }
        try db.execute("""
            UPDATE applications SET
                source = (SELECT r.source FROM application_receipts r WHERE r.source_key = applications.source_key),
                source_ref = (SELECT r.source_ref FROM application_receipts r WHERE r.source_key = applications.source_key),
                value_day = COALESCE((SELECT r.value_day FROM application_receipts r WHERE r.source_key = applications.source_key), day);
            DROP TABLE application_receipts;
            """)
    }
}
