import Core

/// How strictly a NACHA file is judged.
public struct NACHAOptions: Sendable, Equatable {
    /// Strict: an error rejects its batch. Lenient: errors are kept as warnings and the batch is used.
    public var strict: Bool
    public var diagnosticCapacity: Int

    public init(strict: Bool = true, diagnosticCapacity: Int = 1000) {
        self.strict = strict
        self.diagnosticCapacity = diagnosticCapacity
    }
}

/// An entry detail record with the addenda that follow it.
public struct Entry: Sendable, Hashable {
    public var detail: EntryDetailRecord
    public var addenda: [AddendaRecord]

    public init(detail: EntryDetailRecord, addenda: [AddendaRecord] = []) {
        self.detail = detail
        self.addenda = addenda
    }

    /// Addenda 05 in sequence order.
    public var paymentRelatedAddenda: [Addenda05] {
        addenda.compactMap { if case let .paymentRelated(a) = $0 { return a } else { return nil } }
            .sorted { $0.sequenceNumber < $1.sequenceNumber }
    }

    /// The remittance text: one addenda's information (CCD+), or the CTX addenda concatenated in sequence order
    /// with their padding kept, since an X12 segment may continue from one addenda into the next.
    public var paymentRelatedInformation: String {
        let items = paymentRelatedAddenda
        if items.count <= 1 { return items.first?.paymentRelatedInformation ?? "" }
        return ByteScanning.trimmed(items.map(\.rawPaymentInformation).joined())
    }

    public var returnAddenda: Addenda99? {
        for a in addenda { if case let .returnEntry(r) = a { return r } }
        return nil
    }

    public var notificationOfChange: Addenda98? {
        for a in addenda { if case let .notificationOfChange(n) = a { return n } }
        return nil
    }
}

/// A batch: its header, its entries with their addenda, its control, and whether validation rejected it.
public struct Batch: Sendable {
    public var header: BatchHeaderRecord
    public var entries: [Entry]
    public var control: BatchControlRecord?
    /// True when an error-severity problem was found in this batch (strict mode): its entries must not be used.
    public var isRejected: Bool
    public var totalDebitCents: Int64
    public var totalCreditCents: Int64
    public var addendaCount: Int
}

/// Counts and totals of a whole file, as read (not as its control claims).
public struct NACHAFileTotals: Sendable, Equatable {
    public var batchCount = 0
    public var entryCount = 0
    public var addendaCount = 0
    public var totalDebitCents: Int64 = 0
    public var totalCreditCents: Int64 = 0
    public var entryHash: Int64 = 0
    public var rejectedBatchCount = 0
    public var physicalRecordCount = 0
    public var paddingRecordCount = 0
    public init() {}
}

/// Reads a NACHA file a batch at a time and validates it as it goes: records, batches against their controls,
/// the file against its control. Memory holds one batch, never the file.
///
/// Implements the record layouts of the NACHA Operating Rules, Appendix Two (see `reference/NACHA.md`).
public struct NACHAReader<Source: ByteSource> {
    private var scanner: NACHARecordScanner<Source>
    public let fileName: String
    private let sourceFile: SourceFile
    public let options: NACHAOptions
    public private(set) var fileHeader: FileHeaderRecord?
    public private(set) var fileControl: FileControlRecord?
    public private(set) var diagnostics: DiagnosticList
    public private(set) var totals = NACHAFileTotals()
    private var pendingHeader: BatchHeaderRecord?
    private var finished = false
    private var lastBatchNumber = 0
    private var sawRecordAfterControl = false
    private var errorCount = 0
    private var totalsIncludeAdvice = false
    private var characterSetReports = 0

    public init(source: Source, fileName: String, options: NACHAOptions = NACHAOptions()) {
        scanner = NACHARecordScanner(source: source)
        self.fileName = fileName
        sourceFile = SourceFile(fileName)
        self.options = options
        diagnostics = DiagnosticList(capacity: options.diagnosticCapacity)
    }

