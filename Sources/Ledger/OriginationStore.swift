import Accounting
import Core
import Foundation

/// A mandate as the ledger keeps it: its account number sealed (`SealingKey`), the last four characters beside it.
public struct StoredMandate: Sendable, Hashable {
    public var mandateID: String
    public var customerID: String
    public var sec: String
    public var routing: String
    public var accountSealed: String
    public var accountLastFour: String
    public var accountType: String
    public var authorizedOn: Day
    public var revokedOn: Day?
    public var maxMinor: Int64?
    public var pull: String
    public var keyFingerprint: String
    /// `active`, `suspended` or `revoked` (a return's doing; a mandate read from the file starts active).
    public var status: String
    public var statusNote: String
    public var updatedAt: String

    public init(mandateID: String, customerID: String, sec: String, routing: String, accountSealed: String, accountLastFour: String, accountType: String,
                authorizedOn: Day, revokedOn: Day?, maxMinor: Int64?, pull: String, keyFingerprint: String, status: String = "active",
                statusNote: String = "", updatedAt: String) {
        self.mandateID = mandateID
        self.customerID = customerID
        self.sec = sec
        self.routing = routing
        self.accountSealed = accountSealed
        self.accountLastFour = accountLastFour
        self.accountType = accountType
        self.authorizedOn = authorizedOn
        self.revokedOn = revokedOn
        self.maxMinor = maxMinor
        self.pull = pull
        self.keyFingerprint = keyFingerprint
        self.status = status
        self.statusNote = statusNote
        self.updatedAt = updatedAt
    }

    /// Whether a mandate as read from the file says the same as this row (what a reread of the file may change; the
    /// sealed number is compared apart, by its nonce), whenever it was saved.
    public func sameTerms(customerID: String, sec: String, routing: String, accountLastFour: String, accountType: String, authorizedOn: Day,
                          revokedOn: Day?, maxMinor: Int64?, pull: String, keyFingerprint: String) -> Bool {
        self.customerID == customerID && self.sec == sec && self.routing == routing && self.accountLastFour == accountLastFour
            && self.accountType == accountType && self.authorizedOn == authorizedOn && self.revokedOn == revokedOn && self.maxMinor == maxMinor
            && self.pull == pull && self.keyFingerprint == keyFingerprint
    }
}

/// What settle keeps of its ACH debit origination, per entity, on either ledger: the mandates, the files it wrote and
/// their entries. Each call is its own transaction; `record` writes a file's row and its entries together.
public protocol OriginationStore: AnyObject {
    func mandates() throws -> [StoredMandate]
    /// Writes mandates new or changed (`StoredMandate.sameTerms` says which), in one transaction.
    func saveMandates(_ changed: [StoredMandate]) throws
    /// Every file, in name order (voided ones too), without its sealed copy (`sealedText(fileName:)`).
    func files() throws -> [OriginationFileRecord]
    /// A file's sealed copy (nil: no such file).
    func sealedText(fileName: String) throws -> String?
    /// The entries of every file not voided (or of one file), in trace order.
    func entries(fileName: String?) throws -> [OriginatedEntry]
    /// `entries(fileName: nil)` less the prenotes nothing came back for (a night's origination needs of those only which
    /// mandates have one: `prenotes()`).
    func answeredOrPulled() throws -> [OriginatedEntry]
    /// Every prenote of a file not voided: its mandate, trace and effective day.
    func prenotes() throws -> [(mandateID: String, trace: String, day: Day)]
    /// Records a file and its entries; refused when a file of that name is recorded already. `sealedText` gives the
    /// file's sealed copy (in place of `file.sealedText`); it is asked for after the entries are written, so it may be
    /// made on another thread meanwhile.
    func record(_ file: OriginationFileRecord, entries: [OriginatedEntry], sealedText: () throws -> String) throws
    /// The highest trace number of a file's entries (nil: none).
    func highestTrace(fileName: String) throws -> String?
    /// The highest trace number starting with `odfi` (the ODFI's eight digits) of any ACH entry the ledger has read, or
    /// any return names: before settle's first file, those of files another tool made, which settle's must not repeat.
    func highestTraceRead(odfi: String) throws -> String?
    /// Marks a file never sent void: its entries no longer count as pulls.
    func void(fileName: String, note: String, at: String) throws
    /// Sets each mandate's status: those named to theirs, every other one `active` (`mandates`: as the ledger holds them).
    func updateStatuses(_ statuses: [String: (status: String, note: String)], mandates: [String: StoredMandate]) throws
    /// What came back for the entries settle wrote: their returns and notifications of change, oldest first, and the
    /// files a run read back (sent).
    func answers() throws -> OriginationAnswers
}

