import Core
import Statements
import Testing
import TestSupport

@Suite struct BAI2ReaderTests {
    static let spec = """
        01,122099999,123456789,040621,0200,1,65,,2/
        02,031001234,122099999,1,040620,2359,USD,2/
        03,0975312468,USD,010,500000,,,190/
        88,500000,,/
        16,142,250000,0,ACH123,CUST1,ACME TOOLS, INV 10023/10024 PAYMENT/
        88,CONTINUED TEXT
        16,495,50000,V,040621,,WIRE9,,OUTGOING WIRE/
        49,1300000,6/
        98,1300000,1,8/
        99,1300000,1,10/
        """

    func read(_ text: String, strict: Bool = true) -> BAI2File {
        BAI2Reader(options: BAI2Options(strict: strict)).read(bytes: Array(text.utf8), fileName: "t.bai")
    }

    @Test func countingWithoutKeepingGivesTheSameTotalsAndDiagnostics() {
        let kept = read(Self.spec)
        let counted = BAI2Reader(options: BAI2Options(strict: true)).read(bytes: Array(Self.spec.utf8), fileName: "t.bai", keepDetails: false)
        #expect(counted.lines.isEmpty)
        #expect(counted.detailTotals.count == kept.lines.count)
        #expect(counted.detailTotals.credits == kept.lines.filter(\.isCredit).reduce(0) { $0 + $1.amount.minorUnits })
        #expect(counted.detailTotals.debits == -kept.lines.filter { !$0.isCredit }.reduce(0) { $0 + $1.amount.minorUnits })
        #expect(counted.diagnostics.items.map(\.description) == kept.diagnostics.items.map(\.description))
    }

    @Test func detailTotalsPastSixtyFourBitsAreAProblemNotAWrappedTotal() {
        // Two accounts of one credit of 50,000,000,000,000,000.00 each: each account's total fits, the file's does not.
        let text = """
            01,122099999,123456789,040621,0200,1,65,,2/
            02,031001234,122099999,1,040620,2359,USD,2/
            03,1111,USD/
            16,142,5000000000000000000,0,A1,,FIRST/
            49,5000000000000000000,3/
            03,2222,USD/
            16,142,5000000000000000000,0,B1,,SECOND/
            49,5000000000000000000,3/
            98,0,2,8/
            99,0,1,10/
            """
        let counted = BAI2Reader(options: BAI2Options(strict: true)).read(bytes: Array(text.utf8), fileName: "t.bai", keepDetails: false)
        let overflow = counted.diagnostics.items.filter { $0.code.rawValue == "bai2.amount-overflow" }
        #expect(overflow.contains { $0.location.line == 7 && $0.severity == .fatal }, "\(counted.diagnostics.items)")
        #expect(counted.detailTotals.credits >= 0, "never wrapped past Int64.max to a negative total")
    }

    @Test func intradayReportsAndTestGroupsAreReadButNotPosted() {
        // Modifier 2 (final previous-day): posted. Modifier 3 (interim same-day) and status 4 (test): reported only.
        let final = read(Self.spec.replacingOccurrences(of: "02,031001234,122099999,1,040620,2359,USD,2/", with: "02,031001234,122099999,1,040620,2359,USD,2/"))
        #expect(final.postableLines.allSatisfy { $0.isBooked })
        #expect(final.balances.map { $0.isFinal } == [true])
        #expect(final.balances.first?.opening?.minorUnits == 500_000)
        let intraday = read(Self.spec.replacingOccurrences(of: "02,031001234,122099999,1,040620,2359,USD,2/", with: "02,031001234,122099999,1,040620,2359,USD,3/"))
        #expect(intraday.groups.first?.asOfDateModifier == "3")
        #expect(intraday.postableLines.count == 2 && intraday.postableLines.allSatisfy { !$0.isBooked })
        #expect(intraday.balances.map { $0.isFinal } == [false])
        let test = read(Self.spec.replacingOccurrences(of: "02,031001234,122099999,1,", with: "02,031001234,122099999,4,"))
        #expect(test.postableLines.allSatisfy { !$0.isBooked })
    }