    /// Records a problem; in lenient mode an error is kept as a warning. Errors are counted so the batch they
    /// fall in is rejected.
    /// `rejectsBatch` false: an error of the file as a whole, or of an order the money does not depend on (a file
    /// control count, trace numbers out of order): the file is reported invalid, yet a batch whose own controls
    /// agree is still applied (a received file has settled already).
    private mutating func report(_ d: Diagnostic, rejectsBatch: Bool = true) {
        var d = d
        if d.severity == .error {
            if !options.strict { d.severity = .warning } else if rejectsBatch { errorCount += 1 }
        }
        diagnostics.append(d)
    }

    /// A running total of amounts, checked: one past what 64-bit minor units hold is a fatal problem of the file
    /// (its totals cannot be checked), never a wrapped total; the total starts again from 0.
    private mutating func adding(_ total: Int64, _ amount: Int64, _ what: String) -> Int64 {
        let (sum, overflow) = total.addingReportingOverflow(amount)
        guard overflow else { return sum }
        report(Diagnostic(code: "nacha.amount-overflow", severity: .fatal, location: recordLocation,
                          message: "the amounts of \(what) add up past what 64-bit minor units hold (9,223,372,036,854,775,807)"))
        return 0
    }

    private var recordLocation: SourceLocation {
        SourceLocation(sourceFile: sourceFile, line: scanner.line, column: 1, byteOffset: scanner.byteOffset)
    }

    private var lastBatchEntryCount = 0

    private func newBatch(_ header: BatchHeaderRecord) -> Batch {
        var entries: [Entry] = []
        // Batches of a file tend to be alike: start with room for as many entries as the last one had.
        entries.reserveCapacity(min(lastBatchEntryCount, 100_000))
        return Batch(header: header, entries: entries, control: nil, isRejected: false, totalDebitCents: 0, totalCreditCents: 0, addendaCount: 0)
    }

