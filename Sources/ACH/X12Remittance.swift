import Core

/// An X12 820 (payment order / remittance advice) as carried in CTX addenda, or the single segment of a CCD+ addenda.
public struct X12Remittance: Sendable, Equatable {
    public var segments: [[String]]
    public var items: [RemittanceItem]
    /// BPR02: the payment amount the remittance announces.
    public var paymentAmount: Money?
    /// TRN02: the payer's reference for the payment.
    public var traceReference: String?
    /// N1*PR: the payer's name.
    public var payerName: String?
    /// Text that is not an X12 segment (free-form CCD+ remittance such as `INV 10023 10024`).
    public var freeText: String?
    /// REF segments: qualifier (`IV` invoice, `PO` purchase order, `VV` voucher, ...) and value.
    public var references: [Reference] = []
    /// DTM segments: qualifier (`003` invoice date, `097` transaction creation, ...) and day.
    public var dates: [DateReference] = []
    /// NTE segments: free-form notes.
    public var notes: [String] = []
    /// Amounts that could not be read, each naming its segment and field: a warning, or an error for an amount too
    /// large to keep (money may be wrong). The item keeps its reference and marks the amount `unreadable`.
    public var diagnostics: [Diagnostic] = []

    public struct Reference: Sendable, Equatable {
        public var qualifier: String
        public var value: String
        public init(qualifier: String, value: String) { self.qualifier = qualifier; self.value = value }
    }

    public struct DateReference: Sendable, Equatable {
        public var qualifier: String
        public var day: Day?
        public init(qualifier: String, day: Day?) { self.qualifier = qualifier; self.day = day }
    }

    /// Parses X12 text. With an `ISA` envelope, the element separator is the ISA's 4th character and the segment
    /// terminator its 106th; without one, `*` separates elements and `~`, `\` or a line break end segments.
    /// `location`: where the text is (an entry's addenda), for the diagnostics.
    public static func parse(_ text: String, currency: Currency = .usd, location: SourceLocation = SourceLocation(file: "", line: 0)) -> X12Remittance {
        var chars = Array(text.utf8)
        while let last = chars.last, last == 0x20 { chars.removeLast() }
        var elementSeparator = UInt8(ascii: "*")
        var terminators: Set<UInt8> = [UInt8(ascii: "~"), UInt8(ascii: "\\"), 0x0A, 0x0D]
        if chars.count >= 106, chars.starts(with: Array("ISA".utf8)) {
            elementSeparator = chars[3]
            terminators = [chars[105]]
        }
        var segments: [[String]] = []
        var current: [UInt8] = []
        func flush() {
            let trimmed = ByteScanning.trimmed(String(decoding: current, as: UTF8.self))
            if !trimmed.isEmpty {
                segments.append(trimmed.utf8.split(separator: elementSeparator, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) })
            }
            current.removeAll(keepingCapacity: true)
        }
        for b in chars {
            if terminators.contains(b) { flush() } else { current.append(b) }
        }
        flush()

        var result = X12Remittance(segments: [], items: [], paymentAmount: nil, traceReference: nil, payerName: nil, freeText: nil)
        var lastWasItem = false
        let known: Set<String> = ["ISA", "GS", "ST", "BPR", "TRN", "CUR", "REF", "DTM", "N1", "N2", "N3", "N4", "PER", "ENT",
                                  "RMR", "ADX", "NTE", "IT1", "REF", "SE", "GE", "IEA", "RDM", "NM1", "TXP", "DED", "LS", "LE"]
        if segments.isEmpty || !known.contains(segments[0][0].uppercased()) {
            result.freeText = ByteScanning.trimmed(text)
            return result
        }
        result.segments = segments
        for (number, segment) in zip(1..., segments) {
            let id = segment[0].uppercased()
            func element(_ i: Int) -> String? { i < segment.count ? ByteScanning.trimmed(segment[i]) : nil }
            /// An amount element: nil when empty (the payer said nothing) or unreadable (then a diagnostic, and `unread`).
            func money(_ i: Int, _ what: String, about: String = "") -> (amount: Money?, unread: Bool) {
                guard let text = element(i), !text.isEmpty else { return (nil, false) }
                do throws(MoneyError) {
                    return (try Money.parse(text, currency: currency), false)
                } catch {
                    result.diagnostics.append(Diagnostic(code: "x12.amount", severity: error == .overflow ? .error : .warning, location: location,
                                                         field: id + (i < 10 ? "0" : "") + String(i),
                                                         message: "segment \(number) (\(id)\(about)): the \(what) '\(text)' cannot be read: \(error)"))
                    return (nil, true)
                }
            }
            defer { lastWasItem = id == "RMR" || (lastWasItem && (id == "REF" || id == "DTM" || id == "ADX" || id == "NTE")) }
            switch id {
            case "REF":
                if let q = element(1), let v = element(2) {
                    result.references.append(Reference(qualifier: q, value: v))
                    // A REF*IV after a bare RMR names the invoice the RMR left out.
                    if lastWasItem, q == "IV", let last = result.items.indices.last, result.items[last].reference.isEmpty {
                        result.items[last].reference = v
                    }
                }
            case "DTM":
                if let q = element(1) { result.dates.append(DateReference(qualifier: q, day: element(2).flatMap { Day.parse($0, format: .yyyymmdd) ?? Day.parse($0, format: .yymmdd) })) }
            case "NTE":
                if let text = element(2) ?? element(1) { result.notes.append(text) }
            case "BPR": result.paymentAmount = money(2, "payment amount").amount
            case "TRN": result.traceReference = element(2)
            case "N1": if element(1) == "PR" { result.payerName = element(2) }
            case "RMR":
                let reference = element(2) ?? ""
                let about = reference.isEmpty ? "" : ", document \(reference)"
                let paid = money(4, "amount paid", about: about), total = money(5, "document total", about: about)
                let discount = money(6, "discount", about: about)
                var unreadable: RemittanceItem.Unreadable = []
                if paid.unread { unreadable.insert(.amountPaid) }
                if total.unread { unreadable.insert(.invoiceTotal) }
                if discount.unread { unreadable.insert(.discount) }
                result.items.append(RemittanceItem(reference: reference, referenceQualifier: element(1) ?? "IV",
                                                   amountPaid: paid.amount, invoiceTotal: total.amount, discount: discount.amount, unreadable: unreadable))
            case "ADX":
                guard let last = result.items.indices.last else { break }
                let reference = result.items[last].reference
                let adjustment = money(1, "adjustment amount", about: reference.isEmpty ? "" : ", after document \(reference)")
                if let amount = adjustment.amount {
                    result.items[last].adjustments.append(.init(amount: amount, reasonCode: element(2) ?? ""))
                } else if adjustment.unread {
                    result.items[last].unreadable.insert(.adjustment)
                }
            default: break
            }
        }
        result.items.removeAll { $0.reference.isEmpty }
        return result
    }
}
