import Core
import Statements

/// A booked statement line with the key it is known by in the ledger.
public struct KeyedLine: Sendable {
    public var line: StatementLine
    /// From the line's content, never its file and line, so an overlapping export or a re-sent file does not post
    /// twice (see `StatementReceipts.key`).
    public var key: String
}

/// A booked line that is not posted: the same line as another one of the day, or one posted on an earlier day. Never
/// dropped without a word: the summary counts these and the run log lists each with its `FILE:LINE`.
public struct SkippedLine: Sendable, Hashable {
    public enum Reason: Sendable, Hashable {
        /// The same line (same key) came earlier in the day's files: an overlapping export, an advice and its statement.
        case repeated(of: SourceLocation)
        /// A run of an earlier day posted the line under this key.
        case postedBefore(day: Day)
        /// An intraday report's line (camt.052): read, never posted; the day's final statement books it.
        case intraday
        /// A line of 0.00: nothing moves.
        case zeroAmount
    }
    public var location: SourceLocation
    public var key: String
    public var amount: Money
    public var reason: Reason

    public init(location: SourceLocation, key: String, amount: Money, reason: Reason) {
        self.location = location
        self.key = key
        self.amount = amount
        self.reason = reason
    }

    /// `FILE:LINE amount key: why` — a line of the run log.
    public var description: String {
        switch reason {
        case let .repeated(first): "\(location.fileAndLine) \(amount) \(key): the same line as \(first.fileAndLine), taken once"
        case let .postedBefore(day): "\(location.fileAndLine) \(amount) \(key): posted by the run of \(day), not posted again"
        case .intraday: "\(location.fileAndLine) \(amount): a line of an intraday report (camt.052), read and not posted; the day's statement books it"
        case .zeroAmount: "\(location.fileAndLine) \(amount) \(key): a line of zero, nothing to post"
        }
    }
}

/// Statement lines as cash application sees them: keyed by content, intraday reports set aside, and turned into
/// receipts when no ACH batch explains them.
public enum StatementReceipts {
    /// References that identify nothing, whatever the manifest adds (`statements.placeholder_references`): compared
    /// upper-case, trimmed. A reference of zeros only is one too.
    public static let placeholderReferences: Set<String> = ["", "NONREF", "NOTPROVIDED", "NONE", "N/A", "NA", "NOREF", "UNKNOWN"]
    /// The longest of them, in bytes.
    static let placeholderLongest = placeholderReferences.map(\.utf8.count).max() ?? 0

    /// Whether `reference` names nothing: empty, a placeholder the bank writes in place of one, or all zeros.
    public static func isPlaceholder(_ reference: String, extra: Set<String> = []) -> Bool {
        let text = ByteScanning.trimmed(reference)
        if text.utf8.allSatisfy({ $0 == UInt8(ascii: "0") }) { return true }
        // Asked of every line, twice: a reference longer than any placeholder is no placeholder (no upper-cased copy made).
        let count = text.utf8.count
        guard count <= placeholderLongest || extra.contains(where: { $0.utf8.count >= count }) else { return false }
        let upper = text.uppercased()
        return placeholderReferences.contains(upper) || extra.contains(upper)
    }