    /// Reads up to the end of the next batch. nil when the file is done; its file-level checks have then run.
    public mutating func nextBatch() throws(InputError) -> Batch? {
        guard !finished else { return nil }
        var batch: Batch?
        var errorsAtBatchStart = errorCount
        var hashSum: Int64 = 0
        var entryAddendaCount = 0
        var lastTrace: Int64 = -1
        var layout = EntryDetailRecord.Layout.standard
        var rules = BatchRules(header: nil)

        func begin(_ header: BatchHeaderRecord, _ reader: inout NACHAReader) {
            batch = reader.newBatch(header)
            errorsAtBatchStart = reader.errorCount
            layout = EntryDetailRecord.layout(for: header.standardEntryClass, iatHeader: header.isIATLayout)
            rules = BatchRules(header: header)
        }
        if let header = pendingHeader {
            pendingHeader = nil
            // Errors of the header itself count against its batch.
            let before = errorCount
            begin(header, &self)
            errorsAtBatchStart = before - pendingHeaderErrors
        }

        while let record = try scanner.next() {
            let location = recordLocation
            let fields = RecordFields(bytes: record, location: location)
            if scanner.foundLength != 94 {
                let cut = scanner.foundLength > 94
                if !cut || !scanner.overflowIsBlank {
                    report(Diagnostic(code: "nacha.record-length", severity: cut ? .error : .warning, location: location,
                                      message: cut ? "record is longer than 94 characters; the rest is ignored" : "record is shorter than 94 characters; padded with spaces",
                                      expected: "94", found: String(scanner.foundLength)))
                } else {
                    report(Diagnostic(code: "nacha.record-length", severity: .warning, location: location,
                                      message: "record has trailing spaces past 94 characters; ignored", expected: "94", found: String(scanner.foundLength)))
                }
            }
            var badByte: Int?
            if !scanner.isPrintable, !ByteScanning.isPrintableASCII(record) {
                for i in 0..<94 where record[i] < 0x20 || record[i] > 0x7E { badByte = i; break }
            }
            if scanner.hadMultibyteCharacters || badByte != nil {
                var l = location
                l.column = (badByte ?? 0) + 1
                l.byteOffset += badByte ?? 0
                characterSetReports += 1
                report(Diagnostic(code: "nacha.character-set", severity: .error, location: l,
                                  message: scanner.hadMultibyteCharacters ? "non-ASCII characters (UTF-8); NACHA files are ASCII"
                                      : "byte 0x\(Hex.encode([record[badByte!]])) is not printable ASCII"))
            }
            let recordType = record[0]
            if recordType == UInt8(ascii: "9") {
                var padding = true
                for i in 1..<94 where record[i] != UInt8(ascii: "9") { padding = false; break }
                if padding {
                    totals.paddingRecordCount += 1
                    continue
                }
            }
            if fileControl != nil, !sawRecordAfterControl {
                sawRecordAfterControl = true
                report(Diagnostic(code: "nacha.record-after-file-control", severity: .fatal, location: location,
                                  message: "a record follows the file control record (type 9); only 9-filled padding may"))
            }
            switch recordType {
            case UInt8(ascii: "1"):
                if fileHeader != nil {
                    report(Diagnostic(code: "nacha.duplicate-file-header", severity: .fatal, location: location, message: "a second file header record (type 1)"))
                } else {
                    if scanner.physicalRecordCount > 1 {
                        report(Diagnostic(code: "nacha.file-header-position", severity: .fatal, location: location, message: "the file header record (type 1) must be the first record"))
                    }
                    var local = DiagnosticList(capacity: 32)
                    fileHeader = FileHeaderRecord.parse(fields, diagnostics: &local)
                    for d in local.items { report(d) }
                }
            case UInt8(ascii: "5"):
                if fileHeader == nil, scanner.physicalRecordCount == 1 {
                    report(Diagnostic(code: "nacha.missing-file-header", severity: .fatal, location: location, message: "the file does not start with a file header record (type 1)"))
                }
                let before = errorCount
                var local = DiagnosticList(capacity: 32)
                let header = BatchHeaderRecord.parse(fields, diagnostics: &local)
                if header.batchNumber <= lastBatchNumber {
                    local.append(fields.diagnostic("nacha.batch-number-order", .warning, BatchHeaderRecord.Field.batchNumber,
                                                   "batch numbers should ascend", expected: "> \(lastBatchNumber)", found: String(header.batchNumber)))
                }
                lastBatchNumber = header.batchNumber
                for d in local.items { report(d) }
                let headerErrors = errorCount - before
                if let open = batch {
                    pendingHeader = header
                    pendingHeaderErrors = headerErrors
                    return endWithoutControl(open, at: location, "has no batch control record (type 8) before the next batch header", hashSum: hashSum)
                }
                begin(header, &self)
                errorsAtBatchStart = before
            case UInt8(ascii: "6"):
                // The open batch is changed in place through optional chaining: never copied, never force-unwrapped.
                guard let sec = batch?.header.standardEntryClass else {
                    report(Diagnostic(code: "nacha.entry-outside-batch", severity: .fatal, location: location, message: "an entry detail record (type 6) outside any batch"))
                    continue
                }
                closeEntry(sec)
                var numbers = EntryDetailRecord.Numbers()
                let entry = EntryDetailRecord.parse(fields, layout: layout, numbers: &numbers) { report($0) }
                hashSum &+= numbers.receivingDFI
                entryAddendaCount += 1
                let amount = numbers.amountCents
                let code = numbers.transactionCode
                if TransactionCode.isDebit(code) {
                    let total = adding(batch?.totalDebitCents ?? 0, amount, "the batch's debit entries")
                    batch?.totalDebitCents = total
                } else {
                    let total = adding(batch?.totalCreditCents ?? 0, amount, "the batch's credit entries")
                    batch?.totalCreditCents = total
                }
                let trace = numbers.traceNumber
                if trace <= lastTrace {
                    report(fields.diagnostic("nacha.trace-number-order", .error, EntryDetailRecord.Field.traceNumber,
                                             "trace numbers must ascend within a batch", found: entry.traceNumber), rejectsBatch: false)
                }
                lastTrace = trace
                checkEntryFields(code: code, amount: amount, record: record, rules: rules, fields: fields)
                openEntry = OpenEntry(location: location, addendaIndicator: record[78] == UInt8(ascii: "1"), layout: layout,
                                      announcedAddendaCount: layout == .addendaCount ? ByteScanning.digits(record, 54..<58).map(Int.init) : nil,
                                      sequenceNumber: trace % 10_000_000)
                batch?.entries.append(Entry(detail: entry))
            case UInt8(ascii: "7"):
                guard let entryCount = batch?.entries.count, entryCount > 0 else {
                    report(Diagnostic(code: "nacha.addenda-without-entry", severity: batch == nil ? .fatal : .error, location: location,
                                      message: "an addenda record (type 7) that follows no entry detail record"))
                    continue
                }
                let addenda = AddendaRecord.parse(fields) { report($0) }
                if openEntry != nil {
                    openEntry?.addendaCount += 1
                    switch record[2] {
                    case UInt8(ascii: "5") where record[1] == UInt8(ascii: "0"):
                        openEntry?.paymentRelated += 1
                        if let sequence = ByteScanning.digits(record, 87..<94), let expected = openEntry?.sequenceNumber, sequence != expected {
                            report(fields.diagnostic("nacha.addenda-entry-sequence", .warning, Addenda05.Field.entryDetailSequenceNumber,
                                                     "should be the last seven digits of the entry's trace number",
                                                     expected: String(expected), found: String(sequence)))
                        }
                    case UInt8(ascii: "9") where record[1] == UInt8(ascii: "9"): openEntry?.returns += 1
                    case UInt8(ascii: "8") where record[1] == UInt8(ascii: "9"): openEntry?.changes += 1
                    default: break
                    }
                }
                entryAddendaCount += 1
                batch?.addendaCount += 1
                let last = entryCount - 1
                if batch?.entries[last].addenda.isEmpty == true {
                    // CTX entries announce how many addenda follow: one allocation instead of a growing array.
                    batch?.entries[last].addenda.reserveCapacity(max(1, min(openEntry?.announcedAddendaCount ?? 1, 9999)))
                }
                batch?.entries[last].addenda.append(addenda)
            case UInt8(ascii: "8"):
                guard var closing = batch else {
                    report(Diagnostic(code: "nacha.control-without-batch", severity: .fatal, location: location,
                                      message: "a batch control record (type 8) without its batch header"))
                    continue
                }
                closeEntry(closing.header.standardEntryClass)
                var local = DiagnosticList(capacity: 32)
                let control = BatchControlRecord.parse(fields, advice: closing.header.standardEntryClass == .adv, diagnostics: &local)
                closing.control = control
                checkBatchControl(control, batch: closing, hashSum: hashSum, entryAddendaCount: entryAddendaCount, fields: fields, into: &local)
                for d in local.items { report(d) }
                closing.isRejected = options.strict && errorCount > errorsAtBatchStart
                return account(closing, hashSum: hashSum)
            case UInt8(ascii: "9"):
                if fileControl == nil {
                    var local = DiagnosticList(capacity: 16)
                    fileControl = FileControlRecord.parse(fields, advice: totalsIncludeAdvice || batch?.header.standardEntryClass == .adv, diagnostics: &local)
                    for d in local.items { report(d) }
                } else if !sawRecordAfterControl {
                    report(Diagnostic(code: "nacha.duplicate-file-control", severity: .fatal, location: location, message: "a second file control record (type 9)"))
                }
                if let open = batch {
                    return endWithoutControl(open, at: location, "has no batch control record (type 8) before the file control", hashSum: hashSum)
                }
            default:
                report(Diagnostic(code: "nacha.record-type", severity: batch == nil ? .fatal : .error, location: location,
                                  message: "unknown record type '\(String(decoding: [recordType], as: UTF8.self))'", expected: "1, 5, 6, 7, 8 or 9"))
            }
        }
        totals.physicalRecordCount = scanner.physicalRecordCount - totals.paddingRecordCount
        if let open = batch {
            return endWithoutControl(open, at: recordLocation, "ends with the file, without its batch control record (type 8)", hashSum: hashSum)
        }
        finish()
        return nil
    }

