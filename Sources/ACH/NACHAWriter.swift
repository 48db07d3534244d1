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
        streamBytes(file: file, batches: batches) { emit(String(decoding: $0, as: UTF8.self)) }
    }

    /// `stream`, each record's 94 bytes handed out as they are laid (valid during the call): no string is made of a
    /// record, so a file of 100,000 entries takes a fraction of the time.
    public func streamBytes(file: FileSpec, batches: some Sequence<BatchSpec>, emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        var r = RecordAssembly()
        var recordCount = 0
        func append() {
            recordCount += 1
            r.bytes.withUnsafeBufferPointer { emit($0) }
            r.bytes.removeAll(keepingCapacity: true)
        }
        var batchCount = 0
        r.literal("101"); r.alpha(" " + file.immediateDestination, 10); r.alpha(file.immediateOrigin, 10); r.date(file.creationDay)
        r.alpha(file.creationTime, 4); r.alpha(file.fileIDModifier, 1); r.literal("094101"); r.alpha(file.destinationName, 23)
        r.alpha(file.originName, 23); r.alpha(file.referenceCode, 8)
        append()
        var fileEntryAddenda = 0
        var fileHash: Int64 = 0
        var fileDebit: Int64 = 0
        var fileCredit: Int64 = 0
        for (batchIndex, batch) in batches.enumerated() {
            batchCount += 1
            let batchNumber = Int64(batchIndex + 1)
            r.literal("5"); r.numeric(Int64(batch.serviceClassCode), 3); r.alpha(batch.companyName, 16); r.alpha(batch.companyDiscretionaryData, 20)
            r.alpha(batch.companyIdentification, 10); r.alpha(batch.standardEntryClass.rawValue, 3); r.alpha(batch.entryDescription, 10)
            r.alpha(batch.descriptiveDate, 6); r.date(batch.effectiveEntryDay); r.literal("   1"); r.alpha(batch.originatingDFI, 8); r.numeric(batchNumber, 7)
            append()
            var count = 0
            var hash: Int64 = 0
            var debit: Int64 = 0
            var credit: Int64 = 0
            let addendaCountLayout = batch.standardEntryClass.usesAddendaCountLayout
            for (entryIndex, entry) in batch.entries.enumerated() {
                let trace = entry.traceNumber ?? NACHAWriter.alpha(batch.originatingDFI, 8) + NACHAWriter.numeric(Int64(entryIndex + 1), 7)
                let pieces = addendaCountLayout ? entry.paymentRelatedInformation.flatMap(NACHAWriter.addendaPieces) : entry.paymentRelatedInformation
                let addendaCount = pieces.count + entry.rawAddenda.count
                let routing = entry.receivingRouting.utf8
                var rdfi: Int64 = 0
                var allDigits = true
                for b in routing.prefix(8) {
                    if b >= 0x30 && b <= 0x39 { rdfi = rdfi * 10 + Int64(b - 0x30) } else { allDigits = false }
                }
                r.literal("6"); r.numeric(Int64(entry.transactionCode), 2); r.bytes(routing.prefix(8), 8); r.bytes(routing.dropFirst(8).prefix(1), 1)
                r.alpha(entry.accountNumber, 17); r.numeric(entry.amountCents, 10); r.alpha(entry.identificationNumber, 15)
                if addendaCountLayout {
                    r.numeric(Int64(addendaCount), 4); r.alpha(entry.receiverName, 16); r.literal("  ")
                } else {
                    r.alpha(entry.receiverName, 22)
                }
                r.alpha(entry.discretionaryData, 2); r.literal(addendaCount > 0 ? "1" : "0"); r.alpha(trace, 15)
                append()
                let sequence = pieces.isEmpty ? 0 : Int64(trace.suffix(7)) ?? Int64(entryIndex + 1)
                for (i, piece) in pieces.enumerated() {
                    r.literal("705"); r.alpha(piece, 80); r.numeric(Int64(i + 1), 4); r.numeric(sequence, 7)
                    append()
                }
                for raw in entry.rawAddenda {
                    r.alpha(raw, 94)
                    append()
                }
                count += 1 + addendaCount
                hash &+= allDigits && !routing.isEmpty ? rdfi : 0
                if TransactionCode.isDebit(entry.transactionCode) { debit += entry.amountCents } else { credit += entry.amountCents }
            }
            let batchHash = hash % 10_000_000_000
            r.literal("8"); r.numeric(Int64(batch.serviceClassCode), 3); r.numeric(Int64(count), 6); r.numeric(batchHash, 10); r.numeric(debit, 12)
            r.numeric(credit, 12); r.alpha(batch.companyIdentification, 10); r.alpha("", 25); r.alpha(batch.originatingDFI, 8); r.numeric(batchNumber, 7)
            append()
            fileEntryAddenda += count
            fileHash &+= batchHash
            fileDebit += debit
            fileCredit += credit
        }
        let blocks = (recordCount + 1 + 9) / 10
        r.literal("9"); r.numeric(Int64(batchCount), 6); r.numeric(Int64(blocks), 6); r.numeric(Int64(fileEntryAddenda), 8)
        r.numeric(fileHash % 10_000_000_000, 10); r.numeric(fileDebit, 12); r.numeric(fileCredit, 12); r.alpha("", 39)
        append()
        while recordCount % 10 != 0 {
            r.bytes.append(contentsOf: repeatElement(UInt8(ascii: "9"), count: 94))
            append()
        }
    }

    public func write(file: FileSpec, batches: [BatchSpec]) -> String {
        records(file: file, batches: batches).map { $0 + lineEnding }.joined()
    }
}

/// One record's bytes as its fields are laid: alphanumeric fields left-justified and space-filled, numeric fields
/// right-justified and zero-filled, each cut to its width as `NACHAWriter.alpha` and `numeric` do.
struct RecordAssembly {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(96) }

    mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func bytes(_ field: some Collection<UInt8>, _ width: Int) {
        let n = Swift.min(field.count, width)
        bytes.append(contentsOf: field.prefix(n))
        if n < width { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - n)) }
    }

    mutating func alpha(_ text: String, _ width: Int) {
        let utf8 = text.utf8
        if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            bytes(utf8, width)
        } else {
            bytes(NACHAWriter.alpha(text, width).utf8, width)
        }
    }

    mutating func numeric(_ value: Int64, _ width: Int) {
        guard value >= 0 else {
            bytes.append(contentsOf: NACHAWriter.numeric(value, width).utf8)
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var v = value
            var i = 20
            repeat {
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            let count = 20 - i
            if count >= width {
                bytes.append(contentsOf: buffer[(20 - width)...])
            } else {
                bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - count))
                bytes.append(contentsOf: buffer[i...])
            }
        }
    }

    mutating func date(_ day: Day) {
        let c = day.components
        numeric(Int64(c.year % 100), 2)
        numeric(Int64(c.month), 2)
        numeric(Int64(c.day), 2)
    }
}
