import Core

/// Writes a one-group, one-account BAI2 file: the statements our generated days and samples are made of
/// (record counts and control totals as the reader checks them).
public enum BAI2Writer {
    public struct Detail: Sendable {
        public var typeCode: Int
        public var cents: Int64
        public var reference: String
        public var text: String
        public init(typeCode: Int, cents: Int64, reference: String, text: String) {
            self.typeCode = typeCode
            self.cents = cents
            self.reference = reference
            self.text = text
        }
    }

    /// The closing balance: the opening plus credits (type codes 100-399) less debits.
    public static func closing(opening: Int64, details: [Detail]) -> Int64 {
        details.reduce(opening) { $0 + (BAI2TypeCode.isCredit($1.typeCode) ? $1.cents : -$1.cents) }
    }

    /// `sender`/`receiver` name the file; the group reports as of `day` (final previous-day data, modifier 2).
    public static func statement(sender: String = "NORTHWINDBK", receiver: String = "NWIS", routing: String, account: String, currency: String = "USD",
                                 day: Day, opening: Int64, details: [Detail]) -> String {
        let d = yymmdd(day)
        let close = closing(opening: opening, details: details)
        var records = ["03,\(account),\(currency),010,\(opening),,,015,\(close),,/"]
        records += details.map { "16,\($0.typeCode),\($0.cents),0,\($0.reference),,\($0.text)/" }
        let total = opening + close + details.reduce(0) { $0 + $1.cents }
        records.append("49,\(total),\(records.count + 1)/")
        var lines = ["01,\(sender),\(receiver),\(d),2300,1,,,2/", "02,\(receiver),\(routing),1,\(d),2300,\(currency),2/"]
        lines += records
        lines.append("98,\(total),1,\(records.count + 2)/")
        lines.append("99,\(total),1,\(lines.count + 1)/")
        return lines.joined(separator: "\n") + "\n"
    }

    static func yymmdd(_ day: Day) -> String {
        let (y, m, d) = day.components
        return String(format2(y % 100)) + format2(m) + format2(d)
    }

    private static func format2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
