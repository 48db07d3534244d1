import Foundation

/// The PostgreSQL ledger's schema, as numbered migrations (the version in `settle_meta`).
///
/// One database holds any number of entities. Every table leads with `entity`: its primary and unique keys start with
/// it, every reference carries it (no key or reference crosses entities), and every b-tree index starts with it (the
/// two hash indexes, of one column and not unique, find a receipt's rows of every entity and keep the entity's; the
/// three BRIN indexes summarize days, whichever entity's), so the
/// tables can be hash-partitioned by entity (PostgreSQL declarative partitioning, `partitions` > 0) or distributed by
/// it (Citus `create_distributed_table(..., 'entity')`, co-located) without changing a key. Text columns sort and
/// compare byte-wise (`COLLATE "C"`) whatever the database's collation, so reports are byte-identical to SQLite's.
/// The tables a night writes by the million (journal entries, postings, applications) hold no row-level foreign keys:
/// settle checks what each posting names before the write and `verify` after (a foreign key's trigger per row would
/// halve the rate at which a day is written); the other references are foreign keys, each leading with the entity.
/// Keys are the ledger's own (source keys, invoice and customer ids), not SQLite's surrogate numbers: what an ERP or BI
/// tool reads is what settle wrote. Append-only tables (the journal, the decision and period histories) are kept so by
/// privileges (`scripts/postgres-roles.sql` grants the runner and reviewer roles no UPDATE or DELETE on them), which
/// holds on Citus, where triggers would not.
enum PostgreSQLSchema {
    /// `T` in the migrations: a text column that sorts byte-wise.
    private static let text = "text COLLATE \"C\""

    /// The tables the ledger keeps per entity, in the order they are made (and copied by `ledger migrate`).
    static let entityTables = [
        "accounts", "runs", "journal_entries", "postings", "account_days", "customers", "invoices", "customer_unapplied",
        "customer_unapplied_days", "applications", "exceptions", "exception_history", "ingested_files", "ach_entries",
        "customer_ach_changes", "settlement_items", "bank_accounts", "statement_balances", "held_receipts", "reapplications",
        "period_changes", "ledger_facts", "origination_mandates", "origination_files", "origination_entries", "ach_returns",
        "ach_entry_customers",
    ]

