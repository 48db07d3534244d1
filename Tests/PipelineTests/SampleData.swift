import ACH
import Core
import Foundation
import Statements

/// The Samples/ data set, generated here so that every file is explainable: two business days of a seller
/// (Northwind Industrial Supply) whose customers pay by ACH (CCD+, CTX), wire and lockbox, exercising every rule
/// and every exception type the pipeline raises from valid input.
enum SampleData {
    static let ourAccount = "4471002233"
    static let ourRouting = routing("07640125")
    static let day1 = Day(year: 2026, month: 11, day: 2)!
    static let day2 = Day(year: 2026, month: 11, day: 3)!
    /// Two quiet days whose statements only carry the balance forward (and the late settlement of day 2's ACME credit).
    static let day3 = Day(year: 2026, month: 11, day: 4)!
    static let day4 = Day(year: 2026, month: 11, day: 5)!
    /// The return, the notification of change and the split payment; GALAXY's day-1 batch is past its window.
    static let day5 = Day(year: 2026, month: 11, day: 6)!
    /// Monday: what real bank data looks like: two wires whose bank reference is `NONREF`, a wire naming a purchase
    /// order, and a payment that takes a credit memo (issued that day, like the invoice it nets).
    static let day6 = Day(year: 2026, month: 11, day: 9)!
    static let ourCompanyID = "1447100223"
    static let deltaRouting = routing("11000012")
    static let blueRidgeRouting = routing("05300001")

    static func routing(_ first8: String) -> String {
        first8 + String(RoutingNumber.checkDigit(forFirstEight: Array(first8.utf8))!)
    }

    static let customersCSV = """
        customer_id,name,aliases,ach_company_ids,credit_limit,terms
        C001,"Acme Tools, Inc.",ACME TOOLS|ACME TOOL CO,1234567890,50000.00,2/10 NET30
        C002,Blue Ridge Builders LLC,BLUE RIDGE BLDRS,2345678901,75000.00,NET30
        C003,Cascade Fabrication Co,CASCADE FAB,3456789012,40000.00,NET45
        C004,Delta Marine Services,DELTA MARINE,,60000.00,NET60
        C005,Evergreen Hospitals,EVERGREEN HEALTH|EVERGREEN HOSP,5678901234,150000.00,NET90
        C006,Foxtrot Logistics,FOXTROT LOGISTICS,6789012345,30000.00,NET30

        """

    static let invoicesCSV = """
        invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,terms,po_number
        INV-10001,C001,2026-10-26,2026-11-25,USD,5000.00,5000.00,2/10 NET30,PO-7781
        INV-10002,C001,2026-10-20,2026-11-19,USD,1500.00,1500.00,2/10 NET30,PO-7764
        INV-10006,C001,2026-10-28,2026-11-27,USD,2200.00,2200.00,2/10 NET30,PO-7790
        INV-10008,C001,2026-10-30,2026-11-29,USD,1000.00,1000.00,NET30,PO-7795
        INV-10003,C002,2026-09-15,2026-10-15,USD,12450.00,12450.00,NET30,BR-2231
        INV-10004,C002,2026-10-01,2026-10-31,USD,1200.00,1200.00,NET30,BR-2240
        INV-10005,C002,2026-10-05,2026-11-04,USD,1800.00,1800.00,NET30,BR-2244
        INV-10009,C002,2026-10-20,2026-11-19,USD,2000.00,950.50,NET30,BR-2260
        INV-10007,C003,2026-09-20,2026-11-04,USD,7500.00,7500.00,NET45,CF-551
        INV-10014,C003,2026-10-10,2026-11-24,USD,3300.00,3300.00,NET45,CF-560
        INV-10015,C004,2026-09-01,2026-10-31,USD,9870.00,9870.00,NET60,DM-100
        INV-10016,C004,2026-10-15,2026-12-14,USD,5125.00,5125.00,NET60,DM-104
        INV-10010,C005,2026-08-10,2026-11-08,USD,10000.00,10000.00,NET90,EH-9001
        INV-10011,C005,2026-08-20,2026-11-18,USD,8000.00,8000.00,NET90,EH-9002
        INV-10012,C005,2026-09-02,2026-12-01,USD,250.00,250.00,NET90,EH-9010
        INV-10013,C005,2026-09-30,2026-12-29,USD,4200.00,4200.00,NET90,EH-9015
        INV-10020,C006,2026-10-02,2026-11-01,USD,4000.00,4000.00,NET30,FX-301
        INV-10021,C006,2026-10-09,2026-11-08,USD,4000.00,4000.00,NET30,FX-305
        INV-10022,C006,2026-10-16,2026-11-15,USD,6000.00,6000.00,NET30,FX-309
        INV-10030,C002,2026-11-09,2026-12-09,USD,1800.00,1800.00,NET30,BR-2301
        CM-2001,C002,2026-11-09,2026-11-09,USD,-200.00,-200.00,,BR-2301

        """

