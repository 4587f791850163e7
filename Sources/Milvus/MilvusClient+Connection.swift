import Foundation
import GRPCCore

extension MilvusClient {
    /// The headers pymilvus sends: `authorization` = base64 of the token (or of `user:password`),
    /// `dbname` = the database.
    static func metadata(token: String?, database: String?) -> Metadata {
        var metadata = Metadata()
        if let token, !token.isEmpty {
            metadata.addString(Data(token.utf8).base64EncodedString(), forKey: "authorization")
        }
        if let database, !database.isEmpty {
            metadata.addString(database, forKey: "dbname")
        }
        return metadata
    }

    /// Splits `"host:port"` or `"[v6]:port"`; a leading `http://` (pymilvus's uri form) is accepted.
    static func parse(address: String) throws -> (host: String, port: Int) {
        var rest = Substring(address)
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        let bad = MilvusError.invalidArgument(operation: "connect", reason: "bad address \(address): expected HOST:PORT")
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]) else {
            throw bad
        }
        var host = rest[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, (1...65535).contains(port) else { throw bad }
        return (String(host), port)
    }

    /// Maps a gRPC failure to ``MilvusError``: `unavailable` (refused, reset, server gone) is
    /// ``MilvusError/unreachable(operation:address:detail:)``.
    static func translate(_ error: RPCError, operation: String, address: String) -> MilvusError {
        switch error.code {
        case .unavailable:
            var detail = error.message
            if let cause = error.cause { detail += ": \(cause)" }
            return .unreachable(operation: operation, address: address, detail: detail)
        default:
            return .rpc(operation: operation, address: address, code: "\(error.code)", message: error.message)
        }
    }
}
