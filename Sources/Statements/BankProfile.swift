import Core
import Foundation

/// How one bank's CSV export maps to statement lines (a JSON file in `Jobs/profiles/`).
///
/// Columns are named by header text, or by 1-based number when the export has no header. The amount is one signed
/// column, or a debit and a credit column, or an unsigned amount plus a direction column whose values say which.
public struct BankProfile: Sendable, Equatable {
    public var name: String
    public var encoding: TextEncoding
    public var delimiter: UInt8
    public var hasHeader: Bool
    /// Lines before the header (or the first row): titles, account numbers, export dates.
    public var skipRows: Int
    public var dateColumn: String
    public var dateFormat: DayFormat
    public var valueDateColumn: String?
    public var amountColumn: String?
    public var debitColumn: String?
    public var creditColumn: String?
    public var directionColumn: String?
    public var creditValues: [String]
    public var debitValues: [String]
    public var decimalStyle: DecimalStyle
    /// Card exports count a purchase as positive: flip every sign.
    public var invertSign: Bool
    public var referenceColumn: String?
    public var descriptionColumns: [String]
    public var counterpartyColumn: String?
    public var currencyColumn: String?
    public var accountColumn: String?
    /// Rows to leave out: when `skipColumn` holds one of `skipValues` (pending, reverted).
    public var skipColumn: String?
    public var skipValues: [String]
    /// A running balance column: each row's balance must follow from the one before and the row's amount
    /// (rows may come oldest or newest first); a break means rows are missing or were edited.
    public var balanceColumn: String?
    /// Whether the balance is the account's balance after the row (most banks) or before it.
    public var balanceIsBefore = false

    public struct ProfileError: Error, CustomStringConvertible, Sendable {
        public var message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }

    static let keys: Set<String> = ["name", "encoding", "delimiter", "header", "skip_rows", "columns", "date_format", "decimal", "invert_sign",
                                    "credit_values", "debit_values", "skip_when", "balance_is"]
    static let columnKeys: Set<String> = ["date", "value_date", "amount", "debit", "credit", "direction", "reference", "description",
                                          "counterparty", "currency", "account", "balance"]

    public static func load(path: String) throws(ProfileError) -> BankProfile {
        guard let data = FileManager.default.contents(atPath: path) else { throw ProfileError(message: "\(path): cannot read the bank profile") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw ProfileError(message: "\(path): not a JSON object") }
        return try parse(object, path: path)
    }