/// What came back for the entries of the files settle wrote.
public struct OriginationAnswers: Sendable {
    public var returns: [ACHReturnRow] = []
    public var changes: [ACHChangeRow] = []
    /// Files a run read back (so the bank had them).
    public var sentFiles: Set<String> = []
    public init(returns: [ACHReturnRow] = [], changes: [ACHChangeRow] = [], sentFiles: Set<String> = []) {
        self.returns = returns
        self.changes = changes
        self.sentFiles = sentFiles
    }
}

extension OriginationStore {
    /// The next trace sequence number: one past the highest the last file written used, void or not. The first file
    /// starts past the highest trace of the ODFI the ledger read (from files another tool made before settle's; 1 when
    /// there is none); after it settle's own sequence leads, through its wrap past 9,999,999.
    public func nextTraceSequence(odfi: String) throws -> Int {
        let highest: Int
        if let last = try files().max(by: { ($0.createdAt, $0.name) < ($1.createdAt, $1.name) }) {
            highest = try highestTrace(fileName: last.name).flatMap { Int($0.suffix(7)) } ?? 0
        } else {
            highest = try highestTraceRead(odfi: odfi).flatMap { Int($0.suffix(7)) } ?? 0
        }
        return highest >= 9_999_999 ? 1 : highest + 1
    }
}

/// The rows of both ledgers, read as texts in the column order of the tables (after `entity`).
enum OriginationRows {
    static let mandateColumns = "mandate_id, customer_id, sec, routing, account_sealed, account_last4, account_type, authorized_on, revoked_on, max_minor, pull, key_fingerprint, status, status_note, updated_at"
    static let fileColumns = "file_name, day, modifier, sha256, created_at, entry_count, debit_minor, currency, sealed_text, voided_at, void_note, company_id"
    /// `fileColumns` as `files()` reads them: a file's sealed copy (megabytes) is read only when it is written again.
    static let fileListColumns = fileColumns.replacingOccurrences(of: "sealed_text", with: "'' AS sealed_text")
    static let entryColumns = "trace, file_name, kind, mandate_id, customer_id, invoice_id, amount_minor, discount_minor, currency, effective_day, sec, batch_number, account_last4, retry_of"

    static func day(_ text: String?, _ table: String) throws -> Day {
        guard let text, let day = Day.parse(text, format: .iso) else { throw LedgerError("\(table): '\(text ?? "")' is not a day") }
        return day
    }

    static func currency(_ text: String?) throws -> Currency {
        guard let text, let currency = Currency.iso(text) else { throw LedgerError("origination: '\(text ?? "")' is not a currency") }
        return currency
    }

    static func mandate(_ r: [String?]) throws -> StoredMandate {
        StoredMandate(mandateID: r[0] ?? "", customerID: r[1] ?? "", sec: r[2] ?? "", routing: r[3] ?? "", accountSealed: r[4] ?? "", accountLastFour: r[5] ?? "",
                      accountType: r[6] ?? "", authorizedOn: try day(r[7], "origination_mandates"), revokedOn: try r[8].map { try day($0, "origination_mandates") },
                      maxMinor: r[9].flatMap { Int64($0) }, pull: r[10] ?? "", keyFingerprint: r[11] ?? "", status: r[12] ?? "", statusNote: r[13] ?? "",
                      updatedAt: r[14] ?? "")
    }

    static func mandateValues(_ m: StoredMandate) -> [String?] {
        [m.mandateID, m.customerID, m.sec, m.routing, m.accountSealed, m.accountLastFour, m.accountType, m.authorizedOn.description, m.revokedOn?.description,
         m.maxMinor.map { String($0) }, m.pull, m.keyFingerprint, m.status, m.statusNote, m.updatedAt]
    }

