import Accounting
import Core

/// How a bank account gets its cash account, and the history an older ledger left. A code is given once and kept:
/// `1000-` and the number's last four characters when no other account has that code, else longer tails of the number,
/// then the currency, then a counter. The last four digits are a display habit, never the identity.
public enum BankAccountRegistry {
    /// The codes a new account may take, in order of preference: the last four characters of its number, then longer
    /// tails; for a second currency of a number already booked (a multi-currency account), its currency after them.
    public static func candidateCodes(number: String, currency: String, currencySuffix: Bool) -> [String] {
        var out: [String] = []
        let tails = [4, 6, 8].filter { number.count > $0 }.map { String(number.suffix($0)) } + [number]
        if currencySuffix { out += tails.map { "1000-\($0)-\(currency)" } }
        out += tails.map { "1000-" + $0 }
        if !currencySuffix { out += tails.map { "1000-\($0)-\(currency)" } }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// The first candidate not taken; past them, the number and currency with a counter (never runs out).
    public static func freeCode(number: String, currency: String, currencySuffix: Bool = false, taken: Set<String>) -> String {
        if let free = candidateCodes(number: number, currency: currency, currencySuffix: currencySuffix).first(where: { !taken.contains($0) }) { return free }
        var n = 2
        while taken.contains("1000-\(number)-\(currency)-\(n)") { n += 1 }
        return "1000-\(number)-\(currency)-\(n)"
    }

    /// The code an older ledger booked an account under: `1000-` and the last four digits of the number as written.
    public static func legacyCode(_ account: String) -> String { ChartOfAccounts.cash(bankAccount: account) }

    /// Registers the accounts an older ledger's history names (statement balances, statement line keys, opening
    /// balances), first seen first, each with the cash account it was booked under when it is still its own. An
    /// account whose old code an earlier one keeps gets a code of its own and names the old one, so that a run moves
    /// its balance (`reclass_from`).
    static func registerHistory(_ db: Database) throws {
        struct Seen { var raw: String; var currency: String; var firstDay: String }
        var seen: [String: Seen] = [:]
        func note(_ raw: String, _ currency: String, _ day: String) {
            let number = BankAccountNumber.normalized(raw)
            guard !number.isEmpty, !currency.isEmpty else { return }
            let key = number + "|" + currency
            if let known = seen[key], known.firstDay <= day { return }
            seen[key] = Seen(raw: raw, currency: currency, firstDay: day)
        }
        for (account, currency, day) in try db.prepare("SELECT account, currency, MIN(day) FROM statement_balances GROUP BY account, currency")
            .rows({ ($0.text(0), $0.text(1), $0.text(2)) }) {
            note(account, currency, day)
        }
        // Statement lines and opening balances posted under `stmt:<account>:...` and `bankopen:<account>`: the account and
        // the currency its cash postings were in.
        let keyed = try db.prepare("""
            SELECT f.source_key, MIN(f.day), p.currency FROM journal_entries f JOIN postings p ON p.entry_id = f.entry_id
            JOIN accounts a ON a.account_id = p.account_id
            WHERE f.source_key IS NOT NULL AND (f.source_key LIKE 'stmt:%' OR f.source_key LIKE 'bankopen:%') AND a.code LIKE '1000-%'
            GROUP BY f.source_key, p.currency
            """).rows { ($0.text(0), $0.text(1), $0.text(2)) }
        for (key, day, currency) in keyed {
            let rest = key.hasPrefix("stmt:") ? key.dropFirst(5) : key.dropFirst(9)
            let account = String(rest.prefix { $0 != ":" })
            note(account, currency, day)
        }
        var taken = Set<String>()
        var numbers = Set<String>()
        let insert = try db.prepare("INSERT OR IGNORE INTO bank_accounts(number, bank, currency, code, first_day, reclass_from) VALUES (?, '', ?, ?, ?, ?)")
        for (key, account) in seen.sorted(by: { ($0.value.firstDay, $0.key) < ($1.value.firstDay, $1.key) }) {
            let number = String(key.prefix { $0 != "|" })
            let legacy = legacyCode(account.raw)
            let code = taken.contains(legacy) ? freeCode(number: number, currency: account.currency, currencySuffix: numbers.contains(number), taken: taken) : legacy
            taken.insert(code)
            numbers.insert(number)
            try insert.bind(.text(number), .text(account.currency), .text(code), .text(account.firstDay), .text(code == legacy ? "" : legacy)).run()
        }
    }
}
