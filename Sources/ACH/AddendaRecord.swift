import Core

/// An Addenda Record (type 7) in the form its type code gives it.
public enum AddendaRecord: Sendable, Hashable {
    case paymentRelated(Addenda05)
    case terminal(Addenda02)
    case notificationOfChange(Addenda98)
    case returnEntry(Addenda99)
    /// IAT addenda 10-18.
    case international(AddendaIAT)
    case unknown(raw: RecordBytes, location: SourceLocation)

    public var typeCode: Int {
        switch self {
        case .paymentRelated: return 5
        case .terminal: return 2
        case .notificationOfChange: return 98
        case .returnEntry: return 99
        case let .international(a): return a.typeCode
        case let .unknown(raw, _): return Int(raw.number(AddendaRecord.typeCodeField) ?? 0)
        }
    }

    public var location: SourceLocation {
        switch self {
        case let .paymentRelated(a): return a.location
        case let .terminal(a): return a.location
        case let .notificationOfChange(a): return a.location
        case let .returnEntry(a): return a.location
        case let .international(a): return a.location
        case let .unknown(_, location): return location
        }
    }

    static let typeCodeField = NACHAField("Addenda Type Code", 2, 3)

    static func parse(_ f: RecordFields, report: (Diagnostic) -> Void) -> AddendaRecord {
        let b = f.bytes
        let raw = RecordBytes(b)
        let d0 = b[1] &- 0x30, d1 = b[2] &- 0x30
        let code = d0 < 10 && d1 < 10 ? Int(d0) * 10 + Int(d1) : -1
        switch code {
        case 5:
            let entrySequence = Addenda05.Field.entryDetailSequenceNumber
            if !ByteScanning.isDigitsWithSpaces(b, entrySequence.range) {
                report(f.diagnostic("nacha.numeric-field", .error, entrySequence, "must be digits", found: "'\(f.raw(entrySequence))'"))
            }
            return .paymentRelated(Addenda05(raw: raw, location: f.location))
        case 2: return .terminal(Addenda02(raw: raw, location: f.location))
        case 98:
            let a = Addenda98(raw: raw, location: f.location)
            if ChangeCode.describe(a.changeCode) == nil {
                report(f.diagnostic("nacha.change-code", .error, Addenda98.Field.changeCode, "unknown change code", expected: "C01-C14 or C61-C69", found: "'\(a.changeCode)'"))
            }
            return .notificationOfChange(a)
        case 99:
            let a = Addenda99(raw: raw, location: f.location)
            if ReturnReasonCode.describe(a.returnReasonCode) == nil {
                report(f.diagnostic("nacha.return-reason-code", .error, Addenda99.Field.returnReasonCode, "unknown return reason code", expected: "R01-R85", found: "'\(a.returnReasonCode)'"))
            }
            return .returnEntry(a)
        case 10...18:
            if code == 10 {
                let typeField = NACHAField("Transaction Type Code", 4, 6)
                if !AddendaIAT.transactionTypeCodes.contains(f.raw(typeField)) {
                    report(f.diagnostic("nacha.iat-transaction-type", .error, typeField, "is not an IAT transaction type code",
                                        expected: "ANN, BUS, DEP, LOA, MIS, MOR, PEN, RLS, REM, SAL, TAX, TEL, WEB, ARC, BOC, POP, RCK", found: "'\(f.raw(typeField))'"))
                }
            }
            return .international(AddendaIAT(raw: raw, location: f.location))
        default:
            report(f.diagnostic("nacha.addenda-type", .error, typeCodeField, "unknown addenda type code", expected: "02, 05, 10-18, 98 or 99", found: "'\(f.raw(typeCodeField))'"))
            return .unknown(raw: raw, location: f.location)
        }
    }
}

/// Addenda 05: payment related information — in CCD+ one X12 segment (often `RMR`), in CTX a piece of an X12 820.
public struct Addenda05: Sendable, Hashable {
    public let raw: RecordBytes
    public var location: SourceLocation

    enum Field {
        static let paymentRelatedInformation = NACHAField("Payment Related Information", 4, 83)
        static let sequenceNumber = NACHAField("Addenda Sequence Number", 84, 87)
        static let entryDetailSequenceNumber = NACHAField("Entry Detail Sequence Number", 88, 94)
    }

