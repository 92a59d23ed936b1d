/// One personal identifier the anonymiser replaced: what, by which rule, with what placeholder.
public struct Replacement: Sendable, Equatable {
    public let kind: PIIKind
    public let rule: String
    public let original: String
    public let placeholder: String
    /// For people: the canonical person the mention resolved to, so one person keeps one
    /// pseudonym across the workshop.
    public let subject: String?
    public init(kind: PIIKind, rule: String, original: String, placeholder: String, subject: String? = nil) {
        self.kind = kind; self.rule = rule; self.original = original; self.placeholder = placeholder; self.subject = subject
    }
}

extension Replacement {
    public var json: JSON {
        [
            "kind": .string(kind.rawValue), "rule": .string(rule), "original": .string(original), "placeholder": .string(placeholder),
            "subject": JSON(subject)
        ]
    }
    public init?(json: JSON) {
        guard let k = json["kind"]?.stringValue.flatMap(PIIKind.init), let r = json["rule"]?.stringValue,
            let o = json["original"]?.stringValue, let p = json["placeholder"]?.stringValue
        else { return nil }
        self.init(kind: k, rule: r, original: o, placeholder: p, subject: json["subject"]?.stringValue)
    }
}
