import Core
import Foundation
import Receivables

/// Which invoices the next debit file pulls (DESIGN: origination choices): pure rules from the open items, the
/// mandates and what is already in flight to the entries of one file.
///
/// An invoice of a customer with a mandate is pulled when its pull day (the mandate's `pull` rule, moved to the
/// business day before when it is not one) is on or before the file's effective day (the business day after the run
/// day) and on or after the day the mandate was authorized: a night that wrote no file is caught up by the next one,
/// and an authorization does not reach back to invoices that fell due before it. Never pulled: an invoice pulled
/// before (in flight, settled or returned: a return's next step is a retry or a person, never a new pull), one an
/// open exception names (disputed), and every invoice of a customer with unapplied cash, an open credit memo or a
/// receipt still waiting for its settlement (the customer's account is not clear). A new mandate's first file carries
/// its prenote; its live debits wait until three banking days after the prenote settled.
public enum OriginationChoice {
    /// What the rules know of a mandate beyond its row.
    public struct MandateState: Sendable, Hashable {
        /// The effective day of its prenote (nil: none sent yet).
        public var prenoteDay: Day?
        /// Why it may not be pulled from (suspended or revoked by a return), nil when it may.
        public var blocked: String?
        public init(prenoteDay: Day? = nil, blocked: String? = nil) {
            self.prenoteDay = prenoteDay
            self.blocked = blocked
        }
    }

    public struct Inputs: Sendable {
        public var runDay: Day
        public var calendar: BusinessCalendar
        public var mandates: [Mandate]
        public var states: [String: MandateState]
        /// The ledger's invoices as they stand (open or not; credit memos have negative amounts).
        public var invoices: [LedgerInvoice]
        /// Invoices with an entry in any file not voided.
        public var pulledInvoices: Set<String>
        /// Invoices an open exception names.
        public var disputedInvoices: Set<String>
        /// Customers holding unapplied cash.
        public var unappliedCustomers: Set<String>
        /// Customers with a receipt whose batch has not settled yet.
        public var pendingCustomers: Set<String>
        /// Returned entries due to be presented again (`OriginationBook`).
        public var retries: [OriginationBook.Retry] = []

        public init(runDay: Day, calendar: BusinessCalendar = .federalReserve, mandates: [Mandate], states: [String: MandateState] = [:], invoices: [LedgerInvoice],
                    pulledInvoices: Set<String> = [], disputedInvoices: Set<String> = [], unappliedCustomers: Set<String> = [], pendingCustomers: Set<String> = [],
                    retries: [OriginationBook.Retry] = []) {
            self.retries = retries
            self.runDay = runDay
            self.calendar = calendar
            self.mandates = mandates
            self.states = states
            self.invoices = invoices
            self.pulledInvoices = pulledInvoices
            self.disputedInvoices = disputedInvoices
            self.unappliedCustomers = unappliedCustomers
            self.pendingCustomers = pendingCustomers
        }
    }

    /// One debit the file carries.
    public struct Pull: Sendable, Hashable {
        public var mandateID: String
        public var customerID: String
        public var invoiceID: String
        /// What is pulled: the open amount, or less the early-payment discount.
        public var amount: Money
        /// The invoice's open amount (the RMR's total), and the discount taken (zero when none).
        public var openAmount: Money
        public var discount: Money
        public var effectiveDay: Day
        /// A retry's original entry, by trace (empty: a new pull).
        public var retryOf: String = ""

        public init(mandateID: String, customerID: String, invoiceID: String, amount: Money, openAmount: Money, discount: Money, effectiveDay: Day,
                    retryOf: String = "") {
            self.retryOf = retryOf
            self.mandateID = mandateID
            self.customerID = customerID
            self.invoiceID = invoiceID
            self.amount = amount
            self.openAmount = openAmount
            self.discount = discount
            self.effectiveDay = effectiveDay
        }
    }

    /// A new mandate's zero-dollar prenote.
    public struct Prenote: Sendable, Hashable {
        public var mandateID: String
        public var customerID: String
    }