    static let migrations: [String] = [
        // 1: the ledger as SQLite schema 16 holds it, per entity.
        """
        CREATE TABLE entities (
            entity T PRIMARY KEY,
            created_at T NOT NULL
        );
        CREATE TABLE run_locks (
            entity T PRIMARY KEY REFERENCES entities(entity),
            host T NOT NULL,
            pid integer NOT NULL,
            backend_pid integer NOT NULL,
            started_at T NOT NULL,
            purpose T NOT NULL
        );
        CREATE TABLE accounts (
            entity T NOT NULL,
            code T NOT NULL,
            name T NOT NULL,
            type T NOT NULL,
            PRIMARY KEY (entity, code)
        ) PARTITIONED;
        CREATE TABLE runs (
            entity T NOT NULL,
            run_id bigint NOT NULL,
            started_at T NOT NULL,
            manifest T NOT NULL,
            first_day T NOT NULL,
            last_day T NOT NULL,
            status T NOT NULL,
            PRIMARY KEY (entity, run_id)
        ) PARTITIONED;
        CREATE TABLE journal_entries (
            entity T NOT NULL,
            entry_id bigint NOT NULL,
            source_key T NOT NULL,
            revision integer NOT NULL,
            kind T NOT NULL CHECK (kind IN ('original', 'reversal', 'replacement')),
            run_id bigint NOT NULL,
            day T NOT NULL,
            effective_day T NOT NULL,
            memo T NOT NULL,
            PRIMARY KEY (entity, entry_id),
            UNIQUE (entity, source_key, revision)
        ) PARTITIONED;
        CREATE INDEX journal_entries_day ON journal_entries(entity, day);
        CREATE TABLE postings (
            entity T NOT NULL,
            entry_id bigint NOT NULL,
            line integer NOT NULL,
            account_code T NOT NULL,
            customer_id T,
            invoice_id T,
            amount_minor bigint NOT NULL,
            currency T NOT NULL,
            PRIMARY KEY (entity, entry_id, line)
        ) PARTITIONED;
        CREATE INDEX postings_invoice ON postings(entity, invoice_id) WHERE invoice_id IS NOT NULL;
        CREATE INDEX postings_customer ON postings(entity, customer_id) WHERE customer_id IS NOT NULL;
        CREATE TABLE account_days (
            entity T NOT NULL,
            account_code T NOT NULL,
            day T NOT NULL,
            currency T NOT NULL,
            amount_minor bigint NOT NULL,
            PRIMARY KEY (entity, account_code, day, currency)
        ) PARTITIONED;
        CREATE TABLE customers (
            entity T NOT NULL,
            customer_id T NOT NULL,
            PRIMARY KEY (entity, customer_id)
        ) PARTITIONED;
        CREATE TABLE invoices (
            entity T NOT NULL,
            invoice_id T NOT NULL,
            customer_id T NOT NULL,
            issue_day T NOT NULL,
            due_day T NOT NULL,
            currency T NOT NULL,
            amount_minor bigint NOT NULL,
            open_minor bigint NOT NULL,
            terms T NOT NULL,
            po_number T NOT NULL,
            opened_day T,
            written_off_minor bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (entity, invoice_id)
        ) PARTITIONED;
        CREATE INDEX invoices_customer ON invoices(entity, customer_id);
        CREATE TABLE customer_unapplied (
            entity T NOT NULL,
            customer_id T NOT NULL,
            currency T NOT NULL,
            amount_minor bigint NOT NULL,
            PRIMARY KEY (entity, customer_id, currency)
        ) PARTITIONED;
        CREATE TABLE customer_unapplied_days (
            entity T NOT NULL,
            customer_id T NOT NULL,
            currency T NOT NULL,
            effective_day T NOT NULL,
            amount_minor bigint NOT NULL,
            PRIMARY KEY (entity, customer_id, currency, effective_day)
        ) PARTITIONED;
        CREATE INDEX customer_unapplied_days_effective ON customer_unapplied_days(entity, effective_day);
        CREATE TABLE applications (
            entity T NOT NULL,
            application_id bigint NOT NULL,
            run_id bigint NOT NULL,
            day T NOT NULL,
            receipt_id T NOT NULL,
            source_key T NOT NULL,
            invoice_id T,
            customer_id T,
            applied_minor bigint NOT NULL,
            discount_minor bigint NOT NULL,
            writeoff_minor bigint NOT NULL,
            currency T NOT NULL,
            rule T NOT NULL,
            confidence integer NOT NULL,
            evidence T NOT NULL DEFAULT '',
            reason_code T NOT NULL DEFAULT '',
            source T NOT NULL DEFAULT '',
            source_ref T NOT NULL DEFAULT '',
            value_day T,
            PRIMARY KEY (entity, application_id)
        ) PARTITIONED;
        CREATE INDEX applications_day ON applications(entity, day);
        CREATE INDEX applications_source ON applications(entity, source_key);
        CREATE INDEX applications_receipt ON applications(entity, receipt_id);
        CREATE TABLE exceptions (
            entity T NOT NULL,
            exception_id T NOT NULL,
            first_run_id bigint NOT NULL,
            last_run_id bigint NOT NULL,
            day T NOT NULL,
            type T NOT NULL,
            severity T NOT NULL,
            receipt_id T NOT NULL,
            source T NOT NULL,
            source_ref T NOT NULL,
            location T NOT NULL,
            customer_id T NOT NULL,
            amount_minor bigint,
            currency T,
            invoice_ids T NOT NULL,
            message T NOT NULL,
            suggestions T NOT NULL,
            status T NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
            resolution T NOT NULL DEFAULT '',
            resolution_note T NOT NULL DEFAULT '',
            resolved_at T,
            evidence T NOT NULL DEFAULT '',
            decision T NOT NULL DEFAULT '',
            decision_applications T NOT NULL DEFAULT '',
            decided_by T NOT NULL DEFAULT '',
            approved_by T NOT NULL DEFAULT '',
            decision_seq bigint NOT NULL DEFAULT 0,
            booked_seq bigint NOT NULL DEFAULT 0,
            booked_day T,
            closed_day T,
            PRIMARY KEY (entity, exception_id),
            FOREIGN KEY (entity, first_run_id) REFERENCES runs(entity, run_id)
        ) PARTITIONED;
        CREATE INDEX exceptions_day ON exceptions(entity, day);
        CREATE INDEX exceptions_receipt ON exceptions(entity, receipt_id) WHERE receipt_id <> '';
        CREATE INDEX exceptions_closed ON exceptions(entity, closed_day, day);
        CREATE INDEX exceptions_decided ON exceptions(entity, day) WHERE status <> 'open' OR closed_day IS NOT NULL;
        CREATE SEQUENCE exception_history_ids;
        CREATE TABLE exception_history (
            entity T NOT NULL,
            history_id bigint NOT NULL DEFAULT nextval('exception_history_ids'),
            exception_id T NOT NULL,
            at T NOT NULL,
            action T NOT NULL,
            decision T NOT NULL,
            applications T NOT NULL,
            note T NOT NULL,
            by T NOT NULL,
            approved_by T NOT NULL,
            run_id bigint,
            PRIMARY KEY (entity, history_id),
            FOREIGN KEY (entity, exception_id) REFERENCES exceptions(entity, exception_id)
        ) PARTITIONED;
        CREATE INDEX exception_history_exception ON exception_history(entity, exception_id);
        CREATE TABLE ingested_files (
            entity T NOT NULL,
            sha256 T NOT NULL,
            size_bytes bigint NOT NULL,
            name T NOT NULL,
            run_id bigint NOT NULL,
            day T NOT NULL,
            archive_path T NOT NULL,
            source T NOT NULL DEFAULT '',
            PRIMARY KEY (entity, sha256),
            FOREIGN KEY (entity, run_id) REFERENCES runs(entity, run_id)
        ) PARTITIONED;
        CREATE TABLE ach_entries (
            entity T NOT NULL,
            entry_key T NOT NULL,
            role T NOT NULL,
            kind T NOT NULL,
            company_id T NOT NULL,
            trace T NOT NULL,
            rdfi T NOT NULL,
            amount_minor bigint NOT NULL,
            currency T NOT NULL,
            effective_day T NOT NULL,
            settlement_day T NOT NULL,
            source_key T NOT NULL,
            customer_id T,
            receiver_name T NOT NULL,
            identification T NOT NULL,
            file_name T NOT NULL,
            day T NOT NULL,
            run_id bigint NOT NULL,
            PRIMARY KEY (entity, entry_key)
        ) PARTITIONED;
        CREATE INDEX ach_entries_trace ON ach_entries(entity, trace, rdfi);
        CREATE INDEX ach_entries_effective ON ach_entries(entity, effective_day);
        CREATE INDEX ach_entries_day ON ach_entries(entity, day);
        CREATE TABLE customer_ach_changes (
            entity T NOT NULL,
            change_id bigint NOT NULL,
            notice_key T NOT NULL,
            customer_id T,
            change_code T NOT NULL,
            corrected_data T NOT NULL,
            original_trace T NOT NULL,
            day T NOT NULL,
            run_id bigint NOT NULL,
            PRIMARY KEY (entity, change_id),
            UNIQUE (entity, notice_key)
        ) PARTITIONED;
        CREATE TABLE settlement_items (
            entity T NOT NULL,
            batch_key T NOT NULL,
            role T NOT NULL,
            company_name T NOT NULL,
            file_name T NOT NULL,
            net_minor bigint NOT NULL,
            currency T NOT NULL,
            settlement_day T NOT NULL,
            window_end T NOT NULL,
            first_day T NOT NULL,
            settled_day T,
            settled_by T,
            unsettled_day T,
            location T NOT NULL,
            entry_amounts T NOT NULL DEFAULT '',
            file_key T NOT NULL DEFAULT '',
            PRIMARY KEY (entity, batch_key)
        ) PARTITIONED;
        CREATE INDEX settlement_items_first_day ON settlement_items(entity, first_day);
        CREATE TABLE bank_accounts (
            entity T NOT NULL,
            number T NOT NULL,
            bank T NOT NULL,
            currency T NOT NULL,
            code T NOT NULL,
            first_day T NOT NULL,
            reclass_from T NOT NULL DEFAULT '',
            PRIMARY KEY (entity, number, bank, currency),
            UNIQUE (entity, code)
        ) PARTITIONED;
        CREATE TABLE statement_balances (
            entity T NOT NULL,
            account T NOT NULL,
            day T NOT NULL,
            currency T NOT NULL,
            opening_minor bigint,
            closing_minor bigint,
            location T NOT NULL,
            run_id bigint NOT NULL,
            PRIMARY KEY (entity, account, currency, day)
        ) PARTITIONED;
        CREATE TABLE held_receipts (
            entity T NOT NULL,
            source_key T NOT NULL,
            receipt_id T NOT NULL,
            customer_id T NOT NULL,
            currency T NOT NULL,
            amount_minor bigint NOT NULL,
            day T NOT NULL,
            value_day T NOT NULL,
            source T NOT NULL,
            source_ref T NOT NULL,
            payer_name T NOT NULL,
            free_text T NOT NULL,
            remittance T NOT NULL,
            location T NOT NULL,
            run_id bigint NOT NULL,
            PRIMARY KEY (entity, source_key)
        ) PARTITIONED;
        CREATE INDEX held_receipts_customer ON held_receipts(entity, customer_id, day);
        CREATE TABLE reapplications (
            entity T NOT NULL,
            source_key T NOT NULL,
            day T NOT NULL,
            invoice_id T NOT NULL,
            amount_minor bigint NOT NULL,
            run_id bigint NOT NULL,
            PRIMARY KEY (entity, source_key, day, invoice_id)
        ) PARTITIONED;
        CREATE INDEX reapplications_day ON reapplications(entity, day);
        CREATE SEQUENCE period_change_ids;
        CREATE TABLE period_changes (
            entity T NOT NULL,
            change_id bigint NOT NULL DEFAULT nextval('period_change_ids'),
            action T NOT NULL,
            closed_through T,
            note T NOT NULL,
            by T NOT NULL,
            at T NOT NULL,
            PRIMARY KEY (entity, change_id)
        ) PARTITIONED;
        CREATE TABLE ledger_facts (
            entity T NOT NULL,
            name T NOT NULL,
            value bigint NOT NULL,
            PRIMARY KEY (entity, name)
        ) PARTITIONED;
        """,
        // 2: the last day of a run that committed, written in the day's transaction: the next run says which days of a run
        // that died are in the ledger.
        """
        ALTER TABLE runs ADD COLUMN committed_through text COLLATE "C";
        """,
        // 3: no read looks postings up by invoice (an invoice's open and written-off amounts are kept on it), and the
        // index cost a night of a million receipts about 12 s of the server's time (scripts/floor/day-pg.py).
        """
        DROP INDEX postings_invoice;
        """,
        // 4: ACH debit origination, as SQLite schema 17 keeps it.
        """
        CREATE TABLE origination_mandates (
            entity T NOT NULL,
            mandate_id T NOT NULL,
            customer_id T NOT NULL,
            sec T NOT NULL,
            routing T NOT NULL,
            account_sealed T NOT NULL,
            account_last4 T NOT NULL,
            account_type T NOT NULL,
            authorized_on T NOT NULL,
            revoked_on T,
            max_minor bigint,
            pull T NOT NULL,
            key_fingerprint T NOT NULL,
            status T NOT NULL,
            status_note T NOT NULL,
            updated_at T NOT NULL,
            PRIMARY KEY (entity, mandate_id)
        ) PARTITIONED;
        CREATE TABLE origination_files (
            entity T NOT NULL,
            file_name T NOT NULL,
            day T NOT NULL,
            modifier T NOT NULL,
            sha256 T NOT NULL,
            created_at T NOT NULL,
            entry_count bigint NOT NULL,
            debit_minor bigint NOT NULL,
            currency T NOT NULL,
            sealed_text T NOT NULL,
            voided_at T,
            void_note T NOT NULL,
            company_id T NOT NULL,
            PRIMARY KEY (entity, file_name)
        ) PARTITIONED;
        CREATE INDEX origination_files_day ON origination_files(entity, day);
        CREATE TABLE origination_entries (
            entity T NOT NULL,
            trace T NOT NULL,
            file_name T NOT NULL,
            kind T NOT NULL,
            mandate_id T NOT NULL,
            customer_id T NOT NULL,
            invoice_id T NOT NULL,
            amount_minor bigint NOT NULL,
            discount_minor bigint NOT NULL,
            currency T NOT NULL,
            effective_day T NOT NULL,
            sec T NOT NULL,
            batch_number bigint NOT NULL,
            account_last4 T NOT NULL,
            retry_of T NOT NULL,
            PRIMARY KEY (entity, trace),
            FOREIGN KEY (entity, file_name) REFERENCES origination_files(entity, file_name)
        ) PARTITIONED;
        CREATE INDEX origination_entries_file ON origination_entries(entity, file_name);
        CREATE INDEX origination_entries_invoice ON origination_entries(entity, invoice_id);
        CREATE TABLE ach_returns (
            entity T NOT NULL,
            notice_key T NOT NULL,
            original_trace T NOT NULL,
            reason_code T NOT NULL,
            dishonored bigint NOT NULL,
            amount_minor bigint NOT NULL,
            currency T NOT NULL,
            day T NOT NULL,
            run_id bigint NOT NULL,
            PRIMARY KEY (entity, notice_key)
        ) PARTITIONED;
        CREATE INDEX ach_returns_trace ON ach_returns(entity, original_trace);
        """,
        // 5: the indexes a night of a million receipts paid most for and its reads need least. A receipt's applications,
        // looked up by its id or its key, are found through hash indexes: an insert costs one bucket, not a descent into a
        // b-tree at a random place (the generated night's 1,065,958 applications inserted again with psql: 14.3 s with the
        // two b-trees, 10.4 s with these). No read of a night looks postings up by customer: `balance --customer` reads the
        // entity's postings, as SQLite does, and the index cost the night's 3.6 million postings 5-7 s (docs/postgresql.md
        // says how to add it back).
        """
        DROP INDEX IF EXISTS postings_customer;
        DROP INDEX IF EXISTS applications_source;
        DROP INDEX IF EXISTS applications_receipt;
        CREATE INDEX applications_source ON applications USING hash (source_key);
        CREATE INDEX applications_receipt ON applications USING hash (receipt_id);
        """,
        // 6: the customers cash application finds for the day's ACH entries, kept beside their rows (as SQLite keeps them
        // by rowid), so that a night's million rows go in while its receipts are still being decided, each once, and
        // their customers follow as narrow rows in the order the rows took (`day_seq`: a row's place among its day's),
        // at the end of a b-tree rather than at a random place of the entries' own. A row's customer is its
        // `customer_id` when it has one (rows copied from SQLite, and those written with it), else the one kept here.
        """
        ALTER TABLE ach_entries ADD COLUMN day_seq bigint;
        CREATE TABLE ach_entry_customers (
            entity T NOT NULL,
            day T NOT NULL,
            day_seq bigint NOT NULL,
            customer_id T NOT NULL,
            PRIMARY KEY (entity, day, day_seq)
        ) PARTITIONED;
        """,
        // 7: a day's ACH entries and applications found through BRIN indexes of their days. Each night's rows go in after
        // the nights before, so a range of the heap's pages holds a day or two (a rerun's rows widen the last range), and a
        // block-range summary finds a day's rows at no cost to the insert: the generated night's 1,035,349 ACH entries
        // inserted again with psql took 0.91 s more for each of the b-trees of `day` and `effective_day`, and 0.02 s for
        // both as BRIN; its applications 0.84 s for the b-tree of `day`. Reads by day take the summaries' pages as a
        // bitmap (a rerun's delete, the effective days settlement looks back on, a range of days; the payment a
        // reversal undoes, a day at a time); no read of these tables wants the last day, which a summary cannot give
        // (`journal_entries_day` stays a b-tree for that). A range not summarized counts as a match: `autosummarize`
        // asks autovacuum to summarize each as it fills, and the run summarizes the day's after it commits.
        """
        DROP INDEX ach_entries_day;
        DROP INDEX ach_entries_effective;
        DROP INDEX applications_day;
        CREATE INDEX ach_entries_day ON ach_entries USING brin (day) WITH (autosummarize = on);
        CREATE INDEX ach_entries_effective ON ach_entries USING brin (effective_day) WITH (autosummarize = on);
        CREATE INDEX applications_day ON applications USING brin (day) WITH (autosummarize = on);
        """,
    ]

