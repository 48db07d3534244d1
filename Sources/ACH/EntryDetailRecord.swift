import Core

/// The Entry Detail Record (type 6): one payment — receiving bank and account, amount, the receiver, trace number.
public struct EntryDetailRecord: Sendable, Hashable {
    public var transactionCode: Int
    /// First eight digits of the receiving bank's routing number.
    public var receivingDFI: String
    public var checkDigit: String
    public var dfiAccountNumber: String
    public var amountCents: Int64
    /// CCD: the receiver's identification number; PPD: individual id; CTX: identification number.
    public var identificationNumber: String
    /// CCD/CTX: receiving company name; PPD: individual name.
    public var receiverName: String
    public var discretionaryData: String
    public var addendaRecordIndicator: Bool
    /// CTX/ATX/TRX: number of addenda records announced in positions 55-58; IAT: positions 13-16.
    public var announcedAddendaCount: Int?
    public var traceNumber: String
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
    }

    public var isCredit: Bool { TransactionCode.isCredit(transactionCode) }
    public var isDebit: Bool { TransactionCode.isDebit(transactionCode) }
    /// Signed from the receiver's side: credits positive, debits negative.
    public var signedAmountCents: Int64 { isDebit ? -amountCents : amountCents }
    /// The last seven digits of the trace number, which addenda repeat as the entry detail sequence number.
    public var sequenceNumber: Substring { traceNumber.suffix(7) }

    static func parse(_ f: RecordFields, sec: StandardEntryClass, diagnostics: inout DiagnosticList) -> EntryDetailRecord {
        let code = f.requiredNumber(Field.transactionCode, into: &diagnostics).map(Int.init) ?? 0
        if code != 0, TransactionCode.describe(code) == nil {
            diagnostics.append(f.diagnostic("nacha.transaction-code", .error, Field.transactionCode, "unknown transaction code", found: String(code)))
        }
        let rdfi = f.raw(Field.receivingDFI)
        let check = f.raw(Field.checkDigit)
        let rdfiDigits = Array(rdfi.utf8)
        if let expected = RoutingNumber.checkDigit(forFirstEight: rdfiDigits) {
            if check != String(expected) {
                diagnostics.append(f.diagnostic("nacha.routing-check-digit", .error, Field.checkDigit, "routing number check digit is wrong",
                                                expected: String(expected), found: check))
            }
        } else {
            diagnostics.append(f.diagnostic("nacha.numeric-field", .error, Field.receivingDFI, "must be all digits", found: "'\(rdfi)'"))
        }
        let amount = sec == .adv ? 0 : (f.requiredNumber(Field.amount, into: &diagnostics) ?? 0)
        let indicatorByte = f.byte(79)
        if indicatorByte != UInt8(ascii: "0") && indicatorByte != UInt8(ascii: "1") {
            diagnostics.append(f.diagnostic("nacha.addenda-indicator", .error, Field.addendaRecordIndicator, "must be 0 or 1", found: "'\(f.raw(Field.addendaRecordIndicator))'"))
        }
        let trace = f.raw(Field.traceNumber)
        if f.number(Field.traceNumber) == nil {
            diagnostics.append(f.diagnostic("nacha.numeric-field", .error, Field.traceNumber, "must be all digits", found: "'\(trace)'"))
        }
        var entry = EntryDetailRecord(
            transactionCode: code, receivingDFI: rdfi, checkDigit: check,
            dfiAccountNumber: f.text(Field.dfiAccountNumber), amountCents: amount,
            identificationNumber: f.text(Field.identificationNumber), receiverName: f.text(Field.individualName),
            discretionaryData: f.raw(Field.discretionaryData), addendaRecordIndicator: indicatorByte == UInt8(ascii: "1"),
            announcedAddendaCount: nil, traceNumber: trace, location: f.location)
        if sec.usesAddendaCountLayout {
            entry.receiverName = f.text(Field.receivingCompanyName)
            if let n = f.number(Field.numberOfAddendaRecords) {
                entry.announcedAddendaCount = Int(n)
            } else {
                diagnostics.append(f.diagnostic("nacha.numeric-field", .error, Field.numberOfAddendaRecords, "must be all digits", found: "'\(f.raw(Field.numberOfAddendaRecords))'"))
            }
        } else if sec == .adv {
            // ADV: account 13-27, a 12-digit amount 28-39, advice routing number 40-48.
            entry.dfiAccountNumber = f.text(NACHAField("DFI Account Number", 13, 27))
            entry.amountCents = f.number(NACHAField("Amount", 28, 39)) ?? 0
            entry.identificationNumber = f.text(NACHAField("Advice Routing Number", 40, 48))
        } else if sec == .iat {
            entry.dfiAccountNumber = f.text(Field.iatAccountNumber)
            entry.identificationNumber = ""
            entry.receiverName = ""
            entry.announcedAddendaCount = f.number(Field.iatNumberOfAddenda).map(Int.init)
        }
        return entry
    }
}

/// Transaction codes of entry detail records (NACHA Operating Rules, Appendix Three).
public enum TransactionCode {
    /// Codes ending in 0-4 credit the receiver; 5-9 debit it. 21/31/41/51 and 26/36/46/56 are returns and NOCs.
    /// ADV codes 81-88 alternate instead: odd credits, even debits.
    public static func isCredit(_ code: Int) -> Bool { isAdvice(code) ? code % 2 == 1 : (code % 10) <= 4 }
    public static func isDebit(_ code: Int) -> Bool { isAdvice(code) ? code % 2 == 0 : (code % 10) >= 5 }
    public static func isAdvice(_ code: Int) -> Bool { (81...88).contains(code) }
    /// Prenotes (zero-dollar test entries): 23, 28, 33, 38, 43, 48, 53.
    public static func isPrenote(_ code: Int) -> Bool { [23, 28, 33, 38, 43, 48, 53].contains(code) }
    /// Codes that carry no money: prenotes and zero-dollar entries with remittance (24, 29, 34, 39, 44, 49, 54).
    public static func isZeroDollar(_ code: Int) -> Bool { isPrenote(code) || [24, 29, 34, 39, 44, 49, 54].contains(code) }

    public static func describe(_ code: Int) -> String? { descriptions[code] }

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
