import Core

/// Options of the BAI2 reader.
public struct BAI2Options: Sendable, Equatable {
    /// Strict: control totals and record counts that disagree are errors (the file is rejected).
    /// Lenient: they are warnings, as real files often get them wrong.
    public var strict: Bool
    public init(strict: Bool = true) { self.strict = strict }
}

/// A BAI2 file read into groups, accounts and transaction details (BAI Cash Management Balance Reporting
/// Specifications, version 2).
public struct BAI2File: Sendable {
    public struct Summary: Sendable, Hashable {
        public var typeCode: Int
        public var amount: Money
        public var itemCount: Int?
        public var fundsType: String
    }

    public struct Account: Sendable {
        public var number: String
        public var currency: Currency
        public var summaries: [Summary]
        public var details: [StatementLine]
        public var location: SourceLocation
    }

    public struct Group: Sendable {
        public var ultimateReceiver: String
        public var originator: String
        public var status: String
        public var asOfDay: Day?
        public var asOfTime: String
        /// 1 interim previous-day, 2 final previous-day, 3 interim same-day, 4 final same-day; empty when not given.
        public var asOfDateModifier = ""
        public var currency: Currency
        public var accounts: [Account]
        public var location: SourceLocation
    }

    public var sender = ""
    public var receiver = ""
    public var creationDay: Day?
    public var fileIdentification = ""
    public var groups: [Group] = []
    public var diagnostics = DiagnosticList()
    /// Details counted and summed (credits and debits as positive minor units) when they were not kept.
    public var detailTotals: (count: Int, credits: Int64, debits: Int64, exponent: Int) = (0, 0, 0, 2)

    public var lines: [StatementLine] { groups.flatMap { $0.accounts.flatMap(\.details) } }
    public var accountCount: Int { groups.reduce(0) { $0 + $1.accounts.count } }
}

/// Reads BAI2: records 01, 02, 03, 16, 49, 88, 98, 99; continuation records; several records on one line;
/// text with commas and slashes; every funds type; control totals and record counts checked.
public struct BAI2Reader {
    public let options: BAI2Options
    public init(options: BAI2Options = BAI2Options()) { self.options = options }

    /// Splits physical lines into records and hands each logical record (a record with its 88 continuations
    /// joined) to `parser`. A record ends at its line's end, or at a `/` followed by spaces and the start of
    /// another record (`/ 16,`) on the same line. A 16's text runs to the end of its record. Records are not
    /// copied unless a continuation follows them.
    /// With `keepDetails` false (`settle validate`) every record is read and checked, and the details are counted
    /// and summed into `detailTotals` instead of kept.
    public func read(bytes: [UInt8], fileName: String, defaultCurrency: Currency = .usd, keepDetails: Bool = true) -> BAI2File {
        var parser = Parser(strict: options.strict, fileName: fileName, defaultCurrency: defaultCurrency)
        parser.keepDetails = keepDetails
        var state = ScanState(sourceFile: SourceFile(fileName))
        bytes.withUnsafeBufferPointer { buffer in
            scan(buffer, state: &state, final: true, into: &parser)
        }
        parser.finish()
        return parser.file
    }