    private var pendingHeaderErrors = 0

    /// A batch whose control record never came (`what` says what came instead): its last entry closed, the problem
    /// reported, the batch rejected in strict mode and accounted as it stands.
    private mutating func endWithoutControl(_ batch: Batch, at location: SourceLocation, _ what: String, hashSum: Int64) -> Batch {
        var open = batch
        closeEntry(open.header.standardEntryClass)
        report(Diagnostic(code: "nacha.missing-batch-control", severity: .error, location: location, message: "batch \(open.header.batchNumber) \(what)"))
        open.isRejected = options.strict
        return account(open, hashSum: hashSum)
    }

    private mutating func account(_ batch: Batch, hashSum: Int64) -> Batch {
        lastBatchEntryCount = batch.entries.count
        totals.batchCount += 1
        totals.entryCount += batch.entries.count
        totals.addendaCount += batch.addendaCount
        totals.totalDebitCents = adding(totals.totalDebitCents, batch.totalDebitCents, "the file's debit entries")
        totals.totalCreditCents = adding(totals.totalCreditCents, batch.totalCreditCents, "the file's credit entries")
        totals.entryHash &+= hashSum % 10_000_000_000
        if batch.isRejected { totals.rejectedBatchCount += 1 }
        if batch.header.standardEntryClass == .adv { totalsIncludeAdvice = true }
        totals.physicalRecordCount = scanner.physicalRecordCount - totals.paddingRecordCount
        return batch
    }

