import Core

/// An Addenda Record (type 7) in the form its type code gives it.
public enum AddendaRecord: Sendable, Hashable {
    case paymentRelated(Addenda05)
    case terminal(Addenda02)
    case notificationOfChange(Addenda98)
    case returnEntry(Addenda99)
    /// IAT addenda 10-18, kept as their raw text for now.
    case international(typeCode: Int, text: String, location: SourceLocation)
    case unknown(typeCode: String, location: SourceLocation)

    public var typeCode: Int {
        switch self {
        case .paymentRelated: return 5
        case .terminal: return 2
        case .notificationOfChange: return 98
        case .returnEntry: return 99
        case let .international(code, _, _): return code
        case let .unknown(code, _): return Int(code) ?? 0
        }
    }

    static let typeCodeField = NACHAField("Addenda Type Code", 2, 3)

    static func parse(_ f: RecordFields, diagnostics: inout DiagnosticList) -> AddendaRecord {
        switch f.raw(typeCodeField) {
        case "05": return .paymentRelated(Addenda05.parse(f, diagnostics: &diagnostics))
        case "02": return .terminal(Addenda02(text: f.text(NACHAField("Terminal Data", 4, 94)), location: f.location))
        case "98": return .notificationOfChange(Addenda98.parse(f, diagnostics: &diagnostics))
        case "99": return .returnEntry(Addenda99.parse(f, diagnostics: &diagnostics))
        case let code where ["10", "11", "12", "13", "14", "15", "16", "17", "18"].contains(code):
            return .international(typeCode: Int(code)!, text: f.text(NACHAField("Addenda Information", 4, 94)), location: f.location)
        case let code:
            diagnostics.append(f.diagnostic("nacha.addenda-type", .error, typeCodeField, "unknown addenda type code", expected: "02, 05, 10-18, 98 or 99", found: "'\(code)'"))
            return .unknown(typeCode: code, location: f.location)
        }
    }
}

/// Addenda 05: payment related information — in CCD+ one X12 segment (often `RMR`), in CTX a piece of an X12 820.
public struct Addenda05: Sendable, Hashable {
    /// Positions 4-83, trailing spaces removed (CTX pieces are concatenated before trimming: see `rawPaymentInformation`).
    public var paymentRelatedInformation: String
    /// Positions 4-83 exactly, spaces kept: CTX segments may continue across addenda.
    public var rawPaymentInformation: String
    public var sequenceNumber: Int
    public var entryDetailSequenceNumber: String
    public var location: SourceLocation

    static func parse(_ f: RecordFields, diagnostics: inout DiagnosticList) -> Addenda05 {
        let info = NACHAField("Payment Related Information", 4, 83)
        let sequence = NACHAField("Addenda Sequence Number", 84, 87)
        let entrySequence = NACHAField("Entry Detail Sequence Number", 88, 94)
        let seq = f.requiredNumber(sequence, into: &diagnostics).map(Int.init) ?? 0
        _ = f.requiredNumber(entrySequence, into: &diagnostics)
        return Addenda05(paymentRelatedInformation: f.text(info), rawPaymentInformation: f.raw(info), sequenceNumber: seq,
                         entryDetailSequenceNumber: f.raw(entrySequence), location: f.location)
    }
}

/// Addenda 02: terminal data of POS, SHR and MTE entries.
public struct Addenda02: Sendable, Hashable {
    public var text: String
    public var location: SourceLocation
}

/// Addenda 98: a notification of change — the receiving bank's corrected data for an earlier entry.
public struct Addenda98: Sendable, Hashable {
    public var changeCode: String
    public var originalEntryTraceNumber: String
    public var originalReceivingDFI: String
    public var correctedData: String
    public var traceNumber: String
    public var location: SourceLocation

    static func parse(_ f: RecordFields, diagnostics: inout DiagnosticList) -> Addenda98 {
        let code = NACHAField("Change Code", 4, 6)
        let changeCode = f.raw(code)
        if ChangeCode.describe(changeCode) == nil {
            diagnostics.append(f.diagnostic("nacha.change-code", .error, code, "unknown change code", expected: "C01-C14 or C61-C69", found: "'\(changeCode)'"))
        }
        return Addenda98(changeCode: changeCode, originalEntryTraceNumber: f.raw(NACHAField("Original Entry Trace Number", 7, 21)),
                         originalReceivingDFI: f.raw(NACHAField("Original Receiving DFI Identification", 28, 35)),
                         correctedData: f.text(NACHAField("Corrected Data", 36, 64)),
                         traceNumber: f.raw(NACHAField("Trace Number", 80, 94)), location: f.location)
    }
}

/// Addenda 99: a return — why an earlier entry came back, and which one.
public struct Addenda99: Sendable, Hashable {
    public var returnReasonCode: String
    public var originalEntryTraceNumber: String
    public var dateOfDeath: String
    public var originalReceivingDFI: String
    public var addendaInformation: String
    public var traceNumber: String
    public var location: SourceLocation

    public var isDishonored: Bool { ["R61", "R62", "R67", "R68", "R69", "R70"].contains(returnReasonCode) }
    public var isContested: Bool { ["R71", "R72", "R73", "R74", "R75", "R76", "R77"].contains(returnReasonCode) }

    static func parse(_ f: RecordFields, diagnostics: inout DiagnosticList) -> Addenda99 {
        let code = NACHAField("Return Reason Code", 4, 6)
        let reason = f.raw(code)
        if ReturnReasonCode.describe(reason) == nil {
            diagnostics.append(f.diagnostic("nacha.return-reason-code", .error, code, "unknown return reason code", expected: "R01-R85", found: "'\(reason)'"))
        }
        return Addenda99(returnReasonCode: reason, originalEntryTraceNumber: f.raw(NACHAField("Original Entry Trace Number", 7, 21)),
                         dateOfDeath: f.text(NACHAField("Date of Death", 22, 27)),
                         originalReceivingDFI: f.raw(NACHAField("Original Receiving DFI Identification", 28, 35)),
                         addendaInformation: f.text(NACHAField("Addenda Information", 36, 79)),
                         traceNumber: f.raw(NACHAField("Trace Number", 80, 94)), location: f.location)
    }
}
