// Test helper for MilvusLiteTests: starts milvus-lite on DATA_DIR with VENV's executable,
// prints "PORT PID LOG" of the server, then waits to be killed. The test kills this process and
// checks that the server goes with it.
import Foundation
import Milvus

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: milvus-lite-probe DATA_DIR VENV\n".utf8))
    exit(2)
}
do {
    let server = try await MilvusLite.start(dataDirectory: arguments[1], virtualenv: arguments[2])
    FileHandle.standardOutput.write(Data("\(server.port) \(server.processID ?? -1) \(server.logPath)\n".utf8))
    while true { try await Task.sleep(for: .seconds(60)) }
} catch {
    FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
    exit(1)
}
