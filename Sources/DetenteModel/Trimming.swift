extension String {
    /// The text without leading and trailing white space: exactly the scalars of Foundation's
    /// `.whitespacesAndNewlines` (Unicode's White_Space property, i.e. categories Zs, Zl, Zp,
    /// U+0009–U+000D and U+0085, plus U+200B ZERO WIDTH SPACE, which swift-corelibs-foundation's
    /// set includes; checked over every scalar by `TrimmingTests`). Foundation's
    /// `trimmingCharacters` cost a few percent of every submit; text that starts and ends with a
    /// visible ASCII character returns at once.
    public func trimmingWhitespace() -> String {
        let utf8 = self.utf8
        guard let first = utf8.first, let last = utf8.last else { return self }
        if first > 0x20, first < 0x80, last > 0x20, last < 0x80 { return self }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !Self.isTrimmed($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !Self.isTrimmed($0) })!
        return String(scalars[start...end])
    }

    public static func isTrimmed(_ u: Unicode.Scalar) -> Bool { u.properties.isWhitespace || u.value == 0x200B }
}
