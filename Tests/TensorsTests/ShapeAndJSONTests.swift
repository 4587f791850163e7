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
