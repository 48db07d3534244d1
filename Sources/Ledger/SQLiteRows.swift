import Accounting
import Core

/// Values read back from the ledger: a code or day it cannot read stops the command naming the row (exit 3),
/// never turns into USD or 1970-01-01.
enum Stored {
    static func currency(_ code: String, _ row: @autoclosure () -> String) throws -> Currency {
        guard let currency = Currency.iso(code) else { throw LedgerError("\(row()): currency '\(code)' is not an ISO 4217 code") }
        return currency
    }

    static func day(_ text: String, _ row: @autoclosure () -> String) throws -> Day {
        guard let day = Day.parse(text, format: .iso) else { throw LedgerError("\(row()): day '\(text)' is not YYYY-MM-DD") }
        return day
    }
}

enum LedgerQueries {
    static func invoices(_ db: Database) throws -> [LedgerInvoice] {
        try db.prepare("""
            SELECT i.invoice_id, c.customer_id, i.issue_day, i.due_day, i.currency, i.amount_minor, i.open_minor, i.terms, i.po_number, i.opened_day
            FROM invoices i LEFT JOIN customers c ON c.customer_no = i.customer_no ORDER BY i.invoice_id
            """).rows { r in
                let row = "invoices row \(r.text(0))"
                guard !r.isNull(1) else { throw LedgerError("\(row): its customer number has no customer: run `settle ledger verify`") }
                let currency = try Stored.currency(r.text(4), row)
                return LedgerInvoice(invoiceID: r.text(0), customerID: r.text(1), issueDay: try Stored.day(r.text(2), row), dueDay: try Stored.day(r.text(3), row),
                                     amount: Money(minorUnits: r.int(5), currency: currency), openAmount: Money(minorUnits: r.int(6), currency: currency),
                                     terms: r.text(7), poNumber: r.text(8), openedDay: r.isNull(9) ? nil : try Stored.day(r.text(9), row))
            }
    }
}

/// The one mapping of an `exceptions` row to `ExceptionRow`: its columns and how they are read (every read of
/// exceptions selects through it).
enum ExceptionRowMapping {
    static let columns = """
        exception_id, day, type, severity, receipt_id, source, source_ref, location, customer_id, amount_minor, currency,
        invoice_ids, message, suggestions, status, resolution, resolution_note, evidence
        """

    /// One exception by id.
    static func exception(id: String, in database: Database) throws -> ExceptionRow? {
        try database.prepare("SELECT \(columns) FROM exceptions WHERE exception_id = ?").bind(.text(id)).rows(map).first
    }

    static func map(_ r: Statement) throws -> ExceptionRow {
        let row = "exceptions row \(r.text(0))"
        // An exception without an amount has no currency either.
        let amount = r.isNull(9) ? nil : Money(minorUnits: r.int(9), currency: try Stored.currency(r.text(10), row))
        return ExceptionRow(exceptionID: r.text(0), day: try Stored.day(r.text(1), row), type: r.text(2), severity: r.text(3),
                            receiptID: r.text(4), source: r.text(5), sourceRef: r.text(6), location: r.text(7), customerID: r.text(8),
                            amount: amount,
                            invoiceIDs: r.text(11).split(separator: "|").map(String.init), message: r.text(12), suggestions: r.text(13),
                            status: r.text(14), resolution: r.text(15), resolutionNote: r.text(16), evidence: r.text(17))
    }
}

/// The mappings of the rows of `ingested_files` and `ach_entries`.
enum StoredRows {
    static let ingestedColumns = "sha256, size_bytes, name, run_id, day, archive_path, source"

    static func ingested(_ r: Statement) throws -> IngestedFile {
        IngestedFile(sha256: r.text(0), sizeBytes: r.int(1), name: r.text(2), runID: r.int(3), day: try Stored.day(r.text(4), "ingested file \(r.text(0))"),
                     archivePath: r.text(5), source: r.text(6))
    }

    static let achEntryColumns = """
        entry_key, role, kind, company_id, trace, rdfi, amount_minor, currency, effective_day, settlement_day, source_key,
        COALESCE(customer_id, (SELECT c.customer_id FROM ach_entry_customers c WHERE c.entry_rowid = ach_entries.rowid)), receiver_name,
        identification, file_name, day
        """

    static func achEntry(_ r: Statement) throws -> ACHEntryRow {
        guard let currency = Currency.iso(r.text(7)) else { throw LedgerError("ach_entries row \(r.text(0)): currency '\(r.text(7))' is not an ISO 4217 code") }
        guard let effective = Day.parse(r.text(8), format: .iso), let settlement = Day.parse(r.text(9), format: .iso), let day = Day.parse(r.text(15), format: .iso) else {
            throw LedgerError("ach_entries row \(r.text(0)): a day is not YYYY-MM-DD")
        }
        return ACHEntryRow(entryKey: r.text(0), role: r.text(1), kind: r.text(2), companyID: r.text(3), trace: r.text(4), rdfi: r.text(5),
                           amount: Money(minorUnits: r.int(6), currency: currency), effectiveDay: effective, settlementDay: settlement, sourceKey: r.text(10),
                           customerID: r.isNull(11) ? nil : r.text(11), receiverName: r.text(12), identification: r.text(13), fileName: r.text(14), day: day)
    }
}

/// The one mapping of an `applications` row to `ApplicationRow` (every read of applications selects through it).
enum ApplicationRowMapping {
    static let columns = """
        receipt_id, source_key, invoice_id, customer_id, applied_minor, discount_minor, writeoff_minor, currency, rule, confidence, evidence, reason_code,
        source, source_ref, value_day, day
        """

    /// Whether an ACH receipt's row's source and reference are what its key says (`ach:<role>:<company>:<day>:<trace>`):
    /// then they are stored empty and read back from the key.
    static func keySays(source: String, sourceRef: String, key: String) -> Bool {
        guard source == "nacha", key.utf8.starts(with: "ach:".utf8), !sourceRef.isEmpty, !sourceRef.utf8.contains(UInt8(ascii: ":")) else { return false }
        // The key ends with `:` and the reference (compared as bytes, no text made).
        let k = key.utf8, r = sourceRef.utf8
        guard k.count > r.count, k.reversed().starts(with: r.reversed()) else { return false }
        return k[k.index(k.endIndex, offsetBy: -r.count - 1)] == UInt8(ascii: ":")
    }

    static func map(_ r: Statement) throws -> ApplicationRow {
        let row = "applications row of \(r.text(1))"
        let currency = try Stored.currency(r.text(7), row)
        // An ACH receipt's source and trace number are its key's, a value day not stored the run day's (see `writeDecisions`).
        let key = r.text(1)
        var (source, sourceRef) = (r.text(12), r.text(13))
        if source.isEmpty, sourceRef.isEmpty, key.hasPrefix("ach:"), let colon = key.lastIndex(of: ":") {
            (source, sourceRef) = ("nacha", String(key[key.index(after: colon)...]))
        }
        return ApplicationRow(receiptID: r.text(0), sourceKey: r.text(1), invoiceID: r.isNull(2) ? nil : r.text(2), customerID: r.isNull(3) ? nil : r.text(3),
                              applied: Money(minorUnits: r.int(4), currency: currency), discount: Money(minorUnits: r.int(5), currency: currency),
                              writeOff: Money(minorUnits: r.int(6), currency: currency), rule: r.text(8), confidence: Int(r.int(9)), evidence: r.text(10),
                              reasonCode: r.text(11), source: source, sourceRef: sourceRef, valueDay: try Stored.day(r.isNull(14) ? r.text(15) : r.text(14), row))
    }
}
