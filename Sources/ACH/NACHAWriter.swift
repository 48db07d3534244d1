import Core

/// Writes NACHA files: records laid out per the Operating Rules, batch and file controls computed, blocks padded
/// with 9-filled records. Used by our generators (samples, tests, benchmarks), and by anything that originates files.
public struct NACHAWriter: Sendable {
    public struct FileSpec: Sendable {
        public var immediateDestination: String // 9-digit routing
        public var immediateOrigin: String // 10 characters: routing with a leading space, or a company id
        public var creationDay: Day
        public var creationTime: String
        public var fileIDModifier: String
        public var destinationName: String
        public var originName: String
        public var referenceCode: String

        public init(immediateDestination: String, immediateOrigin: String, creationDay: Day, creationTime: String = "0000", fileIDModifier: String = "A",
                    destinationName: String, originName: String, referenceCode: String = "") {
            self.immediateDestination = immediateDestination
            self.immediateOrigin = immediateOrigin
            self.creationDay = creationDay
            self.creationTime = creationTime
            self.fileIDModifier = fileIDModifier
            self.destinationName = destinationName
            self.originName = originName
            self.referenceCode = referenceCode
        }
    }

    public struct EntrySpec: Sendable {
        public var transactionCode: Int
        /// Nine-digit routing number of the receiving bank (check digit included).
        public var receivingRouting: String
        public var accountNumber: String
        public var amountCents: Int64
        public var identificationNumber: String
        public var receiverName: String
        public var discretionaryData: String
        /// Addenda 05 texts (80 characters each at most), or for CTX one X12 text split over as many addenda as it needs.
        public var paymentRelatedInformation: [String]
        /// Addenda 99 / 98, written as raw 94-character records after the entry (returns, NOCs).
        public var rawAddenda: [String]
        /// The entry's 15-digit trace number; nil: the batch's ODFI and the entry's place in the batch.
        public var traceNumber: String? = nil

        public init(transactionCode: Int, receivingRouting: String, accountNumber: String, amountCents: Int64, identificationNumber: String = "",
                    receiverName: String, discretionaryData: String = "", paymentRelatedInformation: [String] = [], rawAddenda: [String] = []) {
            self.transactionCode = transactionCode
            self.receivingRouting = receivingRouting
            self.accountNumber = accountNumber
            self.amountCents = amountCents
            self.identificationNumber = identificationNumber
            self.receiverName = receiverName
            self.discretionaryData = discretionaryData
            self.paymentRelatedInformation = paymentRelatedInformation
            self.rawAddenda = rawAddenda
        }
    }

    public struct BatchSpec: Sendable {
        public var serviceClassCode: Int
        public var companyName: String
        public var companyDiscretionaryData: String
        public var companyIdentification: String
        public var standardEntryClass: StandardEntryClass
        public var entryDescription: String
        public var descriptiveDate: String
        public var effectiveEntryDay: Day
        /// First eight digits of the originating bank's routing number; trace numbers start with it.
        public var originatingDFI: String
        public var entries: [EntrySpec]

        public init(serviceClassCode: Int, companyName: String, companyDiscretionaryData: String = "", companyIdentification: String,
                    standardEntryClass: StandardEntryClass, entryDescription: String, descriptiveDate: String = "", effectiveEntryDay: Day,
                    originatingDFI: String, entries: [EntrySpec]) {
            self.serviceClassCode = serviceClassCode
            self.companyName = companyName
            self.companyDiscretionaryData = companyDiscretionaryData
            self.companyIdentification = companyIdentification
            self.standardEntryClass = standardEntryClass
            self.entryDescription = entryDescription
            self.descriptiveDate = descriptiveDate
            self.effectiveEntryDay = effectiveEntryDay
            self.originatingDFI = originatingDFI
            self.entries = entries
        }
    }

    public var lineEnding: String

    public init(lineEnding: String = "\n") { self.lineEnding = lineEnding }

    /// Padding of each width a field needs, made once.
    private static let spaces: [String] = (0..<95).map { String(repeating: " ", count: $0) }

