import ArgumentParser
import VitKit

/// Range checks for numeric options: ArgumentParser turns `nan`, `inf` and (after `=`, as in
/// `--atol=-1`) negative numbers into values, so every command checks its own.
enum NumericOption {
    /// A tolerance: a finite number, at least 0.
    static func tolerance(_ value: Double?, _ flag: String) throws {
        guard let value else { return }
        guard value.isFinite, value >= 0 else { throw ValidationError("\(flag) must be a finite number >= 0, got \(value)") }
    }

    /// A count or a size: an integer, at least 1.
    static func positive(_ value: Int?, _ flag: String) throws {
        guard let value else { return }
        guard value > 0 else { throw ValidationError("\(flag) must be a positive integer, got \(value)") }
    }
}
