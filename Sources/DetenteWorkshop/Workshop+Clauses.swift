import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
import Foundation

/// "Who does what by when" for an agreement clause, kept beside `AgreementDraft.Clause` so the
/// draft's own shape stays the drafter's.
public struct ClauseAssignment: Sendable, Equatable {
    public let owner: Department?
    /// An ISO calendar date, `YYYY-MM-DD`.
    public let due: String?

    public var isEmpty: Bool { owner == nil && due == nil }
}

extension Workshop {
    /// - Parameter proposedBy: the department of a participant proposing itself as owner; nil for the facilitator.
    /// - Throws: `wrongPhase` outside the agreement phase, `notFound` for an unknown clause,
    ///   `invalidValue` for an unknown department or a due date that is not a real `YYYY-MM-DD` day,
    ///   `forbidden` when a department names another owner, `conflict` when another department owns it.
    func decideAssignment(_ clauseID: ClauseID, owner: Department?, due: String?, proposedBy: Department? = nil) throws(DetenteError) -> [Event] {
        guard phase == .agreement || phase == .close, let draft else {
            throw DetenteError(.wrongPhase, "owners and due dates are set on the agreement draft")
        }
        guard draft.clause(clauseID) != nil else { throw DetenteError(.notFound, "no clause \(clauseID)") }
        let owner = owner.flatMap { $0.isEmpty ? nil : $0 }
        let due = due.flatMap { $0.isEmpty ? nil : $0 }
        if let owner, !departments.contains(owner) {
            throw DetenteError(.invalidValue, "owner must be one of \(departments.joined(separator: ", "))")
        }
        if let due, !Self.isISODate(due) { throw DetenteError(.invalidValue, "due must be a calendar date written YYYY-MM-DD") }
        let current = assignments[clauseID] ?? ClauseAssignment(owner: nil, due: nil)
        if let proposedBy {
            guard owner == nil || owner == proposedBy else { throw DetenteError(.forbidden, "a department can propose only itself as owner") }
            guard current.owner == nil || current.owner == proposedBy else {
                throw DetenteError(.conflict, "\(Self.displayName(of: current.owner ?? "")) already owns this clause; ask the facilitator")
            }
        }
        if current.owner == owner, current.due == due { return [] }
        return [.clauseAssigned(clauseID, owner: owner, due: due)]
    }

    mutating func applyAssignment(_ clauseID: ClauseID, owner: Department?, due: String?) {
        let a = ClauseAssignment(owner: owner, due: due)
        assignments[clauseID] = a.isEmpty ? nil : a
    }

    /// The assignment of a clause that is still in the draft.
    public func assignment(of clauseID: ClauseID) -> ClauseAssignment? {
        draft?.clause(clauseID) != nil ? assignments[clauseID] : nil
    }

    /// True for `YYYY-MM-DD` naming a day that exists (in the proleptic Gregorian calendar, UTC).
    static func isISODate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1
        else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d <= days
    }
}
