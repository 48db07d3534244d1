import Accounting
import Core
import Foundation
import Matching
import Reports
import Testing
import TestSupport

/// What summary.json and summary.html say of the day's cash: receipts, returns and net cash apart, per bank account
/// the statement's opening, credits, debits and closing beside the books, and a day without bank data never shown as
/// a perfect one. Figures are the Samples' of 2026-11-06, worked out by hand.
@Suite struct SummaryTests {
    static let day = Day(year: 2026, month: 11, day: 6)!
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }

    static func wire(_ id: String, _ cents: Int64) -> Decision {
        let receipt = Receipt(id: id, source: .bai2, sourceRef: id, sourceKey: "stmt:\(id)", valueDay: day, amount: m(cents), bankAccount: "4471002233",
                              remittance: [], location: SourceLocation(file: "20261106.bai", line: 4))
        return Decision(receipt: receipt, customerID: "C003", applications: [Application(invoiceID: "INV-10014", customerID: "C003", applied: m(cents), discount: m(0), writeOff: m(0))],
                        unapplied: m(0), rule: .splitPayment, confidence: 75, evidence: Evidence())
    }

    /// Delta Marine's debit of 5,125.00 returned R01: the return's entry takes 5,125.00 out of ACH in transit and
    /// reopens the invoice.
    static let deltaReturn = JournalEntryDraft(sourceKey: "return:ach:originated:1", effectiveDay: day, memo: "Return R01",
                                               postings: [Posting(account: ChartOfAccounts.achClearing, amount: m(-512_500)),
                                                          Posting(account: ChartOfAccounts.accountsReceivable, customerID: "C004", invoiceID: "INV-10016", amount: m(512_500))])

    /// The statement of 2026-11-06: opening 126,271.49, credits 2,000.00 + 1,300.00 = 3,300.00, debits 5,125.00,
    /// closing 124,446.49; the books hold the same.
    static let tied = Summary.BankTie(account: "••••2233", day: day, closing: m(12_444_649), book: m(12_444_649),
                                      movement: StatementMovement(account: "4471002233", day: day, currency: .usd, opening: m(12_627_149), closing: m(12_444_649),
                                                                  creditsMinorUnits: 330_000, debitsMinorUnits: 512_500, lineCount: 3))
    static let missing = Summary.BankTie(account: "••••4455", day: Day(year: 2026, month: 11, day: 5)!, currency: .usd)

    static func summary(_ decisions: [Decision], ties: [Summary.BankTie], returns: [JournalEntryDraft] = [], statementLines: Int = 3) throws -> JSONValue {
        try Summary.make(day: day, job: "sample", currency: .usd, ledgerCounts: Summary.LedgerCounts(), fileCount: 2, rejectedCount: 0, acceptedCount: 2,
                         nachaBatchCount: 2, nachaEntryCount: 2, statementLineCount: statementLines, achBatchCount: 2, reconciliation: SettlementResult(),
                         decisions: decisions, exceptions: [], dryRun: false, bankTies: ties, returnDrafts: returns)
    }

    static func page(_ summary: JSONValue, trend: [DayReport.TrendDay] = []) async throws -> String {
        var report = DayReport(day: day, runID: 1, remittance: [], exceptions: [], openItems: [], journal: [], summary: summary)
        report.trend = trend
        let folder = TestPaths.temporaryDirectory("summary")
        try await ReportWriter.write(report, to: folder)
        return try String(contentsOfFile: folder + "/summary.html", encoding: .utf8)
    }

    @Test func returnsAreTheMoneyTheirEntriesTakeOutOfACHInTransit() throws {
        // Delta Marine's 5,125.00; a return nobody's payment explains, 80.00 into suspense; a dishonored return posts
        // nothing and takes nothing: 2 returns, 5,205.00.
        let unknown = JournalEntryDraft(sourceKey: "return:x", effectiveDay: Self.day, memo: "Return R03",
                                        postings: [Posting(account: ChartOfAccounts.achClearing, amount: Self.m(-8_000)), Posting(account: ChartOfAccounts.suspense, amount: Self.m(8_000))])
        let dishonored = JournalEntryDraft(sourceKey: "return:y", effectiveDay: Self.day, memo: "Return R61", postings: [])
        let returned = try Summary.returned([Self.deltaReturn, unknown, dishonored], day: Self.day)
        #expect(returned.count == 2 && returned.minorUnits == 520_500)
    }

    /// 2026-11-06: 3,300.00 received (two wires), 5,125.00 returned, net cash 3,300.00 − 5,125.00 = −1,825.00; the
    /// bank's account opened at 126,271.49, took 3,300.00 in and 5,125.00 out, closed at 124,446.49, tied.
    @Test func receiptsReturnsAndNetCashApartAndTheAccountsMovement() throws {
        let json = try Self.summary([Self.wire("W1106002", 200_000), Self.wire("W1106003", 130_000)], ties: [Self.tied], returns: [Self.deltaReturn])
        #expect(json["cash_application", "receipt_total"] == .string("3300.00"))
        #expect(json["cash_application", "returns"] == .integer(1))
        #expect(json["cash_application", "return_total"] == .string("5125.00"))
        #expect(json["cash_application", "net_cash_total"] == .string("-1825.00"))
        #expect(json["bank_data"] == .string("complete"))
        guard case let .array(bank)? = json["bank"], let tie = bank.first else { Issue.record("no bank rows"); return }
        #expect(tie["opening"] == .string("126271.49") && tie["credits"] == .string("3300.00") && tie["debits"] == .string("5125.00"))
        #expect(tie["statement_closing"] == .string("124446.49") && tie["book_balance"] == .string("124446.49") && tie["difference"] == .string("0.00"))
        #expect(tie["status"] == .string("tied"))
    }

    /// An expected statement that did not come: a row naming the account, nothing known of it (null, never 0.00).
    @Test func aMissingStatementIsARowWithNothingKnown() throws {
        let json = try Self.summary([], ties: [Self.tied, Self.missing])
        #expect(json["bank_data"] == .string("partial"))
        guard case let .array(bank)? = json["bank"], bank.count == 2 else { Issue.record("two bank rows expected"); return }
        #expect(bank[1]["account"] == .string("••••4455") && bank[1]["status"] == .string("no statement") && bank[1]["statement_day"] == .string("2026-11-05"))
        for key in ["opening", "credits", "debits", "statement_closing", "book_balance", "difference"] { #expect(bank[1][key] == .null, "\(key)") }
    }

    @Test func bankDataSaysWhetherTheDayCanBeCheckedAgainstTheBank() {
        #expect(Summary.bankData([Self.tied], statementLineCount: 3) == "complete")
        #expect(Summary.bankData([Self.tied, Self.missing], statementLineCount: 3) == "partial")
        #expect(Summary.bankData([Self.missing], statementLineCount: 0) == "none")
        #expect(Summary.bankData([], statementLineCount: 0) == "none")
        // Lines without a balance (a CSV export): the receipts are read, nothing to tie.
        #expect(Summary.bankData([], statementLineCount: 4) == "complete")
    }

    /// The page of 2026-11-06: every amount tile with its currency, grouped; the account's row with its movement; cash
    /// by source names the count as receipts beside the amount.
    @Test func thePageShowsReceiptsReturnsAndTheBankWithCurrencies() async throws {
        let json = try Self.summary([Self.wire("W1106002", 200_000), Self.wire("W1106003", 130_000)], ties: [Self.tied], returns: [Self.deltaReturn])
        let html = try await Self.page(json)
        for tile in ["3,300.00 USD</div><div>received", "5,125.00 USD</div><div>returned", "-1,825.00 USD</div><div>net cash", "0.00 USD</div><div>ACH in transit",
                     "100.0%</div><div>match rate (count)"] {
            #expect(html.contains(tile), "\(tile)")
        }
        #expect(html.contains(">126,271.49<") && html.contains(">3,300.00<") && html.contains(">5,125.00<") && html.contains(">124,446.49<"))
        #expect(html.contains("3,300.00 USD · 2 receipts"))
        #expect(!html.contains("no bank data"))
        // Credits equal the receipts and debits the returns: no word on the difference.
        #expect(!html.contains("The statements show"))
    }

    /// 2026-11-04: nothing received, while the statement took in 777.77 (an ACH batch of 11-03 settling): the page
    /// says how the bank moved and why that is not the day's receipts.
    @Test func aDayWhoseBankMovedWithoutReceiptsSaysWhy() async throws {
        let day = Day(year: 2026, month: 11, day: 4)!
        let tie = Summary.BankTie(account: "••••2233", day: day, closing: Self.m(12_627_149), book: Self.m(12_627_149),
                                  movement: StatementMovement(account: "4471002233", day: day, currency: .usd, opening: Self.m(12_549_372), closing: Self.m(12_627_149),
                                                              creditsMinorUnits: 77_777, lineCount: 1))
        let html = try await Self.page(try Self.summary([], ties: [tie], statementLines: 1))
        #expect(html.contains("0.00 USD</div><div>received"))
        #expect(html.contains("credits of 777.77 USD and debits of 0.00 USD (the bank moved +777.77 USD)"))
        // No receipts: no rate to show, not 100%.
        #expect(html.contains("—</div><div>match rate (count)") && !html.contains("100.0%"))
    }

    /// A missing expected statement, or no bank data at all: the rate tiles say "no bank data", never 100%, and the
    /// page names the account or says nothing was read.
    @Test func aDayWithoutBankDataIsNotShownAsAPerfectOne() async throws {
        let partial = try await Self.page(try Self.summary([Self.wire("W1", 10_000)], ties: [Self.tied, Self.missing]))
        #expect(partial.components(separatedBy: "no bank data</div>").count == 3, "both rate tiles")
        #expect(!partial.contains("100.0%</div>"))
        #expect(partial.contains("100.0% of the 1 receipt read"))
        #expect(partial.contains("No bank data for ••••4455 (USD) of 2026-11-05."))
        #expect(partial.contains("NO STATEMENT: see STATEMENT_GAP"))
        let none = try await Self.page(try Self.summary([], ties: [], statementLines: 0))
        #expect(none.components(separatedBy: "no bank data</div>").count == 3)
        #expect(none.contains("No statement was read for this day"))
    }

    /// The trend's title counts days right, and its axis carries values: the largest day has 9 receipts, so the
    /// axis goes 0, 5, 10; each day is named under its bar.
    @Test func theTrendHasAxisValuesAndCountsItsDaysRight() async throws {
        let json = try Self.summary([], ties: [Self.tied])
        let one = try await Self.page(json, trend: [DayReport.TrendDay(day: "2026-11-06", receipts: 2, exceptions: 3)])
        #expect(one.contains("the last run day</h2>") && !one.contains("1 run days"))
        let three = try await Self.page(json, trend: [DayReport.TrendDay(day: "2026-11-02", receipts: 9, exceptions: 4), DayReport.TrendDay(day: "2026-11-03", receipts: 6, exceptions: 3),
                                                      DayReport.TrendDay(day: "2026-11-06", receipts: 2, exceptions: 3)])
        #expect(three.contains("the last 3 run days</h2>"))
        for tick in ["0", "5", "10"] { #expect(three.contains("text-anchor=\"end\">\(tick)</text>"), "\(tick)") }
        #expect(!three.contains("text-anchor=\"end\">15</text>"))
        for label in ["11-02", "11-03", "11-06"] { #expect(three.contains("text-anchor=\"middle\">\(label)</text>"), "\(label)") }
    }
}
