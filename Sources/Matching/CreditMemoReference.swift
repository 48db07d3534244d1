import Receivables

/// How a payer names one of its credit memos (DESIGN.md, Cash application, rule 1: credit memos named in the
/// remittance are taken first): a remittance line qualified `CM` (X12 `RMR*CM`, camt `CREN`) or `CR`, or in free text
/// `CM-2001`, `CM 2001`, `CREDIT MEMO 2001`. A line of another qualifier whose amount paid is negative names a memo
/// too, when its number is one; that is the remittance's amount, not the words, and is read where the line is.
///
/// A memo is looked up by its number in the invoice numbers' normal form (`InvoiceNumber`), as written, without
/// its `CM` marker and with one, so that the export's `CM-2001` and a remittance's `RMR*CM*2001` are the same memo.
enum CreditMemoReference {
    /// True for the qualifier of a remittance line that names a credit memo: X12 RMR01 `CM` or `CR`, camt `CREN`
    /// (read as `CM`).
    @inline(__always)
    static func isQualifier(_ qualifier: String) -> Bool { qualifier == "CM" || qualifier == "CR" || qualifier == "CREN" }

    /// The keys a memo number is looked up by, in order: as written, without a leading `CM` marker, with one.
    static func keys(_ written: String) -> [ReferenceKey] {
        var keys = [ReferenceKey(normalizing: written)]
        func add(_ key: ReferenceKey) { if !keys.contains(key) { keys.append(key) } }
        if let number = joinedNumber(written) { add(ReferenceKey(normalizing: number)) }
        add(ReferenceKey(normalizing: "CM" + written))
        return keys
    }

    /// What the words of a receipt's free text say at `i` about credit memos.
    enum Marker: Equatable {
        /// `CM 2001`, `CREDIT MEMO 2001`, `CREDIT MEMO NO 2001`: the memo numbers are the words from `numbers` on that
        /// have a digit.
        case memo(numbers: Int)
        /// `CM-2001`, `CM2001`: the word is the memo number.
        case joined
    }

    /// The marker at word `i`, if one starts there. Compares bytes (case aside).
    static func marker(in words: [String], at i: Int) -> Marker? {
        let word = words[i]
        var next: Int
        if equals(word, "CM") {
            next = i + 1
        } else if equals(word, "CREDIT"), i + 1 < words.count, equals(words[i + 1], "MEMO") {
            next = i + 2
        } else {
            return isJoined(word) ? .joined : nil
        }
        if next < words.count, fillers.contains(where: { equals(words[next], $0) }) { next += 1 }
        return next < words.count ? .memo(numbers: next) : nil
    }

    /// Words between the marker and the number.
    private static let fillers: [StaticString] = ["NO", "NR", "NBR", "NUM", "NUMBER"]

    /// The number of `CM-2001` or `CM2001` (`CM`, an optional dash or space, then a digit): `2001`; nil for any other word.
    /// Looks at the first bytes only, without a copy: every word of a free text passes here in a book with memos.
    static func joinedNumber(_ word: String) -> String? {
        let utf8 = word.utf8
        var at = utf8.startIndex
        guard at != utf8.endIndex, utf8[at] | 0x20 == UInt8(ascii: "c") else { return nil }
        at = utf8.index(after: at)
        guard at != utf8.endIndex, utf8[at] | 0x20 == UInt8(ascii: "m") else { return nil }
        at = utf8.index(after: at)
        guard at != utf8.endIndex else { return nil }
        if utf8[at] == UInt8(ascii: "-") || utf8[at] == UInt8(ascii: " ") { at = utf8.index(after: at) }
        guard at != utf8.endIndex, utf8[at] >= UInt8(ascii: "0") && utf8[at] <= UInt8(ascii: "9") else { return nil }
        return String(word[at...])
    }

    /// `CM-2001` or `CM2001`, without making the number.
    private static func isJoined(_ word: String) -> Bool {
        var bytes = word.utf8.makeIterator()
        guard let c = bytes.next(), c | 0x20 == UInt8(ascii: "c"), let m = bytes.next(), m | 0x20 == UInt8(ascii: "m"), var next = bytes.next() else { return false }
        if next == UInt8(ascii: "-") {
            guard let after = bytes.next() else { return false }
            next = after
        }
        return next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")
    }

    /// The word is `upper` (ASCII uppercase), case aside.
    @inline(__always)
    private static func equals(_ word: String, _ upper: StaticString) -> Bool {
        guard word.utf8.count == upper.utf8CodeUnitCount else { return false }
        return upper.withUTF8Buffer { wanted in
            zip(word.utf8, wanted).allSatisfy { a, b in a == b || (a >= UInt8(ascii: "a") && a <= UInt8(ascii: "z") && a - 32 == b) }
        }
    }
}
