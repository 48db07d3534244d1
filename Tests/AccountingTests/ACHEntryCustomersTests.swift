@testable import Accounting
import Core
import Matching
import Testing

/// The customers cash application found, given to ACH rows made after it: each row its entry's, from the last decision
/// of that entry, as the customers sent one after another after the rows leave them.
@Suite struct ACHEntryCustomersTests {
    typealias B = Books

    static func row(_ trace: String, customer: String? = nil, effective: String = "2026-11-02", keyText: String? = nil) -> ACHEntryRow {
        let day = B.d(effective)
        let key = keyText ?? ACHEntryRow.entryKey(role: "received", companyID: "1234567890", effectiveDay: day, trace: trace)
        return ACHEntryRow(entryKey: key, role: "received", kind: "payment", companyID: "1234567890", trace: trace, rdfi: "09100001", amount: B.m(500),
                           effectiveDay: day, settlementDay: day, sourceKey: key, customerID: customer, receiverName: "SELLER", identification: "",
                           fileName: "day.ach", day: day)
    }

    static func decided(_ trace: String, _ customer: String?, effective: String = "2026-11-02") -> Decision {
        B.decision(B.achReceipt(500, trace: trace, effective: effective), customer: customer, [])
    }

    @Test func eachRowIsGivenItsEntrysCustomer() {
        let customers = ACHEntryCustomers([Self.decided("3", "C3"), Self.decided("1", "C1"), Self.decided("2", nil), B.decision(B.statementReceipt(500), customer: "C9", [])])
        var rows = ["1", "2", "3", "4"].map { Self.row($0) }
        customers.give(to: &rows)
        #expect(rows.map(\.customerID) == ["C1", nil, "C3", nil])
        // Another effective day is another entry.
        #expect(customers.customer(of: Self.row("1", effective: "2026-11-03")) == nil)
    }

    @Test func theLastDecisionOfAnEntryStandsAndARowsOwnCustomerIsKept() {
        let customers = ACHEntryCustomers([Self.decided("1", "C1"), Self.decided("2", "C2"), Self.decided("1", "C7"), Self.decided("1", nil)])
        var rows = [Self.row("1"), Self.row("2", customer: "OWN")]
        customers.give(to: &rows)
        #expect(rows.map(\.customerID) == ["C7", "OWN"])
    }

    /// A row kept under an older ledger's key text is not the entry its fields would name: no customer found by key is
    /// its, as none is when the customers are matched to rows by key text.
    @Test func aRowUnderAnOlderKeyTextHasNone() {
        let customers = ACHEntryCustomers([Self.decided("1", "C1")])
        let legacy = Self.row("1", keyText: "ach:" + String(repeating: "ab", count: 32) + ":1:1")
        #expect(legacy.keepsKeyText)
        #expect(customers.customer(of: legacy) == nil)
        #expect(customers.customer(of: Self.row("1")) == "C1")
    }

    /// Keys that share a hash are told apart by their fields: with every hash made one, or two, each row still finds
    /// its own entry's customer (the last decision of it), and a key no decision names finds none.
    @Test func keysSharingAHashAreToldApartByTheirFields() {
        let decisions = [Self.decided("1", "C1"), Self.decided("2", "C2"), Self.decided("1", "C7"), Self.decided("3", "C3"),
                         Self.decided("2", "C2", effective: "2026-11-03"), Self.decided("4", nil)]
        for bucket: @Sendable (Int) -> Int in [{ _ in 0 }, { $0 & 1 }] {
            let customers = ACHEntryCustomers(decisions, bucket: bucket)
            var rows = [Self.row("1"), Self.row("2"), Self.row("3"), Self.row("4"), Self.row("5"), Self.row("2", effective: "2026-11-03")]
            customers.give(to: &rows)
            #expect(rows.map(\.customerID) == ["C7", "C2", "C3", nil, nil, "C2"])
            #expect(customers.customer(of: Self.row("3", effective: "2026-11-03")) == nil)
        }
    }

    /// Many entries: every row finds its own among thousands of hashes, whatever the decisions' order.
    @Test func manyEntries() {
        let traces = (0..<5_000).map { String(format: "%015d", $0 * 7 + 1) }
        let decisions = traces.shuffled().map { Self.decided($0, "C" + $0) }
        let customers = ACHEntryCustomers(decisions)
        var rows = traces.map { Self.row($0) }
        customers.give(to: &rows)
        #expect(rows.map(\.customerID) == traces.map { "C" + $0 })
    }
}
