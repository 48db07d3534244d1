import Foundation

/// The bank CSV exports of `../shared/corpus/statements/csv`, each with the profile that reads it: a bank's profile
/// of `Jobs/profiles/`, or an inline one (JSON) for exports that are not a bank's (order histories, accounting
/// journals, test fixtures); the number of statement lines the INDEX counts (its notes say which rows are not
/// transactions: pending, notices, footers), and the diagnostic a deliberately broken (or unusable) file must give.
/// The readers' tests (StatementsTests) and the pipeline's runs over the corpus (PipelineTests) share it.
public enum BankCSVCorpus {
    public struct Case: Sendable, CustomStringConvertible {
        /// Relative to the corpus's `statements/csv/`.
        public var file: String
        /// A profile of `Jobs/profiles/` (its name), or an inline profile (JSON).
        public var profile: String
        public var lines: Int
        /// The currency the lines are read in; `mixed` where a column gives each line's.
        public var currency: String
        /// The diagnostic a deliberately broken (or unusable) file must give.
        public var failure: String?

        public init(file: String, profile: String, lines: Int, currency: String = "USD", failure: String? = nil) {
            self.file = file
            self.profile = profile
            self.lines = lines
            self.currency = currency
            self.failure = failure
        }

        public var description: String { file }
        /// The path of the bank's profile in `Jobs/profiles/`; nil for an inline profile.
        public var shippedProfilePath: String? { profile.hasPrefix("{") ? nil : TestPaths.jobs + "/profiles/\(profile).json" }
    }

    public static let generic = #"{"columns": {"date": "Date", "amount": "Amount", "description": "Description"}, "date_format": "YYYY-MM-DD"}"#
    public static let oca = #"{"columns": {"date": "Date", "amount": "Amount", "description": "Label", "counterparty": "Partner Name"}, "date_format": "MM/DD/YYYY"}"#
    public static let hledger = #"{"columns": {"date": "Date", "amount": "%@", "description": "%@"}, "date_format": "YYYY/MM/DD", "encoding": "%@"}"#

