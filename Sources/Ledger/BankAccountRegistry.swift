import Accounting
import Core

/// The bank accounts an older ledger's history names, registered with the codes they were booked under (the rules that
/// give codes are Accounting's `CashAccountCode`).
public enum BankAccountRegistry {
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
            let legacy = CashAccountCode.legacy(account.raw)
            let code = taken.contains(legacy) ? CashAccountCode.free(number: number, currency: account.currency, currencySuffix: numbers.contains(number), taken: taken) : legacy
            taken.insert(code)
            numbers.insert(number)
            try insert.bind(.text(number), .text(account.currency), .text(code), .text(account.firstDay), .text(code == legacy ? "" : legacy)).run()
        }
    }
}