    static func file(_ r: [String?]) throws -> OriginationFileRecord {
        OriginationFileRecord(name: r[0] ?? "", day: try day(r[1], "origination_files"), modifier: r[2] ?? "", sha256: r[3] ?? "", createdAt: r[4] ?? "",
                              entryCount: Int(r[5] ?? "") ?? 0, debitTotal: Money(minorUnits: Int64(r[6] ?? "") ?? 0, currency: try currency(r[7])),
                              sealedText: r[8] ?? "", voidedAt: r[9], voidNote: r[10] ?? "", companyID: r[11] ?? "")
    }

    static func fileValues(_ f: OriginationFileRecord) -> [String?] {
        [f.name, f.day.description, f.modifier, f.sha256, f.createdAt, String(f.entryCount), String(f.debitTotal.minorUnits), f.debitTotal.currency.code,
         f.sealedText, f.voidedAt, f.voidNote, f.companyID]
    }

    static func entry(_ r: [String?]) throws -> OriginatedEntry {
        let currency = try currency(r[8])
        guard let kind = OriginatedEntry.Kind(rawValue: r[2] ?? "") else { throw LedgerError("origination_entries: '\(r[2] ?? "")' is not an entry kind") }
        return OriginatedEntry(trace: r[0] ?? "", fileName: r[1] ?? "", kind: kind, mandateID: r[3] ?? "", customerID: r[4] ?? "", invoiceID: r[5] ?? "",
                               amount: Money(minorUnits: Int64(r[6] ?? "") ?? 0, currency: currency),
                               discount: Money(minorUnits: Int64(r[7] ?? "") ?? 0, currency: currency),
                               effectiveDay: try day(r[9], "origination_entries"), sec: r[10] ?? "", batchNumber: Int(r[11] ?? "") ?? 0, accountLastFour: r[12] ?? "",
                               retryOf: r[13] ?? "")
    }

    static func entryValues(_ e: OriginatedEntry) -> [String?] {
        [e.trace, e.fileName, e.kind.rawValue, e.mandateID, e.customerID, e.invoiceID, String(e.amount.minorUnits), String(e.discount.minorUnits),
         e.amount.currency.code, e.effectiveDay.description, e.sec, String(e.batchNumber), e.accountLastFour, e.retryOf]
    }

    static func answers(returns: [[String?]], changes: [[String?]], sent: [[String?]]) throws -> OriginationAnswers {
        OriginationAnswers(
            returns: try returns.map { r in
                ACHReturnRow(noticeKey: r[0] ?? "", originalTrace: r[1] ?? "", reasonCode: r[2] ?? "", dishonored: r[3] == "1",
                             amount: Money(minorUnits: Int64(r[4] ?? "") ?? 0, currency: try currency(r[5])), day: try day(r[6], "ach_returns"))
            },
            changes: try changes.map { r in
                ACHChangeRow(noticeKey: r[0] ?? "", customerID: r[1], changeCode: r[2] ?? "", correctedData: r[3] ?? "", originalTrace: r[4] ?? "",
                             day: try day(r[5], "customer_ach_changes"))
            },
            sentFiles: Set(sent.compactMap { $0[0] }))
    }

    static let returnsQuery = "SELECT notice_key, original_trace, reason_code, dishonored, amount_minor, currency, day FROM ach_returns"
    static let changesQuery = "SELECT notice_key, customer_id, change_code, corrected_data, original_trace, day FROM customer_ach_changes"

    static func placeholders(_ count: Int, from first: Int = 1, postgreSQL: Bool) -> String {
        (0..<count).map { postgreSQL ? "$\(first + $0)" : "?" }.joined(separator: ", ")
    }
}

/// The origination store of a SQLite ledger (its own connection; the run's lock, or the command's, keeps writers apart).
public final class SQLiteOriginationStore: OriginationStore {
    let db: Database

