/// Text as HTML and XML character data or attribute values: `&`, `<`, `>`, `"` and `'` escaped, by the one rule
/// `TextBuffer.html(_:)` writes reports with.
public enum Markup {
    /// `text` escaped; `text` itself when it holds none of those characters.
    public static func escaped(_ text: String) -> String {
        var buffer = TextBuffer(capacity: text.utf8.count + 16)
        buffer.html(text)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }
}
