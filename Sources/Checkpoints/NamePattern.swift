/// A tensor-name filter: a shell-style glob (`*`, `?`) when the pattern contains one,
/// otherwise a plain substring match.
package struct NamePattern: Sendable {
    let pattern: [Character]
    let isGlob: Bool
    let text: String

    /// A filter for `text`: a glob when it contains `*` or `?`, else a substring.
    package init(_ text: String) {
        self.text = text
        pattern = Array(text)
        isGlob = text.contains("*") || text.contains("?")
    }

    /// Whether `name` matches: the whole name for a glob, any part of it for a substring.
    package func matches(_ name: String) -> Bool {
        isGlob ? Self.glob(pattern[...], Array(name)[...]) : name.contains(text)
    }

    /// Iterative glob matching with backtracking on the last `*` (linear in practice).
    static func glob(_ p: ArraySlice<Character>, _ s: ArraySlice<Character>) -> Bool {
        var pi = p.startIndex, si = s.startIndex
        var star: Int? = nil, mark = s.startIndex
        while si < s.endIndex {
            if pi < p.endIndex, p[pi] == "?" || p[pi] == s[si] {
                pi += 1; si += 1
            } else if pi < p.endIndex, p[pi] == "*" {
                star = pi; mark = si; pi += 1
            } else if let st = star {
                pi = st + 1; mark += 1; si = mark
            } else {
                return false
            }
        }
        while pi < p.endIndex, p[pi] == "*" { pi += 1 }
        return pi == p.endIndex
    }
}
