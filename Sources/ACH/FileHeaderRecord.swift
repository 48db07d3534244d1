import Core

/// The File Header Record (type 1): who sent the file to whom, and when.
public struct FileHeaderRecord: Sendable, Hashable {
    public var priorityCode: String
    public var immediateDestination: String
    public var immediateOrigin: String
    public var fileCreationDate: Day?
    public var fileCreationTime: String
    public var fileIDModifier: String
    public var immediateDestinationName: String
    public var immediateOriginName: String
    public var referenceCode: String
    public var location: SourceLocation

    enum Field {
        static let priorityCode = NACHAField("Priority Code", 2, 3)
        static let immediateDestination = NACHAField("Immediate Destination", 4, 13)
        static let immediateOrigin = NACHAField("Immediate Origin", 14, 23)
        static let fileCreationDate = NACHAField("File Creation Date", 24, 29)
        static let fileCreationTime = NACHAField("File Creation Time", 30, 33)
        static let fileIDModifier = NACHAField("File ID Modifier", 34, 34)
        static let recordSize = NACHAField("Record Size", 35, 37)
        static let blockingFactor = NACHAField("Blocking Factor", 38, 39)
        static let formatCode = NACHAField("Format Code", 40, 40)
        static let immediateDestinationName = NACHAField("Immediate Destination Name", 41, 63)
        static let immediateOriginName = NACHAField("Immediate Origin Name", 64, 86)
        static let referenceCode = NACHAField("Reference Code", 87, 94)
    }

    static func parse(_ f: RecordFields, diagnostics: inout DiagnosticList) -> FileHeaderRecord {
        let created = f.day(Field.fileCreationDate)
        if created == nil { diagnostics.append(f.notADay(Field.fileCreationDate)) }
        let destination = f.text(Field.immediateDestination)
        if destination.utf8.count == 9, !RoutingNumber.isValid(destination) {
            diagnostics.append(f.diagnostic("nacha.routing-check-digit", .error, Field.immediateDestination, "routing number check digit is wrong", found: destination))
        }
        if f.raw(Field.recordSize) != "094" {
            diagnostics.append(f.diagnostic("nacha.record-size", .error, Field.recordSize, "record size must be 094", expected: "094", found: f.raw(Field.recordSize)))
        }
        if f.raw(Field.blockingFactor) != "10" {
            diagnostics.append(f.diagnostic("nacha.blocking-factor", .error, Field.blockingFactor, "blocking factor must be 10", expected: "10", found: f.raw(Field.blockingFactor)))
        }
        if f.raw(Field.formatCode) != "1" {
            diagnostics.append(f.diagnostic("nacha.format-code", .error, Field.formatCode, "format code must be 1", expected: "1", found: f.raw(Field.formatCode)))
        }
        let modifier = f.byte(34)
        if !((modifier >= 0x41 && modifier <= 0x5A) || (modifier >= 0x30 && modifier <= 0x39)) {
            diagnostics.append(f.diagnostic("nacha.file-id-modifier", .error, Field.fileIDModifier, "file ID modifier must be A-Z or 0-9", found: "'\(f.raw(Field.fileIDModifier))'"))
        }
        return FileHeaderRecord(
            priorityCode: f.raw(Field.priorityCode), immediateDestination: destination,
            immediateOrigin: f.text(Field.immediateOrigin), fileCreationDate: created,
            fileCreationTime: f.text(Field.fileCreationTime), fileIDModifier: f.raw(Field.fileIDModifier),
            immediateDestinationName: f.text(Field.immediateDestinationName), immediateOriginName: f.text(Field.immediateOriginName),
            referenceCode: f.text(Field.referenceCode), location: f.location)
    }
}