    /// What a batch's header decides for each of its entries, worked out once per batch.
    struct BatchRules {
        var serviceClass = 0
        var sec = StandardEntryClass.unknown
        var isIAT = false
        var debitOnly = false
        var amountCapCents: Int64?
        var requiresIndividualName = false
        var isTELReversal = false
        var odfi: [UInt8] = []

        init(header: BatchHeaderRecord?) {
            guard let header else { return }
            serviceClass = header.serviceClassCode
            sec = header.standardEntryClass
            isIAT = header.isIATLayout
            debitOnly = [.arc, .boc, .pop, .rck, .tel, .xck, .trc].contains(sec)
            amountCapCents = [.arc, .boc, .pop].contains(sec) ? 2_500_000 : nil
            requiresIndividualName = [.ppd, .web, .tel].contains(sec)
            isTELReversal = sec == .tel && header.companyEntryDescription == "REVERSAL"
            odfi = sec == .adv || isIAT ? [] : Array(header.originatingDFI.utf8)
        }
    }

    /// Checks of an entry that need its batch header.
    private mutating func checkEntryFields(code: Int, amount: Int64, record: UnsafeBufferPointer<UInt8>, rules: BatchRules, fields: RecordFields) {
        guard code != 0 else { return }
        let isDebit = TransactionCode.isDebit(code)
        let returnOrChange = TransactionCode.isReturnOrChange(code)
        func codeProblem(_ id: Diagnostic.Code, _ message: String) {
            report(fields.diagnostic(id, .error, EntryDetailRecord.Field.transactionCode, message, found: String(code)))
        }
        // IAT batches are judged by their own rules: gateways send debits under 220 (a warning, as moov-io/ach accepts them).
        let wrongDirection = rules.serviceClass == ServiceClass.creditsOnly ? isDebit : rules.serviceClass == ServiceClass.debitsOnly ? !isDebit : false
        if wrongDirection {
            report(fields.diagnostic("nacha.transaction-code-service-class", rules.isIAT ? .warning : .error, EntryDetailRecord.Field.transactionCode,
                                     isDebit ? "a debit in a credits-only batch (service class 220)" : "a credit in a debits-only batch (service class 225)",
                                     found: String(code)))
        }
        if TransactionCode.isAdvice(code) != (rules.sec == .adv) {
            codeProblem("nacha.transaction-code-sec", rules.sec == .adv ? "ADV batches take transaction codes 81-88" : "transaction codes 81-88 belong to ADV batches")
        }
        if rules.sec == .cor, !rules.isIAT, amount != 0 {
            report(fields.diagnostic("nacha.cor-amount", .error, EntryDetailRecord.Field.amount, "a notification of change (COR) carries no money", expected: "0", found: String(amount)))
        }
        if rules.debitOnly, !isDebit, !returnOrChange { codeProblem("nacha.sec-debit-only", "\(rules.sec.rawValue) entries must be debits") }
        if rules.isTELReversal, isDebit { codeProblem("nacha.sec-reversal", "a TEL batch may not carry debit reversals (company entry description REVERSAL)") }
        if let cap = rules.amountCapCents, amount > cap {
            report(fields.diagnostic("nacha.amount-cap", .error, EntryDetailRecord.Field.amount, "\(rules.sec.rawValue) entries may not exceed $25,000.00", found: String(amount)))
        }
        if rules.requiresIndividualName, !returnOrChange, ByteScanning.isZerosAndSpaces(record, EntryDetailRecord.Field.individualName.range) {
            report(fields.diagnostic("nacha.individual-name", .error, EntryDetailRecord.Field.individualName,
                                     "the individual name is required for \(rules.sec.rawValue) entries (found only spaces or zeros)"))
        }
        if rules.sec == .shr, !returnOrChange {
            // SHR entries carry the card's expiration date (MMYY) in positions 40-43.
            let month = ByteScanning.digits(record, 39..<41)
            if !(month.map { (1...12).contains($0) } ?? false) {
                report(fields.diagnostic("nacha.card-expiration", .error, NACHAField("Card Expiration Date", 40, 43), "is not a valid MMYY date",
                                         found: fields.raw(NACHAField("Card Expiration Date", 40, 43))))
            }
        }
        if TransactionCode.isPrenote(code), amount != 0 {
            report(fields.diagnostic("nacha.prenote-amount", .error, EntryDetailRecord.Field.amount, "a prenote carries no money", expected: "0", found: String(amount)))
        }
        if !rules.odfi.isEmpty, !returnOrChange {
            var matches = true
            for (i, b) in rules.odfi.enumerated() where record[79 + i] != b { matches = false; break }
            if !matches {
                report(fields.diagnostic("nacha.trace-number-odfi", .warning, EntryDetailRecord.Field.traceNumber,
                                         "trace number should start with the ODFI identification of the batch header",
                                         expected: String(decoding: rules.odfi, as: UTF8.self), found: fields.raw(NACHAField("Trace Number", 80, 87))))
            }
        }
    }

