// libFuzzer entry point for the NACHA reader and the X12 820 parser: any bytes, no trap.
// Built by scripts/fuzz.sh together with the Core and ACH sources.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    for strict in [true, false] {
        var reader = NACHAReader(source: MemoryByteSource(bytes), fileName: "fuzz.ach", options: NACHAOptions(strict: strict, diagnosticCapacity: 50))
        while let batch = try? reader.nextBatch() {
            for entry in batch.entries {
                _ = entry.detail.amountCents
                _ = entry.detail.traceNumber
                _ = entry.detail.receiverName
                _ = entry.returnAddenda?.reasonDescription
                _ = entry.notificationOfChange?.correction
                _ = X12Remittance.parse(entry.paymentRelatedInformation)
            }
        }
    }
    _ = X12Remittance.parse(String(decoding: bytes, as: UTF8.self))
    return 0
}