    static var version: Int { migrations.count }

    /// A migration's SQL as run: `T` made a byte-wise text, and each `PARTITIONED` table made either a plain one
    /// (`partitions` 0) or one hash-partitioned by entity into `partitions` tables named `<table>_p<N>`.
    static func sql(_ migration: String, partitions: Int) -> String {
        var out = ""
        for line in migration.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(line)
            line = line.replacingOccurrences(of: " T NOT NULL", with: " \(text) NOT NULL")
                .replacingOccurrences(of: " T PRIMARY KEY", with: " \(text) PRIMARY KEY")
            if line.hasSuffix(" T,") { line = String(line.dropLast(3)) + " \(text)," }
            if line.hasSuffix(" T") { line = String(line.dropLast(2)) + " \(text)" }
            if line == ") PARTITIONED;" {
                line = partitions > 0 ? ") PARTITION BY HASH (entity);" : ");"
                if partitions > 0, let table = lastTable(in: out) {
                    for n in 0..<partitions {
                        line += "\nCREATE TABLE \(table)_p\(n) PARTITION OF \(table) FOR VALUES WITH (MODULUS \(partitions), REMAINDER \(n));"
                    }
                }
            }
            out += line + "\n"
        }
        return out
    }

    private static func lastTable(in sql: String) -> String? {
        guard let range = sql.range(of: "CREATE TABLE ", options: .backwards) else { return nil }
        return sql[range.upperBound...].split(separator: " ").first.map(String.init)
    }
}
