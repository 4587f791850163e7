import Testing
@testable import Tensors

@Suite("shapes and JSON")
struct ShapeAndJSONTests {
    @Test func elementCountsAreOverflowChecked() {
        #expect(Shape.elementCount([2, 3, 4]) == 24)
        #expect(Shape.elementCount([]) == 1)
        #expect(Shape.elementCount([0, Int.max]) == 0)
        #expect(Shape.elementCount([2, Int.max]) == nil)
        #expect(Shape.elementCount([-1]) == nil)
        #expect(Shape.byteCount([Int.max / 2], .f32) == nil)
    }

    @Test func jsonParsesAndKeepsOrder() throws {
        let j = try JSON.parse(#" {"b": [1, 2.5e3, -0.0], "a": {"x": null, "y": true}, "s": "\u00e9\ud83d\ude00\n"} "#)
        #expect(j.objectValue?.map(\.0) == ["b", "a", "s"])
        #expect(j["b"]?.arrayValue?[1].doubleValue == 2500)
        #expect(j["s"]?.stringValue == "é😀\n")
        #expect(try JSON.parse(j.compactText) == j)
        #expect(try JSON.parse(j.prettyText) == j)
    }

    @Test(arguments: [#"{"a":1,"a":2}"#, "[1,]", "{'a':1}", "01", "1.", "\"\\ud800\"", "[1] x", "nul", "\"a\u{01}\""])
    func invalidJSONIsRefused(text: String) {
        #expect(throws: JSON.ParseError.self) { try JSON.parse(text) }
    }

    @Test func floatsRoundTripThroughText() throws {
        for v: Float in [0.1, 1e-12, 3.4028235e38, -2.5, 1] {
            let text = JSON.float(v).compactText
            #expect(Float(try #require(JSON.parse(text).doubleValue)) == v)
        }
    }
}

@Suite("SHA-256")
struct SHA256Tests {
    // FIPS 180-4 test vectors (and `sha256sum` of the 1,000,000 'a' message).
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func vectors(message: String, digest: String) {
        let bytes = Array(message.utf8)
        #expect(bytes.withUnsafeBytes { SHA256.hex($0) } == digest)
    }

    @Test func millionAInUnevenPieces() {
        var state = SHA256()
        let a = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        var offset = 0, step = 1
        while offset < a.count {
            let end = min(offset + step, a.count)
            a[offset..<end].withUnsafeBytes { state.update($0) }
            offset = end
            step = step % 97 + 13
        }
        #expect(state.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