    /// What the checks of an entry need once its addenda are known, gathered as they are read
    /// (so closing an entry copies nothing).
    struct OpenEntry {
        var location: SourceLocation
        var addendaIndicator: Bool
        var layout: EntryDetailRecord.Layout
        var announcedAddendaCount: Int?
        var sequenceNumber: Int64
        var addendaCount = 0
        var paymentRelated = 0
        var returns = 0
        var changes = 0
    }

    private var openEntry: OpenEntry?

    /// Checks of an entry once its addenda are known (when the next record is not one of them).
    private mutating func closeEntry(_ sec: StandardEntryClass) {
        guard let entry = openEntry else { return }
        openEntry = nil
        let location = entry.location
        func at(_ field: NACHAField) -> SourceLocation { var l = location; l.column = field.column; return l }
        let count = entry.addendaCount
        if entry.addendaIndicator, count == 0 {
            report(Diagnostic(code: "nacha.addenda-indicator", severity: .error, location: at(EntryDetailRecord.Field.addendaRecordIndicator),
                              field: "Addenda Record Indicator", message: "says addenda follow, but none do", expected: "an addenda record", found: "none"))
        }
        if !entry.addendaIndicator, count > 0 {
            report(Diagnostic(code: "nacha.addenda-indicator", severity: .error, location: at(EntryDetailRecord.Field.addendaRecordIndicator),
                              field: "Addenda Record Indicator", message: "is 0 but \(count) addenda follow", expected: "1", found: "0"))
        }
        if count == 0 { return }
        if entry.layout == .addendaCount, let announced = entry.announcedAddendaCount, announced != count {
            report(Diagnostic(code: "nacha.addenda-count", severity: .error, location: at(EntryDetailRecord.Field.numberOfAddendaRecords),
                              field: "Number of Addenda Records", message: "does not match the addenda that follow", expected: String(count), found: String(announced)))
        }
        let paymentRelated = entry.paymentRelated
        let returns = entry.returns
        let changes = entry.changes
        let maximum05: Int
        switch sec {
        case .ctx, .atx, .trx: maximum05 = 9999
        case .iat: maximum05 = 2
        case .ccd, .ppd, .web, .cie, .dne, .enr, .ack, .cor: maximum05 = 1
        case .mte, .pos, .shr: maximum05 = 0
        default: maximum05 = returns + changes > 0 ? 1 : 0
        }
        if paymentRelated > maximum05 {
            report(Diagnostic(code: "nacha.addenda-count", severity: .error, location: location,
                              message: "\(sec.rawValue) allows at most \(maximum05) addenda 05 per entry", expected: "≤ \(maximum05)", found: String(paymentRelated)))
        }
        if sec == .cor, changes == 0 {
            report(Diagnostic(code: "nacha.cor-addenda", severity: .error, location: location,
                              message: "a COR entry must carry an addenda 98 (notification of change)"))
        }
    }

