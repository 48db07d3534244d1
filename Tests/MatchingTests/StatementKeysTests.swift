import Core
import Matching
import Statements
import Testing

/// What makes two statement lines the same line: a reference of the line's own (account, reference, direction,
/// amount), else its content numbered by occurrence within one file.
@Suite struct StatementKeysTests {
    static let day = Day(year: 2026, month: 11, day: 9)!

    static func line(_ cents: Int64, ref: String, text: String = "WIRE ACME", file: String = "a.bai", at line: Int = 4, shared: Bool = false,
                     format: StatementFormat = .bai2, account: String = "1111002233") -> StatementLine {
        var made = StatementLine(format: format, account: account, bookingDay: day, amount: Money(minorUnits: cents, currency: .usd), bankReference: ref,
                                 description: text, location: SourceLocation(file: file, line: line))
        made.bankReferenceIsShared = shared
        return made
    }

    @Test(arguments: ["", "NONREF", "nonref", "NOTPROVIDED", "NONE", "N/A", "0000000", " NONREF "])
    func placeholdersIdentifyNothing(_ reference: String) {
        #expect(StatementReceipts.isPlaceholder(reference))
        let keyed = StatementReceipts.keyed([Self.line(50_000, ref: reference, at: 4), Self.line(50_000, ref: reference, at: 5)])
        // Two identical wires on one day are two payments: occurrence 1 and 2 of the same content.
        #expect(keyed.lines.count == 2)
        #expect(keyed.skipped.isEmpty)
        #expect(keyed.lines[0].key.hasSuffix(":1") && keyed.lines[1].key.hasSuffix(":2"), "\(keyed.lines.map(\.key))")
        #expect(!keyed.lines[0].key.contains("NONREF"))
    }

    @Test func theManifestAddsPlaceholders() {
        #expect(!StatementReceipts.isPlaceholder("SEE-ADVICE"))
        #expect(StatementReceipts.isPlaceholder("SEE-ADVICE", extra: ["SEE-ADVICE"]))
        let keyed = StatementReceipts.keyed([Self.line(1_000, ref: "SEE-ADVICE", at: 4), Self.line(1_000, ref: "SEE-ADVICE", at: 5)], placeholders: ["SEE-ADVICE"])
        #expect(keyed.lines.count == 2)
    }

    @Test func aBatchedEntrysSharedReferenceIsNotAnIdentity() {
        // One camt entry, reference E1, two transactions without references of their own: 5,000.00 and 1,500.00.
        let keyed = StatementReceipts.keyed([Self.line(500_000, ref: "E1", text: "A", file: "s.xml", at: 10, shared: true, format: .camt053),
                                             Self.line(150_000, ref: "E1", text: "B", file: "s.xml", at: 10, shared: true, format: .camt053)])
        #expect(keyed.lines.count == 2)
        #expect(Set(keyed.lines.map(\.key)).count == 2)
        #expect(keyed.lines.allSatisfy { !$0.key.contains(":E1:") })
    }

    @Test func aRealReferenceIsOneLineWhateverItsText() {
        // A camt.054 advice and the camt.053 statement of the same line: same account, reference, direction and amount.
        let advice = Self.line(250_000, ref: "BANKREF77", text: "CREDIT ADVICE", file: "advice.xml", format: .camt054)
        let statement = Self.line(250_000, ref: "BANKREF77", text: "INCOMING PAYMENT ACME", file: "stmt.xml", format: .camt053)
        let keyed = StatementReceipts.keyed([advice, statement])
        #expect(keyed.lines.count == 1)
        #expect(keyed.lines[0].key == "stmt:1111002233:BANKREF77:250000:USD")
        #expect(keyed.skipped.count == 1)
        #expect(keyed.skipped[0].reason == .repeated(of: advice.location))
        // The same reference with another amount or direction is another line.
        let reversed = Self.line(-250_000, ref: "BANKREF77", file: "stmt.xml", at: 9)
        #expect(StatementReceipts.keyed([statement, reversed]).lines.count == 2)
    }

    @Test func aReferenceRepeatedWithinOneFileFallsBackToContent() {
        let keyed = StatementReceipts.keyed([Self.line(1_000, ref: "R1", text: "X", at: 4), Self.line(1_000, ref: "R1", text: "X", at: 5)])
        #expect(keyed.lines.count == 2)
    }

    @Test func overlappingFilesTakeTheLargerCountNeverTheSum() {
        // Export 1 has the line twice, export 2 (overlapping) three times: three payments.
        let one = (4...5).map { Self.line(700, ref: "", file: "one.csv", at: $0) }
        let two = (4...6).map { Self.line(700, ref: "", file: "two.csv", at: $0) }
        let keyed = StatementReceipts.keyed(one + two)
        #expect(keyed.lines.count == 3)
        #expect(keyed.skipped.count == 2)
    }

    @Test func accountsAreNormalizedAndNeverTheirLastFourDigits() {
        #expect(BankAccountNumber.normalized("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000")
        #expect(BankAccountNumber.normalized("1111-002233 ") == "1111002233")
        let a = StatementReceipts.keyed([Self.line(1_000, ref: "R1", account: "1111002233")]).lines[0].key
        let b = StatementReceipts.keyed([Self.line(1_000, ref: "R1", account: "2222002233")]).lines[0].key
        #expect(a != b)
    }

    @Test func aPlaceholderLinesReferenceForPeopleIsWhereItIs() {
        let line = Self.line(1_000, ref: "NONREF", file: "/in/2026-11-09/statement.bai", at: 7)
        #expect(StatementReceipts.reference(line) == "statement.bai:7")
        #expect(StatementReceipts.reference(Self.line(1_000, ref: "FED1")) == "FED1")
    }

    /// An older ledger's key names a line of the day only where its amount (and, for a placeholder key, its day) agrees,
    /// and only one line takes it; a line an earlier day posted is listed, not taken.
    @Test func olderKeysNameOnlyTheLineOfTheirAmountAndDayOnce() {
        let earlier = Day(year: 2026, month: 11, day: 6)!
        // Two NONREF wires of 500.00 today; an older ledger posted one under `stmt:1111002233:NONREF` for 500.00 today.
        let keyed = StatementReceipts.keyed([Self.line(50_000, ref: "NONREF", at: 4), Self.line(50_000, ref: "NONREF", at: 5),
                                             Self.line(70_000, ref: "FED77", at: 6)]).lines
        let old = "stmt:1111002233:NONREF"
        // FED77's own key was posted on an earlier day (an overlapping export).
        let posted = [old: Self.day, keyed[2].key: earlier]
        let resolved = StatementReceipts.resolved(keyed, posted: posted, olderEntries: [old: (Self.day, 50_000)], fileSHA: [:], placeholders: [], day: Self.day)
        #expect(resolved.lines.map(\.key) == [old, keyed[1].key], "the first line takes the old key, the second keeps its own")
        #expect(resolved.skipped.map(\.key) == [keyed[2].key])
        // The same old key with another amount names neither line; dated another day, neither (a placeholder key).
        for entry in [(effectiveDay: Self.day, cash: Int64(60_000)), (effectiveDay: earlier, cash: Int64(50_000))] {
            let none = StatementReceipts.resolved(Array(keyed.prefix(2)), posted: [old: Self.day], olderEntries: [old: entry], fileSHA: [:], placeholders: [],
                                                  day: Self.day)
            #expect(none.lines.map(\.key) == keyed.prefix(2).map(\.key))
        }
    }
}
