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
        guard let after = MarkerWord.after(words, at: i, "CM", ("CREDIT", "MEMO")) else {
            return MarkerWord.isJoined(words[i], UInt8(ascii: "c"), UInt8(ascii: "m")) ? .joined : nil
        }
        let next = MarkerWord.skippingFiller(words, at: after)
        return next < words.count ? .memo(numbers: next) : nil
    }

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
}
