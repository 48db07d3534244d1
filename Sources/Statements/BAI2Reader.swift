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

    public var lines: [StatementLine] { groups.flatMap { $0.accounts.flatMap(\.details) } }
    public var accountCount: Int { groups.reduce(0) { $0 + $1.accounts.count } }
}

/// Reads BAI2: records 01, 02, 03, 16, 49, 88, 98, 99; continuation records; several records on one line;
/// text with commas and slashes; every funds type; control totals and record counts checked.
public struct BAI2Reader {
    public let options: BAI2Options
    public init(options: BAI2Options = BAI2Options()) { self.options = options }

    struct LogicalRecord {
        var type: String
        var content: [UInt8] // after "NN,", without the terminating '/'
        var location: SourceLocation
        var physicalCount: Int
        var hasText: Bool { type == "16" }
    }

    /// The record types of BAI2, checked on two bytes.
    @inline(__always)
    static func isRecordType(_ a: UInt8, _ b: UInt8) -> Bool {
        switch (a, b) {
        case (0x30, 0x31), (0x30, 0x32), (0x30, 0x33), (0x31, 0x36), (0x34, 0x39), (0x38, 0x38), (0x39, 0x38), (0x39, 0x39): return true
        default: return false
        }
    }

    public func read(bytes: [UInt8], fileName: String, defaultCurrency: Currency = .usd) -> BAI2File {
        var file = BAI2File()
        let records = logicalRecords(bytes, fileName: fileName, diagnostics: &file.diagnostics)
        parse(records, into: &file, fileName: fileName, defaultCurrency: defaultCurrency)
        return file
    }


    /// Splits physical lines into records: a record ends at its line's end, or at a `/` followed by spaces and
    /// the start of another record (`/ 16,`) on the same line. A 16's text runs to the end of its record.
    func logicalRecords(_ bytes: [UInt8], fileName: String, diagnostics: inout DiagnosticList) -> [LogicalRecord] {
        var records: [LogicalRecord] = []
        let sourceFile = SourceFile(fileName)
        var lineNumber = 0
        var lineStart = 0
        var index = 0
        let count = bytes.count
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        while lineStart < count || (lineStart == count && index < count) {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < count, bytes[lineEnd] != 0x0A, bytes[lineEnd] != 0x0D { lineEnd += 1 }
            var next = lineEnd
            if next < count, bytes[next] == 0x0D { next += 1 }
            if next < count, bytes[next] == 0x0A, next == lineEnd || bytes[next - 1] == 0x0D || next == lineEnd { next += 1 }
            // Split the line into records.
            var segmentStart = lineStart
            while segmentStart < lineEnd, bytes[segmentStart] == 0x20 || bytes[segmentStart] == 0x09 { segmentStart += 1 }
            var i = segmentStart
            while segmentStart < lineEnd {
                var segmentEnd = lineEnd
                i = segmentStart + 3
                while i < lineEnd {
                    if bytes[i] == UInt8(ascii: "/") {
                        var j = i + 1
                        while j < lineEnd, bytes[j] == 0x20 { j += 1 }
                        if j + 2 < lineEnd, isDigit(bytes[j]), isDigit(bytes[j + 1]), bytes[j + 2] == UInt8(ascii: ","),
                           BAI2Reader.isRecordType(bytes[j], bytes[j + 1]) {
                            segmentEnd = i + 1
                            break
                        }
                    }
                    i += 1
                }
                var textEnd = segmentEnd
                while textEnd > segmentStart, bytes[textEnd - 1] == 0x20 || bytes[textEnd - 1] == 0x09 { textEnd -= 1 }
                if textEnd > segmentStart, bytes[textEnd - 1] == UInt8(ascii: "/") { textEnd -= 1 }
                let location = SourceLocation(sourceFile: sourceFile, line: lineNumber, column: segmentStart - lineStart + 1, byteOffset: segmentStart)
                let length = textEnd - segmentStart
                let type = String(decoding: bytes[segmentStart..<min(segmentStart + 2, textEnd)], as: UTF8.self)
                let content = length > 3 ? Array(bytes[(segmentStart + 3)..<textEnd]) : []
                if length < 2 || !BAI2Reader.isRecordType(bytes[segmentStart], bytes[segmentStart + 1]) || (length > 2 && bytes[segmentStart + 2] != UInt8(ascii: ",")) {
                    // Strict: the file is rejected. Lenient: a record of an unknown type after the header is skipped.
                    let severity: Severity = options.strict || records.isEmpty ? .fatal : .warning
                    diagnostics.append(Diagnostic(code: "bai2.record-type", severity: severity, location: location,
                                                  message: "unsupported record type \(type.isEmpty ? "(empty)" : "'\(type)'")" + (severity == .warning ? "; skipped" : ""),
                                                  expected: "01, 02, 03, 16, 49, 88, 98 or 99"))
                } else if type == "88" {
                    if var previous = records.popLast() {
                        if previous.hasText {
                            if !(previous.content.last == UInt8(ascii: ",") || previous.content.isEmpty) { previous.content.append(0x20) }
                            previous.content += content
                        } else {
                            previous.content.append(UInt8(ascii: ","))
                            previous.content += content
                        }
                        previous.physicalCount += 1
                        records.append(previous)
                    } else {
                        diagnostics.append(Diagnostic(code: "bai2.continuation", severity: .error, location: location, message: "a continuation record (88) that continues nothing"))
                    }
                } else {
                    records.append(LogicalRecord(type: type, content: content, location: location, physicalCount: 1))
                }
                segmentStart = segmentEnd
                while segmentStart < lineEnd, bytes[segmentStart] == 0x20 || bytes[segmentStart] == 0x09 { segmentStart += 1 }
            }
            if next == lineStart { break }
            lineStart = next
            index = next
            if lineStart >= count { break }
        }
        return records
    }

