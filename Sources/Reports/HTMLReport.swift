import Core
import Matching

/// The HTML pages a reviewer opens in the morning: exceptions first, grouped by type, then what was applied.
public enum HTMLReport {
    static let style = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2733;background:#fff}
        h1{font-size:1.4rem;margin-bottom:.2rem} h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #d5dbe3;padding-bottom:.2rem}
        p.meta{color:#5a6b7d;margin-top:0} table{border-collapse:collapse;width:100%;font-size:.85rem;margin-top:.5rem}
        th,td{border-bottom:1px solid #e3e8ef;padding:.35rem .5rem;text-align:left;vertical-align:top}
        th{background:#f4f6f9;font-weight:600} td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .sev-error,.sev-fatal{color:#a4161a;font-weight:600} .sev-warning{color:#8a5a00} code{font-size:.8rem;color:#5a6b7d}
        .summary span{display:inline-block;margin-right:1.5rem}
        .cards{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0} .card{border:1px solid #d5dbe3;border-radius:6px;padding:.6rem 1rem;min-width:9rem}
        .card .big{font-size:1.4rem;font-weight:600} th{cursor:pointer} tr.over td{background:#fdecea} input.filter{padding:.2rem .4rem}
        svg.chart{display:block;margin:.5rem 0} div.cmd{margin-bottom:.3rem;user-select:all} table.cands{font-size:.78rem;margin:.2rem 0 .4rem;width:auto} div.cmd code{white-space:pre-wrap;color:#1d2733}
        """

    static func page(title: String, into out: inout TextBuffer, _ body: (inout TextBuffer) throws -> Void) rethrows {
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" as StaticString)
        out.html(title)
        out.append("</title><style>")
        out.append(style)
        out.append("</style></head><body>\n" as StaticString)
        try body(&out)
        out.append("</body></html>\n" as StaticString)
    }
}