    /// Positions 4-83, trailing spaces removed.
    public var paymentRelatedInformation: String { raw.text(Field.paymentRelatedInformation) }
    /// Positions 4-83 exactly, spaces kept: CTX segments may continue across addenda.
    public var rawPaymentInformation: String { raw.raw(Field.paymentRelatedInformation) }
    public var sequenceNumber: Int { Int(raw.number(Field.sequenceNumber) ?? 0) }
    public var entryDetailSequenceNumber: String { raw.raw(Field.entryDetailSequenceNumber) }
}

/// Addenda 02: terminal data of POS, SHR and MTE entries.
public struct Addenda02: Sendable, Hashable {
    public let raw: RecordBytes
    public var location: SourceLocation
    public var text: String { raw.text(NACHAField("Terminal Data", 4, 94)) }
}

/// IAT addenda 10-18: the parties, addresses and correspondent banks of an international entry.
public struct AddendaIAT: Sendable, Hashable {
    /// Addenda 10, positions 4-6: what the international payment is for.
    static let transactionTypeCodes: Set<String> = ["ANN", "BUS", "DEP", "LOA", "MIS", "MOR", "PEN", "RLS", "REM", "SAL", "TAX", "TEL", "WEB", "ARC", "BOC", "POP", "RCK"]

    public let raw: RecordBytes
    public var location: SourceLocation
    public var typeCode: Int { Int(raw.number(AddendaRecord.typeCodeField) ?? 0) }
    public var text: String { raw.text(NACHAField("Addenda Information", 4, 87)) }
}

/// An addenda record that answers an earlier entry: a notification of change (98) or a return (99). Both name that
/// entry by its trace number and receiving bank, and end with their own trace number, at the same positions
/// (NACHA Operating Rules, Appendix Four and Five).
public protocol OriginalEntryAddenda {
    var raw: RecordBytes { get }
}

/// The positions addenda 98 and 99 share.
enum OriginalEntryField {
    static let originalEntryTraceNumber = NACHAField("Original Entry Trace Number", 7, 21)
    static let originalReceivingDFI = NACHAField("Original Receiving DFI Identification", 28, 35)
    static let traceNumber = NACHAField("Trace Number", 80, 94)
}

extension OriginalEntryAddenda {
    public var originalEntryTraceNumber: String { raw.raw(OriginalEntryField.originalEntryTraceNumber) }
    public var originalReceivingDFI: String { raw.raw(OriginalEntryField.originalReceivingDFI) }
    public var traceNumber: String { raw.raw(OriginalEntryField.traceNumber) }
}

/// Addenda 98: a notification of change — the receiving bank's corrected data for an earlier entry.
/// Change codes C61-C69 (refused NOCs) use the same record.
public struct Addenda98: OriginalEntryAddenda, Sendable, Hashable {
    public let raw: RecordBytes
    public var location: SourceLocation

    enum Field {
        static let changeCode = NACHAField("Change Code", 4, 6)
        static let correctedData = NACHAField("Corrected Data", 36, 64)
    }

    public var changeCode: String { raw.raw(Field.changeCode) }
    public var correctedData: String { raw.text(Field.correctedData) }
    public var isRefusal: Bool { ChangeCode.isRefusal(changeCode) }

    /// The corrected data split as the change code lays it out (NACHA Operating Rules, Appendix Five).
    public var correction: ChangeCode.Correction { ChangeCode.Correction(code: changeCode, correctedData: raw.raw(Field.correctedData)) }
}

/// Addenda 99: a return — why an earlier entry came back, and which one. Dishonored (R61, R62, R67-R70) and
/// contested dishonored returns (R71-R77) use the same record type.
public struct Addenda99: OriginalEntryAddenda, Sendable, Hashable {
    public let raw: RecordBytes
    public var location: SourceLocation

    enum Field {
        static let returnReasonCode = NACHAField("Return Reason Code", 4, 6)
        static let dateOfDeath = NACHAField("Date of Death", 22, 27)
        static let addendaInformation = NACHAField("Addenda Information", 36, 79)
        // Dishonored and contested dishonored returns: the return they answer, at the same positions in both layouts.
        static let returnTraceNumber = NACHAField("Return Trace Number", 39, 53)
        static let returnSettlementDate = NACHAField("Return Settlement Date", 54, 56)
        static let originalReturnReasonCode = NACHAField("Return Reason Code", 57, 58)
    }

