/// JSON written straight into UTF-8 bytes: appending to a `[UInt8]` costs a fraction of
/// appending to a `String` (no grapheme or capacity bookkeeping per piece), and frames and
/// journal lines end up as bytes anyway. `write(into: inout String)` and `encoded()` use it too.
extension JSON {
    public func encodedBytes(reservingCapacity capacity: Int = 128) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(capacity)
        write(into: &out)
        return out
    }

    public func write(into out: inout [UInt8]) {
        switch self {
        case .null: JSON.append("null", to: &out)
        case let .bool(b): JSON.append(b ? "true" : "false", to: &out)
        case let .int(i): JSON.writeInt(i, into: &out)
        case let .double(d): out.append(contentsOf: (d.isFinite ? String(d) : "null").utf8)
        case let .string(s): JSON.writeString(s, into: &out)
        case let .array(items):
            out.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(pairs):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (k, v) in pairs {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                JSON.writeString(k, into: &out)
                out.append(UInt8(ascii: ":"))
                v.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends a literal's UTF-8 bytes (for writers of JSON-shaped text around encoded values).
    @inline(__always) public static func appendLiteral(_ s: StaticString, to out: inout [UInt8]) { append(s, to: &out) }

    /// `withUTF8Buffer`, not `utf8Start`: a literal of one scalar is not stored as a pointer.
    @inline(__always) static func append(_ s: StaticString, to out: inout [UInt8]) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    public static func writeInt(_ value: Int, into out: inout [UInt8]) {
        if value == Int.min {
            out.append(contentsOf: String(value).utf8)
            return
        }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var v = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[23 - count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            } while v > 0
            out.append(contentsOf: buf[(24 - count)...])
        }
    }

    /// The same escapes as always (RFC 8259, plus `<`, `>`, `&`, U+2028 and U+2029), runs of
    /// plain bytes copied at once.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var runStart = 0
            var i = 0
            let n = bytes.count
            while i < n {
                let b = bytes[i]
                guard needsEscape(b) else {
                    i += 1
                    continue
                }
                var width = 1
                var hexDigits = false
                let escape: StaticString?
                switch b {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case UInt8(ascii: "\n"): escape = "\\n"
                case UInt8(ascii: "\r"): escape = "\\r"
                case UInt8(ascii: "\t"): escape = "\\t"
                // Escaped so JSON can sit inside HTML and JS source unchanged.
                case UInt8(ascii: "<"): escape = "\\u003c"
                case UInt8(ascii: ">"): escape = "\\u003e"
                case UInt8(ascii: "&"): escape = "\\u0026"
                case 0xE2:
                    // U+2028 and U+2029 end a JavaScript string literal.
                    if i + 2 < n, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                        escape = bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                        width = 3
                    } else {
                        escape = nil
                    }
                default:
                    escape = "\\u00"  // another control byte below 0x20: two hex digits follow
                    hexDigits = true
                }
                guard let escape else {
                    i += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                append(escape, to: &out)
                if hexDigits {
                    out.append(hexDigit(b >> 4))
                    out.append(hexDigit(b & 0x0F))
                }
                i += width
                runStart = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<n]))
        }
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always) static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? UInt8(ascii: "0") + v : UInt8(ascii: "a") + v - 10 }
}
