import Testing
import Tensors

@testable import NumPy

/// Malformed `.npy` files, each built byte by byte: a clear error, never a trap.
@Suite struct NPYBadInputTests {
    let good = NPYBytes.make(NPYBytes.dict("<f4", "(2, 3)"), data: NPYBytes.bytes([Float](repeating: 1, count: 6)))

    func open(_ bytes: [UInt8], name: String = "bad.npy") throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let npy = try NPYFile(path: try dir.write(name, bytes))
        _ = try npy.tensor(named: npy.name)
    }

    @Test func badMagic() {
        var bytes = good
        bytes[1] = UInt8(ascii: "X")
        expectError(["bad.npy", "magic"]) { try open(bytes) }
        expectError(["bad.npy", "magic"]) { try open(Array("PK\u{3}\u{4}not numpy at all".utf8)) }
    }

    @Test func unknownVersions() {
        for (major, minor) in [(0, 0), (4, 0), (1, 1), (255, 255)] as [(UInt8, UInt8)] {
            var bytes = good
            bytes[6] = major
            bytes[7] = minor
            expectError(["version \(major).\(minor)"]) { try open(bytes) }
        }
    }

    @Test func truncatedEverywhere() {
        // Every prefix of a valid file is refused cleanly.
        for n in 0..<good.count {
            expectError(["bad.npy"]) { try open(Array(good[0..<n])) }
        }
    }

    @Test func trailingBytes() {
        expectError(["should have 24 bytes of data but has 25"]) { try open(good + [0]) }
    }

    @Test func hugeShapeOverLittleData() {
        let bytes = NPYBytes.make(NPYBytes.dict("<f4", "(1000000000, 1000000)"), data: [0, 0, 0, 0])
        expectError(["'bad'", "4000000000000000 bytes of data but has 4"]) { try open(bytes) }
    }

    @Test func headerLengthPastTheEnd() {
        var bytes = good
        bytes[8] = 0xFF
        bytes[9] = 0xFF
        expectError(["65535 bytes of text"]) { try open(bytes) }
        var v2 = NPYBytes.make(NPYBytes.dict("<f4", "()"), data: [0, 0, 0, 0], major: 2)
        v2[8...11] = [0xFF, 0xFF, 0xFF, 0x7F]
        expectError(["more than the"]) { try open(v2) }
    }

    @Test func pickles() {
        let bytes = NPYBytes.make(NPYBytes.dict("|O", "(2,)"), data: Array("\u{80}\u{4}K\u{1}.".utf8))
        expectError(["'|O'", "pickles", "refuses"]) { try open(bytes) }
    }

    @Test func structured() {
        let text = "{'descr': [('x', '<f4'), ('y', '<i8')], 'fortran_order': False, 'shape': (1,), }"
        expectError(["structured"]) { try open(NPYBytes.make(text, data: [UInt8](repeating: 0, count: 12))) }
    }

    @Test func garbageHeaders() {
        let texts = [
            "", "{", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } junk",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\u{0}",
            "\u{FF}\u{FE}", String(repeating: "(", count: 5000),
        ]
        for text in texts {
            expectError(["bad.npy", "NPY header"]) {
                try open(NPYBytes.make(text, data: [UInt8](repeating: 0, count: 24)))
            }
        }
    }

    @Test func unpaddedHeaderStillParses() throws {
        // Older writers aligned to 16 bytes, others not at all: only the declared length matters.
        let bytes = NPYBytes.make(NPYBytes.dict("<i2", "(1,)"), data: [1, 0], pad: false)
        try open(bytes)
    }
}

extension NPYBadInputTests {
    @Test func largeHostileHeadersAreRefused() {
        // ~1 MB of dict keys and list items, each refused with the reason. (No timing here:
        // the parser is a single forward pass; its speed belongs to a benchmark.)
        let keys = (0..<60_000).map { "'k\($0)': 0" }.joined(separator: ", ")
        expectError(["exactly the keys"]) { try open(NPYBytes.make("{" + keys + "}", major: 2)) }
        let fields = String(repeating: "('a', '<f4'), ", count: 60_000)
        expectError(["structured"]) {
            try open(NPYBytes.make("{'descr': [\(fields)], 'fortran_order': False, 'shape': (1,), }", major: 2))
        }
    }
}
