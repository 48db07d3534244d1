import Core

/// The Company/Batch Control Record (type 8): counts and totals the batch must agree with.
public struct BatchControlRecord: Sendable, Hashable {
    public var serviceClassCode: Int
    public var entryAddendaCount: Int
    public var entryHash: Int64
    public var totalDebitCents: Int64
    public var totalCreditCents: Int64
    public var companyIdentification: String
    public var originatingDFI: String
    public var batchNumber: Int
    public var location: SourceLocation

    enum Field {
        static let serviceClassCode = NACHAField("Service Class Code", 2, 4)
        static let entryAddendaCount = NACHAField("Entry/Addenda Count", 5, 10)
        static let entryHash = NACHAField("Entry Hash", 11, 20)
        static let totalDebit = NACHAField("Total Debit Entry Dollar Amount", 21, 32)
        static let totalCredit = NACHAField("Total Credit Entry Dollar Amount", 33, 44)
        static let companyIdentification = NACHAField("Company Identification", 45, 54)
        static let originatingDFI = NACHAField("Originating DFI Identification", 80, 87)
        static let batchNumber = NACHAField("Batch Number", 88, 94)
        // ADV: 20-digit totals.
        static let advTotalDebit = NACHAField("Total Debit Entry Dollar Amount", 21, 40)
        static let advTotalCredit = NACHAField("Total Credit Entry Dollar Amount", 41, 60)
    }

    static func parse(_ f: RecordFields, advice: Bool, diagnostics: inout DiagnosticList) -> BatchControlRecord {
        BatchControlRecord(
            serviceClassCode: f.requiredNumber(Field.serviceClassCode, into: &diagnostics).map(Int.init) ?? 0,
            entryAddendaCount: f.requiredNumber(Field.entryAddendaCount, into: &diagnostics).map(Int.init) ?? 0,
            entryHash: f.requiredNumber(Field.entryHash, into: &diagnostics) ?? 0,
            totalDebitCents: f.requiredNumber(advice ? Field.advTotalDebit : Field.totalDebit, into: &diagnostics) ?? 0,
            totalCreditCents: f.requiredNumber(advice ? Field.advTotalCredit : Field.totalCredit, into: &diagnostics) ?? 0,
            companyIdentification: advice ? "" : f.text(Field.companyIdentification),
            originatingDFI: f.raw(Field.originatingDFI),
            batchNumber: f.requiredNumber(Field.batchNumber, into: &diagnostics).map(Int.init) ?? 0,
            location: f.location)
    }
}

/// The File Control Record (type 9): batch, block and entry counts and the file's totals.
public struct FileControlRecord: Sendable, Hashable {
    public var batchCount: Int
    public var blockCount: Int
    public var entryAddendaCount: Int
    public var entryHash: Int64
    public var totalDebitCents: Int64
    public var totalCreditCents: Int64
    public var location: SourceLocation

    enum Field {
        static let batchCount = NACHAField("Batch Count", 2, 7)
        static let blockCount = NACHAField("Block Count", 8, 13)
        static let entryAddendaCount = NACHAField("Entry/Addenda Count", 14, 21)
        static let entryHash = NACHAField("Entry Hash", 22, 31)
        static let totalDebit = NACHAField("Total Debit Entry Dollar Amount in File", 32, 43)
        static let totalCredit = NACHAField("Total Credit Entry Dollar Amount in File", 44, 55)
        static let advTotalDebit = NACHAField("Total Debit Entry Dollar Amount in File", 32, 51)
        static let advTotalCredit = NACHAField("Total Credit Entry Dollar Amount in File", 52, 71)
    }

    static func parse(_ f: RecordFields, advice: Bool, diagnostics: inout DiagnosticList) -> FileControlRecord {
        FileControlRecord(
            batchCount: f.requiredNumber(Field.batchCount, into: &diagnostics, severity: .fatal).map(Int.init) ?? 0,
            blockCount: f.requiredNumber(Field.blockCount, into: &diagnostics, severity: .fatal).map(Int.init) ?? 0,
            entryAddendaCount: f.requiredNumber(Field.entryAddendaCount, into: &diagnostics, severity: .fatal).map(Int.init) ?? 0,
            entryHash: f.requiredNumber(Field.entryHash, into: &diagnostics, severity: .fatal) ?? 0,
            totalDebitCents: f.requiredNumber(advice ? Field.advTotalDebit : Field.totalDebit, into: &diagnostics, severity: .fatal) ?? 0,
            totalCreditCents: f.requiredNumber(advice ? Field.advTotalCredit : Field.totalCredit, into: &diagnostics, severity: .fatal) ?? 0,
            location: f.location)
    }
}