    /// Opens the ledger at `path`, which must exist (migrated to this program's schema when older).
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw LedgerError("no ledger at \(path): run `settle run` first") }
        try SQLiteMigrations(path: path).migrateIfOlder()
        db = try Database(path: path)
        try SQLiteLedgerStore.configure(db)
    }

    private func rows(_ sql: String, _ values: [SQLValue] = [], columns: Int) throws -> [[String?]] {
        try db.prepare(sql).bind(values).rows { s in (0..<Int32(columns)).map { s.isNull($0) ? nil : s.text($0) } }
    }

    private static func values(_ texts: [String?]) -> [SQLValue] { texts.map { SQLValue.optional($0) } }

    public func mandates() throws -> [StoredMandate] {
        let statement = try db.prepare("SELECT \(OriginationRows.mandateColumns) FROM origination_mandates ORDER BY mandate_id")
        var out: [StoredMandate] = []
        var days: [String: Day] = [:]
        func day(_ column: Int32) throws -> Day {
            let text = statement.text(column)
            if let known = days[text] { return known }
            guard let day = Day.parse(text, format: .iso) else { throw LedgerError("origination_mandates: '\(text)' is not a day") }
            days[text] = day
            return day
        }
        while try statement.step() {
            out.append(StoredMandate(mandateID: statement.text(0), customerID: statement.text(1), sec: statement.text(2), routing: statement.text(3),
                                     accountSealed: statement.text(4), accountLastFour: statement.text(5), accountType: statement.text(6),
                                     authorizedOn: try day(7), revokedOn: statement.isNull(8) ? nil : try day(8), maxMinor: statement.isNull(9) ? nil : statement.int(9),
                                     pull: statement.text(10), keyFingerprint: statement.text(11), status: statement.text(12), statusNote: statement.text(13),
                                     updatedAt: statement.text(14)))
        }
        return out
    }

    public func saveMandates(_ changed: [StoredMandate]) throws {
        guard !changed.isEmpty else { return }
        try db.transaction {
            for mandate in changed {
                try db.prepare("INSERT OR REPLACE INTO origination_mandates(\(OriginationRows.mandateColumns)) VALUES (\(OriginationRows.placeholders(15, postgreSQL: false)))")
                    .bind(Self.values(OriginationRows.mandateValues(mandate))).run()
            }
        }
    }

    public func files() throws -> [OriginationFileRecord] {
        try rows("SELECT \(OriginationRows.fileListColumns) FROM origination_files ORDER BY file_name", columns: 12).map(OriginationRows.file)
    }

    public func sealedText(fileName: String) throws -> String? {
        try rows("SELECT sealed_text FROM origination_files WHERE file_name = ?", [.text(fileName)], columns: 1).first?.first ?? nil
    }

    public func entries(fileName: String?) throws -> [OriginatedEntry] {
        try entries(where: fileName == nil ? "f.voided_at IS NULL" : "e.file_name = ?", fileName)
    }

    public func answeredOrPulled() throws -> [OriginatedEntry] {
        try entries(where: "f.voided_at IS NULL AND (e.kind != 'prenote' OR e.trace IN (SELECT original_trace FROM ach_returns) "
                        + "OR e.trace IN (SELECT original_trace FROM customer_ach_changes))", nil)
    }

    public func prenotes() throws -> [(mandateID: String, trace: String, day: Day)] {
        let statement = try db.prepare("""
            SELECT e.mandate_id, e.trace, e.effective_day FROM origination_entries e JOIN origination_files f ON f.file_name = e.file_name
            WHERE f.voided_at IS NULL AND e.kind = 'prenote'
            """)
        var out: [(mandateID: String, trace: String, day: Day)] = []
        while try statement.step() {
            guard let day = Day.parse(statement.text(2), format: .iso) else { throw LedgerError("origination_entries: '\(statement.text(2))' is not a day") }
            out.append((statement.text(0), statement.text(1), day))
        }
        return out
    }

    private func entries(where condition: String, _ fileName: String?) throws -> [OriginatedEntry] {
        let columns = OriginationRows.entryColumns.split(separator: ",").map { "e." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
        let sql = "SELECT \(columns) FROM origination_entries e JOIN origination_files f ON f.file_name = e.file_name WHERE \(condition) ORDER BY e.trace"
        let statement = try db.prepare(sql)
        if let fileName { try statement.bind(1, fileName) }
        // Read column by column (a night's file is 100,000 entries): the day and the currency of the row before are
        // nearly always this row's.
        var out: [OriginatedEntry] = []
        var days: [String: Day] = [:]
        var currency: (code: String, value: Currency)?
        while try statement.step() {
            let dayText = statement.text(9)
            guard let day = days[dayText] ?? Day.parse(dayText, format: .iso) else { throw LedgerError("origination_entries: '\(dayText)' is not a day") }
            days[dayText] = day
            let code = statement.text(8)
            if currency?.code != code { currency = (code, try OriginationRows.currency(code)) }
            guard let kind = OriginatedEntry.Kind(rawValue: statement.text(2)), let money = currency?.value else {
                throw LedgerError("origination_entries: '\(statement.text(2))' is not an entry kind")
            }
            out.append(OriginatedEntry(trace: statement.text(0), fileName: statement.text(1), kind: kind, mandateID: statement.text(3),
                                       customerID: statement.text(4), invoiceID: statement.text(5),
                                       amount: Money(minorUnits: statement.int(6), currency: money), discount: Money(minorUnits: statement.int(7), currency: money),
                                       effectiveDay: day, sec: statement.text(10), batchNumber: Int(statement.int(11)), accountLastFour: statement.text(12),
                                       retryOf: statement.text(13)))
        }
        return out
    }

    public func record(_ file: OriginationFileRecord, entries: [OriginatedEntry], sealedText: () throws -> String) throws {
        try db.transaction {
            let exists = try db.prepare("SELECT 1 FROM origination_files WHERE file_name = ?").bind(.text(file.name)).step()
            if exists { throw LedgerError("origination file \(file.name) is recorded already") }
            try db.prepare("INSERT INTO origination_files(\(OriginationRows.fileColumns)) VALUES (\(OriginationRows.placeholders(12, postgreSQL: false)))")
                .bind(Self.values(OriginationRows.fileValues(file))).run()
            let insert = try db.prepare("INSERT INTO origination_entries(\(OriginationRows.entryColumns)) VALUES (\(OriginationRows.placeholders(14, postgreSQL: false)))")
            for e in entries {
                try insert.bind(1, e.trace); try insert.bind(2, e.fileName); try insert.bind(3, e.kind.rawValue); try insert.bind(4, e.mandateID)
                try insert.bind(5, e.customerID); try insert.bind(6, e.invoiceID); try insert.bind(7, e.amount.minorUnits); try insert.bind(8, e.discount.minorUnits)
                try insert.bind(9, e.amount.currency.code); try insert.bind(10, e.effectiveDay.description); try insert.bind(11, e.sec)
                try insert.bind(12, Int64(e.batchNumber)); try insert.bind(13, e.accountLastFour); try insert.bind(14, e.retryOf)
                try insert.execute()
            }
            try db.prepare("UPDATE origination_files SET sealed_text = ? WHERE file_name = ?").bind([.text(try sealedText()), .text(file.name)]).run()
        }
    }

    public func highestTrace(fileName: String) throws -> String? {
        let statement = try db.prepare("SELECT max(trace) FROM origination_entries WHERE file_name = ?")
        try statement.bind(1, fileName)
        defer { statement.reset() }
        guard try statement.step(), !statement.isNull(0) else { return nil }
        return statement.text(0)
    }

    public func highestTraceRead(odfi: String) throws -> String? {
        let statement = try db.prepare("""
            SELECT max(t) FROM (SELECT max(trace) AS t FROM ach_entries WHERE trace BETWEEN ?1 AND ?2
                                UNION ALL SELECT max(original_trace) FROM ach_returns WHERE original_trace BETWEEN ?1 AND ?2)
            """)
        try statement.bind(1, odfi + "0000000")
        try statement.bind(2, odfi + "9999999")
        defer { statement.reset() }
        guard try statement.step(), !statement.isNull(0) else { return nil }
        return statement.text(0)
    }

    public func updateStatuses(_ statuses: [String: (status: String, note: String)], mandates: [String: StoredMandate]) throws {
        try db.transaction {
            for mandate in mandates.values {
                let (status, note) = statuses[mandate.mandateID] ?? ("active", "")
                guard status != mandate.status || note != mandate.statusNote else { continue }
                try db.prepare("UPDATE origination_mandates SET status = ?, status_note = ? WHERE mandate_id = ?")
                    .bind(.text(status), .text(note), .text(mandate.mandateID)).run()
            }
        }
    }

    public func answers() throws -> OriginationAnswers {
        let ours = "original_trace IN (SELECT trace FROM origination_entries)"
        return try OriginationRows.answers(
            returns: try rows("\(OriginationRows.returnsQuery) WHERE \(ours) ORDER BY day, notice_key", columns: 7),
            changes: try rows("\(OriginationRows.changesQuery) WHERE \(ours) ORDER BY day, notice_key", columns: 6),
            sent: try rows("SELECT f.file_name FROM origination_files f JOIN ingested_files i ON i.sha256 = f.sha256", columns: 1))
    }

    public func void(fileName: String, note: String, at: String) throws {
        try db.transaction {
            try db.prepare("UPDATE origination_files SET voided_at = ?, void_note = ? WHERE file_name = ? AND voided_at IS NULL")
                .bind(.text(at), .text(note), .text(fileName)).run()
            guard db.changes == 1 else { throw LedgerError("origination file \(fileName) is not recorded, or is void already") }
        }
    }
}

