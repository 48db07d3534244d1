@testable import Ledger
import Testing

/// The PostgreSQL writer's record of the keys a day posted holds digests, not keys: it must still know every key it
/// was given and no other, whatever their likeness.
struct KeyDigestsTests {
    @Test func knowsEveryKeyItWasGivenAndNoOther() {
        var digests = KeyDigests()
        let given = (0..<200_000).map { "settle:receipt:ach:\(1_000_000 + $0 * 2):2026-11-02" }
        for key in given { digests.insert(key) }
        for key in given.prefix(1_000) { digests.insert(key) }
        #expect(digests.count == given.count)
        #expect(given.allSatisfy { digests.contains($0) })
        // Keys one character apart from those given, and the empty key.
        let others = (0..<200_000).map { "settle:receipt:ach:\(1_000_001 + $0 * 2):2026-11-02" } + ["", "settle:receipt:ach:1000000:2026-11-03"]
        #expect(others.allSatisfy { !digests.contains($0) })
        // A digest made once is the key's: found as the key, and a key inserted by its digest is found by the key.
        #expect(digests.contains(KeyDigests.Digest(given[1])) && !digests.contains(KeyDigests.Digest(others[1])))
        digests.insert(KeyDigests.Digest(others[0]))
        #expect(digests.contains(others[0]) && digests.count == given.count + 1)
        digests.removeAll()
        #expect(digests.count == 0 && !digests.contains(given[0]))
    }
}
