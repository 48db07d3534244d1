import Receivables

/// Purchase-order numbers as payers and the invoice export write them (`PO-7790`, `P.O. #7790`, `po 007790`,
/// `7790`): the customer's own number for what it ordered, never an invoice number (DESIGN.md, Cash application,
/// rule 1: a reference qualified `PO` is looked up by `po_number` only). Compared in the invoice numbers' normal form
/// (`InvoiceNumber`: case, spaces, dashes, leading zeros), after a leading `PO` marker is dropped, so that the
/// export's `PO-7790` and a remittance's `7790` are the same order.
enum PurchaseOrderNumber {
    /// The key a purchase-order number is indexed and looked up by; nil for one without letters or digits.
    static func key(_ text: String) -> ReferenceKey? {
        if text.isEmpty { return nil }
        // The common forms (`PO-7790`, `7790`) as a number read off the bytes: a million invoices' orders are indexed
        // each night, in half the time the general form below takes.
        if let value = text.utf8.withContiguousStorageIfAvailable({ numericValue($0) }) ?? nil { return .number(value) }
        if let value = InvoiceNumber.numericValue(text) { return .number(value) }
        let normal = InvoiceNumber.normalize(text)
        if normal.isEmpty { return nil }
        // "PO7790", "PONO7790": the marker goes when a number follows it ("POLAR1" keeps its letters).
        if normal.utf8.count > 2, normal.utf8.starts(with: "PO".utf8) {
            let rest = ReferenceKey(normalizing: String(decoding: normal.utf8.dropFirst(2), as: UTF8.self))
            switch rest {
            case .number: return rest
            case let .text(t): if let first = t.utf8.first, first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") { return rest }
            }
        }
        return .text(normal)
    }

    /// An ASCII number of at most 18 digits, after an optional `PO` marker, separators aside: what the general form
    /// makes of it, without making a String. nil for anything else (letters past the marker, more digits, not ASCII).
    private static func numericValue(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        // 0: nothing yet, 1: P, 2: PO, 3: in the number.
        var state = 0
        var value: UInt64 = 0
        var digits = 0
        for b in bytes {
            if b >= 0x80 { return nil }
            let upper = b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") ? b - 32 : b
            if upper >= UInt8(ascii: "0") && upper <= UInt8(ascii: "9") {
                if state == 1 { return nil }
                state = 3
                if digits == 0 && upper == UInt8(ascii: "0") { continue }
                digits += 1
                if digits > 18 { return nil }
                value = value * 10 + UInt64(upper - UInt8(ascii: "0"))
            } else if upper >= UInt8(ascii: "A") && upper <= UInt8(ascii: "Z") {
                if state == 0 && upper == UInt8(ascii: "P") { state = 1 } else if state == 1 && upper == UInt8(ascii: "O") { state = 2 } else { return nil }
            }
        }
        return state == 3 ? value : nil
    }

    /// True for the qualifier of a remittance line that names a purchase order: X12 RMR01 `PO`, camt `PUOR`.
    @inline(__always)
    static func isQualifier(_ qualifier: String) -> Bool { qualifier == "PO" || qualifier == "PUOR" }

    /// The purchase order as a reviewer reads it: `PO 7790` (a reference already written with its marker as it is).
    static func display(_ written: String) -> String {
        let upper = written.utf8.prefix(2).map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 32 : $0 }
        return upper == Array("PO".utf8) ? written : "PO " + written
    }

    /// What the words of a receipt's free text say at `i` about purchase orders.
    enum Marker: Equatable {
        /// `PO 7790`, `P.O. #7790`, `PO NO 7790`, `PURCHASE ORDER 7790`: the order numbers are the words from `numbers`
        /// on that have a digit.
        case order(numbers: Int)
        /// `PO-7790`, `PO7790`: the word is the order number.
        case joined
        /// `PO BOX 12`: an address; the words up to `next` (the box and its number) name nothing.
        case box(next: Int)
    }

    /// The marker at word `i`, if one starts there. Compares bytes (case aside): every word of every free text passes here.
    static func marker(in words: [String], at i: Int) -> Marker? {
        guard var next = MarkerWord.after(words, at: i, "PO", ("P", "O"), or: ("PURCHASE", "ORDER")) else {
            return MarkerWord.isJoined(words[i], UInt8(ascii: "p"), UInt8(ascii: "o")) ? .joined : nil
        }
        guard next < words.count else { return nil }
        if MarkerWord.equals(words[next], "BOX") {
            next += 1
            if next < words.count, words[next].utf8.contains(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) { next += 1 }
            return .box(next: next)
        }
        // "PO NO 7790", "PO NUMBER 7790".
        return .order(numbers: MarkerWord.skippingFiller(words, at: next))
    }
}
