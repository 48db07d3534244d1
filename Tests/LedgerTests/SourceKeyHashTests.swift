@testable import Ledger
import Testing
import TestSupport

/// The open-addressing walk of source-key hashes, with two keys forced onto one starting value (a real FNV-1a
/// collision is too rare to find for a test).
@Suite struct SourceKeyHashTests {
    /// A table of hash values to keys, standing in for `journal_entries.key_hash`.
    struct Table {
        var keys: [Int64: String] = [:]
        var visited: [Int64] = []

        /// Stores `key` under the first free value from `start` on, as posting a key's first entry does.
        mutating func claim(_ key: String, from start: Int64) -> Int64? {
            SourceKeyHash.probe(from: start) { hash in
                visited.append(hash)
                if keys[hash] == nil {
                    keys[hash] = key
                    return .found(hash)
                }
                return .otherKey
            }
        }

        /// Where `key` is stored, walking from `start` past other keys; nil once a free value is met.
        mutating func find(_ key: String, from start: Int64) -> Int64? {
            SourceKeyHash.probe(from: start) { hash in
                visited.append(hash)
                guard let held = keys[hash] else { return .free }
                return held == key ? .found(hash) : .otherKey
            }
        }
    }

    @Test func twoKeysOnOneStartingValueAreBothFound() {
        var table = Table()
        #expect(table.claim("ach:1", from: 42) == 42)
        #expect(table.claim("ach:2", from: 42) == 43)
        #expect(table.visited == [42, 42, 43])
        table.visited = []
        #expect(table.find("ach:1", from: 42) == 42)
        #expect(table.find("ach:2", from: 42) == 43)
        #expect(table.visited == [42, 42, 43])
        // A key never stored walks past both and stops at the first free value.
        table.visited = []
        #expect(table.find("ach:3", from: 42) == nil)
        #expect(table.visited == [42, 43, 44])
    }

    @Test func theWalkWrapsPastTheLargestValue() {
        var table = Table()
        #expect(table.claim("a", from: .max) == .max)
        #expect(table.claim("b", from: .max) == .min)
        #expect(table.find("b", from: .max) == .min)
    }

    @Test func aKeyIsLookedUpFromItsOwnHash() {
        var table = Table()
        let start = SourceKeyHash.of("stmt:1")
        #expect(table.claim("stmt:1", from: start) == start)
        #expect(SourceKeyHash.probe("stmt:1") { table.keys[$0] == "stmt:1" ? .found($0) : .free } == start)
        #expect(SourceKeyHash.probe("stmt:2") { table.keys[$0] == "stmt:2" ? .found($0) : .free } == nil)
    }

    /// The statement form of a step reads the key's row, and walks past a row of another key.
    @Test func aStatementStepTellsKeysApartByTheirText() throws {
        let db = try Database(path: TestPaths.temporaryDirectory("source-key-hash") + "/keys.sqlite")
        try db.execute("""
            CREATE TABLE journal_entries (key_hash INTEGER PRIMARY KEY, source_key TEXT NOT NULL, day TEXT NOT NULL);
            INSERT INTO journal_entries VALUES (7, 'ach:1', '2026-11-02'), (8, 'ach:2', '2026-11-03');
            """)
        let find = try db.prepare("SELECT source_key, day FROM journal_entries WHERE key_hash = ?")
        func day(of key: String) throws -> String? {
            try SourceKeyHash.probe(from: 7) { hash in try find.sourceKeySlot(hash, key: key, keyColumn: 0) { $0.text(1) } }
        }
        #expect(try day(of: "ach:1") == "2026-11-02")
        #expect(try day(of: "ach:2") == "2026-11-03")
        #expect(try day(of: "ach:3") == nil)
    }
}
