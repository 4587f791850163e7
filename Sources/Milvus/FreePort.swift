import Glibc

/// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's choice for port 0).
///
/// Another process may take it before the caller binds it; ``MilvusLite`` retries then.
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw portError() }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
        }
    }
    guard bound else { throw portError() }
    return Int(UInt16(bigEndian: address.sin_port))
}

private func portError() -> MilvusError {
    .milvusLiteFailed(reason: "found no free port on 127.0.0.1: \(String(cString: strerror(errno)))", log: "")
}
