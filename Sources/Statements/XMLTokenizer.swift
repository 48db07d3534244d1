import Core
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming tokenizer for the well-formed XML that bank statements use: elements, attributes, text, CDATA,
/// the five predefined entities and character references. Comments, processing instructions and DOCTYPE are
/// skipped (no entity expansion, so no external entities). Names are reported without their namespace prefix;
/// the namespace of the root element is kept so a reader can tell which schema version it has.
struct XMLTokenizer {
    /// Element names come as small numbers (see `name(_:)`): no String is made per element.
    /// A start tag's attributes are in `attributes`; a text's bytes in `withText` (both until the next call).
    enum Event {
        case start(name: Int)
        case end(name: Int)
        case text
    }

    /// The attributes of the last start tag (prefixes dropped, except on `xmlns`).
    private(set) var attributes: [(name: String, value: String)] = []
    /// The last text: a range of `buffer`, or `decoded` when it held entities.
    private var textRange = 0..<0
    private var textIsDecoded = false
    private var decoded: [UInt8] = []

    /// The last text event's bytes (entities decoded, CDATA as written), valid until the next call to `next()`.
    func withText<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if textIsDecoded { return decoded.withUnsafeBufferPointer(body) }
        return buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[textRange])) }
    }

    /// Local names seen so far, by number.
    private(set) var names: [String] = []
    private var nameBytes: [[UInt8]] = []
    /// Open addressing by `nameHash` of a name: slot → name number + 1 (0: empty).
    private var slots = [Int32](repeating: 0, count: 256)
    private var slotHashes = [UInt64](repeating: 0, count: 256)

    func name(_ id: Int) -> String { names[id] }

    /// The number of a local name (the part after any prefix), interned on first sight.
    private mutating func intern(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int {
        intern(UnsafeBufferPointer(rebasing: bytes))
    }

    private mutating func intern(_ qualified: UnsafeBufferPointer<UInt8>) -> Int {
        var start = 0
        for i in 0..<qualified.count where qualified[i] == UInt8(ascii: ":") { start = i + 1 }
        let local = UnsafeBufferPointer(rebasing: qualified[start...])
        return intern(local, hash: XMLTokenizer.nameHash(local))
    }

    /// A hash of a name from its length and its first and last eight bytes (all of it up to 16 bytes):
    /// a few instructions whatever the length; equal hashes are confirmed byte by byte.
    @inline(__always)
    static func nameHash(_ name: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = name.count
        var h = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        if n >= 8 {
            let raw = UnsafeRawPointer(name.start)
            h ^= raw.loadUnaligned(as: UInt64.self)
            h = (h ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
            h ^= raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else {
            var w: UInt64 = 0
            for b in name { w = w << 8 | UInt64(b) }
            h ^= w
        }
        h = (h ^ (h >> 29)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 32)
    }

    /// The number of a name already interned, or the free slot where it would go.
    private func lookup(_ local: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (id: Int?, slot: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return (nil, slot) }
            if slotHashes[slot] == hash {
                let same = nameBytes[entry - 1].withUnsafeBufferPointer { known in
                    known.count == local.count && (known.isEmpty || XMLTokenizer.equal(known.start, local.start, local.count))
                }
                if same { return (entry - 1, slot) }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Interns a local name whose `nameHash` is already known.
    private mutating func intern(_ local: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int {
        let (known, slot) = lookup(local, hash: hash)
        if let known { return known }
        var mask = slots.count - 1
        let id = names.count
        names.append(String(decoding: local, as: UTF8.self))
        nameBytes.append(Array(local))
        if names.count * 2 > slots.count {
            // Grow and place every name again.
            slots = [Int32](repeating: 0, count: slots.count * 2)
            slotHashes = [UInt64](repeating: 0, count: slots.count)
            mask = slots.count - 1
            for (index, known) in nameBytes.enumerated() {
                let h = known.withUnsafeBufferPointer { XMLTokenizer.nameHash($0) }
                var s = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
                while slots[s] != 0 { s = (s + 1) & mask }
                slots[s] = Int32(index + 1)
                slotHashes[s] = h
            }
        } else {
            slots[slot] = Int32(id + 1)
            slotHashes[slot] = hash
        }
        return id
    }

    struct SyntaxError: Error {
        var message: String
        var line: Int
    }

    /// An existential: the tokenizer is not generic, so its hot code is compiled once, specialized, in this module.
    private var source: any ByteSource
    /// The bytes read and not yet consumed, in one allocation the tokenizer owns; `buffer` views them without
    /// copying or reference counting (valid until the next read from the source).
    private let store: ByteStore
    private var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: store.base, count: store.count) }
    private var position = 0
    private var atEnd = false
    private(set) var line = 1
    private var pendingEnd: Int?
    /// Where the qualified name of the last start tag lies in `buffer` (for `skipElement`, until the next call).
    private var startNameRange = 0..<0
    /// The end tag searched for when skipping an element, by name number.
    private var skipNeedles: [[UInt8]] = []
    /// Names of the elements open, innermost last (a guess for the next end tag; the reader checks nesting itself).
    private let openNames = Stack<Int>()
    /// `xmlns` (or the prefixed namespace) of the first element.
    private(set) var rootNamespace: String?
    private var sawRoot = false
    private let chunkSize: Int

    init(source: any ByteSource, chunkSize: Int = 1 << 16) {
        self.source = source
        self.chunkSize = chunkSize
        store = ByteStore(capacity: chunkSize * 2)
    }

    /// Makes at least `count` bytes available from `position`, if the input has them.
    @inline(__always)
    private mutating func fill(_ count: Int) throws(InputError) -> Bool {
        if buffer.count - position >= count { return true }
        return try refill(count)
    }

    private mutating func refill(_ count: Int) throws(InputError) -> Bool {
        while buffer.count - position < count {
            if atEnd { return false }
            if position > 0 {
                store.removeFirst(position)
                position = 0
            }
            let n = try store.append(from: &source, upTo: chunkSize)
            if n == 0 { atEnd = true }
        }
        return true
    }

    /// Index of `byte` at or after `from` (relative to `position`), reading more as needed; nil at the end.
    private mutating func find(_ byte: UInt8, from offset: Int) throws(InputError) -> Int? {
        var relative = offset
        while true {
            let start = position + relative
            let found: Int? = buffer.withUnsafeBufferPointer { b in
                guard start < b.count, let p = memchr(b.start + start, Int32(byte), b.count - start) else { return nil }
                return b.start.distance(to: p.assumingMemoryBound(to: UInt8.self))
            }
            if let found { return found - position }
            relative = buffer.count - position
            if !(try fill(relative + 1)) { return nil }
        }
    }

    private mutating func find(_ sequence: [UInt8], from offset: Int) throws(InputError) -> Int? {
        var start = offset
        while let i = try find(sequence[0], from: start) {
            guard try fill(i + sequence.count) else { return nil }
            if buffer[(position + i)..<(position + i + sequence.count)].elementsEqual(sequence) { return i }
            start = i + 1
        }
        return nil
    }

    private mutating func consume(_ count: Int) {
        let start = position
        line += buffer.withUnsafeBufferPointer { b in
            var n = 0
            var i = ByteScanning.firstIndex(of: 0x0A, 0x0A, 0x0A, in: b, from: start, to: start + count)
            while i < start + count {
                n += 1
                i = ByteScanning.firstIndex(of: 0x0A, 0x0A, 0x0A, in: b, from: i + 1, to: start + count)
            }
            return n
        }
        position += count
    }

    mutating func next() throws -> Event? {
        if let name = pendingEnd {
            pendingEnd = nil
            return .end(name: name)
        }
        while true {
            guard try fill(1) else { return nil }
            if buffer[position] != UInt8(ascii: "<") {
                // Text up to the next tag.
                let end = try find(UInt8(ascii: "<"), from: 0) ?? (buffer.count - position)
                let range = position..<(position + end)
                consume(end)
                let (blank, hasEntity) = buffer.withUnsafeBufferPointer { b -> (Bool, Bool) in
                    var blank = true
                    for i in range where !XMLTokenizer.isSpace(b[i]) { blank = false; break }
                    return (blank, !blank && memchr(b.start + range.lowerBound, Int32(UInt8(ascii: "&")), range.count) != nil)
                }
                if blank { continue }
                textIsDecoded = hasEntity
                if hasEntity {
                    decoded = Array(XMLTokenizer.decodeEntities(buffer[range]).utf8)
                } else {
                    textRange = range
                }
                return .text
            }
            guard try fill(2) else { throw SyntaxError(message: "the input ends inside a tag", line: line) }
            let second = buffer[position + 1]
            if second == UInt8(ascii: "?") {
                guard let end = try find(Array("?>".utf8), from: 2) else { throw SyntaxError(message: "unterminated processing instruction", line: line) }
                consume(end + 2)
                continue
            }
            if second == UInt8(ascii: "!") {
                _ = try fill(9)
                if buffer[position...].starts(with: Array("<!--".utf8)) {
                    guard let end = try find(Array("-->".utf8), from: 4) else { throw SyntaxError(message: "unterminated comment", line: line) }
                    consume(end + 3)
                    continue
                }
                if buffer[position...].starts(with: Array("<![CDATA[".utf8)) {
                    guard let end = try find(Array("]]>".utf8), from: 9) else { throw SyntaxError(message: "unterminated CDATA section", line: line) }
                    textRange = (position + 9)..<(position + end)
                    textIsDecoded = false
                    consume(end + 3)
                    return .text
                }
                // DOCTYPE or another declaration: skipped whole (no internal subset support, no entity expansion).
                guard let end = try find(UInt8(ascii: ">"), from: 2) else { throw SyntaxError(message: "unterminated declaration", line: line) }
                consume(end + 1)
                continue
            }
            if sawRoot, let event = fastTag() { return event }
            guard let end = try findTagEnd() else { throw SyntaxError(message: "the input ends inside a tag", line: line) }
            // The tag is read in place (no copy); the buffer does not move until the next fill.
            let tagStart = position + 1, tagEnd = position + end
            defer { consume(end + 1) }
            if buffer[tagStart] == UInt8(ascii: "/") {
                var nameEnd = tagStart + 1
                while nameEnd < tagEnd, !XMLTokenizer.isSpace(buffer[nameEnd]) { nameEnd += 1 }
                if !openNames.isEmpty { openNames.removeLast() }
                let closingName = buffer[(tagStart + 1)..<nameEnd]
                guard !closingName.isEmpty, closingName.last != UInt8(ascii: ":") else { throw SyntaxError(message: "an end tag without a name", line: line) }
                return .end(name: intern(closingName))
            }
            var body = buffer[tagStart..<tagEnd]
            let selfClosing = body.last == UInt8(ascii: "/")
            if selfClosing { body = body.dropLast() }
            var nameEnd = body.startIndex
            while nameEnd < body.endIndex, !XMLTokenizer.isSpace(body[nameEnd]) { nameEnd += 1 }
            let nameBytes = body[body.startIndex..<nameEnd]
            guard !nameBytes.isEmpty, nameBytes.last != UInt8(ascii: ":") else { throw SyntaxError(message: "an element without a name", line: line) }
            let name = intern(nameBytes)
            startNameRange = nameBytes.startIndex..<nameBytes.endIndex
            let rest = body[nameEnd...]
            if !attributes.isEmpty { attributes = [] }
            if rest.contains(UInt8(ascii: "=")) { attributes = try parseAttributes(rest) }
            if !sawRoot {
                sawRoot = true
                let qualified = String(decoding: nameBytes, as: UTF8.self)
                let prefix = qualified.contains(":") ? String(qualified.split(separator: ":", omittingEmptySubsequences: false)[0]) : nil
                rootNamespace = attributes.first { prefix == nil ? $0.name == "xmlns" : $0.name == "xmlns:" + prefix! }?.value
            }
            if selfClosing { pendingEnd = name } else { openNames.append(name) }
            return .start(name: name)
        }
    }

    /// A start, end or empty-element tag without attributes that lies wholly in the buffer (the usual case),
    /// read in one pass that hashes its name as it goes; nil sends the tag to the general path.
    private mutating func fastTag() -> Event? {
        let start = position
        let b = buffer
        // An end tag usually closes the element opened last: compared with its name, not hashed.
        if let top = openNames.last, start + 1 < b.count, b[start + 1] == UInt8(ascii: "/") {
            let matched = nameBytes[top].withUnsafeBufferPointer { known -> Bool in
                let end = start + 2 + known.count
                return end < b.count && b[end] == UInt8(ascii: ">") && !known.isEmpty
                    && XMLTokenizer.equal(b.start + start + 2, known.start, known.count)
            }
            if matched {
                position = start + 3 + nameBytes[top].count
                openNames.removeLast()
                return .end(name: top)
            }
        }
        var i = start + 1
        guard i < b.count else { return nil }
        let closing = b[i] == UInt8(ascii: "/")
        if closing { i += 1 }
        var localStart = i
        while i < b.count {
            let c = b[i]
            // Letters and '_' need one comparison; the rest of the name characters a few more.
            if c >= 0x41 { i += 1; continue }
            if c == UInt8(ascii: ">") || c == UInt8(ascii: "/") || c <= 0x20 || c == UInt8(ascii: "=") || c == UInt8(ascii: "<") { break }
            if c == UInt8(ascii: ":") { localStart = i + 1 }
            i += 1
        }
        guard i < b.count, i > localStart else { return nil }
        var selfClosing = false
        var end = i
        if b[i] == UInt8(ascii: "/"), !closing, i + 1 < b.count, b[i + 1] == UInt8(ascii: ">") {
            selfClosing = true
            end = i + 1
        } else if b[i] != UInt8(ascii: ">") {
            return nil
        }
        let local = UnsafeBufferPointer(rebasing: b[localStart..<i])
        let hash = XMLTokenizer.nameHash(local)
        let id = lookup(local, hash: hash).id ?? intern(local, hash: hash)
        position = end + 1 // a tag without attributes holds no line break
        if closing {
            if !openNames.isEmpty { openNames.removeLast() }
            return .end(name: id)
        }
        startNameRange = (start + 1)..<i
        if !attributes.isEmpty { attributes = [] }
        if selfClosing { pendingEnd = id } else { openNames.append(id) }
        return .start(name: id)
    }

    /// Skips the content of the element whose start tag was just returned, to its end tag (`</name>`), which
    /// `next()` then returns: for subtrees a reader has no use for. Lines are still counted; the skipped content is
    /// not checked for well-formedness beyond finding that end tag.
    mutating func skipElement() throws {
        guard pendingEnd == nil, let id = openNames.last else { return }
        // `</name>`, made once per name.
        if skipNeedles.count <= id { skipNeedles += Array(repeating: [], count: id + 1 - skipNeedles.count) }
        if skipNeedles[id].isEmpty || !skipNeedles[id][2..<(skipNeedles[id].count - 1)].elementsEqual(buffer[startNameRange]) {
            skipNeedles[id] = Array("</".utf8) + buffer[startNameRange] + [UInt8(ascii: ">")]
        }
        let needle = skipNeedles[id]
        var from = 0
        while true {
            let found: Int? = buffer.withUnsafeBufferPointer { b in
                let start = position + from
                guard b.count - start >= needle.count else { return nil }
                return needle.withUnsafeBufferPointer { n -> Int? in
                    // Each '<' (found by memchr) compared with the end tag.
                    var i = start
                    while b.count - i >= n.count, let p = memchr(b.start + i, Int32(UInt8(ascii: "<")), b.count - i - n.count + 1) {
                        i = b.start.distance(to: p.assumingMemoryBound(to: UInt8.self))
                        if memcmp(b.start + i, n.start, n.count) == 0 { return i - position }
                        i += 1
                    }
                    return nil
                }
            }
            if let found {
                consume(found + needle.count)
                openNames.removeLast()
                pendingEnd = id
                return
            }
            from = max(0, buffer.count - position - needle.count + 1)
            guard try fill(buffer.count - position + 1) else {
                throw SyntaxError(message: "the input ends inside <\(String(decoding: needle.dropFirst(2).dropLast(), as: UTF8.self))>", line: line)
            }
        }
    }

    /// The `>` that ends the tag at `position`, skipping any inside quoted attribute values.
    private mutating func findTagEnd() throws(InputError) -> Int? {
        var i = 1
        var quote: UInt8 = 0
        while true {
            // Most tags have no quotes: the first '>' ends them.
            if quote == 0 {
                let start = position + i
                let found: Int? = buffer.withUnsafeBufferPointer { b in
                    guard start < b.count, let p = memchr(b.start + start, Int32(UInt8(ascii: ">")), b.count - start) else { return nil }
                    let gt = b.start.distance(to: p.assumingMemoryBound(to: UInt8.self))
                    if memchr(b.start + start, Int32(UInt8(ascii: "\"")), gt - start) == nil,
                       memchr(b.start + start, Int32(UInt8(ascii: "'")), gt - start) == nil { return gt }
                    return nil
                }
                if let found { return found - position }
            }
            // Scan what is buffered; read more only at its end.
            while position + i < buffer.count {
                let b = buffer[position + i]
                if quote != 0 {
                    if b == quote { quote = 0 }
                } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    quote = b
                } else if b == UInt8(ascii: ">") {
                    return i
                }
                i += 1
            }
            guard try fill(i + 1) else { return nil }
        }
    }

    private func parseAttributes(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) throws -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            while i < bytes.endIndex, XMLTokenizer.isSpace(bytes[i]) { i += 1 }
            guard i < bytes.endIndex else { break }
            let nameStart = i
            while i < bytes.endIndex, bytes[i] != UInt8(ascii: "="), !XMLTokenizer.isSpace(bytes[i]) { i += 1 }
            // A prefixed name is kept by its local part (`xsi:type` → `type`), except namespace declarations.
            var localStart = nameStart
            if !bytes[nameStart..<i].starts(with: XMLTokenizer.xmlns), let colon = bytes[nameStart..<i].lastIndex(of: UInt8(ascii: ":")) { localStart = colon + 1 }
            let name = String(decoding: bytes[localStart..<i], as: UTF8.self)
            while i < bytes.endIndex, XMLTokenizer.isSpace(bytes[i]) { i += 1 }
            guard i < bytes.endIndex, bytes[i] == UInt8(ascii: "=") else { throw SyntaxError(message: "attribute \(name) has no value", line: line) }
            i += 1
            while i < bytes.endIndex, XMLTokenizer.isSpace(bytes[i]) { i += 1 }
            guard i < bytes.endIndex, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                throw SyntaxError(message: "attribute \(name) is not quoted", line: line)
            }
            let quote = bytes[i]
            i += 1
            let valueStart = i
            while i < bytes.endIndex, bytes[i] != quote { i += 1 }
            guard i < bytes.endIndex else { throw SyntaxError(message: "attribute \(name) is not closed", line: line) }
            out.append((name, XMLTokenizer.decodeEntities(bytes[valueStart..<i])))
            i += 1
        }
        return out
    }

    static let xmlns = Array("xmlns".utf8)

    /// Whether `count` bytes at `a` and `b` are equal, eight at a time (names are short: no call to memcmp).
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        while i + 8 <= count {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < count {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#NN;` `&#xNN;`; anything else is kept as written.
    static func decodeEntities(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "&"), let semicolon = bytes[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) {
                let entity = String(decoding: bytes[(i + 1)..<semicolon], as: UTF8.self)
                var replacement: [UInt8]?
                switch entity {
                case "amp": replacement = [UInt8(ascii: "&")]
                case "lt": replacement = [UInt8(ascii: "<")]
                case "gt": replacement = [UInt8(ascii: ">")]
                case "quot": replacement = [UInt8(ascii: "\"")]
                case "apos": replacement = [UInt8(ascii: "'")]
                default:
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X"), let v = UInt32(entity.dropFirst(2), radix: 16), let s = Unicode.Scalar(v) {
                        replacement = Array(String(Character(s)).utf8)
                    } else if entity.hasPrefix("#"), let v = UInt32(entity.dropFirst()), let s = Unicode.Scalar(v) {
                        replacement = Array(String(Character(s)).utf8)
                    }
                }
                if let replacement {
                    out.append(contentsOf: replacement)
                    i = semicolon + 1
                    continue
                }
            }
            out.append(b)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The tokenizer's read buffer: one allocation, grown when a token needs more than it holds, compacted in place.
final class ByteStore {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Drops the first `n` bytes, moving the rest to the front.
    func removeFirst(_ n: Int) {
        if count > n { memmove(base, base + n, count - n) }
        count -= n
    }

    /// Appends up to `limit` bytes read from `source`; returns how many.
    func append(from source: inout any ByteSource, upTo limit: Int) throws(InputError) -> Int {
        if capacity - count < limit {
            let grown = max(capacity * 2, count + limit)
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            bigger.update(from: base, count: count)
            base.deallocate()
            base = bigger
            capacity = grown
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: base + count, count: limit))
        count += n
        return n
    }
}