    static func fileSpec(_ day: Day, modifier: String) -> NACHAWriter.FileSpec {
        NACHAWriter.FileSpec(immediateDestination: ourRouting, immediateOrigin: " " + routing("01100001"), creationDay: day, creationTime: "0615",
                             fileIDModifier: modifier, destinationName: "NORTHWIND BANK", originName: "FEDERAL RESERVE BANK", referenceCode: "RECEIVED")
    }

    static func credit(_ cents: Int64, addenda: [String] = []) -> NACHAWriter.EntrySpec {
        NACHAWriter.EntrySpec(transactionCode: 22, receivingRouting: ourRouting, accountNumber: ourAccount, amountCents: cents,
                              identificationNumber: "NWIS-VENDOR", receiverName: "NORTHWIND INDUSTRIAL", paymentRelatedInformation: addenda)
    }

    static func ccdBatch(_ name: String, _ companyID: String, _ odfi: String, _ day: Day, _ entries: [NACHAWriter.EntrySpec]) -> NACHAWriter.BatchSpec {
        NACHAWriter.BatchSpec(serviceClassCode: 220, companyName: name, companyIdentification: companyID, standardEntryClass: .ccd,
                              entryDescription: "PAYMENT", effectiveEntryDay: day, originatingDFI: odfi, entries: entries)
    }

    /// Day 1: remittance with a discount, exact amount, a combination, a short payment, an unknown payer whose batch the
    /// statement does not show; a CTX from a hospital group paying three invoices.
    static var day1CCD: String {
        NACHAWriter().write(file: fileSpec(day1, modifier: "A"), batches: [
            ccdBatch("ACME TOOLS INC", "1234567890", "02100002", day1, [credit(490_000, addenda: ["RMR*IV*INV-10001*PI*4900.00*5000.00*100.00\\"])]),
            ccdBatch("BLUE RIDGE BLDRS", "2345678901", "05300001", day1, [credit(1_245_000), credit(300_000)]),
            ccdBatch("CASCADE FAB", "3456789012", "12100024", day1, [credit(748_000, addenda: ["RMR*IV*10007*PI*7480.00*7500.00\\"])]),
            ccdBatch("GALAXY RETAIL", "9999999999", "11100002", day1, [credit(250_000)]),
        ])
    }

    static let evergreenX12 = "ISA*00*          *00*          *ZZ*EVERGREENHOSP  *ZZ*NORTHWIND      *261101*1200*U*00401*000000101*0*P*>~"
        + "GS*RA*EVERGREEN*NORTHWIND*20261101*1200*101*X*004010~ST*820*0001~"
        + "BPR*C*18250.00*C*ACH*CTX*01*044000037*DA*123456789*5678901234**01*076401251*DA*4471002233*20261102~"
        + "TRN*1*EVG20261101-01*5678901234~N1*PR*EVERGREEN HOSPITALS~N1*PE*NORTHWIND INDUSTRIAL SUPPLY~ENT*1~"
        + "RMR*IV*INV-10010*PI*10000.00*10000.00~RMR*IV*INV-10011*PI*8000.00*8000.00~RMR*IV*INV-10012*PI*250.00*250.00~"
        + "SE*10*0001~GE*1*101~IEA*1*000000101~"

