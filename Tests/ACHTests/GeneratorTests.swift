import ACH
import Core
import Testing

/// Round trips through our generator, and properties of the reader on generated files (seeded; the seed is printed).
@Suite struct GeneratorTests {
    static let day = Day(year: 2026, month: 11, day: 2)!

    static func generate(_ options: NACHAGenerator.Options, lineEnding: String = "\n") -> [UInt8] {
        var bytes: [UInt8] = []
        NACHAGenerator(options: options).write(effective: day, lineEnding: lineEnding) { bytes.append(contentsOf: $0.utf8) }
        return bytes
    }

    static func read(_ bytes: [UInt8]) throws -> (batches: [Batch], reader: NACHAReader<MemoryByteSource>) {
        var reader = NACHAReader(source: MemoryByteSource(bytes), fileName: "generated.ach")
        var batches: [Batch] = []
        while let b = try reader.nextBatch() { batches.append(b) }
        return (batches, reader)
    }

    @Test(arguments: [(UInt64(1), "\n"), (2, "\r\n"), (3, ""), (4, "\n")])
    func generatedFilesReadBackExactly(seed: UInt64, lineEnding: String) throws {
        print("GeneratorTests seed \(seed)")
        let options = NACHAGenerator.Options(entryCount: 5_300, entriesPerBatch: 53, seed: seed)
        let specs = Array(NACHAGenerator(options: options).batches(effective: Self.day))
        let (batches, reader) = try Self.read(Self.generate(options, lineEnding: lineEnding))
        #expect(!reader.diagnostics.hasErrors, "seed \(seed): \(reader.diagnostics.items.prefix(3))")
        #expect(batches.count == specs.count)
        for (batch, spec) in zip(batches, specs) {
            #expect(batch.header.standardEntryClass == spec.standardEntryClass)
            #expect(batch.entries.map(\.detail.amountCents) == spec.entries.map(\.amountCents))
            #expect(batch.entries.map(\.detail.dfiAccountNumber) == spec.entries.map(\.accountNumber))
            #expect(batch.entries.map(\.detail.receiverName) == spec.entries.map { String($0.receiverName.prefix(spec.standardEntryClass == .ctx ? 16 : 22)) })
        }
        let returns = batches.flatMap(\.entries).compactMap(\.returnAddenda)
        let changes = batches.flatMap(\.entries).compactMap(\.notificationOfChange)
        #expect(!returns.isEmpty && returns.allSatisfy { $0.reasonDescription != nil })
        #expect(!changes.isEmpty)
        #expect(changes.contains { $0.changeCode == "C02" && $0.correction.routingNumber == "076401251" })
        #expect(changes.contains { $0.changeCode == "C01" && $0.correction.accountNumber == "98765432100" })
        // CTX: the addenda put back together give the X12 820 the generator wrote.
        let ctx = batches.filter { $0.header.standardEntryClass == .ctx }.flatMap(\.entries)
        #expect(!ctx.isEmpty)
        for entry in ctx.prefix(20) {
            let x12 = X12Remittance.parse(entry.paymentRelatedInformation)
            #expect(x12.paymentAmount?.minorUnits == entry.detail.amountCents)
            #expect(!x12.items.isEmpty && x12.items.allSatisfy { $0.amountPaid?.minorUnits == 100 })
        }
    }

    @Test func aChangedAmountIsCaughtByTheBatchAndFileTotals() throws {
        var generator = NACHAGenerator.Random(seed: 99)
        print("GeneratorTests seed 99")
        let clean = Self.generate(.init(entryCount: 400, entriesPerBatch: 40, seed: 7))
        let lines = clean.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let entryLines = lines.indices.filter { lines[$0].first == UInt8(ascii: "6") }
        for _ in 0..<20 {
            var mutated = lines.map(Array.init)
            let line = entryLines[Int(generator.next() % UInt64(entryLines.count))]
            let position = 29 + Int(generator.next() % 10)
            mutated[line][position] = mutated[line][position] == UInt8(ascii: "9") ? UInt8(ascii: "0") : mutated[line][position] + 1
            let (batches, reader) = try Self.read(Array(mutated.joined(separator: [UInt8(ascii: "\n")])))
            let codes = Set(reader.diagnostics.items.map(\.code.rawValue))
            #expect(codes.contains("nacha.batch-total-credit") || codes.contains("nacha.batch-total-debit"), "line \(line + 1) column \(position + 1)")
            #expect(codes.contains("nacha.file-total-credit") || codes.contains("nacha.file-total-debit"))
            #expect(batches.filter(\.isRejected).count == 1)
        }
    }

    @Test func randomDamageNeverTraps() throws {
        var generator = NACHAGenerator.Random(seed: 2026)
        print("GeneratorTests seed 2026")
        let clean = Self.generate(.init(entryCount: 300, entriesPerBatch: 30, seed: 11))
        for _ in 0..<200 {
            var damaged = clean
            for _ in 0..<(1 + Int(generator.next() % 8)) {
                let index = Int(generator.next() % UInt64(damaged.count))
                switch generator.next() % 3 {
                case 0: damaged[index] = UInt8(truncatingIfNeeded: generator.next())
                case 1: damaged.remove(at: index)
                default: damaged.insert(UInt8(truncatingIfNeeded: generator.next()), at: index)
                }
            }
            let (_, reader) = try Self.read(damaged)
            _ = reader.totals
        }
    }
}