    public static let cases: [Case] = [
        // reubano/csv2ofx
        // Amazon order history: 3 orders; 2 pending ones (no day), a cancelled one (no total) and a repeated header.
        Case(file: "reubano__csv2ofx/amazon.csv", profile: #"{"columns": {"date": "date", "amount": "total", "reference": "order id", "description": "items"}, "date_format": "YYYY-MM-DD", "invert_sign": true, "skip_when": {"column": "total", "equals": [""]}}"#, lines: 3),
        Case(file: "reubano__csv2ofx/capitalone.csv", profile: "capital-one", lines: 2),
        Case(file: "reubano__csv2ofx/creditunion.csv", profile: #"{"columns": {"date": "Date", "amount": "Amount", "reference": "Check Number", "description": "Description"}, "date_format": "MM/DD/YYYY"}"#, lines: 8),
        Case(file: "reubano__csv2ofx/default.csv", profile: #"{"columns": {"date": "Date", "amount": "Amount", "reference": "Num", "description": "Description"}, "date_format": "YYYY-MM-DD"}"#, lines: 8),
        Case(file: "reubano__csv2ofx/gls.csv", profile: "gls-bank", lines: 1, currency: "EUR"),
        Case(file: "reubano__csv2ofx/ingesp.csv", profile: "ing-es", lines: 10, currency: "EUR"),
        Case(file: "reubano__csv2ofx/mint.csv", profile: "mint", lines: 4),
        // Three blank lines before the header (blank lines are never rows), 4 rows and the header again at the end.
        Case(file: "reubano__csv2ofx/mint_extra.csv", profile: "mint", lines: 4),
        Case(file: "reubano__csv2ofx/mint_headerless.csv", profile: #"{"header": false, "columns": {"date": 1, "amount": 4, "direction": 5, "description": 2}, "credit_values": ["credit"], "debit_values": ["debit"], "date_format": "MM/DD/YYYY"}"#, lines: 4),
        Case(file: "reubano__csv2ofx/n26-fr.csv", profile: "n26", lines: 2, currency: "EUR"),
        Case(file: "reubano__csv2ofx/outbank.csv", profile: "outbank", lines: 4, currency: "EUR"),
        Case(file: "reubano__csv2ofx/payoneer.csv", profile: "payoneer", lines: 2),
        Case(file: "reubano__csv2ofx/pcmastercard.csv", profile: "pc-financial-mastercard", lines: 2, currency: "CAD"),
        Case(file: "reubano__csv2ofx/schwab-checking.csv", profile: "schwab-checking", lines: 4),
        Case(file: "reubano__csv2ofx/schwab-checking-baltest-case1.csv", profile: "schwab-checking", lines: 4),
        Case(file: "reubano__csv2ofx/schwab-checking-baltest-case2.csv", profile: "schwab-checking", lines: 4),
        Case(file: "reubano__csv2ofx/schwab-checking-baltest-case3.csv", profile: "schwab-checking", lines: 4),
        Case(file: "reubano__csv2ofx/schwab-checking-baltest-case4.csv", profile: "schwab-checking", lines: 4),
        Case(file: "reubano__csv2ofx/schwab-checking-baltest-case5.csv", profile: "schwab-checking", lines: 4),
        Case(file: "reubano__csv2ofx/schwab-checking-baltest-case6.csv", profile: "schwab-checking", lines: 4),
        Case(file: "reubano__csv2ofx/schwab-checking-baltest-case7.csv", profile: "schwab-checking", lines: 2),
        Case(file: "reubano__csv2ofx/stripe-all.csv", profile: #"{"columns": {"date": "created", "amount": "amount", "reference": "id", "description": "description"}, "date_format": "YYYY-MM-DD"}"#, lines: 5, currency: "CAD"),
        Case(file: "reubano__csv2ofx/stripe-default.csv", profile: "stripe-payments", lines: 5, currency: "CAD"),
        Case(file: "reubano__csv2ofx/ubs-ch-fr_trimmed.csv", profile: "ubs-ch", lines: 3, currency: "CHF"),
        Case(file: "reubano__csv2ofx/xero.csv", profile: #"{"columns": {"date": "JournalDate", "amount": "NetAmount", "reference": "Reference", "description": "Description"}, "date_format": "DD-MMM-YYYY"}"#, lines: 13),
        // redstreet/beancount_reds_importers
        Case(file: "redstreet__beancount_reds_importers/Main_Checking_Account_Transactions.csv", profile: "dcu", lines: 10),
        // Fidelity: 21 rows, then blank lines, a disclaimer and 'Date downloaded' (footers without a day: warnings).
        Case(file: "redstreet__beancount_reds_importers/fidelity_csv_all_accounts_transactions_20251204.csv", profile: "fidelity", lines: 21),
        // Schwab brokerage: a title line, 11 transactions and a 'Transactions Total' footer.
        Case(file: "redstreet__beancount_reds_importers/schwab_csv_brokerage_XX876_Transactions_20220731.csv", profile: "schwab-brokerage", lines: 11),
        Case(file: "redstreet__beancount_reds_importers/schwab_XXX234_Checking_Transactions_20220203.csv", profile: "schwab-checking", lines: 2),
        Case(file: "redstreet__beancount_reds_importers/semicolon_delimited.csv", profile: #"{"delimiter": ";", "skip_rows": 3, "columns": {"date": "date", "amount": "amount", "counterparty": "payee", "description": "description"}, "date_format": "YYYY/MM/DD"}"#, lines: 2),
        // simonmichael/hledger
        Case(file: "simonmichael__hledger/sample.csv", profile: String(format: hledger, "Amount", "Note", "utf-8"), lines: 3),
        Case(file: "simonmichael__hledger/sample.fr.cp1252.csv", profile: String(format: hledger, "Montant", "Remarque", "windows-1252"), lines: 3),
        Case(file: "simonmichael__hledger/sample.fr.iso88591.csv", profile: String(format: hledger, "Montant", "Remarque", "latin-1"), lines: 3),
        Case(file: "simonmichael__hledger/sample.fr.utf8.csv", profile: String(format: hledger, "Montant", "Remarque", "utf-8"), lines: 3),
        // hledger's rules examples write `10/2009/09` (day/year/month, set by their rules file): no bank writes
        // that, and no profile can say it; the reader names the value it could not read.
        Case(file: "simonmichael__hledger/csv/sample.csv", profile: #"{"header": false, "columns": {"date": 1, "debit": 3, "credit": 4, "description": 2}, "date_format": "DD/MM/YYYY"}"#, lines: 0, failure: "csv.date"),
        Case(file: "simonmichael__hledger/csv/sample.ssv", profile: #"{"header": false, "delimiter": ";", "columns": {"date": 1, "debit": 3, "credit": 4, "description": 2}, "date_format": "DD/MM/YYYY"}"#, lines: 0, failure: "csv.date"),
        Case(file: "simonmichael__hledger/csv/sample.tsv", profile: #"{"header": false, "delimiter": "tab", "columns": {"date": 1, "debit": 3, "credit": 4, "description": 2}, "date_format": "DD/MM/YYYY"}"#, lines: 0, failure: "csv.date"),
        Case(file: "simonmichael__hledger/csb43.csv", profile: #"{"columns": {"date": "transaction_date", "value_date": "value_date", "amount": "amount", "description": ["item1", "item2"]}, "date_format": "YYYY-MM-DD"}"#, lines: 2, currency: "EUR"),
        Case(file: "simonmichael__hledger/paypal-custom.csv", profile: #"{"columns": {"date": "Date", "amount": "Net", "currency": "Currency", "reference": "Transaction ID", "counterparty": "Name", "description": "Type", "balance": "Balance"}, "date_format": "MM/DD/YYYY"}"#, lines: 7),
        Case(file: "simonmichael__hledger/stripe.csv", profile: #"{"columns": {"date": "created_utc", "amount": "net", "reference": "balance_transaction_id", "description": "reporting_category"}, "date_format": "YYYY-MM-DD"}"#, lines: 2),
        Case(file: "simonmichael__hledger/t.iso8859-1.csv", profile: #"{"header": false, "encoding": "latin-1", "columns": {"date": 1, "amount": 3, "description": 2}, "date_format": "YYYY-MM-DD"}"#, lines: 1, currency: "EUR"),
        // OCA/bank-statement-import (its sheet-import fixtures)
        Case(file: "OCA__bank-statement-import/balance.csv", profile: #"{"columns": {"date": "Date", "amount": "Amount", "description": "Label", "balance": "Balance"}, "date_format": "MM/DD/YYYY"}"#, lines: 2),
        Case(file: "OCA__bank-statement-import/debit_credit.csv", profile: #"{"columns": {"date": "Date", "amount": "Amount", "direction": "D/C", "description": "Label"}, "credit_values": ["C"], "debit_values": ["D"], "date_format": "MM/DD/YYYY"}"#, lines: 2),
        Case(file: "OCA__bank-statement-import/debit_credit_amount.csv", profile: #"{"columns": {"date": "Date", "debit": "Debit", "credit": "Credit", "description": "Label"}, "date_format": "MM/DD/YYYY"}"#, lines: 4),
        Case(file: "OCA__bank-statement-import/empty_statement_en.csv", profile: oca, lines: 0),
        Case(file: "OCA__bank-statement-import/meta_data_separated_credit_debit.csv", profile: #"{"skip_rows": 4, "decimal": "comma", "columns": {"date": "Date", "debit": "Debit", "credit": "Credit", "reference": "Operation Number", "description": ["Label", "Detail"]}, "date_format": "DD/MM/YYYY"}"#, lines: 4, currency: "EUR"),
        Case(file: "OCA__bank-statement-import/multi_currency.csv", profile: #"{"columns": {"date": "Date", "amount": "Amount", "currency": "Currency", "description": "Label"}, "date_format": "MM/DD/YYYY"}"#, lines: 2, currency: "mixed"),
        Case(file: "OCA__bank-statement-import/original_currency.csv", profile: oca, lines: 1),
        Case(file: "OCA__bank-statement-import/original_currency_empty.csv", profile: oca, lines: 1),
        Case(file: "OCA__bank-statement-import/original_currency_no_header.csv", profile: #"{"header": false, "columns": {"date": 1, "amount": 4, "description": 2, "reference": 8}, "date_format": "MM/DD/YYYY"}"#, lines: 1),
        Case(file: "OCA__bank-statement-import/sample_statement_credit_card_inverse_sign_en.csv", profile: #"{"columns": {"date": "Date", "amount": "Amount", "description": "Label"}, "date_format": "MM/DD/YYYY", "invert_sign": true}"#, lines: 2),
        Case(file: "OCA__bank-statement-import/sample_statement_en.csv", profile: oca, lines: 2),
        // gpaulissen/ofxstatement-dutch
        // DEGIRO: 30 rows, 27 of them move cash (fund conversions leave the cash column empty and are skipped).
        Case(file: "gpaulissen__ofxstatement-dutch/Account_20190101_20200317.csv", profile: "degiro", lines: 27, currency: "mixed"),
        Case(file: "gpaulissen__ofxstatement-dutch/Knab_transactieoverzicht_ok.csv", profile: "knab", lines: 28, currency: "EUR"),
        Case(file: "gpaulissen__ofxstatement-dutch/Knab_transactieoverzicht_no_lines.csv", profile: "knab", lines: 0, currency: "EUR"),
        // A balance history, not transactions: the ING profile finds none of its columns and says so.
        Case(file: "gpaulissen__ofxstatement-dutch/NL99INGB9999999999_25-11-2019_30-05-2020.csv", profile: "ing-nl", lines: 0, currency: "EUR", failure: "csv.missing-column"),
        // ING keeps its 0,00 row (ofxstatement drops it: 5); the variants differ in header spelling and delimiter.
        Case(file: "gpaulissen__ofxstatement-dutch/ing_ok.csv", profile: "ing-nl", lines: 6, currency: "EUR"),
        Case(file: "gpaulissen__ofxstatement-dutch/ing_ok_Mutatiesoort.csv", profile: "ing-nl", lines: 6, currency: "EUR"),
        Case(file: "gpaulissen__ofxstatement-dutch/ing_ok_Mutatiesoort_Extra.csv", profile: "ing-nl-semicolon", lines: 6, currency: "EUR"),
        Case(file: "gpaulissen__ofxstatement-dutch/ing_ok_Mutatiesoort_Extra_Unquoted.csv", profile: "ing-nl-semicolon", lines: 6, currency: "EUR"),
        Case(file: "gpaulissen__ofxstatement-dutch/ing_fail.csv", profile: "ing-nl", lines: 2, currency: "EUR", failure: "csv.quote"),
        Case(file: "gpaulissen__ofxstatement-dutch/transactie-historie_NL00ASNB9999999999_20220717204133.csv", profile: "asn-bank", lines: 11, currency: "EUR"),
        // The 'fail' variant adds a zero row whose balances chain: nothing is inconsistent to a running-balance check.
        Case(file: "gpaulissen__ofxstatement-dutch/transactie-historie_fail.csv", profile: "asn-bank", lines: 12, currency: "EUR"),
        Case(file: "mlaitinen__ofxstatement-revolut/2021-october.csv", profile: "revolut", lines: 7, currency: "EUR"),
        Case(file: "mlaitinen__ofxstatement-revolut/2022-january.csv", profile: "revolut", lines: 7, currency: "EUR"),
        Case(file: "nblock__ofxstatement-austrian/easybank-creditcard.csv", profile: "easybank-creditcard", lines: 3, currency: "EUR"),
        Case(file: "nblock__ofxstatement-austrian/easybank-giro.csv", profile: "easybank-giro", lines: 10, currency: "EUR"),
        Case(file: "nblock__ofxstatement-austrian/ing-diba.csv", profile: "ing-diba-at", lines: 6, currency: "EUR"),
        Case(file: "nblock__ofxstatement-austrian/livebank.csv", profile: "livebank", lines: 3, currency: "EUR"),
        Case(file: "nblock__ofxstatement-austrian/oberbank.csv", profile: "oberbank", lines: 5, currency: "EUR"),
        Case(file: "nblock__ofxstatement-austrian/raiffeisen.csv", profile: "raiffeisen-at", lines: 7, currency: "EUR"),
        Case(file: "Metasaura__ofxstatement-lloyds/sample-statement.csv", profile: "lloyds", lines: 12, currency: "GBP", failure: "csv.balance"),
        Case(file: "omarkohl__ofxstatement-sparkasse-freiburg/simple1.csv", profile: "sparkasse", lines: 2, currency: "EUR"),
        Case(file: "omarkohl__ofxstatement-sparkasse-freiburg/simple2.csv", profile: "sparkasse", lines: 18, currency: "EUR"),
        Case(file: "c-vigo__beancount-importers/N26_Sample.csv", profile: "n26", lines: 87, currency: "EUR"),
        Case(file: "c-vigo__beancount-importers/Neon_Sample.csv", profile: "neon", lines: 47, currency: "CHF"),
        Case(file: "c-vigo__beancount-importers/Revolut_CHF_Sample.csv", profile: "revolut", lines: 7, currency: "CHF"),
        Case(file: "c-vigo__beancount-importers/Revolut_EUR_Sample.csv", profile: "revolut", lines: 7, currency: "EUR"),
        Case(file: "c-vigo__beancount-importers/ZKB_Sample.csv", profile: "zkb", lines: 7, currency: "CHF"),
        Case(file: "fjacquet__camt-csv/viseca.csv", profile: "viseca", lines: 9, currency: "CHF"),
        // Assembled from the unique rows of a test's fixtures, not one statement: the balances cannot chain, and the
        // running-balance check says so.
        Case(file: "mtlynch__beancount-chase-bank/Chase1234_Activity_checking_EXTRACTED.CSV", profile: "chase-checking", lines: 16, failure: "csv.balance"),
        Case(file: "mtlynch__beancount-chase-bank/Chase1234_Activity_credit_EXTRACTED.CSV", profile: "chase-credit-card", lines: 4),
    ]
}
