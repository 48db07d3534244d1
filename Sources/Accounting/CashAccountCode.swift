import Core

/// How a bank account gets its cash account. A code is given once and kept: `1000-` and the number's last four
/// characters when no other account has that code, else longer tails of the number, then the currency, then a counter.
/// The last four digits are a display habit, never the identity.
public enum CashAccountCode {
    /// The codes a new account may take, in order of preference: the last four characters of its number, then longer
    /// tails; for a second currency of a number already booked (a multi-currency account), its currency after them.
    public static func candidates(number: String, currency: String, currencySuffix: Bool) -> [String] {
        var out: [String] = []
        let tails = [4, 6, 8].filter { number.count > $0 }.map { String(number.suffix($0)) } + [number]
        if currencySuffix { out += tails.map { "1000-\($0)-\(currency)" } }
        out += tails.map { "1000-" + $0 }
        if !currencySuffix { out += tails.map { "1000-\($0)-\(currency)" } }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// The first candidate not taken; past them, the number and currency with a counter (never runs out).
    public static func free(number: String, currency: String, currencySuffix: Bool = false, taken: Set<String>) -> String {
        if let free = candidates(number: number, currency: currency, currencySuffix: currencySuffix).first(where: { !taken.contains($0) }) { return free }
        var n = 2
        while taken.contains("1000-\(number)-\(currency)-\(n)") { n += 1 }
        return "1000-\(number)-\(currency)-\(n)"
    }

    /// The code an older ledger booked an account under: `1000-` and the last four digits of the number as written.
    public static func legacy(_ account: String) -> String { ChartOfAccounts.cash(bankAccount: account) }
}