    /// Reads from a source a piece at a time (4 MB, or a line if one is longer): memory does not grow with the file.
    public func read(source: some ByteSource, fileName: String, defaultCurrency: Currency = .usd, keepDetails: Bool = true,
                     pieceSize: Int = 4 << 20) throws(InputError) -> BAI2File {
        var source = source
        var parser = Parser(strict: options.strict, fileName: fileName, defaultCurrency: defaultCurrency)
        parser.keepDetails = keepDetails
        var state = ScanState(sourceFile: SourceFile(fileName))
        var buffer = [UInt8](repeating: 0, count: max(16, pieceSize))
        var filled = 0
        var atEnd = false
        while !atEnd {
            if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            var result: Result<Int, InputError> = .success(0)
            let start = filled
            buffer.withUnsafeMutableBytes { raw in
                do throws(InputError) {
                    result = .success(try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[start...])))
                } catch {
                    result = .failure(error)
                }
            }
            let n = try result.get()
            filled += n
            atEnd = n == 0
            // Only whole lines are scanned before the end: up to the last line feed (or a carriage return that is not
            // the last byte read, for files with CR line ends).
            var limit = filled
            if !atEnd {
                limit = 0
                var i = filled - 1
                while i >= 0 {
                    if buffer[i] == 0x0A || (buffer[i] == 0x0D && i < filled - 1) {
                        limit = i + 1
                        break
                    }
                    i -= 1
                }
                if limit == 0 { continue }
            }
            buffer.withUnsafeBufferPointer { all in
                scan(UnsafeBufferPointer(rebasing: all[0..<limit]), state: &state, final: atEnd, into: &parser)
            }
            state.byteBase += limit
            // The part of a line not scanned yet moves to the front.
            if limit < filled { buffer.withUnsafeMutableBufferPointer { b in
                if let base = b.baseAddress { (base).update(from: base + limit, count: filled - limit) }
            } }
            filled -= limit
        }
        parser.finish()
        return parser.file
    }

    /// Where the scan stands between pieces of a file: the line number, where the piece starts in the file, and the
    /// record waiting for possible continuations (its content copied into `scratch`).
    struct ScanState {
        let sourceFile: SourceFile
        var lineNumber = 0
        var byteBase = 0
        var pendingType: UInt16 = 0
        var pendingLocation: SourceLocation
        var pendingPhysical = 0
        var scratch: [UInt8] = []
        var sawRecord = false

        init(sourceFile: SourceFile) {
            self.sourceFile = sourceFile
            pendingLocation = SourceLocation(sourceFile: sourceFile, line: 1, column: 1, byteOffset: 0)
        }
    }

    /// The record types of BAI2, checked on two bytes.
    @inline(__always)
    static func isRecordType(_ a: UInt8, _ b: UInt8) -> Bool {
        switch (a, b) {
        case (0x30, 0x31), (0x30, 0x32), (0x30, 0x33), (0x31, 0x36), (0x34, 0x39), (0x38, 0x38), (0x39, 0x38), (0x39, 0x39): return true
        default: return false
        }
    }

    /// Scans whole lines (all of `bytes`); with `final` false the record waiting for continuations is kept in
    /// `state` for the next piece.
    private func scan(_ bytes: UnsafeBufferPointer<UInt8>, state: inout ScanState, final: Bool, into parser: inout Parser) {
        // The record waiting for possible continuations: its content is `bytes[pendingStart..<pendingEnd]`, or
        // `scratch` once a continuation was joined to it (or it came from an earlier piece).
        let sourceFile = state.sourceFile
        var pendingType = state.pendingType
        var pendingStart = 0, pendingEnd = 0
        var pendingLocation = state.pendingLocation
        var pendingPhysical = state.pendingPhysical
        var inScratch = pendingType != 0
        var scratch = state.scratch
        var sawRecord = state.sawRecord
        let byteBase = state.byteBase
        func flush() {
            guard pendingType != 0 else { return }
            if inScratch {
                scratch.withUnsafeBufferPointer { parser.record(pendingType, $0, pendingLocation, pendingPhysical) }
            } else {
                parser.record(pendingType, UnsafeBufferPointer(rebasing: bytes[pendingStart..<pendingEnd]), pendingLocation, pendingPhysical)
            }
            pendingType = 0
        }

        var lineNumber = state.lineNumber
        var position = 0
        let count = bytes.count
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        func isLineBreak(_ i: Int) -> Bool { i >= count || bytes[i] == 0x0A || bytes[i] == 0x0D }
        while position < count {
            lineNumber += 1
            let lineStart = position
            var segmentStart = lineStart
            while segmentStart < count, isBlank(bytes[segmentStart]) { segmentStart += 1 }
            var lineEnd = -1
            if isLineBreak(segmentStart) { lineEnd = segmentStart }
            while lineEnd < 0 {
                // The segment runs to the line's end, or to a `/` (past the record type) followed by spaces and
                // the start of another record: one pass finds whichever comes first.
                var segmentEnd = count
                var from = segmentStart
                while true {
                    let k = ByteScanning.firstIndex(of: 0x0A, 0x0D, UInt8(ascii: "/"), in: bytes, from: from, to: count)
                    if k == count || bytes[k] != UInt8(ascii: "/") {
                        lineEnd = k
                        segmentEnd = k
                        break
                    }
                    if k >= segmentStart + 3 {
                        var j = k + 1
                        while j < count, bytes[j] == 0x20 { j += 1 }
                        if j + 2 < count, isDigit(bytes[j]), isDigit(bytes[j + 1]), bytes[j + 2] == UInt8(ascii: ","),
                           BAI2Reader.isRecordType(bytes[j], bytes[j + 1]) {
                            segmentEnd = k + 1
                            break
                        }
                    }
                    from = k + 1
                }
                var textEnd = segmentEnd
                while textEnd > segmentStart, isBlank(bytes[textEnd - 1]) { textEnd -= 1 }
                if textEnd > segmentStart, bytes[textEnd - 1] == UInt8(ascii: "/") { textEnd -= 1 }
                let location = SourceLocation(sourceFile: sourceFile, line: lineNumber, column: segmentStart - lineStart + 1, byteOffset: byteBase + segmentStart)
                let length = textEnd - segmentStart
                let contentStart = min(segmentStart + 3, textEnd)
                // `88:text` (a continuation whose comma was mistyped, seen in real files): lenient reading takes it as a continuation.
                let mistypedContinuation = !options.strict && length > 2 && bytes[segmentStart] == UInt8(ascii: "8") && bytes[segmentStart + 1] == UInt8(ascii: "8")
                    && (bytes[segmentStart + 2] == UInt8(ascii: ":") || bytes[segmentStart + 2] == UInt8(ascii: ";"))
                if mistypedContinuation {
                    parser.file.diagnostics.append(Diagnostic(code: "bai2.record-type", severity: .warning, location: location, field: "Record Code",
                                                              message: "the record code 88 is followed by '\(UnicodeScalar(bytes[segmentStart + 2]))', not a comma; read as a continuation",
                                                              expected: "88,", found: String(decoding: UnsafeBufferPointer(rebasing: bytes[segmentStart..<(segmentStart + 3)]), as: UTF8.self)))
                }
                if !mistypedContinuation && (length < 2 || !BAI2Reader.isRecordType(bytes[segmentStart], bytes[segmentStart + 1]) || (length > 2 && bytes[segmentStart + 2] != UInt8(ascii: ","))) {
                    // Strict: the file is rejected. Lenient: a record of an unknown type after the header is skipped.
                    let type = String(decoding: UnsafeBufferPointer(rebasing: bytes[segmentStart..<min(segmentStart + 2, textEnd)]), as: UTF8.self)
                    let severity: Severity = options.strict || !sawRecord ? .fatal : .warning
                    parser.file.diagnostics.append(Diagnostic(code: "bai2.record-type", severity: severity, location: location,
                                                              message: "unsupported record type \(type.isEmpty ? "(empty)" : "'\(type)'")" + (severity == .warning ? "; skipped" : ""),
                                                              expected: "01, 02, 03, 16, 49, 88, 98 or 99"))
                } else if bytes[segmentStart] == UInt8(ascii: "8") {
                    // 88: joined at a field boundary, or as text for a 16.
                    if pendingType != 0 {
                        if !inScratch {
                            scratch.removeAll(keepingCapacity: true)
                            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pendingStart..<pendingEnd]))
                            inScratch = true
                        }
                        if pendingType == Parser.detail {
                            if !(scratch.last == UInt8(ascii: ",") || scratch.isEmpty) { scratch.append(0x20) }
                        } else {
                            scratch.append(UInt8(ascii: ","))
                        }
                        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[contentStart..<textEnd]))
                        pendingPhysical += 1
                    } else {
                        parser.file.diagnostics.append(Diagnostic(code: "bai2.continuation", severity: .error, location: location, message: "a continuation record (88) that continues nothing"))
                    }
                } else {
                    flush()
                    sawRecord = true
                    pendingType = UInt16(bytes[segmentStart]) << 8 | UInt16(bytes[segmentStart + 1])
                    pendingStart = contentStart
                    pendingEnd = textEnd
                    pendingLocation = location
                    pendingPhysical = 1
                    inScratch = false
                }
                if lineEnd >= 0 { break }
                segmentStart = segmentEnd
                while segmentStart < count, isBlank(bytes[segmentStart]) { segmentStart += 1 }
                if isLineBreak(segmentStart) { lineEnd = segmentStart }
            }
            position = lineEnd
            if position < count, bytes[position] == 0x0D { position += 1 }
            if position < count, bytes[position] == 0x0A { position += 1 }
        }
        if final {
            flush()
        } else if pendingType != 0 && !inScratch {
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pendingStart..<pendingEnd]))
            inScratch = true
        }
        state.lineNumber = lineNumber
        state.pendingType = pendingType
        state.pendingLocation = pendingLocation
        state.pendingPhysical = pendingPhysical
        state.scratch = scratch
        state.sawRecord = sawRecord
    }

    /// Turns logical records into groups, accounts and details, checking structure and control totals.
    struct Parser {
        static let fileHeader: UInt16 = 0x3031, groupHeader: UInt16 = 0x3032, accountIdentifier: UInt16 = 0x3033, detail: UInt16 = 0x3136
        static let accountTrailer: UInt16 = 0x3439, groupTrailer: UInt16 = 0x3938, fileTrailer: UInt16 = 0x3939

        var file = BAI2File()
        var keepDetails = true
        let fileName: String
        let defaultCurrency: Currency
        let mismatchSeverity: Severity
        let strict: Bool
        var group: BAI2File.Group?
        var account: BAI2File.Account?
        var accountTotal: Int64 = 0
        var accountRecords = 0
        var groupTotal: Int64 = 0
        var groupRecords = 0
        var groupAccounts = 0
        var fileTotal: Int64 = 0
        var fileRecords = 0
        var fileGroups = 0
        var recordCount = 0
        var sawHeader = false
        var sawTrailer = false
        var lastLocation: SourceLocation
        /// The open account's details, number and currency, kept apart from `account` on the hot path.
        var details: [StatementLine] = []
        var accountNumber = ""
        var accountCurrency = Currency.usd
        var groupDay: Day?
        /// The fields of the record at hand, trimmed, as ranges of its content (reused from record to record).
        var ranges: [Range<Int>] = []

        init(strict: Bool, fileName: String, defaultCurrency: Currency) {
            self.strict = strict
            self.fileName = fileName
            self.defaultCurrency = defaultCurrency
            mismatchSeverity = strict ? .fatal : .warning
            lastLocation = SourceLocation(file: fileName, line: 1)
            ranges.reserveCapacity(16)
        }

        /// The account with the details read for it.
        mutating func closed(_ account: BAI2File.Account) -> BAI2File.Account {
            var account = account
            account.details = details
            // The next account is likely about as long: room for its details up front.
            details = []
            details.reserveCapacity(min(account.details.count, 1 << 16))
            return account
        }

        /// Type-code texts, made once: a detail's type code is one of them.
        static let typeCodeTexts: [String] = (0..<1000).map { String($0) }

        mutating func split(_ content: UnsafeBufferPointer<UInt8>) {
            ranges.removeAll(keepingCapacity: true)
            let comma = UInt8(ascii: ",")
            var start = 0
            while true {
                let end = ByteScanning.firstIndex(of: comma, comma, comma, in: content, from: start, to: content.count)
                var a = start, b = end
                while a < b, content[a] == 0x20 || content[a] == 0x09 { a += 1 }
                while b > a, content[b - 1] == 0x20 || content[b - 1] == 0x09 { b -= 1 }
                ranges.append(a..<b)
                if end == content.count { break }
                start = end + 1
            }
        }

        func text(_ content: UnsafeBufferPointer<UInt8>, _ index: Int) -> String {
            guard index < ranges.count else { return "" }
            return String(decoding: UnsafeBufferPointer(rebasing: content[ranges[index]]), as: UTF8.self)
        }

        /// A field of only digits (the usual amount or count) read without making a String.
        func integer(_ content: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int64? {
            guard index < ranges.count else { return nil }
            return ByteScanning.digits(content, ranges[index])
        }

        mutating func amount(_ content: UnsafeBufferPointer<UInt8>, _ index: Int, _ location: SourceLocation, _ field: String) -> Int64? {
            if index >= ranges.count || ranges[index].isEmpty { return 0 }
            if let value = integer(content, index) { return value }
            let bytes = Array(UnsafeBufferPointer(rebasing: content[ranges[index]]))
            guard let value = try? MoneyFormat.parseMinorUnits(bytes, exponent: 0, style: .point) else {
                file.diagnostics.append(Diagnostic(code: "bai2.amount", severity: .error, location: location, field: field, message: "is not an amount",
                                                   found: "'\(String(decoding: bytes, as: UTF8.self))'"))
                return nil
            }
            return value
        }

        mutating func amount(_ text: String, _ location: SourceLocation, _ field: String) -> Int64? {
            if text.isEmpty { return 0 }
            guard let value = try? MoneyFormat.parseMinorUnits(Array(text.utf8), exponent: 0, style: .point) else {
                file.diagnostics.append(Diagnostic(code: "bai2.amount", severity: .error, location: location, field: field, message: "is not an amount", found: "'\(text)'"))
                return nil
            }
            return value
        }

        /// Adds `value` to a control sum; a sum that leaves 64 bits is a fatal diagnostic (the file's amounts cannot be
        /// checked or posted), never a wrapped number compared against the trailer.
        mutating func adding(_ total: Int64, _ value: Int64, _ location: SourceLocation, _ field: String) -> Int64 {
            let (sum, overflow) = total.addingReportingOverflow(value)
            guard overflow else { return sum }
            file.diagnostics.append(Diagnostic(code: "bai2.amount-overflow", severity: .fatal, location: location, field: field,
                                               message: "the amounts add up past what 64-bit minor units hold (9,223,372,036,854,775,807)"))
            return 0
        }

        mutating func check(_ code: Diagnostic.Code, _ field: String, _ expected: Int64, _ found: Int64?, _ location: SourceLocation, _ what: String) {
            guard let found, found != expected else { return }
            file.diagnostics.append(Diagnostic(code: code, severity: mismatchSeverity, location: location, field: field,
                                               message: "does not match \(what)", expected: String(expected), found: String(found)))
        }

        /// Consumes a funds type and its extra fields starting at field `index`; returns the funds type and the value day (V).
        mutating func fundsType(_ content: UnsafeBufferPointer<UInt8>, _ index: inout Int, _ location: SourceLocation) -> (String, Day?) {
            guard index < ranges.count else { return ("", nil) }
            let range = ranges[index]
            index += 1
            if range.count == 1 {
                switch content[range.lowerBound] | 0x20 {
                case UInt8(ascii: "z"): return ("Z", nil)
                case UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "2"): return (text(content, index - 1), nil)
                default: break
                }
            }
            let type = text(content, index - 1).uppercased()
            switch type {
            case "V":
                let day = index < ranges.count ? Day.parse(text(content, index), format: .yymmdd) : nil
                index += 2
                return (type, day)
            case "S": index += 3
            case "D":
                let n = index < ranges.count ? Int(text(content, index)) ?? 0 : 0
                index += 1 + 2 * max(0, min(n, 1000))
            case "", "0", "1", "2", "Z": break
            default:
                file.diagnostics.append(Diagnostic(code: "bai2.funds-type", severity: .warning, location: location, field: "Funds Type",
                                                   message: "unknown funds type", expected: "0, 1, 2, Z, V, S or D", found: "'\(type)'"))
            }
            return (type, nil)
        }

        /// A transaction detail (16): the hot path, read from field ranges without intermediate Strings.
        mutating func detail(_ content: UnsafeBufferPointer<UInt8>, _ location: SourceLocation) {
            guard account != nil, group != nil else {
                file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .error, location: location, message: "a transaction detail (16) outside an account"))
                return
            }
            let currency = accountCurrency
            var first = 0
            if ranges.count > 1, ranges[0].isEmpty, integer(content, 1) != nil {
                // `16,,115,...`: a stray empty field before the type code (seen in real files).
                file.diagnostics.append(Diagnostic(code: "bai2.empty-field", severity: strict ? .fatal : .warning, location: location,
                                                   field: "Type Code", message: "an empty field before the type code; read as if it were not there"))
                first = 1
            }
            guard let type = integer(content, first).flatMap({ $0 < 1000 ? Int($0) : nil }) ?? Int(text(content, first)) else {
                file.diagnostics.append(Diagnostic(code: "bai2.type-code", severity: .error, location: location, field: "Type Code", message: "is not a number",
                                                   found: "'\(text(content, first))'"))
                return
            }
            let value = amount(content, first + 1, location, "Amount") ?? 0
            accountTotal = adding(accountTotal, value, location, "Amount")
            var i = first + 2
            let (_, valueDay) = fundsType(content, &i, location)
            guard keepDetails else {
                file.detailTotals.count += 1
                if BAI2TypeCode.isDebit(type) {
                    file.detailTotals.debits = adding(file.detailTotals.debits, value, location, "Amount")
                } else {
                    file.detailTotals.credits = adding(file.detailTotals.credits, value, location, "Amount")
                }
                file.detailTotals.exponent = currency.exponent
                return
            }
            let bankReference = text(content, i)
            let customerReference = text(content, i + 1)
            // The text is everything after the (i + 2)-th comma, commas and slashes included.
            var textStart = content.count
            if i + 2 < ranges.count {
                textStart = ranges[i + 2].lowerBound
                while textStart > 0, content[textStart - 1] != UInt8(ascii: ",") { textStart -= 1 }
            }
            var textEnd = content.count
            while textStart < textEnd, content[textStart] == 0x20 { textStart += 1 }
            while textEnd > textStart, content[textEnd - 1] == 0x20 { textEnd -= 1 }
            let description = String(decoding: UnsafeBufferPointer(rebasing: content[textStart..<textEnd]), as: UTF8.self)
            let signed = BAI2TypeCode.isDebit(type) ? -value : value
            details.append(StatementLine(
                format: .bai2, account: accountNumber, bookingDay: groupDay ?? Day(daysSinceEpoch: 0), valueDay: valueDay,
                amount: Money(minorUnits: signed, currency: currency), bankReference: bankReference, customerReference: customerReference,
                typeCode: type >= 0 && type < 1000 ? Parser.typeCodeTexts[type] : String(type), kind: BAI2TypeCode.kind(type), description: description,
                location: location))
        }

        mutating func record(_ type: UInt16, _ content: UnsafeBufferPointer<UInt8>, _ location: SourceLocation, _ physicalCount: Int) {
            lastLocation = location
            recordCount += 1
            split(content)
            fileRecords += physicalCount
            if group != nil { groupRecords += physicalCount }
            if account != nil { accountRecords += physicalCount }
            if sawTrailer {
                file.diagnostics.append(Diagnostic(code: "bai2.after-trailer", severity: .error, location: location, message: "a record after the file trailer (99)"))
            }
            if type == Parser.detail {
                detail(content, location)
                return
            }
            let f = (0..<ranges.count).map { text(content, $0) }
            let record = (location: location, physicalCount: physicalCount)
            switch type {
            case Parser.fileHeader:
                if sawHeader { file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .fatal, location: record.location, message: "a second file header (01)")) }
                sawHeader = true
                file.sender = f.count > 0 ? f[0] : ""
                file.receiver = f.count > 1 ? f[1] : ""
                file.creationDay = f.count > 2 ? Day.parse(f[2], format: .yymmdd) : nil
                file.fileIdentification = f.count > 4 ? f[4] : ""
                if f.count > 7, !f[7].isEmpty, f[7] != "2" {
                    file.diagnostics.append(Diagnostic(code: "bai2.version", severity: .warning, location: record.location, field: "Version Number", message: "is not BAI version 2", expected: "2", found: f[7]))
                }
            case Parser.groupHeader:
                if !sawHeader { file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .fatal, location: record.location, message: "a group header (02) before the file header (01)")) }
                if group != nil { file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .fatal, location: record.location, message: "a group header (02) inside an open group: the group trailer (98) is missing")) }
                let asOf = f.count > 3 ? Day.parse(f[3], format: .yymmdd) : nil
                if asOf == nil {
                    file.diagnostics.append(Diagnostic(code: "bai2.date", severity: .error, location: record.location, field: "As-of-Date", message: "is not a YYMMDD date", found: f.count > 3 ? f[3] : ""))
                }
                let currency = f.count > 5 && !f[5].isEmpty ? (Currency.iso(f[5]) ?? defaultCurrency) : defaultCurrency
                group = BAI2File.Group(ultimateReceiver: f.count > 0 ? f[0] : "", originator: f.count > 1 ? f[1] : "", status: f.count > 2 ? f[2] : "",
                                       asOfDay: asOf, asOfTime: f.count > 4 ? f[4] : "", asOfDateModifier: f.count > 6 ? f[6] : "", currency: currency, accounts: [],
                                       location: record.location)
                groupTotal = 0; groupRecords = record.physicalCount; groupAccounts = 0
                groupDay = asOf
            case Parser.accountIdentifier:
                guard group != nil else {
                    file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .fatal, location: record.location, message: "an account identifier (03) outside a group"))
                    return
                }
                if account != nil { file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .fatal, location: record.location, message: "an account identifier (03) inside an open account: the account trailer (49) is missing")) }
                let groupCurrency = group?.currency ?? defaultCurrency
                let currency = f.count > 1 && !f[1].isEmpty ? (Currency.iso(f[1]) ?? groupCurrency) : groupCurrency
                var summaries: [BAI2File.Summary] = []
                accountTotal = 0
                var i = 2
                while i < f.count {
                    // Real files leave stray empty fields between summaries (`...,015,35217175,,,/` then `88,040,...`).
                    while i < f.count, f[i].isEmpty { i += 1 }
                    guard i < f.count else { break }
                    let typeText = f[i]
                    guard let type = Int(typeText) else {
                        file.diagnostics.append(Diagnostic(code: "bai2.type-code", severity: .error, location: record.location, field: "Type Code", message: "is not a number", found: "'\(typeText)'"))
                        break
                    }
                    let value = amount(content, i + 1, record.location, "Amount") ?? 0
                    let items = i + 2 < f.count ? Int(f[i + 2]) : nil
                    var next = i + 3
                    let (funds, _) = fundsType(content, &next, record.location)
                    summaries.append(.init(typeCode: type, amount: Money(minorUnits: value, currency: currency), itemCount: items, fundsType: funds))
                    accountTotal = adding(accountTotal, value, record.location, "Amount")
                    i = next
                }
                account = BAI2File.Account(number: f.first ?? "", currency: currency, summaries: summaries, details: [], location: record.location)
                accountNumber = f.first ?? ""
                accountCurrency = currency
                details.removeAll(keepingCapacity: true)
                accountRecords = record.physicalCount
            case Parser.accountTrailer:
                guard let open = account else {
                    file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .error, location: record.location, message: "an account trailer (49) without its account identifier (03)"))
                    return
                }
                let total = f.count > 0 && !f[0].isEmpty ? amount(f[0], record.location, "Account Control Total") : nil
                check("bai2.account-control-total", "Account Control Total", accountTotal, total, record.location, "the sum of the account's amounts")
                let count = f.count > 1 ? Int64(f[1]) : nil
                check("bai2.account-record-count", "Number of Records", Int64(accountRecords), count, record.location, "the records of the account (03 to 49, with 88s)")
                groupTotal = adding(groupTotal, total ?? accountTotal, record.location, "Account Control Total")
                groupAccounts += 1
                let done = closed(open); group?.accounts.append(done)
                account = nil
            case Parser.groupTrailer:
                guard group != nil else {
                    file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .error, location: record.location, message: "a group trailer (98) without its group header (02)"))
                    return
                }
                if account != nil {
                    file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: mismatchSeverity, location: record.location, message: "the account trailer (49) is missing before the group trailer"))
                    if let open = account {
                        let done = closed(open)
                        group?.accounts.append(done)
                    }
                    account = nil
                }
                let total = f.count > 0 ? amount(f[0], record.location, "Group Control Total") : nil
                check("bai2.group-control-total", "Group Control Total", groupTotal, total, record.location, "the sum of the account trailers")
                if f.count >= 3 {
                    check("bai2.group-account-count", "Number of Accounts", Int64(groupAccounts), Int64(f[1]), record.location, "the accounts in the group")
                    check("bai2.group-record-count", "Number of Records", Int64(groupRecords), Int64(f[2]), record.location, "the records of the group (02 to 98)")
                } else {
                    file.diagnostics.append(Diagnostic(code: "bai2.group-trailer-fields", severity: mismatchSeverity, location: record.location, message: "the group trailer has no number of accounts"))
                    check("bai2.group-record-count", "Number of Records", Int64(groupRecords), f.count > 1 ? Int64(f[1]) : nil, record.location, "the records of the group (02 to 98)")
                }
                fileTotal = adding(fileTotal, total ?? groupTotal, record.location, "Group Control Total")
                fileGroups += 1
                if let done = group { file.groups.append(done) }
                group = nil
            case Parser.fileTrailer:
                if group != nil {
                    file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .fatal, location: record.location, message: "the group trailer (98) is missing before the file trailer"))
                }
                let total = f.count > 0 ? amount(f[0], record.location, "File Control Total") : nil
                check("bai2.file-control-total", "File Control Total", fileTotal, total, record.location, "the sum of the group trailers")
                check("bai2.file-group-count", "Number of Groups", Int64(fileGroups), f.count > 1 ? Int64(f[1]) : nil, record.location, "the groups in the file")
                check("bai2.file-record-count", "Number of Records", Int64(fileRecords), f.count > 2 ? Int64(f[2]) : nil, record.location, "the records in the file (01 to 99)")
                sawTrailer = true
            default: break
            }
        }

        mutating func finish() {
            if recordCount == 0 {
                file.diagnostics.append(Diagnostic(code: "bai2.empty", severity: .fatal, location: SourceLocation(file: fileName, line: 1), message: "the file has no BAI2 records"))
            } else if !sawTrailer {
                if let open = account { let done = closed(open); group?.accounts.append(done) }
                if let open = group { file.groups.append(open) }
                file.diagnostics.append(Diagnostic(code: "bai2.incomplete", severity: .fatal, location: lastLocation,
                                                   message: "the file ends without its trailers (\(group != nil ? "49/98/" : "")99): it is incomplete"))
            }
        }
    }
}