    /// The lines that may move the books, each under its content key:
    ///
    /// * a line with a reference of its own (BAI2 bank reference, the transaction's `AcctSvcrRef`) is keyed by its
    ///   account, that reference, its direction and amount — no text, so a camt.054 advice and the camt.053 statement
    ///   of the same line, or two overlapping exports, are one line: `stmt:<account>:<reference>:<signed amount>:<currency>`;
    /// * otherwise (no reference, a placeholder such as `NONREF`, a reference the entry's several transactions share,
    ///   or one the same statement gives to several lines) by account, booking day, amount and a digest of its texts,
    ///   numbered by occurrence among identical lines within one file: `stmt:<account>:<day>:<signed amount>:<digest>:<n>`.
    ///   Across files the same key is one line, so the file with more identical lines wins, never the sum.
    ///
    /// Booked lines only, intraday reports (camt.052) aside; a line whose key came earlier is skipped and listed.
    public static func keyed(_ lines: [StatementLine], placeholders: Set<String> = []) -> (lines: [KeyedLine], intradayCount: Int, skipped: [SkippedLine]) {
        var out: [KeyedLine] = []
        var intraday = 0
        var skipped: [SkippedLine] = []
        var first: [String: SourceLocation] = [:]
        // A reference the same file gives to more than one line of an account is not that line's identity.
        var referenceCount: [String: Int] = [:]
        for line in lines where line.isBooked && line.format != .camt052 && hasOwnReference(line, placeholders) {
            referenceCount[line.location.file + "\u{1F}" + BankAccountNumber.normalized(line.account) + "\u{1F}" + line.bankReference, default: 0] += 1
        }
        // Occurrences of the same content inside one file: two identical lines in one export are two payments.
        var occurrences: [String: Int] = [:]
        for line in lines where line.isBooked {
            if line.format == .camt052 {
                intraday += 1
                skipped.append(SkippedLine(location: line.location, key: "", amount: line.amount, reason: .intraday))
                continue
            }
            let account = BankAccountNumber.normalized(line.account)
            let key: String
            if hasOwnReference(line, placeholders), referenceCount[line.location.file + "\u{1F}" + account + "\u{1F}" + line.bankReference] == 1 {
                key = "stmt:\(account):\(ByteScanning.trimmed(line.bankReference)):\(line.amount.minorUnits):\(line.amount.currency.code)"
            } else {
                let digest = contentDigest(line)
                let occurrence = (occurrences[line.location.file + "\u{1F}" + account + "\u{1F}" + digest] ?? 0) + 1
                occurrences[line.location.file + "\u{1F}" + account + "\u{1F}" + digest] = occurrence
                key = contentKey(line, account: account, digest: digest, occurrence: occurrence)
            }
            if let earlier = first[key] {
                skipped.append(SkippedLine(location: line.location, key: key, amount: line.amount, reason: .repeated(of: earlier)))
                continue
            }
            if line.amount.isZero {
                skipped.append(SkippedLine(location: line.location, key: key, amount: line.amount, reason: .zeroAmount))
                continue
            }
            first[key] = line.location
            out.append(KeyedLine(line: line, key: key))
        }
        return (out, intraday, skipped)
    }

    /// Whether the line carries a reference that is its own and names something.
    public static func hasOwnReference(_ line: StatementLine, _ placeholders: Set<String> = []) -> Bool {
        !line.bankReferenceIsShared && !isPlaceholder(line.bankReference, extra: placeholders)
    }

    /// The digest of what a line without a reference of its own says: its texts and counterparty (the customer's
    /// reference among them, as a text, never as an identity), its currency when it is not the amount's only sign.
    static func contentDigest(_ line: StatementLine) -> String {
        var content = "\(line.account)\u{1F}\(line.bookingDay)\u{1F}\(line.amount.minorUnits)\u{1F}\(line.description)\u{1F}\(line.counterparty)\u{1F}\(line.customerReference)"
        // A multi-currency account's lines: the same amount in two currencies is two lines (kept out of the USD digest,
        // which older ledgers hold).
        if line.amount.currency != .usd { content += "\u{1F}\(line.amount.currency.code)" }
        return String(SHA256.hex(content).prefix(16))
    }

    static func contentKey(_ line: StatementLine, account: String, digest: String, occurrence: Int) -> String {
        "stmt:\(account):\(line.bookingDay):\(line.amount.minorUnits):\(digest):\(occurrence)"
    }

    /// The keys an older ledger may hold the same line under: `stmt:<account as written>:<reference>` for any line
    /// with a reference (before direction and amount were part of the key, and for a placeholder too), and the
    /// content key with the account as written.
    public static func legacyKeys(_ keyed: KeyedLine) -> [String] {
        let line = keyed.line
        var keys: [String] = []
        let reference = ByteScanning.trimmed(line.bankReference)
        if !reference.isEmpty { keys.append("stmt:\(line.account):\(line.bankReference)") }
        if line.account != BankAccountNumber.normalized(line.account), keyed.key.hasPrefix("stmt:\(BankAccountNumber.normalized(line.account)):\(line.bookingDay):") {
            keys.append("stmt:\(line.account)" + keyed.key.dropFirst("stmt:\(BankAccountNumber.normalized(line.account))".count))
        }
        return keys
    }