    static var day1CTX: String {
        NACHAWriter().write(file: fileSpec(day1, modifier: "B"), batches: [
            NACHAWriter.BatchSpec(serviceClassCode: 220, companyName: "EVERGREEN HOSP", companyIdentification: "5678901234", standardEntryClass: .ctx,
                                  entryDescription: "AP PAYMENT", effectiveEntryDay: day1, originatingDFI: "04400003",
                                  entries: [credit(1_825_000, addenda: [evergreenX12])]),
        ])
    }

    /// Day 2: an over-payment, the rest of day 1's short payment, an amount that matches nothing.
    static var day2CCD: String {
        NACHAWriter().write(file: fileSpec(day2, modifier: "A"), batches: [
            ccdBatch("FOXTROT LOGISTIC", "6789012345", "06100014", day2, [credit(615_000, addenda: ["RMR*IV*INV-10022*PI*6000.00\\"])]),
            ccdBatch("CASCADE FAB", "3456789012", "12100024", day2, [credit(2_000, addenda: ["RMR*IV*INV-10007*PI*20.00\\"])]),
            ccdBatch("ACME TOOLS INC", "1234567890", "02100002", day2, [credit(77_777)]),
        ])
    }

    /// Day 2: the seller's own debit file (originated), pulling two customers' payments by ACH debit.
    static var day2Debits: String {
        NACHAWriter().write(file: NACHAWriter.FileSpec(immediateDestination: " " + ourRouting, immediateOrigin: ourCompanyID, creationDay: day2, creationTime: "0530",
                                                       fileIDModifier: "D", destinationName: "NORTHWIND BANK", originName: "NORTHWIND INDUSTRIAL", referenceCode: "DEBITS"),
                            batches: [
            NACHAWriter.BatchSpec(serviceClassCode: 225, companyName: "NORTHWIND IND", companyIdentification: ourCompanyID, standardEntryClass: .ccd,
                                  entryDescription: "INVOICES", effectiveEntryDay: day2, originatingDFI: String(ourRouting.prefix(8)), entries: [
                NACHAWriter.EntrySpec(transactionCode: 27, receivingRouting: deltaRouting, accountNumber: "88120045", amountCents: 512_500, identificationNumber: "C004",
                                      receiverName: "DELTA MARINE SERVICES", paymentRelatedInformation: ["RMR*IV*INV-10016*PI*5125.00\\"]),
                NACHAWriter.EntrySpec(transactionCode: 27, receivingRouting: blueRidgeRouting, accountNumber: "4400127", amountCents: 95_050, identificationNumber: "C002",
                                      receiverName: "BLUE RIDGE BUILDERS", paymentRelatedInformation: ["RMR*IV*INV-10009*PI*950.50\\"]),
            ]),
        ])
    }

    /// The trace numbers our bank gave the day-2 debits: our routing's first eight digits and the entry's sequence.
    static let deltaDebitTrace = String(ourRouting.prefix(8)) + "0000001"
    static let blueRidgeDebitTrace = String(ourRouting.prefix(8)) + "0000002"