    private func parse(_ records: [LogicalRecord], into file: inout BAI2File, fileName: String, defaultCurrency: Currency) {
        let mismatchSeverity: Severity = options.strict ? .fatal : .warning
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
        var sawHeader = false
        var sawTrailer = false
        var lastLocation = SourceLocation(file: fileName, line: 1)

        func fields(_ content: [UInt8]) -> [String] {
            var out: [String] = []
            var start = 0
            func add(_ end: Int) {
                var a = start, b = end
                while a < b, content[a] == 0x20 || content[a] == 0x09 { a += 1 }
                while b > a, content[b - 1] == 0x20 || content[b - 1] == 0x09 { b -= 1 }
                out.append(String(decoding: content[a..<b], as: UTF8.self))
            }
            for i in content.indices where content[i] == UInt8(ascii: ",") {
                add(i)
                start = i + 1
            }
            add(content.count)
            return out
        }
        func amount(_ text: String, _ currency: Currency, _ location: SourceLocation, _ field: String) -> Int64? {
            if text.isEmpty { return 0 }
            guard let value = try? MoneyFormat.parseMinorUnits(Array(text.utf8), exponent: 0, style: .point) else {
                file.diagnostics.append(Diagnostic(code: "bai2.amount", severity: .error, location: location, field: field, message: "is not an amount", found: "'\(text)'"))
                return nil
            }
            return value
        }
        func check(_ code: Diagnostic.Code, _ field: String, _ expected: Int64, _ found: Int64?, _ location: SourceLocation, _ what: String) {
            guard let found, found != expected else { return }
            file.diagnostics.append(Diagnostic(code: code, severity: mismatchSeverity, location: location, field: field,
                                               message: "does not match \(what)", expected: String(expected), found: String(found)))
        }
        /// Consumes a funds type and its extra fields starting at `index`; returns the funds type and the value day (V).
        func fundsType(_ f: [String], _ index: inout Int, _ location: SourceLocation) -> (String, Day?) {
            guard index < f.count else { return ("", nil) }
            let type = f[index].uppercased()
            index += 1
            switch type {
            case "V":
                let day = index < f.count ? Day.parse(f[index], format: .yymmdd) : nil
                index += 2
                return (type, day)
            case "S": index += 3
            case "D":
                let n = index < f.count ? Int(f[index]) ?? 0 : 0
                index += 1 + 2 * max(0, min(n, 1000))
            case "", "0", "1", "2", "Z": break
            default:
                file.diagnostics.append(Diagnostic(code: "bai2.funds-type", severity: .warning, location: location, field: "Funds Type",
                                                   message: "unknown funds type", expected: "0, 1, 2, Z, V, S or D", found: "'\(type)'"))
            }
            return (type, nil)
        }

        for record in records {
            lastLocation = record.location
            let f = fields(record.content)
            fileRecords += record.physicalCount
            if group != nil { groupRecords += record.physicalCount }
            if account != nil { accountRecords += record.physicalCount }
            if sawTrailer {
                file.diagnostics.append(Diagnostic(code: "bai2.after-trailer", severity: .error, location: record.location, message: "a record after the file trailer (99)"))
            }
            switch record.type {
            case "01":
                if sawHeader { file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .fatal, location: record.location, message: "a second file header (01)")) }
                sawHeader = true
                file.sender = f.count > 0 ? f[0] : ""
                file.receiver = f.count > 1 ? f[1] : ""
                file.creationDay = f.count > 2 ? Day.parse(f[2], format: .yymmdd) : nil
                file.fileIdentification = f.count > 4 ? f[4] : ""
                if f.count > 7, !f[7].isEmpty, f[7] != "2" {
                    file.diagnostics.append(Diagnostic(code: "bai2.version", severity: .warning, location: record.location, field: "Version Number", message: "is not BAI version 2", expected: "2", found: f[7]))
                }
            case "02":
                if !sawHeader { file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .fatal, location: record.location, message: "a group header (02) before the file header (01)")) }
                if group != nil { file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .fatal, location: record.location, message: "a group header (02) inside an open group: the group trailer (98) is missing")) }
                let asOf = f.count > 3 ? Day.parse(f[3], format: .yymmdd) : nil
                if asOf == nil {
                    file.diagnostics.append(Diagnostic(code: "bai2.date", severity: .error, location: record.location, field: "As-of-Date", message: "is not a YYMMDD date", found: f.count > 3 ? f[3] : ""))
                }
                let currency = f.count > 5 && !f[5].isEmpty ? (Currency.iso(f[5]) ?? defaultCurrency) : defaultCurrency
                group = BAI2File.Group(ultimateReceiver: f.count > 0 ? f[0] : "", originator: f.count > 1 ? f[1] : "", status: f.count > 2 ? f[2] : "",
                                       asOfDay: asOf, asOfTime: f.count > 4 ? f[4] : "", currency: currency, accounts: [], location: record.location)
                groupTotal = 0; groupRecords = record.physicalCount; groupAccounts = 0
            case "03":
                guard group != nil else {
                    file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .fatal, location: record.location, message: "an account identifier (03) outside a group"))
                    continue
                }
                if account != nil { file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .fatal, location: record.location, message: "an account identifier (03) inside an open account: the account trailer (49) is missing")) }
                let currency = f.count > 1 && !f[1].isEmpty ? (Currency.iso(f[1]) ?? group!.currency) : group!.currency
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
                    let value = amount(i + 1 < f.count ? f[i + 1] : "", currency, record.location, "Amount") ?? 0
                    let items = i + 2 < f.count ? Int(f[i + 2]) : nil
                    var next = i + 3
                    let (funds, _) = fundsType(f, &next, record.location)
                    summaries.append(.init(typeCode: type, amount: Money(minorUnits: value, currency: currency), itemCount: items, fundsType: funds))
                    accountTotal &+= value
                    i = next
                }
                account = BAI2File.Account(number: f.first ?? "", currency: currency, summaries: summaries, details: [], location: record.location)
                accountRecords = record.physicalCount
            case "16":
                guard account != nil, let g = group else {
                    file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .error, location: record.location, message: "a transaction detail (16) outside an account"))
                    continue
                }
                let currency = account!.currency
                var i = 0
                var f = f
                var content = record.content[...]
                if f.count > 1, f[0].isEmpty, Int(f[1]) != nil {
                    // `16,,115,...`: a stray empty field before the type code (seen in real files).
                    file.diagnostics.append(Diagnostic(code: "bai2.empty-field", severity: options.strict ? .fatal : .warning, location: record.location,
                                                       field: "Type Code", message: "an empty field before the type code; read as if it were not there"))
                    f.removeFirst()
                    content = content.drop { $0 != UInt8(ascii: ",") }.dropFirst()
                }
                let typeText = f.count > 0 ? f[0] : ""
                guard let type = Int(typeText) else {
                    file.diagnostics.append(Diagnostic(code: "bai2.type-code", severity: .error, location: record.location, field: "Type Code", message: "is not a number", found: "'\(typeText)'"))
                    continue
                }
                let value = amount(f.count > 1 ? f[1] : "", currency, record.location, "Amount") ?? 0
                accountTotal &+= value
                i = 2
                let (_, valueDay) = fundsType(f, &i, record.location)
                let bankReference = i < f.count ? f[i] : ""
                let customerReference = i + 1 < f.count ? f[i + 1] : ""
                // The text is everything after the customer reference, commas included.
                // The text is everything after the (i + 2)-th comma, commas and slashes included.
                var commas = 0
                var textStart = content.endIndex
                for index in content.indices where content[index] == UInt8(ascii: ",") {
                    commas += 1
                    if commas == i + 2 { textStart = index + 1; break }
                }
                var textEnd = content.endIndex
                while textStart < textEnd, content[textStart] == 0x20 { textStart += 1 }
                while textEnd > textStart, content[textEnd - 1] == 0x20 { textEnd -= 1 }
                let text = String(decoding: content[textStart..<textEnd], as: UTF8.self)
                let signed = BAI2TypeCode.isDebit(type) ? -value : value
                account!.details.append(StatementLine(
                    format: .bai2, account: account!.number, bookingDay: g.asOfDay ?? Day(daysSinceEpoch: 0), valueDay: valueDay,
                    amount: Money(minorUnits: signed, currency: currency), bankReference: bankReference, customerReference: customerReference,
                    typeCode: String(type), kind: BAI2TypeCode.kind(type), description: text, location: record.location))
            case "49":
                guard let open = account else {
                    file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .error, location: record.location, message: "an account trailer (49) without its account identifier (03)"))
                    continue
                }
                let total = f.count > 0 && !f[0].isEmpty ? amount(f[0], open.currency, record.location, "Account Control Total") : nil
                check("bai2.account-control-total", "Account Control Total", accountTotal, total, record.location, "the sum of the account's amounts")
                let count = f.count > 1 ? Int64(f[1]) : nil
                check("bai2.account-record-count", "Number of Records", Int64(accountRecords), count, record.location, "the records of the account (03 to 49, with 88s)")
                groupTotal &+= total ?? accountTotal
                groupAccounts += 1
                group?.accounts.append(open)
                account = nil
            case "98":
                guard let open = group else {
                    file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .error, location: record.location, message: "a group trailer (98) without its group header (02)"))
                    continue
                }
                if account != nil {
                    file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: mismatchSeverity, location: record.location, message: "the account trailer (49) is missing before the group trailer"))
                    group?.accounts.append(account!); account = nil
                }
                let total = f.count > 0 ? amount(f[0], open.currency, record.location, "Group Control Total") : nil
                check("bai2.group-control-total", "Group Control Total", groupTotal, total, record.location, "the sum of the account trailers")
                if f.count >= 3 {
                    check("bai2.group-account-count", "Number of Accounts", Int64(groupAccounts), Int64(f[1]), record.location, "the accounts in the group")
                    check("bai2.group-record-count", "Number of Records", Int64(groupRecords), Int64(f[2]), record.location, "the records of the group (02 to 98)")
                } else {
                    file.diagnostics.append(Diagnostic(code: "bai2.group-trailer-fields", severity: mismatchSeverity, location: record.location, message: "the group trailer has no number of accounts"))
                    check("bai2.group-record-count", "Number of Records", Int64(groupRecords), f.count > 1 ? Int64(f[1]) : nil, record.location, "the records of the group (02 to 98)")
                }
                fileTotal &+= total ?? groupTotal
                fileGroups += 1
                file.groups.append(group!)
                group = nil
            case "99":
                if group != nil {
                    file.diagnostics.append(Diagnostic(code: "bai2.structure", severity: .fatal, location: record.location, message: "the group trailer (98) is missing before the file trailer"))
                }
                let total = f.count > 0 ? amount(f[0], defaultCurrency, record.location, "File Control Total") : nil
                check("bai2.file-control-total", "File Control Total", fileTotal, total, record.location, "the sum of the group trailers")
                check("bai2.file-group-count", "Number of Groups", Int64(fileGroups), f.count > 1 ? Int64(f[1]) : nil, record.location, "the groups in the file")
                check("bai2.file-record-count", "Number of Records", Int64(fileRecords), f.count > 2 ? Int64(f[2]) : nil, record.location, "the records in the file (01 to 99)")
                sawTrailer = true
            default: break
            }
        }
        if records.isEmpty {
            file.diagnostics.append(Diagnostic(code: "bai2.empty", severity: .fatal, location: SourceLocation(file: fileName, line: 1), message: "the file has no BAI2 records"))
        } else if !sawTrailer {
            if let open = account { group?.accounts.append(open) }
            if let open = group { file.groups.append(open) }
            file.diagnostics.append(Diagnostic(code: "bai2.incomplete", severity: .fatal, location: lastLocation,
                                               message: "the file ends without its trailers (\(group != nil ? "49/98/" : "")99): it is incomplete"))
        }
    }
}
