/// An ISO 4217 currency and its number of minor-unit digits. Kept in four bytes (the code's three letters and the
/// exponent), so a `Money` is 16 bytes and copying one retains nothing: a day of a million receipts carries several
/// million of them in its facts, decisions, drafts and rows.
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    /// The code's letters in bits 0-23 (first letter lowest), the exponent in bits 24-31.
    private let packed: UInt32

    /// From three uppercase ASCII letters (checked by `iso`, the only way in besides the constants below).
    private init(_ a: UInt8, _ b: UInt8, _ c: UInt8, exponent: Int) {
        packed = UInt32(a) | UInt32(b) << 8 | UInt32(c) << 16 | UInt32(UInt8(truncatingIfNeeded: exponent)) << 24
    }

    /// The three-letter code ("USD").
    public var code: String {
        String(unsafeUninitializedCapacity: 3) { buffer in
            buffer[0] = UInt8(truncatingIfNeeded: packed)
            buffer[1] = UInt8(truncatingIfNeeded: packed >> 8)
            buffer[2] = UInt8(truncatingIfNeeded: packed >> 16)
            return 3
        }
    }

    /// Digits after the decimal point (2 for USD, 0 for JPY, 3 for KWD).
    public var exponent: Int { Int(packed >> 24) }

    public var description: String { code }

    public static let usd = Currency(0x55, 0x53, 0x44, exponent: 2) // USD
    public static let eur = Currency(0x45, 0x55, 0x52, exponent: 2) // EUR
    public static let gbp = Currency(0x47, 0x42, 0x50, exponent: 2) // GBP
    public static let cad = Currency(0x43, 0x41, 0x44, exponent: 2) // CAD

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
        let letters = Array(upper.utf8)
        guard letters.count == 3, letters.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            return nil
        }
        return Currency(letters[0], letters[1], letters[2], exponent: exponentOtherThanTwo[upper] ?? 2)
    }
}
