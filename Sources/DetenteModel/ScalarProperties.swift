/// Character classes for one Unicode scalar, with ASCII fast paths: shared by the anonymiser and the coach.
extension Unicode.Scalar {
    /// `Character.isLetter` for one scalar, with an ASCII fast path.
    public var isLetterScalar: Bool { value < 0x80 ? (value | 0x20) &- 0x61 < 26 : properties.isAlphabetic }
    public var isNumberScalar: Bool { value < 0x80 ? value &- 0x30 < 10 : properties.numericType != nil }
    public var isUppercaseScalar: Bool { value < 0x80 ? value &- 0x41 < 26 : properties.isUppercase }
    /// Combining accents of decomposed text belong to the letter before them.
    public var isCombiningMark: Bool {
        guard value >= 0x300 else { return false }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// ASCII upper case folded to lower case; every other scalar unchanged.
    public var lowerASCII: Unicode.Scalar { value &- 0x41 < 26 ? Unicode.Scalar(value | 0x20)! : self }
}