    public static func alpha(_ s: String, _ width: Int) -> String {
        // Printable ASCII (nearly every field): its bytes as they are, cut or padded.
        let utf8 = s.utf8
        if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            let count = utf8.count
            if count == width { return s }
            if count > width { return String(decoding: utf8.prefix(width), as: UTF8.self) }
            return width - count < spaces.count ? s + spaces[width - count] : s + String(repeating: " ", count: width - count)
        }
        let ascii = String(s.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : " " })
        return ascii.count >= width ? String(ascii.prefix(width)) : ascii + String(repeating: " ", count: width - ascii.count)
    }

    static func numeric(_ value: Int64, _ width: Int) -> String {
        let s = String(value)
        let count = s.utf8.count
        return count >= width ? String(decoding: s.utf8.suffix(width), as: UTF8.self) : String(repeating: "0", count: width - count) + s
    }

    public static func yymmdd(_ day: Day) -> String {
        let c = day.components
        return numeric(Int64(c.year % 100), 2) + numeric(Int64(c.month), 2) + numeric(Int64(c.day), 2)
    }

    /// Splits text into 80-character addenda pieces (CTX: one X12 820 over many addenda).
    public static func addendaPieces(_ text: String) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(80)))
            rest = rest.dropFirst(80)
        }
        return pieces
    }

    /// The file's records, without line endings.
    public func records(file: FileSpec, batches: [BatchSpec]) -> [String] {
        var records: [String] = []
        stream(file: file, batches: batches) { records.append($0) }
        return records
    }

    /// Emits the file's records one at a time (without line endings), so a file of any size can be written
    /// without holding it: batches may be a lazy sequence.
    public func stream(file: FileSpec, batches: some Sequence<BatchSpec>, emit: (String) -> Void) {
        var recordCount = 0
        func append(_ record: String) {
            recordCount += 1
            emit(record)
        }
        var batchCount = 0
        append("101" + NACHAWriter.alpha(" " + file.immediateDestination, 10) + NACHAWriter.alpha(file.immediateOrigin, 10)
                       + NACHAWriter.yymmdd(file.creationDay) + NACHAWriter.alpha(file.creationTime, 4) + NACHAWriter.alpha(file.fileIDModifier, 1)
                       + "094101" + NACHAWriter.alpha(file.destinationName, 23) + NACHAWriter.alpha(file.originName, 23) + NACHAWriter.alpha(file.referenceCode, 8))
        var fileEntryAddenda = 0
        var fileHash: Int64 = 0
        var fileDebit: Int64 = 0
        var fileCredit: Int64 = 0
        for (batchIndex, batch) in batches.enumerated() {
            batchCount += 1
            let batchNumber = Int64(batchIndex + 1)
            append("5" + NACHAWriter.numeric(Int64(batch.serviceClassCode), 3) + NACHAWriter.alpha(batch.companyName, 16)
                           + NACHAWriter.alpha(batch.companyDiscretionaryData, 20) + NACHAWriter.alpha(batch.companyIdentification, 10)
                           + batch.standardEntryClass.rawValue + NACHAWriter.alpha(batch.entryDescription, 10) + NACHAWriter.alpha(batch.descriptiveDate, 6)
                           + NACHAWriter.yymmdd(batch.effectiveEntryDay) + "   " + "1" + NACHAWriter.alpha(batch.originatingDFI, 8) + NACHAWriter.numeric(batchNumber, 7))
            var count = 0
            var hash: Int64 = 0
            var debit: Int64 = 0
            var credit: Int64 = 0
            for (entryIndex, entry) in batch.entries.enumerated() {
                let trace = entry.traceNumber ?? NACHAWriter.alpha(batch.originatingDFI, 8) + NACHAWriter.numeric(Int64(entryIndex + 1), 7)
                let sequence = Int64(trace.suffix(7)) ?? Int64(entryIndex + 1)
                let pieces = batch.standardEntryClass.usesAddendaCountLayout
                    ? entry.paymentRelatedInformation.flatMap(NACHAWriter.addendaPieces) : entry.paymentRelatedInformation
                let addendaCount = pieces.count + entry.rawAddenda.count
                let rdfi = String(entry.receivingRouting.prefix(8))
                let check = String(entry.receivingRouting.dropFirst(8).prefix(1))
                var record = "6" + NACHAWriter.numeric(Int64(entry.transactionCode), 2) + NACHAWriter.alpha(rdfi, 8) + NACHAWriter.alpha(check, 1)
                    + NACHAWriter.alpha(entry.accountNumber, 17) + NACHAWriter.numeric(entry.amountCents, 10) + NACHAWriter.alpha(entry.identificationNumber, 15)
                if batch.standardEntryClass.usesAddendaCountLayout {
                    record += NACHAWriter.numeric(Int64(addendaCount), 4) + NACHAWriter.alpha(entry.receiverName, 16) + "  "
                } else {
                    record += NACHAWriter.alpha(entry.receiverName, 22)
                }
                record += NACHAWriter.alpha(entry.discretionaryData, 2) + (addendaCount > 0 ? "1" : "0") + trace
                append(record)
                for (i, piece) in pieces.enumerated() {
                    append("705" + NACHAWriter.alpha(piece, 80) + NACHAWriter.numeric(Int64(i + 1), 4) + NACHAWriter.numeric(sequence, 7))
                }
                for raw in entry.rawAddenda { append(NACHAWriter.alpha(raw, 94)) }
                count += 1 + addendaCount
                hash &+= Int64(rdfi) ?? 0
                if TransactionCode.isDebit(entry.transactionCode) { debit += entry.amountCents } else { credit += entry.amountCents }
            }
            let batchHash = hash % 10_000_000_000
            append("8" + NACHAWriter.numeric(Int64(batch.serviceClassCode), 3) + NACHAWriter.numeric(Int64(count), 6)
                           + NACHAWriter.numeric(batchHash, 10) + NACHAWriter.numeric(debit, 12) + NACHAWriter.numeric(credit, 12)
                           + NACHAWriter.alpha(batch.companyIdentification, 10) + String(repeating: " ", count: 25)
                           + NACHAWriter.alpha(batch.originatingDFI, 8) + NACHAWriter.numeric(batchNumber, 7))
            fileEntryAddenda += count
            fileHash &+= batchHash
            fileDebit += debit
            fileCredit += credit
        }
        let blocks = (recordCount + 1 + 9) / 10
        append("9" + NACHAWriter.numeric(Int64(batchCount), 6) + NACHAWriter.numeric(Int64(blocks), 6)
                       + NACHAWriter.numeric(Int64(fileEntryAddenda), 8) + NACHAWriter.numeric(fileHash % 10_000_000_000, 10)
                       + NACHAWriter.numeric(fileDebit, 12) + NACHAWriter.numeric(fileCredit, 12) + String(repeating: " ", count: 39))
        while recordCount % 10 != 0 { append(String(repeating: "9", count: 94)) }
    }

    public func write(file: FileSpec, batches: [BatchSpec]) -> String {
        records(file: file, batches: batches).map { $0 + lineEnding }.joined()
    }
}
