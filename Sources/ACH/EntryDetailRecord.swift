import Core

/// The Entry Detail Record (type 6): one payment — receiving bank and account, amount, the receiver, trace number.
/// Holds the record's bytes; fields are read on demand in the layout of the batch's SEC code.
public struct EntryDetailRecord: Sendable, Hashable {
    /// Which positions mean what: most SEC codes share one layout; CTX/ATX/TRX, IAT and ADV differ.
    public enum Layout: UInt8, Sendable { case standard, addendaCount, iat, advice }

    public let raw: RecordBytes
    public let layout: Layout
    public var location: SourceLocation

    enum Field {
        static let transactionCode = NACHAField("Transaction Code", 2, 3)
        static let receivingDFI = NACHAField("Receiving DFI Identification", 4, 11)
        static let checkDigit = NACHAField("Check Digit", 12, 12)
        static let dfiAccountNumber = NACHAField("DFI Account Number", 13, 29)
        static let amount = NACHAField("Amount", 30, 39)
        static let identificationNumber = NACHAField("Identification Number", 40, 54)
        static let individualName = NACHAField("Individual Name", 55, 76)
        static let discretionaryData = NACHAField("Discretionary Data", 77, 78)
        static let addendaRecordIndicator = NACHAField("Addenda Record Indicator", 79, 79)
        static let traceNumber = NACHAField("Trace Number", 80, 94)
        // CTX, ATX, TRX
        static let numberOfAddendaRecords = NACHAField("Number of Addenda Records", 55, 58)
        static let receivingCompanyName = NACHAField("Receiving Company Name", 59, 74)
        // IAT
        static let iatNumberOfAddenda = NACHAField("Number of Addenda Records", 13, 16)
        static let iatAccountNumber = NACHAField("Foreign Receiver's Account Number", 40, 74)
        // ADV
        static let advAccountNumber = NACHAField("DFI Account Number", 13, 27)
        static let advAmount = NACHAField("Amount", 28, 39)
        static let advRoutingNumber = NACHAField("Advice Routing Number", 40, 48)
        static let advTraceNumber = NACHAField("Sequence Number", 80, 94)
    }

    public var transactionCode: Int { Int(raw.number(Field.transactionCode) ?? 0) }
    /// First eight digits of the receiving bank's routing number.
    public var receivingDFI: String { raw.raw(Field.receivingDFI) }
    public var checkDigit: String { raw.raw(Field.checkDigit) }
    public var dfiAccountNumber: String {
        switch layout {
        case .iat: return raw.text(Field.iatAccountNumber)
        case .advice: return raw.text(Field.advAccountNumber)
        default: return raw.text(Field.dfiAccountNumber)
        }
    }
    public var amountCents: Int64 { raw.number(layout == .advice ? Field.advAmount : Field.amount) ?? 0 }
    /// CCD: the receiver's identification number; PPD: individual id; CTX: identification number; ADV: advice routing number.
    public var identificationNumber: String {
        switch layout {
        case .iat: return ""
        case .advice: return raw.text(Field.advRoutingNumber)
        default: return raw.text(Field.identificationNumber)
        }
    }
    /// CCD/CTX: receiving company name; PPD: individual name.
    public var receiverName: String {
        switch layout {
        case .iat: return ""
        case .addendaCount: return raw.text(Field.receivingCompanyName)
        default: return raw.text(Field.individualName)
        }
    }
    public var discretionaryData: String { raw.raw(Field.discretionaryData) }
    public var addendaRecordIndicator: Bool { raw.withBytes { $0[78] } == UInt8(ascii: "1") }
    /// CTX/ATX/TRX: number of addenda records announced in positions 55-58; IAT: positions 13-16.
    public var announcedAddendaCount: Int? {
        switch layout {
        case .addendaCount: return raw.number(Field.numberOfAddendaRecords).map(Int.init)
        case .iat: return raw.number(Field.iatNumberOfAddenda).map(Int.init)
        default: return nil
        }
    }
    public var traceNumber: String { raw.raw(Field.traceNumber) }

    public var isCredit: Bool { TransactionCode.isCredit(transactionCode) }
    public var isDebit: Bool { TransactionCode.isDebit(transactionCode) }
    /// Signed from the receiver's side: credits positive, debits negative.
    public var signedAmountCents: Int64 { isDebit ? -amountCents : amountCents }
    /// The last seven digits of the trace number, which addenda repeat as the entry detail sequence number.
    public var sequenceNumber: Substring { traceNumber.suffix(7) }

    static func layout(for sec: StandardEntryClass, iatHeader: Bool) -> Layout {
        if iatHeader || sec == .iat { return .iat }
        if sec == .adv { return .advice }
        return sec.usesAddendaCountLayout ? .addendaCount : .standard
    }

    /// The numbers the reader needs from an entry, parsed once.
    struct Numbers {
        var transactionCode = 0
        var amountCents: Int64 = 0
        var receivingDFI: Int64 = 0
        var traceNumber: Int64 = 0
    }

