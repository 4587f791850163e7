import Testing
@testable import ViTConversion

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
        let state = SHA256()
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