    static func parse(_ o: [String: Any], path: String) throws(ProfileError) -> BankProfile {
        func fail(_ key: String, _ message: String) -> ProfileError { ProfileError(message: "\(path): \"\(key)\": \(message)") }
        for key in o.keys.sorted() where !keys.contains(key) { throw fail(key, "unknown key (expected one of: \(keys.sorted().joined(separator: ", ")))") }
        guard let columns = o["columns"] as? [String: Any] else { throw fail("columns", "is required: an object naming the date and amount columns") }
        for key in columns.keys.sorted() where !columnKeys.contains(key) { throw fail("columns.\(key)", "unknown column role (expected one of: \(columnKeys.sorted().joined(separator: ", ")))") }
        func column(_ key: String) throws(ProfileError) -> String? {
            guard let v = columns[key] else { return nil }
            if v is NSNull { return nil }
            if let s = v as? String { return s }
            if let n = v as? Int { return String(n) }
            throw fail("columns.\(key)", "must be a header name or a column number")
        }
        func strings(_ key: String) -> [String] { (o[key] as? [String]) ?? [] }
        let encodingName = (o["encoding"] as? String ?? "utf-8").lowercased()
        guard let encoding = TextEncoding(rawValue: encodingName == "iso-8859-1" ? "latin-1" : encodingName == "cp1252" ? "windows-1252" : encodingName) else {
            throw fail("encoding", "'\(encodingName)' is not utf-8, latin-1, windows-1252, utf-16le or utf-16be")
        }
        let delimiterText = o["delimiter"] as? String ?? ","
        let delimiter: UInt8
        switch delimiterText {
        case ",": delimiter = UInt8(ascii: ",")
        case ";": delimiter = UInt8(ascii: ";")
        case "\t", "tab": delimiter = 0x09
        case "|": delimiter = UInt8(ascii: "|")
        default: throw fail("delimiter", "must be \",\", \";\", \"tab\" or \"|\"")
        }
        guard let date = try column("date") else { throw fail("columns.date", "is required") }
        let formatText = o["date_format"] as? String ?? "YYYY-MM-DD"
        guard let dateFormat = DayFormat(rawValue: formatText) else {
            throw fail("date_format", "'\(formatText)' is not one of \(DayFormat.allCases.map(\.rawValue).joined(separator: ", ")) (MM/DD against DD/MM is always explicit)")
        }
        let amount = try column("amount"), debit = try column("debit"), credit = try column("credit"), direction = try column("direction")
        if amount == nil && (debit == nil || credit == nil) { throw fail("columns", "name an amount column, or both a debit and a credit column") }
        if direction != nil && amount == nil { throw fail("columns.direction", "needs an amount column") }
        if direction != nil && strings("credit_values").isEmpty && strings("debit_values").isEmpty {
            throw fail("credit_values", "a direction column needs the values that mean credit (or debit_values)")
        }
        func balancePosition() throws(ProfileError) -> Bool {
            switch o["balance_is"] as? String ?? "after" {
            case "after": return false
            case "before": return true
            default: throw fail("balance_is", "must be \"after\" (the balance once the row is booked) or \"before\"")
            }
        }
        let decimalText = o["decimal"] as? String ?? "point"
        guard let decimal = DecimalStyle(rawValue: decimalText) else { throw fail("decimal", "must be \"point\" (1,234.56) or \"comma\" (1.234,56)") }
        var skipColumn: String?
        var skipValues: [String] = []
        if let skip = o["skip_when"] as? [String: Any] {
            skipColumn = skip["column"] as? String
            skipValues = skip["equals"] as? [String] ?? []
            if skipColumn == nil || skipValues.isEmpty { throw fail("skip_when", "needs \"column\" and \"equals\": [values]") }
        }
        var descriptions: [String] = []
        if let d = columns["description"] as? [String] { descriptions = d } else if let d = try column("description") { descriptions = [d] }
        return BankProfile(name: o["name"] as? String ?? (path as NSString).lastPathComponent, encoding: encoding, delimiter: delimiter,
                           hasHeader: o["header"] as? Bool ?? true, skipRows: o["skip_rows"] as? Int ?? 0, dateColumn: date, dateFormat: dateFormat,
                           valueDateColumn: try column("value_date"), amountColumn: amount, debitColumn: debit, creditColumn: credit,
                           directionColumn: direction, creditValues: strings("credit_values"), debitValues: strings("debit_values"),
                           decimalStyle: decimal, invertSign: o["invert_sign"] as? Bool ?? false, referenceColumn: try column("reference"),
                           descriptionColumns: descriptions, counterpartyColumn: try column("counterparty"), currencyColumn: try column("currency"),
                           accountColumn: try column("account"), skipColumn: skipColumn, skipValues: skipValues,
                           balanceColumn: try column("balance"), balanceIsBefore: try balancePosition())
    }
}

/// Reads a bank's CSV export through its profile into statement lines.
public struct BankCSVReader {
    public let profile: BankProfile
    public init(profile: BankProfile) { self.profile = profile }

    struct Columns {
        var date: Int?, valueDate: Int?, amount: Int?, debit: Int?, credit: Int?, direction: Int?, reference: Int?
        var counterparty: Int?, currency: Int?, account: Int?, skip: Int?, descriptions: [Int] = []
        var balance: Int?
    }

    /// Follows a running balance column row to row, in whichever order the export lists its rows.
    struct RunningBalance {
        var previous: (balance: Int64, amount: Int64)?
        /// +1 oldest row first, -1 newest first, 0 not known yet.
        var order = 0

        /// A row whose balance does not follow: the balance it should show, nil where that is past what 64-bit minor
        /// units hold (checked, never wrapped: no balance the file can show follows then).
        struct Mismatch { var expected: Int64? }

        /// Whether this row's balance follows from the row before.
        mutating func check(balance: Int64, amount: Int64, isBefore: Bool) -> Mismatch? {
            defer { previous = (balance, amount) }
            guard let p = previous else { return nil }
            func sum(_ a: Int64, _ b: Int64) -> Int64? { let (s, o) = a.addingReportingOverflow(b); return o ? nil : s }
            func difference(_ a: Int64, _ b: Int64) -> Int64? { let (d, o) = a.subtractingReportingOverflow(b); return o ? nil : d }
            let oldestFirst = isBefore ? sum(p.balance, p.amount) : sum(p.balance, amount)
            let newestFirst = isBefore ? difference(p.balance, amount) : difference(p.balance, p.amount)
            if order == 0 {
                if balance == oldestFirst && balance == newestFirst { return nil }
                if balance == oldestFirst { order = 1; return nil }
                if balance == newestFirst { order = -1; return nil }
                return Mismatch(expected: oldestFirst)
            }
            let expected = order > 0 ? oldestFirst : newestFirst
            return expected == balance ? nil : Mismatch(expected: expected)
        }
    }