    /// Parses and validates the record's own fields; what depends on the batch is checked by the reader.
    static func parse(_ f: RecordFields, layout: Layout, numbers: inout Numbers, report: (Diagnostic) -> Void) -> EntryDetailRecord {
        let b = f.bytes
        let code = ByteScanning.digits(b, Field.transactionCode.range)
        numbers.transactionCode = Int(code ?? 0)
        if let code {
            if !TransactionCode.isKnown(Int(code)) {
                report(f.diagnostic("nacha.transaction-code", .error, Field.transactionCode, "unknown transaction code", found: String(code)))
            }
        } else {
            report(f.diagnostic("nacha.numeric-field", .error, Field.transactionCode, "must be all digits", found: "'\(f.raw(Field.transactionCode))'"))
        }
        numbers.receivingDFI = ByteScanning.digits(b, Field.receivingDFI.range) ?? 0
        if let expected = RoutingNumber.checkDigit(b, Field.receivingDFI.range) {
            if b[11] != 0x30 &+ expected {
                report(f.diagnostic("nacha.routing-check-digit", .error, Field.checkDigit, "routing number check digit is wrong",
                                    expected: String(expected), found: f.raw(Field.checkDigit)))
            }
        } else {
            report(f.diagnostic("nacha.numeric-field", .error, Field.receivingDFI, "must be all digits", found: "'\(f.raw(Field.receivingDFI))'"))
        }
        let amountField = layout == .advice ? Field.advAmount : Field.amount
        if let amount = ByteScanning.digits(b, amountField.range) {
            numbers.amountCents = amount
        } else {
            numbers.amountCents = 0
            let field = amountField
            report(f.diagnostic("nacha.numeric-field", .error, field, "must be all digits", found: "'\(f.raw(field))'"))
        }
        let indicator = b[78]
        if indicator != UInt8(ascii: "0") && indicator != UInt8(ascii: "1") {
            report(f.diagnostic("nacha.addenda-indicator", .error, Field.addendaRecordIndicator, "must be 0 or 1", found: "'\(f.raw(Field.addendaRecordIndicator))'"))
        }
        if let trace = ByteScanning.digits(b, Field.traceNumber.range) {
            numbers.traceNumber = trace
        } else {
            numbers.traceNumber = 0
            report(f.diagnostic("nacha.numeric-field", .error, Field.traceNumber, "must be all digits", found: "'\(f.raw(Field.traceNumber))'"))
        }
        if layout == .addendaCount, ByteScanning.digits(b, Field.numberOfAddendaRecords.range) == nil {
            report(f.diagnostic("nacha.numeric-field", .error, Field.numberOfAddendaRecords, "must be all digits", found: "'\(f.raw(Field.numberOfAddendaRecords))'"))
        }
        return EntryDetailRecord(raw: RecordBytes(b), layout: layout, location: f.location)
    }
}

/// Transaction codes of entry detail records (NACHA Operating Rules, Appendix Three).
public enum TransactionCode {
    /// Codes ending in 0-4 credit the receiver; 5-9 debit it. ADV codes 81-88 alternate instead: odd credits, even debits.
    public static func isCredit(_ code: Int) -> Bool { isAdvice(code) ? code % 2 == 1 : (code % 10) <= 4 }
    public static func isDebit(_ code: Int) -> Bool { isAdvice(code) ? code % 2 == 0 : (code % 10) >= 5 }
    public static func isAdvice(_ code: Int) -> Bool { (81...88).contains(code) }
    /// Prenotes (zero-dollar test entries): 23, 28, 33, 38, 43, 48, 53.
    public static func isPrenote(_ code: Int) -> Bool { code < 60 && code % 5 == 3 }
    /// Codes that carry no money: prenotes and zero-dollar entries with remittance (24, 29, 34, 39, 44, 49, 54).
    public static func isZeroDollar(_ code: Int) -> Bool { code < 60 && (code % 5 == 3 || code % 5 == 4) }
    /// Return and NOC codes: 21, 26, 31, 36, 41, 46, 51, 56.
    public static func isReturnOrChange(_ code: Int) -> Bool { code < 60 && code % 5 == 1 }

    public static func describe(_ code: Int) -> String? { descriptions[code] }

    private static let known: [Bool] = (0..<100).map { descriptions[$0] != nil }
    /// A code the Operating Rules define (a table look-up: this runs for every entry).
    @inline(__always)
    public static func isKnown(_ code: Int) -> Bool { code >= 0 && code < 100 && known[code] }

    static let descriptions: [Int: String] = [
        21: "checking credit return or NOC", 22: "checking credit", 23: "checking credit prenote", 24: "checking zero-dollar credit with remittance",
        26: "checking debit return or NOC", 27: "checking debit", 28: "checking debit prenote", 29: "checking zero-dollar debit with remittance",
        31: "savings credit return or NOC", 32: "savings credit", 33: "savings credit prenote", 34: "savings zero-dollar credit with remittance",
        36: "savings debit return or NOC", 37: "savings debit", 38: "savings debit prenote", 39: "savings zero-dollar debit with remittance",
        41: "general ledger credit return or NOC", 42: "general ledger credit", 43: "general ledger credit prenote", 44: "general ledger zero-dollar credit",
        46: "general ledger debit return or NOC", 47: "general ledger debit", 48: "general ledger debit prenote", 49: "general ledger zero-dollar debit",
        51: "loan account credit return or NOC", 52: "loan account credit", 53: "loan account credit prenote", 54: "loan account zero-dollar credit",
        55: "loan account debit (reversals only)", 56: "loan account debit return or NOC",
        81: "ADV credit for ACH debits originated", 82: "ADV debit for ACH credits received", 83: "ADV credit for ACH credits in rejected batches",
        84: "ADV debit for ACH debits in rejected batches", 85: "ADV credit summary for ACH credits", 86: "ADV debit summary for ACH debits",
        87: "ADV credit adjustment", 88: "ADV debit adjustment",
    ]
}
