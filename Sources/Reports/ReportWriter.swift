import Core
import Ledger
import Matching
import Foundation

/// Writes a day's contract outputs into `OUTPUT/<date>/`: remittance, exceptions and open items as CSV,
/// the journal for an ERP import, the summary as JSON, and HTML pages for people.
/// Rows are sorted by stable keys, so the same inputs give the same bytes.
public enum ReportWriter {
    public static let remittanceHeader = ["receipt_id", "source", "source_ref", "value_date", "customer_id", "receipt_amount", "invoice_id",
                                          "applied_amount", "discount_amount", "writeoff_amount", "rule", "confidence"]
    public static let exceptionsHeader = ["exception_id", "type", "severity", "receipt_id", "source", "source_ref", "location", "customer_id",
                                          "amount", "invoice_ids", "message", "suggestions"]
    public static let openItemsHeader = ["invoice_id", "customer_id", "due_date", "amount", "open_amount", "days_past_due"]
    public static let journalHeader = ["entry_id", "source_key", "revision", "kind", "effective_date", "account", "customer_id", "invoice_id",
                                       "debit", "credit", "currency", "memo", "run_id"]

    public static func sortedRemittance(_ rows: [RemittanceRow]) -> [RemittanceRow] {
        rows.sorted { ($0.valueDay, $0.source, $0.sourceRef, $0.receiptID, $0.invoiceID) < ($1.valueDay, $1.source, $1.sourceRef, $1.receiptID, $1.invoiceID) }
    }

    public static func sortedExceptions(_ rows: [MatchException]) -> [MatchException] {
        rows.sorted { ($0.type.rawValue, $0.source, $0.sourceRef, $0.id) < ($1.type.rawValue, $1.source, $1.sourceRef, $1.id) }
    }

    public static func remittanceCSV(_ rows: [RemittanceRow]) -> String {
        var out = CSVWriter.row(remittanceHeader)
        for r in sortedRemittance(rows) {
            CSVWriter.append([r.receiptID, r.source, r.sourceRef, r.valueDay.description, r.customerID, r.receiptAmount.description, r.invoiceID,
                              r.applied.description, r.discount.description, r.writeOff.description, r.rule, String(r.confidence)], to: &out)
        }
        return out
    }

    public static func exceptionsCSV(_ rows: [MatchException]) -> String {
        var out = CSVWriter.row(exceptionsHeader)
        for e in sortedExceptions(rows) {
            CSVWriter.append([e.id, e.type.rawValue, e.severity.description, e.receiptID, e.source, e.sourceRef, e.location?.fileAndLine ?? "",
                                  e.customerID, e.amount?.description ?? "", e.invoiceIDs.joined(separator: "|"), CSVWriter.text(e.message), CSVWriter.text(e.suggestions)],
                             to: &out)
        }
        return out
    }

    public static func openItemsCSV(_ rows: [OpenItemRow]) -> String {
        var out = CSVWriter.row(openItemsHeader)
        for r in rows.sorted(by: { ($0.customerID, $0.dueDay, $0.invoiceID) < ($1.customerID, $1.dueDay, $1.invoiceID) }) {
            CSVWriter.append([r.invoiceID, r.customerID, r.dueDay.description, r.amount.description, r.openAmount.description, String(r.daysPastDue)], to: &out)
        }
        return out
    }

    public static func journalCSV(_ entries: [PostedEntry]) -> String {
        var out = CSVWriter.row(journalHeader)
        for e in entries.sorted(by: { $0.entryID < $1.entryID }) {
            for p in e.postings {
                let debit = p.amount.minorUnits > 0 ? p.amount.description : ""
                let credit = p.amount.minorUnits < 0 ? (try? p.amount.negated())?.description ?? "" : ""
                CSVWriter.append([String(e.entryID), e.sourceKey, String(e.revision), e.kind.rawValue, e.effectiveDay.description, p.account,
                                      p.customerID ?? "", p.invoiceID ?? "", debit, credit, p.amount.currency.code, CSVWriter.text(e.memo), String(e.runID)], to: &out)
            }
        }
        return out
    }

    /// Writes every output file of the day; each file is written to a temporary name and renamed, so a reader
    /// never sees half a report.
    public static func write(_ report: DayReport, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files: [(String, String)] = [
            ("remittance.csv", remittanceCSV(report.remittance)),
            ("exceptions.csv", exceptionsCSV(report.exceptions)),
            ("open-items.csv", openItemsCSV(report.openItems)),
            ("journal.csv", journalCSV(report.journal)),
            ("summary.json", report.summary.rendered() + "\n"),
            ("exceptions.html", HTMLReport.exceptions(report)),
            ("remittance.html", HTMLReport.remittance(report)),
        ]
        for (name, text) in files {
            try writeAtomically(text, to: directory + "/" + name)
        }
    }

    public static func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".tmp"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
}
