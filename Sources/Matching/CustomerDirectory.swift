import Core
import Receivables

/// Finds the customer behind a payer: by ACH company id, by name or alias, by a name compared token by token
/// (legal forms dropped, common abbreviations read as their words), or by a name found in statement text.
public struct CustomerDirectory: Sendable {
    /// Customers by index: the matching engine keys its state by these small integers, not by id strings.
    public let list: [Customer]
    public let indexByID: [String: Int32]
    private let keys: Keys
    private let nameIndex: NameIndex
    private var byToken: [String: [NameRef]] { nameIndex.byToken }
    private var names: [[String]] { nameIndex.names }
    private var nameOwner: [Int32] { nameIndex.owner }
    /// Dice similarity of token sets (in percent) a counterparty name needs to identify a customer.
    public var nameThresholdPercent = 85

    typealias NameRef = Int32

    /// Exact keys: ACH company id, and name key (a name two customers share names neither: -1).
    struct Keys: Sendable {
        var byCompanyID: [CompanyKey: Int32] = [:]
        var byName: [String: Int32] = [:]

        init(_ list: [Customer]) {
            byCompanyID.reserveCapacity(list.count)
            byName.reserveCapacity(list.count * 2)
            for (i, c) in list.enumerated() {
                let ci = Int32(i)
                for id in c.achCompanyIDs {
                    let key = CustomerDirectory.companyKey(id)
                    // The same company id on two customers: the smaller customer id keeps it, whatever the file's order.
                    if let other = byCompanyID[key], list[Int(other)].id < c.id { continue }
                    byCompanyID[key] = ci
                }
                for name in [c.name] + c.aliases {
                    let key = CustomerDirectory.nameKey(words: CustomerDirectory.words(name))
                    guard !key.isEmpty else { continue }
                    if let other = byName[key], other != ci { byName[key] = -1 } else { byName[key] = ci }
                }
            }
        }
    }

    /// Names as canonical tokens, and the names each token is in.
    struct NameIndex: Sendable {
        var byToken: [String: [NameRef]] = [:]
        var names: [[String]] = []
        var owner: [Int32] = []

        init(_ list: [Customer]) {
            for (i, c) in list.enumerated() {
                for name in [c.name] + c.aliases {
                    let tokens = CustomerDirectory.tokens(words: CustomerDirectory.words(name))
                    guard !tokens.isEmpty else { continue }
                    let ref = NameRef(names.count)
                    names.append(tokens)
                    owner.append(Int32(i))
                    for token in Set(tokens) { byToken[token, default: []].append(ref) }
                }
            }
        }
    }

    static func unique(_ customers: [Customer]) -> (list: [Customer], index: [String: Int32]) {
        var index: [String: Int32] = [:]
        index.reserveCapacity(customers.count)
        var repeated = false
        for (i, c) in customers.enumerated() {
            if index[c.id] == nil { index[c.id] = Int32(i) } else { repeated = true }
        }
        // The usual master data names each customer once: the list is the one given (shared, not copied).
        guard repeated else { return (customers, index) }
        var unique: [Customer] = []
        unique.reserveCapacity(index.count)
        index.removeAll(keepingCapacity: true)
        for c in customers where index[c.id] == nil {
            index[c.id] = Int32(unique.count)
            unique.append(c)
        }
        return (unique, index)
    }

    public init(_ customers: [Customer]) {
        let (list, index) = CustomerDirectory.unique(customers)
        self.init(list: list, indexByID: index, keys: Keys(list), nameIndex: NameIndex(list))
    }

    /// The same directory, its exact keys and its name index built side by side.
    public static func make(_ customers: [Customer]) async -> CustomerDirectory {
        let (list, index) = unique(customers)
        async let keys = Keys(list)
        async let names = NameIndex(list)
        return CustomerDirectory(list: list, indexByID: index, keys: await keys, nameIndex: await names)
    }

    private init(list: [Customer], indexByID: [String: Int32], keys: Keys, nameIndex: NameIndex) {
        self.list = list
        self.indexByID = indexByID
        self.keys = keys
        self.nameIndex = nameIndex
    }

