import Core

/// Generates valid NACHA files of any size from a seed, for round-trip and property tests and benchmarks:
/// CCD and CCD+ credits, PPD debits, CTX credits with many addenda (an X12 820), returns (99) and NOCs (98).
public struct NACHAGenerator: Sendable {
    public struct Options: Sendable {
        public var entryCount: Int
        public var entriesPerBatch: Int
        public var seed: UInt64
        public var includeReturns: Bool

        public init(entryCount: Int, entriesPerBatch: Int = 500, seed: UInt64 = 1, includeReturns: Bool = true) {
            self.entryCount = entryCount
            self.entriesPerBatch = entriesPerBatch
            self.seed = seed
            self.includeReturns = includeReturns
        }
    }

    /// SplitMix64: a small seeded generator, the same sequence on every platform.
    public struct Random: RandomNumberGenerator, Sendable {
        var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    static let banks = ["02100002", "05300001", "12100024", "04400003", "06100014", "11100002", "07640125", "03100001"]
    static let companies = ["ACME TOOLS INC", "BLUE RIDGE BLDRS", "CASCADE FAB", "EVERGREEN HOSP", "FOXTROT LOGISTIC", "GALAXY RETAIL"]

    static func routing(_ first8: String) -> String {
        first8 + String(RoutingNumber.checkDigit(forFirstEight: Array(first8.utf8)) ?? 0)
    }

    /// An addenda 98 (NOC) or 99 (return) answering the entry of trace number `original` to bank `rdfi` (its routing
    /// number; the first eight digits are written): the change or reason code, the corrected data or addenda
    /// information (positions 36-79), and the addenda's own trace number.
    public static func answerAddenda(type: String, code: String, original: String, rdfi: String, information: String, trace: String) -> String {
        "7" + type + code + original + "      " + String(rdfi.prefix(8)) + NACHAWriter.alpha(information, 44) + trace
    }

    /// The batches, lazily: a file of a million entries is never held whole.
    public func batches(effective day: Day) -> AnySequence<NACHAWriter.BatchSpec> {
        let options = self.options
        return AnySequence { () -> AnyIterator<NACHAWriter.BatchSpec> in
            var random = Random(seed: options.seed)
            var produced = 0
            var batchIndex = 0
            return AnyIterator {
                guard produced < options.entryCount else { return nil }
                let count = min(options.entriesPerBatch, options.entryCount - produced)
                produced += count
                batchIndex += 1
                let kind = batchIndex % 5 // 0,1,2: CCD/CCD+; 3: PPD; 4: CTX
                // Every 50th batch returns entries (R codes); every 100th is a COR batch of NOCs (C codes).
                let returns = options.includeReturns && batchIndex % 50 == 0
                let changes = returns && batchIndex % 100 == 0
                let sec: StandardEntryClass = changes ? .cor : kind == 3 ? .ppd : kind == 4 ? .ctx : .ccd
                let company = NACHAGenerator.companies[batchIndex % NACHAGenerator.companies.count]
                let odfi = NACHAGenerator.banks[batchIndex % NACHAGenerator.banks.count]
                var entries: [NACHAWriter.EntrySpec] = []
                entries.reserveCapacity(count)
                for i in 0..<count {
                    let rdfi = NACHAGenerator.routing(NACHAGenerator.banks[Int(random.next() % UInt64(NACHAGenerator.banks.count))])
                    let amount = Int64(random.next() % 100_000) + 1
                    let account = String(100_000_000 + random.next() % 900_000_000)
                    var entry = NACHAWriter.EntrySpec(transactionCode: sec == .ppd ? 27 : 22, receivingRouting: rdfi, accountNumber: account,
                                                      amountCents: amount, identificationNumber: "ID\(i)", receiverName: "RECEIVER \(i % 997)")
                    if changes {
                        entry.transactionCode = 21
                        entry.amountCents = 0
                        let code = ["C01", "C02", "C03", "C05", "C06"][i % 5]
                        let original = odfi + String(1_000_000 + i).suffix(7)
                        let corrected = code == "C02" ? "076401251" : "98765432100"
                        entry.rawAddenda = [NACHAGenerator.answerAddenda(type: "98", code: code, original: original, rdfi: rdfi, information: corrected,
                                                                     trace: original)]
                    } else if returns {
                        entry.transactionCode = 26
                        let reason = ["R01", "R02", "R03", "R10", "R29"][i % 5]
                        let original = odfi + String(1_000_000 + i).suffix(7)
                        entry.rawAddenda = [NACHAGenerator.answerAddenda(type: "99", code: reason, original: original, rdfi: rdfi, information: "",
                                                                     trace: original)]
                    } else if sec == .ctx {
                        let items = 2 + Int(random.next() % 12)
                        var x12 = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*PAYEE          *261102*1200*U*00401*000000001*0*P*>~ST*820*0001~BPR*C*\(MoneyFormat.plain(amount, exponent: 2))*C*ACH*CTX~"
                        for n in 0..<items { x12 += "RMR*IV*INV-\(batchIndex)-\(i)-\(n)*PI*1.00*1.00~" }
                        x12 += "SE*\(items + 3)*0001~"
                        entry.paymentRelatedInformation = [x12]
                    } else if kind == 1 {
                        entry.paymentRelatedInformation = ["RMR*IV*INV-\(batchIndex)-\(i)*PI*\(MoneyFormat.plain(amount, exponent: 2))\\"]
                    }
                    entries.append(entry)
                }
                return NACHAWriter.BatchSpec(serviceClassCode: changes ? 220 : returns ? 200 : (sec == .ppd ? 225 : 220), companyName: company,
                                             companyIdentification: String(1_000_000_000 + batchIndex % 1000), standardEntryClass: sec,
                                             entryDescription: changes ? "NOC" : returns ? "RETURN" : "PAYMENT", effectiveEntryDay: day, originatingDFI: odfi, entries: entries)
            }
        }
    }

    public func fileSpec(_ day: Day) -> NACHAWriter.FileSpec {
        NACHAWriter.FileSpec(immediateDestination: NACHAGenerator.routing("07640125"), immediateOrigin: " " + NACHAGenerator.routing("01100001"),
                             creationDay: day, destinationName: "NORTHWIND BANK", originName: "FEDERAL RESERVE BANK")
    }

    /// Writes the whole file through `emit`, a record (with its line ending) at a time.
    public func write(effective day: Day, lineEnding: String = "\n", emit: (String) -> Void) {
        NACHAWriter(lineEnding: lineEnding).stream(file: fileSpec(day), batches: batches(effective: day)) { emit($0 + lineEnding) }
    }
}