    /// An invoice due for pulling that the file leaves out, and why (the dry run lists them).
    public struct LeftOut: Sendable, Hashable {
        public var customerID: String
        public var invoiceID: String
        public var reason: String
    }

    public struct Choice: Sendable {
        public var effectiveDay: Day
        public var pulls: [Pull] = []
        /// Mandates whose prenote this file carries.
        public var prenotes: [Prenote] = []
        public var leftOut: [LeftOut] = []

        public init(effectiveDay: Day, pulls: [Pull] = [], prenotes: [Prenote] = [], leftOut: [LeftOut] = []) {
            self.effectiveDay = effectiveDay
            self.pulls = pulls
            self.prenotes = prenotes
            self.leftOut = leftOut
        }
    }

    /// The business day a file written on `runDay` is effective.
    public static func effectiveDay(after runDay: Day, calendar: BusinessCalendar = .federalReserve) -> Day {
        calendar.adding(businessDays: 1, to: runDay)
    }

    /// The day `mandate` pulls `invoice`, and the amount (nil: the invoice's own open amount, no discount).
    public static func pullDay(_ invoice: LedgerInvoice, _ pull: Mandate.Pull, calendar: BusinessCalendar) -> (day: Day, discounted: Bool) {
        func onOrBefore(_ day: Day) -> Day {
            var d = day
            while !calendar.isBusinessDay(d) { d = d.adding(days: -1) }
            return d
        }
        switch pull {
        case .due:
            return (onOrBefore(invoice.dueDay), false)
        case let .businessDaysBeforeDue(n):
            return (calendar.adding(businessDays: -n, to: onOrBefore(invoice.dueDay)), false)
        case .discount:
            if let terms = PaymentTerms.parse(invoice.terms), let deadline = terms.discountDeadline(issuedOn: invoice.issueDay, calendar: calendar) {
                return (onOrBefore(deadline), true)
            }
            return (onOrBefore(invoice.dueDay), false)
        }
    }

