import Accounting
import Core

/// The reads of one entity of a PostgreSQL ledger on one connection, in whatever transaction its holder has open: the
/// reader's snapshot (`PostgreSQLLedgerReader`), or a writer's or review store's own transaction, which make one on their
/// connection to read what they need as the reader reads it. Each read returns what `SQLiteReadConnection`'s of the same
/// name returns for the same books: the same rows in the same order, the same texts. Every query names the entity first
/// (every b-tree index of the schema leads with it; the two hash indexes of `applications` keep the entity's rows of a
/// receipt's). Not Sendable: it lives for one call on its connection.
struct PostgreSQLLedgerReads {
    let db: PostgreSQLConnection
    let entity: String
}

@available(*, unavailable)
extension PostgreSQLLedgerReads: Sendable {}

/// Lists sent as one parameter: a text array literal (`{"a","b"}`), read in SQL as `$n::text[]` (with `= ANY` or
/// `unnest`), so a read of many keys is one statement whatever their number.
enum PostgreSQLArray {
    static func literal(_ values: some Sequence<String>) -> String {
        // Made as UTF-8 bytes: a batch's keys are tens of thousands (appending them scalar by scalar to a String was a
        // quarter of the PostgreSQL writer's own time).
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(values.underestimatedCount * 24 + 2)
        for value in values {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            var value = value
            value.withUTF8 { bytes in
                for byte in bytes {
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                    out.append(byte)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}

/// The mappings of PostgreSQL rows to the ledger's records, column for column as `ApplicationRowMapping`,
/// `ExceptionRowMapping` and `StoredRows` map SQLite's (the same columns, the same conventions, the same messages).
enum PostgreSQLRowMapping {
    static let applicationColumns = ApplicationRowMapping.columns

    static func application(_ r: PostgreSQLRows, _ i: Int) throws -> ApplicationRow {
        let row = "applications row of \(r.text(i, 1))"
        let currency = try Stored.currency(r.text(i, 7), row)
        // An ACH receipt's source and trace number are its key's, a value day not stored the run day's.
        let key = r.text(i, 1)
        var (source, sourceRef) = (r.text(i, 12), r.text(i, 13))
        if source.isEmpty, sourceRef.isEmpty, key.hasPrefix("ach:"), let colon = key.lastIndex(of: ":") {
            (source, sourceRef) = ("nacha", String(key[key.index(after: colon)...]))
        }
        return ApplicationRow(receiptID: r.text(i, 0), sourceKey: key, invoiceID: r.optionalText(i, 2), customerID: r.optionalText(i, 3),
                              applied: Money(minorUnits: r.int(i, 4), currency: currency), discount: Money(minorUnits: r.int(i, 5), currency: currency),
                              writeOff: Money(minorUnits: r.int(i, 6), currency: currency), rule: r.text(i, 8), confidence: Int(r.int(i, 9)),
                              evidence: r.text(i, 10), reasonCode: r.text(i, 11), source: source, sourceRef: sourceRef,
                              valueDay: try Stored.day(r.isNull(i, 14) ? r.text(i, 15) : r.text(i, 14), row))
    }

    static func applications(_ r: PostgreSQLRows) throws -> [ApplicationRow] { try (0..<r.count).map { try application(r, $0) } }

    static let exceptionColumns = ExceptionRowMapping.columns
    /// How many columns `exceptionColumns` selects (those a caller selects after them start here).
    static let exceptionColumnCount = ExceptionRowMapping.columns.split(separator: ",").count

    static func exception(_ r: PostgreSQLRows, _ i: Int) throws -> ExceptionRow {
        let row = "exceptions row \(r.text(i, 0))"
        // An exception without an amount has no currency either.
        let amount = r.isNull(i, 9) ? nil : Money(minorUnits: r.int(i, 9), currency: try Stored.currency(r.text(i, 10), row))
        return ExceptionRow(exceptionID: r.text(i, 0), day: try Stored.day(r.text(i, 1), row), type: r.text(i, 2), severity: r.text(i, 3),
                            receiptID: r.text(i, 4), source: r.text(i, 5), sourceRef: r.text(i, 6), location: r.text(i, 7), customerID: r.text(i, 8),
                            amount: amount, invoiceIDs: r.text(i, 11).split(separator: "|").map(String.init), message: r.text(i, 12),
                            suggestions: r.text(i, 13), status: r.text(i, 14), resolution: r.text(i, 15), resolutionNote: r.text(i, 16),
                            evidence: r.text(i, 17))
    }

    static func exceptions(_ r: PostgreSQLRows) throws -> [ExceptionRow] { try (0..<r.count).map { try exception(r, $0) } }

    /// `ach_entries`' columns as `StoredRows.achEntry` reads them: the entry's customer its own column's, else the one
    /// kept for its place (`ach_entry_customers`).
    static let achEntryColumns = """
        entry_key, role, kind, company_id, trace, rdfi, amount_minor, currency, effective_day, settlement_day, source_key, \(achEntryCustomer),
        receiver_name, identification, file_name, day
        """

    /// An `ach_entries` row's customer (in a statement on that table, not aliased).
    static let achEntryCustomer = """
        COALESCE(customer_id, (SELECT c.customer_id FROM ach_entry_customers c WHERE c.entity = ach_entries.entity AND c.day = ach_entries.day
                               AND c.day_seq = ach_entries.day_seq))
        """

    static func achEntry(_ r: PostgreSQLRows, _ i: Int) throws -> ACHEntryRow {
        guard let currency = Currency.iso(r.text(i, 7)) else {
            throw LedgerError("ach_entries row \(r.text(i, 0)): currency '\(r.text(i, 7))' is not an ISO 4217 code")
        }
        guard let effective = Day.parse(r.text(i, 8), format: .iso), let settlement = Day.parse(r.text(i, 9), format: .iso),
              let day = Day.parse(r.text(i, 15), format: .iso) else {
            throw LedgerError("ach_entries row \(r.text(i, 0)): a day is not YYYY-MM-DD")
        }
        return ACHEntryRow(entryKey: r.text(i, 0), role: r.text(i, 1), kind: r.text(i, 2), companyID: r.text(i, 3), trace: r.text(i, 4), rdfi: r.text(i, 5),
                           amount: Money(minorUnits: r.int(i, 6), currency: currency), effectiveDay: effective, settlementDay: settlement,
                           sourceKey: r.text(i, 10), customerID: r.optionalText(i, 11), receiverName: r.text(i, 12), identification: r.text(i, 13),
                           fileName: r.text(i, 14), day: day)
    }

    static let ingestedColumns = StoredRows.ingestedColumns

    static func ingested(_ r: PostgreSQLRows, _ i: Int) throws -> IngestedFile {
        IngestedFile(sha256: r.text(i, 0), sizeBytes: r.int(i, 1), name: r.text(i, 2), runID: r.int(i, 3),
                     day: try Stored.day(r.text(i, 4), "ingested file \(r.text(i, 0))"), archivePath: r.text(i, 5), source: r.text(i, 6))
    }

    static func invoice(_ r: PostgreSQLRows, _ i: Int) throws -> LedgerInvoice {
        let row = "invoices row \(r.text(i, 0))"
        let currency = try Stored.currency(r.text(i, 4), row)
        return LedgerInvoice(invoiceID: r.text(i, 0), customerID: r.text(i, 1), issueDay: try Stored.day(r.text(i, 2), row),
                             dueDay: try Stored.day(r.text(i, 3), row), amount: Money(minorUnits: r.int(i, 5), currency: currency),
                             openAmount: Money(minorUnits: r.int(i, 6), currency: currency), terms: r.text(i, 7), poNumber: r.text(i, 8),
                             openedDay: r.isNull(i, 9) ? nil : try Stored.day(r.text(i, 9), row))
    }
}
