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
        CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
            BEGIN SELECT RAISE(ABORT, 'the journal is append-only: post a reversal instead'); END;
        CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
            BEGIN SELECT RAISE(ABORT, 'the journal is append-only: post a reversal instead'); END;
        CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
            BEGIN SELECT RAISE(ABORT, 'the journal is append-only: post a reversal instead'); END;
        CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
            BEGIN SELECT RAISE(ABORT, 'the journal is append-only: post a reversal instead'); END;
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
        CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
            BEGIN SELECT RAISE(ABORT, 'the journal is append-only: post a reversal instead'); END;
        CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
            BEGIN SELECT RAISE(ABORT, 'the journal is append-only: post a reversal instead'); END;
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
        CREATE TABLE statement_balances (
            account TEXT NOT NULL,
            day TEXT NOT NULL,
            currency TEXT NOT NULL,
            opening_minor INTEGER,
            closing_minor INTEGER,
            location TEXT NOT NULL,
            run_id INTEGER NOT NULL,
            PRIMARY KEY (account, day)
        ) STRICT;
        """,
    ]

    static var version: Int { migrations.count }
}
