/// A set of text keys kept as 16-byte digests, never the keys themselves: which source keys the day posted, for the
/// PostgreSQL writer. A day of a million receipts posts 1.2 million keys of 52 bytes on average, each its own heap
/// string: about 145 MB held as a `Set<String>` through the writer's day, 32 MB as digests.
///
/// A digest is two 64-bit SipHashes of the key (Swift's `Hasher`, seeded afresh by each process; digests never leave
/// it). Two of n keys share one with a chance of about n²/2¹²⁹: for a million keys, 10⁻²⁷.
struct KeyDigests {
    /// A key's digest: made once where a key is both looked up and inserted.
    struct Digest: Hashable {
        let low: UInt64
        let high: UInt64

        init(_ key: String) {
            var first = Hasher()
            first.combine(0 as UInt8)
            first.combine(key)
            var second = Hasher()
            second.combine(1 as UInt8)
            second.combine(key)
            low = UInt64(UInt(bitPattern: first.finalize()))
            high = UInt64(UInt(bitPattern: second.finalize()))
        }

        func hash(into hasher: inout Hasher) { hasher.combine(low) }
    }

    private var digests: Set<Digest> = []

    var count: Int { digests.count }

    mutating func insert(_ key: String) { digests.insert(Digest(key)) }

    mutating func insert(_ digest: Digest) { digests.insert(digest) }

    func contains(_ key: String) -> Bool { digests.contains(Digest(key)) }

    func contains(_ digest: Digest) -> Bool { digests.contains(digest) }

    mutating func removeAll() { digests = [] }
}
