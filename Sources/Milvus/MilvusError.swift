import Foundation

/// An error from a Milvus server, the connection to it, or the milvus-lite launcher.
///
/// Every case names the operation (`"insert"`, `"search"`, ...) and, where there is one, the
/// server's own reason; `description` is one line for a command-line tool to print.
public enum MilvusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with a non-success status: Milvus's `code` (or the legacy
    /// `error_code` when `code` is 0) and its `reason`.
    case server(operation: String, code: Int, reason: String)
    /// Nothing answers at `address`, or the connection broke (connection refused, server gone).
    case unreachable(operation: String, address: String, detail: String)
    /// The call failed in gRPC (deadline exceeded, unimplemented, bad message, ...).
    case rpc(operation: String, address: String, code: String, message: String)
    /// The request was refused before it was sent (what is wrong is in `reason`).
    case invalidArgument(operation: String, reason: String)
    /// The server's answer does not have the shape this client expects.
    case unexpectedResponse(operation: String, detail: String)
    /// No `milvus-lite` executable was found in the places listed.
    case milvusLiteMissing(searched: [String])
    /// milvus-lite could not be started or stopped answering before it was ready.
    case milvusLiteFailed(reason: String, log: String)

    /// One line: the operation, what went wrong, and Milvus's reason or the address.
    public var description: String {
        switch self {
        case let .server(operation, code, reason):
            return "Milvus \(operation) failed: \(reason.isEmpty ? "no reason given" : oneLine(reason)) (code \(code))"
        case let .unreachable(operation, address, detail):
            return "Milvus \(operation) failed: cannot reach Milvus at \(address) (\(oneLine(detail)))"
        case let .rpc(operation, address, code, message):
            return "Milvus \(operation) failed at \(address): \(code): \(oneLine(message))"
        case let .invalidArgument(operation, reason):
            return "Milvus \(operation) refused: \(oneLine(reason))"
        case let .unexpectedResponse(operation, detail):
            return "Milvus \(operation) returned an unexpected answer: \(oneLine(detail))"
        case let .milvusLiteMissing(searched):
            return "milvus-lite not found (looked in \(searched.joined(separator: ", "))): "
                + "pip install milvus-lite, or pass --milvus HOST:PORT"
        case let .milvusLiteFailed(reason, log):
            let tail = log.split(separator: "\n").last.map { ": \(oneLine(String($0)))" } ?? ""
            return "milvus-lite \(oneLine(reason))\(tail)"
        }
    }
}

/// Collapses a multi-line server message into one line.
private func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        .joined(separator: " ")
}
