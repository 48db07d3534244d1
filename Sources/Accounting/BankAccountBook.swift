import Core
import Matching
import Statements

/// The entity's bank accounts and the cash account each is booked in. An account is its bank (routing number or BIC,
/// where a file names it), its normalized number and its currency — never its last four digits, which are for display.
/// The manifest's `bank_accounts` names accounts and their codes; an account it does not list gets a code of its own
/// the first day a statement shows it, kept in the ledger for good (`BankAccountRegistry`).
public struct BankAccountBook: Sendable {
    private let listed: [BankAccountEntry]
    private var registered: [BankAccountRow]
    /// Accounts first seen today: their codes go to the ledger with the day.
    public private(set) var added: [BankAccountRow] = []
    /// `account as written|currency` → cash account, for every account the day's statements name.
    private var resolved: [String: String] = [:]
    private var names: [String: String] = [:]

    private let booksCurrency: Currency

    public init(listed: [BankAccountEntry], registered: [BankAccountRow], booksCurrency: Currency) {
        self.listed = listed
        self.registered = registered
        self.booksCurrency = booksCurrency
    }

    /// Every code given or named: a new account takes none of these.
    private var taken: Set<String> {
        Set(registered.map(\.code) + added.map(\.code) + listed.compactMap(\.code))
    }

    /// Finds (or gives, the first time) the cash account of the account a statement names.
    @discardableResult
    public mutating func register(account raw: String, bank rawBank: String, currency: Currency, day: Day) -> String {
        let number = BankAccountNumber.normalized(raw)
        let bank = BankAccountNumber.normalized(rawBank)
        let lookup = raw + "|" + bank + "|" + currency.code
        if let code = resolved[lookup] { return code }
        func compatible(_ a: String, _ b: String) -> Bool { a.isEmpty || b.isEmpty || a == b }
        var identity = (number: number, bank: bank)
        var code: String?
        var name = "Cash - bank account \(Masking.account(number))" + (currency == booksCurrency ? "" : " \(currency.code)")
        if let entry = listed.first(where: { $0.currency == currency && ($0.account == number || $0.aliases.contains(number)) && compatible($0.bank, bank) }) {
            identity = (entry.account, entry.bank)
            code = entry.code
            if !entry.name.isEmpty { name = entry.name }
        }
        let known = (registered + added).filter { $0.number == identity.number && $0.currency == currency.code && compatible($0.bank, identity.bank) }
            .sorted { ($0.bank == identity.bank ? 0 : 1, $0.firstDay) < ($1.bank == identity.bank ? 0 : 1, $1.firstDay) }
        if code == nil { code = known.first?.code }
        // A second currency of an account: its currency after the number's tail.
        let given = code ?? CashAccountCode.free(number: identity.number, currency: currency.code, currencySuffix: currency != booksCurrency, taken: taken)
        if known.isEmpty || known.first?.code != given {
            // First seen, or given another code by the manifest while it holds no postings (`checkCodes`): kept so.
            added.append(BankAccountRow(number: identity.number, bank: known.first?.bank ?? identity.bank, currency: currency.code, code: given,
                                        firstDay: known.first?.firstDay ?? day))
        }
        resolved[lookup] = given
        byNumber[raw + "|" + currency.code, default: []].insert(given)
        names[given] = name
        return given
    }

    /// The codes of the day's accounts by number and currency alone (a receipt or line that names no bank).
    private var byNumber: [String: Set<String>] = [:]

    /// Whether the number (as written) and currency are an account at more than one bank among the day's statements.
    public func isShared(account raw: String, currency: Currency) -> Bool { (byNumber[raw + "|" + currency.code]?.count ?? 0) > 1 }

    /// The cash account of an account the day's statements named (registered first); else, for an ACH receipt an
    /// older ledger posted straight to cash, the code it was booked under then.
    public func code(account raw: String, bank: String = "", currency: Currency) -> String {
        if let code = resolved[raw + "|" + BankAccountNumber.normalized(bank) + "|" + currency.code] { return code }
        // Named without its bank: the one account of the number and currency the day's statements name.
        if let codes = byNumber[raw + "|" + currency.code], codes.count == 1, let only = codes.first { return only }
        // An account the day's statements do not name (an earlier statement's, for the chain): its registered code when
        // one account of the number and currency is known (the manifest's first), else the code an older ledger used.
        let number = BankAccountNumber.normalized(raw)
        if let entry = listed.first(where: { $0.currency == currency && ($0.account == number || $0.aliases.contains(number)) }), let code = entry.code { return code }
        let known = registered.filter { $0.number == number && $0.currency == currency.code }
        if known.count == 1, let only = known.first { return only.code }
        return CashAccountCode.legacy(raw)
    }

    /// The cash accounts the day touched, with their names (the manifest's, else the masked number and currency).
    public var cashAccounts: [(code: String, name: String)] {
        names.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Accounts whose balance an older ledger booked under another account's code: moved once, by a run.
    public var reclassifications: [BankAccountRow] { registered.filter { !$0.reclassFrom.isEmpty } }

    /// A manifest that gives an account a code other than the one the ledger keeps for it, when that one holds postings,
    /// would split its history: refused, naming both.
    public static func checkCodes(_ listed: [BankAccountEntry], registered: [BankAccountRow], hasPostings: (String) async throws -> Bool) async throws -> String? {
        for entry in listed {
            guard let code = entry.code else { continue }
            for row in registered where row.number == entry.account && row.currency == entry.currency.code && (row.bank.isEmpty || entry.bank.isEmpty || row.bank == entry.bank)
                && row.code != code {
                if try await hasPostings(row.code) {
                    return "bank_accounts: the account \(Masking.account(entry.account)) in \(entry.currency.code) is booked in \(row.code) since \(row.firstDay), which holds postings; "
                        + "the manifest gives it \(code). Changing the code of an account with postings is refused: keep \(row.code) in the manifest"
                }
            }
            if let other = registered.first(where: { $0.code == code && !($0.number == entry.account && $0.currency == entry.currency.code) }) {
                return "bank_accounts: the code \(code) given to \(Masking.account(entry.account)) in \(entry.currency.code) is the cash account of \(Masking.account(other.number)) in \(other.currency) already"
            }
        }
        return nil
    }
}
