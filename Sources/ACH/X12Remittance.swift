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
    public static func parse(_ text: String, currency: Currency = .usd) -> X12Remittance {
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
        func money(_ s: String?) -> Money? {
            guard let s, !s.isEmpty else { return nil }
            return try? Money.parse(s, currency: currency)
        }
        for segment in segments {
            let id = segment[0].uppercased()
            func element(_ i: Int) -> String? { i < segment.count ? ByteScanning.trimmed(segment[i]) : nil }
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
            case "BPR": result.paymentAmount = money(element(2))
            case "TRN": result.traceReference = element(2)
            case "N1": if element(1) == "PR" { result.payerName = element(2) }
            case "RMR":
                let reference = element(2) ?? ""
                result.items.append(RemittanceItem(reference: reference, referenceQualifier: element(1) ?? "IV",
                                                   amountPaid: money(element(4)), invoiceTotal: money(element(5)),
                                                   discount: money(element(6))))
            case "ADX":
                if let amount = money(element(1)), !result.items.isEmpty {
                    result.items[result.items.count - 1].adjustments.append(.init(amount: amount, reasonCode: element(2) ?? ""))
                }
            default: break
            }
        }
        result.items.removeAll { $0.reference.isEmpty }
        return result
    }
}
