/// Where a decoder reads a JSON object's members from: a parsed tree (`JSON`) or the object's
/// bytes in place (`JSONObjectView`). Event decoding is written once against this, so the
/// journal's fast path and the tree path cannot drift apart.
public protocol JSONFieldSource {
    /// The member's value if it is a string.
    func string(_ key: StaticString) -> String?
    /// The member's value if it is a number with an integer value (as `JSON.intValue`).
    func int(_ key: StaticString) -> Int?
    func bool(_ key: StaticString) -> Bool?
    /// Whether the member is present.
    func has(_ key: StaticString) -> Bool
    /// The member's value as a tree, for nested values (lists, objects).
    func value(_ key: StaticString) -> JSON?
    /// Whether the member is a string starting with `prefix` (without making the `String`).
    func string(_ key: StaticString, hasPrefix prefix: StaticString) -> Bool
}

extension JSON: JSONFieldSource {
    public func string(_ key: StaticString) -> String? { self[key.description]?.stringValue }
    public func int(_ key: StaticString) -> Int? { self[key.description]?.intValue }
    public func bool(_ key: StaticString) -> Bool? { self[key.description]?.boolValue }
    public func has(_ key: StaticString) -> Bool { self[key.description] != nil }
    public func value(_ key: StaticString) -> JSON? { self[key.description] }
    public func string(_ key: StaticString, hasPrefix prefix: StaticString) -> Bool {
        string(key)?.utf8.starts(with: prefix.description.utf8) ?? false
    }
}
