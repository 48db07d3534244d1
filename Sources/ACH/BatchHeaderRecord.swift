import Core

/// The Company/Batch Header Record (type 5): the originator, the SEC code and the effective entry date of a batch.
/// IAT batches use their own layout for positions 5-50 and 64-69; the fields common to both are kept here.
public struct BatchHeaderRecord: Sendable, Hashable {
    public var serviceClassCode: Int
    public var companyName: String
    public var companyDiscretionaryData: String
    public var companyIdentification: String
    public var standardEntryClass: StandardEntryClass
    public var companyEntryDescription: String
    public var companyDescriptiveDate: String
    public var effectiveEntryDate: Day?
    public var settlementDateJulian: String
    public var originatorStatusCode: String
    public var originatingDFI: String
    public var batchNumber: Int
    /// IAT only: ISO 4217 originating and destination currency codes (positions 64-66 and 67-69).
    public var iatCurrencies: (originating: String, destination: String)? {
        get { iatOriginatingCurrency.isEmpty ? nil : (iatOriginatingCurrency, iatDestinationCurrency) }
    }
    var iatOriginatingCurrency = ""
    var iatDestinationCurrency = ""
    /// The header uses the IAT layout: an IAT batch, or an IAT return or NOC batch (SEC COR with the IAT indicator).
    public var isIATLayout = false
    public var location: SourceLocation

    public static func == (a: BatchHeaderRecord, b: BatchHeaderRecord) -> Bool {
        a.location == b.location && a.batchNumber == b.batchNumber && a.companyIdentification == b.companyIdentification
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(location); hasher.combine(batchNumber) }

    enum Field {
        static let serviceClassCode = NACHAField("Service Class Code", 2, 4)
        static let companyName = NACHAField("Company Name", 5, 20)
        static let companyDiscretionaryData = NACHAField("Company Discretionary Data", 21, 40)
        static let companyIdentification = NACHAField("Company Identification", 41, 50)
        static let standardEntryClass = NACHAField("Standard Entry Class Code", 51, 53)
        static let companyEntryDescription = NACHAField("Company Entry Description", 54, 63)
        static let companyDescriptiveDate = NACHAField("Company Descriptive Date", 64, 69)
        static let effectiveEntryDate = NACHAField("Effective Entry Date", 70, 75)
        static let settlementDate = NACHAField("Settlement Date", 76, 78)
        static let originatorStatusCode = NACHAField("Originator Status Code", 79, 79)
        static let originatingDFI = NACHAField("Originating DFI Identification", 80, 87)
        static let batchNumber = NACHAField("Batch Number", 88, 94)
        static let iatOriginatingCurrency = NACHAField("ISO Originating Currency Code", 64, 66)
        static let iatDestinationCurrency = NACHAField("ISO Destination Currency Code", 67, 69)
    }

    static func parse(_ f: RecordFields, diagnostics: inout DiagnosticList) -> BatchHeaderRecord {
        let serviceClass = f.requiredNumber(Field.serviceClassCode, into: &diagnostics).map(Int.init) ?? 0
        if serviceClass != 0, !ServiceClass.known.contains(serviceClass) {
            diagnostics.append(f.diagnostic("nacha.service-class", .error, Field.serviceClassCode, "unknown service class code", expected: "200, 220, 225 or 280", found: String(serviceClass)))
        }
        let secText = f.raw(Field.standardEntryClass)
        let sec = StandardEntryClass(rawValue: secText) ?? .unknown
        if sec == .unknown {
            diagnostics.append(f.diagnostic("nacha.sec-code", .error, Field.standardEntryClass, "unknown Standard Entry Class code", found: "'\(secText)'"))
        }
        let effective = f.day(Field.effectiveEntryDate)
        if effective == nil, f.raw(Field.effectiveEntryDate).trimmingSpaces != "" { diagnostics.append(f.notADay(Field.effectiveEntryDate)) }
        let odfi = f.raw(Field.originatingDFI)
        if f.number(Field.originatingDFI) == nil {
            diagnostics.append(f.diagnostic("nacha.numeric-field", .error, Field.originatingDFI, "must be all digits", found: "'\(odfi)'"))
        }
        let batchNumber = f.requiredNumber(Field.batchNumber, into: &diagnostics).map(Int.init) ?? 0
        let iatLayout = sec == .iat || (sec == .cor && f.raw(NACHAField("IAT Indicator", 5, 7)) == "IAT")
        if !iatLayout, sec != .adv {
            if ByteScanning.isZerosAndSpaces(f.bytes, Field.companyName.range) {
                diagnostics.append(f.diagnostic("nacha.company-name", .error, Field.companyName, "is required (found only spaces or zeros)"))
            }
            if ByteScanning.isZerosAndSpaces(f.bytes, Field.companyEntryDescription.range) {
                diagnostics.append(f.diagnostic("nacha.company-entry-description", .error, Field.companyEntryDescription, "is required (found only spaces or zeros)"))
            }
        }
        var header = BatchHeaderRecord(
            serviceClassCode: serviceClass,
            companyName: iatLayout ? "" : f.text(Field.companyName),
            companyDiscretionaryData: iatLayout ? "" : f.text(Field.companyDiscretionaryData),
            companyIdentification: f.text(Field.companyIdentification),
            standardEntryClass: sec,
            companyEntryDescription: f.text(Field.companyEntryDescription),
            companyDescriptiveDate: iatLayout ? "" : f.text(Field.companyDescriptiveDate),
            effectiveEntryDate: effective,
            settlementDateJulian: f.text(Field.settlementDate),
            originatorStatusCode: f.raw(Field.originatorStatusCode),
            originatingDFI: odfi, batchNumber: batchNumber, location: f.location)
        header.isIATLayout = iatLayout
        if iatLayout {
            header.iatOriginatingCurrency = f.text(Field.iatOriginatingCurrency)
            header.iatDestinationCurrency = f.text(Field.iatDestinationCurrency)
        }
        return header
    }
}

extension String {
    var trimmingSpaces: String { ByteScanning.trimmed(self) }
}

/// Service class codes of the batch header and control.
public enum ServiceClass {
    public static let mixed = 200
    public static let creditsOnly = 220
    public static let debitsOnly = 225
    public static let automatedAccountingAdvices = 280
    static let known: Set<Int> = [200, 220, 225, 280]
}

/// NACHA Standard Entry Class codes.
public enum StandardEntryClass: String, Sendable, CaseIterable {
    case ack = "ACK", adv = "ADV", arc = "ARC", atx = "ATX", boc = "BOC", ccd = "CCD", cie = "CIE", cor = "COR"
    case ctx = "CTX", dne = "DNE", enr = "ENR", iat = "IAT", mte = "MTE", pop = "POP", pos = "POS", ppd = "PPD"
    case rck = "RCK", shr = "SHR", tel = "TEL", trc = "TRC", trx = "TRX", web = "WEB", xck = "XCK"
    case unknown = "???"

    /// Entries whose positions 40-78 carry an addenda count (CTX layout).
    public var usesAddendaCountLayout: Bool { self == .ctx || self == .atx || self == .trx }
}