    private func checkBatchControl(_ control: BatchControlRecord, batch: Batch, hashSum: Int64, entryAddendaCount: Int,
                                   fields: RecordFields, into diagnostics: inout DiagnosticList) {
        typealias F = BatchControlRecord.Field
        let header = batch.header
        if batch.entries.isEmpty {
            diagnostics.append(Diagnostic(code: "nacha.batch-without-entries", severity: .error, location: header.location,
                                          message: "batch \(header.batchNumber) has no entry detail records"))
        }
        if control.serviceClassCode != header.serviceClassCode {
            diagnostics.append(fields.diagnostic("nacha.batch-control-service-class", .error, F.serviceClassCode, "differs from the batch header's",
                                                 expected: String(header.serviceClassCode), found: String(control.serviceClassCode)))
        }
        if header.standardEntryClass != .adv, !header.isIATLayout, control.companyIdentification != header.companyIdentification {
            diagnostics.append(fields.diagnostic("nacha.batch-control-company-id", .error, F.companyIdentification, "differs from the batch header's",
                                                 expected: header.companyIdentification, found: control.companyIdentification))
        }
        if control.originatingDFI != header.originatingDFI {
            diagnostics.append(fields.diagnostic("nacha.batch-control-odfi", .error, F.originatingDFI, "differs from the batch header's",
                                                 expected: header.originatingDFI, found: control.originatingDFI))
        }
        if control.batchNumber != header.batchNumber {
            diagnostics.append(fields.diagnostic("nacha.batch-control-batch-number", .error, F.batchNumber, "differs from the batch header's",
                                                 expected: String(header.batchNumber), found: String(control.batchNumber)))
        }
        if control.entryAddendaCount != entryAddendaCount {
            diagnostics.append(fields.diagnostic("nacha.batch-entry-addenda-count", .error, F.entryAddendaCount, "does not match the entries and addenda in the batch",
                                                 expected: String(entryAddendaCount), found: String(control.entryAddendaCount)))
        }
        let hash = hashSum % 10_000_000_000
        if control.entryHash != hash {
            diagnostics.append(fields.diagnostic("nacha.batch-entry-hash", .error, F.entryHash, "does not match the sum of the receiving DFI identifications",
                                                 expected: String(hash), found: String(control.entryHash)))
        }
        let advice = header.standardEntryClass == .adv
        if control.totalDebitCents != batch.totalDebitCents {
            diagnostics.append(fields.diagnostic("nacha.batch-total-debit", .error, advice ? F.advTotalDebit : F.totalDebit, "does not match the debit entries",
                                                 expected: String(batch.totalDebitCents), found: String(control.totalDebitCents)))
        }
        if control.totalCreditCents != batch.totalCreditCents {
            diagnostics.append(fields.diagnostic("nacha.batch-total-credit", .error, advice ? F.advTotalCredit : F.totalCredit, "does not match the credit entries",
                                                 expected: String(batch.totalCreditCents), found: String(control.totalCreditCents)))
        }
    }

