import Core
import Matching
import Receivables
import Scenario
import Synchronization
import Testing

/// Cash application against the scenario generator's ground truth: every automatic application right, every
/// expected exception raised and no other, every open amount exact; the same decisions at any concurrency.
@Suite struct ScenarioTruthTests {
    static let policy = MatchingPolicy(tolerance: Money(minorUnits: 100, currency: .usd))

    static func day(seed: UInt64) -> ScenarioGenerator.Day1 {
        ScenarioGenerator(options: .init(seed: seed, customerCount: 300, invoiceCount: 3_000)).makeDay()
    }

    /// The first differences between what the engine decided and the truth, as readable lines.
    static func differences(_ decided: DayApplication, _ day: ScenarioGenerator.Day1) -> [String] {
        var raised: [String: [ExceptionType]] = [:]
        for e in decided.exceptions { raised[e.receiptID, default: []].append(e.type) }
        var out: [String] = []
        for (decision, truth) in zip(decided.decisions, day.expected) {
            let applications = decision.applications.sorted { $0.invoiceID < $1.invoiceID }
            let types = (raised[decision.receipt.id] ?? []).sorted { $0.rawValue < $1.rawValue }
            if decision.rule != truth.rule || applications != truth.applications || types != truth.exceptions || decision.customerID != truth.customerID {
                out.append("\(truth.kind) \(decision.receipt.id) \(decision.receipt.amount): decided \(decision.rule.rawValue) \(applications.map { "\($0.invoiceID)=\($0.applied)/\($0.discount)/\($0.writeOff)" }) \(types.map(\.rawValue)) customer \(decision.customerID ?? "-"); "
                           + "expected \(truth.rule.rawValue) \(truth.applications.map { "\($0.invoiceID)=\($0.applied)/\($0.discount)/\($0.writeOff)" }) \(truth.exceptions.map(\.rawValue)) customer \(truth.customerID ?? "-") [\(decision.evidence)]")
            }
            if out.count >= 10 { break }
        }
        return out
    }

    @Test(arguments: 1...20)
    func decisionsMatchTheTruth(seed: Int) async {
        let day = Self.day(seed: UInt64(seed))
        var engine = CashApplication(customers: day.customers, invoices: day.invoices, policy: Self.policy, asOf: day.receipts.first?.valueDay)
        let decided = engine.applyAll(day.receipts)
        let wrong = Self.differences(decided, day)
        #expect(wrong.isEmpty, "seed \(seed): \(wrong.count) receipts decided otherwise than the truth:\n\(wrong.joined(separator: "\n"))")
        // Every open amount exact: the original less what the truth applied.
        var expectedOpen: [String: Int64] = Dictionary(day.invoices.map { ($0.id, $0.openAmount.minorUnits) }, uniquingKeysWith: { a, _ in a })
        for truth in day.expected { for a in truth.applications { expectedOpen[a.invoiceID, default: 0] -= a.settled } }
        let mismatched = day.invoices.filter { engine.openAmount(of: $0.id)?.minorUnits != expectedOpen[$0.id] }
        #expect(mismatched.isEmpty, "seed \(seed): open amounts differ for \(mismatched.prefix(5).map(\.id))")
        // Every kind of case was generated at least once over the seeds (checked in the next test); here, the day is not trivial.
        #expect(day.receipts.count > 1_000)
    }

    @Test func everyCaseKindIsGenerated() {
        var kinds = Set<String>()
        for seed in 1...20 { kinds.formUnion(Self.day(seed: UInt64(seed)).expected.map(\.kind)) }
        let wanted: Set<String> = ["remittance", "remittance-discount", "remittance-short", "remittance-over", "remittance-typo", "exact-amount", "discount-amount",
                                   "unmatched", "unknown-payer", "combination", "split-payment", "short-pay", "hazard-equal-amounts", "hazard-same-number",
                                   "hazard-two-subsets", "hazard-names-one-token-apart", "hazard-parent-pays", "hazard-cross-customer"]
        #expect(wanted.subtracting(kinds).isEmpty, "never generated: \(wanted.subtracting(kinds).sorted())")
    }

    @Test func concurrencyAndInputOrderChangeNothing() async {
        let day = ScenarioGenerator(options: .init(seed: 77, customerCount: 2_000, invoiceCount: 12_000)).makeDay()
        let ordered = day.receipts.sorted { $0.sourceKey < $1.sourceKey }
        var one = CashApplication(customers: day.customers, invoices: day.invoices, policy: Self.policy)
        let sequential = one.applyAll(ordered)
        var eight = CashApplication(customers: day.customers, invoices: day.invoices, policy: Self.policy)
        let concurrent = await eight.applyAll(ordered, concurrency: 8)
        #expect(sequential.decisions == concurrent.decisions)
        #expect(sequential.exceptions.map(\.id) == concurrent.exceptions.map(\.id))
        #expect(one.allInvoices == eight.allInvoices)
        // Input order: the receipts in another order, sorted the way a run sorts them, decide the same.
        var shuffled = CashApplication(customers: day.customers, invoices: day.invoices, policy: Self.policy)
        let reordered = await shuffled.applyAll(day.receipts.reversed().sorted { $0.sourceKey < $1.sourceKey }, concurrency: 3)
        #expect(reordered.decisions == sequential.decisions)
    }

    /// The runner's hooks around the shards: `beforeShards` (where a day waits for its ledger writer) once before
    /// them, `afterShards` once after; a day too small for shards still calls `beforeShards`. Neither changes a decision.
    @Test func theHooksAroundTheShardsAreCalledOnceInOrder() async {
        let day = ScenarioGenerator(options: .init(seed: 77, customerCount: 2_000, invoiceCount: 12_000)).makeDay()
        let ordered = day.receipts.sorted { $0.sourceKey < $1.sourceKey }
        #expect(ordered.count >= 2_000)
        let calls = Mutex<[String]>([])
        var plain = CashApplication(customers: day.customers, invoices: day.invoices, policy: Self.policy)
        let expected = await plain.applyAll(ordered, concurrency: 2)
        var hooked = CashApplication(customers: day.customers, invoices: day.invoices, policy: Self.policy)
        let decided = await hooked.applyAll(ordered, concurrency: 2, beforeShards: {
            try? await Task.sleep(for: .milliseconds(20))
            calls.withLock { $0.append("before") }
        }, afterShards: { calls.withLock { $0.append("after") } })
        #expect(calls.withLock { $0 } == ["before", "after"])
        #expect(decided.decisions == expected.decisions)

        calls.withLock { $0 = [] }
        var small = CashApplication(customers: day.customers, invoices: day.invoices, policy: Self.policy)
        _ = await small.applyAll(Array(ordered.prefix(100)), concurrency: 2, beforeShards: { calls.withLock { $0.append("before") } },
                                 afterShards: { calls.withLock { $0.append("after") } })
        #expect(calls.withLock { $0 } == ["before"])
    }
}