    @Test func readsGroupsAccountsDetailsAndContinuations() {
        let file = read(Self.spec)
        #expect(file.diagnostics.items.isEmpty, "\(file.diagnostics.items)")
        #expect(file.groups.count == 1)
        let account = file.groups[0].accounts[0]
        #expect(account.summaries.map(\.typeCode) == [10, 190])
        #expect(account.summaries[1].amount.minorUnits == 500_000)
        #expect(account.details.count == 2)
        let first = account.details[0]
        #expect(first.amount.minorUnits == 250_000)
        #expect(first.kind == .achCredit)
        #expect(first.bankReference == "ACH123")
        #expect(first.customerReference == "CUST1")
        #expect(first.description == "ACME TOOLS, INV 10023/10024 PAYMENT CONTINUED TEXT")
        #expect(first.bookingDay.description == "2004-06-20")
        let wire = account.details[1]
        #expect(wire.amount.minorUnits == -50_000)
        #expect(wire.kind == .wireOut)
        #expect(wire.valueDay?.description == "2004-06-21")
        #expect(wire.bankReference == "WIRE9")
    }

    @Test func amountsAddingPast64BitsAreAFatalDiagnosticNotAWrappedTotal() {
        let huge = """
            01,122099999,123456789,040621,0200,1,65,,2/
            02,031001234,122099999,1,040620,2359,USD,2/
            03,0975312468,USD,010,,,/
            16,142,5000000000000000000,0,A1,,ONE/
            16,142,5000000000000000000,0,A2,,TWO/
            49,0,4/
            98,0,1,6/
            99,0,1,8/
            """
        for strict in [true, false] {
            let file = read(huge, strict: strict)
            let overflow = file.diagnostics.items.filter { $0.code == "bai2.amount-overflow" }
            #expect(overflow.count == 1)
            #expect(overflow.first?.severity == .fatal)
            #expect(overflow.first?.location.line == 5)
            // No wrapped total is printed as if it were the file's sum.
            #expect(!file.diagnostics.items.contains { $0.description.contains("-8446744073709551616") })
        }
    }

    @Test func controlTotalMismatchIsFatalWhenStrictAndAWarningWhenLenient() {
        let broken = Self.spec.replacingOccurrences(of: "49,1300000,6/", with: "49,1300001,6/")
        let strict = read(broken)
        #expect(strict.diagnostics.items.contains { $0.code.rawValue == "bai2.account-control-total" && $0.severity == .fatal && $0.expected == "1300000" && $0.found == "1300001" })
        let lenient = read(broken, strict: false)
        #expect(lenient.diagnostics.worst == .warning)
    }

    @Test func recordsSharingALineAndTruncatedFiles() {
        let shared = Self.spec.replacingOccurrences(of: "/\n16,495", with: "/ 16,495")
        let file = read(shared)
        #expect(file.lines.count == 2)
        let truncated = read(String(Self.spec.split(separator: "\n").prefix(5).joined(separator: "\n")))
        #expect(truncated.diagnostics.items.contains { $0.code.rawValue == "bai2.incomplete" && $0.severity == .fatal })
    }

    @Test(arguments: ["", "00,abc/", "hello", "01,a,b/\n16,142,x/", String(repeating: "88,", count: 100)])
    func garbageIsFatalAndNeverCrashes(text: String) {
        #expect(read(text).diagnostics.worst == .fatal)
    }

    @Test func sampleStatementsReconcile() throws {
        for path in ["2026-11-02/bank/20261102.bai", "2026-11-03/bank/20261103.bai"] {
            var source = try FileByteSource(path: TestPaths.samples + "/" + path)
            let file = BAI2Reader().read(bytes: try source.readAll(), fileName: path)
            #expect(file.diagnostics.items.isEmpty, "\(path): \(file.diagnostics.items)")
        }
    }
}
