/// BAI2 type codes: whether a code is a balance (status), a summary or a detail, credit or debit, and what it means.
public enum BAI2TypeCode {
    public enum Category: Sendable { case status, creditSummary, creditDetail, debitSummary, debitDetail, custom }

    public static func category(_ code: Int) -> Category {
        switch code {
        case 1...99: return .status
        case 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 230, 240, 250, 260, 270, 280, 290, 300, 310, 320, 330, 340, 350, 370, 385, 390, 396: return .creditSummary
        case 101...399: return .creditDetail
        case 400, 410, 420, 430, 440, 450, 460, 470, 480, 490, 500, 510, 520, 530, 540, 550, 560, 570, 580, 590, 600, 610, 620, 630, 640, 650, 660, 670, 680, 690: return .debitSummary
        case 401...699: return .debitDetail
        default: return .custom
        }
    }

    /// Credit (money in) for 100-399, debit for 400-699; custom codes 900-999 follow the same halves (900-919 credits... by bank) and are treated by their sign.
    public static func isCredit(_ code: Int) -> Bool { (100...399).contains(code) || (900...949).contains(code) }
    public static func isDebit(_ code: Int) -> Bool { (400...699).contains(code) || (950...999).contains(code) }

    public static func kind(_ code: Int) -> TransactionKind {
        switch code {
        case 140, 142, 143, 145, 165, 166, 167, 168, 169: return .achCredit
        case 450, 451, 452, 455, 462, 466, 467, 468, 469: return .achDebit
        case 256, 257, 258, 261, 556, 557, 558, 561: return .achReturn
        case 191, 195, 196, 198, 199, 208: return .wireIn
        case 491, 495, 496, 498, 499, 508: return .wireOut
        case 115, 116, 118, 120, 121, 122, 123, 124, 125, 127: return .lockbox
        case 171, 172, 173, 174, 175, 176, 301, 302, 303, 304, 305, 306, 307: return .checkDeposit
        case 470, 471, 472, 474, 475, 476, 477: return .checkPaid
        case 354, 355, 356, 357: return .interest
        case 698, 699, 401, 402, 403, 408, 409, 658, 659: return .fee
        case 275, 277, 276, 575, 577, 576, 201, 206, 501, 506: return .transfer
        default: return .other
        }
    }

    public static func describe(_ code: Int) -> String {
        descriptions[code] ?? (isCredit(code) ? "Credit" : isDebit(code) ? "Debit" : code < 100 ? "Balance" : "Custom")
    }

    static let descriptions: [Int: String] = [
        10: "Opening Ledger", 15: "Closing Ledger", 40: "Opening Available", 45: "Closing Available", 72: "One-day float",
        74: "Two or more days float", 75: "Total float", 100: "Total Credits", 108: "Credit (Any Type)", 115: "Lockbox Deposit",
        140: "Total ACH Credits", 142: "ACH Credit Received", 143: "Item in ACH Deposit", 145: "ACH Concentration Credit",
        165: "Preauthorized ACH Credit", 166: "ACH Settlement", 167: "ACH Settlement Credits", 168: "ACH Return Item or Adjustment Settlement",
        169: "Miscellaneous ACH Credit", 174: "Other Deposit", 175: "Check Deposit Package", 191: "Incoming Internal Money Transfer",
        195: "Incoming Money Transfer", 196: "Money Transfer Adjustment", 208: "Incoming International Money Transfer",
        218: "Foreign Exchange of Credit", 256: "Total ACH Return Items", 257: "Individual ACH Return Item", 258: "ACH Reversal Credit",
        261: "Individual Rejected Credit", 266: "Return Item Adjustment", 275: "ZBA Credit", 354: "Interest Credit",
        399: "Miscellaneous Credit", 400: "Total Debits", 409: "Debit (Any Type)", 447: "ACH Disbursement Funding Debit",
        450: "Total ACH Debits", 451: "ACH Debit Received", 452: "Item in ACH Disbursement or Debit", 455: "Preauthorized ACH Debit",
        462: "Account Holder Initiated ACH Debit", 466: "ACH Settlement", 467: "ACH Settlement Debits",
        468: "ACH Return Item or Adjustment Settlement", 469: "Miscellaneous ACH Debit", 475: "Check Paid",
        495: "Outgoing Money Transfer", 556: "Total ACH Return Items", 557: "Individual ACH Return Item", 558: "ACH Reversal Debit",
        561: "Individual Rejected Debit", 575: "ZBA Debit", 698: "Miscellaneous Fee", 699: "Miscellaneous Debit",
    ]
}