    public var returnReasonCode: String { raw.raw(Field.returnReasonCode) }
    public var dateOfDeath: String { raw.text(Field.dateOfDeath) }
    public var addendaInformation: String { raw.text(Field.addendaInformation) }

    public var isDishonored: Bool { ["R61", "R62", "R67", "R68", "R69", "R70"].contains(returnReasonCode) }
    public var isContested: Bool { ["R71", "R72", "R73", "R74", "R75", "R76", "R77"].contains(returnReasonCode) }
    public var reasonDescription: String? { ReturnReasonCode.describe(returnReasonCode) }

    /// The fields of a dishonored return (R61, R62, R67-R70): the ODFI refuses a return it received.
    public struct Dishonored: Sendable, Hashable {
        public init(returnTraceNumber: String, returnSettlementDate: String, originalReturnReasonCode: String, addendaInformation: String) {
            self.returnTraceNumber = returnTraceNumber
            self.returnSettlementDate = returnSettlementDate
            self.originalReturnReasonCode = originalReturnReasonCode
            self.addendaInformation = addendaInformation
        }
        public var returnTraceNumber: String
        public var returnSettlementDate: String
        public var originalReturnReasonCode: String
        public var addendaInformation: String
    }

    /// The fields of a contested dishonored return (R71-R77): the RDFI answers a dishonored return.
    public struct Contested: Sendable, Hashable {
        public init(dateOriginalEntryReturned: String, originalSettlementDate: String, returnTraceNumber: String, returnSettlementDate: String,
                    returnReasonCode: String, dishonoredReturnTraceNumber: String, dishonoredReturnSettlementDate: String, dishonoredReturnReasonCode: String) {
            self.dateOriginalEntryReturned = dateOriginalEntryReturned
            self.originalSettlementDate = originalSettlementDate
            self.returnTraceNumber = returnTraceNumber
            self.returnSettlementDate = returnSettlementDate
            self.returnReasonCode = returnReasonCode
            self.dishonoredReturnTraceNumber = dishonoredReturnTraceNumber
            self.dishonoredReturnSettlementDate = dishonoredReturnSettlementDate
            self.dishonoredReturnReasonCode = dishonoredReturnReasonCode
        }
        public var dateOriginalEntryReturned: String
        public var originalSettlementDate: String
        public var returnTraceNumber: String
        public var returnSettlementDate: String
        public var returnReasonCode: String
        public var dishonoredReturnTraceNumber: String
        public var dishonoredReturnSettlementDate: String
        public var dishonoredReturnReasonCode: String
    }

    /// Positions 39-79 in the dishonored layout; nil for other return codes.
    public var dishonored: Dishonored? {
        guard isDishonored else { return nil }
        return Dishonored(returnTraceNumber: raw.raw(Field.returnTraceNumber),
                          returnSettlementDate: raw.text(Field.returnSettlementDate),
                          originalReturnReasonCode: raw.text(Field.originalReturnReasonCode),
                          addendaInformation: raw.text(NACHAField("Addenda Information", 59, 79)))
    }

    /// Positions 22-78 in the contested layout; nil for other return codes.
    public var contested: Contested? {
        guard isContested else { return nil }
        return Contested(dateOriginalEntryReturned: raw.text(NACHAField("Date Original Entry Returned", 22, 27)),
                         originalSettlementDate: raw.text(NACHAField("Original Settlement Date", 36, 38)),
                         returnTraceNumber: raw.raw(Field.returnTraceNumber),
                         returnSettlementDate: raw.text(Field.returnSettlementDate),
                         returnReasonCode: raw.text(Field.originalReturnReasonCode),
                         dishonoredReturnTraceNumber: raw.raw(NACHAField("Dishonored Return Trace Number", 59, 73)),
                         dishonoredReturnSettlementDate: raw.text(NACHAField("Dishonored Return Settlement Date", 74, 76)),
                         dishonoredReturnReasonCode: raw.text(NACHAField("Dishonored Return Reason Code", 77, 78)))
    }
}
