import DetenteModel
/// The roster, indexed for matching: every name token (folded), which person it belongs to, and
/// the nicknames and initials-plus-surname forms people are called by.
struct RosterIndex: Sendable {
    /// folded token → canonical person keys (a token can belong to two people).
    var tokens: [String: [String]] = [:]
    var nicknames: [String: String] = [:]
    /// Short forms: prefixes ("kavi" of "kavitha") and suffixes ("lupe" of "guadalupe").
    var shortForms: [String: String] = [:]
    var people: [String] = []

    init(_ roster: [String]) {
        for name in roster {
            let key = Gazetteer.fold(name)
            people.append(key)
            for word in NameDetector.words(in: name) {
                let part = word.folded
                // "le" is a particle, but "Lê" (with its accent) is a name.
                let accented = part != name[word.range].lowercased()
                let pieces = [part] + (part.utf8.contains(UInt8(ascii: "-")) ? part.split(separator: "-").map { String($0) } : [String]())
                for piece in pieces where piece.count >= 2 && (!Gazetteer.particles.contains(piece) || accented) {
                    tokens[piece, default: []].append(key)
                    for nick in Gazetteer.diminutives[piece] ?? [] where nicknames[nick] == nil { nicknames[nick] = key }
                }
            }
        }
        indexShortForms()
        for (token, keys) in tokens {
            tokenShapes[Self.shape(token)] = true
            owners[token] = keys.first
        }
    }

    /// folded token → the first person it belongs to (the hot lookup; no array copied).
    var owners: [String: String] = [:]

    /// Which (first byte, length) pairs roster tokens have: most words of a text are ruled out
    /// without hashing them.
    var tokenShapes = [Bool](repeating: false, count: 256 * 64)

    static func shape(_ t: some StringProtocol) -> Int {
        Int(t.utf8.first ?? 0) * 64 + min(t.utf8.count, 63)
    }

    func person(forToken t: String) -> String? {
        guard tokenShapes[Self.shape(t)] else { return nil }
        return owners[t]
    }

    mutating func indexShortForms() {
        for (token, keys) in tokens.sorted(by: { $0.key < $1.key }) {
            let chars = Array(token)
            guard chars.count >= 5, let key = keys.first else { continue }
            for length in 3...(chars.count - 2) where length >= 4 || chars.count <= 7 {
                let prefix = String(chars[..<length])
                if shortForms[prefix] == nil { shortForms[prefix] = key }
            }
            for length in stride(from: 4, through: chars.count - 2, by: 1) {
                let suffix = String(chars[(chars.count - length)...])
                if shortForms[suffix] == nil { shortForms[suffix] = key }
            }
        }
    }

    /// "Kavi" for Kavitha, "Lupe" for Guadalupe: a capitalised short form of a roster token.
    func nicknamePerson(_ t: String) -> String? {
        nicknames[t] ?? (t.count >= 3 ? shortForms[t] : nil)
    }
}