    /// Day 5: what came back for the day-2 debits: Delta Marine's bank returned its debit (R01, insufficient funds), Blue
    /// Ridge's bank sent a notification of change (C01, the account number corrected).
    static var day5Returns: String {
        let returnAddenda = "799R01" + deltaDebitTrace + "      " + String(deltaRouting.prefix(8)) + String(repeating: " ", count: 44) + "110000120000001"
        let changeAddenda = "798C01" + blueRidgeDebitTrace + "      " + String(blueRidgeRouting.prefix(8)) + NACHAWriter.alpha("4400172", 29)
            + String(repeating: " ", count: 15) + "053000010000001"
        return NACHAWriter().write(file: NACHAWriter.FileSpec(immediateDestination: " " + ourRouting, immediateOrigin: " " + routing("01100001"), creationDay: day5,
                                                              creationTime: "0500", fileIDModifier: "R", destinationName: "NORTHWIND BANK", originName: "FEDERAL RESERVE BANK",
                                                              referenceCode: "RETURNS"), batches: [
            NACHAWriter.BatchSpec(serviceClassCode: 200, companyName: "NORTHWIND IND", companyIdentification: ourCompanyID, standardEntryClass: .ccd,
                                  entryDescription: "INVOICES", effectiveEntryDay: day5, originatingDFI: "11000012", entries: [
                NACHAWriter.EntrySpec(transactionCode: 26, receivingRouting: ourRouting, accountNumber: "88120045", amountCents: 512_500, identificationNumber: "C004",
                                      receiverName: "DELTA MARINE SERVICES", rawAddenda: [returnAddenda]),
            ]),
            NACHAWriter.BatchSpec(serviceClassCode: 220, companyName: "NORTHWIND IND", companyIdentification: ourCompanyID, standardEntryClass: .cor,
                                  entryDescription: "NOC", effectiveEntryDay: day5, originatingDFI: "05300001", entries: [
                NACHAWriter.EntrySpec(transactionCode: 21, receivingRouting: ourRouting, accountNumber: "4400127", amountCents: 0, identificationNumber: "C002",
                                      receiverName: "BLUE RIDGE BUILDERS", rawAddenda: [changeAddenda]),
            ]),
        ])
    }

    /// Day 6: Blue Ridge pays INV-10030 (1,800.00) less its credit memo CM-2001 (200.00), saying both.
    static var day6CCD: String {
        NACHAWriter().write(file: fileSpec(day6, modifier: "A"), batches: [
            ccdBatch("BLUE RIDGE BLDRS", "2345678901", "05300001", day6, [credit(160_000, addenda: ["RMR*IV*INV-10030*PI*1800.00\\RMR*CM*CM-2001*PI*-200.00\\"])]),
        ])
    }

    typealias Detail = BAI2Writer.Detail

    static func bai2(day: Day, opening: Int64, details: [Detail]) -> String {
        BAI2Writer.statement(routing: ourRouting, account: ourAccount, day: day, opening: opening, details: details)
    }

    static func closingBalance(opening: Int64, details: [Detail]) -> Int64 { BAI2Writer.closing(opening: opening, details: details) }

    static let day1Details = [
        Detail(typeCode: 165, cents: 490_000, reference: "B1102001", text: "ACH CREDIT ACME TOOLS INC CCD"),
        Detail(typeCode: 165, cents: 1_545_000, reference: "B1102002", text: "ACH CREDIT BLUE RIDGE BLDRS CCD"),
        Detail(typeCode: 165, cents: 748_000, reference: "B1102003", text: "ACH CREDIT CASCADE FAB CCD"),
        Detail(typeCode: 165, cents: 1_825_000, reference: "B1102004", text: "ACH CREDIT EVERGREEN HOSP CTX"),
        Detail(typeCode: 195, cents: 987_000, reference: "W1102005", text: "INCOMING WIRE DELTA MARINE SERVICES REF INV 10015"),
        Detail(typeCode: 195, cents: 400_000, reference: "W1102006", text: "INCOMING WIRE FOXTROT LOGISTICS PAYMENT"),
        Detail(typeCode: 115, cents: 149_940, reference: "L1102007", text: "LOCKBOX 7788 DEPOSIT ACME TOOLS"),
        Detail(typeCode: 698, cents: 4_500, reference: "F1102008", text: "ACCOUNT ANALYSIS FEE"),
        Detail(typeCode: 451, cents: 31_218, reference: "D1102009", text: "ACH DEBIT INSURANCECO PREMIUM"),
    ]
    /// Day 2: ACME's 777.77 credit is not on this statement: it settles (late, inside its window) on day 3's.
    static let day2Details = [
        Detail(typeCode: 165, cents: 615_000, reference: "B1103001", text: "ACH CREDIT FOXTROT LOGISTIC CCD"),
        Detail(typeCode: 165, cents: 2_000, reference: "B1103002", text: "ACH CREDIT CASCADE FAB CCD"),
        Detail(typeCode: 195, cents: 215_600, reference: "W1103004", text: "INCOMING WIRE ACME TOOLS INC PAYMENT"),
        Detail(typeCode: 166, cents: 607_550, reference: "S1103005", text: "ACH SETTLEMENT NORTHWIND IND INVOICES"),
    ]
    static let day3Details = [Detail(typeCode: 165, cents: 77_777, reference: "B1104001", text: "ACH CREDIT ACME TOOLS INC CCD")]
    static let day4Details: [Detail] = []
    /// Day 5: the return's debit, and Cascade paying INV-10014 (3,300.00) in two wires with no reference.
    static let day5Details = [
        Detail(typeCode: 557, cents: 512_500, reference: "R1106001", text: "ACH RETURN ITEM DELTA MARINE SERVICES R01"),
        Detail(typeCode: 195, cents: 200_000, reference: "W1106002", text: "INCOMING WIRE CASCADE FABRICATION CO"),
        Detail(typeCode: 195, cents: 130_000, reference: "W1106003", text: "INCOMING WIRE CASCADE FABRICATION CO"),
    ]

