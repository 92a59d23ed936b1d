/// The text as Unicode scalars with their string positions. Name detection walks it by integer
/// offset, which costs a fraction of walking `Character`s (no grapheme breaking, ASCII fast paths).
struct ScalarText {
    let scalars: [Unicode.Scalar]
    /// `positions[k]` is where scalar `k` starts; the last entry is `text.endIndex`.
    let positions: [String.Index]

    init(_ text: String) {
        var scalars: [Unicode.Scalar] = []
        var positions: [String.Index] = []
        scalars.reserveCapacity(text.utf8.count)
        positions.reserveCapacity(text.utf8.count + 1)
        let view = text.unicodeScalars
        var i = view.startIndex
        while i < view.endIndex {
            scalars.append(view[i])
            positions.append(i)
            view.formIndex(after: &i)
        }
        positions.append(text.endIndex)
        self.scalars = scalars
        self.positions = positions
    }

    var count: Int { scalars.count }
    subscript(_ k: Int) -> Unicode.Scalar { k >= 0 && k < scalars.count ? scalars[k] : " " }
    func range(_ lower: Int, _ upper: Int) -> Range<String.Index> { positions[lower]..<positions[upper] }

    /// Whether the scalars from `k` spell `ascii`, ignoring ASCII case.
    func hasPrefix(_ ascii: String, at k: Int) -> Bool {
        var j = k
        for u in ascii.unicodeScalars {
            guard j < scalars.count, Self.lowerASCII(scalars[j]) == u else { return false }
            j += 1
        }
        return true
    }

    static func lowerASCII(_ s: Unicode.Scalar) -> Unicode.Scalar {
        s.value &- 0x41 < 26 ? Unicode.Scalar(s.value | 0x20)! : s
    }
}