    /// The day of a date field: a time after it (`2021-09-05 11:32:41`, `2021-09-05T11:32:41`) is not part of it.
    @inline(__always)
    static func dayPart(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        // Every day format is at most 11 characters (`23-Nov-2026`): a longer field carries a time.
        guard field.count > 11 else { return field }
        let length = field.withUnsafeBufferPointer { b -> Int in
            var i = 0
            while i < b.count, b[i] != 0x20, b[i] != UInt8(ascii: "T") { i += 1 }
            return i
        }
        return field.prefix(length)
    }

    public struct Result: Sendable {
        public var lines: [StatementLine] = []
        public var diagnostics = DiagnosticList()
        public var skippedRows = 0
    }

    /// With `handler`, each line is handed to it as it is read instead of kept in `Result.lines` (`settle validate`:
    /// memory does not grow with the file).
    public func read<S: ByteSource>(source: S, fileName: String, account: String, currency: Currency, handler: ((StatementLine) -> Void)? = nil) -> Result {
        var result = Result()
        let sourceFile = SourceFile(fileName)
        let options = CSVOptions(delimiter: profile.delimiter, encoding: profile.encoding)
        var reader = CSVReader(source: UTF16Transcoder(source: source, declared: profile.encoding), options: options)
        var record = CSVRecord()
        var joined: [UInt8] = []
        var runningBalance = RunningBalance()
        var index: [String: Int] = [:]
        var skipped = 0
        var headerSeen = !profile.hasHeader
        func resolve(_ name: String?) -> Int? {
            guard let name else { return nil }
            if !profile.hasHeader, let n = Int(name) { return n - 1 }
            if let i = index[name.lowercased()] { return i }
            // A column number where the header leaves names out (`Mutatie,,Saldo`).
            if let n = Int(name), n > 0 { return n - 1 }
            return nil
        }
        // Column positions, worked out once (after the header, if there is one).
        var columns = Columns()
        func locate() {
            columns = Columns(date: resolve(profile.dateColumn), valueDate: resolve(profile.valueDateColumn), amount: resolve(profile.amountColumn),
                              debit: resolve(profile.debitColumn), credit: resolve(profile.creditColumn), direction: resolve(profile.directionColumn),
                              reference: resolve(profile.referenceColumn), counterparty: resolve(profile.counterpartyColumn),
                              currency: resolve(profile.currencyColumn), account: resolve(profile.accountColumn), skip: resolve(profile.skipColumn),
                              descriptions: profile.descriptionColumns.compactMap(resolve), balance: resolve(profile.balanceColumn))
        }
        if !profile.hasHeader { locate() }
        let skipValues = profile.skipValues.map { Array($0.utf8) }
        // Worked out once: the loop below reads no more of the profile than it must, per row.
        let encoding = profile.encoding
        let bytewiseSkip = encoding == .utf8
        let skipTexts = profile.skipValues
        do {
            while try reader.next(into: &record) {
                if record.isBlank { continue }
                if skipped < profile.skipRows { skipped += 1; continue }
                let location = SourceLocation(sourceFile: sourceFile, line: record.line)
                if !headerSeen {
                    headerSeen = true
                    for (i, name) in record.fields.enumerated() {
                        let key = ByteScanning.trimmed(name).lowercased()
                        if index[key] == nil { index[key] = i }
                    }
                    locate()
                    for (role, name) in [("date", profile.dateColumn), ("amount", profile.amountColumn), ("debit", profile.debitColumn), ("credit", profile.creditColumn)] {
                        if let name, resolve(name) == nil {
                            result.diagnostics.append(Diagnostic(code: "csv.missing-column", severity: .fatal, location: location, field: role,
                                                                 message: "the header has no column '\(name)' for the \(role) (profile \(profile.name))",
                                                                 found: record.fields.joined(separator: String(UnicodeScalar(profile.delimiter)))))
                            return result
                        }
                    }
                    continue
                }
                if record.hasSpaceBeforeQuote {
                    result.diagnostics.append(Diagnostic(code: "csv.quote", severity: .error, location: location,
                                                         message: "a field has spaces before its opening quote, so it is not a quoted field: read as written, quotes included"))
                }
                if record.hasUnterminatedQuote {
                    result.diagnostics.append(Diagnostic(code: "csv.unterminated-quote", severity: .error, location: location, message: "a quoted field is not closed before the end of the file"))
                }
                func value(_ column: Int?) -> String { column.map { record.trimmed($0) } ?? "" }
                func bytes(_ column: Int?) -> ArraySlice<UInt8> { column.map { record.trimmedBytes($0) } ?? [] }
                if let skip = columns.skip {
                    let field = record.trimmedBytes(skip)
                    // Compared as bytes for UTF-8; other encodings decode the field first (`Verständigung` in Latin-1).
                    let skip = bytewiseSkip || field.allSatisfy({ $0 < 0x80 })
                        ? skipValues.contains { $0.elementsEqual(field) }
                        : skipTexts.contains(encoding.decode(field))
                    if skip {
                        result.skippedRows += 1
                        continue
                    }
                }
                guard let day = Day.parse(bytes: BankCSVReader.dayPart(bytes(columns.date)), format: profile.dateFormat) else {
                    let dateText = value(columns.date)
                    // A footer (totals, disclaimers) has no date: skipped with a warning, not an error.
                    let looksLikeFooter = record.count < 2 || dateText.isEmpty || dateText.first?.isNumber == false
                    result.diagnostics.append(Diagnostic(code: "csv.date", severity: looksLikeFooter ? .warning : .error, location: location, field: profile.dateColumn,
                                                         message: looksLikeFooter ? "a row without a date (a footer?); skipped" : "'\(dateText)' is not a \(profile.dateFormat.rawValue) date"))
                    continue
                }
                let rowCurrency = columns.currency.flatMap { Currency.iso(record.trimmed($0)) } ?? currency
                var minor: Int64
                do {
                    if columns.amount != nil {
                        minor = try Money.parse(bytes: bytes(columns.amount), currency: rowCurrency, style: profile.decimalStyle).minorUnits
                        if columns.direction != nil {
                            let direction = value(columns.direction)
                            if profile.debitValues.contains(where: { $0.caseInsensitiveCompare(direction) == .orderedSame }) { minor = -abs(minor) }
                            else if profile.creditValues.contains(where: { $0.caseInsensitiveCompare(direction) == .orderedSame }) { minor = abs(minor) }
                            else if !profile.creditValues.isEmpty && !profile.debitValues.isEmpty {
                                result.diagnostics.append(Diagnostic(code: "csv.direction", severity: .error, location: location, field: profile.directionColumn,
                                                                     message: "'\(direction)' is neither a credit (\(profile.creditValues.joined(separator: ", "))) nor a debit (\(profile.debitValues.joined(separator: ", ")))"))
                                continue
                            } else if profile.debitValues.isEmpty { minor = -abs(minor) } else { minor = abs(minor) }
                        }
                    } else {
                        let debit = bytes(columns.debit), credit = bytes(columns.credit)
                        let d = debit.isEmpty ? 0 : try Money.parse(bytes: debit, currency: rowCurrency, style: profile.decimalStyle).minorUnits
                        let c = credit.isEmpty ? 0 : try Money.parse(bytes: credit, currency: rowCurrency, style: profile.decimalStyle).minorUnits
                        minor = abs(c) - abs(d)
                    }
                } catch {
                    result.diagnostics.append(Diagnostic(code: "csv.amount", severity: .error, location: location, field: profile.amountColumn ?? profile.debitColumn,
                                                         message: error.description))
                    continue
                }
                if profile.invertSign { minor = -minor }
                if let column = columns.balance {
                    let field = record.trimmedBytes(column)
                    if !field.isEmpty, let balance = try? Money.parse(bytes: field, currency: rowCurrency, style: profile.decimalStyle).minorUnits,
                       let mismatch = runningBalance.check(balance: balance, amount: minor, isBefore: profile.balanceIsBefore) {
                        let exponent = rowCurrency.exponent
                        result.diagnostics.append(Diagnostic(code: "csv.balance", severity: .error, location: location, field: profile.balanceColumn.map { profile.hasHeader ? $0 : "column \($0)" },
                                                             message: "the running balance does not follow from the row before and this row's amount: rows are missing, duplicated or out of order",
                                                             expected: mismatch.expected.map { MoneyFormat.plain($0, exponent: exponent) } ?? "more than 64-bit minor units hold",
                                                             found: MoneyFormat.plain(balance, exponent: exponent)))
                    }
                }
                var description = ""
                if columns.descriptions.count == 1 {
                    description = value(columns.descriptions[0])
                } else {
                    // Several columns: their non-empty texts joined by one space, decoded once.
                    joined.removeAll(keepingCapacity: true)
                    for column in columns.descriptions {
                        let field = record.trimmedBytes(column)
                        guard !field.isEmpty else { continue }
                        if !joined.isEmpty { joined.append(0x20) }
                        joined.append(contentsOf: field)
                    }
                    description = profile.encoding.decode(joined[...])
                }
                let reference = value(columns.reference)
                let rowAccount = value(columns.account)
                let line = StatementLine(format: .csv, account: rowAccount.isEmpty ? account : rowAccount, bookingDay: day,
                                         valueDay: columns.valueDate.flatMap { Day.parse(bytes: BankCSVReader.dayPart(record.trimmedBytes($0)), format: profile.dateFormat) },
                                         amount: Money(minorUnits: minor, currency: rowCurrency),
                                         bankReference: reference, typeCode: "", kind: .other,
                                         description: description, counterparty: value(columns.counterparty), location: location)
                if let handler { handler(line) } else { result.lines.append(line) }
            }
        } catch {
            result.diagnostics.append(Diagnostic(code: "input.read", severity: .fatal, location: SourceLocation(sourceFile: sourceFile, line: 0), message: error.message))
        }
        if !headerSeen {
            result.diagnostics.append(Diagnostic(code: "csv.empty", severity: .fatal, location: SourceLocation(sourceFile: sourceFile, line: 1), message: "the file has no header row"))
        }
        return result
    }
}

