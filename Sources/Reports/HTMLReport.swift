import Core
import Matching

/// The HTML pages a reviewer opens in the morning: exceptions first, grouped by type, then what was applied.
public enum HTMLReport {
    static let style = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2733;background:#fff}
        h1{font-size:1.4rem;margin-bottom:.2rem} h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #d5dbe3;padding-bottom:.2rem}
        p.meta{color:#5a6b7d;margin-top:0} table{border-collapse:collapse;width:100%;font-size:.85rem;margin-top:.5rem}
        th,td{border-bottom:1px solid #e3e8ef;padding:.35rem .5rem;text-align:left;vertical-align:top}
        th{background:#f4f6f9;font-weight:600} td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap} th.num{text-align:right}
        .sev-error,.sev-fatal{color:#a4161a;font-weight:600} .sev-warning{color:#8a5a00} code{font-size:.8rem;color:#5a6b7d}
        .summary span{display:inline-block;margin-right:1.5rem}
        .cards{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0} .card{border:1px solid #d5dbe3;border-radius:6px;padding:.6rem 1rem;min-width:9rem}
        .card .big{font-size:1.4rem;font-weight:600} th{cursor:pointer} tr.over td{background:#fdecea} input.filter{padding:.2rem .4rem}
        svg.chart{display:block;margin:.5rem 0} div.cmd{margin-bottom:.3rem;user-select:all} table.cands{font-size:.78rem;margin:.2rem 0 .4rem;width:auto} div.cmd code{white-space:pre-wrap;color:#1d2733}
        """

    /// What the pages of tables add to `style`: the sort mark on a heading, totals rows, cells that keep a day or an
    /// amount on one line and let a long code (an id, a path, a command) break anywhere, so that a table fits a page
    /// 1000 px wide.
    static let tableStyle = """
        body{margin:1.5rem} th,td{padding:.35rem .4rem} table.sortable>thead th{user-select:none} th[data-dir=up]::after{content:" \\25B2";font-size:.7em} th[data-dir=down]::after{content:" \\25BC";font-size:.7em}
        tfoot td{font-weight:600;border-top:2px solid #5a6b7d;border-bottom:none;background:#f4f6f9} td.day{white-space:nowrap} td code{overflow-wrap:anywhere}
        span.shown{color:#5a6b7d;margin-left:.6rem;font-size:.85rem} .sub{display:block;color:#5a6b7d;font-size:.78rem} .sev-info{color:#5a6b7d}
        table.cands{width:100%} table.cands th,table.worklist table.cands td{padding:.15rem .2rem;overflow-wrap:normal} td.day .sub{white-space:normal}
        table.worklist{table-layout:fixed} table.worklist th.id{width:13%} table.worklist th.customer{width:10%} table.worklist th.amount{width:8%}
        table.worklist th.arrived{width:12%} table.worklist th.why{width:9%} table.worklist th.cands{width:30%} table.worklist th.resolve{width:18%}
        @media (min-width:1200px){table.worklist th.id{width:10%} table.worklist th.amount{width:7%} table.worklist th.arrived{width:13%} table.worklist th.why{width:16%} table.worklist th.cands{width:26%}}
        table.worklist td{overflow-wrap:anywhere} table.worklist td.id{padding:.35rem .3rem} table.worklist td.id code{font-size:.68rem} table.worklist div.cmd code{font-size:.75rem}
        """

    static func page(title: String, into out: inout TextBuffer, extraStyle: String = "", _ body: (inout TextBuffer) throws -> Void) rethrows {
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" as StaticString)
        out.html(title)
        out.append("</title><style>")
        out.append(style)
        if !extraStyle.isEmpty {
            out.append("\n" as StaticString)
            out.append(extraStyle)
        }
        out.append("</style></head><body>\n" as StaticString)
        try body(&out)
        out.append("</body></html>\n" as StaticString)
    }

    /// A page of tables a clerk works through (remittance, aging, the worklist, an advice): every `table.sortable`
    /// sorts by a click on a heading and every `input.filter` filters its table, through the one `tableScript`.
    static func tablePage(title: String, into out: inout TextBuffer, _ body: (inout TextBuffer) throws -> Void) rethrows {
        try page(title: title, into: &out, extraStyle: tableStyle) { out in
            try body(&out)
            out.append(tableScript)
        }
    }

    /// The filter box of a table and the count of its rows (the script says how many a filter shows).
    static func filterBox(table id: String, rows: Int, into out: inout TextBuffer) {
        out.append("<p><input class=\"filter\" data-table=\"\(id)\" placeholder=\"Filter rows\" aria-label=\"Filter the rows of the table below\">")
        out.append("<span class=\"shown\" id=\"\(id)-shown\">\(rows) row\(rows == 1 ? "" : "s")</span></p>\n")
    }

    /// The one inline script of the pages of tables: a click (or Enter) on a column heading sorts its table by that
    /// column, again the other way; words typed in a table's filter box show only the rows that contain all of them,
    /// and say how many. A cell's `data-sort` is its key where given; an amount (`-1,234.50`, `4,000.00 USD`) sorts as
    /// a number — parsed only to order rows, never to add them: totals are the page's own, in minor units. Ties keep
    /// their order. No network, nothing external.
    static let tableScript = #"""
        <script>
        (function () {
          var amount = /^-?[0-9][0-9,]*(\.[0-9]+)?( [A-Z]{3})?$/;
          function key(cell) {
            var text = !cell ? '' : cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
            return { text: text, number: amount.test(text) ? parseFloat(text.replace(/[^0-9.\-]/g, '')) : NaN };
          }
          document.querySelectorAll('table.sortable').forEach(function (table) {
            if (!table.tHead || !table.tBodies.length) return;
            var body = table.tBodies[0], heads = table.tHead.rows[0].cells;
            Array.prototype.forEach.call(heads, function (th, col) {
              th.tabIndex = 0;
              function sort() {
                var up = th.dataset.dir !== 'up';
                Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('data-dir'); });
                th.dataset.dir = up ? 'up' : 'down';
                var rows = Array.prototype.map.call(body.rows, function (r, i) { return { row: r, index: i, key: key(r.cells[col]) }; });
                rows.sort(function (a, b) {
                  var c = !isNaN(a.key.number) && !isNaN(b.key.number) ? a.key.number - b.key.number
                                                                       : a.key.text.localeCompare(b.key.text, undefined, { numeric: true });
                  return (up ? c : -c) || a.index - b.index;
                });
                rows.forEach(function (x) { body.appendChild(x.row); });
              }
              th.addEventListener('click', sort);
              th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
            });
          });
          document.querySelectorAll('input.filter').forEach(function (input) {
            var table = document.getElementById(input.dataset.table), shown = document.getElementById(input.dataset.table + '-shown');
            if (!table || !table.tBodies.length) return;
            var rows = table.tBodies[0].rows, total = rows.length;
            input.addEventListener('input', function () {
              var words = input.value.toLowerCase().split(/\s+/).filter(Boolean), visible = 0;
              Array.prototype.forEach.call(rows, function (r) {
                if (r.searchText === undefined) r.searchText = r.textContent.toLowerCase();
                var match = words.every(function (w) { return r.searchText.indexOf(w) >= 0; });
                r.style.display = match ? '' : 'none';
                if (match) visible += 1;
              });
              if (shown) shown.textContent = words.length ? visible + ' of ' + total + ' rows' : total + (total === 1 ? ' row' : ' rows');
            });
          });
        })();
        </script>

        """#
}

/// The sums of a table's money columns, per currency (a day's rows are nearly always of one): what its totals rows
/// show. Integer minor units, checked for overflow; the currency of a row is found by comparing with the last one's.
struct ColumnTotals {
    struct Line {
        var currency: Currency
        var rows = 0
        var sums: [Int64]
    }

    private(set) var lines: [Line] = []
    private var last = 0
    let columns: Int
    /// What the sums are of, for the overflow error (`the remittance of 2026-11-02`).
    let what: String

    init(columns: Int, of what: String) {
        self.columns = columns
        self.what = what
    }

    /// Counts a row of `currency` and gives its line, made on first use.
    mutating func row(_ currency: Currency) -> Int {
        if last >= lines.count || lines[last].currency != currency {
            if let i = lines.firstIndex(where: { $0.currency == currency }) {
                last = i
            } else {
                lines.append(Line(currency: currency, sums: [Int64](repeating: 0, count: columns)))
                last = lines.count - 1
            }
        }
        lines[last].rows += 1
        return last
    }

    mutating func add(_ amount: Int64, column: Int, line: Int) throws {
        try MinorUnits.add(amount, to: &lines[line].sums[column], of: "the total of column \(column + 1) of \(what)")
    }

    /// The lines by currency code.
    var byCurrency: [Line] { lines.sorted { $0.currency.code < $1.currency.code } }
}