    /// Day 6: the Blue Ridge batch; Acme's wire naming its purchase order PO-7795 (INV-10008); Evergreen and Foxtrot
    /// wiring with the bank reference NONREF (a placeholder: each line keyed by its content, both posted).
    static let day6Details = [
        Detail(typeCode: 165, cents: 160_000, reference: "B1109001", text: "ACH CREDIT BLUE RIDGE BLDRS CCD"),
        Detail(typeCode: 195, cents: 100_000, reference: "W1109002", text: "INCOMING WIRE ACME TOOLS INC PAYMENT PO 7795"),
        Detail(typeCode: 195, cents: 420_000, reference: "NONREF", text: "INCOMING WIRE EVERGREEN HOSPITALS INV-10013"),
        Detail(typeCode: 195, cents: 400_000, reference: "NONREF", text: "INCOMING WIRE FOXTROT LOGISTICS INV 10021"),
    ]

    static let openingBalance: Int64 = 5_000_000

    /// Each day's statement opens with the previous day's closing balance.
    static var statements: [(day: Day, text: String)] {
        var opening = openingBalance
        var out: [(Day, String)] = []
        for (day, details) in [(day1, day1Details), (day2, day2Details), (day3, day3Details), (day4, day4Details), (day5, day5Details), (day6, day6Details)] {
            out.append((day, bai2(day: day, opening: opening, details: details)))
            opening = closingBalance(opening: opening, details: details)
        }
        return out
    }

    /// Every sample file, by its path under Samples/.
    static var files: [(path: String, content: String)] {
        var list: [(String, String)] = [
            ("customers.csv", customersCSV),
            ("invoices.csv", invoicesCSV),
            ("2026-11-02/ach/20261102-ccd.ach", day1CCD),
            ("2026-11-02/ach/20261102-ctx.ach", day1CTX),
            ("2026-11-03/ach/20261103-ccd.ach", day2CCD),
            // The bank delivered day 1's CCD file again: a DUPLICATE, not processed twice.
            ("2026-11-03/ach/20261102-ccd-resent.ach", day1CCD),
            ("2026-11-03/ach-originated/20261103-debits.ach", day2Debits),
            ("2026-11-06/ach-returns/20261106-returns.ach", day5Returns),
            ("2026-11-09/ach/20261109-ccd.ach", day6CCD),
        ]
        for (day, text) in statements {
            list.append(("\(day)/bank/\(NACHAWriter.yymmdd(day).count == 6 ? "20" + NACHAWriter.yymmdd(day) : day.description).bai", text))
        }
        return list
    }
}