    public var customers: [String: Customer] { Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) }
    public func customer(_ id: String) -> Customer? { indexByID[id].map { list[Int($0)] } }

    /// True when `payer` may pay `owner`'s invoices: the same customer, or an ancestor of it.
    public func isRelated(payer: String, owner: String) -> Bool {
        Self.isRelated(payer: payer, owner: owner) { customer($0)?.parentID }
    }

    /// True when `payer` is `owner` or one of its ancestors by `parentOf` (at most 32 steps up).
    public static func isRelated(payer: String, owner: String, parentOf: (String) -> String?) -> Bool {
        if payer == owner { return true }
        var next = parentOf(owner)
        var steps = 0
        while let p = next, steps < 32 {
            if p == payer { return true }
            next = parentOf(p)
            steps += 1
        }
        return false
    }

    /// A company id as compared: by its digits when it has six or more (`1234567890`, ` 1234567890` and
    /// `1 234567890` alike; leading zeros count), else as written, trimmed and uppercased.
    enum CompanyKey: Hashable, Sendable {
        case digits(UInt64, count: Int)
        case text(String)
    }

    static func companyKey(_ id: String) -> CompanyKey {
        var value: UInt64 = 0
        var count = 0
        for b in id.utf8 where b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
            if count < 19 { value = value &* 10 &+ UInt64(b - UInt8(ascii: "0")) }
            count += 1
        }
        if count >= 6 && count <= 19 { return .digits(value, count: count) }
        let trimmed = ByteScanning.trimmed(id).uppercased()
        return count > 19 ? .text(trimmed.filter(\.isNumber)) : .text(trimmed)
    }

    private static let legalSuffixes: Set<String> = ["INC", "LLC", "LTD", "CORP", "CORPORATION", "CO", "COMPANY", "LP", "LLP", "PLC", "GMBH", "SA", "AG", "THE",
                                                     "INCORPORATED", "LIMITED", "NV", "BV", "PC", "PLLC"]

    /// Words and the abbreviations payers' banks cut them to, read as one canonical token.
    private static let abbreviations: [String: String] = {
        let groups: [[String]] = [
            ["IND", "INDUSTRIAL", "INDUSTRIES", "INDS", "INDUS"], ["MFG", "MANUFACTURING", "MANUF"], ["SVC", "SVCS", "SERVICE", "SERVICES", "SERV"],
            ["INTL", "INTERNATIONAL"], ["CTR", "CENTER", "CENTRE"], ["HOSP", "HOSPITAL", "HOSPITALS"], ["BLDRS", "BUILDERS", "BLDR", "BUILDER"],
            ["DIST", "DISTRIBUTION", "DISTRIBUTORS", "DISTRIBUTING"], ["TECH", "TECHNOLOGY", "TECHNOLOGIES"], ["ASSOC", "ASSOCIATES", "ASSN", "ASSOCIATION"],
            ["MGMT", "MANAGEMENT"], ["GRP", "GROUP"], ["HLDGS", "HOLDINGS", "HLDG"], ["NATL", "NATIONAL"], ["AMER", "AMERICA", "AMERICAN"],
            ["SYS", "SYSTEMS", "SYSTEM"], ["ENGR", "ENGINEERING", "ENG"], ["FAB", "FABRICATION", "FABRICATORS"], ["LOGISTICS", "LOGIST", "LOG"],
            ["SUPPLY", "SUPP", "SPLY", "SUPPLIES"], ["CONST", "CONSTRUCTION", "CONSTR"], ["ELEC", "ELECTRIC", "ELECTRICAL"], ["EQUIP", "EQUIPMENT", "EQPT"],
            ["PROD", "PRODUCTS", "PRODS"], ["LABS", "LABORATORIES", "LAB", "LABORATORY"], ["BROS", "BROTHERS"], ["MKTG", "MARKETING"],
            ["TOOL", "TOOLS"], ["HEALTH", "HLTH", "HEALTHCARE"], ["MED", "MEDICAL"], ["TRANS", "TRANSPORT", "TRANSPORTATION"], ["CHEM", "CHEMICAL", "CHEMICALS"],
        ]
        var map: [String: String] = [:]
        for g in groups { for word in g { map[word] = g[0] } }
        return map
    }()

    /// Uppercase words of a name (letters and digits; anything else separates), read over bytes when ASCII.
    static func words(_ name: String) -> [String] {
        var out: [String] = []
        var ascii = true
        var current: [UInt8] = []
        for b in name.utf8 {
            if b >= 0x80 { ascii = false; break }
            if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { current.append(b - 32) }
            else if (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) { current.append(b) }
            else if !current.isEmpty { out.append(String(decoding: current, as: UTF8.self)); current.removeAll(keepingCapacity: true) }
        }
        if ascii {
            if !current.isEmpty { out.append(String(decoding: current, as: UTF8.self)) }
            return out
        }
        return name.uppercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// Canonical tokens of a name: uppercase words, legal forms dropped (unless nothing else is left), abbreviations read.
    public static func tokens(_ name: String) -> [String] {
        tokens(words: words(name))
    }

    static func tokens(words: [String]) -> [String] {
        let kept = words.filter { !legalSuffixes.contains($0) }
        return (kept.isEmpty ? words : kept).map { abbreviations[$0] ?? $0 }
    }

    /// Uppercase letters and digits, legal-form words dropped: `Acme Tools, Inc.` → `ACMETOOLS`.
    static func nameKey(_ name: String) -> String {
        nameKey(words: words(name))
    }

    static func nameKey(words: [String]) -> String {
        let kept = words.filter { !legalSuffixes.contains($0) }
        return (kept.isEmpty ? words : kept).joined()
    }

    public enum Evidence: Sendable, Hashable {
        case companyID(String), name(String), similarName(String, percent: Int), textMention(String), remittedInvoice(String)
        public var description: String {
            switch self {
            case let .companyID(id): return "ACH company id \(id)"
            case let .name(n): return "payer name '\(n)'"
            case let .similarName(n, percent): return "payer name '\(n)' (\(percent)% of its words match)"
            case let .textMention(n): return "name '\(n)' in the statement text"
            case let .remittedInvoice(id): return "the remitted invoice \(id)"
            }
        }
    }

    /// A posting list longer than this is not used to seed a text search: a word that common names no one.
    private static let seedPostingLimit = 512

    /// The customer, and how it was found; nil when nothing identifies exactly one customer.
    public func identify(companyID: String, name: String, text: String) -> (customerID: String, evidence: Evidence)? {
        identifyIndex(companyID: companyID, name: name, text: text).map { (list[Int($0.index)].id, $0.evidence) }
    }

    /// The same, with the statement text given apart from the name: it is put together only when the id and the name fail.
    public func identifyIndex(companyID: String, name: String, freeText: String) -> (index: Int32, evidence: Evidence)? {
        if !companyID.isEmpty, let id = keys.byCompanyID[CustomerDirectory.companyKey(companyID)] {
            return (id, .companyID(companyID))
        }
        return identifyIndex(companyID: "", name: name, text: freeText.isEmpty ? name : name + " " + freeText)
    }

    public func identifyIndex(companyID: String, name: String, text: String) -> (index: Int32, evidence: Evidence)? {
        if !companyID.isEmpty, let id = keys.byCompanyID[CustomerDirectory.companyKey(companyID)] {
            return (id, .companyID(companyID))
        }
        let key = CustomerDirectory.nameKey(name)
        if !key.isEmpty, let id = keys.byName[key], id >= 0 {
            return (id, .name(name))
        }
        let payerTokens = CustomerDirectory.tokens(name)
        if let similar = bestSimilar(payerTokens) { return (similar.index, .similarName(name, percent: similar.percent)) }
        return mentioned(in: text).map { ($0.index, .textMention($0.name)) }
    }

    /// The customer whose name (or alias) shares most words with the payer's, when it is above the threshold
    /// and strictly better than every other customer's best.
    private func bestSimilar(_ payer: [String]) -> (index: Int32, percent: Int)? {
        guard !payer.isEmpty else { return nil }
        let payerSet = Set(payer)
        var shared: [NameRef: Int] = [:]
        for token in payerSet {
            guard let refs = byToken[token], refs.count <= CustomerDirectory.seedPostingLimit * 4 else { continue }
            for ref in refs { shared[ref, default: 0] += 1 }
        }
        var best: [Int32: Int] = [:]
        for (ref, count) in shared {
            let other = Set(names[Int(ref)]).count
            let percent = 200 * count / (payerSet.count + other)
            let owner = nameOwner[Int(ref)]
            best[owner] = max(best[owner] ?? 0, percent)
        }
        let ranked = best.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        guard let top = ranked.first, top.value >= nameThresholdPercent else { return nil }
        if ranked.count > 1 && ranked[1].value >= top.value { return nil }
        return (top.key, top.value)
    }

    /// The one customer all of whose name words appear, in order and next to each other, in the text.
    private func mentioned(in text: String) -> (index: Int32, name: String)? {
        let words = CustomerDirectory.tokens(text)
        guard !words.isEmpty else { return nil }
        var found: [Int32: String] = [:]
        var checked = Set<NameRef>()
        for word in Set(words) {
            guard let refs = byToken[word], refs.count <= CustomerDirectory.seedPostingLimit else { continue }
            for ref in refs where checked.insert(ref).inserted {
                let name = names[Int(ref)]
                // A one-word name must be long enough not to be an accident (`ACME`, not `AB`).
                if name.count == 1 && name[0].count < 4 { continue }
                if CustomerDirectory.contains(words, run: name) {
                    let owner = nameOwner[Int(ref)]
                    if let existing = found[owner], existing.count >= name.joined(separator: " ").count { continue }
                    found[owner] = name.joined(separator: " ")
                }
            }
        }
        guard found.count == 1, let only = found.first else {
            // Several customers named: the longest name wins only when it contains every other one (`ACME TOOLS WEST` over `ACME TOOLS`).
            let ranked = found.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }
            guard let top = ranked.first, ranked.count > 1, ranked.dropFirst().allSatisfy({ top.value.contains($0.value) && top.value.count > $0.value.count }) else { return nil }
            return (top.key, top.value)
        }
        return (only.key, only.value)
    }

    private static func contains(_ words: [String], run: [String]) -> Bool {
        guard run.count <= words.count else { return false }
        outer: for start in 0...(words.count - run.count) {
            for (offset, token) in run.enumerated() where words[start + offset] != token { continue outer }
            return true
        }
        return false
    }
}
