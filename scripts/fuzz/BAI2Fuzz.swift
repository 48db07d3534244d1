// libFuzzer entry point for the statement readers: BAI2 and camt (our XML tokenizer), any bytes, no trap.
// Built by scripts/fuzz.sh together with the Core and Statements sources.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    for strict in [true, false] {
        let file = BAI2Reader(options: BAI2Options(strict: strict)).read(bytes: bytes, fileName: "fuzz.bai")
        for line in file.lines { _ = line.amount.minorUnits; _ = line.description }
    }
    let camt = CamtReader().read(source: MemoryByteSource(bytes), fileName: "fuzz.xml")
    for line in camt.lines { _ = line.remittance.count }
    return 0
}
