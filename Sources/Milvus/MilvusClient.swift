import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import MilvusProto

/// A connection to a Milvus server (or milvus-lite) over plaintext HTTP/2 gRPC.
///
/// The client keeps collections of images: a VARCHAR primary key `path` and a FLOAT_VECTOR
/// `embedding` (``createCollection(_:dimension:metric:index:description:)``). Every method
/// throws ``MilvusError``: the server's own reason for a failed status, or a clear error
/// naming the address when nothing answers. Call ``close()`` when done (deinit starts the
/// same shutdown without waiting for it).
public final class MilvusClient: Sendable {
    /// `host:port` of the server.
    public let address: String
    let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    let service: Milvus_Proto_Milvus_MilvusService.Client<HTTP2ClientTransport.Posix>
    let metadata: Metadata
    let timeout: Duration
    private let connections: Task<Void, Never>

    /// Connects to `host:port` (nothing is sent until the first call).
    ///
    /// - Parameters:
    ///   - token: sent as pymilvus sends it: the `authorization` header carries the token
    ///     base64-encoded; for a user and password pass `"user:password"`.
    ///   - database: the database (`dbname` header); nil for the server's default.
    ///   - timeout: the deadline of each call.
    ///   - tls: TLS with the system's trust roots (Zilliz Cloud, a Milvus behind TLS); plaintext
    ///     HTTP/2 otherwise (milvus-lite, a Milvus Distributed cluster without TLS).
    /// - Throws: ``MilvusError/invalidArgument(operation:reason:)`` for a bad host or port.
    public init(
        host: String = "127.0.0.1", port: Int = 19530, token: String? = nil, database: String? = nil,
        timeout: Duration = .seconds(60), tls: Bool = false
    ) throws {
        guard !host.isEmpty, (1...65535).contains(port) else {
            throw MilvusError.invalidArgument(operation: "connect", reason: "bad address \(host):\(port)")
        }
        self.address = "\(host):\(port)"
        self.metadata = Self.metadata(token: token, database: database)
        self.timeout = timeout
        let target: any ResolvableTarget =
            host.contains(":") ? .ipv6(address: host, port: port) : .dns(host: host, port: port)
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: target, transportSecurity: tls ? .tls : .plaintext,
                config: .defaults { $0.backoff.max = .seconds(2) })
        } catch {
            throw MilvusError.invalidArgument(operation: "connect", reason: "\(address): \(error)")
        }
        let client = GRPCClient(transport: transport)
        self.grpc = client
        self.service = Milvus_Proto_Milvus_MilvusService.Client(wrapping: client)
        self.connections = Task { try? await client.runConnections() }
    }

    /// Connects to `"host:port"` (`"[::1]:19530"` for IPv6), or a URI as pymilvus takes it:
    /// `http://host:port`, or `https://host:port` for TLS (Zilliz Cloud's endpoints); see
    /// ``init(host:port:token:database:timeout:tls:)``.
    public convenience init(address: String, token: String? = nil, database: String? = nil,
                            timeout: Duration = .seconds(60)) throws {
        let tls = address.hasPrefix("https://")
        let (host, port) = try Self.parse(address: tls ? String(address.dropFirst("https://".count)) : address)
        try self.init(host: host, port: port, token: token, database: database, timeout: timeout, tls: tls)
    }

    deinit {
        grpc.beginGracefulShutdown()
    }

    /// Closes the connection: calls under way finish, new ones fail.
    public func close() async {
        grpc.beginGracefulShutdown()
        await connections.value
    }

    /// The server's version string (milvus-lite answers `milvus_lite-3.2.2`).
    public func serverVersion() async throws -> String {
        let response = try await call("version") { s, m, o in
            try await s.getVersion(Milvus_Proto_Milvus_GetVersionRequest(), metadata: m, options: o)
        }
        try check(response.status, "version")
        return response.version
    }

    /// Runs one RPC with the client's metadata and deadline; gRPC failures become ``MilvusError``.
    func call<R: Sendable>(
        _ operation: String, timeout: Duration? = nil,
        _ body: (Milvus_Proto_Milvus_MilvusService.Client<HTTP2ClientTransport.Posix>, Metadata, CallOptions)
            async throws -> R
    ) async throws -> R {
        var options = CallOptions.defaults
        options.timeout = timeout ?? self.timeout
        options.waitForReady = false
        options.maxResponseMessageBytes = 256 << 20
        do {
            return try await body(service, metadata, options)
        } catch let error as RPCError {
            throw Self.translate(error, operation: operation, address: address)
        }
    }

    /// Throws ``MilvusError/server(operation:code:reason:)`` unless `status` is a success.
    func check(_ status: Milvus_Proto_Common_Status, _ operation: String) throws {
        let code = status.code != 0 ? Int(status.code) : status.errorCode.rawValue
        if code != 0 {
            throw MilvusError.server(operation: operation, code: code, reason: status.reason)
        }
    }
}