    /// A line without a reference whose file an older ledger keyed its lines by: `stmt:<account>:<file sha-256>:<line>`.
    public static func fileLineKey(_ item: KeyedLine, fileSHA: [String: String]) -> String? {
        guard item.line.bankReference.isEmpty, let sha = fileSHA[item.line.location.file] else { return nil }
        return "stmt:\(item.line.account):\(sha):\(item.line.location.line)"
    }

    /// The day's keyed lines against what the ledger holds (`posted`: each key asked and the run day that first posted it;
    /// `olderEntries`: the cash and effective day of each older key's entry). A line an older ledger posted under
    /// another key keeps that key: its file-and-line key (lines without a reference), its reference without direction
    /// and amount, its content key with the account as written — an older key names the line only if the amount and
    /// direction agree (a bank reuses references), and one that was a placeholder or content key only if the day does
    /// too (booking day, or the value day older ledgers dated credits by); an older key taken by one line of the day is
    /// not taken by another (two NONREF lines, one old key). A line posted on an earlier day (an overlapping export) is
    /// not taken again: it is listed, with why.
    public static func resolved(_ lines: [KeyedLine], posted: [String: Day], olderEntries: [String: (effectiveDay: Day, cash: Int64)],
                                fileSHA: [String: String], placeholders: Set<String>, day: Day) -> (lines: [KeyedLine], skipped: [SkippedLine]) {
        var out: [KeyedLine] = []
        var skipped: [SkippedLine] = []
        var claimed = Set<String>()
        for var item in lines {
            if posted[item.key] == nil, let older = olderKey(item, posted: posted, olderEntries: olderEntries, claimed: claimed, fileSHA: fileSHA,
                                                             placeholders: placeholders) {
                claimed.insert(older)
                item.key = older
            }
            if let first = posted[item.key], first < day {
                skipped.append(SkippedLine(location: item.line.location, key: item.key, amount: item.line.amount, reason: .postedBefore(day: first)))
                continue
            }
            out.append(item)
        }
        return (out, skipped)
    }

    /// The older key a line not posted under its own key was posted under, if any (see `resolved`).
    static func olderKey(_ item: KeyedLine, posted: [String: Day], olderEntries: [String: (effectiveDay: Day, cash: Int64)], claimed: Set<String>,
                         fileSHA: [String: String], placeholders: Set<String>) -> String? {
        if let key = fileLineKey(item, fileSHA: fileSHA), posted[key] != nil { return key }
        for key in legacyKeys(item) where posted[key] != nil && !claimed.contains(key) {
            guard let entry = olderEntries[key], entry.cash == item.line.amount.minorUnits else { continue }
            if key.hasPrefix("stmt:\(item.line.account):\(ByteScanning.trimmed(item.line.bankReference))"), hasOwnReference(item.line, placeholders) { return key }
            if entry.effectiveDay == item.line.bookingDay || entry.effectiveDay == item.line.valueDay { return key }
        }
        return nil
    }

    /// The reference a person finds the line by: the bank's own, else (none, a placeholder, one shared by several
    /// lines) `FILE:LINE`.
    public static func reference(_ line: StatementLine, placeholders: Set<String> = []) -> String {
        hasOwnReference(line, placeholders) ? line.bankReference
            : "\(line.location.file.split(separator: "/").last.map(String.init) ?? line.location.file):\(line.location.line)"
    }

    /// A credit no ACH batch explains: a receipt of its own (wires, checks, lockbox, card or platform payouts).
    public static func receipt(_ keyed: KeyedLine, placeholders: Set<String> = []) -> Receipt {
        let line = keyed.line
        let source: ReceiptSource
        switch line.format {
        case .bai2: source = .bai2
        case .csv: source = .csv
        case .camt052, .camt053, .camt054: source = .camt053
        }
        return Receipt(id: ContentID.make(prefix: "R", keyed.key), source: source, sourceRef: reference(line, placeholders: placeholders), sourceKey: keyed.key,
                       valueDay: line.valueDay ?? line.bookingDay, bookingDay: line.bookingDay, amount: line.amount, bankAccount: line.account, bank: line.bank,
                       payerName: line.counterparty, remittance: line.remittance, freeText: ByteScanning.trimmed(line.description + " " + line.customerReference),
                       location: line.location)
    }
}
