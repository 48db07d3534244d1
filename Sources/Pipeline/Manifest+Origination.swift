import Accounting
import ACH
import Core
import Foundation

/// The manifest's `origination` block (CONTRACT): the seller's ACH debit origination.
public struct OriginationConfig: Sendable {
    /// Whether `settle run` writes the next debit file after the newest day (`settle originate` runs either way).
    public var enabled: Bool
    /// `mandates.csv`, resolved.
    public var mandates: String
    /// The folder the files are written to, resolved.
    public var outbox: String
    /// The key file, resolved (outside the job folder, mode 0600).
    public var keyFile: String
    public var settings: OriginationSettings
}

extension Manifest {
    static let originationKeys: Set<String> = ["enabled", "mandates", "outbox", "key_file", "company_name", "company_id", "odfi", "odfi_name", "balanced",
                                               "retry_after_days", "entry_description"]
}

extension ManifestReader {
    /// `origination`, nil when the manifest has none. A balanced file's offset credits the first of `bank_accounts`
    /// with a routing number.
    func origination(bankAccounts: [Manifest.BankAccountEntry]) throws(ManifestError) -> OriginationConfig? {
        guard let raw = root["origination"] else { return nil }
        guard let block = raw as? [String: Any] else { throw fail("origination", "must be an object") }
        try rejectUnknownKeys(of: block, known: Manifest.originationKeys, in: "origination")
        func flag(_ key: String, default value: Bool) throws(ManifestError) -> Bool {
            guard let given = block[key] else { return value }
            guard Manifest.isBoolean(given), let b = given as? Bool else { throw fail("origination.\(key)", "must be true or false") }
            return b
        }
        let enabled = try flag("enabled", default: false)
        let balanced = try flag("balanced", default: false)
        let mandates = resolve(try requiredString("mandates", in: block, at: "origination.mandates"))
        let outbox = resolve(try requiredString("outbox", in: block, at: "origination.outbox"))
        let keyFile = resolve(try requiredString("key_file", in: block, at: "origination.key_file"))
        let name = try requiredString("company_name", in: block, at: "origination.company_name")
        guard name.utf8.count <= 16, name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) else {
            throw fail("origination.company_name", "'\(name)' must be at most 16 ASCII characters (the batch header's Company Name)")
        }
        let id = try requiredString("company_id", in: block, at: "origination.company_id")
        guard id.utf8.count <= 10, id.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 }) else {
            throw fail("origination.company_id", "'\(id)' must be at most 10 ASCII characters (the Company Identification)")
        }
        let odfi = try requiredString("odfi", in: block, at: "origination.odfi")
        guard odfi.utf8.count == 8, odfi.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw fail("origination.odfi", "'\(odfi)' must be the originating bank's routing number's first eight digits")
        }
        let odfiName = try string("odfi_name", in: block, at: "origination.odfi_name", required: false) ?? "ODFI"
        let description = try string("entry_description", in: block, at: "origination.entry_description", required: false) ?? "AUTOPAY"
        guard description.utf8.count <= 10, !description.isEmpty, description.uppercased() != "RETRY PYMT" else {
            throw fail("origination.entry_description", "'\(description)' must be 1 to 10 characters, and not RETRY PYMT (retries' own)")
        }
        var retry = 3
        if let given = block["retry_after_days"] {
            guard !Manifest.isBoolean(given), let n = given as? Int, n >= 0, n <= 30 else {
                throw fail("origination.retry_after_days", "must be a whole number of business days from 0 to 30")
            }
            retry = n
        }
        var offset: (routing: String, account: String)?
        if balanced {
            guard let account = bankAccounts.first(where: { $0.bank.utf8.count == 9 && $0.bank.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }) else {
                throw fail("origination.balanced", "a balanced file's offset credits the seller's account: list it under bank_accounts with its routing number as bank")
            }
            offset = (account.bank, account.account)
        }
        let settings = OriginationSettings(companyName: name, companyID: id, odfi: odfi, odfiName: odfiName, balanced: balanced, offsetAccount: offset,
                                           entryDescription: description.uppercased(), retryAfterDays: retry)
        return OriginationConfig(enabled: enabled, mandates: mandates, outbox: outbox, keyFile: keyFile, settings: settings)
    }
}
