import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
/// Who a frame or a bot line is for. Every audience is decided in `Visibility` or by the bot's
/// events; the composition layer only matches audiences against connected viewers.
public enum Audience: Sendable, Equatable, Hashable {
    case everyone
    case facilitators
    case department(Department)
    /// A department's members other than one of them (the author gets a richer frame).
    case departmentExcept(Department, ParticipantID)
    case participant(ParticipantID)

    public func includes(_ viewer: Viewer) -> Bool {
        switch (self, viewer.role) {
        case (.everyone, _): return true
        case (.facilitators, .facilitator): return true
        case (.facilitators, .participant(_, _, let isDelegate)): return isDelegate
        case let (.department(d), .participant(_, dept, _)): return d == dept
        case let (.departmentExcept(d, p), .participant(id, dept, _)): return d == dept && p != id
        case let (.participant(p), .participant(id, _, _)): return p == id
        default: return false
        }
    }

    var json: JSON {
        switch self {
        case .everyone: return ["kind": "everyone"]
        case .facilitators: return ["kind": "facilitators"]
        case let .department(d): return ["kind": "department", "department": .string(d)]
        case let .participant(p): return ["kind": "participant", "participant": .string(p)]
        case let .departmentExcept(d, p): return ["kind": "department_except", "department": .string(d), "participant": .string(p)]
        }
    }

    init?(json: JSON) {
        switch json["kind"]?.stringValue {
        case "everyone": self = .everyone
        case "facilitators": self = .facilitators
        case "department": guard let d = json["department"]?.stringValue else { return nil }; self = .department(d)
        case "participant": guard let p = json["participant"]?.stringValue else { return nil }; self = .participant(p)
        case "department_except":
            guard let d = json["department"]?.stringValue, let p = json["participant"]?.stringValue else { return nil }
            self = .departmentExcept(d, p)
        default: return nil
        }
    }
}

/// Someone who receives frames: the facilitator (by token), a participant, or an export.
public struct Viewer: Sendable, Equatable, Hashable {
    public enum Role: Sendable, Equatable, Hashable {
        case facilitator
        case participant(ParticipantID, Department, isDelegate: Bool)
        /// Transcript exports: sees what the room saw after reveal, never authors.
        case export
    }
    public let role: Role
    public init(_ role: Role) { self.role = role }

    public static let facilitator = Viewer(.facilitator)
    public static let export = Viewer(.export)
    public static func participant(_ id: ParticipantID, _ department: Department, delegate: Bool = false) -> Viewer {
        Viewer(.participant(id, department, isDelegate: delegate))
    }

    public var participantID: ParticipantID? { if case let .participant(id, _, _) = role { return id }; return nil }
    public var department: Department? { if case let .participant(_, d, _) = role { return d }; return nil }
    public var hasFacilitatorRights: Bool {
        switch role {
        case .facilitator: return true
        case let .participant(_, _, isDelegate): return isDelegate
        case .export: return false
        }
    }
}
