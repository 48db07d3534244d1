import Core
import Statements

/// A booked statement line with the key it is known by in the ledger.
public struct KeyedLine: Sendable {
    public var line: StatementLine
    /// `stmt:<account>:<bank reference>`, or for a line without one `stmt:<account>:<day>:<amount>:<text digest>:<occurrence>`:
    /// from its content, never its file and line, so an overlapping export or a re-sent file does not post twice.
    public var key: String
}

/// Statement lines as cash application sees them: keyed by content, intraday reports set aside, and turned into
/// receipts when no ACH batch explains them.
public enum StatementReceipts {
    /// The lines that may move the books: booked, not an intraday report (camt.052), each content key once
    /// (the same line in two overlapping exports is one line).
    public static func keyed(_ lines: [StatementLine]) -> (lines: [KeyedLine], intradayCount: Int, repeatedCount: Int) {
        var out: [KeyedLine] = []
        var intraday = 0
        var repeated = 0
        var seen = Set<String>()
        // Occurrences of the same content inside one file: two identical lines in one export are two payments.
        var occurrences: [String: Int] = [:]
        for line in lines where line.isBooked {
            if line.format == .camt052 { intraday += 1; continue }
            let key: String
            if !line.bankReference.isEmpty {
                key = "stmt:\(line.account):\(line.bankReference)"
            } else {
                let content = "\(line.account)\u{1F}\(line.bookingDay)\u{1F}\(line.amount.minorUnits)\u{1F}\(line.description)\u{1F}\(line.counterparty)\u{1F}\(line.customerReference)"
                let digest = String(SHA256.hex(content).prefix(16))
                let occurrence = (occurrences[line.location.file + "\u{1F}" + digest] ?? 0) + 1
                occurrences[line.location.file + "\u{1F}" + digest] = occurrence
                key = "stmt:\(line.account):\(line.bookingDay):\(line.amount.minorUnits):\(digest):\(occurrence)"
            }
            if !seen.insert(key).inserted { repeated += 1; continue }
            out.append(KeyedLine(line: line, key: key))
        }
        return (out, intraday, repeated)
    }

    /// A credit no ACH batch explains: a receipt of its own (wires, checks, lockbox, card or platform payouts).
    public static func receipt(_ keyed: KeyedLine) -> Receipt {
        let line = keyed.line
        let reference = line.bankReference.isEmpty ? "\(line.location.file.split(separator: "/").last.map(String.init) ?? line.location.file):\(line.location.line)" : line.bankReference
        let source: ReceiptSource
        switch line.format {
        case .bai2: source = .bai2
        case .csv: source = .csv
        case .camt052, .camt053, .camt054: source = .camt053
        }
        return Receipt(id: ContentID.make(prefix: "R", keyed.key), source: source, sourceRef: reference, sourceKey: keyed.key, valueDay: line.valueDay ?? line.bookingDay,
                       amount: line.amount, bankAccount: line.account, payerName: line.counterparty, remittance: line.remittance,
                       freeText: ByteScanning.trimmed(line.description + " " + line.customerReference), location: line.location)
    }
}
