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
    public let options: NACHAOptions
    public private(set) var fileHeader: FileHeaderRecord?
    public private(set) var fileControl: FileControlRecord?
    public private(set) var diagnostics: DiagnosticList
    public private(set) var totals = NACHAFileTotals()
    private var pendingHeader: BatchHeaderRecord?
    private var finished = false
    private var lastBatchNumber = 0
    private var sawRecordAfterControl = false

    public init(source: Source, fileName: String, options: NACHAOptions = NACHAOptions()) {
        scanner = NACHARecordScanner(source: source)
        self.fileName = fileName
        self.options = options
        diagnostics = DiagnosticList(capacity: options.diagnosticCapacity)
    }

    private mutating func report(_ d: Diagnostic, batchErrors: inout Bool) {
        var d = d
        if d.severity == .error {
            if options.strict { batchErrors = true } else { d.severity = .warning }
        }
        diagnostics.append(d)
    }

    private mutating func report(_ d: Diagnostic) {
        var ignored = false
        report(d, batchErrors: &ignored)
    }

    private var recordLocation: SourceLocation {
        SourceLocation(file: fileName, line: scanner.line, column: 1, byteOffset: scanner.byteOffset)
    }

    /// Reads up to the end of the next batch. nil when the file is done; its file-level checks have then run.
    public mutating func nextBatch() throws(InputError) -> Batch? {
        guard !finished else { return nil }
        var batch: Batch?
        var batchErrors = false
        var hashSum: Int64 = 0
        var entryAddendaCount = 0
        var lastTrace: String?

        if let header = pendingHeader {
            pendingHeader = nil
            batch = Batch(header: header, entries: [], control: nil, isRejected: false, totalDebitCents: 0, totalCreditCents: 0, addendaCount: 0)
        }

        func closeEntryChecks(_ batch: inout Batch?, _ reader: inout NACHAReader) {
            guard let b = batch, let last = b.entries.last else { return }
            var errors = false
            reader.checkEntry(last, sec: b.header.standardEntryClass, batchErrors: &errors)
            if errors { batchErrors = true }
        }

        while try scanner.next() {
            let location = recordLocation
            var localDiagnostics = DiagnosticList(capacity: 64)
            let recordType = scanner.record[0]
            if scanner.foundLength != 94 {
                let cut = scanner.foundLength > 94
                report(Diagnostic(code: "nacha.record-length", severity: cut ? .error : .warning, location: location,
                                  message: cut ? "record is longer than 94 characters; the rest is ignored" : "record is shorter than 94 characters; padded with spaces",
                                  expected: "94", found: String(scanner.foundLength)), batchErrors: &batchErrors)
            }
            if let bad = scanner.record.firstIndex(where: { $0 < 0x20 || $0 > 0x7E }) {
                var l = location
                l.column = bad + 1
                l.byteOffset += bad
                report(Diagnostic(code: "nacha.character-set", severity: .error, location: l,
                                  message: "byte 0x\(Hex.encode([scanner.record[bad]])) is not printable ASCII"), batchErrors: &batchErrors)
            }
            let isPadding = scanner.record.allSatisfy { $0 == UInt8(ascii: "9") }
            if isPadding {
                totals.paddingRecordCount += 1
                continue
            }
            if fileControl != nil, !sawRecordAfterControl {
                sawRecordAfterControl = true
                report(Diagnostic(code: "nacha.record-after-file-control", severity: .fatal, location: location,
                                  message: "a record follows the file control record (type 9); only 9-filled padding may"))
            }
            let record = scanner.record
            let result: Batch?? = record.withUnsafeBufferPointer { bytes -> Batch?? in
                let fields = RecordFields(bytes: bytes, location: location)
                switch recordType {
                case UInt8(ascii: "1"):
                    if fileHeader != nil {
                        report(Diagnostic(code: "nacha.duplicate-file-header", severity: .fatal, location: location, message: "a second file header record (type 1)"))
                    } else {
                        if totals.physicalRecordCount > 0 || batch != nil {
                            report(Diagnostic(code: "nacha.file-header-position", severity: .fatal, location: location, message: "the file header record (type 1) must be the first record"))
                        }
                        fileHeader = FileHeaderRecord.parse(fields, diagnostics: &localDiagnostics)
                    }
                case UInt8(ascii: "5"):
                    if fileHeader == nil, totals.physicalRecordCount == 0 {
                        report(Diagnostic(code: "nacha.missing-file-header", severity: .fatal, location: location, message: "the file does not start with a file header record (type 1)"))
                    }
                    let header = BatchHeaderRecord.parse(fields, diagnostics: &localDiagnostics)
                    if header.batchNumber <= lastBatchNumber {
                        localDiagnostics.append(fields.diagnostic("nacha.batch-number-order", .warning, BatchHeaderRecord.Field.batchNumber,
                                                                  "batch numbers should ascend", expected: "> \(lastBatchNumber)", found: String(header.batchNumber)))
                    }
                    lastBatchNumber = header.batchNumber
                    if var open = batch {
                        report(Diagnostic(code: "nacha.missing-batch-control", severity: .error, location: location,
                                          message: "batch \(open.header.batchNumber) has no batch control record (type 8) before the next batch header"), batchErrors: &batchErrors)
                        open.isRejected = options.strict
                        pendingHeader = header
                        return .some(open)
                    }
                    batch = Batch(header: header, entries: [], control: nil, isRejected: false, totalDebitCents: 0, totalCreditCents: 0, addendaCount: 0)
                case UInt8(ascii: "6"):
                    guard batch != nil else {
                        report(Diagnostic(code: "nacha.entry-outside-batch", severity: .fatal, location: location, message: "an entry detail record (type 6) outside any batch"))
                        break
                    }
                    closeEntryChecks(&batch, &self)
                    let sec = batch!.header.standardEntryClass
                    let entry = EntryDetailRecord.parse(fields, sec: sec, diagnostics: &localDiagnostics)
                    hashSum &+= Int64(entry.receivingDFI) ?? 0
                    entryAddendaCount += 1
                    if entry.isDebit { batch!.totalDebitCents &+= entry.amountCents } else { batch!.totalCreditCents &+= entry.amountCents }
                    if let lastTrace, entry.traceNumber <= lastTrace {
                        localDiagnostics.append(fields.diagnostic("nacha.trace-number-order", .warning, EntryDetailRecord.Field.traceNumber,
                                                                  "trace numbers should ascend within a batch", expected: "> \(lastTrace)", found: entry.traceNumber))
                    }
                    lastTrace = entry.traceNumber
                    if sec != .adv, !batch!.header.originatingDFI.isEmpty, !entry.traceNumber.hasPrefix(batch!.header.originatingDFI) {
                        localDiagnostics.append(fields.diagnostic("nacha.trace-number-odfi", .warning, EntryDetailRecord.Field.traceNumber,
                                                                  "trace number should start with the ODFI identification of the batch header",
                                                                  expected: batch!.header.originatingDFI, found: String(entry.traceNumber.prefix(8))))
                    }
                    checkServiceClass(entry, header: batch!.header, fields: fields, into: &localDiagnostics)
                    batch!.entries.append(Entry(detail: entry))
                case UInt8(ascii: "7"):
                    guard batch != nil, !batch!.entries.isEmpty else {
                        report(Diagnostic(code: "nacha.addenda-without-entry", severity: .error, location: location,
                                          message: "an addenda record (type 7) that follows no entry detail record"), batchErrors: &batchErrors)
                        break
                    }
                    let addenda = AddendaRecord.parse(fields, diagnostics: &localDiagnostics)
                    entryAddendaCount += 1
                    batch!.addendaCount += 1
                    batch!.entries[batch!.entries.count - 1].addenda.append(addenda)
                case UInt8(ascii: "8"):
                    guard var closing = batch else {
                        report(Diagnostic(code: "nacha.control-without-batch", severity: .fatal, location: location,
                                          message: "a batch control record (type 8) without its batch header"))
                        break
                    }
                    closeEntryChecks(&batch, &self)
                    let control = BatchControlRecord.parse(fields, advice: closing.header.standardEntryClass == .adv, diagnostics: &localDiagnostics)
                    closing.control = control
                    checkBatchControl(control, batch: closing, hashSum: hashSum, entryAddendaCount: entryAddendaCount, fields: fields, into: &localDiagnostics)
                    batch = nil
                    for d in localDiagnostics.items { report(d, batchErrors: &batchErrors) }
                    localDiagnostics = DiagnosticList(capacity: 1)
                    closing.isRejected = batchErrors
                    return .some(closing)
                case UInt8(ascii: "9"):
                    if var open = batch {
                        report(Diagnostic(code: "nacha.missing-batch-control", severity: .error, location: location,
                                          message: "batch \(open.header.batchNumber) has no batch control record (type 8) before the file control"), batchErrors: &batchErrors)
                        open.isRejected = options.strict
                        batch = nil
                        fileControl = FileControlRecord.parse(fields, advice: false, diagnostics: &localDiagnostics)
                        for d in localDiagnostics.items { report(d) }
                        return .some(open)
                    }
                    if fileControl == nil {
                        fileControl = FileControlRecord.parse(fields, advice: totalsIncludeAdvice, diagnostics: &localDiagnostics)
                    }
                default:
                    report(Diagnostic(code: "nacha.record-type", severity: batch == nil ? .fatal : .error, location: location,
                                      message: "unknown record type '\(String(decoding: [recordType], as: UTF8.self))'", expected: "1, 5, 6, 7, 8 or 9"),
                           batchErrors: &batchErrors)
                }
                return .none
            }
            for d in localDiagnostics.items { report(d, batchErrors: &batchErrors) }
            totals.physicalRecordCount = scanner.physicalRecordCount - totals.paddingRecordCount
            if case let .some(done) = result, var done {
                if batchErrors && options.strict { done.isRejected = true }
                account(done)
                return done
            }
        }
        totals.physicalRecordCount = scanner.physicalRecordCount - totals.paddingRecordCount
        if var open = batch {
            closeEntryChecks(&batch, &self)
            report(Diagnostic(code: "nacha.missing-batch-control", severity: .error, location: recordLocation,
                              message: "batch \(open.header.batchNumber) ends with the file, without its batch control record (type 8)"), batchErrors: &batchErrors)
            open.isRejected = options.strict
            account(open)
            return open
        }
        finish()
        return nil
    }

    private var totalsIncludeAdvice = false

    private mutating func account(_ batch: Batch) {
        totals.batchCount += 1
        totals.entryCount += batch.entries.count
        totals.addendaCount += batch.addendaCount
        totals.totalDebitCents &+= batch.totalDebitCents
        totals.totalCreditCents &+= batch.totalCreditCents
        totals.entryHash &+= batch.control?.entryHash ?? batch.entries.reduce(0) { $0 &+ (Int64($1.detail.receivingDFI) ?? 0) } % 10_000_000_000
        if batch.isRejected { totals.rejectedBatchCount += 1 }
        if batch.header.standardEntryClass == .adv { totalsIncludeAdvice = true }
    }

    private func checkServiceClass(_ entry: EntryDetailRecord, header: BatchHeaderRecord, fields: RecordFields, into diagnostics: inout DiagnosticList) {
        let code = entry.transactionCode
        guard code != 0 else { return }
        if header.serviceClassCode == ServiceClass.creditsOnly, entry.isDebit {
            diagnostics.append(fields.diagnostic("nacha.transaction-code-service-class", .error, EntryDetailRecord.Field.transactionCode,
                                                 "a debit in a credits-only batch (service class 220)", found: String(code)))
        }
        if header.serviceClassCode == ServiceClass.debitsOnly, entry.isCredit {
            diagnostics.append(fields.diagnostic("nacha.transaction-code-service-class", .error, EntryDetailRecord.Field.transactionCode,
                                                 "a credit in a debits-only batch (service class 225)", found: String(code)))
        }
        let sec = header.standardEntryClass
        if TransactionCode.isAdvice(code) != (sec == .adv) {
            diagnostics.append(fields.diagnostic("nacha.transaction-code-sec", .error, EntryDetailRecord.Field.transactionCode,
                                                 sec == .adv ? "ADV batches take transaction codes 81-88" : "transaction codes 81-88 belong to ADV batches", found: String(code)))
        }
        if sec == .cor, entry.amountCents != 0 {
            diagnostics.append(fields.diagnostic("nacha.cor-amount", .error, EntryDetailRecord.Field.amount, "a notification of change (COR) carries no money", expected: "0", found: String(entry.amountCents)))
        }
        if [.arc, .boc, .pop, .rck, .tel, .xck, .trc].contains(sec), entry.isCredit, !TransactionCode.isReturnOrChange(code) {
            diagnostics.append(fields.diagnostic("nacha.sec-debit-only", .error, EntryDetailRecord.Field.transactionCode, "\(sec.rawValue) entries must be debits", found: String(code)))
        }
        if [.arc, .boc].contains(sec), entry.amountCents > 2_500_000 {
            diagnostics.append(fields.diagnostic("nacha.amount-cap", .error, EntryDetailRecord.Field.amount, "\(sec.rawValue) entries may not exceed $25,000", found: String(entry.amountCents)))
        }
        if [.pop].contains(sec), entry.amountCents > 2_500_000 {
            diagnostics.append(fields.diagnostic("nacha.amount-cap", .error, EntryDetailRecord.Field.amount, "POP entries may not exceed $25,000", found: String(entry.amountCents)))
        }
        if [.ppd, .web, .tel].contains(sec), entry.receiverName.isEmpty, !TransactionCode.isReturnOrChange(code) {
            diagnostics.append(fields.diagnostic("nacha.individual-name", .error, EntryDetailRecord.Field.individualName, "the individual name is required for \(sec.rawValue) entries"))
        }
        if TransactionCode.isPrenote(code), entry.amountCents != 0 {
            diagnostics.append(fields.diagnostic("nacha.prenote-amount", .error, EntryDetailRecord.Field.amount, "a prenote carries no money", expected: "0", found: String(entry.amountCents)))
        }
    }

    private mutating func checkEntry(_ entry: Entry, sec: StandardEntryClass, batchErrors: inout Bool) {
        let detail = entry.detail
        let location = detail.location
        func at(_ field: NACHAField) -> SourceLocation { var l = location; l.column = field.column; return l }
        let count = entry.addenda.count
        if detail.addendaRecordIndicator, count == 0 {
            report(Diagnostic(code: "nacha.addenda-indicator", severity: .error, location: at(EntryDetailRecord.Field.addendaRecordIndicator),
                              field: "Addenda Record Indicator", message: "says addenda follow, but none do", expected: "an addenda record", found: "none"), batchErrors: &batchErrors)
        }
        if !detail.addendaRecordIndicator, count > 0 {
            report(Diagnostic(code: "nacha.addenda-indicator", severity: .error, location: at(EntryDetailRecord.Field.addendaRecordIndicator),
                              field: "Addenda Record Indicator", message: "is 0 but \(count) addenda follow", expected: "1", found: "0"), batchErrors: &batchErrors)
        }
        if sec.usesAddendaCountLayout, let announced = detail.announcedAddendaCount, announced != count {
            report(Diagnostic(code: "nacha.addenda-count", severity: .error, location: at(EntryDetailRecord.Field.numberOfAddendaRecords),
                              field: "Number of Addenda Records", message: "does not match the addenda that follow", expected: String(count), found: String(announced)), batchErrors: &batchErrors)
        }
        let paymentRelated = entry.addenda.filter { $0.typeCode == 5 }.count
        let maximum05: Int
        switch sec {
        case .ctx, .atx, .trx: maximum05 = 9999
        case .iat: maximum05 = 2
        case .ccd, .ppd, .web, .cie, .dne, .enr, .ack, .cor: maximum05 = 1
        default: maximum05 = 0
        }
        if paymentRelated > maximum05 {
            report(Diagnostic(code: "nacha.addenda-count", severity: .error, location: location,
                              message: "\(sec.rawValue) allows at most \(maximum05) addenda 05 per entry", expected: "≤ \(maximum05)", found: String(paymentRelated)), batchErrors: &batchErrors)
        }
        if sec == .cor, entry.notificationOfChange == nil {
            report(Diagnostic(code: "nacha.cor-addenda", severity: .error, location: location,
                              message: "a COR entry must carry an addenda 98 (notification of change)"), batchErrors: &batchErrors)
        }
        for addenda in entry.addenda {
            if case let .paymentRelated(a) = addenda, a.entryDetailSequenceNumber != String(detail.sequenceNumber) {
                report(Diagnostic(code: "nacha.addenda-entry-sequence", severity: .warning, location: a.location, field: "Entry Detail Sequence Number",
                                  message: "should be the last seven digits of the entry's trace number", expected: String(detail.sequenceNumber), found: a.entryDetailSequenceNumber), batchErrors: &batchErrors)
            }
        }
    }

    private func checkBatchControl(_ control: BatchControlRecord, batch: Batch, hashSum: Int64, entryAddendaCount: Int,
                                   fields: RecordFields, into diagnostics: inout DiagnosticList) {
        typealias F = BatchControlRecord.Field
        let header = batch.header
        if control.serviceClassCode != header.serviceClassCode {
            diagnostics.append(fields.diagnostic("nacha.batch-control-service-class", .error, F.serviceClassCode, "differs from the batch header's",
                                                 expected: String(header.serviceClassCode), found: String(control.serviceClassCode)))
        }
        if header.standardEntryClass != .adv, control.companyIdentification != header.companyIdentification {
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
        if control.totalDebitCents != batch.totalDebitCents {
            diagnostics.append(fields.diagnostic("nacha.batch-total-debit", .error, F.totalDebit, "does not match the debit entries",
                                                 expected: String(batch.totalDebitCents), found: String(control.totalDebitCents)))
        }
        if control.totalCreditCents != batch.totalCreditCents {
            diagnostics.append(fields.diagnostic("nacha.batch-total-credit", .error, F.totalCredit, "does not match the credit entries",
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
            return
        }
        guard let control = fileControl else {
            report(Diagnostic(code: "nacha.missing-file-control", severity: .fatal, location: end, message: "the file has no file control record (type 9)"))
            return
        }
        func check(_ code: Diagnostic.Code, _ field: NACHAField, _ expected: Int64, _ found: Int64, _ what: String) {
            guard expected != found else { return }
            var l = control.location
            l.column = field.column
            report(Diagnostic(code: code, severity: .fatal, location: l, field: field.name, message: "does not match \(what)",
                              expected: String(expected), found: String(found)))
        }
        typealias F = FileControlRecord.Field
        check("nacha.file-batch-count", F.batchCount, Int64(totals.batchCount), Int64(control.batchCount), "the batches in the file")
        check("nacha.file-entry-addenda-count", F.entryAddendaCount, Int64(totals.entryCount + totals.addendaCount), Int64(control.entryAddendaCount), "the entries and addenda in the file")
        check("nacha.file-entry-hash", F.entryHash, totals.entryHash % 10_000_000_000, control.entryHash, "the sum of the batches' entry hashes")
        check("nacha.file-total-debit", totalsIncludeAdvice ? F.advTotalDebit : F.totalDebit, totals.totalDebitCents, control.totalDebitCents, "the debit entries in the file")
        check("nacha.file-total-credit", totalsIncludeAdvice ? F.advTotalCredit : F.totalCredit, totals.totalCreditCents, control.totalCreditCents, "the credit entries in the file")
        let blocks = (totals.physicalRecordCount + 9) / 10
        if control.blockCount != blocks {
            var l = control.location
            l.column = F.blockCount.column
            report(Diagnostic(code: "nacha.file-block-count", severity: .warning, location: l, field: F.blockCount.name,
                              message: "does not match the records in the file, in blocks of ten", expected: String(blocks), found: String(control.blockCount)))
        }
        if (totals.physicalRecordCount + totals.paddingRecordCount) % 10 != 0 {
            report(Diagnostic(code: "nacha.file-padding", severity: .warning, location: end,
                              message: "the file is not padded with 9-filled records to a multiple of ten records",
                              expected: "a multiple of 10", found: String(totals.physicalRecordCount + totals.paddingRecordCount)))
        }
    }
}

extension TransactionCode {
    /// Return and NOC codes: 21, 26, 31, 36, 41, 46, 51, 56.
    public static func isReturnOrChange(_ code: Int) -> Bool { [21, 26, 31, 36, 41, 46, 51, 56].contains(code) }
}
