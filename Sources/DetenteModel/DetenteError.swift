/// An error the core (or the server on its behalf) reports to a client. Each code maps one-to-one
/// to the `code` field of an `error` frame; `docs/PROTOCOL.md` lists them all.
public struct DetenteError: Error, Equatable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ raw: String) { rawValue = raw }

        public static let badJSON = Code("bad_json")
        public static let badMessage = Code("bad_message")
        public static let unknownType = Code("unknown_type")
        public static let unauthorised = Code("unauthorised")
        public static let forbidden = Code("forbidden")
        public static let notFound = Code("not_found")
        public static let wrongPhase = Code("wrong_phase")
        public static let wrongDepartment = Code("wrong_department")
        public static let invalidValue = Code("invalid_value")
        public static let joiningLocked = Code("joining_locked")
        public static let workshopEnded = Code("workshop_ended")
        public static let conflict = Code("conflict")
        public static let rateLimited = Code("rate_limited")
        public static let unavailable = Code("unavailable")
        /// A documented bound (items per person or workshop, queued work) is reached.
        public static let limitReached = Code("limit_reached")

        public var description: String { rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func == (lhs: DetenteError, rhs: DetenteError) -> Bool { lhs.code == rhs.code }
    public var description: String { "\(code): \(message)" }
}