/// UTF-16 input (with a byte order mark, or declared) transcoded to UTF-8 a chunk at a time, so the CSV reader scans
/// bytes as always. Other encodings pass through untouched.
public struct UTF16Transcoder<Source: ByteSource>: ByteSource {
    private var source: Source
    private let declared: TextEncoding
    private var mode: TextEncoding?
    private var pending: [UInt8] = []
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var atEnd = false
    private var highSurrogate: UInt16?

    public init(source: Source, declared: TextEncoding) {
        self.source = source
        self.declared = declared
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if mode == nil {
            var head = [UInt8](repeating: 0, count: 2)
            let n = try source.read(into: &head, upTo: 2)
            head.removeLast(2 - n)
            if head == [0xFF, 0xFE] { mode = .utf16LE } else if head == [0xFE, 0xFF] { mode = .utf16BE }
            else {
                mode = declared == .utf16LE || declared == .utf16BE ? declared : .utf8
                pending = head
            }
        }
        if mode == .utf8 {
            if !pending.isEmpty {
                let n = min(pending.count, buffer.count)
                for i in 0..<n { buffer[i] = pending[i] }
                pending.removeFirst(n)
                return n
            }
            return try source.read(into: buffer)
        }
        while outputOffset >= output.count {
            if atEnd { return 0 }
            output.removeAll(keepingCapacity: true)
            outputOffset = 0
            var chunk = [UInt8](repeating: 0, count: 1 << 15)
            let n = try source.read(into: &chunk, upTo: chunk.count)
            if n == 0 { atEnd = true }
            pending += chunk[0..<n]
            var i = 0
            while i + 1 < pending.count {
                let unit = mode == .utf16LE ? UInt16(pending[i]) | UInt16(pending[i + 1]) << 8 : UInt16(pending[i]) << 8 | UInt16(pending[i + 1])
                i += 2
                var scalar: Unicode.Scalar?
                if let high = highSurrogate {
                    highSurrogate = nil
                    if (0xDC00...0xDFFF).contains(unit) {
                        scalar = Unicode.Scalar(0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(unit) - 0xDC00))
                    } else {
                        scalar = Unicode.Scalar(0xFFFD)
                    }
                } else if (0xD800...0xDBFF).contains(unit) {
                    highSurrogate = unit
                    continue
                } else {
                    scalar = Unicode.Scalar(UInt32(unit)) ?? Unicode.Scalar(0xFFFD)
                }
                if let scalar { output += Array(String(Character(scalar)).utf8) }
            }
            pending.removeFirst(i)
        }
        let n = min(output.count - outputOffset, buffer.count)
        output.withUnsafeBytes { source in
            guard let target = buffer.baseAddress, let from = source.baseAddress else { return }
            target.copyMemory(from: from + outputOffset, byteCount: n)
        }
        outputOffset += n
        return n
    }
}
