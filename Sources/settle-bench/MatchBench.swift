import Core
import Foundation
import Matching
import Receivables
import Scenario

/// `settle-bench match`: cash application of a generated day (the scenario generator's Zipf-skewed customers)
/// against its ground truth. Times the whole stage as a run does it: indexing the open invoices, finding
/// payers and references, the customer shards, the sequential pass. Asserts every decision.
func benchMatch() async throws {
    let receiptsWanted = option("receipts", default: 1_000_000)
    let concurrency = option("concurrency", default: 2)
    let repeats = option("repeat", default: 3)
    let generation = ContinuousClock().now
    // About 94% of invoices get a receipt (small customers' cases pay one or two of theirs): scaled so that the
    // day has the receipts asked for.
    let day = ScenarioGenerator(options: .init(seed: UInt64(option("seed", default: 42)), customerCount: receiptsWanted / 5,
                                               invoiceCount: receiptsWanted * 1_043 / 1_000)).makeDay()
    let largest = Dictionary(grouping: day.invoices, by: \.customerID).values.map(\.count).max() ?? 0
    let withRemittance = day.receipts.filter { !$0.remittance.isEmpty }.count
    print("match: \(day.receipts.count) receipts (\(withRemittance * 100 / max(1, day.receipts.count))% with remittance), \(day.invoices.count) invoices, "
          + "\(day.customers.count) customers (largest: \(largest) invoices); generated in \(String(format: "%.1f", seconds(ContinuousClock().now - generation))) s")
    let policy = MatchingPolicy(tolerance: Money(minorUnits: 100, currency: .usd))
    var best = Duration.seconds(1_000_000)
    for _ in 0..<repeats {
        let start = ContinuousClock().now
        var engine = await CashApplication.make(customers: day.customers, invoices: day.invoices, policy: policy, asOf: day.receipts.first?.valueDay)
        let indexed = ContinuousClock().now
        let decided = await engine.applyAll(day.receipts, concurrency: concurrency, afterShards: Allocator.returnFreedMemoryNow)
        let elapsed = ContinuousClock().now - start
        best = min(best, elapsed)
        // Every decision against the truth.
        var raised: [String: [ExceptionType]] = [:]
        for e in decided.exceptions { raised[e.receiptID, default: []].append(e.type) }
        var wrong = 0
        var firstWrong = ""
        var byRule: [MatchRule: Int] = [:]
        for (decision, truth) in zip(decided.decisions, day.expected) {
            byRule[decision.rule, default: 0] += 1
            let types = (raised[decision.receipt.id] ?? []).sorted { $0.rawValue < $1.rawValue }
            if decision.rule != truth.rule || decision.applications.sorted(by: { $0.invoiceID < $1.invoiceID }) != truth.applications || types != truth.exceptions {
                wrong += 1
                if firstWrong.isEmpty { firstWrong = "\(truth.kind) \(decision.receipt.id): decided \(decision.rule.rawValue) \(types); \(decision.evidence)" }
            }
        }
        if wrong > 0 {
            print("match: \(wrong) decisions differ from the truth; first: \(firstWrong)")
            exit(1)
        }
        let rules = byRule.sorted { $0.value > $1.value }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        let steps = decided.stepTimings.map { String(format: "%@ %.3f", $0.step, seconds($0.duration)) }.joined(separator: ", ")
        print(String(format: "  %.3f s (index %.3f s, match %.3f s: %@): %.0f receipts/s, %d exceptions; all %d decisions as the truth says (%@)",
                     seconds(elapsed), seconds(indexed - start), seconds(elapsed - (indexed - start)), steps, Double(day.receipts.count) / seconds(elapsed),
                     decided.exceptions.count, decided.decisions.count, rules))
    }
    print(String(format: "match: best of %d: %.3f s for %d receipts against %d invoices at concurrency %d; peak RSS %.0f MB",
                 repeats, seconds(best), day.receipts.count, day.invoices.count, concurrency, peakRSSMegabytes()))
}
