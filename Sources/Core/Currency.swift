/// An ISO 4217 currency: its three-letter code and the exponent of its minor unit
/// (2 for USD cents, 0 for JPY, 3 for KWD).
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    public let code: String
    public let exponent: Int

    public init(code: String, exponent: Int) {
        self.code = code
        self.exponent = exponent
    }

    public var description: String { code }

    public static let usd = Currency(code: "USD", exponent: 2)
    public static let eur = Currency(code: "EUR", exponent: 2)
    public static let gbp = Currency(code: "GBP", exponent: 2)
    public static let cad = Currency(code: "CAD", exponent: 2)

    /// ISO 4217 minor-unit exponents that differ from 2, plus the common two-decimal codes we accept by name.
    private static let exponentOtherThanTwo: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
        "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
        "CLF": 4, "UYW": 4,
    ]

    /// The currency for an ISO 4217 code; any three uppercase letters are accepted, with exponent 2
    /// unless the code is one of those whose minor unit differs.
    public static func iso(_ code: String) -> Currency? {
        // The usual case, without uppercasing or a table lookup.
        switch code {
        case "USD": return .usd
        case "EUR": return .eur
        case "GBP": return .gbp
        case "CAD": return .cad
        case "": return nil
        default: break
        }
        let upper = code.uppercased()
        guard upper.utf8.count == 3, upper.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            return nil
        }
        return Currency(code: upper, exponent: exponentOtherThanTwo[upper] ?? 2)
    }
}
