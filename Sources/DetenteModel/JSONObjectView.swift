/// A JSON object's top-level members located in its UTF-8 bytes, without building a tree:
/// string values stay byte ranges until asked for, numbers and literals are read in place,
/// only nested lists and objects become `JSON`. Journal replay reads every record this way.
///
/// The input is validated exactly as `JSONParser` validates it (same errors, same limits; a
/// repeated key: the last one wins), so anything this accepts the tree parser accepts too.
///
/// - Important: A view points into the caller's buffer: use it only while that buffer lives
///   (inside the `withUnsafeBytes` that produced it). `load` reuses the member storage, so one
///   view can read millions of records with no allocation per record beyond the values asked for.
public struct JSONObjectView: JSONFieldSource {
    enum Value {
        /// A string's bytes between its quotes; `escaped` when it holds a backslash escape.
        case string(Range<Int>, escaped: Bool)
        case other(JSON)
    }

    struct Member {
        let key: Range<Int>
        let keyEscaped: Bool
        let value: Value
    }

    private var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var members: [Member] = []

    public init() { members.reserveCapacity(16) }

    /// Reads `bytes`, which must hold exactly one JSON object (whitespace around it allowed).
    /// - Throws: `JSONParser.Failure` naming the problem and its offset.
    public mutating func load(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParser.Failure) {
        self.bytes = bytes
        members.removeAll(keepingCapacity: true)
        var p = JSONParser(bytes: bytes)
        p.skipWhitespace()
        guard p.index < bytes.count, bytes[p.index] == UInt8(ascii: "{") else {
            throw p.index < bytes.count ? p.fail("expected an object") : p.fail("unexpected end of input")
        }
        p.index += 1
        p.skipWhitespace()
        if p.index < bytes.count, bytes[p.index] == UInt8(ascii: "}") {
            p.index += 1
        } else {
            try readMembers(&p)
        }
        p.skipWhitespace()
        guard p.index == bytes.count else { throw p.fail("trailing characters after the JSON value") }
    }

    private mutating func readMembers(_ p: inout JSONParser) throws(JSONParser.Failure) {
        while true {
            p.skipWhitespace()
            guard p.index < bytes.count, bytes[p.index] == UInt8(ascii: "\"") else { throw p.fail("expected a string key") }
            let (key, keyEscaped) = try Self.stringRange(&p)
            p.skipWhitespace()
            guard p.index < bytes.count, bytes[p.index] == UInt8(ascii: ":") else { throw p.fail("expected ':' after key") }
            p.index += 1
            p.skipWhitespace()
            let value: Value
            if p.index < bytes.count, bytes[p.index] == UInt8(ascii: "\"") {
                let (range, escaped) = try Self.stringRange(&p)
                value = .string(range, escaped: escaped)
            } else {
                value = .other(try p.parseValue(depth: 1))
            }
            members.append(Member(key: key, keyEscaped: keyEscaped, value: value))
            p.skipWhitespace()
            guard p.index < bytes.count else { throw p.fail("unterminated object") }
            if bytes[p.index] == UInt8(ascii: ",") { p.index += 1; continue }
            if bytes[p.index] == UInt8(ascii: "}") { p.index += 1; return }
            throw p.fail("expected ',' or '}' in object")
        }
    }

    /// Validates the string at the parser's position and returns its content's byte range.
    private static func stringRange(_ p: inout JSONParser) throws(JSONParser.Failure) -> (Range<Int>, Bool) {
        let start = p.index + 1
        var i = start
        let bytes = p.bytes
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
            p.index = i + 1
            return (start..<i, false)
        }
        // An escape or a bad byte: the tree parser checks it (and reports what is wrong).
        _ = try p.parseString()
        return (start..<(p.index - 1), true)
    }

    /// The last member named `key` (the tree parser's rule for repeated keys).
    private func member(_ key: StaticString) -> Member? {
        key.withUTF8Buffer { wanted -> Member? in
            var k = members.count
            while k > 0 {
                k -= 1
                let m = members[k]
                if m.keyEscaped {
                    if decodeString(m.key, escaped: true).utf8.elementsEqual(wanted) { return m }
                } else if m.key.count == wanted.count, Self.same(bytes, m.key.lowerBound, wanted) {
                    return m
                }
            }
            return nil
        }
    }

    /// Keys are a few bytes: a loop that stops at the first difference beats a call to memcmp.
    @inline(__always) private static func same(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < wanted.count {
            if bytes[at + i] != wanted[i] { return false }
            i += 1
        }
        return true
    }

    private func decodeString(_ range: Range<Int>, escaped: Bool) -> String {
        guard escaped else { return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        // Re-read with the quotes around it; it was validated by `load`.
        var p = JSONParser(bytes: UnsafeBufferPointer(rebasing: bytes[(range.lowerBound - 1)..<(range.upperBound + 1)]))
        return (try? p.parseString()) ?? ""
    }

    public func string(_ key: StaticString) -> String? {
        guard let m = member(key), case let .string(range, escaped) = m.value else { return nil }
        return decodeString(range, escaped: escaped)
    }

    public func string(_ key: StaticString, hasPrefix prefix: StaticString) -> Bool {
        guard let m = member(key), case let .string(range, escaped) = m.value else { return false }
        if escaped { return decodeString(range, escaped: true).utf8.starts(with: prefix.description.utf8) }
        return prefix.withUTF8Buffer { UnsafeBufferPointer(rebasing: bytes[range]).starts(with: $0) }
    }

    public func int(_ key: StaticString) -> Int? {
        guard let m = member(key), case let .other(v) = m.value else { return nil }
        return v.intValue
    }

    public func bool(_ key: StaticString) -> Bool? {
        guard let m = member(key), case let .other(.bool(b)) = m.value else { return nil }
        return b
    }

    public func has(_ key: StaticString) -> Bool { member(key) != nil }

    public func value(_ key: StaticString) -> JSON? {
        guard let m = member(key) else { return nil }
        switch m.value {
        case let .string(range, escaped): return .string(decodeString(range, escaped: escaped))
        case let .other(v): return v
        }
    }

    /// The whole object as a tree, members in order (repeated keys: the last one wins).
    public var json: JSON {
        var pairs: [(String, JSON)] = []
        var positions: [String: Int] = [:]
        for m in members {
            let key = decodeString(m.key, escaped: m.keyEscaped)
            let v: JSON
            switch m.value {
            case let .string(range, escaped): v = .string(decodeString(range, escaped: escaped))
            case let .other(o): v = o
            }
            if let i = positions[key] { pairs[i].1 = v } else { positions[key] = pairs.count; pairs.append((key, v)) }
        }
        return .object(pairs)
    }
}
