/// Which combinations of two or more open amounts add up to a payment: an exhaustive search, so that "one
/// combination" means exactly one, not "the first one found before a budget ran out".
enum SubsetSum {
    enum Outcome: Equatable {
        case none
        /// Exactly one set of indices into the values.
        case unique([Int])
        /// Two (of possibly more) distinct sets.
        case several([Int], [Int])
        /// The search took more steps than it may: nothing can be said.
        case cutOff
    }

    /// Sets of at least two values whose sum lies in `low...high`. Values must be positive.
    static func search(values: [Int64], low: Int64, high: Int64, stepBudget: Int) -> Outcome {
        search(values: values, credits: [], low: low, high: high, stepBudget: stepBudget)
    }

    /// Sets whose sum lies in `low...high`: two or more values, or one or more values and exactly one of the
    /// `credits` (open credit memos, negative). Values must be positive, credits negative. In a set, index `k` of the
    /// credits is `values.count + k`. The searches with each credit share the one step budget, so a customer with
    /// credit memos is searched as far as one without, never further.
    static func search(values: [Int64], credits: [Int64], low: Int64, high: Int64, stepBudget: Int) -> Outcome {
        guard !values.isEmpty, low <= high, credits.isEmpty ? values.count >= 2 && high > 0 : true else { return .none }
        // Largest first: branches overshoot sooner; suffix sums prune branches that cannot reach `low`.
        let order = values.indices.sorted { (values[$0], $1) > (values[$1], $0) }
        let sorted = order.map { values[$0] }
        // Sums are checked, never wrapped: the values are positive, so a sum past Int64.max is past `high` and never
        // short of `low` (a suffix sum past it is kept as Int64.max, which is not short of `low` either).
        @inline(__always) func reaches(_ a: Int64, _ b: Int64, _ low: Int64) -> Bool {
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow || sum >= low
        }
        var suffix = [Int64](repeating: 0, count: sorted.count + 1)
        for i in stride(from: sorted.count - 1, through: 0, by: -1) {
            let (sum, overflow) = suffix[i + 1].addingReportingOverflow(sorted[i])
            suffix[i] = overflow ? Int64.max : sum
        }
        var found: [[Int]] = []
        var chosen: [Int] = []
        var steps = 0
        var cut = false
        // Each run: the values alone (at least two; run -1), then each credit `k` with at least one value. A credit
        // shifts the window the values must reach by its amount.
        for k in -1..<credits.count {
            let credit: Int64 = k < 0 ? 0 : credits[k]
            if k >= 0 && credit >= 0 { continue }
            let (low, lowOverflow) = low.subtractingReportingOverflow(credit)
            let (high, highOverflow) = high.subtractingReportingOverflow(credit)
            let minimum = k < 0 ? 2 : 1
            if lowOverflow || highOverflow || high <= 0 || values.count < minimum { continue }
            func visit(_ start: Int, _ sum: Int64) {
                if found.count >= 2 || cut { return }
                steps += 1
                if steps > stepBudget { cut = true; return }
                if sum >= low && sum <= high && chosen.count >= minimum {
                    var set = chosen.map { order[$0] }.sorted()
                    if k >= 0 { set.append(values.count + k) }
                    found.append(set)
                    if found.count >= 2 { return }
                }
                if start >= sorted.count || !reaches(sum, suffix[start], low) { return }
                for i in start..<sorted.count {
                    if !reaches(sum, suffix[i], low) { return }
                    let (next, overflow) = sum.addingReportingOverflow(sorted[i])
                    if overflow || next > high { continue }
                    chosen.append(i)
                    visit(i + 1, next)
                    chosen.removeLast()
                    if found.count >= 2 || cut { return }
                }
            }
            visit(0, 0)
            if found.count >= 2 || cut { break }
        }
        if cut && found.count < 2 { return .cutOff }
        switch found.count {
        case 0: return .none
        case 1: return .unique(found[0])
        default: return .several(found[0], found[1])
        }
    }
}
