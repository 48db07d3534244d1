import Accounting
import Core
@testable import Ledger
import Testing
import TestSupport

/// Random sequences of runs, reruns, changed decisions and returns, checked after every step against an
/// independent model (an auditor that rebuilds every balance from what it asked for).
@Suite struct LedgerPropertyTests {
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func balancesAndOpenAmountsAlwaysAgreeWithTheModel(seed: UInt64) async throws {
        print("LedgerPropertyTests seed \(seed)")
        var random = Random(state: seed)
        let path = TestPaths.temporaryDirectory("ledger-property") + "/ledger.sqlite"
        let store = try SQLiteLedgerStore(path: path)
        let day = Day(year: 2026, month: 11, day: 2)!
        let invoiceCount = 12
        var invoices: [LedgerInvoice] = []
        for i in 0..<invoiceCount {
            let amount: Money = Self.m(Int64(10_000 + i * 1_000))
            invoices.append(LedgerInvoice(invoiceID: "I\(i)", customerID: "C\(i % 3)", issueDay: day, dueDay: day.adding(days: 30), amount: amount,
                                          openAmount: amount, terms: "NET30", poNumber: ""))
        }
        // The model: what each source key should net to now.
        var wanted: [String: JournalEntryDraft] = [:]
        for invoice in invoices {
            wanted["invoice:\(invoice.invoiceID):opening"] = JournalEntryDraft(sourceKey: "invoice:\(invoice.invoiceID):opening", effectiveDay: day, memo: "open", postings: [
                Posting(account: ChartOfAccounts.accountsReceivable, customerID: invoice.customerID, invoiceID: invoice.invoiceID, amount: invoice.amount),
                Posting(account: ChartOfAccounts.openingBalances, customerID: invoice.customerID, invoiceID: invoice.invoiceID, amount: Self.m(-invoice.amount.minorUnits)),
            ])
        }
        func receipt(_ key: String) -> JournalEntryDraft {
            let cash = Int64(100 + random.below(5_000))
            let invoice = invoices[random.below(invoiceCount)]
            let applied = Int64(random.below(Int(cash) + 1))
            let discount = Int64(random.below(50))
            var postings = [Posting(account: "1000-2233", amount: Self.m(cash)),
                            Posting(account: ChartOfAccounts.accountsReceivable, customerID: invoice.customerID, invoiceID: invoice.invoiceID, amount: Self.m(-applied - discount))]
            if discount > 0 { postings.append(Posting(account: ChartOfAccounts.discountsAllowed, customerID: invoice.customerID, invoiceID: invoice.invoiceID, amount: Self.m(discount))) }
            if cash > applied { postings.append(Posting(account: ChartOfAccounts.unappliedCash, customerID: invoice.customerID, amount: Self.m(applied - cash))) }
            return JournalEntryDraft(sourceKey: key, effectiveDay: day, memo: key, postings: postings)
        }
        var keys: [String] = []
        var run: Int64 = 0
        for step in 0..<40 {
            run = try await store.beginRun(manifest: "p", firstDay: day, lastDay: day, startedAt: "s\(step)")
            var drafts: [JournalEntryDraft] = []
            switch random.below(5) {
            case 0, 1: // a run with new receipts
                for _ in 0..<(1 + random.below(6)) {
                    let key = "ach:\(seed):\(keys.count)"
                    keys.append(key)
                    wanted[key] = receipt(key)
                }
                drafts = Array(wanted.values)
            case 2: // a rerun: the same drafts again
                drafts = Array(wanted.values)
            case 3: // a changed decision (rule change or reviewer) on some posted receipt
                if let key = keys.randomElement(using: &random) {
                    wanted[key] = receipt(key)
                }
                drafts = Array(wanted.values)
            default: // a return: the receipt's postings reversed under a key of its own
                if let key = keys.randomElement(using: &random), let original = wanted[key] {
                    let returnKey = "return:\(key)"
                    wanted[returnKey] = JournalEntryDraft(sourceKey: returnKey, effectiveDay: day, memo: "return",
                                                          postings: original.postings.map { Posting(account: $0.account, customerID: $0.customerID, invoiceID: $0.invoiceID,
                                                                                                    amount: Self.m(-$0.amount.minorUnits)) })
                }
                drafts = Array(wanted.values)
            }
            drafts.sort { $0.sourceKey < $1.sourceKey }
            _ = try await store.commit(DayCommit(runID: run, day: day, invoices: invoices, entries: drafts, cashAccounts: [("1000-2233", "Cash")]))

            // The auditor: balances rebuilt from the model.
            var expected: [String: Int64] = [:]
            var expectedOpen: [String: Int64] = [:]
            for draft in wanted.values {
                for p in draft.postings {
                    expected[p.account, default: 0] += p.amount.minorUnits
                    if p.account == ChartOfAccounts.accountsReceivable, let i = p.invoiceID { expectedOpen[i, default: 0] += p.amount.minorUnits }
                }
            }
            let reader = try SQLiteLedgerReader(path: path)
            var report = try reader.verify()
            // The model does not keep open amounts on their document's side (a return of a receipt whose decision changed
            // since, receipts paying past what is open): verify names exactly the invoices it takes past them, and else
            // finds the ledger clean.
            let pastTheirSign = invoices.filter { !(0...$0.amount.minorUnits).contains(expectedOpen[$0.invoiceID] ?? 0) }.map(\.invoiceID).sorted()
            #expect(report.openAmountsPastTheirSign.map(\.invoiceID) == pastTheirSign, "seed \(seed) step \(step)")
            report.openAmountsPastTheirSign = []
            #expect(report.isClean, "seed \(seed) step \(step)")
            #expect(report.trialBalance.values.allSatisfy { $0 == 0 })
            var actual: [String: Int64] = [:]
            for b in try reader.balances() { actual[b.account] = b.balance.minorUnits }
            #expect(actual.filter { $0.value != 0 } == expected.filter { $0.value != 0 }, "seed \(seed) step \(step)")
            for invoice in try reader.invoices() {
                // Open amount = the invoice's amount less everything posted against it since.
                #expect(invoice.openAmount.minorUnits == expectedOpen[invoice.invoiceID] ?? 0, "seed \(seed) step \(step) \(invoice.invoiceID)")
            }
        }
    }
}

extension LedgerPropertyTests.Random: RandomNumberGenerator {}
