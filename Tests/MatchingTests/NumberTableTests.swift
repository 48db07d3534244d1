@testable import Matching
import Testing

@Suite struct NumberTableTests {
    @Test func findsWhatWasInsertedAndNothingElse() {
        var table = NumberTable(capacity: 5_000)
        // Keys that collide in the low bits, zero among them.
        let keys = (0..<5_000).map { UInt64($0) << 20 }
        for (i, k) in keys.enumerated() { #expect(table.insert(k, Int32(i)) == nil) }
        #expect(table.count == 5_000)
        for (i, k) in keys.enumerated() { #expect(table.find(k) == Int32(i)) }
        #expect(table.find(1) == nil && table.find(UInt64(5_000) << 20) == nil)
        // A second insert keeps the first value and says what it was; update replaces it.
        #expect(table.insert(keys[7], 99) == 7)
        table.update(keys[7], -3)
        #expect(table.find(keys[7]) == -3)
    }
}
