/// One customer's open invoices ordered by open amount, then age (oldest first): the index behind the amount
/// rules. Kept in buckets of a few hundred entries so that applying a payment (remove one entry, insert its
/// new open amount) costs a bucket's shift, not the whole list's: a customer with 50,000 open invoices and as
/// many payments in a day stays linear. A class, owned by one shard's workspace: a rule that holds the index
/// while a payment changes it must not copy 50,000 entries on write.
final class SortedAmounts {
    struct Entry: Comparable, Sendable {
        var amount: Int64
        /// Position in the oldest-first order of all invoices: equal amounts list the oldest first.
        var age: Int32
        var invoice: Int32
        static func < (a: Entry, b: Entry) -> Bool { (a.amount, a.age) < (b.amount, b.age) }
    }

    private static let bucketCapacity = 256
    private var buckets: [[Entry]] = []
    private(set) var count = 0

    init(sorted entries: [Entry]) {
        var start = 0
        let half = SortedAmounts.bucketCapacity / 2
        while start < entries.count {
            let end = min(entries.count, start + half)
            buckets.append(Array(entries[start..<end]))
            start = end
        }
        count = entries.count
    }

    /// Index of the first bucket whose last entry is not below `key`.
    private func bucket(for key: Entry) -> Int {
        var low = 0
        var high = buckets.count
        while low < high {
            let mid = (low + high) / 2
            if buckets[mid][buckets[mid].count - 1] < key { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private static func lowerBound(_ bucket: [Entry], _ key: Entry) -> Int {
        var low = 0
        var high = bucket.count
        while low < high {
            let mid = (low + high) / 2
            if bucket[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low
    }

    func insert(_ entry: Entry) {
        count += 1
        if buckets.isEmpty { buckets = [[entry]]; return }
        var b = bucket(for: entry)
        if b == buckets.count { b -= 1 }
        let at = SortedAmounts.lowerBound(buckets[b], entry)
        buckets[b].insert(entry, at: at)
        if buckets[b].count > SortedAmounts.bucketCapacity {
            let upper = Array(buckets[b][(SortedAmounts.bucketCapacity / 2)...])
            buckets[b].removeSubrange((SortedAmounts.bucketCapacity / 2)...)
            buckets.insert(upper, at: b + 1)
        }
    }

    /// Removes the entry; false when it is not there.
    @discardableResult
    func remove(_ entry: Entry) -> Bool {
        let b = bucket(for: entry)
        guard b < buckets.count else { return false }
        let at = SortedAmounts.lowerBound(buckets[b], entry)
        guard at < buckets[b].count, buckets[b][at] == entry else { return false }
        buckets[b].remove(at: at)
        if buckets[b].isEmpty { buckets.remove(at: b) }
        count -= 1
        return true
    }

    /// Calls `body` for each entry with `low <= amount <= high`, in order, until it returns false.
    func forEach(amountFrom low: Int64, through high: Int64, _ body: (Entry) -> Bool) {
        guard low <= high else { return }
        var b = bucket(for: Entry(amount: low, age: .min, invoice: .min))
        guard b < buckets.count else { return }
        var i = SortedAmounts.lowerBound(buckets[b], Entry(amount: low, age: .min, invoice: .min))
        while b < buckets.count {
            let bucket = buckets[b]
            while i < bucket.count {
                let e = bucket[i]
                if e.amount > high { return }
                if !body(e) { return }
                i += 1
            }
            b += 1
            i = 0
        }
    }

    /// The entries with exactly this amount, oldest first.
    func entries(amount: Int64) -> [Entry] {
        var out: [Entry] = []
        forEach(amountFrom: amount, through: amount) { out.append($0); return true }
        return out
    }

    /// The entries with an amount of at most `high`, in order, or nil when there are more than `limit`.
    func entries(atMost high: Int64, limit: Int) -> [Entry]? {
        var out: [Entry] = []
        var over = false
        for bucket in buckets {
            for e in bucket {
                if e.amount > high { return out }
                if out.count == limit { over = true; break }
                out.append(e)
            }
            if over { break }
        }
        return over ? nil : out
    }

    /// The entries nearest to `amount` (by absolute difference, then age), at most `limit` of them.
    func nearest(to amount: Int64, limit: Int) -> [Entry] {
        var out: [Entry] = []
        forEach(amountFrom: amount, through: .max) { out.append($0); return out.count < limit }
        // Walk down from the amount: the buckets before it, last entry first.
        var below: [Entry] = []
        let b = bucket(for: Entry(amount: amount, age: .min, invoice: .min))
        var bi = min(b, buckets.count - 1)
        while bi >= 0 && below.count < limit {
            for e in buckets[bi].reversed() where e.amount < amount {
                below.append(e)
                if below.count == limit { break }
            }
            bi -= 1
        }
        out += below
        out.sort { (abs($0.amount - amount), $0.age) < (abs($1.amount - amount), $1.age) }
        return Array(out.prefix(limit))
    }
}
