-- The roles of a settle ledger on PostgreSQL, for the ledger in the current schema (set search_path to it first, e.g.
-- `PGOPTIONS=-csearch_path=settle psql -d finance -f scripts/postgres-roles.sql`). Run it as the role that owns the
-- ledger's tables (the one settle made them as), after settle has made them; running it again changes nothing.
--
--   settle_runner    writes days: reads everything, inserts everywhere, but never updates or deletes the journal
--                    (journal_entries, postings) or the histories (exception_history, period_changes): append-only
--                    is kept by privileges, which hold on Citus too, not by triggers.
--   settle_reviewer  writes decisions only: the decision columns of exceptions and the decision history. Every decision
--                    is checked again by the run that books it, so what a reviewer writes with SQL by hand gets no
--                    further than what `settle exceptions resolve` would. A reviewer listed in reviewer_entities sees
--                    and decides only those entities (row-level security); one not listed serves every entity.
--   settle_reader    ERP and BI tools: the bi_* views only, account numbers masked to their last four digits.
--
-- The roles are groups (NOLOGIN): grant them to the login roles that need them, e.g.
--   CREATE ROLE nightly LOGIN; GRANT settle_runner TO nightly;
--   CREATE ROLE ana LOGIN; GRANT settle_reviewer TO ana; INSERT INTO reviewer_entities VALUES ('ana', 'acme-us');

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'settle_runner') THEN CREATE ROLE settle_runner NOLOGIN; END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'settle_reviewer') THEN CREATE ROLE settle_reviewer NOLOGIN; END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'settle_reader') THEN CREATE ROLE settle_reader NOLOGIN; END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- another session made them at the same moment
END
$$;

-- Which entities a reviewer serves (none listed: every entity).
CREATE TABLE IF NOT EXISTS reviewer_entities (
    role_name name NOT NULL,
    entity text COLLATE "C" NOT NULL,
    PRIMARY KEY (role_name, entity)
);

-- What ERP and BI tools read: the books and the work, account numbers masked.
CREATE OR REPLACE VIEW bi_journal AS
    SELECT j.entity, j.entry_id, j.source_key, j.revision, j.kind, j.run_id, j.day, j.effective_day, j.memo, p.line,
           p.account_code, a.name AS account_name, p.customer_id, p.invoice_id, p.amount_minor, p.currency
    FROM journal_entries j JOIN postings p ON p.entity = j.entity AND p.entry_id = j.entry_id
    JOIN accounts a ON a.entity = p.entity AND a.code = p.account_code;
CREATE OR REPLACE VIEW bi_invoices AS
    SELECT entity, invoice_id, customer_id, issue_day, due_day, currency, amount_minor, open_minor, written_off_minor, terms, po_number
    FROM invoices;
CREATE OR REPLACE VIEW bi_applications AS
    SELECT entity, day, receipt_id, source_key, invoice_id, customer_id, applied_minor, discount_minor, writeoff_minor, currency, rule,
           confidence, reason_code, source, value_day
    FROM applications;
CREATE OR REPLACE VIEW bi_exceptions AS
    SELECT entity, exception_id, day, type, severity, receipt_id, customer_id, amount_minor, currency, invoice_ids, message, status,
           resolution, decision, decided_by, approved_by, booked_day, closed_day
    FROM exceptions;
CREATE OR REPLACE VIEW bi_bank_accounts AS
    SELECT entity, '••••' || right(number, 4) AS number, bank, currency, code, first_day FROM bank_accounts;
CREATE OR REPLACE VIEW bi_statement_balances AS
    SELECT entity, '••••' || right(account, 4) AS account, day, currency, opening_minor, closing_minor FROM statement_balances;
CREATE OR REPLACE VIEW bi_ach_entries AS
    SELECT a.entity, a.role, a.kind, a.company_id, a.trace, a.rdfi, a.amount_minor, a.currency, a.effective_day, a.settlement_day,
           COALESCE(a.customer_id, c.customer_id) AS customer_id, a.receiver_name, '••••' || right(a.identification, 4) AS identification, a.day
    FROM ach_entries a LEFT JOIN ach_entry_customers c ON c.entity = a.entity AND c.day = a.day AND c.day_seq = a.day_seq;

DO $$
DECLARE
    ledger text := quote_ident(current_schema());
    t text;
    append_only text[] := ARRAY['journal_entries', 'postings', 'exception_history', 'period_changes'];
    tables text[] := ARRAY['accounts', 'runs', 'journal_entries', 'postings', 'account_days', 'customers', 'invoices',
        'customer_unapplied', 'customer_unapplied_days', 'applications', 'exceptions', 'exception_history', 'ingested_files',
        'ach_entries', 'customer_ach_changes', 'settlement_items', 'bank_accounts', 'statement_balances', 'held_receipts',
        'reapplications', 'period_changes', 'ledger_facts', 'origination_mandates', 'origination_files', 'origination_entries',
        'ach_returns', 'ach_entry_customers'];
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %s TO settle_runner, settle_reviewer, settle_reader', ledger);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %s TO settle_runner, settle_reviewer', ledger);
    -- The runner.
    EXECUTE format('GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA %s TO settle_runner', ledger);
    EXECUTE format('GRANT UPDATE, DELETE ON entities, run_locks, settle_meta TO settle_runner');
    FOREACH t IN ARRAY tables LOOP
        IF NOT t = ANY (append_only) THEN EXECUTE format('GRANT UPDATE, DELETE ON %I TO settle_runner', t); END IF;
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM PUBLIC', t);
    END LOOP;
    FOREACH t IN ARRAY append_only LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM settle_runner, settle_reviewer, settle_reader', t);
    END LOOP;
    -- The reviewer: reads the ledger, writes decisions.
    FOREACH t IN ARRAY tables LOOP EXECUTE format('GRANT SELECT ON %I TO settle_reviewer', t); END LOOP;
    GRANT SELECT ON entities, run_locks, settle_meta, reviewer_entities TO settle_reviewer;
    GRANT INSERT ON exception_history TO settle_reviewer;
    GRANT UPDATE (status, resolution, resolution_note, resolved_at, decision, decision_applications, decided_by, approved_by,
                  decision_seq, closed_day) ON exceptions TO settle_reviewer;
    -- The reader: the views only.
    GRANT SELECT ON bi_journal, bi_invoices, bi_applications, bi_exceptions, bi_bank_accounts, bi_statement_balances, bi_ach_entries
        TO settle_reader;
    -- Row-level security by entity: the runner and the owner see every row; a reviewer listed in reviewer_entities only
    -- those entities' rows.
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS every_entity ON %I', t);
        EXECUTE format('CREATE POLICY every_entity ON %I TO settle_runner USING (true) WITH CHECK (true)', t);
        EXECUTE format('DROP POLICY IF EXISTS served_entities ON %I', t);
        EXECUTE format($p$CREATE POLICY served_entities ON %I TO settle_reviewer
            USING (entity IN (SELECT r.entity FROM reviewer_entities r WHERE r.role_name = current_user)
                   OR NOT EXISTS (SELECT 1 FROM reviewer_entities r WHERE r.role_name = current_user))
            WITH CHECK (entity IN (SELECT r.entity FROM reviewer_entities r WHERE r.role_name = current_user)
                   OR NOT EXISTS (SELECT 1 FROM reviewer_entities r WHERE r.role_name = current_user))$p$, t);
    END LOOP;
END
$$;