/// The origination store of one entity of a PostgreSQL ledger.
public final class PostgreSQLOriginationStore: OriginationStore {
    let db: PostgreSQLConnection
    let entity: String

    public init(address: LedgerLocation.PostgreSQLAddress, entity: String) throws {
        try PostgreSQLMigrations(address: address).migrateIfOlder()
        db = try PostgreSQLConnection(conninfo: address.conninfo)
        self.entity = entity
        guard try PostgreSQLMigrations.entities(db).contains(entity) else { throw LedgerError("\(address.redacted) holds no entity \(entity): run `settle run` first") }
    }

    private func rows(_ sql: String, _ parameters: [String?], columns: Int) throws -> [[String?]] {
        let result = try db.query(sql, parameters)
        return (0..<result.count).map { row in (0..<columns).map { result.optionalText(row, $0) } }
    }

    public func mandates() throws -> [StoredMandate] {
        try rows("SELECT \(OriginationRows.mandateColumns) FROM origination_mandates WHERE entity = $1 ORDER BY mandate_id", [entity], columns: 15)
            .map(OriginationRows.mandate)
    }

    public func saveMandates(_ changed: [StoredMandate]) throws {
        guard !changed.isEmpty else { return }
        let updates = OriginationRows.mandateColumns.split(separator: ",").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
            .map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        try db.transaction {
            for mandate in changed {
                try db.run("""
                    INSERT INTO origination_mandates(entity, \(OriginationRows.mandateColumns)) VALUES ($1, \(OriginationRows.placeholders(15, from: 2, postgreSQL: true)))
                    ON CONFLICT (entity, mandate_id) DO UPDATE SET \(updates)
                    """, [entity] + OriginationRows.mandateValues(mandate))
            }
        }
    }