    public static func choose(_ inputs: Inputs) -> Choice {
        let calendar = inputs.calendar
        let effective = effectiveDay(after: inputs.runDay, calendar: calendar)
        var choice = Choice(effectiveDay: effective)
        // One mandate a customer: the latest authorized that authorizes the effective day (then the lowest id).
        var mandateOf: [String: Mandate] = [:]
        mandateOf.reserveCapacity(inputs.mandates.count)
        for mandate in inputs.mandates where mandate.authorizes(on: effective) {
            if let chosen = mandateOf[mandate.customerID],
               chosen.authorizedOn > mandate.authorizedOn || (chosen.authorizedOn == mandate.authorizedOn && chosen.mandateID < mandate.mandateID) { continue }
            mandateOf[mandate.customerID] = mandate
        }
        // Retries first: identical to their originals, while the invoice is still open for at least their amount.
        let openOf = inputs.retries.isEmpty ? [:] : Dictionary(inputs.invoices.map { ($0.invoiceID, $0) }, uniquingKeysWith: { a, _ in a })
        let mandateByID = inputs.retries.isEmpty ? [:] : Dictionary(inputs.mandates.map { ($0.mandateID, $0) }, uniquingKeysWith: { a, _ in a })
        for retry in inputs.retries.sorted(by: { $0.original.trace < $1.original.trace }) where retry.dueDay <= effective {
            let original = retry.original
            func leave(_ reason: String) { choice.leftOut.append(LeftOut(customerID: original.customerID, invoiceID: original.invoiceID, reason: reason)) }
            guard let mandate = mandateByID[original.mandateID], mandate.authorizes(on: effective) else {
                leave("retry \(retry.attempt) of \(original.trace): mandate \(original.mandateID) no longer authorizes a debit"); continue
            }
            if let blocked = inputs.states[mandate.mandateID]?.blocked { leave("retry \(retry.attempt) of \(original.trace): mandate \(mandate.mandateID) \(blocked)"); continue }
            guard let invoice = openOf[original.invoiceID], invoice.openAmount.minorUnits >= original.amount.minorUnits + original.discount.minorUnits else {
                leave("retry \(retry.attempt) of \(original.trace): the invoice no longer owes \(original.amount)"); continue
            }
            choice.pulls.append(Pull(mandateID: original.mandateID, customerID: original.customerID, invoiceID: original.invoiceID, amount: original.amount,
                                     openAmount: Money(minorUnits: original.amount.minorUnits + original.discount.minorUnits, currency: original.amount.currency),
                                     discount: original.discount, effectiveDay: effective, retryOf: original.trace))
        }
        var creditCustomers: Set<String> = []
        for invoice in inputs.invoices where invoice.openAmount.minorUnits < 0 { creditCustomers.insert(invoice.customerID) }
        choice.prenotes = mandateOf.values.filter { inputs.states[$0.mandateID].map { $0.blocked == nil && $0.prenoteDay == nil } ?? true }
            .sorted { $0.mandateID < $1.mandateID }.map { Prenote(mandateID: $0.mandateID, customerID: $0.customerID) }
        // In customer then invoice order (the ledger's come in invoice order, often that already: then not sorted again).
        var invoices = inputs.invoices.filter { $0.openAmount.minorUnits > 0 && $0.amount.minorUnits > 0 && mandateOf[$0.customerID] != nil }
        let inOrder = { (a: LedgerInvoice, b: LedgerInvoice) in a.customerID < b.customerID || (a.customerID == b.customerID && a.invoiceID < b.invoiceID) }
        if zip(invoices, invoices.dropFirst()).contains(where: { !inOrder($0, $1) }) { invoices.sort(by: inOrder) }
        for invoice in invoices {
            guard let mandate = mandateOf[invoice.customerID] else { continue }
            let (day, discounted) = pullDay(invoice, mandate.pull, calendar: calendar)
            guard day <= effective, day >= mandate.authorizedOn, !inputs.pulledInvoices.contains(invoice.invoiceID) else { continue }
            func leave(_ reason: String) { choice.leftOut.append(LeftOut(customerID: invoice.customerID, invoiceID: invoice.invoiceID, reason: reason)) }
            let state = inputs.states[mandate.mandateID] ?? MandateState()
            if let blocked = state.blocked { leave("mandate \(mandate.mandateID) \(blocked)"); continue }
            guard let prenote = state.prenoteDay else { leave("mandate \(mandate.mandateID) waits for its prenote (sent in this file)"); continue }
            let ready = calendar.adding(businessDays: 3, to: prenote)
            if effective < ready { leave("mandate \(mandate.mandateID) waits until \(ready), three banking days after its prenote settled on \(prenote)"); continue }
            if inputs.disputedInvoices.contains(invoice.invoiceID) { leave("an open exception names it"); continue }
            if inputs.unappliedCustomers.contains(invoice.customerID) { leave("the customer has unapplied cash"); continue }
            if creditCustomers.contains(invoice.customerID) { leave("the customer has an open credit memo"); continue }
            if inputs.pendingCustomers.contains(invoice.customerID) { leave("the customer has a receipt waiting for its settlement"); continue }
            var discount = Money.zero(invoice.openAmount.currency)
            // The discount is taken on a whole invoice inside its window (the pull day is its last day).
            if discounted, effective <= day, invoice.openAmount == invoice.amount,
               let terms = PaymentTerms.parse(invoice.terms) {
                discount = terms.discount(on: invoice.amount)
            }
            let amount = Money(minorUnits: invoice.openAmount.minorUnits - discount.minorUnits, currency: invoice.openAmount.currency)
            if let maximum = mandate.maxAmount, amount.minorUnits > maximum.minorUnits {
                leave("\(amount) is over mandate \(mandate.mandateID)'s max_amount \(maximum)")
                continue
            }
            choice.pulls.append(Pull(mandateID: mandate.mandateID, customerID: invoice.customerID, invoiceID: invoice.invoiceID, amount: amount,
                                     openAmount: invoice.openAmount, discount: discount, effectiveDay: effective))
        }
        return choice
    }
}
