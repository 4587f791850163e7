import Foundation
import TestScratch
import Testing
import Tensors
@testable import SafeTensors

/// Writes `length` (u64 LE) + `header` + `data` to a fresh temp file and returns its path.
func writeRawFile(header: [UInt8], length: UInt64? = nil, data: [UInt8] = [], name: String = "t.safetensors") throws -> String {
    let dir = TestScratch.root.appendingPathComponent("vitkit-st-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var bytes: [UInt8] = []
    withUnsafeBytes(of: (length ?? UInt64(header.count)).littleEndian) { bytes.append(contentsOf: $0) }
    bytes += header + data
    let path = dir.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

func writeRawFile(json: String, data: [UInt8] = []) throws -> String {
    try writeRawFile(header: Array(json.utf8), data: data)
}

/// Opens `path` and returns the error's description, or nil if it opened.
func openError(_ path: String) -> String? {
    do {
        _ = try SafeTensorsFile(path: path)
        return nil
    } catch {
        return error.description
    }
}

@Suite("safetensors header rules")
struct SafeTensorsHeaderTests {
    @Test func validFileOpensAndServesAMappedView() throws {
        let data: [UInt8] = (0..<24).map { UInt8($0) }
        let path = try writeRawFile(json: #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"U8","shape":[8],"data_offsets":[16,24]}}"#, data: data)
        let f = try SafeTensorsFile(path: path)
        #expect(f.tensors.map(\.name) == ["a", "b"])
        #expect(f.metadata.map(\.key) == ["format"])
        let b = try f.tensor(named: "b")
        #expect(b.data.isMapped)
        #expect(b.data.withUnsafeBytes { Array($0) } == Array(data[16..<24]))
    }

    @Test func whitespaceAroundTheJSONIsAccepted() throws {
        let path = try writeRawFile(json: "  {\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}   ", data: [7])
        #expect(openError(path) == nil)
    }

    @Test func emptyFileWithNoTensors() throws {
        #expect(openError(try writeRawFile(json: "{}")) == nil)
    }

    @Test(arguments: [
        (UInt64(0), "not valid JSON"),
        (UInt64(7), "beyond the end of the file"),
        (UInt64.max, "exceeds the limit"),
        (UInt64(100_000_001), "exceeds the limit"),
        (UInt64(5000), "beyond the end of the file"),
    ])
    func badHeaderLengths(length: UInt64, message: String) throws {
        let path = try writeRawFile(header: Array("{}".utf8), length: length)
        let error = try #require(openError(path))
        #expect(error.contains(message), "\(error)")
        #expect(error.contains(path))
    }

    @Test func fileShorterThanTheLengthField() throws {
        let dir = TestScratch.root.appendingPathComponent("vitkit-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("short.safetensors").path
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        #expect(openError(path)?.contains("too short") == true)
    }

    @Test(arguments: [
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, 12, "overlap"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, 12, "gap"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8, "gap"),
        (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, 8, "should have 12 bytes"),
        (#"{"a":{"dtype":"F32","shape":[2,9223372036854775807],"data_offsets":[0,8]}}"#, 8, "overflows"),
        (#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, 8, "overflows"),
        (#"{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}"#, 8, "unsupported dtype F33"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 9, "1 trailing bytes"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 7, "truncated"),
        (#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, 8, "invalid dimension"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, 8, "data_offsets"),
        (#"{"a":{"dtype":"F32","shape":[2]}}"#, 8, "data_offsets"),
        (#"{"a":{"shape":[2],"data_offsets":[0,8]}}"#, 8, "dtype"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 8, "duplicate key"),
        (#"{"__metadata__":{"format":1}}"#, 0, "not a string"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},}"#, 8, "not valid JSON"),
        (#"[1,2]"#, 0, "not a JSON object"),
        (#"{"a":1}"#, 0, "not a JSON object"),
    ])
    func badHeaders(json: String, dataBytes: Int, message: String) throws {
        let path = try writeRawFile(json: json, data: [UInt8](repeating: 0, count: dataBytes))
        let error = try #require(openError(path), "\(json) should be refused")
        #expect(error.contains(message), "\(error)")
        #expect(error.hasPrefix(path))
    }

    @Test func invalidUTF8IsRefused() throws {
        var header = Array(#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"x":""}"#.utf8)
        header.insert(0xFF, at: header.count - 3)
        let path = try writeRawFile(header: header, data: [1])
        #expect(openError(path)?.contains("UTF-8") == true)
    }

    @Test func deeplyNestedJSONIsRefusedWithoutCrashing() throws {
        let json = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(openError(try writeRawFile(json: json))?.contains("nesting") == true)
    }
}

/// Dtypes safetensors defines that vitkit cannot represent (C64, F6_*): listed as skipped, sizes
/// checked, the other tensors read (samples/generate_dtypes.py; safetensors writes complex.safetensors).
@Suite struct UnreadableDTypeTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("samples/dtypes").path

    @Test func complexAndPackedEntriesAreListedNotRead() throws {
        let complex = try SafeTensorsFile(path: Self.samples + "/complex.safetensors")
        #expect(complex.tensors.map(\.name) == ["w"] && complex.skipped.map(\.name) == ["c"])
        #expect(complex.skipped[0].reason == "dtype C64 (shape [3], 24 bytes): complex values have no real float32 value; listed, not read")
        #expect(try complex.tensor(named: "w").floats() == [1, 2])
        let f6 = try SafeTensorsFile(path: Self.samples + "/f6.safetensors")
        #expect(f6.tensors.map(\.name) == ["w"] && f6.skipped.map(\.name) == ["a", "b"])
        #expect(f6.skipped[0].reason.hasPrefix("dtype F6_E2M3 (shape [4], 3 bytes): safetensors does not define"))
        #expect { try f6.tensor(named: "a") } throws: { "\($0)".contains("no tensor named 'a'") }
    }

    @Test func aPackedEntryOfTheWrongSizeIsRefused() throws {
        // 3 F4 elements are 12 bits: not a whole number of bytes.
        let path = try writeRawFile(header: Array(#"{"q":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}"#.utf8), data: [0, 0])
        #expect { try SafeTensorsFile(path: path) } throws: { "\($0)".contains("3 elements of F4 (4 bits) are not a whole number of bytes") }
        let wrong = try writeRawFile(header: Array(#"{"c":{"dtype":"C64","shape":[2],"data_offsets":[0,8]}}"#.utf8), data: [UInt8](repeating: 0, count: 8))
        #expect(throws: CheckpointError.self) { try SafeTensorsFile(path: wrong) }
    }
}