    public func files() throws -> [OriginationFileRecord] {
        try rows("SELECT \(OriginationRows.fileListColumns) FROM origination_files WHERE entity = $1 ORDER BY file_name", [entity], columns: 12)
            .map(OriginationRows.file)
    }

    public func sealedText(fileName: String) throws -> String? {
        try rows("SELECT sealed_text FROM origination_files WHERE entity = $1 AND file_name = $2", [entity, fileName], columns: 1).first?.first ?? nil
    }

    public func entries(fileName: String?) throws -> [OriginatedEntry] {
        let columns = OriginationRows.entryColumns.split(separator: ",").map { "e." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
        let sql = "SELECT \(columns) FROM origination_entries e JOIN origination_files f ON f.entity = e.entity AND f.file_name = e.file_name WHERE e.entity = $1 AND "
            + (fileName == nil ? "f.voided_at IS NULL" : "e.file_name = $2") + " ORDER BY e.trace"
        return try rows(sql, [entity] + (fileName.map { [$0] } ?? []), columns: 14).map(OriginationRows.entry)
    }

    public func answeredOrPulled() throws -> [OriginatedEntry] {
        let columns = OriginationRows.entryColumns.split(separator: ",").map { "e." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
        let sql = """
            SELECT \(columns) FROM origination_entries e JOIN origination_files f ON f.entity = e.entity AND f.file_name = e.file_name
            WHERE e.entity = $1 AND f.voided_at IS NULL AND (e.kind != 'prenote'
                OR e.trace IN (SELECT original_trace FROM ach_returns WHERE entity = $1)
                OR e.trace IN (SELECT original_trace FROM customer_ach_changes WHERE entity = $1))
            ORDER BY e.trace
            """
        return try rows(sql, [entity], columns: 14).map(OriginationRows.entry)
    }

    public func prenotes() throws -> [(mandateID: String, trace: String, day: Day)] {
        try rows("""
            SELECT e.mandate_id, e.trace, e.effective_day FROM origination_entries e JOIN origination_files f ON f.entity = e.entity AND f.file_name = e.file_name
            WHERE e.entity = $1 AND f.voided_at IS NULL AND e.kind = 'prenote'
            """, [entity], columns: 3).map { r in (r[0] ?? "", r[1] ?? "", try OriginationRows.day(r[2], "origination_entries")) }
    }

    public func record(_ file: OriginationFileRecord, entries: [OriginatedEntry], sealedText: () throws -> String) throws {
        try db.transaction {
            let inserted = try db.run("""
                INSERT INTO origination_files(entity, \(OriginationRows.fileColumns)) VALUES ($1, \(OriginationRows.placeholders(12, from: 2, postgreSQL: true)))
                ON CONFLICT DO NOTHING
                """, [entity] + OriginationRows.fileValues(file))
            guard inserted == 1 else { throw LedgerError("origination file \(file.name) is recorded already") }
            var copy = CopyText()
            for entry in entries {
                copy.add(entity)
                for value in OriginationRows.entryValues(entry) { copy.add(value) }
                copy.endRow()
            }
            try db.copyIn("origination_entries(entity, \(OriginationRows.entryColumns))", data: copy.bytes)
            try db.run("UPDATE origination_files SET sealed_text = $3 WHERE entity = $1 AND file_name = $2", [entity, file.name, try sealedText()])
        }
    }

    public func highestTrace(fileName: String) throws -> String? {
        let rows = try db.query("SELECT max(trace) FROM origination_entries WHERE entity = $1 AND file_name = $2", [entity, fileName])
        return rows.count == 0 ? nil : rows.optionalText(0, 0)
    }

    public func highestTraceRead(odfi: String) throws -> String? {
        let rows = try db.query("""
            SELECT max(t) FROM (SELECT max(trace) AS t FROM ach_entries WHERE entity = $1 AND trace BETWEEN $2 AND $3
                                UNION ALL SELECT max(original_trace) FROM ach_returns WHERE entity = $1 AND original_trace BETWEEN $2 AND $3) AS highest
            """, [entity, odfi + "0000000", odfi + "9999999"])
        return rows.count == 0 ? nil : rows.optionalText(0, 0)
    }

    public func updateStatuses(_ statuses: [String: (status: String, note: String)], mandates: [String: StoredMandate]) throws {
        try db.transaction {
            for mandate in mandates.values {
                let (status, note) = statuses[mandate.mandateID] ?? ("active", "")
                guard status != mandate.status || note != mandate.statusNote else { continue }
                try db.run("UPDATE origination_mandates SET status = $2, status_note = $3 WHERE entity = $1 AND mandate_id = $4",
                           [entity, status, note, mandate.mandateID])
            }
        }
    }

    public func answers() throws -> OriginationAnswers {
        let ours = "entity = $1 AND original_trace IN (SELECT trace FROM origination_entries WHERE entity = $1)"
        return try OriginationRows.answers(
            returns: try rows("\(OriginationRows.returnsQuery) WHERE \(ours) ORDER BY day, notice_key", [entity], columns: 7),
            changes: try rows("\(OriginationRows.changesQuery) WHERE \(ours) ORDER BY day, notice_key", [entity], columns: 6),
            sent: try rows("SELECT f.file_name FROM origination_files f JOIN ingested_files i ON i.entity = f.entity AND i.sha256 = f.sha256 WHERE f.entity = $1",
                           [entity], columns: 1))
    }

    public func void(fileName: String, note: String, at: String) throws {
        let changed = try db.run("UPDATE origination_files SET voided_at = $2, void_note = $3 WHERE entity = $1 AND file_name = $4 AND voided_at IS NULL",
                                 [entity, at, note, fileName])
        guard changed == 1 else { throw LedgerError("origination file \(fileName) is not recorded, or is void already") }
    }
}
