import DetenteCore

extension ClientMessage {
    /// Typed access to one message's fields: a missing or mistyped field is a `bad_message` error
    /// naming the message type and the field (docs/PROTOCOL.md, Errors).
    struct Fields {
        let json: JSON
        let type: String

        func string(_ key: String) throws(DetenteError) -> String {
            guard let v = json[key]?.stringValue else { throw DetenteError(.badMessage, "'\(type)' needs a string field '\(key)'") }
            return v
        }

        func optionalString(_ key: String) throws(DetenteError) -> String? {
            switch json[key] {
            case nil, .null?: return nil
            case let .string(s)?: return s
            default: throw DetenteError(.badMessage, "'\(key)' must be a string or null")
            }
        }

        func bool(_ key: String, default value: Bool? = nil) throws(DetenteError) -> Bool {
            if let b = json[key]?.boolValue { return b }
            if json[key] == nil, let value { return value }
            throw DetenteError(.badMessage, "'\(type)' needs a boolean field '\(key)'")
        }

        func int(_ key: String, default value: Int? = nil) throws(DetenteError) -> Int {
            if let i = json[key]?.intValue { return i }
            if json[key] == nil, let value { return value }
            throw DetenteError(.badMessage, "'\(type)' needs an integer field '\(key)'")
        }
    }
}
