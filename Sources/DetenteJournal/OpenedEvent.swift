import DetenteModel

/// A stored event as decoding sees it: its members read from the record (in place), except the
/// sealed ones, which come opened (or as stand-ins) from `AuthorSeal`.
public struct OpenedEvent<Stored: JSONFieldSource>: JSONFieldSource {
    let stored: Stored
    /// Opened sealed members; few (at most six), so a scan beats a dictionary.
    let opened: [(String, JSON)]

    private func override(_ key: StaticString) -> JSON? {
        guard !opened.isEmpty else { return nil }
        let name = key.description
        return opened.first { $0.0 == name }?.1
    }

    public func string(_ key: StaticString) -> String? {
        if let o = override(key) { return o.stringValue }
        return stored.string(key)
    }
    public func int(_ key: StaticString) -> Int? {
        if let o = override(key) { return o.intValue }
        return stored.int(key)
    }
    public func bool(_ key: StaticString) -> Bool? {
        if let o = override(key) { return o.boolValue }
        return stored.bool(key)
    }
    public func has(_ key: StaticString) -> Bool { override(key) != nil || stored.has(key) }
    public func value(_ key: StaticString) -> JSON? { override(key) ?? stored.value(key) }
    public func string(_ key: StaticString, hasPrefix prefix: StaticString) -> Bool {
        if let o = override(key) { return o.stringValue?.utf8.starts(with: prefix.description.utf8) ?? false }
        return stored.string(key, hasPrefix: prefix)
    }
}
