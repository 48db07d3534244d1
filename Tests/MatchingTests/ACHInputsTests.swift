import ACH
import Core
import Matching
import Testing

/// ACH files read into entry facts: what an entry's key is made of, and which occurrences a duplicate sets aside.
@Suite struct ACHInputsTests {
    static func d(_ year: Int, _ month: Int, _ day: Int) -> Day { Day(civilYear: year, month: month, day: day) }

    static let routing = "091000019"

    /// A received file of one CCD batch of two credits, created on `created`, its batch effective on `effective`;
    /// `patch` rewrites the batch header's positions (1-based, inclusive) after writing, as a bank's file may hold them.
    static func fileText(created: Day, effective: Day, companyID: String = "1234567890", batchHeader patch: [(ClosedRange<Int>, String)] = [],
                         fileHeader filePatch: [(ClosedRange<Int>, String)] = []) -> String {
        let file = NACHAWriter.FileSpec(immediateDestination: routing, immediateOrigin: " 011000015", creationDay: created, creationTime: "0615",
                                        fileIDModifier: "A", destinationName: "OUR BANK", originName: "THEIR BANK")
        let batch = NACHAWriter.BatchSpec(serviceClassCode: 220, companyName: "ACME TOOLS INC", companyIdentification: companyID, standardEntryClass: .ccd,
                                          entryDescription: "PAYMENT", effectiveEntryDay: effective, originatingDFI: "01100001",
                                          entries: [100_00, 250_00].map {
                                              NACHAWriter.EntrySpec(transactionCode: 22, receivingRouting: routing, accountNumber: "12345678", amountCents: $0,
                                                                    identificationNumber: "INV", receiverName: "NORTHWIND IND")
                                          })
        var records = NACHAWriter().records(file: file, batches: [batch])
        func apply(_ patch: [(ClosedRange<Int>, String)], toRecordStartingWith type: Character) {
            guard let index = records.firstIndex(where: { $0.first == type }) else { return }
            var bytes = Array(records[index].utf8)
            for (range, text) in patch {
                bytes.replaceSubrange((range.lowerBound - 1)..<range.upperBound, with: Array(NACHAWriter.alpha(text, range.count).utf8))
            }
            records[index] = String(decoding: bytes, as: UTF8.self)
        }
        apply(patch, toRecordStartingWith: "5")
        apply(filePatch, toRecordStartingWith: "1")
        return records.map { $0 + "\n" }.joined()
    }

    /// The file read as a run reads it: its batches, and its creation date from the file header.
    static func achFile(_ text: String, path: String, sha256: String) throws -> ACHFile {
        var reader = NACHAReader(source: MemoryByteSource(text), fileName: path)
        var batches: [Batch] = []
        while let batch = try reader.nextBatch() { batches.append(batch) }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return ACHFile(name: name, sha256: sha256, role: .received, account: nil, batches: batches, creationDay: reader.fileHeader?.fileCreationDate)
    }

    static func keys(of file: ACHFile, runOn day: Day) -> (entries: [String], batches: [String], settlementDays: [Day]) {
        let reading = ACHReading(files: [file], currency: .usd, day: day)
        return (reading.entries.map(\.key), reading.settlementBatches.map(\.key), reading.settlementBatches.map(\.effectiveDay))
    }

    // MARK: - An entry's key does not depend on the day the file is run

    @Test func aBatchWithoutAnEffectiveDateIsKeyedByItsSettlementDateWhateverDayTheFileIsRun() throws {
        // Effective Entry Date blank (and, in the second file, not a date); Settlement Date 306: 2026-11-02.
        for effective in ["      ", "261341"] {
            let text = Self.fileText(created: Self.d(2026, 10, 30), effective: Self.d(2026, 11, 2), batchHeader: [(70...75, effective), (76...78, "306")])
            let file = try Self.achFile(text, path: "in/bank-a/day.ach", sha256: "aa")
            let first = Self.keys(of: file, runOn: Self.d(2026, 11, 2))
            let later = Self.keys(of: file, runOn: Self.d(2026, 11, 9))
            // A run half a year later still finds the settlement day in the year of the file's creation.
            let muchLater = Self.keys(of: file, runOn: Self.d(2027, 6, 1))
            #expect(first.entries == ["ach:received:1234567890:2026-11-02:011000010000001", "ach:received:1234567890:2026-11-02:011000010000002"])
            #expect(later.entries == first.entries && muchLater.entries == first.entries)
            #expect(later.batches == first.batches && muchLater.batches == first.batches)
            #expect(first.settlementDays == [Self.d(2026, 11, 2)] && muchLater.settlementDays == first.settlementDays)
        }
    }