extension UnsafeBufferPointer {
    /// The same call shape as `Array.withUnsafeBufferPointer`, for code that reads either.
    @inline(__always)
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R { try body(self) }
}

/// A stack in one allocation of its own: pushes and pops without the copy-on-write checks of an Array, for the
/// per-element bookkeeping of the XML reader (open elements, their names).
final class Stack<Element> {
    private var items: UnsafeMutablePointer<Element>
    private var capacity = 32
    private(set) var count = 0

    init() { items = .allocate(capacity: capacity) }

    deinit {
        items.deinitialize(count: count)
        items.deallocate()
    }

    var isEmpty: Bool { count == 0 }
    var last: Element? { count > 0 ? items[count - 1] : nil }

    subscript(index: Int) -> Element {
        precondition(index >= 0 && index < count, "stack index out of range")
        return items[index]
    }

    func append(_ element: Element) {
        if count == capacity {
            let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: items, count: count)
            items.deallocate()
            items = bigger
            capacity *= 2
        }
        (items + count).initialize(to: element)
        count += 1
    }

    @discardableResult
    func removeLast() -> Element {
        precondition(count > 0, "removeLast on an empty stack")
        count -= 1
        return (items + count).move()
    }

    func popLast() -> Element? { count > 0 ? removeLast() : nil }
}
