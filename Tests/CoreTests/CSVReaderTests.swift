import Core
import Testing

@Suite struct CSVReaderTests {
    func read(_ text: String, _ options: CSVOptions = CSVOptions(), bufferSize: Int = 7) throws -> [(line: Int, fields: [String])] {
        var reader = CSVReader(source: MemoryByteSource(Array(text.utf8)), options: options, bufferSize: bufferSize)
        var record = CSVRecord()
        var out: [(Int, [String])] = []
        while try reader.next(into: &record) { out.append((record.line, record.fields)) }
        return out
    }

    @Test func quotedFieldsDoubledQuotesAndEmbeddedLineBreaks() throws {
        let rows = try read("\u{FEFF}a,\"b, c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",x,\r\nlast,1,2")
        #expect(rows.map(\.fields) == [["a", "b, c", "say \"hi\""], ["multi\nline", "x", ""], ["last", "1", "2"]])
        #expect(rows.map(\.line) == [1, 2, 4])
    }

    @Test func bareCarriageReturnsAndOtherDelimiters() throws {
        let rows = try read("a;b\rc;d\r", CSVOptions(delimiter: UInt8(ascii: ";")))
        #expect(rows.map(\.fields) == [["a", "b"], ["c", "d"]])
    }

    @Test func decodesWindows1252() throws {
        var reader = CSVReader(source: MemoryByteSource([0x80, 0x2C, 0xE9, 0x0A]), options: CSVOptions(encoding: .windows1252))
        var record = CSVRecord()
        #expect(try reader.next(into: &record))
        #expect(record.fields == ["€", "é"])
    }

    @Test func unterminatedQuoteIsFlaggedNotLost() throws {
        var reader = CSVReader(source: MemoryByteSource("a,\"open"))
        var record = CSVRecord()
        #expect(try reader.next(into: &record))
        #expect(record.hasUnterminatedQuote)
        #expect(record.fields == ["a", "open"])
    }
}
