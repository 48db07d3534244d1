import Core

/// Return reason codes (Addenda 99), with their titles from the NACHA Operating Rules, Appendix Four.
public enum ReturnReasonCode {
    public static func describe(_ code: String) -> String? { titles[code] }

    static let titles: [String: String] = [
        "R01": "Insufficient Funds", "R02": "Account Closed", "R03": "No Account/Unable to Locate Account",
        "R04": "Invalid Account Number Structure", "R05": "Unauthorized Debit to Consumer Account Using Corporate SEC Code",
        "R06": "Returned per ODFI's Request", "R07": "Authorization Revoked by Customer", "R08": "Payment Stopped",
        "R09": "Uncollected Funds", "R10": "Customer Advises Originator is Not Known to Receiver and/or Not Authorized to Debit",
        "R11": "Customer Advises Entry Not in Accordance with the Terms of the Authorization", "R12": "Account Sold to Another DFI",
        "R13": "Invalid ACH Routing Number", "R14": "Representative Payee Deceased or Unable to Continue in That Capacity",
        "R15": "Beneficiary or Account Holder (Other Than a Representative Payee) Deceased",
        "R16": "Account Frozen/Entry Returned per OFAC Instruction", "R17": "File Record Edit Criteria/Entry with Invalid Account Number Initiated Under Questionable Circumstances",
        "R18": "Improper Effective Entry Date", "R19": "Amount Field Error", "R20": "Non-Transaction Account",
        "R21": "Invalid Company Identification", "R22": "Invalid Individual ID Number", "R23": "Credit Entry Refused by Receiver",
        "R24": "Duplicate Entry", "R25": "Addenda Error", "R26": "Mandatory Field Error", "R27": "Trace Number Error",
        "R28": "Routing Number Check Digit Error", "R29": "Corporate Customer Advises Not Authorized",
        "R30": "RDFI Not Participant in Check Truncation Program", "R31": "Permissible Return Entry (CCD and CTX only)",
        "R32": "RDFI Non-Settlement", "R33": "Return of XCK Entry", "R34": "Limited Participation DFI",
        "R35": "Return of Improper Debit Entry", "R36": "Return of Improper Credit Entry",
        "R37": "Source Document Presented for Payment", "R38": "Stop Payment on Source Document",
        "R39": "Improper Source Document/Source Document Presented for Payment",
        "R40": "Return of ENR Entry by Federal Government Agency", "R41": "Invalid Transaction Code",
        "R42": "Routing Number/Check Digit Error", "R43": "Invalid DFI Account Number",
        "R44": "Invalid Individual ID Number/Identification Number", "R45": "Invalid Individual Name/Company Name",
        "R46": "Invalid Representative Payee Indicator", "R47": "Duplicate Enrollment",
        "R50": "State Law Affecting RCK Acceptance", "R51": "Item Related to RCK Entry is Ineligible or RCK Entry is Improper",
        "R52": "Stop Payment on Item Related to RCK Entry", "R53": "Item and RCK Entry Presented for Payment",
        "R61": "Misrouted Return", "R62": "Return of Erroneous or Reversing Debit", "R67": "Duplicate Return",
        "R68": "Untimely Return", "R69": "Field Error(s)", "R70": "Permissible Return Entry Not Accepted/Return Not Requested by ODFI",
        "R71": "Misrouted Dishonored Return", "R72": "Untimely Dishonored Return", "R73": "Timely Original Return",
        "R74": "Corrected Return", "R75": "Return Not a Duplicate", "R76": "No Errors Found",
        "R77": "Non-Acceptance of R62 Dishonored Return", "R80": "IAT Entry Coding Error",
        "R81": "Non-Participant in IAT Program", "R82": "Invalid Foreign Receiving DFI Identification",
        "R83": "Foreign Receiving DFI Unable to Settle", "R84": "Entry Not Processed by Gateway",
        "R85": "Incorrectly Coded Outbound International Payment",
    ]
}

/// Change codes (Addenda 98), with their titles from the NACHA Operating Rules, Appendix Five; C61-C69 refuse a NOC.
public enum ChangeCode {
    public static func describe(_ code: String) -> String? { titles[code] }
    public static func isRefusal(_ code: String) -> Bool { code.hasPrefix("C6") }

    /// The corrected data of a NOC, split by what its change code corrects (positions within the 29-character field).
    public struct Correction: Sendable, Hashable {
        public var accountNumber: String?
        public var routingNumber: String?
        public var transactionCode: String?
        public var name: String?
        public var identificationNumber: String?
        public var companyIdentification: String?
        public var standardEntryClass: String?

        public init(code: String, correctedData: String) {
            let c = Array(correctedData.utf8) + Array(repeating: UInt8(ascii: " "), count: max(0, 29 - correctedData.utf8.count))
            func piece(_ from: Int, _ to: Int) -> String? {
                let text = ByteScanning.trimmed(String(decoding: c[(from - 1)..<min(to, c.count)], as: UTF8.self))
                return text.isEmpty ? nil : text
            }
            switch code {
            case "C01": accountNumber = piece(1, 17)
            case "C02": routingNumber = piece(1, 9)
            case "C03": routingNumber = piece(1, 9); accountNumber = piece(13, 29)
            case "C04": name = piece(1, 22)
            case "C05": transactionCode = piece(1, 2)
            case "C06": accountNumber = piece(1, 17); transactionCode = piece(21, 22)
            case "C07": routingNumber = piece(1, 9); accountNumber = piece(10, 26); transactionCode = piece(27, 28)
            case "C08": routingNumber = piece(1, 11)
            case "C09": identificationNumber = piece(1, 22)
            case "C10": name = piece(1, 16)
            case "C11": companyIdentification = piece(1, 10)
            case "C12": name = piece(1, 16); companyIdentification = piece(17, 26)
            case "C14": standardEntryClass = piece(1, 3)
            default: break
            }
        }
    }

    static let titles: [String: String] = [
        "C01": "Incorrect DFI Account Number", "C02": "Incorrect Routing Number",
        "C03": "Incorrect Routing Number and Incorrect DFI Account Number",
        "C04": "Incorrect Individual Name/Receiving Company Name", "C05": "Incorrect Transaction Code",
        "C06": "Incorrect DFI Account Number and Incorrect Transaction Code",
        "C07": "Incorrect Routing Number, Incorrect DFI Account Number, and Incorrect Transaction Code",
        "C08": "Incorrect Receiving DFI Identification (IAT Only)", "C09": "Incorrect Individual Identification Number",
        "C10": "Incorrect Company Name", "C11": "Incorrect Company Identification",
        "C12": "Incorrect Company Name and Company Identification", "C13": "Addenda Format Error",
        "C14": "Incorrect SEC Code for Outbound International Payment",
        "C61": "Misrouted Notification of Change", "C62": "Incorrect Trace Number",
        "C63": "Incorrect Company Identification Number", "C64": "Incorrect Individual Identification Number/Identification Number",
        "C65": "Incorrectly Formatted Corrected Data", "C66": "Incorrect Discretionary Data",
        "C67": "Routing Number Not From Original Entry Detail Record", "C68": "DFI Account Number Not From Original Entry Detail Record",
        "C69": "Incorrect Transaction Code",
    ]
}