    @Test func aBatchWithoutEffectiveOrSettlementDateIsKeyedByTheFilesCreationDate() throws {
        let text = Self.fileText(created: Self.d(2026, 10, 30), effective: Self.d(2026, 11, 2), batchHeader: [(70...75, ""), (76...78, "")])
        let file = try Self.achFile(text, path: "in/bank-a/day.ach", sha256: "aa")
        #expect(file.creationDay == Self.d(2026, 10, 30))
        let first = Self.keys(of: file, runOn: Self.d(2026, 11, 2))
        let later = Self.keys(of: file, runOn: Self.d(2026, 11, 5))
        #expect(first.entries == ["ach:received:1234567890:2026-10-30:011000010000001", "ach:received:1234567890:2026-10-30:011000010000002"])
        #expect(later.entries == first.entries && later.batches == first.batches)
    }

    @Test func aBatchsOwnEffectiveDateStillMakesTheKey() throws {
        let text = Self.fileText(created: Self.d(2026, 10, 30), effective: Self.d(2026, 11, 2), batchHeader: [(76...78, "307")])
        let file = try Self.achFile(text, path: "in/bank-a/day.ach", sha256: "aa")
        let keys = Self.keys(of: file, runOn: Self.d(2026, 11, 4))
        #expect(keys.entries.first == "ach:received:1234567890:2026-11-02:011000010000001")
        #expect(keys.settlementDays == [Self.d(2026, 11, 3)])
    }

    @Test func aReSentFileIsADuplicateOnAnotherDayEvenWithoutAnEffectiveDate() throws {
        // The bank re-sends the file under a new header (new creation time, so a new SHA-256) a week later.
        let text = Self.fileText(created: Self.d(2026, 10, 30), effective: Self.d(2026, 11, 2), batchHeader: [(70...75, ""), (76...78, "306")])
        let first = ACHReading(files: [try Self.achFile(text, path: "in/bank-a/day.ach", sha256: "aa")], currency: .usd, day: Self.d(2026, 11, 2))
        let seen = Dictionary(uniqueKeysWithValues: first.entries.map { ($0.key, "day.ach on 2026-11-02") })
        let resent = Self.fileText(created: Self.d(2026, 11, 9), effective: Self.d(2026, 11, 2), batchHeader: [(70...75, ""), (76...78, "306")],
                                   fileHeader: [(30...33, "0900")])
        let again = ACHReading(files: [try Self.achFile(resent, path: "in/bank-a/day.ach", sha256: "bb")], currency: .usd, day: Self.d(2026, 11, 9))
        let made = again.receipts(day: Self.d(2026, 11, 9), seenBefore: seen, legacyPosted: [])
        #expect(made.receipts.isEmpty)
        #expect(made.exceptions.map(\.type) == [.duplicate, .duplicate])
    }

    // MARK: - Duplicates set aside by occurrence, whatever the file is named

    @Test func aDuplicateInOneSourcesFileDoesNotSetAsideTheSameLineOfASameNamedFileOfAnotherSource() throws {
        // Two banks each deliver `day.ach`; bank B's re-sends an entry an earlier day took, at the line where bank A's
        // file holds an entry of its own.
        let a = try Self.achFile(Self.fileText(created: Self.d(2026, 11, 2), effective: Self.d(2026, 11, 2), companyID: "1111111111"),
                                 path: "in/bank-a/day.ach", sha256: String(repeating: "a", count: 64))
        let b = try Self.achFile(Self.fileText(created: Self.d(2026, 11, 2), effective: Self.d(2026, 11, 2), companyID: "2222222222"),
                                 path: "in/bank-b/day.ach", sha256: String(repeating: "b", count: 64))
        #expect(a.name == b.name)
        let reading = ACHReading(files: [a, b], currency: .usd, day: Self.d(2026, 11, 2))
        let fromB = reading.entries.filter { $0.companyID == "2222222222" }
        let fromA = reading.entries.filter { $0.companyID == "1111111111" }
        let seen = [fromB[0].key: "day.ach on 2026-10-30"]
        let made = reading.receipts(day: Self.d(2026, 11, 2), seenBefore: seen, legacyPosted: [])
        #expect(made.exceptions.count == 1)
        #expect(fromA[0].location.line == fromB[0].location.line)
        #expect(made.duplicates.contains(fromB[0].occurrence))
        // Bank A's entry at the same line is not a duplicate: its row is kept, a return in its place would be reversed.
        #expect(!made.duplicates.contains(fromA[0].occurrence))
        #expect(made.receipts.count == 3)
        // What people read still names the file as they know it.
        #expect(made.exceptions.first?.message.contains("in day.ach was already taken (day.ach on 2026-10-30)") == true)
    }
}
