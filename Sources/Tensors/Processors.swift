#if canImport(Glibc)
import Glibc
#endif

/// The machine's processors, as the kernels size their thread teams.
package enum Processors {
    /// Processors online (at least 1).
    package static let online = max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
}
