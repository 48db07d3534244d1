/// A word of a receipt's free text read as the reference markers read it (`PO 7790`, `CM-2001`, `CREDIT MEMO NO 2001`):
/// bytes compared with ASCII case aside, without a copy. Every word of every free text passes here, for purchase
/// orders (`PurchaseOrderNumber`) and credit memos (`CreditMemoReference`) alike.
enum MarkerWord {
    /// The word is `upper` (ASCII uppercase), case aside.
    @inline(__always)
    static func equals(_ word: String, _ upper: StaticString) -> Bool {
        guard word.utf8.count == upper.utf8CodeUnitCount else { return false }
        return upper.withUTF8Buffer { wanted in
            zip(word.utf8, wanted).allSatisfy { a, b in a == b || (a >= UInt8(ascii: "a") && a <= UInt8(ascii: "z") && a - 32 == b) }
        }
    }

    /// The word is a two-letter marker joined to its number: `first` and `second` (lowercase ASCII, case aside), an
    /// optional dash, then a digit (`PO-7790`, `PO7790`, `CM-2001`), without making the number.
    @inline(__always)
    static func isJoined(_ word: String, _ first: UInt8, _ second: UInt8) -> Bool {
        var bytes = word.utf8.makeIterator()
        guard let a = bytes.next(), a | 0x20 == first, let b = bytes.next(), b | 0x20 == second, var next = bytes.next() else { return false }
        if next == UInt8(ascii: "-") {
            guard let after = bytes.next() else { return false }
            next = after
        }
        return next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")
    }

    /// The word after a marker that starts at word `i`: the marker one word (`PO`, `CM`) or two (`PURCHASE ORDER`,
    /// `P O`, `CREDIT MEMO`); nil when none starts there.
    @inline(__always)
    static func after(_ words: [String], at i: Int, _ oneWord: StaticString, _ twoWords: (StaticString, StaticString),
                      or otherTwoWords: (StaticString, StaticString)? = nil) -> Int? {
        let word = words[i]
        if equals(word, oneWord) { return i + 1 }
        guard i + 1 < words.count else { return nil }
        if equals(word, twoWords.0), equals(words[i + 1], twoWords.1) { return i + 2 }
        if let otherTwoWords, equals(word, otherTwoWords.0), equals(words[i + 1], otherTwoWords.1) { return i + 2 }
        return nil
    }

    /// Words between a marker and its number: `PO NO 7790`, `CREDIT MEMO NUMBER 2001`.
    private static let fillers: [StaticString] = ["NO", "NR", "NBR", "NUM", "NUMBER"]

    /// Word `next` after a marker, or the one after it when it is a word between a marker and its number (case aside).
    @inline(__always)
    static func skippingFiller(_ words: [String], at next: Int) -> Int {
        next < words.count && fillers.contains(where: { equals(words[next], $0) }) ? next + 1 : next
    }
}