    /// File-level checks, once the last record has been read.
    private mutating func finish() {
        guard !finished else { return }
        finished = true
        let end = recordLocation
        guard fileHeader != nil else {
            report(Diagnostic(code: "nacha.missing-file-header", severity: .fatal, location: SourceLocation(file: fileName, line: 1),
                              message: totals.physicalRecordCount == 0 ? "the file is empty: no NACHA records" : "the file has no file header record (type 1)"))
            if fileControl == nil, totals.physicalRecordCount > 0 {
                report(Diagnostic(code: "nacha.missing-file-control", severity: .fatal, location: end, message: "the file has no file control record (type 9)"))
            }
            return
        }
        guard let control = fileControl else {
            report(Diagnostic(code: "nacha.missing-file-control", severity: .fatal, location: end, message: "the file has no file control record (type 9)"))
            return
        }
        func check(_ code: Diagnostic.Code, _ severity: Severity, _ field: NACHAField, _ expected: Int64, _ found: Int64, _ what: String) {
            guard expected != found else { return }
            var l = control.location
            l.column = field.column
            report(Diagnostic(code: code, severity: severity, location: l, field: field.name, message: "does not match \(what)",
                              expected: String(expected), found: String(found)), rejectsBatch: false)
        }
        typealias F = FileControlRecord.Field
        if totals.batchCount == 0 {
            report(Diagnostic(code: "nacha.no-batches", severity: .error, location: control.location, message: "the file holds no batches"))
        }
        // The batch and block counts carry no money: a wrong one makes the file invalid (strict: an error, as moov-io/ach
        // rejects it), yet the batches whose own controls agree are applied.
        check("nacha.file-batch-count", .error, F.batchCount, Int64(totals.batchCount), Int64(control.batchCount), "the batches in the file")
        check("nacha.file-entry-addenda-count", .fatal, F.entryAddendaCount, Int64(totals.entryCount + totals.addendaCount), Int64(control.entryAddendaCount), "the entries and addenda in the file")
        check("nacha.file-entry-hash", .fatal, F.entryHash, totals.entryHash % 10_000_000_000, control.entryHash, "the sum of the batches' entry hashes")
        check("nacha.file-total-debit", .fatal, totalsIncludeAdvice ? F.advTotalDebit : F.totalDebit, totals.totalDebitCents, control.totalDebitCents, "the debit entries in the file")
        check("nacha.file-total-credit", .fatal, totalsIncludeAdvice ? F.advTotalCredit : F.totalCredit, totals.totalCreditCents, control.totalCreditCents, "the credit entries in the file")
        if scanner.trailingFixedLengthBytes > 0 {
            report(Diagnostic(code: "nacha.record-length", severity: .fatal, location: end,
                              message: "a file without line breaks must be a whole number of 94-character records: \(scanner.trailingFixedLengthBytes) extra character(s)"))
        }
        let blocks = (totals.physicalRecordCount + 9) / 10
        check("nacha.file-block-count", .error, F.blockCount, Int64(blocks), Int64(control.blockCount), "the records in the file, in blocks of ten")
        if (totals.physicalRecordCount + totals.paddingRecordCount) % 10 != 0 {
            report(Diagnostic(code: "nacha.file-padding", severity: .warning, location: end,
                              message: "the file is not padded with 9-filled records to a multiple of ten records",
                              expected: "a multiple of 10", found: String(totals.physicalRecordCount + totals.paddingRecordCount)))
        }
    }
}




/// The codes of errors of an ACH file as a whole (its control counts, trace numbers out of order): the file is invalid,
/// yet they reject no batch.
public enum NACHAFileErrors {
    public static let codes: Set<String> = ["nacha.file-batch-count", "nacha.file-block-count", "nacha.trace-number-order"]
}
